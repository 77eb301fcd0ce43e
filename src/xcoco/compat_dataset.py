"""
pycocotools' ``COCO`` API on top of :class:`xcoco.CocoDataset`.

:class:`COCO` is a ``CocoDataset`` (every xcoco method works on it) that
also answers pycocotools' calls with pycocotools' signatures and results:
``getAnnIds``, ``getCatIds``, ``getImgIds``, ``loadAnns`` / ``loadCats`` /
``loadImgs``, ``annToRLE`` / ``annToMask``, ``loadRes`` and the ``imgToAnns``
/ ``catToImgs`` lookups, so ``pycocotools.cocoeval.COCOeval`` runs on it
and gives the same numbers as on pycocotools' own class.

Masks come from ``pycocotools.mask`` when it is installed, so they are
pycocotools' own.  Without it (see :mod:`xcoco.compat_masks`) RLE
segmentations still decode and encode exactly (a pure Python codec), but
polygons are rasterized by kwimage, which differs from pycocotools on some
boundary pixels.

Example:
    >>> from xcoco.compat_dataset import COCO, _toy_manifest
    >>> coco = COCO(_toy_manifest())
    >>> coco.getAnnIds(imgIds=[1]), coco.getCatIds(catNms=['dog'])
    ([1, 2], [2])
    >>> coco.loadImgs(1)[0]['file_name']
    'a.jpg'
    >>> dt = coco.loadRes([{'image_id': 1, 'category_id': 1, 'bbox': [1, 1, 3, 2], 'score': 0.9}])
    >>> dt.loadAnns(1)[0]['area']
    6
"""
from __future__ import annotations

import copy
import os
from collections import defaultdict
from typing import Any

import numpy as np

from xcoco import compat_masks as masks
from xcoco.dataset import CocoDataset
from xcoco.errors import (
    GeometryError,
    MalformedJSONError,
    ManifestNotFoundError,
    ManifestStructureError,
    MissingDependencyError,
    MissingFieldError,
    UnknownIdError,
)
from xcoco.tables import INDEX_ATTR
from xcoco.types import Id, JsonDict, StrPath

__all__ = ['COCO']


def _toy_manifest() -> JsonDict:
    """
    A two-image, two-category manifest in MS-COCO's encodings, for examples.

    Example:
        >>> sorted(_toy_manifest())
        ['annotations', 'categories', 'images', 'info']
    """
    return {
        'info': {'description': 'toy', 'year': 2024},
        'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 8, 'height': 6},
                   {'id': 2, 'file_name': 'b.jpg', 'width': 5, 'height': 4}],
        'categories': [{'id': 1, 'name': 'cat', 'supercategory': 'animal'},
                       {'id': 2, 'name': 'dog', 'supercategory': 'animal'}],
        'annotations': [
            {'id': 1, 'image_id': 1, 'category_id': 1, 'iscrowd': 0, 'area': 6.0,
             'bbox': [1, 1, 3, 2], 'segmentation': [[1, 1, 4, 1, 4, 3, 1, 3]]},
            {'id': 2, 'image_id': 1, 'category_id': 2, 'iscrowd': 1, 'area': 4,
             'bbox': [5, 2, 2, 2], 'segmentation': {'size': [6, 8], 'counts': [32, 2, 4, 2, 8]}},
            {'id': 3, 'image_id': 2, 'category_id': 2, 'iscrowd': 0, 'area': 2.0,
             'bbox': [0, 0, 2, 1], 'segmentation': [[0, 0, 2, 0, 2, 1, 0, 1]]},
        ],
    }


# ---- argument forms -----------------------------------------------------------
def _as_list(value: Any) -> list:
    """
    pycocotools' "an array or one item": anything sized and iterable is a
    list of items, except a string or a dict, which is one item
    (pycocotools would iterate the characters of ``'dog'``); None is no
    filter at all (pycocotools would look for the id None).
    """
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)):
        return [value]
    if hasattr(value, '__iter__') and hasattr(value, '__len__'):
        return list(value)
    return [value]


def _members(values: list):
    try:
        return set(values)
    except TypeError:
        return values


class COCO(CocoDataset):
    """
    pycocotools' ``COCO`` class as an xcoco :class:`~xcoco.CocoDataset`.

    Args:
        annotation_file (str | PathLike | dict | CocoDataset | None): what
            :class:`~xcoco.CocoDataset` accepts; pycocotools takes a path.
        **kw: passed to :class:`~xcoco.CocoDataset` (``tag``,
            ``bundle_dpath`` ...).

    ``dataset``, ``anns``, ``imgs`` and ``cats`` are xcoco's manifest and
    lookups; ``imgToAnns`` and ``catToImgs`` are computed from the index
    and recomputed after any edit, so xcoco edits (``add_annotation``,
    ``remove_images`` ...) and pycocotools reads can be mixed.  Unlike
    pycocotools, nothing is printed.

    Example:
        >>> from xcoco.compat_dataset import COCO, _toy_manifest
        >>> coco = COCO(_toy_manifest())
        >>> coco.imgToAnns[1][0]['id'], dict(coco.catToImgs)
        (1, {1: [1], 2: [1, 2]})
        >>> aid = coco.add_annotation(image_id=2, category_id=1, bbox=[0, 0, 1, 1])
        >>> [a['id'] for a in coco.imgToAnns[2]]
        [3, 4]
    """

    def __init__(self, annotation_file: StrPath | JsonDict | CocoDataset | None = None,
                 **kw: Any) -> None:
        self._compat_cache: tuple[Any, int, Any, Any] | None = None
        super().__init__(annotation_file, **kw)

    # ---- index ----------------------------------------------------------
    def createIndex(self) -> None:
        """
        Rebuild the index from ``self.dataset`` (after editing the dicts by
        hand, or assigning a new ``dataset``).

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO()
            >>> coco.dataset = _toy_manifest()
            >>> coco.createIndex()
            >>> len(coco.anns), len(coco.imgToAnns[1])
            (3, 2)
        """
        self.rebuild_index()

    def _lookups(self):
        index = self.index
        cache = self._compat_cache
        if cache is None or cache[0] is not index or cache[1] != index.edits:
            img_to_anns: defaultdict[Any, list[JsonDict]] = defaultdict(list)
            cat_to_imgs: defaultdict[Any, list[Any]] = defaultdict(list)
            for ann in index.anns.values():
                img_to_anns[ann.get('image_id')].append(ann)
            # pycocotools fills catToImgs only when the file has categories
            if 'categories' in self.dataset:
                for ann in index.anns.values():
                    cid = ann.get('category_id')
                    if cid is not None:
                        cat_to_imgs[cid].append(ann.get('image_id'))
            cache = self._compat_cache = (index, index.edits, img_to_anns, cat_to_imgs)
        return cache[2], cache[3]

    @property
    def imgToAnns(self) -> defaultdict[Any, list[JsonDict]]:
        """
        Annotations of each image, in table order (a ``defaultdict(list)``,
        as pycocotools').  Computed from the index; do not edit it.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> [ann['id'] for ann in coco.imgToAnns[1]], coco.imgToAnns[99]
            ([1, 2], [])
        """
        return self._lookups()[0]

    @property
    def catToImgs(self) -> defaultdict[Any, list[Any]]:
        """
        For each category, the image id of each of its annotations (repeats
        included), in table order, as pycocotools builds it.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> COCO(_toy_manifest()).catToImgs[2]
            [1, 2]
        """
        return self._lookups()[1]

    def info(self) -> None:
        """
        Print each ``key: value`` of the manifest's ``info`` (nothing when
        there is none; kwcoco's list form prints each entry's items).

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> COCO(_toy_manifest()).info()
            description: toy
            year: 2024
        """
        info = self.dataset.get('info') or {}
        entries = info if isinstance(info, list) else [info]
        for entry in entries:
            if isinstance(entry, dict):
                for key, value in entry.items():
                    print(f'{key}: {value}')
            else:
                print(entry)

    # ---- id queries -------------------------------------------------------
    def getAnnIds(self, imgIds: Any = (), catIds: Any = (), areaRng: Any = (),
                  iscrowd: bool | int | None = None) -> list[Id]:
        """
        Ids of the annotations that pass every given filter, in pycocotools'
        order (table order; by image in ``imgIds`` order when given).

        Args:
            imgIds: image id(s); annotations of these images.
            catIds: category id(s).
            areaRng: ``[lo, hi]``; keeps ``lo < area < hi``.
            iscrowd: keeps annotations whose ``iscrowd`` equals it (a
                missing ``iscrowd`` counts as 0, as in COCOeval).

        Raises:
            MissingFieldError: ``areaRng`` given and an annotation has no ``area``.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> coco.getAnnIds(), coco.getAnnIds(imgIds=[2, 1]), coco.getAnnIds(catIds=2, iscrowd=False)
            ([1, 2, 3], [3, 1, 2], [3])
            >>> coco.getAnnIds(areaRng=[3, 100])
            [1, 2]
        """
        img_ids, cat_ids = _as_list(imgIds), _as_list(catIds)
        area_rng = [] if areaRng is None else list(areaRng)
        anns: list[JsonDict] = list(self.index.anns.values())
        if img_ids:
            img_to_anns = self.imgToAnns
            anns = [ann for gid in img_ids for ann in img_to_anns.get(gid, ())]
        if cat_ids:
            wanted = _members(cat_ids)
            anns = [ann for ann in anns if ann.get('category_id') in wanted]
        if area_rng:
            low, high = area_rng[0], area_rng[1]
            anns = [ann for ann in anns if low < self._ann_area(ann, areaRng) < high]
        if iscrowd is not None:
            anns = [ann for ann in anns if ann.get('iscrowd', 0) == iscrowd]
        return [ann['id'] for ann in anns]

    @staticmethod
    def _ann_area(ann, area_rng):
        try:
            return ann['area']
        except KeyError:
            raise MissingFieldError(
                f"getAnnIds(areaRng={list(area_rng)!r}): annotation id={ann.get('id')!r} "
                f"has no 'area'", table='annotations', id=ann.get('id'), field='area') from None

    def getCatIds(self, catNms: Any = (), supNms: Any = (), catIds: Any = ()) -> list[Id]:
        """
        Ids of the categories (in table order) whose name is in ``catNms``,
        supercategory in ``supNms`` and id in ``catIds``; an empty filter
        is skipped.  A single name may be given as a string.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> coco.getCatIds(), coco.getCatIds(catNms='dog'), coco.getCatIds(supNms=['animal'], catIds=[1])
            ([1, 2], [2], [1])
        """
        names, supers, ids = _as_list(catNms), _as_list(supNms), _as_list(catIds)
        cats = list(self.index.cats.values())
        if names:
            cats = [cat for cat in cats if cat.get('name') in names]
        if supers:
            cats = [cat for cat in cats if cat.get('supercategory') in supers]
        if ids:
            wanted = _members(ids)
            cats = [cat for cat in cats if cat['id'] in wanted]
        return [cat['id'] for cat in cats]

    def getImgIds(self, imgIds: Any = (), catIds: Any = ()) -> list[Id]:
        """
        All image ids (table order), or, as pycocotools: ``imgIds`` (as
        given, unchecked) narrowed to the images holding every category of
        ``catIds`` (then in set order).

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> coco.getImgIds(), sorted(coco.getImgIds(catIds=[2])), coco.getImgIds(catIds=[1, 2])
            ([1, 2], [1, 2], [1])
        """
        img_ids, cat_ids = _as_list(imgIds), _as_list(catIds)
        if not img_ids and not cat_ids:
            return list(self.index.imgs)
        ids = set(img_ids)
        cat_to_imgs = self.catToImgs
        for pos, cid in enumerate(cat_ids):
            holding = set(cat_to_imgs.get(cid, ()))
            if pos == 0 and not ids:
                ids = holding
            else:
                ids &= holding
        return list(ids)

    # ---- object loads ----------------------------------------------------
    def _load(self, table, ids, method):
        lookup = getattr(self.index, INDEX_ATTR[table])
        if isinstance(ids, (str, dict)) or not (hasattr(ids, '__iter__') and hasattr(ids, '__len__')):
            ids = [ids]
        try:
            return [lookup[i] for i in ids]
        except (KeyError, TypeError):
            pass
        from xcoco.resolve import resolve_id
        found = []
        for pos, item in enumerate(ids):
            obj = lookup.get(item) if not isinstance(item, dict) and _hashable(item) else None
            if obj is None:
                obj = lookup[resolve_id(self.index, table, item, context=method, position=pos)]
            found.append(obj)
        return found

    def loadAnns(self, ids: Any = ()) -> list[JsonDict]:
        """
        The annotation dicts of one id or a list of ids.

        Raises:
            UnknownIdError: an id is not an annotation's (a KeyError).

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> [a['bbox'] for a in coco.loadAnns([3, 1])], len(coco.loadAnns(2))
            ([[0, 0, 2, 1], [1, 1, 3, 2]], 1)
            >>> try:
            ...     coco.loadAnns([1, 7])
            ... except KeyError as ex:
            ...     print(ex)
            loadAnns: no annotation with id=7
        """
        return self._load('annotations', ids, 'loadAnns')

    def loadCats(self, ids: Any = ()) -> list[JsonDict]:
        """
        The category dicts of one id or a list of ids.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> [c['name'] for c in coco.loadCats([2, 1])], coco.loadCats(1)[0]['supercategory']
            (['dog', 'cat'], 'animal')
        """
        return self._load('categories', ids, 'loadCats')

    def loadImgs(self, ids: Any = ()) -> list[JsonDict]:
        """
        The image dicts of one id or a list of ids.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> coco.loadImgs(2)[0]['width'], [img['id'] for img in coco.loadImgs([2, 1])]
            (5, [2, 1])
        """
        return self._load('images', ids, 'loadImgs')

    # ---- masks ----------------------------------------------------------
    def _ann_dims(self, ann):
        gid = ann.get('image_id')
        img = self.index.imgs.get(gid) if _hashable(gid) else None
        if img is None:
            raise UnknownIdError(
                f"annotation id={ann.get('id')!r} refers to image_id={gid!r}, which does not exist",
                table='images', key=gid)
        for field in ('height', 'width'):
            if img.get(field) is None:
                raise MissingFieldError(
                    f"image id={gid!r} has no {field!r}: annotation id={ann.get('id')!r}'s "
                    f'polygon needs the image size to become a mask', table='images', id=gid,
                    field=field)
        return int(img['height']), int(img['width'])

    def _segm_rle(self, ann: JsonDict) -> JsonDict:
        segm = ann.get('segmentation')
        if segm is None:
            raise MissingFieldError(f"annotation id={ann.get('id')!r} has no 'segmentation'",
                                    table='annotations', id=ann.get('id'), field='segmentation')
        if isinstance(segm, dict) and 'counts' in segm:
            if isinstance(segm['counts'], (str, bytes)):
                return segm  # already MS-COCO's compressed RLE
            if 'size' not in segm:
                raise GeometryError(f"annotation id={ann.get('id')!r} field segmentation: "
                                    f"an RLE needs 'size' [height, width]")
            return masks.compress_rle(segm)
        if masks.is_coco_polygons(segm):
            return masks.polygons_to_rle(masks.polygon_parts(segm), *self._ann_dims(ann))
        # kwcoco's encodings (polygon dicts with holes, WKT, mask files)
        import kwimage

        from xcoco.objects import geometry
        height, width = self._ann_dims(ann)
        geom = geometry.annotation_segmentation(ann, bundle_dpath=self.bundle_dpath)
        if geom is None:
            return masks.empty_rle(height, width)
        if isinstance(geom, kwimage.Mask):
            return masks.encode_mask(geom.to_c_mask().data)
        return masks.encode_mask(masks.rasterize(geom, height, width))

    def annToRLE(self, ann: JsonDict | Id) -> JsonDict:
        """
        The annotation's segmentation as MS-COCO's compressed RLE: polygon
        parts merged into one mask, uncompressed RLE compressed, compressed
        RLE returned as is — pycocotools' ``annToRLE``.

        With pycocotools installed the result is pycocotools' own.  Without
        it (:mod:`xcoco.compat_masks`), RLE inputs still give the same runs
        but polygons are rasterized by kwimage, which differs from
        pycocotools on boundary pixels (about 0.15% of the foreground
        pixels of MS-COCO val2014's polygons).

        Also (xcoco) ``ann`` may be an annotation id; a flat polygon and
        kwcoco's encodings (``{'exterior', 'interiors'}`` polygons with
        holes, WKT, mask files) are rasterized too.

        Raises:
            MissingFieldError: no ``segmentation``, or a polygon's image has
                no ``width`` / ``height``.
            GeometryError: a malformed segmentation.

        Example:
            >>> # xdoctest: +REQUIRES(module:pycocotools)
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> rle = coco.annToRLE(coco.anns[2])
            >>> rle['size'], rle['counts']
            ([6, 8], b'P12404')
        """
        if not isinstance(ann, dict):
            ann = self.loadAnns(ann)[0]
        return self._segm_rle(ann)

    def annToMask(self, ann: JsonDict | Id) -> np.ndarray:
        """
        The annotation's segmentation as an ``H x W`` uint8 array of 0 / 1
        (see :meth:`annToRLE` for how masks are made without pycocotools).

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> mask = coco.annToMask(coco.anns[2])
            >>> mask.shape, int(mask.sum()), mask[2:4, 5:7].tolist()
            ((6, 8), 4, [[1, 1], [1, 1]])
        """
        return masks.rle_to_mask(self.annToRLE(ann))

    # ---- results ----------------------------------------------------------
    def loadNumpyAnnotations(self, data: np.ndarray) -> list[JsonDict]:
        """
        Detections from an ``N x 7`` array of rows ``[image_id, x, y, w, h,
        score, category_id]``; box and score values stay numpy scalars of
        the array's dtype, as in pycocotools.

        Example:
            >>> import numpy as np
            >>> from xcoco.compat_dataset import COCO
            >>> dets = COCO().loadNumpyAnnotations(np.array([[1, 2, 3, 4, 5, 0.5, 7]]))
            >>> dets[0]['image_id'], [float(v) for v in dets[0]['bbox']], dets[0]['category_id']
            (1, [2.0, 3.0, 4.0, 5.0], 7)
        """
        if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[1] != 7:
            shape = getattr(data, 'shape', None)
            raise ManifestStructureError(
                f'loadNumpyAnnotations needs an N x 7 numpy array of rows [image_id, x, y, '
                f'w, h, score, category_id], got a {type(data).__name__} of shape {shape}')
        return [{'image_id': int(row[0]), 'bbox': [row[1], row[2], row[3], row[4]],
                 'score': row[5], 'category_id': int(row[6])} for row in data]

    def _read_results(self, res_file):
        if isinstance(res_file, (str, os.PathLike)):
            results = _read_json(os.fspath(res_file))
        elif isinstance(res_file, np.ndarray):
            results = self.loadNumpyAnnotations(res_file)
        else:
            results = res_file
        if not isinstance(results, list):
            hint = (" (it looks like a dataset: pass its 'annotations')"
                    if isinstance(results, dict) and 'annotations' in results else '')
            raise ManifestStructureError(
                f'loadRes needs a list of result dicts, a path to a JSON file holding one, or an '
                f'N x 7 numpy array; got a {type(results).__name__}{hint}')
        imgs = self.index.imgs
        copied = []
        for pos, res in enumerate(results):
            if not isinstance(res, dict):
                raise ManifestStructureError(
                    f'loadRes: result {pos} must be a dict, got {type(res).__name__}')
            if 'image_id' not in res:
                raise MissingFieldError(f"loadRes: result {pos} has no 'image_id'",
                                        table='results', id=pos, field='image_id')
            gid = res['image_id']
            if not _hashable(gid) or gid not in imgs:
                raise UnknownIdError(
                    f'loadRes: result {pos} has image_id={gid!r}, which is not an image of '
                    f'this dataset (results must match the ground truth images)',
                    table='images', key=gid)
            copied.append(dict(res))  # the caller's results stay as they were
        return copied

    def loadRes(self, resFile: StrPath | list[JsonDict] | np.ndarray) -> COCO:
        """
        A new :class:`COCO` of detections over this dataset's images, as
        pycocotools' ``loadRes``: results get ids 1..N and, by the kind of
        the first result, ``area`` (box area for boxes, mask area for
        segmentations, keypoint extent for keypoints), a missing ``bbox``
        or box ``segmentation``, and ``iscrowd=0``; categories and ``info``
        are copied.

        Args:
            resFile: a list of result dicts (each with ``image_id`` and
                ``bbox``, ``segmentation``, ``keypoints`` or ``caption``,
                usually ``category_id`` and ``score``), a path to a JSON
                file holding that list, or an ``N x 7`` array (see
                :meth:`loadNumpyAnnotations`).

        Unlike pycocotools (xcoco): the given dicts are not modified, an
        empty list gives a dataset with no annotations, and segmentation
        results may also be polygons or uncompressed RLE.

        Raises:
            UnknownIdError: a result's ``image_id`` is not an image here.
            MissingFieldError: a result lacks the field its kind needs.
            ManifestStructureError: not a list of dicts.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> dt = coco.loadRes([{'image_id': 2, 'category_id': 2, 'bbox': [0, 0, 2, 1], 'score': 0.8},
            ...                    {'image_id': 1, 'category_id': 1, 'bbox': [1, 1, 2, 2], 'score': 0.3}])
            >>> [(a['id'], a['area'], a['iscrowd']) for a in dt.loadAnns(dt.getAnnIds())]
            [(1, 2, 0), (2, 4, 0)]
            >>> dt.anns[1]['segmentation']
            [[0, 0, 0, 1, 2, 1, 2, 0]]
            >>> try:
            ...     coco.loadRes([{'image_id': 9, 'category_id': 1, 'bbox': [0, 0, 1, 1]}])
            ... except KeyError as ex:
            ...     print(ex)
            loadRes: result 0 has image_id=9, which is not an image of this dataset (results must match the ground truth images)
        """
        anns = self._read_results(resFile)
        manifest: JsonDict = {
            'info': copy.deepcopy(self.dataset.get('info', {})),
            'images': [dict(img) for img in self.index.imgs.values()],
        }
        first = anns[0] if anns else {}
        # pycocotools decides by the first result; an empty box does not count
        kind = next((k for k in ('caption', 'bbox', 'segmentation', 'keypoints')
                     if k in first and not (k == 'bbox' and _is_empty(first['bbox']))), None)
        if anns and kind is None:
            raise MissingFieldError(
                "loadRes: result 0 has none of 'bbox', 'segmentation', 'keypoints' or "
                "'caption', so its kind is unknown", table='results', id=0, field='bbox')
        if kind == 'caption':
            with_results = {ann['image_id'] for ann in anns}
            manifest['images'] = [img for img in manifest['images'] if img['id'] in with_results]
        else:
            manifest['categories'] = copy.deepcopy(self.dataset.get('categories', []))
        for pos, ann in enumerate(anns):
            if kind == 'bbox':
                self._fill_box_result(ann, pos)
            elif kind == 'segmentation':
                self._fill_segm_result(ann, pos)
            elif kind == 'keypoints':
                self._fill_keypoint_result(ann, pos)
            ann['id'] = pos + 1
        manifest['annotations'] = anns
        return type(self)(manifest, bundle_dpath=self.bundle_dpath)

    @staticmethod
    def _result_field(ann, pos, field):
        if field not in ann:
            raise MissingFieldError(
                f'loadRes: result {pos} has no {field!r} (the first result has one, so every '
                f'result must)', table='results', id=pos, field=field)
        return ann[field]

    def _fill_box_result(self, ann, pos):
        box = self._result_field(ann, pos, 'bbox')
        if not hasattr(box, '__len__') or len(box) != 4:
            raise GeometryError(f'loadRes: result {pos} field bbox: {box!r:.60} is not [x, y, w, h]')
        x1, y1 = box[0], box[1]
        x2, y2 = box[0] + box[2], box[1] + box[3]
        if 'segmentation' not in ann:
            ann['segmentation'] = [[x1, y1, x1, y2, x2, y2, x2, y1]]
        ann['area'] = box[2] * box[3]
        ann['iscrowd'] = 0

    def _fill_segm_result(self, ann, pos):
        segm = self._result_field(ann, pos, 'segmentation')
        if isinstance(segm, dict) and isinstance(segm.get('counts'), (str, bytes)):
            rle = segm  # MS-COCO's form of results: measured as given, as pycocotools does
        else:
            rle = self._segm_rle({**ann, 'id': f'(result {pos})'})
        ann['area'], bbox = masks.rle_area_bbox(rle)
        if 'bbox' not in ann:
            ann['bbox'] = bbox
        ann['iscrowd'] = 0

    @staticmethod
    def _fill_keypoint_result(ann, pos):
        kpts = COCO._result_field(ann, pos, 'keypoints')
        if not isinstance(kpts, (list, tuple, np.ndarray)) or len(kpts) == 0 or len(kpts) % 3:
            raise GeometryError(f'loadRes: result {pos} field keypoints: {kpts!r:.60} is not a '
                                f'non-empty flat [x, y, v, ...] list')
        xs, ys = kpts[0::3], kpts[1::3]
        x0, x1, y0, y1 = np.min(xs), np.max(xs), np.min(ys), np.max(ys)
        ann['area'] = (x1 - x0) * (y1 - y0)
        ann['bbox'] = [x0, y0, x1 - x0, y1 - y0]

    # ---- display and download ----------------------------------------------
    def showAnns(self, anns: list[JsonDict], draw_bbox: bool = False) -> int | None:
        """
        Draw annotations on the current matplotlib axes (polygons, masks,
        keypoints with their skeleton, and boxes with ``draw_bbox``), or
        print captions; returns 0 for an empty list, as pycocotools.

        Raises:
            MissingDependencyError: matplotlib is not installed.

        Example:
            >>> from xcoco.compat_dataset import COCO, _toy_manifest
            >>> coco = COCO(_toy_manifest())
            >>> coco.showAnns([])
            0
            >>> # xdoctest: +REQUIRES(module:matplotlib)
            >>> import matplotlib
            >>> matplotlib.use('agg')
            >>> coco.showAnns(coco.loadAnns(coco.getAnnIds(imgIds=1)), draw_bbox=True)
        """
        if len(anns) == 0:
            return 0
        first = anns[0]
        if 'caption' in first and 'segmentation' not in first and 'keypoints' not in first:
            for ann in anns:
                print(ann['caption'])
            return None
        if 'segmentation' not in first and 'keypoints' not in first:
            raise MissingFieldError(
                f"showAnns: annotation id={first.get('id')!r} has no 'segmentation', "
                f"'keypoints' or 'caption' to show", table='annotations', id=first.get('id'),
                field='segmentation')
        try:
            import matplotlib.pyplot as plt
            from matplotlib.collections import PatchCollection
            from matplotlib.patches import Polygon
        except ImportError:
            raise MissingDependencyError(
                'COCO.showAnns needs matplotlib: pip install matplotlib') from None
        _draw(self, anns, draw_bbox, plt, PatchCollection, Polygon)
        return None

    def download(self, tarDir: StrPath | None = None, imgIds: Any = ()) -> list[str]:
        """
        Fetch the images' ``coco_url`` files into ``tarDir`` (pycocotools'
        spelling of :meth:`xcoco.CocoDataset.download`, which see); files
        already there are kept.  Returns the local paths.

        Example:
            >>> import tempfile, pathlib
            >>> import ubelt as ub
            >>> from xcoco.compat_dataset import COCO
            >>> src = ub.Path(tempfile.mkdtemp()) / 'a.jpg'
            >>> _ = src.write_bytes(b'jpeg bytes')
            >>> coco = COCO({'images': [{'id': 1, 'file_name': 'a.jpg',
            ...                          'coco_url': pathlib.Path(src).as_uri()}]})
            >>> paths = coco.download(tempfile.mkdtemp())
            >>> ub.Path(paths[0]).read_bytes()
            b'jpeg bytes'
        """
        from xcoco.errors import FilePathError
        from xcoco.ops.download import download
        if tarDir is None:
            raise FilePathError('COCO.download needs tarDir, the folder to write images into')
        ids = _as_list(imgIds)
        return download(self, dpath=tarDir, image_ids=ids or None, verbose=0)


def _draw(coco, anns, draw_bbox, plt, PatchCollection, Polygon):
    """showAnns' drawing: translucent filled polygons and masks, keypoints, boxes."""
    ax = plt.gca()
    ax.set_autoscale_on(False)
    polygons, colors = [], []
    for ann in anns:
        color = (np.random.random(3) * 0.6 + 0.4).tolist()
        segm = ann.get('segmentation')
        if masks.is_coco_polygons(segm):
            for part in masks.polygon_parts(segm):
                polygons.append(Polygon(np.asarray(part, dtype=float).reshape(-1, 2)))
                colors.append(color)
        elif segm is not None:
            mask = coco.annToMask(ann)
            # crowds in pycocotools' fixed green, instances in a random colour
            fill = (np.array([2.0, 166.0, 101.0]) / 255 if ann.get('iscrowd', 0)
                    else np.random.random(3))
            overlay = np.empty(mask.shape + (4,))
            overlay[..., :3] = fill
            overlay[..., 3] = mask * 0.5
            ax.imshow(overlay)
        kpts = ann.get('keypoints')
        if isinstance(kpts, list) and kpts:
            cat = coco.index.cats.get(ann.get('category_id'), {})
            xs, ys, vis = (np.asarray(kpts[i::3], dtype=float) for i in range(3))
            for edge in np.asarray(cat.get('skeleton', []), dtype=int).reshape(-1, 2) - 1:
                if np.all(vis[edge] > 0):
                    plt.plot(xs[edge], ys[edge], linewidth=3, color=color)
            plt.plot(xs[vis > 0], ys[vis > 0], 'o', markersize=8, markerfacecolor=color,
                     markeredgecolor='k', markeredgewidth=2)
            plt.plot(xs[vis > 1], ys[vis > 1], 'o', markersize=8, markerfacecolor=color,
                     markeredgecolor=color, markeredgewidth=2)
        if draw_bbox and ann.get('bbox') is not None:
            x, y, w, h = ann['bbox']
            polygons.append(Polygon(np.array([[x, y], [x, y + h], [x + w, y + h], [x + w, y]])))
            colors.append(color)
    ax.add_collection(PatchCollection(polygons, facecolor=colors, linewidths=0, alpha=0.4))
    ax.add_collection(PatchCollection(polygons, facecolor='none', edgecolors=colors, linewidths=2))


def _is_empty(value) -> bool:
    return hasattr(value, '__len__') and len(value) == 0


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _read_json(fpath: str):
    import json

    import orjson
    try:
        with open(fpath, 'rb') as file:
            data = file.read()
    except FileNotFoundError:
        raise ManifestNotFoundError(f'results file does not exist: {fpath}', fpath=fpath) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data.decode('utf8'))  # also takes NaN / Infinity
    except json.JSONDecodeError as ex:
        raise MalformedJSONError(f'{fpath}: malformed JSON at line {ex.lineno} column {ex.colno}: '
                                 f'{ex.msg}', fpath=fpath, line=ex.lineno, column=ex.colno) from None
    except UnicodeDecodeError as ex:
        raise MalformedJSONError(f'{fpath}: not UTF-8 text ({ex})', fpath=fpath) from None
