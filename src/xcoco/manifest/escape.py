"""
File names that leave their bundle folder.

A manifest names files relative to its bundle folder, but nothing stops a
name from being absolute (``/etc/passwd``, ``C:\\x``, ``\\\\server\\share``)
or from climbing out with ``..``.  kwcoco datasets use both on purpose (a
manifest written next to, not inside, its images after a reroot), so
*reading* such files stays allowed.  What this module gives is the one
answer to "does this name leave the bundle, and how?", used by
:func:`xcoco.ops.validate.validate` (which reports them) and by every
operation that writes, copies or deletes files (which refuse them unless
told ``allow_escape=True``).

Names are judged portably: a Windows drive or UNC name counts as absolute
on every system, and a backslash counts as a separator, because a manifest
written on one system is opened on another.  URIs (``s3://``, ``https://``)
name no local file and never escape; ``file://`` URIs are local paths.

Reasons, as reported:

* ``'absolute'``: an absolute name that is not inside the bundle folder;
* ``'parent'``: a relative name whose normalised form starts with ``..``;
* ``'symlink'``: a name that stays inside lexically but whose file (or
  one of its folders) is a symbolic link leading out of the bundle (only
  looked at on request, ``resolve_links=True``: it reads the disk).

Example:
    >>> from xcoco.manifest.escape import escape_reason
    >>> escape_reason('imgs/a.png', '/data/bundle') is None
    True
    >>> escape_reason('imgs/../../secret.png', '/data/bundle')
    'parent'
    >>> escape_reason('C:\\\\Windows\\\\x.png', '/data/bundle')
    'absolute'
    >>> escape_reason('/data/bundle/imgs/a.png', '/data/bundle') is None
    True
"""
from __future__ import annotations

import ntpath
import os
import posixpath
import re
import stat
from collections.abc import Iterable, Iterator
from typing import Any

from xcoco.errors import FilePathError, PathEscapeError
from xcoco.manifest.assets import iter_asset_entries

__all__ = [
    'REASONS',
    'check_write_target',
    'describe',
    'escape_reason',
    'is_absolute_name',
    'iter_escaping_files',
    'iter_file_fields',
    'refuse_escaping_files',
    'refuse_special_file',
]

#: reason -> how messages say it
REASONS = {
    'absolute': 'is absolute and outside the bundle',
    'parent': "climbs out of the bundle with '..'",
    'symlink': 'leads out of the bundle through a symbolic link',
}

# A drive ('C:'), a UNC share ('\\server' or '//server') or a root ('/', '\')
_WINDOWS_ABSOLUTE = re.compile(r'^(?:[A-Za-z]:|[\\/])')


def _local_name(file_name: str) -> str | None:
    """The local path a name stands for; None for a URI of another scheme."""
    if file_name.startswith('file://'):
        return file_name[len('file://'):] or '/'
    if '://' in file_name:
        return None
    return file_name


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives, or a mix of absolute and relative
        return False


def is_absolute_name(file_name: str) -> bool:
    """
    True if the name is absolute on this system or on Windows (a drive,
    a UNC share or a root): a name that does not travel with its bundle.

    Example:
        >>> [is_absolute_name(n) for n in ['/a', 'C:\\a', 'c:a', '\\\\srv\\a', 'a/b', 'ab:c']]
        [True, True, True, True, False, False]
    """
    return os.path.isabs(file_name) or bool(_WINDOWS_ABSOLUTE.match(file_name))


def _lexical_reason(name: str, root: str | None) -> str | None:
    if is_absolute_name(name):
        if root is None:
            return 'absolute'
        if os.name != 'nt' and (ntpath.splitdrive(name)[0] or name.startswith('\\')):
            return 'absolute'  # a Windows name can never be inside a POSIX folder
        return None if _inside(os.path.normpath(name), root) else 'absolute'
    portable = posixpath.normpath(name.replace('\\', '/'))
    if portable == '..' or portable.startswith('../'):
        return 'parent'
    return None


class _LinkResolver:
    """``realpath`` of many files, resolving each folder once."""

    def __init__(self, root: str) -> None:
        self.real_root = os.path.realpath(root)
        self._dirs: dict[str, str] = {}

    def leaves(self, full: str) -> bool:
        dpath, base = os.path.split(full)
        real_dpath = self._dirs.get(dpath)
        if real_dpath is None:
            real_dpath = self._dirs[dpath] = os.path.realpath(dpath)
        real = os.path.join(real_dpath, base)
        if os.path.islink(real):
            real = os.path.realpath(real)
        return not _inside(real, self.real_root)


def escape_reason(file_name: Any, bundle_dpath: str | os.PathLike | None = None,
                  resolve_links: bool = False, _links: _LinkResolver | None = None) -> str | None:
    """
    How ``file_name`` leaves ``bundle_dpath``: a key of :data:`REASONS`, or
    None when it stays inside (or is not a local file name at all).

    Without ``bundle_dpath`` every absolute name counts as leaving.  With
    ``resolve_links`` the disk is read: a name whose file or folder is a
    symbolic link to somewhere outside the bundle's real folder leaves
    with reason ``'symlink'``.

    Example:
        >>> import os, tempfile
        >>> from xcoco.manifest.escape import escape_reason
        >>> bundle = tempfile.mkdtemp()
        >>> os.symlink(tempfile.gettempdir(), os.path.join(bundle, 'out'))
        >>> escape_reason('out/x.png', bundle), escape_reason('out/x.png', bundle, resolve_links=True)
        (None, 'symlink')
        >>> escape_reason('..', bundle), escape_reason('\\\\\\\\server\\\\share\\\\x.png', bundle)
        ('parent', 'absolute')
        >>> escape_reason('s3://bucket/../x.png', bundle) is None
        True
    """
    if not isinstance(file_name, str):
        return None
    name = _local_name(file_name)
    if name is None or '\x00' in name:
        return None  # a remote object, or a name that opens no file at all
    root = None
    if bundle_dpath is not None:
        root = os.path.normpath(os.path.abspath(os.fspath(bundle_dpath)))
    reason = _lexical_reason(name, root)
    if reason is not None or not resolve_links or root is None:
        return reason
    links = _links if _links is not None else _LinkResolver(root)
    full = os.path.normpath(os.path.join(root, name))
    return 'symlink' if links.leaves(full) else None


def iter_file_fields(img: dict) -> Iterator[tuple[str, str]]:
    """
    ``(field, file_name)`` of an image's own file and of its assets', the
    field written as a path inside the image dict.

    Example:
        >>> list(iter_file_fields({'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}, 3]}))
        [('file_name', 'a.png'), ('assets/0/file_name', 'b.tif')]
    """
    if isinstance(img.get('file_name'), str):
        yield 'file_name', img['file_name']
    for key, pos, asset in iter_asset_entries(img):
        if isinstance(asset, dict) and isinstance(asset.get('file_name'), str):
            yield f'{key}/{pos}/file_name', asset['file_name']


def iter_escaping_files(images: Iterable[Any], bundle_dpath: str | os.PathLike | None = None,
                        resolve_links: bool = False) -> Iterator[dict[str, Any]]:
    """
    One record per file name (image or asset) that leaves the bundle:
    ``index`` (position in ``images``), ``image_id``, ``field`` (inside
    the image, e.g. ``'auxiliary/0/file_name'``), ``path`` (a JSON pointer
    into the manifest), ``file_name`` and ``reason`` (see :data:`REASONS`).
    Entries that are not dicts are skipped (the schema check names them).

    Example:
        >>> from xcoco.manifest.escape import iter_escaping_files
        >>> images = [{'id': 1, 'file_name': 'a.png'},
        ...           {'id': 2, 'file_name': 'b.png', 'auxiliary': [{'file_name': '../../c.tif'}]}]
        >>> [(r['image_id'], r['path'], r['reason']) for r in iter_escaping_files(images, '/data/b')]
        [(2, '/images/1/auxiliary/0/file_name', 'parent')]
    """
    links = None
    if resolve_links and bundle_dpath is not None:
        links = _LinkResolver(os.path.normpath(os.path.abspath(os.fspath(bundle_dpath))))
    for index, img in enumerate(images):
        if not isinstance(img, dict):
            continue
        for field, name in iter_file_fields(img):
            reason = escape_reason(name, bundle_dpath, resolve_links, _links=links)
            if reason is not None:
                yield {'index': index, 'image_id': img.get('id'), 'field': field,
                       'path': f'/images/{index}/{field}', 'file_name': name,
                       'reason': reason}


def describe(record: dict[str, Any], bundle_dpath: Any = None) -> str:
    """
    The sentence that names one escaping file: image id, field, name, why.

    Example:
        >>> describe({'image_id': 3, 'field': 'file_name', 'file_name': '../x.png',
        ...           'reason': 'parent'}, '/b')
        "image id=3 field 'file_name' = '../x.png' climbs out of the bundle with '..' (bundle '/b')"
    """
    where = f' (bundle {os.fspath(bundle_dpath)!r})' if bundle_dpath is not None else ''
    return (f"image id={record['image_id']!r} field {record['field']!r} = "
            f"{record['file_name']!r} {REASONS[record['reason']]}{where}")


def refuse_escaping_files(images: Iterable[Any], bundle_dpath: str | os.PathLike | None,
                          action: str, allow_escape: bool = False,
                          resolve_links: bool = False) -> list[dict[str, Any]]:
    """
    Raise :class:`~xcoco.errors.PathEscapeError` naming the first file
    name that leaves the bundle (and how many do) unless ``allow_escape``;
    otherwise return their records (see :func:`iter_escaping_files`).
    Callers run it before touching any file, so a refusal changes nothing.

    Example:
        >>> import pytest
        >>> from xcoco.errors import PathEscapeError
        >>> from xcoco.manifest.escape import refuse_escaping_files
        >>> images = [{'id': 7, 'file_name': '/etc/passwd'}]
        >>> with pytest.raises(PathEscapeError, match="image id=7 field 'file_name'"):
        ...     refuse_escaping_files(images, '/data/b', 'copy')
        >>> len(refuse_escaping_files(images, '/data/b', 'copy', allow_escape=True))
        1
    """
    found = list(iter_escaping_files(images, bundle_dpath, resolve_links))
    if found and not allow_escape:
        first = found[0]
        more = f' ({len(found) - 1} more file names leave it too)' if len(found) > 1 else ''
        raise PathEscapeError(
            f'refusing to {action}: {describe(first, bundle_dpath)}{more}; '
            f'pass allow_escape=True (CLI: --allow_escape) to {action} files outside the bundle',
            image_id=first['image_id'], field=first['field'], file_name=first['file_name'])
    return found


def check_write_target(target: str | os.PathLike, root: str | os.PathLike, action: str,
                       image_id: Any = None, field: str | None = None) -> str:
    """
    ``target`` as an absolute path, after checking that writing it stays
    inside ``root`` once symbolic links (of the file and its folders) are
    followed: a link planted in the destination cannot redirect a write.
    Raises :class:`~xcoco.errors.PathEscapeError` otherwise.

    Example:
        >>> import os, tempfile, pytest
        >>> from xcoco.errors import PathEscapeError
        >>> from xcoco.manifest.escape import check_write_target
        >>> root = tempfile.mkdtemp()
        >>> os.symlink(tempfile.gettempdir(), os.path.join(root, 'out'))
        >>> check_write_target(os.path.join(root, 'in', 'a.png'), root, 'copy') == os.path.join(root, 'in', 'a.png')
        True
        >>> with pytest.raises(PathEscapeError, match='symbolic link'):
        ...     check_write_target(os.path.join(root, 'out', 'a.png'), root, 'copy', image_id=1)
    """
    full = os.path.normpath(os.path.abspath(os.fspath(target)))
    real_root = os.path.realpath(os.fspath(root))
    lexical_root = os.path.normpath(os.path.abspath(os.fspath(root)))
    who = f'image id={image_id!r} ' if image_id is not None else ''
    what = f'field {field!r} ' if field is not None else ''
    if not _inside(full, lexical_root):
        raise PathEscapeError(f'refusing to {action}: {who}{what}would write {full!r}, '
                              f'outside {lexical_root!r}', image_id=image_id, field=field,
                              file_name=full)
    real = os.path.realpath(full)
    if not _inside(real, real_root):
        raise PathEscapeError(f'refusing to {action}: {who}{what}would write {full!r}, which '
                              f'leads to {real!r} through a symbolic link, outside {lexical_root!r}',
                              image_id=image_id, field=field, file_name=full)
    return full


def refuse_special_file(fpath: str | os.PathLike, context: str = '') -> None:
    """
    Refuse to read ``fpath`` if it exists but is not a regular file.

    A manifest can name a FIFO, a device or ``/dev/stdin``; opening or
    reading one blocks forever (or never ends), so every reader of
    manifest-named pixels asks here first.  A missing file passes: the
    reader reports it in its own words.

    Args:
        fpath: the file about to be read.
        context: who names it (e.g. ``'image id=3'``), for the message.

    Raises:
        FilePathError: the path is a FIFO, device, socket or folder.

    Example:
        >>> import os, tempfile
        >>> from xcoco.errors import FilePathError
        >>> fifo = os.path.join(tempfile.mkdtemp(), 'trap.png')
        >>> os.mkfifo(fifo)
        >>> try:
        ...     refuse_special_file(fifo, 'image id=1')
        ... except FilePathError as ex:
        ...     print(str(ex).split(': ')[-1])
        it is a FIFO, not a regular file
        >>> refuse_special_file('/nonexistent/x.png') is None
        True
    """
    try:
        mode = os.stat(fpath).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISREG(mode):
        return
    kind = ('a folder' if stat.S_ISDIR(mode) else 'a FIFO' if stat.S_ISFIFO(mode)
            else 'a socket' if stat.S_ISSOCK(mode) else 'a device')
    prefix = f'{context}: ' if context else ''
    raise FilePathError(f'{prefix}cannot read {os.fspath(fpath)!r}: it is {kind}, '
                        f'not a regular file')
