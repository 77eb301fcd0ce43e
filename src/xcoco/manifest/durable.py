"""
Publishing files and folders so that a crash never leaves half of one.

Every writer in xcoco that replaces something in place (a manifest, a
frozen snapshot folder, a cached SQLite view) builds the new version under
a temporary name beside the target, flushes it to disk, and renames it
over the target; then the folder holding the target is flushed too, so the
rename itself survives a power cut.  A process killed at any moment leaves
the old version or the new one, whole.

What a killed writer cannot do is remove its temporary file.  Each
temporary (``.<name>.<random>.tmp``) is held under an exclusive ``flock``
for as long as its writer lives; the kernel drops the lock when the
process dies, however it dies.  The next write of the same target removes
the temporaries whose lock it can take (see :func:`sweep_stale`): those of
dead writers, never one a live writer is still filling.  Readers never look
at temporaries (hidden names ending in ``.tmp``; a SQLite temporary's
``-wal`` / ``-shm`` / ``-journal`` go with it).

Example:
    >>> import os, tempfile
    >>> from xcoco.manifest.durable import create_temp_beside, sweep_stale
    >>> dpath = tempfile.mkdtemp()
    >>> target = os.path.join(dpath, 'data.json')
    >>> fd, tmp = create_temp_beside(target)
    >>> os.path.basename(tmp).startswith('.data.json.') and tmp.endswith('.tmp')
    True
    >>> sweep_stale(target)   # its writer (this process) still holds it
    []
    >>> os.close(fd)          # as if the writer had died
    >>> _ = open(tmp, 'wb').write(b'half')
    >>> [os.path.basename(p) == os.path.basename(tmp) for p in sweep_stale(target)]
    [True]
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import time
import uuid

try:  # POSIX only: elsewhere temporaries are not swept (nor locked)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ['create_temp_beside', 'create_temp_dir_beside', 'exchange', 'fsync_dir',
           'sweep_stale', 'temp_prefix']

#: an unlocked temporary younger than this and still empty may belong to a
#: writer between creating it and locking it; it is left for a later sweep
_GRACE_SECONDS = 5.0


def temp_prefix(target: str) -> str:
    """
    The name prefix of the temporaries beside ``target`` (``.<name>.``).

    Example:
        >>> temp_prefix('/data/train.kwcoco.json')
        '.train.kwcoco.json.'
    """
    return '.' + os.path.basename(os.fspath(target)) + '.'


def _temp_path(target):
    dpath, name = os.path.split(target)
    return os.path.join(dpath, f'.{name}.{uuid.uuid4().hex[:12]}.tmp')


def _lock(fd):
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def create_temp_beside(target: str | os.PathLike) -> tuple[int, str]:
    """
    Create (exclusively) and lock a new temporary file beside ``target``.
    Returns its descriptor (open for writing; the lock lives as long as
    it is open) and path.  The file gets the mode any new file gets (0666
    less the umask, applied by the kernel: the umask is never read here).

    Example:
        >>> import os, tempfile
        >>> fd, tmp = create_temp_beside(os.path.join(tempfile.mkdtemp(), 'a.json'))
        >>> os.write(fd, b'x'), os.path.getsize(tmp)
        (1, 1)
        >>> os.close(fd)
    """
    target = os.fspath(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0)
    for _ in range(100):
        tmp = _temp_path(target)
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        try:
            _lock(fd)
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        return fd, tmp
    raise FileExistsError(f'could not create a temporary file beside {target}')


def create_temp_dir_beside(target: str | os.PathLike) -> tuple[int | None, str]:
    """
    Create and lock a new temporary folder beside ``target``; returns a
    descriptor holding the lock (None where folders cannot be locked; close
    it when done) and the path.

    Example:
        >>> import os, tempfile
        >>> fd, tmp = create_temp_dir_beside(os.path.join(tempfile.mkdtemp(), 'snap'))
        >>> os.path.isdir(tmp)
        True
        >>> os.close(fd) if fd is not None else None
    """
    target = os.fspath(target)
    for _ in range(100):
        tmp = _temp_path(target)
        try:
            os.mkdir(tmp)
        except FileExistsError:
            continue
        if fcntl is None:
            return None, tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            _lock(fd)
        except BaseException:
            os.close(fd)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return fd, tmp
    raise FileExistsError(f'could not create a temporary folder beside {target}')


def fsync_dir(dpath: str | os.PathLike) -> None:
    """
    Flush a folder's entries (a rename into it) to disk.  A no-op where
    folders cannot be opened (Windows).

    Example:
        >>> import tempfile
        >>> fsync_dir(tempfile.mkdtemp())
    """
    try:
        fd = os.open(os.fspath(dpath), os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems refuse: nothing more to do
            os.fsync(fd)
    finally:
        os.close(fd)


def _is_stale(path, entry_stat):
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live writer holds it
        if stat.S_ISDIR(entry_stat.st_mode):
            filled = bool(os.listdir(path))
        else:
            filled = entry_stat.st_size > 0
        return filled or time.time() - entry_stat.st_mtime > _GRACE_SECONDS
    finally:
        os.close(fd)


def sweep_stale(target: str | os.PathLike) -> list[str]:
    """
    Remove the temporaries that killed writers left beside ``target``
    (files and folders named ``.<name>.<random>.tmp`` whose lock no live
    process holds).  Returns what was removed.  Errors are ignored: a
    temporary that cannot be removed now is tried again next time.

    Example:
        >>> import os, tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), 'x.json')
        >>> sweep_stale(target)
        []
    """
    target = os.fspath(target)
    dpath = os.path.dirname(target) or '.'
    prefix = temp_prefix(target)
    removed = []
    try:
        entries = [e for e in os.scandir(dpath)
                   if e.name.startswith(prefix) and e.name.endswith('.tmp')]
    except OSError:
        return removed
    for entry in entries:
        try:
            entry_stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISLNK(entry_stat.st_mode) or not _is_stale(entry.path, entry_stat):
            continue
        try:
            if stat.S_ISDIR(entry_stat.st_mode):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.path)
        for suffix in _SQLITE_SIDECARS:  # a killed SQLite builder's journal
            with contextlib.suppress(OSError):
                os.unlink(entry.path + suffix)
    return removed


_SQLITE_SIDECARS = ('-wal', '-shm', '-journal')


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2 = None


def _load_renameat2():
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith('linux'):
            import ctypes
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                func = libc.renameat2
            except (OSError, AttributeError):
                return False
            func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                             ctypes.c_char_p, ctypes.c_uint]
            func.restype = ctypes.c_int
            _renameat2 = func
    return _renameat2


def exchange(path_a: str | os.PathLike, path_b: str | os.PathLike) -> bool:
    """
    Swap two existing paths (folders too) in one atomic step, so that
    either name always holds one whole version.  Returns False where the
    system or file system cannot (then nothing changed and the caller
    falls back to two renames).

    Example:
        >>> import os, tempfile
        >>> dpath = tempfile.mkdtemp()
        >>> a, b = os.path.join(dpath, 'a'), os.path.join(dpath, 'b')
        >>> os.mkdir(a); os.mkdir(b); _ = open(os.path.join(a, 'x'), 'w').close()
        >>> swapped = exchange(a, b)
        >>> os.listdir(b) == ['x'] if swapped else True
        True
    """
    func = _load_renameat2()
    if not func:
        return False
    import ctypes
    result = func(_AT_FDCWD, os.fsencode(path_a), _AT_FDCWD, os.fsencode(path_b),
                  _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, f'cannot swap {os.fspath(path_a)!r} and {os.fspath(path_b)!r}: '
                  f'{os.strerror(code)}')
