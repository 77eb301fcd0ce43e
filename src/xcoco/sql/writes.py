"""
Edits of a database-backed dataset: adds, removals and field updates with
the in-memory dataset's signatures, checks and messages.

Each edit is one transaction that takes the database's writer lock first
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), then runs
the very checks :mod:`xcoco.index.edit` / :mod:`xcoco.index.fields` run on
the in-memory index (they read the database through :class:`SqlIndex`),
then allocates ids from ``xcoco_next_ids`` and writes.  Checks and writes
see the same state, so processes writing at once never collide on an id or
a name, and a refused edit rolls back having changed nothing.

The SQL backend keeps integer ids only: a string id is refused.

Example:
    >>> from xcoco.sql import CocoSqlDatabase
    >>> db = CocoSqlDatabase(':memory:').connect()
    >>> gid = add_image(db, 'a.png', width=4, height=3)
    >>> add_annotations(db, [{'image_id': gid, 'bbox': [0, 0, 1, 1]}] * 2)
    [1, 2]
"""
from __future__ import annotations

from numbers import Integral

from xcoco.errors import AddTypeError, DuplicateAddError, ReadOnlyFieldError
from xcoco.index import edit as _edit
from xcoco.index import fields as _fields
from xcoco.index import remove as _remove
from xcoco.sql import schema
from xcoco.tables import INDEX_ATTR, NOUN

__all__ = [
    'add_annotation', 'add_annotations', 'add_categories', 'add_category', 'add_image',
    'add_images', 'add_keypoint_categories', 'add_track', 'add_video', 'remove_annotations',
    'remove_categories', 'remove_images', 'remove_tracks', 'remove_videos',
    'set_annotation_category', 'set_field',
]

_ID_REFS = {'images': ('video_id',), 'annotations': ('track_id',)}


def _check_sql_ids(table, obj, where):
    for field in ('id', *_ID_REFS.get(table, ())):
        value = obj.get(field)
        if value is not None and not (isinstance(value, Integral) and not isinstance(value, bool)):
            raise AddTypeError(f'{where}: {field}={value!r:.60} is a {type(value).__name__}; '
                               'the SQL backend keeps integer ids only')


def _take_ids(db, conn, table, count, claimed):
    """``count`` fresh ids stepping over ``claimed``; advances the counter past both."""
    dialect = db.dialect
    row = dialect.execute(conn, 'SELECT next_id FROM xcoco_next_ids WHERE tbl = ?',
                          (table,)).fetchone()
    next_id = row[0] if row else 1
    out = []
    while len(out) < count:
        if next_id not in claimed:
            out.append(next_id)
        next_id += 1
    ints = [i for i in claimed if isinstance(i, int)]
    if ints:
        next_id = max(next_id, max(ints) + 1)
    dialect.execute(conn, 'UPDATE xcoco_next_ids SET next_id = ? WHERE tbl = ?',
                    (next_id, table))
    return out


def _peek_id(db, conn, table):
    row = db.dialect.execute(conn, 'SELECT next_id FROM xcoco_next_ids WHERE tbl = ?',
                             (table,)).fetchone()
    return row[0] if row else 1


def _insert(db, conn, table, objs):
    cols = schema.table_columns(table)
    marks = ', '.join('?' * len(cols))
    db.dialect.executemany(conn, f'INSERT INTO {table} ({", ".join(cols)}) VALUES ({marks})',
                           [schema.row_of(table, obj) for obj in objs])


def _rewrite(db, conn, table, objs):
    """Store edited objects (their JSON and the columns copied from it)."""
    cols = schema.table_columns(table)
    sets = ', '.join(f'{c} = ?' for c in cols[1:])
    rows = []
    for obj in objs:
        row = schema.row_of(table, obj)
        rows.append((*row[1:], row[0]))
    db.dialect.executemany(conn, f'UPDATE {table} SET {sets} WHERE id = ?', rows)


def _add_batch(db, table, objs, single=False, prepare=None):
    check, _ = _edit._STEPS[table]
    noun = NOUN[table]
    objs = list(objs)
    with db.write_transaction() as conn:
        if prepare is not None:
            objs = prepare(conn)
        claims = _edit._Claims()
        planned = []
        for pos, obj in enumerate(objs):
            claims.pos = pos
            where = _edit._where(noun, pos, single)
            if not isinstance(obj, dict):
                raise AddTypeError(f'{where}: expected a dict, got a {type(obj).__name__}')
            _check_sql_ids(table, obj, where)
            planned.append(check(db, obj, where, claims))
        missing = sum(1 for obj in objs if obj.get('id', None) is None)
        fresh = iter(_take_ids(db, conn, table, missing, claims.ids))
        final = []
        for obj, updates in zip(objs, planned):
            new = dict(obj)
            new.update(updates)
            if new.get('id', None) is None:
                new['id'] = next(fresh)
            final.append(new)
        _insert(db, conn, table, final)
    # committed: give the caller's dicts their ids, as the in-memory adds do
    for obj, new in zip(objs, final):
        obj.update(new)
    if table in ('images', 'annotations'):
        _edit._warn_orphans(db, table, final)
    return [obj['id'] for obj in final]


def add_image(db, file_name=None, id=None, **kw):
    """
    Add one image; see :meth:`xcoco.CocoDataset.add_image`.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_image(db, 'a.png', width=4)
        1
    """
    img = _edit._id_first(id, {'file_name': file_name, **kw})
    return _add_batch(db, 'images', [img], single=True)[0]


def add_images(db, imgs):
    """
    Add many image dicts in one transaction (all checked first).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_images(db, [{'file_name': 'a.png'}, {'file_name': 'b.png', 'id': 7}])
        [1, 7]
    """
    return _add_batch(db, 'images', imgs)


def add_annotation(db, image_id, category_id=None, bbox=_edit.NOT_GIVEN,
                   segmentation=_edit.NOT_GIVEN, keypoints=_edit.NOT_GIVEN, id=None,
                   track_id=None, **kw):
    """
    Add one annotation; see :meth:`xcoco.CocoDataset.add_annotation`.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_annotation(db, add_image(db, 'a.png'), bbox=[0, 0, 2, 2])
        1
    """
    ann = {'id': id, 'image_id': image_id, 'category_id': category_id}
    if bbox is not _edit.NOT_GIVEN:
        ann['bbox'] = bbox
    if segmentation is not _edit.NOT_GIVEN:
        ann['segmentation'] = _edit._coerce_geometry(segmentation)
    if keypoints is not _edit.NOT_GIVEN:
        ann['keypoints'] = _edit._coerce_geometry(keypoints)
    if track_id is not None:
        ann['track_id'] = track_id
    ann.update(kw)
    return _add_batch(db, 'annotations', [ann], single=True)[0]


def add_annotations(db, anns):
    """
    Add many annotation dicts in one transaction (all checked first).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> gid = add_image(db, 'a.png')
        >>> add_annotations(db, [{'image_id': gid}, {'image_id': gid}])
        [1, 2]
    """
    return _add_batch(db, 'annotations', anns)


def add_category(db, name, supercategory=None, id=None, **kw):
    """
    Add a category.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_category(db, 'cat', supercategory='animal')
        1
    """
    cat = {'id': id, 'name': name}
    if supercategory is not None:
        cat['supercategory'] = supercategory
    cat.update(kw)
    return _add_batch(db, 'categories', [cat], single=True)[0]


def add_categories(db, cats):
    """
    Add many category dicts.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_categories(db, [{'name': 'a'}, {'name': 'b'}])
        [1, 2]
    """
    return _add_batch(db, 'categories', cats)


def add_video(db, name, id=None, **kw):
    """
    Add a video.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_video(db, 'clip', width=8, height=8)
        1
    """
    return _add_batch(db, 'videos', [_edit._id_first(id, {'name': name, **kw})], single=True)[0]


def add_track(db, name=None, id=None, **kw):
    """
    Add a track (an unnamed one is named after its id, as in memory).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> tid = add_track(db)
        >>> db.index.tracks[tid]
        {'id': 1, 'name': 'track_001'}
    """
    def prepare(conn):
        track_id, track_name = id, name
        if track_name is None:
            # the default name needs the id, read under the writer lock
            future = _peek_id(db, conn, 'tracks') if track_id is None else track_id
            track_name = f'track_{future:03d}' if isinstance(future, int) else str(future)
            if track_id is None and track_name in db.index.name_to_track:
                held = db.index.name_to_track[track_name]['id']
                raise DuplicateAddError(
                    f'cannot add track: its default name {track_name!r} is taken by '
                    f'track id={held!r}; pass a name')
            track_id = future
        return [_edit._id_first(track_id, {'name': track_name, **kw})]
    return _add_batch(db, 'tracks', [], single=True, prepare=prepare)[0]


def add_keypoint_categories(db, keypoint_cats):
    """
    Add keypoint categories given as names or dicts.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> add_keypoint_categories(db, ['nose', {'name': 'tail'}])
        [1, 2]
    """
    objs = []
    for item in keypoint_cats:
        obj = {'name': item} if isinstance(item, str) else dict(item)
        objs.append(_edit._id_first(obj.get('id', None), obj))
    return _add_batch(db, 'keypoint_categories', objs)


# ---- removals ----------------------------------------------------------------
def _delete(db, conn, table, ids):
    ids = list(ids)
    db.dialect.executemany(conn, f'DELETE FROM {table} WHERE id = ?', [(i,) for i in ids])


def _children(db, conn, child, column, parent_ids):
    out = []
    for pid in parent_ids:
        rows = db.dialect.execute(conn, f'SELECT id FROM {child} WHERE {column} = ? ORDER BY id',
                                  (pid,)).fetchall()
        out.extend(r[0] for r in rows)
    return out


def remove_annotations(db, aids_or_anns, safe=True, verbose=0):
    """
    Remove annotations (ids or dicts); ``safe=False`` skips unknown ids.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> aid = add_annotation(db, add_image(db, 'a.png'))
        >>> remove_annotations(db, [aid])
        {'annotations': 1}
    """
    with db.write_transaction() as conn:
        aids = _remove._resolve_all(db, 'annotations', aids_or_anns, safe,
                                    'cannot remove annotations')
        _delete(db, conn, 'annotations', aids)
    return _remove._report({'annotations': len(aids)}, verbose)


def remove_images(db, gids_or_imgs, safe=True, verbose=0):
    """
    Remove images and their annotations.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> gid = add_image(db, 'a.png')
        >>> _ = add_annotation(db, gid)
        >>> remove_images(db, [gid])
        {'annotations': 1, 'images': 1}
    """
    with db.write_transaction() as conn:
        gids = _remove._resolve_all(db, 'images', gids_or_imgs, safe, 'cannot remove images')
        info = _remove_images(db, conn, gids)
    return _remove._report(info, verbose)


def _remove_images(db, conn, gids):
    aids = _children(db, conn, 'annotations', 'image_id', gids)
    _delete(db, conn, 'annotations', aids)
    _delete(db, conn, 'images', gids)
    return {'annotations': len(aids), 'images': len(gids)}


#: table -> (child table, link field, how a kept child is unlinked)
_PARENTS = {'categories': ('annotations', 'category_id', 'null'),
            'videos': ('images', 'video_id', 'drop'),
            'tracks': ('annotations', 'track_id', 'drop')}


def _remove_parents(db, table, identifiers, keep_children, safe, verbose):
    child, field, unlink = _PARENTS[table]
    with db.write_transaction() as conn:
        ids = _remove._resolve_all(db, table, identifiers, safe, f'cannot remove {table}')
        child_ids = _children(db, conn, child, field, ids)
        if keep_children:
            objs = list(getattr(db.index, INDEX_ATTR[child]).take_many(child_ids))
            for obj in objs:
                if unlink == 'null':
                    obj[field] = None
                else:
                    obj.pop(field, None)
            _rewrite(db, conn, child, objs)
            info = {child: 0}
        elif child == 'annotations':
            _delete(db, conn, 'annotations', child_ids)
            info = {'annotations': len(child_ids)}
        else:
            info = _remove_images(db, conn, child_ids)
        _delete(db, conn, table, ids)
        info[table] = len(ids)
    return _remove._report(info, verbose)


def remove_categories(db, cat_identifiers, keep_annots=False, safe=True, verbose=0):
    """
    Remove categories; their annotations go too unless ``keep_annots``
    (then their ``category_id`` becomes None).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> cid = add_category(db, 'cat')
        >>> aid = add_annotation(db, add_image(db, 'a.png'), cid)
        >>> remove_categories(db, ['cat'], keep_annots=True)
        {'annotations': 0, 'categories': 1}
        >>> db.index.anns[aid]['category_id'] is None
        True
    """
    return _remove_parents(db, 'categories', cat_identifiers, keep_annots, safe, verbose)


def remove_videos(db, vidids_or_videos, keep_images=False, safe=True, verbose=0):
    """
    Remove videos with their frames (unless ``keep_images``: the frames then
    lose their ``video_id``).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> vid = add_video(db, 'v')
        >>> _ = add_image(db, 'f.png', video_id=vid, frame_index=0)
        >>> remove_videos(db, [vid])
        {'annotations': 0, 'images': 1, 'videos': 1}
    """
    return _remove_parents(db, 'videos', vidids_or_videos, keep_images, safe, verbose)


def remove_tracks(db, track_identifiers, keep_annots=False, safe=True, verbose=0):
    """
    Remove tracks with their annotations (unless ``keep_annots``: those
    then lose their ``track_id``).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> tid = add_track(db, 't')
        >>> _ = add_annotation(db, add_image(db, 'a.png'), track_id=tid)
        >>> remove_tracks(db, [tid], keep_annots=True)
        {'annotations': 0, 'tracks': 1}
    """
    return _remove_parents(db, 'tracks', track_identifiers, keep_annots, safe, verbose)


# ---- field updates -----------------------------------------------------------
def set_field(db, table, ids, key, values):
    """
    Set field ``key`` of the objects ``ids`` to ``values`` (one each;
    :data:`xcoco.index.fields.REMOVE` deletes it), with the in-memory
    checks; one transaction.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> gid = add_image(db, 'a.png')
        >>> set_field(db, 'images', [gid], 'split', ['train'])
        >>> db.index.imgs[gid]['split']
        'train'
        >>> try:
        ...     set_field(db, 'images', [gid], 'video_id', [5])
        ... except KeyError as ex:
        ...     print(ex)
        cannot set video_id of image id=1: video_id=5 does not exist
    """
    noun = NOUN[table]
    ids, values = list(ids), list(values)
    with db.write_transaction() as conn:
        lookup = getattr(db.index, INDEX_ATTR[table])
        final = _fields.final_values(lookup, table, ids, key, values)
        if key == 'id':
            raise ReadOnlyFieldError(
                f"cannot set 'id' of {table} through a view: ids are fixed "
                f'({_fields._ID_HINT[table]})')
        objs = {obj['id']: obj for obj in lookup.take_many(list(final))}
        if key in _fields.INDEXED_FIELDS[table]:
            if key in _ID_REFS.get(table, ()):
                for id_, value in final.items():
                    _check_sql_ids(table, {key: _fields._value(value)},
                                   f'cannot set {key} of {noun} id={id_!r}')
            _fields._check(db, table, key, objs, final)
        for id_, obj in objs.items():
            _fields._assign(obj, key, final[id_])
        _rewrite(db, conn, table, objs.values())


def set_annotation_category(db, aid_or_ann, cid_or_cat):
    """
    Move one annotation to another category (id, name or dict).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> a, b = add_category(db, 'a'), add_category(db, 'b')
        >>> aid = add_annotation(db, add_image(db, 'x.png'), a)
        >>> set_annotation_category(db, aid, 'b')
        >>> db.index.cid_to_aids[b]
        {1}
    """
    from xcoco.query import resolve_id
    context = 'cannot set the category of an annotation'
    aid = resolve_id(db.index, 'annotations', aid_or_ann, context=context)
    cid = resolve_id(db.index, 'categories', cid_or_cat, context=context)
    set_field(db, 'annotations', [aid], 'category_id', [cid])
