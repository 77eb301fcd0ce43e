"""
The Encord dialect (seed 004): both exports in ../shared/data, a list of
per-data-unit exports as seed 004 describes, bad rows named.

Images are not on disk, so drawing gives each image an in-memory asset of
zeros (``add_asset(imdata=...)``) and draws its annotations on it.
"""
import copy
import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from xcoco import formats
from xcoco.errors import FormatError

MULTIMODAL = 'encord_sdk_expected_export_multimodal.json'
VIDEO = 'encord_sdk_expected_export_video.json'


def _shared(name):
    from conftest import shared_file
    return shared_file('encord_coco_export', name)


def _load_json(name):
    return json.loads(_shared(name).read_text())


def _clean(dset):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = dset.validate(missing=False)
    # kwcoco itself warns that plain COCO images have no 'name'; nothing else may show.
    others = [w for w in result['warnings'] if w.rule != 'image.name.missing']
    return result['errors'], others


def _draw_all(dset):
    canvases = {}
    for gid in dset.imgs:
        coco_img = dset.coco_image(gid)
        shape = (coco_img['height'], coco_img['width'], 3)
        coco_img.add_asset(imdata=np.zeros(shape, dtype=np.uint8), channels='r|g|b')
        canvases[gid] = coco_img.draw()
    return canvases


def _seed_unit(hash_, kind='images'):
    """One data unit exported with every key of seed 004's table (ids from 0)."""
    if kind == 'images':
        images = [{'coco_url': '', 'id': 0, 'image_title': 'x.png', 'file_name': f'images/{hash_}.png',
                   'height': 40, 'width': 60}]
    else:
        images = [{'coco_url': '', 'id': i, 'video_title': 'v.mp4', 'height': 40, 'width': 60,
                   'file_name': f'videos/{hash_}/{i}.jpg'} for i in range(2)]
    annotations = []
    for i, img in enumerate(images):
        annotations.append({
            'area': 20.0, 'bbox': [1.0, 2.0, 5.0, 4.0], 'category_id': 1, 'id': 2 * i,
            'image_id': img['id'], 'iscrowd': 0, 'keypoints': None, 'num_keypoints': None,
            'segmentation': [[1.0, 2.0, 6.0, 2.0, 6.0, 6.0, 1.0, 6.0]],
            'attributes': {'track_id': 0, 'encord_track_uuid': f'{hash_}-obj',
                           'classifications': {'colour': 'red'}, 'manual_annotation': True,
                           '#relation': 'rel-hash'}})
        annotations.append({
            'area': 0.0, 'bbox': [9.0, 9.0, 0.0, 0.0], 'category_id': 2, 'id': 2 * i + 1,
            'image_id': img['id'], 'iscrowd': 0, 'keypoints': [9.0, 9.0, 2], 'num_keypoints': 1,
            'segmentation': [[9.0, 9.0]],
            'attributes': {'track_id': 1, 'encord_track_uuid': f'{hash_}-pt',
                           'classifications': {}, 'manual_annotation': False}})
    return {'info': {'description': hash_},
            'categories': [{'supercategory': 'bounding_box', 'id': 1, 'name': 'car'},
                           {'supercategory': 'point', 'id': 2, 'name': 'tip',
                            'keypoints': 'keypoint', 'skeleton': []}],
            'images': images, 'annotations': annotations}


@pytest.mark.parametrize('name', [MULTIMODAL, VIDEO])
def test_shared_exports_load_validate_and_draw(name):
    data = _load_json(name)
    original = copy.deepcopy(data)
    assert formats.guess(data) == 'encord'
    dset = formats.load(_shared(name))
    assert data == original
    assert _clean(dset) == ([], [])
    assert dset.n_images == len(data['images'])
    assert dset.n_annots == len(data['annotations'])
    assert dset.n_cats == len(data['categories'])
    assert dset.dataset['info'] == data['info']
    # no id 0 survives; originals are kept where the id changed
    for table in ('images', 'annotations', 'categories', 'tracks', 'videos'):
        assert all(obj['id'] > 0 for obj in dset.dataset[table])
    for table in ('images', 'annotations'):
        changed = {obj['external_id']: obj['id'] for obj in dset.dataset[table] if 'external_id' in obj}
        assert set(changed) == {0}
    # every annotation is the same object as its row, on the same image
    gid_of = {img.get('external_id', img['id']): img['id'] for img in dset.dataset['images']}
    for row, ann in zip(data['annotations'], dset.dataset['annotations']):
        assert ann.get('external_id', ann['id']) == row['id']
        assert ann['image_id'] == gid_of[row['image_id']]
        assert ann['bbox'] == row['bbox'] and ann['area'] == row['area']
        assert dset.cats[ann['category_id']]['name'] == \
            {c['id']: c['name'] for c in data['categories']}[row['category_id']]
        assert ann['manual_annotation'] == row['attributes']['manual_annotation']
        assert ann['classifications'] == row['attributes']['classifications']
        assert ann.get('rotation') == row['attributes'].get('rotation')
        track = dset.index.tracks[ann['track_id']]
        assert track['name'] == row['attributes']['encord_track_uuid']
        assert track['encord_track_id'] == row['attributes']['track_id']
    canvases = _draw_all(dset)
    annotated = {ann['image_id'] for ann in dset.dataset['annotations']}
    assert all(canvases[gid].any() for gid in annotated)


def test_multimodal_shapes_are_read_as_their_kind():
    data = _load_json(MULTIMODAL)
    dset = formats.load(data)
    cats = {cat['name']: cat for cat in dset.dataset['categories']}
    assert {name: cat['shape'] for name, cat in cats.items()} == {
        c['name']: c['supercategory'] for c in data['categories']}
    assert all('supercategory' not in cat for cat in cats.values())
    assert cats['keypoint']['keypoints'] == ['keypoint']
    assert 'keypoints' not in cats['skeleton']
    by_cat = {name: [dset.anns[aid] for aid in dset.index.cid_to_aids[cat['id']]]
              for name, cat in cats.items()}
    for ann in by_cat['bitmask']:
        assert ann['iscrowd'] == 0 and ann['encord_iscrowd'] == 1
        assert isinstance(ann['segmentation']['counts'], str)
        from xcoco.objects.geometry import segmentation_area
        assert segmentation_area(ann['segmentation']) == ann['area']
    for ann in by_cat['keypoint']:
        assert 'segmentation' not in ann and len(ann['encord_segmentation'][0]) == 2
        assert ann['keypoints'][:2] == ann['encord_segmentation'][0]
    for ann in by_cat['skeleton']:
        assert len(ann['keypoints']) == 21 and ann['num_keypoints'] == 7
    for ann in by_cat['box']:
        assert 'keypoints' not in ann and 'num_keypoints' not in ann
    rotated = [ann['rotation'] for ann in by_cat['rotatable box']]
    assert len(rotated) == 9 and all(isinstance(r, float) for r in rotated)


def test_frames_are_grouped_into_videos_by_data_hash():
    dset = formats.load(_load_json(MULTIMODAL))
    videos = {video['name']: video for video in dset.dataset['videos']}
    assert sorted(videos) == ['dicom/87ffc8da-f005-45a3-b89f-e6086bd90fa7',
                              'nifti/9cccbe15-4a1b-4374-bddf-8bf270a81b53',
                              'videos/9f4a92e8-c53a-4689-8531-f44e6bc7b03b']
    assert videos['videos/9f4a92e8-c53a-4689-8531-f44e6bc7b03b']['video_title'] == 'video.mp4'

    def frames(name):
        return [(img['file_name'].split('/', 2)[2], img['frame_index'])
                for img in dset.images(video_id=videos[name]['id']).objs]
    assert frames('videos/9f4a92e8-c53a-4689-8531-f44e6bc7b03b') == [('0.jpg', 0), ('1.jpg', 1)]
    assert frames('nifti/9cccbe15-4a1b-4374-bddf-8bf270a81b53') == [('127', 127)]
    # a DICOM instance UID holds no frame number: file order
    assert [index for _, index in frames('dicom/87ffc8da-f005-45a3-b89f-e6086bd90fa7')] == [0, 1]
    loose = [img for img in dset.dataset['images'] if 'video_id' not in img]
    assert len(loose) == 5 and all(img['file_name'].startswith('images/') for img in loose)


def test_tracks_are_keyed_on_the_uuid():
    data = _load_json(VIDEO)
    dset = formats.load(data)
    uuids = {row['attributes']['encord_track_uuid'] for row in data['annotations']}
    assert sorted(t['name'] for t in dset.dataset['tracks']) == sorted(uuids)
    track = next(t for t in dset.dataset['tracks'] if t['name'] == '428fba2b')
    aids = dset.index.trackid_to_aids[track['id']]
    assert sorted(dset.anns[aid]['image_id'] for aid in aids) == sorted(
        dset.images(video_id=dset.dataset['videos'][0]['id']).lookup('id'))


SKELETON_SCRIPT = textwrap.dedent('''
    import json, sys
    from xcoco import formats
    dset = formats.load(json.load(open(sys.argv[1])))
    dets = dset.annots().detections
    skeleton = [c['id'] for c in dset.dataset['categories'] if c['shape'] == 'skeleton'][0]
    kpts = dset.annots(list(dset.index.cid_to_aids[skeleton])).detections.data['keypoints']
    print(len(dets), len(kpts), len(kpts[0].xy))
''')


def test_skeletons_without_keypoint_names_give_detections():
    # kwcoco (through kwimage) loops forever on these: a category that names
    # itself as its supercategory and has no keypoint names.  Run it in a
    # subprocess so that a regression fails instead of hanging the suite.
    fpath = _shared(MULTIMODAL)
    try:
        out = subprocess.run([sys.executable, '-c', SKELETON_SCRIPT, str(fpath)],
                             capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail('annots().detections hung on Encord skeleton annotations')
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['64', '9', '7']


def test_a_list_of_exports_is_merged():
    data = [_load_json(VIDEO), _load_json(VIDEO)]
    dset = formats.load(data)
    assert _clean(dset) == ([], [])
    assert dset.n_images == 8 and dset.n_annots == 16
    assert dset.n_cats == 13, 'identical categories are shared'
    assert len(dset.dataset['tracks']) == 4, 'tracks are shared by uuid'
    assert len(dset.dataset['videos']) == 1, 'frames of one data hash form one video'
    assert [e['info'] for e in dset.dataset['encord_exports']] == [d['info'] for d in data]
    assert [img['encord_export'] for img in dset.dataset['images']] == [0] * 4 + [1] * 4
    second = [img for img in dset.dataset['images'] if img['encord_export'] == 1]
    assert [img['external_id'] for img in second] == [0, 1, 2, 3]


def test_the_seed_shape_a_list_of_data_units():
    units = [_seed_unit('h1'), _seed_unit('h2', kind='videos')]
    original = copy.deepcopy(units)
    assert formats.guess(units) == 'encord'
    dset = formats.load(units)
    assert units == original
    assert _clean(dset) == ([], [])
    assert dset.n_images == 3 and dset.n_annots == 6 and dset.n_cats == 2
    assert [t['name'] for t in dset.dataset['tracks']] == ['h1-obj', 'h1-pt', 'h2-obj', 'h2-pt']
    ann = dset.dataset['annotations'][0]
    assert ann['attributes'] == {'#relation': 'rel-hash'}, 'unknown attributes stay'
    assert ann['classifications'] == {'colour': 'red'}
    point = dset.dataset['annotations'][1]
    assert point['keypoints'] == [9.0, 9.0, 2] and point['encord_segmentation'] == [[9.0, 9.0]]
    assert dset.dataset['videos'][0]['name'] == 'videos/h2'
    assert all(canvas.any() for canvas in _draw_all(dset).values())


def test_clashing_category_names_stay_apart():
    unit = _seed_unit('h1')
    unit['categories'][1]['name'] = 'car'  # same name, another shape
    dset = formats.load(unit, format='encord')
    assert [(c['name'], c.get('encord_name')) for c in dset.dataset['categories']] == [
        ('car', None), ('car [point]', 'car')]
    other = _seed_unit('h2')
    other['categories'][0]['supercategory'] = 'polygon'
    dset = formats.load([_seed_unit('h1'), other], format='encord')
    assert [c['name'] for c in dset.dataset['categories']] == ['car', 'tip', 'car [polygon]']
    assert _clean(dset) == ([], [])


def test_rows_pointing_nowhere_are_kept_raw_and_reported():
    units = [_seed_unit('h1'), _seed_unit('h2')]
    units[1]['annotations'][0]['image_id'] = 5
    units[1]['annotations'][1]['category_id'] = 9
    dset = formats.load(units)
    kept = dset.dataset['unrepresented']
    assert [(e['export'], e['index'], e['id']) for e in kept] == [(1, 0, 0), (1, 1, 1)]
    assert kept[0]['row'] == units[1]['annotations'][0]
    errors, _ = _clean(dset)
    assert [e.rule for e in errors] == ['format.unrepresented'] * 2
    assert 'encord exports[1].annotations row 0 (id=0)' in errors[0]
    assert 'image_id=5' in errors[0] and 'category_id=9' in errors[1]


@pytest.mark.parametrize('field,value,fragment', [
    ('segmentation', [[1, 2, 3]], 'even number of coordinates'),
    ('segmentation', 'POLYGON', 'list of flat polygons or an RLE'),
    ('segmentation', {'size': [4], 'counts': 'x'}, "'size' [height, width]"),
    ('keypoints', [1, 2], '[x, y, v] triples'),
    ('bbox', [1, 2, 3], '[x, y, width, height]'),
    ('attributes', ['track'], 'must be an object'),
    ('image_id', [0], 'string or a number'),
    ('classifications', {}, 'where xcoco keeps an Encord value'),
])
def test_malformed_row_names_dialect_table_row_and_field(field, value, fragment):
    units = [_seed_unit('h1'), _seed_unit('h2')]
    units[1]['annotations'][1][field] = value
    with pytest.raises(FormatError) as info:
        formats.load(units, format='encord')
    text = str(info.value)
    assert text.startswith('encord')
    assert 'exports[1].annotations row 1 (id=1)' in text
    assert f'field {field!r}' in text and fragment in text
    single = _seed_unit('h1')
    single['annotations'][1][field] = value
    with pytest.raises(FormatError, match=r'encord: annotations row 1 \(id=1\)'):
        formats.load(single, format='encord')


def test_malformed_tables_are_refused():
    unit = _seed_unit('h1')
    unit['images'][0]['width'] = '60'
    with pytest.raises(FormatError, match=r"images row 0 \(id=0\): field 'width'"):
        formats.load(unit, format='encord')
    unit = _seed_unit('h1')
    unit['categories'][1]['keypoints'] = [1]
    with pytest.raises(FormatError, match=r"categories row 1 \(id=2\): field 'keypoints'"):
        formats.load(unit, format='encord')
    unit = _seed_unit('h1')
    unit['annotations'][0]['attributes']['track_id'] = [0]
    with pytest.raises(FormatError, match=r"annotations row 0 \(id=0\): field 'attributes.track_id'"):
        formats.load(unit, format='encord')
    with pytest.raises(FormatError, match=r'exports\[1\] must be a JSON object'):
        formats.load([_seed_unit('h1'), 'x'], format='encord')
    with pytest.raises(FormatError, match=r"exports\[0\].images must be a list"):
        formats.load([{**_seed_unit('h1'), 'images': {}}], format='encord')
