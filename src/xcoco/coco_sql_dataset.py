"""
kwcoco-compatible import path for the database-backed dataset
(``kwcoco.coco_sql_dataset``).

``CocoSqlDatabase`` is the SQL backend (SQLite / PostgreSQL, see
:mod:`xcoco.sql`); :func:`assert_dsets_allclose` checks that two datasets
(e.g. a dataset and its database copy) hold the same tables.

Example:
    >>> import xcoco
    >>> from xcoco.coco_sql_dataset import assert_dsets_allclose
    >>> dset = xcoco.CocoDataset.demo('shapes2')
    >>> assert_dsets_allclose(dset, dset.copy())
    True
    >>> from xcoco.coco_sql_dataset import CocoSqlDatabase
    >>> assert_dsets_allclose(dset, CocoSqlDatabase().populate_from(dset))
    True
"""
import math
import os
from numbers import Number
from typing import Any

from xcoco.abstract_coco_dataset import AbstractCocoDataset
from xcoco.dataset import CocoDataset
from xcoco.sql.database import CocoSqlDatabase
from xcoco.tables import TABLES

__all__ = ['AbstractCocoDataset', 'CocoDataset', 'CocoSqlDatabase', 'assert_dsets_allclose',
           'cached_sql_coco_view', 'ensure_sql_coco_view']

_MISSING = object()


def _table_by_id(dset, table):
    data = getattr(dset, 'dataset', dset)
    objs = data.get(table) or []
    return {obj.get('id'): obj for obj in objs}


def _as_plain(value):
    # JSON sees tuples and numpy arrays as lists and numpy scalars as numbers
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, 'tolist') and hasattr(value, '__array__'):
        return value.tolist()
    return value


def _close(value1, value2, rtol, atol):
    if isinstance(value1, bool) or isinstance(value2, bool):
        return value1 == value2
    if isinstance(value1, Number) and isinstance(value2, Number):
        if value1 == value2:
            return True
        if isinstance(value1, float) and isinstance(value2, float) \
                and math.isnan(value1) and math.isnan(value2):
            return True
        return math.isclose(value1, value2, rel_tol=rtol, abs_tol=atol)
    return value1 == value2


def _differences(value1, value2, path, rtol, atol, found):
    value1, value2 = _as_plain(value1), _as_plain(value2)
    if isinstance(value1, dict) and isinstance(value2, dict):
        for key in list(value1) + [k for k in value2 if k not in value1]:
            _differences(value1.get(key, _MISSING), value2.get(key, _MISSING),
                         [*path, key], rtol, atol, found)
    elif isinstance(value1, list) and isinstance(value2, list) and len(value1) == len(value2):
        for index, (item1, item2) in enumerate(zip(value1, value2)):
            _differences(item1, item2, [*path, index], rtol, atol, found)
    elif not _close(value1, value2, rtol, atol):
        found.append((path, value1, value2))


def _id_order(key):
    return (type(key).__name__, key)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + '...'


def assert_dsets_allclose(dset1, dset2, tag1='dset1', tag2='dset2', *,
                          rtol=1e-05, atol=1e-08, verbose=0):
    """
    Check that two datasets hold the same objects in every table (matched
    by id, so table order does not matter), numbers compared with a
    tolerance (``math.isclose(rel_tol=rtol, abs_tol=atol)``; an int and an
    equal float agree; NaN equals NaN), tuples and numpy arrays taken as
    the lists JSON would write.

    Args:
        dset1, dset2 (CocoDataset | dict): the datasets (or manifest dicts).
        tag1, tag2 (str): their names in the message.
        rtol, atol (float): the tolerance for numbers.
        verbose (int): print every difference, not only the first ones.

    Returns:
        bool: True (for use in ``assert``).

    Raises:
        AssertionError: the message names the table, the ids only one side
            has, or the id, field path and both values that differ.

    Note:
        kwcoco's version compares only images, annotations and categories,
        and takes no tolerance arguments; this one compares every table
        (videos, tracks, keypoint categories too).

    Example:
        >>> import xcoco
        >>> dset1 = xcoco.CocoDataset()
        >>> cid = dset1.add_category('cat')
        >>> for gid in [1, 2]:
        ...     _ = dset1.add_image(f'{gid}.png', id=gid)
        ...     _ = dset1.add_annotation(gid, cid, bbox=[10, 10, 5, 5])
        >>> dset2 = dset1.copy()
        >>> dset2.anns[1]['bbox'] = [v + 1e-9 for v in dset2.anns[1]['bbox']]
        >>> assert_dsets_allclose(dset1, dset2)
        True
        >>> dset2.anns[1]['bbox'][0] += 0.5
        >>> dset2.anns[1]['score'] = 0.9
        >>> dset2.remove_images([2])
        >>> try:
        ...     assert_dsets_allclose(dset1, dset2, tag1='orig', tag2='edited')
        ... except AssertionError as ex:
        ...     print(ex)
        datasets 'orig' and 'edited' differ:
          images: ids only in 'orig': [2]
          annotations: ids only in 'orig': [2]
          annotations id=1 field 'bbox/0': 'orig' has 10, 'edited' has 10.500000001
          annotations id=1 field 'score': only 'edited' has it (0.9)
    """
    problems = []
    for table in TABLES:
        objs1 = _table_by_id(dset1, table)
        objs2 = _table_by_id(dset2, table)
        only1 = sorted((k for k in objs1 if k not in objs2), key=_id_order)
        only2 = sorted((k for k in objs2 if k not in objs1), key=_id_order)
        if only1:
            problems.append(f'{table}: ids only in {tag1!r}: {_short(only1, 200)}')
        if only2:
            problems.append(f'{table}: ids only in {tag2!r}: {_short(only2, 200)}')
        for obj_id, obj1 in objs1.items():
            if obj_id not in objs2:
                continue
            found = []
            _differences(obj1, objs2[obj_id], [], rtol, atol, found)
            for path, value1, value2 in found:
                where = f"{table} id={obj_id!r} field {'/'.join(map(str, path))!r}"
                if value1 is _MISSING:
                    problems.append(f'{where}: only {tag2!r} has it ({_short(value2)})')
                elif value2 is _MISSING:
                    problems.append(f'{where}: only {tag1!r} has it ({_short(value1)})')
                else:
                    problems.append(f'{where}: {tag1!r} has {_short(value1)}, '
                                    f'{tag2!r} has {_short(value2)}')
    if problems:
        if verbose:
            for line in problems:
                print(line)
        shown = problems if verbose else problems[:10]
        more = len(problems) - len(shown)
        lines = [f'datasets {tag1!r} and {tag2!r} differ:'] + ['  ' + p for p in shown]
        if more:
            lines.append(f'  ... and {more} more (pass verbose=1 to see all)')
        raise AssertionError('\n'.join(lines))
    return True


def cached_sql_coco_view(dct_db_fpath: Any = None, sql_db_fpath: Any = None,
                         dset: Any = None, force_rewrite: bool = False,
                         backend: str | None = None) -> CocoSqlDatabase:
    """
    kwcoco's function form of :meth:`xcoco.CocoDataset.view_sql`: the
    cached SQL view of a manifest given by path (``dct_db_fpath``) or as a
    dataset, at ``sql_db_fpath`` (default: beside the manifest).

    Example:
        >>> import xcoco
        >>> from xcoco.coco_sql_dataset import cached_sql_coco_view
        >>> db = cached_sql_coco_view(dset=xcoco.CocoDataset.demo('shapes2'))
        >>> db.n_images
        2
    """
    if dset is None:
        if dct_db_fpath is None:
            raise TypeError('cached_sql_coco_view needs dct_db_fpath or dset')
        dset = CocoDataset(os.fspath(dct_db_fpath))
    return dset.view_sql(force_rewrite=force_rewrite, backend=backend or 'sqlite',
                         sql_db_fpath=sql_db_fpath)


def ensure_sql_coco_view(dset: Any, db_fpath: Any = None, force_rewrite: bool = False,
                         backend: str | None = None) -> CocoSqlDatabase:
    """
    kwcoco's older name for :func:`cached_sql_coco_view` (a dataset first).

    Example:
        >>> import xcoco
        >>> from xcoco.coco_sql_dataset import ensure_sql_coco_view
        >>> ensure_sql_coco_view(xcoco.CocoDataset.demo('shapes2')).n_annots
        11
    """
    return cached_sql_coco_view(dset=dset, sql_db_fpath=db_fpath, force_rewrite=force_rewrite,
                                backend=backend)
