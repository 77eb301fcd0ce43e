"""
Scene geometry and rasterization shared by the shapes and vidshapes demos.

A scene is a list of :class:`Shape` objects in *image* space.  Every file of
an image is drawn from that list through the file's own affine warp, and
annotations are measured from the same drawing, which is what makes boxes
enclose the drawn pixels and makes bands of different resolutions align.
"""
import colorsys
import math
from dataclasses import dataclass

__all__ = [
    'CATEGORIES',
    'KEYPOINT_CATEGORIES',
    'TEMPLATE_IDS',
    'Shape',
    'as_dsize',
    'cv2_fixed_point',
    'measure_shapes',
    'place_shapes',
    'plan_tracks',
    'random_shape',
    'rasterize_labels',
    'render_layers',
    'shape_annotation',
    'smooth_field',
    'warp_field',
]

# kwcoco's shape demos use these names; keeping them lets code that filters
# on 'star' or 'eff' run unchanged.
CATEGORIES = [
    {'id': 1, 'name': 'star', 'supercategory': 'vector', 'keypoints': []},
    {'id': 2, 'name': 'superstar', 'supercategory': 'raster',
     'keypoints': ['left_eye', 'right_eye'], 'skeleton': [[0, 1]]},
    {'id': 3, 'name': 'eff', 'supercategory': 'raster',
     'keypoints': ['top_tip', 'mid_tip', 'bot_tip'], 'skeleton': [[0, 1], [1, 2]]},
]

KEYPOINT_CATEGORIES = [
    {'id': 1, 'name': 'left_eye', 'reflection_id': 2},
    {'id': 2, 'name': 'right_eye', 'reflection_id': 1},
    {'id': 3, 'name': 'top_tip', 'reflection_id': None},
    {'id': 4, 'name': 'mid_tip', 'reflection_id': None},
    {'id': 5, 'name': 'bot_tip', 'reflection_id': None},
]


def _star(points, inner):
    out = []
    for i in range(points * 2):
        radius = 1.0 if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / points
        out.append((radius * math.cos(angle), radius * math.sin(angle)))
    return out


# Unit-size outlines (y down) and keypoints inside them, keyed by category id.
_TEMPLATES = {
    1: (_star(5, 0.45), []),
    2: (_star(7, 0.6), [(1, (-0.25, -0.1)), (2, (0.25, -0.1))]),
    3: ([(-0.6, -1.0), (0.7, -1.0), (0.7, -0.6), (-0.2, -0.6), (-0.2, -0.2),
         (0.4, -0.2), (0.4, 0.2), (-0.2, 0.2), (-0.2, 1.0), (-0.6, 1.0)],
        [(3, (0.6, -0.8)), (4, (0.3, 0.0)), (5, (-0.4, 0.9))]),
}


def _regular(sides, phase):
    return [(math.cos(phase + 2 * math.pi * i / sides), math.sin(phase + 2 * math.pi * i / sides))
            for i in range(sides)]


# The other shapes kwcoco's toy patterns know; only demodata_toy_img draws
# them (when asked for by name), so the default streams are unchanged.
_TEMPLATES.update({
    4: ([(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)], []),
    5: (_regular(32, 0.0), []),
    6: (_regular(8, math.pi / 8), []),
    7: (_regular(4, 0.0), []),
})

#: shape name -> template key (the ``category_id`` of a :class:`Shape`)
TEMPLATE_IDS = {'star': 1, 'superstar': 2, 'eff': 3, 'box': 4, 'circle': 5,
                'octagon': 6, 'diamond': 7}

# Largest distance from the template origin to an outline vertex.
_REACH = {cid: max(math.hypot(x, y) for x, y in pts) for cid, (pts, _) in _TEMPLATES.items()}


@dataclass
class Shape:
    """
    One drawn object: a category outline scaled, rotated and moved.

    Example:
        >>> from xcoco.demo.scene import Shape
        >>> shape = Shape(category_id=3, cx=50, cy=40, radius=10, theta=0.0,
        ...               color=(255, 0, 0))
        >>> shape.polygon().round(1).tolist()[0]
        [44.0, 30.0]
        >>> shape.keypoints()[0]
        (3, [56.0, 32.0])
        >>> round(shape.reach, 2)
        12.21
    """
    category_id: int
    cx: float
    cy: float
    radius: float
    theta: float
    color: tuple = (255, 255, 255)
    signature_seed: int = 0
    #: 3x3 affine (nested tuples) applied after placement, e.g. video ->
    #: image space when frames are resampled; None for the identity
    warp: tuple | None = None

    @property
    def reach(self):
        """
        Largest distance from the centre to an outline vertex.

        Example:
            >>> Shape(category_id=1, cx=0, cy=0, radius=4, theta=0.0).reach
            4.0
        """
        return self.radius * _REACH[self.category_id]

    def _transform(self, pts):
        import numpy as np
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        c, s = math.cos(self.theta), math.sin(self.theta)
        rot = np.array([[c, -s], [s, c]]) * self.radius
        out = pts @ rot.T + (self.cx, self.cy)
        if self.warp is not None:
            mat = np.asarray(self.warp, dtype=np.float64)
            out = out @ mat[:2, :2].T + mat[:2, 2]
        return out

    def polygon(self):
        """
        (N, 2) outline vertices in image coordinates, on a 1/16 pixel grid.

        The grid is the rasterizer's fixed-point precision and is exact in
        JSON, so redrawing a stored segmentation paints the same pixels.

        Example:
            >>> poly = Shape(category_id=1, cx=10, cy=20, radius=4, theta=0.0).polygon()
            >>> poly.shape, poly[0].tolist()
            ((10, 2), [10.0, 16.0])
        """
        import numpy as np
        return np.round(self._transform(_TEMPLATES[self.category_id][0]) * 16) / 16

    def keypoints(self):
        """
        [(keypoint_category_id, [x, y]), ...] in image coordinates.

        Example:
            >>> Shape(category_id=2, cx=0, cy=0, radius=8, theta=0.0).keypoints()
            [(1, [-2.0, -0.8]), (2, [2.0, -0.8])]
            >>> Shape(category_id=1, cx=0, cy=0, radius=8, theta=0.0).keypoints()
            []
        """
        kpts = _TEMPLATES[self.category_id][1]
        if not kpts:
            return []
        xy = self._transform([p for _, p in kpts])
        return [(kpid, [float(x), float(y)]) for (kpid, _), (x, y) in zip(kpts, xy)]

    def moved(self, cx, cy, theta):
        """
        A copy at a new centre and angle (same category, size and color).

        Example:
            >>> shape = Shape(category_id=3, cx=0, cy=0, radius=5, theta=0.0)
            >>> moved = shape.moved(30, 40, 0.5)
            >>> (moved.cx, moved.cy, moved.theta, moved.radius), shape.cx
            ((30, 40, 0.5, 5), 0)
        """
        return Shape(self.category_id, cx, cy, self.radius, theta, self.color,
                     self.signature_seed, self.warp)

    def warped(self, matrix):
        """
        A copy drawn through the 3x3 affine ``matrix`` (after any warp it
        already has): the same object seen in another pixel grid.

        Example:
            >>> import numpy as np
            >>> shape = Shape(category_id=1, cx=10, cy=20, radius=4, theta=0.0)
            >>> half = shape.warped(np.diag([0.5, 0.25, 1.0]))
            >>> half.polygon()[0].tolist(), shape.polygon()[0].tolist()
            ([5.0, 4.0], [10.0, 16.0])
        """
        import numpy as np
        mat = np.asarray(matrix, dtype=np.float64)
        if self.warp is not None:
            mat = mat @ np.asarray(self.warp, dtype=np.float64)
        frozen = tuple(tuple(float(v) for v in row) for row in mat)
        return Shape(self.category_id, self.cx, self.cy, self.radius, self.theta,
                     self.color, self.signature_seed, frozen)


def _random_color(rng):
    # Saturated and bright: the dominant channel is 255, so shapes stand out
    # from the dark noise background (a property the pixel tests rely on).
    hue = rng.random()
    sat = 0.55 + 0.45 * rng.random()
    return tuple(int(round(255 * v)) for v in colorsys.hsv_to_rgb(hue, sat, 1.0))


def as_dsize(image_size):
    """
    ``(width, height)`` from a square size or a pair.

    Example:
        >>> from xcoco.demo.scene import as_dsize
        >>> as_dsize(64), as_dsize([30, 40])
        ((64, 64), (30, 40))
    """
    if isinstance(image_size, (int, float)):
        return (int(image_size), int(image_size))
    w, h = image_size
    return (int(w), int(h))


def random_shape(rng, image_size, category_id=None, choices=None, anchors=None):
    """
    A shape of random category, size, angle and color, centred at the origin.

    Args:
        image_size (int | Tuple[int, int]): the image it is made for; the
            radius is 4-12.5 % of its smaller side.
        category_id (int | None): template key; random when None.
        choices (List[int] | None): template keys to pick from (default
            star, superstar, eff).
        anchors (List[Tuple[float, float]] | None): kwcoco's object sizes as
            (width, height) fractions of the image; a shape is isotropic, so
            its extent is the geometric mean of a random anchor's sides
            times the smaller image side, jittered by +-20 %.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import random_shape
        >>> shape = random_shape(np.random.default_rng(0), 100)
        >>> 4 <= shape.radius <= 12.5 and max(shape.color) == 255
        True
        >>> random_shape(np.random.default_rng(0), (100, 50), choices=[5]).category_id
        5
        >>> shape = random_shape(np.random.default_rng(0), 100, anchors=[(0.3, 0.3)])
        >>> 24 <= 2 * shape.reach <= 36
        True
    """
    if category_id is None:
        if choices is None:
            category_id = int(rng.integers(1, 4))
        else:
            category_id = int(choices[int(rng.integers(len(choices)))])
    side = min(as_dsize(image_size))
    if anchors is None:
        lo = max(4.0, side * 0.04)
        hi = max(lo, side * 0.125)
        radius = float(lo + (hi - lo) * rng.random())
    else:
        aw, ah = anchors[int(rng.integers(len(anchors)))]
        extent = math.sqrt(aw * ah) * side * rng.uniform(0.8, 1.2)
        radius = float(max(2.0, extent / 2) / _REACH[category_id])
    theta = float(rng.uniform(-math.pi / 4, math.pi / 4))
    return Shape(category_id, 0.0, 0.0, radius, theta, _random_color(rng),
                 int(rng.integers(2 ** 31)))


def _apart(a, b):
    return math.hypot(a.cx - b.cx, a.cy - b.cy) > a.reach + b.reach + 2


def _fitting_shape(rng, image_size, choices=None, anchors=None):
    # A random shape and the margin its centre keeps from the border, or
    # (None, None) when it cannot fit at all.
    shape = random_shape(rng, image_size, choices=choices, anchors=anchors)
    margin = shape.reach + 1
    if 2 * margin > min(as_dsize(image_size)):
        return None, None
    return shape, margin


def _inside(dsize, margin):
    # low / high corners of the region a centre with this margin may take
    w, h = dsize
    return (margin, margin), (w - margin, h - margin)


def place_shapes(rng, image_size, num, max_tries=200, choices=None, anchors=None):
    """
    Up to ``num`` non-overlapping shapes fully inside the image.

    Fewer are returned when the image is too crowded to fit more.

    Args:
        image_size (int | Tuple[int, int]): square size or (width, height).
        choices (List[int] | None): template keys to draw from.
        anchors (List[Tuple[float, float]] | None): object sizes, see
            :func:`random_shape`.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import place_shapes
        >>> shapes = place_shapes(np.random.default_rng(0), 200, 5)
        >>> len(shapes)
        5
        >>> all(s.cx - s.reach >= 0 and s.cx + s.reach <= 200 for s in shapes)
        True
        >>> wide = place_shapes(np.random.default_rng(0), (300, 80), 3)
        >>> all(s.cy + s.reach <= 80 for s in wide)
        True
    """
    dsize = as_dsize(image_size)
    placed = []
    for _ in range(num):
        for _ in range(max_tries):
            shape, margin = _fitting_shape(rng, dsize, choices, anchors)
            if shape is None:
                continue
            cx, cy = rng.uniform(*_inside(dsize, margin))
            cand = shape.moved(float(cx), float(cy), shape.theta)
            if all(_apart(cand, other) for other in placed):
                placed.append(cand)
                break
    return placed


def plan_tracks(rng, image_size, num_tracks, num_frames, max_speed,
                max_tries=200, anchors=None):
    """
    Paths of shapes that stay inside the frame and never overlap.

    Each track moves in a straight line; its start and end are inside the
    allowed region, which is convex, so every frame in between is too.

    Args:
        image_size (int | Tuple[int, int]): square size or (width, height).
        max_speed (float): largest step per frame as a fraction of the
            image's smaller side.
        anchors (List[Tuple[float, float]] | None): object sizes, see
            :func:`random_shape`.

    Returns:
        list[list[Shape]]: ``tracks[t][f]`` is track t in frame f.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import plan_tracks
        >>> tracks = plan_tracks(np.random.default_rng(1), 128, 3, 4, 0.05)
        >>> len(tracks), len(tracks[0])
        (3, 4)
        >>> tracks[0][0].category_id == tracks[0][3].category_id
        True
    """
    dsize = as_dsize(image_size)
    tracks = []
    for _ in range(num_tracks):
        for _ in range(max_tries):
            shape, margin = _fitting_shape(rng, dsize, anchors=anchors)
            if shape is None:
                continue
            low, high = _inside(dsize, margin)
            p0 = rng.uniform(low, high)
            angle = rng.uniform(0, 2 * math.pi)
            step = max_speed * min(dsize) * rng.uniform(0.3, 1.0)
            vel = step * math.cos(angle), step * math.sin(angle)
            last = max(num_frames - 1, 1)
            p1 = p0 + (vel[0] * last, vel[1] * last)
            p1 = [min(max(v, lo), hi) for v, lo, hi in zip(p1, low, high)]
            spin = rng.uniform(-0.05, 0.05)
            path = []
            for f in range(num_frames):
                alpha = f / last
                path.append(shape.moved(float(p0[0] + alpha * (p1[0] - p0[0])),
                                        float(p0[1] + alpha * (p1[1] - p0[1])),
                                        shape.theta + spin * f))
            if all(_apart(a, b) for other in tracks for a, b in zip(path, other)):
                tracks.append(path)
                break
    return tracks


def cv2_fixed_point(xy):
    """
    Coordinates for ``cv2.fillPoly(..., shift=4)``: 1/16 px fixed point,
    moved from COCO's pixel-centre convention (centres at +0.5) to OpenCV's
    (centres on integers).

    Example:
        >>> from xcoco.demo.scene import cv2_fixed_point
        >>> cv2_fixed_point([[0.5, 1.0], [10.0, 2.25]]).tolist()
        [[0, 8], [152, 28]]
    """
    import numpy as np
    return np.round((np.asarray(xy) - 0.5) * 16).astype(np.int32)


def rasterize_labels(shapes, dsize, warp=None):
    """
    Label image: 0 for background, ``i + 1`` where ``shapes[i]`` is drawn.

    Args:
        shapes (list[Shape]): in image coordinates.
        dsize (tuple[int, int]): output (width, height).
        warp (ndarray | None): 3x3 affine from image to output coordinates.

    Example:
        >>> from xcoco.demo.scene import Shape, rasterize_labels
        >>> import numpy as np
        >>> shape = Shape(3, 10, 10, 5, 0.0)
        >>> labels = rasterize_labels([shape], (20, 20))
        >>> int(labels.max()), int((labels == 1).sum()) > 20
        (1, True)
        >>> half = rasterize_labels([shape], (10, 10), np.diag([0.5, 0.5, 1]))
        >>> half.shape
        (10, 10)
    """
    import cv2
    import numpy as np
    w, h = dsize
    labels = np.zeros((h, w), dtype=np.int32)
    for idx, shape in enumerate(shapes, start=1):
        pts = shape.polygon()
        if warp is not None:
            pts = pts @ warp[:2, :2].T + warp[:2, 2]
        cv2.fillPoly(labels, [cv2_fixed_point(pts)], idx, lineType=cv2.LINE_8, shift=4)
    return labels


def measure_shapes(labels, count):
    """
    Tight ``[x, y, w, h]`` boxes and pixel areas of labels 1..count.

    A box is None when its shape drew no pixel.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import measure_shapes
        >>> labels = np.zeros((5, 6), dtype=int)
        >>> labels[1:3, 2:5] = 1
        >>> measure_shapes(labels, 2)
        [([2, 1, 3, 2], 6), (None, 0)]
    """
    import numpy as np
    ys, xs = np.nonzero(labels)
    vals = labels[ys, xs]
    out = []
    for idx in range(1, count + 1):
        sel = vals == idx
        if not sel.any():
            out.append((None, 0))
            continue
        x0, x1 = int(xs[sel].min()), int(xs[sel].max())
        y0, y1 = int(ys[sel].min()), int(ys[sel].max())
        out.append(([x0, y0, x1 - x0 + 1, y1 - y0 + 1], int(sel.sum())))
    return out


def render_layers(labels, fg, bg_field, bg_base, bg_amp, noise, rng,
                  texture=0.0, bg_max=None, fg_floor=None):
    """
    Fill a label image: objects get their per-channel value, background a
    field; both get per-pixel noise.

    Args:
        labels (ndarray): (H, W) int labels from :func:`rasterize_labels`.
        fg (ndarray): (K, C) value of each shape per channel.
        bg_field (ndarray): (H, W) smooth field in [0, 1].
        bg_base, bg_amp (ndarray): (C,) background = base + amp * field.
        noise (float): std of additive per-pixel noise.
        texture (float): objects are multiplied by ``1 - texture * U(0, 1)``.
        bg_max (float | None): cap on background values.
        fg_floor (float | None): floor on each object pixel's largest channel
            (with ``bg_max`` this guarantees a threshold separates them).

    Returns:
        ndarray: (H, W, C) float32

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import render_layers
        >>> labels = np.zeros((4, 4), dtype=int); labels[1:3, 1:3] = 1
        >>> out = render_layers(labels, np.array([[0.9, 0.8]]), np.zeros((4, 4)),
        ...                     np.array([0.1, 0.1]), np.array([0.0, 0.0]), 0.0,
        ...                     np.random.default_rng(0))
        >>> out[..., 0].astype(float).round(2).tolist()[1]
        [0.1, 0.9, 0.9, 0.1]
    """
    import math

    import cv2
    import numpy as np
    nchan = len(bg_base)
    h, w = labels.shape
    fg = np.asarray(fg, dtype=np.float32).reshape(-1, nchan)
    field = np.asarray(bg_field, np.float32)
    # per-channel 2D arithmetic + merge is ~10x faster than numpy's
    # broadcasting into a trailing channel axis (measured at 600x600x3)
    planes = [field * np.float32(a) + np.float32(b) for a, b in zip(bg_amp, bg_base)]
    out = cv2.merge(planes) if nchan > 1 else planes[0]
    if noise:
        # uniform noise with the requested std: several times cheaper than
        # Gaussian, and nobody inspects the demo's noise distribution
        width = float(noise) * math.sqrt(12)
        uni = rng.random(out.shape, dtype=np.float32)
        out = cv2.addWeighted(out, 1.0, uni, width, -0.5 * width)
    out = out.reshape(h, w, nchan)
    if bg_max is not None:
        np.minimum(out, bg_max, out=out)
    # objects cover a small part of the frame: work on their pixels only
    ys, xs = np.nonzero(labels)
    if len(ys):
        vals = fg[labels[ys, xs] - 1]
        if texture:
            vals *= 1 - texture * rng.random((len(vals), 1), dtype=np.float32)
        if noise:
            vals += (rng.random(vals.shape, dtype=np.float32) - 0.5) * (noise * math.sqrt(12))
        if fg_floor is not None:
            rows = np.arange(len(vals))
            top = vals.argmax(axis=1)
            vals[rows, top] = np.maximum(vals[rows, top], fg_floor)
        out[ys, xs] = vals
    return out


def shape_annotation(shape, bbox, area):
    """
    The annotation fields of a drawn shape (kwcoco's "new" styles).

    Example:
        >>> from xcoco.demo.scene import Shape, shape_annotation
        >>> ann = shape_annotation(Shape(2, 20, 20, 8, 0.0), [12, 12, 17, 16], 150)
        >>> sorted(ann), ann['keypoints'][0]['keypoint_category_id']
        (['area', 'bbox', 'category_id', 'keypoints', 'segmentation'], 1)
    """
    exterior = [[float(x), float(y)] for x, y in shape.polygon()]
    return {
        'category_id': shape.category_id,
        'bbox': bbox,
        'area': area,
        'segmentation': [{'exterior': exterior, 'interiors': []}],
        'keypoints': [{'xy': [round(x, 3), round(y, 3)], 'keypoint_category_id': kpid}
                      for kpid, (x, y) in shape.keypoints()],
    }


def smooth_field(rng, dsize, cell=32):
    """
    A smooth random field in [0, 1] at (width, height) ``dsize``, as a small
    grid plus the 3x3 affine that maps grid pixels to image pixels.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import smooth_field
        >>> grid, warp = smooth_field(np.random.default_rng(0), (100, 60))
        >>> grid.shape, float(warp[0, 0])
        ((3, 5), 32.0)
    """
    import numpy as np
    w, h = dsize
    gw, gh = max(2, -(-w // cell) + 1), max(2, -(-h // cell) + 1)
    grid = rng.random((gh, gw), dtype=np.float32)
    warp = np.array([[cell, 0, 0], [0, cell, 0], [0, 0, 1]], dtype=np.float64)
    return grid, warp


def warp_field(grid, warp_grid_to_out, dsize):
    """
    Resample a :func:`smooth_field` grid into an output raster.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import smooth_field, warp_field
        >>> grid, warp = smooth_field(np.random.default_rng(0), (64, 64))
        >>> warp_field(grid, warp, (64, 48)).shape
        (48, 64)
    """
    import cv2
    import numpy as np
    return cv2.warpAffine(grid, np.asarray(warp_grid_to_out)[:2], tuple(dsize),
                          flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
