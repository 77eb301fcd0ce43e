"""
The one id resolver behind every lookup and edit: an object given as an
id, a dict holding its id, or (for named tables) a name, a file name or a
keypoint-category name, turned into its id -- with the error that says what
was given, where, and what was expected.  It reads only the index protocol
(:class:`xcoco.query.IndexProtocol`), so every backend shares it.
"""
from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING

from xcoco.errors import InvalidIdError, UnknownIdError
from xcoco.tables import INDEX_ATTR, NOUN
from xcoco.types import Id, ObjRef

if TYPE_CHECKING:
    from xcoco.query import IndexProtocol

__all__ = ['as_int_id', 'resolve_id']


def _kpcat_by_name(index):
    # a small table without a name index: names are looked up by a scan
    return {k.get('name'): k for k in index.kpcats.values()}


def resolve_id(index: IndexProtocol, table: str, item: ObjRef,
               context: str | None = None, position: int | None = None) -> Id:
    """
    The id of an object given as an id, a dict with an id, or (for named
    tables) a name.  The one resolver behind every lookup and edit that
    accepts these forms; the id returned is the object's own (so ``1`` and
    ``numpy.int64(1)`` both give ``1``).

    Args:
        index (IndexProtocol): where to look.
        table (str): a manifest table (see :mod:`xcoco.tables`).
        item: an id, a name, or a dict with an ``'id'``.
        context (str | None): what was being done, for the message (e.g.
            ``'cannot remove images'``).
        position (int | None): where ``item`` sat in the caller's list.

    Raises:
        UnknownIdError: no such object (a KeyError).
        InvalidIdError: ``item`` cannot be an id at all (a TypeError).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> cid = dset.add_category('cat')
        >>> resolve_id(dset.index, 'categories', 'cat'), resolve_id(dset.index, 'categories', {'id': cid})
        (1, 1)
        >>> gid = dset.add_image('imgs/a.png', name='first')
        >>> resolve_id(dset.index, 'images', 'first'), resolve_id(dset.index, 'images', 'imgs/a.png')
        (1, 1)
        >>> try:
        ...     resolve_id(dset.index, 'categories', {'cat'}, context='cannot remove categories', position=3)
        ... except TypeError as ex:
        ...     print(ex)
        cannot remove categories: {'cat'} (position 3) is a set, not a category id, name or dict
    """
    lookup = getattr(index, INDEX_ATTR[table])
    key = item.get('id', None) if isinstance(item, dict) else item
    named = table in _NAME_LOOKUP
    if not _is_id_like(key):
        what = f'{NOUN[table]} id, name or dict' if named else f'{NOUN[table]} id or dict'
        where = f' (position {position})' if position is not None else ''
        article = 'an' if what[0] in 'aeiou' else 'a'
        prefix = f'{context}: ' if context else ''
        raise InvalidIdError(
            f'{prefix}{item!r:.60}{where} is a {type(key).__name__}, not {article} {what}')
    obj = lookup.get(key, None)
    if obj is not None:
        return obj.get('id', key)
    if named and isinstance(key, str):
        by_name = (_kpcat_by_name(index) if table == 'keypoint_categories'
                   else getattr(index, _NAME_LOOKUP[table]))
        if key in by_name:
            return by_name[key]['id']
        if table == 'images':
            # kwcoco also finds an image by its file name
            by_file = getattr(index, 'file_name_to_img', {})
            if key in by_file:
                return by_file[key]['id']
    if table == 'tracks' and key in index.trackid_to_aids:
        # a track id used by annotations but absent from the table
        return int(key) if isinstance(key, Integral) else key
    noun = NOUN[table]
    if isinstance(key, str) and table == 'images':
        message = f'no {noun} with id, name or file name {key!r}'
    elif isinstance(key, str) and named:
        message = f'no {noun} with id or name {key!r}'
    else:
        message = f'no {noun} with id={key!r}'
    if context:
        message = f'{context}: {message}'
    raise UnknownIdError(message, table=table, key=key)


#: tables whose objects can also be named; table -> the index's name lookup
_NAME_LOOKUP = {'images': 'name_to_img', 'categories': 'name_to_cat',
                'videos': 'name_to_video', 'tracks': 'name_to_track',
                'keypoint_categories': None}


def _is_id_like(value):
    # bool is an int to Python but never an id; numpy integers are ids.
    return isinstance(value, (str, Integral)) and not isinstance(value, bool)




def as_int_id(key: object) -> int | None:
    """
    ``key`` as a plain ``int`` id (numpy integers included, bools not), or
    None when it cannot be one: what the array- and SQL-backed lookups
    index by.

    Example:
        >>> import numpy as np
        >>> as_int_id(np.int64(3)), as_int_id(True), as_int_id('3')
        (3, None, None)
    """
    if type(key) is int:
        return key
    if isinstance(key, Integral) and not isinstance(key, bool):
        return int(key)
    return None
