"""
The geometry rules of :func:`xcoco.ops.validate.validate`: boxes, polygons,
RLE, WKT and flat keypoints.

Every function takes an object already in its plain-JSON form (the
validator converts tuples, arrays and numpy scalars first, see
:func:`xcoco.manifest.io.plain_json`), so "a list of numbers" here means a
``list`` of ``int`` / ``float``; anything else is a shape problem that the
schema rule reports, and these rules skip it.  ``shaped=True`` says the
schema's fast path has already checked those shapes, so they are not
checked twice (the type scan of every coordinate was a fifth of the
validator's time on a 100k-annotation manifest).

Example:
    >>> from xcoco.ops.validate import validate
    >>> data = {'annotations': [{'id': 1, 'image_id': 1, 'bbox': [0, 0, -2, 3]}],
    ...         'images': [{'id': 1, 'file_name': 'a.png', 'name': 'a'}]}
    >>> [p.rule for p in validate(data, missing=False)['errors']]
    ['annotation.bbox.size']
"""
import math

# set(map(type, seq)) runs at C speed; isinstance per coordinate cost 60% of
# the validator's time on a 100k-annotation manifest (benchmarks/bench_validate.py).
_NUM_TYPES = frozenset({int, float})


def _all_numbers(seq):
    return type(seq) is list and set(map(type, seq)) <= _NUM_TYPES


def check_bbox(bbox, base, oid, size, report, kind, shaped=False):
    """bbox rules; ``size`` is the (width, height) of the image, if known.

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'a', 'width': 4, 'height': 4}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'bbox': [0, 0, -1, 2]}]}
        >>> [p.rule for p in validate(data, missing=False)['errors']]
        ['annotation.bbox.size']
    """
    if bbox is None or not (shaped or (_all_numbers(bbox) and len(bbox) == 4)):
        return  # the shape itself is the schema's job
    x, y, w, h = bbox
    rule = f'{kind}.bbox.size'
    if not all(map(math.isfinite, bbox)):
        report.add(rule, base + '/bbox', oid, f'{kind} id={oid!r} has a non-finite bbox {bbox!r}')
        return
    if w < 0 or h < 0:
        report.add(rule, base + '/bbox', oid,
                   f'{kind} id={oid!r} has bbox {bbox!r} with negative width or height')
        return
    if size is not None:
        W, H = size
        # Half a pixel of slack: MS-COCO boxes routinely end at W + 0.5.
        if x < -0.5 or y < -0.5 or x + w > W + 0.5 or y + h > H + 0.5:
            report.add('annotation.bbox.inside', base + '/bbox', oid,
                       f'annotation id={oid!r} bbox {bbox!r} extends outside its '
                       f'{W}x{H} image')


def _check_flat_polygon(poly, path, aid, report, shaped):
    if not (shaped or _all_numbers(poly)):
        return
    if len(poly) % 2:
        report.add('annotation.segmentation.even', path, aid,
                   f'annotation id={aid!r} has a flat polygon with an odd number '
                   f'of coordinates ({len(poly)})')
    elif len(poly) < 6:
        report.add('annotation.segmentation.degenerate', path, aid,
                   f'annotation id={aid!r} has a polygon with {len(poly) // 2} points; '
                   'at least 3 are needed')


def check_segmentation(segm, path, aid, report, shaped=False):
    """Polygon, RLE and WKT rules for one ``segmentation`` value.

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'a'}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'segmentation': [[0, 0, 1, 0, 1]]}]}
        >>> [p.rule for p in validate(data, missing=False)['errors']]
        ['annotation.segmentation.even']
    """
    if isinstance(segm, list):
        if not segm:
            return
        if isinstance(segm[0], list):
            for i, part in enumerate(segm):
                _check_flat_polygon(part, f'{path}/{i}', aid, report, shaped)
        elif isinstance(segm[0], dict):
            for i, part in enumerate(segm):
                _check_ring_polygon(part, f'{path}/{i}', aid, report)
        else:
            _check_flat_polygon(segm, path, aid, report, shaped)
    elif isinstance(segm, dict):
        if 'counts' in segm:
            _check_rle(segm, path, aid, report)
        else:
            _check_ring_polygon(segm, path, aid, report)
    elif isinstance(segm, str):
        from xcoco.objects.geometry import is_wkt, parse_wkt
        if is_wkt(segm):
            try:
                parse_wkt(segm)
            except ValueError as ex:
                report.add('annotation.segmentation.wkt', path, aid,
                           f'annotation id={aid!r} has a WKT segmentation that does not parse: {ex}')


def _check_ring_polygon(poly, path, aid, report):
    if not isinstance(poly, dict):
        return
    ext = poly.get('exterior')
    if isinstance(ext, list) and len(ext) < 3:
        report.add('annotation.segmentation.degenerate', path + '/exterior', aid,
                   f'annotation id={aid!r} has a polygon exterior with {len(ext)} points; '
                   'at least 3 are needed')


def _check_rle(rle, path, aid, report):
    counts = rle.get('counts')
    size = rle.get('size') or rle.get('shape')
    if not (isinstance(counts, list) and isinstance(size, list) and len(size) == 2):
        return
    if not all(isinstance(v, int) for v in counts) or not all(isinstance(v, int) for v in size):
        return
    total = sum(counts)
    if total != size[0] * size[1] or any(v < 0 for v in counts):
        report.add('annotation.segmentation.rle', path + '/counts', aid,
                   f'annotation id={aid!r} has RLE runs summing to {total}; '
                   f'size {size} needs {size[0] * size[1]} non-negative runs')


def check_flat_keypoints(kpts, expected, category_id, path, aid, report):
    """Flat ``[x, y, v, ...]`` keypoints; ``expected`` is the category's count.

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'a'}],
        ...         'categories': [{'id': 1, 'name': 'face', 'keypoints': ['l', 'r']}],
        ...         'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
        ...                          'keypoints': [1, 1, 2]}]}
        >>> [p.rule for p in validate(data, missing=False)['errors']]
        ['annotation.keypoints.length']
    """
    if not _all_numbers(kpts):
        return
    if len(kpts) % 3:
        report.add('annotation.keypoints.length', path, aid,
                   f'annotation id={aid!r} has {len(kpts)} flat keypoint numbers; '
                   'expected (x, y, visible) triples')
        return
    if expected is not None and len(kpts) != 3 * expected:
        report.add('annotation.keypoints.length', path, aid,
                   f'annotation id={aid!r} has {len(kpts) // 3} keypoints but its '
                   f'category id={category_id!r} names {expected}')


def check_tracks(tracks, report):
    """Track boxes (in video space, so no image to be inside of).

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'tracks': [{'id': 1, 'name': 't', 'bbox': [0, 0, -5, 5]}]}
        >>> [p.rule for p in validate(data)['errors']]
        ['track.bbox.size']
    """
    for idx, track in enumerate(tracks):
        if isinstance(track, dict) and 'bbox' in track:
            check_bbox(track['bbox'], f'/tracks/{idx}', track.get('id'), None,
                       report, 'track')
