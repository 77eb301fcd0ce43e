"""
The ``kwcoco`` dialect: xcoco's own manifest (seed 000).  It is read and
written as it is; the other dialects are translated to and from it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset

__all__ = ['NAME', 'from_manifest', 'guess', 'to_manifest']

NAME = 'kwcoco'

_KWCOCO_ONLY = ('videos', 'tracks', 'keypoint_categories')
_TABLES = ('images', 'annotations', 'categories')


def guess(data: Any) -> float:
    """
    How surely ``data`` is a kwcoco manifest: a dict of COCO tables; surer
    with kwcoco-only tables or fields.  Other dialects score higher on
    their own signatures.

    Example:
        >>> guess({'images': [], 'videos': []}), guess([{'image_id': 1}])
        (0.9, 0.0)
    """
    if not isinstance(data, dict):
        return 0.0
    if any(key in data for key in _KWCOCO_ONLY):
        return 0.9
    if any(key in data for key in _TABLES):
        return 0.5
    return 0.0


def to_manifest(data: Any, context: dict | None = None) -> dict:
    """
    The manifest itself (checked for shape).

    Example:
        >>> to_manifest({'images': []})
        {'images': []}
    """
    from xcoco.manifest.io import check_manifest_shape
    check_manifest_shape(data, fpath=(context or {}).get('fpath'))
    return data


def from_manifest(dset: CocoDataset) -> dict:
    """
    The dataset's manifest dict (not a copy).

    Example:
        >>> import xcoco
        >>> from_manifest(xcoco.CocoDataset({'images': []}))
        {'images': []}
    """
    return dset.dataset
