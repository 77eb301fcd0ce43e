"""
xcoco.compat_dataset.COCO: pycocotools' COCO API on a CocoDataset, checked
against pycocotools itself (masks, loadRes, the id queries, and COCOeval's
stats on real MS-COCO files) and against kwcoco's compat class.
"""
import contextlib
import copy
import io
import json
import sys
import types
from collections import defaultdict

import numpy as np
import pytest

import xcoco
from xcoco import compat_masks
from xcoco.compat_dataset import COCO, _toy_manifest

GT_PARTS = ('coco_val2014_100', 'instances_val2014_100.json')
DT_PARTS = ('coco_val2014_100', 'instances_val2014_fakesegm100_results.json')
KP_PARTS = ('coco_person_keypoints_1img', 'person_keypoints_val2017_1img.json')

# pycocotools' own decode warns under numpy 2, for its class as for ours
pytestmark = pytest.mark.filterwarnings('ignore:__array__ implementation:DeprecationWarning')


def _quiet(func, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return func(*args)


def _pycoco(fpath):
    pycoco = pytest.importorskip('pycocotools.coco')
    return _quiet(pycoco.COCO, str(fpath))


def _stats(gt, dt, iou_type):
    cocoeval = pytest.importorskip('pycocotools.cocoeval')

    def run():
        ev = cocoeval.COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
        return ev.stats
    return _quiet(run)


@pytest.fixture
def val2014():
    from conftest import shared_file
    return shared_file(*GT_PARTS), shared_file(*DT_PARTS)


@pytest.fixture
def keypoints_gt():
    from conftest import shared_file
    return shared_file(*KP_PARTS)


# ---- loading and masks on real MS-COCO files -------------------------------------
def test_val2014_loads_unchanged(val2014):
    gt_fpath, _ = val2014
    raw = json.loads(gt_fpath.read_text())
    coco = COCO(gt_fpath)
    assert isinstance(coco, xcoco.CocoDataset)
    # same keys, values and JSON types (an int area stays an int, RLE counts stay lists)
    assert json.dumps(coco.dataset, sort_keys=True) == json.dumps(raw, sort_keys=True)


def test_masks_equal_pycocotools_for_every_val2014_annotation(val2014):
    gt_fpath, _ = val2014
    theirs = _pycoco(gt_fpath)
    ours = COCO(gt_fpath)
    kinds = defaultdict(int)
    for aid, ann in theirs.anns.items():
        segm = ann['segmentation']
        kind = ('crowd' if isinstance(segm, dict) else
                'multipolygon' if len(segm) > 1 else 'polygon')
        kinds[kind] += 1
        assert ours.annToRLE(ours.anns[aid]) == theirs.annToRLE(ann), aid
        mask = ours.annToMask(ours.anns[aid])
        assert mask.dtype == np.uint8
        assert np.array_equal(mask, theirs.annToMask(ann)), aid
    assert dict(kinds) == {'polygon': 755, 'multipolygon': 75, 'crowd': 9}
    # compressed RLE (the results file) is handed back as is, as pycocotools does
    det = {'id': 1, 'image_id': next(iter(ours.imgs)),
           'segmentation': json.loads(val2014[1].read_text())[0]['segmentation']}
    assert ours.annToRLE(det) is det['segmentation']
    assert np.array_equal(ours.annToMask(det), theirs.annToMask(det))


def test_fallback_without_pycocotools(val2014, monkeypatch):
    """RLE stays exact through the pure Python codec; polygons come from kwimage."""
    mask_utils = pytest.importorskip('pycocotools.mask')
    gt_fpath, dt_fpath = val2014
    theirs = _pycoco(gt_fpath)
    monkeypatch.setattr(compat_masks, 'mask_api', lambda: None)
    ours = COCO(gt_fpath)
    differing = total = 0
    for aid, ann in theirs.anns.items():
        mask = ours.annToMask(aid)
        expected = theirs.annToMask(ann)
        if ann['iscrowd']:
            assert ours.annToRLE(aid) == theirs.annToRLE(ann)
            assert np.array_equal(mask, expected)
        else:
            assert mask.shape == expected.shape
            differing += int((mask != expected).sum())
            total += int(expected.sum())
    assert differing / total < 0.005, 'kwimage polygons should differ only on boundary pixels'
    results = json.loads(dt_fpath.read_text())
    dt = ours.loadRes(results)
    for ann, res in zip(dt.loadAnns(dt.getAnnIds()), results):
        assert ann['area'] == mask_utils.area(res['segmentation'])
        assert ann['bbox'] == mask_utils.toBbox(res['segmentation']).tolist()
        assert np.array_equal(dt.annToMask(ann), mask_utils.decode(res['segmentation']))


def test_rle_codec_round_trips_random_masks():
    mask_utils = pytest.importorskip('pycocotools.mask')
    rng = np.random.default_rng(0)
    for trial in range(200):
        h, w = rng.integers(1, 40, size=2)
        mask = (rng.random((h, w)) < rng.random()).astype(np.uint8)
        if trial % 3 == 0:
            mask[:] = 0
            mask[rng.integers(h):, rng.integers(w):] = 1
        rle = mask_utils.encode(np.asfortranarray(mask))
        counts = compat_masks.decode_counts(rle['counts'])
        assert compat_masks.encode_counts(counts) == rle['counts']
        assert counts == compat_masks.mask_counts(mask)
        assert np.array_equal(compat_masks.decode_rle(rle), mask)
        assert compat_masks.rle_area(rle) == mask_utils.area(rle)
        assert compat_masks.rle_bbox(rle) == mask_utils.toBbox(rle).tolist()


# ---- COCOeval on our classes -------------------------------------------------------
@pytest.mark.parametrize('iou_type', ['segm', 'bbox'])
def test_cocoeval_stats_exact_on_val2014(val2014, iou_type):
    gt_fpath, dt_fpath = val2014
    results = json.loads(dt_fpath.read_text())
    pgt = _pycoco(gt_fpath)
    expected = _stats(pgt, _quiet(pgt.loadRes, copy.deepcopy(results)), iou_type)
    assert expected[0] > 0.2  # a real evaluation, not an empty one
    # COCOeval rewrites segmentations in place: each run gets fresh datasets
    ogt = COCO(gt_fpath)
    assert np.array_equal(_stats(ogt, ogt.loadRes(results), iou_type), expected)
    ogt, pgt = COCO(gt_fpath), _pycoco(gt_fpath)
    assert np.array_equal(_stats(pgt, ogt.loadRes(results), iou_type), expected)
    pgt = _pycoco(gt_fpath)
    pdt = _quiet(pgt.loadRes, copy.deepcopy(results))
    assert np.array_equal(_stats(COCO(gt_fpath), pdt, iou_type), expected)
    ogt = COCO(gt_fpath)
    assert np.array_equal(_stats(ogt, ogt.loadRes(str(dt_fpath)), iou_type), expected)


def _keypoint_results(gt_data):
    rng = np.random.default_rng(7)
    results = []
    for ann in gt_data['annotations']:
        if ann['num_keypoints'] == 0:
            continue
        kpts = np.array(ann['keypoints'], dtype=float).reshape(-1, 3)
        kpts[:, :2] += rng.normal(0, 3, size=(len(kpts), 2))
        kpts[:, 2] = 1
        results.append({'image_id': ann['image_id'], 'category_id': ann['category_id'],
                        'keypoints': kpts.ravel().round(2).tolist(),
                        'score': round(float(rng.uniform(0.3, 1.0)), 3)})
    # one detection where no person is
    results.append({'image_id': results[0]['image_id'], 'category_id': 1, 'score': 0.95,
                    'keypoints': [10, 10, 1, 30, 12, 1, 20, 40, 1] + [0, 0, 0] * 14})
    return results


def test_cocoeval_keypoint_stats_exact(keypoints_gt):
    gt_data = json.loads(keypoints_gt.read_text())
    results = _keypoint_results(gt_data)
    pgt = _pycoco(keypoints_gt)
    pdt = _quiet(pgt.loadRes, copy.deepcopy(results))
    expected = _stats(pgt, pdt, 'keypoints')
    assert 0 < expected[0] < 1
    ogt = COCO(keypoints_gt)
    odt = ogt.loadRes(results)
    for aid, ann in pdt.anns.items():
        ours = odt.anns[aid]
        assert (ours['id'], ours['area'], ours['bbox']) == (ann['id'], ann['area'], ann['bbox'])
    assert np.array_equal(_stats(ogt, odt, 'keypoints'), expected)
    assert np.array_equal(_stats(_pycoco(keypoints_gt), odt, 'keypoints'), expected)
    assert np.array_equal(_stats(COCO(keypoints_gt), pdt, 'keypoints'), expected)


# ---- loadRes -------------------------------------------------------------------------
def test_loadres_fills_fields_like_pycocotools(val2014):
    gt_fpath, dt_fpath = val2014
    segm_results = json.loads(dt_fpath.read_text())[:50]
    box_results = [{'image_id': r['image_id'], 'category_id': r['category_id'],
                    'score': r['score'], 'bbox': [i % 7, 2.5, 10 + i, 4.25]}
                   for i, r in enumerate(segm_results)]
    pgt, ogt = _pycoco(gt_fpath), COCO(gt_fpath)
    for results in (segm_results, box_results):
        pdt = _quiet(pgt.loadRes, copy.deepcopy(results))
        before = copy.deepcopy(results)
        odt = ogt.loadRes(results)
        assert results == before, 'the caller\'s results are not modified'
        assert type(odt) is COCO and odt.bundle_dpath == ogt.bundle_dpath
        assert list(odt.anns) == list(pdt.anns) == list(range(1, len(results) + 1))
        for aid, ann in pdt.anns.items():
            ours = odt.anns[aid]
            assert set(ours) == set(ann)
            for key in ann:
                assert np.array_equal(ours[key], ann[key]) if key == 'bbox' else ours[key] == ann[key]
        assert odt.dataset['categories'] == pgt.dataset['categories']
        assert odt.dataset['categories'] is not ogt.dataset['categories']
        assert odt.getImgIds() == pdt.getImgIds()
    xcoco.CocoDataset(odt.dataset)  # a plain manifest xcoco indexes
    assert json.loads(odt.dumps())['annotations'][0]['area'] == odt.anns[1]['area']


def test_loadres_inputs_and_errors(tmp_path):
    coco = COCO(_toy_manifest())
    array = np.array([[1, 0, 0, 2, 3, 0.9, 1], [2, 1, 1, 1, 1, 0.4, 2]])
    dt = coco.loadRes(array)
    assert [a['area'] for a in dt.loadAnns(dt.getAnnIds())] == [6.0, 1.0]
    assert dt.loadAnns(2)[0]['category_id'] == 2
    empty = coco.loadRes([])
    assert empty.n_annots == 0 and empty.getImgIds() == [1, 2] and empty.getCatIds() == [1, 2]
    fpath = tmp_path / 'results.json'
    fpath.write_text(json.dumps([{'image_id': 2, 'category_id': 1, 'bbox': [0, 0, 1, 1], 'score': 1}]))
    assert coco.loadRes(str(fpath)).getAnnIds(imgIds=2) == [1]
    assert coco.loadRes(fpath).n_annots == 1
    captions = coco.loadRes([{'image_id': 2, 'caption': 'a dog'}])
    assert captions.getImgIds() == [2] and captions.anns[1]['caption'] == 'a dog'
    segm = coco.loadRes([{'image_id': 1, 'category_id': 1, 'score': 1,
                          'segmentation': {'size': [6, 8], 'counts': [8, 2, 38]}}])
    assert (segm.anns[1]['area'], segm.anns[1]['bbox']) == (2, [1.0, 2.0, 1.0, 2.0])

    with pytest.raises(xcoco.UnknownIdError, match='image_id=5'):
        coco.loadRes([{'image_id': 1, 'bbox': [0, 0, 1, 1]}, {'image_id': 5, 'bbox': [0, 0, 1, 1]}])
    with pytest.raises(xcoco.ManifestStructureError, match='got a dict'):
        coco.loadRes(_toy_manifest())
    with pytest.raises(xcoco.ManifestNotFoundError):
        coco.loadRes(str(tmp_path / 'missing.json'))
    (tmp_path / 'bad.json').write_text('[{"image_id": 1,]')
    with pytest.raises(xcoco.MalformedJSONError):
        coco.loadRes(tmp_path / 'bad.json')
    with pytest.raises(KeyError, match="result 1 has no 'bbox'"):
        coco.loadRes([{'image_id': 1, 'bbox': [0, 0, 1, 1]}, {'image_id': 1, 'keypoints': [1, 1, 1]}])
    with pytest.raises(KeyError, match='kind is unknown'):
        coco.loadRes([{'image_id': 1, 'score': 1}])
    with pytest.raises(ValueError, match='N x 7'):
        coco.loadRes(np.zeros((2, 6)))
    with pytest.raises(ValueError, match='keypoints'):
        coco.loadRes([{'image_id': 1, 'keypoints': []}])


# ---- queries and lookups against pycocotools -------------------------------------------
def test_queries_match_pycocotools(val2014):
    gt_fpath, _ = val2014
    theirs, ours = _pycoco(gt_fpath), COCO(gt_fpath)
    gids = theirs.getImgIds()[::7]
    cids = theirs.getCatIds()[:12]
    queries = [
        {}, {'imgIds': gids}, {'imgIds': gids[0]}, {'catIds': cids}, {'catIds': 1},
        {'imgIds': gids, 'catIds': cids}, {'areaRng': [32 ** 2, 96 ** 2]},
        {'iscrowd': True}, {'iscrowd': 0, 'catIds': [1]}, {'imgIds': np.array(gids)},
        {'imgIds': [424242]},
    ]
    for query in queries:
        assert ours.getAnnIds(**query) == theirs.getAnnIds(**query), query
    for query in [{}, {'catNms': ['person', 'dog']}, {'supNms': ['animal']},
                  {'catIds': cids[::2]}, {'supNms': ['vehicle'], 'catIds': cids}]:
        assert ours.getCatIds(**query) == theirs.getCatIds(**query), query
    for query in [{}, {'catIds': [1]}, {'catIds': [1, 3]}, {'imgIds': gids, 'catIds': [1]},
                  {'imgIds': gids}, {'catIds': [2, 999]}]:
        assert ours.getImgIds(**query) == theirs.getImgIds(**query), query
    aids = theirs.getAnnIds()[::50]
    assert ours.loadAnns(aids) == theirs.loadAnns(aids)
    assert ours.loadImgs(gids) == theirs.loadImgs(gids) and ours.loadImgs(gids[0]) == theirs.loadImgs(gids[0])
    assert ours.loadCats(cids) == theirs.loadCats(cids)
    assert ours.loadCats(np.int64(cids[0])) == theirs.loadCats(cids[0])  # pycocotools returns None
    assert ours.anns == theirs.anns and ours.imgs == theirs.imgs and ours.cats == theirs.cats
    for ours_map, theirs_map in [(ours.imgToAnns, theirs.imgToAnns), (ours.catToImgs, theirs.catToImgs)]:
        assert type(ours_map) is defaultdict and ours_map.default_factory is list
        # pycocotools' getImgIds(catIds=[999]) above left an empty list in its catToImgs
        assert dict(ours_map) == {k: v for k, v in theirs_map.items() if v}
    assert _quiet(ours.info) == _quiet(theirs.info) is None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ours.info()
    assert out.getvalue().splitlines()[0].startswith('description: ')


def test_lookups_follow_xcoco_edits():
    coco = COCO(_toy_manifest())
    assert [a['id'] for a in coco.imgToAnns[1]] == [1, 2]
    new_aid = coco.add_annotation(image_id=1, category_id=1, bbox=[0, 0, 1, 1])
    assert [a['id'] for a in coco.imgToAnns[1]] == [1, 2, new_aid]
    assert coco.catToImgs[1] == [1, 1]
    assert coco.getAnnIds(imgIds=1, catIds=1) == [1, new_aid]
    coco.remove_annotations([1])
    assert [a['id'] for a in coco.imgToAnns[1]] == [2, new_aid]
    coco.remove_images([1])
    assert coco.imgToAnns.get(1) is None and coco.getImgIds() == [2]
    assert dict(coco.catToImgs) == {2: [2]}
    coco.annots([3]).set('category_id', [1])
    assert dict(coco.catToImgs) == {1: [2]} and coco.getImgIds(catIds=[1]) == [2]
    coco.dataset['annotations'].append({'id': 9, 'image_id': 2, 'category_id': 2})
    coco.createIndex()
    assert [a['id'] for a in coco.imgToAnns[2]] == [3, 9]
    # xcoco operations hand back the same class
    assert type(coco.copy()) is COCO and type(coco.subset([2])) is COCO


def test_load_errors_and_argument_forms():
    coco = COCO(_toy_manifest())
    with pytest.raises(xcoco.UnknownIdError, match='loadImgs: no image with id=7'):
        coco.loadImgs([1, 7])
    with pytest.raises(TypeError, match='loadAnns'):
        coco.loadAnns([[1]])
    assert coco.loadCats('dog') == coco.loadCats(2)  # a name, not its characters
    assert coco.getCatIds(catNms='do') == []  # pycocotools would match substrings of 'do'
    assert coco.getAnnIds(imgIds=None) == [1, 2, 3]
    coco.dataset['annotations'][0].pop('area')
    with pytest.raises(xcoco.MissingFieldError, match="annotation id=1 has no 'area'"):
        coco.getAnnIds(areaRng=[0, 10])
    del coco.dataset['annotations'][1]['segmentation']
    with pytest.raises(KeyError, match="id=2 has no 'segmentation'"):
        coco.annToMask(2)
    coco.dataset['images'][1].pop('width')
    with pytest.raises(xcoco.MissingFieldError, match="image id=2 has no 'width'"):
        coco.annToRLE(3)
    with pytest.raises(xcoco.UnknownIdError, match='image_id=5'):
        coco.annToRLE({'id': 1, 'image_id': 5, 'segmentation': [[0, 0, 1, 0, 1, 1]]})


def test_more_segmentation_encodings():
    pytest.importorskip('pycocotools')
    coco = COCO(_toy_manifest())
    flat = {'id': 9, 'image_id': 1, 'segmentation': [1, 1, 4, 1, 4, 3, 1, 3]}
    assert np.array_equal(coco.annToMask(flat), coco.annToMask(1))
    assert coco.annToMask({'id': 9, 'image_id': 1, 'segmentation': []}).sum() == 0
    holed = {'id': 9, 'image_id': 1, 'segmentation': {
        'exterior': [[0, 0], [6, 0], [6, 6], [0, 6]], 'interiors': [[[2, 2], [4, 2], [4, 4], [2, 4]]]}}
    mask = coco.annToMask(holed)
    assert mask.shape == (6, 8) and mask.sum() == 36 - 4 and mask[3, 3] == 0
    with pytest.raises(ValueError, match='segmentation'):
        coco.annToMask({'id': 9, 'image_id': 1, 'segmentation': 'not a polygon'})


# ---- display and download ---------------------------------------------------------------
def _fake_matplotlib(monkeypatch):
    calls = defaultdict(list)

    class Axes:
        def set_autoscale_on(self, flag):
            calls['autoscale'].append(flag)

        def imshow(self, image):
            calls['imshow'].append(image)

        def add_collection(self, collection):
            calls['collections'].append(collection)

    axes = Axes()
    pyplot = types.SimpleNamespace(gca=lambda: axes,
                                   plot=lambda *a, **k: calls['plot'].append(a))
    modules = {
        'matplotlib': types.ModuleType('matplotlib'),
        'matplotlib.pyplot': pyplot,
        'matplotlib.collections': types.SimpleNamespace(
            PatchCollection=lambda patches, **kw: (list(patches), kw)),
        'matplotlib.patches': types.SimpleNamespace(Polygon=lambda xy: np.asarray(xy)),
    }
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_show_anns_draws_polygons_masks_and_boxes(monkeypatch):
    pytest.importorskip('pycocotools')
    calls = _fake_matplotlib(monkeypatch)
    coco = COCO(_toy_manifest())
    assert coco.showAnns(coco.loadAnns([1, 2]), draw_bbox=True) is None
    patches, _ = calls['collections'][0]
    # one polygon part and two boxes; the crowd RLE is an image overlay
    assert len(patches) == 3 and patches[0].tolist() == [[1, 1], [4, 1], [4, 3], [1, 3]]
    assert len(calls['imshow']) == 1 and calls['imshow'][0].shape == (6, 8, 4)
    assert calls['imshow'][0][..., 3].sum() == 0.5 * 4


def test_show_anns_draws_keypoints_and_skeleton(monkeypatch, keypoints_gt):
    calls = _fake_matplotlib(monkeypatch)
    kp = COCO(keypoints_gt)
    ann = max(kp.dataset['annotations'], key=lambda a: a['num_keypoints'])
    kp.showAnns([ann])
    visible = ann['keypoints'][2::3]
    edges = [e for e in kp.cats[1]['skeleton'] if visible[e[0] - 1] and visible[e[1] - 1]]
    assert 0 < len(edges) < len(kp.cats[1]['skeleton'])
    assert len(calls['plot']) == len(edges) + 2
    assert calls['plot'][0][0].tolist() == [ann['keypoints'][3 * (e - 1)] for e in edges[0]]


def test_show_anns_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, 'matplotlib', None)
    coco = COCO(_toy_manifest())
    assert coco.showAnns([]) == 0
    with pytest.raises(xcoco.MissingDependencyError, match='matplotlib'):
        coco.showAnns(coco.loadAnns([1]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        coco.showAnns([{'id': 1, 'image_id': 1, 'caption': 'two cats'}])
    assert out.getvalue() == 'two cats\n'


def test_download_fetches_coco_urls_and_stays_inside_the_folder(tmp_path):
    src = tmp_path / 'remote.jpg'
    src.write_bytes(b'pixels')
    coco = COCO({'images': [{'id': 1, 'file_name': 'a/x.jpg', 'coco_url': src.as_uri()},
                            {'id': 2, 'file_name': '../escape.jpg', 'coco_url': src.as_uri()}]})
    with pytest.raises(xcoco.FilePathError, match='outside'):
        coco.download(str(tmp_path / 'imgs'))
    assert not (tmp_path / 'imgs').exists()  # refused before fetching anything
    paths = coco.download(str(tmp_path / 'imgs'), imgIds=[1])
    assert paths == [str(tmp_path / 'imgs' / 'a' / 'x.jpg')]
    assert (tmp_path / 'imgs' / 'a' / 'x.jpg').read_bytes() == b'pixels'
    with pytest.raises(xcoco.FilePathError, match='tarDir'):
        coco.download()


# ---- kwcoco-compat-style usage ------------------------------------------------------------
def test_kwcoco_compat_style_usage():
    kwcoco = pytest.importorskip('kwcoco')
    kwcompat = pytest.importorskip('kwcoco.compat_dataset')
    from xcoco.compat_dataset import COCO as XCOCO
    assert xcoco.compat_dataset.COCO is XCOCO
    data = _toy_manifest()
    theirs, ours = kwcompat.COCO(copy.deepcopy(data)), XCOCO(copy.deepcopy(data))
    assert isinstance(ours, xcoco.CocoDataset) and isinstance(theirs, kwcoco.CocoDataset)
    for method, kwargs in [('getAnnIds', {}), ('getAnnIds', {'imgIds': [1]}),
                           ('getAnnIds', {'catIds': [2]}), ('getCatIds', {}),
                           ('getCatIds', {'catNms': ['cat']}), ('getImgIds', {}),
                           ('getImgIds', {'catIds': [2]}), ('loadImgs', {'ids': [2, 1]}),
                           ('loadCats', {'ids': [1]}), ('loadAnns', {'ids': [3]})]:
        assert getattr(ours, method)(**kwargs) == getattr(theirs, method)(**kwargs), method
    assert ours.n_annots == theirs.n_annots and ours.basic_stats() == theirs.basic_stats()
