"""
The base of every vectorized view: an ordered list of ids of one table and
column-wise accessors over their objects (``lookup`` / ``get`` / ``set``,
``take`` / ``compress`` / ``peek``, ``sort_values``, ``attribute_frequency``).
The views of each table (:class:`xcoco.objects.vectorized.Images` ...) add
what is particular to it.

Example:
    >>> import xcoco
    >>> from xcoco.objects.list1d import ObjectList1D
    >>> dset = xcoco.CocoDataset()
    >>> gids = [dset.add_image(file_name=f'{i}.png', width=i) for i in range(1, 4)]
    >>> ObjectList1D(gids, dset, 'images').lookup('width')
    [1, 2, 3]
"""
from __future__ import annotations

import itertools as it
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, overload

import ubelt as ub

from xcoco.errors import AddError, InvalidIdError, MissingFieldError, UnknownIdError
from xcoco.objects.groups import ObjView
from xcoco.tables import INDEX_ATTR, NOUN
from xcoco.types import Id, JsonDict

if TYPE_CHECKING:
    from typing_extensions import Self

    from xcoco.query import Queryable

__all__ = ['ObjectList1D']

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

    def __init__(self, ids: Iterable[Id], dset: Queryable, key: str) -> None:
        self._key = key
        self._ids = ids if isinstance(ids, list) else list(ids)
        self._dset = dset

    def __nice__(self) -> str:
        return f'num={len(self)}'

    def __iter__(self) -> Iterator[Id]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def _id_to_obj(self):
        return getattr(self._dset.index, INDEX_ATTR[self._key])

    def _new(self, ids: list[Id]) -> Self:
        # Subclasses take (ids, dset); the base class also needs the table.
        if type(self) is ObjectList1D:
            return ObjectList1D(ids, self._dset, self._key)
        return type(self)(ids, self._dset)

    @overload
    def __getitem__(self, index: int) -> Id:
        ...

    @overload
    def __getitem__(self, index: slice) -> Self:
        ...

    def __getitem__(self, index: int | slice) -> Id | Self:
        """
        An id for an integer index, a view of the same kind for a slice.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(3)]
            >>> images = dset.images(gids)
            >>> images[-1] == gids[-1], str(images[::2])
            (True, '<Images(num=2)>')
        """
        if isinstance(index, slice):
            return self._new(self._ids[index])
        return self._ids[index]

    @property
    def table(self) -> str:
        """
        The manifest table the ids belong to.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().annots().table
            'annotations'
        """
        return self._key

    @property
    def ids(self) -> list[Id]:
        """
        The ids, in view order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.images([dset.add_image(file_name='a.png')]).ids
            [1]
        """
        return self._ids

    def unique(self) -> Self:
        """
        A view without repeated ids, keeping first occurrences in order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> print(dset.images([gid, gid, gid]).unique())
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
        take_many = getattr(lut, 'take_many', None)
        if take_many is not None:
            # a database fetches the ids a batch per query, not one each
            return take_many(ids)
        return map(lut.__getitem__, ids)

    def objs_iter(self) -> Iterator[JsonDict]:
        """
        Iterate the object dicts.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> [img['file_name'] for img in dset.images([gid]).objs_iter()]
            ['a.png']
        """
        return iter(self._objs_iterable())

    @property
    def objs(self) -> ObjView:
        """
        The object dicts as a lazy sequence.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> dset.images([gid]).objs[0]['file_name']
            'a.png'
        """
        return ObjView(self._id_to_obj, self._ids)

    def take(self, idxs: Iterable[int]) -> Self:
        """
        A view of the ids at the given positions.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(4)]
            >>> dset.images(gids).take([3, 0]).ids
            [4, 1]
        """
        ids = self._ids
        return self._new([ids[i] for i in idxs])

    def compress(self, flags: Iterable[bool]) -> Self:
        """
        A view of the ids whose flag is true.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=f'{i}.png') for i in range(4)]
            >>> dset.images(gids).compress([True, False, False, True]).ids
            [1, 4]
        """
        return self._new(list(it.compress(self._ids, flags)))

    def peek(self) -> JsonDict:
        """
        The first object dict (``StopIteration`` on an empty view, as kwcoco).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> dset.images([gid]).peek()['file_name']
            'a.png'
        """
        if not self._ids:
            raise StopIteration(f'peek on an empty {type(self).__name__} view')
        return self._id_to_obj[self._ids[0]]

    # One field gives a list (a dict {id: value} with keepid); a list of
    # fields gives {field: values}.  The last signature covers the rest.
    @overload
    def lookup(self, key: str, default: Any = ..., keepid: Literal[False] = ...) -> list[Any]:
        ...

    @overload
    def lookup(self, key: str, default: Any = ..., *, keepid: Literal[True]) -> dict[Id, Any]:
        ...

    @overload
    def lookup(self, key: list[str] | tuple[str, ...], default: Any = ...,
               keepid: bool = ...) -> dict[str, Any]:
        ...

    @overload
    def lookup(self, key: str | Iterable[str], default: Any = ...,
               keepid: bool = ...) -> list[Any] | dict[Any, Any]:
        ...

    def lookup(self, key: str | Iterable[str], default: Any = NoParam,
               keepid: bool = False) -> list[Any] | dict[Any, Any]:
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
            >>> images = dset.images([g1, g2])
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

    @overload
    def get(self, key: str, default: Any = ..., keepid: Literal[False] = ...) -> list[Any]:
        ...

    @overload
    def get(self, key: str, default: Any = ..., *, keepid: Literal[True]) -> dict[Id, Any]:
        ...

    @overload
    def get(self, key: str, default: Any = ...,
            keepid: bool = ...) -> list[Any] | dict[Id, Any]:
        ...

    def get(self, key: str, default: Any = NoParam,
            keepid: bool = False) -> list[Any] | dict[Id, Any]:
        """
        Values of one field, in view order (see :meth:`lookup`).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> images = dset.images([gid])
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
        column = getattr(self._id_to_obj, 'column_values', None)
        if column is not None:
            # a database reads one field without decoding whole objects
            values = column(key, self._ids)
            if values is not None:
                if any(v is NoParam for v in values):
                    if default is NoParam:
                        self._raise_missing(key)
                    values = [default if v is NoParam else v for v in values]
                return values
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

    def get_iter(self, key: str, default: Any = NoParam) -> Iterator[Any]:
        """
        Iterate the values of one field.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> list(dset.images([gid]).get_iter('file_name'))
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

    def sort_values(self, by: str, reverse: bool = False,
                    key: Callable[[Any], Any] | None = None) -> Self:
        """
        A view ordered by the values of field ``by`` (stable).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gids = [dset.add_image(file_name=n) for n in ['c', 'a', 'b']]
            >>> dset.images(gids).sort_values('file_name').lookup('file_name')
            ['a', 'b', 'c']
        """
        values = self.lookup(by)
        if key is None:
            order = sorted(range(len(values)), key=values.__getitem__, reverse=reverse)
        else:
            order = sorted(range(len(values)), key=lambda i: key(values[i]),
                           reverse=reverse)
        return self.take(order)

    def set(self, key: str, values: Any) -> None:
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
            >>> images = dset.images(gids)
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

    def attribute_frequency(self) -> dict[str, int]:
        """
        How many objects carry each field.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> g1 = dset.add_image(file_name='a.png', width=3)
            >>> g2 = dset.add_image(file_name='b.png')
            >>> freq = dset.images([g1, g2]).attribute_frequency()
            >>> freq['file_name'], freq['width'], freq['nope']
            (2, 1, 0)
        """
        freq = defaultdict(int)
        for obj in self._objs_iterable():
            for k in obj:
                freq[k] += 1
        return freq
