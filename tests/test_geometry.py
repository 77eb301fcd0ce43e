"""
Annotation geometry through kwimage: every segmentation encoding, both
keypoint encodings, area / bbox, and track geometry in video space.
"""
import json
import warnings

import kwimage
import numpy as np
import pytest

from xcoco.objects import geometry
from xcoco.objects.category_tree import CategoryTree


@pytest.mark.parametrize('segm,kind,area,bbox', [
    ([0, 0, 4, 0, 4, 4, 0, 4], 'Polygon', 16.0, [0, 0, 4, 4]),
    ([[0, 0, 4, 0, 4, 4], [10, 10, 12, 10, 12, 12]], 'MultiPolygon', 10.0, [0, 0, 12, 12]),
    ({'exterior': [[0, 0], [10, 0], [10, 10], [0, 10]],
      'interiors': [[[2, 2], [4, 2], [4, 4], [2, 4]]]}, 'Polygon', 96.0, [0, 0, 10, 10]),
    ([{'exterior': [[0, 0], [2, 0], [2, 2], [0, 2]]},
      {'exterior': [[5, 5], [6, 5], [6, 6], [5, 6]]}], 'MultiPolygon', 5.0, [0, 0, 6, 6]),
    ('POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))', 'Polygon', 8.0, [0, 0, 3, 3]),
    ('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((4 4, 6 4, 6 6, 4 6, 4 4)))', 'MultiPolygon', 5.0, [0, 0, 6, 6]),
    ({'size': [4, 5], 'counts': [5, 3, 12]}, 'Mask', 3.0, [1, 1, 1, 3]),
])
def test_segmentation_encodings(segm, kind, area, bbox):
    geom = geometry.coerce_segmentation(segm)
    assert type(geom).__name__ == kind
    assert geometry.segmentation_area(segm) == area
    assert geometry.segmentation_bbox(segm) == [float(v) for v in bbox]


def test_rle_matches_pycocotools_on_real_crowds():
    from conftest import shared_file
    mask_utils = pytest.importorskip('pycocotools.mask')
    data = json.loads(shared_file('coco_val2014_100', 'instances_val2014_100.json').read_text())
    imgs = {img['id']: img for img in data['images']}
    crowds = [a for a in data['annotations'] if a['iscrowd']]
    assert crowds
    for ann in crowds:
        img = imgs[ann['image_id']]
        rle = mask_utils.frPyObjects(ann['segmentation'], img['height'], img['width'])
        ours = geometry.coerce_segmentation(ann['segmentation']).to_c_mask().data
        assert (mask_utils.decode(rle) == ours).all()
        assert geometry.segmentation_area(ann['segmentation']) == mask_utils.area(rle)
        assert geometry.segmentation_bbox(ann['segmentation']) == mask_utils.toBbox(rle).tolist()
    results = json.loads(shared_file('coco_val2014_100',
                                     'instances_val2014_fakesegm100_results.json').read_text())
    for det in results[:20]:
        assert geometry.segmentation_area(det['segmentation']) == mask_utils.area(det['segmentation'])
        assert geometry.segmentation_bbox(det['segmentation']) == mask_utils.toBbox(det['segmentation']).tolist()


def test_polygon_area_matches_pycocotools():
    from conftest import shared_file
    pytest.importorskip('pycocotools.mask')
    data = json.loads(shared_file('coco_val2014_100', 'instances_val2014_100.json').read_text())
    polys = [a for a in data['annotations'] if not a['iscrowd']][:50]
    for ann in polys:
        ours = geometry.coerce_segmentation(ann['segmentation'])
        assert isinstance(ours, (kwimage.Polygon, kwimage.MultiPolygon))
        x, y, w, h = geometry.segmentation_bbox(ann['segmentation'])
        assert np.allclose([x, y, w, h], ann['bbox'], atol=1.0)


def test_mask_path(tmp_path):
    mask = np.zeros((6, 8), dtype=np.uint8)
    mask[1:3, 2:6] = 255
    kwimage.imwrite(tmp_path / 'm.png', mask)
    geom = geometry.coerce_segmentation('m.png', bundle_dpath=tmp_path)
    assert isinstance(geom, kwimage.Mask)
    assert geometry.segmentation_area('m.png', bundle_dpath=tmp_path) == 8.0
    with pytest.raises(ValueError, match='does not exist'):
        geometry.coerce_segmentation('gone.png', bundle_dpath=tmp_path)


@pytest.mark.parametrize('bad,match', [
    ([1, 2, 3], 'even number'),
    ({'interiors': []}, "needs 'exterior'"),
    ({'counts': [1, 2]}, "needs 'size'"),
    ('POLYGON ((0 0, 1', 'unbalanced'),
    ('POLYGON ((0 0, a b, 1 1))', "unexpected token 'a'"),
    ('POLYGON ((0 0 0, 1 1 1))', 'pairs'),
    (7, 'cannot interpret'),
])
def test_malformed_segmentations_raise_value_error(bad, match):
    with pytest.raises(ValueError, match=match):
        geometry.coerce_segmentation(bad)


def test_empty_segmentations():
    assert geometry.coerce_segmentation(None) is None
    assert geometry.coerce_segmentation([]) is None
    assert geometry.segmentation_bbox([]) is None
    assert geometry.segmentation_area(None) == 0.0
    assert len(geometry.parse_wkt('POLYGON EMPTY')) == 0
    assert geometry.segmentation_bbox({'size': [3, 3], 'counts': [9]}) is None


def test_annotation_segmentation_names_the_annotation():
    with pytest.raises(ValueError, match=r'annotation id=4 field segmentation'):
        geometry.annotation_segmentation({'id': 4, 'segmentation': [1, 2, 3]})
    img = {'id': 1, 'width': 5, 'height': 4}
    geom = geometry.annotation_segmentation({'id': 1, 'segmentation': [0, 0, 2, 0, 2, 2]}, img)
    assert geom.area == 2.0


def test_keypoints_both_encodings():
    kpcats = CategoryTree.from_coco([{'id': 1, 'name': 'l'}, {'id': 2, 'name': 'r'}])
    new = geometry.coerce_keypoints(
        [{'xy': [1, 2], 'keypoint_category_id': 2, 'visible': 1},
         {'xy': [3, 4], 'keypoint_category': 'l'}], classes=kpcats)
    assert isinstance(new, kwimage.Points)
    assert new.xy.tolist() == [[1, 2], [3, 4]]
    assert new.data['class_idxs'].tolist() == [1, 0]
    assert new.data['visible'].tolist() == [1, 2]
    assert new.meta['classes'] is kpcats
    flat = geometry.coerce_keypoints([1, 2, 1, 3, 4, 2], classes=kpcats, names=['r', 'l'])
    assert flat.xy.tolist() == new.xy.tolist()
    assert flat.data['class_idxs'].tolist() == [1, 0]
    assert geometry.coerce_keypoints([]) is None
    with pytest.raises(ValueError, match='triples'):
        geometry.coerce_keypoints([1, 2])
    with pytest.raises(ValueError, match='keypoint_category_id=9'):
        geometry.coerce_keypoints([{'xy': [1, 2], 'keypoint_category_id': 9}], classes=kpcats)


def test_annotation_keypoints_from_a_dataset():
    from conftest import shared_file
    data = json.loads(shared_file('coco_person_keypoints_1img',
                                  'person_keypoints_val2017_1img.json').read_text())
    ann = next(a for a in data['annotations'] if a['num_keypoints'] > 0)
    pts = geometry.annotation_keypoints(data, ann)
    assert len(pts) == 17
    classes = pts.meta['classes']
    assert classes.idx_to_node[pts.data['class_idxs'][0]] == 'nose'
    assert geometry.num_visible_keypoints(ann['keypoints']) == ann['num_keypoints']
    box = geometry.keypoints_bbox(ann['keypoints'])
    x, y, w, h = ann['bbox']
    assert box[0] >= x - 1 and box[1] >= y - 1
    assert box[0] + box[2] <= x + w + 1 and box[1] + box[3] <= y + h + 1


def test_kwcoco_keypoints_demo_matches_kwimage():
    kwcoco = pytest.importorskip('kwcoco')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        dset = kwcoco.CocoDataset.demo('shapes8')
    from xcoco.objects.category_tree import keypoint_categories
    kpcats = keypoint_categories(dset.dataset)
    for ann in dset.dataset['annotations']:
        if ann.get('keypoints'):
            ours = geometry.annotation_keypoints(dset.dataset, ann)
            theirs = kwimage.Points.from_coco(ann['keypoints'], classes=dset.keypoint_categories())
            assert np.allclose(ours.xy, theirs.xy)
            assert ours.data['class_idxs'].tolist() == list(theirs.data['class_idxs'])
            assert kpcats.idx_to_node == dset.keypoint_categories().idx_to_node


def test_track_geometry_is_in_video_space(small_dset):
    dset = small_dset
    tid = next(iter(dset.index.tracks))
    rows = geometry.track_video_boxes(dset, tid)
    assert [r[0] for r in rows] == [0, 1, 2]
    assert rows[0][2] == [0.0, 1.0, 10.0, 10.0]
    gid = dset.index.vidid_to_gids[next(iter(dset.index.videos))][1]
    dset.imgs[gid]['warp_img_to_vid'] = {'scale': 2}
    rows = geometry.track_video_boxes(dset, tid)
    assert rows[1][2] == [2.0, 2.0, 20.0, 20.0]
    assert geometry.track_extent(dset, tid) == [0.0, 1.0, 22.0, 21.0]
    assert geometry.track_extent(dset, 'no such track') is None
    dset.index.tracks[tid]['bbox'] = geometry.track_extent(dset, tid)
    assert geometry.track_segmentation(dset.index.tracks[tid]).area == 22.0 * 21.0
    assert geometry.track_segmentation({'id': 5}) is None


def _tracked_dset():
    import xcoco
    dset = xcoco.CocoDataset()
    cid = dset.add_category('thing')
    vid = dset.add_video('clip')
    other_vid = dset.add_video('other')
    # frames added out of order: the result must still come in frame order
    gids = {frame: dset.add_image(f'clip/{frame}.png', video_id=vid, frame_index=frame)
            for frame in [2, 0, 3, 1]}
    dset.imgs[gids[1]]['warp_img_to_vid'] = {'scale': 2, 'offset': [1, 0]}
    other_gid = dset.add_image('other/0.png', video_id=other_vid, frame_index=0)
    tid = dset.add_track('walker')
    other_tid = dset.add_track('bystander')
    for frame in [3, 1, 0]:
        dset.add_annotation(gids[frame], cid, bbox=[frame, 2, 4, 5], track_id=tid)
    dset.add_annotation(gids[2], cid, segmentation=[[1, 1, 5, 1, 5, 4]], track_id=tid)
    dset.add_annotation(gids[2], cid, track_id=tid)  # no geometry: skipped
    dset.add_annotation(gids[0], cid, bbox=[9, 9, 1, 1], track_id=other_tid)
    dset.add_annotation(other_gid, cid, bbox=[0, 0, 1, 1])
    return dset, tid, other_tid


def test_track_boxes_come_from_the_index_of_an_edited_dataset():
    dset, tid, other_tid = _tracked_dset()
    rows = geometry.track_video_boxes(dset, tid)
    assert [(frame, box) for frame, _, box in rows] == [
        (0, [0.0, 2.0, 4.0, 5.0]),
        (1, [3.0, 4.0, 8.0, 10.0]),
        (2, [1.0, 1.0, 4.0, 3.0]),
        (3, [3.0, 2.0, 4.0, 5.0])]
    assert rows == geometry.track_video_boxes(dset.dataset, tid)
    # aid 5 has no geometry; the others in the index's frame order
    assert [aid for _, aid, _ in rows] == [3, 2, 4, 1]
    assert [aid for aid in dset.index.trackid_to_aids[tid] if aid != 5] == [3, 2, 4, 1]
    assert geometry.track_video_boxes(dset, other_tid) == [(0, 6, [9.0, 9.0, 1.0, 1.0])]
    assert geometry.track_video_boxes(dset, 'no such track') == []
    assert geometry.track_extent(dset, tid) == [0.0, 1.0, 11.0, 13.0]


def test_track_boxes_need_only_the_shared_read_surface():
    import types
    dset, tid, _ = _tracked_dset()
    expected = geometry.track_video_boxes(dset.dataset, tid)

    class ReadOnlyIndex:
        imgs = types.MappingProxyType(dict(dset.index.imgs))
        anns = types.MappingProxyType(dict(dset.index.anns))
        trackid_to_aids = types.MappingProxyType(
            {t: tuple(aids) for t, aids in dset.index.trackid_to_aids.items()})

    class IndexOnly:
        """A backend with no manifest dict behind it."""
        index = ReadOnlyIndex()

    served = IndexOnly()
    assert not hasattr(served, 'dataset')
    assert geometry.track_video_boxes(served, tid) == expected
    assert geometry.track_extent(served, tid) == geometry.track_extent(dset, tid)
