"""
The ``trainingdata`` dialect: TrainingData.io's "COCO (JSON) export"
(seed 003).  Import only.

What the export does differently from MS-COCO, and where xcoco puts it
(docs/formats/trainingdata.rst has the field-by-field table):

* image ids are strings (``dicomweb://`` URIs): each image gets a positive
  integer id and keeps the string as ``external_id``;
* annotation ids are UUIDs that repeat across *different* objects: every
  row is its own annotation (never merged), each keeping its UUID as
  ``external_id``;
* ``category_id`` is a category *name* (or a drawing-tool name such as
  ``polygon`` or ``freehan``) while ``categories`` is empty: one category
  per distinct name is made, and tool names are marked ``tool_shape: true``;
* polygons are flat (``[x1, y1, x2, y2, ...]``): they become one-ring
  MS-COCO polygons, and ``bbox`` / ``area`` (absent) derive from them;
* image-level ``{value, name, image_id}`` rows sit inside ``annotations``:
  they move onto their image as ``attributes: [{name, value}, ...]``;
* the top level keeps ``info``, ``licenses`` and ``attributes`` as they are.

A row of the wrong shape raises :class:`xcoco.errors.FormatError` naming
the table, the row (position and id) and the field.  A well-formed row that
points at nothing (an ``image_id`` naming no image, a numeric
``category_id`` naming no category) is kept raw under the top-level
``unrepresented`` list, which ``validate`` reports.

Example:
    >>> from xcoco import formats
    >>> data = {
    ...     'images': [{'id': 'dicomweb://host/a.dcm', 'file_name': 'a.dcm',
    ...                 'width': 64, 'height': 64}],
    ...     'categories': [], 'attributes': [],
    ...     'annotations': [
    ...         {'id': 'u1', 'image_id': 'dicomweb://host/a.dcm', 'category_id': 'Car',
    ...          'segmentation': [1, 1, 9, 1, 9, 5], 'iscrowd': 0},
    ...         {'id': 'u1', 'image_id': 'dicomweb://host/a.dcm', 'category_id': 'polygon',
    ...          'segmentation': [20, 20, 30, 20, 30, 30], 'iscrowd': 0},
    ...         {'value': 'c1', 'name': 'Image size', 'image_id': 'dicomweb://host/a.dcm'}]}
    >>> formats.guess(data)
    'trainingdata'
    >>> dset = formats.load(data)
    >>> [(a['id'], a['external_id'], a['bbox']) for a in dset.dataset['annotations']]
    [(1, 'u1', [1.0, 1.0, 8.0, 4.0]), (2, 'u1', [20.0, 20.0, 10.0, 10.0])]
    >>> [(c['name'], c.get('tool_shape', False)) for c in dset.dataset['categories']]
    [('Car', False), ('polygon', True)]
    >>> dset.imgs[1]['external_id'], dset.imgs[1]['attributes']
    ('dicomweb://host/a.dcm', [{'value': 'c1', 'name': 'Image size'}])
"""
from __future__ import annotations

from typing import Any

from xcoco.errors import FormatError, GeometryError
from xcoco.formats.ids import number_ids

__all__ = ['NAME', 'TOOL_SHAPES', 'guess', 'to_manifest']

NAME = 'trainingdata'

#: Drawing-tool names the export writes as ``category_id`` when no class was
#: chosen (compared lower-case, ignoring spaces, ``_`` and ``-``).  The
#: export truncates ``freehand`` to ``freehan``.
TOOL_SHAPES = frozenset({
    'polygon', 'freehand', 'freehan', 'rectangle', 'rect', 'box', 'bbox',
    'boundingbox', 'point', 'keypoint', 'line', 'polyline', 'brush', 'ellipse',
    'circle', 'spline', 'livewire', 'magicwand', 'mask', 'cuboid',
})

#: the keys of an image-level attribute row inside ``annotations``
_ATTRIBUTE_ROW_KEYS = frozenset({'value', 'name', 'image_id'})
_GEOMETRY_KEYS = ('segmentation', 'bbox', 'keypoints', 'category_id')
#: top-level keys of another dialect (AiCOCO) that this one never has
_FOREIGN_KEYS = ('objects', 'regressions', 'meta')
_GUESS_SAMPLE = 200




def _key(raw: Any) -> tuple[type, Any]:
    return (type(raw), raw)


def guess(data: Any) -> float:
    """
    How surely ``data`` is a TrainingData.io export: 0.98 with
    ``{value, name, image_id}`` rows among the annotations, 0.97 with
    category names in ``category_id`` and empty ``categories``, 0.93 for
    string image ids beside a top-level ``attributes`` list; else 0.

    Example:
        >>> guess({'images': [], 'categories': [],
        ...        'annotations': [{'id': 'x', 'image_id': 'u', 'category_id': 'Car'}]})
        0.97
        >>> guess({'images': [{'id': 1}], 'annotations': [], 'categories': []})
        0.0
    """
    if not isinstance(data, dict) or any(key in data for key in _FOREIGN_KEYS):
        return 0.0
    anns = data.get('annotations')
    images = data.get('images')
    if not isinstance(anns, list) or not isinstance(images, list):
        return 0.0
    cats = data.get('categories')
    score = 0.0
    for row in anns[:_GUESS_SAMPLE]:
        if not isinstance(row, dict):
            continue
        if _is_attribute_row(row):
            return 0.98
        if isinstance(row.get('category_id'), str) and not cats:
            score = 0.97
    if score:
        return score
    string_ids = any(isinstance(img, dict) and isinstance(img.get('id'), str)
                     for img in images[:_GUESS_SAMPLE])
    if string_ids and isinstance(data.get('attributes'), list):
        return 0.93
    return 0.0


def _is_attribute_row(row: dict) -> bool:
    """An image-level ``{value, name, image_id}`` row (not an annotation)."""
    return ('name' in row and 'image_id' in row and set(row) <= _ATTRIBUTE_ROW_KEYS)


def _fail(context: dict, table: str, index: int, row: Any, field: str | None,
          problem: str) -> FormatError:
    rid = row.get('id') if isinstance(row, dict) else None
    fpath = context.get('fpath')
    where = f' ({fpath})' if fpath else ''
    what = f"field {field!r} " if field else ''
    return FormatError(f'{NAME}{where}: {table} row {index} (id={rid!r}): {what}{problem}',
                       fpath=fpath)


def _table(data: dict, key: str, context: dict) -> list[dict]:
    rows = data.get(key, [])
    if rows is None:
        return []
    fpath = context.get('fpath')
    if not isinstance(rows, list):
        raise FormatError(f'{NAME}: top-level {key!r} must be a list of objects, '
                          f'got {type(rows).__name__}', fpath=fpath)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _fail(context, key, index, row, None,
                        f'must be an object, got {type(row).__name__} {row!r:.60}')
    return rows


def _hashable_id(context: dict, table: str, index: int, row: dict, field: str) -> Any:
    value = row.get(field)
    if value is not None and not isinstance(value, (str, int, float)):
        raise _fail(context, table, index, row, field,
                    f'must be a string or a number, got {type(value).__name__} {value!r:.60}')
    return value


def to_manifest(data: Any, context: dict | None = None) -> dict:
    """
    The kwcoco manifest of a TrainingData.io export (see the module notes).

    Example:
        >>> data = {'images': [{'id': 'img-a', 'file_name': 'a.dcm'}],
        ...         'categories': [], 'annotations': [
        ...             {'id': 'k', 'image_id': 'img-a', 'category_id': 'freehan',
        ...              'segmentation': [0, 0, 4, 0, 4, 3]},
        ...             {'id': 'k', 'image_id': 'img-gone', 'category_id': 'Car',
        ...              'segmentation': [0, 0, 1, 0, 1, 1]}]}
        >>> manifest = to_manifest(data)
        >>> manifest['annotations'][0]['segmentation'], manifest['annotations'][0]['area']
        ([[0, 0, 4, 0, 4, 3]], 6.0)
        >>> manifest['categories']
        [{'id': 1, 'name': 'freehan', 'tool_shape': True}]
        >>> entry = manifest['unrepresented'][0]
        >>> entry['table'], entry['index'], entry['reason']
        ('annotations', 1, "image_id='img-gone' names no image")
    """
    context = dict(context or {})
    if not isinstance(data, dict):
        raise FormatError(f'{NAME}: the export must be a JSON object, got {type(data).__name__}',
                          fpath=context.get('fpath'))
    images, image_lookup = _read_images(_table(data, 'images', context), context)
    rows = _table(data, 'annotations', context)
    given_cats = _table(data, 'categories', context)
    unrepresented: list[dict] = []
    ann_rows: list[tuple[int, dict, int]] = []
    for index, row in enumerate(rows):
        raw_gid = _hashable_id(context, 'annotations', index, row, 'image_id')
        gid = image_lookup.get(_key(raw_gid))
        attribute_row = _is_attribute_row(row)
        if gid is None:
            what = 'image-level attribute row: ' if attribute_row else ''
            unrepresented.append(_unrepresented('annotations', index, row,
                                                f'{what}image_id={raw_gid!r} names no image'))
        elif attribute_row:
            _attach_attribute_row(row, images, gid, context)
        else:
            ann_rows.append((index, row, gid))
    categories, resolve_category = _read_categories(given_cats, ann_rows, context)
    annotations = _read_annotations(ann_rows, resolve_category, unrepresented, context)
    manifest = {key: value for key, value in data.items()
                if key not in ('images', 'annotations', 'categories')}
    manifest['categories'] = categories
    manifest['images'] = list(images.values())
    manifest['annotations'] = annotations
    if unrepresented:
        manifest['unrepresented'] = list(manifest.get('unrepresented') or []) + unrepresented
    return manifest


def _unrepresented(table: str, index: int, row: dict, reason: str) -> dict:
    return {'format': NAME, 'table': table, 'index': index, 'id': row.get('id'),
            'reason': reason, 'row': row}


def _read_images(rows: list[dict], context: dict) -> tuple[dict[int, dict], dict]:
    raw_ids = [_hashable_id(context, 'images', index, row, 'id') for index, row in enumerate(rows)]
    assigned, lookup = number_ids(raw_ids)
    images: dict[int, dict] = {}
    for index, (row, (gid, changed)) in enumerate(zip(rows, assigned)):
        for field in ('width', 'height'):
            value = row.get(field)
            if value is not None and (type(value) is not int or value < 0):
                raise _fail(context, 'images', index, row, field,
                            f'must be a non-negative integer, got {value!r:.60}')
        images[gid] = _with_id(row, gid, changed, context, 'images', index)
    return images, lookup


def _with_id(row: dict, new_id: int, changed: bool, context: dict, table: str,
             index: int) -> dict:
    """``row`` with its internal id first, the original kept as ``external_id``."""
    if changed and 'external_id' in row:
        raise _fail(context, table, index, row, 'external_id',
                    'is where xcoco keeps the original id of a row whose id it '
                    'replaces; the export already uses it')
    out: dict[str, Any] = {'id': new_id}
    if changed and row.get('id') is not None:
        out['external_id'] = row['id']
    out.update((key, value) for key, value in row.items() if key != 'id')
    return out


def _attach_attribute_row(row: dict, images: dict[int, dict], gid: int, context: dict) -> None:
    img = images[gid]
    attrs = img.setdefault('attributes', [])
    if not isinstance(attrs, list):
        raise _fail(context, 'images', list(images).index(gid), img, 'attributes',
                    'must be a list to receive the image-level attribute rows, got '
                    f'{type(attrs).__name__}')
    attrs.append({key: value for key, value in row.items() if key != 'image_id'})


def _read_categories(given: list[dict], ann_rows: list[tuple[int, dict, int]], context: dict):
    """
    The categories table (given rows first, then one per new name in the
    order the annotations use them) and a resolver from a raw
    ``category_id`` to a category id, or None when it names nothing.
    """
    raw_ids = [_hashable_id(context, 'categories', index, row, 'id')
               for index, row in enumerate(given)]
    by_name: dict[str, int] = {}
    for index, row in enumerate(given):
        if not isinstance(row.get('name'), str):
            raise _fail(context, 'categories', index, row, 'name',
                        f'must be a string, got {row.get("name")!r:.60}')
        by_name.setdefault(row['name'], index)
    given_keys = {_key(raw) for raw in raw_ids}
    new_names: dict[str, None] = {}  # ordered set
    for index, row, _ in ann_rows:
        raw = _hashable_id(context, 'annotations', index, row, 'category_id')
        if isinstance(raw, bool) or isinstance(raw, float):
            raise _fail(context, 'annotations', index, row, 'category_id',
                        f'must be a category name or an integer id, got {raw!r}')
        if (isinstance(raw, str) and _key(raw) not in given_keys
                and raw not in by_name and raw not in new_names):
            new_names[raw] = None
    assigned, lookup = number_ids(raw_ids + [None] * len(new_names))
    categories = [_with_id(row, cid, changed, context, 'categories', index)
                  for index, (row, (cid, changed)) in enumerate(zip(given, assigned))]
    name_to_cid = {cat['name']: cat['id'] for cat in reversed(categories)}
    for name, (cid, _) in zip(new_names, assigned[len(given):]):
        cat: dict[str, Any] = {'id': cid, 'name': name}
        if _normal(name) in TOOL_SHAPES:
            cat['tool_shape'] = True
        categories.append(cat)
        name_to_cid[name] = cid

    def resolve(raw: Any) -> int | None:
        cid = lookup.get(_key(raw))
        if cid is None and isinstance(raw, str):
            cid = name_to_cid.get(raw)
        return cid
    return categories, resolve


def _normal(name: str) -> str:
    return name.lower().replace(' ', '').replace('_', '').replace('-', '')


def _read_annotations(ann_rows: list[tuple[int, dict, int]], resolve_category,
                      unrepresented: list[dict], context: dict) -> list[dict]:
    from xcoco.objects import geometry
    assigned, _ = number_ids([_hashable_id(context, 'annotations', index, row, 'id')
                               for index, row, _ in ann_rows])
    annotations = []
    for (index, row, gid), (aid, changed) in zip(ann_rows, assigned):
        raw_cid = row.get('category_id')
        cid = None if raw_cid is None else resolve_category(raw_cid)
        if raw_cid is not None and cid is None:
            unrepresented.append(_unrepresented('annotations', index, row,
                                                f'category_id={raw_cid!r} names no category'))
            continue
        ann = _with_id(row, aid, changed, context, 'annotations', index)
        ann['image_id'] = gid
        if raw_cid is not None:
            ann['category_id'] = cid
        if 'segmentation' in row:
            ann['segmentation'] = _segmentation(context, index, row)
            try:
                if ann.get('bbox') is None:
                    bbox = geometry.segmentation_bbox(ann['segmentation'])
                    if bbox is not None:
                        ann['bbox'] = bbox
                if ann.get('area') is None:
                    ann['area'] = geometry.segmentation_area(ann['segmentation'])
            except GeometryError as ex:
                raise _fail(context, 'annotations', index, row, 'segmentation', str(ex)) from None
        annotations.append(ann)
    return annotations


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _segmentation(context: dict, index: int, row: dict) -> Any:
    """MS-COCO polygons from the export's flat polygon (or nested / RLE as is)."""
    segm = row['segmentation']
    if isinstance(segm, dict):
        size = segm.get('size')
        if (not (isinstance(size, list) and len(size) == 2 and all(type(v) is int for v in size))
                or not isinstance(segm.get('counts'), (str, list))):
            raise _fail(context, 'annotations', index, row, 'segmentation',
                        "is an RLE only with 'size' [height, width] and 'counts' "
                        f'(a string or a list), got {segm!r:.80}')
        return segm
    if isinstance(segm, list) and all(map(_is_number, segm)):
        rings = [segm] if segm else []
    elif isinstance(segm, list) and all(isinstance(ring, list) for ring in segm):
        rings = segm
    else:
        raise _fail(context, 'annotations', index, row, 'segmentation',
                    'must be a flat polygon [x1, y1, x2, y2, ...] or a list of them, '
                    f'got {segm!r:.80}')
    for ring_index, ring in enumerate(rings):
        if not all(map(_is_number, ring)) or len(ring) % 2:
            raise _fail(context, 'annotations', index, row, 'segmentation',
                        f'polygon {ring_index} must be an even number of coordinates, '
                        f'got {ring!r:.80}')
    return rings
