"""
The TrainingData.io dialect (seed 003): the sample export of the seed and
of ../shared/data loads faithfully, validates, draws, and bad rows are named.

Images are not on disk (the sample points at a DICOMweb server), so drawing
gives the image an in-memory asset of zeros (``add_asset(imdata=...)``) and
draws the annotations on it.
"""
import copy
import json
import re
import warnings

import numpy as np
import pytest

from xcoco import formats
from xcoco.errors import FormatError

URI = 'dicomweb://localhost:8000/radiology/TCGA-CA-G4H2/DICOM/000045.dcm'


def _sample():
    from conftest import shared_file
    return json.loads(shared_file('trainingdata_io_seed003', 'tdio_coco_export_sample.json').read_text())


def _seed_example():
    """The JSON sample printed in seed 003 (its only example)."""
    from conftest import SHARED_DPATH
    found = sorted((SHARED_DPATH / 'seeds').glob('003_*.txt'))
    if not found:
        pytest.skip(f'seed 003 not found under {SHARED_DPATH / "seeds"}')
    text = found[0].read_text()
    blocks = re.findall(r'```\n(\{.*?\})\n```', text, flags=re.S)
    samples = [json.loads(block) for block in blocks if '"annotations"' in block and '"id"' in block
               and not block.lstrip().startswith('{\n  "info" : info')]
    assert len(samples) == 1
    return samples[0]


def _small():
    return {
        'images': [{'id': 'uri://a', 'file_name': 'a.dcm', 'width': 32, 'height': 32},
                   {'id': 'uri://b', 'file_name': 'b.dcm', 'width': 32, 'height': 32}],
        'categories': [], 'licenses': [], 'info': {}, 'attributes': [],
        'annotations': [
            {'id': 'x', 'image_id': 'uri://a', 'category_id': 'Car', 'iscrowd': 0,
             'segmentation': [1, 1, 5, 1, 5, 4], 'annotations': []},
            {'id': 'x', 'image_id': 'uri://b', 'category_id': 'polygon', 'iscrowd': 0,
             'segmentation': [2, 2, 6, 2, 6, 6, 2, 6], 'annotations': []},
            {'value': 'v', 'name': 'size', 'image_id': 'uri://b'},
        ]}


def _clean(dset):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = dset.validate(missing=False)
    # kwcoco itself warns that plain COCO images have no 'name'; nothing else may show.
    others = [w for w in result['warnings'] if w.rule != 'image.name.missing']
    return result['errors'], others


def _draw_all(dset):
    """Draw every image on an in-memory black asset; return the canvases."""
    canvases = {}
    for gid in dset.imgs:
        coco_img = dset.coco_image(gid)
        shape = (coco_img['height'], coco_img['width'], 3)
        coco_img.add_asset(imdata=np.zeros(shape, dtype=np.uint8), channels='r|g|b')
        canvases[gid] = coco_img.draw()
    return canvases


def _shoelace(flat):
    xs, ys = np.array(flat[0::2]), np.array(flat[1::2])
    return abs(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))) / 2


@pytest.mark.parametrize('source', ['shared', 'seed'])
def test_sample_export_loads_faithfully(source):
    data = _sample() if source == 'shared' else _seed_example()
    original = copy.deepcopy(data)
    assert formats.guess(data) == 'trainingdata'
    dset = formats.load(data)
    assert data == original, 'the import must not edit its input'
    assert _clean(dset) == ([], [])

    (img,) = dset.dataset['images']
    assert img['external_id'] == URI and img['id'] == 1 and img['width'] == 512
    # the image-level rows moved onto the image, in file order, without image_id
    assert img['attributes'] == [{'value': 'c1', 'name': 'Image size'},
                                 {'value': 'r1', 'name': 'Image color'},
                                 {'value': 'o1', 'name': 'opacity'},
                                 {'value': '', 'name': 'clarity'}]
    assert dset.dataset['attributes'] == [] and dset.dataset['info'] == {}

    cats = {cat['name']: cat for cat in dset.dataset['categories']}
    assert set(cats) == {'polygon', 'Car', 'freehan'}
    assert cats['polygon']['tool_shape'] and cats['freehan']['tool_shape']
    assert 'tool_shape' not in cats['Car']

    rows = [row for row in original['annotations'] if 'segmentation' in row]
    anns = dset.dataset['annotations']
    assert len(anns) == len(rows) == 6, 'rows sharing an id are different objects'
    assert len({ann['id'] for ann in anns}) == 6
    assert [ann['external_id'] for ann in anns] == [row['id'] for row in rows]
    for ann, row in zip(anns, rows):
        assert dset.cats[ann['category_id']]['name'] == row['category_id']
        assert ann['segmentation'] == [row['segmentation']]
        xs, ys = row['segmentation'][0::2], row['segmentation'][1::2]
        assert ann['bbox'] == pytest.approx([min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)])
        assert ann['area'] == pytest.approx(_shoelace(row['segmentation']))
        assert ann['iscrowd'] == 0 and ann['annotations'] == []
    assert len(dset.index.cid_to_aids[cats['Car']['id']]) == 2

    canvas = _draw_all(dset)[img['id']]
    assert canvas.shape == (512, 512, 3) and canvas.any(), 'annotations were drawn'


def test_loads_from_a_path_with_auto_detection(tmp_path, caplog):
    fpath = tmp_path / 'export.json'
    fpath.write_text(json.dumps(_small()))
    with caplog.at_level('INFO', logger='xcoco.formats'):
        dset = formats.load(fpath)
    assert "'trainingdata'" in caplog.text
    assert dset.n_images == 2 and dset.n_annots == 2
    assert _clean(dset) == ([], [])
    assert all(canvas.any() for canvas in _draw_all(dset).values())


def test_guess_prefers_this_dialect_only_on_its_signature():
    assert formats.guess(_small()) == 'trainingdata'
    plain = {'images': [{'id': 1, 'file_name': 'a.png'}], 'categories': [{'id': 1, 'name': 'c'}],
             'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1}]}
    assert formats.guess(plain) == 'mscoco'  # a plain COCO document is MS-COCO
    aicoco_like = {**_small(), 'objects': [], 'regressions': [], 'meta': {}}
    from xcoco.formats import trainingdata
    assert trainingdata.guess(aicoco_like) == 0.0
    assert trainingdata.guess([_small()]) == 0.0


def test_ids_follow_the_id_rule():
    data = _small()
    data['images'] = [{'id': 7, 'file_name': 'a.dcm'}, {'id': 0, 'file_name': 'b.dcm'}]
    for row in data['annotations']:
        row['image_id'] = 7 if row['image_id'] == 'uri://a' else 0
    data['annotations'][0]['id'] = 3
    data['annotations'][1]['id'] = 3  # a repeat: its own annotation
    dset = formats.load(data, format='trainingdata')
    assert [(g['id'], g.get('external_id')) for g in dset.dataset['images']] == [(7, None), (8, 0)]
    assert [(a['id'], a.get('external_id')) for a in dset.dataset['annotations']] == [(3, None), (4, 3)]
    assert [a['image_id'] for a in dset.dataset['annotations']] == [7, 8]
    assert dset.imgs[8]['attributes'] == [{'value': 'v', 'name': 'size'}]
    # the same document gives the same ids
    again = formats.load(data, format='trainingdata')
    assert again.dataset == dset.dataset


def test_given_categories_are_used_by_id_or_name():
    data = _small()
    data['categories'] = [{'id': 'c-car', 'name': 'Car'}, {'id': 4, 'name': 'Truck'}]
    data['annotations'][0]['category_id'] = 'c-car'
    data['annotations'][1]['category_id'] = 'Truck'
    data['annotations'].append({'id': 'y', 'image_id': 'uri://a', 'category_id': 4,
                                'segmentation': [[0, 0, 3, 0, 3, 3]]})
    dset = formats.load(data, format='trainingdata')
    cats = dset.dataset['categories']
    assert cats == [{'id': 5, 'external_id': 'c-car', 'name': 'Car'}, {'id': 4, 'name': 'Truck'}]
    assert [a['category_id'] for a in dset.dataset['annotations']] == [5, 4, 4]
    assert dset.dataset['annotations'][2]['segmentation'] == [[0, 0, 3, 0, 3, 3]]


def test_rows_pointing_nowhere_are_kept_raw_and_reported():
    data = _small()
    data['annotations'].append({'id': 'z', 'image_id': 'uri://gone', 'category_id': 'Car',
                                'segmentation': [0, 0, 1, 0, 1, 1]})
    data['annotations'].append({'value': 'q', 'name': 'n', 'image_id': 'uri://gone'})
    data['annotations'].append({'id': 'w', 'image_id': 'uri://a', 'category_id': 99,
                                'segmentation': [0, 0, 1, 0, 1, 1]})
    dset = formats.load(data, format='trainingdata')
    kept = dset.dataset['unrepresented']
    assert [(e['index'], e['id']) for e in kept] == [(3, 'z'), (4, None), (5, 'w')]
    assert kept[0]['row'] == data['annotations'][3] and kept[0]['format'] == 'trainingdata'
    assert dset.n_annots == 2
    errors, _ = _clean(dset)
    assert [e.rule for e in errors] == ['format.unrepresented'] * 3
    assert "annotations row 3 (id='z')" in errors[0] and 'uri://gone' in errors[0]
    assert 'category_id=99' in errors[2]


@pytest.mark.parametrize('table,index,field,value,fragment', [
    ('annotations', 1, 'segmentation', [1, 2, 3], 'even number of coordinates'),
    ('annotations', 0, 'segmentation', 'POLY', 'flat polygon'),
    ('annotations', 0, 'segmentation', {'counts': 'x'}, "'size'"),
    ('annotations', 1, 'category_id', ['Car'], 'string or a number'),
    ('annotations', 1, 'category_id', 2.5, 'category name or an integer id'),
    ('annotations', 0, 'image_id', {'uri': 1}, 'string or a number'),
    ('images', 1, 'width', '512', 'non-negative integer'),
    ('images', 0, 'id', ['a'], 'string or a number'),
])
def test_malformed_row_names_dialect_table_row_and_field(table, index, field, value, fragment):
    data = _small()
    row_id = data[table][index]['id']
    data[table][index][field] = value
    with pytest.raises(FormatError) as info:
        formats.load(data, format='trainingdata')
    text = str(info.value)
    assert text.startswith('trainingdata')
    assert f'{table} row {index}' in text
    assert f'field {field!r}' in text and fragment in text
    if field != 'id':
        assert f'(id={row_id!r})' in text


def test_malformed_tables_and_documents_are_refused():
    with pytest.raises(FormatError, match="top-level 'annotations' must be a list"):
        formats.load({**_small(), 'annotations': {}}, format='trainingdata')
    with pytest.raises(FormatError, match=r"annotations row 2 \(id=None\): must be an object"):
        formats.load({**_small(), 'annotations': _small()['annotations'][:2] + ['x']},
                     format='trainingdata')
    with pytest.raises(FormatError, match='must be a JSON object'):
        formats.load([_small()], format='trainingdata')
    data = _small()
    data['images'][1]['attributes'] = 'taken'
    with pytest.raises(FormatError, match=r"images row 1 .*field 'attributes'"):
        formats.load(data, format='trainingdata')
