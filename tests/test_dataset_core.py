"""
CocoDataset construction, index lookups and edits.
"""
import json

import pytest

import xcoco
from xcoco.testing import assert_index_consistent


def test_construct_empty_and_from_dict():
    dset = xcoco.CocoDataset()
    assert dset.n_images == dset.n_annots == dset.n_cats == 0
    assert dset.bundle_dpath == '.'
    assert dset.fpath.endswith('data.kwcoco.json')
    data = {'images': [{'id': 3, 'file_name': 'a.png'}]}
    dset = xcoco.CocoDataset(data, tag='t', bundle_dpath='/b')
    assert dset.dataset is data
    assert dset.tag == 't' and dset.bundle_dpath == '/b'
    assert dset.imgs[3] is data['images'][0]
    assert dset.img_root == '/b' and dset.data_root == '/b'


def test_construct_from_path_and_dataset(tmp_path, small_dset):
    fpath = tmp_path / 'sub' / 'data.kwcoco.json'
    small_dset.dump(fpath)
    loaded = xcoco.CocoDataset(fpath)
    assert loaded.fpath == str(fpath)
    assert loaded.bundle_dpath == str(fpath.parent)
    assert loaded.tag == 'data.kwcoco.json'
    assert loaded.dataset == small_dset.dataset
    loaded2 = xcoco.CocoDataset(str(fpath))
    assert loaded2.hashid == loaded.hashid
    copied = xcoco.CocoDataset(loaded)
    assert copied.dataset == loaded.dataset
    assert copied.dataset['images'][0] is not loaded.dataset['images'][0]
    assert xcoco.CocoDataset.coerce(loaded) is loaded
    assert xcoco.CocoDataset.coerce(str(fpath)).n_images == loaded.n_images
    assert xcoco.CocoDataset.load(fpath).n_annots == loaded.n_annots


def test_construct_from_bad_type():
    with pytest.raises(xcoco.ManifestStructureError, match='cannot make a CocoDataset from a int'):
        xcoco.CocoDataset(3)


def test_index_lookups(small_dset):
    dset = small_dset
    index = dset.index
    vid = index.name_to_video['clip']['id']
    assert list(index.vidid_to_gids[vid]) == [1, 2, 3]
    assert index.name_to_cat['cat']['id'] == 2
    assert index.file_name_to_img['loose.png']['id'] == 4
    tid = index.name_to_track['cat_1']['id']
    assert list(index.trackid_to_aids[tid]) == [1, 2, 3]
    assert index.gid_to_aids[1] == {1, 4}
    assert index.cid_to_aids[2] == {1, 2, 3}
    assert index.cid_to_gids[2] == {1, 2, 3}
    assert (dset.n_images, dset.n_annots, dset.n_cats, dset.n_videos, dset.n_tracks) == (4, 5, 3, 1, 1)
    assert_index_consistent(dset)


def test_frame_order_follows_frame_index_not_insertion():
    dset = xcoco.CocoDataset()
    vid = dset.add_video('v')
    for frame in [5, 1, 3]:
        dset.add_image(f'f{frame}.png', video_id=vid, frame_index=frame)
    frames = [dset.imgs[g]['frame_index'] for g in dset.index.vidid_to_gids[vid]]
    assert frames == [1, 3, 5]
    assert dset.images(video_id=vid).lookup('frame_index') == [1, 3, 5]


def test_unknown_fields_survive_load_edit_dump(tmp_path):
    data = {
        'info': {'description': 'mine', 'year': 2020},
        'licenses': [{'id': 1, 'name': 'CC'}],
        'my_top_level': {'nested': [1, 2, {'x': None}]},
        'categories': [{'id': 1, 'name': 'a', 'color': [1, 2, 3]}],
        'images': [{'id': 1, 'file_name': 'x.png', 'sensor': 'S2', 'extra': {'k': [1.5]}}],
        'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
                         'bbox': [0, 0, 1, 1], 'attributes': {'occluded': True}}],
    }
    fpath = tmp_path / 'in.json'
    fpath.write_text(json.dumps(data))
    dset = xcoco.CocoDataset(fpath)
    dset.add_image('y.png', weird={'a': 1})
    dset.remove_images([2])
    out = tmp_path / 'out.json'
    dset.dump(out)
    assert json.loads(out.read_text()) == data


def test_ids_never_reused_after_removal():
    dset = xcoco.CocoDataset()
    gids = [dset.add_image(f'{i}.png') for i in range(3)]
    dset.remove_images([gids[-1]])
    assert dset.add_image('new.png') == 4
    aid = dset.add_annotation(1)
    dset.remove_annotations([aid])
    assert dset.add_annotation(1) == aid + 1
    # survives a copy
    copied = dset.copy()
    copied.remove_images([4])
    assert copied.add_image('again.png') == 5


def test_explicit_ids_advance_the_counter():
    dset = xcoco.CocoDataset()
    assert dset.add_image('a.png', id=10) == 10
    assert dset.add_image('b.png') == 11


def test_add_image_errors_leave_dataset_unchanged():
    dset = xcoco.CocoDataset()
    dset.add_image('a.png', name='A')
    vid = dset.add_video('v')
    before = json.dumps(dset.dataset, sort_keys=True)
    next_ids = dict(dset.index.next_ids)
    with pytest.raises(xcoco.DuplicateAddError, match="file_name='a.png' already exists"):
        dset.add_image('a.png')
    with pytest.raises(xcoco.DuplicateAddError, match="name='A' already exists"):
        dset.add_image('b.png', name='A')
    with pytest.raises(xcoco.DuplicateAddError, match='id=1 already exists'):
        dset.add_image('c.png', id=1)
    with pytest.raises(xcoco.InvalidAddError, match="'file_name' or 'name'"):
        dset.add_image()
    with pytest.raises(xcoco.InvalidAddError, match="needs a 'frame_index'"):
        dset.add_image('d.png', video_id=vid)
    # (a video that does not exist yet is accepted, as in kwcoco; one that
    # cannot be an id is not)
    with pytest.raises(TypeError, match=r'video_id=\[99\] is a list'):
        dset.add_image('e.png', video_id=[99], frame_index=0)
    with pytest.raises(xcoco.InvalidAddError, match="'width' must be an integer"):
        dset.add_image('f.png', width='wide')
    assert json.dumps(dset.dataset, sort_keys=True) == before
    assert dset.index.next_ids == next_ids
    assert_index_consistent(dset)


def test_add_annotation_errors_leave_dataset_unchanged():
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png')
    cid = dset.add_category('cat')
    aid = dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1])
    before = json.dumps(dset.dataset, sort_keys=True)
    with pytest.raises(KeyError) as info:
        dset.add_annotation(99, cid, bbox=[0, 0, 1, 1])
    assert isinstance(info.value, xcoco.UnknownIdError)
    assert str(info.value) == 'cannot add annotation: image_id=99 does not exist'
    with pytest.raises(KeyError, match='category_id=42 does not exist'):
        dset.add_annotation(gid, 42)
    with pytest.raises(xcoco.InvalidAddError, match='bbox must be'):
        dset.add_annotation(gid, cid, bbox='foo')
    with pytest.raises(xcoco.InvalidAddError, match='bbox must be'):
        dset.add_annotation(gid, cid, bbox=[0, 0, 1])
    with pytest.raises(xcoco.InvalidAddError, match='non-negative'):
        dset.add_annotation(gid, cid, bbox=[0, 0, -1, 2])
    with pytest.raises(xcoco.DuplicateAddError, match=f'id={aid} already exists'):
        dset.add_annotation(gid, cid, id=aid)
    with pytest.raises(xcoco.UnknownIdError):
        dset.add_annotations([{'image_id': gid}, {'image_id': 1234}])
    assert json.dumps(dset.dataset, sort_keys=True) == before
    assert_index_consistent(dset)


def test_add_annotation_accepts_kwimage_objects():
    import kwimage
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png')
    poly = kwimage.Polygon.from_coco([0, 0, 4, 0, 4, 3])
    aid = dset.add_annotation(gid, bbox=kwimage.Boxes([[1, 2, 5, 6]], 'ltrb'),
                              segmentation=poly)
    ann = dset.anns[aid]
    assert ann['bbox'] == [1, 2, 4, 4]
    assert kwimage.Segmentation.coerce(ann['segmentation']).data.area == 6.0
    json.dumps(ann)  # plain JSON


def test_category_video_track_duplicates():
    dset = xcoco.CocoDataset()
    dset.add_category('cat')
    with pytest.raises(xcoco.DuplicateAddError, match="category: name='cat' already exists"):
        dset.add_category('cat')
    dset.add_video('v')
    with pytest.raises(xcoco.DuplicateAddError, match="video: name='v' already exists"):
        dset.add_video('v')
    dset.add_track('t')
    with pytest.raises(xcoco.DuplicateAddError, match="track: name='t' already exists"):
        dset.add_track('t')
    with pytest.raises(xcoco.DuplicateAddError):
        dset.add_categories([{'name': 'x'}, {'name': 'x'}])
    assert dset.n_cats == 1


def test_ensure_is_idempotent():
    dset = xcoco.CocoDataset()
    assert dset.ensure_image('a.png') == dset.ensure_image('a.png') == 1
    assert dset.ensure_category('c') == dset.ensure_category('c') == 1
    assert dset.ensure_video('v') == dset.ensure_video('v') == 1
    assert dset.ensure_track('t') == dset.ensure_track('t') == 1
    assert (dset.n_images, dset.n_cats, dset.n_videos, dset.n_tracks) == (1, 1, 1, 1)


def test_cascading_removals(small_dset):
    dset = small_dset
    removed_gid = 1
    info = dset.remove_images([removed_gid])
    assert info == {'annotations': 2, 'images': 1}
    assert removed_gid not in dset.index.gid_to_aids
    assert list(dset.index.vidid_to_gids[1]) == [2, 3]
    assert_index_consistent(dset)

    info = dset.remove_categories(['dog'])
    assert info == {'annotations': 0, 'categories': 1}
    info = dset.remove_categories([2], keep_annots=True)
    assert info == {'annotations': 0, 'categories': 1}
    assert all(dset.anns[a]['category_id'] is None for a in (2, 3))
    assert_index_consistent(dset)

    info = dset.remove_tracks(['cat_1'])
    assert info == {'annotations': 2, 'tracks': 1}
    assert_index_consistent(dset)

    info = dset.remove_videos(['clip'])
    assert info == {'annotations': 0, 'images': 2, 'videos': 1}
    assert dset.n_images == 1
    assert_index_consistent(dset)


def test_remove_unknown_ids():
    dset = xcoco.CocoDataset()
    dset.add_image('a.png')
    with pytest.raises(KeyError, match='no image with id=9'):
        dset.remove_images([9])
    assert dset.remove_images([9], safe=False) == {'annotations': 0, 'images': 0}
    with pytest.raises(xcoco.UnknownIdError, match="no category with id or name 'nope'"):
        dset.remove_categories(['nope'])


def test_clear_annotations_and_images(small_dset):
    small_dset.clear_annotations()
    assert small_dset.n_annots == 0 and small_dset.n_images == 4
    assert_index_consistent(small_dset)
    small_dset.clear_images()
    assert small_dset.n_images == 0 and small_dset.n_videos == 1
    assert_index_consistent(small_dset)


def test_keypoint_categories():
    dset = xcoco.CocoDataset()
    left, right = dset.add_keypoint_categories(['left', 'right'])
    gid = dset.add_image('a.png')
    aid = dset.add_annotation(gid, keypoints=[
        {'xy': [1, 2], 'visible': 2, 'keypoint_category_id': left},
        {'xy': [3, 4], 'visible': 2, 'keypoint_category_id': right}])
    dset.remove_keypoint_categories(['right'])
    assert [k['keypoint_category_id'] for k in dset.anns[aid]['keypoints']] == [left]
    with pytest.raises(xcoco.DuplicateAddError):
        dset.add_keypoint_categories(['left'])


def test_set_annotation_category(small_dset):
    small_dset.set_annotation_category(4, 'cat')
    assert 4 in small_dset.cid_to_aids[2]
    assert 4 not in small_dset.cid_to_aids[3]
    assert_index_consistent(small_dset)


def test_hashid_cached_and_invalidated(small_dset):
    first = small_dset.hashid
    assert small_dset.hashid is first
    small_dset.add_category('bird')
    assert small_dset.hashid != first
    assert small_dset.copy().hashid == small_dset.hashid


def test_rebuild_index_after_manual_edit(small_dset):
    small_dset.dataset['annotations'].pop()
    small_dset.rebuild_index()
    assert small_dset.n_annots == 4
    assert_index_consistent(small_dset)


def test_kwcoco_exception_names_subclass_value_error():
    import xcoco.exceptions as exc
    for cls in (exc.DuplicateAddError, exc.InvalidAddError):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, xcoco.XcocoError)


def test_repr(small_dset):
    assert repr(small_dset) == (
        '<CocoDataset(tag=None, n_anns=5, n_imgs=4, n_videos=1, n_cats=3, n_tracks=1)>')


def test_demo_and_coerce_keep_the_subclass():
    class MyDataset(xcoco.CocoDataset):
        pass
    dset = MyDataset.demo('shapes2')
    assert type(dset) is MyDataset and dset.n_images == 2
    assert type(MyDataset.coerce('special:shapes2')) is MyDataset


def test_whole_table_views_are_in_id_order_like_kwcoco():
    dset = xcoco.CocoDataset({
        'images': [{'id': 5, 'file_name': 'a'}, {'id': 2, 'file_name': 'b'}],
        'annotations': [{'id': 9, 'image_id': 5}, {'id': 3, 'image_id': 5}],
        'categories': [{'id': 4, 'name': 'x'}, {'id': 1, 'name': 'y'}],
        'videos': [{'id': 3, 'name': 'v'}, {'id': 1, 'name': 'w'}]})
    assert dset.images().gids == [2, 5]
    assert dset.annots().aids == [3, 9]
    assert dset.categories().cids == [1, 4]
    assert list(dset.videos()) == [1, 3]
    assert dset.annots(image_id=5).aids == [3, 9]
