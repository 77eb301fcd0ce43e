"""
Writing a frozen snapshot: a folder of ``.npy`` arrays (memory-mapped when
opened) and a ``meta.json`` that names and checks them.

Per table (``images``, ``annotations`` ...): the ids in table order, the
same sorted with the row each sits in (a binary search finds a row), and
each row's full JSON as bytes in one blob (the table as one JSON array)
with the offset of each row.  Numeric
columns (annotation ``image_id`` / ``category_id`` / ``track_id`` /
``bbox``, image ``video_id`` / ``frame_index``) are arrays of their own.
The groups (``gid_to_aids`` ...) are CSR arrays (sorted keys, ``indptr``,
``indices``), the name lookups sorted UTF-8 blobs with the row each name
points at.

The folder is written under a temporary name beside its destination,
``meta.json`` last inside it, every file flushed to disk, and moved into
place with one rename (over an old snapshot: one atomic swap, Linux's
``RENAME_EXCHANGE``), so a reader sees a whole snapshot, old or new, even
when the writer is killed; a temporary folder a killed writer leaves is
swept by the next write (see :mod:`xcoco.manifest.durable`).  ``meta.json`` records each file's
size and a hash of its first and last bytes: a truncated, missing or
swapped file is refused on open.

Example:
    >>> import xcoco, tempfile, ubelt as ub
    >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
    >>> meta = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
    >>> meta['counts']['annotations'], (dpath / 'meta.json').exists()
    (11, True)
"""
from __future__ import annotations

import hashlib
import itertools as it
import os
import shutil
import uuid
from typing import Any

import numpy as np
import orjson

from xcoco.errors import FrozenError, UnserializableError
from xcoco.manifest.durable import create_temp_dir_beside, exchange, fsync_dir, sweep_stale
from xcoco.tables import INDEX_ATTR, TABLES

__all__ = ['FORMAT_VERSION', 'GROUPS', 'NAME_LOOKUPS', 'file_check', 'write_snapshot']

#: bumped whenever the layout changes; an older snapshot is rebuilt
FORMAT_VERSION = 1

#: group lookup -> (child table, parent table, kept in frame order)
GROUPS = {
    'gid_to_aids': ('annotations', 'images', False),
    'cid_to_aids': ('annotations', 'categories', False),
    'vidid_to_gids': ('images', 'videos', True),
    'trackid_to_aids': ('annotations', 'tracks', True),
}

#: name lookup -> the table its objects come from
NAME_LOOKUPS = {
    'name_to_cat': 'categories',
    'name_to_img': 'images',
    'name_to_video': 'videos',
    'name_to_track': 'tracks',
    'file_name_to_img': 'images',
}

#: annotation reference columns: value, and state (0 absent, 1 null, 2 int, 3 other)
REF_COLUMNS = ('image_id', 'category_id', 'track_id')
ABSENT, NULL, INT, OTHER = 0, 1, 2, 3

#: bytes hashed at each end of a file to notice a swapped or damaged file
_CHECK_BYTES = 4096


def file_check(fpath: str | os.PathLike) -> dict[str, Any]:
    """
    Size and a hash of the first and last bytes of a file (what ``meta.json``
    records of each array file and what opening compares).

    Example:
        >>> import tempfile, os
        >>> fpath = os.path.join(tempfile.mkdtemp(), 'x.bin')
        >>> with open(fpath, 'wb') as file:
        ...     _ = file.write(b'abc')
        >>> file_check(fpath)['size']
        3
    """
    size = os.path.getsize(fpath)
    digest = hashlib.sha1()
    with open(fpath, 'rb') as file:
        digest.update(file.read(_CHECK_BYTES))
        if size > _CHECK_BYTES:
            file.seek(max(_CHECK_BYTES, size - _CHECK_BYTES))
            digest.update(file.read(_CHECK_BYTES))
    return {'size': size, 'sha1': digest.hexdigest()}


def _int_id(table, value, what='id'):
    if type(value) is int:
        return value
    raise FrozenError(f'cannot freeze: {table} {what}={value!r} is a '
                      f'{type(value).__name__}; a frozen snapshot needs integer ids')


def _int_ids(table, values, what='id'):
    """``values`` as an int64 array, refusing (naming it) a value that is no int."""
    if set(map(type, values)) - {int}:
        for value in values:
            _int_id(table, value, what)
    return np.array(values, dtype=np.int64)


def _dumps(table, obj):
    try:
        return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError as ex:
        raise UnserializableError(
            f'cannot freeze {table} id={obj.get("id")!r}: {ex}') from None


#: bytes that open / close a JSON container, and the quote
_STRUCTURE = np.zeros(256, dtype=bool)
_STRUCTURE[[ord(c) for c in '{}[]"']] = True


def _row_starts(text, n):
    """
    Where each of the ``n`` objects of the JSON array ``text`` (orjson's
    compact output) starts, found from its structure; None when the text
    holds a backslash (an escaped quote would fool the scan) or the
    result does not check out.
    """
    if n == 0 or b'\\' in text:
        return None
    data = np.frombuffer(text, dtype=np.uint8)
    where = np.flatnonzero(_STRUCTURE[data])
    chars = data[where]
    quote = chars == ord('"')
    outside = (np.cumsum(quote) & 1) == 0
    keep = ~quote & outside
    where, chars = where[keep], chars[keep]
    opens = (chars == ord('{')) | (chars == ord('['))
    depth = np.cumsum(np.where(opens, 1, -1))
    # an object of the top-level array closes where the depth drops back to 1
    ends = where[(chars == ord('}')) & (depth == 1)] + 1
    if len(ends) != n:
        return None
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 1
    starts[1:] = ends[:-1] + 1
    if not ((data[starts] == ord('{')).all() and (data[ends[:-1]] == ord(',')).all()
            and ends[-1] == len(data) - 1):
        return None
    return starts


def _table_text(table, rows):
    """
    The table as one JSON array and the offset of each row in it (row ``i``
    is ``text[offsets[i]:offsets[i + 1] - 1]``; the byte after it is a
    comma or the closing bracket).  One ``orjson.dumps`` of the whole
    table is ~3x faster than one per row.
    """
    try:
        text = orjson.dumps(rows, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError:
        text = None
    starts = None if text is None else _row_starts(text, len(rows))
    if starts is None:
        blobs = [_dumps(table, obj) for obj in rows]
        text = b'[' + b','.join(blobs) + b']'
        starts = np.zeros(len(rows), dtype=np.int64)
        if rows:
            starts[0] = 1
            np.cumsum([len(b) + 1 for b in blobs[:-1]], out=starts[1:])
            starts[1:] += 1
    offsets = np.empty(len(rows) + 1, dtype=np.int64)
    offsets[:-1] = starts
    offsets[-1] = len(text)
    return text, offsets


class _Writer:
    def __init__(self, dpath):
        self.dpath = dpath
        self.files: dict[str, dict[str, Any]] = {}

    def save_bytes(self, name, chunks, total):
        """Write ``chunks`` (bytes) as one uint8 ``.npy`` without joining them first."""
        fname = name + '.npy'
        fpath = os.path.join(self.dpath, fname)
        header = {'descr': '|u1', 'fortran_order': False, 'shape': (int(total),)}
        with open(fpath, 'wb') as file:
            np.lib.format.write_array_header_1_0(file, header)
            file.writelines(chunks)
            _flush(file)
        self.files[name] = {'file': fname, **file_check(fpath)}

    def save(self, name, array):
        fname = name + '.npy'
        fpath = os.path.join(self.dpath, fname)
        with open(fpath, 'wb') as file:
            np.save(file, np.ascontiguousarray(array), allow_pickle=False)
            _flush(file)
        self.files[name] = {'file': fname, **file_check(fpath)}


def _flush(file):
    # every file reaches the disk before the folder is published: after a
    # power cut meta.json never names a file that was still in the cache
    file.flush()
    os.fsync(file.fileno())


def _write_table(writer, table, rows):
    ids = _int_ids(table, [obj.get('id') for obj in rows])
    text, offsets = _table_text(table, rows)
    order = np.argsort(ids, kind='stable')
    writer.save(f'{table}.ids', ids)
    writer.save(f'{table}.sorted_ids', ids[order])
    writer.save(f'{table}.sorted_rows', order.astype(np.int64))
    writer.save(f'{table}.offsets', offsets)
    writer.save_bytes(f'{table}.blob', [text], len(text))


_ABSENT = object()


def _ref_column(objs, key):
    raw = [obj.get(key, _ABSENT) for obj in objs]
    kinds = set(map(type, raw))
    if kinds <= {int}:
        # the usual column: every value an int (one bulk conversion)
        try:
            return np.array(raw, dtype=np.int64), np.full(len(raw), INT, dtype=np.uint8)
        except OverflowError:
            pass
    values = np.zeros(len(raw), dtype=np.int64)
    state = np.zeros(len(raw), dtype=np.uint8)
    for row, value in enumerate(raw):
        if value is _ABSENT:
            continue
        if value is None:
            state[row] = NULL
        elif type(value) is int and -2**63 <= value < 2**63:
            values[row], state[row] = value, INT
        else:
            state[row] = OTHER
    return values, state


def _is_box(bbox):
    return (type(bbox) is list and len(bbox) == 4
            and all(type(v) in (int, float) for v in bbox))


def _bbox_column(anns):
    boxes = [ann.get('bbox') for ann in anns]
    n = len(boxes)
    if n and set(map(type, boxes)) == {list} and set(map(len, boxes)) == {4}:
        flat = list(it.chain.from_iterable(boxes))
        if set(map(type, flat)) <= {int, float}:
            # the usual column: every box 4 numbers (one bulk conversion)
            return (np.array(flat, dtype=np.float64).reshape(n, 4),
                    np.ones(n, dtype=np.uint8))
    bbox = np.full((n, 4), np.nan, dtype=np.float64)
    bbox_ok = np.zeros(n, dtype=np.uint8)
    for row, box in enumerate(boxes):
        if _is_box(box):
            bbox[row] = box
            bbox_ok[row] = 1
    return bbox, bbox_ok


def _write_columns(writer, imgs, anns):
    bbox, bbox_ok = _bbox_column(anns)
    writer.save('annotations.bbox', bbox)
    writer.save('annotations.bbox_ok', bbox_ok)
    for key in REF_COLUMNS:
        values, state = _ref_column(anns, key)
        writer.save(f'annotations.{key}', values)
        writer.save(f'annotations.{key}_state', state)
    video_id, video_state = _ref_column(imgs, 'video_id')
    writer.save('images.video_id', video_id)
    writer.save('images.video_id_state', video_state)
    frame = np.array([value if type(value) in (int, float) else np.nan
                      for value in (img.get('frame_index') for img in imgs)],
                     dtype=np.float64).reshape(len(imgs))
    writer.save('images.frame_index', frame)


def _write_group(writer, name, groups, ordered):
    child = GROUPS[name][0]
    keys, lengths, flat = [], [], []
    none_group = None
    for key, members in groups.items():
        if key is None:
            none_group = np.sort(_int_ids(child, list(members)))
            continue
        keys.append(_int_id(GROUPS[name][1], key, 'reference'))
        flat.append(list(members) if ordered else sorted(members))
        lengths.append(len(members))
    order = np.argsort(np.array(keys, dtype=np.int64), kind='stable')
    keys_arr = np.array(keys, dtype=np.int64)[order]
    lengths_arr = np.array(lengths, dtype=np.int64)[order]
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths_arr, out=indptr[1:])
    indices = _int_ids(child, [m for pos in order.tolist() for m in flat[pos]])
    writer.save(f'{name}.keys', keys_arr)
    writer.save(f'{name}.indptr', indptr)
    writer.save(f'{name}.indices', indices)
    writer.save(f'{name}.none', none_group if none_group is not None
                else np.zeros(0, dtype=np.int64))
    return none_group is not None


def _write_names(writer, name, lookup, row_of_id):
    table = NAME_LOOKUPS[name]
    items = []
    for position, (key, obj) in enumerate(lookup.items()):
        if not isinstance(key, str):
            raise FrozenError(f'cannot freeze: {name} key {key!r} is a '
                              f'{type(key).__name__}; a frozen snapshot needs string names')
        items.append((key.encode('utf8'), row_of_id[_int_id(table, obj.get('id'))], position))
    items.sort()
    encoded = [item[0] for item in items]
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    writer.save(f'{name}.offsets', offsets)
    writer.save(f'{name}.blob', np.frombuffer(b''.join(encoded), dtype=np.uint8))
    writer.save(f'{name}.rows', np.array([item[1] for item in items], dtype=np.int64))
    # iteration follows the in-memory lookup's order (first holder in table order)
    by_position = np.argsort(np.array([item[2] for item in items], dtype=np.int64))
    writer.save(f'{name}.iter', by_position.astype(np.int64))


def write_snapshot(dset: Any, dpath: str | os.PathLike,
                   source: dict[str, Any] | None = None) -> dict[str, Any]:
    """
    Freeze ``dset`` (anything with an in-memory ``index`` and ``dataset``)
    into the folder ``dpath``, replacing what is there in one rename.

    Args:
        dset (CocoDataset): the dataset.
        dpath (str | PathLike): the snapshot folder.
        source (dict | None): what the snapshot is keyed on (the manifest's
            ``fpath``, ``size``, ``mtime``, ``hashid``), stored in ``meta.json``.

    Returns:
        dict: the snapshot's meta.

    Raises:
        FrozenError: an id or name that is not an int / str.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp()) / 'snap'
        >>> meta = write_snapshot(xcoco.CocoDataset.demo('vidshapes1'), dpath)
        >>> meta['format_version'], meta['groups']['trackid_to_aids']['has_none']
        (1, False)
    """
    dpath = os.path.abspath(os.fspath(dpath))
    parent = os.path.dirname(dpath)
    os.makedirs(parent, exist_ok=True)
    sweep_stale(dpath)  # what killed writers left behind
    lock_fd, tmp = create_temp_dir_beside(dpath)
    try:
        meta = _write_all(dset, tmp, source)
        fsync_dir(tmp)
        _move_into_place(tmp, dpath)
        fsync_dir(parent)
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
        shutil.rmtree(tmp, ignore_errors=True)
    return meta


def _write_all(dset, tmp, source):
    index = dset.index
    writer = _Writer(tmp)
    rows = {table: list(getattr(index, INDEX_ATTR[table]).values()) for table in TABLES}
    for table in TABLES:
        _write_table(writer, table, rows[table])
    _write_columns(writer, rows['images'], rows['annotations'])
    has_none = {}
    for name, (_, _, ordered) in GROUPS.items():
        has_none[name] = _write_group(writer, name, getattr(index, name), ordered)
    for name, table in NAME_LOOKUPS.items():
        row_of_id = {obj['id']: row for row, obj in enumerate(rows[table])}
        _write_names(writer, name, getattr(index, name), row_of_id)
    manifest = dset.dataset
    meta = {
        'format_version': FORMAT_VERSION,
        'source': source or {},
        'tag': dset.tag,
        'bundle_dpath': os.fspath(dset.bundle_dpath),
        'counts': {table: len(rows[table]) for table in TABLES},
        'manifest_keys': list(manifest),
        # the manifest's other top-level keys (info, licenses ...) are small
        'extra': {k: v for k, v in manifest.items() if k not in TABLES},
        'groups': {name: {'has_none': flag} for name, flag in has_none.items()},
        'files': writer.files,
    }
    try:
        text = orjson.dumps(meta, option=orjson.OPT_SERIALIZE_NUMPY)
    except TypeError as ex:
        raise UnserializableError(f'cannot freeze the manifest top-level keys: {ex}') from None
    with open(os.path.join(tmp, 'meta.json'), 'wb') as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    return meta


def _move_into_place(tmp, dpath):
    if not os.path.lexists(dpath):
        try:
            os.replace(tmp, dpath)
            return
        except OSError:
            if not os.path.exists(dpath):
                raise
    # An old (or concurrently written) snapshot is there: swap the two in
    # one step (the old one lands at ``tmp`` and is removed by the caller);
    # open memory maps of the old files stay valid until their readers close.
    if exchange(tmp, dpath):
        return
    # Without an atomic swap (not Linux, or a file system without
    # RENAME_EXCHANGE): two renames, with a moment in between where a
    # reader finds no snapshot and a kill leaves the old one at ``trash``.
    trash = f'{dpath}.{uuid.uuid4().hex[:8]}.old'
    try:
        os.replace(dpath, trash)
    except FileNotFoundError:
        trash = None
    try:
        os.replace(tmp, dpath)
    except OSError:
        # another process put its own (equal) snapshot there first
        if not os.path.exists(os.path.join(dpath, 'meta.json')):
            raise
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)
