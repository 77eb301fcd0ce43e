"""
Demo datasets: real image files in a cached bundle, annotations that agree
with the pixels.

``demo_dataset(key)`` (also ``CocoDataset.demo(key)``) returns a
:class:`~xcoco.CocoDataset` whose files exist on disk.

Key grammar
-----------
A key is ``<kind>[N][-part]...``; parts are a name followed by an optional
number, and keyword arguments with the long names override the key.

``photos`` (the default)
    Three real photographs (scikit-image's ``astronaut.png`` 512x512,
    ``rocket.jpg``, ``chelsea.png``, read offline) with hand-drawn boxes,
    polygons and keypoints; see :mod:`xcoco.demo.photos`.

``shapes`` / ``shapesN``
    N (default 5) still images of random stars / superstars / effs on noise,
    with kwcoco's category table (``background`` 0, ``star`` 3,
    ``superstar`` 6, ``eff`` 7) and main channels ``'rgb'``.
    Parts: ``gsize<px>`` image size (600), ``objects<k>`` shapes per image
    (random 1..8), ``seed<s>`` (0), ``aux`` (an extra ``disparity`` asset
    per image, as kwcoco's ``aux=True``), ``msi`` (the multispectral bands
    below instead of an RGB PNG).  ``frames1`` and ``speed<v>`` (in kwcoco's
    documented ``'shapes8-frames1-speed0.2-msi'``) are accepted: a still
    image is one frame and does not move.  Keyword ``newstyle=False``
    writes MS-COCO's original flat polygons and ``[x, y, v]`` keypoints.

``vidshapes`` / ``vidshapesN``
    N (default 1) videos of moving shapes with tracks.
    Parts: ``frames<f>`` (2), ``tracks<t>`` or ``objects<t>`` (2),
    ``gsize<px>`` (600), ``randgsize`` (also ``randsize`` /
    ``image_sizerandom``: each video and each of its frames gets a random
    size in 200..800 px per side, frames mapped onto the video by
    ``warp_img_to_vid``), ``speed<v>`` largest step per frame as a fraction
    of the image size (0.01), ``seed<s>`` (0), and the flags ``aux`` (RGB
    plus ``disparity`` / ``flowx|flowy`` assets), ``msi`` or
    ``multispectral`` (Sentinel-2-like B1, B8, B8a, B10, B11 GeoTIFFs at
    scales 1, 6, 3, 1, 3, uint16 quantized with nodata 0) and
    ``multisensor`` (frames from four sensors with different channel sets
    and rotated / rescaled assets).  Keywords ``channels='B1,B8|B11'``
    (kwcoco's comma separated streams, bands only) and
    ``sensorchan='s1:(r|g|b,B8),s2:flowx|flowy'`` choose the assets;
    ``background='noise'`` is the only background.
    ``timestamps`` and ``render`` are accepted and ignored: frames always
    carry ``timestamp`` and are always rendered.

A ``special:`` prefix is ignored (``CocoDataset.coerce('special:shapes8')``).
Keyword arguments: the long option names (``num_videos``, ``num_frames``,
``num_tracks``, ``num_images``, ``num_objects``, ``image_size``,
``max_speed``, ``multispectral``, ``multisensor``, ``aux``, ``seed``) or
kwcoco's spellings (``rng`` as an int, None or a numpy generator, ``n_imgs``,
``gsize``, ``image_size=(w, h)`` or ``'random'``); ``verbose`` and
``render`` are accepted and ignored.  :mod:`xcoco.demo.toydata` has
kwcoco's generator functions (``demodata_toy_dset``, ``random_video_dset``
...).

Caching
-------
Each normalized request is generated once into ``<root>/<kind>_<hash>/``,
where root is ``dpath``, else ``$XCOCO_DEMO_DPATH``, else the user cache
(``~/.cache/xcoco/demodata``).  ``bundle_dpath=`` names the bundle folder
itself, ``fpath=`` the manifest path (its folder is the bundle; a name
other than ``data.kwcoco.json`` gets a copy of the manifest),
``use_cache=False`` forces regeneration.  Bundles are built in a
temporary folder and renamed into place, so concurrent requests for the same
key never see a half-written bundle.
"""
from xcoco.demo.grammar import DemoSpec, parse_demo_key

__all__ = ['DemoSpec', 'demo_bundle', 'demo_dataset', 'parse_demo_key']

_BUILDERS = {
    'photos': 'xcoco.demo.photos:build_photos',
    'shapes': 'xcoco.demo.shapes:build_shapes',
    'vidshapes': 'xcoco.demo.vidshapes:build_vidshapes',
}


def _builder(kind):
    import importlib
    modname, funcname = _BUILDERS[kind].split(':')
    return getattr(importlib.import_module(modname), funcname)


def demo_bundle(key='photos', dpath=None, bundle_dpath=None, use_cache=True,
                fpath=None, **kwargs):
    """
    Make sure the bundle for ``key`` exists and return its manifest path.

    Same arguments as :func:`demo_dataset`; useful to get the files without
    loading the manifest (e.g. in a subprocess).

    Returns:
        ubelt.Path: path to ``data.kwcoco.json`` (or to ``fpath``).

    Example:
        >>> from xcoco.demo import demo_bundle
        >>> fpath = demo_bundle('vidshapes1-gsize32-frames2')
        >>> fpath.name, fpath.exists()
        ('data.kwcoco.json', True)
    """
    from xcoco.demo.cache import MANIFEST_NAME, demo_cache_root, ensure_bundle
    spec = parse_demo_key(key, **kwargs)
    if fpath is not None:
        import ubelt as ub
        fpath = ub.Path(fpath).expand()
        bundle_dpath = fpath.parent
    tag = spec.tag()
    if spec.kind == 'photos':
        # the stand-in images differ from the real ones: separate bundles
        from xcoco.demo.photos import find_photo_source
        if find_photo_source() is None:
            tag += '_standin'
    chosen = bundle_dpath is not None
    if not chosen:
        bundle_dpath = demo_cache_root(dpath) / tag
    build = _builder(spec.kind)
    ensure_bundle(lambda dpath_: build(dpath_, spec.options), tag,
                  bundle_dpath, use_cache=use_cache,
                  info={'key': spec.key, 'kind': spec.kind,
                        'options': spec.options},
                  # never delete a folder the user named unless it is ours
                  replace_unstamped=not chosen)
    import ubelt as ub
    manifest = ub.Path(bundle_dpath) / MANIFEST_NAME
    if fpath is not None and fpath.name != MANIFEST_NAME:
        import shutil
        # the bundle is rebuilt as a whole, so the copy is refreshed on
        # every request instead of living inside the stamped folder
        shutil.copyfile(manifest, fpath)
        return fpath
    return manifest


def demo_dataset(key='photos', dpath=None, **kwargs):
    """
    A demo :class:`~xcoco.CocoDataset`, generated on first use and cached.

    Args:
        key (str): see the grammar in :mod:`xcoco.demo`.
        dpath (PathLike | None): cache root (default ``$XCOCO_DEMO_DPATH`` or
            the user cache dir).
        **kwargs: option overrides; also ``bundle_dpath`` and ``use_cache``.

    Returns:
        CocoDataset: loaded from the bundle's ``data.kwcoco.json``, with
        ``tag`` set to the key.

    Raises:
        DemoKeyError: the key or an option is not understood.

    Example:
        >>> from xcoco.demo import demo_dataset
        >>> dset = demo_dataset('vidshapes2-frames3-gsize64')
        >>> dset.n_videos, dset.n_images, dset.n_tracks
        (2, 6, 4)
        >>> dset = demo_dataset('shapes3', image_size=(48, 48))
        >>> [img['width'] for img in dset.dataset['images']]
        [48, 48, 48]
        >>> import tempfile
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'bundle' / 'toy.kwcoco.json'
        >>> dset = demo_dataset('shapes2-gsize32-aux', fpath=fpath)
        >>> ub.Path(dset.fpath) == fpath, dset.imgs[1]['auxiliary'][0]['channels']
        (True, 'disparity')
        >>> dset = demo_dataset()
        >>> final = dset.coco_image(1).imdelay().finalize()
        >>> final.shape
        (512, 512, 3)
    """
    from xcoco.dataset import CocoDataset
    fpath = demo_bundle(key, dpath=dpath, **kwargs)
    dset = CocoDataset(fpath)
    dset.tag = key
    return dset
