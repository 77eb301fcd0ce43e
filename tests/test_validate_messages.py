"""
The validator's messages, word for word (xarray's test_error_messages
habit): each names the object by id, the field the way the manifest spells
it, what was expected in plain words and what was found — never a title
from inside the schema.
"""
import warnings

import pytest

from xcoco.manifest import schema
from xcoco.ops.validate import validate


def _messages(data, **config):
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', 'validate found', UserWarning)
        result = validate(data, **{'missing': False, **config})
    return [(p.rule, p.path, str(p)) for p in result['errors'] + result['warnings']]


def _schema_titles():
    titles = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get('title'), str):
                titles.add(node['title'])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema.COCO_SCHEMA)
    # 'WKT' is the format's own name (well-known text), not an internal one
    return titles - {'WKT', 'kwcoco manifest'}


def test_the_example_from_the_bug_report():
    data = {'images': [{'id': 1, 'file_name': 'a.png', 'channels': 5}],
            'annotations': [{'id': 1, 'image_id': 1, 'segmentation': [[1, 'x']]}]}
    assert _messages(data) == [
        ('schema', '/images/0/channels',
         ("image id=1 field 'channels': expected a channel spec string "
         "(e.g. 'r|g|b' or 'B1|B2,mask') or null, got 5")),
        ('schema', '/annotations/0/segmentation',
         ("annotation id=1 field 'segmentation': expected a polygon, a list of "
         "polygons, an RLE dict, a mask path or WKT, got [[1, 'x']]")),
        ('channels.parse', '/images/0/channels',
         ("image id=1 field 'channels': expected a channel spec string "
         "(e.g. 'r|g|b' or 'B1|B2,mask'), got 5")),
        # kwcoco's wording, kept for scripts that grep for it
        ('image.name.missing', '/images',
         "Table 'images' is missing 1 / 1 values for column 'name'"),
    ]


@pytest.mark.parametrize('akey,wkey', [('assets', 'warp_img_from_asset'),
                                       ('auxiliary', 'warp_aux_to_img')])
def test_asset_warps_are_named_as_the_file_spells_them(akey, wkey):
    data = {'images': [{'id': 7, 'name': 'x', akey: [
        {'file_name': 'ok.tif', 'channels': 'r'},
        {'file_name': 'b.tif', 'channels': 'g', wkey: {'scale': 'big'}}]}]}
    assert _messages(data) == [
        ('schema', f'/images/0/{akey}/1/{wkey}',
         (f"image id=7 field '{akey}/1/{wkey}': expected an affine warp (a 3x3 "
         "matrix or scale / offset / about / theta / shearx / skew keys) or null, "
         "got {'scale': 'big'}")),
    ] + [m for m in _messages(data) if m[0] == 'warp.coerce']
    coerce = _messages(data, schema=False)
    assert [(rule, path) for rule, path, _ in coerce] == [
        ('warp.coerce', f'/images/0/{akey}/1/{wkey}')]
    assert coerce[0][2].startswith(
        f"image id=7 field '{akey}/1/{wkey}': {{'scale': 'big'}} does not coerce "
        "to an affine warp")
    data['images'][0][akey][1][wkey] = {'scale': 0}
    assert _messages(data, schema=False) == [
        ('warp.coerce', f'/images/0/{akey}/1/{wkey}',
         (f"image id=7 field '{akey}/1/{wkey}': {{'scale': 0}} is not an invertible "
         "finite affine warp"))]


@pytest.mark.parametrize('obj,config,expected', [
    ({'categories': [{'id': 1}]}, {},
     ('schema', '/categories/0',
      ("category id=1: missing 'name'; expected a category with an integer 'id' "
      "and a non-empty 'name'"))),
    ({'annotations': [{'id': 3, 'image_id': 1, 'bbox': [1, 2, 3]}]}, {'references': False},
     ('schema', '/annotations/0/bbox',
      ("annotation id=3 field 'bbox': expected a list of 4 numbers [x, y, width, height], "
      "got [1, 2, 3]"))),
    ({'annotations': [{'id': 3, 'image_id': 1, 'keypoints': [{'xy': [1]}]}]},
     {'references': False},
     ('schema', '/annotations/0/keypoints',
      ("annotation id=3 field 'keypoints': expected flat keypoints [x1, y1, v1, ...] or "
      "a list of keypoint dicts with an [x, y] 'xy', got [{'xy': [1]}]"))),
    ({'annotations': [{'id': 3, 'image_id': 1,
                       'segmentation': {'exterior': [[0, 0], [1, 0], [1, 1]], 'holes': []}}]},
     {'references': False},
     ('schema', '/annotations/0/segmentation',
      ("annotation id=3 field 'segmentation': expected a polygon, a list of polygons, "
      "an RLE dict, a mask path or WKT, got {'exterior': [[0, 0], [1, 0], [1, 1]], "
      "'holes': []}"))),
    ({'images': [{'id': 2, 'name': 'b', 'auxiliary': [
        {'file_name': 'q.tif', 'channels': 'q', 'quantization': {'orig_min': 0}}]}]}, {},
     ('schema', '/images/0/auxiliary/0/quantization',
      ("image id=2 field 'auxiliary/0/quantization': missing 'orig_max', 'quant_min' and "
      "'quant_max'; expected a quantization dict with orig_min, orig_max, quant_min "
      "and quant_max"))),
    ({'images': [{'id': 2, 'name': 'b', 'file_name': 'b.png', 'channels': ''}]},
     {'schema': False},
     ('channels.parse', '/images/0/channels',
      ("image id=2 field 'channels': expected channel names (e.g. 'r|g|b' or "
      "'B1|B2,mask'), got the empty spec ''"))),
    ({'images': [{'id': 2, 'name': 'b', 'assets': [
        {'file_name': 'b.tif', 'channels': 'B1||B2'}]}]}, {},
     ('channels.parse', '/images/0/assets/0/channels',
      ("image id=2 field 'assets/0/channels': channel spec 'B1||B2' has an empty channel "
      "name (doubled or trailing '|' or ',')"))),
    ({'keypoint_categories': [{'id': 4, 'name': 'eye', 'reflection_id': 5}]}, {},
     ('keypoint_category.reflection_id.exists', '/keypoint_categories/0/reflection_id',
      'keypoint category id=4 refers to reflection_id=5 which does not exist')),
    ({'info': 5}, {},
     ('manifest.schema', '/info', "field 'info': expected an MS-COCO info object, a list or null, got 5")),
])
def test_one_message_each(obj, config, expected):
    assert _messages(obj, **config) == [expected]


def test_schema_and_rule_messages_for_one_field():
    data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'a.png', 'width': 'wide'}]}
    assert _messages(data) == [
        ('schema', '/images/0/width', "image id=1 field 'width': expected an integer, got 'wide'"),
        ('image.size', '/images/0/width', "image id=1 has width='wide'; expected a positive integer"),
    ]


def test_no_message_uses_a_schema_title():
    data = {
        'info': 5,
        'categories': [{'id': 1}, {'id': 2, 'name': ''}],
        'keypoint_categories': [{'id': 'a'}],
        'videos': [{'id': 1, 'name': 'v', 'resolution': {}}],
        'tracks': [{'id': 1.5}],
        'images': [{'id': 1, 'name': 'a', 'channels': 5, 'timestamp': [], 'auxiliary': [
            {'channels': 3, 'quantization': {}, 'warp_aux_to_img': {'x': 1}}],
            'assets': [{'file_name': 'x', 'warp_img_from_asset': 3}],
            'warp_img_to_vid': 'big', 'resolution': {}}],
        'annotations': [{'id': 1, 'image_id': 1, 'segmentation': 5, 'keypoints': 'k',
                         'bbox': 'b', 'prob': 'p', 'iscrowd': 'no'}, {'id': 'x'}],
    }
    messages = [text for _, _, text in _messages(data)]
    assert len(messages) > 15
    titles = _schema_titles()
    assert {'SEGMENTATION', 'TransformSpec', 'ChannelSpec', 'QuantizationSpec'} <= titles
    leaked = [(title, text) for text in messages for title in titles if title in text]
    assert leaked == []
    assert not [text for text in messages if 'is not valid under any' in text]
