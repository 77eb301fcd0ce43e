"""
Ids written by other tools, made into xcoco ids (and back), shared by every
dialect of :mod:`xcoco.formats`.

xcoco, like kwcoco and pycocotools, keys each table on positive integer
ids.  Other tools write strings (nanoids, UUIDs, ``dicomweb://`` URIs),
start at 0, or repeat an id for different objects.  On import:

* a row whose ``id`` is a positive ``int`` keeps it, unless an earlier row of
  the same table already has it;
* every other row (string, URI, nanoid, 0, negative, float, bool, a repeat,
  or no id at all) gets the next free positive integer, counting up from the
  largest id kept, in row order: the same document always gives the same
  ids;
* the original id is kept on the row as ``external_id`` (only on rows whose
  id changed, and not when the row had no id);
* references (``image_id``, ``category_id`` ...) are translated through the
  table they point into (:meth:`IdMap.resolve`): a repeated original id
  resolves to its first row; a reference that names no row is kept as it is,
  so that ``validate`` reports it as dangling.

After loading, :func:`external_to_internal` maps original ids to xcoco ids.
On export each dialect writes ``external_id`` back where its format allows
(see the dialect's page in ``docs/formats``); :func:`nanoid` makes
deterministic string ids for rows that never had one.

Example:
    >>> from xcoco.formats.ids import assign_ids
    >>> rows = [{'id': 'dicomweb://a'}, {'id': 7}, {'id': 0}, {'id': 7}]
    >>> lookup = assign_ids(rows, 'images', dialect='example')
    >>> [(row['id'], row.get('external_id')) for row in rows]
    [(8, 'dicomweb://a'), (7, None), (9, 0), (10, 7)]
    >>> lookup['dicomweb://a'], lookup[7], lookup[0]
    (8, 7, 9)
"""
from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any

from xcoco.errors import FormatError, XcocoError

__all__ = ['CONVERSION_ERRORS', 'IdMap', 'assign_ids', 'external_to_internal', 'is_native_id', 'nanoid',
           'number_ids', 'original_id', 'row_error', 'row_errors']

#: the field an object keeps its original (non-xcoco) id in
EXTERNAL_ID = 'external_id'

_NANOID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'


def is_native_id(value: Any) -> bool:
    """
    True if ``value`` can be an xcoco id as it is: a positive ``int`` (a
    ``bool`` is not one).

    Example:
        >>> [is_native_id(v) for v in (3, 0, -1, '3', 3.0, True)]
        [True, False, False, False, False, False]
    """
    return type(value) is int and value > 0


def row_error(dialect: str, table: str, position: int | None, row_id: Any, field: str | None,
              problem: str, fpath: str | None = None) -> FormatError:
    """
    The :class:`~xcoco.errors.FormatError` for one bad row: it names the
    dialect, the table, the row (position and id) and the field.

    Example:
        >>> print(row_error('aicoco', 'annotations', 3, 'x1', 'object_id', 'missing'))
        aicoco: table 'annotations' row 3 (id='x1') field 'object_id': missing
    """
    where = f'{dialect}: table {table!r}'
    if position is not None:
        where += f' row {position} (id={row_id!r})'
    if field is not None:
        where += f' field {field!r}'
    if fpath:
        where = f'{fpath}: {where}'
    return FormatError(f'{where}: {problem}', fpath=fpath)


#: what a dialect's conversion code raises on a value of an unusable shape
CONVERSION_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)


@contextlib.contextmanager
def row_errors(dialect: str, table: str, position: int | None, row: Any,
               action: str = 'export', fpath: str | None = None) -> Iterator[None]:
    """
    Turn a conversion failure inside the block (a ``TypeError``,
    ``KeyError`` ... on a value the translation cannot use) into the
    :func:`row_error` of ``row``; xcoco's own errors pass unchanged.

    Example:
        >>> try:
        ...     with row_errors('example', 'annotations', 0, {'id': 3}):
        ...         int([1])
        ... except FormatError as ex:
        ...     print(str(ex).split(': int()')[0])
        example: table 'annotations' row 0 (id=3): cannot export this row: TypeError
    """
    try:
        yield
    except XcocoError:
        raise
    except CONVERSION_ERRORS as ex:
        row_id = row.get('id') if isinstance(row, dict) else None
        raise row_error(dialect, table, position, row_id, None,
                        f'cannot {action} this row: {type(ex).__name__}: {ex}', fpath=fpath) from ex


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


class IdMap(dict):
    """
    Original id -> xcoco id of one table, as :func:`assign_ids` made it (the
    first row wins where an original id repeats).

    Attributes:
        table (str): the table the ids belong to.
        dialect (str): the dialect being read (for messages).
        new_ids (set[int]): xcoco ids given to rows whose id changed.

    Example:
        >>> lookup = assign_ids([{'id': 'a'}, {'id': 'b'}], 'images', dialect='example')
        >>> dict(lookup), lookup.new_ids
        ({'a': 1, 'b': 2}, {1, 2})
    """

    def __init__(self, table: str, dialect: str, fpath: str | None = None) -> None:
        super().__init__()
        self.table = table
        self.dialect = dialect
        self.fpath = fpath
        self.new_ids: set[int] = set()

    def resolve(self, value: Any, table: str, position: int, row_id: Any, field: str) -> Any:
        """
        The xcoco id a reference ``value`` (in ``field`` of row ``position``
        of ``table``) stands for.  None stays None; a value naming no row is
        kept as it is (``validate`` reports it) unless it would now name a
        row by accident, which is an error.

        Example:
            >>> lookup = assign_ids([{'id': 'a'}, {'id': 5}], 'images', dialect='example')
            >>> lookup.resolve('a', 'annotations', 0, 1, 'image_id')
            6
            >>> lookup.resolve('zz', 'annotations', 0, 1, 'image_id')
            'zz'
            >>> try:
            ...     lookup.resolve(6, 'annotations', 0, 1, 'image_id')
            ... except FormatError as ex:
            ...     print(ex)
            example: table 'annotations' row 0 (id=1) field 'image_id': 6 names no row of 'images', and xcoco gave 6 to the row whose id was 'a'; fix the reference
        """
        if value is None:
            return None
        if not _hashable(value):
            raise row_error(self.dialect, table, position, row_id, field,
                            f'{value!r:.60} is a {type(value).__name__}, not an id',
                            fpath=self.fpath)
        if value in self and type(value) is not bool:
            return self[value]
        if value in self.new_ids and type(value) is int:
            owners = [orig for orig, new in self.items() if new == value]
            owner = f'whose id was {owners[0]!r}' if owners else 'that had no id'
            raise row_error(self.dialect, table, position, row_id, field,
                            f'{value!r} names no row of {self.table!r}, and xcoco gave {value} '
                            f'to the row {owner}; fix the reference',
                            fpath=self.fpath)
        return value


def number_ids(raw_ids: list) -> tuple[list[tuple[int, bool]], dict]:
    """
    The id rule on bare ids, in row order: a positive integer keeps its
    value the first time it appears; anything else (strings, URIs, 0,
    negatives, floats, booleans, a missing id, a repeat) gets the next
    integer above every kept id, so the result depends only on the rows.

    Returns ``[(xcoco id, changed)]`` per row and a lookup from each
    original id, typed (``1`` and ``'1'`` differ), to the xcoco id of its
    first row.

    Example:
        >>> number_ids([5, 'a', 5, None, 0])[0]
        [(5, False), (6, True), (7, True), (8, True), (9, True)]
    """
    kept: set[int] = set()
    keeps = []
    for raw in raw_ids:
        keep = is_native_id(raw) and raw not in kept
        if keep:
            kept.add(raw)
        keeps.append(keep)
    next_id = max(kept, default=0) + 1
    assigned: list[tuple[int, bool]] = []
    lookup: dict[tuple[type, Any], int] = {}
    for raw, keep in zip(raw_ids, keeps):
        if keep:
            internal = raw
        else:
            internal, next_id = next_id, next_id + 1
        assigned.append((internal, not keep))
        if raw is not None:
            lookup.setdefault((type(raw), raw), internal)
    return assigned, lookup


def assign_ids(rows: list, table: str, dialect: str, fpath: str | None = None) -> IdMap:
    """
    Give every row of ``rows`` (a table of one dialect's document, edited
    in place) an xcoco id by the rules of this module.

    Args:
        rows (list[dict]): the table's rows.
        table (str): its name, for the lookup and messages.
        dialect (str): the format being read, for messages.
        fpath (str | None): the file being read, for messages.

    Returns:
        IdMap: original id -> xcoco id.

    Raises:
        FormatError: a row is not an object, its id is not a hashable value,
            or it already holds a different ``external_id``.

    Example:
        >>> rows = [{'id': 'Nhn8WKDSpuoS_pS8zTGQl'}, {'name': 'no id'}, {'id': 2}]
        >>> lookup = assign_ids(rows, 'images', dialect='example')
        >>> rows
        [{'id': 3, 'external_id': 'Nhn8WKDSpuoS_pS8zTGQl'}, {'name': 'no id', 'id': 4}, {'id': 2}]
        >>> try:
        ...     assign_ids([{'id': [1]}], 'images', dialect='example')
        ... except FormatError as ex:
        ...     print(ex)
        example: table 'images' row 0 (id=[1]) field 'id': [1] is a list, not an id
    """
    lookup = IdMap(table, dialect, fpath=fpath)
    for pos, row in enumerate(rows):
        if not isinstance(row, dict):
            raise row_error(dialect, table, pos, None, None,
                            f'expected an object, got {type(row).__name__} {row!r:.60}', fpath=fpath)
        orig = row.get('id')
        if not _hashable(orig):
            raise row_error(dialect, table, pos, orig, 'id',
                            f'{orig!r:.60} is a {type(orig).__name__}, not an id', fpath=fpath)
    assigned, _ = number_ids([row.get('id') for row in rows])
    for pos, (row, (new_id, changed)) in enumerate(zip(rows, assigned)):
        orig = row.get('id')
        if changed:
            if orig is not None:
                held = row.get(EXTERNAL_ID, orig)
                if held is not orig and held != orig:  # 'is' keeps a NaN id equal to itself
                    raise row_error(dialect, table, pos, orig, EXTERNAL_ID,
                                    f'holds {row[EXTERNAL_ID]!r}, but xcoco keeps the original id '
                                    f'{orig!r} there', fpath=fpath)
                row[EXTERNAL_ID] = orig
            row['id'] = new_id
            lookup.new_ids.add(new_id)
        if orig is not None:
            lookup.setdefault(orig, row['id'])
    return lookup


def original_id(obj: dict) -> Any:
    """
    The id ``obj`` had in the file it was read from: its ``external_id``
    if it has one, else its ``id``.

    Example:
        >>> original_id({'id': 4, 'external_id': 'abc'}), original_id({'id': 4})
        ('abc', 4)
    """
    return obj.get(EXTERNAL_ID, obj.get('id'))


def external_to_internal(dset: Any, table: str, repeats: bool = False) -> dict:
    """
    Original id -> xcoco id for every row of ``table`` (any top-level list
    of the manifest: ``'images'``, ``'annotations'``, AiCOCO's
    ``'regressions'`` ...).  A row that kept its id maps to itself.  Where
    an original id repeats, the first row wins, as for references; with
    ``repeats=True`` every value is the list of all xcoco ids instead.

    Args:
        dset (CocoDataset | dict): a dataset or its manifest.
        table (str): the table name.
        repeats (bool): map to lists of ids.

    Example:
        >>> data = {'images': [{'id': 'scan-a', 'file_name': 'a.png'}],
        ...         'annotations': [{'id': 'u1', 'image_id': 'scan-a'},
        ...                         {'id': 'u1', 'image_id': 'scan-a'}]}
        >>> lookup = assign_ids(data['images'], 'images', dialect='example')
        >>> _ = assign_ids(data['annotations'], 'annotations', dialect='example')
        >>> for pos, ann in enumerate(data['annotations']):
        ...     ann['image_id'] = lookup.resolve(ann['image_id'], 'annotations', pos, ann['id'], 'image_id')
        >>> external_to_internal(data, 'images')
        {'scan-a': 1}
        >>> external_to_internal(data, 'annotations'), external_to_internal(data, 'annotations', repeats=True)
        ({'u1': 1}, {'u1': [1, 2]})
    """
    data = getattr(dset, 'dataset', dset)
    rows = data.get(table) or []
    out: dict = {}
    for row in rows:
        if not isinstance(row, dict):
            continue
        orig = original_id(row)
        if not _hashable(orig):
            continue
        if repeats:
            out.setdefault(orig, []).append(row.get('id'))
        else:
            out.setdefault(orig, row.get('id'))
    return out


def nanoid(*key: Any, size: int = 21) -> str:
    """
    A deterministic nanoid-like id (``size`` characters of ``A-Za-z0-9_-``)
    made from ``key``: the same key always gives the same id.

    Example:
        >>> a = nanoid('images', 1)
        >>> len(a), a == nanoid('images', 1), a == nanoid('images', 2)
        (21, True, False)
    """
    digest = hashlib.sha256(repr(key).encode('utf8')).digest()
    while len(digest) < size:
        digest += hashlib.sha256(digest).digest()
    return ''.join(_NANOID_ALPHABET[b & 63] for b in digest[:size])
