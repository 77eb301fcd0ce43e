"""
Cached SQL views of manifests (kwcoco's ``dset.view_sql``) and opening a
dataset on a chosen backend (``CocoDataset.coerce(key, backend=...)``).

A SQLite view of ``<dir>/<name>.json`` is the file
``<dir>/_<name>.view.xcoco-v<schema>.sqlite`` (kwcoco names its own
``..._<name>.view.v<N>.sqlite``, so the two never collide).  The view
records the hashid of the manifest it was built from: it is reused while
that matches and rebuilt when the manifest changes.  A rebuild writes a
temporary file and moves it into place, so another process never opens a
half-built view.  Opening a cached view from a manifest path does not read
the JSON when its hashid is cached (see ``CocoDataset._cached_hashid``).

A PostgreSQL view is checked and rebuilt in one transaction under the
writer lock, rows replaced in place: readers see the old view or the new,
and concurrent rebuilds take turns.  It goes to the database ``sql_db_fpath`` names, or to one
named after the manifest on the server ``$XCOCO_POSTGRESQL_URI`` names
(default ``postgresql://localhost:5432/postgres``; the database is created
if missing, which needs the CREATEDB privilege).

Example:
    >>> import xcoco, tempfile, ubelt as ub
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> xcoco.CocoDataset.demo('shapes2').dump(dpath / 'data.kwcoco.json')
    >>> dset = xcoco.CocoDataset(dpath / 'data.kwcoco.json')
    >>> db = view_sql(dset)
    >>> ub.Path(db.fpath).name, db.n_annots
    ('_data.kwcoco.view.xcoco-v2.sqlite', 11)
    >>> coerce_backend(xcoco.CocoDataset, dpath / 'data.kwcoco.json', backend='sqlite').fpath == db.fpath
    True
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from xcoco.errors import DatabaseError, DatabaseURIError
from xcoco.manifest.durable import create_temp_beside, fsync_dir, sweep_stale
from xcoco.sql.database import CocoSqlDatabase
from xcoco.sql.dialect import redact_uri
from xcoco.sql.schema import SCHEMA_VERSION

__all__ = ['BACKENDS', 'coerce_backend', 'sql_view_uri', 'view_sql']

#: the backend names ``coerce`` and ``view_sql`` accept
BACKENDS = ('memory', 'sqlite', 'postgresql', 'frozen')


def _backend(backend):
    name = 'sqlite' if backend is None or backend is True else str(backend).lower()
    if name == 'postgres':
        name = 'postgresql'
    if name not in BACKENDS:
        raise DatabaseURIError(f'unknown backend {backend!r}: expected one of {list(BACKENDS)}')
    return name


def sql_view_uri(manifest_fpath, backend='sqlite'):
    """
    Where the cached view of a manifest lives.

    Example:
        >>> sql_view_uri('/data/train.kwcoco.json')
        '/data/_train.kwcoco.view.xcoco-v2.sqlite'
        >>> sql_view_uri('/data/train.kwcoco.json', 'postgresql')[:43]
        'postgresql://localhost:5432/xcoco_train_kwc'
    """
    fpath = os.path.abspath(os.fspath(manifest_fpath))
    dpath, fname = os.path.split(fpath)
    stem = fname[:-5] if fname.endswith('.json') else fname
    if _backend(backend) == 'sqlite':
        return os.path.join(dpath, f'_{stem}.view.xcoco-v{SCHEMA_VERSION}.sqlite')
    server = os.environ.get('XCOCO_POSTGRESQL_URI', 'postgresql://localhost:5432/postgres')
    parts = urlsplit(server)
    # a database name holds at most 63 characters: a readable stem and a hash
    digest = hashlib.sha1(fpath.encode()).hexdigest()[:10]
    name = 'xcoco_' + re.sub(r'[^a-z0-9]+', '_', stem.lower())[:30] + f'_v{SCHEMA_VERSION}_' + digest
    return urlunsplit(parts._replace(path='/' + name))


def _open_cached(uri, hashid, tag, bundle_dpath):
    """The view at ``uri`` if it holds the manifest with ``hashid``, else None."""
    if hashid is None:
        return None
    db = CocoSqlDatabase(uri, tag=tag, bundle_dpath=bundle_dpath)
    try:
        if db.dialect.name == 'sqlite' and not os.path.exists(db.fpath):
            return None
        db.connect(must_exist=True)
        if db.read_meta('source_hashid') == hashid:
            return db
    except DatabaseError:
        pass
    db.disconnect()
    return None


def _refuse_to_drop_edits(uri, fpath):
    # A view edited through the database no longer mirrors its manifest;
    # rebuilding it from the JSON would silently throw those edits away.
    db = CocoSqlDatabase(uri)
    try:
        if db.dialect.name == 'sqlite' and not os.path.exists(db.fpath):
            return
        db.connect(must_exist=True)
        edited = db.read_meta('source_hashid', 'missing') is None
    except DatabaseError:
        return  # not a usable view: it is rebuilt
    finally:
        db.disconnect()
    if edited:
        raise _edits_error(uri, fpath)


def _edits_error(uri, fpath):
    return DatabaseError(
        f'the SQL view {redact_uri(os.fspath(uri))} of {fpath} holds '
        f'edits made through the database; rebuilding it from the JSON would lose them. '
        f'Write them out first (CocoSqlDatabase(...).dump(path)) or pass '
        f'force_rewrite=True to discard them')


def view_sql(dset: Any, force_rewrite: bool = False, memory: bool = False,
             backend: str = 'sqlite', sql_db_fpath: str | os.PathLike | None = None) -> CocoSqlDatabase:
    """
    A cached SQL copy of a dataset (kwcoco's ``CocoDataset.view_sql``).

    Args:
        dset (CocoDataset): the dataset.
        force_rewrite (bool): rebuild even if the cached view is current.
        memory (bool): build an in-memory SQLite database (never cached).
        backend (str): ``'sqlite'`` or ``'postgresql'``.
        sql_db_fpath (str | None): the database to use instead of the
            default place beside the manifest (a path or a URI).

    Returns:
        CocoSqlDatabase

    Example:
        >>> import xcoco
        >>> db = view_sql(xcoco.CocoDataset.demo('shapes2'), memory=True)
        >>> db.n_images
        2
    """
    backend = _backend(backend)
    if backend in ('memory', 'frozen'):
        raise DatabaseURIError("view_sql needs a database backend ('sqlite' or 'postgresql')")
    tag, bundle_dpath = dset.tag, dset.bundle_dpath
    if memory:
        return CocoSqlDatabase(':memory:', tag=tag, bundle_dpath=bundle_dpath).populate_from(dset)
    uri = os.fspath(sql_db_fpath) if sql_db_fpath is not None else sql_view_uri(dset.fpath, backend)
    hashid = dset._cached_hashid()
    if not force_rewrite:
        db = _open_cached(uri, hashid, tag, bundle_dpath)
        if db is not None:
            return db
        _refuse_to_drop_edits(uri, dset.fpath)
    db = CocoSqlDatabase(uri, tag=tag, bundle_dpath=bundle_dpath)
    if db.dialect.name == 'sqlite' and not db.dialect.in_memory:
        return _build_sqlite_file(db, dset, hashid)
    return _populate_locked(db, dset, hashid, force_rewrite)


def _populate_locked(db, dset, hashid, force_rewrite):
    # Check and rebuild in one transaction under the writer lock: of two
    # processes rebuilding at once the second finds the first's view current
    # and keeps it, and edits another process commits between the check
    # above and the rebuild are never thrown away unnoticed.
    with db._writer_lock():
        if not force_rewrite:
            stored = db.read_meta('source_hashid', 'missing')
            if hashid is not None and stored == hashid:
                return db  # another process built it meanwhile
            if stored is None:
                raise _edits_error(db.uri, dset.fpath)
        db.populate_from(dset, hashid=hashid)
    return db


def _build_sqlite_file(db, dset, hashid):
    final = os.path.abspath(db.fpath)
    dpath = os.path.dirname(final) or '.'
    os.makedirs(dpath, exist_ok=True)
    sweep_stale(final)  # what killed builders left behind
    # an empty locked file SQLite then fills: the lock tells a sweeper that
    # this builder is alive (see xcoco.manifest.durable)
    lock_fd, tmp_fpath = create_temp_beside(final)
    tmp = CocoSqlDatabase(tmp_fpath, tag=db.tag, bundle_dpath=db._bundle_dpath)
    try:
        tmp.populate_from(dset, hashid=hashid)
        stats = tmp.populate_stats
        # fold the WAL into the file so one file moves into place
        tmp.dialect.execute(tmp.connection, 'PRAGMA wal_checkpoint(TRUNCATE)')
        tmp.dialect.execute(tmp.connection, 'PRAGMA journal_mode = DELETE')
        tmp.disconnect()
        os.fsync(lock_fd)
        os.replace(tmp_fpath, final)
        fsync_dir(dpath)
    finally:
        tmp.delete()
        os.close(lock_fd)
    for suffix in ('-wal', '-shm'):
        if os.path.exists(final + suffix):
            os.remove(final + suffix)
    db.connect()
    db.populate_stats = stats
    return db


def is_sql_key(key):
    """
    True for what only the SQL backend opens: a :class:`CocoSqlDatabase`, a
    ``.sqlite`` file, a ``sqlite://`` or ``postgresql://`` URI.

    Example:
        >>> is_sql_key('x.sqlite'), is_sql_key('postgresql://h/db'), is_sql_key('a.json')
        (True, True, False)
    """
    if isinstance(key, CocoSqlDatabase):
        return True
    if isinstance(key, os.PathLike):
        key = os.fspath(key)
    if not isinstance(key, str):
        return False
    scheme = key.split('://', 1)[0].split('+', 1)[0].lower() if '://' in key else ''
    return scheme in ('sqlite', 'postgresql', 'postgres') or key.endswith(
        ('.sqlite', '.sqlite3'))


def coerce_backend(cls, key, sqlview=False, backend=None, verbose=0, **kw):
    """
    ``CocoDataset.coerce`` with a backend: ``backend='memory'`` (or None, or
    ``sqlview=False``) gives an in-memory dataset; ``'sqlite'`` /
    ``'postgresql'`` (or kwcoco's ``sqlview=True`` / ``sqlview='postgresql'``)
    give the cached SQL view of the manifest.  A ``.sqlite`` file or a
    database URI opens that database.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> coerce_backend(xcoco.CocoDataset, 'shapes2', backend='memory').n_images
        2
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'data.kwcoco.json'
        >>> xcoco.CocoDataset.demo('shapes2').dump(fpath)
        >>> db = coerce_backend(xcoco.CocoDataset, fpath, sqlview=True)
        >>> type(db).__name__, db.n_images
        ('CocoSqlDatabase', 2)
    """
    if sqlview and backend not in (None, 'memory'):
        if _backend(sqlview) != _backend(backend):
            raise DatabaseURIError(f'sqlview={sqlview!r} and backend={backend!r} disagree')
    name = _backend(sqlview) if sqlview else ('memory' if backend is None else _backend(backend))
    if name == 'frozen':
        from xcoco.frozen.views import coerce_frozen
        return coerce_frozen(cls, key, verbose=verbose, **kw)
    if is_sql_key(key):
        if isinstance(key, CocoSqlDatabase):
            return key
        return CocoSqlDatabase(key).connect(must_exist=True)
    if name == 'memory':
        return cls.coerce(key, verbose=verbose, **kw)
    if isinstance(key, (str, os.PathLike)) and os.path.isfile(key) and not kw:
        # the fast path: a current cached view opens without reading the JSON
        fpath = os.path.abspath(os.fspath(key))
        db = _open_cached(sql_view_uri(fpath, name), cls._cached_hashid_for(fpath),
                          os.path.basename(fpath), None)
        if db is not None:
            return db
    dset = cls.coerce(key, verbose=verbose, **kw)
    if isinstance(dset, CocoSqlDatabase):
        return dset
    if not os.path.isfile(dset.fpath):
        # a demo or a dict: its view goes to a temporary folder, never beside
        # a manifest that is not there
        target = os.path.join(tempfile.mkdtemp(prefix='xcoco_view_'),
                              os.path.basename(dset.fpath))
        return view_sql(dset, backend=name, sql_db_fpath=(
            sql_view_uri(target, name)))
    return view_sql(dset, backend=name)
