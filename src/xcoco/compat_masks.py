"""
MS-COCO masks for :mod:`xcoco.compat_dataset`: run-length encodings,
polygons and their areas and boxes, through ``pycocotools.mask`` when it
is installed and a fallback otherwise.

The fallback decodes and encodes RLE exactly as pycocotools does (a pure
Python codec of the compressed ``counts`` string, and pycocotools' rules
for area and box), but rasterizes polygons with kwimage, which differs from
pycocotools' rasterizer on some boundary pixels (about 0.15% of the
foreground pixels of MS-COCO val2014's polygons).

Example:
    >>> from xcoco import compat_masks
    >>> rle = {'size': [3, 4], 'counts': compat_masks.encode_counts([3, 3, 6])}
    >>> rle['counts'], compat_masks.rle_area(rle), compat_masks.rle_bbox(rle)
    (b'336', 3, [1.0, 0.0, 1.0, 3.0])
    >>> compat_masks.rle_to_mask(rle).tolist()
    [[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]]
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from xcoco.errors import GeometryError
from xcoco.objects.geometry import rle_size
from xcoco.types import JsonDict

__all__ = [
    'compress_rle',
    'decode_counts',
    'decode_rle',
    'empty_rle',
    'encode_counts',
    'encode_mask',
    'is_coco_polygons',
    'mask_api',
    'mask_counts',
    'polygon_parts',
    'polygons_to_rle',
    'rasterize',
    'rle_area',
    'rle_area_bbox',
    'rle_bbox',
    'rle_counts',
    'rle_to_mask',
]


def mask_api() -> ModuleType | None:
    """
    ``pycocotools.mask``, or None when pycocotools is not installed (every
    function here asks it on each call, so tests can switch it off).

    Example:
        >>> mask_api() is None or hasattr(mask_api(), 'frPyObjects')
        True
    """
    try:
        from pycocotools import mask
    except ImportError:
        return None
    return mask


# ---- the compressed counts string ---------------------------------------------
def encode_counts(counts: Any) -> bytes:
    """
    MS-COCO's compressed ``counts`` string (as bytes, like pycocotools) of
    column-major run lengths that start with background.

    Example:
        >>> encode_counts([5, 3, 112]), encode_counts([0, 12])
        (b'53`3', b'0<')
    """
    from xcoco.ops.conform import _counts_string
    return _counts_string(counts).encode('ascii')


def decode_counts(text: str | bytes) -> list[int]:
    """
    Run lengths of a compressed ``counts`` string: the inverse of
    :func:`encode_counts` (5-bit groups with a continuation bit, offset by
    48; from the fourth on each count is stored minus the count two before).

    Raises:
        GeometryError: a byte outside the alphabet, or a cut-off count.

    Example:
        >>> decode_counts('53`3'), decode_counts(encode_counts([7, 300, 2, 1]))
        ([5, 3, 112], [7, 300, 2, 1])
    """
    if isinstance(text, str):
        text = text.encode('ascii', errors='replace')
    counts: list[int] = []
    pos, end = 0, len(text)
    while pos < end:
        value, shift = 0, 0
        while True:
            if pos >= end:
                raise GeometryError(f'compressed RLE counts {text[:40]!r} end in the middle of a count')
            char = text[pos] - 48
            if not 0 <= char < 64:
                raise GeometryError(f'compressed RLE counts {text[:40]!r}: byte {text[pos]!r} '
                                    f'at {pos} is not an RLE character')
            value |= (char & 0x1f) << shift
            pos += 1
            shift += 5
            if not char & 0x20:
                if char & 0x10:
                    value |= -1 << shift  # a negative difference
                break
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def rle_counts(rle: JsonDict) -> list[int]:
    """
    The run lengths of an RLE with compressed or uncompressed counts.

    Example:
        >>> rle_counts({'size': [2, 2], 'counts': b'121'}), rle_counts({'size': [2, 2], 'counts': [1, 2, 1]})
        ([1, 2, 1], [1, 2, 1])
    """
    counts = rle['counts']
    if isinstance(counts, (str, bytes)):
        return decode_counts(counts)
    return [int(c) for c in counts]


# ---- masks and runs -----------------------------------------------------------
def mask_counts(mask: Any) -> list[int]:
    """
    Column-major run lengths of a binary mask, starting with background.

    Example:
        >>> mask_counts([[0, 1], [1, 1]]), mask_counts([[1, 1]])
        ([1, 3], [0, 2])
    """
    flat = np.asarray(mask).ravel(order='F') != 0
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    counts = np.diff(np.concatenate([[0], edges, [flat.size]])).tolist()
    if flat.size and flat[0]:
        counts.insert(0, 0)
    return counts


def decode_rle(rle: JsonDict) -> np.ndarray:
    """
    The ``H x W`` uint8 mask of an RLE, without pycocotools.

    Raises:
        GeometryError: the runs do not cover ``size`` exactly.

    Example:
        >>> decode_rle({'size': [2, 3], 'counts': [1, 2, 3]}).tolist()
        [[0, 1, 0], [1, 0, 0]]
    """
    height, width = rle_size(rle)
    counts = rle_counts(rle)
    if sum(counts) != height * width or any(c < 0 for c in counts):
        raise GeometryError(f'RLE runs {counts[:8]}... sum to {sum(counts)} but its size '
                            f'{height} x {width} has {height * width} pixels')
    values = np.zeros(len(counts), dtype=np.uint8)
    values[1::2] = 1
    return np.repeat(values, counts).reshape((height, width), order='F')


def empty_rle(height: int, width: int) -> JsonDict:
    """
    The compressed RLE of an empty ``height`` x ``width`` mask.

    Example:
        >>> empty_rle(2, 3)
        {'size': [2, 3], 'counts': b'6'}
    """
    return {'size': [int(height), int(width)], 'counts': encode_counts([int(height) * int(width)])}


def encode_mask(mask: Any) -> JsonDict:
    """
    The compressed RLE of a 2-D binary mask (pycocotools' ``encode``).

    Example:
        >>> encode_mask(np.array([[0, 1], [0, 1]]))
        {'size': [2, 2], 'counts': b'22'}
    """
    mask = np.asarray(mask)
    api = mask_api()
    if api is not None:
        return api.encode(np.asfortranarray(mask != 0, dtype=np.uint8))
    return {'size': [int(mask.shape[0]), int(mask.shape[1])], 'counts': encode_counts(mask_counts(mask))}


def rle_to_mask(rle: JsonDict) -> np.ndarray:
    """
    The ``H x W`` uint8 mask of a compressed RLE (pycocotools' ``decode``).

    Example:
        >>> rle_to_mask(empty_rle(2, 2)).tolist()
        [[0, 0], [0, 0]]
    """
    api = mask_api()
    if api is not None:
        rle_size(rle)  # pycocotools crashes on a size it cannot allocate
        return api.decode(rle)
    return decode_rle(rle)


def compress_rle(rle: JsonDict) -> JsonDict:
    """
    An RLE with uncompressed (list) counts as compressed RLE, sized by its
    own ``size`` (pycocotools' ``frPyObjects`` on one RLE dict).

    Example:
        >>> compress_rle({'size': [2, 2], 'counts': [1, 2, 1]})
        {'size': [2, 2], 'counts': b'121'}
    """
    api = mask_api()
    if api is not None:
        return api.frPyObjects(rle, *rle['size'])
    decode_rle(rle)  # the runs must cover the size
    return {'size': [int(v) for v in rle['size']], 'counts': encode_counts(rle['counts'])}


# ---- areas and boxes --------------------------------------------------------------
def rle_area(rle: JsonDict) -> int:
    """
    Foreground pixels of an RLE.

    Example:
        >>> rle_area({'size': [2, 3], 'counts': [1, 2, 3]})
        2
    """
    return int(sum(rle_counts(rle)[1::2]))


def rle_bbox(rle: JsonDict) -> list[float]:
    """
    ``[x, y, w, h]`` of an RLE as pycocotools' ``toBbox`` gives it: the
    pixel extent, except that a run wrapping from one column into the next
    makes the box span the whole height; an empty mask gives zeros.

    Example:
        >>> rle_bbox({'size': [4, 4], 'counts': [5, 2, 9]})
        [1.0, 1.0, 1.0, 2.0]
        >>> rle_bbox({'size': [4, 4], 'counts': [3, 2, 11]})  # rows 3 and 0
        [0.0, 0.0, 2.0, 4.0]
    """
    height, width = rle_size(rle)
    counts = rle_counts(rle)
    used = len(counts) // 2 * 2
    if used == 0:
        return [0.0, 0.0, 0.0, 0.0]
    x_min, y_min, x_max, y_max = width, height, 0, 0
    total, start_col = 0, 0
    for j in range(used):
        total += counts[j]
        # even j: first pixel of a foreground run; odd j: its last pixel
        col, row = divmod(total - j % 2, height)
        if j % 2 == 0:
            start_col = col
        elif start_col < col:
            y_min, y_max = 0, height - 1
        x_min, x_max = min(x_min, col), max(x_max, col)
        y_min, y_max = min(y_min, row), max(y_max, row)
    return [float(x_min), float(y_min), float(x_max - x_min + 1), float(y_max - y_min + 1)]


def rle_area_bbox(rle: JsonDict) -> tuple[int, list[float]]:
    """
    ``(area, [x, y, w, h])`` of a compressed RLE, as pycocotools' ``area``
    and ``toBbox`` (as Python numbers).

    Example:
        >>> rle_area_bbox({'size': [4, 4], 'counts': b'52<'})
        (2, [1.0, 1.0, 1.0, 2.0])
    """
    api = mask_api()
    if api is not None:
        return int(api.area(rle)), [float(v) for v in api.toBbox(rle)]
    return rle_area(rle), rle_bbox(rle)


# ---- polygons ----------------------------------------------------------------------
def is_coco_polygons(segm: Any) -> bool:
    """
    True for MS-COCO's polygon encoding: a list of flat ``[x, y, ...]``
    lists (or, as xcoco also reads, one flat list).

    Example:
        >>> is_coco_polygons([[0, 0, 2, 0, 2, 2]]), is_coco_polygons({'exterior': []})
        (True, False)
    """
    return isinstance(segm, list) and all(
        isinstance(part, (list, tuple, int, float, np.ndarray)) for part in segm)


def polygon_parts(segm: list) -> list:
    """
    The parts of an MS-COCO polygon segmentation (a flat list is one part).

    Example:
        >>> polygon_parts([0, 0, 2, 0, 2, 2])
        [[0, 0, 2, 0, 2, 2]]
    """
    if segm and not isinstance(segm[0], (list, tuple, np.ndarray)):
        return [segm]
    return segm


def rasterize(geom: Any, height: int, width: int) -> np.ndarray:
    """
    kwimage's ``H x W`` uint8 mask of a kwimage polygon (pixels as areas):
    the fallback rasterizer.

    Example:
        >>> import kwimage
        >>> poly = kwimage.Polygon(exterior=[[0, 0], [2, 0], [2, 2], [0, 2]])
        >>> rasterize(poly, 3, 3).tolist()
        [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    mask = geom.to_mask(dims=(height, width), pixels_are='areas', origin_convention='corner')
    return (mask.to_c_mask().data != 0).astype(np.uint8)


def polygons_to_rle(parts: list, height: int, width: int) -> JsonDict:
    """
    The compressed RLE of the union of MS-COCO polygon parts (pycocotools'
    ``merge(frPyObjects(parts, h, w))``; parts of exactly 4 numbers are
    ``[x, y, w, h]`` boxes, as there).  Without pycocotools the parts are
    rasterized by kwimage (see the module notes).

    Example:
        >>> rle = polygons_to_rle([[0, 0, 2, 0, 2, 2, 0, 2]], 3, 3)
        >>> rle_to_mask(rle).tolist()
        [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    if not parts:
        return empty_rle(height, width)
    api = mask_api()
    if api is not None:
        return api.merge(api.frPyObjects(parts, height, width))
    import kwimage
    if len(parts[0]) == 4:
        parts = [[x, y, x, y + h, x + w, y + h, x + w, y] for x, y, w, h in parts]
    polys = [kwimage.Polygon(exterior=np.asarray(p, dtype=float).reshape(-1, 2)) for p in parts]
    return encode_mask(rasterize(kwimage.MultiPolygon(polys), height, width))
