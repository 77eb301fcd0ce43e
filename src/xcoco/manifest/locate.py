"""
How to express a file name against another bundle folder.  The walk over
the file-holding dicts of an image lives in :mod:`xcoco.manifest.assets`.
"""
import os

__all__ = ['rebase_file_name']


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
