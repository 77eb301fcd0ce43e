"""
Re-export of the vectorized views under kwcoco's module name, so that
``from kwcoco.coco_objects1d import Images`` keeps working after
``import xcoco as kwcoco`` (with ``sys.modules`` aliasing).

Example:
    >>> from xcoco.coco_objects1d import Images, Annots
    >>> from xcoco.objects.vectorized import Images as Images2
    >>> Images is Images2
    True
"""
from xcoco.objects.vectorized import (  # NOQA
    ObjectList1D, ObjectGroups, Images, Annots, Categories, Videos, Tracks,
    ImageGroups, AnnotGroups, ObjView, CocoImageView,
)

__all__ = [
    'AnnotGroups',
    'Annots',
    'Categories',
    'CocoImageView',
    'ImageGroups',
    'Images',
    'ObjView',
    'ObjectGroups',
    'ObjectList1D',
    'Tracks',
    'Videos',
]
