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


def _full_image_rle(polys, dims):
    """The full-image rasterisation conform used before it was bounded to
    the polygon's box (commit 500df21), encoded by pycocotools: the reference
    the bounded path must reproduce exactly."""
    from pycocotools import mask as mask_utils
    height, width = (int(d) for d in dims)
    inside = np.zeros((height, width), dtype=bool)
    centres = np.arange(height) + 0.5
    for poly in polys:
        rings = [poly.data['exterior'].data] + [r.data for r in poly.data['interiors']]
        hist = np.zeros((height, width + 1), dtype=np.int64)
        for ring in rings:
            pts = np.asarray(ring, dtype=float)
            if len(pts) < 3:
                continue
            x0, y0 = pts[:, 0], pts[:, 1]
            x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
            ys = centres[:, None]
            crosses = (y0[None, :] <= ys) != (y1[None, :] <= ys)
            rows, edges = np.nonzero(crosses)
            if len(rows) == 0:
                continue
            t = (centres[rows] - y0[edges]) / (y1[edges] - y0[edges])
            xc = x0[edges] + t * (x1[edges] - x0[edges])
            ks = np.clip(np.ceil(xc - 0.5), 0, width).astype(np.int64)
            np.add.at(hist, (rows, ks), 1)
        right = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]
        inside |= (right[:, 1:] % 2) == 1
    rle = mask_utils.encode(np.asfortranarray(inside.astype(np.uint8)))
    return {'size': [int(v) for v in rle['size']], 'counts': rle['counts'].decode('ascii')}, inside


def _holed_cases():
    import kwimage
    rng = np.random.RandomState(0)

    def poly(ext, *holes):
        return kwimage.Polygon(exterior=np.array(ext, dtype=float),
                               interiors=[np.array(h, dtype=float) for h in holes])

    def star(cx, cy, r_out, n):
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        rad = rng.uniform(0.3, 1.0, n) * r_out
        return np.stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)], axis=1)

    square = [[2, 2], [14, 2], [14, 9], [2, 9]]
    hole = [[5, 4], [9, 4], [9, 7], [5, 7]]
    cases = [
        ('holed square', [poly(square, hole)], (12, 17)),
        ('several parts, overlapping and apart',
         [poly(square, hole), poly([[8, 1], [16, 1], [16, 11]], [[12, 3], [14, 3], [14, 6]]),
          poly([[0, 0], [1.5, 0], [1.5, 1.5]])], (12, 17)),
        ('the whole image with a hole', [poly([[0, 0], [17, 0], [17, 12], [0, 12]], hole)], (12, 17)),
        ('full height columns touching the border',
         [poly([[0, -1], [3, -1], [3, 13], [0, 13]], [[1, 4], [2, 4], [2, 5]]),
          poly([[16, 0], [17, 0], [17, 12], [16, 12]])], (12, 17)),
        ('partly outside', [poly([[-5, -3], [8, -3], [8, 20], [-5, 20]], [[-2, 2], [4, 2], [4, 6], [-2, 6]]),
                            poly([[12, 8], [30, 8], [30, 30]], [[14, 9], [16, 9], [16, 11]])], (12, 17)),
        ('outside entirely', [poly([[20, 20], [30, 20], [30, 30]], [[21, 21], [22, 21], [22, 22]])], (12, 17)),
        ('hole covers the exterior', [poly(square, square)], (12, 17)),
        ('sub-pixel sliver', [poly([[3.1, 3.1], [3.4, 3.1], [3.4, 3.4]], [[3.2, 3.2], [3.3, 3.2], [3.3, 3.3]])], (12, 17)),
        ('on pixel centres', [poly([[0.5, 0.5], [6.5, 0.5], [6.5, 6.5], [0.5, 6.5]],
                                   [[2.5, 2.5], [4.5, 2.5], [4.5, 4.5]])], (9, 8)),
    ]
    for i in range(25):
        h, w = rng.randint(5, 40, size=2)
        parts = []
        for _ in range(rng.randint(1, 4)):
            cx, cy = rng.uniform(-5, w + 5), rng.uniform(-5, h + 5)
            r_out = rng.uniform(1, max(h, w))
            parts.append(poly(star(cx, cy, r_out, rng.randint(3, 12)),
                              star(cx, cy, r_out / 3, rng.randint(3, 8))))
        cases.append((f'random {i}', parts, (h, w)))
    return cases


@pytest.mark.parametrize('polys, dims', [pytest.param(polys, dims, id=name)
                                          for name, polys, dims in _holed_cases()])
def test_box_bounded_rasterisation_matches_the_full_image_path(polys, dims):
    from pycocotools import mask as mask_utils

    from xcoco.ops.conform import _rasterize_rle
    expected, inside = _full_image_rle(polys, dims)
    got = _rasterize_rle(polys, dims)
    assert got == expected
    assert mask_utils.decode(got).astype(bool).tolist() == inside.tolist()
    assert mask_utils.area(got) == inside.sum()


def test_holed_polygon_rle_through_conform_matches_the_full_image_path():
    import kwimage
    from pycocotools import mask as mask_utils
    segm = {'exterior': [[-3, 1], [20, 1], [20, 15], [-3, 15]],
            'interiors': [[[2, 3], [9.5, 3], [9.5, 8.2], [2, 8.2]]]}
    data = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 18, 'height': 13}],
            'categories': [{'id': 1, 'name': 'c'}],
            'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'segmentation': segm}]}
    conform(data, pycocotools=True)
    ann = data['annotations'][0]
    poly = kwimage.Polygon(exterior=np.array(segm['exterior'], dtype=float),
                           interiors=[np.array(segm['interiors'][0], dtype=float)])
    expected, inside = _full_image_rle([poly], (13, 18))
    assert ann['segmentation'] == expected
    assert mask_utils.decode(ann['segmentation']).astype(bool).tolist() == inside.tolist()
    assert ann['area'] == float(inside.sum())


def test_masks_and_empty_results_encode_as_pycocotools_does():
    import kwimage
    from pycocotools import mask as mask_utils

    from xcoco.ops.conform import _empty_rle, _mask_to_rle
    rng = np.random.RandomState(1)
    for shape in [(1, 1), (3, 5), (7, 2), (16, 9)]:
        for fill in [0.0, 0.3, 0.9, 1.0]:
            mask = (rng.uniform(size=shape) < fill).astype(np.uint8)
            expected = mask_utils.encode(np.asfortranarray(mask))
            got = _mask_to_rle(kwimage.Mask(mask, 'c_mask'))
            assert got == {'size': list(shape), 'counts': expected['counts'].decode('ascii')}
    empty = mask_utils.encode(np.zeros((6, 4), dtype=np.uint8, order='F'))
    assert _empty_rle({'width': 4, 'height': 6}) == {'size': [6, 4], 'counts': empty['counts'].decode()}


def test_holed_polygon_rasterises_inside_its_box():
    # tracemalloc sees every numpy buffer; the peak depends only on the
    # polygon and the code, not on timing.  One full 4000 x 4000 bool mask
    # alone would be 15.3 MiB; the full-image path peaked at ~397 MiB.
    import tracemalloc
    ring = [[2000 + 95 * np.cos(a), 2000 + 95 * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 33)[:-1]]
    hole = [[2000 + 40 * np.cos(a), 2000 + 40 * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 33)[:-1]]
    segm = {'exterior': ring, 'interiors': [hole]}
    img = {'width': 4000, 'height': 4000}
    to_pycocotools_segmentation(segm, img=img)  # lazy imports outside the measurement
    tracemalloc.start()
    try:
        rle = to_pycocotools_segmentation(segm, img=img)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rle['size'] == [4000, 4000]
    assert peak < 4 * 2 ** 20


def test_holed_polygons_encode_without_pycocotools():
    # kwimage's to_bytes_rle has no pure Python path: with pycocotools
    # missing it raised NotImplementedError, and conform (src/ must not
    # need pycocotools) could not write holes.
    import subprocess
    import sys
    code = (
        "import sys, warnings; sys.modules['pycocotools'] = None\n"
        "warnings.simplefilter('ignore')\n"
        "from xcoco.ops.conform import to_pycocotools_segmentation\n"
        "rle = to_pycocotools_segmentation({'exterior': [[0, 0], [8, 0], [8, 8], [0, 8]],\n"
        "    'interiors': [[[2, 2], [4, 2], [4, 4], [2, 4]]]}, img={'width': 10, 'height': 10})\n"
        "print(rle['counts'])\n")
    import os
    import pathlib

    import xcoco
    # the child imports the same xcoco as this process
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(xcoco.__file__).parents[1]))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         env=env, check=False)
    assert out.returncode == 0, out.stderr
    from pycocotools import mask as mask_utils
    rle = {'size': [10, 10], 'counts': out.stdout.strip()}
    assert mask_utils.area(rle) == 64 - 4


def test_ensure_imgsize_reads_warps_under_either_spelling():
    new = {'id': 1, 'name': 'new', 'assets': [
        {'file_name': 'b1.tif', 'channels': 'B1', 'width': 10, 'height': 20,
         'warp_img_from_asset': {'scale': 2}}]}
    moved = {'id': 2, 'name': 'moved', 'assets': [
        {'file_name': 'b2.tif', 'channels': 'B2', 'width': 10, 'height': 20,
         'warp_img_from_asset': {'offset': [5, 1], 'scale': 2}}]}
    mixed = {'id': 3, 'name': 'mixed',
             'auxiliary': [{'file_name': 'b3.tif', 'channels': 'B3', 'width': 4, 'height': 3,
                            'warp_aux_to_img': {'scale': [3, 3]}}],
             'assets': [{'file_name': 'b4.tif', 'channels': 'B4', 'width': 6, 'height': 4,
                         'warp_img_from_asset': {'scale': [2, 2.25]}}]}
    data = {'images': [new, moved, mixed]}
    conform(data)
    assert [(img['width'], img['height']) for img in data['images']] == [(20, 40), (25, 41), (12, 9)]


def test_ensure_imgsize_warps_a_lone_asset_file(tmp_path):
    import kwimage

    import xcoco
    kwimage.imwrite(tmp_path / 'band.png', np.zeros((3, 5), dtype=np.uint8))
    kwimage.imwrite(tmp_path / 'full.png', np.zeros((6, 7), dtype=np.uint8))
    data = {'images': [
        {'id': 1, 'name': 'half', 'assets': [
            {'file_name': 'band.png', 'channels': 'b', 'warp_img_from_asset': {'scale': 2}}]},
        {'id': 2, 'name': 'plain', 'auxiliary': [{'file_name': 'full.png', 'channels': 'a'}]}]}
    dset = xcoco.CocoDataset(data, bundle_dpath=str(tmp_path))
    conform(dset, workers=0)
    assert [(img['width'], img['height']) for img in dset.dataset['images']] == [(10, 6), (7, 6)]
