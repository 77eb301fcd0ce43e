"""
The ``photos`` demo: three real photographs with hand-drawn annotations.

The photographs are read offline from scikit-image's bundled sample data
(``skimage/data``): ``astronaut.png`` (512x512, NASA, public domain),
``rocket.jpg`` (640x427, SpaceX, CC0) and ``chelsea.png`` (451x300, CC0).
None of xcoco's required dependencies ships photographs (OpenCV's wheels
carry no sample images and ``kwimage.grab_test_image`` downloads), so
scikit-image is an optional extra here; it is installed wherever kwcoco is.
The files are located with :func:`importlib.util.find_spec`, so scikit-image
is never imported.

Without scikit-image the demo still works offline: each photograph is
replaced by a synthetic stand-in of the same size on which every annotated
polygon is painted, and a warning says so.
"""
import copy
import warnings

__all__ = ['PHOTOS', 'PHOTO_CATEGORIES', 'build_photos', 'find_photo_source']

PHOTO_CATEGORIES = [
    {'id': 1, 'name': 'astronaut', 'supercategory': 'human'},
    {'id': 2, 'name': 'rocket', 'supercategory': 'object'},
    {'id': 3, 'name': 'helmet', 'supercategory': 'object'},
    {'id': 4, 'name': 'flag', 'supercategory': 'object'},
    {'id': 5, 'name': 'face', 'supercategory': 'human',
     'keypoints': ['left-eye', 'right-eye', 'mouth'], 'skeleton': [[0, 1]]},
    {'id': 6, 'name': 'tower', 'supercategory': 'structure'},
    {'id': 7, 'name': 'light', 'supercategory': 'object',
     'keypoints': ['light-center'], 'skeleton': []},
    {'id': 8, 'name': 'cat', 'supercategory': 'animal',
     'keypoints': ['left-eye', 'right-eye', 'nose'], 'skeleton': [[0, 1]]},
]


def _ellipse(cx, cy, rx, ry, width, height, n=24):
    import math
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x = min(max(cx + rx * math.cos(t), 0), width)
        y = min(max(cy + ry * math.sin(t), 0), height)
        pts.append((round(x, 1), round(y, 1)))
    return pts


# Annotations were drawn by eye on a 50-pixel grid over each photograph;
# "left"/"right" eye are as seen by the viewer.
PHOTOS = [
    {
        'file': 'astronaut.png', 'width': 512, 'height': 512,
        'annots': [
            {'category': 'astronaut', 'polygon': [
                (225, 15), (268, 22), (292, 48), (300, 85), (293, 125),
                (283, 150), (303, 185), (305, 235), (345, 268), (360, 320),
                (362, 350), (290, 400), (275, 470), (270, 512), (20, 512),
                (25, 420), (30, 320), (55, 265), (115, 235), (118, 190),
                (148, 155), (165, 130), (155, 90), (160, 50), (190, 25)]},
            {'category': 'face', 'polygon': [
                (185, 60), (265, 60), (270, 110), (255, 160), (225, 172),
                (195, 160), (180, 110)],
             'keypoints': [(206, 102), (245, 102), (225, 143)]},
            {'category': 'helmet',
             'polygon': _ellipse(400, 455, 125, 112, 512, 512)},
            {'category': 'rocket', 'polygon': [
                (405, 0), (425, 0), (435, 35), (445, 70), (455, 200),
                (470, 270), (360, 285), (355, 210), (375, 150), (392, 40)]},
            {'category': 'flag', 'polygon': [
                (0, 0), (65, 0), (95, 120), (95, 220), (70, 320), (40, 512),
                (0, 512)]},
        ],
    },
    {
        'file': 'rocket.jpg', 'width': 640, 'height': 427,
        'annots': [
            {'category': 'rocket', 'polygon': [
                (322, 125), (333, 140), (338, 175), (340, 410), (305, 410),
                (308, 175), (312, 140)]},
            {'category': 'tower', 'polygon': [
                (0, 0), (90, 0), (85, 60), (80, 405), (0, 405)]},
            {'category': 'tower', 'polygon': [
                (560, 0), (600, 0), (640, 60), (640, 427), (575, 427),
                (555, 80)]},
            {'category': 'tower', 'polygon': [
                (196, 120), (205, 120), (208, 410), (170, 410), (185, 190)]},
            {'category': 'tower', 'polygon': [
                (442, 122), (450, 122), (480, 410), (438, 410), (442, 190)]},
            {'category': 'light', 'keypoints': [(80, 350)]},
            {'category': 'light', 'keypoints': [(150, 377)]},
            {'category': 'light', 'keypoints': [(193, 393)]},
            {'category': 'light', 'keypoints': [(110, 412)]},
            {'category': 'light', 'keypoints': [(362, 395)]},
            {'category': 'light', 'keypoints': [(432, 393)]},
            {'category': 'light', 'keypoints': [(452, 415)]},
        ],
    },
    {
        'file': 'chelsea.png', 'width': 451, 'height': 300,
        'annots': [
            {'category': 'cat', 'polygon': [
                (40, 0), (380, 0), (400, 40), (420, 150), (400, 240),
                (380, 300), (0, 300), (0, 60)],
             'keypoints': [(171, 115), (320, 133), (268, 238)]},
        ],
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
        if all((dpath / p['file']).exists() for p in PHOTOS):
            return dpath
    return None


def _annotation(entry, cid):
    ann = {'category_id': cid}
    poly = entry.get('polygon')
    kpts = entry.get('keypoints')
    if poly:
        xs = [x for x, _ in poly]
        ys = [y for _, y in poly]
        x0, y0 = min(xs), min(ys)
        ann['bbox'] = [x0, y0, max(xs) - x0, max(ys) - y0]
        # classic COCO flat polygon: real photos come from real COCO habits
        ann['segmentation'] = [[float(v) for xy in poly for v in xy]]
    elif kpts:
        # a point object: a small box centred on it
        (x, y), = kpts
        ann['bbox'] = [x - 4, y - 4, 8, 8]
    if kpts:
        ann['keypoints'] = [float(v) for x, y in kpts for v in (x, y, 2)]
        ann['num_keypoints'] = len(kpts)
    return ann


def _stand_in(photo, annots, seed):
    """A synthetic image with every annotated polygon painted on noise."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(seed)
    h, w = photo['height'], photo['width']
    canvas = (rng.random((h, w, 3)) * 60).astype(np.uint8)
    for ann in annots:
        color = tuple(int(c) for c in rng.integers(120, 256, size=3))
        for flat in ann.get('segmentation', []):
            pts = np.round(np.array(flat).reshape(-1, 2)).astype(np.int32)
            cv2.fillPoly(canvas, [pts], color)
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
        [(512, 512), (640, 427), (451, 300)]
        >>> len(data['annotations'])
        18
    """
    import shutil

    from xcoco.demo.files import write_manifest, write_png
    source = find_photo_source()
    if source is None:
        warnings.warn(
            "xcoco 'photos' demo: scikit-image is not installed, so synthetic "
            "stand-ins replace the photographs ('pip install scikit-image' "
            "for the real ones)", UserWarning, stacklevel=3)
    name_to_cid = {c['name']: c['id'] for c in PHOTO_CATEGORIES}
    img_dpath = (bundle_dpath / '_assets' / 'images').ensuredir()
    images, annots = [], []
    for gid, photo in enumerate(PHOTOS, start=1):
        these = []
        for entry in photo['annots']:
            ann = _annotation(entry, name_to_cid[entry['category']])
            ann.update(id=len(annots) + len(these) + 1, image_id=gid)
            these.append(ann)
        fname = photo['file']
        if source is not None:
            shutil.copy2(source / fname, img_dpath / fname)
        else:
            fname = fname.rsplit('.', 1)[0] + '_standin.png'
            write_png(img_dpath / fname, _stand_in(photo, these, gid))
        images.append({'id': gid, 'name': photo['file'].rsplit('.', 1)[0],
                       'file_name': f'_assets/images/{fname}',
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
