"""
kwcoco's dataset-level pixel methods (``load_image``, ``delayed_load``,
``load_annot_sample``, ``draw_image``, ``show_image`` ...): each resolves
the image or annotation through the read surface and hands the work to
:class:`xcoco.CocoImage`, so every backend gets them.  Bound as
:class:`xcoco.CocoDataset` methods.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from xcoco.types import Id, JsonDict, ObjRef

if TYPE_CHECKING:
    import numpy as np
    import ubelt as ub
    from delayed_image import DelayedOperation

    from xcoco.query import Queryable

__all__ = ['delayed_load', 'draw_dataset_image', 'get_auxiliary_fpath', 'imread',
           'load_annot_sample', 'load_image', 'show_dataset_image']


def load_image(dset: Queryable, gid_or_img: ObjRef, channels: str | None = None) -> np.ndarray:
    """
    An image's pixels: its own file as decoded by ``kwimage.imread``, or,
    with ``channels``, those channels gathered from its assets.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset.load_image(1).shape
        (600, 600, 3)
        >>> dset.load_image(1, channels='g').shape
        (600, 600, 1)
    """
    img = dset._resolve_to_img(gid_or_img)
    if channels is None and img.get('file_name') is not None:
        import kwimage

        from xcoco.manifest.escape import refuse_special_file
        fpath = dset.get_image_fpath(img)
        refuse_special_file(fpath, f"image id={img.get('id')!r}")
        return kwimage.imread(fpath)
    return dset.coco_image(img['id']).imdelay(channels=channels).finalize()


def imread(dset: Queryable, gid: ObjRef) -> np.ndarray:
    """
    kwcoco's deprecated name for :func:`load_image` (warns, as kwcoco).

    Example:
        >>> import xcoco, warnings
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> with warnings.catch_warnings(record=True):
        ...     warnings.simplefilter('always')
        ...     dset.imread(1).shape
        (600, 600, 3)
    """
    warnings.warn('imread is deprecated: use load_image or coco_image(gid).imdelay()',
                  DeprecationWarning, stacklevel=2)
    return load_image(dset, gid)


def delayed_load(dset: Queryable, gid: ObjRef, channels: Any = None,
                 space: str = 'image') -> DelayedOperation:
    """
    The lazy delayed-image graph of an image (all channels, or
    ``channels`` in the requested order) in ``'image'`` or ``'video'``
    space; call ``.finalize()`` for the array.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('vidshapes1-multispectral')
        >>> delayed = dset.delayed_load(1, channels='B1|B8', space='video')
        >>> delayed.finalize().shape[2]
        2
    """
    img = dset._resolve_to_img(gid)
    return dset.coco_image(img['id']).imdelay(channels=channels, space=space)


def _get_img_auxiliary(dset: Queryable, gid_or_img: ObjRef, channels: Any) -> JsonDict:
    from xcoco.errors import ChannelError
    img = dset._resolve_to_img(gid_or_img)
    obj = dset.coco_image(img['id']).find_asset_obj(channels)
    if obj is None:
        raise ChannelError(f"image id={img['id']!r} has no asset with channels {channels!r}")
    return obj


def get_auxiliary_fpath(dset: Queryable, gid_or_img: ObjRef, channels: Any) -> ub.Path:
    """
    The full path of the asset of an image that holds ``channels``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('vidshapes1-multispectral')
        >>> dset.get_auxiliary_fpath(1, 'B1').exists()
        True
    """
    import ubelt as ub
    return ub.Path(dset.bundle_dpath) / _get_img_auxiliary(dset, gid_or_img, channels)['file_name']


def load_annot_sample(dset: Queryable, aid_or_ann: Id | JsonDict, image: Any = None,
                      pad: Any = None) -> dict[str, Any]:
    """
    The pixels under an annotation's box (``'im'``), padded by ``pad``
    (zeros outside the image), and how they were cut (``'transform'``, as
    ``kwarray.padded_slice`` reports it).  Pass a preloaded ``image`` to
    avoid reading the file again.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> ann = dset.anns[1]
        >>> sample = dset.load_annot_sample(1, pad=4)
        >>> x, y, w, h = ann['bbox']
        >>> import math
        >>> sample['im'].shape[:2] == (math.ceil(y + h) - int(y) + 8, math.ceil(x + w) - int(x) + 8)
        True
    """
    import math

    import kwarray

    from xcoco.errors import GeometryError
    if isinstance(aid_or_ann, dict):
        ann = aid_or_ann
    else:
        ann = dset.index.anns[dset._resolve_id('annotations', aid_or_ann)]
    bbox = ann.get('bbox')
    if bbox is None:
        raise GeometryError(f"load_annot_sample: annotation id={ann.get('id')!r} has no bbox")
    if image is None:
        image = load_image(dset, ann['image_id'])
    x, y, w, h = bbox
    region = (slice(int(y), int(math.ceil(y + h))), slice(int(x), int(math.ceil(x + w))))
    chip, transform = kwarray.padded_slice(image, region, pad=pad, return_info=True)
    return {'im': chip, 'transform': transform}


def draw_dataset_image(dset: Queryable, gid: ObjRef, channels: Any = None) -> np.ndarray:
    """
    An image with its annotations drawn on, as a uint8 RGB array
    (``draw_image`` on the dataset; see :meth:`xcoco.CocoImage.draw`).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> canvas = dset.draw_image(1)
        >>> canvas.shape, canvas.dtype.name
        ((600, 600, 3), 'uint8')
    """
    img = dset._resolve_to_img(gid)
    return dset.coco_image(img['id']).draw(channels=channels)


def show_dataset_image(dset: Queryable, gid: ObjRef | None = None, aids: Any = None,
                       aid: Id | None = None, channels: Any = None, setlim: Any = None,
                       **kwargs: Any) -> Any:
    """
    Show an image with its annotations in matplotlib (``show_image`` on the
    dataset).  Give ``gid``, or ``aid`` to show that annotation's image;
    ``aids`` limits which annotations are drawn.  Needs matplotlib.

    Example:
        >>> # xdoctest: +REQUIRES(module:matplotlib)
        >>> import matplotlib
        >>> matplotlib.use('Agg')
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> ax = dset.show_image(aid=1)
        >>> ax.get_images()[0].get_array().shape
        (600, 600, 3)
    """
    from xcoco.errors import MissingDependencyError
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError('show_image needs matplotlib: pip install matplotlib') from None
    if gid is None:
        if aid is None:
            raise TypeError('show_image needs gid or aid')
        gid = dset.index.anns[dset._resolve_id('annotations', aid)]['image_id']
    img = dset._resolve_to_img(gid)
    coco_img = dset.coco_image(img['id'])
    canvas = coco_img.draw(channels=channels, draw_annots=aids is None)
    if aids is not None:
        import kwimage
        import numpy as np
        dets = dset.annots(list(aids)).detections
        canvas = kwimage.ensure_uint255(dets.draw_on(np.ascontiguousarray(canvas)))[..., :3]
    ax = kwargs.pop('ax', None) or plt.gca()
    ax.imshow(canvas, **kwargs)
    ax.set_axis_off()
    if setlim == 'image':
        ax.set_xlim(0, canvas.shape[1])
        ax.set_ylim(canvas.shape[0], 0)
    return ax
