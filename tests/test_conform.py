"""
conform(): the output loads in pycocotools and COCOeval runs on it.
"""
import contextlib
import copy
import io
import json
import warnings

import numpy as np
import pytest

from xcoco.ops.conform import conform, to_pycocotools_segmentation
from xcoco.ops.validate import validate

pytest.importorskip('pycocotools')


def _coco(data):
    from pycocotools.coco import COCO
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = json.loads(json.dumps(data))  # must survive plain JSON
        gt.createIndex()
    return gt


def _evaluate(gt, dets, iou_type, cat_ids=None, sigmas=None):
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(copy.deepcopy(dets))
        ev = COCOeval(gt, dt, iou_type)
        if cat_ids is not None:
            ev.params.catIds = cat_ids
        if sigmas is not None:
            ev.params.kpt_oks_sigmas = sigmas
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.stats


def test_conformed_demo_runs_in_cocoeval():
    import xcoco
    dset = xcoco.CocoDataset.demo('shapes8')
    for ann in dset.dataset['annotations']:
        ann.pop('area', None)
        ann.pop('iscrowd', None)
    conform(dset, pycocotools=True)
    data = dset.dataset
    for ann in data['annotations']:
        assert {'area', 'bbox', 'iscrowd'} <= set(ann)
    gt = _coco(data)
    dets = [{'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': a['bbox'],
             'segmentation': a['segmentation'], 'score': 1.0} for a in data['annotations']]
    assert _evaluate(gt, dets, 'bbox')[0] == pytest.approx(1.0)
    assert _evaluate(gt, dets, 'segm')[0] == pytest.approx(1.0)


def test_keypoints_become_flat_lists_cocoeval_accepts():
    data = {
        'images': [{'id': 1, 'file_name': 'a.png', 'width': 100, 'height': 100}],
        'categories': [{'id': 1, 'name': 'face'}, {'id': 2, 'name': 'box'}],
        'keypoint_categories': [{'id': 1, 'name': 'left'}, {'id': 2, 'name': 'right'},
                                {'id': 3, 'name': 'nose'}],
        'annotations': [
            {'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [10, 10, 40, 40],
             'keypoints': [{'xy': [20, 20], 'keypoint_category_id': 2},
                           {'xy': [30, 25], 'keypoint_category': 'nose', 'visible': 1}]},
            {'id': 2, 'image_id': 1, 'category_id': 1, 'bbox': [50, 50, 40, 40],
             'keypoints': [{'xy': [60, 60], 'keypoint_category_id': 1}]},
            {'id': 3, 'image_id': 1, 'category_id': 2, 'bbox': [0, 0, 5, 5]},
        ],
    }
    conform(data, pycocotools=True)
    assert data['categories'][0]['keypoints'] == ['left', 'right', 'nose']
    anns = data['annotations']
    assert anns[0]['keypoints'] == [0, 0, 0, 20, 20, 2, 30, 25, 1]
    assert anns[0]['num_keypoints'] == 2
    assert anns[1]['keypoints'] == [60, 60, 2, 0, 0, 0, 0, 0, 0]
    assert anns[2]['num_keypoints'] == 0
    gt = _coco(data)
    dets = [{'image_id': 1, 'category_id': 1, 'keypoints': a['keypoints'], 'score': 1.0}
            for a in anns[:2]]
    stats = _evaluate(gt, dets, 'keypoints', cat_ids=[1], sigmas=np.full(3, 0.05))
    assert stats[0] == pytest.approx(1.0)


def test_real_coco_file_roundtrips_through_conform():
    from conftest import shared_file
    data = json.loads(shared_file('coco_val2014_100', 'instances_val2014_100.json').read_text())
    before = copy.deepcopy(data)
    conform(data, pycocotools=True)
    # already MS-COCO: nothing but the info dict may change
    assert data['annotations'] == before['annotations']
    assert data['images'] == before['images']
    results = json.loads(shared_file('coco_val2014_100',
                                     'instances_val2014_fakesegm100_results.json').read_text())
    gt = _coco(data)
    stats = _evaluate(gt, results, 'segm')
    assert 0 < stats[0] < 1


def test_keypoint_file_evaluates_against_itself():
    from conftest import shared_file
    data = json.loads(shared_file('coco_person_keypoints_1img',
                                  'person_keypoints_val2017_1img.json').read_text())
    for ann in data['annotations']:
        del ann['num_keypoints']
    conform(data, pycocotools=True)
    gt = _coco(data)
    dets = [{'image_id': a['image_id'], 'category_id': a['category_id'],
             'keypoints': a['keypoints'], 'score': 1.0}
            for a in data['annotations'] if a['num_keypoints'] > 0]
    assert _evaluate(gt, dets, 'keypoints')[0] == pytest.approx(1.0)


def test_segmentations_become_pycocotools_encodings():
    from pycocotools import mask as mask_utils
    img = {'id': 1, 'width': 12, 'height': 10}
    assert to_pycocotools_segmentation([0, 0, 4, 0, 4, 4]) == [[0, 0, 4, 0, 4, 4]]
    parts = to_pycocotools_segmentation([[0, 0, 4, 0, 4, 4], [1, 1, 2, 2]], img=img)
    assert parts == [[0, 0, 4, 0, 4, 4]]  # a 4-number part would read as a box
    rle = to_pycocotools_segmentation({'exterior': [[0, 0], [10, 0], [10, 8], [0, 8]],
                                       'interiors': [[[2, 2], [6, 2], [6, 6], [2, 6]]]}, img=img)
    full = mask_utils.frPyObjects([[0, 0, 10, 0, 10, 8, 0, 8]], 10, 12)[0]
    hole = mask_utils.frPyObjects([[2, 2, 6, 2, 6, 6, 2, 6]], 10, 12)[0]
    # the hole survived, with pycocotools' own pixel counts
    assert mask_utils.area(rle) == mask_utils.area(full) - mask_utils.area(hole) == 64
    wkt = to_pycocotools_segmentation('POLYGON ((0 0, 3 0, 3 3, 0 0))', img=img)
    assert wkt == [[0.0, 0.0, 3.0, 0.0, 3.0, 3.0]]
    kw_rle = {'shape': [10, 12], 'counts': [5, 3, 112], 'binary': True, 'order': 'F'}
    assert to_pycocotools_segmentation(kw_rle) == {'size': [10, 12], 'counts': [5, 3, 112]}
    c_order = to_pycocotools_segmentation({'shape': [2, 2], 'counts': [1, 1, 2], 'order': 'C'})
    decoded = mask_utils.decode(c_order)
    assert decoded.tolist() == [[0, 1], [0, 0]]
    empty = to_pycocotools_segmentation([[0, 0, 1, 1]], img=img)
    assert mask_utils.area(empty) == 0


def test_kwcoco_options_and_legacy_false_keeps_encodings():
    data = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 8, 'height': 8}],
            'categories': [{'id': 1, 'name': 'c'}],
            'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
                             'segmentation': {'exterior': [[0, 0], [4, 0], [4, 4]]}}]}
    conform(data)  # kwcoco defaults: pycocotools_info, no legacy rewrite
    ann = data['annotations'][0]
    assert ann['segmentation'] == {'exterior': [[0, 0], [4, 0], [4, 4]]}
    assert ann['area'] == 8.0 and ann['bbox'] == [0.0, 0.0, 4.0, 4.0] and ann['iscrowd'] == 0
    assert data['info'] == {}
    untouched = {'annotations': [{'id': 1, 'image_id': 1, 'bbox': [0, 0, 2, 3]}]}
    conform(untouched, pycocotools=False)
    assert untouched['annotations'][0] == {'id': 1, 'image_id': 1, 'bbox': [0, 0, 2, 3]}
    with pytest.raises(TypeError, match='unknown options'):
        conform(data, pycocotool=True)


def test_ensure_imgsize_reads_files(tmp_path):
    import kwimage
    import xcoco
    kwimage.imwrite(tmp_path / 'a.png', np.zeros((7, 9, 3), dtype=np.uint8))
    kwimage.imwrite(tmp_path / 'b.png', np.zeros((3, 4), dtype=np.uint8))
    dset = xcoco.CocoDataset(bundle_dpath=str(tmp_path))
    g1 = dset.add_image('a.png')
    g2 = dset.add_image('b.png')
    g3 = dset.add_image('missing.png')
    with pytest.warns(UserWarning, match='cannot read the size of image id='):
        conform(dset, workers=2)
    assert (dset.imgs[g1]['width'], dset.imgs[g1]['height']) == (9, 7)
    assert (dset.imgs[g2]['width'], dset.imgs[g2]['height']) == (4, 3)
    assert 'width' not in dset.imgs[g3]


def test_conformed_output_validates_clean():
    import xcoco
    dset = xcoco.CocoDataset.demo('vidshapes2-msi-multisensor')
    conform(dset, pycocotools=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert validate(dset)['errors'] == []
    _coco(dset.dataset)


def test_zero_annotation_id_warns():
    data = {'images': [{'id': 1, 'file_name': 'a', 'width': 4, 'height': 4}],
            'annotations': [{'id': 0, 'image_id': 1, 'bbox': [0, 0, 1, 1]}]}
    with pytest.warns(UserWarning, match='id=0'):
        conform(data, pycocotools=True)


def test_ensure_imgsize_from_assets():
    import xcoco
    dset = xcoco.CocoDataset.demo('vidshapes2-msi-multisensor')
    expected = [(img['width'], img['height']) for img in dset.dataset['images']]
    for img in dset.dataset['images']:
        del img['width'], img['height']
    conform(dset)
    assert [(img['width'], img['height']) for img in dset.dataset['images']] == expected
    rotated = {'images': [{'id': 1, 'name': 'r', 'auxiliary': [
        {'file_name': 'a.tif', 'channels': 'a', 'width': 10, 'height': 20,
         'warp_aux_to_img': {'offset': [5, 1], 'scale': 2}}]}]}
    conform(rotated)
    assert (rotated['images'][0]['width'], rotated['images'][0]['height']) == (25, 41)
