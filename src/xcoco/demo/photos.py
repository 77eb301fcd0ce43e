"""
The ``photos`` demo: three real photographs with hand-drawn annotations.

Its structure is kwcoco's default demo (``CocoDataset.demo()``): three
images (512, 328 and 256 pixels wide), eight categories (``astronaut``,
``rocket``, ``helmet``, ``mouth``, ``star``, ``astronomer``, ``astroturf``
and ``human``, the keypoint parent), and eleven annotations of every kind a
manifest holds: a polygon with a box and keypoints, a box alone, a line
alone, keypoints alone, and boxes on the second image; the third image has
none.  The geometry was drawn for this demo on a 50-pixel grid over each
photograph ("left"/"right" are the subject's own).

The photographs are read offline from scikit-image's bundled sample data
(``skimage/data``): ``astronaut.png`` (NASA, public domain), ``camera.png``
(scaled to 328 pixels) and a 256-pixel piece of ``hubble_deep_field.jpg``
(NASA/ESA, public domain).  None of xcoco's required dependencies ships
photographs (OpenCV's wheels carry no sample images and
``kwimage.grab_test_image`` downloads), so scikit-image is an optional
extra here; it is installed wherever kwcoco is.  The files are located with
:func:`importlib.util.find_spec`, so scikit-image is never imported.

Without scikit-image the demo still works offline: each photograph is
replaced by a synthetic stand-in of the same size on which every annotated
polygon, box, line and point is painted, and a warning says so.
"""
import copy
import warnings

__all__ = ['PHOTOS', 'PHOTO_CATEGORIES', 'build_photos', 'find_photo_source']

PHOTO_CATEGORIES = [
    {'id': 1, 'name': 'astronaut', 'supercategory': 'human'},
    {'id': 2, 'name': 'rocket', 'supercategory': 'object'},
    {'id': 3, 'name': 'helmet', 'supercategory': 'object'},
    {'id': 4, 'name': 'mouth', 'supercategory': 'human',
     'keypoints': ['mouth-right-corner', 'mouth-right-bot', 'mouth-left-bot',
                   'mouth-left-corner'], 'skeleton': [[0, 1]]},
    {'id': 5, 'name': 'star', 'supercategory': 'object',
     'keypoints': ['star-center'], 'skeleton': []},
    {'id': 6, 'name': 'astronomer', 'supercategory': 'human'},
    {'id': 7, 'name': 'astroturf', 'supercategory': 'object'},
    {'id': 8, 'name': 'human', 'keypoints': ['left-eye', 'right-eye'],
     'skeleton': [[0, 1]]},
]


# ``source`` names the sample file; ``scale`` / ``crop`` ([x, y, size]) say
# how the demo image is cut from it.
PHOTOS = [
    {
        'file': 'astro.png', 'source': 'astronaut.png', 'width': 512, 'height': 512,
        'annots': [
            {'category': 'astronaut', 'polygon': [
                (225, 15), (268, 22), (292, 48), (300, 85), (293, 125),
                (283, 150), (303, 185), (305, 235), (345, 268), (360, 320),
                (362, 350), (290, 400), (275, 470), (270, 512), (20, 512),
                (25, 420), (30, 320), (55, 265), (115, 235), (118, 190),
                (148, 155), (165, 130), (155, 90), (160, 50), (190, 25)],
             'keypoints': [(245, 100, 2), (203, 100, 2)]},
            {'category': 'rocket', 'bbox': [355, 0, 120, 285]},
            {'category': 'helmet', 'line': [290, 395, 495, 505]},
            {'category': 'mouth', 'keypoints': [
                (205, 142, 2), (215, 150, 2), (232, 150, 2), (243, 142, 2)]},
            {'category': 'star', 'keypoints': [(12, 15, 1)]},
            {'category': 'star', 'keypoints': [(40, 12, 1)]},
            {'category': 'star', 'keypoints': [(15, 60, 1)]},
            {'category': 'star', 'keypoints': [(40, 65, 1)]},
            {'category': 'star', 'keypoints': [(10, 105, 1)]},
        ],
    },
    {
        'file': 'camera.png', 'source': 'camera.png', 'scale': 328 / 512,
        'width': 328, 'height': 328,
        'annots': [
            {'category': 'astronomer', 'bbox': [0, 40, 215, 288]},
            {'category': 'mouth', 'bbox': [140, 113, 14, 7]},
        ],
    },
    {
        'file': 'stars.png', 'source': 'hubble_deep_field.jpg', 'crop': [244, 180, 512],
        'scale': 0.5, 'width': 256, 'height': 256, 'annots': [],
    },
]


def find_photo_source():
    """
    The folder holding scikit-image's sample photographs, or None.

    Example:
        >>> from xcoco.demo.photos import find_photo_source
        >>> src = find_photo_source()
        >>> src is None or (src / 'astronaut.png').exists()
        True
    """
    import importlib.util

    import ubelt as ub
    try:
        spec = importlib.util.find_spec('skimage')
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        dpath = ub.Path(root) / 'data'
        if all((dpath / p['source']).exists() for p in PHOTOS):
            return dpath
    return None


def _annotation(entry, cid):
    ann = {'category_id': cid}
    poly = entry.get('polygon')
    if poly:
        xs = [x for x, _ in poly]
        ys = [y for _, y in poly]
        x0, y0 = min(xs), min(ys)
        ann['bbox'] = [x0, y0, max(xs) - x0, max(ys) - y0]
        # classic COCO flat polygon: real photos come from real COCO habits
        ann['segmentation'] = [[float(v) for xy in poly for v in xy]]
    if 'bbox' in entry:
        ann['bbox'] = list(entry['bbox'])
    if 'line' in entry:
        ann['line'] = list(entry['line'])
    if 'keypoints' in entry:
        # MS-COCO flat triplets named by the category (or its parent)
        ann['keypoints'] = [v for xyv in entry['keypoints'] for v in xyv]
    return ann


def _photo_pixels(source, photo):
    """The demo image cut from its sample file, as uint8 RGB."""
    import cv2
    import numpy as np
    data = cv2.imread(str(source / photo['source']), cv2.IMREAD_COLOR)[..., ::-1]
    if 'crop' in photo:
        x, y, size = photo['crop']
        data = data[y:y + size, x:x + size]
    if 'scale' in photo:
        dsize = (photo['width'], photo['height'])
        data = cv2.resize(data, dsize, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(data)


def _stand_in(photo, annots, seed):
    """A synthetic image with every annotated shape painted on noise."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(seed)
    h, w = photo['height'], photo['width']
    canvas = (rng.random((h, w, 3)) * 60).astype(np.uint8)
    for ann in annots:
        color = tuple(int(c) for c in rng.integers(120, 256, size=3))
        if ann.get('segmentation'):
            for flat in ann['segmentation']:
                pts = np.round(np.array(flat).reshape(-1, 2)).astype(np.int32)
                cv2.fillPoly(canvas, [pts], color)
        elif 'bbox' in ann:
            x, y, bw, bh = (int(round(v)) for v in ann['bbox'])
            cv2.rectangle(canvas, (x, y), (x + bw - 1, y + bh - 1), color, -1)
        if 'line' in ann:
            x1, y1, x2, y2 = (int(round(v)) for v in ann['line'])
            cv2.line(canvas, (x1, y1), (x2, y2), color, 3)
        for x, y, _ in np.array(ann.get('keypoints', [])).reshape(-1, 3):
            cv2.circle(canvas, (int(x), int(y)), 3, (255, 255, 255), -1)
    return canvas


def build_photos(bundle_dpath, options=None):
    """
    Copy (or stand in for) the photographs and write the ``photos`` manifest.

    Args:
        bundle_dpath (Path): empty folder to fill.
        options (dict | None): unused; ``photos`` takes no options.

    Returns:
        dict: the manifest that was written; its ``info`` names the source.

    Example:
        >>> from xcoco.demo.photos import build_photos
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> data = build_photos(dpath)
        >>> [(img['width'], img['height']) for img in data['images']]
        [(512, 512), (328, 328), (256, 256)]
        >>> len(data['annotations']), len(data['categories'])
        (11, 8)
    """
    from xcoco.demo.files import write_manifest, write_png
    source = find_photo_source()
    if source is None:
        warnings.warn(
            "xcoco 'photos' demo: scikit-image is not installed, so synthetic "
            "stand-ins replace the photographs ('pip install scikit-image' "
            "for the real ones)", UserWarning, stacklevel=3)
    name_to_cid = {c['name']: c['id'] for c in PHOTO_CATEGORIES}
    # beside the manifest, as kwcoco's photos (its examples name 'astro.png')
    img_dpath = bundle_dpath
    images, annots = [], []
    for gid, photo in enumerate(PHOTOS, start=1):
        these = []
        for entry in photo['annots']:
            ann = _annotation(entry, name_to_cid[entry['category']])
            ann.update(id=len(annots) + len(these) + 1, image_id=gid)
            these.append(ann)
        fname = photo['file']
        if source is not None:
            write_png(img_dpath / fname, _photo_pixels(source, photo))
        else:
            fname = fname.rsplit('.', 1)[0] + '_standin.png'
            write_png(img_dpath / fname, _stand_in(photo, these, gid))
        images.append({'id': gid, 'name': photo['file'].rsplit('.', 1)[0],
                       'file_name': fname,
                       'width': photo['width'], 'height': photo['height'],
                       'channels': 'r|g|b'})
        annots.extend(these)
    dataset = {
        'info': [{'type': 'demo', 'generator': 'xcoco.demo.photos',
                  'source': 'skimage/data' if source is not None else 'synthetic'}],
        'licenses': [],
        'categories': copy.deepcopy(PHOTO_CATEGORIES),
        'images': images,
        'annotations': annots,
    }
    write_manifest(bundle_dpath, dataset)
    return dataset
