"""
Containers over views: the lazy sequences behind ``objs`` / ``coco_images``
and the grouped views (:class:`ImageGroups`, :class:`AnnotGroups`) that
``Videos.images``, ``Images.annots`` and ``Tracks.annots`` return.

Nothing here needs the table views at import time: ``vectorized`` imports this
module, and the two places that build a view from ids (``_cls1d``) import
:class:`Images` / :class:`Annots` when called.  Every name is also importable
from :mod:`xcoco.objects.vectorized` and :mod:`xcoco.coco_objects1d`.

Example:
    >>> import xcoco
    >>> dset = xcoco.CocoDataset()
    >>> gid = dset.add_image('a.png', width=4, height=3)
    >>> print(dset.images([gid]).annots)
    <AnnotGroups(n=1, m=0.0, s=0.0)>
"""
import itertools as it
import math
from collections.abc import Sequence

import ubelt as ub

__all__ = [
    'AnnotGroups',
    'CocoImageView',
    'ImageGroups',
    'ObjView',
    'ObjectGroups',
]

NoParam = ub.NoParam


class ObjView(Sequence):
    """
    A lazy sequence of the object dicts behind a list of ids.

    Example:
        >>> view = ObjView({1: {'id': 1}, 2: {'id': 2}}, [2, 1])
        >>> len(view), view[0], view[0:1]
        (2, {'id': 2}, [{'id': 2}])
    """

    def __init__(self, id_to_obj, ids):
        self._id_to_obj = id_to_obj
        self._ids = ids

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._id_to_obj[i] for i in self._ids[index]]
        return self._id_to_obj[self._ids[index]]

    def __len__(self):
        return len(self._ids)

    def __iter__(self):
        return map(self._id_to_obj.__getitem__, self._ids)

    def __repr__(self):
        return f'<{type(self).__name__}(num={len(self)})>'


class CocoImageView(Sequence):
    """
    A lazy sequence of :class:`CocoImage` objects, built on access.

    Example:
        >>> view = CocoImageView(lambda gid: f'image {gid}', [3, 5])
        >>> len(view), view[1], list(view)
        (2, 'image 5', ['image 3', 'image 5'])
    """

    def __init__(self, getter, ids):
        self._getter = getter
        self._ids = ids

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._getter(i) for i in self._ids[index]]
        return self._getter(self._ids[index])

    def __len__(self):
        return len(self._ids)

    def __iter__(self):
        return map(self._getter, self._ids)

    def __repr__(self):
        return f'<{type(self).__name__}(num={len(self)})>'


class ObjectGroups(ub.NiceRepr):
    """
    A list of views of one kind, e.g. the annotations of each image.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> from xcoco.objects.vectorized import Images
        >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(3)]
        >>> groups = ObjectGroups([Images(gids[:1], dset), Images(gids[1:], dset)], dset)
        >>> print(groups, groups[1])
        <ObjectGroups(n=2, m=1.5, s=0.5)> <Images(num=2)>
        >>> groups.lookup('file_name')
        [['0.png'], ['1.png', '2.png']]
    """

    def __init__(self, groups, dset):
        self._groups = groups
        self._dset = dset

    def _lookup(self, key):
        return [group.lookup(key) for group in self._groups]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(self._groups[index], self._dset)
        return self._groups[index]

    def __iter__(self):
        return iter(self._groups)

    def __len__(self):
        return len(self._groups)

    def lookup(self, key, default=NoParam):
        """
        Values of one field per group.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> from xcoco.objects.vectorized import Images
            >>> gid = dset.add_image(file_name='a.png')
            >>> ImageGroups([Images([gid], dset)], dset).lookup('width', default=-1)
            [[-1]]
        """
        return [group.lookup(key, default=default) for group in self._groups]

    def flatten(self):
        """
        One view holding every group's ids in order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> from xcoco.objects.vectorized import Images
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(3)]
            >>> groups = ImageGroups([Images(gids[:1], dset), Images(gids[1:], dset)], dset)
            >>> groups.flatten().ids
            [1, 2, 3]
        """
        ids = list(it.chain.from_iterable(g.ids for g in self._groups))
        if self._groups:
            return type(self._groups[0])(ids, self._dset)
        return self._cls1d(ids, self._dset)

    @staticmethod
    def _cls1d(ids, dset):
        raise NotImplementedError('use ImageGroups or AnnotGroups to flatten an empty group list')

    def __nice__(self):
        lens = [len(g) for g in self._groups]
        n = len(lens)
        if n == 0:
            return 'n=0, m=nan, s=nan'
        mean = sum(lens) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in lens) / n)
        return f'n={n}, m={mean:.1f}, s={std:.1f}'


class AnnotGroups(ObjectGroups):
    """
    Annotations grouped (per image, per track).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> cid = dset.add_category('cat')
        >>> gid = dset.add_image(file_name='a.png', width=10, height=10)
        >>> aid = dset.add_annotation(gid, cid, bbox=[1, 2, 3, 4])
        >>> from xcoco.objects.vectorized import Annots
        >>> groups = AnnotGroups([Annots([aid], dset), Annots([], dset)], dset)
        >>> groups.cids, groups.cnames
        ([[1], []], [['cat'], []])
        >>> print(groups.flatten())
        <Annots(num=1)>
    """

    @staticmethod
    def _cls1d(ids, dset):
        from xcoco.objects.vectorized import Annots
        return Annots(ids, dset)

    @property
    def cids(self):
        """
        The category id of each annotation, per group.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.demo('shapes2').images().annots.cids
            [[3, 2, 2, 3, 3, 2], [3, 3, 1, 3, 1]]
        """
        return [group.cids for group in self._groups]

    @property
    def cnames(self):
        """
        The category name of each annotation, per group (``category_names`` too).

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.demo('vidshapes1').tracks().annots.cnames
            [['eff', 'eff'], ['star', 'star']]
        """
        return [group.cnames for group in self._groups]

    category_names = cnames


class ImageGroups(ObjectGroups):
    """
    Images grouped (per video).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image(file_name='a.png')
        >>> print(ImageGroups([], dset).flatten())
        <Images(num=0)>
    """

    @staticmethod
    def _cls1d(ids, dset):
        from xcoco.objects.vectorized import Images
        return Images(ids, dset)
