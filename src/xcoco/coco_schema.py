"""
The manifest JSON Schema under kwcoco's module name, so that
``kwcoco.coco_schema.COCO_SCHEMA`` works after ``import xcoco as kwcoco``.

Example:
    >>> from xcoco.coco_schema import COCO_SCHEMA
    >>> sorted(COCO_SCHEMA['properties'])[:3]
    ['annotations', 'categories', 'images']
"""
from xcoco.manifest.schema import (
    ANNOTATION,
    ASSET,
    BBOX,
    CATEGORY,
    CHANNEL_SPEC,
    COCO_SCHEMA,
    IMAGE,
    KEYPOINT_CATEGORY,
    KEYPOINTS,
    KWCOCO_KEYPOINT,
    KWCOCO_KEYPOINTS,
    KWCOCO_MULTIPOLYGON,
    KWCOCO_POLYGON,
    MASK_PATH,
    MSCOCO_KEYPOINTS,
    MSCOCO_MULTIPOLYGON,
    MSCOCO_POLYGON,
    QUANTIZATION_SPEC,
    RUN_LENGTH_ENCODING,
    SEGMENTATION,
    TRACK,
    TRANSFORM_SPEC,
    VIDEO,
    WKT,
)

# kwcoco's spelling of the keypoint sub-schemas.
ORIG_COCO_KEYPOINTS = MSCOCO_KEYPOINTS
CHANNELS = CHANNEL_SPEC
POLYGON = {'anyOf': [MSCOCO_POLYGON, MSCOCO_MULTIPOLYGON, KWCOCO_POLYGON,
                     KWCOCO_MULTIPOLYGON]}

__all__ = [
    'ANNOTATION',
    'ASSET',
    'BBOX',
    'CATEGORY',
    'CHANNELS',
    'CHANNEL_SPEC',
    'COCO_SCHEMA',
    'IMAGE',
    'KEYPOINTS',
    'KEYPOINT_CATEGORY',
    'KWCOCO_KEYPOINT',
    'KWCOCO_KEYPOINTS',
    'KWCOCO_MULTIPOLYGON',
    'KWCOCO_POLYGON',
    'MASK_PATH',
    'MSCOCO_KEYPOINTS',
    'MSCOCO_MULTIPOLYGON',
    'MSCOCO_POLYGON',
    'ORIG_COCO_KEYPOINTS',
    'POLYGON',
    'QUANTIZATION_SPEC',
    'RUN_LENGTH_ENCODING',
    'SEGMENTATION',
    'TRACK',
    'TRANSFORM_SPEC',
    'VIDEO',
    'WKT',
]
