"""
Union of datasets.

Ids are kept where they do not collide with an id already taken in the
result and remapped otherwise; every reference (image → video, annotation →
image / category / track, keypoint → keypoint category) follows its
object's new id.
"""
import os

from xcoco.errors import FieldTypeError, GeometryError
from xcoco.gc_policy import paused_gc
from xcoco.index.build import max_int_id
from xcoco.manifest.assets import ASSET_KEYS, iter_assets, iter_file_objs
from xcoco.manifest.locate import rebase_file_name
from xcoco.tables import TABLES

__all__ = ['union']



_KEYS_VIEW = type({}.keys())


class _IdTable:
    """
    The ids taken in one output table and the next free one.

    Ids claimed one by one go into a set; a block claimed whole
    (:meth:`claim_all` of an input's id lookup) is kept as the read-only
    keys view it came as, which saves copying 100k+ ids into the set.  The
    views belong to the inputs, which nothing edits during a union.
    """

    def __init__(self):
        self.taken = set()
        self.blocks = []
        self.next_id = 1

    def __contains__(self, id_):
        return id_ in self.taken or any(id_ in block for block in self.blocks)

    def claim(self, wanted):
        if wanted is not None and wanted not in self:
            new_id = wanted
        else:
            while self.next_id in self:
                self.next_id += 1
            new_id = self.next_id
        self.taken.add(new_id)
        if type(new_id) is int and new_id >= self.next_id:
            self.next_id = new_id + 1
        return new_id

    def claim_all(self, wanted):
        """
        Claim a block of ids as they are; False (nothing claimed) if any is
        taken.  ``wanted`` is a list, or the keys view of a lookup that is
        not edited while this table lives.
        """
        # (an empty set's isdisjoint would still walk every wanted id)
        if self.taken and not self.taken.isdisjoint(wanted) or \
                not all(block.isdisjoint(wanted) for block in self.blocks):
            return False
        if isinstance(wanted, _KEYS_VIEW):
            self.blocks.append(wanted)
        else:
            self.taken.update(wanted)
        top = max_int_id(wanted)
        if top >= self.next_id:
            self.next_id = top + 1
        return True


def _unique_name(name, taken):
    if name is None or name not in taken:
        return name
    num = 1
    while f'{name}_v{num:03d}' in taken:
        num += 1
    return f'{name}_v{num:03d}'


def _frame_indexes(data):
    frames = {}
    for pos, img in enumerate(data.get('images') or ()):
        vidid = img.get('video_id', None)
        if vidid is not None:
            frame = img.get('frame_index')
            if isinstance(frame, (list, dict)):
                raise FieldTypeError(
                    f"cannot union: image id={img['id']!r} (position {pos} in table 'images') "
                    f"field 'frame_index': {frame!r:.60} is a {type(frame).__name__}; "
                    'expected a number', table='images', position=pos, id=img['id'],
                    field='frame_index')
            frames.setdefault(vidid, set()).add(frame)
    return frames


def _same_video(video1, video2):
    return ({k: v for k, v in video1.items() if k != 'id'} ==
            {k: v for k, v in video2.items() if k != 'id'})


def _common_bundle(dsets):
    bundles = [os.path.abspath(d.bundle_dpath) for d in dsets]
    if not bundles:
        return '.'
    if len(set(bundles)) == 1:
        return bundles[0]
    return os.path.commonpath(bundles)


def union(dsets, cls=None, disjoint_tracks=True, remember_parent=False,
          bundle_dpath=None, tag=None, fpath=None, **kwargs):
    """
    Merge datasets into a new one.

    * Categories and keypoint categories with the same name become one.
    * Videos with the same name and fields whose frames do not overlap
      (parts of one video, e.g. rejoined splits) become one; other videos
      stay distinct, a repeated name getting a ``_v001`` suffix.
    * Tracks stay distinct per input (renamed like videos) unless
      ``disjoint_tracks=False``, which merges tracks by name.
    * Images never merge; a name already taken gets a ``_v001`` suffix (as
      in kwcoco), so no two images of the result share a name.
    * Relative file names are rewritten against the common folder of the
      inputs' bundles, so images from different folders still resolve.
    * Objects are shallow-copied: the result's dicts are new, nested
      geometry lists are shared with the inputs.

    Args:
        dsets (Sequence[CocoDataset]): the inputs.
        cls (type): class of the result (default: type of the first input).
        disjoint_tracks (bool): keep each input's tracks apart.
        remember_parent (bool): record each image's source in
            ``union_parent`` (the source's fpath or tag).
        bundle_dpath (str | None): bundle folder of the result (default: the
            deepest folder common to all inputs).

    Example:
        >>> import xcoco
        >>> a = xcoco.CocoDataset(bundle_dpath='/data/a')
        >>> b = xcoco.CocoDataset(bundle_dpath='/data/b')
        >>> _ = a.add_image('x.png'), b.add_image('x.png')
        >>> _ = a.add_category('cat'), b.add_category('cat', id=5)
        >>> merged = union([a, b])
        >>> merged.bundle_dpath, [img['file_name'] for img in merged.dataset['images']]
        ('/data', ['a/x.png', 'b/x.png'])
        >>> [(c['id'], c['name']) for c in merged.dataset['categories']]
        [(1, 'cat')]

        MS-COCO ``info`` dicts that differ are all kept:

        >>> a.dataset['info'] = {'year': 2014}
        >>> b.dataset['info'] = {'year': 2017}
        >>> union([a, b]).dataset['info']
        {'year': 2014, 'union_of': [{'year': 2014}, {'year': 2017}]}
    """
    from xcoco.dataset import CocoDataset
    dsets = list(dsets)
    if cls is None:
        cls = type(dsets[0]) if dsets else CocoDataset
    if bundle_dpath is None:
        bundle_dpath = _common_bundle(dsets)
    if tag is None and dsets and all(d.tag == dsets[0].tag for d in dsets):
        tag = dsets[0].tag
    with paused_gc():  # one pause for the merge and the index build
        manifest, groups = _merge_manifests(dsets, bundle_dpath, disjoint_tracks,
                                            remember_parent)
        new = cls(manifest, tag=tag, bundle_dpath=bundle_dpath, autobuild=False)
        new.index.build(manifest, groups=groups)
    if fpath is not None:
        new.fpath = fpath
        new.bundle_dpath = bundle_dpath
    return new


def _merge_manifests(dsets, bundle_dpath, disjoint_tracks, remember_parent):
    out = {table: [] for table in TABLES}
    extra = {}
    ids = {table: _IdTable() for table in TABLES}
    cat_by_name, kpcat_by_name, track_by_name = {}, {}, {}
    video_names, track_names, image_names = set(), set(), set()
    video_by_name, frames_out = {}, {}
    groups = {'usable': True, 'gid_to_aids': {}, 'cid_to_aids': {}, 'anns': {},
              'trackless': None}

    for dset in dsets:
        data = dset.dataset
        cat_map, kpcat_map, vid_map, gid_map, track_map = {}, {}, {}, {}, {}

        added_kpcats = []
        for pos, kpcat in enumerate(data.get('keypoint_categories') or ()):
            name = kpcat.get('name')
            if isinstance(name, (list, dict)):
                # keypoint categories are merged by name
                raise FieldTypeError(
                    f'cannot union: keypoint category id={kpcat["id"]!r} (position {pos} '
                    f"in table 'keypoint_categories') field 'name': {name!r:.60} is a "
                    f'{type(name).__name__}; expected a string', table='keypoint_categories',
                    position=pos, id=kpcat['id'], field='name')
            if name in kpcat_by_name:
                kpcat_map[kpcat['id']] = kpcat_by_name[name]['id']
                continue
            new = dict(kpcat, id=ids['keypoint_categories'].claim(kpcat['id']))
            kpcat_map[kpcat['id']] = new['id']
            kpcat_by_name[name] = new
            added_kpcats.append(new)
        # reflection_id points at another keypoint category of the same input
        for new in added_kpcats:
            if isinstance(new.get('reflection_id', None), (int, str)):
                new['reflection_id'] = kpcat_map.get(new['reflection_id'],
                                                      new['reflection_id'])
        out['keypoint_categories'].extend(added_kpcats)

        for cat in data.get('categories') or ():
            name = cat.get('name')
            if name in cat_by_name:
                cat_map[cat['id']] = cat_by_name[name]['id']
                continue
            new = dict(cat, id=ids['categories'].claim(cat['id']))
            cat_map[cat['id']] = new['id']
            cat_by_name[name] = new
            out['categories'].append(new)

        frames_in = _frame_indexes(data)
        for video in data.get('videos') or ():
            name = video.get('name')
            twin = video_by_name.get(name)
            if twin is not None and _same_video(twin, video) and \
                    frames_out[twin['id']].isdisjoint(frames_in.get(video['id'], ())):
                # Two parts of one video (e.g. splits being rejoined).
                vid_map[video['id']] = twin['id']
                frames_out[twin['id']].update(frames_in.get(video['id'], ()))
                continue
            name = _unique_name(name, video_names)
            video_names.add(name)
            new = dict(video, id=ids['videos'].claim(video['id']), name=name)
            vid_map[video['id']] = new['id']
            video_by_name[name] = new
            frames_out[new['id']] = set(frames_in.get(video['id'], ()))
            out['videos'].append(new)

        for track in data.get('tracks') or ():
            name = track.get('name')
            if not disjoint_tracks and name in track_by_name:
                track_map[track['id']] = track_by_name[name]['id']
                continue
            if disjoint_tracks:
                name = _unique_name(name, track_names)
            track_names.add(name)
            new = dict(track, id=ids['tracks'].claim(track['id']), name=name)
            track_map[track['id']] = new['id']
            track_by_name[name] = new
            out['tracks'].append(new)

        src_bundle = dset.bundle_dpath
        same_bundle = os.path.abspath(src_bundle) == os.path.abspath(bundle_dpath)
        parent = dset.fpath or dset.tag
        images = data.get('images') or ()
        img_ids = [img['id'] for img in images]
        keep_gids = ids['images'].claim_all(img_ids)
        fix = {'vid_map': vid_map, 'same_bundle': same_bundle, 'src_bundle': src_bundle,
               'bundle_dpath': bundle_dpath, 'image_names': image_names,
               'remember_parent': remember_parent, 'parent': parent}
        if keep_gids and same_bundle and not remember_parent:
            # The common case (splits of one bundle): copy at C speed; only
            # images with a video, a name or assets need anything more.
            copies = list(map(dict, images))
            gid_map.update(zip(img_ids, img_ids))
            for img, new in zip(images, copies):
                if not _IMAGE_KEYS_TO_ADAPT.isdisjoint(img):
                    _adapt_image(img, new, **fix)
            out['images'].extend(copies)
        else:
            for img in images:
                new = dict(img) if keep_gids else dict(img, id=ids['images'].claim(img['id']))
                gid_map[img['id']] = new['id']
                _adapt_image(img, new, **fix)
                out['images'].append(new)

        anns = data.get('annotations') or ()
        index = dset.index
        # (key None of trackid_to_aids groups the annotations without a track)
        simple = (keep_gids and index.is_built and set(index.trackid_to_aids) <= {None}
                  and not kpcat_map and all(k == v for k, v in cat_map.items())
                  and not vid_map)
        if simple and len(index.anns) == len(anns) and \
                ids['annotations'].claim_all(index.anns.keys()):
            # Ids and references all stay as they are (the common case of
            # disjoint splits): copy the dicts and reuse the inputs' grouping
            # instead of re-deriving it from 860k annotations (issue 6).
            # The copies are keyed by id as they are made, so the index
            # build takes this lookup instead of a second pass.
            copies = list(map(dict, index.anns.values()))
            out['annotations'].extend(copies)
            groups['anns'].update(zip(index.anns, copies))
            # copying the inputs' sets beats hashing every id again
            trackless = index.trackid_to_aids.get(None, ())
            if groups['trackless'] is None:
                groups['trackless'] = set(trackless)
            else:
                groups['trackless'].update(trackless)
            gid_groups = groups['gid_to_aids']
            if gid_groups.keys().isdisjoint(index.gid_to_aids):
                # the inputs' image ids are disjoint here: copy every group
                # at C speed (empty ones too; the build drops the strays)
                gid_groups.update(zip(index.gid_to_aids.keys(),
                                      map(set, index.gid_to_aids.values())))
            else:
                for gid, aids in index.gid_to_aids.items():
                    if aids:
                        gid_groups.setdefault(gid, set()).update(aids)
            cid_groups = groups['cid_to_aids']
            for cid, aids in index.cid_to_aids.items():
                if aids:
                    have = cid_groups.get(cid)
                    if have is None:
                        cid_groups[cid] = set(aids)
                    else:
                        have.update(aids)
            anns = ()
        else:
            groups['usable'] = False
        # Track ids used by annotations without a tracks table still need
        # to stay apart between inputs when disjoint_tracks is set.
        for ann in anns:
            new = dict(ann, id=ids['annotations'].claim(ann['id']))
            new['image_id'] = gid_map.get(ann.get('image_id'), ann.get('image_id'))
            cid = ann.get('category_id', None)
            if cid is not None:
                new['category_id'] = cat_map.get(cid, cid)
            tid = ann.get('track_id', None)
            if tid is not None:
                if tid not in track_map:
                    track_map[tid] = ids['tracks'].claim(tid) if disjoint_tracks else tid
                new['track_id'] = track_map[tid]
            kpts = ann.get('keypoints', None)
            if kpcat_map and isinstance(kpts, list) and kpts and isinstance(kpts[0], dict):
                new['keypoints'] = [_remap_keypoint(kp, kpcat_map, ann) for kp in kpts]
            out['annotations'].append(new)

        for key, value in data.items():
            if key in out:
                continue
            if key not in extra:
                extra[key] = list(value) if isinstance(value, list) else value
            elif isinstance(extra[key], list) and isinstance(value, list):
                extra[key].extend(v for v in value if v not in extra[key])
            else:
                extra[key] = _merge_values(extra[key], value)

    # every output annotation id was claimed, and only those (simple path)
    groups['anns'] = (groups['anns'], ids['annotations'].next_id)
    merged = {}
    for key in ('info', 'licenses'):
        if key in extra:
            merged[key] = extra.pop(key)
    for table in TABLES:
        if out[table] or table in ('categories', 'videos', 'images', 'annotations'):
            merged[table] = out[table]
    merged.update(extra)
    return merged, (groups if groups['usable'] else None)



#: an image holding none of these is copied as it is (same bundle, no parent)
_IMAGE_KEYS_TO_ADAPT = frozenset({'video_id', 'name', *ASSET_KEYS})


def _adapt_image(img, new, vid_map, same_bundle, src_bundle, bundle_dpath,
                 image_names, remember_parent, parent):
    """Point the copy ``new`` of ``img`` at the merged video, bundle and name."""
    if img.get('video_id', None) is not None:
        new['video_id'] = vid_map.get(img['video_id'], img['video_id'])
    for _ in iter_assets(img):
        pass  # refuses asset lists that are not lists of asset objects
    for key in ASSET_KEYS:
        if img.get(key, None) is not None:
            new[key] = [dict(asset) for asset in img[key]]
    if not same_bundle:
        for obj in iter_file_objs(new):
            obj['file_name'] = rebase_file_name(
                obj['file_name'], src_bundle, bundle_dpath, keep_absolute=True)
    name = img.get('name', None)
    if name is not None:
        # as kwcoco: a repeated image name gets a suffix, so the result's
        # name lookup holds every image
        name = _unique_name(name, image_names)
        image_names.add(name)
        if name != img['name']:
            new['name'] = name
    if remember_parent:
        new['union_parent'] = parent


def _remap_keypoint(kp, kpcat_map, ann):
    """A keypoint dict pointed at the merged keypoint category."""
    if not isinstance(kp, dict) or isinstance(kp.get('keypoint_category_id'), (list, dict)):
        raise GeometryError(
            f"cannot union: annotation id={ann['id']!r} field 'keypoints': {kp!r:.60} is "
            'not a keypoint object with a keypoint_category_id')
    if 'keypoint_category_id' not in kp:
        return kp
    kpcid = kp['keypoint_category_id']
    return dict(kp, keypoint_category_id=kpcat_map.get(kpcid, kpcid))


def _merge_values(kept, value):
    """
    Two different non-list top-level values (MS-COCO ``info`` dicts, say):
    keep the first as it is and list every distinct one under
    ``union_of`` (dicts) or as a list (anything else), so nothing is lost.
    """
    if kept == value:
        return kept
    if isinstance(kept, dict) and isinstance(value, dict):
        parts = kept.get('union_of') or [{k: v for k, v in kept.items() if k != 'union_of'}]
        if value not in parts:
            parts = [*parts, value]
        return {**kept, 'union_of': parts}
    parts = kept if isinstance(kept, list) else [kept]
    return parts + [value] if value not in parts else parts
