"""
Freezing datasets and reopening cached snapshots.

A snapshot of the manifest ``<path>`` lives in the user cache,
``$XDG_CACHE_HOME/xcoco/frozen/<hash of the absolute path>/`` (a dataset
with no file, or edited since it was loaded, goes under its content hash
instead), or in the folder the caller names.  Its ``meta.json`` records
the manifest's size, mtime and hashid: a snapshot is reused only while all
three match, so a changed manifest is never answered from a stale one.
Reopening a manifest whose snapshot is current reads neither the JSON nor
its hash: the hashid comes from the sidecar ``CocoDataset._cached_hashid``
writes (keyed on size and mtime).  A damaged or partial snapshot fails its
checks on open and is rebuilt.

Example:
    >>> import xcoco, tempfile, ubelt as ub
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> xcoco.CocoDataset.demo('shapes2').dump(dpath / 'data.kwcoco.json')
    >>> frozen = open_frozen(dpath / 'data.kwcoco.json', dpath / 'snap')
    >>> again = open_frozen(dpath / 'data.kwcoco.json', dpath / 'snap')  # reads no JSON
    >>> again.n_annots, again.meta['source']['hashid'] == frozen.hashid
    (11, True)
"""
from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

from xcoco.errors import FrozenSnapshotError

if TYPE_CHECKING:
    from xcoco.frozen.dataset import FrozenCocoDataset

__all__ = ['coerce_frozen', 'freeze', 'open_frozen', 'snapshot_dpath']


def snapshot_dpath(fpath: str | os.PathLike | None = None, hashid: str | None = None) -> str:
    """
    The cache folder of the snapshot of manifest ``fpath`` (or, for a
    dataset with no file, of content ``hashid``).

    Example:
        >>> import os
        >>> snapshot_dpath('/data/train.kwcoco.json').split(os.sep)[-3:-1]
        ['xcoco', 'frozen']
        >>> os.path.basename(snapshot_dpath(hashid='abc123'))
        'h-abc123'
    """
    root = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                        'xcoco', 'frozen')
    if fpath is not None:
        key = hashlib.sha1(os.path.abspath(os.fspath(fpath)).encode()).hexdigest()[:16]
    elif hashid is not None:
        key = 'h-' + str(hashid)[:16]
    else:
        raise ValueError('snapshot_dpath needs a manifest path or a hashid')
    return os.path.join(root, key)


def _file_key(fpath):
    stat = os.stat(fpath)
    return {'fpath': os.path.abspath(os.fspath(fpath)), 'size': stat.st_size,
            'mtime': stat.st_mtime}


def _open_current(dpath, source, bundle_dpath=None):
    """The snapshot in ``dpath`` if it is whole and was frozen from ``source``."""
    from xcoco.frozen.dataset import FrozenCocoDataset
    if not os.path.isdir(dpath):
        return None
    try:
        frozen = FrozenCocoDataset(dpath, bundle_dpath=bundle_dpath)
    except FrozenSnapshotError:
        return None  # damaged or partial: rebuilt by the caller
    stored = frozen.meta.get('source') or {}
    if any(stored.get(k) != source.get(k) for k in ('hashid', 'size', 'mtime')):
        return None
    return frozen


def freeze(dset: Any, dpath: str | os.PathLike | None = None) -> FrozenCocoDataset:
    """
    A frozen, read-only snapshot of ``dset`` (``CocoDataset.freeze``),
    reused when the one already in ``dpath`` (default: the user cache, see
    :func:`snapshot_dpath`) was frozen from the same content.

    Args:
        dset (CocoDataset): the dataset.
        dpath (str | PathLike | None): the snapshot folder.

    Returns:
        FrozenCocoDataset

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> dset = xcoco.CocoDataset.demo('vidshapes2')
        >>> frozen = freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap')
        >>> frozen.index.vidid_to_gids[1] == tuple(dset.index.vidid_to_gids[1])
        True
    """
    from xcoco.frozen.build import write_snapshot
    from xcoco.frozen.dataset import FrozenCocoDataset
    if isinstance(dset, FrozenCocoDataset):
        return dset.freeze(dpath)
    fpath = getattr(dset, 'fpath', None)
    state = getattr(dset, '_state', None) or {}
    unedited = (fpath is not None and os.path.isfile(fpath)
                and state.get('loaded_edits', object()) == dset.index.edits)
    hashid = dset._cached_hashid()
    source: dict[str, Any] = {'fpath': None, 'size': None, 'mtime': None}
    if unedited:
        source.update(_file_key(fpath))
    elif fpath is not None and os.path.isfile(fpath):
        source['fpath'] = os.path.abspath(os.fspath(fpath))
    source['hashid'] = hashid
    if dpath is None:
        dpath = snapshot_dpath(fpath if unedited else None, hashid)
    dpath = os.fspath(dpath)
    frozen = _open_current(dpath, source, dset.bundle_dpath)
    if frozen is not None:
        return frozen
    write_snapshot(dset, dpath, source)
    return FrozenCocoDataset(dpath, bundle_dpath=dset.bundle_dpath)


def open_frozen(fpath: str | os.PathLike, dpath: str | os.PathLike | None = None
                ) -> FrozenCocoDataset:
    """
    The frozen snapshot of the manifest file ``fpath``: the cached one when
    its size, mtime and hashid still match (no JSON is read), else a new one
    frozen from a fresh load.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> fpath = dpath / 'data.kwcoco.json'
        >>> xcoco.CocoDataset.demo('shapes2').dump(fpath)
        >>> open_frozen(fpath, dpath / 'snap').n_images
        2
        >>> dset = xcoco.CocoDataset(fpath)
        >>> _ = dset.add_image('new.png')
        >>> dset.dump(fpath)   # the manifest changes: the snapshot follows
        >>> open_frozen(fpath, dpath / 'snap').n_images
        3
    """
    from xcoco.ops.integrity import cached_hashid_for
    if dpath is None:
        dpath = snapshot_dpath(fpath)
    if os.path.isfile(fpath):
        hashid = cached_hashid_for(fpath)
        if hashid is not None:
            frozen = _open_current(os.fspath(dpath), {**_file_key(fpath), 'hashid': hashid})
            if frozen is not None:
                return frozen
    from xcoco.dataset import CocoDataset
    return freeze(CocoDataset(fpath), dpath)


def coerce_frozen(cls: Any, key: Any, verbose: int = 0, **kw: Any) -> FrozenCocoDataset:
    """
    ``CocoDataset.coerce(key, backend='frozen')``: a frozen dataset is
    handed back, a snapshot folder opened, a manifest path reopened from its
    cached snapshot (see :func:`open_frozen`); anything else ``coerce``
    takes (a demo key, a dict, a dataset) is loaded and frozen into the
    user cache.

    Example:
        >>> import xcoco, os, tempfile, ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> old = os.environ.get('XDG_CACHE_HOME')
        >>> os.environ['XDG_CACHE_HOME'] = str(dpath / 'cache')
        >>> xcoco.CocoDataset.demo('shapes2').dump(dpath / 'data.kwcoco.json')
        >>> frozen = coerce_frozen(xcoco.CocoDataset, dpath / 'data.kwcoco.json')
        >>> type(frozen).__name__, frozen.dpath.startswith(str(dpath / 'cache'))
        ('FrozenCocoDataset', True)
        >>> coerce_frozen(xcoco.CocoDataset, frozen.dpath).n_images
        2
        >>> _ = os.environ.pop('XDG_CACHE_HOME') if old is None else os.environ.update(XDG_CACHE_HOME=old)
    """
    from xcoco.frozen.dataset import FrozenCocoDataset
    if isinstance(key, FrozenCocoDataset):
        return key
    if isinstance(key, (str, os.PathLike)):
        if os.path.isfile(os.path.join(key, 'meta.json')):
            return FrozenCocoDataset(key)
        if os.path.isfile(key) and not kw:
            return open_frozen(key)
    dset = key if hasattr(key, 'index') and hasattr(key, 'dataset') else \
        cls.coerce(key, verbose=verbose, **kw)
    if isinstance(dset, FrozenCocoDataset):
        return dset
    return freeze(dset)
