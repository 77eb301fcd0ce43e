"""
Filling a database from an in-memory dataset, fast: one transaction, rows
streamed to ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), indexes built
after the rows, and the speed reported in rows per second.  Refilling an
existing PostgreSQL database deletes and inserts rows instead of dropping
the tables, so readers in the middle of a snapshot keep seeing the old
content (see ``_clear``).

Example:
    >>> import xcoco
    >>> from xcoco.sql import CocoSqlDatabase
    >>> db = CocoSqlDatabase(':memory:')
    >>> stats = populate(db, xcoco.CocoDataset.demo('shapes2'))
    >>> stats['rows'], stats['rows_per_second'] > 0
    (22, True)
"""
from __future__ import annotations

import time

import orjson

from xcoco.sql import schema
from xcoco.tables import TABLES

__all__ = ['populate', 'write_meta']


def write_meta(db, conn, values):
    """
    Store ``key -> value`` pairs (values as JSON) in ``xcoco_meta``.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> write_meta(db, db.connection, {'note': [1, 2]})
        >>> db.read_meta('note')
        [1, 2]
    """
    sql = db.dialect.upsert_sql('xcoco_meta', ['key', 'value'], key='key')
    db.dialect.executemany(conn, sql, [(key, schema.dumps(value)) for key, value in values.items()])


def _unique_rows(table, items, counts):
    # a manifest that repeats an id keeps the last object (as the index does)
    by_id = {}
    for obj in items:
        by_id[obj.get('id') if isinstance(obj, dict) else None] = obj
    counts[table] = len(by_id)
    return map(schema.row_of, [table] * len(by_id), by_id.values())


def populate(db, dset, verbose=0, hashid=None):
    """
    Replace the content of ``db`` with the tables of ``dset`` (any dataset
    with a ``.dataset`` manifest; or a manifest dict).  Returns timing and
    rows per second.

    Raises:
        DatabaseError: an id or reference that is not an integer (the
            database is left as it was).

    Example:
        >>> import xcoco
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:')
        >>> stats = populate(db, xcoco.CocoDataset.demo('vidshapes1'))
        >>> stats['tables']['annotations'] == db.n_annots
        True
    """
    manifest = dset.dataset if hasattr(dset, 'dataset') else dset
    dialect = db.dialect
    start = time.perf_counter()
    counts = {}
    with db.write_transaction() as conn:
        _clear(db, conn)
        for table in TABLES:
            items = manifest.get(table) or []
            rows = _unique_rows(table, items, counts)
            dialect.bulk_insert(conn, table, schema.table_columns(table), rows)
        loaded = time.perf_counter()
        schema.create_indexes(dialect, conn)
        next_ids = _next_ids(db, conn, dset)
        dialect.executemany(conn, 'UPDATE xcoco_next_ids SET next_id = ? WHERE tbl = ?',
                            [(next_id, table) for table, next_id in next_ids.items()])
        extra = {f'manifest:{key}': value for key, value in manifest.items()
                 if key not in TABLES}
        meta = {'manifest_keys': list(manifest.keys()), 'source_hashid': hashid,
                'source_fpath': getattr(dset, 'fpath', None), **extra}
        if getattr(dset, 'bundle_dpath', None) is not None:
            meta['bundle_dpath'] = str(dset.bundle_dpath)
        write_meta(db, conn, meta)
    if dialect.name == 'postgresql':
        dialect.execute(conn, 'ANALYZE')
    done = time.perf_counter()
    total = sum(counts.values())
    stats = {'rows': total, 'tables': counts, 'seconds': done - start,
             'load_seconds': loaded - start, 'index_seconds': done - loaded,
             'rows_per_second': total / max(done - start, 1e-9)}
    if verbose:
        print(f'populated {db!r}: {total} rows in {stats["seconds"]:.2f} s '
              f'({stats["rows_per_second"]:,.0f} rows/s; indexes '
              f'{stats["index_seconds"]:.2f} s)')
    return stats


def _clear(db, conn):
    dialect = db.dialect
    if dialect.name == 'postgresql' and _holds_current_schema(dialect, conn):
        # PostgreSQL's DDL is not MVCC-safe: a reader whose snapshot began
        # before a DROP/CREATE commits would find the new tables empty.
        # Deleting the rows keeps older snapshots on the old rows, so every
        # reader sees the old content or the new, whole.
        for table in TABLES:
            dialect.execute(conn, f'DELETE FROM {table}')
        dialect.execute(conn, "DELETE FROM xcoco_meta WHERE key <> 'schema_version'")
        dialect.execute(conn, 'UPDATE xcoco_next_ids SET next_id = 1')
        return
    schema.drop_schema(dialect, conn)
    schema.create_schema(dialect, conn, indexes=False)


def _holds_current_schema(dialect, conn):
    from xcoco.errors import DatabaseSchemaError
    try:
        return schema.check_schema(dialect, conn) == schema.SCHEMA_VERSION
    except DatabaseSchemaError:
        return False


def _next_ids(db, conn, dset):
    index = getattr(dset, 'index', None)
    remembered = getattr(index, 'next_ids', None) or {}
    out = {}
    for table in TABLES:
        top = db.dialect.execute(conn, f'SELECT max(id) FROM {table}').fetchone()[0]
        candidates = [1 if top is None else top + 1]
        if isinstance(remembered.get(table), int):
            candidates.append(remembered[table])
        out[table] = max(candidates)
    return out


def load_json(text):
    """
    Decode one stored JSON value.

    Example:
        >>> load_json('[1, 2]')
        [1, 2]
    """
    return orjson.loads(text)
