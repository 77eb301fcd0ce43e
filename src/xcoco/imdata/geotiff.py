"""
GeoTIFF files on disk: the one writer (tiled, compressed, with internal
overviews and an optional georeference), the one check that rasterio is
installed, and the one way xcoco opens a raster for reading.

rasterio is preferred because its wheels carry GDAL, so no system GDAL is
needed (kwimage's tiled writer needs ``osgeo``, which has no wheels).
Without it :func:`write_geotiff` falls back to tifffile, then to OpenCV's
libtiff, which write plain TIFFs without georeference, nodata or overviews.
"""
import contextlib
import os
import threading
import warnings

from xcoco.errors import MissingDependencyError

__all__ = ['have_rasterio', 'open_raster', 'write_geotiff']

# Compressions for which a horizontal-differencing predictor pays off.
_PREDICTOR_CODECS = {'DEFLATE', 'LZW', 'ZSTD', 'LZMA'}
# GDAL's creation option carrying each codec's level.
_LEVEL_OPTIONS = {'DEFLATE': 'zlevel', 'ZSTD': 'zstd_level'}

# warnings.catch_warnings swaps the process-wide filter list and restores it
# on exit; two of our threads interleaving would restore each other's
# filters and leave one installed for good.  Serialising our own uses keeps
# the borrow honest (code outside xcoco using catch_warnings concurrently is
# beyond our reach before Python 3.14's context-local filters).
_QUIET_LOCK = threading.Lock()


@contextlib.contextmanager
def _quiet_not_georeferenced():
    import rasterio
    with _QUIET_LOCK, warnings.catch_warnings():
        # A file in plain pixel coordinates is intended here (kwcoco bundles
        # are mostly not georeferenced), not worth a warning per file.
        warnings.simplefilter('ignore', rasterio.errors.NotGeoreferencedWarning)
        yield


def have_rasterio():
    """
    True when rasterio can be imported (the ``raster`` extra).  Readers and
    writers ask this one function, so a test can pretend rasterio is missing
    by patching ``xcoco.imdata.geotiff.have_rasterio`` alone.

    Example:
        >>> from xcoco.imdata.geotiff import have_rasterio
        >>> isinstance(have_rasterio(), bool)
        True
    """
    try:
        import rasterio  # NOQA
    except ImportError:
        return False
    return True


def open_raster(fpath, overview=0):
    """
    Open a raster for reading with rasterio, one overview level as its own
    dataset: GDAL's OVERVIEW_LEVEL open option makes windowed reads touch
    only that level's tiles.  No NotGeoreferencedWarning for plain pixel
    files.  The caller closes it (or uses ``with``).

    Args:
        fpath (str | PathLike): the raster file
        overview (int): 0 for full resolution, k for the k-th overview

    Returns:
        rasterio.io.DatasetReader

    Example:
        >>> # xdoctest: +REQUIRES(module:rasterio)
        >>> import numpy as np, tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> _ = write_geotiff(dpath / 'o.tif', np.zeros((64, 64), np.uint8),
        ...                   blocksize=16, overviews=2)
        >>> with open_raster(dpath / 'o.tif', overview=1) as ds:
        ...     print(ds.shape)
        (32, 32)
    """
    import rasterio
    kw = {}
    if overview:
        kw['overview_level'] = overview - 1
    with _quiet_not_georeferenced():
        return rasterio.open(os.fspath(fpath), **kw)


def _overview_factors(overviews, h, w, fpath):
    if overviews is None:
        return []
    if isinstance(overviews, str):
        if overviews != 'auto':
            raise ValueError(
                f'write_geotiff({fpath!r}): overviews={overviews!r}; expected '
                "'auto', a count or a list of factors")
        # Stop while the coarsest level still has 64 pixels on its short
        # side: below that an overview saves nothing a full read would not.
        factors, factor = [], 2
        while min(h, w) // factor >= 64:
            factors.append(factor)
            factor *= 2
        return factors
    if isinstance(overviews, int) and not isinstance(overviews, bool):
        return [2 ** (i + 1) for i in range(overviews)]
    try:
        factors = [int(f) for f in overviews]
    except (TypeError, ValueError):
        factors = None
    if factors is None or any(f < 2 for f in factors):
        raise ValueError(
            f'write_geotiff({fpath!r}): overviews={overviews!r}; expected '
            "'auto', a count or a list of factors >= 2")
    return factors


def _pick_backend(num_channels, fpath):
    import importlib.util
    if have_rasterio():
        return 'rasterio'
    if importlib.util.find_spec('tifffile') is not None:
        return 'tifffile'
    if num_channels in (1, 3, 4):
        return 'cv2'
    raise MissingDependencyError(
        f'writing {fpath!r} ({num_channels} channels) needs rasterio or '
        f"tifffile; install one ('pip install xcoco[raster]')")


def write_geotiff(fpath, data, nodata=None, blocksize=256, overviews='auto',
                  resampling='nearest', compress='DEFLATE', level=None,
                  predictor='auto', transform=None, crs=None, backend='auto'):
    """
    Write an (H, W) or (H, W, C) array as a tiled GeoTIFF with overviews.

    Args:
        fpath (str | PathLike): destination (parent must exist).
        data (ndarray): integer or float raster, channels last.
        nodata (int | float | None): recorded as the bands' nodata.
        blocksize (int): tile edge in pixels (a multiple of 16); images
            smaller than one tile are written in strips.
        overviews (str | int | list[int] | None): ``'auto'`` adds factors
            2, 4, ... while the reduced image keeps at least 64 pixels on its
            short side; an int ``n`` adds 2, 4, ..., 2**n; a list fixes the
            factors; ``0``, ``[]`` or None writes none.
        resampling (str): how overviews are reduced, a
            ``rasterio.enums.Resampling`` name: 'nearest' (keeps values
            exact: labels, quantized data) or 'average' (smooth imagery).
        compress (str | None): a GDAL compression name; None or 'NONE'
            stores raw tiles.
        level (int | None): DEFLATE or ZSTD level (DEFLATE 1 is fastest);
            None for GDAL's default.
        predictor (str | int | None): 'auto' uses 3 (floating point) for
            float data and 2 (horizontal differencing) for integers when the
            codec benefits; an int is passed to GDAL; None writes none.
        transform (ndarray | None): 3x3 affine from pixel (col, row) to
            world coordinates, recorded as the GeoTIFF geotransform.
        crs (str | None): e.g. ``'EPSG:32631'``.
        backend (str): ``'rasterio'``, ``'tifffile'``, ``'cv2'`` or
            ``'auto'`` (the first one installed, in that order).  The
            fallbacks write a TIFF without georeference, nodata tag or
            overviews; tifffile still tiles and compresses (zlib whatever
            ``compress`` names), OpenCV writes only 1, 3 or 4 channels,
            uncompressed.

    Returns:
        str: the backend that wrote the file.

    Example:
        >>> import numpy as np, kwimage, tempfile
        >>> from xcoco.imdata.geotiff import write_geotiff
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> data = (np.arange(600 * 520 * 2) % 9000).astype(np.uint16).reshape(600, 520, 2)
        >>> used = write_geotiff(dpath / 'two_band.tif', data, nodata=0)
        >>> recon = kwimage.imread(dpath / 'two_band.tif')
        >>> recon.shape, recon.dtype.name, bool((recon == data).all())
        ((600, 520, 2), 'uint16', True)

    Example:
        >>> # xdoctest: +REQUIRES(module:rasterio)
        >>> import numpy as np, rasterio, tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> write_geotiff(dpath / 'w.tif', np.zeros((40, 40), np.uint8),
        ...               blocksize=16, overviews=1, nodata=0)
        'rasterio'
        >>> with rasterio.open(dpath / 'w.tif') as ds:
        ...     print(ds.block_shapes, ds.overviews(1), ds.nodata)
        [(16, 16)] [2] 0.0
    """
    import numpy as np
    fpath = os.fspath(fpath)
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[:, :, None]
    if data.ndim != 3:
        raise ValueError(
            f'write_geotiff({fpath!r}): expected an (H, W) or (H, W, C) '
            f'array, got shape {data.shape}')
    codec = None if compress is None else str(compress).upper()
    if codec == 'NONE':
        codec = None
    if backend == 'auto':
        backend = _pick_backend(data.shape[2], fpath)
    if backend == 'tifffile':
        return _write_tifffile(fpath, data, blocksize, codec, level)
    if backend == 'cv2':
        return _write_cv2(fpath, data)
    if backend != 'rasterio':
        raise ValueError(
            f'write_geotiff({fpath!r}): unknown backend {backend!r}; expected '
            "'auto', 'rasterio', 'tifffile' or 'cv2'")

    import rasterio
    from rasterio.enums import Resampling
    h, w, c = data.shape
    factors = _overview_factors(overviews, h, w, fpath)
    try:
        method = Resampling[resampling]
    except KeyError:
        raise ValueError(
            f'write_geotiff({fpath!r}): resampling={resampling!r}; expected '
            f'one of {[r.name for r in Resampling]}') from None
    profile = {'driver': 'GTiff', 'width': w, 'height': h, 'count': c,
               'dtype': data.dtype.name, 'nodata': nodata}
    if codec is not None:
        profile['compress'] = codec
    if h >= blocksize or w >= blocksize:
        profile.update(tiled=True, blockxsize=blocksize, blockysize=blocksize)
    if c > 1:
        profile['interleave'] = 'pixel'
    if transform is not None:
        from rasterio.transform import Affine as RioAffine
        mat = np.asarray(transform, dtype=np.float64).reshape(-1)
        if mat.size not in (6, 9):
            raise ValueError(
                f'write_geotiff({fpath!r}): transform must be a 3x3 affine '
                f'matrix, got {np.shape(transform)}')
        profile['transform'] = RioAffine(*mat[:6])
    if crs is not None:
        profile['crs'] = crs
    if level is not None:
        if codec not in _LEVEL_OPTIONS:
            raise ValueError(
                f'write_geotiff({fpath!r}): level={level!r} needs compress '
                f'in {sorted(_LEVEL_OPTIONS)}, got compress={compress!r}')
        profile[_LEVEL_OPTIONS[codec]] = int(level)
    if predictor == 'auto':
        if codec in _PREDICTOR_CODECS:
            profile['predictor'] = 3 if data.dtype.kind == 'f' else 2
    elif predictor is not None:
        profile['predictor'] = int(predictor)

    if transform is None:
        with _quiet_not_georeferenced():
            dst = rasterio.open(fpath, 'w', **profile)
    else:
        dst = rasterio.open(fpath, 'w', **profile)
    with dst:
        dst.write(np.ascontiguousarray(data.transpose(2, 0, 1)))
        if factors:
            dst.build_overviews(factors, method)
            dst.update_tags(ns='rio_overview', resampling=method.name)
    return 'rasterio'


def _write_tifffile(fpath, data, blocksize, codec, level):
    import tifffile
    tile = (blocksize, blocksize) if min(data.shape[:2]) >= blocksize else None
    kw = {}
    if codec is not None:
        # tifffile encodes zlib itself; other codecs need imagecodecs.
        kw['compression'] = 'zlib'
        if level is not None:
            kw['compressionargs'] = {'level': int(level)}
    if data.shape[2] == 1:
        tifffile.imwrite(fpath, data[:, :, 0], photometric='minisblack',
                         tile=tile, **kw)
    else:
        tifffile.imwrite(fpath, data, photometric='minisblack',
                         planarconfig='contig', tile=tile, **kw)
    return 'tifffile'


def _write_cv2(fpath, data):
    import cv2
    import numpy as np
    if data.shape[2] not in (1, 3, 4):
        raise MissingDependencyError(
            f'write_geotiff({fpath!r}): OpenCV writes 1, 3 or 4 '
            f'channels, got {data.shape[2]}; install rasterio '
            f"('pip install xcoco[raster]')")
    # OpenCV takes BGR(A) and stores RGB(A): swap so the file holds the
    # channels in the order given, as the other backends do.
    order = {1: [0], 3: [2, 1, 0], 4: [2, 1, 0, 3]}[data.shape[2]]
    # Uncompressed: OpenCV's default LZW is unreadable by tifffile without
    # imagecodecs, and tifffile is how kwimage reads TIFFs when GDAL is
    # absent.
    params = [cv2.IMWRITE_TIFF_COMPRESSION, 1]
    if not cv2.imwrite(fpath, np.ascontiguousarray(data[:, :, order]), params):
        raise OSError(f'OpenCV could not write {fpath!r}')
    return 'cv2'
