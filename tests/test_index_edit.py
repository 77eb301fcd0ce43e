"""
Adds: a refused add (single or batch) changes nothing — not the manifest,
not the index, not the id counters, not the caller's dicts — and wrong types
are named errors, never a TypeError from deep inside the index.
"""
import copy

import numpy as np
import pytest

import xcoco
from xcoco.testing import assert_index_consistent


def _state(dset):
    return (dset.dumps(), dict(dset.index.next_ids), dset.hashid,
            {k: len(v) for k, v in dset.index.name_to_img.items()})


@pytest.fixture
def dset():
    dset = xcoco.CocoDataset()
    dset.add_category('cat')
    vid = dset.add_video('v')
    dset.add_image('a.png', name='a', video_id=vid, frame_index=0)
    dset.add_track('t1')
    dset.add_keypoint_categories(['nose'])
    return dset


def _refused(dset, error, func, *args, **kw):
    before = _state(dset)
    with pytest.raises(error) as info:
        func(*args, **kw)
    assert _state(dset) == before
    assert_index_consistent(dset)
    return info.value


def test_refused_duplicate_category_and_track_take_no_id(dset):
    next_cid = dset.index.next_ids['categories']
    _refused(dset, xcoco.DuplicateAddError, dset.add_category, 'cat')
    assert dset.add_category('dog') == next_cid
    next_tid = dset.index.next_ids['tracks']
    _refused(dset, xcoco.DuplicateAddError, dset.add_track, 't1')
    assert dset.add_track() == next_tid
    # an unnamed track whose default name is taken is refused before its id is
    upcoming = dset.index.next_ids['tracks']
    dset.add_track(f'track_{upcoming + 1:03d}')   # takes id `upcoming`
    before = dset.index.next_ids['tracks']
    _refused(dset, xcoco.DuplicateAddError, dset.add_track)
    assert dset.index.next_ids['tracks'] == before


def test_batches_are_checked_whole_before_anything_changes(dset):
    cats = [{'name': 'x'}, {'name': 'y'}, {'name': 'x'}]
    given = copy.deepcopy(cats)
    err = _refused(dset, xcoco.DuplicateAddError, dset.add_categories, cats)
    assert 'position 2' in str(err) and 'position 0' in str(err)
    assert cats == given
    cats = [{'name': 'x', 'id': 50}, {'name': 'y', 'id': 50}]
    _refused(dset, xcoco.DuplicateAddError, dset.add_categories, cats)
    assert 'id' not in cats[0] or cats[0]['id'] == 50
    imgs = [{'file_name': 'b.png'}, {'file_name': 'b.png'}]
    _refused(dset, xcoco.DuplicateAddError, dset.add_images, imgs)
    assert imgs == [{'file_name': 'b.png'}, {'file_name': 'b.png'}]
    imgs = [{'name': 'n1'}, {'name': 'n1', 'file_name': 'c.png'}]
    _refused(dset, xcoco.DuplicateAddError, dset.add_images, imgs)
    kpcats = [{'name': 'eye', 'id': 9}, {'name': 'ear', 'id': 9}]
    _refused(dset, xcoco.DuplicateAddError, dset.add_keypoint_categories, kpcats)
    _refused(dset, xcoco.DuplicateAddError, dset.add_keypoint_categories, ['eye', 'eye'])


def test_refused_annotation_batch_leaves_callers_dicts_alone(dset):
    anns = [{'image_id': 1, 'bbox': (1, 2, 3, 4)},
            {'image_id': 1, 'bbox': np.array([1, 2, 3, 4])},
            {'image_id': 99, 'bbox': (0, 0, 1, 1)}]
    _refused(dset, KeyError, dset.add_annotations, anns)
    assert anns[0]['bbox'] == (1, 2, 3, 4) and 'id' not in anns[0]
    assert isinstance(anns[1]['bbox'], np.ndarray)
    anns = anns[:2]
    aids = dset.add_annotations(anns)
    assert [a['id'] for a in anns] == aids
    assert anns[0]['bbox'] == [1, 2, 3, 4] and type(anns[1]['bbox'][0]) is int
    assert_index_consistent(dset)


def test_keypoint_category_ids_never_repeat_and_the_dump_reloads(dset, tmp_path):
    kpid = dset.index.next_ids['keypoint_categories'] - 1
    _refused(dset, xcoco.DuplicateAddError, dset.add_keypoint_categories,
             [{'name': 'ear', 'id': kpid}])
    dset.add_keypoint_categories([{'name': 'ear', 'id': 40}, 'tail'])
    dset.dump(tmp_path / 'kp.kwcoco.json')
    again = xcoco.CocoDataset(tmp_path / 'kp.kwcoco.json')
    assert sorted(k['name'] for k in again.dataset['keypoint_categories']) == ['ear', 'nose', 'tail']


@pytest.mark.parametrize('call, field', [
    (lambda d: d.add_annotation(image_id=[1]), 'image_id'),
    (lambda d: d.add_annotation(image_id={'id': 1}), 'image_id'),
    (lambda d: d.add_annotation(image_id=1, category_id=[1]), 'category_id'),
    (lambda d: d.add_annotation(image_id=1, track_id=[1]), 'track_id'),
    (lambda d: d.add_annotation(image_id=1, id=2.5), 'id'),
    (lambda d: d.add_image('b.png', id=[3]), 'id'),
    (lambda d: d.add_image(['b.png']), 'file_name'),
    (lambda d: d.add_image('b.png', name=7), 'name'),
    (lambda d: d.add_image('b.png', video_id=[1], frame_index=1), 'video_id'),
    (lambda d: d.add_image('b.png', video_id=1, frame_index='1'), 'frame_index'),
    (lambda d: d.add_category(['dog']), 'name'),
    (lambda d: d.add_video({'v': 2}), 'name'),
    (lambda d: d.add_track(['t']), 'name'),
    (lambda d: d.add_images([['not', 'a', 'dict']]), 'dict'),
])
def test_wrong_types_at_edit_are_named_and_change_nothing(dset, call, field):
    err = _refused(dset, xcoco.AddTypeError, call, dset)
    assert isinstance(err, TypeError) and isinstance(err, xcoco.InvalidAddError)
    assert field in str(err) and str(err).startswith('cannot add')


def test_frame_index_that_cannot_be_ordered_with_the_video_is_refused():
    data = {'videos': [{'id': 1, 'name': 'v'}],
            'images': [{'id': 1, 'file_name': 'a', 'video_id': 1, 'frame_index': 'x0'}]}
    dset = xcoco.CocoDataset(data)
    err = _refused(dset, xcoco.AddTypeError, dset.add_image, 'b', video_id=1, frame_index=1)
    assert "frame_index='x0'" in str(err)


def test_bad_bbox_is_invalid_not_unknown(dset):
    err = _refused(dset, xcoco.InvalidAddError, dset.add_annotation, 1, bbox=[1, 2, 3])
    assert not isinstance(err, KeyError)


def test_add_categories_is_linear():
    # 20k names in one batch: the old check counted each name in the whole
    # list (quadratic); the batch check is one pass.  No timing here, only
    # that a batch this size goes through and every id is distinct.
    dset = xcoco.CocoDataset()
    cids = dset.add_categories([{'name': f'c{i}'} for i in range(20000)])
    assert len(set(cids)) == 20000 and len(dset.index.name_to_cat) == 20000
    assert_index_consistent(dset)
