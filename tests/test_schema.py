"""
The manifest JSON Schema: it is a plain dict, a valid JSON Schema, accepts
every example of seed 000 and the demo / real datasets, rejects malformed
objects, and its fast path never accepts what the schema rejects.
"""
import copy
import json
import warnings

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xcoco.manifest import schema
from xcoco.manifest.schema import (
    COCO_SCHEMA,
    TABLE_SCHEMAS,
    fast_is_valid,
    manifest_validator,
    object_validator,
)


def test_schema_is_a_plain_json_dict_and_a_valid_schema():
    text = json.dumps(COCO_SCHEMA)
    assert json.loads(text) == COCO_SCHEMA
    cls = jsonschema.validators.validator_for(COCO_SCHEMA)
    cls.check_schema(COCO_SCHEMA)
    assert schema.schema_json() is not COCO_SCHEMA


def test_kwcoco_module_name_reexports():
    import xcoco
    from xcoco import coco_schema
    assert coco_schema.COCO_SCHEMA is COCO_SCHEMA
    assert xcoco.coco_schema.ANNOTATION is schema.ANNOTATION


SEED_EXAMPLES = {
    'segmentation': [
        [0, 0, 10, 0, 10, 10],                                   # flat polygon
        [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30]],       # disjoint parts
        {'exterior': [[0, 0], [10, 0], [10, 10]],                # holes
         'interiors': [[[2, 2], [3, 2], [3, 3]]]},
        [{'exterior': [[0, 0], [10, 0], [10, 10]], 'interiors': []}],
        {'size': [4, 4], 'counts': [2, 2, 12]},                  # uncompressed RLE
        {'size': [4, 4], 'counts': '24<'},                       # compressed RLE
        {'shape': [4, 4], 'counts': [2, 2, 12], 'binary': True, 'order': 'F'},
        'masks/ann_1.png',                                       # MaskPath
        'POLYGON ((0 0, 10 0, 10 10, 0 0))',                     # WKT
        'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))',
    ],
    'keypoints': [
        [1, 2, 2, 3, 4, 0],
        [{'xy': [1, 2], 'visible': 2, 'keypoint_category_id': 1},
         {'xy': [3, 4], 'visible': 0, 'keypoint_category': 'left_eye'}],
    ],
    'transform': [
        None,
        {'type': 'affine', 'matrix': [[1, 0, 0], [0, 1, 0], [0, 0, 1]]},
        {'scale': 2.0},
        {'scale': [1.5, 2.0], 'offset': [3, 4], 'skew': 0.1, 'theta': 0.2},
        {'type': 'affine'},
    ],
}


def _annotation(**kw):
    return {'id': 1, 'image_id': 1, 'category_id': 1, **kw}


@pytest.mark.parametrize('segm', SEED_EXAMPLES['segmentation'])
def test_every_segmentation_encoding_is_accepted(segm):
    assert object_validator('annotations').is_valid(_annotation(segmentation=segm))


@pytest.mark.parametrize('kpts', SEED_EXAMPLES['keypoints'])
def test_both_keypoint_encodings_are_accepted(kpts):
    assert object_validator('annotations').is_valid(_annotation(keypoints=kpts))


@pytest.mark.parametrize('warp', SEED_EXAMPLES['transform'])
def test_transform_specs_are_accepted(warp):
    img = {'id': 1, 'file_name': 'a.png', 'warp_img_to_vid': warp,
           'auxiliary': [{'file_name': 'b.tif', 'channels': 'nir', 'warp_aux_to_img': warp}]}
    assert object_validator('images').is_valid(img)


def test_seed_msi_image_tracks_and_keypoint_categories():
    data = {
        'categories': [{'id': 1, 'name': 'star', 'supercategory': 'vector'}],
        'keypoint_categories': [{'name': 'left_eye', 'id': 1, 'supercategory': 'eye',
                                 'reflection_id': 2}],
        'videos': [{'id': 1, 'name': 'v', 'width': 400, 'height': 400, 'resolution': '10 GSD'}],
        'tracks': [{'id': 1, 'name': 'track_001'}, {'id': 2, 'name': 7,
                                                    'bbox': [0, 0, 5, 5]}],
        'images': [{
            'id': 1, 'name': 'my_msi_image', 'width': 400, 'height': 400,
            'video_id': 1, 'timestamp': '2020-01-1', 'frame_index': 5,
            'warp_img_to_vid': {'type': 'affine', 'scale': 1.4},
            'auxiliary': [
                {'channels': 'red|green|blue', 'file_name': 'rgb.tif',
                 'warp_aux_to_img': {'scale': 1.0}, 'height': 400, 'width': 400},
                {'channels': 'model1_predictions.0:6', 'file_name': 'p.tif',
                 'warp_aux_to_img': {'scale': 8.0}, 'height': 50, 'width': 50,
                 'quantization': {'orig_min': 0.0, 'orig_max': 1.0, 'quant_min': 0,
                                  'quant_max': 255, 'nodata': None}},
            ]}],
        'annotations': [_annotation(track_id='uuid-or-name', bbox=[1, 2, 3, 4], score=0.5,
                                    prob=[0.1, 0.9], weight=1.0, caption='a star')],
        'licenses': [], 'info': [],
    }
    errors = list(manifest_validator().iter_errors(data))
    assert errors == []


BAD = [
    ('annotations', _annotation(bbox=[1, 2, 3])),
    ('annotations', _annotation(bbox=[1, 2, 3, 'x'])),
    ('annotations', _annotation(segmentation=[[0, 0, 'a']])),
    ('annotations', _annotation(segmentation={'counts': [1, 2]})),
    ('annotations', _annotation(segmentation={'exterior': [[0, 0, 1]]})),
    ('annotations', _annotation(segmentation=5)),
    ('annotations', _annotation(keypoints=[{'xy': [1]}])),
    ('annotations', _annotation(keypoints=[{'xy': [1, 2], 'visible': 3}])),
    ('annotations', {'id': 1}),
    ('annotations', {'id': '1', 'image_id': 1}),
    ('annotations', _annotation(iscrowd='no')),
    ('images', {'id': 1, 'width': 2.5}),
    ('images', {'id': 1, 'channels': ''}),
    ('images', {'id': 1, 'warp_img_to_vid': {'scael': 2}}),
    ('images', {'id': 1, 'auxiliary': [{'channels': 'r'}]}),
    ('images', {'id': 1, 'auxiliary': [{'file_name': 'a', 'quantization': {'orig_min': 0}}]}),
    ('categories', {'id': 1}),
    ('categories', {'id': 1, 'name': ''}),
    ('categories', {'id': 1, 'name': 'a', 'keypoints': 'nose'}),
    ('videos', {'id': 1}),
    ('keypoint_categories', {'id': 1, 'name': 'a', 'reflection_id': 'b'}),
    ('tracks', {'name': 'no id'}),
]


@pytest.mark.parametrize('table,obj', BAD)
def test_malformed_objects_are_rejected(table, obj):
    assert not object_validator(table).is_valid(obj)
    assert not fast_is_valid(table, obj)


def test_demo_datasets_are_accepted():
    import xcoco
    for key in ['shapes8', 'vidshapes2-msi-multisensor', 'photos']:
        dset = xcoco.CocoDataset.demo(key)
        assert list(manifest_validator().iter_errors(dset.dataset)) == [], key


def test_kwcoco_demo_datasets_are_accepted(tmp_path, monkeypatch):
    # The schema judges JSON.  A demo kwcoco has just built (an empty cache,
    # as on a new machine) holds tuples of numpy floats in its warps; they
    # are judged as the JSON a dump writes.
    from xcoco.manifest.io import plain_json
    kwcoco = pytest.importorskip('kwcoco')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for key in ['shapes8', 'vidshapes8-multispectral', 'vidshapes2-msi-multisensor']:
            dset = kwcoco.CocoDataset.demo(key)
            errors = manifest_validator().iter_errors(plain_json(dset.dataset))
            assert list(errors) == [], key


def test_real_coco_files_are_accepted():
    from conftest import shared_file
    for parts in [('coco_val2014_100', 'instances_val2014_100.json'),
                  ('coco_person_keypoints_1img', 'person_keypoints_val2017_1img.json')]:
        data = json.loads(shared_file(*parts).read_text())
        assert list(manifest_validator().iter_errors(data)) == [], parts


# Values that probe the edges of each field's type: the fast path may say
# "not sure" for any of them, but must never accept what jsonschema rejects.
_EDGE_VALUES = [
    None, True, False, 0, 1, -3, 2.5, 3.0, float('inf'), '', 'a', 'POLYGON ((0 0, 1 0, 1 1))',
    [], [1], [1, 2], [1, 2, 3, 4], [1, 2, 3, 4, 5, 6], [1.5, 'x', 2, 3], [True, 1, 2, 3],
    [[1, 2, 3, 4, 5, 6]], [[1, 2], [3, 4]], [[[1, 2]]], {}, {'a': 1},
    {'exterior': [[0, 0], [1, 0], [1, 1]]}, {'exterior': [[0, 0, 0]]},
    {'exterior': [[0, 0]], 'interiors': [[[1, 1]]], 'extra': 1},
    {'size': [2, 2], 'counts': [1, 3]}, {'size': [2, 2], 'counts': 'ab'},
    {'size': [2], 'counts': [4]}, {'size': [2, 2], 'counts': [1.5]},
    [{'xy': [1, 2]}], [{'xy': [1, 2], 'visible': 1, 'keypoint_category_id': 1}],
    [{'xy': [1, 2], 'visible': True}], [{'xy': [1, 2], 'keypoint_category': ''}],
    [{'xy': [1, 2], 'visible': 1.0}], [{'xy': [1, 2], 'keypoint_category_id': 1.5}],
    [{'exterior': [[0, 0], [1, 1], [2, 0]]}], ['a', 'b'],
    [[0, 1], [1, 0]], [[0, 1.5]], 'x' * 3,
]

_FIELDS = {
    'annotations': ['id', 'image_id', 'category_id', 'track_id', 'bbox', 'score',
                    'weight', 'area', 'iscrowd', 'num_keypoints', 'segmentation',
                    'keypoints', 'caption', 'prob', 'other'],
    'images': ['id', 'file_name', 'name', 'width', 'height', 'video_id',
               'frame_index', 'license', 'coco_url', 'timestamp', 'date_captured'],
    'categories': ['id', 'name', 'supercategory', 'keypoints', 'skeleton'],
}
_BASE = {
    'annotations': {'id': 1, 'image_id': 1},
    'images': {'id': 1},
    'categories': {'id': 1, 'name': 'a'},
}


@st.composite
def _objects(draw):
    table = draw(st.sampled_from(sorted(_FIELDS)))
    obj = copy.deepcopy(_BASE[table])
    for field in draw(st.lists(st.sampled_from(_FIELDS[table]), max_size=4)):
        obj[field] = copy.deepcopy(draw(st.sampled_from(_EDGE_VALUES)))
    if draw(st.booleans()) and 'id' in obj:
        del obj['id']
    return table, obj


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_objects())
def test_fast_path_never_accepts_what_the_schema_rejects(case):
    table, obj = case
    if fast_is_valid(table, obj):
        errors = [e.message for e in object_validator(table).iter_errors(obj)]
        assert errors == [], (table, obj)


def test_fast_path_accepts_the_common_shapes():
    from conftest import shared_file
    data = json.loads(shared_file('coco_val2014_100', 'instances_val2014_100.json').read_text())
    for table in ['images', 'annotations', 'categories']:
        accepted = sum(fast_is_valid(table, obj) for obj in data[table])
        assert accepted == len(data[table]), table


def test_table_schemas_cover_the_manifest_tables():
    assert set(TABLE_SCHEMAS) == {'images', 'annotations', 'categories', 'videos',
                                  'tracks', 'keypoint_categories'}


def test_shipped_schema_file_is_current():
    # Regenerate after a schema edit with:
    #   python -c "from xcoco.manifest.schema import write_schema_json; write_schema_json()"
    from pathlib import Path
    shipped = Path(schema.__file__).with_name(schema.SCHEMA_FNAME)
    assert shipped.read_text(encoding='utf8') == schema.schema_text()
    assert schema.shipped_schema() == COCO_SCHEMA
    pyproject = (Path(__file__).resolve().parents[1] / 'pyproject.toml').read_text()
    assert '"manifest/*.json"' in pyproject  # packaged with the wheel


def test_schema_parts_are_elements_with_validate():
    from xcoco import coco_schema
    from xcoco.util.jsonschema_elements import Element
    for name in coco_schema.__all__:
        value = getattr(coco_schema, name)
        if isinstance(value, dict):
            assert isinstance(value, Element), name
    for table, part in TABLE_SCHEMAS.items():
        assert isinstance(part, Element) and isinstance(COCO_SCHEMA['properties'][table]['items'], Element)
    with pytest.raises(jsonschema.ValidationError):
        coco_schema.IMAGE.validate({'id': 'one'})
    assert COCO_SCHEMA.validate() is COCO_SCHEMA


MSCOCO_INFO = {'description': 'COCO 2017 Dataset', 'url': 'http://cocodataset.org',
               'version': '1.0', 'year': 2017, 'contributor': 'COCO Consortium',
               'date_created': '2017/09/01'}


@pytest.mark.parametrize('info', [
    MSCOCO_INFO,
    dict.fromkeys(MSCOCO_INFO),                     # exports that leave it blank
    {**MSCOCO_INFO, 'year': '2017', 'version': 1.0, 'extra': [1]},
    [{'type': 'process', 'properties': {'name': 'kwcoco'}}],  # kwcoco's process records
    None,
])
def test_info_accepts_mscoco_and_kwcoco_forms(info):
    assert manifest_validator().is_valid({'info': info, 'images': []})


@pytest.mark.parametrize('info', [5, 'text', {'year': [2017]}, {'url': 3}])
def test_info_rejects_other_values(info):
    assert not manifest_validator().is_valid({'info': info})


def test_both_schemas_accept_an_mscoco_manifest_with_info():
    pytest.importorskip('kwcoco')
    from kwcoco.coco_schema import COCO_SCHEMA as KWCOCO_SCHEMA
    data = {'info': MSCOCO_INFO, 'licenses': [{'id': 1, 'name': 'CC', 'url': 'http://x'}],
            'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 4, 'height': 4}],
            'categories': [{'id': 1, 'name': 'cat'}],
            'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 1, 1]}]}
    KWCOCO_SCHEMA.validate(data)
    COCO_SCHEMA.validate(data)
