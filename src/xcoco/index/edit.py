"""
Edits that keep the manifest and its index in step.

Every function validates its whole input before it touches anything, so a
refused edit leaves the dataset exactly as it was.  The functions take a
dataset (anything with ``.dataset``, ``.index`` and ``_invalidate_hashid``)
and are called by the thin methods of :class:`xcoco.CocoDataset`.
"""
from numbers import Integral, Real

from xcoco.errors import DuplicateAddError, InvalidAddError, UnknownIdError

__all__ = [
    'add_image', 'add_images', 'add_annotation', 'add_annotations',
    'add_category', 'add_video', 'add_track', 'add_keypoint_categories',
    'ensure_by_name', 'ensure_image',
    'remove_images', 'remove_annotations', 'remove_categories',
    'remove_videos', 'remove_tracks', 'remove_keypoint_categories',
    'clear_annotations', 'clear_images',
]

_NOT_GIVEN = object()


def _table(dset, table):
    items = dset.dataset.get(table)
    if items is None:
        items = dset.dataset[table] = []
    return items


def _check_new_id(dset, table, lookup, id_, noun):
    if id_ is None:
        return dset.index.allocate_id(table)
    if id_ in lookup:
        raise DuplicateAddError(f'cannot add {noun}: id={id_!r} already exists')
    return id_


def _check_dims(noun, obj):
    for field in ('width', 'height'):
        value = obj.get(field, None)
        if value is not None and (not isinstance(value, Integral) or isinstance(value, bool)):
            raise InvalidAddError(
                f'cannot add {noun}: {field!r} must be an integer number of '
                f'pixels, got {value!r}')


def _validate_image(dset, img, pending_names=None, pending_files=None):
    index = dset.index
    file_name = img.get('file_name', None)
    name = img.get('name', None)
    if file_name is None and name is None:
        raise InvalidAddError(
            "cannot add image: at least one of 'file_name' or 'name' is required")
    if file_name is not None and (
            file_name in index.file_name_to_img or
            (pending_files is not None and file_name in pending_files)):
        raise DuplicateAddError(
            f'cannot add image: file_name={file_name!r} already exists')
    if name is not None and (
            name in index.name_to_img or
            (pending_names is not None and name in pending_names)):
        raise DuplicateAddError(f'cannot add image: name={name!r} already exists')
    _check_dims('image', img)
    vidid = img.get('video_id', None)
    if vidid is not None:
        if vidid not in index.videos:
            raise UnknownIdError(
                f'cannot add image: video_id={vidid!r} does not exist',
                table='videos', key=vidid)
        if img.get('frame_index', None) is None:
            raise InvalidAddError(
                f'cannot add image: a frame of video_id={vidid!r} needs a '
                f"'frame_index'")


def _insert_image(dset, img):
    index = dset.index
    gid = img['id']
    index.reserve_id('images', gid)
    index.imgs[gid] = img
    index.gid_to_aids[gid] = set()
    if img.get('name', None) is not None:
        index.name_to_img[img['name']] = img
    if img.get('file_name', None) is not None:
        index.file_name_to_img[img['file_name']] = img
    if img.get('video_id', None) is not None:
        index.vidid_to_gids[img['video_id']].add(gid)


def add_image(dset, file_name=None, id=None, **kw):
    """
    Add one image and return its id (see :meth:`CocoDataset.add_image`).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_image(dset, 'a.png', width=4, height=3)
        1
    """
    index = dset.index
    if id is not None and id in index.imgs:
        raise DuplicateAddError(f'cannot add image: id={id!r} already exists')
    img = {'id': id, 'file_name': file_name, **kw}
    _validate_image(dset, img)
    if id is None:
        img['id'] = gid = index.allocate_id('images')
    else:
        gid = id
    _table(dset, 'images').append(img)
    _insert_image(dset, img)
    dset._invalidate_hashid()
    return gid


def add_images(dset, imgs):
    """
    Add many image dicts at once (ids are assigned where missing).  All are
    checked before any is added.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_images(dset, [{'file_name': 'a.png'}, {'id': 9, 'file_name': 'b.png'}])
        [10, 9]
    """
    names, files = set(), set()

    def check(pos, img):
        _validate_image(dset, img, names, files)
        if img.get('name') is not None:
            names.add(img['name'])
        if img.get('file_name') is not None:
            files.add(img['file_name'])
    return _add_many(dset, 'images', imgs, check, _insert_image)


def _coerce_bbox(bbox, where):
    if hasattr(bbox, 'to_coco'):  # kwimage.Boxes
        boxes = bbox.to_xywh() if hasattr(bbox, 'to_xywh') else bbox
        data = boxes.data.reshape(-1).tolist()
        bbox = data
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


def _validate_annotation(dset, ann, where):
    index = dset.index
    gid = ann.get('image_id', None)
    if gid not in index.imgs:
        raise UnknownIdError(
            f'{where}: image_id={gid!r} does not exist', table='images', key=gid)
    cid = ann.get('category_id', None)
    if cid is not None and cid not in index.cats:
        raise UnknownIdError(
            f'{where}: category_id={cid!r} does not exist',
            table='categories', key=cid)
    if 'bbox' in ann and ann['bbox'] is not None:
        ann['bbox'] = _coerce_bbox(ann['bbox'], where)


def _insert_annotation(dset, ann):
    index = dset.index
    aid = ann['id']
    index.reserve_id('annotations', aid)
    index.anns[aid] = ann
    index.gid_to_aids[ann['image_id']].add(aid)
    cid = ann.get('category_id', None)
    if cid is not None:
        index.cid_to_aids[cid].add(aid)
    tid = ann.get('track_id', None)
    if tid is not None:
        aids = index.trackid_to_aids.get(tid)
        if aids is None:
            aids = index.trackid_to_aids[tid] = index._new_track_set()
        aids.add(aid)


def add_annotation(dset, image_id, category_id=None, bbox=_NOT_GIVEN,
                   segmentation=_NOT_GIVEN, keypoints=_NOT_GIVEN, id=None,
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
    index = dset.index
    if id is not None and id in index.anns:
        raise DuplicateAddError(f'cannot add annotation: id={id!r} already exists')
    ann = {'id': id, 'image_id': image_id, 'category_id': category_id}
    if bbox is not _NOT_GIVEN:
        ann['bbox'] = bbox
    if segmentation is not _NOT_GIVEN:
        ann['segmentation'] = _coerce_geometry(segmentation)
    if keypoints is not _NOT_GIVEN:
        ann['keypoints'] = _coerce_geometry(keypoints)
    if track_id is not None:
        ann['track_id'] = track_id
    ann.update(kw)
    where = 'cannot add annotation' + (f' id={id!r}' if id is not None else '')
    _validate_annotation(dset, ann, where)
    if id is None:
        ann['id'] = index.allocate_id('annotations')
    _table(dset, 'annotations').append(ann)
    _insert_annotation(dset, ann)
    dset._invalidate_hashid()
    return ann['id']


def add_annotations(dset, anns):
    """
    Add many annotation dicts at once (ids are assigned where missing).  All
    are checked before any is added.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> add_annotations(dset, [{'image_id': gid, 'bbox': [0, 0, 1, 1]},
        ...                        {'image_id': gid, 'bbox': [1, 1, 1, 1]}])
        [1, 2]
    """
    def check(pos, ann):
        _validate_annotation(dset, ann, f'cannot add annotation at position {pos}')
    return _add_many(dset, 'annotations', anns, check, _insert_annotation)

def _add_many(dset, table, objs, check, insert):
    """
    Bulk add: refuse repeated or taken explicit ids and run ``check(pos,
    obj)`` on every object before anything changes; then assign missing ids
    and insert.
    """
    index = dset.index
    lookup = index.imgs if table == 'images' else index.anns
    explicit = [obj['id'] for obj in objs if obj.get('id', None) is not None]
    clash = [i for i in explicit if i in lookup]
    if clash or len(set(explicit)) != len(explicit):
        raise DuplicateAddError(
            f'cannot add {table}: ids already exist or repeat: '
            f'{(clash or explicit)[:20]}')
    for pos, obj in enumerate(objs):
        check(pos, obj)
    for i in explicit:
        index.reserve_id(table, i)
    items = _table(dset, table)
    new_ids = []
    for obj in objs:
        if obj.get('id', None) is None:
            obj['id'] = index.allocate_id(table)
        items.append(obj)
        insert(dset, obj)
        new_ids.append(obj['id'])
    dset._invalidate_hashid()
    return new_ids



def _add_named(dset, table, lookup, name_lookup, noun, name, id, obj):
    if name is None and noun != 'track':
        raise InvalidAddError(f'cannot add {noun}: a name is required')
    new_id = _check_new_id(dset, table, lookup, id, noun)
    if name is not None and name in name_lookup:
        raise DuplicateAddError(
            f'cannot add {noun}: name={name!r} already exists '
            f"(id={name_lookup[name]['id']!r})")
    obj['id'] = new_id
    dset.index.reserve_id(table, new_id)
    _table(dset, table).append(obj)
    lookup[new_id] = obj
    if name is not None:
        name_lookup[name] = obj
    dset._invalidate_hashid()
    return new_id


def add_category(dset, name, supercategory=None, id=None, **kw):
    """
    Add a category and return its id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_category(dset, 'dog', supercategory='animal')
        1
    """
    obj = {'id': id, 'name': name}
    if supercategory is not None:
        obj['supercategory'] = supercategory
    obj.update(kw)
    index = dset.index
    cid = _add_named(dset, 'categories', index.cats, index.name_to_cat,
                     'category', name, id, obj)
    index.cid_to_aids[cid] = set()
    return cid


def add_video(dset, name, id=None, **kw):
    """
    Add a video and return its id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_video(dset, 'flight1', width=64, height=64)
        1
    """
    _check_dims('video', kw)
    index = dset.index
    obj = {'id': id, 'name': name, **kw}
    vidid = _add_named(dset, 'videos', index.videos, index.name_to_video,
                       'video', name, id, obj)
    index.vidid_to_gids[vidid]
    return vidid


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
    if id is None:
        id = index.allocate_id('tracks')
    if name is None:
        name = f'track_{id:03d}' if isinstance(id, int) else str(id)
    obj = {'id': id, 'name': name, **kw}
    tid = _add_named(dset, 'tracks', index.tracks, index.name_to_track,
                     'track', name, id, obj)
    if tid not in index.trackid_to_aids:
        index.trackid_to_aids[tid] = index._new_track_set()
    return tid


def add_keypoint_categories(dset, keypoint_cats):
    """
    Add keypoint categories given as names or dicts; return their ids.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> add_keypoint_categories(dset, ['left_eye', {'name': 'right_eye', 'reflection_id': 1}])
        [1, 2]
    """
    index = dset.index
    objs = []
    seen = set()
    for item in keypoint_cats:
        obj = {'name': item} if isinstance(item, str) else dict(item)
        name = obj.get('name', None)
        if name is None:
            raise InvalidAddError('cannot add keypoint category: a name is required')
        if name in seen or any(k.get('name') == name for k in index.kpcats.values()):
            raise DuplicateAddError(
                f'cannot add keypoint category: name={name!r} already exists')
        if obj.get('id', None) is not None and obj['id'] in index.kpcats:
            raise DuplicateAddError(
                f"cannot add keypoint category: id={obj['id']!r} already exists")
        seen.add(name)
        objs.append(obj)
    new_ids = []
    for obj in objs:
        kpid = obj.pop('id', None)
        if kpid is None:
            kpid = index.allocate_id('keypoint_categories')
        else:
            index.reserve_id('keypoint_categories', kpid)
        obj = {'id': kpid, **obj}
        _table(dset, 'keypoint_categories').append(obj)
        index.kpcats[kpid] = obj
        new_ids.append(kpid)
    dset._invalidate_hashid()
    return new_ids


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
    img = dset.index.file_name_to_img.get(file_name, None)
    if img is not None:
        return img['id']
    return add_image(dset, file_name, id=id, **kw)


def _resolve_all(dset, table, items, safe):
    ids = []
    seen = set()
    for item in items:
        try:
            key = dset._resolve_id(table, item)
        except UnknownIdError:
            if safe:
                raise
            continue
        if key not in seen:
            seen.add(key)
            ids.append(key)
    return ids


def _drop_from_table(dset, table, ids):
    if ids:
        items = dset.dataset.get(table) or []
        dset.dataset[table] = [obj for obj in items if obj['id'] not in ids]


def _unindex_annotations(dset, aids):
    index = dset.index
    for aid in aids:
        ann = index.anns.pop(aid)
        aids_of_img = index.gid_to_aids.get(ann.get('image_id'))
        if aids_of_img is not None:
            aids_of_img.discard(aid)
        cid = ann.get('category_id', None)
        if cid is not None and cid in index.cid_to_aids:
            index.cid_to_aids[cid].discard(aid)
        tid = ann.get('track_id', None)
        if tid is not None and tid in index.trackid_to_aids:
            index.trackid_to_aids[tid].discard(aid)


def remove_annotations(dset, aids_or_anns, safe=True):
    """
    Remove annotations (ids or dicts).  With ``safe=False`` unknown ids are
    skipped instead of raising.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> aid = dset.add_annotation(gid, bbox=[0, 0, 1, 1])
        >>> remove_annotations(dset, [aid])
        {'annotations': 1}
    """
    aids = _resolve_all(dset, 'annotations', aids_or_anns, safe)
    _unindex_annotations(dset, aids)
    _drop_from_table(dset, 'annotations', set(aids))
    dset._invalidate_hashid()
    return {'annotations': len(aids)}


def remove_images(dset, gids_or_imgs, safe=True):
    """
    Remove images and, with them, their annotations.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> aid = dset.add_annotation(gid, bbox=[0, 0, 1, 1])
        >>> remove_images(dset, [gid])
        {'annotations': 1, 'images': 1}
    """
    index = dset.index
    gids = _resolve_all(dset, 'images', gids_or_imgs, safe)
    aids = [aid for gid in gids for aid in index.gid_to_aids.get(gid, ())]
    info = remove_annotations(dset, aids)
    for gid in gids:
        img = index.imgs.pop(gid)
        index.gid_to_aids.pop(gid, None)
        name = img.get('name', None)
        if name is not None and index.name_to_img.get(name) is img:
            del index.name_to_img[name]
        file_name = img.get('file_name', None)
        if file_name is not None and index.file_name_to_img.get(file_name) is img:
            del index.file_name_to_img[file_name]
        vidid = img.get('video_id', None)
        if vidid is not None and vidid in index.vidid_to_gids:
            index.vidid_to_gids[vidid].discard(gid)
    _drop_from_table(dset, 'images', set(gids))
    dset._invalidate_hashid()
    info['images'] = len(gids)
    return info


def remove_categories(dset, cat_identifiers, keep_annots=False, safe=True):
    """
    Remove categories (ids, names or dicts).  Their annotations go too unless
    ``keep_annots``, in which case those annotations lose their category.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> cid = dset.add_category('cat')
        >>> aid = dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1])
        >>> remove_categories(dset, ['cat'])
        {'annotations': 1, 'categories': 1}
    """
    return _remove_parents(dset, 'categories', cat_identifiers, keep_annots, safe)


def remove_videos(dset, vidids_or_videos, keep_images=False, safe=True):
    """
    Remove videos.  As in kwcoco their frames (and the frames' annotations)
    go with them; with ``keep_images=True`` the frames stay as plain images
    and only lose their ``video_id``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> vid = dset.add_video('v')
        >>> gid = dset.add_image('f0.png', video_id=vid, frame_index=0)
        >>> remove_videos(dset, [vid], keep_images=True)
        {'images': 0, 'videos': 1}
        >>> dset.imgs[gid]
        {'id': 1, 'file_name': 'f0.png', 'frame_index': 0}
    """
    return _remove_parents(dset, 'videos', vidids_or_videos, keep_images, safe)


def remove_tracks(dset, track_identifiers, keep_annots=False, safe=True):
    """
    Remove tracks.  Their annotations go too unless ``keep_annots``, in
    which case those annotations lose their ``track_id``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> tid = dset.add_track('t1')
        >>> aid = dset.add_annotation(gid, bbox=[0, 0, 1, 1], track_id=tid)
        >>> remove_tracks(dset, ['t1'], keep_annots=True)
        {'annotations': 0, 'tracks': 1}
        >>> 'track_id' in dset.anns[aid]
        False
    """
    return _remove_parents(dset, 'tracks', track_identifiers, keep_annots, safe)

#: table -> (lookup, children lookup, name lookup, child table, link field,
#:           how a kept child is unlinked)
_PARENT_TABLES = {
    # COCO tools expect every annotation to carry a category_id, so a kept
    # annotation gets None rather than losing the field.
    'categories': ('cats', 'cid_to_aids', 'name_to_cat', 'annotations', 'category_id', 'null'),
    'videos': ('videos', 'vidid_to_gids', 'name_to_video', 'images', 'video_id', 'drop'),
    'tracks': ('tracks', 'trackid_to_aids', 'name_to_track', 'annotations', 'track_id', 'drop'),
}


def _remove_parents(dset, table, identifiers, keep_children, safe):
    """
    Remove objects that others point at (categories, videos, tracks): their
    children are removed too, or only unlinked when ``keep_children``.
    """
    index = dset.index
    lookup_attr, children_attr, names_attr, child_table, field, unlink = _PARENT_TABLES[table]
    ids = _resolve_all(dset, table, identifiers, safe)
    children_of = getattr(index, children_attr)
    child_ids = [child for i in ids for child in children_of.get(i, ())]
    if keep_children:
        child_lookup = index.anns if child_table == 'annotations' else index.imgs
        for child in child_ids:
            if unlink == 'null':
                child_lookup[child][field] = None
            else:
                child_lookup[child].pop(field, None)
        info = {child_table: 0}
    elif child_table == 'annotations':
        info = remove_annotations(dset, child_ids)
    else:
        info = remove_images(dset, child_ids)
    lookup, names = getattr(index, lookup_attr), getattr(index, names_attr)
    for i in ids:
        obj = lookup.pop(i, None)
        children_of.pop(i, None)
        if obj is not None and names.get(obj.get('name')) is obj:
            del names[obj['name']]
    _drop_from_table(dset, table, set(ids))
    dset._invalidate_hashid()
    info[table] = len(ids)
    return info



def remove_keypoint_categories(dset, kp_identifiers, clean_anns=True):
    """
    Remove keypoint categories (ids, names or dicts); with ``clean_anns``
    the keypoints that use them are removed from annotations (new-style
    keypoint lists) and from category keypoint name lists.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> kpids = dset.add_keypoint_categories(['nose', 'tail'])
        >>> remove_keypoint_categories(dset, ['tail'])
        {'keypoint_categories': 1}
        >>> [k['name'] for k in dset.dataset['keypoint_categories']]
        ['nose']
    """
    index = dset.index
    kpids = _resolve_all(dset, 'keypoint_categories', kp_identifiers, safe=True)
    names = {index.kpcats[k].get('name') for k in kpids}
    gone = set(kpids)
    if clean_anns:
        for ann in index.anns.values():
            kpts = ann.get('keypoints', None)
            if isinstance(kpts, list) and kpts and isinstance(kpts[0], dict):
                ann['keypoints'] = [
                    kp for kp in kpts
                    if kp.get('keypoint_category_id') not in gone and
                    kp.get('keypoint_category') not in names]
        for cat in index.cats.values():
            kpnames = cat.get('keypoints', None)
            if isinstance(kpnames, list) and any(isinstance(n, str) for n in kpnames):
                cat['keypoints'] = [n for n in kpnames if n not in names]
    for kpid in kpids:
        index.kpcats.pop(kpid, None)
    _drop_from_table(dset, 'keypoint_categories', gone)
    dset._invalidate_hashid()
    return {'keypoint_categories': len(gone)}


def clear_annotations(dset):
    """
    Remove every annotation (images, categories and tracks stay).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> _ = dset.add_annotation(gid, bbox=[0, 0, 1, 1])
        >>> clear_annotations(dset)
        >>> dset.n_annots, dset.index.gid_to_aids[gid]
        (0, set())
    """
    index = dset.index
    dset.dataset['annotations'] = []
    index.anns.clear()
    for aids in index.gid_to_aids.values():
        aids.clear()
    for aids in index.cid_to_aids.values():
        aids.clear()
    for tid in list(index.trackid_to_aids):
        index.trackid_to_aids[tid] = index._new_track_set()
    dset._invalidate_hashid()


def clear_images(dset):
    """
    Remove every image and annotation.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_image('a.png')
        >>> clear_images(dset)
        >>> dset.n_images
        0
    """
    clear_annotations(dset)
    index = dset.index
    dset.dataset['images'] = []
    index.imgs.clear()
    index.gid_to_aids.clear()
    index.name_to_img.clear()
    index.file_name_to_img.clear()
    for vidid in list(index.vidid_to_gids):
        index.vidid_to_gids[vidid] = index._new_frame_set()
    dset._invalidate_hashid()
