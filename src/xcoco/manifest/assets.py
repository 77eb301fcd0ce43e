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

__all__ = [
    'ASSET_KEYS',
    'WARP_KEYS',
    'asset_warp',
    'asset_warp_key',
    'iter_asset_entries',
    'iter_asset_objs',
    'iter_assets',
    'iter_file_objs',
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

    Example:
        >>> [a['channels'] for a in iter_assets({'file_name': 'x', 'assets': [{'channels': 'B1'}]})]
        ['B1']
    """
    for _, _, obj in iter_asset_entries(img):
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
        yield img
    yield from iter_assets(img)


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
