"""
Adds that keep the manifest and its index in step.

Every add runs in two phases.  The *check* phase looks at the whole input
(one object or a batch) against the index and against the rest of the batch
(ids, names and file names may not repeat inside a batch either) and
computes what it will write, without touching anything: not the manifest,
not the index, not the id counters, not the caller's dicts.  Only when every
object passed does the *commit* phase take ids, write the normalized fields
into the objects and insert them.  A refused add therefore changes nothing.

The functions take a dataset (anything with ``.dataset`` and ``.index``)
and are called by the thin methods of :class:`xcoco.CocoDataset`.  Removals
live in :mod:`xcoco.index.remove`, field edits through views in
:mod:`xcoco.index.fields`.
"""
import warnings
from collections import defaultdict
from numbers import Integral, Real
from os import PathLike, fspath

from xcoco.errors import AddTypeError, DuplicateAddError, InvalidAddError, UnknownIdError
from xcoco.index.build import ID_TYPES, user_stacklevel
from xcoco.tables import INDEX_ATTR, NOUN

__all__ = [
    'NOT_GIVEN',
    'add_annotation',
    'add_annotations',
    'add_categories',
    'add_category',
    'add_image',
    'add_images',
    'add_keypoint_categories',
    'add_track',
    'add_video',
    'check_frame_index',
    'check_frame_order',
    'check_id_value',
    'check_name_value',
    'check_reference',
    'coerce_bbox',
    'ensure_by_name',
    'ensure_image',
]

#: marks an argument the caller did not pass (None is a value for some fields)
NOT_GIVEN = object()


# ---- checks shared with xcoco.index.fields ---------------------------------
def _type_message(where, field, value, expected):
    return f'{where}: {field}={value!r:.60} is a {type(value).__name__}; expected {expected}'


def check_id_value(where, field, value):
    """
    Refuse a value that cannot be an id (ids are ints or strings).

    Example:
        >>> check_id_value('cannot add image', 'id', 3)
        >>> try:
        ...     check_id_value('cannot add image', 'id', 2.5)
        ... except TypeError as ex:
        ...     print(ex)
        cannot add image: id=2.5 is a float; expected an int or a string
    """
    if type(value) not in ID_TYPES:
        raise AddTypeError(_type_message(where, field, value, 'an int or a string'))


def check_reference(where, field, value, lookup, table, nullable=True):
    """
    Refuse a reference (``image_id``, ``category_id`` ...) of the wrong type
    or to an object that does not exist.

    Example:
        >>> check_reference('cannot add annotation', 'image_id', 1, {1: {}}, 'images')
        >>> try:
        ...     check_reference('cannot add annotation', 'image_id', 2, {1: {}}, 'images')
        ... except KeyError as ex:
        ...     print(ex)
        cannot add annotation: image_id=2 does not exist
    """
    if value is None and nullable:
        return
    check_id_value(where, field, value)
    if value not in lookup:
        raise UnknownIdError(f'{where}: {field}={value!r} does not exist',
                             table=table, key=value)


def check_name_value(where, field, value, required=False):
    """
    A name or file name as it will be stored: a string (a path-like file
    name becomes its string), or None when not ``required``.

    Example:
        >>> import pathlib
        >>> check_name_value('cannot add image', 'file_name', pathlib.Path('a/b.png'))
        'a/b.png'
        >>> try:
        ...     check_name_value('cannot add category', 'name', 7)
        ... except TypeError as ex:
        ...     print(ex)
        cannot add category: name=7 is a int; expected a string
    """
    if value is None:
        if required:
            raise InvalidAddError(f'{where}: a {field} is required')
        return None
    if field == 'file_name' and isinstance(value, PathLike):
        value = fspath(value)
    if not isinstance(value, str):
        raise AddTypeError(_type_message(where, field, value, 'a string'))
    if not value:
        raise InvalidAddError(f'{where}: {field} must not be empty')
    return value


def check_frame_index(where, value):
    """
    Refuse a frame index that is not a number (frames are ordered by it).

    Example:
        >>> check_frame_index('cannot add image', 0)
        >>> try:
        ...     check_frame_index('cannot add image', '0')
        ... except TypeError as ex:
        ...     print(ex)
        cannot add image: frame_index='0' is a str; expected a number
    """
    if value is not None and (not isinstance(value, Real) or isinstance(value, bool)):
        raise AddTypeError(_type_message(where, 'frame_index', value, 'a number'))


def _check_dims(where, obj):
    for field in ('width', 'height'):
        value = obj.get(field, None)
        if value is not None and (not isinstance(value, Integral) or isinstance(value, bool)):
            raise AddTypeError(
                f'{where}: {field!r} must be an integer number of pixels, '
                f'got {value!r}')


def coerce_bbox(bbox, where):
    """
    A bbox as it will be stored: ``[x, y, w, h]`` of plain Python numbers
    (from a list, a tuple, a numpy array or a ``kwimage.Boxes``).  The input
    is never modified.

    Example:
        >>> import numpy as np
        >>> coerce_bbox(np.array([1, 2, 3, 4.5]), 'cannot add annotation')
        [1.0, 2.0, 3.0, 4.5]
        >>> try:
        ...     coerce_bbox([1, 2, 3], 'cannot add annotation')
        ... except ValueError as ex:
        ...     print(ex)
        cannot add annotation: bbox must be [x, y, w, h] with 4 numbers, got [1, 2, 3]
    """
    if hasattr(bbox, 'to_xywh'):  # kwimage.Boxes / Box
        bbox = bbox.to_xywh().data
    if hasattr(bbox, 'tolist') and hasattr(bbox, 'shape'):  # numpy
        bbox = bbox.reshape(-1).tolist() if bbox.size == 4 else bbox.tolist()
    if not isinstance(bbox, (list, tuple)) or len(bbox) != 4 or not all(
            isinstance(v, Real) and not isinstance(v, bool) for v in bbox):
        raise InvalidAddError(
            f'{where}: bbox must be [x, y, w, h] with 4 numbers, got {bbox!r:.80}')
    bbox = [v.item() if hasattr(v, 'item') else v for v in bbox]
    if bbox[2] < 0 or bbox[3] < 0:
        raise InvalidAddError(
            f'{where}: bbox width and height must be non-negative, got {bbox!r}')
    return bbox


def _coerce_geometry(value):
    # kwimage structures (Polygon, Mask, Points, Segmentation ...) know their
    # own COCO encoding.
    if hasattr(value, 'to_coco'):
        try:
            return value.to_coco(style='new')
        except TypeError:
            return value.to_coco()
    return value


# ---- the batch: check everything, then commit ------------------------------
class _Claims:
    """What a batch being checked has claimed so far: ids and unique values."""

    def __init__(self):
        self.ids = set()
        self.values = defaultdict(dict)
        self.pos = 0            # position of the object being checked
        self.kpcat_names = None  # keypoint categories have no name index

    def claim_id(self, where, noun, id_, lookup):
        if id_ is None:
            return
        check_id_value(where, 'id', id_)
        if id_ in lookup or id_ in self.ids:
            raise DuplicateAddError(f'{where}: id={id_!r} already exists')
        self.ids.add(id_)

    def claim_value(self, where, field, value, existing):
        """Refuse ``value`` if the index (``existing``) or the batch holds it."""
        if value is None:
            return
        if value in existing:
            held = existing[value]
            held_id = held.get('id') if isinstance(held, dict) else None
            suffix = f' (id={held_id!r})' if held_id is not None else ''
            raise DuplicateAddError(f'{where}: {field}={value!r} already exists{suffix}')
        if value in self.values[field]:
            raise DuplicateAddError(
                f'{where}: {field}={value!r} repeats position '
                f'{self.values[field][value]} of this batch')
        self.values[field][value] = self.pos


def _where(noun, pos, single):
    return f'cannot add {noun}' if single else f'cannot add {noun} at position {pos}'


def _check_image(dset, img, where, claims):
    index = dset.index
    claims.claim_id(where, 'image', img.get('id', None), index.imgs)
    updates = {}
    for field, lookup in (('file_name', index.file_name_to_img), ('name', index.name_to_img)):
        value = check_name_value(where, field, img.get(field, None))
        claims.claim_value(where, field, value, lookup)
        if value is not None and value is not img.get(field):
            updates[field] = value
    if img.get('file_name', None) is None and img.get('name', None) is None:
        raise InvalidAddError(
            f"{where}: at least one of 'file_name' or 'name' is required")
    _check_dims(where, img)
    check_frame_index(where, img.get('frame_index', None))
    vidid = img.get('video_id', None)
    if vidid is not None:
        # As in kwcoco, a frame may come before its video (the video adopts
        # it when added); validate() reports a video that never comes.
        check_id_value(where, 'video_id', vidid)
        if img.get('frame_index', None) is None:
            raise InvalidAddError(
                f"{where}: a frame of video_id={vidid!r} needs a 'frame_index'")
        check_frame_order(dset, where, vidid, img['frame_index'])
    return updates


def check_frame_order(dset, where, vidid, frame_index, moving=()):
    """
    Refuse a frame index that cannot be sorted with the frames already in
    video ``vidid`` (frames are kept in frame order; a loaded file may hold
    strings).  Images in ``moving`` are about to change and are ignored.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> vid = dset.add_video('v')
        >>> _ = dset.add_image('a.png', video_id=vid, frame_index=0)
        >>> check_frame_order(dset, 'cannot add image', vid, 1)
    """
    frames = dset.index.vidid_to_gids.get(vidid, ())
    other = next((dset.index.frame_of_image(g) for g in frames if g not in moving), None)
    if other is not None and frame_index is not None and not _orderable(frame_index, other):
        raise AddTypeError(
            f'{where}: frame_index={frame_index!r} cannot be ordered with '
            f'the frame_index={other!r} of video_id={vidid!r}')


def _orderable(a, b):
    try:
        return (a < b) in (True, False)
    except TypeError:
        return False


def _insert_image(dset, img):
    index = dset.index
    gid = img['id']
    index.imgs[gid] = img
    index.gid_to_aids[gid] = set()
    index.link_name('name_to_img', img.get('name', None), img)
    index.link_name('file_name_to_img', img.get('file_name', None), img)
    if img.get('video_id', None) is not None:
        index.vidid_to_gids[img['video_id']].add(gid)


def _warn_orphans(dset, table, objs):
    """
    Warn (as kwcoco does) about new images whose video, or new annotations
    whose track, is not in its table yet: they are kept, and join it when
    it is added.
    """
    field, parents = (('video_id', dset.index.videos) if table == 'images'
                      else ('track_id', dset.index.tracks))
    orphans = [(obj['id'], obj[field]) for obj in objs
               if obj.get(field, None) is not None and obj[field] not in parents]
    if not orphans:
        return
    parent = field[:-3]
    shown = '; '.join(f'{NOUN[table]} id={id_!r} refers to {field}={ref!r}'
                      for id_, ref in orphans[:5])
    more = f' (and {len(orphans) - 5} more)' if len(orphans) > 5 else ''
    warnings.warn(
        f'{shown}{more}, which is not in the {parent}s table yet; it joins '
        f'the {parent} once one with that id is added',
        UserWarning, stacklevel=user_stacklevel())


def _check_annotation(dset, ann, where, claims):
    index = dset.index
    claims.claim_id(where, 'annotation', ann.get('id', None), index.anns)
    check_reference(where, 'image_id', ann.get('image_id', None), index.imgs,
                    'images', nullable=False)
    check_reference(where, 'category_id', ann.get('category_id', None),
                    index.cats, 'categories')
    tid = ann.get('track_id', None)
    if tid is not None:
        check_id_value(where, 'track_id', tid)
    updates = {}
    if ann.get('bbox', None) is not None:
        bbox = coerce_bbox(ann['bbox'], where)
        if type(ann['bbox']) is not list or bbox != ann['bbox']:
            updates['bbox'] = bbox
    return updates


def _insert_annotation(dset, ann):
    index = dset.index
    aid = ann['id']
    index.anns[aid] = ann
    index.gid_to_aids[ann['image_id']].add(aid)
    index.cid_to_aids[ann.get('category_id', None)].add(aid)
    index.link_track(aid, ann.get('track_id', None))


def _check_named(dset, table, obj, where, claims, name_lookup, required=True):
    claims.claim_id(where, NOUN[table], obj.get('id', None),
                    getattr(dset.index, INDEX_ATTR[table]))
    name = check_name_value(where, 'name', obj.get('name', None), required=required)
    claims.claim_value(where, 'name', name, name_lookup)
    return {}


def _check_category(dset, cat, where, claims):
    updates = _check_named(dset, 'categories', cat, where, claims, dset.index.name_to_cat)
    sup = cat.get('supercategory', None)
    if sup is not None and not isinstance(sup, str):
        raise AddTypeError(_type_message(where, 'supercategory', sup, 'a string'))
    return updates


def _insert_category(dset, cat):
    index = dset.index
    index.cats[cat['id']] = cat
    index.link_name('name_to_cat', cat['name'], cat)
    index.cid_to_aids[cat['id']] = set()


def _check_video(dset, video, where, claims):
    _check_dims(where, video)
    return _check_named(dset, 'videos', video, where, claims, dset.index.name_to_video)


def _insert_video(dset, video):
    index = dset.index
    index.videos[video['id']] = video
    index.link_name('name_to_video', video['name'], video)
    index.vidid_to_gids[video['id']]


def _check_track(dset, track, where, claims):
    return _check_named(dset, 'tracks', track, where, claims, dset.index.name_to_track)


def _insert_track(dset, track):
    index = dset.index
    index.tracks[track['id']] = track
    index.link_name('name_to_track', track.get('name', None), track)
    if track['id'] not in index.trackid_to_aids:
        index.trackid_to_aids[track['id']] = index.new_track_set()


def _check_kpcat(dset, kpcat, where, claims):
    if claims.kpcat_names is None:
        claims.kpcat_names = {k.get('name'): k for k in dset.index.kpcats.values()}
    return _check_named(dset, 'keypoint_categories', kpcat, where, claims,
                        claims.kpcat_names)


def _insert_kpcat(dset, kpcat):
    dset.index.kpcats[kpcat['id']] = kpcat


#: table -> (check, insert)
_STEPS = {
    'images': (_check_image, _insert_image),
    'annotations': (_check_annotation, _insert_annotation),
    'categories': (_check_category, _insert_category),
    'videos': (_check_video, _insert_video),
    'tracks': (_check_track, _insert_track),
    'keypoint_categories': (_check_kpcat, _insert_kpcat),
}


def _add_batch(dset, table, objs, single=False):
    """
    Check every object of ``objs`` (dicts for ``table``), then commit them
    all; nothing changes if any is refused.  Returns the new ids.
    """
    check, insert = _STEPS[table]
    noun = NOUN[table]
    objs = list(objs)
    claims = _Claims()
    planned = []
    for pos, obj in enumerate(objs):
        claims.pos = pos
        where = _where(noun, pos, single)
        if not isinstance(obj, dict):
            raise AddTypeError(f'{where}: expected a dict, got a {type(obj).__name__}')
        planned.append(check(dset, obj, where, claims))
    # commit: nothing below can fail on input the checks accepted
    index = dset.index
    items = _table(dset, table)
    new_ids = []
    for obj, updates in zip(objs, planned):
        obj.update(updates)
        if obj.get('id', None) is None:
            # in order, stepping over ids the batch names explicitly
            new_id = index.allocate_id(table)
            while new_id in claims.ids:
                new_id = index.allocate_id(table)
            obj['id'] = new_id
        items.append(obj)
        insert(dset, obj)
        new_ids.append(obj['id'])
    for id_ in claims.ids:
        index.reserve_id(table, id_)
    if new_ids:
        index.note_edit()
    if table in ('images', 'annotations'):
        _warn_orphans(dset, table, objs)
    return new_ids


def _table(dset, table):
    items = dset.dataset.get(table)
    if items is None:
        items = dset.dataset[table] = []
    return items


def _id_first(id_, fields):
    # new objects list their id first, as kwcoco writes them
    return {'id': id_, **{k: v for k, v in fields.items() if k != 'id'}}


# ---- the public adds --------------------------------------------------------
def add_image(dset, file_name=None, id=None, **kw):
    """
    Add one image and return its id (see :meth:`CocoDataset.add_image`).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_image(dset, 'a.png', width=4, height=3)
        1
    """
    img = _id_first(id, {'file_name': file_name, **kw})
    return _add_batch(dset, 'images', [img], single=True)[0]


def add_images(dset, imgs):
    """
    Add many image dicts at once (ids are assigned where missing).  The
    whole batch is checked before any image is added; a refused batch leaves
    the dataset and the given dicts as they were.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_images(dset, [{'file_name': 'a.png'}, {'id': 9, 'file_name': 'b.png'}])
        [1, 9]
        >>> try:
        ...     add_images(dset, [{'file_name': 'c.png'}, {'file_name': 'c.png'}])
        ... except xcoco.DuplicateAddError as ex:
        ...     print(ex)
        cannot add image at position 1: file_name='c.png' repeats position 0 of this batch
    """
    return _add_batch(dset, 'images', imgs)


def add_annotation(dset, image_id, category_id=None, bbox=NOT_GIVEN,
                   segmentation=NOT_GIVEN, keypoints=NOT_GIVEN, id=None,
                   track_id=None, **kw):
    """
    Add one annotation and return its id (see
    :meth:`CocoDataset.add_annotation`).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> add_annotation(dset, gid, bbox=(1, 2, 3, 4))
        1
        >>> dset.anns[1]
        {'id': 1, 'image_id': 1, 'category_id': None, 'bbox': [1, 2, 3, 4]}
    """
    ann = {'id': id, 'image_id': image_id, 'category_id': category_id}
    if bbox is not NOT_GIVEN:
        ann['bbox'] = bbox
    if segmentation is not NOT_GIVEN:
        ann['segmentation'] = _coerce_geometry(segmentation)
    if keypoints is not NOT_GIVEN:
        ann['keypoints'] = _coerce_geometry(keypoints)
    if track_id is not None:
        ann['track_id'] = track_id
    ann.update(kw)
    return _add_batch(dset, 'annotations', [ann], single=True)[0]


def add_annotations(dset, anns):
    """
    Add many annotation dicts at once (ids are assigned where missing).  The
    whole batch is checked first; a refused batch changes nothing.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> add_annotations(dset, [{'image_id': gid, 'bbox': [0, 0, 1, 1]},
        ...                        {'image_id': gid, 'bbox': [1, 1, 1, 1]}])
        [1, 2]
    """
    return _add_batch(dset, 'annotations', anns)


def add_category(dset, name, supercategory=None, id=None, **kw):
    """
    Add a category and return its id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_category(dset, 'dog', supercategory='animal')
        1
    """
    cat = {'id': id, 'name': name}
    if supercategory is not None:
        cat['supercategory'] = supercategory
    cat.update(kw)
    return _add_batch(dset, 'categories', [cat], single=True)[0]


def add_categories(dset, cats):
    """
    Add many category dicts; return their ids.  The batch is checked whole
    (names and ids may not repeat within it or clash with the dataset)
    in time linear in its size.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_categories(dset, [{'name': 'a'}, {'name': 'b', 'id': 7}])
        [1, 7]
    """
    return _add_batch(dset, 'categories', cats)


def add_video(dset, name, id=None, **kw):
    """
    Add a video and return its id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_video(dset, 'flight1', width=64, height=64)
        1
    """
    video = _id_first(id, {'name': name, **kw})
    return _add_batch(dset, 'videos', [video], single=True)[0]


def add_track(dset, name=None, id=None, **kw):
    """
    Add a track and return its id; an unnamed track is named after its id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> tid = add_track(dset)
        >>> dset.index.tracks[tid]
        {'id': 1, 'name': 'track_001'}
    """
    index = dset.index
    if name is None:
        # the name needs the id; take it only if the add goes through
        future_id = index.peek_id('tracks') if id is None else id
        name = f'track_{future_id:03d}' if isinstance(future_id, int) else str(future_id)
        if id is None and name in index.name_to_track:
            raise DuplicateAddError(
                f'cannot add track: its default name {name!r} is taken by track '
                f"id={index.name_to_track[name]['id']!r}; pass a name")
        id = future_id
    track = _id_first(id, {'name': name, **kw})
    return _add_batch(dset, 'tracks', [track], single=True)[0]


def add_keypoint_categories(dset, keypoint_cats):
    """
    Add keypoint categories given as names or dicts; return their ids.  The
    batch is checked whole (ids and names unique within it and the table).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_keypoint_categories(dset, ['left_eye', {'name': 'right_eye', 'reflection_id': 1}])
        [1, 2]
    """
    objs = []
    for item in keypoint_cats:
        obj = {'name': item} if isinstance(item, str) else dict(item)
        objs.append(_id_first(obj.get('id', None), obj))
    return _add_batch(dset, 'keypoint_categories', objs)


def ensure_by_name(dset, table, name, adder, **kw):
    """
    Return the id of the object named ``name`` in ``table``, adding it with
    ``adder(name=name, **kw)`` if it is absent.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> ensure_by_name(dset, 'categories', 'cat', dset.add_category)
        1
        >>> ensure_by_name(dset, 'categories', 'cat', dset.add_category)
        1
    """
    lookup = {'categories': dset.index.name_to_cat,
              'videos': dset.index.name_to_video,
              'tracks': dset.index.name_to_track}[table]
    check_name_value(f'cannot ensure {NOUN[table]}', 'name', name, required=True)
    if name in lookup:
        return lookup[name]['id']
    return adder(name=name, **kw)


def ensure_image(dset, file_name, id=None, **kw):
    """
    Return the id of the image with this ``file_name``, adding it if absent.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> ensure_image(dset, 'a.png'), ensure_image(dset, 'a.png')
        (1, 1)
    """
    file_name = check_name_value('cannot ensure image', 'file_name', file_name, required=True)
    img = dset.index.file_name_to_img.get(file_name, None)
    if img is not None:
        return img['id']
    return add_image(dset, file_name, id=id, **kw)
