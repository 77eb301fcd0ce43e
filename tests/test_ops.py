"""
Whole-dataset operations: copy, union, subset, reroot, stats.
"""
import os

import pytest

import xcoco
from xcoco.ops.reroot import RerootError
from xcoco.testing import assert_dsets_equal, assert_index_consistent


def test_copy_is_deep_and_independent(small_dset):
    other = small_dset.copy()
    assert other.dataset == small_dset.dataset
    assert other.bundle_dpath == small_dset.bundle_dpath
    assert other.fpath == small_dset.fpath
    other.dataset['annotations'][0]['bbox'][0] = 999
    other.add_category('bird')
    other.remove_images([4])
    assert small_dset.dataset['annotations'][0]['bbox'][0] == 0
    assert small_dset.n_cats == 3 and small_dset.n_images == 4
    assert_index_consistent(other)
    assert_index_consistent(small_dset)


def test_copy_keeps_non_json_values(small_dset):
    import numpy as np
    small_dset.imgs[1]['imdata'] = np.zeros((2, 2))
    other = small_dset.copy()
    assert isinstance(other.imgs[1]['imdata'], np.ndarray)
    assert other.imgs[1]['imdata'] is not small_dset.imgs[1]['imdata']


def test_union_remaps_ids_and_merges_categories():
    a = xcoco.CocoDataset(bundle_dpath='/data/a')
    b = xcoco.CocoDataset(bundle_dpath='/data/b')
    for dset, cats in ((a, ['cat', 'dog']), (b, ['dog', 'bird'])):
        cids = [dset.add_category(c) for c in cats]
        vid = dset.add_video('clip')
        tid = dset.add_track('t1')
        for frame in range(2):
            gid = dset.add_image(f'f{frame}.png', video_id=vid, frame_index=frame)
            for cid in cids:
                dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1], track_id=tid)
        dset.add_image('/abs/x.png')
    merged = a.union(b)
    assert merged is not a
    assert merged.bundle_dpath == '/data'
    assert sorted(c['name'] for c in merged.dataset['categories']) == ['bird', 'cat', 'dog']
    assert merged.n_images == 6 and merged.n_annots == 8
    assert sorted(v['name'] for v in merged.dataset['videos']) == ['clip', 'clip_v001']
    assert merged.n_tracks == 2
    names = sorted(img['file_name'] for img in merged.dataset['images'])
    assert names == ['/abs/x.png', '/abs/x.png', 'a/f0.png', 'a/f1.png', 'b/f0.png', 'b/f1.png']
    # references follow the remapped ids: every annotation's category name survives
    for src in (a, b):
        got = sorted((os.path.basename(merged.imgs[ann['image_id']]['file_name']),
                      merged.cats[ann['category_id']]['name'])
                     for ann in merged.anns.values()
                     if merged.imgs[ann['image_id']]['file_name'].startswith(
                         os.path.basename(src.bundle_dpath) + '/'))
        want = sorted((src.imgs[ann['image_id']]['file_name'], src.cats[ann['category_id']]['name'])
                      for ann in src.anns.values())
        assert got == want
    # each video still holds its own two frames in order, each track its own annots
    for gids in merged.index.vidid_to_gids.values():
        assert [merged.imgs[g]['frame_index'] for g in gids] == [0, 1]
    for aids in merged.index.trackid_to_aids.values():
        assert len(aids) == 4
        assert len({merged.imgs[merged.anns[x]['image_id']]['video_id'] for x in aids}) == 1
    assert_index_consistent(merged)
    # inputs untouched
    assert a.n_images == 3 and b.n_images == 3


def test_union_as_classmethod_and_merged_tracks(small_dset):
    merged = xcoco.CocoDataset.union(small_dset, small_dset.copy(), disjoint_tracks=False)
    assert merged.n_tracks == 1
    assert len(merged.index.trackid_to_aids[1]) == 6
    assert xcoco.CocoDataset.union().n_images == 0
    merged = xcoco.CocoDataset.union(small_dset, small_dset, remember_parent=True)
    assert merged.n_tracks == 2
    assert all('union_parent' in img for img in merged.dataset['images'])


def test_union_of_halves_equals_original(small_dset):
    gids = list(small_dset.imgs)
    half1 = small_dset.subset(gids[:2])
    half2 = small_dset.subset(gids[2:])
    merged = xcoco.CocoDataset.union(half1, half2, disjoint_tracks=False)
    merged.remove_categories([])
    assert_dsets_equal(merged, small_dset, ignore_ids=True)


def test_union_keypoint_categories_merge_by_name():
    a = xcoco.CocoDataset()
    b = xcoco.CocoDataset()
    a.add_keypoint_categories(['head'])
    kp_tail, kp_head = b.add_keypoint_categories(['tail', 'head'])
    gid = b.add_image('x.png')
    b.add_annotation(gid, keypoints=[{'xy': [0, 0], 'keypoint_category_id': kp_head}])
    merged = a.union(b)
    names = {k['id']: k['name'] for k in merged.dataset['keypoint_categories']}
    assert sorted(names.values()) == ['head', 'tail']
    (ann,) = merged.anns.values()
    assert names[ann['keypoints'][0]['keypoint_category_id']] == 'head'


def test_subset_keeps_what_is_referenced(small_dset):
    sub = small_dset.subset([2, 4])
    assert sorted(sub.imgs) == [2, 4]
    assert sorted(sub.anns) == [2, 5]
    assert sub.n_cats == small_dset.n_cats
    assert sub.n_videos == 1 and sub.n_tracks == 1
    assert sub.fpath == small_dset.fpath and sub.bundle_dpath == small_dset.bundle_dpath
    assert_index_consistent(sub)
    sub2 = small_dset.subset([4])
    assert sub2.n_videos == 0 and sub2.n_tracks == 0
    # shared by default, copied on request
    assert sub.imgs[2] is small_dset.imgs[2]
    assert small_dset.subset([2], copy=True).imgs[2] is not small_dset.imgs[2]
    # removing from the subset does not touch the source tables
    sub.remove_images([2])
    assert 2 in small_dset.imgs and small_dset.n_annots == 5
    with pytest.raises(KeyError, match='no image with id=77'):
        small_dset.subset([77])


def test_subset_by_video(small_dset):
    sub = small_dset.subset(video_ids=[1])
    assert list(sub.imgs) == [1, 2, 3]


def test_reroot_relative_absolute_and_prefix(tmp_path):
    old = tmp_path / 'old'
    (old / 'imgs').mkdir(parents=True)
    (old / 'imgs' / 'a.png').write_bytes(b'x')
    dset = xcoco.CocoDataset(bundle_dpath=old)
    gid = dset.add_image('imgs/a.png', assets=[{'file_name': 'imgs/b.tif'}])
    dset.reroot(absolute=True)
    assert dset.imgs[gid]['file_name'] == str(old / 'imgs/a.png')
    assert dset.imgs[gid]['assets'][0]['file_name'] == str(old / 'imgs/b.tif')
    dset.reroot(new_root=tmp_path)
    assert dset.imgs[gid]['file_name'] == 'old/imgs/a.png'
    assert dset.bundle_dpath == str(tmp_path)
    assert dset.index.file_name_to_img['old/imgs/a.png']['id'] == gid
    # moving the files and telling reroot about the prefix change
    os.rename(old, tmp_path / 'new')
    dset.reroot(old_prefix='old/', new_prefix='new/')
    assert dset.imgs[gid]['file_name'] == 'new/imgs/a.png'
    assert not dset.missing_images(check_aux=False)


def test_reroot_refuses_to_lose_files(tmp_path):
    (tmp_path / 'a.png').write_bytes(b'x')
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    gid = dset.add_image('a.png')
    with pytest.raises(RerootError, match="image id=1: 'a.png' exists under"):
        dset.reroot(old_prefix='a', new_prefix='zzz')
    assert dset.imgs[gid]['file_name'] == 'a.png'
    dset.reroot(old_prefix='a', new_prefix='zzz', check=False)
    assert dset.imgs[gid]['file_name'] == 'zzz.png'


def test_stats(small_dset):
    assert small_dset.basic_stats() == {
        'n_anns': 5, 'n_imgs': 4, 'n_videos': 1, 'n_cats': 3, 'n_tracks': 1}
    ext = small_dset.extended_stats()
    assert ext['annots_per_img']['mean'] == pytest.approx(5 / 4)
    assert ext['annots_per_img']['max'] == 2.0 and ext['annots_per_img']['nMax'] == 1
    assert ext['imgs_per_video']['mean'] == 3.0
    assert ext['annots_per_track']['mean'] == 3.0
    assert small_dset.category_annotation_frequency() == {'animal': 1, 'cat': 3, 'dog': 1}


def test_missing_images(tmp_path):
    (tmp_path / 'here.png').write_bytes(b'x')
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    dset.add_image('here.png', assets=[{'file_name': 'gone.tif'}])
    dset.add_image('gone.png')
    assert dset.missing_images() == [(0, str(tmp_path / 'gone.tif'), 1),
                                     (1, str(tmp_path / 'gone.png'), 2)]
    assert dset.missing_images(check_aux=False) == [(1, str(tmp_path / 'gone.png'), 2)]


def test_get_image_fpath_errors():
    dset = xcoco.CocoDataset(bundle_dpath='/b')
    gid = dset.add_image(name='assets_only')
    with pytest.raises(xcoco.ChannelError, match="image id=1 has no 'file_name'"):
        dset.get_image_fpath(gid)
    with pytest.raises(KeyError, match='no image with id=5'):
        dset.get_image_fpath(5)


def test_validate_method_reports_broken_files_opened_for_repair(tmp_path):
    import json
    fpath = tmp_path / 'broken.json'
    fpath.write_text(json.dumps({
        'categories': [{'id': 1, 'name': 'a'}],
        'images': [{'id': 1, 'file_name': 'a.png'}, {'id': 1, 'file_name': 'b.png'}],
        'annotations': [{'id': 1, 'image_id': 7, 'category_id': 1, 'bbox': [0, 0, 1, 1]}]}))
    dset = xcoco.CocoDataset(fpath, autobuild=False)
    result = dset.validate()
    rules = {p.rule for p in result['errors']}
    assert 'annotation.image_id.exists' in rules
    assert any('duplicate' in p.rule or 'unique' in p.rule for p in result['errors'])


def test_conform_and_category_trees(small_dset):
    small_dset.conform(pycocotools=True, ensure_imgsize=False)
    assert all('area' in ann and 'iscrowd' in ann for ann in small_dset.dataset['annotations'])
    tree = small_dset.object_categories()
    assert set(tree.category_names) == {'animal', 'cat', 'dog'}
    assert small_dset.keypoint_categories() is not None


def test_union_bulk_path_for_disjoint_parts_keeps_ids_and_index():
    dset = xcoco.CocoDataset()
    cids = [dset.add_category(name) for name in ('a', 'b', 'c')]
    for i in range(20):
        gid = dset.add_image(f'{i}.png')
        for j in range(i % 4):
            dset.add_annotation(gid, cids[(i + j) % 3], bbox=[0, 0, j, j])
    gids = list(dset.imgs)
    part1, part2 = dset.subset(gids[::2]), dset.subset(gids[1::2])
    merged = xcoco.CocoDataset.union(part1, part2)
    assert sorted(merged.anns) == sorted(dset.anns)
    assert all(merged.anns[a] == dset.anns[a] for a in dset.anns)
    assert_index_consistent(merged)
    # the merged dicts are copies: editing them leaves the parts alone
    assert all(merged.anns[a] is not dset.anns[a] for a in dset.anns)
    # a later edit keeps everything consistent
    merged.remove_categories(['a'])
    assert_index_consistent(merged)


def test_union_never_repeats_image_names():
    # two renders of one demo key with different rng share every image name
    a = xcoco.CocoDataset.demo('vidshapes1-multispectral', rng=1)
    b = xcoco.CocoDataset.demo('vidshapes1-multispectral', rng=2)
    assert a.images().lookup('name') == b.images().lookup('name')
    merged = xcoco.CocoDataset.union(a, b)
    names = merged.images().lookup('name')
    assert len(set(names)) == len(names) == 4
    assert len(merged.index.name_to_img) == 4
    assert names[2:] == [f'{n}_v001' for n in names[:2]]
    assert_index_consistent(merged)
    # a union with itself renames too, and keeps every image findable
    twice = merged.union(merged)
    assert len(twice.index.name_to_img) == twice.n_images == 8
    assert_index_consistent(twice)
