"""
The demo cache: one bundle folder per normalized request, published atomically.

A generator writes its files and manifest into a private temporary folder
next to the destination, then the folder is renamed into place.  A rename is
atomic on one filesystem, so a reader sees either no bundle or a complete
one, and two processes generating the same key at once each build their own
copy; the first rename wins and the loser deletes its copy and uses the
winner's (no lock is needed, at the price of duplicated work in that race).
"""
import os

from xcoco.errors import DemoCacheError

__all__ = ['MANIFEST_NAME', 'demo_cache_root', 'ensure_bundle', 'read_stamp']

MANIFEST_NAME = 'data.kwcoco.json'
STAMP_NAME = '_xcoco_demo_stamp.json'
ENV_VAR = 'XCOCO_DEMO_DPATH'


def demo_cache_root(dpath=None):
    """
    The folder that holds demo bundles.

    Precedence: ``dpath`` argument, then the ``XCOCO_DEMO_DPATH`` environment
    variable, then the user cache directory (``~/.cache/xcoco/demodata`` on
    Linux).

    Example:
        >>> import os
        >>> from xcoco.demo.cache import demo_cache_root
        >>> demo_cache_root('/tmp/mydemo').name
        'mydemo'
        >>> root = demo_cache_root()
        >>> if os.environ.get('XCOCO_DEMO_DPATH'):
        ...     assert root == ub.Path(os.environ['XCOCO_DEMO_DPATH']).expand()
        ... else:
        ...     assert root.name == 'demodata'
    """
    import ubelt as ub
    if dpath is None:
        dpath = os.environ.get(ENV_VAR) or None
    if dpath is None:
        return ub.Path.appdir('xcoco', 'demodata', type='cache')
    return ub.Path(dpath).expand()


def read_stamp(bundle_dpath):
    """
    The stamp a finished bundle carries, or None if it is missing / unreadable.

    Example:
        >>> from xcoco.demo.cache import read_stamp
        >>> read_stamp('/nonexistent/bundle') is None
        True
    """
    import orjson
    fpath = os.path.join(bundle_dpath, STAMP_NAME)
    try:
        with open(fpath, 'rb') as file:
            return orjson.loads(file.read())
    except (OSError, orjson.JSONDecodeError):
        return None


def _is_valid(bundle_dpath, tag):
    stamp = read_stamp(bundle_dpath)
    return (stamp is not None and stamp.get('tag') == tag
            and os.path.isfile(os.path.join(bundle_dpath, MANIFEST_NAME)))


def ensure_bundle(build, tag, bundle_dpath, use_cache=True, info=None,
                  replace_unstamped=True):
    """
    Return a complete bundle folder for ``tag``, building it if needed.

    Args:
        build (Callable[[Path], None]): writes every file of the bundle,
            manifest included, into the folder it is given.
        tag (str): identity of the request; a bundle whose stamp names another
            tag is stale and gets replaced.
        bundle_dpath (PathLike): where the finished bundle lives.
        use_cache (bool): False rebuilds even when a valid bundle exists.
        info (dict | None): extra JSON-able facts recorded in the stamp.
        replace_unstamped (bool): whether an existing non-empty folder
            without a stamp may be replaced.  False protects a folder the
            user named that is not a demo bundle.

    Returns:
        Path: ``bundle_dpath`` (now valid).

    Example:
        >>> from xcoco.demo.cache import ensure_bundle, read_stamp
        >>> import tempfile
        >>> root = ub.Path(tempfile.mkdtemp())
        >>> calls = []
        >>> def build(dpath):
        ...     calls.append(dpath)
        ...     (dpath / 'data.kwcoco.json').write_text('{}')
        >>> ensure_bundle(build, 'tag1', root / 'b').name
        'b'
        >>> _ = ensure_bundle(build, 'tag1', root / 'b')   # reused
        >>> _ = ensure_bundle(build, 'tag2', root / 'b')   # stale: rebuilt
        >>> len(calls), read_stamp(root / 'b')['tag']
        (2, 'tag2')
    """
    import shutil
    import tempfile
    import time

    import orjson
    import ubelt as ub
    bundle_dpath = ub.Path(bundle_dpath)
    if use_cache and _is_valid(bundle_dpath, tag):
        return bundle_dpath
    parent = bundle_dpath.parent.ensuredir()
    _remove_abandoned(parent, bundle_dpath.name)
    tmp_dpath = ub.Path(tempfile.mkdtemp(
        prefix=f'.tmp-{bundle_dpath.name}-', dir=parent))
    try:
        start = time.perf_counter()
        build(tmp_dpath)
        if not (tmp_dpath / MANIFEST_NAME).is_file():
            raise DemoCacheError(
                f'demo generator for {tag!r} wrote no {MANIFEST_NAME} '
                f'in {tmp_dpath}')
        stamp = {'tag': tag, 'seconds': round(time.perf_counter() - start, 3),
                 **(info or {})}
        # The stamp is written last: only a folder that has it is complete.
        (tmp_dpath / STAMP_NAME).write_bytes(orjson.dumps(stamp))
        _publish(tmp_dpath, bundle_dpath, tag, replace_valid=not use_cache,
                 replace_unstamped=replace_unstamped)
    finally:
        if tmp_dpath.exists():
            shutil.rmtree(tmp_dpath, ignore_errors=True)
    return bundle_dpath


def _remove_abandoned(parent, name, max_age=3600):
    """Delete temp / trash folders that a killed process left behind."""
    import shutil
    import time
    now = time.time()
    for prefix in ('.tmp-', '.trash-'):
        for path in parent.glob(f'{prefix}{name}-*'):
            try:
                if now - path.stat().st_mtime > max_age:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass  # another process removed it first


def _publish(tmp_dpath, bundle_dpath, tag, replace_valid=False,
             replace_unstamped=True):
    """Rename the finished temp folder into place, replacing stale bundles."""
    import shutil
    import tempfile
    for _ in range(5):
        try:
            os.rename(tmp_dpath, bundle_dpath)
            return
        except OSError:
            pass  # the destination exists and is not empty
        if not replace_valid and _is_valid(bundle_dpath, tag):
            # Another process published the same request first; the
            # generators are deterministic, so its copy equals ours.
            return
        if not replace_unstamped and read_stamp(bundle_dpath) is None and (
                bundle_dpath.exists() and any(bundle_dpath.iterdir())):
            raise DemoCacheError(
                f'refusing to replace {bundle_dpath} with demo bundle {tag!r}: '
                f'the folder is not empty and is not a demo bundle')
        # A stale or foreign bundle (or a forced rebuild): move it aside
        # atomically, delete it, then retry the rename.
        trash = tempfile.mkdtemp(prefix=f'.trash-{bundle_dpath.name}-',
                                 dir=bundle_dpath.parent)
        try:
            os.rename(bundle_dpath, os.path.join(trash, 'old'))
        except FileNotFoundError:
            pass
        shutil.rmtree(trash, ignore_errors=True)
    raise DemoCacheError(
        f'could not publish demo bundle {tag!r} to {bundle_dpath}: '
        f'the destination kept changing')
