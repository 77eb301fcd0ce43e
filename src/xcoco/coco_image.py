"""
kwcoco-compatible module path: ``from kwcoco.coco_image import CocoImage``
works after ``import xcoco as kwcoco``.  The code lives in
:mod:`xcoco.objects.image`, :mod:`xcoco.objects.asset` and
:mod:`xcoco.objects.single`; the other names kwcoco's module exposes are
the same objects (delayed-image's graph nodes and channel specs, the
resolution parser).

Example:
    >>> from xcoco.coco_image import CocoImage, CocoAsset, coerce_resolution
    >>> CocoImage({'width': 2, 'height': 2}).dsize
    (2, 2)
    >>> coerce_resolution('10 GSD')
    {'mag': (10.0, 10.0), 'unit': 'GSD'}
"""
from typing import TypedDict, TypeVar

from delayed_image import DelayedChannelConcat, DelayedIdentity, DelayedLoad, DelayedNans
from delayed_image.channel_spec import ChannelSpec, FusedChannelSpec

from xcoco.imdata.spaces import DEFAULT_RESOLUTION_KEYS, coerce_resolution
from xcoco.objects.asset import CocoAsset, CocoObject
from xcoco.objects.image import CocoImage
from xcoco.objects.proxy import AliasedDictProxy
from xcoco.objects.single import CocoAnnotation, CocoCategory, CocoTrack, CocoVideo

__all__ = [
    'DEFAULT_RESOLUTION_KEYS',
    'AliasedDictProxy',
    'ChannelSpec',
    'CocoAnnotation',
    'CocoAsset',
    'CocoCategory',
    'CocoImage',
    'CocoImageT',
    'CocoObjectT',
    'CocoTrack',
    'CocoVideo',
    'DelayedChannelConcat',
    'DelayedIdentity',
    'DelayedLoad',
    'DelayedNans',
    'FusedChannelSpec',
    'ResolutionInfo',
    'coerce_resolution',
]

CocoImageT = TypeVar('CocoImageT', bound=CocoImage)
CocoObjectT = TypeVar('CocoObjectT', bound=CocoObject)


class ResolutionInfo(TypedDict):
    """
    What :func:`coerce_resolution` returns: a magnitude per axis and a unit.

    Example:
        >>> from xcoco.coco_image import ResolutionInfo, coerce_resolution
        >>> info: ResolutionInfo = coerce_resolution(3)
        >>> info['mag'], info['unit']
        ((3.0, 3.0), None)
    """

    mag: tuple[float, float]
    unit: str | None
