"""
The manifest JSON Schema under kwcoco's module name
(``kwcoco.coco_schema``): :data:`COCO_SCHEMA` and its named parts.

Every part is a schema element (:class:`xcoco.util.jsonschema_elements.
Element`): a plain dict (``json.dumps`` and ``jsonschema`` take it as is),
with ``.validate(data)`` and kwcoco's call syntax for variants, e.g.
``BBOX(description=...)``.  The schema's definitions live in
:mod:`xcoco.manifest.schema`; the whole schema also ships as the JSON file
``xcoco/manifest/coco_schema.json``.

The schema differs from kwcoco's in its details (it is xcoco's own, with
the seed's segmentation / keypoint / warp encodings spelled out and typed),
and it accepts an MS-COCO ``info`` object as well as kwcoco's list of
process records.

Example:
    >>> from xcoco.coco_schema import (
    ...     ANNOTATION, ASSET, BBOX, CATEGORY, CHANNELS, CHANNEL_SPEC, COCO_SCHEMA,
    ...     EMPTY, IMAGE, INFO, KEYPOINTS, KEYPOINT_CATEGORY, KWCOCO_KEYPOINT,
    ...     KWCOCO_KEYPOINTS, KWCOCO_MULTIPOLYGON, KWCOCO_POLYGON, LICENSE, MASK_PATH,
    ...     MSCOCO_KEYPOINTS, MSCOCO_MULTIPOLYGON, MSCOCO_POLYGON, NAME,
    ...     ORIG_COCO_KEYPOINTS, PATH, POLYGON, QUANTIZATION_SPEC, REMOTE_URI,
    ...     RUN_LENGTH_ENCODING, SEGMENTATION, TRACK, TRANSFORM_SPEC, UUID, VIDEO, WKT)
    >>> COCO_SCHEMA.validate({
    ...     'info': {'year': 2017, 'version': '1.0', 'description': 'COCO 2017',
    ...              'contributor': 'COCO Consortium', 'url': 'http://cocodataset.org',
    ...              'date_created': '2017/09/01'},
    ...     'images': [{'id': 1, 'file_name': 'a.png'}],
    ...     'annotations': [{'id': 1, 'image_id': 1, 'bbox': [0, 0, 5, 5]}]})
    >>> BBOX.validate([1, 2, 3, 4])
    >>> import jsonschema
    >>> try:
    ...     ANNOTATION.validate({'id': 1, 'image_id': 1, 'bbox': [1, 2]})
    ... except jsonschema.ValidationError as ex:
    ...     print(list(ex.absolute_path), ex.message)
    ['bbox'] [1, 2] is too short
    >>> for part in [ASSET, CATEGORY, IMAGE, KEYPOINT_CATEGORY, TRACK, VIDEO, INFO, LICENSE,
    ...              KWCOCO_KEYPOINT, QUANTIZATION_SPEC, RUN_LENGTH_ENCODING]:
    ...     assert part['type'] == 'object'
    >>> for part in [MSCOCO_POLYGON, MSCOCO_MULTIPOLYGON, KWCOCO_MULTIPOLYGON,
    ...              MSCOCO_KEYPOINTS, ORIG_COCO_KEYPOINTS, KWCOCO_KEYPOINTS]:
    ...     assert part['type'] == 'array'
    >>> KWCOCO_POLYGON.validate({'exterior': [[0, 0], [4, 0], [4, 4]]})
    >>> SEGMENTATION.validate('POLYGON ((0 0, 1 0, 1 1, 0 0))'), WKT.validate('POLYGON EMPTY')
    (None, None)
    >>> POLYGON.validate([0, 0, 4, 0, 4, 4]), KEYPOINTS.validate([1, 2, 2])
    (None, None)
    >>> CHANNELS is CHANNEL_SPEC, CHANNELS.validate('r|g|b'), MASK_PATH.validate('m.png')
    (True, None, None)
    >>> TRANSFORM_SPEC.validate({'scale': 2}), NAME.validate('cat'), EMPTY.validate('')
    (None, None, None)
    >>> PATH.validate('imgs/a.png'), UUID.validate('0b9c'), REMOTE_URI.validate('s3://bucket/a.tif')
    (None, None, None)
"""
from xcoco.manifest.schema import (
    ANNOTATION,
    ASSET,
    BBOX,
    CATEGORY,
    CHANNEL_SPEC,
    COCO_SCHEMA,
    IMAGE,
    INFO,
    KEYPOINT_CATEGORY,
    KEYPOINTS,
    KWCOCO_KEYPOINT,
    KWCOCO_KEYPOINTS,
    KWCOCO_MULTIPOLYGON,
    KWCOCO_POLYGON,
    LICENSE,
    MASK_PATH,
    MSCOCO_KEYPOINTS,
    MSCOCO_MULTIPOLYGON,
    MSCOCO_POLYGON,
    NAME,
    QUANTIZATION_SPEC,
    RUN_LENGTH_ENCODING,
    SEGMENTATION,
    TRACK,
    TRANSFORM_SPEC,
    VIDEO,
    WKT,
)
from xcoco.util.jsonschema_elements import (
    ALLOF,
    ANY,
    ANYOF,
    ARRAY,
    BOOLEAN,
    INTEGER,
    NOT,
    NULL,
    NUMBER,
    OBJECT,
    ONEOF,
    STRING,
    Element,
    SchemaElements,
    elem,
)

__all__ = [
    'ALLOF',
    'ANNOTATION',
    'ANY',
    'ANYOF',
    'ARRAY',
    'ASSET',
    'BBOX',
    'BOOLEAN',
    'CATEGORY',
    'CHANNELS',
    'CHANNEL_SPEC',
    'COCO_SCHEMA',
    'EMPTY',
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
    'NOT',
    'NULL',
    'NUMBER',
    'OBJECT',
    'ONEOF',
    'ORIG_COCO_KEYPOINTS',
    'PATH',
    'POLYGON',
    'QUANTIZATION_SPEC',
    'REMOTE_URI',
    'RUN_LENGTH_ENCODING',
    'SEGMENTATION',
    'STRING',
    'TRACK',
    'TRANSFORM_SPEC',
    'TUPLE',
    'UUID',
    'VIDEO',
    'WKT',
    'Element',
    'SchemaElements',
    'deprecated',
    'elem',
]

# kwcoco's spellings of parts the manifest schema names differently
ORIG_COCO_KEYPOINTS = MSCOCO_KEYPOINTS
CHANNELS = CHANNEL_SPEC
POLYGON = ANYOF(MSCOCO_POLYGON, MSCOCO_MULTIPOLYGON, KWCOCO_POLYGON, KWCOCO_MULTIPOLYGON)

# small string elements kwcoco's schema module also exports
EMPTY = STRING(pattern='^$', description='the empty string')
PATH = STRING(description='a file path')
UUID = STRING(description='a universally unique identifier')
REMOTE_URI = STRING(pattern=r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$',
                    description='an absolute URI with an explicit scheme')


def TUPLE(*args, **kw):
    """
    A fixed-length list whose items match ``args`` in order.

    kwcoco's version fixes only the length (its items may be anything);
    this one also checks each position.

    Example:
        >>> pair = TUPLE(INTEGER, STRING, description='an id and a name')
        >>> pair.validate([1, 'cat'])
        >>> import jsonschema
        >>> try:
        ...     pair.validate(['cat', 1])
        ... except jsonschema.ValidationError as ex:
        ...     print('rejected:', ex.validator)
        rejected: type
    """
    return ARRAY(prefixItems=list(args), minItems=len(args), maxItems=len(args), **kw)


def deprecated(*args):
    """
    The schema of a deprecated field: marked ``deprecated`` and accepting
    anything, or what one of ``args`` accepts when types are given (kwcoco
    ignores them).

    Example:
        >>> deprecated()
        {'description': 'deprecated', 'deprecated': True}
        >>> deprecated(STRING)['anyOf']
        [{'type': 'string'}]
    """
    if args:
        return ANYOF(*args)(description='deprecated', deprecated=True)
    return ANY(description='deprecated', deprecated=True)
