"""
The ``mscoco`` dialect of xcoco.formats: real MS-COCO files round-trip to
equal documents, COCOeval gives the same numbers from our export, results
lists attach to a base dataset as pycocotools' loadRes does, pycocotools
loads every export, and bad rows are named.
"""
import contextlib
import io
import json

import numpy as np
import pytest

import xcoco
from xcoco import formats
from xcoco.errors import FormatError
from xcoco.testing import assert_index_consistent

GT_PARTS = ('coco_val2014_100', 'instances_val2014_100.json')
DT_PARTS = ('coco_val2014_100', 'instances_val2014_fakesegm100_results.json')
KP_PARTS = ('coco_person_keypoints_1img', 'person_keypoints_val2017_1img.json')
KP_DT_PARTS = ('coco_person_keypoints_1img', 'person_keypoints_val2014_fakekeypoints100_results.json')

# pycocotools' own decode warns under numpy 2
pytestmark = pytest.mark.filterwarnings('ignore:__array__ implementation:DeprecationWarning')


def _shared(parts):
    from conftest import shared_file
    return shared_file(*parts)


def _read(fpath):
    with open(fpath) as file:
        return json.load(file)


def _quiet(func, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return func(*args)


def _pycoco(doc):
    """pycocotools' COCO over a document (as COCO(path) would read it)"""
    pycoco = pytest.importorskip('pycocotools.coco')
    coco = pycoco.COCO()
    coco.dataset = json.loads(json.dumps(doc))  # what a file would give it
    _quiet(coco.createIndex)
    return coco


def _stats(gt_doc, results, iou_type):
    cocoeval = pytest.importorskip('pycocotools.cocoeval')
    gt = _pycoco(gt_doc)
    dt = _quiet(gt.loadRes, json.loads(json.dumps(results)))

    def run():
        ev = cocoeval.COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
        return ev.stats
    return _quiet(run)


def _clean(dset):
    result = dset.validate(missing=False)
    assert result['errors'] == []
    assert_index_consistent(dset)


def _draw_with_blank_asset(dset, gid):
    """
    Draw an image's annotations: the pixels are not on disk, so the image
    gets a black in-memory asset of its size first; the drawing must then
    hold the annotations' colours.
    """
    img = dset.coco_image(gid)
    width, height = img['width'], img['height']
    img.add_asset(imdata=np.zeros((height, width, 3), dtype=np.uint8), channels='r|g|b')
    canvas = img.draw()
    assert canvas.shape == (height, width, 3)
    assert canvas.any()
    return canvas


# ---------------------------------------------------------------- val2014
@pytest.mark.parametrize('fmt', ['auto', 'mscoco', 'kwcoco'])
def test_val2014_round_trip_is_equal(fmt):
    fpath = _shared(GT_PARTS)
    original = _read(fpath)
    dset = formats.load(fpath, format=fmt)
    if fmt == 'auto':
        assert formats.guess(fpath) == 'mscoco'
    assert formats.export(dset, 'mscoco') == original
    _clean(dset)


def test_val2014_cocoeval_same_numbers_from_our_export(tmp_path):
    gt_path, dt_path = _shared(GT_PARTS), _shared(DT_PARTS)
    want = _stats(_read(gt_path), _read(dt_path), 'segm')
    dset = formats.load(gt_path)
    results = formats.load(dt_path, base=dset)
    formats.dump(dset, tmp_path / 'gt.json', 'mscoco')
    formats.dump(results, tmp_path / 'dt.json', 'mscoco')
    got = _stats(_read(tmp_path / 'gt.json'), _read(tmp_path / 'dt.json'), 'segm')
    assert want[0] > 0.1  # a real evaluation, not an empty one
    assert np.array_equal(want, got)
    bbox_want = _stats(_read(gt_path), _read(dt_path), 'bbox')
    bbox_got = _stats(_read(tmp_path / 'gt.json'), formats.export(results, 'mscoco'), 'bbox')
    assert np.array_equal(bbox_want, bbox_got)


def test_val2014_results_match_loadres_and_round_trip():
    gt_path, dt_path = _shared(GT_PARTS), _shared(DT_PARTS)
    dset = formats.load(gt_path)
    assert formats.guess(dt_path) == 'mscoco'
    results = formats.load(dt_path, base=dset)
    assert results.bundle_dpath == dset.bundle_dpath
    pycoco = pytest.importorskip('pycocotools.coco')
    theirs = _quiet(_quiet(pycoco.COCO, str(gt_path)).loadRes, str(dt_path)).dataset['annotations']
    ours = results.dataset['annotations']
    assert len(ours) == len(theirs) == 734
    for mine, their in zip(ours, theirs):
        assert mine == json.loads(json.dumps(their, default=lambda v: v.tolist()))
    assert results.n_images == dset.n_images
    assert results.dataset[formats.mscoco.RESULTS_KEY]['kind'] == 'segmentation'
    assert formats.export(results, 'mscoco') == _read(dt_path)
    doc = formats.export(results, 'mscoco', results=False)
    assert len(_pycoco(doc).anns) == 734
    _clean(results)


def test_val2014_draws_an_image_with_annotations():
    dset = formats.load(_shared(GT_PARTS))
    gid = max(dset.imgs, key=lambda g: len(dset.index.gid_to_aids[g]))
    canvas = _draw_with_blank_asset(dset, gid)
    # the polygons are filled where the annotations are, and not elsewhere
    x, y, w, h = (int(v) for v in dset.anns[sorted(dset.index.gid_to_aids[gid])[0]]['bbox'])
    assert canvas[y:y + h, x:x + w].any()
    results = formats.load(_shared(DT_PARTS), base=formats.load(_shared(GT_PARTS)))
    gid = max(results.imgs, key=lambda g: len(results.index.gid_to_aids[g]))
    _draw_with_blank_asset(results, gid)


# ---------------------------------------------------------------- keypoints
def test_person_keypoints_round_trip_and_kwcoco_keypoints():
    fpath = _shared(KP_PARTS)
    original = _read(fpath)
    dset = formats.load(fpath)
    names = original['categories'][0]['keypoints']
    assert [k['name'] for k in dset.dataset['keypoint_categories']] == names
    assert dset.dataset['categories'][0]['skeleton'] == original['categories'][0]['skeleton']
    for ann, orig in zip(dset.dataset['annotations'], original['annotations']):
        labelled = [(names[i], orig['keypoints'][3 * i:3 * i + 3]) for i in range(len(names))
                    if orig['keypoints'][3 * i:3 * i + 3] != [0, 0, 0]]
        assert [(dset.index.kpcats[kp['keypoint_category_id']]['name'], [*kp['xy'], kp['visible']])
                for kp in ann['keypoints']] == labelled
    out = formats.export(dset, 'mscoco')
    assert out == original
    _pycoco(out)
    stats = _stats(out, [dict(a, score=1.0) for a in out['annotations'] if not a['iscrowd']],
                   'keypoints')
    assert stats[0] == 1.0
    _clean(dset)
    gid = next(iter(dset.imgs))
    _draw_with_blank_asset(dset, gid)


def test_keypoint_results_parse_and_round_trip():
    gt = _read(_shared(KP_PARTS))
    rows = _read(_shared(KP_DT_PARTS))
    # the results score val2014 images that are not in this folder: a base
    # holding those image ids (and the person category) lets them attach
    gids = sorted({row['image_id'] for row in rows})
    base = formats.load({'images': [{'id': g, 'file_name': f'{g}.jpg', 'width': 640, 'height': 640}
                                    for g in gids],
                         'categories': gt['categories'], 'annotations': []})
    results = formats.load(rows, base=base)
    assert results.n_annots == len(rows) == 125
    assert results.dataset[formats.mscoco.RESULTS_KEY]['kind'] == 'keypoints'
    first = results.anns[1]
    # loadRes: box and area from the keypoints' extent; v=0 slots with
    # coordinates are kept as invisible keypoints
    xs, ys = rows[0]['keypoints'][0::3], rows[0]['keypoints'][1::3]
    assert first['bbox'] == [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
    assert {kp['visible'] for kp in first['keypoints']} == {0, 2}
    assert len(first['keypoints']) == 17
    assert formats.export(results, 'mscoco') == rows
    assert results.validate(missing=False)['errors'] == []


# ---------------------------------------------------------------- ids, captions
def test_string_and_zero_ids_are_mapped_and_written_back():
    doc = {'images': [{'id': 'dicomweb://a/1', 'file_name': 'a.png', 'width': 10, 'height': 10},
                      {'id': 'dicomweb://a/2', 'file_name': 'b.png', 'width': 10, 'height': 10}],
           'categories': [{'id': 0, 'name': 'background'}, {'id': 3, 'name': 'cell'}],
           'annotations': [{'id': 0, 'image_id': 'dicomweb://a/2', 'category_id': 3,
                            'bbox': [1, 1, 2, 2], 'area': 4, 'iscrowd': 0},
                           {'id': 0, 'image_id': 'dicomweb://a/1', 'category_id': 0,
                            'bbox': [0, 0, 1, 1], 'area': 1, 'iscrowd': 0}]}
    dset = formats.load(doc)
    assert sorted(dset.imgs) == [1, 2] and sorted(dset.cats) == [3, 4]
    assert formats.external_to_internal(dset, 'images') == {'dicomweb://a/1': 1, 'dicomweb://a/2': 2}
    assert formats.external_to_internal(dset, 'annotations', repeats=True) == {0: [1, 2]}
    assert [a['image_id'] for a in dset.dataset['annotations']] == [2, 1]
    assert [a['category_id'] for a in dset.dataset['annotations']] == [3, 4]
    _clean(dset)
    out = formats.export(dset, 'mscoco')
    assert out['images'] == doc['images'] and out['categories'] == doc['categories']
    # annotation ids are xcoco's: COCOeval reads a matched id of 0 as unmatched
    assert [a['id'] for a in out['annotations']] == [1, 2]
    assert [a['external_id'] for a in out['annotations']] == [0, 0]
    assert [(a['image_id'], a['category_id']) for a in out['annotations']] == [
        ('dicomweb://a/2', 3), ('dicomweb://a/1', 0)]
    internal = formats.export(dset, 'mscoco', original_ids=False)
    assert [g['id'] for g in internal['images']] == [1, 2]
    _pycoco(out)
    # results name images by the file's ids (or xcoco's) and are written back with them
    rows = [{'image_id': 'dicomweb://a/2', 'category_id': 3, 'bbox': [1, 1, 2, 2], 'score': 0.9},
            {'image_id': 1, 'category_id': 0, 'bbox': [0, 0, 1, 1], 'score': 0.4}]
    results = formats.load(rows, base=dset)
    assert [(a['image_id'], a['category_id']) for a in results.dataset['annotations']] == [(2, 3), (1, 4)]
    assert formats.export(results, 'mscoco') == [dict(rows[0]), dict(rows[1], image_id='dicomweb://a/1')]


def test_user_built_annotation_id_zero_never_exported():
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png', width=8, height=8)
    cid = dset.add_category('thing')
    dset.add_annotation(gid, cid, bbox=[0, 0, 2, 2], id=0)
    dset.add_annotation(gid, cid, bbox=[1, 1, 2, 2])
    out = formats.export(dset, 'mscoco')
    ids = [a['id'] for a in out['annotations']]
    assert 0 not in ids and len(set(ids)) == 2
    rows = formats.export(dset, 'mscoco', results=True)
    assert all('id' not in row for row in rows)


def test_captions_round_trip():
    doc = {'info': {'description': 'captions'}, 'licenses': [],
           'images': [{'id': 9, 'file_name': 'a.jpg', 'width': 4, 'height': 4}],
           'annotations': [{'id': 1, 'image_id': 9, 'caption': 'a cat on a mat'},
                           {'id': 2, 'image_id': 9, 'caption': 'a sleepy cat'}]}
    assert formats.guess(doc) == 'mscoco'
    dset = formats.load(doc)
    assert dset.annots().lookup('caption') == ['a cat on a mat', 'a sleepy cat']
    assert formats.export(dset, 'mscoco') == doc
    _clean(dset)
    results = formats.load([{'image_id': 9, 'caption': 'a cat'}], base=dset)
    assert results.n_annots == 1
    assert formats.export(results, 'mscoco') == [{'image_id': 9, 'caption': 'a cat'}]


def test_crowd_rle_both_encodings_and_multipart_polygons_round_trip():
    doc = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 4, 'height': 3}],
           'categories': [{'id': 1, 'name': 'blob'}],
           'annotations': [
               {'id': 1, 'image_id': 1, 'category_id': 1, 'iscrowd': 1, 'area': 3,
                'bbox': [1, 0, 1, 3], 'segmentation': {'size': [3, 4], 'counts': [3, 3, 6]}},
               {'id': 2, 'image_id': 1, 'category_id': 1, 'iscrowd': 1, 'area': 3,
                'bbox': [1, 0, 1, 3], 'segmentation': {'size': [3, 4], 'counts': '336'}},
               {'id': 3, 'image_id': 1, 'category_id': 1, 'iscrowd': 0, 'area': 2.0,
                'bbox': [0, 0, 4, 3], 'segmentation': [[0, 0, 1, 0, 1, 1, 0, 1],
                                                       [3, 2, 4, 2, 4, 3, 3, 3]]}]}
    dset = formats.load(doc)
    out = formats.export(dset, 'mscoco')
    assert out == doc
    coco = _pycoco(out)
    masks = [coco.annToMask(coco.anns[aid]) for aid in (1, 2, 3)]
    assert np.array_equal(masks[0], masks[1]) and masks[0].sum() == 3
    assert masks[2].sum() > 0
    _clean(dset)


def test_kwcoco_dataset_exports_what_pycocotools_and_cocoeval_accept():
    dset = xcoco.CocoDataset.demo('shapes8')
    gt = formats.export(dset, 'mscoco')
    assert 'keypoint_categories' not in gt
    assert all(isinstance(a['segmentation'], (list, dict)) for a in gt['annotations'])
    assert all(isinstance(v, (int, float)) for a in gt['annotations'] for v in a['keypoints'])
    rows = formats.export(dset, 'mscoco', results=True)
    for row in rows:
        row['score'] = 1.0
    # our ground truth scored by itself: every category with objects is found
    assert _stats(gt, rows, 'segm')[0] == 1.0
    assert _stats(gt, rows, 'bbox')[0] == 1.0
    assert formats.load(gt).n_annots == dset.n_annots


def test_aicoco_dataset_exports_to_mscoco():
    from test_formats_aicoco import sample_document
    dset = formats.load(sample_document())
    # AiCOCO images have no size and these files do not exist: the export says so
    with pytest.warns(UserWarning, match='cannot read the size'):
        out = formats.export(dset, 'mscoco')
    assert all(a['id'] > 0 for a in out['annotations'])
    assert all(isinstance(g['id'], str) for g in out['images'])  # AiCOCO's ids, written back
    unclassified = [a for a in out['annotations'] if a['category_id'] is None]
    assert len(unclassified) == 1
    coco = _pycoco(out)
    assert len(coco.anns) == dset.n_annots


# ---------------------------------------------------------------- guessing, errors
def test_guess_prefers_mscoco_for_plain_documents_and_kwcoco_for_kwcoco_ones():
    plain = {'images': [{'id': 1, 'file_name': 'a.png'}], 'annotations': [], 'categories': []}
    assert formats.guess(plain) == 'mscoco'
    assert formats.guess({**plain, 'videos': []}) == 'kwcoco'
    kwcoco_ann = {'id': 1, 'image_id': 1, 'keypoints': [{'xy': [0, 0], 'keypoint_category_id': 1}]}
    assert formats.guess({**plain, 'annotations': [kwcoco_ann]}) == 'kwcoco'
    assert formats.guess([{'image_id': 1, 'bbox': [0, 0, 1, 1], 'score': 0.3}]) == 'mscoco'
    assert formats.guess(xcoco.CocoDataset.demo('shapes2').dataset) == 'kwcoco'


def test_results_without_base_or_with_unknown_rows_are_named_errors():
    dset = formats.load({'images': [{'id': 1, 'file_name': 'a.png', 'width': 4, 'height': 4}],
                         'categories': [{'id': 1, 'name': 'x'}], 'annotations': []})
    with pytest.raises(FormatError, match='base'):
        formats.load([{'image_id': 1, 'bbox': [0, 0, 1, 1]}])
    with pytest.raises(FormatError) as info:
        formats.load([{'image_id': 1, 'bbox': [0, 0, 1, 1]}, {'image_id': 7, 'bbox': [0, 0, 1, 1]}],
                     base=dset)
    assert str(info.value) == ("mscoco: table 'results' row 1 (id=None) field 'image_id': "
                               "7 is not an image of the base dataset")
    with pytest.raises(FormatError, match="row 1 .* field 'bbox': missing"):
        formats.load([{'image_id': 1, 'bbox': [0, 0, 1, 1]}, {'image_id': 1, 'segmentation': []}],
                     base=dset)
    with pytest.raises(FormatError) as info:
        formats.load([{'image_id': 1, 'bbox': [0, 0, 1, 1]}, {'image_id': 1, 'bbox': [0, 0, 1], 'id': 5}],
                     base=dset)
    assert str(info.value) == ("mscoco: table 'results' row 1 (id=5) field 'bbox': "
                               "[0, 0, 1] is not [x, y, w, h]")
    empty = formats.load([], base=dset)
    assert empty.n_annots == 0 and empty.n_images == 1
    assert formats.export(empty, 'mscoco') == []


@pytest.mark.parametrize('doc, expected', [
    ({'images': {'id': 1}}, "mscoco: table 'images': must be a list of objects, got dict"),
    ({'images': [{'id': 1}, 'x']}, "mscoco: table 'images' row 1 (id=None): expected an object, got str 'x'"),
    ({'images': [{'id': 1}], 'annotations': [{'id': [3], 'image_id': 1}]},
     "mscoco: table 'annotations' row 0 (id=[3]) field 'id': [3] is a list, not an id"),
    ({'images': [{'id': 1}], 'annotations': [{'id': 1, 'image_id': {'a': 1}}]},
     "mscoco: table 'annotations' row 0 (id=1) field 'image_id': {'a': 1} is a dict, not an id"),
])
def test_malformed_rows_name_dialect_table_row_and_field(doc, expected):
    with pytest.raises(FormatError) as info:
        formats.load(doc, format='mscoco')
    assert str(info.value) == expected


def test_keypoints_not_matching_their_category_are_kept_and_reported():
    doc = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 9, 'height': 9}],
           'categories': [{'id': 1, 'name': 'p', 'keypoints': ['a', 'b']}],
           'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 2, 2],
                            'keypoints': [1, 1, 2]}]}
    dset = formats.load(doc)
    assert dset.anns[1]['keypoints'] == [1, 1, 2]
    rules = [p.rule for p in dset.validate(missing=False)['errors']]
    assert 'annotation.keypoints.length' in rules


def test_load_does_not_change_the_callers_document():
    doc = {'images': [{'id': 'a', 'file_name': 'a.png'}], 'annotations': [], 'categories': []}
    before = json.loads(json.dumps(doc))
    formats.load(doc)
    assert doc == before


@pytest.mark.parametrize('field, value', [
    ('bbox', 'abc'), ('bbox', [1, 2, 3]), ('segmentation', 'oops'),
    ('keypoints', [1, 2]), ('caption', 5)])
def test_malformed_geometry_names_the_row(field, value):
    doc = {'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 8, 'height': 8}],
           'categories': [{'id': 1, 'name': 'c'}],
           'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 1, 1]},
                           {'id': 9, 'image_id': 1, 'category_id': 1, field: value}]}
    with pytest.raises(xcoco.FormatError, match=rf"mscoco: table 'annotations' row 1 \(id=9\) field '{field}'"):
        formats.load(doc, format='mscoco')
