"""
kwcoco's ``util.delayed_ops`` names: the lazy image operations of
delayed-image (the same classes :meth:`xcoco.CocoImage.imdelay` returns),
and delayed-image's ``delayed_base`` / ``delayed_leafs`` /
``delayed_nodes`` / ``helpers`` modules.

Example:
    >>> import numpy as np
    >>> from xcoco.util.delayed_ops import DelayedIdentity, DelayedImage
    >>> delayed = DelayedIdentity(np.zeros((8, 8, 1)), channels='gray')
    >>> cropped = delayed.crop((slice(0, 4), slice(2, 6)))
    >>> isinstance(cropped, DelayedImage), cropped.finalize().shape
    (True, (4, 4, 1))
"""
from delayed_image import (
    DelayedArray,
    DelayedAsXarray,
    DelayedChannelConcat,
    DelayedConcat,
    DelayedCrop,
    DelayedDequantize,
    DelayedFrameStack,
    DelayedIdentity,
    DelayedImage,
    DelayedImageLeaf,
    DelayedLoad,
    DelayedNans,
    DelayedNaryOperation,
    DelayedOperation,
    DelayedOverview,
    DelayedStack,
    DelayedUnaryOperation,
    DelayedWarp,
    ImageOpsMixin,
    delayed_base,
    delayed_leafs,
    delayed_nodes,
    helpers,
)

__all__ = [
    'DelayedArray',
    'DelayedAsXarray',
    'DelayedChannelConcat',
    'DelayedConcat',
    'DelayedCrop',
    'DelayedDequantize',
    'DelayedFrameStack',
    'DelayedIdentity',
    'DelayedImage',
    'DelayedImageLeaf',
    'DelayedLoad',
    'DelayedNans',
    'DelayedNaryOperation',
    'DelayedOperation',
    'DelayedOverview',
    'DelayedStack',
    'DelayedUnaryOperation',
    'DelayedWarp',
    'ImageOpsMixin',
    'delayed_base',
    'delayed_leafs',
    'delayed_nodes',
    'helpers',
]
