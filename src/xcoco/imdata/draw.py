"""
Render one image with its annotations (``CocoImage.draw`` / ``show``).
"""
import numpy as np

__all__ = ['draw_image', 'pick_display_channels', 'show_image']


def pick_display_channels(channels):
    """
    Up to three channels to display: 'r|g|b' (or 'red|green|blue') when
    present, else the first three (or the first one).

    Example:
        >>> from delayed_image.channel_spec import ChannelSpec
        >>> pick_display_channels(ChannelSpec('B1,r|g|b,nir')).spec
        'r|g|b'
        >>> pick_display_channels(ChannelSpec('B1,B2,nir,x')).spec
        'B1|B2|nir'
        >>> pick_display_channels(None) is None
        True
    """
    from delayed_image.channel_spec import FusedChannelSpec
    if channels is None:
        return None
    flat = channels.fuse().normalize()
    names = set(flat.as_list())
    for rgb in (['r', 'g', 'b'], ['red', 'green', 'blue']):
        if names.issuperset(rgb):
            return FusedChannelSpec.coerce('|'.join(rgb))
    parts = flat.as_list()
    keep = parts[:3] if len(parts) >= 3 else parts[:1]
    return FusedChannelSpec.coerce('|'.join(keep))


def _to_uint8(data):
    # Percentile stretch: multispectral bands are rarely in 0-255 or 0-1.
    data = np.asarray(data, dtype=np.float64)
    if data.ndim == 2:
        data = data[:, :, None]
    finite = np.isfinite(data)
    if finite.any():
        lo, hi = np.percentile(data[finite], [1, 99])
        if hi <= lo:
            lo, hi = data[finite].min(), data[finite].max() + 1e-9
        data = np.clip((data - lo) / (hi - lo), 0, 1)
    data = np.where(finite, data, 0)
    if data.shape[2] == 1:
        data = np.repeat(data, 3, axis=2)
    elif data.shape[2] == 2:
        data = np.concatenate([data, data[:, :, :1]], axis=2)
    return (data * 255).astype(np.uint8)


def draw_image(coco_img, channels=None, draw_annots=True, space='image',
               **kwargs):
    """
    A uint8 RGB canvas of ``coco_img`` with its annotations drawn on.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image(name='x', width=16, height=16)
        >>> coco_img = dset.coco_image(gid)
        >>> coco_img.add_asset(imdata=np.zeros((16, 16, 3)), channels='r|g|b')
        >>> aid = coco_img.add_annotation(bbox=[2, 2, 8, 8])
        >>> canvas = draw_image(coco_img)
        >>> canvas.shape, canvas.dtype.name, bool(canvas.any())
        ((16, 16, 3), 'uint8', True)
    """
    if channels is None:
        channels = pick_display_channels(coco_img.channels)
    delayed = coco_img.imdelay(channels=channels, space=space)
    data = delayed.finalize()
    if channels is None:
        data = np.asarray(data)[..., :3]
    canvas = _to_uint8(data)
    if draw_annots and coco_img.dset is not None:
        import kwimage
        annots = coco_img.annots()
        if len(annots):
            dets = annots.detections
            if space == 'video':
                dets = dets.warp(coco_img.warp_vid_from_img)
            canvas = dets.draw_on(np.ascontiguousarray(canvas), **kwargs)
            canvas = kwimage.ensure_uint255(canvas)[..., :3]
    return canvas


def show_image(coco_img, **kwargs):
    """
    Show :func:`draw_image` in a matplotlib window (kwplot if installed).

    Example:
        >>> # xdoctest: +REQUIRES(module:matplotlib)
        >>> # xdoctest: +REQUIRES(--show)
        >>> import xcoco
        >>> img = xcoco.CocoImage({'id': 1, 'width': 4, 'height': 4})
        >>> img.add_asset(imdata=np.zeros((4, 4, 3)), channels='r|g|b')
        >>> show_image(img)
    """
    from xcoco.errors import MissingDependencyError
    canvas = draw_image(coco_img)
    try:
        import kwplot
        return kwplot.imshow(canvas, **kwargs)
    except ImportError:
        pass
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            'CocoImage.show needs matplotlib: pip install matplotlib') from None
    fig, ax = plt.subplots()
    ax.imshow(canvas)
    ax.set_axis_off()
    return ax
