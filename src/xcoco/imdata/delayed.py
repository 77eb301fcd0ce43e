"""
``CocoImage.imdelay`` as a pipeline of named steps, each building part of a
delayed-image graph (nothing is read until ``finalize``):

1. :func:`asset_leaves`     one leaf per pixel source (file or in-memory array)
2. :func:`select_leaves`    keep the sources holding a requested channel
3. :func:`dequantize_leaf`  undo the asset's QuantizationSpec (nodata -> NaN)
4. :func:`warp_leaf_to_image`  asset space -> image space
5. :func:`concat_channels`  fuse the parts, reorder / NaN-fill to the request
6. :func:`warp_to_video`    image space -> video space
7. :func:`rescale_to_resolution`  the requested physical resolution

Because the graph is optimized before it runs, a crop or a downscale of the
result is pushed down to the leaves, where the loader reads only the tiles or
the overview it needs (see :mod:`xcoco.imdata.backends`).
"""
import os

from xcoco.imdata import channels as _channels
from xcoco.imdata import spaces as _spaces
from xcoco.manifest.assets import (
    WARP_KEYS,
    asset_warp,
    asset_warp_key,
    iter_asset_objs,
    known_dsize,
)

__all__ = [
    'asset_leaves',
    'concat_channels',
    'dequantize_leaf',
    'imdelay',
    'rescale_to_resolution',
    'select_leaves',
    'warp_leaf_to_image',
    'warp_to_video',
]

_ASSET_SPACES = {'asset', 'auxiliary'}
_SPACES = {'image', 'video'} | _ASSET_SPACES


def imdelay(img, video=None, bundle_dpath=None, channels=None, space='image',
            resolution=None, interpolation='linear', antialias=True,
            nodata_method=None, resolution_keys=None, handles=None):
    """
    Build the delayed load of one image dictionary.

    Args:
        img (dict): the image dictionary
        video (dict | None): its video (for video space / resolution)
        bundle_dpath (str | None): what relative file names are relative to
        channels (str | FusedChannelSpec | None): channels to load (all if None)
        space (str): 'image', 'video' or 'asset'
        resolution (str | float | None): the physical resolution wanted
        nodata_method (str | None): None, 'float' or 'ma'
        handles (RasterHandleCache | None): keeps the files open across
            graphs (see :mod:`xcoco.imdata.handles`)

    Returns:
        DelayedImage | DelayedChannelConcat

    Example:
        >>> import numpy as np
        >>> img = {'id': 1, 'width': 8, 'height': 8, 'auxiliary': [
        ...     {'imdata': np.ones((4, 4, 1)), 'channels': 'a', 'width': 4,
        ...      'height': 4, 'warp_aux_to_img': {'scale': 2}},
        ...     {'imdata': np.zeros((8, 8, 1)), 'channels': 'b',
        ...      'width': 8, 'height': 8}]}
        >>> delayed = imdelay(img, channels='b|a|c')
        >>> final = delayed.finalize()
        >>> final.shape, final[4, 4].tolist()
        ((8, 8, 3), [0.0, 1.0, nan])
    """
    if space not in _SPACES:
        raise _spaces.bad_space_error(space)
    gid = img.get('id', None)
    requested = None
    if channels is not None:
        requested = _channels.coerce_fused(
            channels, where=f'image id={gid} imdelay(channels=...)').normalize()
    img_dsize = known_dsize(img)
    leaves = asset_leaves(img, bundle_dpath, nodata_method, handles)
    picked = select_leaves(leaves, requested)
    parts = []
    for obj, leaf in picked:
        part = dequantize_leaf(obj, leaf)
        if space not in _ASSET_SPACES:
            part = warp_leaf_to_image(img, obj, part, img_dsize,
                                      interpolation, antialias)
        parts.append(part)
    delayed = concat_channels(img, parts, requested, space, video)
    if space == 'video':
        delayed = warp_to_video(img, video, delayed, interpolation, antialias)
    if resolution is not None:
        asset = picked[0][0] if (space in _ASSET_SPACES and picked) else None
        space_info = _spaces.space_resolution(
            img, video, space, asset=asset, resolution_keys=resolution_keys)
        delayed = rescale_to_resolution(delayed, space_info, resolution,
                                        interpolation, antialias)
    return delayed


def asset_leaves(img, bundle_dpath=None, nodata_method=None, handles=None):
    """
    Step 1: a leaf node for every asset with pixels.  In-memory ``imdata``
    becomes a ``DelayedIdentity``; a ``file_name`` becomes a
    :class:`xcoco.imdata.backends.DelayedLoad` (relative to ``bundle_dpath``)
    that keeps its file open in ``handles``, a
    :class:`xcoco.imdata.handles.RasterHandleCache`.

    Returns:
        List[Tuple[dict, DelayedImage]]: (asset dict, leaf)

    Example:
        >>> img = {'file_name': 'a.png', 'channels': 'r|g|b', 'width': 3,
        ...        'height': 2, 'auxiliary': [{'channels': 'x'}]}
        >>> [(obj['channels'], leaf.dsize) for obj, leaf in asset_leaves(img, '/data')]
        [('r|g|b', (3, 2))]
    """
    from delayed_image import DelayedIdentity

    from xcoco.imdata.backends import DelayedLoad
    leaves = []
    for obj in iter_asset_objs(img):
        chans = _channels.asset_channels(img, obj)
        dsize = known_dsize(obj, img)
        imdata = obj.get('imdata', None)
        if imdata is not None:
            leaf = DelayedIdentity(imdata, channels=chans, dsize=dsize)
        elif obj.get('file_name', None) is not None:
            fpath = os.fspath(obj['file_name'])
            if bundle_dpath is not None:
                fpath = os.path.join(os.fspath(bundle_dpath), fpath)
            leaf = DelayedLoad(fpath, channels=chans, dsize=dsize,
                               nodata_method=nodata_method,
                               num_overviews=obj.get('num_overviews', None),
                               handles=handles)
        else:
            continue
        leaves.append((obj, leaf))
    return leaves


def select_leaves(leaves, requested):
    """
    Step 2: the leaves sharing a channel with ``requested`` (all if None).
    A leaf whose channels are unknown cannot be matched by name and is kept
    only for a full (``None``) request.

    Example:
        >>> from delayed_image import DelayedNans
        >>> leaves = [({'n': 1}, DelayedNans((2, 2), 'r|g')),
        ...           ({'n': 2}, DelayedNans((2, 2), 'b'))]
        >>> [o['n'] for o, _ in select_leaves(leaves, _channels.FusedChannelSpec.coerce('b'))]
        [2]
    """
    if requested is None:
        return list(leaves)
    keep = []
    for obj, leaf in leaves:
        if leaf.channels is not None and requested.intersection(leaf.channels).numel():
            keep.append((obj, leaf))
    return keep


def dequantize_leaf(obj, leaf):
    """
    Step 3: map quantized integers back to the original floats (QuantizationSpec
    ``orig_min/orig_max/quant_min/quant_max``; ``nodata`` becomes NaN).

    Example:
        >>> import numpy as np
        >>> from delayed_image import DelayedIdentity
        >>> leaf = DelayedIdentity(np.array([[[0], [65535], [1]]], dtype=np.uint16))
        >>> quant = {'orig_min': -1.0, 'orig_max': 1.0, 'quant_min': 1,
        ...          'quant_max': 65535, 'nodata': 0}
        >>> dequantize_leaf({'quantization': quant}, leaf).finalize().ravel().tolist()
        [nan, 1.0, -1.0]
    """
    quant = obj.get('quantization', None)
    if quant is None:
        return leaf
    return leaf.dequantize(quant)


def warp_leaf_to_image(img, obj, leaf, img_dsize, interpolation='linear',
                       antialias=True):
    """
    Step 4: warp an asset into image space with its 'warp_aux_to_img'
    (or 'warp_img_from_asset')
    (an identity warp onto the same canvas is dropped).

    Example:
        >>> from delayed_image import DelayedNans
        >>> img = {'id': 1, 'width': 8, 'height': 8}
        >>> obj = {'warp_aux_to_img': {'scale': 2}}
        >>> warp_leaf_to_image(img, obj, DelayedNans((4, 4), 'a'), (8, 8)).dsize
        (8, 8)
    """
    spec = None if obj is img else asset_warp(obj)
    field = asset_warp_key(obj) or WARP_KEYS[0]
    warp = _spaces.coerce_affine(
        spec, where=f"image id={img.get('id')} asset "
                    f"file_name={obj.get('file_name')!r} field {field!r}")
    dsize = 'auto' if img_dsize is None else img_dsize
    try:
        return leaf.warp(warp, dsize=dsize, interpolation=interpolation,
                         antialias=antialias, lazy=True)
    except TypeError:
        if img_dsize is not None or leaf.dsize is not None:
            raise
        # a warp needs the size of what it warps (an identity does not)
        from xcoco.errors import MissingFieldError
        raise MissingFieldError(
            f"image id={img.get('id')!r} asset file_name={obj.get('file_name')!r}: neither "
            'the image nor the asset has a width and height, so the asset cannot be '
            'warped into image space without reading the file', table='images',
            id=img.get('id'), field='width') from None


def concat_channels(img, parts, requested, space='image', video=None):
    """
    Step 5: fuse the parts into one ``DelayedChannelConcat`` in the requested
    channel order; requested channels that no asset has come back as NaN.

    In asset space every part must share one grid, otherwise delayed-image's
    ``CoordinateCompatibilityError`` is raised (seed 002).

    Example:
        >>> from delayed_image import DelayedNans
        >>> import pytest
        >>> from delayed_image.delayed_nodes import CoordinateCompatibilityError
        >>> img = {'id': 1, 'width': 4, 'height': 4}
        >>> parts = [DelayedNans((4, 4), 'a'), DelayedNans((2, 2), 'b')]
        >>> with pytest.raises(CoordinateCompatibilityError):
        ...     concat_channels(img, parts, None, space='asset')
    """
    from delayed_image import DelayedChannelConcat, DelayedNans
    from delayed_image.delayed_nodes import CoordinateCompatibilityError
    dsize = _canvas_dsize(img, parts, space, video)
    if not parts:
        if requested is None:
            from xcoco.errors import ChannelError
            raise ChannelError(
                f"image id={img.get('id')}: no pixel data registered (no "
                "file_name, auxiliary / assets file_name, or imdata)")
        return DelayedChannelConcat([DelayedNans(dsize=dsize, channels=requested)])
    if space in _ASSET_SPACES:
        grids = {tuple(p.dsize) if p.dsize is not None else None for p in parts}
        if len(grids) > 1:
            raise CoordinateCompatibilityError(
                f"image id={img.get('id')}: cannot load "
                f"{[str(p.channels) for p in parts]} together in asset space: "
                f'their assets have different sizes {sorted(map(str, grids))}; '
                "load them in 'image' or 'video' space, or one asset at a time")
    delayed = DelayedChannelConcat(parts)
    if requested is not None:
        delayed = delayed.take_channels(requested)
    return delayed


def _canvas_dsize(img, parts, space, video):
    if space == 'video':
        video = video or {}
        return (video.get('width', img.get('width', None)),
                video.get('height', img.get('height', None)))
    if space in _ASSET_SPACES and parts:
        return parts[0].dsize
    return (img.get('width', None), img.get('height', None))


def warp_to_video(img, video, delayed, interpolation='linear', antialias=True):
    """
    Step 6: image space -> video space ('warp_img_to_vid'), onto the video's
    canvas (falling back to the image's size).

    Example:
        >>> from delayed_image import DelayedNans
        >>> img = {'id': 1, 'width': 4, 'height': 4, 'warp_img_to_vid': {'scale': 2}}
        >>> warp_to_video(img, {'width': 8, 'height': 6}, DelayedNans((4, 4), 'a')).dsize
        (8, 6)
    """
    warp = _spaces.warp_vid_from_img(img)
    dsize = _canvas_dsize(img, [], 'video', video)
    if None in dsize:
        dsize = 'auto'
    return delayed.warp(warp, dsize=dsize, interpolation=interpolation,
                        antialias=antialias, lazy=True)


def rescale_to_resolution(delayed, space_info, resolution,
                          interpolation='linear', antialias=True):
    """
    Step 7: scale so one pixel covers ``resolution`` (a unit mismatch raises
    :class:`xcoco.UnitMismatchError`).

    Example:
        >>> from delayed_image import DelayedNans
        >>> node = DelayedNans((100, 100), 'a')
        >>> rescale_to_resolution(node, {'mag': (1.0, 1.0), 'unit': 'm'}, '4 m').dsize
        (25, 25)
    """
    factor = _spaces.scalefactor_for_resolution(space_info, resolution)
    return delayed.scale(factor, antialias=antialias,
                         interpolation=interpolation)
