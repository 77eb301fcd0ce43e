"""
Long random sequences of every edit path — adds (single and batch, some of
them refused on purpose), sets through views and through ``CocoImage``,
removals, keypoint categories, copy, dump/load, subset and union — keep the
index equal to a fresh rebuild after each step, never reuse an id, and leave
the dataset untouched whenever an edit is refused.  Frames may come before
their video and annotations before their track (as kwcoco allows), and a
reload may bring repeated ids (indexed last-wins, as kwcoco does).
"""
import itertools
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xcoco
from xcoco.ops.hashid import manifest_hashid
from xcoco.testing import assert_index_consistent

OPS = ['add_image', 'add_frame', 'add_annot', 'add_cat', 'add_video', 'add_track',
       'add_images', 'add_annots', 'add_cats', 'add_kpcats',
       'refuse_image', 'refuse_batch', 'refuse_annot', 'refuse_set',
       'set_cid', 'set_frame', 'set_video', 'set_name', 'set_file_name',
       'set_track', 'set_image_id', 'item_set',
       'rm_images', 'rm_annots', 'rm_cats', 'rm_videos', 'rm_tracks', 'rm_kpcats',
       'rm_cats_keep', 'rm_tracks_keep', 'rm_videos_keep', 'clear_annots',
       'copy', 'roundtrip', 'subset', 'union_self', 'union_other',
       'add_orphan_frame', 'add_orphan_annot', 'adopt_orphans', 'repeat_ids']


_SERIAL = itertools.count()


def _some(table_ids, pick, k=2):
    table_ids = list(table_ids)
    if not table_ids:
        return []
    return [table_ids[(pick + i) % len(table_ids)] for i in range(min(k, len(table_ids)))]


def _refused(dset, func):
    """Run an edit that must be refused; assert nothing changed."""
    before = (dset.dumps(), dict(dset.index.next_ids))
    try:
        func()
    except (xcoco.AddError, KeyError, TypeError):
        pass
    else:
        raise AssertionError('the edit was expected to be refused')
    assert (dset.dumps(), dict(dset.index.next_ids)) == before


def _apply(dset, op, pick, seen_ids):
    index = dset.index
    n = next(_SERIAL)   # keeps every new name unique across the whole run

    def new_image(gid):
        assert gid not in seen_ids['images']
        seen_ids['images'].add(gid)

    def new_annot(aid):
        assert aid not in seen_ids['annotations']
        seen_ids['annotations'].add(aid)

    if op == 'add_image':
        new_image(dset.add_image(f'img_{pick}_{n}.png', name=f'n_{pick}_{n}' if pick % 2 else None))
    elif op == 'add_frame' and index.videos:
        vid = _some(index.videos, pick)[0]
        new_image(dset.add_image(f'frame_{pick}_{n}.png', video_id=vid, frame_index=pick % 7))
    elif op == 'add_annot' and index.imgs:
        gid = _some(index.imgs, pick)[0]
        cid = _some(index.cats, pick)[0] if index.cats and pick % 3 else None
        tid = _some(index.tracks, pick)[0] if index.tracks and pick % 2 else None
        new_annot(dset.add_annotation(gid, cid, bbox=(0, 0, pick, pick), track_id=tid))
    elif op == 'add_cat':
        dset.ensure_category(f'cat_{pick % 5}')
    elif op == 'add_video':
        dset.ensure_video(f'vid_{pick % 4}')
    elif op == 'add_track':
        dset.ensure_track(f'track_{pick % 6}')
    elif op == 'add_images':
        for gid in dset.add_images([{'file_name': f'batch_{pick}_{n}_{i}.png'} for i in range(3)]):
            new_image(gid)
    elif op == 'add_annots' and index.imgs:
        gids = _some(index.imgs, pick, 3)
        for aid in dset.add_annotations([{'image_id': g, 'bbox': [1, 1, 2, 2]} for g in gids]):
            new_annot(aid)
    elif op == 'add_cats':
        fresh = [f'bc_{pick}_{n}_{i}' for i in range(2)]
        if not any(name in index.name_to_cat for name in fresh):
            dset.add_categories([{'name': name} for name in fresh])
    elif op == 'add_kpcats':
        names = {k['name'] for k in index.kpcats.values()}
        fresh = [f'kp_{pick}_{n}_{i}' for i in range(2) if f'kp_{pick}_{n}_{i}' not in names]
        dset.add_keypoint_categories(fresh)
    elif op == 'refuse_image' and index.imgs:
        taken = _some(index.imgs, pick)[0]
        _refused(dset, lambda: dset.add_image('unique.png', id=taken))
    elif op == 'refuse_batch':
        bad = [{'file_name': f'ok_{pick}_{n}.png'}, {'file_name': f'ok_{pick}_{n}.png'}]
        _refused(dset, lambda: dset.add_images(bad))
        if index.cats:
            name = _some(index.cats, pick)[0]
            _refused(dset, lambda: dset.add_categories(
                [{'name': f'new_{pick}_{n}'}, {'name': index.cats[name]['name']}]))
    elif op == 'refuse_annot' and index.imgs:
        gid = _some(index.imgs, pick)[0]
        _refused(dset, lambda: dset.add_annotations(
            [{'image_id': gid, 'bbox': (0, 0, 1, 1)}, {'image_id': [gid]}]))
    elif op == 'refuse_set' and index.anns:
        aids = _some(index.anns, pick)
        _refused(dset, lambda: dset.annots(aids).set('category_id', [None] * (len(aids) - 1) + [10 ** 6]))
    elif op == 'set_cid' and index.anns:
        aids = _some(index.anns, pick, 3)
        cids = [None] + list(index.cats)
        dset.annots(aids).set('category_id', [cids[(pick + i) % len(cids)] for i in range(len(aids))])
    elif op == 'set_frame':
        gids = [g for g in _some(index.imgs, pick, 3) if index.imgs[g].get('video_id') is not None]
        dset.images(gids).set('frame_index', [(pick * 3 + i) % 5 for i in range(len(gids))])
    elif op == 'set_video' and index.videos and index.imgs:
        gid = _some(index.imgs, pick)[0]
        vid = _some(index.videos, pick + 1)[0]
        img = index.imgs[gid]
        if img.get('frame_index') is None:
            dset.images([gid]).set('frame_index', pick % 4)
        dset.images([gid]).set('video_id', vid)
    elif op == 'set_name' and index.imgs:
        gids = _some(index.imgs, pick, 2)
        dset.images(gids).set('name', [f'renamed_{pick}_{n}_{i}' for i in range(len(gids))])
    elif op == 'set_file_name' and len(index.imgs) > 1:
        gids = _some(index.imgs, pick, 2)
        files = [index.imgs[g].get('file_name') for g in gids]
        holders = [sum(img.get('file_name') == f for img in index.imgs.values()) for f in files]
        if all(files) and len(set(files)) == len(files) and holders == [1] * len(files):
            dset.images(gids).set('file_name', files[::-1])   # a swap
        elif all(files) and len(set(files)) == len(files):
            # another image shares one of the names (e.g. after a union with
            # itself): giving it to a second image is refused
            _refused(dset, lambda: dset.images(gids).set('file_name', files[::-1]))
    elif op == 'set_track' and index.anns:
        aids = _some(index.anns, pick, 2)
        tids = [None] + list(index.tracks)
        dset.annots(aids).set('track_id', tids[pick % len(tids)])
    elif op == 'set_image_id' and index.anns and index.imgs:
        aid = _some(index.anns, pick)[0]
        dset.annots([aid]).set('image_id', _some(index.imgs, pick + 1)[0])
    elif op == 'item_set' and index.imgs:
        coco_img = dset.coco_image(_some(index.imgs, pick)[0])
        coco_img['name'] = f'item_{pick}_{n}'
        coco_img['split'] = 'train'
    elif op == 'rm_images':
        dset.remove_images(_some(index.imgs, pick))
    elif op == 'rm_annots':
        dset.remove_annotations(_some(index.anns, pick))
    elif op == 'rm_cats':
        dset.remove_categories(_some(index.cats, pick))
    elif op == 'rm_cats_keep':
        dset.remove_categories(_some(index.cats, pick), keep_annots=True)
    elif op == 'rm_videos':
        dset.remove_videos(_some(index.videos, pick))
    elif op == 'rm_videos_keep':
        dset.remove_videos(_some(index.videos, pick), keep_images=True)
    elif op == 'rm_tracks':
        dset.remove_tracks(_some(index.tracks, pick))
    elif op == 'rm_tracks_keep':
        dset.remove_tracks(_some(index.tracks, pick), keep_annots=True)
    elif op == 'rm_kpcats':
        dset.remove_keypoint_categories(_some(index.kpcats, pick))
    elif op == 'clear_annots' and pick % 5 == 0:
        dset.clear_annotations()
    elif op == 'copy':
        dset = dset.copy()
    elif op == 'roundtrip':
        next_ids = dict(dset.index.next_ids)
        dset = xcoco.CocoDataset(xcoco.manifest.io.parse_manifest(dset.dumps()))
        # a file does not remember removed ids; carry them like a session would
        dset.index.next_ids.update({k: max(v, next_ids[k]) for k, v in dset.index.next_ids.items()})
    elif op == 'subset' and index.imgs:
        sub = dset.subset(_some(index.imgs, pick, 3))
        assert_index_consistent(sub)
        if pick % 3 == 0:
            dset = sub
    elif op == 'union_self' and pick % 4 == 0:
        merged = dset.union(dset.copy())
        # objects, not indexed ids: a file may repeat an id (see repeat_ids)
        for table in ('images', 'annotations'):
            assert len(merged.dataset[table]) == 2 * len(dset.dataset[table])
        names = [img['name'] for img in merged.imgs.values() if img.get('name') is not None]
        assert len(names) == len(set(names))
        assert_index_consistent(merged)
        if pick % 8 == 0:
            dset = merged
    elif op == 'add_orphan_frame':
        # a frame of a video that is not there yet: it joins the video later
        vid = index.peek_id('videos') + pick % 3
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            new_image(dset.add_image(f'orphan_{pick}_{n}.png', video_id=vid, frame_index=pick % 5))
    elif op == 'add_orphan_annot' and index.imgs:
        tid = index.peek_id('tracks') + pick % 3
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            new_annot(dset.add_annotation(_some(index.imgs, pick)[0], track_id=tid))
    elif op == 'adopt_orphans':
        _adopt_orphans(dset)
    elif op == 'repeat_ids' and index.imgs and pick % 3 == 0:
        # reload a file that repeats an image id and an annotation id
        data = xcoco.manifest.io.parse_manifest(dset.dumps())
        img = dict(data['images'][pick % len(data['images'])], file_name=f'rep_{pick}_{n}.png')
        img.pop('name', None)
        data['images'].append(img)
        if data['annotations']:
            data['annotations'].append(dict(data['annotations'][pick % len(data['annotations'])]))
        next_ids = dict(dset.index.next_ids)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            dset = xcoco.CocoDataset(data)
        dset.index.next_ids.update({k: max(v, next_ids[k]) for k, v in dset.index.next_ids.items()})
    elif op == 'union_other':
        other = xcoco.CocoDataset()
        other.add_annotation(other.add_image(f'other_{pick}.png', name='n_1_0'),
                             other.add_category('cat_0'))
        merged = xcoco.CocoDataset.union(dset, other)
        assert_index_consistent(merged)
        if pick % 2:
            dset = merged
    return dset


def _adopt_orphans(dset):
    """Add the videos and tracks that frames and annotations wait for."""
    index = dset.index
    for vid in sorted({img['video_id'] for img in index.imgs.values()
                       if img.get('video_id') is not None} - set(index.videos)):
        dset.add_video(f'adopted_video_{vid}', id=vid)
        assert_index_consistent(dset)
    for tid in sorted({ann['track_id'] for ann in index.anns.values()
                       if ann.get('track_id') is not None} - set(index.tracks)):
        held = list(index.trackid_to_aids[tid])
        dset.add_track(f'adopted_track_{tid}', id=tid)
        assert list(index.trackid_to_aids[tid]) == held   # nothing lost
        assert_index_consistent(dset)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50)),
                min_size=10, max_size=80))
def test_random_edit_sequences_keep_index_consistent(steps):
    import xcoco.manifest.io
    dset = xcoco.CocoDataset()
    seen_ids = {'images': set(), 'annotations': set()}
    for op, pick in steps:
        _ = dset.hashid   # cached: every edit must make the cache stale
        previous = dset
        dset = _apply(dset, op, pick, seen_ids)
        assert_index_consistent(dset)
        if dset is not previous and op in ('subset', 'union_self', 'union_other'):
            # a new dataset: its ids are its own from here on
            seen_ids = {'images': set(), 'annotations': set()}
        # the cached hashid follows every change of content
        assert dset.hashid == manifest_hashid(dset.dataset), op
        seen_ids['images'].update(dset.imgs)
        seen_ids['annotations'].update(dset.anns)
    _adopt_orphans(dset)
    assert_index_consistent(dset)
    # every annotation points at a live image, every frame at a live video
    for ann in dset.anns.values():
        assert ann['image_id'] in dset.imgs
        assert ann.get('category_id') is None or ann['category_id'] in dset.cats
    for img in dset.imgs.values():
        assert img.get('video_id') is None or img['video_id'] in dset.index.videos
