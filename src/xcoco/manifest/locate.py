"""
Where files are: the file-name fields of images and their assets, and how
to express them against another bundle folder.
"""
import os

__all__ = ['iter_file_objs', 'rebase_file_name']


def iter_file_objs(img):
    """
    The dicts of one image that carry a ``file_name``: the image itself
    (when it has one) and each asset under ``auxiliary`` or ``assets``.

    Example:
        >>> img = {'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}, {'channels': 'x'}]}
        >>> [obj['file_name'] for obj in iter_file_objs(img)]
        ['a.png', 'b.tif']
    """
    if img.get('file_name', None) is not None:
        yield img
    for key in ('auxiliary', 'assets'):
        for asset in img.get(key, None) or ():
            if asset.get('file_name', None) is not None:
                yield asset


def rebase_file_name(file_name, old_bundle, new_bundle, absolute=False,
                     keep_absolute=False):
    """
    Express ``file_name`` (relative to ``old_bundle`` or absolute) relative
    to ``new_bundle``, or as an absolute path.  Names that are URIs
    (``scheme://...``) are left alone, and so are absolute names when
    ``keep_absolute``.

    Example:
        >>> rebase_file_name('imgs/a.png', '/data/v1', '/data')
        'v1/imgs/a.png'
        >>> rebase_file_name('imgs/a.png', '/data/v1', '/data', absolute=True)
        '/data/v1/imgs/a.png'
        >>> rebase_file_name('s3://bucket/a.png', '/data/v1', '/data')
        's3://bucket/a.png'
        >>> rebase_file_name('/mnt/a.png', '/data/v1', '/data', keep_absolute=True)
        '/mnt/a.png'
    """
    if '://' in file_name:
        return file_name
    if os.path.isabs(file_name):
        if keep_absolute:
            return file_name
        full = file_name
    else:
        full = os.path.normpath(os.path.join(os.path.abspath(old_bundle), file_name))
    if absolute:
        return full
    return os.path.relpath(full, os.path.abspath(new_bundle))
