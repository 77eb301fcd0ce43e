"""
Make a manifest acceptable to stricter readers, pycocotools first.

:func:`conform` fills what MS-COCO tools expect but kwcoco files may omit:
image ``width`` / ``height``, annotation ``area``, ``bbox``, ``iscrowd`` and
``num_keypoints`` — and with ``legacy`` rewrites geometry into the original
MS-COCO encodings: polygons as lists of flat lists (polygons with holes and
WKT / mask-path segmentations become compressed RLE, since MS-COCO polygons
cannot hold holes) and keypoints as flat ``[x, y, v]`` lists ordered by the
category's ``keypoints`` names.

The dataset is edited in place and returned.

Example:
    >>> from xcoco.ops.conform import conform
    >>> data = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 8, 'height': 8}],
    ...         'categories': [{'id': 1, 'name': 'box'}],
    ...         'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
    ...                          'segmentation': {'exterior': [[0, 0], [4, 0], [4, 4], [0, 4]]}}]}
    >>> ann = conform(data, pycocotools=True)['annotations'][0]
    >>> ann['segmentation'], ann['area'], ann['bbox'], ann['iscrowd']
    ([[0.0, 0.0, 4.0, 0.0, 4.0, 4.0, 0.0, 4.0]], 16.0, [0.0, 0.0, 4.0, 4.0], 0)
"""
from __future__ import annotations

import os
import warnings
from typing import Any, TypeVar

from xcoco.manifest.escape import refuse_special_file

__all__ = [
    'DEFAULT_CONFIG',
    'conform',
    'to_flat_keypoints',
    'to_pycocotools',
    'to_pycocotools_segmentation',
]

DEFAULT_CONFIG = {
    'pycocotools_info': True,   # area, bbox, iscrowd, num_keypoints, info dict
    'ensure_imgsize': True,     # read width / height from the files if missing
    'legacy': False,            # MS-COCO polygon / RLE and flat keypoint encodings
    'pycocotools': None,        # xcoco's switch: True = pycocotools_info + legacy
    'mmlab': False,             # open-mmlab video fields: frame_id, instance_id, ignore
    'workers': 8,               # threads reading image headers
    'verbose': 0,
}


_Target = TypeVar('_Target')


def conform(dset: _Target, **config: Any) -> _Target:
    """
    Fill MS-COCO fields and, optionally, rewrite legacy encodings in place.

    Args:
        dset (CocoDataset | dict): a dataset or a raw manifest dict.
        **config: see :data:`DEFAULT_CONFIG`; kwcoco's names work, and
            ``pycocotools=True`` turns on both ``pycocotools_info`` and
            ``legacy``.

    Returns:
        CocoDataset | dict: ``dset`` itself.

    Example:
        >>> from xcoco.ops.conform import conform
        >>> data = {'images': [{'id': 1, 'width': 9, 'height': 9, 'file_name': 'x.png'}],
        ...         'categories': [{'id': 1, 'name': 'face'}],
        ...         'keypoint_categories': [{'id': 1, 'name': 'l'}, {'id': 2, 'name': 'r'}],
        ...         'annotations': [
        ...             {'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 9, 9],
        ...              'keypoints': [{'xy': [5, 1], 'keypoint_category_id': 2}]},
        ...             {'id': 2, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 9, 9],
        ...              'keypoints': [{'xy': [3, 1], 'keypoint_category': 'l'}]}]}
        >>> _ = conform(data, pycocotools=True)
        >>> data['annotations'][0]['keypoints'], data['annotations'][0]['num_keypoints']
        ([0, 0, 0, 5, 1, 2], 1)
        >>> data['categories'][0]['keypoints']
        ['l', 'r']
        >>> video = {'images': [{'id': 1, 'file_name': 'f.png', 'video_id': 1, 'frame_index': 0}],
        ...          'annotations': [{'id': 1, 'image_id': 1, 'track_id': 3, 'bbox': [0, 0, 1, 1]}]}
        >>> _ = conform(video, mmlab=True, ensure_imgsize=False)
        >>> video['images'][0]['frame_id'], video['annotations'][0]['instance_id']
        (0, 3)
    """
    unknown = set(config) - set(DEFAULT_CONFIG)
    if unknown:
        raise TypeError(f'conform() got unknown options {sorted(unknown)}; '
                        f'known: {sorted(DEFAULT_CONFIG)}')
    cfg = {**DEFAULT_CONFIG, **config}
    if cfg['pycocotools'] is not None:
        cfg['pycocotools_info'] = cfg['legacy'] = bool(cfg['pycocotools'])
    data = getattr(dset, 'dataset', dset)
    bundle_dpath = getattr(dset, 'bundle_dpath', None)
    images = data.get('images', []) or []
    if cfg['ensure_imgsize']:
        _ensure_imgsize(images, bundle_dpath, cfg['workers'])
    imgs = {img.get('id'): img for img in images}
    anns = data.get('annotations', []) or []
    if cfg['legacy']:
        _legacy_keypoints(data, anns)
        for ann in anns:
            if ann.get('segmentation') is not None:
                ann['segmentation'] = to_pycocotools_segmentation(
                    ann['segmentation'], img=imgs.get(ann.get('image_id')),
                    bundle_dpath=bundle_dpath, ann_id=ann.get('id'))
    if cfg['pycocotools_info']:
        info = data.get('info', None)
        if isinstance(info, list):
            data['info'] = {'kwcoco_info': info} if info else {}
        elif info is None:
            data['info'] = {}
        # COCOeval(iouType='keypoints') reads num_keypoints of every
        # ground truth, so keypoint datasets get it on all annotations.
        has_kpts = any(ann.get('keypoints') for ann in anns) or any(
            c.get('keypoints') for c in data.get('categories', []) or [])
        for ann in anns:
            _fill_annotation(ann, imgs.get(ann.get('image_id')), bundle_dpath)
            if has_kpts and not isinstance(ann.get('num_keypoints'), int):
                ann['num_keypoints'] = 0
        if any(ann.get('id') == 0 for ann in anns):
            warnings.warn('an annotation has id=0; COCOeval reads a matched id of 0 '
                          'as "unmatched", so renumber ids from 1 before evaluating',
                          UserWarning, stacklevel=2)
    if cfg['mmlab']:
        _mmlab_fields(images, anns)
    index = getattr(dset, 'index', None)
    if index is not None:
        index.note_edit()
    return dset


def _mmlab_fields(images, anns):
    # open-mmlab's video datasets (mmtracking) read the frame number as
    # ``frame_id`` and the track as ``instance_id``, and skip no annotation
    # unless ``ignore`` says so
    for img in images:
        if img.get('video_id') is not None and 'frame_index' in img:
            img['frame_id'] = img['frame_index']
    for ann in anns:
        if ann.get('track_id') is not None:
            ann['instance_id'] = ann['track_id']
        ann.setdefault('ignore', False)


def _size_from_assets(assets):
    """
    Image size from its assets: an identity- or scale-warped asset gives it
    directly, otherwise the extent of every asset's corners warped into
    image space.  Warps are read under either spelling (``warp_aux_to_img``
    or ``warp_img_from_asset``).

    Example:
        >>> _size_from_assets([{'width': 10, 'height': 20, 'warp_img_from_asset': {'scale': 2}}])
        (20, 40)
    """
    from xcoco.manifest.assets import asset_warp
    sized = [(a, asset_warp(a)) for a in assets
             if isinstance(a, dict) and a.get('width') and a.get('height')]
    if not sized:
        return None
    for asset, warp in sized:
        if warp in (None, {}, {'type': 'affine'}):
            return int(asset['width']), int(asset['height'])
    for asset, warp in sized:
        # A pure scale is how resampled bands are registered (seed 000's MSI
        # example): it maps the asset exactly onto the image grid.
        if isinstance(warp, dict) and set(warp) <= {'type', 'scale'}:
            scale = warp.get('scale', 1.0)
            sx, sy = (scale, scale) if isinstance(scale, (int, float)) else scale
            return round(float(asset['width'] * sx)), round(float(asset['height'] * sy))
    import kwimage
    import numpy as np
    max_x = max_y = 0.0
    for asset, warp in sized:
        w, h = asset['width'], asset['height']
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=float)
        pts = kwimage.Coords(corners).warp(kwimage.Affine.coerce(warp)).data
        max_x = max(max_x, float(pts[:, 0].max()))
        max_y = max(max_y, float(pts[:, 1].max()))
    return round(max_x), round(max_y)


def _ensure_imgsize(images, bundle_dpath, workers):
    from xcoco.manifest.assets import iter_assets
    todo = []
    for img in images:
        if img.get('width') is not None and img.get('height') is not None:
            continue
        if img.get('file_name'):
            todo.append((img, img['file_name'], None))
            continue
        assets = [a for a in iter_assets(img) if isinstance(a, dict)]
        size = _size_from_assets(assets)
        if size is not None:
            img['width'], img['height'] = size
        elif len(assets) == 1 and assets[0].get('file_name'):
            todo.append((img, assets[0]['file_name'], assets[0]))
    if not todo:
        return
    root = os.fspath(bundle_dpath) if bundle_dpath else os.getcwd()

    def read(item):
        import kwimage
        img, fname, asset = item
        fpath = fname if os.path.isabs(fname) else os.path.join(root, fname)
        try:
            refuse_special_file(fpath)
            height, width = kwimage.load_image_shape(fpath)[0:2]
        except Exception as ex:
            warnings.warn(f'conform: cannot read the size of image id={img.get("id")!r} '
                          f'from {fpath!r}: {ex}', UserWarning, stacklevel=4)
            return
        if asset is None:
            img['width'], img['height'] = int(width), int(height)
        else:
            # the file is the asset: its warp maps it onto the image grid
            img['width'], img['height'] = _size_from_assets(
                [dict(asset, width=int(width), height=int(height))])

    if workers and len(todo) > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(read, todo))
    else:
        for item in todo:
            read(item)


def _polygon_area_bbox(parts):
    """Shoelace area and bbox of flat polygons without kwimage (the common case)."""
    import numpy as np
    area = 0.0
    lo, hi = None, None
    for part in parts:
        if len(part) < 6:
            continue
        xy = np.asarray(part, dtype=float).reshape(-1, 2)
        x, y = xy[:, 0], xy[:, 1]
        area += 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
        plo, phi = xy.min(axis=0), xy.max(axis=0)
        lo = plo if lo is None else np.minimum(lo, plo)
        hi = phi if hi is None else np.maximum(hi, phi)
    if lo is None:
        return 0.0, None
    return area, [float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])]


def _fill_annotation(ann, img, bundle_dpath):
    from xcoco.objects import geometry
    segm = ann.get('segmentation')
    need_area = not isinstance(ann.get('area'), (int, float))
    need_bbox = ann.get('bbox') is None
    if (need_area or need_bbox) and segm is not None:
        if isinstance(segm, list) and segm and isinstance(segm[0], list):
            area, bbox = _polygon_area_bbox(segm)
        else:
            dims = (img['height'], img['width']) if img and img.get('height') else None
            area = geometry.segmentation_area(segm, dims=dims, bundle_dpath=bundle_dpath)
            bbox = geometry.segmentation_bbox(segm, dims=dims, bundle_dpath=bundle_dpath)
        if need_bbox and bbox is not None:
            ann['bbox'] = bbox
        if need_area:
            ann['area'] = float(area)
    kpts = ann.get('keypoints')
    if kpts:
        if ann.get('bbox') is None:
            bbox = geometry.keypoints_bbox(kpts)
            if bbox is not None:
                ann['bbox'] = bbox
        if not isinstance(ann.get('num_keypoints'), int):
            ann['num_keypoints'] = geometry.num_visible_keypoints(kpts)
    if not isinstance(ann.get('area'), (int, float)) and ann.get('bbox') is not None:
        ann['area'] = float(ann['bbox'][2] * ann['bbox'][3])
    if ann.get('iscrowd') is None:
        ann['iscrowd'] = 0
    elif isinstance(ann['iscrowd'], bool):
        ann['iscrowd'] = int(ann['iscrowd'])


def _counts_string(counts):
    """
    MS-COCO's compressed RLE string of column-major run lengths.

    The format of pycocotools' ``rleToString`` (maskApi.c): each count,
    minus the count two before it from the fourth on, in 5-bit groups with
    a continuation bit, offset by 48 into printable ASCII.  Written here so
    conform needs no mask backend: kwimage's ``to_bytes_rle`` has no pure
    Python path and raised NotImplementedError without pycocotools.

    Example:
        >>> _counts_string([5, 3, 112]), _counts_string([0, 100])
        ('53`3', '0T3')
    """
    out = bytearray()
    for i, x in enumerate(counts):
        x = int(x)
        if i > 2:
            x -= int(counts[i - 2])
        more = True
        while more:
            c = x & 0x1f
            x >>= 5
            more = (x != -1) if c & 0x10 else (x != 0)
            out.append((c | 0x20 if more else c) + 48)
    return out.decode('ascii')


def _runs_to_rle(starts, stops, height, width):
    """
    Compressed RLE of an ``height`` x ``width`` mask given its foreground as
    column-major ``[start, stop)`` pixel intervals (any order, may overlap
    or touch: they are merged first, as one run in pycocotools' encoding).

    Example:
        >>> _runs_to_rle([0, 5, 2], [2, 6, 3], 2, 4)
        {'size': [2, 4], 'counts': '032N0'}
    """
    import numpy as np
    total = int(height) * int(width)
    starts = np.asarray(starts, dtype=np.int64)
    stops = np.asarray(stops, dtype=np.int64)
    keep = stops > starts
    starts, stops = starts[keep], stops[keep]
    if len(starts) == 0:
        counts = [total]
    else:
        order = np.argsort(starts, kind='stable')
        starts, stops = starts[order], stops[order]
        reach = np.maximum.accumulate(stops)
        # pycocotools writes touching or overlapping pixels as one run, so an
        # interval starting no later than the furthest stop so far joins its group
        first = np.ones(len(starts), dtype=bool)
        first[1:] = starts[1:] > reach[:-1]
        last = np.append(np.flatnonzero(first)[1:] - 1, len(starts) - 1)
        bounds = np.empty(2 * int(first.sum()) + 2, dtype=np.int64)
        bounds[0], bounds[-1] = 0, total
        bounds[1:-1:2], bounds[2:-1:2] = starts[first], reach[last]
        counts = np.diff(bounds).tolist()
        if counts[-1] == 0:
            counts.pop()  # pycocotools ends on the last run, never a 0
    return {'size': [int(height), int(width)], 'counts': _counts_string(counts)}


def _mask_to_rle(mask):
    import numpy as np
    data = np.asarray(mask.data) != 0
    height, width = data.shape
    flat = data.ravel(order='F')
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate([[0], edges, [flat.size]])
    if flat.size and flat[0]:
        bounds = np.concatenate([[0], bounds])
    return _runs_to_rle(bounds[1:-1:2], bounds[2::2], height, width)


def _empty_rle(img):
    return _runs_to_rle([], [], int(img['height']), int(img['width']))


def _polygon_runs(poly, height, width):
    """
    Column-major ``[start, stop)`` foreground intervals of one polygon (holes
    by the even-odd rule) on an ``height`` x ``width`` image, working only
    inside the polygon's box clipped to the image.

    kwimage's ``to_mask`` (cv2.fillPoly) also fills boundary pixels: a 10x8
    box becomes 99 pixels where pycocotools counts 80.  A pixel is inside
    when an odd number of ring edges cross its row's centre line strictly
    right of its centre, which reproduces pycocotools' areas.

    A full-image version allocated an int64 (H, W + 1) histogram and more:
    a 190-px holed polygon on a 4000 x 4000 image peaked at 397 MiB
    (benchmarks/bench_conform.py); here every array is the size of the box.

    Example:
        >>> import kwimage
        >>> box = kwimage.Polygon(exterior=[[1, 1], [3, 1], [3, 2], [1, 2]])
        >>> [v.tolist() for v in _polygon_runs(box, 4, 5)]
        [[5, 9], [6, 10]]
    """
    import numpy as np
    empty = (np.zeros(0, dtype=np.int64),) * 2
    rings = [poly.data['exterior'].data] + [r.data for r in poly.data['interiors']]
    rings = [np.asarray(r, dtype=float).reshape(-1, 2) for r in rings]
    rings = [r for r in rings if len(r) >= 3]
    if not rings or height <= 0 or width <= 0:
        return empty
    ys = np.concatenate([r[:, 1] for r in rings])
    row0, row1 = 0, height
    if np.isfinite(ys).all():
        # an edge crosses row r only if min(y) <= r + 0.5 < max(y)
        row0 = min(max(int(np.floor(ys.min())) - 1, 0), height)
        row1 = min(max(int(np.ceil(ys.max())) + 1, 0), height)
    centres = np.arange(row0, row1) + 0.5
    all_rows, all_ks = [], []
    for pts in rings:
        x0, y0 = pts[:, 0], pts[:, 1]
        x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
        crosses = (y0[None, :] <= centres[:, None]) != (y1[None, :] <= centres[:, None])
        rows, edges = np.nonzero(crosses)
        if len(rows) == 0:
            continue
        t = (centres[rows] - y0[edges]) / (y1[edges] - y0[edges])
        xc = x0[edges] + t * (x1[edges] - x0[edges])
        # k: how many pixel centres of the row lie left of the crossing
        all_ks.append(np.clip(np.ceil(xc - 0.5), 0, width).astype(np.int64))
        all_rows.append(rows)
    if not all_rows:
        return empty
    rows, ks = np.concatenate(all_rows), np.concatenate(all_ks)
    # Left of every crossing a row has crossed each closed ring an even
    # number of times, so only columns [min k, max k) can be inside.
    col0, col1 = int(ks.min()), int(ks.max())
    top, bottom = int(rows.min()), int(rows.max()) + 1
    if col1 <= col0:
        return empty
    # parity[r, k]: odd if an odd number of edges cross row r at k
    parity = np.zeros((bottom - top, col1 - col0 + 1), dtype=np.uint8)
    np.bitwise_xor.at(parity, (rows - top, ks - col0), 1)
    right = np.bitwise_xor.accumulate(parity[:, ::-1], axis=1)[:, ::-1]
    inside = right[:, 1:].astype(bool)
    # Runs in column-major order: each column of the box is a contiguous
    # stretch of the full image's column, so pad it with background and
    # read starts and stops off the changes.
    padded = np.zeros((inside.shape[1], inside.shape[0] + 2), dtype=bool)
    padded[:, 1:-1] = inside.T
    change = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    col, row = np.divmod(change, inside.shape[0] + 1)
    full = (col + col0) * height + (row + row0 + top)
    return full[0::2], full[1::2]


def _rasterize_rle(polys, dims):
    """
    Compressed RLE of the union of polygons (each with its holes) at
    pycocotools' pixel-centre rule, without a full-image array.

    Example:
        >>> import kwimage
        >>> ring = kwimage.Polygon(exterior=[[0, 0], [6, 0], [6, 6], [0, 6]],
        ...                        interiors=[[[2, 2], [4, 2], [4, 4], [2, 4]]])
        >>> _rasterize_rle([ring], (8, 8))
        {'size': [8, 8], 'counts': '06200L0000000400`0'}
    """
    import numpy as np
    height, width = (int(d) for d in dims)
    runs = [_polygon_runs(poly, height, width) for poly in polys]
    starts = np.concatenate([np.zeros(0, np.int64)] + [r[0] for r in runs])
    stops = np.concatenate([np.zeros(0, np.int64)] + [r[1] for r in runs])
    return _runs_to_rle(starts, stops, height, width)


def to_pycocotools_segmentation(segm, img=None, bundle_dpath=None, ann_id=None):
    """
    Rewrite any segmentation into an encoding pycocotools reads.

    Polygons become lists of flat lists (parts with fewer than 3 points are
    dropped: pycocotools would read a 4-number part as a box); polygons with
    holes, WKT and mask paths become compressed RLE (needs the image size);
    RLE keeps only ``size`` and ``counts``.

    Example:
        >>> to_pycocotools_segmentation([0, 0, 2, 0, 2, 2])
        [[0, 0, 2, 0, 2, 2]]
        >>> rle = to_pycocotools_segmentation(
        ...     {'exterior': [[0, 0], [8, 0], [8, 8], [0, 8]], 'interiors': [[[2, 2], [4, 2], [4, 4]]]},
        ...     img={'width': 10, 'height': 10})
        >>> sorted(rle), rle['size']
        (['counts', 'size'], [10, 10])
    """
    import kwimage

    from xcoco.objects import geometry
    if isinstance(segm, list) and segm and isinstance(segm[0], (int, float)):
        segm = [segm]
    if isinstance(segm, list) and all(isinstance(p, list) for p in segm):
        parts = [p for p in segm if len(p) >= 6 and len(p) % 2 == 0]
        if parts:
            return parts
        return _empty_rle(img) if img and img.get('height') else []
    if isinstance(segm, dict) and 'counts' in segm:
        size = segm.get('size') or segm.get('shape')
        counts = segm['counts']
        if isinstance(counts, list) and segm.get('order', 'F') == 'C':
            return _mask_to_rle(geometry.coerce_segmentation(segm).to_c_mask())
        if isinstance(counts, bytes):
            counts = counts.decode('ascii')
        return {'size': list(size), 'counts': counts}
    geom = geometry.coerce_segmentation(segm, bundle_dpath=bundle_dpath)
    dims = (img['height'], img['width']) if img and img.get('height') else None
    if isinstance(geom, kwimage.Mask):
        return _mask_to_rle(geom.to_c_mask())
    polys = list(geom.data) if isinstance(geom, kwimage.MultiPolygon) else [geom]
    if any(len(p.data['interiors']) for p in polys):
        if dims is not None:
            return _rasterize_rle(polys, dims)
        warnings.warn(f'annotation id={ann_id!r}: holes dropped, the image size is '
                      'unknown so the polygon cannot become an RLE mask',
                      UserWarning, stacklevel=3)
    parts = [p.data['exterior'].data.ravel().astype(float).tolist() for p in polys]
    parts = [p for p in parts if len(p) >= 6]
    if parts:
        return parts
    return _empty_rle(img) if dims is not None else []


def to_flat_keypoints(kpts, names, kpcat_id_to_name):
    """
    kwcoco keypoint dicts -> MS-COCO ``[x, y, v] * len(names)``; absent
    names become ``0, 0, 0``.

    Example:
        >>> to_flat_keypoints([{'xy': [3, 4], 'keypoint_category': 'b', 'visible': 1}],
        ...                   ['a', 'b'], {})
        [0, 0, 0, 3, 4, 1]
    """
    slots = {name: i for i, name in enumerate(names)}
    flat = [0] * (3 * len(names))
    for kp in kpts:
        name = kp.get('keypoint_category')
        if name is None:
            name = kpcat_id_to_name.get(kp.get('keypoint_category_id'))
        if name not in slots:
            continue
        i = 3 * slots[name]
        flat[i:i + 3] = [kp['xy'][0], kp['xy'][1], kp.get('visible', 2)]
    return flat


def _legacy_keypoints(data, anns):
    kpcats = data.get('keypoint_categories') or []
    id_to_name = {k.get('id'): k.get('name') for k in kpcats}
    order = {k.get('name'): i for i, k in enumerate(kpcats)}
    cats = {c.get('id'): c for c in data.get('categories', []) or []}
    used = {}
    for ann in anns:
        kpts = ann.get('keypoints')
        if kpts and isinstance(kpts[0], dict):
            names = used.setdefault(ann.get('category_id'), set())
            for kp in kpts:
                names.add(kp.get('keypoint_category') or id_to_name.get(kp.get('keypoint_category_id')))
    for cid, names in used.items():
        cat = cats.get(cid)
        if cat is not None and not cat.get('keypoints'):
            # pycocotools reads flat keypoints by position, so the category
            # must name its slots; keypoint_categories order fixes them.
            cat['keypoints'] = sorted((n for n in names if n is not None),
                                      key=lambda n: (order.get(n, len(order)), n))
    for ann in anns:
        kpts = ann.get('keypoints')
        cat = cats.get(ann.get('category_id')) or {}
        names = cat.get('keypoints') or []
        if kpts and isinstance(kpts[0], dict):
            ann['keypoints'] = to_flat_keypoints(kpts, names, id_to_name)
            ann['num_keypoints'] = sum(1 for v in ann['keypoints'][2::3] if v > 0)
        elif not kpts and names and isinstance(names, list):
            # COCOeval's OKS reads 'keypoints' of every ground truth in a
            # keypoint category, labelled or not.
            ann['keypoints'] = [0] * (3 * len(names))
            ann['num_keypoints'] = 0


def to_pycocotools(dset: Any) -> Any:
    """
    A ``pycocotools.coco.COCO`` over a conformed copy of the manifest
    (kwcoco's ``_aspycoco``); the dataset itself is not changed.

    Example:
        >>> # xdoctest: +REQUIRES(module:pycocotools)
        >>> import xcoco
        >>> coco = xcoco.CocoDataset.demo('shapes2')._aspycoco()
        >>> len(coco.getImgIds())
        2
    """
    import contextlib
    import io

    from xcoco.errors import MissingDependencyError
    from xcoco.ops.copy import copy_json
    try:
        from pycocotools.coco import COCO
    except ImportError:
        raise MissingDependencyError('_aspycoco needs pycocotools: pip install pycocotools') from None
    data = copy_json(dset.dataset)
    conform(data, pycocotools=True, ensure_imgsize=False)
    if hasattr(dset, 'bundle_dpath'):
        # conform of a bare dict cannot read sizes relative to the bundle
        for img in data.get('images', []):
            if img.get('width') is None:
                conform(dset.copy(), ensure_imgsize=True)
                break
    coco = COCO()
    coco.dataset = data
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco
