"""
:class:`CocoSqlDatabase`: a dataset that lives in SQLite or PostgreSQL and
reads through the same :class:`xcoco.query.Queryable` surface as the
in-memory :class:`xcoco.CocoDataset`.
"""
from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import orjson

from xcoco.errors import DatabaseError
from xcoco.query import Queryable
from xcoco.sql import schema, writes, writes_more
from xcoco.sql.dialect import dialect_for, redact_uri
from xcoco.sql.proxies import SqlIndex
from xcoco.tables import INDEX_ATTR, TABLES

__all__ = ['CocoSqlDatabase']

#: databases with a live connection, so a forked child can drop them
_CONNECTED: weakref.WeakSet = weakref.WeakSet()
#: connections inherited over a fork: kept alive (never closed, never
#: collected) so the child cannot disturb the parent's session
_INHERITED: list = []


def _after_fork_in_child():
    for db in list(_CONNECTED):
        db._forked()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class CocoSqlDatabase(Queryable):
    """
    A COCO dataset stored in a database: SQLite (a file path, ``':memory:'``
    or ``sqlite:///<path>``) or PostgreSQL (``postgresql://user@host:port/db``,
    with the optional ``psycopg`` driver).

    Reads (``imgs``, ``anns``, every ``index.*`` lookup, ``images()``,
    ``annots()``, ``coco_image``, ``validate``, stats ...) query the database
    through lazy proxies (see :mod:`xcoco.sql.proxies`) and return fresh
    dicts.  Edits (``add_*``, ``remove_*``, views' ``set``) are transactions
    that take the database's writer lock, so many processes can write at
    once (see :mod:`xcoco.sql.writes`).

    Each process opens its own connection: after a fork the child reconnects
    on its first query (no ``worker_init_fn`` needed).  A worker caches
    nothing but SQLite's page cache (capped at 8 MiB per connection; the
    rest of the file is read through shared memory maps).

    Args:
        uri (str | PathLike | None): the database (None: SQLite in memory).
        tag (str | None): a short name for reprs.
        img_root (str | None): kwcoco's name for ``bundle_dpath``.
        bundle_dpath (str | None): the folder image paths are relative to;
            by default the one stored when the database was populated.

    Example:
        >>> import xcoco
        >>> from xcoco.sql import CocoSqlDatabase
        >>> dset = xcoco.CocoDataset.demo('shapes8')
        >>> db = CocoSqlDatabase(':memory:').populate_from(dset)
        >>> db.n_images, db.annots(image_id=1).cnames == dset.annots(image_id=1).cnames
        (8, True)
        >>> db.coco_image(1).imdelay().finalize().shape
        (600, 600, 3)
    """
    MEMORY_URI = 'sqlite:///:memory:'

    def __init__(self, uri: str | os.PathLike[str] | None = None, tag: str | None = None,
                 img_root: str | None = None, bundle_dpath: str | None = None) -> None:
        if uri is None:
            uri = self.MEMORY_URI
        self.dialect = dialect_for(uri)
        self.uri = os.fspath(uri)
        self.tag = tag
        self._bundle_dpath = bundle_dpath if bundle_dpath is not None else img_root
        self._conn = None
        #: lookups cached while a snapshot() is open (None otherwise)
        self._snapshot_cache: dict | None = None
        self._snapshot_limit = 0
        self._writer = None
        #: whether the open write transaction has marked the database edited
        self._write_marked = False
        self.populate_stats: dict[str, Any] | None = None
        self.index = SqlIndex(self)

    # ---- connection ----------------------------------------------------
    def connect(self, readonly: bool = False, verbose: int = 0,
                must_exist: bool = False) -> CocoSqlDatabase:
        """
        Open the connection (creating the tables in an empty database) and
        return ``self``.  Reads connect on their own; this checks early.

        Raises:
            DatabaseConnectionError: the server refuses or the file cannot
                be opened (or, with ``must_exist``, is absent).
            DatabaseSchemaError: the database is from another xcoco schema.

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> CocoSqlDatabase(':memory:').connect().n_images
            0
        """
        if self._conn is None:
            conn = self.dialect.connect(must_exist=must_exist)
            try:
                version = schema.check_schema(self.dialect, conn)
                if version is None:
                    if must_exist:
                        raise DatabaseError(
                            f'database {redact_uri(self.uri)!r} holds no xcoco dataset')
                    if not readonly:
                        self._create_empty(conn)
            except BaseException:
                if not self.dialect.in_memory:
                    conn.close()
                raise
            self._conn = conn
            _CONNECTED.add(self)
            if verbose:
                print(f'connected to {redact_uri(self.uri)}')
        return self

    def _create_empty(self, conn):
        # a new database holds an empty manifest (info and licenses included)
        from xcoco.manifest.io import empty_manifest
        from xcoco.sql.populate import write_meta
        manifest = empty_manifest()
        with self.dialect.write_transaction(conn):
            schema.create_schema(self.dialect, conn)
            meta = {f'manifest:{key}': value for key, value in manifest.items()
                    if key not in TABLES}
            write_meta(self, conn, {'manifest_keys': list(manifest), **meta})

    def disconnect(self) -> None:
        """
        Close the connection (the next read opens a new one; an in-memory
        database is gone).

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').connect()
            >>> db.disconnect()
        """
        conn, self._conn = self._conn, None
        _CONNECTED.discard(self)
        if conn is not None:
            conn.close()

    @property
    def connection(self):
        """
        The live DB-API connection of this process (opened on first use).

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> CocoSqlDatabase(':memory:').connection is not None
            True
        """
        conn = self._conn
        if conn is None:
            conn = self.connect()._conn
        return conn

    def _forked(self):
        # runs in a freshly forked child: the parent's connection is not ours
        if self._conn is None or self.dialect.in_memory:
            return  # an in-memory database is the child's own copy
        conn, self._conn = self._conn, None
        self.dialect.abandon_inherited(conn)
        _INHERITED.append(conn)
        self._writer, self._write_marked = None, False
        self._snapshot_cache = None  # the parent's snapshot is not the child's

    def __getstate__(self):
        if self.dialect.in_memory:
            raise DatabaseError('an in-memory SQLite database cannot be sent to another process')
        return {'uri': self.uri, 'tag': self.tag, 'bundle_dpath': self._bundle_dpath}

    def __setstate__(self, state):
        self.__init__(state['uri'], tag=state['tag'], bundle_dpath=state['bundle_dpath'])

    @contextlib.contextmanager
    def snapshot(self, max_cached: int = 200_000) -> Iterator[CocoSqlDatabase]:
        """
        Read from one consistent snapshot of the database, with lookups
        (rows by id, groups such as ``gid_to_aids``) cached for its length:
        nothing another process commits meanwhile can change what it reads,
        so the cache never serves stale data.  The cache holds at most
        ``max_cached`` lookups (it is emptied when full), and it is dropped
        when the block ends.  Edits are refused inside (they would need a
        write transaction); a forked child starts without the parent's.
        A data-loader worker wraps its epoch in one.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> with db.snapshot():
            ...     first = db.index.anns[1]
            ...     first is db.index.anns[1]
            True
            >>> db.index.anns[1] is db.index.anns[1]  # outside: a fresh read each time
            False
        """
        if self._snapshot_cache is not None:
            yield self  # nested: the outer snapshot serves
            return
        if self._writer is not None:
            raise DatabaseError('snapshot() cannot start inside a write transaction')
        with self.dialect.read_snapshot(self.connection):
            self._snapshot_cache, self._snapshot_limit = {}, max_cached
            try:
                yield self
            finally:
                self._snapshot_cache = None

    def _cached(self, key, compute):
        # a lookup served from the open snapshot's cache (see snapshot())
        cache = self._snapshot_cache
        if cache is None:
            return compute()
        try:
            return cache[key]
        except KeyError:
            pass
        value = compute()
        if len(cache) >= self._snapshot_limit:
            cache.clear()
        cache[key] = value
        return value

    @contextlib.contextmanager
    def write_transaction(self):
        """
        One write transaction holding the database's writer lock (nested
        calls join the outer one).  Used by every edit.

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:')
            >>> with db.write_transaction():
            ...     gid = db.add_image('a.png')
            >>> db.n_images
            1
        """
        with self._writer_lock() as conn:
            if not self._write_marked:
                self._mark_edited(conn)
            yield conn

    def _mark_edited(self, conn):
        # an edited database no longer matches the manifest it came from
        self.dialect.execute(
            conn, "UPDATE xcoco_meta SET value = 'null' WHERE key = 'source_hashid'")
        self._write_marked = True

    @contextlib.contextmanager
    def _writer_lock(self):
        # The writer lock without marking the database edited: a rebuild
        # checks what is there and replaces it in one transaction.  Nested
        # calls (an edit inside a rebuild, or inside a write_transaction)
        # join the outer transaction.
        if self._writer == threading.get_ident():
            yield self._conn
            return
        if self._snapshot_cache is not None:
            raise DatabaseError('edits are refused inside snapshot(): it reads one fixed '
                                'state of the database; edit after the block')
        conn = self.connection
        with self.dialect.write_transaction(conn):
            self._writer = threading.get_ident()
            try:
                yield conn
            finally:
                self._writer, self._write_marked = None, False

    # ---- metadata ------------------------------------------------------
    def read_meta(self, key: str, default: Any = None) -> Any:
        """
        A value stored in the database's ``xcoco_meta`` table.

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> from xcoco.sql.schema import SCHEMA_VERSION
            >>> CocoSqlDatabase(':memory:').read_meta('schema_version') == SCHEMA_VERSION
            True
        """
        row = self.dialect.execute(self.connection, 'SELECT value FROM xcoco_meta WHERE key = ?',
                                   (key,)).fetchone()
        if row is None:
            return default
        try:
            return orjson.loads(row[0])
        except (orjson.JSONDecodeError, TypeError) as ex:
            raise DatabaseError(f'database {redact_uri(self.uri)!r}: meta value {key!r} is not '
                                f'JSON ({ex}); the file is damaged') from None

    @property
    def fpath(self) -> str:
        """
        The SQLite file (or the database URI).

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> CocoSqlDatabase('sqlite:////tmp/x.sqlite').fpath
            '/tmp/x.sqlite'
        """
        return self.dialect.target if self.dialect.name == 'sqlite' else self.uri

    @property
    def bundle_dpath(self) -> str:  # type: ignore[override]
        """
        The folder image file names are relative to (stored at population).

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> CocoSqlDatabase(':memory:', bundle_dpath='/data').bundle_dpath
            '/data'
        """
        if self._bundle_dpath is None:
            stored = self.read_meta('bundle_dpath')
            if stored is None:
                stored = (os.path.dirname(os.path.abspath(self.fpath))
                          if self.dialect.name == 'sqlite' and not self.dialect.in_memory
                          else '.')
            self._bundle_dpath = stored
        return os.fspath(self._bundle_dpath)

    @bundle_dpath.setter
    def bundle_dpath(self, value):
        self._bundle_dpath = value

    img_root = bundle_dpath

    def __repr__(self):
        return (f'<CocoSqlDatabase({self.dialect.name}, tag={self.tag!r}, '
                f'uri={redact_uri(self.uri)!r})>')

    # ---- filling and exporting -----------------------------------------
    def populate_from(self, dset: Any, verbose: int = 0,
                      hashid: str | None = None) -> CocoSqlDatabase:
        """
        Replace the content with the tables of ``dset`` (bulk load: see
        :func:`xcoco.sql.populate.populate`; timing and rows per second in
        ``self.populate_stats``).  Returns ``self``.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> db.populate_stats['tables']['annotations']
            11
        """
        from xcoco.sql.populate import populate
        self.connect()
        self.populate_stats = populate(self, dset, verbose=verbose, hashid=hashid)
        if getattr(dset, 'bundle_dpath', None) is not None and self._bundle_dpath is None:
            self._bundle_dpath = dset.bundle_dpath
        return self

    @property
    def dataset(self) -> dict[str, Any]:
        """
        The whole manifest, materialised from the database on every access
        (time and memory grow with the dataset: a full read; edits to it
        are not written back — edit through the methods).

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> db = CocoSqlDatabase(':memory:').populate_from(dset)
            >>> db.dataset == dset.dataset
            True
        """
        keys = self.read_meta('manifest_keys') or []
        manifest = {}
        for key in [*keys, *(t for t in TABLES if t not in keys)]:
            if key in TABLES:
                lookup = getattr(self.index, INDEX_ATTR[key])
                if key in keys or len(lookup):
                    manifest[key] = list(lookup.values())
            else:
                manifest[key] = self.read_meta(f'manifest:{key}')
        return manifest

    def to_coco(self):
        """
        An in-memory :class:`xcoco.CocoDataset` with the same content.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> dset = xcoco.CocoDataset.demo('vidshapes1')
            >>> back = CocoSqlDatabase(':memory:').populate_from(dset).to_coco()
            >>> back.dataset == dset.dataset and back.bundle_dpath == dset.bundle_dpath
            True
        """
        from xcoco.dataset import CocoDataset
        return CocoDataset(self.dataset, bundle_dpath=self.bundle_dpath, tag=self.tag)

    def to_json(self, file=None, indent=None):
        """
        The manifest as JSON text, or written to ``file`` (a path or file).

        Example:
            >>> import xcoco, json
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> len(json.loads(db.to_json())['images'])
            2
        """
        dset = self.to_coco()
        if file is None:
            return dset.dumps(indent=indent)
        dset.dump(file, indent=indent)
        return None

    dump = to_json

    def delete(self, verbose: int = 0) -> None:
        """
        Delete the database: the SQLite file, or every xcoco table on a server.

        Example:
            >>> import tempfile, os, xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> fpath = os.path.join(tempfile.mkdtemp(), 'd.sqlite')
            >>> db = CocoSqlDatabase(fpath).connect()
            >>> db.delete()
            >>> os.path.exists(fpath)
            False
        """
        if self.dialect.name == 'sqlite':
            self.disconnect()
            if not self.dialect.in_memory:
                for suffix in ('', '-wal', '-shm', '-journal'):
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(self.fpath + suffix)
        else:
            with self.write_transaction() as conn:
                schema.drop_schema(self.dialect, conn)
        if verbose:
            print(f'deleted {redact_uri(self.uri)}')

    def table_names(self) -> list[str]:
        """
        The manifest tables.

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> CocoSqlDatabase().table_names()[:2]
            ['categories', 'keypoint_categories']
        """
        return list(TABLES)

    @property
    def hashid(self) -> str:
        """
        The hashid of the manifest the database was built from while it is
        unedited; otherwise a hash of its content (a full read).

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> CocoSqlDatabase(':memory:').populate_from(dset).hashid == dset.hashid
            True
        """
        stored = self.read_meta('source_hashid')
        if stored:
            return stored
        from xcoco.ops.hashid import manifest_hashid
        return manifest_hashid(self.dataset)

    def _cached_hashid(self):
        return self.hashid

    # ---- edits -----------------------------------------------------------
    add_image = writes.add_image
    add_images = writes.add_images
    add_annotation = writes.add_annotation
    add_annotations = writes.add_annotations
    add_category = writes.add_category
    add_categories = writes.add_categories
    add_video = writes.add_video
    add_track = writes.add_track
    add_keypoint_categories = writes.add_keypoint_categories
    remove_annotations = writes.remove_annotations
    remove_images = writes.remove_images
    remove_categories = writes.remove_categories
    remove_videos = writes.remove_videos
    remove_tracks = writes.remove_tracks
    set_annotation_category = writes.set_annotation_category
    add_keypoint_category = writes_more.add_keypoint_category
    remove_keypoint_categories = writes_more.remove_keypoint_categories
    remove_annotation_keypoints = writes_more.remove_annotation_keypoints
    clear_annotations = writes_more.clear_annotations
    clear_images = writes_more.clear_images
    ensure_image = writes_more.ensure_image
    ensure_category = writes_more.ensure_category
    ensure_video = writes_more.ensure_video
    ensure_track = writes_more.ensure_track
    _set_field = writes.set_field

    def remove_annotation(self, aid_or_ann):
        """
        Remove one annotation.

        Example:
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:')
            >>> aid = db.add_annotation(db.add_image('a.png'))
            >>> db.remove_annotation(aid)
            >>> db.n_annots
            0
        """
        writes.remove_annotations(self, [aid_or_ann])
