"""
What opening a frozen snapshot checks, beyond the sizes and end hashes
``meta.json`` records: that ``meta.json`` has the expected shape, names
only plain files of the folder, and lists every array; and that every
array has its dtype and length and every offset, row number and index
pointer stays inside the array it points into.

The end hashes cannot notice a change in the middle of a big file, so
these checks are what makes reading out of bounds impossible: a tampered
snapshot is refused at open with a :class:`FrozenSnapshotError` naming the
folder and the file.  They are vectorised passes over the (memory-mapped)
integer arrays, a few milliseconds per million rows; row JSON is checked
when a row is decoded.

Example:
    >>> import xcoco, tempfile, ubelt as ub
    >>> from xcoco.frozen.build import write_snapshot
    >>> from xcoco.frozen.index import open_arrays
    >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
    >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
    >>> sorted(expected_arrays())[:3]
    ['annotations.bbox', 'annotations.bbox_ok', 'annotations.blob']
    >>> meta, arrays = open_arrays(dpath)
    >>> check_arrays(dpath, meta, arrays)
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from xcoco.errors import FrozenSnapshotError
from xcoco.frozen.build import GROUPS, NAME_LOOKUPS, OTHER, REF_COLUMNS
from xcoco.tables import TABLES

__all__ = ['check_arrays', 'check_meta', 'expected_arrays']

_INT, _BYTE, _FLOAT = np.dtype('<i8'), np.dtype('u1'), np.dtype('<f8')


def expected_arrays() -> dict[str, np.dtype]:
    """
    Every array a snapshot holds, with its dtype.

    Example:
        >>> expected_arrays()['annotations.bbox']
        dtype('float64')
    """
    out = {}
    for table in TABLES:
        for part in ('ids', 'sorted_ids', 'sorted_rows', 'offsets'):
            out[f'{table}.{part}'] = _INT
        out[f'{table}.blob'] = _BYTE
    out['annotations.bbox'] = _FLOAT
    out['annotations.bbox_ok'] = _BYTE
    for key in REF_COLUMNS:
        out[f'annotations.{key}'] = _INT
        out[f'annotations.{key}_state'] = _BYTE
    out['images.video_id'] = _INT
    out['images.video_id_state'] = _BYTE
    out['images.frame_index'] = _FLOAT
    for name in GROUPS:
        for part in ('keys', 'indptr', 'indices', 'none'):
            out[f'{name}.{part}'] = _INT
    for name in NAME_LOOKUPS:
        out[f'{name}.offsets'] = _INT
        out[f'{name}.blob'] = _BYTE
        out[f'{name}.rows'] = _INT
        out[f'{name}.iter'] = _INT
    return out


def check_meta(dpath: str, meta: Any) -> None:
    """
    Refuse a ``meta.json`` of the wrong shape: ``files`` must list every
    array as a plain file name of the folder with an integer size and a
    hash, ``counts`` an integer per table, ``groups`` objects.

    Example:
        >>> try:
        ...     check_meta('snap', {'files': {}, 'counts': {}})
        ... except FrozenSnapshotError as ex:
        ...     print(str(ex)[:60])
        frozen snapshot snap: meta.json: 'files' lacks categories.id
    """
    def fail(what):
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: meta.json: {what}')
    files, counts = meta.get('files'), meta.get('counts')
    if not isinstance(files, dict) or not isinstance(counts, dict):
        fail("'files' and 'counts' must be objects")
    missing = [name for name in expected_arrays() if name not in files]
    if missing:
        fail(f"'files' lacks {', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}")
    for name, want in files.items():
        if not (isinstance(want, dict) and isinstance(want.get('file'), str)
                and type(want.get('size')) is int and isinstance(want.get('sha1'), str)):
            fail(f'entry {name!r} is not {{"file": name, "size": int, "sha1": hex}}')
        fname = want['file']
        if (not fname or fname in {'.', '..'} or os.path.basename(fname) != fname
                or '/' in fname or '\\' in fname or '\x00' in fname):
            # never open a file outside the snapshot folder
            fail(f'entry {name!r} names {fname!r}, not a file of the snapshot folder')
    for table in TABLES:
        n = counts.get(table)
        if type(n) is not int or n < 0:
            fail(f'counts[{table!r}] must be a non-negative integer, got {n!r:.40}')
    groups = meta.get('groups', {})
    if not isinstance(groups, dict) or not all(isinstance(g, dict) for g in groups.values()):
        fail("'groups' must be an object of objects")
    for key, kinds, what in (('source', dict, 'an object'), ('extra', dict, 'an object'),
                             ('manifest_keys', list, 'a list'), ('bundle_dpath', str, 'a string'),
                             ('tag', str, 'a string')):
        if meta.get(key) is not None and not isinstance(meta[key], kinds):
            fail(f'{key!r} must be {what} or null, got {type(meta[key]).__name__}')
    if not all(isinstance(key, str) for key in meta.get('manifest_keys') or []):
        fail("'manifest_keys' must hold strings")
    for key, value in (meta.get('source') or {}).items():
        if key in ('fpath', 'hashid') and value is not None and not isinstance(value, str):
            fail(f"source {key!r} must be a string or null, got {type(value).__name__}")


def _fail(dpath, arrays, name, what):
    fname = os.path.basename(getattr(arrays.get(name), 'filename', None) or f'{name}.npy')
    raise FrozenSnapshotError(f'frozen snapshot {dpath}: file {fname} is damaged: {what}')


def _pointers(dpath, arrays, name, start, total):
    """``arrays[name]`` starts at ``start``, never decreases and ends at ``total``."""
    ptr = arrays[name]
    if len(ptr) == 0 or int(ptr[0]) != start or int(ptr[-1]) != total:
        _fail(dpath, arrays, name, f'its offsets do not run from {start} to {total}')
    if len(ptr) > 1 and (np.diff(ptr) < 0).any():
        _fail(dpath, arrays, name, 'its offsets go backwards')


def _within(dpath, arrays, name, stop):
    """every value of ``arrays[name]`` is a position in ``range(stop)``"""
    values = arrays[name]
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= stop):
        _fail(dpath, arrays, name, f'it points outside 0..{stop - 1}')


def check_arrays(dpath: str | os.PathLike, meta: dict[str, Any], arrays: dict[str, Any]) -> None:
    """
    Refuse arrays whose dtype, shape, offsets or row numbers could make a
    read go out of bounds or find the wrong row.

    Example:
        >>> import xcoco, tempfile, ubelt as ub, numpy as np
        >>> from xcoco.frozen.build import write_snapshot
        >>> from xcoco.frozen.index import open_arrays
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
        >>> meta, arrays = open_arrays(dpath)
        >>> arrays['images.sorted_rows'] = np.array([0, 5])
        >>> try:
        ...     check_arrays('snap', meta, arrays)
        ... except FrozenSnapshotError as ex:
        ...     print(ex)
        frozen snapshot snap: file images.sorted_rows.npy is damaged: it points outside 0..1
    """
    dpath = os.fspath(dpath)
    counts = meta['counts']
    for name, dtype in expected_arrays().items():
        array = arrays[name]
        ndim = 2 if name == 'annotations.bbox' else 1
        if array.dtype != dtype or array.ndim != ndim:
            _fail(dpath, arrays, name, f'expected a {ndim}-d {dtype} array, '
                                       f'got {array.ndim}-d {array.dtype}')
    for table in TABLES:
        n = counts[table]
        for part in ('ids', 'sorted_ids', 'sorted_rows'):
            if len(arrays[f'{table}.{part}']) != n:
                _fail(dpath, arrays, f'{table}.{part}', f'table {table} does not hold {n} rows')
        if len(arrays[f'{table}.offsets']) != n + 1:
            _fail(dpath, arrays, f'{table}.offsets', f'table {table} does not hold {n} rows')
        blob_size = len(arrays[f'{table}.blob'])
        if n:
            _pointers(dpath, arrays, f'{table}.offsets', 1, blob_size)
            if (np.diff(arrays[f'{table}.offsets']) < 1).any():
                _fail(dpath, arrays, f'{table}.offsets', 'a row is empty')
        _within(dpath, arrays, f'{table}.sorted_rows', n)
        sorted_ids = arrays[f'{table}.sorted_ids']
        if n > 1 and (np.diff(sorted_ids) < 0).any():
            _fail(dpath, arrays, f'{table}.sorted_ids', 'the ids are not sorted')
        if n and not np.array_equal(arrays[f'{table}.ids'][arrays[f'{table}.sorted_rows']], sorted_ids):
            _fail(dpath, arrays, f'{table}.sorted_rows', 'its rows do not hold the sorted ids')
    n_anns, n_imgs = counts['annotations'], counts['images']
    columns = [('annotations.bbox_ok', n_anns), ('images.video_id', n_imgs),
               ('images.video_id_state', n_imgs), ('images.frame_index', n_imgs)]
    columns += [(f'annotations.{key}{part}', n_anns) for key in REF_COLUMNS for part in ('', '_state')]
    for name, n in columns:
        if len(arrays[name]) != n:
            _fail(dpath, arrays, name, f'the column does not hold {n} rows')
    if arrays['annotations.bbox'].shape != (n_anns, 4):
        _fail(dpath, arrays, 'annotations.bbox', 'the bbox column does not match the annotations')
    for name in [f'annotations.{key}_state' for key in REF_COLUMNS] + ['images.video_id_state']:
        if len(arrays[name]) and int(arrays[name].max()) > OTHER:
            _fail(dpath, arrays, name, 'a reference state is unknown')
    for name in GROUPS:
        keys = arrays[f'{name}.keys']
        if len(arrays[f'{name}.indptr']) != len(keys) + 1:
            _fail(dpath, arrays, f'{name}.indptr', f'group lookup {name} is inconsistent')
        _pointers(dpath, arrays, f'{name}.indptr', 0, len(arrays[f'{name}.indices']))
        if len(keys) > 1 and (np.diff(keys) <= 0).any():
            _fail(dpath, arrays, f'{name}.keys', 'the keys are not sorted')
    for name, table in NAME_LOOKUPS.items():
        m = len(arrays[f'{name}.rows'])
        if len(arrays[f'{name}.offsets']) != m + 1 or len(arrays[f'{name}.iter']) != m:
            _fail(dpath, arrays, f'{name}.offsets', f'name lookup {name} is inconsistent')
        _pointers(dpath, arrays, f'{name}.offsets', 0, len(arrays[f'{name}.blob']))
        _within(dpath, arrays, f'{name}.rows', counts[table])
        _within(dpath, arrays, f'{name}.iter', m)
