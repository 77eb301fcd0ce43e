"""
Numeric columns of the in-memory index, kept after a repeated read and
checked on every later use.

``dset.annots().boxes`` spends most of its time turning 4 Python numbers per
annotation into float64 (~50 ms of ~90 ms for 145k boxes).  The cache keeps
the float64 array of a whole-table read, so a repeat read only has to prove
the boxes did not change (~3x faster than building them).

When it is filled: the first whole-table read of an unedited index only
leaves a mark (so code that reads the boxes once pays nothing extra); the
second fills the cache; later ones are served from it.  Views of part of
the table, or under :data:`MIN_CACHED_ROWS` rows, are always built afresh.

What the cache trusts, and what it checks on every hit:

* every edit function bumps ``index.edits`` (:meth:`CocoIndex.note_edit`),
  which also empties the cache (so its memory goes with the first edit);
* the view's ids must equal the index's keys, in order (a whole-table view);
* each annotation's current ``bbox``, in table order, must equal (``==``) a
  shallow copy of the list it held when the column was built.  kwcoco users
  edit the dicts directly (``ann['bbox'] = ...``, ``ann['bbox'][2] += 1``,
  or even ``index.anns[aid] = new_ann``); any of those makes the comparison
  fail and the column is rebuilt, so a stale box is never served.  Equal
  values convert to the same float64, so an equal box is a safe hit.

Only boxes that are all plain lists are cached (copies of anything else
could alias mutable state); the rest is read fresh every time.  The cache
holds plain lists and arrays, never the index or the dataset, so it is freed
by refcounting with its dataset.  Its cost is one extra list per annotation
(~100 bytes each: ~15 MB for 145k boxes) plus the array (32 bytes each).

Example:
    >>> import xcoco
    >>> dset = xcoco.CocoDataset.demo('shapes2')
    >>> first = dset.annots().boxes.data
    >>> dset.index.anns[1]['bbox'][0] += 100       # behind the index's back
    >>> float(dset.annots().boxes.data[0, 0] - first[0, 0])
    100.0
"""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

__all__ = ['MIN_CACHED_ROWS', 'cached_bbox_array']

#: views shorter than this are built afresh: cheap, and caching them would
#: only churn the cache
MIN_CACHED_ROWS = 1000

_get_bbox = operator.itemgetter('bbox')


def cached_bbox_array(index, ids: list, read_bboxes: Callable[[], list],
                      to_array: Callable[[list], np.ndarray]) -> np.ndarray:
    """
    The ``(n, 4)`` float64 boxes of annotations ``ids``: the cached column
    when it is provably current, else ``to_array(read_bboxes())`` (cached
    when it can be validated later).  The caller owns the returned array.

    Args:
        index: a :class:`xcoco.index.build.CocoIndex` (anything without a
            ``column_cache`` dict is read afresh every time).
        ids: annotation ids of the view.
        read_bboxes: the ``bbox`` of each of ``ids`` (raises for a missing one).
        to_array: float64 array of those boxes (raises for a bad one).

    Example:
        >>> import numpy as np
        >>> import xcoco
        >>> dset = xcoco.CocoDataset({
        ...     'images': [{'id': 1, 'file_name': 'a.png'}],
        ...     'annotations': [{'id': i, 'image_id': 1, 'bbox': [i, 0, 1, 1]}
        ...                     for i in range(1, MIN_CACHED_ROWS + 1)]})
        >>> ids = list(dset.index.anns)
        >>> calls = []
        >>> def read():
        ...     return [dset.index.anns[i]['bbox'] for i in ids]
        >>> def to_array(bboxes):
        ...     calls.append(1)
        ...     return np.array(bboxes, dtype=float)
        >>> a = cached_bbox_array(dset.index, ids, read, to_array)  # leaves a mark
        >>> b = cached_bbox_array(dset.index, ids, read, to_array)  # fills the cache
        >>> c = cached_bbox_array(dset.index, ids, read, to_array)  # served from it
        >>> len(calls), bool((a == c).all()), b is c
        (2, True, False)
        >>> dset.index.anns[1]['bbox'] = [7, 0, 1, 1]   # not through an edit
        >>> cached_bbox_array(dset.index, ids, read, to_array)[0].tolist(), len(calls)
        ([7.0, 0.0, 1.0, 1.0], 3)
        >>> _ = cached_bbox_array(dset.index, ids, read, to_array)
        >>> dset.index.anns[2]['bbox'][0] = 9           # in place
        >>> cached_bbox_array(dset.index, ids, read, to_array)[1].tolist(), len(calls)
        ([9.0, 0.0, 1.0, 1.0], 5)
        >>> _ = cached_bbox_array(dset.index, ids, read, to_array)
        >>> dset.remove_annotations([5])                  # an edit drops the cache
        >>> 'bbox' in dset.index.column_cache
        False
    """
    cache = getattr(index, 'column_cache', None)
    lut = getattr(index, 'anns', None)
    if cache is None or lut is None or len(ids) < MIN_CACHED_ROWS or len(ids) != len(lut):
        return to_array(read_bboxes())
    entry = cache.pop('bbox', None)
    whole_table = list(lut) == ids
    if not whole_table:
        return to_array(read_bboxes())
    seen = entry is not None and entry[0] == index.edits
    if seen and entry[1] is not None:
        _, copies, array = entry
        try:
            same = list(map(_get_bbox, lut.values())) == copies
        except Exception:  # a bbox removed, or one numpy refuses to compare
            same = False
        if same:
            cache['bbox'] = entry
            return array.copy()
        seen = False
    bboxes = read_bboxes()
    array = to_array(bboxes)
    if not seen:
        # a first read only leaves a mark: a single read pays nothing extra
        cache['bbox'] = (index.edits, None, None)
    elif set(map(type, bboxes)) == {list}:
        # a second read: worth the copies that let later reads validate
        from xcoco.gc_policy import paused_gc
        with paused_gc():  # 100k+ new small lists: see gc_policy
            copies = list(map(list.copy, bboxes))
        cache['bbox'] = (index.edits, copies, array.copy())
    return array
