"""
Where an image's pixels live: the image dict itself and its assets.

The spec is mid-rename (seed 000): assets sit under ``auxiliary`` (the old
name) or ``assets`` (the new one), and an asset's transform into image space
is ``warp_aux_to_img`` (old) or ``warp_img_from_asset`` (new).  Files in the
wild use either spelling, sometimes both in one manifest, so every walk over
an image's pixel sources and every read of an asset's warp goes through
this module.

Example:
    >>> from xcoco.manifest.assets import iter_asset_objs, asset_warp
    >>> img = {'file_name': 'a.png',
    ...        'assets': [{'file_name': 'b.tif', 'warp_img_from_asset': {'scale': 2}}]}
    >>> [obj['file_name'] for obj in iter_asset_objs(img)]
    ['a.png', 'b.tif']
    >>> asset_warp(img['assets'][0])
    {'scale': 2}
"""

from os import PathLike

from xcoco.errors import FieldTypeError

__all__ = [
    'ASSET_KEYS',
    'WARP_KEYS',
    'asset_warp',
    'asset_warp_key',
    'checked_file_name',
    'iter_asset_entries',
    'iter_asset_objs',
    'iter_assets',
    'iter_file_objs',
    'known_dsize',
]

#: the keys under which an image lists its assets, old spelling first
ASSET_KEYS = ('auxiliary', 'assets')
#: the keys of an asset's asset -> image transform, old spelling first
WARP_KEYS = ('warp_aux_to_img', 'warp_img_from_asset')


def iter_asset_entries(img):
    """
    ``(key, position, asset)`` for every item an image lists as an asset,
    under either spelling, in the order ``auxiliary`` then ``assets``.
    Items are yielded as found (a malformed manifest may hold non-dicts).

    Example:
        >>> img = {'auxiliary': [{'channels': 'r'}], 'assets': [{'channels': 'g'}]}
        >>> [(key, pos, obj['channels']) for key, pos, obj in iter_asset_entries(img)]
        [('auxiliary', 0, 'r'), ('assets', 0, 'g')]
    """
    for key in ASSET_KEYS:
        items = img.get(key, None)
        if isinstance(items, list):
            for pos, obj in enumerate(items):
                yield key, pos, obj


def iter_assets(img):
    """
    The asset dicts of an image (not the image itself).

    Raises:
        FieldTypeError: the asset list is not a list of objects, or an
            asset's ``file_name`` is not a string.

    Example:
        >>> [a['channels'] for a in iter_assets({'file_name': 'x', 'assets': [{'channels': 'B1'}]})]
        ['B1']
        >>> try:
        ...     list(iter_assets({'id': 3, 'assets': [{'file_name': 'a.tif'}, 'b.tif']}))
        ... except FieldTypeError as ex:
        ...     print(ex)
        image id=3 field 'assets' item 1: 'b.tif' is a str; expected an asset object
    """
    for key in ASSET_KEYS:
        items = img.get(key, None)
        if items is None:
            continue
        if not isinstance(items, list):
            raise _asset_error(img, key, None, items, 'a list of asset objects')
        for pos, obj in enumerate(items):
            if not isinstance(obj, dict):
                raise _asset_error(img, key, pos, obj, 'an asset object')
            _check_file_name(img, obj, key, pos)
            yield obj


def iter_asset_objs(img):
    """
    The dicts of an image that are pixel sources: the image itself when it
    has a ``file_name``, then every asset (files or in-memory ``imdata``).

    Example:
        >>> img = {'file_name': 'a.png', 'auxiliary': [{'file_name': 'b.tif'}]}
        >>> [o['file_name'] for o in iter_asset_objs(img)]
        ['a.png', 'b.tif']
    """
    if img.get('file_name', None) is not None:
        _check_file_name(img, img, None, None)
        yield img
    yield from iter_assets(img)


def checked_file_name(obj, img=None):
    """
    The ``file_name`` of an image or asset dict (None if it has none).

    Raises:
        FieldTypeError: the file name is not a path string, naming the
            image (``img``, when ``obj`` is one of its assets).

    Example:
        >>> checked_file_name({'file_name': 'a.png'})
        'a.png'
        >>> try:
        ...     checked_file_name({'id': 4, 'file_name': 7})
        ... except FieldTypeError as ex:
        ...     print(ex)
        image id=4 field 'file_name': 7 is a int; expected a path string
    """
    if img is None or img is obj:
        _check_file_name(obj, obj, None, None)
    else:
        key, pos = next(((key, pos) for key, pos, asset in iter_asset_entries(img)
                         if asset is obj), ('assets', None))
        _check_file_name(img, obj, key, pos)
    return obj.get('file_name', None)


def _check_file_name(img, obj, key, pos):
    name = obj.get('file_name', None)
    if name is not None and not isinstance(name, (str, PathLike)):
        raise _asset_error(img, key or 'file_name', pos, name, 'a path string',
                           inner=None if key is None else 'file_name')


def _asset_error(img, field, pos, value, expected, inner=None):
    ident = img.get('id')
    if isinstance(ident, (list, dict)):
        ident = None
    where = f'field {field!r}'
    if pos is not None:
        where += f' item {pos}'
    if inner is not None:
        where += f' key {inner!r}'
    return FieldTypeError(
        f'image id={ident!r} {where}: {value!r:.60} is a {type(value).__name__}; '
        f'expected {expected}', table='images', id=ident, field=field)


def iter_file_objs(img):
    """
    The pixel sources of an image that name a file.

    Example:
        >>> img = {'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}, {'channels': 'x'}]}
        >>> [obj['file_name'] for obj in iter_file_objs(img)]
        ['a.png', 'b.tif']
    """
    for obj in iter_asset_objs(img):
        if obj.get('file_name', None) is not None:
            yield obj


def asset_warp_key(obj):
    """
    The spelling of the warp key an asset uses, or None if it has none.

    Example:
        >>> asset_warp_key({'warp_img_from_asset': None}), asset_warp_key({})
        ('warp_img_from_asset', None)
    """
    for key in WARP_KEYS:
        if key in obj:
            return key
    return None


def asset_warp(obj, default=None):
    """
    An asset's asset -> image TransformSpec under either spelling (the old
    one wins when both are present and not None), else ``default``.

    Example:
        >>> asset_warp({'warp_aux_to_img': {'scale': 3}})
        {'scale': 3}
        >>> asset_warp({'warp_img_from_asset': {'scale': 2}})
        {'scale': 2}
        >>> asset_warp({}) is None
        True
    """
    for key in WARP_KEYS:
        value = obj.get(key, None)
        if value is not None:
            return value
    return default


def known_dsize(obj, img=None):
    """
    ``(width, height)`` of an image or asset dict, or None when either is
    missing (None).

    Raises:
        FieldTypeError: a size that is not a non-negative number, naming
            the image (``img``, when ``obj`` is one of its assets).

    Example:
        >>> known_dsize({'width': 4, 'height': 3.0}), known_dsize({'width': 4})
        ((4, 3), None)
        >>> try:
        ...     known_dsize({'id': 2, 'width': 'wide', 'height': 3})
        ... except FieldTypeError as ex:
        ...     print(ex)
        image id=2 field 'width': 'wide' is a str; expected a non-negative number
    """
    width, height = obj.get('width', None), obj.get('height', None)
    if width is None or height is None:
        return None
    for field, value in (('width', width), ('height', height)):
        if type(value) not in (int, float) or not 0 <= value < float('inf'):
            if img is None or img is obj:
                raise _asset_error(obj, field, None, value, 'a non-negative number')
            key, pos = next(((key, pos) for key, pos, asset in iter_asset_entries(img)
                             if asset is obj), ('assets', None))
            raise _asset_error(img, key, pos, value, 'a non-negative number', inner=field)
    return int(width), int(height)
