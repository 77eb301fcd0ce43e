"""
The JSON Schema of a kwcoco / xcoco manifest (seed 000), as plain dicts.

The schema is assembled from small named sub-schemas (``BBOX``,
``SEGMENTATION``, ``TRANSFORM_SPEC`` ...) so that each table's object schema
can be validated on its own: :func:`object_validator` compiles one
``jsonschema`` validator per table and caches it, which is what
:mod:`xcoco.ops.validate` uses (validating the whole manifest in one call is
orders of magnitude slower and stops at the first error).

The schema checks *shapes*.  Rules that JSON Schema cannot express (unique
ids, references between tables, even polygon lengths, channel grammar,
warps that coerce) live in :mod:`xcoco.ops.validate`.

Example:
    >>> from xcoco.manifest import schema
    >>> import jsonschema
    >>> data = {'images': [{'id': 1, 'file_name': 'a.png'}],
    ...         'categories': [{'id': 1, 'name': 'cat'}],
    ...         'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
    ...                          'bbox': [0, 0, 5, 5]}]}
    >>> jsonschema.validate(data, schema.COCO_SCHEMA)
    >>> bad = {'annotations': [{'id': 1, 'image_id': 1, 'bbox': [0, 0, 5]}]}
    >>> errors = list(schema.object_validator('annotations').iter_errors(bad['annotations'][0]))
    >>> [list(e.absolute_path) for e in errors]
    [['bbox']]
"""
import functools
import json
import os

from xcoco.util.jsonschema_elements import ANYOF, ARRAY, OBJECT, Element, elem

__all__ = [
    'ANNOTATION',
    'ASSET',
    'BBOX',
    'BOOLEAN',
    'CATEGORY',
    'CHANNEL_SPEC',
    'COCO_SCHEMA',
    'ID',
    'IMAGE',
    'INFO',
    'INTEGER',
    'KEYPOINTS',
    'KEYPOINT_CATEGORY',
    'KWCOCO_KEYPOINT',
    'KWCOCO_KEYPOINTS',
    'KWCOCO_MULTIPOLYGON',
    'KWCOCO_POLYGON',
    'LICENSE',
    'MASK_PATH',
    'MSCOCO_KEYPOINTS',
    'MSCOCO_MULTIPOLYGON',
    'MSCOCO_POLYGON',
    'NAME',
    'NULL',
    'NUMBER',
    'QUANTIZATION_SPEC',
    'RESOLUTION',
    'RUN_LENGTH_ENCODING',
    'SEGMENTATION',
    'STRING',
    'TABLE_SCHEMAS',
    'TRACK',
    'TRANSFORM_SPEC',
    'VIDEO',
    'WKT',
    'XY',
    'expected_words',
    'fast_is_valid',
    'manifest_validator',
    'object_validator',
    'schema_json',
    'schema_text',
    'shipped_schema',
    'write_schema_json',
]

SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'

# Every named part is a schema element (xcoco.util.jsonschema_elements): a
# plain dict for jsonschema and json.dumps, with .validate(data) and kwcoco's
# call syntax for making variants.

# ---------------------------------------------------------------- primitives
NULL = elem.NULL
BOOLEAN = elem.BOOLEAN
INTEGER = elem.INTEGER
NUMBER = elem.NUMBER
STRING = elem.STRING
NAME = STRING(minLength=1, description='a non-empty external name')
ID = INTEGER(description='an internal integer id')


def _nullable(schema):
    return ANYOF(schema, NULL)


XY = ARRAY(NUMBER, minItems=2, maxItems=2, description='an [x, y] point')
NUMBER_OR_XY = ANYOF(NUMBER, XY)

BBOX = ARRAY(NUMBER, minItems=4, maxItems=4,
             description='[top-left x, top-left y, width, height]')

# ------------------------------------------------------------ TransformSpec
# kwimage.Affine.coerce accepts a dict of these keys and rejects unknown
# ones, hence additionalProperties=False (seed 000, TransformSpec).
_MATRIX = ARRAY(ARRAY(NUMBER, minItems=3, maxItems=3), minItems=2, maxItems=3)
TRANSFORM_SPEC = _nullable(OBJECT(
    {
        'type': elem.ANY(const='affine'),
        'matrix': _MATRIX,
        'scale': NUMBER_OR_XY,
        'offset': NUMBER_OR_XY,
        'about': NUMBER_OR_XY,
        'skew': NUMBER,
        'shearx': NUMBER,
        'theta': NUMBER,
    },
    title='TransformSpec',
    description='anything kwimage.Affine.coerce accepts: an explicit matrix or '
                'scale / offset / skew / theta parameters',
    additionalProperties=False,
))

CHANNEL_SPEC = STRING(
    minLength=1, title='ChannelSpec',
    description="channel names joined by '|' (early fused) and ',' (late "
                "fused), e.g. 'r|g|b' or 'B1|B2,mask'")

QUANTIZATION_SPEC = OBJECT(
    {
        'orig_min': NUMBER,
        'orig_max': NUMBER,
        'quant_min': INTEGER,
        'quant_max': INTEGER,
        'nodata': _nullable(INTEGER),
        'orig_dtype': STRING,
        'quant_dtype': STRING,
    },
    title='QuantizationSpec',
    required=['orig_min', 'orig_max', 'quant_min', 'quant_max'],
)

RESOLUTION = ANYOF(NUMBER, STRING, XY, NULL)(
    description='the size of a pixel, e.g. 10 or "10 GSD"')

TIMESTAMP = ANYOF(STRING, NUMBER)(description='an ISO-8601 string or a UNIX time')

# ------------------------------------------------------------- segmentation
MSCOCO_POLYGON = ARRAY(NUMBER, title='MSCOCO_POLYGON',
                       description='flat [x1, y1, x2, y2, ...] coordinates')
MSCOCO_MULTIPOLYGON = ARRAY(MSCOCO_POLYGON, title='MSCOCO_MULTIPOLYGON',
                            description='a list of flat polygons')
_RING = ARRAY(XY)
KWCOCO_POLYGON = OBJECT(
    {'exterior': _RING, 'interiors': ARRAY(_RING)},
    title='KWCOCO_POLYGON', required=['exterior'], additionalProperties=False)
KWCOCO_MULTIPOLYGON = ARRAY(KWCOCO_POLYGON, title='KWCOCO_MULTIPOLYGON')
RUN_LENGTH_ENCODING = OBJECT(
    {
        'size': ARRAY(INTEGER, minItems=2, maxItems=2),
        'counts': ANYOF(STRING, ARRAY(INTEGER)),
        'shape': ARRAY(INTEGER, minItems=2, maxItems=2),
        'binary': BOOLEAN,
        'order': elem.ANY(enum=['C', 'F']),
    },
    title='RUN_LENGTH_ENCODING',
    description="MS-COCO RLE: 'counts' as a run list or the compressed "
                "string, 'size' as [height, width]",
    required=['counts'],
    anyOf=[{'required': ['size']}, {'required': ['shape']}],
)
WKT = STRING(title='WKT', pattern=r'^\s*(MULTI)?POLYGON\s*(\(|EMPTY)')
MASK_PATH = STRING(minLength=1, title='MASK_PATH',
                   description='a path to a mask image, relative to the bundle')
SEGMENTATION = ANYOF(MSCOCO_POLYGON, MSCOCO_MULTIPOLYGON, KWCOCO_POLYGON,
                     KWCOCO_MULTIPOLYGON, RUN_LENGTH_ENCODING, WKT, MASK_PATH,
                     NULL)(title='SEGMENTATION')

# ---------------------------------------------------------------- keypoints
MSCOCO_KEYPOINTS = ARRAY(NUMBER, title='MSCOCO_KEYPOINTS',
                         description='flat [x1, y1, v1, x2, y2, v2, ...]')
KWCOCO_KEYPOINT = OBJECT(
    {
        'xy': XY,
        'visible': elem.ANY(enum=[0, 1, 2]),
        'keypoint_category_id': ID,
        'keypoint_category': NAME,
    },
    title='KWCOCO_KEYPOINT', required=['xy'])
KWCOCO_KEYPOINTS = ARRAY(KWCOCO_KEYPOINT, title='KWCOCO_KEYPOINTS')
KEYPOINTS = ANYOF(MSCOCO_KEYPOINTS, KWCOCO_KEYPOINTS, NULL)

# ------------------------------------------------------------------- tables
CATEGORY = OBJECT(
    {
        'id': ID,
        'name': NAME,
        'supercategory': _nullable(STRING),
        'alias': ARRAY(NAME),
        'parents': ARRAY(NAME),
        'keypoints': ARRAY(STRING),
        'skeleton': ARRAY(ARRAY(INTEGER, minItems=2, maxItems=2)),
    },
    title='CATEGORY', required=['id', 'name'])

KEYPOINT_CATEGORY = OBJECT(
    {
        'id': ID,
        'name': NAME,
        'supercategory': _nullable(STRING),
        'reflection_id': _nullable(ID),
    },
    title='KEYPOINT_CATEGORY', required=['id', 'name'])

VIDEO = OBJECT(
    {
        'id': ID,
        'name': NAME,
        'caption': STRING,
        'width': INTEGER,
        'height': INTEGER,
        'resolution': RESOLUTION,
        'target_gsd': NUMBER,
    },
    title='VIDEO', required=['id', 'name'])

ASSET = OBJECT(
    {
        'file_name': STRING,
        'channels': CHANNEL_SPEC,
        'width': INTEGER,
        'height': INTEGER,
        # both spellings of the asset -> image warp (seed 000's rename)
        'warp_aux_to_img': TRANSFORM_SPEC,
        'warp_img_from_asset': TRANSFORM_SPEC,
        'quantization': QUANTIZATION_SPEC,
        'resolution': RESOLUTION,
    },
    title='ASSET', required=['file_name'])

IMAGE = OBJECT(
    {
        'id': ID,
        'file_name': _nullable(STRING),
        'name': _nullable(NAME),
        'width': INTEGER,
        'height': INTEGER,
        'channels': _nullable(CHANNEL_SPEC),
        'resolution': RESOLUTION,
        'auxiliary': ARRAY(ASSET),
        'assets': ARRAY(ASSET),
        'video_id': _nullable(ID),
        'timestamp': TIMESTAMP,
        'frame_index': INTEGER,
        'warp_img_to_vid': TRANSFORM_SPEC,
        'quantization': QUANTIZATION_SPEC,
        'sensor_coarse': STRING,
        'license': INTEGER,
        'coco_url': STRING,
        'flickr_url': STRING,
        'date_captured': STRING,
    },
    title='IMAGE', required=['id'])

ANNOTATION = OBJECT(
    {
        'id': ID,
        'image_id': ID,
        'category_id': _nullable(ID),
        'track_id': ANYOF(INTEGER, STRING, NULL)(
            description='links annotations across frames'),
        'bbox': BBOX,
        'score': NUMBER,
        'prob': ARRAY(NUMBER),
        'weight': NUMBER,
        'caption': STRING,
        'keypoints': KEYPOINTS,
        'segmentation': SEGMENTATION,
        'iscrowd': ANYOF(INTEGER, BOOLEAN),
        'area': NUMBER,
        'num_keypoints': INTEGER,
    },
    title='ANNOTATION', required=['id', 'image_id'])

# Seed 000: track geometry, unlike annotation geometry, is in *video* space.
TRACK = OBJECT(
    {
        'id': ANYOF(INTEGER, STRING),
        'name': ANYOF(NAME, INTEGER),
        'bbox': BBOX,
        'segmentation': SEGMENTATION,
    },
    title='TRACK', required=['id'])

# MS-COCO's info block; real exports leave fields null (Encord) and some
# write the year or version as text or a number.  kwcoco keeps a list of
# process records under 'info' instead, which stays valid.
INFO = OBJECT(
    {
        'year': ANYOF(INTEGER, STRING, NULL),
        'version': ANYOF(STRING, NUMBER, NULL),
        'description': _nullable(STRING),
        'contributor': _nullable(STRING),
        'url': _nullable(STRING),
        'date_created': _nullable(STRING),
    },
    title='INFO', description='MS-COCO dataset information')

LICENSE = OBJECT(
    {'id': ANYOF(INTEGER, STRING), 'name': _nullable(STRING), 'url': _nullable(STRING)},
    title='LICENSE', description='an MS-COCO image license')

TABLE_SCHEMAS = {
    'categories': CATEGORY,
    'keypoint_categories': KEYPOINT_CATEGORY,
    'videos': VIDEO,
    'images': IMAGE,
    'annotations': ANNOTATION,
    'tracks': TRACK,
}

COCO_SCHEMA = Element({
    '$schema': SCHEMA_DIALECT,
    'title': 'kwcoco manifest',
    'type': 'object',
    'properties': {
        'info': ANYOF(INFO, ARRAY(), NULL),
        'licenses': ANYOF(ARRAY(LICENSE), NULL),
        **{key: ARRAY(value) for key, value in TABLE_SCHEMAS.items()},
    },
})


# ------------------------------------------------------------------- words
# What a message says a field should be: plain words, never a schema title
# (a reader of "expected SEGMENTATION" must know the schema to decode it).
# Named sub-schemas get a phrase; everything else is described from its
# structure by expected_words.
_WORDS = {id(schema): words for schema, words in [
    (XY, 'an [x, y] pair of numbers'),
    (BBOX, 'a list of 4 numbers [x, y, width, height]'),
    (_MATRIX, 'a 2x3 or 3x3 matrix of numbers'),
    (TRANSFORM_SPEC, ('an affine warp (a 3x3 matrix or scale / offset / about '
                     '/ theta / shearx / skew keys) or null')),
    (CHANNEL_SPEC, "a channel spec string (e.g. 'r|g|b' or 'B1|B2,mask')"),
    (QUANTIZATION_SPEC, ('a quantization dict with orig_min, orig_max, '
                        'quant_min and quant_max')),
    (RESOLUTION, "a resolution such as 10, '10 GSD' or [10, 10]"),
    (TIMESTAMP, 'an ISO-8601 string or a UNIX time'),
    (MSCOCO_POLYGON, 'a flat polygon [x1, y1, x2, y2, ...]'),
    (MSCOCO_MULTIPOLYGON, 'a list of flat polygons'),
    (KWCOCO_POLYGON, ("a polygon dict with an 'exterior' list of [x, y] "
                     "points and optional 'interiors'")),
    (KWCOCO_MULTIPOLYGON, 'a list of polygon dicts'),
    (RUN_LENGTH_ENCODING, "an RLE dict with 'counts' and 'size' [height, width]"),
    (WKT, 'a WKT POLYGON or MULTIPOLYGON string'),
    (MASK_PATH, 'a mask path'),
    (SEGMENTATION, ('a polygon, a list of polygons, an RLE dict, a mask path '
                   'or WKT')),
    (MSCOCO_KEYPOINTS, 'flat keypoints [x1, y1, v1, x2, y2, v2, ...]'),
    (KWCOCO_KEYPOINT, "a keypoint dict with an [x, y] 'xy'"),
    (KWCOCO_KEYPOINTS, "a list of keypoint dicts with an [x, y] 'xy'"),
    (KEYPOINTS, ("flat keypoints [x1, y1, v1, ...] or a list of keypoint "
                "dicts with an [x, y] 'xy'")),
    (CATEGORY, "a category with an integer 'id' and a non-empty 'name'"),
    (KEYPOINT_CATEGORY, ("a keypoint category with an integer 'id' and a "
                        "non-empty 'name'")),
    (VIDEO, "a video with an integer 'id' and a non-empty 'name'"),
    (ASSET, "an asset with a 'file_name'"),
    (IMAGE, "an image with an integer 'id'"),
    (ANNOTATION, "an annotation with integer 'id' and 'image_id'"),
    (TRACK, "a track with an integer or string 'id'"),
    (INFO, 'an MS-COCO info object'),
    (LICENSE, "a license object with 'id', 'name' and 'url'"),
]}

_TYPE_WORDS = {
    'null': ('null', 'nulls'), 'boolean': ('a boolean', 'booleans'),
    'integer': ('an integer', 'integers'), 'number': ('a number', 'numbers'),
    'string': ('a string', 'strings'), 'object': ('an object', 'objects'),
    'array': ('a list', 'lists'),
}


def _join_or(parts):
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else ', '.join(parts[:-1]) + ' or ' + parts[-1]


def _plural(schema):
    kind = schema.get('type') if isinstance(schema, dict) else None
    if (id(schema) in _WORDS or kind not in _TYPE_WORDS
            or not schema.keys() <= {'type', 'minLength', 'description'}):
        return None
    words = _TYPE_WORDS[kind][1]
    return 'non-empty ' + words if schema.get('minLength') == 1 else words


def expected_words(schema):
    """
    What a (sub-)schema accepts, in words, for error messages.

    Example:
        >>> from xcoco.manifest.schema import expected_words, SEGMENTATION, BBOX
        >>> expected_words(SEGMENTATION)
        'a polygon, a list of polygons, an RLE dict, a mask path or WKT'
        >>> expected_words({'anyOf': [BBOX, {'type': 'null'}]})
        'a list of 4 numbers [x, y, width, height] or null'
        >>> expected_words({'type': 'array', 'items': {'type': 'integer'}, 'minItems': 2, 'maxItems': 2})
        'a list of 2 integers'
        >>> expected_words({'enum': [0, 1, 2]})
        'one of 0, 1 or 2'
    """
    if not isinstance(schema, dict):
        return 'anything' if schema is True else 'nothing'
    if id(schema) in _WORDS:
        return _WORDS[id(schema)]
    if 'anyOf' in schema:
        return _join_or(expected_words(sub) for sub in schema['anyOf'])
    if 'const' in schema:
        return repr(schema['const'])
    if 'enum' in schema:
        return 'one of ' + _join_or(map(repr, schema['enum']))
    kind = schema.get('type')
    if kind == 'array':
        items = schema.get('items')
        lo, hi = schema.get('minItems'), schema.get('maxItems')
        count = f'{lo} ' if lo is not None and lo == hi else ''
        if items in ({}, True, None):
            return f'a list of {count}items' if count else 'a list'
        plural = _plural(items) if isinstance(items, dict) else None
        if plural:
            return f'a list of {count}{plural}'
        if isinstance(items, dict):
            return f'a list of {count}items, each {expected_words(items)}'
        return 'a list'
    if kind == 'string' and schema.get('minLength') == 1:
        return 'a non-empty string'
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind][0]
    return 'a value matching the schema'


@functools.cache
def object_validator(table):
    """
    A compiled, cached ``jsonschema`` validator for one object of a table.

    Args:
        table (str): ``'images'``, ``'annotations'``, ``'categories'``,
            ``'videos'``, ``'tracks'``, ``'keypoint_categories'`` or
            ``'manifest'`` for the whole document.

    Returns:
        jsonschema.protocols.Validator

    Example:
        >>> from xcoco.manifest.schema import object_validator
        >>> v = object_validator('categories')
        >>> v.is_valid({'id': 1, 'name': 'cat'}), v.is_valid({'id': 'a'})
        (True, False)
    """
    import jsonschema.validators
    schema = COCO_SCHEMA if table == 'manifest' else TABLE_SCHEMAS[table]
    cls = jsonschema.validators.validator_for(COCO_SCHEMA)
    return cls(schema)


def manifest_validator():
    """
    The compiled validator for a whole manifest.

    Example:
        >>> from xcoco.manifest.schema import manifest_validator
        >>> manifest_validator().is_valid({'images': [{'id': 1}]})
        True
    """
    return object_validator('manifest')


def schema_json():
    """
    :data:`COCO_SCHEMA` as plain JSON dicts and lists (a fresh copy that can
    be edited or dumped freely).

    Example:
        >>> import json
        >>> from xcoco.manifest.schema import schema_json
        >>> text = json.dumps(schema_json())
        >>> json.loads(text)['properties']['images']['items']['title']
        'IMAGE'
        >>> type(schema_json()) is dict
        True
    """
    return json.loads(json.dumps(COCO_SCHEMA))


#: the package resource holding :data:`COCO_SCHEMA` as a JSON file
SCHEMA_FNAME = 'coco_schema.json'


def schema_text():
    """
    The text of the shipped ``coco_schema.json``: :data:`COCO_SCHEMA`
    written with sorted keys and a two-space indent.

    Example:
        >>> from xcoco.manifest.schema import schema_text
        >>> schema_text().splitlines()[:2]
        ['{', '  "$schema": "https://json-schema.org/draft/2020-12/schema",']
    """
    return json.dumps(COCO_SCHEMA, indent=2, sort_keys=True) + '\n'


def write_schema_json(fpath=None):
    """
    Write :func:`schema_text` to ``fpath`` (default: the package's own
    ``coco_schema.json``, regenerating it after a schema edit; the test
    suite checks that the shipped file is current).

    Returns:
        str: the path written.

    Example:
        >>> import json, tempfile, ubelt as ub
        >>> from xcoco.manifest.schema import write_schema_json, COCO_SCHEMA
        >>> fpath = write_schema_json(ub.Path(tempfile.mkdtemp()) / 'schema.json')
        >>> json.loads(ub.Path(fpath).read_text()) == COCO_SCHEMA
        True
    """
    if fpath is None:
        fpath = os.path.join(os.path.dirname(__file__), SCHEMA_FNAME)
    fpath = os.fspath(fpath)
    with open(fpath, 'w', encoding='utf8') as file:
        file.write(schema_text())
    return fpath


def shipped_schema():
    """
    The schema read from the package resource ``coco_schema.json`` (plain
    dicts), e.g. for tools in other languages or a validator that should
    not import xcoco's Python definitions.

    Example:
        >>> from xcoco.manifest.schema import shipped_schema, COCO_SCHEMA
        >>> shipped_schema() == COCO_SCHEMA
        True
    """
    from importlib import resources
    text = resources.files(__package__).joinpath(SCHEMA_FNAME).read_text(encoding='utf8')
    return json.loads(text)


# ------------------------------------------------------------------ fast path
# jsonschema spends ~2 us per array item, so a 100k-annotation manifest with
# polygons costs tens of seconds.  These predicates accept only the common,
# plainly valid shapes, in C-speed set/map calls; anything they do not
# recognise (or reject) goes to the real validator, which stays the judge.
# tests/test_schema.py checks that they never accept what the schema rejects.
_NUM = frozenset({int, float})
_INT = frozenset({int})


def _nums(value):
    return type(value) is list and set(map(type, value)) <= _NUM


def _xy(value):
    return type(value) is list and len(value) == 2 and _nums(value)


def _ring(value):
    return type(value) is list and all(map(_xy, value))


def _kw_poly(value):
    if type(value) is not dict or 'exterior' not in value:
        return False
    if not value.keys() <= {'exterior', 'interiors'}:
        return False
    interiors = value.get('interiors', [])
    return (_ring(value['exterior']) and type(interiors) is list
            and all(map(_ring, interiors)))


def _rle(value):
    counts = value.get('counts')
    size = value.get('size')
    if not (type(size) is list and len(size) == 2 and set(map(type, size)) <= _INT):
        return False
    if not value.keys() <= {'counts', 'size'}:
        return False
    return type(counts) is str or (type(counts) is list and set(map(type, counts)) <= _INT)


def _segmentation(value):
    kind = type(value)
    if kind is list:
        if not value:
            return True
        first = type(value[0])
        if first is list:
            return all(map(_nums, value))
        if first is dict:
            return all(map(_kw_poly, value))
        return _nums(value)
    if kind is dict:
        return _rle(value) if 'counts' in value else _kw_poly(value)
    return kind is str and len(value) > 0 or value is None


def _kw_keypoint(value):
    if type(value) is not dict or not _xy(value.get('xy')):
        return False
    if 'visible' in value and (type(value['visible']) is not int
                               or value['visible'] not in (0, 1, 2)):
        return False
    if 'keypoint_category_id' in value and type(value['keypoint_category_id']) is not int:
        return False
    if 'keypoint_category' in value:
        name = value['keypoint_category']
        if type(name) is not str or not name:
            return False
    return True


def _keypoints(value):
    if value is None or _nums(value):
        return True
    return type(value) is list and all(map(_kw_keypoint, value))


def _typed(obj, int_keys=(), num_keys=(), str_keys=()):
    for key in int_keys:
        if key in obj and type(obj[key]) is not int:
            return False
    for key in num_keys:
        if key in obj and type(obj[key]) not in _NUM:
            return False
    for key in str_keys:
        if key in obj and type(obj[key]) is not str:
            return False
    return True


_ANN_HANDLED = frozenset({
    'id', 'image_id', 'category_id', 'track_id', 'bbox', 'score', 'weight',
    'area', 'iscrowd', 'num_keypoints', 'segmentation', 'keypoints',
    'caption', 'prob'})


def _fast_annotation(obj):
    if type(obj.get('id')) is not int or type(obj.get('image_id')) is not int:
        return False
    if not _typed(obj, int_keys=('num_keypoints',),
                  num_keys=('score', 'weight', 'area'), str_keys=('caption',)):
        return False
    if obj.get('category_id', 0) is not None and type(obj.get('category_id', 0)) is not int:
        return False
    track_id = obj.get('track_id')
    if track_id is not None and type(track_id) not in (int, str):
        return False
    if 'iscrowd' in obj and type(obj['iscrowd']) not in (int, bool):
        return False
    if 'bbox' in obj:
        bbox = obj['bbox']
        if not (type(bbox) is list and len(bbox) == 4 and _nums(bbox)):
            return False
    if 'prob' in obj and not _nums(obj['prob']):
        return False
    if 'segmentation' in obj and not _segmentation(obj['segmentation']):
        return False
    return 'keypoints' not in obj or _keypoints(obj['keypoints'])


def _fast_category(obj):
    if type(obj.get('id')) is not int:
        return False
    name = obj.get('name')
    if type(name) is not str or not name:
        return False
    if not obj.keys() <= {'id', 'name', 'supercategory', 'keypoints', 'skeleton'}:
        return False
    sup = obj.get('supercategory')
    if sup is not None and type(sup) is not str:
        return False
    if 'keypoints' in obj:
        kps = obj['keypoints']
        if type(kps) is not list or not set(map(type, kps)) <= {str}:
            return False
    if 'skeleton' in obj:
        skel = obj['skeleton']
        if type(skel) is not list:
            return False
        for edge in skel:
            if not (type(edge) is list and len(edge) == 2 and set(map(type, edge)) <= _INT):
                return False
    return True


_IMG_HANDLED = frozenset({
    'id', 'file_name', 'name', 'width', 'height', 'video_id', 'frame_index',
    'license', 'coco_url', 'flickr_url', 'date_captured', 'timestamp'})


def _fast_image(obj):
    # Images with assets, warps or channels are rare per manifest and take
    # the full validator; the common MS-COCO image is handled here.
    if not obj.keys() <= _IMG_HANDLED:
        return False
    if type(obj.get('id')) is not int:
        return False
    if not _typed(obj, int_keys=('width', 'height', 'frame_index', 'license'),
                  str_keys=('coco_url', 'flickr_url', 'date_captured')):
        return False
    for key in ('file_name', 'name'):
        value = obj.get(key)
        if value is not None and type(value) is not str:
            return False
    if obj.get('name') == '':
        return False
    if obj.get('video_id') is not None and type(obj['video_id']) is not int:
        return False
    return 'timestamp' not in obj or type(obj['timestamp']) in (str, int, float)


_FAST = {
    'annotations': _fast_annotation,
    'categories': _fast_category,
    'images': _fast_image,
}


def fast_is_valid(table, obj):
    """
    True when ``obj`` is certainly valid under ``TABLE_SCHEMAS[table]``.

    False means "not sure": ask :func:`object_validator`.  Only the common
    shapes are recognised; this never says True for an object the schema
    rejects.

    Example:
        >>> from xcoco.manifest.schema import fast_is_valid
        >>> fast_is_valid('annotations', {'id': 1, 'image_id': 2, 'bbox': [0, 0, 1, 1]})
        True
        >>> fast_is_valid('annotations', {'id': 1, 'image_id': 2, 'bbox': [0, 0, 1]})
        False
    """
    if type(obj) is not dict:
        return False
    func = _FAST.get(table)
    return func is not None and func(obj)
