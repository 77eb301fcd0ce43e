"""
The ``aicoco`` dialect of xcoco.formats (seed 001): a realistic document
built from the seed's spec round-trips to an equal document, ids included;
exports of datasets that never were AiCOCO pass a JSON-schema check of
AiCOCO's rules; bad rows are named.
"""
import copy
import json

import numpy as np
import pytest

import xcoco
from xcoco import formats
from xcoco.errors import FormatError
from xcoco.formats.ids import nanoid
from xcoco.testing import assert_index_consistent

jsonschema = pytest.importorskip('jsonschema')


def _id(text):
    """a 21-character nanoid-like id, fixed per name"""
    return nanoid('test-sample', text)


def sample_document():
    """
    An AiCOCO document with every feature of seed 001: a CT volume (three
    slices of one NIfTI file), a DICOM series (one file per slice), a 2-D
    image; image-level classes and regressions; multi-label objects with
    confidence and regressions spanning slices; segmentation-only,
    box-only (one and two boxes, float corners) and box+ring annotations;
    an object without classes; a category hierarchy with colour and
    display; regressions with a parent; meta with a task type.
    """
    cat = {name: _id('cat-' + name) for name in ('lesion', 'tumor', 'nodule', 'normal')}
    reg = {name: _id('reg-' + name) for name in ('bp', 'sbp', 'dbp')}
    img = {name: _id('img-' + name) for name in ('ct0', 'ct1', 'ct2', 'dcm1', 'dcm2', 'xray')}
    obj = {name: _id('obj-' + name) for name in ('mass', 'cell', 'pair', 'unknown', 'study')}
    return {
        'images': [
            {'id': img['ct0'], 'file_name': 'ct/case_0001.nii.gz', 'index': 0,
             'category_ids': None, 'regressions': None},
            {'id': img['ct1'], 'file_name': 'ct/case_0001.nii.gz', 'index': 1,
             'category_ids': [cat['tumor']],
             'regressions': [{'regression_id': reg['sbp'], 'value': 141}]},
            {'id': img['ct2'], 'file_name': 'ct/case_0001.nii.gz', 'index': 2,
             'category_ids': [], 'regressions': None, 'slice_thickness': 1.25},
            {'id': img['dcm1'], 'file_name': 'series/IM-0001.dcm', 'index': 0,
             'category_ids': None, 'regressions': None},
            {'id': img['dcm2'], 'file_name': 'series/IM-0002.dcm', 'index': 1,
             'category_ids': None, 'regressions': None},
            {'id': img['xray'], 'file_name': 'xray.png', 'index': 0,
             'category_ids': [cat['normal']], 'regressions': None},
        ],
        'annotations': [
            {'id': _id('ann-1'), 'image_id': img['ct0'], 'object_id': obj['mass'], 'iscrowd': 0,
             'bbox': None, 'segmentation': [[10, 10, 30, 10, 30, 25, 10, 25]]},
            {'id': _id('ann-2'), 'image_id': img['ct1'], 'object_id': obj['mass'], 'iscrowd': 0,
             'bbox': None, 'segmentation': [[12, 11, 28, 11, 28, 24], [40, 40, 44, 40, 44, 44]]},
            {'id': _id('ann-3'), 'image_id': img['dcm1'], 'object_id': obj['cell'], 'iscrowd': 0,
             'bbox': [[165, 168, 318, 324]], 'segmentation': None},
            {'id': _id('ann-4'), 'image_id': img['dcm2'], 'object_id': obj['pair'], 'iscrowd': 0,
             'bbox': [[5, 6, 20, 30], [50, 60, 70, 80]], 'segmentation': None,
             'reviewed_by': 'dr-lin'},
            {'id': _id('ann-5'), 'image_id': img['dcm2'], 'object_id': obj['cell'], 'iscrowd': 0,
             'bbox': [[0.1, 0.7, 0.3, 12.9]], 'segmentation': None},
            {'id': _id('ann-6'), 'image_id': img['ct2'], 'object_id': obj['mass'], 'iscrowd': 0,
             'bbox': [[9, 9, 31, 26]], 'segmentation': [[10, 10, 30, 10, 30, 25, 10, 25]]},
            {'id': _id('ann-7'), 'image_id': img['xray'], 'object_id': obj['unknown'], 'iscrowd': 0,
             'bbox': [[1, 2, 3, 4]], 'segmentation': None},
        ],
        'categories': [
            {'id': cat['lesion'], 'name': 'Lesion', 'supercategory_id': None, 'color': '#FF0000'},
            {'id': cat['tumor'], 'name': 'Tumor', 'supercategory_id': cat['lesion'], 'display': True},
            {'id': cat['nodule'], 'name': 'Nodule', 'supercategory_id': cat['lesion'], 'display': False},
            {'id': cat['normal'], 'name': 'Normal', 'supercategory_id': None, 'color': '#00FF00'},
        ],
        'regressions': [
            {'id': reg['bp'], 'name': 'Blood pressure', 'superregression_id': None},
            {'id': reg['sbp'], 'name': 'SBP', 'superregression_id': reg['bp'],
             'unit': 'mmHg', 'threshold': '140'},
            {'id': reg['dbp'], 'name': 'DBP', 'superregression_id': reg['bp'], 'unit': 'mmHg'},
        ],
        'objects': [
            {'id': obj['mass'], 'category_ids': [cat['tumor'], cat['nodule']],
             'regressions': [{'regression_id': reg['sbp'], 'value': 130}], 'confidence': 0.87},
            {'id': obj['cell'], 'category_ids': [cat['nodule']], 'regressions': None,
             'confidence': 0.5},
            {'id': obj['pair'], 'category_ids': [cat['tumor']], 'regressions': None},
            {'id': obj['unknown'], 'category_ids': None, 'regressions': None},
            {'id': obj['study'], 'category_ids': [cat['normal']],
             'regressions': [{'regression_id': reg['dbp'], 'value': 80.5}]},
        ],
        'meta': {'category_ids': [cat['normal']],
                 'regressions': [{'regression_id': reg['sbp'], 'value': 120.0}],
                 'task_type': 'multilabel'},
    }


# ---------------------------------------------------------------- AiCOCO's rules
_IDS = {'type': 'array', 'items': {'type': 'string'}}
_REG_ITEMS = {'type': 'array', 'items': {
    'type': 'object', 'required': ['regression_id', 'value'], 'additionalProperties': False,
    'properties': {'regression_id': {'type': 'string'}, 'value': {'type': 'number'}}}}


def _nullable(schema):
    return {'anyOf': [schema, {'type': 'null'}]}


def _coords(integer):
    return {'type': 'integer' if integer else 'number'}


def aicoco_schema(integer_coords=False):
    """
    AiCOCO's rules as written in seed 001 (all six keys and no others;
    string ids; the required fields of each table, null where the seed
    allows it; ``bbox`` a list of 4-number boxes; rings of numbers;
    regression items of exactly ``regression_id`` and ``value``), with
    FLaVor's integer pixels when ``integer_coords``.
    """
    coord = _coords(integer_coords)
    return {
        'type': 'object',
        'required': ['images', 'annotations', 'categories', 'regressions', 'objects', 'meta'],
        'additionalProperties': False,
        'properties': {
            'images': {'type': 'array', 'items': {
                'type': 'object',
                'required': ['id', 'file_name', 'index', 'category_ids', 'regressions'],
                'properties': {'id': {'type': 'string'}, 'file_name': {'type': 'string'},
                               'index': {'type': 'integer'}, 'category_ids': _nullable(_IDS),
                               'regressions': _nullable(_REG_ITEMS)}}},
            'annotations': {'type': 'array', 'items': {
                'type': 'object',
                'required': ['id', 'image_id', 'object_id', 'iscrowd', 'bbox', 'segmentation'],
                'properties': {
                    'id': {'type': 'string'}, 'image_id': {'type': 'string'},
                    'object_id': {'type': 'string'}, 'iscrowd': {'enum': [0, 1]},
                    'bbox': _nullable({'type': 'array', 'items': {
                        'type': 'array', 'minItems': 4, 'maxItems': 4, 'items': coord}}),
                    'segmentation': _nullable({'type': 'array', 'items': {
                        'type': 'array', 'items': coord}})}}},
            'categories': {'type': 'array', 'items': {
                'type': 'object', 'required': ['id', 'name', 'supercategory_id'],
                'properties': {'id': {'type': 'string'}, 'name': {'type': 'string'},
                               'supercategory_id': {'type': ['string', 'null']},
                               'color': {'type': 'string'}}}},
            'regressions': {'type': 'array', 'items': {
                'type': 'object', 'required': ['id', 'name', 'superregression_id'],
                'properties': {'id': {'type': 'string'}, 'name': {'type': 'string'},
                               'superregression_id': {'type': ['string', 'null']},
                               'unit': {'type': 'string'}}}},
            'objects': {'type': 'array', 'items': {
                'type': 'object', 'required': ['id', 'category_ids', 'regressions'],
                'properties': {'id': {'type': 'string'}, 'category_ids': _nullable(_IDS),
                               'regressions': _nullable(_REG_ITEMS),
                               'confidence': {'type': 'number'}}}},
            'meta': {'type': 'object', 'required': ['category_ids', 'regressions'],
                     'properties': {'category_ids': _nullable(_IDS),
                                    'regressions': _nullable(_REG_ITEMS),
                                    'task_type': {'enum': ['binary', 'multiclass', 'multilabel']}}},
        },
    }


def check_aicoco(doc, integer_coords=False):
    """The schema, plus what a schema cannot say: unique ids, references that resolve."""
    jsonschema.validate(doc, aicoco_schema(integer_coords))
    ids = {}
    for table in ('images', 'annotations', 'categories', 'regressions', 'objects'):
        ids[table] = [row['id'] for row in doc[table]]
        assert len(set(ids[table])) == len(ids[table]), f'{table} repeats an id'
    cats, regs = set(ids['categories']), set(ids['regressions'])

    def check_refs(row):
        assert set(row.get('category_ids') or ()) <= cats
        assert {item['regression_id'] for item in row.get('regressions') or ()} <= regs
    for row in doc['images'] + doc['objects'] + [doc['meta']]:
        check_refs(row)
    for cat in doc['categories']:
        assert cat['supercategory_id'] is None or cat['supercategory_id'] in cats
    for reg in doc['regressions']:
        assert reg['superregression_id'] is None or reg['superregression_id'] in regs
    for ann in doc['annotations']:
        assert ann['image_id'] in set(ids['images'])
        assert ann['object_id'] in set(ids['objects'])


# ---------------------------------------------------------------- tests
def test_sample_passes_the_check():
    check_aicoco(sample_document(), integer_coords=False)
    with pytest.raises(jsonschema.ValidationError):
        check_aicoco({**sample_document(), 'info': {}})


def test_round_trip_is_equal_ids_included():
    doc = sample_document()
    assert formats.guess(doc) == 'aicoco'
    dset = formats.load(copy.deepcopy(doc))
    out = formats.export(dset, 'aicoco')
    assert out == doc
    assert json.dumps(out, sort_keys=True) == json.dumps(doc, sort_keys=True)
    # and a second time, and through a kwcoco file of the xcoco dataset
    again = formats.load(out)
    assert formats.export(again, 'aicoco') == doc


def test_kwcoco_dump_of_an_aicoco_dataset_reads_back_as_kwcoco(tmp_path):
    doc = sample_document()
    dset = formats.load(copy.deepcopy(doc))
    dset.dump(tmp_path / 'study.kwcoco.json')
    assert formats.guess(tmp_path / 'study.kwcoco.json') == 'kwcoco'
    back = formats.load(tmp_path / 'study.kwcoco.json')
    assert formats.export(back, 'aicoco') == doc


def test_mapping_into_xcoco(tmp_path):
    doc = sample_document()
    fpath = tmp_path / 'study.json'
    fpath.write_text(json.dumps(doc))
    dset = formats.load(fpath)
    assert dset.validate(missing=False)['errors'] == []
    assert_index_consistent(dset)
    images = formats.external_to_internal(dset, 'images')
    cats = formats.external_to_internal(dset, 'categories')
    tracks = formats.external_to_internal(dset, 'tracks')
    # the three NIfTI slices are one video, in index order; other images are not
    (video,) = dset.dataset['videos']
    assert video['name'] == 'ct/case_0001.nii.gz'
    ct = [images[img['id']] for img in doc['images'][:3]]
    assert list(dset.index.vidid_to_gids[video['id']]) == ct
    assert [dset.imgs[g]['frame_index'] for g in ct] == [0, 1, 2]
    assert 'video_id' not in dset.imgs[images[doc['images'][3]['id']]]
    assert dset.imgs[images[doc['images'][3]['id']]]['index'] == 0
    # objects are tracks; an annotation's class is its object's first one
    mass = tracks[doc['objects'][0]['id']]
    assert dset.index.tracks[mass]['category_ids'] == [cats[c] for c in doc['objects'][0]['category_ids']]
    assert dset.index.tracks[mass]['confidence'] == 0.87
    mass_aids = sorted(dset.index.trackid_to_aids[mass])
    assert len(mass_aids) == 3
    assert {dset.anns[a]['category_id'] for a in mass_aids} == {cats[doc['categories'][1]['id']]}
    # categories link by supercategory name
    tumor = dset.index.cats[cats[doc['categories'][1]['id']]]
    assert tumor['supercategory'] == 'Lesion'
    assert set(dset.object_categories().graph.predecessors('Tumor')) == {'Lesion'}
    # boxes: [x1, y1, x2, y2] -> xywh; two boxes -> their union (the boxes kept)
    anns = formats.external_to_internal(dset, 'annotations')
    assert dset.anns[anns[doc['annotations'][2]['id']]]['bbox'] == [165, 168, 153, 156]
    pair = dset.anns[anns[doc['annotations'][3]['id']]]
    assert pair['bbox'] == [5, 6, 65, 74] and pair['aicoco_bbox'] == doc['annotations'][3]['bbox']
    assert pair['reviewed_by'] == 'dr-lin'
    # a segmentation-only annotation gets its rings' extent as its box
    seg = dset.anns[anns[doc['annotations'][1]['id']]]
    assert seg['bbox'] == [12, 11, 32, 33] and seg['aicoco_bbox'] is None
    # regressions and meta stay top-level, with xcoco ids
    sbp = formats.external_to_internal(dset, 'regressions')[doc['regressions'][1]['id']]
    assert dset.dataset['meta']['regressions'] == [{'regression_id': sbp, 'value': 120.0}]
    assert dset.imgs[ct[1]]['regressions'] == [{'regression_id': sbp, 'value': 141}]
    assert dset.imgs[ct[1]]['category_ids'] == [cats[doc['categories'][1]['id']]]


def test_draws_a_slice_with_its_annotations():
    doc = sample_document()
    dset = formats.load(doc)
    gid = formats.external_to_internal(dset, 'images')[doc['images'][2]['id']]
    img = dset.coco_image(gid)
    # AiCOCO images carry no size and the pixels are not on disk: a size
    # and a blank in-memory asset big enough for the annotations stand in
    img['width'], img['height'] = 64, 48
    img.add_asset(imdata=np.zeros((48, 64, 3), dtype=np.uint8), channels='r|g|b')
    canvas = img.draw()
    assert canvas.shape == (48, 64, 3)
    assert canvas[10:26, 10:31].any() and not canvas[35:, 40:].any()


def test_edits_show_in_the_export():
    doc = sample_document()
    dset = formats.load(doc)
    aid = formats.external_to_internal(dset, 'annotations')[doc['annotations'][3]['id']]
    dset.anns[aid]['bbox'] = [0, 0, 10, 10]  # the two boxes no longer hold
    gid = dset.anns[aid]['image_id']
    cid = dset.index.name_to_cat['Tumor']['id']
    new = dset.add_annotation(gid, cid, bbox=[1, 1, 2, 2], score=0.25)
    out = formats.export(dset, 'aicoco')
    check_aicoco(out)
    rows = {row['id']: row for row in out['annotations']}
    assert rows[doc['annotations'][3]['id']]['bbox'] == [[0, 0, 10, 10]]
    added = out['annotations'][-1]
    assert added['id'] == nanoid('annotations', new) and added['bbox'] == [[1, 1, 3, 3]]
    (obj,) = [o for o in out['objects'] if o['id'] == added['object_id']]
    assert obj['category_ids'] == [doc['categories'][1]['id']] and obj['confidence'] == 0.25


@pytest.mark.parametrize('key', ['shapes8', 'vidshapes2'])
def test_export_of_a_kwcoco_dataset_is_valid_aicoco(key):
    dset = xcoco.CocoDataset.demo(key)
    with pytest.warns(UserWarning, match='AiCOCO has no keypoints'):
        out = formats.export(dset, 'aicoco')
    assert all('keypoints' not in ann for ann in out['annotations'])
    assert sorted(out) == sorted(formats.aicoco.KEYS)
    check_aicoco(out)
    with pytest.warns(UserWarning):
        ints = formats.export(dset, 'aicoco', integer_coords=True)
        again = formats.export(dset, 'aicoco', integer_coords=True)
    check_aicoco(ints, integer_coords=True)
    assert ints == again  # deterministic ids
    assert all(len(row['id']) == 21 for row in out['annotations'] + out['images'])
    assert len(out['annotations']) == dset.n_annots
    back = formats.load(out)
    assert back.n_annots == dset.n_annots and back.n_images == dset.n_images
    # the category tree survives, supercategories that were no category included
    tree, back_tree = dset.object_categories(), back.object_categories()
    assert set(tree.graph.edges) == set(back_tree.graph.edges)
    assert back.validate(missing=False)['errors'] == []


def test_tracks_become_objects_with_their_annotations_classes():
    dset = xcoco.CocoDataset.demo('vidshapes2')
    for ann in dset.dataset['annotations']:
        ann.pop('keypoints', None)  # AiCOCO has none (the export would warn)
    out = formats.export(dset, 'aicoco')
    assert len(out['objects']) == dset.n_tracks
    by_object = {}
    for ann in out['annotations']:
        by_object.setdefault(ann['object_id'], []).append(ann)
    assert {len(v) for v in by_object.values()} != {1}


@pytest.mark.parametrize('edit, expected', [
    (lambda d: d['annotations'][0].pop('object_id'),
     "table 'annotations' row 0 (id='{ann}') field 'object_id': missing"),
    (lambda d: d['annotations'][0].update(object_id='nope'),
     "table 'annotations' row 0 (id='{ann}') field 'object_id': 'nope' names no row of 'objects'"),
    (lambda d: d['annotations'][2].update(bbox=[1, 2, 3, 4]),
     "table 'annotations' row 2 (id='{ann2}') field 'bbox': expected a list of [x1, y1, x2, y2] boxes or null, got [1, 2, 3, 4]"),
    (lambda d: d['annotations'][0].update(segmentation=[[1, 2, 3]]),
     "table 'annotations' row 0 (id='{ann}') field 'segmentation': expected a list of flat [x1, y1, x2, y2, ...] rings or null, got [[1, 2, 3]]"),
    (lambda d: d['images'][1]['category_ids'].append('ghost'),
     "table 'images' row 1 (id='{img1}') field 'category_ids': 'ghost' names no row of 'categories'"),
    (lambda d: d['objects'][0]['regressions'][0].pop('regression_id'),
     "table 'objects' row 0 (id='{obj}') field 'regressions': item {{'value': 130}} has no regression_id"),
    (lambda d: d['categories'][1].update(supercategory_id='ghost'),
     "table 'categories' row 1 (id='{cat1}') field 'supercategory_id': 'ghost' names no row of 'categories'"),
    (lambda d: d['categories'][0].pop('name'),
     "table 'categories' row 0 (id='{cat0}') field 'name': expected a name, missing"),
    (lambda d: d.update(objects={}),
     "table 'objects': must be a list of objects, got dict"),
])
def test_bad_rows_are_named(edit, expected):
    doc = sample_document()
    names = {'ann': doc['annotations'][0]['id'], 'ann2': doc['annotations'][2]['id'],
             'img1': doc['images'][1]['id'], 'obj': doc['objects'][0]['id'],
             'cat0': doc['categories'][0]['id'], 'cat1': doc['categories'][1]['id']}
    edit(doc)
    with pytest.raises(FormatError) as info:
        formats.load(doc, format='aicoco')
    assert str(info.value) == 'aicoco: ' + expected.format(**names)


def test_repeated_category_names_are_kept_apart():
    doc = sample_document()
    doc['categories'].append({'id': 'dup-left', 'name': 'Left', 'supercategory_id': doc['categories'][1]['id']})
    doc['categories'].append({'id': 'dup-left-2', 'name': 'Left', 'supercategory_id': doc['categories'][2]['id']})
    dset = formats.load(copy.deepcopy(doc))
    names = [c['name'] for c in dset.dataset['categories']]
    assert len(set(names)) == len(names) and 'Left' in names
    assert formats.export(dset, 'aicoco') == doc


def test_unknown_top_level_keys_are_kept():
    doc = sample_document()
    doc['tables'] = [{'id': 'table_001', 'file_name': 'test_cls.csv'}]
    dset = formats.load(copy.deepcopy(doc))
    assert dset.dataset['aicoco_extra'] == {'tables': doc['tables']}
    assert formats.export(dset, 'aicoco') == doc
