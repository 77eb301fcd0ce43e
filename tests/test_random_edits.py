"""
Long random sequences of adds and removes keep every index consistent and
never reuse an id.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xcoco
from xcoco.testing import assert_index_consistent

OPS = ['add_image', 'add_frame', 'add_annot', 'add_cat', 'add_video', 'add_track',
       'rm_images', 'rm_annots', 'rm_cats', 'rm_videos', 'rm_tracks',
       'rm_cats_keep', 'rm_tracks_keep', 'rm_videos_keep', 'clear_annots',
       'copy', 'roundtrip', 'subset', 'union_self']


def _apply(dset, op, pick, seen_ids):
    index = dset.index

    def some(table_ids):
        table_ids = list(table_ids)
        return [table_ids[(pick + i) % len(table_ids)] for i in range(min(2, len(table_ids)))] if table_ids else []

    if op == 'add_image':
        gid = dset.add_image(f'img_{pick}_{len(seen_ids["images"])}.png')
        assert gid not in seen_ids['images']
        seen_ids['images'].add(gid)
    elif op == 'add_frame' and index.videos:
        vid = some(index.videos)[0]
        gid = dset.add_image(f'frame_{pick}_{len(seen_ids["images"])}.png',
                             video_id=vid, frame_index=pick % 7)
        assert gid not in seen_ids['images']
        seen_ids['images'].add(gid)
    elif op == 'add_annot' and index.imgs:
        gid = some(index.imgs)[0]
        cid = some(index.cats)[0] if index.cats and pick % 3 else None
        tid = some(index.tracks)[0] if index.tracks and pick % 2 else None
        aid = dset.add_annotation(gid, cid, bbox=[0, 0, pick, pick], track_id=tid)
        assert aid not in seen_ids['annotations']
        seen_ids['annotations'].add(aid)
    elif op == 'add_cat':
        dset.ensure_category(f'cat_{pick % 5}')
    elif op == 'add_video':
        dset.ensure_video(f'vid_{pick % 4}')
    elif op == 'add_track':
        dset.ensure_track(f'track_{pick % 6}')
    elif op == 'rm_images':
        dset.remove_images(some(index.imgs))
    elif op == 'rm_annots':
        dset.remove_annotations(some(index.anns))
    elif op == 'rm_cats':
        dset.remove_categories(some(index.cats))
    elif op == 'rm_cats_keep':
        dset.remove_categories(some(index.cats), keep_annots=True)
    elif op == 'rm_videos':
        dset.remove_videos(some(index.videos))
    elif op == 'rm_videos_keep':
        dset.remove_videos(some(index.videos), keep_images=True)
    elif op == 'rm_tracks':
        dset.remove_tracks(some(index.tracks))
    elif op == 'rm_tracks_keep':
        dset.remove_tracks(some(index.tracks), keep_annots=True)
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
        sub = dset.subset(some(index.imgs))
        assert_index_consistent(sub)
    elif op == 'union_self' and pick % 4 == 0:
        merged = dset.union(dset.copy())
        assert merged.n_images == 2 * dset.n_images
        assert merged.n_annots == 2 * dset.n_annots
        assert_index_consistent(merged)
    return dset


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50)),
                min_size=10, max_size=80))
def test_random_edit_sequences_keep_index_consistent(steps):
    import xcoco.manifest.io  # NOQA
    dset = xcoco.CocoDataset()
    seen_ids = {'images': set(), 'annotations': set()}
    for op, pick in steps:
        dset = _apply(dset, op, pick, seen_ids)
        assert_index_consistent(dset)
    # every annotation points at a live image, every frame at a live video
    for ann in dset.anns.values():
        assert ann['image_id'] in dset.imgs
        assert ann.get('category_id') is None or ann['category_id'] in dset.cats
    for img in dset.imgs.values():
        assert img.get('video_id') is None or img['video_id'] in dset.index.videos
