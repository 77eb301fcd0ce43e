"""
The validator: a catalogue of hand-made broken manifests, one per rule, each
rejected with that rule, the JSON path and the offending id.
"""
import copy
import pickle
import warnings

import pytest

from xcoco.ops.validate import RULES, Problem, validate


def good_manifest():
    """A small manifest that passes every rule."""
    return {
        'info': {}, 'licenses': [],
        'categories': [
            {'id': 1, 'name': 'animal'},
            {'id': 2, 'name': 'cat', 'supercategory': 'animal'},
            {'id': 3, 'name': 'person', 'keypoints': ['nose', 'eye']},
        ],
        'keypoint_categories': [
            {'id': 1, 'name': 'left_eye', 'reflection_id': 2},
            {'id': 2, 'name': 'right_eye', 'reflection_id': 1},
        ],
        'videos': [{'id': 1, 'name': 'clip', 'width': 64, 'height': 48}],
        'tracks': [{'id': 1, 'name': 'cat_1'}],
        'images': [
            {'id': 1, 'name': 'f0', 'file_name': 'clip/f0.png', 'video_id': 1,
             'frame_index': 0, 'width': 64, 'height': 48,
             'warp_img_to_vid': {'type': 'affine', 'scale': 1.0}},
            {'id': 2, 'name': 'f1', 'file_name': 'clip/f1.png', 'video_id': 1,
             'frame_index': 1, 'width': 64, 'height': 48},
            {'id': 3, 'name': 'msi', 'width': 40, 'height': 40, 'auxiliary': [
                {'file_name': 'msi/rgb.tif', 'channels': 'rgb', 'width': 40, 'height': 40},
                {'file_name': 'msi/nir.tif', 'channels': 'nir|B.0:2', 'width': 20, 'height': 20,
                 'warp_aux_to_img': {'scale': 2.0},
                 'quantization': {'orig_min': 0.0, 'orig_max': 1.0,
                                  'quant_min': 0, 'quant_max': 255, 'nodata': 0}},
            ]},
        ],
        'annotations': [
            {'id': 1, 'image_id': 1, 'category_id': 2, 'track_id': 1,
             'bbox': [1, 2, 10, 10], 'segmentation': [1, 2, 11, 2, 11, 12]},
            {'id': 2, 'image_id': 2, 'category_id': 2, 'track_id': 1,
             'bbox': [2, 2, 10, 10],
             'segmentation': [[2, 2, 12, 2, 12, 12], [3, 3, 4, 3, 4, 4]]},
            {'id': 3, 'image_id': 3, 'category_id': 1, 'bbox': [0, 0, 5, 5],
             'segmentation': {'exterior': [[0, 0], [5, 0], [5, 5]], 'interiors': []},
             'keypoints': [{'xy': [1, 1], 'visible': 2, 'keypoint_category_id': 1},
                           {'xy': [3, 1], 'keypoint_category': 'right_eye'}]},
            {'id': 4, 'image_id': 3, 'category_id': 3, 'bbox': [0, 0, 4, 4],
             'keypoints': [1, 1, 2, 2, 2, 1],
             'segmentation': {'size': [40, 40], 'counts': [5, 3, 1592]}},
            {'id': 5, 'image_id': 3, 'category_id': 1, 'bbox': [10, 10, 2, 2],
             'segmentation': 'POLYGON ((10 10, 12 10, 12 12, 10 10))'},
        ],
    }


def test_good_manifest_is_clean():
    result = validate(good_manifest(), missing=False)
    assert result == {'errors': [], 'warnings': []}


def _set(path, value):
    def mutate(data):
        *head, last = path
        obj = data
        for key in head:
            obj = obj[key]
        obj[last] = value
    return mutate


def _append(table, obj):
    def mutate(data):
        data[table].append(obj)
    return mutate


def _pop(path):
    def mutate(data):
        *head, last = path
        obj = data
        for key in head:
            obj = obj[key]
        del obj[last]
    return mutate


# (rule, mutation, expected path, expected id, message fragment, severity, config)
CATALOGUE = [
    ('manifest.schema', _set(['images'], {'id': 1}), '/images', None,
     "table 'images' must be a list", 'error', {}),
    ('schema', _set(['annotations', 0, 'bbox'], [1, 2, 3]), '/annotations/0/bbox', 1,
     "field 'bbox'", 'error', {}),
    ('schema', _set(['images', 1, 'width'], 'wide'), '/images/1/width', 2,
     "field 'width': expected an integer, got 'wide'", 'error', {}),
    ('schema', _set(['images', 2, 'auxiliary', 1, 'quantization'], {'orig_min': 0}),
     '/images/2/auxiliary/1/quantization', 3, "missing 'orig_max', 'quant_min' and 'quant_max'",
     'error', {}),
    ('schema', _set(['annotations', 2, 'keypoints', 0, 'visible'], 5),
     '/annotations/2/keypoints', 3, "field 'keypoints", 'error', {}),
    ('id.unique', _append('images', {'id': 2, 'file_name': 'dup.png', 'name': 'dup'}),
     '/images/3/id', 2, 'Duplicate images id = 2 at /images/3 (first at /images/1', 'error', {}),
    ('id.unique', _append('annotations', {'id': 1, 'image_id': 1, 'category_id': 1}),
     '/annotations/5/id', 1, 'Duplicate annotations id = 1', 'error', {}),
    ('name.unique', _append('categories', {'id': 9, 'name': 'cat'}),
     '/categories/3/name', 9, "Duplicate categories name = 'cat'", 'error', {}),
    ('name.unique', _append('videos', {'id': 9, 'name': 'clip'}),
     '/videos/1/name', 9, "Duplicate videos name = 'clip'", 'error', {}),
    ('image.name.missing', _pop(['images', 0, 'name']), '/images', None,
     "missing 1 / 3 values for column 'name'", 'warning', {}),
    ('annotation.image_id.exists', _set(['annotations', 1, 'image_id'], 99),
     '/annotations/1/image_id', 2, 'refers to image_id=99 which does not exist', 'error', {}),
    ('annotation.category_id.exists', _set(['annotations', 0, 'category_id'], 42),
     '/annotations/0/category_id', 1, 'category_id=42', 'error', {}),
    ('annotation.track_id.exists', _set(['annotations', 0, 'track_id'], 7),
     '/annotations/0/track_id', 1, 'track_id=7', 'error', {}),
    ('image.video_id.exists', _set(['images', 0, 'video_id'], 5),
     '/images/0/video_id', 1, 'video_id=5', 'error', {}),
    ('keypoint.category.exists', _set(['annotations', 2, 'keypoints', 0, 'keypoint_category_id'], 8),
     '/annotations/2/keypoints/0/keypoint_category_id', 3, 'keypoint_category_id=8', 'error', {}),
    ('keypoint.category.exists', _set(['annotations', 2, 'keypoints', 1, 'keypoint_category'], 'tail'),
     '/annotations/2/keypoints/1/keypoint_category', 3, "keypoint_category='tail'", 'error', {}),
    ('keypoint_category.reflection_id.exists', _set(['keypoint_categories', 0, 'reflection_id'], 9),
     '/keypoint_categories/0/reflection_id', 1, 'reflection_id=9', 'error', {}),
    ('annotation.bbox.size', _set(['annotations', 0, 'bbox'], [1, 2, -3, 4]),
     '/annotations/0/bbox', 1, 'negative width or height', 'error', {}),
    ('annotation.bbox.size', _set(['annotations', 0, 'bbox'], [1, 2, float('nan'), 4]),
     '/annotations/0/bbox', 1, 'non-finite', 'error', {}),
    ('annotation.bbox.inside', _set(['annotations', 0, 'bbox'], [60, 2, 10, 4]),
     '/annotations/0/bbox', 1, 'outside its 64x48 image', 'warning', {}),
    ('annotation.segmentation.even', _set(['annotations', 0, 'segmentation'], [1, 2, 3, 4, 5, 6, 7]),
     '/annotations/0/segmentation', 1, 'odd number of coordinates (7)', 'error', {}),
    ('annotation.segmentation.even', _set(['annotations', 1, 'segmentation', 1], [1, 2, 3]),
     '/annotations/1/segmentation/1', 2, 'odd number', 'error', {}),
    ('annotation.segmentation.degenerate', _set(['annotations', 0, 'segmentation'], [1, 2, 3, 4]),
     '/annotations/0/segmentation', 1, 'at least 3', 'warning', {}),
    ('annotation.segmentation.rle', _set(['annotations', 3, 'segmentation', 'counts'], [5, 3]),
     '/annotations/3/segmentation/counts', 4, 'needs 1600', 'error', {}),
    ('annotation.segmentation.wkt', _set(['annotations', 4, 'segmentation'], 'POLYGON ((1 2, 3'),
     '/annotations/4/segmentation', 5, 'does not parse', 'error', {}),
    ('annotation.keypoints.length', _set(['annotations', 3, 'keypoints'], [1, 1, 2, 2]),
     '/annotations/3/keypoints', 4, 'triples', 'error', {}),
    ('annotation.keypoints.length', _set(['annotations', 3, 'keypoints'], [1, 1, 2]),
     '/annotations/3/keypoints', 4, 'names 2', 'error', {}),
    ('track.bbox.size', _set(['tracks', 0, 'bbox'], [0, 0, -1, 1]),
     '/tracks/0/bbox', 1, 'negative', 'error', {}),
    ('image.size', _set(['images', 0, 'width'], 0),
     '/images/0/width', 1, 'expected a positive integer', 'error', {}),
    ('image.size.float', _set(['images', 0, 'height'], 48.0),
     '/images/0/height', 1, 'as a float', 'warning', {}),
    ('image.attrs', _pop(['images', 2, 'width']), '/images/2/width', 3,
     "has no 'width'", 'error', {'img_attrs': 'error'}),
    ('annotation.attrs', _pop(['annotations', 4, 'bbox']), '/annotations/4/bbox', 5,
     'has no bbox', 'warning', {'annot_attrs': 'warn'}),
    ('image.frame_index.unique', _set(['images', 1, 'frame_index'], 0),
     '/images/1/frame_index', 2, 'repeats frame_index=0 of image id=1', 'error', {}),
    ('image.file_name.required', _pop(['images', 2, 'auxiliary']), '/images/2', 3,
     "neither 'file_name' nor", 'warning', {}),
    ('channels.parse', _set(['images', 2, 'auxiliary', 1, 'channels'], 'B1||B2'),
     '/images/2/auxiliary/1/channels', 3, 'empty channel name', 'error', {}),
    ('channels.parse', _set(['images', 2, 'auxiliary', 1, 'channels'], 'nir, red'),
     '/images/2/auxiliary/1/channels', 3, 'surrounding spaces', 'error', {}),
    ('channels.repeat', _set(['images', 2, 'auxiliary', 1, 'channels'], 'g|nir'),
     '/images/2/auxiliary/1/channels', 3, "channel 'g' appears more than once", 'error', {}),
    ('channels.repeat', _set(['images', 2, 'auxiliary', 1, 'channels'], 'nir|nir'),
     '/images/2/auxiliary/1/channels', 3, "channel 'nir'", 'error', {}),
    ('asset.channels.missing', _pop(['images', 2, 'auxiliary', 0, 'channels']),
     '/images/2/auxiliary/0', 3, 'has no channels', 'error', {}),
    ('warp.coerce', _set(['images', 0, 'warp_img_to_vid'], {'type': 'affine', 'scale': 0}),
     '/images/0/warp_img_to_vid', 1, 'not an invertible', 'error', {'schema': False}),
    ('warp.coerce', _set(['images', 2, 'auxiliary', 1, 'warp_aux_to_img'], {'scale': 'big'}),
     '/images/2/auxiliary/1/warp_aux_to_img', 3, 'does not coerce', 'error', {'schema': False}),
    ('file_name.escape', _set(['images', 0, 'file_name'], '../outside.png'),
     '/images/0/file_name', 1, 'points outside the bundle', 'warning', {}),
    ('file_name.escape', _set(['images', 2, 'auxiliary', 0, 'file_name'], 'a/../../x.tif'),
     '/images/2/auxiliary/0/file_name', 3, 'outside the bundle', 'error', {'require_relative': 2}),
    ('file_name.absolute', _set(['images', 0, 'file_name'], '/abs/f0.png'),
     '/images/0/file_name', 1, 'is absolute', 'error', {'require_relative': 1}),
    ('format.unrepresented', _set(['unrepresented'], [
        {'format': 'encord', 'table': 'annotations', 'index': 4, 'id': 'a7',
         'reason': 'image_id=9 names no image', 'row': {'id': 'a7', 'image_id': 9}}]),
     '/unrepresented/0', 'a7', 'encord annotations row 4 (id=\'a7\') was not imported: image_id=9',
     'error', {}),
]


def test_catalogue_covers_every_rule():
    covered = {entry[0] for entry in CATALOGUE} | {'file.missing', 'file.unreadable'}
    assert covered == set(RULES)


@pytest.mark.parametrize('rule,mutate,path,oid,fragment,severity,config', CATALOGUE,
                         ids=[f'{e[0]}-{i}' for i, e in enumerate(CATALOGUE)])
def test_broken_manifest_is_reported(rule, mutate, path, oid, fragment, severity, config):
    data = good_manifest()
    mutate(data)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = validate(data, **{'missing': False, **config})
    found = result['errors'] if severity == 'error' else result['warnings']
    hits = [p for p in found if p.rule == rule and p.path.startswith(path)]
    assert hits, f'{rule} not reported; got {[(p.rule, p.path, str(p)) for p in found]}'
    problem = hits[0]
    assert problem.id == oid
    assert fragment in problem.message
    assert problem.severity == severity
    # The other list holds nothing about this rule: severities are not mixed.
    other = result['warnings'] if severity == 'error' else result['errors']
    assert not [p for p in other if p.rule == rule]


def test_problem_is_a_kwcoco_string_and_a_record():
    data = good_manifest()
    data['annotations'][0]['image_id'] = 99
    result = validate(data, missing=False)
    assert set(result) == {'errors', 'warnings'}
    text = '\n'.join(result['errors'])
    assert 'image_id=99' in text
    problem = result['errors'][0]
    assert isinstance(problem, str)
    assert problem.to_dict() == {
        'rule': 'annotation.image_id.exists', 'path': '/annotations/0/image_id',
        'id': 1, 'severity': 'error',
        'message': 'annotation id=1 refers to image_id=99 which does not exist'}
    # .keys() is the API under test: `in problem` is str containment
    assert {k: problem[k] for k in problem.keys()}['rule'] == problem.rule
    assert problem[0:10] == 'annotation'
    again = pickle.loads(pickle.dumps(problem))
    assert again.to_dict() == problem.to_dict()
    import orjson
    assert orjson.loads(orjson.dumps(result['errors'])) == [str(problem)]
    with pytest.raises(KeyError):
        problem['nope']


def test_every_problem_reported_not_only_the_first():
    data = good_manifest()
    for ann in data['annotations']:
        ann['image_id'] = 1000 + ann['id']
    result = validate(data, missing=False)
    hits = [p for p in result['errors'] if p.rule == 'annotation.image_id.exists']
    assert [p.id for p in hits] == [1, 2, 3, 4, 5]


def test_warnings_raise_one_userwarning():
    data = good_manifest()
    for img in data['images']:
        del img['name']
    with pytest.warns(UserWarning, match='validate found 1 warnings'):
        validate(data, missing=False)


def test_fastfail_raises_a_manifest_error():
    import xcoco
    data = good_manifest()
    data['annotations'][0]['category_id'] = 77
    with pytest.raises(xcoco.ManifestError, match='annotation.category_id.exists'):
        validate(data, fastfail=True, missing=False)


def test_unknown_option_is_refused():
    with pytest.raises(TypeError, match='unknown options'):
        validate(good_manifest(), shcema=True)


def test_switching_checks_off():
    data = good_manifest()
    data['annotations'][0]['image_id'] = 99
    data['annotations'][0]['bbox'] = [0, 0, -1, 1]
    data['images'][0]['file_name'] = '../x.png'
    result = validate(data, references=False, geometry=False, missing=False)
    assert [p.rule for p in result['errors']] == []
    assert [p.rule for p in result['warnings']] == ['file_name.escape']


def test_non_dict_manifest():
    result = validate([1, 2])
    assert [p.rule for p in result['errors']] == ['manifest.schema']


def test_garbage_values_do_not_crash():
    data = good_manifest()
    data['annotations'][0]['image_id'] = [1]
    data['annotations'][0]['track_id'] = {'a': 1}
    data['images'][0]['video_id'] = [1]
    data['images'][0]['frame_index'] = [0]
    data['annotations'].append('not an object')
    data['images'][1]['id'] = {'x': 1}
    result = validate(data, missing=False)
    rules = {p.rule for p in result['errors']}
    # image 2 lost its usable id, so annotation 2 now dangles
    assert rules == {'schema', 'annotation.image_id.exists'}
    paths = {p.path for p in result['errors']}
    assert '/annotations/5' in paths
    assert '/annotations/0/image_id' in paths


def test_missing_and_unreadable_files_are_opt_in(tmp_path):
    import kwimage
    import numpy as np
    kwimage.imwrite(tmp_path / 'ok.png', np.zeros((4, 5, 3), dtype=np.uint8))
    (tmp_path / 'bad.png').write_bytes(b'not an image')
    data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'ok.png'},
                       {'id': 2, 'name': 'b', 'file_name': 'bad.png'},
                       {'id': 3, 'name': 'c', 'file_name': 'gone.png'}]}

    class Bundle:
        dataset = data
        bundle_dpath = str(tmp_path)
        fpath = str(tmp_path / 'data.kwcoco.json')

    assert validate(Bundle(), missing=False)['errors'] == []
    result = validate(Bundle(), missing=True, corrupted=True)
    by_rule = {p.rule: p for p in result['errors']}
    assert by_rule['file.missing'].id == 3
    assert by_rule['file.missing'].path == '/images/2/file_name'
    assert by_rule['file.unreadable'].id == 2
    assert result['missing'] == [(2, str(tmp_path / 'gone.png'), 3)]
    assert result['corrupted'] == [(1, str(tmp_path / 'bad.png'), 2)]


def test_dataset_loaded_without_index_reports_duplicates(tmp_path):
    import json

    import xcoco
    data = good_manifest()
    data['images'].append(copy.deepcopy(data['images'][0]))
    data['annotations'][0]['image_id'] = 404
    fpath = tmp_path / 'broken.kwcoco.json'
    fpath.write_text(json.dumps(data))
    dset = xcoco.CocoDataset(str(fpath), autobuild=False)
    result = validate(dset, missing=False)
    rules = sorted({p.rule for p in result['errors']})
    assert rules == ['annotation.image_id.exists', 'id.unique',
                     'image.frame_index.unique', 'name.unique']


def test_xcoco_demo_datasets_validate():
    import xcoco
    for key in ['shapes8', 'vidshapes2-msi-multisensor', 'vidshapes3-frames4']:
        dset = xcoco.CocoDataset.demo(key)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            result = validate(dset, missing=True, corrupted=True)
        assert result['errors'] == [], key


def test_kwcoco_demo_datasets_validate():
    kwcoco = pytest.importorskip('kwcoco')
    for key in ['shapes8', 'vidshapes8-multispectral', 'vidshapes2-msi-multisensor']:
        dset = kwcoco.CocoDataset.demo(key)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            # the dataset, not its dict: its files are checked in its bundle
            assert validate(dset)['errors'] == [], key


def test_same_verdict_as_kwcoco_on_what_kwcoco_checks():
    kwcoco = pytest.importorskip('kwcoco')
    data = good_manifest()
    data['images'].append({'id': 1, 'name': 'other', 'file_name': 'x.png'})
    data['annotations'][0]['bbox'] = [1, 2, 'x', 4]
    theirs = kwcoco.CocoDataset(copy.deepcopy(data), autobuild=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        kw_result = theirs.validate(missing=False)
        ours = validate(data, missing=False)
    assert len(kw_result['errors']) == 2
    assert {p.rule for p in ours['errors']} == {'schema', 'id.unique'}


def test_real_coco_files(shared_real_files):
    for name, fpath in shared_real_files.items():
        import json
        data = json.loads(fpath.read_text())
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            result = validate(data, missing=False)
        if name == 'tdio':
            # string ids, names as category ids: a dialect, not a kwcoco file
            assert {'schema', 'annotation.category_id.exists'} <= {p.rule for p in result['errors']}
        else:
            assert result['errors'] == [], name


@pytest.fixture
def shared_real_files():
    from conftest import shared_file
    return {
        'val2014': shared_file('coco_val2014_100', 'instances_val2014_100.json'),
        'person': shared_file('coco_person_keypoints_1img', 'person_keypoints_val2017_1img.json'),
        'tdio': shared_file('trainingdata_io_seed003', 'tdio_coco_export_sample.json'),
    }


def test_problem_doc_fields():
    p = Problem('m', rule='image.size', path='/images/0', id=1, severity='warning')
    assert p.severity == 'warning' and str(p) == 'm'


def test_verbose_prints_each_error_message(capsys):
    data = good_manifest()
    data['annotations'][0]['category_id'] = 77
    result = validate(data, verbose=1, missing=False)
    out = capsys.readouterr().out
    assert out.splitlines() == [str(p) for p in result['errors']]
    assert 'refers to category_id=77' in out


def test_track_ids_without_a_tracks_table_warn_once():
    data = good_manifest()
    del data['tracks']
    data['annotations'][1]['track_id'] = 2
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = validate(data, missing=False)
    hits = [p for p in result['warnings'] if p.rule == 'annotation.track_id.exists']
    assert [(p.id, p.path) for p in hits] == [(1, '/annotations/0/track_id')]
    assert 'no tracks table' in hits[0].message
    assert result['errors'] == []


def test_absolute_paths_outside_and_inside_the_bundle(tmp_path):
    data = {'images': [{'id': 1, 'name': 'a', 'file_name': str(tmp_path / 'in.png')},
                       {'id': 2, 'name': 'b', 'file_name': '/elsewhere/out.png'},
                       {'id': 3, 'name': 'c', 'file_name': 's3://bucket/x.png'}]}

    class Bundle:
        dataset = data
        bundle_dpath = str(tmp_path)

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = validate(Bundle(), missing=False)
    assert [(p.rule, p.id) for p in result['warnings']] == [('file_name.escape', 2)]
    result = validate(Bundle(), require_relative=1, missing=False)
    assert [(p.rule, p.id) for p in result['errors']] == [('file_name.absolute', 1),
                                                          ('file_name.absolute', 2)]


def test_dataset_built_with_the_edit_api_is_clean(small_dset):
    # its bundle is made up: only the manifest is checked
    result = validate(small_dset, missing=False)
    assert result['errors'] == []
    assert {p.rule for p in result['warnings']} <= {'image.name.missing'}


# ---- in-memory values: numpy scalars, arrays and tuples are data -----------

def numpy_manifest():
    """
    A manifest as code builds it in memory: numpy ids and numbers, array
    boxes, tuple polygons and warps under both spellings.  Returns the
    manifest and the plain JSON a dump of it must read back as.
    """
    import numpy as np
    data = {
        'info': {'made_by': ('a', 'test')},
        'categories': [{'id': np.int64(1), 'name': 'cat',
                        'keypoints': ['nose', 'tail']}],
        'videos': [{'id': np.int32(1), 'name': 'clip', 'width': np.int64(64),
                    'height': 48}],
        'images': [
            {'id': np.int64(1), 'name': 'f0', 'file_name': 'f0.png',
             'video_id': np.int64(1), 'frame_index': np.int64(0),
             'width': np.int64(64), 'height': np.int32(48),
             'warp_img_to_vid': {'scale': (np.float64(1.0), np.float32(1.0))}},
            {'id': 2, 'name': 'msi', 'width': 40, 'height': 40, 'assets': [
                {'file_name': 'b1.tif', 'channels': np.str_('B1'),
                 'width': np.int64(20), 'height': 20,
                 'warp_img_from_asset': {'scale': (np.float64(2.0), np.float64(2.0)),
                                         'offset': np.array([0.5, 0.0])}},
            ], 'auxiliary': [
                {'file_name': 'b2.tif', 'channels': 'B2', 'width': 40, 'height': 40,
                 'warp_aux_to_img': {'matrix': np.eye(3)}},
            ]},
        ],
        'annotations': [
            {'id': np.int64(1), 'image_id': np.int64(1), 'category_id': np.int64(1),
             'bbox': np.array([1.0, 2.0, 10.0, 10.0]),
             'segmentation': [(1, 2, np.float64(11.0), 2, 11, 12)],
             'keypoints': np.array([1, 2, 2, 3, 4, 1]),
             'score': np.float32(0.5), 'iscrowd': np.bool_(False),
             'area': np.float64(100.0)},
            {'id': 2, 'image_id': 2, 'category_id': 1,
             'bbox': (np.int64(0), np.int64(0), np.int64(4), np.int64(4)),
             'segmentation': {'size': (np.int64(40), np.int64(40)),
                              'counts': np.array([5, 3, 1592])}},
        ],
    }
    plain = {
        'info': {'made_by': ['a', 'test']},
        'categories': [{'id': 1, 'name': 'cat', 'keypoints': ['nose', 'tail']}],
        'videos': [{'id': 1, 'name': 'clip', 'width': 64, 'height': 48}],
        'images': [
            {'id': 1, 'name': 'f0', 'file_name': 'f0.png', 'video_id': 1,
             'frame_index': 0, 'width': 64, 'height': 48,
             'warp_img_to_vid': {'scale': [1.0, 1.0]}},
            {'id': 2, 'name': 'msi', 'width': 40, 'height': 40, 'assets': [
                {'file_name': 'b1.tif', 'channels': 'B1', 'width': 20, 'height': 20,
                 'warp_img_from_asset': {'scale': [2.0, 2.0], 'offset': [0.5, 0.0]}},
            ], 'auxiliary': [
                {'file_name': 'b2.tif', 'channels': 'B2', 'width': 40, 'height': 40,
                 'warp_aux_to_img': {'matrix': [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
                                                [0.0, 0.0, 1.0]]}},
            ]},
        ],
        'annotations': [
            {'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [1.0, 2.0, 10.0, 10.0],
             'segmentation': [[1, 2, 11.0, 2, 11, 12]], 'keypoints': [1, 2, 2, 3, 4, 1],
             'score': 0.5, 'iscrowd': False, 'area': 100.0},
            {'id': 2, 'image_id': 2, 'category_id': 1, 'bbox': [0, 0, 4, 4],
             'segmentation': {'size': [40, 40], 'counts': [5, 3, 1592]}},
        ],
    }
    return data, plain


def test_numpy_values_and_tuples_validate_clean():
    data, plain = numpy_manifest()
    assert validate(plain, missing=False) == {'errors': [], 'warnings': []}
    assert validate(data, missing=False) == {'errors': [], 'warnings': []}


def test_numpy_values_and_tuples_round_trip_as_plain_json(tmp_path):
    import json

    from xcoco.manifest.io import (
        dumps_manifest,
        iter_manifest_bytes,
        plain_json,
        read_manifest,
        write_manifest,
    )
    from xcoco.ops.hashid import manifest_hashid
    data, plain = numpy_manifest()
    assert plain_json(data) == plain
    for name, kw in [('compact.json', {}), ('indent2.json', {'indent': 2}),
                     ('indent4.json', {'indent': 4}), ('lines.json', {'newlines': True}),
                     ('packed.kwcoco.zip', {})]:
        write_manifest(data, tmp_path / name, **kw)
        assert read_manifest(tmp_path / name) == plain, name
    assert json.loads(dumps_manifest(data)) == plain
    assert b''.join(iter_manifest_bytes(data, slice_items=1)) == dumps_manifest(plain)
    assert manifest_hashid(data) == manifest_hashid(plain)


@pytest.mark.parametrize('where,value,rule,path,fragment', [
    (['annotations', 1, 'bbox'], ('np', (1, 2, 3)), 'schema', '/annotations/1/bbox',
     "expected a list of 4 numbers [x, y, width, height], got [1, 2, 3]"),
    (['annotations', 1, 'bbox'], ('array', [1, 2, float('nan'), 4]), 'annotation.bbox.size',
     '/annotations/1/bbox', 'non-finite bbox [1.0, 2.0, nan, 4.0]'),
    (['annotations', 1, 'bbox'], ('np', (0, 0, -4, 4)), 'annotation.bbox.size',
     '/annotations/1/bbox', 'negative width or height'),
    (['annotations', 0, 'segmentation'], ('tuple', [(1.0, 2.0, 3.0)]),
     'annotation.segmentation.even', '/annotations/0/segmentation/0', 'odd number'),
    (['annotations', 1, 'segmentation', 'counts'], ('array', [5, 3]),
     'annotation.segmentation.rle', '/annotations/1/segmentation/counts', 'needs 1600'),
    (['annotations', 0, 'keypoints'], ('array', [1, 2, 2, 3]), 'annotation.keypoints.length',
     '/annotations/0/keypoints', 'triples'),
    (['images', 1, 'assets', 0, 'warp_img_from_asset'], ('warp', 0.0), 'warp.coerce',
     '/images/1/assets/0/warp_img_from_asset', 'not an invertible'),
    (['images', 0, 'width'], ('scalar', 0), 'image.size', '/images/0/width',
     'expected a positive integer'),
    (['annotations', 1, 'image_id'], ('scalar', 9), 'annotation.image_id.exists',
     '/annotations/1/image_id', 'image_id=9 which does not exist'),
])
def test_bad_numpy_values_are_still_reported(where, value, rule, path, fragment):
    import numpy as np
    kind, raw = value
    value = {
        'np': lambda: tuple(np.int64(v) for v in raw),
        'array': lambda: np.array(raw),
        'tuple': lambda: [tuple(np.float64(v) for v in part) for part in raw],
        'warp': lambda: {'scale': (np.float64(raw), np.float64(raw))},
        'scalar': lambda: np.int64(raw),
    }[kind]()
    data, _ = numpy_manifest()
    _set(where, value)(data)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = validate(data, schema=(rule == 'schema'), missing=False)
    hits = [p for p in result['errors'] if p.rule == rule]
    assert [p.path for p in hits] == [path], [str(p) for p in result['errors']]
    assert fragment in hits[0].message


def _holds_tuple(value):
    if isinstance(value, tuple):
        return True
    if isinstance(value, dict):
        return any(map(_holds_tuple, value.values()))
    if isinstance(value, list):
        return any(map(_holds_tuple, value))
    return False


def test_kwcoco_multisensor_demo_built_on_a_new_machine_validates(tmp_path, monkeypatch):
    # kwcoco's cache holds the demo as JSON; only a freshly built demo keeps
    # its warps as tuples of numpy floats, so build it in an empty cache.
    kwcoco = pytest.importorskip('kwcoco')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        dset = kwcoco.CocoDataset.demo('vidshapes2-msi-multisensor')
    assert str(tmp_path) in dset.fpath
    assert _holds_tuple(dset.dataset['images']), 'the demo no longer holds tuples'
    with warnings.catch_warnings():
        # its boxes poke out of their images: warnings, which are not the point
        warnings.filterwarnings('ignore', 'validate found', UserWarning)
        result = validate(dset)
    assert result['errors'] == []


# ---- any backend: an index without a dict manifest ------------------------

class IndexOnly:
    """A dataset served from its index, as the SQL backend serves it."""

    def __init__(self, manifest, bundle_dpath):
        import types

        from xcoco.tables import INDEX_ATTR, TABLES

        class Index:
            pass

        self.index = Index()
        for table in TABLES:
            by_id = {obj['id']: obj for obj in manifest.get(table, [])}
            setattr(self.index, INDEX_ATTR[table], types.MappingProxyType(by_id))
        self.bundle_dpath = str(bundle_dpath)


def test_validate_reads_an_index_without_a_dataset(tmp_path):
    dset = IndexOnly(good_manifest(), tmp_path)
    assert not hasattr(dset, 'dataset')
    assert validate(dset, missing=False) == {'errors': [], 'warnings': []}
    data = good_manifest()
    data['annotations'][1]['image_id'] = 99
    data['images'][2]['auxiliary'][1]['warp_aux_to_img'] = {'scale': 0}
    data['keypoint_categories'][0]['reflection_id'] = 7
    result = validate(IndexOnly(data, tmp_path), schema=False, missing=False)
    assert [(p.rule, p.path, p.id) for p in result['errors']] == [
        ('warp.coerce', '/images/2/auxiliary/1/warp_aux_to_img', 3),
        ('annotation.image_id.exists', '/annotations/1/image_id', 2),
        ('keypoint_category.reflection_id.exists', '/keypoint_categories/0/reflection_id', 1),
    ]


# ---- corrupted files: every pixel must decode -----------------------------

def _truncated_copy(fpath, name, keep=0.6):
    data = fpath.read_bytes()
    out = fpath.parent / name
    out.write_bytes(data[:int(len(data) * keep)])
    return out


@pytest.fixture
def bundle_with_truncated_files(tmp_path):
    """
    Intact and truncated copies of a PNG and of a tiled GeoTIFF: the cut
    files keep their headers, so only a full decode notices.
    """
    pytest.importorskip('rasterio')
    import kwimage
    import numpy as np

    from xcoco.imdata.geotiff import write_geotiff
    rng = np.random.default_rng(0)
    noise = (rng.random((256, 256, 3)) * 255).astype(np.uint8)
    kwimage.imwrite(tmp_path / 'ok.png', noise)
    write_geotiff(tmp_path / 'ok.tif', noise, blocksize=64, overviews=[])
    for name in ['cut.png', 'cut_asset.tif', 'cut_base.tif']:
        source = tmp_path / ('ok.png' if name.endswith('.png') else 'ok.tif')
        cut = _truncated_copy(source, name)
        assert kwimage.load_image_shape(cut)[:2] == (256, 256)  # the header survives
    manifest = {'images': [
        {'id': 1, 'name': 'a', 'file_name': 'ok.png'},
        {'id': 2, 'name': 'b', 'file_name': 'cut.png'},
        {'id': 3, 'name': 'c', 'assets': [
            {'file_name': 'ok.tif', 'channels': 'r|g|b'},
            {'file_name': 'cut_asset.tif', 'channels': 'x|y|z'}]},
        {'id': 4, 'name': 'd', 'file_name': 'cut_base.tif'},
        {'id': 5, 'name': 'e', 'file_name': 'ok.tif'},
    ]}
    return tmp_path, manifest


def test_corrupted_images_decode_every_pixel(bundle_with_truncated_files):
    import xcoco
    dpath, manifest = bundle_with_truncated_files
    dset = xcoco.CocoDataset(copy.deepcopy(manifest), bundle_dpath=str(dpath))
    cut_png, cut_asset, cut_base = (str(dpath / n) for n in
                                    ['cut.png', 'cut_asset.tif', 'cut_base.tif'])
    assert dset.corrupted_images() == [(1, cut_png, 2), (2, cut_asset, 3), (3, cut_base, 4)]
    assert dset.corrupted_images(check_aux=False) == [(1, cut_png, 2), (3, cut_base, 4)]
    result = validate(dset, corrupted=True)
    assert result['corrupted'] == [(1, cut_png, 2), (2, cut_asset, 3), (3, cut_base, 4)]
    assert [(p.rule, p.path) for p in result['errors']] == [
        ('file.unreadable', '/images/1/file_name'),
        ('file.unreadable', '/images/2/assets/1/file_name'),
        ('file.unreadable', '/images/3/file_name')]


def test_corrupted_images_on_an_index_without_a_dataset(bundle_with_truncated_files):
    from xcoco.query import Queryable
    dpath, manifest = bundle_with_truncated_files

    class IndexOnlyDataset(IndexOnly, Queryable):
        pass

    dset = IndexOnlyDataset(manifest, dpath)
    assert dset.corrupted_images(check_aux=False) == [
        (1, str(dpath / 'cut.png'), 2), (3, str(dpath / 'cut_base.tif'), 4)]
    result = dset.validate(corrupted=True)
    assert [p.id for p in result['errors'] if p.rule == 'file.unreadable'] == [2, 3, 4]


@pytest.mark.parametrize('ext', ['png', 'jpg', 'tif'])
def test_decode_error_needs_every_pixel(tmp_path, ext):
    # OpenCV fills a cut JPEG with grey and GDAL a cut PNG with zeros, so
    # each format goes to a reader that does not (see decode_error).
    import kwimage
    import numpy as np

    from xcoco.ops.file_checks import decode_error
    noise = (np.random.default_rng(1).random((128, 128, 3)) * 255).astype(np.uint8)
    fpath = tmp_path / f'ok.{ext}'
    if ext == 'tif':
        pytest.importorskip('rasterio')
        from xcoco.imdata.geotiff import write_geotiff
        write_geotiff(fpath, noise, blocksize=32, overviews=[])
    else:
        kwimage.imwrite(fpath, noise)
    assert decode_error(fpath) is None
    assert decode_error(_truncated_copy(fpath, f'cut.{ext}')) is not None
