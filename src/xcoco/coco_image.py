"""
kwcoco-compatible module path: ``from kwcoco.coco_image import CocoImage``
works after ``import xcoco as kwcoco``.  The code lives in
:mod:`xcoco.objects.image` and :mod:`xcoco.objects.asset`.

Example:
    >>> from xcoco.coco_image import CocoImage, CocoAsset
    >>> CocoImage({'width': 2, 'height': 2}).dsize
    (2, 2)
"""
from xcoco.objects.asset import CocoAsset
from xcoco.objects.image import CocoImage
from xcoco.objects.single import CocoAnnotation, CocoCategory, CocoTrack, CocoVideo

__all__ = ['CocoAnnotation', 'CocoAsset', 'CocoCategory', 'CocoImage', 'CocoTrack', 'CocoVideo']
