"""
Removals: delete in place (code holding ``dset.dataset[table]`` sees them),
keep repeated names findable, and refuse unusable ids before removing
anything.
"""
import pytest

import xcoco
from xcoco.testing import assert_index_consistent


def _dset():
    dset = xcoco.CocoDataset()
    cid = dset.add_category('cat')
    vid = dset.add_video('v')
    gids = [dset.add_image(f'{i}.png', video_id=vid, frame_index=i) for i in range(3)]
    tid = dset.add_track('t')
    for gid in gids:
        dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1], track_id=tid)
    dset.add_keypoint_categories(['nose', 'tail'])
    return dset


@pytest.mark.parametrize('remove, table', [
    (lambda d: d.remove_annotations([1]), 'annotations'),
    (lambda d: d.remove_images([1]), 'images'),
    (lambda d: d.remove_images([1]), 'annotations'),
    (lambda d: d.remove_categories(['cat']), 'categories'),
    (lambda d: d.remove_videos(['v']), 'videos'),
    (lambda d: d.remove_tracks(['t']), 'tracks'),
    (lambda d: d.remove_keypoint_categories(['tail']), 'keypoint_categories'),
    (lambda d: d.clear_annotations(), 'annotations'),
    (lambda d: d.clear_images(), 'images'),
])
def test_removals_delete_in_place(remove, table):
    dset = _dset()
    held = dset.dataset[table]
    before = len(held)
    remove(dset)
    assert dset.dataset[table] is held and len(held) < before
    assert_index_consistent(dset)


def test_removing_one_of_two_images_sharing_a_file_keeps_the_other_findable():
    data = {'images': [{'id': 1, 'file_name': 'same.png', 'name': 'n'},
                       {'id': 2, 'file_name': 'same.png', 'name': 'n'},
                       {'id': 3, 'file_name': 'same.png'}]}
    dset = xcoco.CocoDataset(data)
    dset.remove_images([1])
    assert dset.index.file_name_to_img['same.png']['id'] == 2
    assert dset.index.name_to_img['n']['id'] == 2
    assert_index_consistent(dset)
    dset.remove_images([2])
    assert dset.index.file_name_to_img['same.png']['id'] == 3
    assert 'n' not in dset.index.name_to_img
    assert_index_consistent(dset)


def test_repeated_track_names_pass_on_too():
    data = {'tracks': [{'id': 1, 'name': 'car'}, {'id': 2, 'name': 'car'}]}
    dset = xcoco.CocoDataset(data)
    dset.remove_tracks([1])
    assert dset.index.name_to_track['car']['id'] == 2
    assert_index_consistent(dset)


@pytest.mark.parametrize('call', [
    lambda d: d.remove_images([1, [2]]),
    lambda d: d.remove_annotations([{1, 2}]),
    lambda d: d.remove_categories([['cat']]),
    lambda d: d.remove_videos([1.5]),
    lambda d: d.remove_tracks([True]),
    lambda d: d.subset([1, [2]]),
    lambda d: d.subset(video_ids=[[1]]),
    lambda d: d.annots(image_id=[1]),
    lambda d: d.coco_image([1]),
])
def test_unusable_ids_are_refused_before_anything_is_removed(call):
    dset = _dset()
    before = dset.dumps()
    with pytest.raises(xcoco.InvalidIdError) as info:
        call(dset)
    assert isinstance(info.value, TypeError) and 'position' in str(info.value) or 'not a' in str(info.value)
    assert dset.dumps() == before
    assert_index_consistent(dset)


def test_unknown_ids_name_the_operation():
    dset = _dset()
    with pytest.raises(xcoco.UnknownIdError, match='cannot subset: no image with id=99'):
        dset.subset([99])
    assert dset.remove_images([99], safe=False) == {'annotations': 0, 'images': 0}
