"""
Vectorized views over many images, annotations, categories, videos or tracks.

A view is a list of ids plus the dataset they belong to; every property reads
the objects on demand, so a view never goes stale after an edit and costs
nothing until used.  The views only touch ``dset.index`` (``imgs``, ``anns``,
``cats``, ``videos``, ``tracks``, ``gid_to_aids``, ``vidid_to_gids``,
``trackid_to_aids``) and, for a few conveniences, ``dset.coco_image``,
``dset.get_image_fpath`` and ``dset.object_categories``; any backend whose
index offers the same mappings (the SQL one included) gets them for free.

The API follows ``kwcoco.coco_objects1d``: ``lookup`` / ``get`` / ``set``,
``take`` / ``compress`` / ``peek``, id properties, ``boxes``, ``detections``,
and grouping properties that return :class:`AnnotGroups` / :class:`ImageGroups`.
Columns that are naturally numeric (``boxes``) are built straight into numpy.
The grouped views and lazy sequences live in :mod:`xcoco.objects.groups`,
the generic base :class:`ObjectList1D` in :mod:`xcoco.objects.list1d`.

Example:
    >>> import xcoco
    >>> annots = xcoco.CocoDataset.demo('shapes2').annots([1, 2])
    >>> annots.cnames, annots.boxes.to_ltrb().data.tolist()
    (['eff', 'superstar'], [[318.0, 266.0, 371.0, 355.0], [283.0, 418.0, 401.0, 535.0]])
"""
from __future__ import annotations

import itertools as it
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import ubelt as ub

from xcoco.errors import FieldTypeError, GeometryError, UnknownIdError
from xcoco.manifest.assets import known_dsize
from xcoco.objects.category_tree import check_category_links
from xcoco.objects.geometry import detections_from_annots
from xcoco.objects.groups import (
    AnnotGroups,
    CocoImageView,
    ImageGroups,
    ObjectGroups,
    ObjView,
)
from xcoco.objects.list1d import ObjectList1D
from xcoco.types import Id

if TYPE_CHECKING:
    import kwimage
    import numpy as np

    from xcoco.objects.image import CocoImage
    from xcoco.query import Queryable

__all__ = [
    'AnnotGroups', 'Annots', 'Categories', 'CocoImageView', 'ImageGroups', 'Images',
    'ObjView', 'ObjectGroups', 'ObjectList1D', 'Tracks', 'Videos',
]

NoParam = ub.NoParam

class Categories(ObjectList1D):
    """
    A view of categories.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> cids = [dset.add_category('dog', supercategory='animal'), dset.add_category('car')]
        >>> cats = Categories(cids, dset)
        >>> cats.cids, cats.name, cats.supercategory
        ([1, 2], ['dog', 'car'], ['animal', None])
    """

    def __init__(self, ids: Iterable[Id], dset: Queryable) -> None:
        super().__init__(ids, dset, 'categories')

    @property
    def cids(self) -> list[Id]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().cids
        [0, 3, 6, 7]
        """
        return self._ids

    @property
    def name(self) -> list[str]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().name
        ['background', 'star', 'superstar', 'eff']
        """
        return self.lookup('name')

    @property
    def supercategory(self) -> list[str | None]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().supercategory
        [None, 'vector', 'raster', 'raster']
        """
        return self.lookup('supercategory', default=None)


class Videos(ObjectList1D):
    """
    A view of videos.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> vid = dset.add_video('v1')
        >>> g2 = dset.add_image(file_name='b.png', video_id=vid, frame_index=1)
        >>> g1 = dset.add_image(file_name='a.png', video_id=vid, frame_index=0)
        >>> videos = Videos([vid], dset)
        >>> print(videos.images)
        <ImageGroups(n=1, m=2.0, s=0.0)>
        >>> videos.images[0].lookup('frame_index')
        [0, 1]
    """

    def __init__(self, ids: Iterable[Id], dset: Queryable) -> None:
        super().__init__(ids, dset, 'videos')

    @property
    def images(self) -> ImageGroups:
        """The frames of each video, in frame order, as :class:`ImageGroups`.
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').videos().images[0].gids
        [1, 2]
        """
        lut = self._dset.index.vidid_to_gids
        return ImageGroups([Images(list(lut.get(vid, ())), self._dset)
                            for vid in self._ids], self._dset)


class Images(ObjectList1D):
    """
    A view of images.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image(file_name='a.png', width=4, height=3)
        >>> images = Images([gid, gid], dset)
        >>> images.gids, images.area, images.n_annots, images.annots[0].aids
        ([1, 1], [12, 12], [0, 0], [])
    """

    def __init__(self, ids: Iterable[Id], dset: Queryable) -> None:
        super().__init__(ids, dset, 'images')

    def coco_images_iter(self) -> Iterator[CocoImage]:
        """
        Iterate :class:`CocoImage` objects, built one at a time.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png', width=4, height=3)
            >>> [coco_img['file_name'] for coco_img in Images([gid], dset).coco_images_iter()]
            ['a.png']
        """
        return map(self._dset.coco_image, self._ids)

    @property
    def coco_images(self) -> CocoImageView:
        """:class:`CocoImage` objects as a lazy sequence.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().coco_images[0]['id']
        1
        """
        return CocoImageView(self._dset.coco_image, self._ids)

    @property
    def gids(self) -> list[Id]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gids
        [1, 2]
        """
        return self._ids

    image_id = gids

    @property
    def gname(self) -> list[str]:
        """The ``file_name`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gname
        ['_assets/images/img_00001.png', '_assets/images/img_00002.png']
        """
        return self.lookup('file_name')

    @property
    def image_name(self) -> list[str | None]:
        """The ``name`` of each image, or its ``file_name`` when it has none.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().image_name
        ['img_00001', 'img_00002']
        """
        return [img.get('name', None) or img.get('file_name', None)
                for img in self._objs_iterable()]

    @property
    def gpath(self) -> list[str]:
        """The full path (a str) of each image's file, resolved against the bundle.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gpath[0].endswith('00001.png')
        True
        """
        return [os.fspath(self._dset.get_image_fpath(gid)) for gid in self._ids]

    image_path = gpath

    @property
    def width(self) -> list[int]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().width
        [600, 600]
        """
        return self.lookup('width')

    @property
    def height(self) -> list[int]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().height
        [600, 600]
        """
        return self.lookup('height')

    @property
    def size(self) -> list[tuple[int, int]]:
        """``(width, height)`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().size
        [(600, 600), (600, 600)]
        """
        return list(zip(self.lookup('width'), self.lookup('height')))

    @property
    def area(self) -> list[int]:
        """``width * height`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().area
        [360000, 360000]
        """
        self.lookup('width'), self.lookup('height')  # a missing size is a MissingFieldError
        out = []
        for img in self._objs_iterable():
            dsize = known_dsize(img)
            if dsize is None:
                raise FieldTypeError(f"image id={img['id']!r} has a null width or height",
                                     table='images', id=img['id'], field='width')
            out.append(dsize[0] * dsize[1])
        return out

    @property
    def n_annots(self) -> list[int]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().n_annots
        [6, 5]
        """
        lut = self._dset.index.gid_to_aids
        return [len(lut.get(gid, ())) for gid in self._ids]

    @property
    def aids(self) -> list[set[Id]]:
        """The set of annotation ids of each image (copies, safe to edit).
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().aids
        [{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11}]
        """
        lut = self._dset.index.gid_to_aids
        return [set(lut.get(gid, ())) for gid in self._ids]

    @property
    def annots(self) -> AnnotGroups:
        """The annotations of each image, by ascending id, as :class:`AnnotGroups`.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().annots[1].aids
        [7, 8, 9, 10, 11]
        """
        lut = self._dset.index.gid_to_aids
        dset = self._dset
        return AnnotGroups([Annots(sorted(lut.get(gid, ())), dset)
                            for gid in self._ids], dset)


class Annots(ObjectList1D):
    """
    A view of annotations.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> cid = dset.add_category('cat')
        >>> gid = dset.add_image(file_name='a.png', width=10, height=10)
        >>> aid = dset.add_annotation(gid, cid, bbox=[1, 2, 3, 4])
        >>> annots = Annots([aid, aid], dset)
        >>> annots.aids, annots.gids, annots.cids, annots.cnames, annots.boxes.data.shape
        ([1, 1], [1, 1], [1, 1], ['cat', 'cat'], (2, 4))
    """

    def __init__(self, ids: Iterable[Id], dset: Queryable) -> None:
        super().__init__(ids, dset, 'annotations')

    @property
    def aids(self) -> list[Id]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([3, 1]).aids
        [3, 1]
        """
        return self._ids

    @property
    def images(self) -> Images:
        """The image of each annotation (repeats kept) as :class:`Images`.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 2, 7]).images.gids
        [1, 1, 2]
        """
        return Images(self.gids, self._dset)

    @property
    def image_id(self) -> list[Id]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 7]).image_id
        [1, 2]
        """
        return self.lookup('image_id')

    gids = image_id

    @property
    def category_id(self) -> list[Id | None]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 2, 9]).category_id
        [7, 6, 3]
        """
        return self.lookup('category_id')

    cids = category_id

    @property
    def cnames(self) -> list[str | None]:
        """The category name of each annotation (None where it has none).
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 2, 9]).cnames
        ['eff', 'superstar', 'star']
        """
        cats = self._dset.index.cats
        names = {}
        out = []
        for cid in self.lookup('category_id', default=None):
            name = names.get(cid, NoParam)
            if name is NoParam:
                name = None if cid is None else _category_name(cats, cid)
                names[cid] = name
            out.append(name)
        return out

    category_names = cnames

    @property
    def detections(self) -> kwimage.Detections:
        """
        The annotations as one :class:`kwimage.Detections`.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('cat')
            >>> gid = dset.add_image(file_name='a.png', width=10, height=10)
            >>> aid = dset.add_annotation(gid, cid, bbox=[1, 2, 3, 4])
            >>> dets = Annots([aid], dset).detections
            >>> dets.boxes.to_xywh().data.tolist()
            [[1.0, 2.0, 3.0, 4.0]]
            >>> line_aid = dset.add_annotation(gid, cid, line=[2, 2, 6, 8])
            >>> Annots([line_aid], dset).detections.boxes.to_xywh().data.tolist()
            [[2.0, 2.0, 4.0, 6.0]]
            >>> pid = dset.add_category('person', supercategory='person', keypoints=['nose'])
            >>> _ = dset.add_keypoint_categories(['nose'])
            >>> kp_aid = dset.add_annotation(gid, pid, bbox=[0, 0, 2, 2], keypoints=[1, 1, 2])
            >>> len(Annots([kp_aid], dset).detections)  # kwimage alone loops forever here
            1
        """
        dset = self._dset
        # kwimage needs a box on every annotation (kwcoco fails on its own
        # demo's line- and keypoint-only annotations); one is derived from
        # the geometry for those, NaN when there is none
        objs = [ann if ann.get('bbox') is not None else _with_derived_box(ann)
                for ann in self._objs_iterable()]
        # Categories come through the read surface, not dset.dataset (which
        # kwimage would read given dset=), so any backend can draw.
        kp_classes = dset.keypoint_categories()
        return detections_from_annots(
            objs, cats=_acyclic_categories(dset.index.cats.values()),
            classes=dset.object_categories(),
            kp_classes=kp_classes if len(kp_classes) else None)

    @property
    def boxes(self) -> kwimage.Boxes:
        """
        The ``bbox`` of each annotation as ``kwimage.Boxes`` (xywh, float64).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png', width=10, height=10)
            >>> aid = dset.add_annotation(gid, bbox=[1, 2, 3, 4])
            >>> boxes = Annots([aid], dset).boxes
            >>> boxes.format, boxes.data.tolist()
            ('xywh', [[1.0, 2.0, 3.0, 4.0]])
        """
        import kwimage
        return kwimage.Boxes(self._bbox_array(), 'xywh')

    def _bbox_array(self) -> np.ndarray:
        column = getattr(self._id_to_obj, 'bbox_array', None)
        if column is not None:
            # a columnar backend (frozen) hands over its bbox column; None
            # when a box is missing or malformed, named by the path below
            boxes = column(self._ids)
            if boxes is not None:
                return boxes
        # a repeat read of a whole table is served from the index's column
        # cache once every box is proven unchanged (xcoco.index.columns)
        from xcoco.index.columns import cached_bbox_array
        return cached_bbox_array(self._dset.index, self._ids,
                                 lambda: self._values('bbox'), self._bboxes_to_array)

    def _bboxes_to_array(self, bboxes: list) -> np.ndarray:
        import numpy as np
        n = len(bboxes)
        # Flattening into fromiter is ~2.5x faster than np.array(list of
        # lists) at 860k boxes; the length check keeps one malformed box from
        # silently shifting every later row.
        try:
            if n and set(map(len, bboxes)) == {4}:
                flat = np.fromiter(it.chain.from_iterable(bboxes), dtype=np.float64,
                                   count=4 * n)
                return flat.reshape(n, 4)
        except (TypeError, ValueError):
            pass
        if n == 0:
            return np.zeros((0, 4), dtype=np.float64)
        for aid, bbox in zip(self._ids, bboxes):
            try:
                ok = np.asarray(bbox, dtype=np.float64).shape == (4,)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise GeometryError(
                    f"annotation id={aid!r} field 'bbox': {bbox!r:.80} is not "
                    '[x, y, w, h] with 4 numbers')
        return np.array(bboxes, dtype=np.float64)

    @property
    def xywh(self) -> list[list[float]]:
        """The raw ``bbox`` lists (kwcoco's deprecated spelling of ``lookup('bbox')``).
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1]).xywh
        [[318, 266, 53, 89]]
        """
        return self.lookup('bbox')


def _category_name(cats, cid):
    cat = cats.get(cid, None)
    if cat is None:
        raise UnknownIdError(f'an annotation refers to category_id={cid!r}, '
                             'which is not in the dataset', table='categories', key=cid)
    return cat.get('name')


class Tracks(ObjectList1D):
    """
    A view of tracks.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> tid = dset.add_track('t1')
        >>> gid = dset.add_image(file_name='a.png', width=10, height=10)
        >>> aid = dset.add_annotation(gid, bbox=[1, 2, 3, 4], track_id=tid)
        >>> tracks = Tracks([tid], dset)
        >>> tracks.track_ids, tracks.name, tracks.annots[0].aids
        ([1], ['t1'], [1])
    """

    def __init__(self, ids: Iterable[Id], dset: Queryable) -> None:
        super().__init__(ids, dset, 'tracks')

    @property
    def track_ids(self) -> list[Id]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().track_ids
        [1, 2]
        """
        return self._ids

    @property
    def name(self) -> list[str]:
        """
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().name
        ['track_001', 'track_002']
        """
        return self.lookup('name')

    @property
    def annots(self) -> AnnotGroups:
        """The annotations of each track, in frame order, as :class:`AnnotGroups`.
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().annots[0].aids
        [1, 3]
        """
        lut = self._dset.index.trackid_to_aids
        return AnnotGroups([Annots(list(lut.get(tid, ())), self._dset)
                            for tid in self._ids], self._dset)


def _with_derived_box(ann):
    """A shallow copy of ``ann`` with the box around its geometry (or NaNs)."""
    import numpy as np
    xs, ys = [], []
    for field, points in (('line', _line_points), ('keypoints', _keypoint_points)):
        if ann.get(field):
            try:
                pts = [(float(x), float(y)) for x, y in points(ann[field])]
            except (TypeError, ValueError, KeyError, IndexError) as ex:
                raise GeometryError(
                    f'annotation id={ann.get("id")!r} field {field!r}: '
                    f'{ann[field]!r:.80} holds no readable points ({type(ex).__name__})') from None
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
    if ann.get('segmentation') is not None and not xs:
        import kwimage
        try:
            box = kwimage.Segmentation.coerce(ann['segmentation']).to_multi_polygon().box()
            return {**ann, 'bbox': box.to_xywh().data.tolist()}
        except Exception:
            pass  # detections_from_annots names the segmentation if it is unreadable
    if xs:
        x0, y0 = min(xs), min(ys)
        return {**ann, 'bbox': [x0, y0, max(xs) - x0, max(ys) - y0]}
    return {**ann, 'bbox': [np.nan] * 4}


def _line_points(line):
    return zip(line[0::2], line[1::2], strict=True)


def _keypoint_points(kpts):
    if isinstance(kpts[0], dict):
        return [kp['xy'] for kp in kpts if 'xy' in kp]
    return [kpts[i:i + 2] for i in range(0, len(kpts) - 2, 3) if kpts[i + 2] > 0]


def _acyclic_categories(cats):
    """
    The categories with every ``supercategory`` link that closes a loop
    dropped (MS-COCO's 'person' names itself), and every ``keypoints: null``
    dropped: kwimage follows the links to find keypoint names, stops at the
    first category holding the key, and would never stop on either.
    """
    cats = list(cats)
    for cat in cats:
        check_category_links(cat)
    parent = {cat.get('name'): cat.get('supercategory') for cat in cats}
    looping = set()
    for cat in cats:
        seen = {cat.get('name')}
        name = parent.get(cat.get('name'))
        while name is not None and name in parent:
            if name in seen:
                looping.add(cat.get('name'))
                break
            seen.add(name)
            name = parent[name]
    return [{k: v for k, v in cat.items()
             if not (k == 'supercategory' and cat.get('name') in looping
                     or k == 'keypoints' and v is None)}
            if cat.get('name') in looping or ('keypoints' in cat and cat['keypoints'] is None)
            else cat for cat in cats]
