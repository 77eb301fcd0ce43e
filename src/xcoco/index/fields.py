"""
Setting fields of existing objects (through the vectorized views'
``set``, ``CocoImage[key] = value`` and ``set_annotation_category``) while
the index stays what a fresh build would give.

Most fields are plain data and are just written.  The fields the index is
built from are *indexed*: an id (never settable: ids are fixed), the
references that group objects (``image_id``, ``category_id``,
``track_id``, ``video_id``), the names the name lookups hold, and
``frame_index`` (frames and tracks are kept in frame order).  Setting one of
those checks the whole request first (types, references that must exist,
names that must stay unique, a frame that must keep its ``frame_index``)
and only then moves the object between the index's groups, so a refused
set changes nothing.
"""
from typing import Any

from xcoco.errors import DuplicateAddError, InvalidAddError, ReadOnlyFieldError, UnknownIdError
from xcoco.index.build import REPEATABLE_NAMES
from xcoco.index.edit import (
    check_frame_index,
    check_frame_order,
    check_id_value,
    check_name_value,
    check_reference,
)
from xcoco.tables import INDEX_ATTR, NOUN

__all__ = ['INDEXED_FIELDS', 'REMOVE', 'final_values', 'set_annotation_category', 'set_field']

#: a value meaning "delete the field"
REMOVE = object()

#: table -> fields the index depends on ('id' is never settable)
INDEXED_FIELDS = {
    'images': {'id', 'file_name', 'name', 'video_id', 'frame_index'},
    'annotations': {'id', 'image_id', 'category_id', 'track_id'},
    'categories': {'id', 'name'},
    'videos': {'id', 'name'},
    'tracks': {'id', 'name'},
    'keypoint_categories': {'id', 'name'},
}

#: (table, field) -> the name lookup of the index it feeds
_NAME_LOOKUPS = {
    ('images', 'name'): 'name_to_img',
    ('images', 'file_name'): 'file_name_to_img',
    ('categories', 'name'): 'name_to_cat',
    ('videos', 'name'): 'name_to_video',
    ('tracks', 'name'): 'name_to_track',
}

#: (table, field) -> how to add a new object instead, for the refusal message
_ID_HINT = {
    'images': 'add a new image and remove the old one',
    'annotations': 'add a new annotation and remove the old one',
    'categories': 'add a new category, move its annotations with '
                  'set_annotation_category, then remove the old one',
    'videos': 'add a new video and move its frames by setting their video_id',
    'tracks': 'add a new track and move its annotations by setting their track_id',
    'keypoint_categories': 'add a new keypoint category and remove the old one',
}


def final_values(lookup: Any, table: str, ids: Any, key: str, values: Any) -> dict:
    """
    ``id -> value`` for a set of ``key``: the last value given for an id
    wins, as plain assignment would; every id must exist (an
    :class:`~xcoco.errors.UnknownIdError` names the first that does not).
    Shared by every backend's field set.

    Example:
        >>> final_values({1: {}, 2: {}}, 'images', [1, 2, 1], 'split', ['a', 'b', 'c'])
        {1: 'c', 2: 'b'}
    """
    noun = NOUN[table]
    final = {}
    for id_, value in zip(ids, values):
        if id_ not in lookup:
            raise UnknownIdError(f'cannot set {key} of {noun} id={id_!r}: no such {noun}',
                                 table=table, key=id_)
        final[id_] = value
    return final


def set_field(dset, table, ids, key, values):
    """
    Set field ``key`` of the objects ``ids`` of ``table`` to ``values`` (one
    value per id, in order; :data:`REMOVE` deletes the field), keeping the
    index consistent.  Everything is checked before anything is written.

    Raises:
        ReadOnlyFieldError: ``key`` is ``'id'``.
        UnknownIdError: an id, or a referenced object, does not exist.
        AddTypeError: a value of the wrong type for an indexed field.
        DuplicateAddError: a name that must stay unique would repeat.
        InvalidAddError: e.g. a frame of a video would lose its frame_index.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> a, b = dset.add_category('a'), dset.add_category('b')
        >>> gid = dset.add_image('x.png')
        >>> aid = dset.add_annotation(gid, a)
        >>> set_field(dset, 'annotations', [aid], 'category_id', [b])
        >>> dset.index.cid_to_aids[a], dset.index.cid_to_aids[b]
        (set(), {1})
        >>> try:
        ...     set_field(dset, 'annotations', [aid], 'category_id', [99])
        ... except KeyError as ex:
        ...     print(ex)
        cannot set category_id of annotation id=1: category_id=99 does not exist
    """
    database_set = getattr(dset, '_set_field', None)
    if database_set is not None:
        # a database backend checks and writes in one transaction of its own
        return database_set(table, ids, key, values)
    index = dset.index
    lookup = getattr(index, INDEX_ATTR[table])
    final = final_values(lookup, table, ids, key, values)
    if key not in INDEXED_FIELDS[table]:
        for id_, value in final.items():
            _assign(lookup[id_], key, value)
        if final:
            index.note_edit()
        return
    if key == 'id':
        raise ReadOnlyFieldError(
            f"cannot set 'id' of {table} through a view: ids are fixed "
            f'({_ID_HINT[table]})')
    objs = {id_: lookup[id_] for id_ in final}
    _check(dset, table, key, objs, final)
    _apply(dset, table, key, objs, final)
    index.note_edit()


def _assign(obj, key, value):
    if value is REMOVE:
        obj.pop(key, None)
    else:
        obj[key] = value


def _value(value):
    return None if value is REMOVE else value


def _check(dset, table, key, objs, final):
    index = dset.index
    noun = NOUN[table]
    for id_, value in final.items():
        where = f'cannot set {key} of {noun} id={id_!r}'
        value = _value(value)
        if key in ('name', 'file_name'):
            required = table in ('categories', 'videos', 'keypoint_categories')
            if table == 'images' and value is None:
                other = 'name' if key == 'file_name' else 'file_name'
                if objs[id_].get(other) is None:
                    raise InvalidAddError(
                        f"{where}: an image needs a 'file_name' or a 'name'")
            stored = check_name_value(where, key, value, required=required)
            if stored is not value:
                final[id_] = stored
        elif key in ('image_id', 'video_id', 'category_id'):
            target = {'image_id': 'images', 'video_id': 'videos',
                      'category_id': 'categories'}[key]
            check_reference(where, key, value, getattr(index, INDEX_ATTR[target]),
                            target, nullable=key != 'image_id')
        elif key == 'track_id':
            if value is not None:
                check_id_value(where, key, value)
        elif key == 'frame_index':
            check_frame_index(where, value)
    if table == 'images' and key in ('video_id', 'frame_index'):
        _check_frames(dset, key, objs, final)
    if (table, key) in _NAME_LOOKUPS or table == 'keypoint_categories':
        _check_unique(dset, table, key, objs, final)


def _check_frames(dset, key, objs, final):
    for id_, img in objs.items():
        vidid = _value(final[id_]) if key == 'video_id' else img.get('video_id')
        frame = _value(final[id_]) if key == 'frame_index' else img.get('frame_index')
        if vidid is not None and frame is None:
            raise InvalidAddError(
                f'cannot set {key} of image id={id_!r}: a frame of '
                f"video_id={vidid!r} needs a 'frame_index'")
        if vidid is not None:
            check_frame_order(dset, f'cannot set {key} of image id={id_!r}',
                              vidid, frame, moving=objs)


def _check_unique(dset, table, key, objs, final):
    """The names after the set must not repeat (nor clash with the others')."""
    index = dset.index
    if table == 'keypoint_categories':
        held = {k.get('name'): k for k in index.kpcats.values()}
    else:
        held = getattr(index, _NAME_LOOKUPS[(table, key)])
    seen = {}
    for id_, value in final.items():
        value = _value(value)
        if value is None:
            continue
        owner = held.get(value)
        if owner is not None and owner['id'] not in objs:
            raise DuplicateAddError(
                f'cannot set {key} of {NOUN[table]} id={id_!r}: {key}={value!r} '
                f"already exists (id={owner['id']!r})")
        if value in seen:
            raise DuplicateAddError(
                f'cannot set {key} of {NOUN[table]} id={id_!r}: {key}={value!r} '
                f'is also given to id={seen[value]!r}')
        seen[value] = id_
    repeatable = _NAME_LOOKUPS.get((table, key)) in REPEATABLE_NAMES
    if repeatable:
        # a file may repeat a value among objects not being set: the value
        # must not be given to one of ours while another object holds it
        for id_, value in final.items():
            value = _value(value)
            if value in index.repeated[_NAME_LOOKUPS[(table, key)]]:
                holders = [o['id'] for o in getattr(index, INDEX_ATTR[table]).values()
                           if o.get(key) == value and o['id'] not in objs]
                if holders:
                    raise DuplicateAddError(
                        f'cannot set {key} of {NOUN[table]} id={id_!r}: '
                        f'{key}={value!r} already exists (id={holders[0]!r})')


def _apply(dset, table, key, objs, final):
    index = dset.index
    lookup_attr = _NAME_LOOKUPS.get((table, key))
    if lookup_attr is not None:
        index.unlink_names(lookup_attr, objs.values(), keep=objs.values())
        for id_, obj in objs.items():
            _assign(obj, key, final[id_])
        for obj in objs.values():
            index.link_name(lookup_attr, obj.get(key), obj)
    elif table == 'images':
        _apply_frames(dset, key, objs, final)
    elif table == 'annotations':
        _apply_annotation_links(dset, key, objs, final)
    else:
        for id_, obj in objs.items():
            _assign(obj, key, final[id_])


def _apply_frames(dset, key, objs, final):
    index = dset.index
    # A frame's place in its video and its annotations' places in their
    # tracks are sorted by frame_index: take them out before it changes.
    tracked = []
    for gid, img in objs.items():
        vidid = img.get('video_id')
        if vidid is not None and vidid in index.vidid_to_gids:
            index.vidid_to_gids[vidid].discard(gid)
        if key == 'frame_index':
            for aid in index.gid_to_aids.get(gid, ()):
                tid = index.anns[aid].get('track_id')
                if tid is not None and tid in index.trackid_to_aids:
                    index.trackid_to_aids[tid].discard(aid)
                    tracked.append((tid, aid))
    for gid, img in objs.items():
        _assign(img, key, final[gid])
        vidid = img.get('video_id')
        if vidid is not None:
            index.vidid_to_gids[vidid].add(gid)
    for tid, aid in tracked:
        index.trackid_to_aids[tid].add(aid)


def _apply_annotation_links(dset, key, objs, final):
    index = dset.index
    group_of = {'image_id': index.gid_to_aids, 'category_id': index.cid_to_aids,
                'track_id': index.trackid_to_aids}[key]
    for aid, ann in objs.items():
        old = ann.get(key)
        if key == 'track_id':
            # None is a group too: the trackless annotations (as in kwcoco)
            index.unlink_track(aid, old)
        elif (old is not None or key == 'category_id') and old in group_of:
            group_of[old].discard(aid)
        tid = ann.get('track_id')
        # a track is sorted by the frame of each annotation's image
        moved_in_track = key == 'image_id' and tid is not None and tid in index.trackid_to_aids
        if moved_in_track:
            index.trackid_to_aids[tid].discard(aid)
        _assign(ann, key, final[aid])
        new = ann.get(key)
        if key == 'track_id':
            index.link_track(aid, new)
        elif new is not None or key == 'category_id':
            group_of[new].add(aid)
        if moved_in_track:
            index.trackid_to_aids[tid].add(aid)


def set_annotation_category(dset, aid_or_ann, cid_or_cat):
    """
    Move one annotation to another category (given by id, name or dict).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> a, b = dset.add_category('a'), dset.add_category('b')
        >>> aid = dset.add_annotation(dset.add_image('x.png'), a)
        >>> set_annotation_category(dset, aid, 'b')
        >>> dset.anns[aid]['category_id'], dset.index.cid_to_aids[b]
        (2, {1})
    """
    from xcoco.resolve import resolve_id
    aid = resolve_id(dset.index, 'annotations', aid_or_ann,
                     context='cannot set the category of an annotation')
    cid = resolve_id(dset.index, 'categories', cid_or_cat,
                     context='cannot set the category of an annotation')
    set_field(dset, 'annotations', [aid], 'category_id', [cid])

