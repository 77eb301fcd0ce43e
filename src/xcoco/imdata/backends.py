"""
Where pixels come from: the leaf node of every imdelay graph.

delayed-image reads tiles and overviews only through GDAL's Python bindings
(``osgeo``), which have no wheels on PyPI.  rasterio's wheels carry GDAL, so
this module adds a rasterio reader with the same duck type as
``delayed_image.lazy_loaders.LazyGDalFrameFile`` (``shape``, ``dtype``,
``num_overviews``, ``get_overview``, ``__getitem__``, ``__array__``) and a
:class:`DelayedLoad` subclass that picks, per file:

1. ``osgeo`` if importable (delayed-image's own reader),
2. rasterio for raster formats that can be tiled (GeoTIFF, COG, VRT, JP2...),
   the open files kept in a :class:`xcoco.imdata.handles.RasterHandleCache`
   so that many crops of one file open it once,
3. a full read with ``kwimage.imread`` otherwise.  For formats that cannot
   be read in parts (PNG, JPEG) this is no loss and stays silent; for a
   tiled format without either backend it warns once per process.
"""
import os
import warnings

import numpy as np
from delayed_image import DelayedLoad as _BaseDelayedLoad

from xcoco.imdata import geotiff
from xcoco.imdata.handles import RasterHandleCache
from xcoco.manifest.escape import refuse_special_file

__all__ = ['DelayedLoad', 'RasterioFrame', 'is_raster_path', 'loader_name']

# Extensions GDAL can read in windows / from overviews.  Everything else is
# decoded whole by OpenCV, which is faster for small PNG / JPEG files.
RASTER_EXTS = {
    '.tif', '.tiff', '.gtif', '.vrt', '.jp2', '.j2k', '.ntf', '.nitf',
    '.img', '.bsq', '.bil', '.bip',
}

_NODATA_METHODS = {None, 'float', 'nan', 'ma'}
_WARNED_NO_BACKEND = []


def _have_gdal():
    from delayed_image import lazy_loaders
    return lazy_loaders.LazyGDalFrameFile.available()


def is_raster_path(fpath):
    """
    True when the file's format supports windowed / overview reads.

    Example:
        >>> is_raster_path('a/b.TIF'), is_raster_path('x.png')
        (True, False)
    """
    return os.path.splitext(os.fspath(fpath))[1].lower() in RASTER_EXTS


def loader_name(fpath):
    """
    Name of the backend that will read ``fpath``: 'gdal', 'rasterio' or
    'imread' (full read).

    Example:
        >>> loader_name('photo.png')
        'imread'
        >>> loader_name('scene.tif') in {'gdal', 'rasterio', 'imread'}
        True
    """
    if _have_gdal():
        return 'gdal'
    if is_raster_path(fpath) and geotiff.have_rasterio():
        return 'rasterio'
    return 'imread'


def _warn_full_read_once(fpath):
    # One warning per process: a dataset of 10k GeoTIFFs must not print 10k
    # lines, but the user must learn once why crops are slow.
    if not _WARNED_NO_BACKEND:
        _WARNED_NO_BACKEND.append(fpath)
        warnings.warn(
            f'Reading {os.fspath(fpath)!r} in full: neither GDAL (osgeo) nor '
            'rasterio is installed, so crops and coarse-resolution loads '
            'cannot read only the tiles / overview they need. '
            'Install the raster extra: pip install "xcoco[raster]"',
            RuntimeWarning, stacklevel=3)


def _apply_nodata(image, mask, nodata_method):
    """
    Turn the ``mask`` pixels of ``image`` into NaN ('float' / 'nan') or mask
    them ('ma').

    Example:
        >>> img = np.array([[0, 5]], dtype=np.uint8)
        >>> _apply_nodata(img, img == 0, 'float').tolist()
        [[nan, 5.0]]
        >>> _apply_nodata(img, img == 0, 'ma').mask.tolist()
        [[True, False]]
    """
    if nodata_method not in _NODATA_METHODS:
        raise ValueError(
            f'nodata_method={nodata_method!r}: expected one of None, '
            "'float', 'nan' or 'ma'")
    if nodata_method == 'ma':
        return np.ma.array(image, mask=mask)
    if nodata_method in {'float', 'nan'}:
        image = image.astype(np.result_type(image.dtype, np.float32))
        image[mask] = np.nan
    return image


def _norm_slice(part, size):
    if part is None:
        return 0, size
    if isinstance(part, (int, np.integer)):
        part = int(part)
        if part < 0:
            part += size
        return part, part + 1
    start, stop, step = part.indices(size)
    if step != 1:
        raise IndexError('only unit-step slices are supported in space dims')
    return start, max(start, stop)


class RasterioFrame:
    """
    A lazy array over one overview level of a raster file, read through
    rasterio in windows.

    Args:
        fpath (str | PathLike): the raster file
        nodata_method (str | None): None, 'float' (nodata -> NaN) or 'ma'
        overview (int): 0 is full resolution, k reads the k-th overview
        handles (RasterHandleCache | None): where the open file is kept;
            frames of one dataset share the dataset's cache.  None gives the
            frame (and the overview frames made from it) a small one of its
            own.

    Example:
        >>> # xdoctest: +REQUIRES(module:rasterio)
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> fpath = dpath / 'frame.tif'
        >>> data = np.arange(64 * 64 * 2, dtype=np.uint16).reshape(64, 64, 2)
        >>> geotiff.write_geotiff(fpath, data, blocksize=16, overviews=2)
        'rasterio'
        >>> frame = RasterioFrame(fpath)
        >>> frame.shape, frame.num_overviews
        ((64, 64, 2), 2)
        >>> bool((frame[3:5, 10:12] == data[3:5, 10:12]).all())
        True
        >>> frame.get_overview(1).shape
        (32, 32, 2)
    """

    def __init__(self, fpath, nodata_method=None, overview=0, handles=None):
        self.fpath = fpath
        self.nodata_method = nodata_method
        self.overview = overview
        if handles is None:
            # A frame of its own keeps its file open between reads; a few
            # slots leave room for the overview levels derived from it.
            handles = RasterHandleCache(maxsize=4)
        self.handles = handles

    def _dataset(self):
        return self.handles.dataset(self.fpath, self.overview)

    def can_open(self):
        """
        True if rasterio opens the file.  A TIFF only tifffile understands,
        or a missing file, is left to the full-read path (which raises a
        clear error naming the file if it really is unreadable).

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> RasterioFrame('/nonexistent/x.tif').can_open()
            False
        """
        import rasterio
        try:
            with self._dataset():
                pass
        except rasterio.errors.RasterioIOError:
            return False
        return True

    def __repr__(self):
        name = os.path.basename(os.fspath(self.fpath))
        return f'<RasterioFrame({name}, overview={self.overview})>'

    @property
    def num_overviews(self):
        """
        Overviews below this level.

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> import tempfile
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> fpath = dpath / 'ovr.tif'
            >>> _ = geotiff.write_geotiff(fpath, np.zeros((64, 64), np.uint8),
            ...                           blocksize=16, overviews=2)
            >>> RasterioFrame(fpath).num_overviews, RasterioFrame(fpath, overview=1).num_overviews
            (2, 1)
        """
        if self.overview:
            base = RasterioFrame(self.fpath, handles=self.handles)
            return base.num_overviews - self.overview
        with self._dataset() as ds:
            return len(ds.overviews(1))

    def get_overview(self, overview):
        """
        The frame ``overview`` levels coarser than this one.

        Example:
            >>> RasterioFrame('x.tif', overview=1).get_overview(2).overview
            3
        """
        return RasterioFrame(self.fpath, self.nodata_method,
                             self.overview + overview, handles=self.handles)

    @property
    def shape(self):
        """
        (height, width, bands) of this overview level.

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> import tempfile
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> fpath = dpath / 'shape.tif'
            >>> _ = geotiff.write_geotiff(fpath, np.zeros((32, 48, 3), np.uint8),
            ...                           blocksize=16, overviews=1)
            >>> RasterioFrame(fpath).shape, RasterioFrame(fpath, overview=1).shape
            ((32, 48, 3), (16, 24, 3))
        """
        with self._dataset() as ds:
            return (ds.height, ds.width, ds.count)

    @property
    def ndim(self):
        """
        Always 3 (height, width, bands), even for single-band files.

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> import tempfile
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> fpath = dpath / 'ndim.tif'
            >>> _ = geotiff.write_geotiff(fpath, np.zeros((16, 16), np.uint8), blocksize=16)
            >>> RasterioFrame(fpath).ndim
            3
        """
        return 3

    @property
    def dtype(self):
        """
        The numpy dtype of the file's (first) band.

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> import tempfile
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> fpath = dpath / 'dtype.tif'
            >>> _ = geotiff.write_geotiff(fpath, np.zeros((16, 16), np.int16), blocksize=16)
            >>> RasterioFrame(fpath).dtype
            dtype('int16')
        """
        with self._dataset() as ds:
            return np.dtype(ds.dtypes[0])

    def __array__(self, dtype=None, copy=None):
        data = self[:, :]
        if isinstance(data, np.ma.MaskedArray):
            data = data.filled()
        return np.asarray(data, dtype=dtype)

    def __getitem__(self, index):
        with self._dataset() as ds:
            return self._read(ds, index)

    def _read(self, ds, index):
        if not isinstance(index, tuple):
            index = (index,)
        index = index + (None,) * (3 - len(index))
        y0, y1 = _norm_slice(index[0], ds.height)
        x0, x1 = _norm_slice(index[1], ds.width)
        chans = index[2]
        if chans is None:
            band_idxs = list(range(ds.count))
        elif isinstance(chans, slice):
            band_idxs = list(range(*chans.indices(ds.count)))
        elif isinstance(chans, (int, np.integer)):
            band_idxs = [int(chans)]
        else:
            band_idxs = [int(c) for c in chans]
        if not band_idxs or y1 <= y0 or x1 <= x0:
            return np.empty((y1 - y0, x1 - x0, len(band_idxs)),
                            dtype=np.dtype(ds.dtypes[0]))
        from rasterio.windows import Window
        window = Window(x0, y0, x1 - x0, y1 - y0)
        data = ds.read([b + 1 for b in band_idxs], window=window)
        image = data.transpose(1, 2, 0)
        if self.nodata_method is not None:
            mask = np.zeros(image.shape, dtype=bool)
            for i, b in enumerate(band_idxs):
                nodata = ds.nodatavals[b]
                if nodata is not None:
                    if np.isnan(nodata):
                        mask[..., i] = np.isnan(image[..., i])
                    else:
                        mask[..., i] = image[..., i] == nodata
            image = _apply_nodata(image, mask, self.nodata_method)
        return image


class DelayedLoad(_BaseDelayedLoad):
    """
    delayed-image's ``DelayedLoad`` with a rasterio reader behind it when GDAL's
    own bindings are missing.  Same class name, so graphs print the same as
    kwcoco's (``Load channels=...``).

    Args:
        handles (RasterHandleCache | None): where the rasterio reader keeps
            the file open; ``CocoImage.imdelay`` passes its dataset's, so
            every graph built from one dataset reuses the open files.
        **kw: as delayed-image's ``DelayedLoad``

    Example:
        >>> import kwimage
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> fpath = dpath / 'small.png'
        >>> kwimage.imwrite(fpath, np.full((8, 6, 3), 7, dtype=np.uint8))
        >>> node = DelayedLoad(fpath, channels='r|g|b').prepare()
        >>> node.dsize
        (6, 8)
        >>> node[2:4, 1:3].finalize()[..., 0].tolist()
        [[7, 7], [7, 7]]
    """

    def __init__(self, fpath, channels=None, dsize=None, nodata_method=None,
                 num_overviews=None, handles=None):
        super().__init__(fpath, channels=channels, dsize=dsize,
                         nodata_method=nodata_method,
                         num_overviews=num_overviews)
        self.handles = handles

    def _load_reference(self):
        if self.lazy_ref is None:
            refuse_special_file(self.fpath)
            nodata_method = self.meta.get('nodata_method', None)
            backend = loader_name(self.fpath)
            if backend == 'gdal':
                return super()._load_reference()
            self.lazy_ref = NotImplemented
            if backend == 'rasterio':
                frame = RasterioFrame(self.fpath, nodata_method,
                                      handles=self.handles)
                if frame.can_open():
                    self.lazy_ref = frame
        return self

    def _finalize(self):
        self._load_reference()
        ref = self.lazy_ref
        if ref is NotImplemented:
            import kwarray
            import kwimage
            if is_raster_path(self.fpath) and loader_name(self.fpath) == 'imread':
                _warn_full_read_once(self.fpath)
            data = kwarray.atleast_nd(kwimage.imread(self.fpath), 3)
            return data
        ref.nodata_method = self.meta.get('nodata_method', None)
        return ref
