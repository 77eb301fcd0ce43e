"""
Annotation and track geometry as kwimage objects.

Every segmentation encoding of seed 000 (flat polygon, list of polygons,
``{'exterior', 'interiors'}`` dicts, RLE with list or compressed counts, a
mask path, WKT) becomes a ``kwimage.Polygon``, ``kwimage.MultiPolygon`` or
``kwimage.Mask``; both keypoint encodings become ``kwimage.Points`` with
keypoint categories attached.  Area and bbox derive from the geometry.

Annotation geometry is in image space; track geometry (seed 000, Tracks) is
in video space, so :func:`track_video_boxes` warps each frame's boxes by
that image's ``warp_img_to_vid``.

Example:
    >>> from xcoco.objects import geometry
    >>> poly = geometry.coerce_segmentation([0, 0, 10, 0, 10, 10, 0, 10])
    >>> type(poly).__name__, poly.area
    ('Polygon', 100.0)
    >>> geometry.segmentation_bbox({'exterior': [[1, 2], [5, 2], [5, 8]]})
    [1.0, 2.0, 4.0, 6.0]
"""
import numbers
import os
import re

from xcoco.errors import GeometryError

__all__ = [
    'annotation_keypoints',
    'annotation_segmentation',
    'coerce_keypoints',
    'coerce_segmentation',
    'detections_from_annots',
    'is_wkt',
    'keypoints_bbox',
    'num_visible_keypoints',
    'parse_wkt',
    'rle_size',
    'segmentation_area',
    'segmentation_bbox',
    'track_extent',
    'track_segmentation',
    'track_video_boxes',
]

_WKT_HEAD = re.compile(r'^\s*(MULTIPOLYGON|POLYGON)\s*(.*)$', re.IGNORECASE | re.DOTALL)
_WKT_TOKEN = re.compile(r'\(|\)|,|[^\s(),]+')


def is_wkt(text):
    """
    True if ``text`` starts like a WKT POLYGON / MULTIPOLYGON.

    Example:
        >>> is_wkt('POLYGON ((0 0, 1 0, 1 1, 0 0))'), is_wkt('masks/a.png')
        (True, False)
    """
    return isinstance(text, str) and _WKT_HEAD.match(text) is not None


def _wkt_nested(body, text):
    """Nested lists of floats from the parenthesised part of a WKT string."""
    stack = [[]]
    coord = []
    for tok in _WKT_TOKEN.findall(body):
        if tok == '(':
            stack.append([])
        elif tok in (')', ','):
            if coord:
                stack[-1].append(coord)
                coord = []
            if tok == ')':
                if len(stack) < 2:
                    raise GeometryError(f'unbalanced parentheses in WKT {text!r}')
                done = stack.pop()
                stack[-1].append(done)
        else:
            try:
                coord.append(float(tok))
            except ValueError:
                raise GeometryError(f'unexpected token {tok!r} in WKT {text!r}') from None
    if len(stack) != 1 or coord:
        raise GeometryError(f'unbalanced parentheses in WKT {text!r}')
    return stack[0]


def parse_wkt(text):
    """
    Parse a WKT POLYGON or MULTIPOLYGON into a ``kwimage.MultiPolygon``.

    Raises:
        ValueError: if the text is not a well-formed polygon.

    Example:
        >>> mpoly = parse_wkt('MULTIPOLYGON (((0 0, 4 0, 4 4, 0 0)), ((5 5, 6 5, 6 6, 5 5)))')
        >>> len(mpoly), mpoly.area
        (2, 8.5)
    """
    import kwimage
    import numpy as np
    match = _WKT_HEAD.match(text) if isinstance(text, str) else None
    if match is None:
        raise GeometryError(f'not a WKT polygon: {text!r}')
    kind, body = match.group(1).upper(), match.group(2).strip()
    if body.upper() == 'EMPTY':
        return kwimage.MultiPolygon([])
    nested = _wkt_nested(body, text)
    if len(nested) != 1:
        raise GeometryError(f'trailing text after WKT {text!r}')
    polys = nested[0] if kind == 'MULTIPOLYGON' else [nested[0]]
    out = []
    for rings in polys:
        arrays = []
        for ring in rings:
            if not isinstance(ring, list) or not ring or not all(
                    isinstance(c, list) and len(c) == 2 and isinstance(c[0], float) for c in ring):
                raise GeometryError(f'WKT ring is not a list of (x y) pairs in {text!r}')
            arr = np.array(ring, dtype=float)
            if len(arr) > 1 and (arr[0] == arr[-1]).all():
                arr = arr[:-1]  # WKT closes rings; kwimage rings are open
            arrays.append(arr)
        if not arrays:
            raise GeometryError(f'WKT polygon without rings in {text!r}')
        out.append(kwimage.Polygon(exterior=arrays[0], interiors=arrays[1:]))
    return kwimage.MultiPolygon(out)


def _ring(points):
    import numpy as np
    ring = np.asarray(points, dtype=float).reshape(-1, 2)
    if not np.isfinite(ring).all():
        # shapely fails obscurely on NaN / inf vertices
        raise GeometryError(f'polygon coordinates must be finite numbers, got {points!r:.80}')
    return ring


def _flat_polygon(flat):
    import kwimage
    if not isinstance(flat, list):
        raise GeometryError(f'a flat polygon is a list of numbers, got {type(flat).__name__} {flat!r:.60}')
    if len(flat) % 2:
        raise GeometryError(f'a flat polygon needs an even number of coordinates, got {len(flat)}')
    return kwimage.Polygon(exterior=_ring(flat))


def _dict_polygon(data):
    import kwimage
    if 'exterior' not in data:
        raise GeometryError(f"a polygon dict needs 'exterior', got keys {sorted(data)}")
    return kwimage.Polygon(exterior=_ring(data['exterior']),
                           interiors=[_ring(r) for r in data.get('interiors', [])])


#: the most pixels an RLE segmentation may decode to (a dense uint8 mask
#: of this many bytes): a few bytes of RLE can claim any size, and the
#: decoders allocate it whole (pycocotools' crashes when it cannot)
MAX_MASK_PIXELS = 1 << 32


def rle_size(data):
    """
    The ``[height, width]`` of an RLE dict, checked: two non-negative
    integers whose product is at most :data:`MAX_MASK_PIXELS`.

    Raises:
        GeometryError: a missing, malformed or too big size.

    Example:
        >>> rle_size({'size': [2, 3], 'counts': [1, 2, 3]})
        [2, 3]
        >>> try:
        ...     rle_size({'size': [10 ** 6, 10 ** 6], 'counts': 'PPYo4'})
        ... except GeometryError as ex:
        ...     print(ex)
        an RLE of size 1000000 x 1000000 would decode to 1000000000000 pixels, over MAX_MASK_PIXELS=4294967296
    """
    size = data.get('size') or data.get('shape')
    if size is None:
        raise GeometryError("an RLE segmentation needs 'size' [height, width]")
    if not (isinstance(size, (list, tuple)) and len(size) == 2
            and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0
                    for v in size)):
        raise GeometryError(f"an RLE 'size' is [height, width] as two integers, got {size!r:.60}")
    size = [int(size[0]), int(size[1])]
    if size[0] * size[1] > MAX_MASK_PIXELS:
        raise GeometryError(f'an RLE of size {size[0]} x {size[1]} would decode to '
                            f'{size[0] * size[1]} pixels, over MAX_MASK_PIXELS={MAX_MASK_PIXELS}')
    return size


def _rle_mask(data):
    import kwimage
    counts = data['counts']
    size = rle_size(data)
    if isinstance(counts, (str, bytes)):
        # The compressed MS-COCO string (column-major by definition).
        if isinstance(counts, str):
            counts = counts.encode('utf8')
        return kwimage.Mask({'size': list(size), 'counts': counts}, 'bytes_rle')
    # Uncompressed runs: MS-COCO writes them column-major ('F'); kwimage
    # writes 'order' explicitly, honour it when present.
    if not isinstance(counts, list) or sum(
            c if type(c) is int and c >= 0 else float('nan') for c in counts) != size[0] * size[1]:
        # also keeps a tiny RLE from claiming a huge mask
        raise GeometryError(f'uncompressed RLE counts must be non-negative integers summing to '
                            f'height * width = {size[0] * size[1]}, got {counts!r:.60}')
    array_rle = {'shape': list(size), 'counts': list(counts), 'binary': True,
                 'order': data.get('order', 'F')}
    return kwimage.Mask(array_rle, 'array_rle')


def coerce_segmentation(segm, dims=None, bundle_dpath=None):
    """
    Turn any seed-000 segmentation into a kwimage geometry.

    Args:
        segm: flat polygon, list of flat polygons, ``{'exterior',
            'interiors'}`` dict or a list of them, RLE dict, WKT string, or a
            mask-image path (relative to ``bundle_dpath``).
        dims (Tuple[int, int] | None): image ``(height, width)``; unused by
            the vector formats.
        bundle_dpath (str | None): folder that mask paths are relative to.

    Returns:
        kwimage.Polygon | kwimage.MultiPolygon | kwimage.Mask | None:
        None for an empty or missing segmentation.

    Raises:
        ValueError: if the segmentation is malformed.

    Example:
        >>> from xcoco.objects.geometry import coerce_segmentation
        >>> type(coerce_segmentation([[0, 0, 4, 0, 4, 4], [6, 6, 8, 6, 8, 8]])).__name__
        'MultiPolygon'
        >>> mask = coerce_segmentation({'size': [4, 4], 'counts': [2, 2, 12]})
        >>> type(mask).__name__, int(mask.to_c_mask().area)
        ('Mask', 2)
        >>> coerce_segmentation('POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))').area
        4.0
        >>> try:
        ...     coerce_segmentation([[0, 0, 'x', 1, 2, 2]])
        ... except GeometryError as ex:
        ...     print(ex)
        malformed segmentation [[0, 0, 'x', 1, 2, 2]]: could not convert string to float: 'x'
    """
    try:
        return _coerce_segmentation(segm, dims, bundle_dpath)
    except GeometryError:
        raise
    except _CONVERSION_ERRORS as ex:
        raise GeometryError(f'malformed segmentation {segm!r:.80}: {ex}') from None


#: what numpy / kwimage / shapely raise on a value of the wrong shape
_CONVERSION_ERRORS = (TypeError, ValueError, IndexError, KeyError, OverflowError)


def _coerce_segmentation(segm, dims, bundle_dpath):
    import kwimage
    if segm is None:
        return None
    if isinstance(segm, (kwimage.Polygon, kwimage.MultiPolygon, kwimage.Mask)):
        return segm
    if isinstance(segm, list):
        if not segm:
            return None
        first = segm[0]
        if isinstance(first, list):
            return kwimage.MultiPolygon([_flat_polygon(p) for p in segm])
        if isinstance(first, dict):
            return kwimage.MultiPolygon([_dict_polygon(p) for p in segm])
        return _flat_polygon(segm)
    if isinstance(segm, dict):
        if 'counts' in segm:
            return _rle_mask(segm)
        return _dict_polygon(segm)
    if isinstance(segm, str):
        if is_wkt(segm):
            mpoly = parse_wkt(segm)
            return mpoly.data[0] if len(mpoly) == 1 else mpoly
        if not segm.strip():
            raise GeometryError('a segmentation string is empty: expected WKT or a mask path')
        fpath = segm if bundle_dpath is None else os.path.join(os.fspath(bundle_dpath), segm)
        if not os.path.isfile(fpath):
            raise GeometryError(f'mask path {fpath!r} does not exist or is not a file')
        try:
            data = kwimage.imread(fpath)
        except OSError as ex:
            raise GeometryError(f'mask path {fpath!r} cannot be read as an image: {ex}') from None
        if data.ndim == 3:
            data = data[..., 0]
        return kwimage.Mask((data > 0).astype('uint8'), 'c_mask')
    raise GeometryError(f'cannot interpret a segmentation of type {type(segm).__name__}')


def segmentation_area(segm, dims=None, bundle_dpath=None):
    """
    Area of a segmentation in pixels (polygon area, or mask pixel count).

    Example:
        >>> segmentation_area([0, 0, 4, 0, 4, 4, 0, 4])
        16.0
        >>> segmentation_area({'size': [3, 3], 'counts': [1, 5, 3]})
        5.0
    """
    import kwimage
    geom = coerce_segmentation(segm, dims=dims, bundle_dpath=bundle_dpath)
    if geom is None:
        return 0.0
    try:
        if isinstance(geom, kwimage.Mask):
            return float(geom.to_c_mask().area)
        return float(geom.area)
    except _CONVERSION_ERRORS as ex:
        raise GeometryError(f'cannot measure segmentation {segm!r:.80}: {ex}') from None


def segmentation_bbox(segm, dims=None, bundle_dpath=None):
    """
    The ``[x, y, w, h]`` box around a segmentation, or None when empty.

    Example:
        >>> segmentation_bbox([[0, 0, 4, 0, 4, 4], [6, 6, 8, 6, 8, 9]])
        [0.0, 0.0, 8.0, 9.0]
    """
    geom = coerce_segmentation(segm, dims=dims, bundle_dpath=bundle_dpath)
    if geom is None:
        return None
    try:
        return _geometry_bbox(geom)
    except _CONVERSION_ERRORS as ex:
        raise GeometryError(f'cannot box segmentation {segm!r:.80}: {ex}') from None


def _geometry_bbox(geom):
    import kwimage
    if isinstance(geom, kwimage.Mask):
        import numpy as np
        # Pixel extent, as pycocotools.mask.toBbox computes it (a one-pixel
        # mask has width 1), so conformed boxes agree with COCOeval's.
        data = geom.to_c_mask().data
        rows = np.flatnonzero(data.any(axis=1))
        cols = np.flatnonzero(data.any(axis=0))
        if len(rows) == 0:
            return None
        return [float(cols[0]), float(rows[0]),
                float(cols[-1] + 1 - cols[0]), float(rows[-1] + 1 - rows[0])]
    if isinstance(geom, kwimage.MultiPolygon) and len(geom) == 0:
        return None
    return [float(v) for v in geom.box().to_xywh().data]


def annotation_segmentation(ann, img=None, bundle_dpath=None):
    """
    The kwimage geometry of an annotation's ``segmentation`` (image space).

    Args:
        ann (dict): the annotation.
        img (dict | None): its image, for the ``dims`` of masks.
        bundle_dpath (str | None): where mask paths are relative to.

    Example:
        >>> ann = {'id': 1, 'image_id': 1, 'segmentation': [0, 0, 3, 0, 3, 3]}
        >>> annotation_segmentation(ann).area
        4.5
    """
    dims = None
    if img is not None and img.get('height') is not None:
        dims = (img['height'], img['width'])
    try:
        return coerce_segmentation(ann.get('segmentation'), dims=dims,
                                   bundle_dpath=bundle_dpath)
    except ValueError as ex:
        raise GeometryError(f'annotation id={ann.get("id")!r} field segmentation: {ex}') from None


def coerce_keypoints(kpts, classes=None, names=None):
    """
    Turn either keypoint encoding into a ``kwimage.Points``.

    Args:
        kpts (list): flat ``[x, y, v, ...]`` or a list of ``{'xy', 'visible',
            'keypoint_category_id' | 'keypoint_category'}`` dicts.
        classes (CategoryTree | None): the keypoint categories; needed to
            resolve ids and names into ``class_idxs``.
        names (List[str] | None): for the flat encoding, the category's
            keypoint names in order (MS-COCO ``category['keypoints']``).

    Returns:
        kwimage.Points | None

    Example:
        >>> from xcoco.objects.category_tree import CategoryTree
        >>> kpcats = CategoryTree.from_coco([{'id': 1, 'name': 'eye'}, {'id': 2, 'name': 'nose'}])
        >>> pts = coerce_keypoints([{'xy': [1, 2], 'keypoint_category_id': 2}], classes=kpcats)
        >>> pts.xy.tolist(), pts.data['class_idxs'].tolist()
        ([[1.0, 2.0]], [1])
        >>> pts = coerce_keypoints([5, 6, 2, 7, 8, 0], classes=kpcats, names=['nose', 'eye'])
        >>> pts.data['class_idxs'].tolist(), pts.data['visible'].tolist()
        ([1, 0], [2, 0])
    """
    import kwimage
    import numpy as np
    if not kpts:
        return None
    if isinstance(kpts[0], dict):
        xy, visible, cidxs = [], [], []
        for i, kp in enumerate(kpts):
            xy.append(kp['xy'])
            visible.append(kp.get('visible', 2))
            cidxs.append(_kp_class_index(kp, classes, i))
        data = {'xy': kwimage.Coords(np.asarray(xy, dtype=float).reshape(-1, 2)),
                'visible': np.asarray(visible, dtype=int)}
        if classes is not None:
            data['class_idxs'] = np.asarray(cidxs, dtype=int)
        return kwimage.Points(data=data, meta={'classes': classes})
    if len(kpts) % 3:
        raise GeometryError(f'flat keypoints need (x, y, v) triples, got {len(kpts)} numbers')
    arr = np.asarray(kpts, dtype=float).reshape(-1, 3)
    data = {'xy': kwimage.Coords(arr[:, 0:2]), 'visible': arr[:, 2].astype(int)}
    if classes is not None and names is not None:
        if len(names) != len(arr):
            raise GeometryError(f'{len(arr)} flat keypoints but {len(names)} keypoint names')
        data['class_idxs'] = np.asarray([classes.node_to_idx[n] for n in names], dtype=int)
    return kwimage.Points(data=data, meta={'classes': classes})


def _kp_class_index(kp, classes, i):
    if classes is None:
        return -1
    if 'keypoint_category_id' in kp:
        try:
            return classes.id_to_idx[kp['keypoint_category_id']]
        except KeyError:
            raise GeometryError(f'keypoint {i} has unknown keypoint_category_id={kp["keypoint_category_id"]!r}') from None
    if 'keypoint_category' in kp:
        try:
            return classes.node_to_idx[kp['keypoint_category']]
        except KeyError:
            raise GeometryError(f'keypoint {i} has unknown keypoint_category={kp["keypoint_category"]!r}') from None
    return -1


def annotation_keypoints(dset, ann):
    """
    An annotation's keypoints as ``kwimage.Points`` with keypoint classes.

    Flat keypoints are named by the annotation category's ``keypoints`` list.

    Example:
        >>> from xcoco.objects.geometry import annotation_keypoints
        >>> data = {'categories': [{'id': 1, 'name': 'face', 'keypoints': ['l', 'r']}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
        ...                          'keypoints': [1, 1, 2, 3, 3, 2]}]}
        >>> pts = annotation_keypoints(data, data['annotations'][0])
        >>> pts.meta['classes'].idx_to_node
        ['l', 'r']
    """
    from xcoco.objects.category_tree import keypoint_categories
    kpts = ann.get('keypoints')
    if not kpts:
        return None
    classes = keypoint_categories(dset)
    names = None
    if not isinstance(kpts[0], dict):
        data = getattr(dset, 'dataset', dset)
        cat = next((c for c in data.get('categories', []) if c.get('id') == ann.get('category_id')), None)
        names = cat.get('keypoints') if cat else None
    try:
        return coerce_keypoints(kpts, classes=classes, names=names)
    except (ValueError, KeyError) as ex:
        raise GeometryError(f'annotation id={ann.get("id")!r} field keypoints: {ex}') from None


def keypoints_bbox(kpts):
    """
    ``[x, y, w, h]`` around the visible keypoints of either encoding.

    Example:
        >>> keypoints_bbox([1, 2, 2, 5, 9, 1, 100, 100, 0])
        [1.0, 2.0, 4.0, 7.0]
    """
    pts = coerce_keypoints(kpts)
    if pts is None:
        return None
    xy = pts.xy[pts.data['visible'] > 0]
    if len(xy) == 0:
        return None
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    return [float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])]


def num_visible_keypoints(kpts):
    """
    How many keypoints are labelled (visible > 0), as MS-COCO counts them.

    Example:
        >>> num_visible_keypoints([1, 2, 2, 5, 9, 0])
        1
        >>> num_visible_keypoints([{'xy': [1, 2]}, {'xy': [3, 4], 'visible': 0}])
        1
    """
    if not kpts:
        return 0
    if isinstance(kpts[0], dict):
        return sum(1 for kp in kpts if kp.get('visible', 2) > 0)
    return sum(1 for v in kpts[2::3] if v > 0)


def track_segmentation(track):
    """
    A track's own summary geometry, in **video** space (seed 000, Tracks).

    Uses ``segmentation`` if present, otherwise ``bbox``.

    Example:
        >>> track_segmentation({'id': 1, 'bbox': [0, 0, 5, 2]}).area
        10.0
    """
    import kwimage
    if track.get('segmentation') is not None:
        return coerce_segmentation(track['segmentation'])
    if track.get('bbox') is not None:
        return kwimage.Box.coerce(track['bbox'], format='xywh').to_polygon()
    return None


def _track_members(dset, track_id):
    """
    ``(annotation, image)`` pairs of a track.  A dataset answers through its
    index (``trackid_to_aids``, ``anns``, ``imgs``: the shared read surface,
    so a backend without a dict manifest works too); a raw manifest dict is
    scanned once.  The scan made a call grow with the whole dataset: 11 ms for a
    100-frame track among 100k annotations, 28 ms among 300k; through the
    index it is 4.5-5.5 ms at both sizes, nearly all of it kwimage's
    per-box warp (benchmarks/bench_tracks.py).
    """
    index = getattr(dset, 'index', None)
    if index is None:
        imgs = {img.get('id'): img for img in dset.get('images', None) or ()}
        anns = [a for a in dset.get('annotations', None) or () if a.get('track_id') == track_id]
    else:
        imgs = index.imgs
        lut = index.anns
        anns = [lut[aid] for aid in index.trackid_to_aids.get(track_id, ())]
    return [(ann, imgs.get(ann.get('image_id'), None) or {}) for ann in anns]


def track_video_boxes(dset, track_id):
    """
    The boxes of a track's annotations warped into video space, by frame.

    Args:
        dset (CocoDataset | dict): a dataset (anything with an ``index``,
            read through ``trackid_to_aids``, ``anns`` and ``imgs``) or a
            raw manifest dict.
        track_id: the track.

    Returns:
        List[Tuple[int, int, List[float]]]: ``(frame_index, annotation id,
        [x, y, w, h] in video space)``, ordered by frame.

    Example:
        >>> data = {'images': [{'id': 1, 'frame_index': 0, 'warp_img_to_vid': {'scale': 2}},
        ...                    {'id': 2, 'frame_index': 1}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'track_id': 7, 'bbox': [1, 1, 2, 2]},
        ...                         {'id': 2, 'image_id': 2, 'track_id': 7, 'bbox': [5, 5, 1, 1]}]}
        >>> track_video_boxes(data, 7)
        [(0, 1, [2.0, 2.0, 4.0, 4.0]), (1, 2, [5.0, 5.0, 1.0, 1.0])]
        >>> import xcoco
        >>> track_video_boxes(xcoco.CocoDataset(data), 7) == track_video_boxes(data, 7)
        True
    """
    import kwimage
    rows = []
    for ann, img in _track_members(dset, track_id):
        bbox = ann.get('bbox')
        if bbox is None and ann.get('segmentation') is not None:
            bbox = segmentation_bbox(ann['segmentation'])
        if bbox is None:
            continue
        warp = kwimage.Affine.coerce(img.get('warp_img_to_vid') or {'type': 'affine'})
        box = kwimage.Box.coerce(bbox, format='xywh').warp(warp).to_xywh()
        rows.append((img.get('frame_index', 0), ann.get('id'),
                     [float(v) for v in box.data]))
    rows.sort(key=lambda r: (r[0] if r[0] is not None else -1, r[1]))
    return rows


def track_extent(dset, track_id):
    """
    The ``[x, y, w, h]`` in video space covering every box of a track — a
    summary geometry to store as the track's ``bbox``.

    Example:
        >>> data = {'images': [{'id': 1}, {'id': 2}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'track_id': 3, 'bbox': [0, 0, 2, 2]},
        ...                         {'id': 2, 'image_id': 2, 'track_id': 3, 'bbox': [4, 1, 2, 5]}]}
        >>> track_extent(data, 3)
        [0.0, 0.0, 6.0, 6.0]
    """
    rows = track_video_boxes(dset, track_id)
    if not rows:
        return None
    x1 = min(r[2][0] for r in rows)
    y1 = min(r[2][1] for r in rows)
    x2 = max(r[2][0] + r[2][2] for r in rows)
    y2 = max(r[2][1] + r[2][3] for r in rows)
    return [x1, y1, x2 - x1, y2 - y1]


#: the annotation fields kwimage reads to build detections, in the order a
#: failing annotation is probed for the culprit (each by leaving it out; not
#: category_id: without one kwimage's keypoint-name lookup never ends)
DETECTION_FIELDS = ('bbox', 'segmentation', 'keypoints', 'score', 'weight', 'prob')


def detections_from_annots(anns, **kwargs):
    """
    ``kwimage.Detections.from_coco_annots(anns, **kwargs)``, with a malformed
    field named: kwimage fails on one with whatever numpy or its parsers
    raise, and this raises a :class:`GeometryError` naming the annotation
    id and field instead.

    Example:
        >>> cats = [{'id': 1, 'name': 'cat'}]
        >>> dets = detections_from_annots([{'id': 1, 'category_id': 1, 'bbox': [0, 0, 2, 3]}],
        ...                               cats=cats)
        >>> dets.boxes.to_xywh().data.tolist()
        [[0.0, 0.0, 2.0, 3.0]]
        >>> try:
        ...     detections_from_annots([{'id': 2, 'category_id': 1, 'bbox': [0, 0, 1, 1],
        ...                              'segmentation': [[0, 1], 2]}], cats=cats)
        ... except GeometryError as ex:
        ...     print(ex)
        annotation id=2 field 'segmentation': [[0, 1], 2] cannot be read as a detection (ValueError)
    """
    import kwimage
    for ann in anns:
        segm = ann.get('segmentation') if isinstance(ann, dict) else None
        if isinstance(segm, dict) and 'counts' in segm:
            # kwimage decodes RLEs itself, whatever size they claim
            try:
                rle_size(segm)
            except GeometryError as ex:
                raise GeometryError(f"annotation id={ann.get('id')!r} field 'segmentation': "
                                    f'{ex}') from None
    try:
        return kwimage.Detections.from_coco_annots(anns, **kwargs)
    except Exception as ex:
        if not _is_conversion_error(ex):
            raise
        raise _detection_error(anns, kwargs, ex) from None


#: what kwimage and numpy raise on a value of the wrong shape or type
#: (kwimage 0.11 raises UnboundLocalError on a keypoint without a category)
_CONVERSION_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError,
                      AssertionError, OverflowError, UnboundLocalError)


def _is_conversion_error(ex):
    # kwimage also raises a bare Exception (e.g. for an unknown category)
    return type(ex) is Exception or isinstance(ex, _CONVERSION_ERRORS)


def _detection_error(anns, kwargs, error):
    import kwimage

    def fails(objs):
        try:
            kwimage.Detections.from_coco_annots(objs, **kwargs)
        except Exception as ex:
            if not _is_conversion_error(ex):
                raise
            return True
        return False
    for ann in anns:
        if not fails([ann]):
            continue
        for field in DETECTION_FIELDS:
            if field in ann and not fails([{k: v for k, v in ann.items() if k != field}]):
                return GeometryError(
                    f'annotation id={ann.get("id")!r} field {field!r}: '
                    f'{ann[field]!r:.80} cannot be read as a detection '
                    f'({type(error).__name__})')
        return GeometryError(f'annotation id={ann.get("id")!r} cannot be read as a '
                             f'detection: {type(error).__name__}: {error}')
    # each alone converts, together they do not (e.g. mixed keypoint forms)
    return GeometryError(f'the annotations cannot be read as one set of detections: '
                         f'{type(error).__name__}: {error}')
