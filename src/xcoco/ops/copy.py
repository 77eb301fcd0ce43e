"""
Deep copies of manifests and datasets.
"""
from __future__ import annotations

import copy as _copy
from typing import TYPE_CHECKING, TypeVar

from xcoco.gc_policy import paused_gc

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset

_Dataset = TypeVar('_Dataset', bound='CocoDataset')

__all__ = ['copy_dataset', 'copy_json']

_ATOMIC = frozenset({str, int, float, bool, type(None)})


def copy_json(obj):
    """
    Deep-copy JSON-like data (dicts, lists, scalars) fast; anything else
    (numpy arrays held in memory, kwimage objects) goes through
    :func:`copy.deepcopy`.

    Example:
        >>> src = {'a': [1, {'b': [2, 3]}], 'c': (4, 5)}
        >>> dst = copy_json(src)
        >>> dst == src, dst['a'][1] is src['a'][1]
        (True, False)
    """
    try:
        return _copy_json(obj)
    except RecursionError:
        from xcoco.manifest.io import too_deep_error
        raise too_deep_error('copy') from None


def _copy_json(obj):
    kind = type(obj)
    if kind is dict:
        return {key: (value if type(value) in _ATOMIC else _copy_json(value))
                for key, value in obj.items()}
    if kind is list:
        return [(value if type(value) in _ATOMIC else _copy_json(value))
                for value in obj]
    if kind in _ATOMIC:
        return obj
    return _copy.deepcopy(obj)


def copy_dataset(dset: _Dataset) -> _Dataset:
    """
    An independent copy of a dataset: manifest, index, paths and tag.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/data')
        >>> _ = dset.add_image('a.png')
        >>> other = copy_dataset(dset)
        >>> other.bundle_dpath, other.imgs[1] is dset.imgs[1]
        ('/data', False)
    """
    with paused_gc():  # one pause for the copy and the index build
        manifest = copy_json(dset.dataset)
        new = type(dset)(manifest, tag=dset.tag, bundle_dpath=dset.bundle_dpath,
                         autobuild=dset.index.is_built)
    new.fpath = dset.fpath
    new.bundle_dpath = dset.bundle_dpath
    # Ids removed from the source must stay retired in the copy too.
    new.index.next_ids.update({
        table: max(next_id, new.index.next_ids[table])
        for table, next_id in dset.index.next_ids.items()})
    return new
