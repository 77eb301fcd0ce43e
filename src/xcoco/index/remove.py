"""
Removals that keep the manifest and its index in step.

Every removal resolves all of its arguments first (an unknown or unusable
id refuses the whole call before anything changes), then deletes from the
manifest's tables *in place*: code holding ``dset.dataset['images']`` sees
the removal, as it does in kwcoco.  A name that another object also holds
passes to that object, as a fresh index build would decide.
"""
from collections.abc import Iterable
from typing import Any

from xcoco.errors import UnknownIdError
from xcoco.resolve import resolve_id

__all__ = [
    'clear_annotations',
    'clear_images',
    'clear_reflections',
    'remove_annotation_keypoints',
    'remove_annotations',
    'remove_categories',
    'remove_images',
    'remove_keypoint_categories',
    'remove_tracks',
    'remove_videos',
    'strip_keypoints',
    'strip_named_keypoints',
]


def _resolve_all(dset, table, items, safe, context):
    if isinstance(items, (str, dict)) or not hasattr(items, '__iter__'):
        # kwcoco takes a list; a lone id would be iterated character-wise
        items = [items]
    ids = []
    seen = set()
    for pos, item in enumerate(items):
        try:
            key = resolve_id(dset.index, table, item, context=context, position=pos)
        except UnknownIdError:
            if safe:
                raise
            continue
        if key not in seen:
            seen.add(key)
            ids.append(key)
    return ids


def _report(info, verbose):
    if verbose:
        print('removed: ' + ', '.join(f'{n} {k}' for k, n in info.items()))
    return info


def _clear_table(dset, table):
    """Empty a table list in place (or give the manifest an empty one)."""
    items = dset.dataset.get(table)
    if items is None:
        dset.dataset[table] = []
    else:
        items.clear()


def _drop_from_table(dset, table, ids):
    """Delete the objects with ``ids`` from the table list, in place."""
    if not ids:
        return
    items = dset.dataset.get(table)
    if items:
        items[:] = [obj for obj in items if obj['id'] not in ids]


def _unindex_annotations(dset, aids):
    index = dset.index
    for aid in aids:
        ann = index.anns.pop(aid)
        aids_of_img = index.gid_to_aids.get(ann.get('image_id'))
        if aids_of_img is not None:
            aids_of_img.discard(aid)
        cid = ann.get('category_id', None)
        if cid in index.cid_to_aids:
            index.cid_to_aids[cid].discard(aid)
        index.unlink_track(aid, ann.get('track_id', None))


def remove_annotations(dset, aids_or_anns, safe=True, verbose=0):
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
    aids = _resolve_all(dset, 'annotations', aids_or_anns, safe,
                        'cannot remove annotations')
    _unindex_annotations(dset, aids)
    _drop_from_table(dset, 'annotations', set(aids))
    if aids:
        dset.index.note_edit()
    return _report({'annotations': len(aids)}, verbose)


def remove_images(dset, gids_or_imgs, safe=True, verbose=0):
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
    gids = _resolve_all(dset, 'images', gids_or_imgs, safe, 'cannot remove images')
    return _report(_remove_images(dset, gids), verbose)


def _remove_images(dset, gids):
    index = dset.index
    aids = [aid for gid in gids for aid in index.gid_to_aids.get(gid, ())]
    info = remove_annotations(dset, aids)
    removed = []
    for gid in gids:
        img = index.imgs.pop(gid)
        removed.append(img)
        index.gid_to_aids.pop(gid, None)
        vidid = img.get('video_id', None)
        if vidid is not None and vidid in index.vidid_to_gids:
            index.vidid_to_gids[vidid].discard(gid)
    index.unlink_names('name_to_img', removed)
    index.unlink_names('file_name_to_img', removed)
    _drop_from_table(dset, 'images', set(gids))
    if gids:
        index.note_edit()
    info['images'] = len(gids)
    return info


def remove_categories(dset, cat_identifiers, keep_annots=False, safe=True, verbose=0):
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
    return _report(_remove_parents(dset, 'categories', cat_identifiers, keep_annots, safe),
                   verbose)


def remove_videos(dset, vidids_or_videos, keep_images=False, safe=True, verbose=0):
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
    return _report(_remove_parents(dset, 'videos', vidids_or_videos, keep_images, safe),
                   verbose)


def remove_tracks(dset, track_identifiers, keep_annots=False, safe=True, verbose=0):
    """
    Remove tracks.  Their annotations go too unless ``keep_annots``, in
    which case those annotations lose their ``track_id`` and join, as in
    kwcoco, the trackless group ``index.trackid_to_aids[None]``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> tid = dset.add_track('t1')
        >>> aid = dset.add_annotation(gid, bbox=[0, 0, 1, 1], track_id=tid)
        >>> remove_tracks(dset, ['t1'], keep_annots=True)
        {'annotations': 0, 'tracks': 1}
        >>> 'track_id' in dset.anns[aid], dset.index.trackid_to_aids
        (False, {None: {1}})
    """
    return _report(_remove_parents(dset, 'tracks', track_identifiers, keep_annots, safe),
                   verbose)


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
    ids = _resolve_all(dset, table, identifiers, safe, f'cannot remove {table}')
    children_of = getattr(index, children_attr)
    child_ids = [child for i in ids for child in children_of.get(i, ())]
    if keep_children:
        child_lookup = index.anns if child_table == 'annotations' else index.imgs
        for child in child_ids:
            if unlink == 'null':
                child_lookup[child][field] = None
            else:
                child_lookup[child].pop(field, None)
            if table == 'tracks':
                # kwcoco's group of trackless annotations takes them in
                index.link_track(child, None)
            elif table == 'categories':
                index.cid_to_aids[None].add(child)
        info = {child_table: 0}
    elif child_table == 'annotations':
        info = remove_annotations(dset, child_ids)
    else:
        info = _remove_images(dset, child_ids)
    lookup = getattr(index, lookup_attr)
    removed = []
    for i in ids:
        obj = lookup.pop(i, None)
        children_of.pop(i, None)
        if obj is not None:
            removed.append(obj)
    index.unlink_names(names_attr, removed)
    _drop_from_table(dset, table, set(ids))
    if ids:
        index.note_edit()
    info[table] = len(ids)
    return info


def remove_keypoint_categories(dset, kp_identifiers, clean_anns=True):
    """
    Remove keypoint categories (ids, names or dicts).  With ``clean_anns``
    their keypoints leave every annotation (kwcoco-style keypoint lists, and
    the matching ``[x, y, v]`` triplets of MS-COCO flat lists together with
    the name in the category's ``keypoints`` list, so names and triplets
    stay aligned); ``reflection_id`` links to them become None.  Returns
    kwcoco's counts.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> kpids = dset.add_keypoint_categories([
        ...     {'name': 'left_eye', 'reflection_id': 2}, {'name': 'right_eye', 'reflection_id': 1}])
        >>> aid = dset.add_annotation(dset.add_image('a.png'), keypoints=[
        ...     {'xy': [1, 1], 'keypoint_category_id': 1}, {'xy': [3, 1], 'keypoint_category_id': 2}])
        >>> remove_keypoint_categories(dset, ['left_eye'])
        {'keypoint_categories': 1, 'annotation_keypoints': 1, 'reflection_ids': 1}
        >>> dset.dataset['keypoint_categories']
        [{'id': 2, 'name': 'right_eye', 'reflection_id': None}]
    """
    index = dset.index
    kpids = _resolve_all(dset, 'keypoint_categories', kp_identifiers, True,
                         'cannot remove keypoint categories')
    gone = set(kpids)
    names = {index.kpcats[k].get('name') for k in kpids}
    removed_kpts = 0
    if clean_anns:
        _, removed_kpts = strip_keypoints(index.anns.values(), gone, names)
        _, _, more = strip_named_keypoints(index.cats.values(), index.anns.values(), names)
        removed_kpts += more
    for kpid in kpids:
        index.kpcats.pop(kpid, None)
    _drop_from_table(dset, 'keypoint_categories', gone)
    reflections = len(clear_reflections(index.kpcats.values(), gone))
    if gone:
        index.note_edit()
    return {'keypoint_categories': len(gone), 'annotation_keypoints': removed_kpts,
            'reflection_ids': reflections}


def strip_keypoints(anns, kpids, names):
    """
    Take the keypoints of the keypoint categories ``kpids`` (or named
    ``names``) out of kwcoco-style keypoint lists, in place; returns the
    annotations that changed and how many keypoints left.  Shared by every
    backend (the SQL one passes fresh dicts and stores the changed ones).

    Example:
        >>> anns = [{'id': 1, 'keypoints': [{'xy': [0, 0], 'keypoint_category_id': 1},
        ...                                 {'xy': [1, 1], 'keypoint_category': 'tail'}]}]
        >>> changed, removed = strip_keypoints(anns, {1}, {'nose'})
        >>> [a['id'] for a in changed], removed, anns[0]['keypoints']
        ([1], 1, [{'xy': [1, 1], 'keypoint_category': 'tail'}])
    """
    changed, removed = [], 0
    for ann in anns:
        kpts = ann.get('keypoints', None)
        if kpts and isinstance(kpts[0], dict):
            kept = [kp for kp in kpts if kp.get('keypoint_category_id') not in kpids
                    and kp.get('keypoint_category') not in names]
            if len(kept) != len(kpts):
                removed += len(kpts) - len(kept)
                ann['keypoints'] = kept
                changed.append(ann)
    return changed, removed


def strip_named_keypoints(cats, anns, names):
    """
    MS-COCO style: categories name their keypoints and annotations hold
    ``[x, y, v]`` triplets in that order.  Drop the names in ``names`` from
    the categories and the matching triplets from their annotations
    together, in place; returns (changed categories, changed annotations,
    keypoints removed).

    Example:
        >>> cats = [{'id': 1, 'name': 'face', 'keypoints': ['l', 'nose', 'r']}]
        >>> anns = [{'id': 1, 'category_id': 1, 'keypoints': [1, 1, 2, 5, 5, 2, 9, 1, 2],
        ...          'num_keypoints': 3}]
        >>> _, _, removed = strip_named_keypoints(cats, anns, {'nose'})
        >>> removed, anns[0]['keypoints'], anns[0]['num_keypoints'], cats[0]['keypoints']
        (1, [1, 1, 2, 9, 1, 2], 2, ['l', 'r'])
    """
    dropped, changed_cats = {}, []
    for cat in cats:
        kpnames = cat.get('keypoints', None)
        if isinstance(kpnames, list) and any(n in names for n in kpnames):
            dropped[cat.get('id')] = [pos for pos, n in enumerate(kpnames) if n in names]
            cat['keypoints'] = [n for n in kpnames if n not in names]
            changed_cats.append(cat)
    changed_anns, removed = [], 0
    if not dropped:
        return changed_cats, changed_anns, removed
    for ann in anns:
        kpts = ann.get('keypoints', None)
        drop = dropped.get(ann.get('category_id'))
        if drop and isinstance(kpts, list) and kpts and not isinstance(kpts[0], dict):
            ann['keypoints'] = [v for pos in range(len(kpts) // 3) if pos not in drop
                                for v in kpts[pos * 3:pos * 3 + 3]]
            removed += sum(1 for pos in drop if pos * 3 + 2 < len(kpts))
            if 'num_keypoints' in ann:
                ann['num_keypoints'] = sum(1 for v in ann['keypoints'][2::3] if v > 0)
            changed_anns.append(ann)
    return changed_cats, changed_anns, removed


def clear_reflections(kpcats, gone):
    """
    Set ``reflection_id`` to None where it names a removed keypoint
    category, in place; returns the keypoint categories that changed.

    Example:
        >>> kpcats = [{'id': 2, 'name': 'r', 'reflection_id': 1}]
        >>> len(clear_reflections(kpcats, {1})), kpcats[0]['reflection_id']
        (1, None)
    """
    changed = []
    for kpcat in kpcats:
        if kpcat.get('reflection_id') in gone:
            kpcat['reflection_id'] = None
            changed.append(kpcat)
    return changed


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
    _clear_table(dset, 'annotations')
    index.anns.clear()
    for aids in index.gid_to_aids.values():
        aids.clear()
    for aids in index.cid_to_aids.values():
        aids.clear()
    for tid in list(index.trackid_to_aids):
        index.trackid_to_aids[tid] = set() if tid is None else index.new_track_set()
    index.note_edit()


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
    _clear_table(dset, 'images')
    index.imgs.clear()
    index.gid_to_aids.clear()
    index.name_to_img.clear()
    index.file_name_to_img.clear()
    for attr in ('name_to_img', 'file_name_to_img'):
        index.repeated[attr].clear()
    for vidid in list(index.vidid_to_gids):
        index.vidid_to_gids[vidid] = index.new_frame_set()
    index.note_edit()


def remove_annotation_keypoints(dset: Any, kp_identifiers: Iterable[Any]) -> dict[str, int]:
    """
    Remove, from every annotation, the keypoints of some keypoint
    categories (ids, names or dicts); the categories themselves stay.
    Returns ``{'annotation_keypoints': number removed}``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_keypoint_categories(['nose', 'tail'])
        >>> aid = dset.add_annotation(dset.add_image('a.png'), keypoints=[
        ...     {'xy': [1, 1], 'keypoint_category_id': 1},
        ...     {'xy': [2, 2], 'keypoint_category_id': 2}])
        >>> dset.remove_annotation_keypoints(['tail'])
        {'annotation_keypoints': 1}
        >>> [kp['keypoint_category_id'] for kp in dset.anns[aid]['keypoints']]
        [1]
    """
    kpids = set(_resolve_all(dset, 'keypoint_categories', kp_identifiers, True,
                             'cannot remove keypoints'))
    names = {dset.index.kpcats[kpid]['name'] for kpid in kpids}
    _, removed = strip_keypoints(dset.index.anns.values(), kpids, names)
    dset.index.note_edit()
    return {'annotation_keypoints': removed}
