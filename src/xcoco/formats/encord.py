"""
The ``encord`` dialect: Encord's COCO export (seed 004).  Import only.

What the export does differently from MS-COCO, and where xcoco puts it
(docs/formats/encord.rst has the field-by-field table):

* ids start at 0: ``0`` (and any repeat) gets a fresh positive id and the
  original is kept as ``external_id``; positive ids stay;
* annotation ``attributes`` are lifted: ``track_id`` / ``encord_track_uuid``
  become a kwcoco track per uuid (``name`` = the uuid, ``encord_track_id`` =
  Encord's number), ``classifications`` / ``manual_annotation`` /
  ``rotation`` become annotation fields (a rotatable box keeps its
  *unrotated* box and polygon, with the angle in degrees in ``rotation``);
  any other attribute stays under ``attributes``;
* video frames, DICOM and NIfTI slices (``file_name`` ``videos|dicom|nifti|
  pdfs/<data_hash>/<frame>``) are grouped into one video per data hash,
  ``frame_index`` from the frame number in ``file_name`` (or file order when
  the names hold none, as for DICOM instance UIDs);
* RLE with ``iscrowd=1`` is how Encord writes bitmasks and polygons with
  holes: it is read as a mask (``iscrowd`` 0, the original kept as
  ``encord_iscrowd``);
* a category's ``supercategory`` is the Encord *shape* (``polygon``,
  ``bitmask`` ...), not a parent class: it moves to ``shape`` (as a parent
  it would make a category its own parent);
* a point category's ``keypoints: "keypoint"`` (a string) becomes the
  one-name list ``['keypoint']``; skeleton categories have no keypoint
  names and keep none;
* ``keypoints: null`` / ``num_keypoints: null`` mean absent; a point's
  one-point polygon (no region) moves to ``encord_segmentation``;
* a top-level list of exports is merged: categories with the same name and
  shape are shared, tracks are shared by uuid, every image and annotation
  records its export in ``encord_export``, and the per-export top-level
  fields (``info`` ...) are kept in order under ``encord_exports``.

A row of the wrong shape raises :class:`xcoco.errors.FormatError` naming the
export, table, row (position and id) and field.  A well-formed annotation
whose ``image_id`` or ``category_id`` names nothing in its export is kept
raw under the top-level ``unrepresented`` list, which ``validate`` reports.

Example:
    >>> from xcoco import formats
    >>> data = {'info': {'description': 'clip.mp4'},
    ...     'categories': [{'supercategory': 'bounding_box', 'id': 1, 'name': 'car'}],
    ...     'images': [{'id': i, 'video_title': 'clip.mp4', 'width': 64, 'height': 48,
    ...                 'file_name': f'videos/abc/{i}.jpg'} for i in range(2)],
    ...     'annotations': [{'id': i, 'image_id': i, 'category_id': 1, 'iscrowd': 0,
    ...                      'bbox': [1, 2, 3, 4], 'area': 12.0, 'keypoints': None,
    ...                      'segmentation': [[1, 2, 4, 2, 4, 6, 1, 6]], 'num_keypoints': None,
    ...                      'attributes': {'track_id': 0, 'encord_track_uuid': 'Xy12',
    ...                                     'classifications': {}, 'manual_annotation': True}}
    ...                     for i in range(2)]}
    >>> formats.guess(data)
    'encord'
    >>> dset = formats.load(data)
    >>> dset.dataset['videos']
    [{'id': 1, 'name': 'videos/abc', 'width': 64, 'height': 48, 'video_title': 'clip.mp4'}]
    >>> [(g['id'], g.get('external_id'), g['frame_index']) for g in dset.dataset['images']]
    [(2, 0, 0), (1, None, 1)]
    >>> dset.dataset['tracks']
    [{'id': 1, 'name': 'Xy12', 'encord_track_id': 0}]
    >>> [a['track_id'] for a in dset.dataset['annotations']]
    [1, 1]
"""
from __future__ import annotations

from typing import Any

from xcoco.errors import FormatError
from xcoco.formats.ids import number_ids

__all__ = ['FRAME_KINDS', 'NAME', 'guess', 'to_manifest']

NAME = 'encord'

#: first ``file_name`` part of a frame of a multi-frame data unit
#: (``<kind>/<data_hash>/<frame>``); ``images/<hash>.<ext>`` stay loose images
FRAME_KINDS = ('videos', 'dicom', 'nifti', 'pdfs')

_TABLES = ('info', 'categories', 'images', 'annotations')
#: attributes lifted to annotation fields of the same name
_LIFTED = ('classifications', 'manual_annotation', 'rotation')
_IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp', '.webp')
_GUESS_SAMPLE = 200




def guess(data: Any) -> float:
    """
    How surely ``data`` (one export or a list of them) is Encord's: 0.98
    when annotations carry ``attributes.encord_track_uuid``; 0.92 for
    ``image_title`` / ``video_title`` images or a point category whose
    ``keypoints`` is a string; else 0.

    Example:
        >>> guess([{'images': [], 'categories': [], 'annotations': [
        ...     {'id': 0, 'image_id': 0, 'attributes': {'encord_track_uuid': 'a'}}]}])
        0.98
        >>> guess({'images': [{'id': 0, 'image_title': '1.png'}]})
        0.92
        >>> guess({'images': [], 'annotations': []})
        0.0
    """
    exports = data if isinstance(data, list) else [data]
    score = 0.0
    for export in exports[:_GUESS_SAMPLE]:
        if not isinstance(export, dict):
            return 0.0
        for ann in _sample(export.get('annotations')):
            attrs = ann.get('attributes')
            if isinstance(attrs, dict) and 'encord_track_uuid' in attrs:
                return 0.98
        if any('image_title' in img or 'video_title' in img
               for img in _sample(export.get('images'))):
            score = 0.92
        if any(isinstance(cat.get('keypoints'), str)
               for cat in _sample(export.get('categories'))):
            score = 0.92
    return score


def _sample(rows: Any) -> list[dict]:
    if not isinstance(rows, list):
        return []
    return [row for row in rows[:_GUESS_SAMPLE] if isinstance(row, dict)]


class _Reader:
    """Reads one or more exports into one manifest, with error context."""

    def __init__(self, context: dict, many: bool) -> None:
        self.fpath = context.get('fpath')
        self.many = many
        self.unrepresented: list[dict] = []

    def where(self, export: int, table: str) -> str:
        return f'exports[{export}].{table}' if self.many else table

    def fail(self, export: int, table: str, index: int, row: Any, field: str | None,
             problem: str) -> FormatError:
        rid = row.get('id') if isinstance(row, dict) else None
        where = f' ({self.fpath})' if self.fpath else ''
        what = f'field {field!r} ' if field else ''
        return FormatError(f'{NAME}{where}: {self.where(export, table)} row {index} '
                           f'(id={rid!r}): {what}{problem}', fpath=self.fpath)

    def table(self, export: int, data: dict, key: str) -> list[dict]:
        rows = data.get(key, [])
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise FormatError(f'{NAME}: {self.where(export, key)} must be a list of objects, '
                              f'got {type(rows).__name__}', fpath=self.fpath)
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise self.fail(export, key, index, row, None,
                                f'must be an object, got {type(row).__name__} {row!r:.60}')
        return rows

    def raw_id(self, export: int, table: str, index: int, row: dict, field: str = 'id') -> Any:
        value = row.get(field)
        if value is not None and not isinstance(value, (str, int, float)):
            raise self.fail(export, table, index, row, field,
                            f'must be a string or a number, got {type(value).__name__} {value!r:.60}')
        return value

    def keep_raw(self, export: int, table: str, index: int, row: dict, reason: str) -> None:
        entry = {'format': NAME, 'table': table, 'index': index, 'id': row.get('id'),
                 'reason': reason, 'row': row}
        if self.many:
            entry['export'] = export
        self.unrepresented.append(entry)


def to_manifest(data: Any, context: dict | None = None) -> dict:
    """
    The kwcoco manifest of one Encord export or a list of them (see the
    module notes).

    Example:
        >>> one = {'categories': [{'supercategory': 'bitmask', 'id': 1, 'name': 'blob'}],
        ...        'images': [{'id': 0, 'image_title': 'a.png', 'width': 4, 'height': 4,
        ...                    'file_name': 'images/h1.png'}],
        ...        'annotations': [{'id': 0, 'image_id': 0, 'category_id': 1, 'iscrowd': 1,
        ...                         'bbox': [1, 1, 2, 2], 'area': 4.0,
        ...                         'segmentation': {'size': [4, 4], 'counts': [5, 2, 2, 2, 5]},
        ...                         'attributes': {'track_id': 0, 'encord_track_uuid': 'u'}}]}
        >>> manifest = to_manifest([one, one])
        >>> [c['shape'] for c in manifest['categories']]
        ['bitmask']
        >>> [(a['id'], a['external_id'], a['iscrowd'], a['encord_export'])
        ...  for a in manifest['annotations']]
        [(1, 0, 0, 0), (2, 0, 0, 1)]
        >>> len(manifest['images']), len(manifest['tracks']), len(manifest['encord_exports'])
        (2, 1, 2)
    """
    context = dict(context or {})
    many = isinstance(data, list)
    reader = _Reader(context, many)
    exports = data if many else [data]
    for export, item in enumerate(exports):
        if not isinstance(item, dict):
            where = f'exports[{export}]' if many else 'the export'
            raise FormatError(f'{NAME}: {where} must be a JSON object, got {type(item).__name__}',
                              fpath=reader.fpath)
    tables = [{key: reader.table(export, item, key) for key in ('categories', 'images', 'annotations')}
              for export, item in enumerate(exports)]
    categories, cat_lookup = _read_categories(reader, tables)
    images, image_lookup = _read_images(reader, tables)
    videos = _group_videos(images)
    annotations, tracks = _read_annotations(reader, tables, image_lookup, cat_lookup)
    manifest: dict[str, Any] = {}
    if many:
        rest = [{key: value for key, value in item.items() if key not in _TABLES[1:]}
                for item in exports]
        if rest and 'info' in rest[0]:
            manifest['info'] = rest[0]['info']
        manifest['encord_exports'] = rest
    else:
        manifest.update((key, value) for key, value in data.items() if key not in _TABLES[1:])
    manifest['categories'] = categories
    manifest['videos'] = videos
    manifest['images'] = images
    manifest['tracks'] = tracks
    manifest['annotations'] = annotations
    if reader.unrepresented:
        manifest['unrepresented'] = reader.unrepresented
    return manifest


def _read_categories(reader: _Reader, tables: list[dict]) -> tuple[list[dict], dict]:
    """
    Categories of every export.  Within an export each row is its own
    category; across exports, rows with the same name and shape are one.
    A name already taken by a different category gets `` [shape]`` (then a
    number) appended and keeps the original as ``encord_name``.
    """
    rows: list[dict] = []
    exports: list[int] = []
    lookup_keys: list[Any] = []
    shared: dict[tuple, int] = {}   # (name, shape) -> position in rows
    names: set[str] = set()
    lookup: dict[tuple, int] = {}   # (export, typed raw id) -> position in rows
    for export, table in enumerate(tables):
        used_here: set[tuple] = set()
        for index, row in enumerate(table['categories']):
            raw = reader.raw_id(export, 'categories', index, row)
            name = row.get('name')
            if not isinstance(name, str):
                raise reader.fail(export, 'categories', index, row, 'name',
                                  f'must be a string, got {name!r:.60}')
            cat = _category(reader, export, index, row)
            share_key = (name, repr(cat.get('shape')), repr(cat.get('keypoints')), repr(cat.get('skeleton')))
            if share_key in shared and share_key not in used_here:
                pos = shared[share_key]
            else:
                pos = len(rows)
                rows.append(cat)
                exports.append(export)
                lookup_keys.append(raw)
                shared.setdefault(share_key, pos)
                unique = _unique_name(name, cat.get('shape'), names)
                if unique != name:
                    cat['name'], cat['encord_name'] = unique, name
                names.add(unique)
            used_here.add(share_key)
            lookup.setdefault((export, type(raw), raw), pos)
    assigned, _ = number_ids(lookup_keys)
    for cat, (cid, changed) in zip(rows, assigned):
        raw = cat.pop('id', None)
        cat_out = {'id': cid}
        if changed and raw is not None:
            cat_out['external_id'] = raw
        cat_out.update(cat)
        cat.clear()
        cat.update(cat_out)
    if len(tables) > 1:
        for cat, export in zip(rows, exports):
            cat['encord_export'] = export
    return rows, {key: rows[pos]['id'] for key, pos in lookup.items()}


def _category(reader: _Reader, export: int, index: int, row: dict) -> dict:
    if 'external_id' in row:
        raise reader.fail(export, 'categories', index, row, 'external_id',
                          'is where xcoco keeps original ids; the export already uses it')
    cat = {}
    for key, value in row.items():
        if key == 'supercategory':
            cat['shape'] = value
        elif key == 'keypoints':
            if isinstance(value, str):
                value = [value]
            elif value is not None and not (isinstance(value, list)
                                            and all(isinstance(v, str) for v in value)):
                raise reader.fail(export, 'categories', index, row, 'keypoints',
                                  f'must be a keypoint name or a list of names, got {value!r:.60}')
            if value is not None:
                cat['keypoints'] = value
        else:
            cat[key] = value
    if 'shape' in cat and 'shape' in row:
        raise reader.fail(export, 'categories', index, row, 'shape',
                          "is where xcoco keeps Encord's supercategory (the shape); "
                          'the export already uses it')
    return cat


def _unique_name(name: str, shape: Any, taken: set[str]) -> str:
    if name not in taken:
        return name
    candidate = f'{name} [{shape}]'
    number = 2
    while candidate in taken:
        candidate, number = f'{name} [{shape}] {number}', number + 1
    return candidate


def _read_images(reader: _Reader, tables: list[dict]) -> tuple[list[dict], dict]:
    rows, raws, origin = [], [], []
    for export, table in enumerate(tables):
        for index, row in enumerate(table['images']):
            raws.append(reader.raw_id(export, 'images', index, row))
            for field in ('width', 'height'):
                value = row.get(field)
                if value is not None and (type(value) is not int or value < 0):
                    raise reader.fail(export, 'images', index, row, field,
                                      f'must be a non-negative integer, got {value!r:.60}')
            if 'file_name' in row and not isinstance(row['file_name'], str):
                raise reader.fail(export, 'images', index, row, 'file_name',
                                  f'must be a string, got {row["file_name"]!r:.60}')
            if 'external_id' in row:
                raise reader.fail(export, 'images', index, row, 'external_id',
                                  'is where xcoco keeps original ids; the export already uses it')
            rows.append(row)
            origin.append(export)
    assigned, _ = number_ids(raws)
    images: list[dict] = []
    lookup: dict[tuple, int] = {}
    for row, raw, export, (gid, changed) in zip(rows, raws, origin, assigned):
        img: dict[str, Any] = {'id': gid}
        if changed and raw is not None:
            img['external_id'] = raw
        img.update((key, value) for key, value in row.items() if key != 'id')
        if len(tables) > 1:
            img['encord_export'] = export
        images.append(img)
        if raw is not None:
            lookup.setdefault((export, type(raw), raw), gid)
    return images, lookup


def _frame_parts(file_name: Any) -> tuple[str, str] | None:
    """``('<kind>/<data_hash>', frame name)`` of a frame's file name, else None."""
    if not isinstance(file_name, str):
        return None
    parts = file_name.split('/')
    if len(parts) < 3 or parts[0] not in FRAME_KINDS or not parts[1]:
        return None
    return '/'.join(parts[:2]), parts[-1]


def _frame_number(name: str) -> int | None:
    lower = name.lower()
    for ext in _IMAGE_EXTENSIONS:
        if lower.endswith(ext):
            name = name[:-len(ext)]
            break
    return int(name) if name.isdigit() else None


def _group_videos(images: list[dict]) -> list[dict]:
    """
    One video per data hash; sets ``video_id`` and ``frame_index`` on its
    frames.  Frame numbers come from the file names when every frame has a
    distinct one, else from file order.
    """
    groups: dict[str, list[tuple[dict, str]]] = {}
    for img in images:
        parts = _frame_parts(img.get('file_name'))
        if parts is not None:
            groups.setdefault(parts[0], []).append((img, parts[1]))
    videos = []
    for vid, (name, frames) in enumerate(groups.items(), start=1):
        numbers = [_frame_number(frame) for _, frame in frames]
        if None in numbers or len(set(numbers)) != len(numbers):
            numbers = list(range(len(frames)))
        video: dict[str, Any] = {'id': vid, 'name': name}
        for field in ('width', 'height', 'video_title'):
            values = [img.get(field) for img, _ in frames]
            if values[0] is not None and all(v == values[0] for v in values):
                video[field] = values[0]
        for (img, _), number in zip(frames, numbers):
            img['video_id'] = vid
            img['frame_index'] = number
        videos.append(video)
    return videos


def _read_annotations(reader: _Reader, tables: list[dict], image_lookup: dict,
                      cat_lookup: dict) -> tuple[list[dict], list[dict]]:
    accepted, raws = [], []
    for export, table in enumerate(tables):
        for index, row in enumerate(table['annotations']):
            raw = reader.raw_id(export, 'annotations', index, row)
            raw_gid = reader.raw_id(export, 'annotations', index, row, 'image_id')
            gid = image_lookup.get((export, type(raw_gid), raw_gid))
            if gid is None:
                reader.keep_raw(export, 'annotations', index, row,
                                f'image_id={raw_gid!r} names no image of its export')
                continue
            raw_cid = reader.raw_id(export, 'annotations', index, row, 'category_id')
            cid = cat_lookup.get((export, type(raw_cid), raw_cid))
            if raw_cid is not None and cid is None:
                reader.keep_raw(export, 'annotations', index, row,
                                f'category_id={raw_cid!r} names no category of its export')
                continue
            accepted.append((export, index, row, gid, cid))
            raws.append(raw)
    assigned, _ = number_ids(raws)
    tracks = _Tracks(reader)
    annotations = []
    for (export, index, row, gid, cid), raw, (aid, changed) in zip(accepted, raws, assigned):
        ann = _annotation(reader, export, index, row)
        out: dict[str, Any] = {'id': aid}
        if changed and raw is not None:
            out['external_id'] = raw
        out['image_id'] = gid
        if cid is not None:
            out['category_id'] = cid
        out.update(ann)
        if len(tables) > 1:
            out['encord_export'] = export
        if isinstance(row.get('attributes'), dict):
            tracks.add(export, index, row, row['attributes'], out)
        annotations.append(out)
    return annotations, tracks.finish()


class _Tracks:
    """Tracks keyed on ``encord_track_uuid`` (or the track number without one)."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.keys: dict[Any, int] = {}      # track key -> position
        self.rows: list[dict] = []
        self.members: list[list[dict]] = []  # annotations of each track

    def add(self, export: int, index: int, row: dict, attrs: dict, ann: dict) -> None:
        uuid, number = attrs.get('encord_track_uuid'), attrs.get('track_id')
        if uuid is None and number is None:
            return
        for field, value in (('encord_track_uuid', uuid), ('track_id', number)):
            if value is not None and not isinstance(value, (str, int)):
                raise self.reader.fail(export, 'annotations', index, row, f'attributes.{field}',
                                       f'must be a string or an integer, got {value!r:.60}')
        key = ('uuid', uuid) if uuid is not None else ('number', export, number)
        if key not in self.keys:
            self.keys[key] = len(self.rows)
            name = uuid if uuid is not None else (
                f'{export}:{number}' if self.reader.many else str(number))
            self.rows.append({'name': name, 'encord_track_id': number})
            self.members.append([])
        pos = self.keys[key]
        if number != self.rows[pos]['encord_track_id']:
            ann['encord_track_id'] = number  # the export numbered this object differently
        self.members[pos].append(ann)

    def finish(self) -> list[dict]:
        assigned, _ = number_ids([row['encord_track_id'] for row in self.rows])
        tracks = []
        for row, members, (tid, _) in zip(self.rows, self.members, assigned):
            track = {'id': tid, 'name': row['name']}
            if row['encord_track_id'] is not None:
                track['encord_track_id'] = row['encord_track_id']
            tracks.append(track)
            for ann in members:
                ann['track_id'] = tid
        return tracks


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _annotation(reader: _Reader, export: int, index: int, row: dict) -> dict:
    """Every field of ``row`` but the ids and the track, translated."""
    def fail(field: str, problem: str) -> FormatError:
        return reader.fail(export, 'annotations', index, row, field, problem)

    def put(field: str, value: Any) -> None:
        # never overwrite a field of the export with one of xcoco's
        if field in row:
            raise fail(field, 'is where xcoco keeps an Encord value; the export already uses it')
        ann[field] = value

    ann: dict[str, Any] = {key: value for key, value in row.items()
                           if key not in ('id', 'image_id', 'category_id', 'attributes')
                           and not (key in ('keypoints', 'num_keypoints') and value is None)}
    segm = ann.get('segmentation')
    if isinstance(segm, dict):
        size = segm.get('size')
        if (not (isinstance(size, list) and len(size) == 2 and all(type(v) is int for v in size))
                or not isinstance(segm.get('counts'), (str, list))):
            raise fail('segmentation', "is an RLE only with 'size' [height, width] and 'counts' "
                                       f'(a string or a list), got {segm!r:.80}')
        if ann.get('iscrowd') == 1:
            # Encord's bitmasks and holed polygons: one object, not a crowd.
            put('encord_iscrowd', 1)
            ann['iscrowd'] = 0
    elif isinstance(segm, list):
        for ring_index, ring in enumerate(segm):
            if not (isinstance(ring, list) and all(map(_is_number, ring)) and len(ring) % 2 == 0):
                raise fail('segmentation', f'polygon {ring_index} must be a flat list of an even '
                                           f'number of coordinates, got {ring!r:.80}')
        if segm and all(len(ring) < 6 for ring in segm):
            put('encord_segmentation', ann.pop('segmentation'))  # a point: no region
    elif segm is not None:
        raise fail('segmentation', f'must be a list of flat polygons or an RLE, got {segm!r:.80}')
    kpts = ann.get('keypoints')
    if kpts is not None and not (isinstance(kpts, list) and all(map(_is_number, kpts))
                                 and len(kpts) % 3 == 0):
        raise fail('keypoints', f'must be flat [x, y, v] triples, got {kpts!r:.80}')
    box = ann.get('bbox')
    if box is not None and not (isinstance(box, list) and len(box) == 4 and all(map(_is_number, box))):
        raise fail('bbox', f'must be [x, y, width, height], got {box!r:.80}')
    attrs = row.get('attributes')
    if attrs is None:
        return ann
    if not isinstance(attrs, dict):
        raise fail('attributes', f'must be an object, got {type(attrs).__name__} {attrs!r:.60}')
    for field in _LIFTED:
        if field in attrs:
            put(field, attrs[field])
    rest = {key: value for key, value in attrs.items()
            if key not in (*_LIFTED, 'track_id', 'encord_track_uuid')}
    if rest:
        ann['attributes'] = rest
    if 'encord_track_id' in row or 'track_id' in row:
        raise fail('track_id' if 'track_id' in row else 'encord_track_id',
                   'is where xcoco keeps the track; the export already uses it')
    return ann
