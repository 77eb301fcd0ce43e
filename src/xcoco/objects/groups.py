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
from __future__ import annotations

import itertools as it
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import ubelt as ub

from xcoco.types import Id, JsonDict

if TYPE_CHECKING:
    from typing_extensions import Self

    from xcoco.objects.image import CocoImage
    from xcoco.objects.list1d import ObjectList1D
    from xcoco.objects.vectorized import Annots, Images
    from xcoco.query import Queryable

__all__ = [
    'AnnotGroups',
    'CocoImageView',
    'ImageGroups',
    'ObjView',
    'ObjectGroups',
]

NoParam = ub.NoParam

#: the kind of view a group list holds (``Annots`` in ``AnnotGroups`` ...)
_View = TypeVar('_View', bound='ObjectList1D')


class ObjView(Sequence[JsonDict]):
    """
    A lazy sequence of the object dicts behind a list of ids.

    Example:
        >>> view = ObjView({1: {'id': 1}, 2: {'id': 2}}, [2, 1])
        >>> len(view), view[0], view[0:1]
        (2, {'id': 2}, [{'id': 2}])
    """

    def __init__(self, id_to_obj: Mapping[Id, JsonDict], ids: Sequence[Id]) -> None:
        self._id_to_obj = id_to_obj
        self._ids = ids

    @overload
    def __getitem__(self, index: int) -> JsonDict:
        ...

    @overload
    def __getitem__(self, index: slice) -> list[JsonDict]:
        ...

    def __getitem__(self, index: int | slice) -> JsonDict | list[JsonDict]:
        if isinstance(index, slice):
            return [self._id_to_obj[i] for i in self._ids[index]]
        return self._id_to_obj[self._ids[index]]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[JsonDict]:
        return map(self._id_to_obj.__getitem__, self._ids)

    def __repr__(self) -> str:
        return f'<{type(self).__name__}(num={len(self)})>'


class CocoImageView(Sequence['CocoImage']):
    """
    A lazy sequence of :class:`CocoImage` objects, built on access.

    Example:
        >>> view = CocoImageView(lambda gid: f'image {gid}', [3, 5])
        >>> len(view), view[1], list(view)
        (2, 'image 5', ['image 3', 'image 5'])
    """

    def __init__(self, getter: Callable[[Id], CocoImage], ids: Sequence[Id]) -> None:
        self._getter = getter
        self._ids = ids

    @overload
    def __getitem__(self, index: int) -> CocoImage:
        ...

    @overload
    def __getitem__(self, index: slice) -> list[CocoImage]:
        ...

    def __getitem__(self, index: int | slice) -> CocoImage | list[CocoImage]:
        if isinstance(index, slice):
            return [self._getter(i) for i in self._ids[index]]
        return self._getter(self._ids[index])

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[CocoImage]:
        return map(self._getter, self._ids)

    def __repr__(self) -> str:
        return f'<{type(self).__name__}(num={len(self)})>'


class ObjectGroups(ub.NiceRepr, Generic[_View]):
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

    def __init__(self, groups: list[_View], dset: Queryable) -> None:
        self._groups = groups
        self._dset = dset

    def _lookup(self, key: str) -> list[Any]:
        return [group.lookup(key) for group in self._groups]

    @overload
    def __getitem__(self, index: int) -> _View:
        ...

    @overload
    def __getitem__(self, index: slice) -> Self:
        ...

    def __getitem__(self, index: int | slice) -> _View | Self:
        if isinstance(index, slice):
            return type(self)(self._groups[index], self._dset)
        return self._groups[index]

    def __iter__(self) -> Iterator[_View]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def lookup(self, key: str, default: Any = NoParam) -> list[list[Any]]:
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

    def flatten(self) -> _View:
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
            >>> from xcoco.objects.list1d import ObjectList1D
            >>> plain = ObjectGroups([ObjectList1D(gids[:2], dset, 'images')], dset)
            >>> plain.flatten().table
            'images'
        """
        ids = list(it.chain.from_iterable(g.ids for g in self._groups))
        if self._groups:
            from xcoco.objects.list1d import ObjectList1D  # list1d imports this module
            first = self._groups[0]
            if type(first) is ObjectList1D:   # the generic view also needs its table
                return ObjectList1D(ids, self._dset, first.table)
            return type(first)(ids, self._dset)
        return self._cls1d(ids, self._dset)

    @staticmethod
    def _cls1d(ids: list[Id], dset: Queryable) -> Any:
        raise NotImplementedError('use ImageGroups or AnnotGroups to flatten an empty group list')

    def __nice__(self) -> str:
        lens = [len(g) for g in self._groups]
        n = len(lens)
        if n == 0:
            return 'n=0, m=nan, s=nan'
        mean = sum(lens) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in lens) / n)
        return f'n={n}, m={mean:.1f}, s={std:.1f}'


class AnnotGroups(ObjectGroups['Annots']):
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
    def _cls1d(ids: list[Id], dset: Queryable) -> Annots:
        from xcoco.objects.vectorized import Annots
        return Annots(ids, dset)

    @property
    def cids(self) -> list[list[Id | None]]:
        """
        The category id of each annotation, per group.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.demo('shapes2').images().annots.cids
            [[7, 6, 6, 7, 7, 6], [7, 7, 3, 7, 3]]
        """
        return [group.cids for group in self._groups]

    @property
    def cnames(self) -> list[list[str | None]]:
        """
        The category name of each annotation, per group (``category_names`` too).

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.demo('vidshapes1').tracks().annots.cnames
            [['eff', 'eff'], ['star', 'star']]
        """
        return [group.cnames for group in self._groups]

    category_names = cnames


class ImageGroups(ObjectGroups['Images']):
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
    def _cls1d(ids: list[Id], dset: Queryable) -> Images:
        from xcoco.objects.vectorized import Images
        return Images(ids, dset)
