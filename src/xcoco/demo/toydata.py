"""
kwcoco's toy-data generator functions (``kwcoco.demo.toydata``) with
kwcoco's names and arguments, built on xcoco's own generators.

The output has kwcoco's structure (tables, category names and ids, channel
names, counts fixed by the arguments) but not kwcoco's random draws.  Two
deliberate differences: every dataset is rendered to real files (kwcoco's
``render=False`` leaves placeholder file names), and frames always carry a
``timestamp``.

Example:
    >>> from xcoco.demo.toydata import demodata_toy_dset, random_video_dset
    >>> dset = demodata_toy_dset(image_size=(64, 64), n_imgs=2)
    >>> [c['name'] for c in dset.dataset['categories']]
    ['background', 'star', 'superstar', 'eff']
    >>> dset = random_video_dset(num_videos=2, num_frames=3, image_size=(64, 64))
    >>> dset.n_videos, dset.n_images
    (2, 6)
"""
__all__ = [
    'demodata_toy_dset',
    'demodata_toy_img',
    'random_single_video_dset',
    'random_video_dset',
]


def _pop_gsize(image_size, kwargs, func):
    # kwcoco's deprecated spelling of image_size
    if 'gsize' in kwargs:
        image_size = kwargs.pop('gsize')
    if kwargs.get('sensorchan', None) is None:
        kwargs.pop('sensorchan', None)
    if kwargs:
        raise TypeError(f'{func}() got unexpected arguments {sorted(kwargs)}')
    return image_size


def demodata_toy_dset(image_size=(600, 600), n_imgs=5, verbose=3, rng=0,
                      newstyle=True, dpath=None, fpath=None, bundle_dpath=None,
                      aux=None, use_cache=True, **kwargs):
    """
    The ``shapes`` demo as a dataset: ``n_imgs`` still images of stars,
    superstars and effs, with kwcoco's category table and ``'rgb'`` images.

    Args:
        image_size (int | Tuple[int, int]): width and height (``gsize`` is
            kwcoco's old name).
        n_imgs (int): number of images.
        verbose (int): accepted; generation is quiet.
        rng (int | None | numpy.random.RandomState): the seed.
        newstyle (bool): kwcoco-style polygons and keypoints; False writes
            MS-COCO's flat lists and no keypoint category table.
        dpath (PathLike | None): cache folder that holds the bundle.
        fpath (PathLike | None): where the manifest goes (its folder is the
            bundle).
        bundle_dpath (PathLike | None): the bundle folder itself.
        aux (bool | None): add a ``disparity`` asset to every image.
        use_cache (bool): False regenerates.

    Returns:
        xcoco.CocoDataset

    Example:
        >>> import tempfile
        >>> from xcoco.demo.toydata import demodata_toy_dset
        >>> dset = demodata_toy_dset(image_size=(48, 32), n_imgs=3, aux=True,
        ...                          dpath=tempfile.mkdtemp())
        >>> img = dset.imgs[1]
        >>> dset.n_images, (img['width'], img['height']), img['channels']
        (3, (48, 32), 'rgb')
        >>> [a['channels'] for a in img['auxiliary']]
        ['disparity']
    """
    from xcoco.demo import demo_dataset
    image_size = _pop_gsize(image_size, kwargs, 'demodata_toy_dset')
    return demo_dataset('shapes', dpath=dpath, fpath=fpath, bundle_dpath=bundle_dpath,
                        use_cache=use_cache, num_images=n_imgs, image_size=image_size,
                        rng=rng, newstyle=newstyle, aux=bool(aux))


def _video_options(image_size, aux, multispectral, multisensor, max_speed,
                   channels, background, sensorchan, anchors):
    return {'image_size': image_size, 'aux': bool(aux), 'anchors': anchors,
            'multispectral': bool(multispectral), 'multisensor': bool(multisensor),
            'max_speed': max_speed, 'channels': _channel_text(channels),
            'sensorchan': _channel_text(sensorchan), 'background': background}


def _channel_text(spec):
    # kwcoco also takes ChannelSpec objects; the grammar wants their text
    if spec is None or isinstance(spec, str):
        return spec
    return getattr(spec, 'spec', spec)


def random_video_dset(num_videos=1, num_frames=2, num_tracks=2, anchors=None,
                      image_size=(600, 600), verbose=3, render=False, aux=None,
                      multispectral=False, multisensor=False, rng=None, dpath=None,
                      max_speed=0.01, channels=None, background='noise',
                      timestamps=False, sensorchan=None, **kwargs):
    """
    The ``vidshapes`` demo as a dataset: videos of moving shapes with tracks.

    Args:
        num_videos, num_frames, num_tracks (int): counts per dataset / video.
        anchors (ndarray | None): N x 2 object sizes as (width, height)
            fractions of the image; shapes are isotropic, so each uses the
            geometric mean of a random anchor's sides.
        image_size (int | Tuple[int, int] | str): size, or ``'random'``.
        verbose (int): accepted; generation is quiet.
        render (bool | dict): accepted; xcoco always renders the files.
        aux (bool | None): RGB plus ``disparity`` / ``flowx|flowy`` assets.
        multispectral (bool): Sentinel-2-like bands instead of RGB.
        multisensor (bool): frames from several sensors.
        rng (int | None | numpy.random.RandomState): the seed.
        dpath (PathLike | None): the bundle folder (default: the cache).
        max_speed (float): largest step per frame, fraction of the image.
        channels (str | None): kwcoco's comma separated streams.
        background (str): only ``'noise'``.
        timestamps (bool): accepted; frames always carry timestamps.
        sensorchan (str | None): per-sensor streams.

    Returns:
        xcoco.CocoDataset

    Example:
        >>> import tempfile
        >>> from xcoco.demo.toydata import random_video_dset
        >>> dset = random_video_dset(num_videos=2, num_frames=2, num_tracks=3,
        ...                          image_size=(64, 48), multispectral=True,
        ...                          dpath=tempfile.mkdtemp())
        >>> dset.n_videos, dset.n_images, dset.n_tracks
        (2, 4, 6)
        >>> [a['channels'] for a in dset.imgs[1]['auxiliary']]
        ['B1', 'B8', 'B8a', 'B10', 'B11']
    """
    from xcoco.demo import demo_dataset
    image_size = _pop_gsize(image_size, kwargs, 'random_video_dset')
    opts = _video_options(image_size, aux, multispectral, multisensor, max_speed,
                          channels, background, sensorchan, anchors)
    return demo_dataset('vidshapes', bundle_dpath=dpath, num_videos=num_videos,
                        num_frames=num_frames, num_tracks=num_tracks, rng=rng, **opts)


def random_single_video_dset(image_size=(600, 600), num_frames=5, num_tracks=3,
                             tid_start=1, gid_start=1, video_id=1, anchors=None,
                             rng=None, render=False, dpath=None, autobuild=True,
                             verbose=3, aux=None, multispectral=False, max_speed=0.01,
                             channels=None, multisensor=False, timestamps=False,
                             sensorchan=None, **kwargs):
    """
    One video of moving shapes, with image, track and video ids starting
    where the caller says (kwcoco builds multi-video sets from these).

    Args:
        tid_start (int): id of the first track.
        gid_start (int): id of the first image.
        video_id (int): id of the video (its name is ``toy_video_<id>``).
        autobuild (bool): accepted; the index is always built.
        **others: as :func:`random_video_dset`.

    Returns:
        xcoco.CocoDataset: images resolve against the generated bundle.

    Example:
        >>> import tempfile
        >>> from xcoco.demo.toydata import random_single_video_dset
        >>> dset = random_single_video_dset(image_size=(64, 64), num_frames=3, num_tracks=2,
        ...                                 gid_start=10, tid_start=5, video_id=7,
        ...                                 dpath=tempfile.mkdtemp())
        >>> sorted(dset.imgs), sorted(dset.index.tracks), list(dset.index.videos)
        ([10, 11, 12], [5, 6], [7])
        >>> dset.index.videos[7]['name'], dset.coco_image(10).imdelay().finalize().shape
        ('toy_video_7', (64, 64, 3))
    """
    import copy

    from xcoco.dataset import CocoDataset
    from xcoco.demo import demo_dataset
    image_size = _pop_gsize(image_size, kwargs, 'random_single_video_dset')
    opts = _video_options(image_size, aux, multispectral, multisensor, max_speed,
                          channels, 'noise', sensorchan, anchors)
    base = demo_dataset('vidshapes', bundle_dpath=dpath, num_videos=1,
                        num_frames=num_frames, num_tracks=num_tracks, rng=rng, **opts)
    data = copy.deepcopy(base.dataset)
    gid_of = {img['id']: gid_start + i for i, img in enumerate(data['images'])}
    tid_of = {trk['id']: tid_start + i for i, trk in enumerate(data['tracks'])}
    for video in data['videos']:
        video['id'] = video_id
        video['name'] = f'toy_video_{video_id}'
    for frame, img in enumerate(data['images']):
        img['id'] = gid_of[img['id']]
        img['video_id'] = video_id
        img['name'] = f'generated-{video_id}-{frame}'
    for trk in data['tracks']:
        trk['id'] = tid_of[trk['id']]
        trk['video_id'] = video_id
        trk['name'] = f'track_{trk["id"]:03d}'
    for ann in data['annotations']:
        ann['image_id'] = gid_of[ann['image_id']]
        ann['track_id'] = tid_of[ann['track_id']]
    return CocoDataset(data, bundle_dpath=base.bundle_dpath)


def _as_generator(rng):
    import numpy as np
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    if hasattr(rng, 'randint'):   # RandomState / random.Random
        return np.random.default_rng(int(rng.randint(0, 2 ** 31 - 1)))
    raise TypeError(f'rng must be an int, None or a random generator, got {type(rng).__name__}')


def _toy_templates(categories):
    from xcoco.demo.scene import TEMPLATE_IDS
    names = ['star', 'eff', 'superstar'] if categories is None else list(categories)
    unknown = [n for n in names if n not in TEMPLATE_IDS]
    if unknown or not names:
        raise ValueError(f'demodata_toy_img: unknown categories {unknown!r}; '
                         f'known: {sorted(TEMPLATE_IDS)}')
    return names, [TEMPLATE_IDS[n] for n in names]


def _place_toy_shapes(rng, dsize, num, choices, anchors, centerobj, exact):
    import math

    from xcoco.demo.scene import random_shape
    w, h = dsize
    placed = []
    for index in range(num):
        for _ in range(200):
            shape = random_shape(rng, dsize, choices=choices, anchors=anchors)
            margin = shape.reach + 1
            if 2 * margin > min(w, h):
                continue
            if centerobj == 'pos' and index == 0:
                cx, cy = w / 2, h / 2
            else:
                cx, cy = rng.uniform((margin, margin), (w - margin, h - margin))
            if centerobj == 'neg' and math.hypot(cx - w / 2, cy - h / 2) <= margin:
                continue
            cand = shape.moved(float(cx), float(cy), shape.theta)
            if all(math.hypot(cand.cx - o.cx, cand.cy - o.cy) > cand.reach + o.reach + 2
                   for o in placed):
                placed.append(cand)
                break
        else:
            if exact:
                raise ValueError(f'demodata_toy_img: only {len(placed)} of {num} '
                                 f'objects fit in a {w}x{h} image')
    return placed


def _uncompressed_rle(mask):
    """
    MS-COCO's uncompressed RLE of a boolean mask: run lengths in
    column-major order, starting with a (possibly empty) run of zeros.

    Example:
        >>> import numpy as np
        >>> _uncompressed_rle(np.array([[0, 1], [1, 1]], bool))
        {'size': [2, 2], 'counts': [1, 3]}
    """
    import numpy as np
    flat = np.asarray(mask, bool).ravel(order='F')
    edges = np.flatnonzero(np.diff(flat.astype(np.int8))) + 1
    bounds = np.concatenate([[0], edges, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0]:
        counts = [0] + counts
    return {'size': [int(mask.shape[0]), int(mask.shape[1])], 'counts': counts}


def demodata_toy_img(anchors=None, image_size=(104, 104), categories=None,
                     n_annots=(0, 50), fg_scale=0.5, bg_scale=0.8, bg_intensity=0.1,
                     fg_intensity=0.9, gray=True, centerobj=None, exact=False,
                     newstyle=True, rng=None, aux=None, **kwargs):
    """
    One in-memory toy image with non-overlapping shapes and their
    annotations.

    Args:
        anchors (ndarray | None): N x 2 object sizes as fractions of the
            image (default ``[[0.2, 0.2]]``); shapes are isotropic, so each
            uses the geometric mean of its anchor's sides.
        image_size (Tuple[int, int]): width, height (``gsize`` also works).
        categories (List[str] | None): shape names to draw from (default
            star, eff, superstar; also box, circle, octagon, diamond).
        n_annots (int | Tuple[int, int]): object count, or [low, high) bounds.
        fg_scale, fg_intensity (float): std and mean of object pixels (0..1).
        bg_scale, bg_intensity (float): std and mean of background pixels.
        gray (bool): gray objects and background (else colored objects).
        centerobj (str | None): ``'pos'`` puts the first object at the
            centre, ``'neg'`` keeps the centre free.
        exact (bool): raise if fewer objects than asked for fit (kwcoco
            raises NotImplementedError for any ``exact=True``).
        newstyle (bool): kwcoco polygons / keypoint dicts; False gives an
            RLE mask and flat ``[x, y, v]`` keypoints.
        rng (int | None | generator): randomness.
        aux (bool | None): add a ``disparity`` channel (float in 0..1).

    Returns:
        Tuple[dict, List[dict]]: the image (``width``, ``height``,
        ``imdata`` uint8 H x W x 3, ``channels`` ``'rgb'``, optionally
        ``auxiliary``) and its annotations (``category_name``, ``bbox``,
        ``area``, ``segmentation``, ``keypoints`` with ``keypoint_category``
        names).

    Example:
        >>> from xcoco.demo.toydata import demodata_toy_img
        >>> img, anns = demodata_toy_img(image_size=(64, 48), n_annots=3, rng=0, aux=True)
        >>> img['imdata'].shape, img['channels'], len(anns)
        ((48, 64, 3), 'rgb', 3)
        >>> img['auxiliary'][0]['channels'], img['auxiliary'][0]['imdata'].shape
        ('disparity', (48, 64, 1))
        >>> sorted(anns[0])
        ['area', 'bbox', 'category_name', 'keypoints', 'segmentation']
    """
    import numpy as np

    from xcoco.demo import scene
    image_size = _pop_gsize(image_size, kwargs, 'demodata_toy_img')
    if centerobj not in (None, 'pos', 'neg'):
        raise ValueError(f"demodata_toy_img: centerobj must be None, 'pos' or 'neg', got {centerobj!r}")
    dsize = scene.as_dsize(image_size)
    gen = _as_generator(rng)
    names, choices = _toy_templates(categories)
    id_to_name = dict(zip(choices, names))
    if isinstance(n_annots, (tuple, list)):
        num = int(gen.integers(*n_annots))
    else:
        num = int(n_annots if n_annots is not None else gen.integers(0, 50))
    if anchors is None:
        anchors = [[0.20, 0.20]]   # kwcoco's default object size
    anchors = [(float(aw), float(ah)) for aw, ah in np.asarray(anchors, dtype=np.float64).reshape(-1, 2)]
    shapes = _place_toy_shapes(gen, dsize, num, choices, anchors, centerobj, exact)
    labels = scene.rasterize_labels(shapes, dsize)
    w, h = dsize
    chans = 1 if gray else 3
    data = np.clip(gen.normal(bg_intensity, bg_scale, (h, w, chans)), 0, 1)
    ys, xs = np.nonzero(labels)
    fg = np.clip(gen.normal(fg_intensity, fg_scale, (len(ys), chans)), 0, 1)
    if not gray:
        colors = np.array([s.color for s in shapes], dtype=np.float64).reshape(-1, 3) / 255
        fg = fg * colors[labels[ys, xs] - 1]
    data[ys, xs] = fg
    imdata = np.repeat((data * 255).astype(np.uint8), 3 // chans, axis=2)
    img = {'width': w, 'height': h, 'imdata': imdata, 'channels': 'rgb'}
    if aux:
        from xcoco.demo.vidshapes import render_asset
        field = scene.smooth_field(gen, dsize)
        disparity, _ = render_asset(shapes, 'disparity', np.eye(3), dsize, dsize,
                                    field, gen, 0)
        low, high = float(disparity.min()), float(disparity.max())
        disparity = (disparity - low) / max(high - low, 1e-8)
        img['auxiliary'] = [{'imdata': disparity.astype(np.float32), 'channels': 'disparity'}]
    kpname = {k['id']: k['name'] for k in scene.KEYPOINT_CATEGORIES}
    anns = []
    for index, (shape, (bbox, area)) in enumerate(
            zip(shapes, scene.measure_shapes(labels, len(shapes))), start=1):
        if bbox is None:
            continue
        ann = scene.shape_annotation(shape, bbox, area)
        keypoints = [{'xy': kp['xy'], 'keypoint_category': kpname[kp['keypoint_category_id']]}
                     for kp in ann['keypoints']]
        if not newstyle:
            ann['segmentation'] = _uncompressed_rle(labels == index)
            keypoints = [v for kp in keypoints for v in (*kp['xy'], 2)]
        anns.append({'category_name': id_to_name[shape.category_id],
                     'segmentation': ann['segmentation'], 'keypoints': keypoints,
                     'bbox': bbox, 'area': float(area)})
    return img, anns
