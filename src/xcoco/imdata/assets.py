"""
Building asset dictionaries for ``CocoImage.add_asset``: infer the size from
the data, default the warp to the scale that stretches the asset onto the
image, and write pixels to disk on request.
"""
import numbers
import os
from typing import Any

__all__ = ['add_auxiliary_item', 'add_image_asset', 'build_asset', 'primary_asset_obj',
           'write_asset']


def _check_size(value, name, gid):
    from xcoco.errors import InvalidAddError
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidAddError(
            f'cannot add asset to image id={gid}: {name}={value!r} must be an '
            f'int or None, got {type(value).__name__}')
    return int(value)


def build_asset(img, file_name=None, channels=None, imdata=None,
                warp_aux_to_img=None, width=None, height=None, image_id=None,
                **kw):
    """
    The asset dict ``CocoImage.add_asset`` appends (without 'imdata').

    Example:
        >>> build_asset({'id': 3, 'width': 10, 'height': 10}, 'b.tif',
        ...             channels='B1', width=5, height=5)
        {'image_id': 3, 'file_name': 'b.tif', 'height': 5, 'width': 5, 'channels': 'B1', 'warp_aux_to_img': {'scale': 2.0, 'type': 'affine'}}
        >>> build_asset({'id': 3}, 'b.tif', width=5, height=5)
        Traceback (most recent call last):
        xcoco.errors.InvalidAddError: cannot add asset 'b.tif' to image id=3: the image has no width/height, so warp_aux_to_img cannot be inferred; pass warp_aux_to_img or set the image size
    """
    import kwimage

    from xcoco.errors import InvalidAddError
    from xcoco.imdata.channels import coerce_fused
    from xcoco.imdata.spaces import coerce_affine
    gid = img.get('id', None)
    if imdata is None and file_name is None:
        raise InvalidAddError(
            f'cannot add asset to image id={gid}: give file_name or imdata')
    width = _check_size(width, 'width', gid)
    height = _check_size(height, 'height', gid)
    if imdata is not None:
        if width is None:
            width = int(imdata.shape[1])
        if height is None:
            height = int(imdata.shape[0])
    label = f'asset {os.fspath(file_name)!r}' if file_name is not None else 'asset'
    if warp_aux_to_img is None:
        img_w, img_h = img.get('width', None), img.get('height', None)
        if img_w is None or img_h is None:
            raise InvalidAddError(
                f'cannot add {label} to image id={gid}: the image has no '
                'width/height, so warp_aux_to_img cannot be inferred; pass '
                'warp_aux_to_img or set the image size')
        if width is None or height is None:
            raise InvalidAddError(
                f'cannot add {label} to image id={gid}: the asset width/height '
                'is unknown, so warp_aux_to_img cannot be inferred; pass '
                'width/height, imdata or warp_aux_to_img')
        warp = kwimage.Affine.scale((img_w / width, img_h / height))
    else:
        warp = coerce_affine(warp_aux_to_img,
                             where=f'{label} of image id={gid}')
    if channels is not None:
        channels = coerce_fused(channels, where=f'{label} of image id={gid}').spec
    if image_id is not None and gid is not None and image_id != gid:
        raise InvalidAddError(
            f'cannot add {label} to image id={gid}: image_id={image_id} '
            'disagrees with the parent image')
    obj = {
        'image_id': gid if image_id is None else image_id,
        'file_name': None if file_name is None else os.fspath(file_name),
        'height': height,
        'width': width,
        'channels': channels,
        'warp_aux_to_img': _concise(warp),
    }
    obj.update(kw)
    return obj


def _concise(warp):
    # Affine.concise() keeps numpy scalars; JSON dumpers want plain floats.
    def plain(v):
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return float(v) if isinstance(v, numbers.Number) else v
    return {k: plain(v) for k, v in warp.concise().items()}


def write_asset(bundle_dpath, obj, imdata, gid=None):
    """
    Write ``imdata`` to ``bundle_dpath / obj['file_name']`` (parent folders
    created).  GeoTIFF-like paths go through rasterio when it is installed.

    Example:
        >>> import numpy as np
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> fpath = write_asset(dpath, {'file_name': 'sub/a.png'}, np.zeros((4, 4, 3), np.uint8))
        >>> fpath.exists()
        True
    """
    import kwimage
    import ubelt as ub

    from xcoco.errors import InvalidAddError
    fname = obj.get('file_name', None)
    if fname is None:
        raise InvalidAddError(
            f'cannot write asset of image id={gid}: imwrite=True needs a file_name')
    if bundle_dpath is None and not os.path.isabs(fname):
        raise InvalidAddError(
            f'cannot write asset {fname!r} of image id={gid}: the path is '
            'relative and no bundle_dpath is known (attach a dataset)')
    fpath = ub.Path(bundle_dpath or '') / fname
    fpath.parent.ensuredir()
    from xcoco.imdata import geotiff
    from xcoco.imdata.backends import is_raster_path
    if is_raster_path(fpath) and geotiff.have_rasterio():
        # kwimage's GDAL-less TIFF writer stores multi-band data in a layout
        # GDAL reads as one band; rasterio writes a tiled, pixel-interleaved
        # GeoTIFF every reader agrees on.
        geotiff.write_geotiff(fpath, imdata, overviews=0)
    else:
        kwimage.imwrite(fpath, imdata)
    return fpath


def primary_asset_obj(img, requires=None):
    """
    The "main" pixel source of an image dict: the image itself when it has a
    file; else the asset whose warp to image space is closest to identity,
    ties broken by the largest area, then by order.  None if no candidate
    has every key in ``requires`` (a warp key matches either spelling).

    Example:
        >>> img = {'assets': [{'file_name': 'a', 'warp_img_from_asset': {'scale': 4}},
        ...                   {'file_name': 'b', 'width': 9, 'height': 9}]}
        >>> primary_asset_obj(img)['file_name']
        'b'
        >>> primary_asset_obj(img, requires=['warp_aux_to_img'])['file_name']
        'a'
    """
    from xcoco.manifest.assets import iter_assets
    requires = list(requires or [])
    if img.get('file_name', None) is not None:
        if all(_has_field(img, k) for k in requires):
            return img
    best, best_key = None, None
    for idx, obj in enumerate(iter_assets(img)):
        if not all(_has_field(obj, k) for k in requires):
            continue
        key = (_distortion(obj), -_area(obj, img), idx)
        if best_key is None or key < best_key:
            best, best_key = obj, key
    return best


def _distortion(obj):
    # Frobenius distance of the asset -> image warp from identity: the asset
    # on the image's own grid is the natural primary (seed 002 heuristic).
    import numpy as np

    from xcoco.imdata.spaces import coerce_affine
    from xcoco.manifest.assets import asset_warp
    warp = coerce_affine(asset_warp(obj))
    return float(np.linalg.norm(np.asarray(warp) - np.eye(3), ord='fro'))


def _has_field(obj, key):
    # a required warp may be spelled either way (seed 000 rename)
    from xcoco.manifest.assets import WARP_KEYS, asset_warp_key
    if key in WARP_KEYS:
        return asset_warp_key(obj) is not None
    return key in obj


def _area(obj, img):
    from xcoco.manifest.assets import known_dsize
    dsize = known_dsize(obj, img)
    return 0 if dsize is None else dsize[0] * dsize[1]


def add_image_asset(dset: Any, gid: Any, file_name: Any = None, channels: Any = None,
                    **kwargs: Any) -> None:
    """
    Append an asset to an image of a dataset (``CocoDataset.add_asset``);
    the keywords are :meth:`xcoco.CocoImage.add_asset`'s.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image(name='scene', width=8, height=8)
        >>> dset.add_asset(gid, 'b1.tif', channels='B1', width=4, height=4)
        >>> dset.coco_image(gid).channels.spec
        'B1'
    """
    img = dset._resolve_to_img(gid)
    dset.coco_image(img['id']).add_asset(file_name=file_name, channels=channels,
                                         image_id=img['id'], **kwargs)


def add_auxiliary_item(dset: Any, gid: Any, file_name: Any = None, channels: Any = None,
                       **kwargs: Any) -> None:
    """
    kwcoco's old name for :func:`add_image_asset`; warns (FutureWarning)
    as kwcoco does.

    Example:
        >>> import xcoco, warnings
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image(name='scene', width=8, height=8)
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always')
        ...     dset.add_auxiliary_item(gid, 'b1.tif', channels='B1', width=8, height=8)
        >>> caught[0].category.__name__
        'FutureWarning'
    """
    import warnings
    warnings.warn('"add_auxiliary_item" is deprecated: use add_asset instead',
                  FutureWarning, stacklevel=2)
    add_image_asset(dset, gid, file_name=file_name, channels=channels, **kwargs)
