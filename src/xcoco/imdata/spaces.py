"""
Geometry between the three spaces of an image — asset, image and video —
and the physical resolution of each.

* A TransformSpec is anything ``kwimage.Affine.coerce`` accepts: None
  (identity), ``{'type': 'affine', 'matrix': ...}``, or the concise
  ``{'scale', 'offset', 'skew', 'theta'}`` form.
* A resolution is ``'10 meter'``, a number (unitless), ``[x, y]``, ``'[10, 5]
  meter'`` or ``{'mag': [x, y], 'unit': 'meter'}``; it is the size of one
  pixel, so coarser data has a larger resolution.
"""
import re

__all__ = [
    'coerce_affine',
    'coerce_resolution',
    'scalefactor_for_resolution',
    'space_resolution',
    'warp_vid_from_img',
]

DEFAULT_RESOLUTION_KEYS = ('resolution', 'target_gsd')

_QUANTITY = re.compile(
    r'^\s*(?P<mag>\[[^\]]*\]|\([^)]*\)|[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)'
    r'\s*(?P<unit>.*?)\s*$')


def coerce_affine(spec, where=None):
    """
    A ``kwimage.Affine`` from a TransformSpec, with an error naming the field.

    Example:
        >>> coerce_affine({'scale': 2}).matrix.tolist()[0]
        [2.0, 0.0, 0.0]
        >>> coerce_affine(None).isclose_identity()
        True
        >>> coerce_affine('sideways', where="image id=1 field 'warp_img_to_vid'")
        Traceback (most recent call last):
        xcoco.errors.ManifestStructureError: image id=1 field 'warp_img_to_vid': cannot read 'sideways' as an affine TransformSpec (a matrix dict or scale/offset/skew/theta)
    """
    import kwimage
    import numpy as np

    from xcoco.errors import ManifestStructureError
    try:
        aff = kwimage.Affine.coerce(spec)
        if aff.matrix is None:
            # Affine(None) means identity; a real matrix keeps '@' and
            # np.asarray uniform downstream.
            aff = kwimage.Affine(np.eye(3))
    except Exception as ex:
        where = f'{where}: ' if where else ''
        raise ManifestStructureError(
            f'{where}cannot read {spec!r} as an affine TransformSpec '
            '(a matrix dict or scale/offset/skew/theta)') from ex
    return aff


def coerce_resolution(expr):
    """
    Parse a resolution into ``{'mag': (x, y), 'unit': str | None}``.

    Example:
        >>> coerce_resolution('10 meter')
        {'mag': (10.0, 10.0), 'unit': 'meter'}
        >>> coerce_resolution(3.1)
        {'mag': (3.1, 3.1), 'unit': None}
        >>> coerce_resolution([2, 4])
        {'mag': (2.0, 4.0), 'unit': None}
        >>> coerce_resolution('[0.5, 1] m')
        {'mag': (0.5, 1.0), 'unit': 'm'}
        >>> coerce_resolution('fast')
        Traceback (most recent call last):
        xcoco.errors.ResolutionError: cannot parse resolution 'fast': expected a number, [x, y], or a string like '10 meter'
    """
    from xcoco.errors import ResolutionError
    if isinstance(expr, dict):
        mag = expr.get('mag', None)
        if mag is None:
            raise ResolutionError(
                f"cannot parse resolution {expr!r}: a dict needs 'mag'")
        out = coerce_resolution(mag)
        out['unit'] = expr.get('unit', None) or None
        return out
    if isinstance(expr, str):
        match = _QUANTITY.match(expr)
        if match is None:
            raise ResolutionError(
                f'cannot parse resolution {expr!r}: expected a number, '
                "[x, y], or a string like '10 meter'")
        mag = match['mag']
        if mag[0] in '[(':
            mag = [p for p in re.split(r'[\s,]+', mag[1:-1]) if p]
        out = coerce_resolution(mag if isinstance(mag, list) else float(mag))
        out['unit'] = match['unit'] or None
        return out
    if isinstance(expr, (list, tuple)):
        if len(expr) != 2:
            raise ResolutionError(
                f'cannot parse resolution {expr!r}: a sequence must be [x, y]')
        x, y = expr
    else:
        x = y = expr
    try:
        return {'mag': (float(x), float(y)), 'unit': None}
    except (TypeError, ValueError):
        raise ResolutionError(
            f'cannot parse resolution {expr!r}: expected a number, [x, y], '
            "or a string like '10 meter'") from None


def warp_vid_from_img(img):
    """
    The image -> video transform of an image dict ('warp_img_to_vid').

    Example:
        >>> warp = warp_vid_from_img({'id': 1, 'warp_img_to_vid': {'scale': 0.5}})
        >>> warp.matrix.tolist()
        [[0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 1.0]]
    """
    return coerce_affine(
        img.get('warp_img_to_vid', None),
        where=f"image id={img.get('id')} field 'warp_img_to_vid'")


def _lookup(obj, keys):
    if obj is None:
        return None
    for key in keys:
        value = obj.get(key, None)
        if value is not None:
            return value
    return None


def _rescale(info, warp_new_from_old):
    """
    The resolution after warping: a 2x upscale halves the pixel size.

    Example:
        >>> import kwimage
        >>> _rescale({'mag': (10.0, 10.0), 'unit': 'm'}, kwimage.Affine.scale(2))
        {'mag': (5.0, 5.0), 'unit': 'm'}
    """
    import kwimage
    old_res = kwimage.Affine.scale(info['mag'])
    new_res = (warp_new_from_old @ old_res.inv()).inv()
    sx, sy = new_res.decompose()['scale']
    return {'mag': (float(sx), float(sy)), 'unit': info['unit']}


def space_resolution(img, video=None, space='image', asset=None,
                     resolution_keys=None):
    """
    The resolution of ``img`` in 'image', 'video' or 'asset' space, from the
    image's or the video's 'resolution' (whichever is registered; the image's
    wins in image space, the video's in video space).

    Args:
        asset (dict | None): the asset dict, required for 'asset' space

    Example:
        >>> img = {'id': 1, 'warp_img_to_vid': {'scale': 2}}
        >>> space_resolution(img, {'resolution': '10 meter'}, 'image')
        {'mag': (20.0, 20.0), 'unit': 'meter'}
        >>> asset = {'warp_aux_to_img': {'scale': 4}}
        >>> space_resolution(img, {'resolution': '10 meter'}, 'asset', asset)
        {'mag': (80.0, 80.0), 'unit': 'meter'}
    """
    from xcoco.errors import ResolutionError
    keys = DEFAULT_RESOLUTION_KEYS if resolution_keys is None else (
        (resolution_keys,) if isinstance(resolution_keys, str)
        else tuple(resolution_keys))
    img_expr = _lookup(img, keys)
    vid_expr = _lookup(video, keys)
    gid = img.get('id', None)
    if img_expr is None and vid_expr is None:
        raise ResolutionError(
            f'image id={gid}: no resolution registered (looked for '
            f'{list(keys)} on the image and its video)')
    if space == 'video':
        if vid_expr is not None:
            return coerce_resolution(vid_expr)
        return _rescale(coerce_resolution(img_expr), warp_vid_from_img(img))
    img_info = (coerce_resolution(img_expr) if img_expr is not None else
                _rescale(coerce_resolution(vid_expr),
                         warp_vid_from_img(img).inv()))
    if space == 'image':
        return img_info
    if space in {'asset', 'auxiliary'}:
        if asset is None:
            raise ResolutionError(
                f'image id={gid}: asset-space resolution needs a channel that '
                'identifies one asset')
        from xcoco.manifest.assets import WARP_KEYS, asset_warp, asset_warp_key
        field = asset_warp_key(asset) or WARP_KEYS[0]
        warp_img_from_asset = coerce_affine(
            asset_warp(asset), where=f'image id={gid} asset field {field!r}')
        return _rescale(img_info, warp_img_from_asset.inv())
    raise bad_space_error(space)


def bad_space_error(space):
    """
    The error for an unknown ``space`` argument.

    Example:
        >>> print(bad_space_error('world'))
        space='world': expected 'image', 'video' or 'asset'
    """
    from xcoco.errors import UnknownSpaceError
    return UnknownSpaceError(
        f"space={space!r}: expected 'image', 'video' or 'asset'")


def scalefactor_for_resolution(space_info, request):
    """
    The (sx, sy) scale that turns data at ``space_info`` into data at the
    ``request`` resolution.  Units must agree when both are given.

    Example:
        >>> scalefactor_for_resolution({'mag': (1.0, 1.0), 'unit': 'meter'}, '4 meter')
        (0.25, 0.25)
        >>> scalefactor_for_resolution({'mag': (1.0, 1.0), 'unit': 'meter'}, 2)
        (0.5, 0.5)
        >>> scalefactor_for_resolution({'mag': (1.0, 1.0), 'unit': 'meter'}, '4 foot')
        Traceback (most recent call last):
        xcoco.errors.UnitMismatchError: requested resolution '4 foot' is in 'foot' but the data's resolution is in 'meter'
    """
    from xcoco.errors import UnitMismatchError
    req = coerce_resolution(request)
    have, want = space_info['unit'], req['unit']
    # A unitless side is taken as "same unit" (kwcoco's rule), so
    # resolution=3.1 works against '1 meter' data.
    if have is not None and want is not None and have != want:
        raise UnitMismatchError(
            f'requested resolution {request!r} is in {want!r} but the '
            f"data's resolution is in {have!r}")
    (x1, y1), (x2, y2) = req['mag'], space_info['mag']
    return (x2 / x1, y2 / y1)
