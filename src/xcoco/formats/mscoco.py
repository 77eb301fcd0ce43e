"""
The ``mscoco`` dialect: MS-COCO's instances, keypoints and captions files,
and its results lists (see ``docs/formats/mscoco.rst`` for the field by
field mapping).

Reading keeps every field.  Ids follow :mod:`xcoco.formats.ids` (positive
integers stay); flat ``[x, y, v] * K`` keypoints become kwcoco keypoint
dicts whose ``keypoint_category_id`` points into a ``keypoint_categories``
table made from the categories' ``keypoints`` names (a ``0, 0, 0`` triplet
is an unlabelled slot and is left out); categories keep ``keypoints`` and
their 1-based ``skeleton`` as they are.

A results list (a top-level list of detections) is read onto the images
and categories of ``base``, as pycocotools' ``loadRes`` does: results get
ids 1..N and loadRes' ``area`` / ``bbox`` / ``segmentation`` / ``iscrowd``;
the top-level ``mscoco_results`` record says which fields were added, so
that exporting gives the list back.

Writing gives what pycocotools' ``COCO`` and ``COCOeval`` read: MS-COCO
polygons or RLE, flat keypoints, ``area`` / ``bbox`` / ``iscrowd`` where
missing, positive annotation ids (never 0), and the original image and
category ids where they were all of one kind and unique.

Example:
    >>> from xcoco import formats
    >>> doc = {'images': [{'id': 5, 'file_name': 'a.jpg', 'width': 8, 'height': 8}],
    ...        'categories': [{'id': 1, 'name': 'face', 'keypoints': ['l', 'r'], 'skeleton': [[1, 2]]}],
    ...        'annotations': [{'id': 1, 'image_id': 5, 'category_id': 1, 'bbox': [1, 1, 4, 4],
    ...                         'keypoints': [2, 2, 2, 0, 0, 0], 'num_keypoints': 1}]}
    >>> dset = formats.load(doc, format='mscoco')
    >>> dset.anns[1]['keypoints']
    [{'xy': [2, 2], 'visible': 2, 'keypoint_category_id': 1}]
    >>> out = formats.export(dset, 'mscoco')
    >>> out['annotations'][0] == dict(doc['annotations'][0], area=16.0, iscrowd=0)
    True
"""
from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

from xcoco.formats.ids import assign_ids, external_to_internal, original_id, row_error, row_errors

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset

__all__ = ['NAME', 'RESULTS_KEY', 'from_manifest', 'guess', 'keypoints_to_kwcoco', 'to_manifest']

NAME = 'mscoco'

#: top-level key of a dataset read from a results list: ``{'kind': ...,
#: 'derived': {field: [annotation ids the field was added to]}}``
RESULTS_KEY = 'mscoco_results'

_TABLES = ('images', 'annotations', 'categories')
_KWCOCO_KEYS = ('videos', 'tracks', 'keypoint_categories')
_OTHER_DIALECT_KEYS = ('objects', 'regressions', 'meta')
_KWCOCO_IMAGE_FIELDS = ('auxiliary', 'assets', 'video_id', 'channels', 'frame_index',
                        'warp_img_to_vid')
_RESULT_KINDS = ('caption', 'bbox', 'segmentation', 'keypoints')
_GUESS_ROWS = 100


def _kwcoco_fields(data):
    """True if the first rows use fields only kwcoco writes."""
    for img in (data.get('images') or [])[:_GUESS_ROWS]:
        if isinstance(img, dict) and any(key in img for key in _KWCOCO_IMAGE_FIELDS):
            return True
    for ann in (data.get('annotations') or [])[:_GUESS_ROWS]:
        if not isinstance(ann, dict):
            continue
        if 'track_id' in ann:
            return True
        kpts = ann.get('keypoints')
        if isinstance(kpts, list) and kpts and isinstance(kpts[0], dict):
            return True
        segm = ann.get('segmentation')
        if isinstance(segm, dict) and 'exterior' in segm:
            return True
        if isinstance(segm, list) and segm and isinstance(segm[0], dict):
            return True
    return False


def guess(data: Any) -> float:
    """
    How surely ``data`` is MS-COCO: 0.9 for a results list, 0.6 for a plain
    ``{images, annotations, categories}`` document (above the kwcoco
    dialect's 0.5, so plain files are read as MS-COCO), low when kwcoco-only
    tables or fields, or another dialect's keys, are present.

    Example:
        >>> guess([{'image_id': 1, 'bbox': [0, 0, 1, 1], 'score': 0.5}]), guess([])
        (0.9, 0.5)
        >>> guess({'images': [], 'annotations': []}), guess({'images': [], 'videos': []})
        (0.6, 0.1)
    """
    if isinstance(data, list):
        if not data:
            return 0.5
        first = data[0]
        if isinstance(first, dict) and 'image_id' in first and 'images' not in first:
            return 0.9
        return 0.0
    if not isinstance(data, dict) or not any(key in data for key in _TABLES):
        return 0.0
    if any(key in data for key in _KWCOCO_KEYS + _OTHER_DIALECT_KEYS):
        return 0.1
    if _kwcoco_fields(data):
        return 0.3
    return 0.6


# ---------------------------------------------------------------- reading
def _check_tables(data, fpath):
    for table in _TABLES:
        rows = data.get(table)
        if rows is not None and not isinstance(rows, list):
            raise row_error(NAME, table, None, None, None,
                            f'must be a list of objects, got {type(rows).__name__}', fpath=fpath)


def _category_names(cat):
    names = cat.get('keypoints')
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return names
    return None


def _is_flat(kpts):
    return isinstance(kpts, list) and all(
        type(v) in (int, float) for v in kpts)


def keypoints_to_kwcoco(data: dict) -> None:
    """
    Flat MS-COCO keypoints -> kwcoco keypoint dicts, in place, with a
    ``keypoint_categories`` entry for each name in the categories'
    ``keypoints`` lists (existing entries are reused by name).  A row whose
    flat list does not match its category's names stays as it is (and
    ``validate`` reports it).

    Example:
        >>> data = {'categories': [{'id': 1, 'name': 'p', 'keypoints': ['a', 'b']}],
        ...         'annotations': [{'id': 1, 'category_id': 1, 'keypoints': [0, 0, 0, 3, 4, 1]}]}
        >>> keypoints_to_kwcoco(data)
        >>> data['keypoint_categories'], data['annotations'][0]['keypoints']
        ([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}], [{'xy': [3, 4], 'visible': 1, 'keypoint_category_id': 2}])
    """
    cats = {cat.get('id'): cat for cat in data.get('categories') or [] if isinstance(cat, dict)}
    names_of = {cid: _category_names(cat) for cid, cat in cats.items()}
    if not any(names_of.values()):
        return
    kpcats = list(data.get('keypoint_categories') or [])
    kpid = {kp.get('name'): kp.get('id') for kp in kpcats if isinstance(kp, dict)}
    next_id = max((i for i in kpid.values() if isinstance(i, int)), default=0) + 1
    for names in names_of.values():
        for name in names or ():
            if name not in kpid:
                kpid[name] = next_id
                kpcats.append({'id': next_id, 'name': name})
                next_id += 1
    data['keypoint_categories'] = kpcats
    for ann in data.get('annotations') or []:
        kpts = ann.get('keypoints')
        names = names_of.get(ann.get('category_id'))
        if not names or not _is_flat(kpts) or len(kpts) != 3 * len(names):
            continue
        ann['keypoints'] = [
            {'xy': [x, y], 'visible': v, 'keypoint_category_id': kpid[name]}
            for name, x, y, v in zip(names, kpts[0::3], kpts[1::3], kpts[2::3])
            if not (x == 0 and y == 0 and v == 0)]


def to_manifest(data: Any, context: dict | None = None) -> dict:
    """
    A kwcoco manifest of an MS-COCO document, or of a results list given
    ``context['base']`` (the dataset the results score).

    Example:
        >>> doc = {'images': [{'id': 'img-a', 'file_name': 'a.jpg'}],
        ...        'annotations': [{'id': 0, 'image_id': 'img-a', 'caption': 'a cat'}]}
        >>> manifest = to_manifest(doc)
        >>> manifest['images'], manifest['annotations']
        ([{'id': 1, 'file_name': 'a.jpg', 'external_id': 'img-a'}], [{'id': 1, 'image_id': 1, 'caption': 'a cat', 'external_id': 0}])
        >>> bad = {'images': [], 'annotations': [{'id': 7, 'image_id': 1, 'bbox': 'abc'}]}
        >>> try:
        ...     to_manifest(bad)
        ... except ValueError as ex:
        ...     print(ex)
        mscoco: table 'annotations' row 0 (id=7) field 'bbox': 'abc' is not [x, y, w, h]
    """
    from xcoco.ops.copy import copy_json
    context = context or {}
    fpath = context.get('fpath')
    base = context.get('base')
    if isinstance(data, list):
        return _results_manifest(data, base, fpath)
    if not isinstance(data, dict):
        raise row_error(NAME, 'document', None, None, None,
                        f'expected a JSON object of tables or a results list, got {type(data).__name__}',
                        fpath=fpath)
    if base is not None:
        raise row_error(NAME, 'document', None, None, None,
                        'base= is for results lists; this is a whole dataset', fpath=fpath)
    if fpath is None:
        data = copy_json(data)  # the caller's dict stays as it was
    _check_tables(data, fpath)
    images = data.get('images') or []
    cats = data.get('categories') or []
    anns = data.get('annotations') or []
    cat_ids = assign_ids(cats, 'categories', NAME, fpath=fpath)
    img_ids = assign_ids(images, 'images', NAME, fpath=fpath)
    assign_ids(anns, 'annotations', NAME, fpath=fpath)
    for pos, ann in enumerate(anns):
        _check_geometry(ann, pos, fpath)
        if 'image_id' in ann:
            ann['image_id'] = img_ids.resolve(ann['image_id'], 'annotations', pos, ann['id'], 'image_id')
        if 'category_id' in ann:
            ann['category_id'] = cat_ids.resolve(ann['category_id'], 'annotations', pos, ann['id'],
                                                 'category_id')
    keypoints_to_kwcoco(data)
    return data


def _check_geometry(ann, pos, fpath):
    # a malformed box, polygon, RLE or keypoint list is named here, with the
    # row, rather than failing later inside a drawing or an evaluation
    for key in ('bbox', 'segmentation', 'keypoints', 'caption'):
        value = ann.get(key)
        if value is None or (key in ('bbox', 'keypoints') and value == []):
            continue
        if key == 'keypoints' and isinstance(value, list) and value and isinstance(value[0], dict):
            continue  # kwcoco's keypoint dicts, in a plain document
        problem = _result_problem(key, value)
        if problem is not None:
            raise row_error(NAME, 'annotations', pos, ann.get('id'), key,
                            f'{value!r:.60} {problem}', fpath=fpath)


def _results_manifest(rows, base, fpath):
    from xcoco.compat_dataset import COCO
    from xcoco.errors import XcocoError
    from xcoco.ops.copy import copy_json
    if base is None:
        raise row_error(NAME, 'results', None, None, None,
                        'a results list (a top-level list of detections) scores an existing '
                        'dataset: pass it, formats.load(src, base=dset)', fpath=fpath)
    img_ids = {**external_to_internal(base, 'images')}
    cat_ids = {**external_to_internal(base, 'categories')}
    first = rows[0] if rows and isinstance(rows[0], dict) else {}
    kind = next((k for k in _RESULT_KINDS
                 if k in first and not (k == 'bbox' and first[k] in ([], None))), None)
    given, given_keys = [], []
    for pos, row in enumerate(rows):
        if not isinstance(row, dict):
            raise row_error(NAME, 'results', pos, None, None,
                            f'expected an object, got {type(row).__name__}', fpath=fpath)
        rid = row.get('id')
        if kind is None or kind not in row:
            raise row_error(NAME, 'results', pos, rid, kind or 'bbox',
                            'missing: the first result decides the kind of every result (one of '
                            f'{list(_RESULT_KINDS)})', fpath=fpath)
        problem = _result_problem(kind, row[kind])
        if problem:
            raise row_error(NAME, 'results', pos, rid, kind, f'{row[kind]!r:.60} {problem}', fpath=fpath)
        gid = row.get('image_id')
        try:
            # the ids of the file base came from, else xcoco's own
            gid = img_ids[gid] if gid in img_ids else base.index.imgs[gid]['id']
        except (KeyError, TypeError):
            raise row_error(NAME, 'results', pos, rid, 'image_id',
                            f'{gid!r:.60} is not an image of the base dataset', fpath=fpath) from None
        given_keys.append(set(row))
        row = dict(row, image_id=gid)
        if 'id' in row:
            row['external_id'] = row.pop('id')
        cid = row.get('category_id')
        try:
            row['category_id'] = cat_ids.get(cid, cid)
        except TypeError:
            raise row_error(NAME, 'results', pos, rid, 'category_id',
                            f'{cid!r:.60} is not an id', fpath=fpath) from None
        given.append(row)
    base_data = base.dataset
    # loadRes' rules (kind by the first result, ids 1..N, area, bbox, box
    # polygons, iscrowd) come from xcoco's pycocotools-compatible COCO
    scorer = COCO({'images': base_data.get('images') or [], 'categories': []})
    try:
        res = scorer.loadRes([dict(row) for row in given]) if given else None
    except XcocoError as ex:
        raise row_error(NAME, 'results', None, None, None, str(ex), fpath=fpath) from None
    anns = [_plain(ann) for ann in res.dataset['annotations']] if res is not None else []
    derived: dict[str, list] = {}
    for keys, ann in zip(given_keys, anns):
        for field in ann:
            if field not in keys and field != 'external_id':
                derived.setdefault(field, []).append(ann['id'])
    manifest = {key: copy_json(value) for key, value in base_data.items()
                if key not in ('annotations', 'tracks', RESULTS_KEY)}
    if kind == 'caption':
        used = {ann['image_id'] for ann in anns}
        manifest['images'] = [img for img in manifest.get('images') or [] if img.get('id') in used]
    manifest['annotations'] = anns
    manifest[RESULTS_KEY] = {'kind': kind, 'derived': derived}
    keypoints_to_kwcoco(manifest)
    return manifest


def _result_problem(kind, value):
    """what is wrong with the geometry a result of ``kind`` holds, or None"""
    numbers = isinstance(value, list) and all(type(v) in (int, float) for v in value)
    if kind == 'bbox' and not (numbers and len(value) == 4):
        return 'is not [x, y, w, h]'
    if kind == 'keypoints' and not (numbers and value and len(value) % 3 == 0):
        return 'is not a flat [x, y, v, ...] list'
    if kind == 'segmentation' and not (isinstance(value, list) or (
            isinstance(value, dict) and 'counts' in value and 'size' in value)):
        return 'is neither polygons nor RLE with counts and size'
    if kind == 'caption' and not isinstance(value, str):
        return 'is not a string'
    return None


def _plain(value):
    """numpy numbers and arrays (pycocotools' loadRes output) as JSON values"""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if hasattr(value, 'tolist') and not isinstance(value, (str, bytes)):
        return _plain(value.tolist())
    return value


# ---------------------------------------------------------------- writing
def _written_ids(rows, original_ids):
    """
    xcoco id -> the id to write: the original ids when every row's is
    known, unique and of one kind (all ints or all strings), else None
    (write xcoco's ids).
    """
    if not original_ids or not any('external_id' in row for row in rows):
        return None
    origs = [original_id(row) for row in rows]
    kinds = {type(o) for o in origs}
    if not (kinds <= {int} or kinds <= {str}):
        return None
    if len(set(origs)) != len(origs):
        return None
    return {row['id']: orig for row, orig in zip(rows, origs)}


def _renumber_annotations(anns):
    # COCOeval reads a matched id of 0 as "unmatched": annotation ids are
    # positive integers, unique, whatever the dataset held.
    seen: set = set()
    bad = []
    for ann in anns:
        aid = ann.get('id')
        if type(aid) is int and aid > 0 and aid not in seen:
            seen.add(aid)
        else:
            bad.append(ann)
    next_id = max(seen, default=0) + 1
    for ann in bad:
        ann.setdefault('external_id', ann.get('id'))
        ann['id'] = next_id
        next_id += 1


def _keypoint_names(data):
    """category id -> keypoint names, naming slots from keypoint_categories where missing"""
    kpcats = [k for k in data.get('keypoint_categories') or [] if isinstance(k, dict)]
    kp_name = {k.get('id'): k.get('name') for k in kpcats}
    order = {k.get('name'): i for i, k in enumerate(kpcats)}
    used: dict = {}
    for pos, ann in enumerate(data.get('annotations') or []):
        kpts = ann.get('keypoints')
        if isinstance(kpts, list) and kpts and isinstance(kpts[0], dict):
            with row_errors(NAME, 'annotations', pos, ann):
                names = used.setdefault(ann.get('category_id'), set())
                for kp in kpts:
                    names.add(kp.get('keypoint_category') or kp_name.get(kp.get('keypoint_category_id')))
    names_of = {}
    for cat in data.get('categories') or []:
        names = _category_names(cat)
        if not names and used.get(cat.get('id')):
            # pycocotools reads flat keypoints by slot, so the category must
            # name its slots: keypoint_categories' order fixes them
            names = sorted((n for n in used[cat['id']] if n is not None),
                           key=lambda n: (order.get(n, len(order)), n))
            cat['keypoints'] = names
        names_of[cat.get('id')] = names or []
    return names_of, kp_name


def _flat_keypoints(ann, names, kp_name, count):
    from xcoco.ops.conform import to_flat_keypoints
    kpts = ann.get('keypoints')
    if isinstance(kpts, list) and kpts and isinstance(kpts[0], dict):
        ann['keypoints'] = to_flat_keypoints(kpts, names, kp_name)
        if count and not isinstance(ann.get('num_keypoints'), int):
            ann['num_keypoints'] = sum(1 for v in ann['keypoints'][2::3] if v > 0)
    elif isinstance(kpts, list) and not kpts and names:
        ann['keypoints'] = [0] * (3 * len(names))


def _has_geometry(ann):
    return any(ann.get(key) is not None for key in ('bbox', 'segmentation', 'keypoints'))


def _to_rle(segm, img, ann_id):
    """compressed RLE (string counts) of a segmentation, for results lists"""
    from xcoco import compat_masks
    if isinstance(segm, dict) and isinstance(segm.get('counts'), str):
        return segm
    if isinstance(segm, dict):
        rle = compat_masks.compress_rle(segm)
    else:
        if not img or img.get('height') is None:
            raise row_error(NAME, 'annotations', None, ann_id, 'segmentation',
                            'a polygon result needs its image height and width to become RLE')
        rle = compat_masks.polygons_to_rle(compat_masks.polygon_parts(segm),
                                           int(img['height']), int(img['width']))
    counts = rle['counts']
    return {'size': [int(v) for v in rle['size']],
            'counts': counts.decode('ascii') if isinstance(counts, bytes) else counts}


def from_manifest(dset: CocoDataset, results: bool | None = None, original_ids: bool = True) -> Any:
    """
    The MS-COCO document of ``dset``: a dict, or a results list when
    ``results`` is True (default: a list for datasets read from a results
    list).

    Args:
        dset (CocoDataset): the dataset (not changed).
        results (bool | None): write a results list (``image_id``,
            ``category_id``, geometry, ``score``, other fields).
        original_ids (bool): write image and category ids as the file the
            dataset came from had them (see :func:`_written_ids`); False
            writes xcoco's ids.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> doc = from_manifest(dset)
        >>> sorted(doc['annotations'][0])
        ['area', 'bbox', 'category_id', 'id', 'image_id', 'iscrowd', 'keypoints', 'num_keypoints', 'segmentation']
        >>> rows = from_manifest(dset, results=True)
        >>> sorted(rows[0])
        ['bbox', 'category_id', 'image_id', 'keypoints', 'segmentation']
    """
    from xcoco.ops.conform import conform, to_pycocotools_segmentation
    from xcoco.ops.copy import copy_json
    source = getattr(dset, 'dataset', dset)
    if results is None:
        results = RESULTS_KEY in source
    data = copy_json(source)
    record = data.pop(RESULTS_KEY, None) or {}
    images = data.get('images') or []
    cats = data.get('categories') or []
    anns = data.get('annotations') or []
    bundle_dpath = getattr(dset, 'bundle_dpath', None)
    holder = types.SimpleNamespace(dataset=data, bundle_dpath=bundle_dpath)
    if any(img.get('width') is None or img.get('height') is None for img in images):
        conform(holder, pycocotools_info=False, legacy=False, ensure_imgsize=True)
    imgs = {img.get('id'): img for img in images}
    names_of, kp_name = _keypoint_names(data)
    for pos, ann in enumerate(anns):
        with row_errors(NAME, 'annotations', pos, ann):
            _flat_keypoints(ann, names_of.get(ann.get('category_id')) or [], kp_name, count=not results)
            if ann.get('segmentation') is not None:
                ann['segmentation'] = to_pycocotools_segmentation(
                    ann['segmentation'], img=imgs.get(ann.get('image_id')),
                    bundle_dpath=bundle_dpath, ann_id=ann.get('id'))
    img_out = _written_ids(images, original_ids)
    cat_out = _written_ids(cats, original_ids)
    if results:
        rows = _results_rows(anns, imgs, record)
    else:
        for ann in anns:
            names = names_of.get(ann.get('category_id'))
            if names and 'keypoints' not in ann:
                # COCOeval's OKS reads the keypoints of every ground truth
                ann['keypoints'] = [0] * (3 * len(names))
            if cats and 'category_id' not in ann:
                # pycocotools indexes every annotation by category when the
                # document has categories; None says "no category"
                ann['category_id'] = None
        _renumber_annotations(anns)
        shaped = [ann for ann in anns if _has_geometry(ann)]
        conform(types.SimpleNamespace(dataset={'images': images, 'categories': cats,
                                               'annotations': shaped}, bundle_dpath=bundle_dpath),
                pycocotools_info=True, legacy=False, ensure_imgsize=False)
        rows = anns
    for rows_of, mapping in ((images, img_out), (cats, cat_out)):
        if mapping is not None:
            for row in rows_of:
                row['id'] = mapping[row['id']]
                row.pop('external_id', None)
    for ann in rows:
        if img_out is not None and ann.get('image_id') in img_out:
            ann['image_id'] = img_out[ann['image_id']]
        if cat_out is not None and ann.get('category_id') in cat_out:
            ann['category_id'] = cat_out[ann['category_id']]
    if results:
        return rows
    data.pop('keypoint_categories', None)  # folded into the categories' keypoints names
    info = data.get('info')
    if isinstance(info, list):
        # pycocotools reads info as a dict; kwcoco keeps process records in a list
        data['info'] = {'kwcoco_info': info} if info else {}
    return data


def _results_rows(anns, imgs, record):
    """results-list rows: the fields loadRes did not add, xcoco's bookkeeping removed"""
    derived = {field: set(aids) for field, aids in (record.get('derived') or {}).items()}
    rows = []
    for ann in anns:
        aid = ann.get('id')
        if record:
            row = {key: value for key, value in ann.items()
                   if key not in ('id', 'external_id') and aid not in derived.get(key, ())}
            if aid not in derived.get('id', ()):
                row['id'] = ann.get('external_id', aid)
        else:
            row = {key: value for key, value in ann.items()
                   if key not in ('id', 'external_id', 'area', 'iscrowd', 'num_keypoints')}
        segm = row.get('segmentation')
        if segm is not None:
            # loadRes measures segmentation results with pycocotools' area(),
            # which reads compressed RLE only
            row['segmentation'] = _to_rle(segm, imgs.get(ann.get('image_id')), aid)
        rows.append(row)
    return rows
