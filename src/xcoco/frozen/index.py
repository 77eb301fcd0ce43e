"""
The index of a frozen snapshot: :class:`xcoco.query.IndexProtocol` served
from memory-mapped arrays (see :mod:`xcoco.frozen.build` for the layout).

Each access decodes what it returns (a row's JSON into a fresh dict, a
group into a fresh set / tuple) and keeps nothing: the parent process holds
only the maps and a few ``memoryview`` objects, so forked workers share
every page and reading dirties none of the parent's.  The dicts handed out
are copies; editing them changes nothing.

Example:
    >>> import xcoco, tempfile, ubelt as ub
    >>> from xcoco.frozen.build import write_snapshot
    >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
    >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
    >>> index = FrozenIndex(open_arrays(dpath)[1])
    >>> index.gid_to_aids[2] == {7, 8, 9, 10, 11}, index.name_to_cat['star']['id']
    (True, 3)
"""
from __future__ import annotations

import bisect
import os
import tokenize
from collections.abc import ItemsView, Mapping, ValuesView
from typing import Any

import numpy as np
import orjson

from xcoco.errors import FrozenSnapshotError
from xcoco.frozen.build import FORMAT_VERSION, GROUPS, INT, NAME_LOOKUPS, NULL, OTHER, REF_COLUMNS, file_check
from xcoco.frozen.checks import check_arrays, check_meta
from xcoco.resolve import as_int_id
from xcoco.tables import INDEX_ATTR, TABLES

__all__ = ['FrozenIndex', 'GroupLookup', 'NameLookup', 'RowLookup', 'open_arrays']

_loads = orjson.loads



def _int64s(array):
    """A memoryview of an int64 array: indexing it gives Python ints, fast."""
    return memoryview(np.ascontiguousarray(array)).cast('B').cast('q')


def _load(dpath, fpath):
    try:
        try:
            return np.load(fpath, mmap_mode='r', allow_pickle=False)
        except ValueError:
            if os.path.getsize(fpath) > 4096:
                raise  # only a header-sized file (an empty array) is read whole
            # an empty array cannot be mapped
            return np.load(fpath, allow_pickle=False)
    except (OSError, ValueError, EOFError, SyntaxError, TypeError, tokenize.TokenError) as ex:
        # a header numpy cannot parse, object arrays, a short file ...
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: file {os.path.basename(fpath)} '
                                  f'is not a readable array ({ex})') from None


def open_arrays(dpath: str | os.PathLike) -> tuple[dict[str, Any], dict[str, Any]]:
    """
    Check a snapshot folder against its ``meta.json`` (format version, every
    file present with its recorded size and end hashes, array lengths that
    agree) and map its arrays.

    Returns:
        tuple: ``(meta, {name: array})``.

    Raises:
        FrozenSnapshotError: the folder is missing, partial or damaged.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.build import write_snapshot
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
        >>> meta, arrays = open_arrays(dpath)
        >>> arrays['annotations.bbox'].shape
        (11, 4)
        >>> with open(dpath / 'annotations.bbox.npy', 'r+b') as file:
        ...     _ = file.truncate(100)
        >>> try:
        ...     open_arrays(dpath)
        ... except OSError as ex:
        ...     print(type(ex).__name__)
        FrozenSnapshotError
    """
    dpath = os.fspath(dpath)
    meta_fpath = os.path.join(dpath, 'meta.json')
    try:
        with open(meta_fpath, 'rb') as file:
            meta = _loads(file.read())
    except FileNotFoundError:
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: no meta.json '
                                  '(missing or partial snapshot)') from None
    except (OSError, ValueError) as ex:
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: unreadable meta.json ({ex})') from None
    if not isinstance(meta, dict) or meta.get('format_version') != FORMAT_VERSION:
        got = meta.get('format_version') if isinstance(meta, dict) else None
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: format version {got!r}, '
                                  f'expected {FORMAT_VERSION}')
    files = meta.get('files')
    if not isinstance(files, dict):
        raise FrozenSnapshotError(f'frozen snapshot {dpath}: meta.json lists no files')
    check_meta(dpath, meta)
    arrays = {}
    for name, want in files.items():
        fpath = os.path.join(dpath, want['file'])
        try:
            got = file_check(fpath)
        except OSError:
            raise FrozenSnapshotError(f'frozen snapshot {dpath}: file {want["file"]} '
                                      'is missing') from None
        if got != {'size': want['size'], 'sha1': want['sha1']}:
            raise FrozenSnapshotError(
                f'frozen snapshot {dpath}: file {want["file"]} is damaged '
                f'({got["size"]} bytes, expected {want["size"]}, or its content changed)')
        arrays[name] = _load(dpath, fpath)
    check_arrays(dpath, meta, arrays)
    return meta, arrays


class _FrozenMapping(Mapping):
    def __repr__(self):
        return f'<{type(self).__name__} (n={len(self)})>'

    __hash__ = None  # type: ignore[assignment]


class _RowValues(ValuesView):
    def __iter__(self):
        lookup = self._mapping
        for row in range(len(lookup)):
            yield lookup._decode(row)


class _RowItems(ItemsView):
    def __iter__(self):
        lookup = self._mapping
        for row, id_ in enumerate(lookup._ids):
            yield id_, lookup._decode(row)


class RowLookup(_FrozenMapping):
    """
    A table's objects by id (``index.imgs``, ``index.anns`` ...), in table
    order; each access decodes a fresh dict.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.build import write_snapshot
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
        >>> imgs = FrozenIndex(open_arrays(dpath)[1]).imgs
        >>> len(imgs), list(imgs), imgs[1]['id'], 99 in imgs, imgs.get('x')
        (2, [1, 2], 1, False, None)
    """

    def __init__(self, arrays, table):
        self.table = table
        self.arrays = arrays
        self._n = len(arrays[f'{table}.ids'])
        self._ids = _int64s(arrays[f'{table}.ids'])
        self._sorted_ids = _int64s(arrays[f'{table}.sorted_ids'])
        self._sorted_rows = _int64s(arrays[f'{table}.sorted_rows'])
        self._offsets = _int64s(arrays[f'{table}.offsets'])
        self._blob = memoryview(np.ascontiguousarray(arrays[f'{table}.blob']))
        # dense ids in table order (the usual manifest) find a row by subtraction
        n = self._n
        self._first = self._sorted_ids[0] if n else 0
        self._dense = bool(n) and self._sorted_ids[n - 1] - self._first == n - 1
        self._in_order = self._dense and bool(
            np.array_equal(arrays[f'{table}.ids'], arrays[f'{table}.sorted_ids']))

    def _row(self, key):
        id_ = as_int_id(key)
        if id_ is None:
            return -1
        if self._dense:
            pos = id_ - self._first
            if not 0 <= pos < self._n:
                return -1
            return pos if self._in_order else self._sorted_rows[pos]
        pos = bisect.bisect_left(self._sorted_ids, id_)
        if pos < self._n and self._sorted_ids[pos] == id_:
            return self._sorted_rows[pos]
        return -1

    def _decode(self, row):
        offsets = self._offsets
        # a row ends one byte (its comma or the closing bracket) before the next
        try:
            obj = _loads(self._blob[offsets[row]:offsets[row + 1] - 1])
        except orjson.JSONDecodeError as ex:
            raise self._damaged(f'row {row} is not JSON ({ex})') from None
        if not isinstance(obj, dict):
            raise self._damaged(f'row {row} is a {type(obj).__name__}, not an object')
        return obj

    def _damaged(self, what):
        # offsets are checked at open; the bytes in the middle of a big blob are not hashed
        blob = self.arrays[f'{self.table}.blob']
        fname = getattr(blob, 'filename', None) or f'{self.table}.blob.npy'
        return FrozenSnapshotError(f'frozen snapshot: file {fname} is damaged: {what}')

    def __getitem__(self, key):
        row = self._row(key)
        if row < 0:
            raise KeyError(key)
        return self._decode(row)

    def __contains__(self, key):
        return self._row(key) >= 0

    def __len__(self):
        return self._n

    def __iter__(self):
        return iter(self._ids)

    def values(self):
        """
        The objects in table order, decoded one at a time.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> [img['id'] for img in FrozenIndex(open_arrays(dpath)[1]).imgs.values()]
            [1, 2]
        """
        return _RowValues(self)

    def items(self):
        """
        ``(id, object)`` pairs in table order.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> [k for k, _ in FrozenIndex(open_arrays(dpath)[1]).cats.items()][:3]
            [0, 3, 6]
        """
        return _RowItems(self)

    def sorted_keys(self) -> list[int]:
        """
        The ids in ascending order, read from the sorted id array (no sort;
        what ``dset.images()`` / ``dset.annots()`` list).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> FrozenIndex(open_arrays(dpath)[1]).cats.sorted_keys()
            [0, 3, 6, 7]
        """
        return self.arrays[f'{self.table}.sorted_ids'].tolist()

    def all_objects(self) -> list[dict[str, Any]]:
        """
        Every object in table order, decoded in one pass (the blob is the
        table as one JSON array): as fast as a JSON load of the table.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> [img['id'] for img in FrozenIndex(open_arrays(dpath)[1]).imgs.all_objects()]
            [1, 2]
        """
        try:
            objs = _loads(self._blob)
        except orjson.JSONDecodeError as ex:
            raise self._damaged(f'the table is not JSON ({ex})') from None
        if not isinstance(objs, list) or len(objs) != self._n or not all(
                isinstance(obj, dict) for obj in objs):
            raise self._damaged(f'the table is not a list of {self._n} objects')
        return objs

    def rows_of(self, ids) -> np.ndarray | None:
        """
        The row of each id as an array, or None when an id is not an int in
        the table (the caller then takes the slow path that names it).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> anns = FrozenIndex(open_arrays(dpath)[1]).anns
            >>> anns.rows_of([3, 1]).tolist(), anns.rows_of([99])
            ([2, 0], None)
        """
        try:
            wanted = np.fromiter(ids, dtype=np.int64) if not isinstance(ids, np.ndarray) \
                else ids.astype(np.int64, copy=False)
        except (TypeError, ValueError, OverflowError):
            return None
        if self._n == 0:
            return wanted if len(wanted) == 0 else None
        if self._in_order:
            # dense ids in table order: the row is the id's offset
            rows = wanted - self._first
            if len(rows) and (rows.min() < 0 or rows.max() >= self._n):
                return None
            return rows
        sorted_ids = self.arrays[f'{self.table}.sorted_ids']
        pos = np.searchsorted(sorted_ids, wanted)
        pos[pos >= self._n] = 0
        if len(wanted) and not np.array_equal(sorted_ids[pos], wanted):
            return None
        return self.arrays[f'{self.table}.sorted_rows'][pos]

    def take_many(self, ids):
        """
        The objects of ``ids`` in order (what the vectorized views iterate).

        Raises:
            KeyError: an id that is not in the table.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> anns = FrozenIndex(open_arrays(dpath)[1]).anns
            >>> [ann['id'] for ann in anns.take_many([3, 1, 3])]
            [3, 1, 3]
        """
        for id_ in ids:
            row = self._row(id_)
            if row < 0:
                raise KeyError(id_)
            yield self._decode(row)

    def column_values(self, key, ids):
        """
        The reference field ``key`` (annotation ``image_id``,
        ``category_id``, ``track_id``; image ``video_id``) of each object of
        ``ids`` read from its column (``ubelt.NoParam`` where absent); None
        for other fields or values the column cannot hold (the caller then
        decodes whole objects).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> FrozenIndex(open_arrays(dpath)[1]).anns.column_values('image_id', [1, 7])
            [1, 2]
        """
        import ubelt as ub
        name = f'{self.table}.{key}'
        if (self.table, key) not in _COLUMNS or f'{name}_state' not in self.arrays:
            return None
        rows = self.rows_of(ids)
        if rows is None:
            return None
        state = self.arrays[f'{name}_state'][rows]
        if (state == OTHER).any():
            return None
        values = self.arrays[name][rows].tolist()
        if (state != INT).any():
            for pos in np.flatnonzero(state != INT).tolist():
                values[pos] = None if state[pos] == NULL else ub.NoParam
        return values

    def bbox_array(self, ids) -> np.ndarray | None:
        """
        The annotations' boxes (xywh float64) read from the bbox column;
        None when an id is unknown or a box is missing or malformed (the
        caller then takes the path that names it).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> FrozenIndex(open_arrays(dpath)[1]).anns.bbox_array([1]).tolist()
            [[318.0, 266.0, 53.0, 89.0]]
        """
        if self.table != 'annotations':
            return None
        rows = self.rows_of(ids)
        if rows is None:
            return None
        bbox, bbox_ok = self.arrays['annotations.bbox'], self.arrays['annotations.bbox_ok']
        if len(rows) == self._n and self._n and rows[0] == 0 and (np.diff(rows) == 1).all():
            # the whole column in order: one copy, no gather
            return np.array(bbox) if bbox_ok.all() else None
        if not bbox_ok[rows].all():
            return None
        return bbox[rows]


_COLUMNS = {('annotations', key) for key in REF_COLUMNS} | {('images', 'video_id')}


class GroupLookup(_FrozenMapping):
    """
    The ids of the children of each parent (``index.gid_to_aids`` ...): a
    fresh set, or a tuple in frame order for ``vidid_to_gids`` and
    ``trackid_to_aids``; ``None`` holds the annotations without a category
    / track when the in-memory index had that group.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.build import write_snapshot
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> _ = write_snapshot(xcoco.CocoDataset.demo('vidshapes1'), dpath)
        >>> index = FrozenIndex(open_arrays(dpath)[1])
        >>> index.vidid_to_gids[1], index.trackid_to_aids[1]
        ((1, 2), (1, 3))
    """

    def __init__(self, arrays, name, has_none):
        self.name = name
        self.ordered = GROUPS[name][2]
        self._keys = _int64s(arrays[f'{name}.keys'])
        self._indptr = _int64s(arrays[f'{name}.indptr'])
        self._indices = _int64s(arrays[f'{name}.indices'])
        self._none = _int64s(arrays[f'{name}.none']) if has_none else None

    def __getitem__(self, key):
        if key is None:
            if self._none is None:
                raise KeyError(key)
            return set(self._none.tolist())
        id_ = as_int_id(key)
        if id_ is None:
            raise KeyError(key)
        keys = self._keys
        pos = bisect.bisect_left(keys, id_)
        if pos >= len(keys) or keys[pos] != id_:
            raise KeyError(key)
        members = self._indices[self._indptr[pos]:self._indptr[pos + 1]].tolist()
        return tuple(members) if self.ordered else set(members)

    def __contains__(self, key):
        if key is None:
            return self._none is not None
        id_ = as_int_id(key)
        if id_ is None:
            return False
        pos = bisect.bisect_left(self._keys, id_)
        return pos < len(self._keys) and self._keys[pos] == id_

    def __iter__(self):
        yield from self._keys
        if self._none is not None:
            yield None

    def __len__(self):
        return len(self._keys) + (self._none is not None)


class _Names:
    """The sorted names of a name lookup as a sequence ``bisect`` can search."""

    def __init__(self, arrays, name):
        self._offsets = _int64s(arrays[f'{name}.offsets'])
        blob = arrays[f'{name}.blob']
        self._blob = memoryview(np.ascontiguousarray(blob))
        self._fname = getattr(blob, 'filename', None) or f'{name}.blob.npy'
        self._n = len(self._offsets) - 1

    def __len__(self):
        return self._n

    def __getitem__(self, pos):
        try:
            return str(self._blob[self._offsets[pos]:self._offsets[pos + 1]], 'utf8')
        except UnicodeDecodeError as ex:
            raise FrozenSnapshotError(f'frozen snapshot: file {self._fname} is damaged: '
                                      f'name {pos} is not UTF-8 ({ex})') from None


class NameLookup(_FrozenMapping):
    """
    Objects by name (``index.name_to_cat``, ``file_name_to_img`` ...): the
    object the in-memory index named, decoded fresh.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.build import write_snapshot
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
        >>> index = FrozenIndex(open_arrays(dpath)[1])
        >>> index.name_to_cat['eff']['id'], 'nope' in index.name_to_cat, list(index.name_to_cat)[:2]
        (7, False, ['background', 'star'])
    """

    def __init__(self, arrays, name, rows):
        self.name = name
        self._names = _Names(arrays, name)
        self._rows = _int64s(arrays[f'{name}.rows'])
        self._iter = _int64s(arrays[f'{name}.iter'])
        self._table_rows = rows

    def _pos(self, key):
        if not isinstance(key, str):
            return -1
        names = self._names
        pos = bisect.bisect_left(names, key)
        return pos if pos < len(names) and names[pos] == key else -1

    def __getitem__(self, key):
        pos = self._pos(key)
        if pos < 0:
            raise KeyError(key)
        return self._table_rows._decode(self._rows[pos])

    def __contains__(self, key):
        return self._pos(key) >= 0

    def __iter__(self):
        names = self._names
        for pos in self._iter:
            yield names[pos]

    def items(self):
        """
        ``(name, object)`` pairs in the in-memory lookup's order, each read
        by position (not looked up again by name).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> index = FrozenIndex(open_arrays(dpath)[1])
            >>> [(name, cat['id']) for name, cat in index.name_to_cat.items()][:2]
            [('background', 0), ('star', 3)]
        """
        names, decode = self._names, self._table_rows._decode
        return [(names[pos], decode(self._rows[pos])) for pos in self._iter]

    def values(self):
        """
        The objects in the in-memory lookup's order.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
            >>> [cat['id'] for cat in FrozenIndex(open_arrays(dpath)[1]).name_to_cat.values()][:2]
            [0, 3]
        """
        return [obj for _, obj in self.items()]

    def __len__(self):
        return len(self._names)


class FrozenIndex:
    """
    :class:`xcoco.query.IndexProtocol` served from a snapshot's arrays.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.build import write_snapshot
        >>> from xcoco.query import IndexProtocol
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> meta = write_snapshot(xcoco.CocoDataset(), dpath)
        >>> index = FrozenIndex(open_arrays(dpath)[1], meta)
        >>> all(hasattr(index, name) for name in IndexProtocol.__annotations__)
        True
    """

    def __init__(self, arrays: dict[str, Any], meta: dict[str, Any] | None = None) -> None:
        groups = (meta or {}).get('groups') or {}
        rows = {}
        for table in TABLES:
            rows[table] = RowLookup(arrays, table)
            setattr(self, INDEX_ATTR[table], rows[table])
        for name in GROUPS:
            has_none = groups.get(name, {}).get('has_none')
            if has_none is None:
                has_none = len(arrays[f'{name}.none']) > 0
            setattr(self, name, GroupLookup(arrays, name, has_none))
        for name, table in NAME_LOOKUPS.items():
            setattr(self, name, NameLookup(arrays, name, rows[table]))

    def frame_of_image(self, gid):
        """
        The ``frame_index`` of an image (None when it has none or is absent).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.build import write_snapshot
            >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
            >>> _ = write_snapshot(xcoco.CocoDataset.demo('vidshapes1'), dpath)
            >>> FrozenIndex(open_arrays(dpath)[1]).frame_of_image(2)
            1
        """
        img = self.imgs.get(gid)  # type: ignore[attr-defined]
        return None if img is None else img.get('frame_index')
