"""
kwcoco-compatible import path: ``from kwcoco.coco_dataset import CocoDataset``
works after ``import xcoco as kwcoco``.

Example:
    >>> from xcoco.coco_dataset import CocoDataset
    >>> CocoDataset().n_images
    0
"""
from xcoco.dataset import CocoDataset
from xcoco.errors import DuplicateAddError, InvalidAddError

__all__ = ['CocoDataset', 'DuplicateAddError', 'InvalidAddError']
