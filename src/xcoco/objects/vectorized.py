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
The grouped views and lazy sequences live in :mod:`xcoco.objects.groups`.

Example:
    >>> import xcoco
    >>> annots = xcoco.CocoDataset.demo('shapes2').annots([1, 2])
    >>> annots.cnames, annots.boxes.to_ltrb().data.tolist()
    (['eff', 'superstar'], [[318.0, 266.0, 371.0, 355.0], [283.0, 418.0, 401.0, 535.0]])
"""
import itertools as it
import operator
import os
from collections import defaultdict

import ubelt as ub

from xcoco.errors import (AddError, GeometryError, InvalidIdError, MissingFieldError,
                          UnknownIdError)
from xcoco.tables import INDEX_ATTR, NOUN
from xcoco.objects.groups import (  # NOQA: re-exported; groups never imports us at load
    AnnotGroups, CocoImageView, ImageGroups, ObjectGroups, ObjView,
)

__all__ = [
    'AnnotGroups', 'Annots', 'Categories', 'CocoImageView', 'ImageGroups', 'Images',
    'ObjView', 'ObjectGroups', 'ObjectList1D', 'Tracks', 'Videos',
]

NoParam = ub.NoParam

def _is_scalar(value):
    """Values that ``set`` broadcasts instead of zipping (strings included)."""
    return isinstance(value, (str, bytes, dict)) or not hasattr(value, '__iter__')


class ObjectList1D(ub.NiceRepr):
    """
    An ordered list of ids of one table, with column-wise accessors.

    Args:
        ids (Iterable): ids of objects in ``dset``'s table ``key``.
        dset (CocoDataset): the dataset the ids belong to.
        key (str): the manifest table, e.g. ``'images'``.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gids = [dset.add_image(file_name=f'{i}.png', width=i) for i in range(1, 4)]
        >>> view = ObjectList1D(gids, dset, 'images')
        >>> len(view), view.lookup('width'), view[1:].ids
        (3, [1, 2, 3], [2, 3])
    """

    def __init__(self, ids, dset, key):
        self._key = key
        self._ids = ids if isinstance(ids, list) else list(ids)
        self._dset = dset

    def __nice__(self):
        return f'num={len(self)}'

    def __iter__(self):
        return iter(self._ids)

    def __len__(self):
        return len(self._ids)

    @property
    def _id_to_obj(self):
        return getattr(self._dset.index, INDEX_ATTR[self._key])

    def _new(self, ids):
        # Subclasses take (ids, dset); the base class also needs the table.
        if type(self) is ObjectList1D:
            return ObjectList1D(ids, self._dset, self._key)
        return type(self)(ids, self._dset)

    def __getitem__(self, index):
        """
        An id for an integer index, a view of the same kind for a slice.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(3)]
            >>> images = Images(gids, dset)
            >>> images[-1] == gids[-1], str(images[::2])
            (True, '<Images(num=2)>')
        """
        if isinstance(index, slice):
            return self._new(self._ids[index])
        return self._ids[index]

    @property
    def ids(self):
        """
        The ids, in view order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> Images([dset.add_image(file_name='a.png')], dset).ids
            [1]
        """
        return self._ids

    def unique(self):
        """
        A view without repeated ids, keeping first occurrences in order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> print(Images([gid, gid, gid], dset).unique())
            <Images(num=1)>
        """
        return self._new(list(dict.fromkeys(self._ids)))

    def _objs_iterable(self):
        """
        Iterate the objects, taking the id-free fast path for whole tables.

        Walking ``lut.values()`` instead of one hash lookup per id is 2-3x
        faster at COCO scale (random access into an 860k-entry dict misses
        the cache); it is only valid when the view is the whole table in
        table order, which is what ``dset.annots()`` and friends produce.
        """
        lut = self._id_to_obj
        ids = self._ids
        if len(ids) > 1000 and len(ids) == len(lut):
            values = getattr(lut, 'values', None)
            if values is not None and ids == list(lut):
                return values()
        return map(lut.__getitem__, ids)

    def objs_iter(self):
        """
        Iterate the object dicts.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> [img['file_name'] for img in Images([gid], dset).objs_iter()]
            ['a.png']
        """
        return iter(self._objs_iterable())

    @property
    def objs(self):
        """
        The object dicts as a lazy sequence.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> Images([gid], dset).objs[0]['file_name']
            'a.png'
        """
        return ObjView(self._id_to_obj, self._ids)

    def take(self, idxs):
        """
        A view of the ids at the given positions.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(4)]
            >>> Images(gids, dset).take([3, 0]).ids
            [4, 1]
        """
        ids = self._ids
        return self._new([ids[i] for i in idxs])

    def compress(self, flags):
        """
        A view of the ids whose flag is true.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(4)]
            >>> Images(gids, dset).compress([True, False, False, True]).ids
            [1, 4]
        """
        return self._new(list(it.compress(self._ids, flags)))

    def peek(self):
        """
        The first object dict (``StopIteration`` on an empty view, as kwcoco).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> Images([gid], dset).peek()['file_name']
            'a.png'
        """
        if not self._ids:
            raise StopIteration(f'peek on an empty {type(self).__name__} view')
        return self._id_to_obj[self._ids[0]]

    def lookup(self, key, default=NoParam, keepid=False):
        """
        Values of one field (a list) or of several fields (a dict of lists).

        Args:
            key (str | Iterable[str]): field name(s).
            default: value for objects without the field; when not given a
                missing field raises :class:`MissingFieldError` (a KeyError).
            keepid (bool): return ``{id: value}`` instead of a list.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> g1 = dset.add_image(file_name='a.png', width=4, height=3)
            >>> g2 = dset.add_image(file_name='b.png', width=5, height=6)
            >>> images = Images([g1, g2], dset)
            >>> images.lookup('width'), images.lookup('width', keepid=True)
            ([4, 5], {1: 4, 2: 5})
            >>> images.lookup(['width', 'height'])
            {'width': [4, 5], 'height': [3, 6]}
            >>> images.lookup('missing', default=0)
            [0, 0]
        """
        if isinstance(key, str):
            return self.get(key, default=default, keepid=keepid)
        return {k: self.get(k, default=default, keepid=keepid) for k in key}

    def get(self, key, default=NoParam, keepid=False):
        """
        Values of one field, in view order (see :meth:`lookup`).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> images = Images([gid], dset)
            >>> images.get('file_name'), images.get('width', None)
            (['a.png'], [None])
            >>> try:
            ...     images.get('width')
            ... except KeyError as ex:
            ...     print(ex)
            image id=1 has no field 'width' (pass default= to fill missing values)
        """
        values = self._values(key, default)
        if keepid:
            return dict(zip(self._ids, values))
        return values

    def _values(self, key, default=NoParam):
        objs = self._objs_iterable()
        if default is NoParam:
            try:
                return list(map(operator.itemgetter(key), objs))
            except (KeyError, TypeError):
                self._raise_missing(key)
        return [obj.get(key, default) for obj in objs]

    def _raise_missing(self, key):
        """Name the first id or field that made a column lookup fail."""
        lut = self._id_to_obj
        noun = NOUN[self._key]
        for pos, id_ in enumerate(self._ids):
            try:
                obj = lut.get(id_, None)
            except TypeError:
                raise InvalidIdError(
                    f'{id_!r:.60} (position {pos} of this view) is a '
                    f'{type(id_).__name__}, not {noun} id') from None
            if obj is None:
                raise UnknownIdError(f'no {noun} with id={id_!r} in this dataset',
                                     table=self._key, key=id_)
            if key not in obj:
                raise MissingFieldError(
                    f'{noun} id={id_!r} has no field {key!r} '
                    '(pass default= to fill missing values)',
                    table=self._key, id=id_, field=key)
        raise MissingFieldError(f'cannot read field {key!r} of {noun}s',
                                table=self._key, field=key)

    def get_iter(self, key, default=NoParam):
        """
        Iterate the values of one field.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> list(Images([gid], dset).get_iter('file_name'))
            ['a.png']
        """
        lut = self._id_to_obj
        for id_ in self._ids:
            obj = lut[id_]
            if default is NoParam:
                if key not in obj:
                    self._raise_missing(key)
                yield obj[key]
            else:
                yield obj.get(key, default)

    def sort_values(self, by, reverse=False, key=None):
        """
        A view ordered by the values of field ``by`` (stable).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=n) for n in ['c', 'a', 'b']]
            >>> Images(gids, dset).sort_values('file_name').lookup('file_name')
            ['a', 'b', 'c']
        """
        values = self.lookup(by)
        if key is None:
            order = sorted(range(len(values)), key=values.__getitem__, reverse=reverse)
        else:
            order = sorted(range(len(values)), key=lambda i: key(values[i]),
                           reverse=reverse)
        return self.take(order)

    def set(self, key, values):
        """
        Assign field ``key`` on every object: one value for all, or one each.

        Fields the index is built from (``image_id``, ``category_id``,
        ``track_id``, ``video_id``, ``frame_index``, names and file names)
        are checked first and the index follows the change; ``id`` cannot be
        set.  A refused set changes nothing.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(2)]
            >>> images = Images(gids, dset)
            >>> images.set('split', 'train')
            >>> images.set('weight', [0.5, 2.0])
            >>> images.lookup(['split', 'weight'])
            {'split': ['train', 'train'], 'weight': [0.5, 2.0]}
            >>> images.set('file_name', ['a.png', 'b.png'])
            >>> dset.index.file_name_to_img['b.png']['id']
            2
        """
        if _is_scalar(values):
            values = [values] * len(self._ids)
        else:
            values = list(values)
            if len(values) != len(self._ids):
                raise AddError(
                    f'cannot set field {key!r} on {len(self._ids)} {NOUN[self._key]}s '
                    f'from {len(values)} values (expected one value or '
                    f'{len(self._ids)})')
        from xcoco.index.fields import set_field
        set_field(self._dset, self._key, self._ids, key, values)

    def _lookup(self, key, default=NoParam):
        return self.get(key, default=default)

    def attribute_frequency(self):
        """
        How many objects carry each field.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> g1 = dset.add_image(file_name='a.png', width=3)
            >>> g2 = dset.add_image(file_name='b.png')
            >>> freq = Images([g1, g2], dset).attribute_frequency()
            >>> freq['file_name'], freq['width'], freq['nope']
            (2, 1, 0)
        """
        freq = defaultdict(int)
        for obj in self._objs_iterable():
            for k in obj:
                freq[k] += 1
        return freq


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

    def __init__(self, ids, dset):
        super().__init__(ids, dset, 'categories')

    @property
    def cids(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().cids
        [1, 2, 3]
        """
        return self._ids

    @property
    def name(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().name
        ['star', 'superstar', 'eff']
        """
        return self.lookup('name')

    @property
    def supercategory(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').categories().supercategory
        ['vector', 'raster', 'raster']
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

    def __init__(self, ids, dset):
        super().__init__(ids, dset, 'videos')

    @property
    def images(self):
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

    def __init__(self, ids, dset):
        super().__init__(ids, dset, 'images')

    def coco_images_iter(self):
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
    def coco_images(self):
        """:class:`CocoImage` objects as a lazy sequence.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().coco_images[0]['id']
        1
        """
        return CocoImageView(self._dset.coco_image, self._ids)

    @property
    def gids(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gids
        [1, 2]
        """
        return self._ids

    image_id = gids

    @property
    def gname(self):
        """The ``file_name`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gname
        ['_assets/images/img_00001.png', '_assets/images/img_00002.png']
        """
        return self.lookup('file_name')

    @property
    def image_name(self):
        """The ``name`` of each image, or its ``file_name`` when it has none.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().image_name
        ['img_00001', 'img_00002']
        """
        return [img.get('name', None) or img.get('file_name', None)
                for img in self._objs_iterable()]

    @property
    def gpath(self):
        """The full path (a str) of each image's file, resolved against the bundle.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().gpath[0].endswith('00001.png')
        True
        """
        return [os.fspath(self._dset.get_image_fpath(gid)) for gid in self._ids]

    image_path = gpath

    @property
    def width(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().width
        [600, 600]
        """
        return self.lookup('width')

    @property
    def height(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().height
        [600, 600]
        """
        return self.lookup('height')

    @property
    def size(self):
        """``(width, height)`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().size
        [(600, 600), (600, 600)]
        """
        return [(img['width'], img['height']) for img in self._objs_iterable()]

    @property
    def area(self):
        """``width * height`` of each image.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().area
        [360000, 360000]
        """
        return [img['width'] * img['height'] for img in self._objs_iterable()]

    @property
    def n_annots(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().n_annots
        [6, 5]
        """
        lut = self._dset.index.gid_to_aids
        return [len(lut.get(gid, ())) for gid in self._ids]

    @property
    def aids(self):
        """The set of annotation ids of each image (copies, safe to edit).
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').images().aids
        [{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11}]
        """
        lut = self._dset.index.gid_to_aids
        return [set(lut.get(gid, ())) for gid in self._ids]

    @property
    def annots(self):
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

    def __init__(self, ids, dset):
        super().__init__(ids, dset, 'annotations')

    @property
    def aids(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([3, 1]).aids
        [3, 1]
        """
        return self._ids

    @property
    def images(self):
        """The image of each annotation (repeats kept) as :class:`Images`.
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 2, 7]).images.gids
        [1, 1, 2]
        """
        return Images(self.gids, self._dset)

    @property
    def image_id(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 7]).image_id
        [1, 2]
        """
        return self.lookup('image_id')

    gids = image_id

    @property
    def category_id(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('shapes2').annots([1, 2, 9]).category_id
        [3, 2, 1]
        """
        return self.lookup('category_id')

    cids = category_id

    @property
    def cnames(self):
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
    def detections(self):
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
        """
        import kwimage
        dset = self._dset
        objs = list(self._objs_iterable())
        # Categories come through the read surface, not dset.dataset (which
        # kwimage would read given dset=), so any backend can draw.
        kp_classes = dset.keypoint_categories()
        return kwimage.Detections.from_coco_annots(
            objs, cats=list(dset.index.cats.values()),
            classes=dset.object_categories(),
            kp_classes=kp_classes if len(kp_classes) else None)

    @property
    def boxes(self):
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

    def _bbox_array(self):
        import numpy as np
        bboxes = self._values('bbox')
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
    def xywh(self):
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
    return cat['name']


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

    def __init__(self, ids, dset):
        super().__init__(ids, dset, 'tracks')

    @property
    def track_ids(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().track_ids
        [1, 2]
        """
        return self._ids

    @property
    def name(self):
        """
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().name
        ['track_001', 'track_002']
        """
        return self.lookup('name')

    @property
    def annots(self):
        """The annotations of each track, in frame order, as :class:`AnnotGroups`.
        >>> import xcoco; xcoco.CocoDataset.demo('vidshapes1').tracks().annots[0].aids
        [1, 3]
        """
        lut = self._dset.index.trackid_to_aids
        return AnnotGroups([Annots(list(lut.get(tid, ())), self._dset)
                            for tid in self._ids], self._dset)
