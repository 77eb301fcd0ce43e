"""
Setting fields through views (``Images.set``, ``Annots.set``, ...,
``CocoImage[key] = value``): the index always equals a fresh rebuild, the
hashid follows, and a refused set changes nothing.
"""
import pytest

import xcoco
from xcoco.testing import assert_index_consistent


@pytest.fixture
def dset():
    dset = xcoco.CocoDataset()
    c1, c2 = dset.add_category('a'), dset.add_category('b')
    v1, v2 = dset.add_video('v1'), dset.add_video('v2')
    gids = [dset.add_image(f'{i}.png', name=f'img{i}', video_id=v1, frame_index=i)
            for i in range(3)]
    gids.append(dset.add_image('loose.png', name='loose'))
    t1 = dset.add_track('t1')
    for gid in gids[:3]:
        dset.add_annotation(gid, c1, bbox=[0, 0, 1, 1], track_id=t1)
    dset.add_annotation(gids[3], c2, bbox=[0, 0, 2, 2])
    del v2
    return dset


def _state(dset):
    return dset.dumps(), dset.hashid


def test_set_category_id_moves_annotations_between_groups(dset):
    before = dset.hashid
    annots = dset.annots()
    annots.set('category_id', 2)
    assert_index_consistent(dset)
    assert dset.index.cid_to_aids[1] == set() and len(dset.index.cid_to_aids[2]) == 4
    assert dset.hashid != before
    annots.set('category_id', None)
    assert_index_consistent(dset)


def test_set_image_fields_keeps_every_lookup(dset):
    images = dset.images()
    images.set('file_name', [f'new_{i}.png' for i in range(4)])
    images.set('name', ['w', 'x', 'y', 'z'])
    assert_index_consistent(dset)
    assert dset.index.file_name_to_img['new_2.png']['id'] == 3
    assert 'img0' not in dset.index.name_to_img
    # reverse the frame order: the video and the track follow
    dset.images([1, 2, 3]).set('frame_index', [5, 4, 3])
    assert_index_consistent(dset)
    assert list(dset.index.vidid_to_gids[1]) == [3, 2, 1]
    assert list(dset.index.trackid_to_aids[1]) == [3, 2, 1]
    # move two frames to the other video, and the loose image into one
    dset.images([1, 2]).set('video_id', 2)
    dset.images([4]).set('frame_index', 0)
    dset.images([4]).set('video_id', 1)
    assert_index_consistent(dset)
    assert list(dset.index.vidid_to_gids[2]) == [2, 1]


def test_swapping_names_is_allowed_but_a_duplicate_is_refused(dset):
    dset.images([1, 2]).set('name', ['img1', 'img0'])
    assert dset.index.name_to_img['img0']['id'] == 2
    assert_index_consistent(dset)
    before = _state(dset)
    with pytest.raises(xcoco.DuplicateAddError, match="name='loose' already exists"):
        dset.images([1]).set('name', 'loose')
    with pytest.raises(xcoco.DuplicateAddError, match='also given to'):
        dset.images([1, 2]).set('name', 'same')
    with pytest.raises(xcoco.DuplicateAddError):
        dset.categories([1]).set('name', 'b')
    dset.categories().set('name', ['b', 'c'])   # a rename chain is fine
    assert_index_consistent(dset)
    before = _state(dset)
    assert _state(dset) == before


@pytest.mark.parametrize('table, key, values, error', [
    ('annotations', 'category_id', [1, 1, 1, 99], xcoco.UnknownIdError),
    ('annotations', 'image_id', [1, 2, 3, [4]], xcoco.AddTypeError),
    ('annotations', 'track_id', [1, 1, 1, {'x': 1}], xcoco.AddTypeError),
    ('annotations', 'id', [10, 11, 12, 13], xcoco.ReadOnlyFieldError),
    ('images', 'frame_index', [0, 1, '2', None], xcoco.AddTypeError),
    ('images', 'frame_index', [None, 1, 2, None], xcoco.InvalidAddError),
    ('images', 'video_id', [1, 1, 1, 1], xcoco.InvalidAddError),   # image 4 has no frame_index
    ('images', 'video_id', [7, 1, 1, None], xcoco.UnknownIdError),
    ('images', 'file_name', ['x.png', 'y.png', 'x.png', 'z.png'], xcoco.DuplicateAddError),
    ('images', 'name', ['a', 'b', 'c', 5], xcoco.AddTypeError),
    ('categories', 'name', [None, 'z'], xcoco.InvalidAddError),
    ('videos', 'id', [3, 4], xcoco.ReadOnlyFieldError),
])
def test_refused_sets_change_nothing(dset, table, key, values, error):
    view = {'annotations': dset.annots, 'images': dset.images,
            'categories': dset.categories, 'videos': dset.videos}[table]()
    before = _state(dset)
    with pytest.raises(error) as info:
        view.set(key, values)
    assert key in str(info.value)
    assert _state(dset) == before
    assert_index_consistent(dset)


def test_an_image_keeps_a_file_name_or_a_name(dset):
    dset.images([4]).set('name', None)
    before = _state(dset)
    with pytest.raises(xcoco.InvalidAddError, match="needs a 'file_name' or a 'name'"):
        dset.images([4]).set('file_name', None)
    assert _state(dset) == before
    assert_index_consistent(dset)


def test_refused_id_set_names_the_method_to_use(dset):
    with pytest.raises(xcoco.ReadOnlyFieldError, match='set_annotation_category'):
        dset.categories().set('id', [7, 8])


def test_plain_fields_are_written_and_change_the_hashid(dset):
    before = dset.hashid
    dset.annots().set('score', [0.1, 0.2, 0.3, 0.4])
    assert dset.hashid != before
    assert dset.annots().lookup('score') == [0.1, 0.2, 0.3, 0.4]


def test_coco_image_item_assignment_goes_through_the_index(dset):
    coco_img = dset.coco_image(4)
    coco_img['name'] = 'renamed'
    coco_img['file_name'] = 'moved.png'
    assert dset.index.name_to_img['renamed']['id'] == 4
    assert dset.index.file_name_to_img['moved.png']['id'] == 4
    coco_img['frame_index'] = 9
    coco_img['video_id'] = 1
    assert list(dset.index.vidid_to_gids[1])[-1] == 4
    del coco_img['video_id']
    assert 4 not in dset.index.vidid_to_gids[1]
    assert_index_consistent(dset)
    with pytest.raises(xcoco.DuplicateAddError):
        coco_img['name'] = 'img0'
    before = dset.hashid
    coco_img['sensor'] = 'S2'
    assert dset.hashid != before
    # a detached image is plain data
    detached = xcoco.CocoImage({'id': 1, 'name': 'x'})
    detached['name'] = 'y'
    assert detached.img['name'] == 'y'


def test_set_annotation_category_by_name(dset):
    dset.set_annotation_category(4, 'a')
    assert dset.anns[4]['category_id'] == 1
    with pytest.raises(xcoco.UnknownIdError, match="no category with id or name 'nope'"):
        dset.set_annotation_category(4, 'nope')
    assert_index_consistent(dset)
