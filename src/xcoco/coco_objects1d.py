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
from typing import TypeVar

from xcoco.objects.vectorized import (
    AnnotGroups,
    Annots,
    Categories,
    CocoImageView,
    ImageGroups,
    Images,
    ObjectGroups,
    ObjectList1D,
    ObjView,
    Tracks,
    Videos,
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
    'ObjectGroupsT',
    'ObjectList1D',
    'ObjectListT',
    'Tracks',
    'Videos',
]

ObjectListT = TypeVar('ObjectListT', bound=ObjectList1D)
ObjectGroupsT = TypeVar('ObjectGroupsT', bound=ObjectGroups)
