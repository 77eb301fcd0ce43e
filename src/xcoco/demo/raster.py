"""
Write raster assets: tiled GeoTIFFs with overviews, and quantization.

:func:`write_geotiff` is the one writer the demo generators use; benchmarks
and tests may reuse it to fabricate multispectral bundles.  It prefers
rasterio (whose wheels carry GDAL, so no system GDAL is needed) and falls
back to tifffile, then to OpenCV's libtiff (plain TIFFs without overviews).
"""
import warnings

from xcoco.errors import MissingDependencyError

__all__ = ['write_geotiff', 'have_rasterio', 'quantize', 'dequantize',
           'SENTINEL2_QUANTIZATION']

# Sentinel-2 L1C products store reflectance * 10000 as uint16 with 0 as
# nodata; the multispectral demo imitates that.
SENTINEL2_QUANTIZATION = {
    'orig_dtype': 'float32',
    'orig_min': 0.0,
    'orig_max': 1.0,
    'quant_min': 0,
    'quant_max': 10000,
    'nodata': 0,
}


def have_rasterio():
    """
    True when rasterio can be imported (the ``raster`` extra).

    Example:
        >>> from xcoco.demo.raster import have_rasterio
        >>> isinstance(have_rasterio(), bool)
        True
    """
    import importlib.util
    return importlib.util.find_spec('rasterio') is not None


def quantize(data, spec, valid=None):
    """
    Map float data onto integers as described by a quantization spec.

    Values are clipped to ``[orig_min, orig_max]``; where ``valid`` is False
    (or data is NaN) the ``nodata`` value is written.  Valid values that would
    land on ``nodata`` are nudged one step inside the range so they stay valid.

    Args:
        data (ndarray): float array.
        spec (dict): ``orig_min, orig_max, quant_min, quant_max, nodata``
            and optionally ``quant_dtype`` (default uint16).
        valid (ndarray | None): boolean mask broadcastable to ``data``.

    Returns:
        ndarray: integer array.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.raster import quantize, dequantize, SENTINEL2_QUANTIZATION
        >>> data = np.array([[0.0, 0.25], [1.0, np.nan]], dtype=np.float32)
        >>> q = quantize(data, SENTINEL2_QUANTIZATION)
        >>> q.tolist()
        [[1, 2500], [10000, 0]]
        >>> dequantize(q, SENTINEL2_QUANTIZATION).astype(float).round(4).tolist()
        [[0.0001, 0.25], [1.0, nan]]
    """
    import numpy as np
    dtype = np.dtype(spec.get('quant_dtype', 'uint16'))
    omin, omax = float(spec['orig_min']), float(spec['orig_max'])
    qmin, qmax = int(spec['quant_min']), int(spec['quant_max'])
    nodata = spec.get('nodata', None)
    data = np.asarray(data, dtype=np.float64)
    isvalid = np.isfinite(data)
    if valid is not None:
        isvalid &= np.broadcast_to(valid, data.shape)
    norm = (np.clip(np.nan_to_num(data, nan=omin), omin, omax) - omin) / (omax - omin)
    quant = np.round(norm * (qmax - qmin) + qmin).astype(np.int64)
    if nodata is not None:
        step = 1 if nodata <= qmin else -1
        quant[(quant == nodata) & isvalid] += step
        quant[~isvalid] = nodata
    return quant.astype(dtype)


def dequantize(quant, spec):
    """
    Invert :func:`quantize`: integers back to floats, nodata to NaN.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.raster import dequantize
        >>> spec = {'orig_min': 0, 'orig_max': 2, 'quant_min': 0, 'quant_max': 100, 'nodata': None}
        >>> dequantize(np.array([0, 50, 100]), spec).tolist()
        [0.0, 1.0, 2.0]
    """
    import numpy as np
    omin, omax = float(spec['orig_min']), float(spec['orig_max'])
    qmin, qmax = int(spec['quant_min']), int(spec['quant_max'])
    quant = np.asarray(quant)
    out = (quant.astype(np.float32) - qmin) / (qmax - qmin) * (omax - omin) + omin
    nodata = spec.get('nodata', None)
    if nodata is not None:
        out[quant == nodata] = np.nan
    return out


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
                  compress='DEFLATE', level=None, transform=None, crs=None,
                  backend='auto'):
    """
    Write an (H, W) or (H, W, C) array as a tiled GeoTIFF with overviews.

    Args:
        fpath (str | PathLike): destination (parent must exist).
        data (ndarray): integer or float raster, channels last.
        nodata (int | float | None): recorded in the file's metadata.
        blocksize (int): tile edge in pixels (a multiple of 16).
        overviews (str | list[int]): ``'auto'`` adds factors 2, 4, ... while
            the reduced image keeps at least 64 pixels on its short side; a
            list fixes them; ``[]`` writes none.
        compress (str): a GDAL compression name.
        level (int | None): DEFLATE level (1 is fastest); None for GDAL's
            default.
        transform (ndarray | None): 3x3 affine from pixel (col, row) to
            world coordinates, recorded as the GeoTIFF geotransform.
        crs (str | None): e.g. ``'EPSG:32631'``; only with ``transform``.
        backend (str): ``'rasterio'``, ``'tifffile'``, ``'cv2'`` or
            ``'auto'`` (the first one installed, in that order).  The
            fallbacks write a TIFF without georeference, nodata tag or
            overviews; tifffile still tiles and compresses, OpenCV writes
            only 1, 3 or 4 channels.

    Returns:
        str: the backend that wrote the file.

    Example:
        >>> import numpy as np, kwimage
        >>> from xcoco.demo.raster import write_geotiff
        >>> dpath = ub.Path.appdir('xcoco', 'tests', 'raster').ensuredir()
        >>> data = (np.arange(600 * 520 * 2) % 9000).astype(np.uint16).reshape(600, 520, 2)
        >>> used = write_geotiff(dpath / 'two_band.tif', data, nodata=0)
        >>> recon = kwimage.imread(dpath / 'two_band.tif')
        >>> recon.shape, recon.dtype.name, bool((recon == data).all())
        ((600, 520, 2), 'uint16', True)
    """
    import numpy as np
    fpath = str(fpath)
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[:, :, None]
    if data.ndim != 3:
        raise ValueError(
            f'write_geotiff({fpath!r}): expected an (H, W) or (H, W, C) '
            f'array, got shape {data.shape}')
    if backend == 'auto':
        backend = _pick_backend(data.shape[2], fpath)
    if backend == 'tifffile':
        import tifffile
        tile = (blocksize, blocksize) if min(data.shape[:2]) >= blocksize else None
        if data.shape[2] == 1:
            tifffile.imwrite(fpath, data[:, :, 0], photometric='minisblack',
                             compression='zlib', tile=tile)
        else:
            tifffile.imwrite(fpath, data, photometric='minisblack',
                             planarconfig='contig', compression='zlib', tile=tile)
        return 'tifffile'
    if backend == 'cv2':
        import cv2
        if data.shape[2] not in (1, 3, 4):
            raise MissingDependencyError(
                f'write_geotiff({fpath!r}): OpenCV writes 1, 3 or 4 '
                f'channels, got {data.shape[2]}; install rasterio '
                f"('pip install xcoco[raster]')")
        # OpenCV takes BGR(A) and stores RGB(A): swap so the file holds the
        # channels in the order given, as the other backends do.
        order = {1: [0], 3: [2, 1, 0], 4: [2, 1, 0, 3]}[data.shape[2]]
        # Uncompressed: OpenCV's default LZW is unreadable by tifffile
        # without imagecodecs, and tifffile is how kwimage reads TIFFs when
        # GDAL is absent.
        params = [cv2.IMWRITE_TIFF_COMPRESSION, 1]
        if not cv2.imwrite(fpath, np.ascontiguousarray(data[:, :, order]), params):
            raise OSError(f'OpenCV could not write {fpath!r}')
        return 'cv2'
    if backend != 'rasterio':
        raise ValueError(f'write_geotiff: unknown backend {backend!r}')

    import rasterio
    from rasterio.enums import Resampling
    h, w, c = data.shape
    if overviews == 'auto':
        overviews = []
        factor = 2
        while min(h, w) // factor >= 64:
            overviews.append(factor)
            factor *= 2
    profile = dict(
        driver='GTiff', width=w, height=h, count=c, dtype=data.dtype.name,
        compress=compress, nodata=nodata,
    )
    if h >= blocksize or w >= blocksize:
        profile.update(tiled=True, blockxsize=blocksize, blockysize=blocksize)
    if c > 1:
        profile['interleave'] = 'pixel'
    if transform is not None:
        from rasterio.transform import Affine as RioAffine
        mat = np.asarray(transform, dtype=np.float64)
        profile['transform'] = RioAffine(*mat[0, :3], *mat[1, :3])
        if crs is not None:
            profile['crs'] = crs
    if level is not None and compress.upper() == 'DEFLATE':
        profile['zlevel'] = int(level)
    if data.dtype.kind == 'f':
        profile['predictor'] = 3
    elif compress.upper() in {'DEFLATE', 'LZW', 'ZSTD'}:
        profile['predictor'] = 2
    def _write():
        with rasterio.open(fpath, 'w', **profile) as dst:
            dst.write(np.ascontiguousarray(data.transpose(2, 0, 1)))
            if overviews:
                dst.build_overviews(overviews, Resampling.average)
                dst.update_tags(ns='rio_overview', resampling='average')
    if transform is not None:
        _write()
    else:
        # A file in plain pixel coordinates is intended here, not worth a
        # warning per file.  (catch_warnings is not thread-safe: callers
        # writing from threads pass a transform instead.)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', rasterio.errors.NotGeoreferencedWarning)
            _write()
    return 'rasterio'
