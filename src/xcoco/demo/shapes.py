"""
The ``shapes`` demo: still images of random shapes on a noisy background.

Each image is rendered from a list of non-overlapping :class:`Shape` objects;
its boxes are the tight extents of the pixels each shape painted, its
segmentations are the painted outlines and its keypoints move with them.
"""
__all__ = ['build_shapes', 'render_rgb']


def render_rgb(shapes, labels, rng, field):
    """
    Paint shapes (their ``color``) over a dark noisy background.

    The background stays below 130 in every channel and each shape's dominant
    channel above 180, so a threshold at 160 on the channel maximum separates
    them; tests use that to check boxes against pixels.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import Shape, rasterize_labels
        >>> from xcoco.demo.shapes import render_rgb
        >>> shapes = [Shape(1, 16, 16, 10, 0.0, color=(0, 255, 0))]
        >>> labels = rasterize_labels(shapes, (32, 32))
        >>> rgb = render_rgb(shapes, labels, np.random.default_rng(0), np.zeros((32, 32), np.float32))
        >>> rgb.dtype.name, bool((rgb.max(axis=2) > 160).sum() == (labels > 0).sum())
        ('uint8', True)
    """
    import numpy as np

    from xcoco.demo.scene import render_layers
    fg = np.array([s.color for s in shapes], dtype=np.float32).reshape(-1, 3)
    bg_base = 15 + 25 * rng.random(3, dtype=np.float32)
    bg_amp = np.full(3, 55, np.float32)
    out = render_layers(labels, fg, field, bg_base, bg_amp, noise=5.0, rng=rng,
                        texture=0.12, bg_max=128, fg_floor=185)
    return np.clip(out, 0, 255).astype(np.uint8)


def build_shapes(bundle_dpath, options):
    """
    Render the ``shapes`` demo into ``bundle_dpath`` and write its manifest.

    Args:
        bundle_dpath (Path): empty folder to fill.
        options (dict): ``num_images, image_size, num_objects,
            multispectral, seed`` as produced by
            :func:`xcoco.demo.grammar.parse_demo_key`.

    Returns:
        dict: the manifest that was written.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> from xcoco.demo.shapes import build_shapes
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> opts = parse_demo_key('shapes2-gsize64').options
        >>> data = build_shapes(dpath, opts)
        >>> len(data['images']), data['images'][0]['width']
        (2, 64)
        >>> (dpath / data['images'][0]['file_name']).exists()
        True
    """
    import copy

    import numpy as np

    from xcoco.demo import scene
    from xcoco.demo.files import BackgroundWriter, write_manifest, write_png
    from xcoco.demo.vidshapes import render_frame
    size = options['image_size']
    img_dpath = bundle_dpath / '_assets' / 'images'
    images, annots = [], []
    with BackgroundWriter() as writer:
        for gid in range(1, options['num_images'] + 1):
            # One stream per image: 'shapes8' starts with the images of 'shapes2'.
            rng = np.random.default_rng([options['seed'], 1, gid])
            num = options['num_objects']
            if num is None:
                num = int(rng.integers(1, 9))
            shapes = scene.place_shapes(rng, size, num)
            labels = scene.rasterize_labels(shapes, (size, size))
            if options.get('multispectral'):
                # the Sentinel-2-like bands of vidshapes' 'sensor1'
                img, _ = render_frame(writer, bundle_dpath, dict(options, aux=False),
                                       gid, shapes, 'sensor1', rng)
            else:
                grid, gwarp = scene.smooth_field(rng, (size, size))
                field = scene.warp_field(grid, gwarp, (size, size))
                rgb = render_rgb(shapes, labels, rng, field)
                fname = f'_assets/images/img_{gid:05d}.png'
                img_dpath.ensuredir()
                writer.submit(write_png, img_dpath / f'img_{gid:05d}.png', rgb)
                img = {'id': gid, 'file_name': fname, 'width': size,
                       'height': size, 'channels': 'r|g|b'}
            img['name'] = f'img_{gid:05d}'
            images.append(img)
            for shape, (bbox, area) in zip(shapes, scene.measure_shapes(labels, len(shapes))):
                if bbox is None:
                    continue
                ann = scene.shape_annotation(shape, bbox, area)
                ann.update(id=len(annots) + 1, image_id=gid)
                annots.append(ann)
    dataset = {
        'info': [{'type': 'demo', 'generator': 'xcoco.demo.shapes',
                  'options': options}],
        'licenses': [],
        'categories': copy.deepcopy(scene.CATEGORIES),
        'keypoint_categories': copy.deepcopy(scene.KEYPOINT_CATEGORIES),
        'images': images,
        'annotations': annots,
    }
    write_manifest(bundle_dpath, dataset)
    return dataset
