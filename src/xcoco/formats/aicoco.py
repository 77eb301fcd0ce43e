"""
The ``aicoco`` dialect: Taiwan AILabs' AiCOCO (seed 001; see
``docs/formats/aicoco.rst`` for the field by field mapping).

An AiCOCO document has exactly six keys: ``images``, ``annotations``,
``categories``, ``regressions``, ``objects`` and ``meta``; every id is a
string.  Read into xcoco:

* ids become integers (:mod:`xcoco.formats.ids`), the strings kept as
  ``external_id``;
* ``objects`` become ``tracks`` (an object groups the annotations of one
  finding, across slices); each annotation's ``object_id`` becomes its
  ``track_id`` and its ``category_id`` is the object's first category (the
  track keeps all of them in ``category_ids``, with ``regressions`` and
  ``confidence``);
* slices sharing a ``file_name`` (and with distinct integer ``index``) become
  one video named by the file, ``index`` becoming ``frame_index``; other
  images keep ``index``;
* ``bbox`` (a list of ``[x1, y1, x2, y2]``) becomes one xywh box (their
  union); segmentation-only annotations get the rings' extent as ``bbox``;
  ``aicoco_bbox`` keeps the original wherever the box alone cannot give it
  back;
* categories link parents by ``supercategory`` name; image-, object- and
  meta-level ``category_ids`` and ``regressions`` hold xcoco ids;
  ``regressions`` and ``meta`` stay top-level tables; unknown top-level keys
  are kept under ``aicoco_extra``.

Example:
    >>> from xcoco import formats
    >>> doc = {'images': [{'id': 'img1', 'file_name': 'a.png', 'index': 0,
    ...                    'category_ids': None, 'regressions': None}],
    ...        'annotations': [{'id': 'ann1', 'image_id': 'img1', 'object_id': 'obj1',
    ...                         'iscrowd': 0, 'bbox': [[1, 2, 5, 6]], 'segmentation': None}],
    ...        'categories': [{'id': 'cat1', 'name': 'tumor', 'supercategory_id': None}],
    ...        'regressions': [],
    ...        'objects': [{'id': 'obj1', 'category_ids': ['cat1'], 'regressions': None,
    ...                     'confidence': 0.9}],
    ...        'meta': {'category_ids': None, 'regressions': None}}
    >>> dset = formats.load(doc)
    >>> ann = dset.anns[1]
    >>> ann['bbox'], ann['category_id'], dset.index.tracks[ann['track_id']]['confidence']
    ([1, 2, 4, 4], 1, 0.9)
    >>> formats.export(dset, 'aicoco') == doc
    True
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from xcoco.formats.ids import assign_ids, nanoid, row_error, row_errors

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset

__all__ = ['EXTRA_KEY', 'KEYS', 'NAME', 'from_manifest', 'guess', 'to_manifest']

NAME = 'aicoco'

#: the six top-level keys of an AiCOCO document, all required
KEYS = ('images', 'annotations', 'categories', 'regressions', 'objects', 'meta')

#: top-level key holding an AiCOCO document's other top-level keys
EXTRA_KEY = 'aicoco_extra'

#: per annotation: the original ``bbox`` where xcoco's box cannot give it back
BBOX_KEY = 'aicoco_bbox'

_NUM = (int, float)


def guess(data: Any) -> float:
    """
    How surely ``data`` is AiCOCO: 1.0 with all six keys, 0.95 with
    ``objects`` and ``regressions`` or ``meta``, 0.8 with ``objects`` beside
    COCO tables; 0 with a kwcoco-only table (a kwcoco dump of a dataset read
    from AiCOCO keeps ``regressions`` and ``meta`` but has ``tracks``).

    Example:
        >>> guess(dict.fromkeys(KEYS, [])), guess({'images': [], 'objects': []}), guess({'images': []})
        (1.0, 0.8, 0.0)
        >>> guess({'images': [], 'tracks': [], 'regressions': [], 'meta': {}})
        0.0
    """
    if not isinstance(data, dict):
        return 0.0
    keys = set(data)
    if 'objects' not in keys or keys & {'videos', 'tracks', 'keypoint_categories'}:
        return 0.0
    if set(KEYS) <= keys:
        return 1.0
    if keys & {'regressions', 'meta'}:
        return 0.95
    if keys & {'images', 'annotations'}:
        return 0.8
    return 0.0


# ---------------------------------------------------------------- reading
class _Reader:
    """One document's translation; ``fail`` builds the errors naming rows."""

    def __init__(self, data, fpath):
        self.data = data
        self.fpath = fpath

    def fail(self, table, pos, row, field, problem):
        rid = row.get('external_id', row.get('id')) if isinstance(row, dict) else None
        return row_error(NAME, table, pos, rid, field, problem, fpath=self.fpath)

    def table(self, key):
        rows = self.data.get(key)
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise row_error(NAME, key, None, None, None,
                            f'must be a list of objects, got {type(rows).__name__}', fpath=self.fpath)
        return rows

    def require(self, table, pos, row, field, kinds, what):
        if not isinstance(row.get(field), kinds):
            got = 'missing' if field not in row else f'got {row[field]!r:.60}'
            raise self.fail(table, pos, row, field, f'expected {what}, {got}')

    def take(self, table, pos, row, field):
        """refuse a row that already uses a field name xcoco fills itself"""
        if field in row:
            raise self.fail(table, pos, row, field,
                            f'xcoco needs this name for {NAME} data; rename the field')

    def resolve(self, lookup, value, table, pos, row, field):
        """a reference that must name a row (AiCOCO's tables refer by string id)"""
        if value is None:
            return None
        new = lookup.resolve(value, table, pos, row.get('id'), field)
        if value not in lookup:
            raise self.fail(table, pos, row, field,
                            f'{value!r:.60} names no row of {lookup.table!r}')
        return new

    def category_list(self, cat_ids, table, pos, row, field='category_ids'):
        value = row.get(field)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(table, pos, row, field, f'expected a list of ids or null, got {value!r:.60}')
        return [self.resolve(cat_ids, cid, table, pos, row, field) for cid in value]

    def regression_list(self, reg_ids, table, pos, row, field='regressions'):
        value = row.get(field)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            raise self.fail(table, pos, row, field,
                            f'expected a list of {{regression_id, value}} or null, got {value!r:.60}')
        out = []
        for item in value:
            if 'regression_id' not in item:
                raise self.fail(table, pos, row, field, f'item {item!r:.60} has no regression_id')
            rid = self.resolve(reg_ids, item['regression_id'], table, pos, row, field)
            out.append({**item, 'regression_id': rid})
        return out


def _boxes_union(boxes):
    x1 = min(b[0] for b in boxes)
    y1 = min(b[1] for b in boxes)
    x2 = max(b[2] for b in boxes)
    y2 = max(b[3] for b in boxes)
    return [x1, y1, x2 - x1, y2 - y1]


def _rings_extent(rings):
    xs = [v for ring in rings for v in ring[0::2]]
    ys = [v for ring in rings for v in ring[1::2]]
    if not xs:
        return None
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def _corners(bbox):
    x, y, w, h = bbox
    return [x, y, x + w, y + h]


def to_manifest(data: Any, context: dict | None = None) -> dict:
    """
    A kwcoco manifest of an AiCOCO document.

    Raises:
        FormatError: a row lacks a field the translation needs, holds one
            of the wrong shape, or refers to a row that does not exist; the
            message names the table, the row (position and id) and the field.

    Example:
        >>> doc = {'images': [{'id': 'a', 'file_name': 'ct.nii', 'index': 0},
        ...                   {'id': 'b', 'file_name': 'ct.nii', 'index': 1}],
        ...        'annotations': [], 'categories': [], 'regressions': [], 'objects': [],
        ...        'meta': {'category_ids': None, 'regressions': None}}
        >>> manifest = to_manifest(doc)
        >>> manifest['videos'], [(g['video_id'], g['frame_index']) for g in manifest['images']]
        ([{'id': 1, 'name': 'ct.nii'}], [(1, 0), (1, 1)])
        >>> doc['annotations'] = [{'id': 'x', 'image_id': 'a', 'object_id': 'gone'}]
        >>> try:
        ...     to_manifest(doc)
        ... except Exception as ex:
        ...     print(ex)
        aicoco: table 'annotations' row 0 (id='x') field 'object_id': 'gone' names no row of 'objects'
    """
    from xcoco.ops.copy import copy_json
    context = context or {}
    fpath = context.get('fpath')
    if not isinstance(data, dict):
        raise row_error(NAME, 'document', None, None, None,
                        f'expected a JSON object, got {type(data).__name__}', fpath=fpath)
    if context.get('base') is not None:
        raise row_error(NAME, 'document', None, None, None, 'base= is for MS-COCO results lists',
                        fpath=fpath)
    if fpath is None:
        data = copy_json(data)
    reader = _Reader(data, fpath)
    cats = reader.table('categories')
    regs = reader.table('regressions')
    objs = reader.table('objects')
    images = reader.table('images')
    anns = reader.table('annotations')
    cat_ids = assign_ids(cats, 'categories', NAME, fpath=fpath)
    reg_ids = assign_ids(regs, 'regressions', NAME, fpath=fpath)
    obj_ids = assign_ids(objs, 'objects', NAME, fpath=fpath)
    img_ids = assign_ids(images, 'images', NAME, fpath=fpath)
    assign_ids(anns, 'annotations', NAME, fpath=fpath)
    _read_categories(reader, cats, cat_ids)
    for pos, reg in enumerate(regs):
        reader.require('regressions', pos, reg, 'name', str, 'a name')
        reg['superregression_id'] = reader.resolve(reg_ids, reg.get('superregression_id'),
                                                   'regressions', pos, reg, 'superregression_id')
    tracks = {}
    for pos, obj in enumerate(objs):
        obj['category_ids'] = reader.category_list(cat_ids, 'objects', pos, obj)
        obj['regressions'] = reader.regression_list(reg_ids, 'objects', pos, obj)
        tracks[obj['id']] = obj
    for pos, img in enumerate(images):
        reader.require('images', pos, img, 'file_name', str, 'a file name')
        if 'category_ids' in img:
            img['category_ids'] = reader.category_list(cat_ids, 'images', pos, img)
        if 'regressions' in img:
            img['regressions'] = reader.regression_list(reg_ids, 'images', pos, img)
    videos = _group_volumes(images)
    for pos, ann in enumerate(anns):
        _read_annotation(reader, pos, ann, img_ids, obj_ids, tracks)
    meta = data.get('meta')
    if meta is not None:
        if not isinstance(meta, dict):
            raise row_error(NAME, 'meta', None, None, None,
                            f'expected an object, got {type(meta).__name__}', fpath=fpath)
        if 'category_ids' in meta:
            meta['category_ids'] = reader.category_list(cat_ids, 'meta', 0, meta)
        if 'regressions' in meta:
            meta['regressions'] = reader.regression_list(reg_ids, 'meta', 0, meta)
    manifest = {'categories': cats, 'videos': videos, 'images': images, 'tracks': objs,
                'annotations': anns, 'regressions': regs}
    if meta is not None:
        manifest['meta'] = meta
    extra = {key: value for key, value in data.items() if key not in KEYS}
    if extra:
        manifest[EXTRA_KEY] = extra
    return manifest


def _read_categories(reader, cats, cat_ids):
    by_id = {}
    taken = set()
    for pos, cat in enumerate(cats):
        reader.require('categories', pos, cat, 'name', str, 'a name')
        reader.take('categories', pos, cat, 'supercategory')
        by_id[cat['id']] = cat
        name = cat['name']
        if name in taken or not name:
            # xcoco's category names are unique: a repeated one gets its id
            # appended, the original kept for the export
            cat['external_name'] = name
            name = f'{name} ({cat.get("external_id", cat["id"])})'
            while name in taken:
                name += "'"
            cat['name'] = name
        taken.add(name)
    for pos, cat in enumerate(cats):
        parent = reader.resolve(cat_ids, cat.pop('supercategory_id', None), 'categories', pos, cat,
                                'supercategory_id')
        if parent is not None:
            cat['supercategory'] = by_id[parent]['name']


def _group_volumes(images):
    """slices sharing a file_name, each with its own integer index -> one video"""
    groups: dict = {}
    for img in images:
        groups.setdefault(img.get('file_name'), []).append(img)
    videos = []
    for fname, members in groups.items():
        indexes = [img.get('index') for img in members]
        if (len(members) < 2 or not all(type(i) is int for i in indexes)
                or len(set(indexes)) != len(indexes)
                or any('video_id' in img or 'frame_index' in img for img in members)):
            continue
        vid = len(videos) + 1
        videos.append({'id': vid, 'name': fname})
        for img in members:
            img['video_id'] = vid
            img['frame_index'] = img.pop('index')
    return videos


def _check_boxes(reader, pos, ann, boxes):
    if not isinstance(boxes, list) or not all(
            isinstance(b, list) and len(b) == 4 and all(type(v) in _NUM for v in b) for b in boxes):
        raise reader.fail('annotations', pos, ann, 'bbox',
                          f'expected a list of [x1, y1, x2, y2] boxes or null, got {boxes!r:.60}')


def _check_rings(reader, pos, ann, rings):
    if not isinstance(rings, list) or not all(
            isinstance(r, list) and len(r) % 2 == 0 and all(type(v) in _NUM for v in r) for r in rings):
        raise reader.fail('annotations', pos, ann, 'segmentation',
                          f'expected a list of flat [x1, y1, x2, y2, ...] rings or null, got {rings!r:.60}')


def _read_annotation(reader, pos, ann, img_ids, obj_ids, tracks):
    for field in ('image_id', 'object_id'):
        if ann.get(field) is None:
            raise reader.fail('annotations', pos, ann, field,
                              'missing' if field not in ann else 'is null; it must name a row')
    for field in ('track_id', 'category_id', BBOX_KEY):
        reader.take('annotations', pos, ann, field)
    ann['image_id'] = reader.resolve(img_ids, ann['image_id'], 'annotations', pos, ann, 'image_id')
    tid = reader.resolve(obj_ids, ann.pop('object_id'), 'annotations', pos, ann, 'object_id')
    ann['track_id'] = tid
    classes = tracks[tid].get('category_ids') or []
    if classes:
        ann['category_id'] = classes[0]
    rings = ann.pop('segmentation', None)
    if rings is not None:
        _check_rings(reader, pos, ann, rings)
        ann['segmentation'] = rings
    boxes = ann.pop('bbox', None)
    if boxes is None:
        extent = _rings_extent(rings) if rings else None
        if extent is not None:
            ann['bbox'] = extent
            ann[BBOX_KEY] = None
        return
    _check_boxes(reader, pos, ann, boxes)
    if not boxes:
        ann[BBOX_KEY] = boxes
        return
    ann['bbox'] = _boxes_union(boxes)
    if len(boxes) > 1 or _corners(ann['bbox']) != boxes[0]:
        ann[BBOX_KEY] = boxes


# ---------------------------------------------------------------- writing
def _string_ids(rows, key):
    """xcoco id -> AiCOCO id: the row's string external_id, else a nanoid"""
    out: dict = {}
    used: set = set()
    for row in rows:
        orig = row.get('external_id')
        if isinstance(orig, str) and orig not in used:
            out[row['id']] = orig
            used.add(orig)
    for row in rows:
        if row['id'] in out:
            continue
        salt = 0
        new = nanoid(key, row['id'])
        while new in used:
            salt += 1
            new = nanoid(key, row['id'], salt)
        out[row['id']] = new
        used.add(new)
    return out


def _extras(row, consumed):
    return {key: value for key, value in row.items() if key not in consumed}


def _map_ids(values, mapping):
    if values is None:
        return None
    return [mapping.get(v, v) for v in values]


def _map_regressions(items, reg_out):
    if items is None:
        return None
    return [{**item, 'regression_id': reg_out.get(item.get('regression_id'), item.get('regression_id'))}
            for item in items]


def _rings(segm, img, aid):
    """AiCOCO rings (flat exteriors) of any xcoco segmentation"""
    import kwimage

    from xcoco.objects import geometry
    if isinstance(segm, list) and segm and all(type(v) in _NUM for v in segm):
        return [segm]
    if isinstance(segm, list) and all(
            isinstance(p, list) and all(type(v) in _NUM for v in p) for p in segm):
        return segm
    dims = (img['height'], img['width']) if img and img.get('height') else None
    geom = geometry.coerce_segmentation(segm, dims=dims)
    if isinstance(geom, kwimage.Mask):
        geom = geom.to_multi_polygon()
    polys = list(geom.data) if isinstance(geom, kwimage.MultiPolygon) else [geom]
    if any(len(p.data.get('interiors') or []) for p in polys):
        warnings.warn(f'aicoco export: annotation id={aid!r} has holes, which AiCOCO rings '
                      'cannot hold; only the outer rings are written', UserWarning, stacklevel=4)
    return [p.data['exterior'].data.ravel().tolist() for p in polys]


def _export_bbox(ann):
    bbox = ann.get('bbox')
    if BBOX_KEY in ann:
        raw = ann[BBOX_KEY]
        if raw is None:
            rings = ann.get('segmentation')
            extent = _rings_extent(rings) if isinstance(rings, list) and rings and \
                isinstance(rings[0], list) else None
            if bbox is None or bbox == extent:
                return None
        elif (not raw and bbox is None) or (raw and bbox == _boxes_union(raw)):
            return raw
    return None if bbox is None else [_corners(bbox)]


def _iscrowd(ann):
    value = ann.get('iscrowd') or 0
    if type(value) is bool or (isinstance(value, (int, float)) and value in (0, 1)):
        return int(value)
    raise row_error(NAME, 'annotations', None, ann.get('id'), 'iscrowd',
                    f'cannot export: expected 0 or 1, got {value!r:.60}')


def _as_int(nested):
    if isinstance(nested, list):
        return [_as_int(v) for v in nested]
    return int(round(nested)) if isinstance(nested, float) else nested


def _export_annotation(ann, integer_coords, trk_out, cat_out, img_out, ann_out, imgs, objects):
    """the AiCOCO row of one annotation (its own object appended to ``objects`` if it has no track)"""
    tid = ann.get('track_id')
    if tid in trk_out:
        object_id = trk_out[tid]
    else:
        object_id = nanoid('objects-of-annotations', ann['id'])
        cid = ann.get('category_id')
        obj = {'id': object_id, 'category_ids': None if cid is None else [cat_out.get(cid, cid)],
               'regressions': None}
        if isinstance(ann.get('score'), _NUM):
            obj['confidence'] = ann['score']
        objects.append(obj)
    segm = ann.get('segmentation')
    rings = None if segm is None else _rings(segm, imgs.get(ann.get('image_id')), ann['id'])
    bbox = _export_bbox(ann)
    row = {'id': ann_out[ann['id']], 'image_id': img_out.get(ann.get('image_id'), ann.get('image_id')),
           'object_id': object_id, 'iscrowd': _iscrowd(ann),
           'bbox': bbox, 'segmentation': rings,
           **_extras(ann, {'id', 'external_id', 'image_id', 'track_id', 'category_id', 'bbox',
                           'segmentation', 'iscrowd', 'keypoints', BBOX_KEY})}
    if integer_coords:
        row['bbox'] = _as_int(row['bbox'])
        row['segmentation'] = _as_int(row['segmentation'])
    return row


def from_manifest(dset: CocoDataset, integer_coords: bool = False) -> dict:
    """
    The AiCOCO document of ``dset``: the six keys and no others, string ids
    (the original ones where the dataset came from AiCOCO, deterministic
    nanoids otherwise).  Tracks become objects; an annotation without a
    track becomes an object of its own (its category, its ``score`` as
    ``confidence``).

    Args:
        dset (CocoDataset): the dataset (not changed).
        integer_coords (bool): round box and ring coordinates to integers
            (FLaVor's validator wants integer pixels).

    Example:
        >>> import xcoco
        >>> doc = from_manifest(xcoco.CocoDataset.demo('shapes2'), integer_coords=True)
        >>> sorted(doc)
        ['annotations', 'categories', 'images', 'meta', 'objects', 'regressions']
        >>> ann = doc['annotations'][0]
        >>> len(ann['id']), type(ann['bbox'][0][0]).__name__, ann['object_id'] in {o['id'] for o in doc['objects']}
        (21, 'int', True)
    """
    data = getattr(dset, 'dataset', dset)
    cats = data.get('categories') or []
    regs = data.get('regressions') or []
    tracks = data.get('tracks') or []
    images = data.get('images') or []
    anns = data.get('annotations') or []
    cat_out = _string_ids(cats, 'categories')
    reg_out = _string_ids(regs, 'regressions')
    trk_out = _string_ids(tracks, 'objects')
    img_out = _string_ids(images, 'images')
    ann_out = _string_ids(anns, 'annotations')
    parent_ids = {cat.get('name'): cat_out[cat['id']] for cat in cats}
    implicit = []
    for cat in cats:
        parent = cat.get('supercategory')
        if parent is not None and parent not in parent_ids:
            # kwcoco's category tree has a node for a supercategory that is
            # no category; AiCOCO links parents by id, so it becomes one
            parent_ids[parent] = nanoid('categories', 'supercategory', parent)
            implicit.append({'id': parent_ids[parent], 'name': parent, 'supercategory_id': None})
    out_cats = [{'id': cat_out[cat['id']], 'name': cat.get('external_name', cat.get('name')),
                 'supercategory_id': parent_ids.get(cat.get('supercategory')),
                 **_extras(cat, {'id', 'name', 'supercategory', 'external_id', 'external_name'})}
                for cat in cats] + implicit
    out_regs = [{'id': reg_out[reg['id']], 'name': reg.get('name'),
                 'superregression_id': reg_out.get(reg.get('superregression_id')),
                 **_extras(reg, {'id', 'name', 'superregression_id', 'external_id'})} for reg in regs]
    track_classes: dict = {}
    for ann in anns:
        if ann.get('track_id') is not None and ann.get('category_id') is not None:
            seen = track_classes.setdefault(ann['track_id'], [])
            if ann['category_id'] not in seen:
                seen.append(ann['category_id'])
    objects = []
    for trk in tracks:
        classes = trk['category_ids'] if 'category_ids' in trk else (track_classes.get(trk['id']) or None)
        objects.append({'id': trk_out[trk['id']], 'category_ids': _map_ids(classes, cat_out),
                        'regressions': _map_regressions(trk.get('regressions'), reg_out),
                        **_extras(trk, {'id', 'external_id', 'category_ids', 'regressions'})})
    imgs = {img['id']: img for img in images}
    dropped = [ann['id'] for ann in anns if ann.get('keypoints')]
    if dropped:
        warnings.warn(f'aicoco export: AiCOCO has no keypoints; the keypoints of {len(dropped)} '
                      f'annotations (ids {dropped[:5]}...) are not written', UserWarning, stacklevel=2)
    out_anns = []
    for pos, ann in enumerate(anns):
        with row_errors(NAME, 'annotations', pos, ann):
            out_anns.append(_export_annotation(ann, integer_coords, trk_out, cat_out, img_out,
                                               ann_out, imgs, objects))
    out_imgs = []
    for img in images:
        index = img.get('index', img.get('frame_index', 0))
        fname = img.get('file_name') or img.get('name') or f'image_{img["id"]}'
        consumed = {'id', 'external_id', 'file_name', 'index', 'category_ids', 'regressions'}
        if 'index' not in img:
            consumed |= {'frame_index', 'video_id'}  # the slice's place is its index
        out_imgs.append({'id': img_out[img['id']], 'file_name': fname, 'index': index,
                         'category_ids': _map_ids(img.get('category_ids'), cat_out),
                         'regressions': _map_regressions(img.get('regressions'), reg_out),
                         **_extras(img, consumed)})
    meta = dict(data.get('meta') or {})
    meta['category_ids'] = _map_ids(meta.get('category_ids'), cat_out)
    meta['regressions'] = _map_regressions(meta.get('regressions'), reg_out)
    doc = {'images': out_imgs, 'annotations': out_anns, 'categories': out_cats,
           'regressions': out_regs, 'objects': objects, 'meta': meta}
    doc.update(data.get(EXTRA_KEY) or {})
    return doc
