"""
The tables of an xcoco database.

Each manifest table becomes one SQL table: an integer ``id`` primary key,
a column for each field a lookup needs (references, names, file names,
``frame_index``), and ``data``, a JSON column holding the whole object as
the manifest has it (unknown fields and key order kept).  The columns are
copies made from ``data`` on every write, so a read only ever decodes
``data``.  Every reference and name column is indexed.

Two bookkeeping tables: ``xcoco_meta`` (the schema version, the bundle
folder, the manifest's other top-level keys, the source hashid) and
``xcoco_next_ids`` (the next id of each table: ids are never reused, as in
memory).

Example:
    >>> from xcoco.sql.schema import COLUMNS, row_of
    >>> [c.name for c in COLUMNS['annotations']]
    ['image_id', 'category_id', 'track_id', 'bbox']
    >>> row_of('categories', {'id': 3, 'name': 'cat'})[:2]
    (3, 'cat')
"""
from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import orjson

from xcoco.errors import DatabaseError, DatabaseSchemaError
from xcoco.tables import NOUN, TABLES

__all__ = ['COLUMNS', 'SCHEMA_VERSION', 'Column', 'check_schema', 'create_schema',
           'dumps', 'row_of', 'table_columns']

#: bumped whenever the layout changes; a database of another version is refused
SCHEMA_VERSION = 2

#: orjson options for the JSON column (numpy values written as lists / numbers)
_DUMP_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class Column(NamedTuple):
    """
    A looked-up field copied into its own column.

    Example:
        >>> Column('image_id', 'ref').kind
        'ref'
    """
    name: str
    #: 'ref' (an integer id or NULL), 'text' (a name), 'frame' (a number) or
    #: 'json' (a field's JSON text, so column reads skip decoding ``data``)
    kind: str


#: table -> the columns besides ``id`` and ``data``
COLUMNS = {
    'categories': [Column('name', 'text')],
    'keypoint_categories': [Column('name', 'text')],
    'videos': [Column('name', 'text')],
    'images': [Column('file_name', 'text'), Column('name', 'text'),
               Column('video_id', 'ref'), Column('frame_index', 'frame')],
    'tracks': [Column('name', 'text')],
    'annotations': [Column('image_id', 'ref'), Column('category_id', 'ref'),
                    Column('track_id', 'ref'), Column('bbox', 'json')],
}

#: (table, columns) of every index, beside the primary keys
_INDEXES = [
    ('categories', ('name',)),
    ('keypoint_categories', ('name',)),
    ('videos', ('name',)),
    ('tracks', ('name',)),
    ('images', ('file_name',)),
    ('images', ('name',)),
    ('images', ('video_id', 'frame_index')),
    ('annotations', ('image_id',)),
    ('annotations', ('category_id',)),
    ('annotations', ('track_id',)),
]


def table_columns(table: str) -> list[str]:
    """
    Every column of a table, in insert order.

    Example:
        >>> table_columns('videos')
        ['id', 'name', 'data']
    """
    return ['id', *(c.name for c in COLUMNS[table]), 'data']


def dumps(obj) -> str:
    """
    The JSON text stored for an object.

    Example:
        >>> import numpy as np
        >>> dumps({'id': 1, 'bbox': np.array([1.0, 2.0, 3.0, 4.0])})
        '{"id":1,"bbox":[1.0,2.0,3.0,4.0]}'
    """
    from xcoco.manifest.io import json_default
    return orjson.dumps(obj, default=json_default, option=_DUMP_OPTIONS).decode()


def _as_id(table, obj, field, value):
    if value is None:
        return None
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    raise DatabaseError(
        f'{NOUN[table]} id={obj.get("id")!r}: {field}={value!r:.40} is a '
        f'{type(value).__name__}; the SQL backend keeps integer ids only')


def row_of(table: str, obj: dict) -> tuple:
    """
    The values of every column of ``table`` for ``obj`` (see
    :func:`table_columns`).

    Raises:
        DatabaseError: an id or reference is not an integer.

    Example:
        >>> row_of('images', {'id': 1, 'file_name': 'a.png', 'video_id': 2, 'frame_index': 0})
        (1, 'a.png', None, 2, 0, '{"id":1,"file_name":"a.png","video_id":2,"frame_index":0}')
        >>> try:
        ...     row_of('images', {'id': 'x', 'file_name': 'a.png'})
        ... except DatabaseError as ex:
        ...     print(ex)
        image id='x': id='x' is a str; the SQL backend keeps integer ids only
        >>> try:
        ...     row_of('images', {'id': 1, 'file_name': 'a.png', 'size': 2 ** 70})
        ... except DatabaseError as ex:
        ...     print(ex)
        image id=1: cannot be stored as JSON (Integer exceeds 64-bit range)
    """
    obj_id = _as_id(table, obj, 'id', obj.get('id'))
    if obj_id is None:
        raise DatabaseError(f'{NOUN[table]} {str(obj)[:60]} has no id')
    try:
        return _row_values(table, obj, obj_id)
    except orjson.JSONEncodeError as ex:
        # e.g. an integer beyond 64 bits, which dump() refuses as well
        raise DatabaseError(f'{NOUN[table]} id={obj_id}: cannot be stored as JSON ({ex})') from None


def _row_values(table, obj, obj_id):
    values = [obj_id]
    for column in COLUMNS[table]:
        value = obj.get(column.name)
        if column.kind == 'ref':
            value = _as_id(table, obj, column.name, value)
        elif column.kind == 'text':
            if value is not None and not isinstance(value, str):
                # the name lookups are keyed by this column: another type would vanish from them
                raise DatabaseError(f'{NOUN[table]} id={obj_id}: {column.name}={value!r:.40} is a '
                                    f'{type(value).__name__}; the SQL backend keeps string names only')
        elif column.kind == 'json':
            value = None if value is None and column.name not in obj else dumps(value)
        elif not (isinstance(value, Real) and not isinstance(value, bool)):
            value = None  # only orders frames; the stored object keeps the value
        values.append(value)
    values.append(dumps(obj))
    return tuple(values)


def _ddl(dialect, table):
    types = {'ref': dialect.int_type, 'text': 'TEXT', 'frame': dialect.real_type,
             'json': 'TEXT'}
    cols = [f'id {dialect.int_type} PRIMARY KEY']
    cols += [f'{c.name} {types[c.kind]}' for c in COLUMNS[table]]
    cols.append(f'data {dialect.json_type} NOT NULL')
    return f'CREATE TABLE IF NOT EXISTS {table} ({", ".join(cols)})'


def create_schema(dialect, conn, indexes=True):
    """
    Create the tables (and, unless ``indexes=False``, their indexes: a bulk
    load adds them after the rows, which is faster) in a fresh database.

    Example:
        >>> from xcoco.sql.dialect import dialect_for
        >>> d = dialect_for(':memory:')
        >>> conn = d.connect()
        >>> create_schema(d, conn)
        >>> check_schema(d, conn) == SCHEMA_VERSION
        True
    """
    run = dialect.execute
    run(conn, 'CREATE TABLE IF NOT EXISTS xcoco_meta (key TEXT PRIMARY KEY, value TEXT)')
    run(conn, f'CREATE TABLE IF NOT EXISTS xcoco_next_ids (tbl TEXT PRIMARY KEY, '
              f'next_id {dialect.int_type} NOT NULL)')
    for table in TABLES:
        run(conn, _ddl(dialect, table))
        run(conn, 'INSERT INTO xcoco_next_ids (tbl, next_id) VALUES (?, 1) '
                  'ON CONFLICT (tbl) DO NOTHING', (table,))
    run(conn, dialect.upsert_sql('xcoco_meta', ['key', 'value'], key='key'),
        ('schema_version', str(SCHEMA_VERSION)))
    if indexes:
        create_indexes(dialect, conn)


def create_indexes(dialect, conn):
    """
    Index every reference and name column (idempotent).

    Example:
        >>> from xcoco.sql.dialect import dialect_for
        >>> d = dialect_for(':memory:')
        >>> conn = d.connect()
        >>> create_schema(d, conn, indexes=False)
        >>> create_indexes(d, conn)
    """
    for table, cols in _INDEXES:
        name = f'ix_{table}_{"_".join(cols)}'
        dialect.execute(conn, f'CREATE INDEX IF NOT EXISTS {name} ON {table} ({", ".join(cols)})')


def check_schema(dialect, conn) -> int | None:
    """
    The schema version of a database: None for an empty database, the
    version when it is this one.

    Raises:
        DatabaseSchemaError: tables from another version of xcoco, or a
            database that holds other tables but no xcoco ones.

    Example:
        >>> from xcoco.sql.dialect import dialect_for
        >>> d = dialect_for(':memory:')
        >>> conn = d.connect()
        >>> check_schema(d, conn) is None
        True
        >>> _ = d.execute(conn, 'CREATE TABLE xcoco_meta (key TEXT PRIMARY KEY, value TEXT)')
        >>> _ = d.execute(conn, "INSERT INTO xcoco_meta VALUES ('schema_version', '0')")
        >>> try:
        ...     check_schema(d, conn)
        ... except DatabaseSchemaError as ex:
        ...     print(str(ex)[:57])
        database ':memory:' has xcoco schema version 0, but this
    """
    tables = _existing_tables(dialect, conn)
    if 'xcoco_meta' not in tables:
        if set(TABLES) & tables:
            raise DatabaseSchemaError(
                f'database {_uri(dialect)!r} has tables {sorted(set(TABLES) & tables)} '
                "but no 'xcoco_meta' table: it was not written by xcoco (a kwcoco "
                'SQL view?); rebuild it with force_rewrite=True or populate_from')
        return None
    row = dialect.execute(conn, "SELECT value FROM xcoco_meta WHERE key = 'schema_version'"
                          ).fetchone()
    version = row[0] if row else None
    if version != str(SCHEMA_VERSION):
        raise DatabaseSchemaError(
            f'database {_uri(dialect)!r} has xcoco schema version {version}, but this '
            f'xcoco reads version {SCHEMA_VERSION}: rebuild the database '
            '(view_sql(force_rewrite=True), or populate_from on a new one)')
    return SCHEMA_VERSION


def _uri(dialect):
    from xcoco.sql.dialect import redact_uri
    return redact_uri(dialect.uri)


def _existing_tables(dialect, conn):
    if dialect.name == 'sqlite':
        rows = dialect.execute(conn, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = dialect.execute(
            conn, 'SELECT table_name FROM information_schema.tables '
                  'WHERE table_schema = current_schema()')
    return {r[0] for r in rows.fetchall()}


def drop_schema(dialect, conn):
    """
    Drop every xcoco table (before a rebuild).

    Example:
        >>> from xcoco.sql.dialect import dialect_for
        >>> d = dialect_for(':memory:')
        >>> conn = d.connect()
        >>> create_schema(d, conn)
        >>> drop_schema(d, conn)
        >>> check_schema(d, conn) is None
        True
    """
    for table in (*TABLES, 'xcoco_meta', 'xcoco_next_ids'):
        dialect.execute(conn, f'DROP TABLE IF EXISTS {table}')
