"""
The ``shapes`` demo: still images of random shapes on a noisy background.

Each image is rendered from a list of non-overlapping :class:`Shape` objects;
its boxes are the tight extents of the pixels each shape painted, its
segmentations are the painted outlines and its keypoints move with them.
"""
__all__ = ['SHAPES_CATEGORY_IDS', 'build_shapes', 'render_rgb', 'shapes_categories']


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


# kwcoco's shapes demo numbers its classes after its toy-pattern table
# (background 0, star 3, superstar 6, eff 7); the scene's template keys are
# 1, 2, 3.
SHAPES_CATEGORY_IDS = {1: 3, 2: 6, 3: 7}


def shapes_categories():
    """
    The category table of the ``shapes`` demo: kwcoco's ids, with
    ``background`` first.

    Example:
        >>> from xcoco.demo.shapes import shapes_categories
        >>> [(c['id'], c['name']) for c in shapes_categories()]
        [(0, 'background'), (3, 'star'), (6, 'superstar'), (7, 'eff')]
    """
    import copy

    from xcoco.demo.scene import CATEGORIES
    cats = [{'id': 0, 'name': 'background'}]
    for cat in copy.deepcopy(CATEGORIES):
        cat['id'] = SHAPES_CATEGORY_IDS[cat['id']]
        cats.append(cat)
    return cats


def _oldstyle(ann, cat):
    """MS-COCO's original layout: flat polygon and [x, y, v] keypoints."""
    ann['segmentation'] = [[v for xy in part['exterior'] for v in xy]
                           for part in ann['segmentation']]
    by_kpcat = {kp['keypoint_category_id']: kp['xy'] for kp in ann['keypoints']}
    from xcoco.demo.scene import KEYPOINT_CATEGORIES
    kpname_to_id = {k['name']: k['id'] for k in KEYPOINT_CATEGORIES}
    flat = []
    for name in cat.get('keypoints', []):
        x, y = by_kpcat[kpname_to_id[name]]
        flat += [x, y, 2]
    ann['keypoints'] = flat
    return ann


def build_shapes(bundle_dpath, options):
    """
    Render the ``shapes`` demo into ``bundle_dpath`` and write its manifest.

    Args:
        bundle_dpath (Path): empty folder to fill.
        options (dict): ``num_images, image_size, num_objects, aux,
            multispectral, newstyle, seed`` as produced by
            :func:`xcoco.demo.grammar.parse_demo_key`.

    Returns:
        dict: the manifest that was written.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> from xcoco.demo.shapes import build_shapes
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> opts = parse_demo_key('shapes2-gsize64-aux').options
        >>> data = build_shapes(dpath, opts)
        >>> img = data['images'][0]
        >>> len(data['images']), img['width'], img['channels']
        (2, 64, 'rgb')
        >>> (dpath / img['file_name']).exists(), [a['channels'] for a in img['auxiliary']]
        (True, ['disparity'])
    """
    import copy

    import numpy as np

    from xcoco.demo import scene
    from xcoco.demo.files import BackgroundWriter, write_manifest
    from xcoco.demo.vidshapes import SENSORS, render_frame
    dsize = scene.as_dsize(options['image_size'])
    msi = options.get('multispectral')
    if msi:
        plan = SENSORS['sensor1']   # the Sentinel-2-like bands of vidshapes
    else:
        plan = [('disparity', 1)] if options.get('aux') else []
    newstyle = options.get('newstyle', True)
    categories = shapes_categories()
    id_to_cat = {cat['id']: cat for cat in categories}
    # 10 m pixels in UTM zone 31N, north up, like the video demos
    wld_from_img = np.array([[10.0, 0, 500000], [0, -10.0, 5000000], [0, 0, 1]])
    images, annots = [], []
    with BackgroundWriter() as writer:
        for gid in range(1, options['num_images'] + 1):
            # One stream per image: 'shapes8' starts with the images of 'shapes2'.
            rng = np.random.default_rng([options['seed'], 1, gid])
            num = options['num_objects']
            if num is None:
                num = int(rng.integers(1, 9))
            shapes = scene.place_shapes(rng, dsize, num)
            img, labels = render_frame(writer, bundle_dpath, gid, shapes, rng, dsize,
                                       plan, main_rgb=not msi, seed=options['seed'],
                                       wld_from_img=wld_from_img)
            if msi:
                img['sensor'] = img['sensor_coarse'] = 'sensor1'
            else:
                img['channels'] = 'rgb'   # kwcoco's spelling for this demo
            img['name'] = f'img_{gid:05d}'
            images.append(img)
            for shape, (bbox, area) in zip(shapes, scene.measure_shapes(labels, len(shapes))):
                if bbox is None:
                    continue
                ann = scene.shape_annotation(shape, bbox, area)
                ann.update(id=len(annots) + 1, image_id=gid,
                           category_id=SHAPES_CATEGORY_IDS[shape.category_id])
                if not newstyle:
                    ann = _oldstyle(ann, id_to_cat[ann['category_id']])
                annots.append(ann)
    dataset = {
        'info': [{'type': 'demo', 'generator': 'xcoco.demo.shapes',
                  'options': options}],
        'licenses': [],
        'categories': categories,
        'images': images,
        'annotations': annots,
    }
    if newstyle:
        dataset['keypoint_categories'] = copy.deepcopy(scene.KEYPOINT_CATEGORIES)
    write_manifest(bundle_dpath, dataset)
    return dataset
