"""
The one place that knows SQLite from PostgreSQL: parsing a database URI,
connecting (and reconnecting after a fork), placeholders, the JSON column
type, the write lock, and bulk inserts (``executemany`` for SQLite,
``COPY`` for PostgreSQL).  Everything else in :mod:`xcoco.sql` writes
portable SQL with ``?`` placeholders and goes through a :class:`Dialect`.

Example:
    >>> dialect = dialect_for('sqlite:///:memory:')
    >>> dialect.name, dialect.target
    ('sqlite', ':memory:')
    >>> conn = dialect.connect()
    >>> dialect.execute(conn, 'SELECT ? + 1', (1,)).fetchone()[0]
    2
"""
from __future__ import annotations

import contextlib
import os
import threading
from os import PathLike, fspath
from urllib.parse import urlsplit, urlunsplit

from xcoco.errors import DatabaseConnectionError, DatabaseError, DatabaseURIError, MissingDependencyError

__all__ = ['Dialect', 'PostgresDialect', 'SqliteDialect', 'dialect_for', 'redact_uri']

_URI_HELP = ('expected a path, sqlite:///<path> or '
             'postgresql://[user[:password]@]host[:port]/dbname')

#: SQLite's page cache per connection (KiB, as a negative cache_size).  Pages
#: beyond it are read through mmap, which forked workers share instead of
#: copying: this bounds what each worker keeps privately.
SQLITE_CACHE_KIB = 8192
SQLITE_MMAP_BYTES = 1 << 34

#: the key of PostgreSQL's advisory lock that serializes xcoco's writers
_PG_WRITE_LOCK = 0x78636F636F


def redact_uri(uri: str) -> str:
    """
    The URI with its password replaced by ``***`` (for messages).

    Example:
        >>> redact_uri('postgresql://bob:secret@db:5432/coco')
        'postgresql://bob:***@db:5432/coco'
        >>> redact_uri('/tmp/a.sqlite')
        '/tmp/a.sqlite'
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f':{parts.password}@', ':***@', 1)
    return urlunsplit(parts._replace(netloc=netloc))


def dialect_for(uri: str | PathLike[str]) -> Dialect:
    """
    The dialect (SQLite or PostgreSQL) a URI or path names.

    Accepted: a file path or ``':memory:'`` (SQLite), ``sqlite:///<path>``,
    ``sqlite://`` (in memory), ``postgresql://...`` / ``postgres://...``
    (kwcoco's ``postgresql+psycopg2://`` too).

    Raises:
        DatabaseURIError: the URI does not parse or names another database.

    Example:
        >>> dialect_for('/tmp/x.sqlite').target
        '/tmp/x.sqlite'
        >>> dialect_for('postgresql+psycopg2://u@localhost:5432/db').target
        'postgresql://u@localhost:5432/db'
        >>> try:
        ...     dialect_for('postgresql://host:notaport/db')
        ... except DatabaseURIError as ex:
        ...     print(str(ex)[:61])
        cannot open database 'postgresql://host:notaport/db': its por
    """
    if isinstance(uri, PathLike):
        uri = fspath(uri)
    if not isinstance(uri, str) or not uri:
        raise DatabaseURIError(f'cannot open database {uri!r}: {_URI_HELP}')
    if '://' not in uri:
        return SqliteDialect(uri, uri)
    scheme, rest = uri.split('://', 1)
    base = scheme.split('+', 1)[0].lower()
    if base == 'sqlite':
        path = rest[1:] if rest.startswith('/') else rest
        return SqliteDialect(uri, path or ':memory:')
    if base in ('postgresql', 'postgres'):
        target = 'postgresql://' + rest
        try:
            parts = urlsplit(target)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError as ex:
            raise DatabaseURIError(
                f'cannot open database {redact_uri(uri)!r}: its port or '
                f'address does not parse ({ex}); {_URI_HELP}') from None
        if not parts.path.strip('/'):
            raise DatabaseURIError(
                f'cannot open database {redact_uri(uri)!r}: no database name '
                f'after the host; {_URI_HELP}')
        return PostgresDialect(uri, target)
    raise DatabaseURIError(f'cannot open database {redact_uri(uri)!r}: unknown '
                           f'scheme {scheme!r} ({_URI_HELP})')


class _Cursor:
    """
    A DB-API cursor whose driver errors (a damaged file, a table of another
    shape ...) surface as :class:`DatabaseError` naming the database.
    Rows are fetched lazily, so fetching is guarded as well as executing.
    """

    __slots__ = ('_cursor', '_dialect')

    def __init__(self, cursor, dialect):
        self._cursor = cursor
        self._dialect = dialect

    def fetchone(self):
        try:
            return self._cursor.fetchone()
        except self._dialect.driver_errors as ex:
            raise self._dialect.wrap_error(ex) from None

    def fetchall(self):
        try:
            return self._cursor.fetchall()
        except self._dialect.driver_errors as ex:
            raise self._dialect.wrap_error(ex) from None

    def fetchmany(self, size=None):
        try:
            return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()
        except self._dialect.driver_errors as ex:
            raise self._dialect.wrap_error(ex) from None

    def __iter__(self):
        return iter(self.fetchall())

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class Dialect:
    """
    What differs between the databases.  Subclasses: :class:`SqliteDialect`,
    :class:`PostgresDialect`.

    Example:
        >>> d = dialect_for(':memory:')
        >>> d.sql('SELECT a FROM t WHERE id = ?')
        'SELECT a FROM t WHERE id = ?'
    """
    name = ''
    #: column type of the JSON column holding each whole object
    json_type = 'TEXT'
    #: column types of ids / numbers / text
    int_type = 'BIGINT'
    real_type = 'DOUBLE PRECISION'

    def __init__(self, uri: str, target: str) -> None:
        self.uri = uri
        self.target = target
        self._sql_cache: dict[str, str] = {}
        #: writes and reads of one connection from several threads take turns
        self.lock = threading.RLock()

    @property
    def in_memory(self) -> bool:
        """
        True for a database that lives only in this process.

        Example:
            >>> dialect_for('postgresql://h/db').in_memory
            False
        """
        return False

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        """
        The exception classes of this dialect's driver.

        Example:
            >>> from xcoco.sql.dialect import Dialect
            >>> Dialect('x', 'x').driver_errors
            ()
        """
        return ()

    def wrap_error(self, ex: BaseException) -> DatabaseError:
        """
        The :class:`DatabaseError` for a driver error: it names the database
        (password hidden) and says what the driver said.

        Example:
            >>> import sqlite3
            >>> print(dialect_for('/tmp/x.sqlite').wrap_error(sqlite3.DatabaseError('file is not a database')))
            database '/tmp/x.sqlite' cannot be used: file is not a database (damaged, truncated, or not an xcoco database?)
        """
        return DatabaseError(f'database {redact_uri(self.uri)!r} cannot be used: {str(ex).strip()} '
                             '(damaged, truncated, or not an xcoco database?)')

    def sql(self, text: str) -> str:
        """
        The statement with this dialect's placeholders.

        Example:
            >>> dialect_for(':memory:').sql('SELECT ?')
            'SELECT ?'
        """
        return text

    def connect(self, must_exist=False):
        """
        A new DB-API connection (each subclass knows its driver).

        Example:
            >>> dialect_for(':memory:').connect() is not None
            True
        """
        raise NotImplementedError(f'{type(self).__name__} cannot connect')

    def execute(self, conn, text, params=()):
        """
        Run one statement with parameters (never formatted into the SQL).

        Example:
            >>> d = dialect_for(':memory:')
            >>> d.execute(d.connect(), 'SELECT ?', ('x',)).fetchall()
            [('x',)]
        """
        try:
            return _Cursor(conn.execute(self.sql(text), params), self)
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    def executemany(self, conn, text, rows):
        """
        Run one statement once per parameter row.

        Example:
            >>> d = dialect_for(':memory:')
            >>> conn = d.connect()
            >>> _ = d.execute(conn, 'CREATE TABLE t (a INT)')
            >>> d.executemany(conn, 'INSERT INTO t VALUES (?)', [(1,), (2,)])
            >>> d.execute(conn, 'SELECT count(*) FROM t').fetchone()[0]
            2
        """
        try:
            conn.cursor().executemany(self.sql(text), rows)
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    def json_out(self, column: str) -> str:
        """
        The SQL expression that reads a JSON column back as text.

        Example:
            >>> dialect_for(':memory:').json_out('data')
            'data'
        """
        return column

    def bulk_insert(self, conn, table, columns, rows):
        """
        Insert many rows fast (inside the caller's transaction).

        Example:
            >>> d = dialect_for(':memory:')
            >>> conn = d.connect()
            >>> _ = d.execute(conn, 'CREATE TABLE t (a INT, b TEXT)')
            >>> d.bulk_insert(conn, 't', ['a', 'b'], [(1, 'x'), (2, 'y')])
            >>> d.execute(conn, 'SELECT b FROM t ORDER BY a').fetchall()
            [('x',), ('y',)]
        """
        marks = ', '.join('?' for _ in columns)
        self.executemany(conn, f'INSERT INTO {table} ({", ".join(columns)}) '
                         f'VALUES ({marks})', rows)

    def upsert_sql(self, table, columns, key='id'):
        """
        An insert that replaces the row holding the same ``key``.

        Example:
            >>> dialect_for(':memory:').upsert_sql('t', ['id', 'a'])
            'INSERT INTO t (id, a) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a'
        """
        marks = ', '.join('?' for _ in columns)
        updates = ', '.join(f'{c} = excluded.{c}' for c in columns if c != key)
        return (f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({marks}) '
                f'ON CONFLICT ({key}) DO UPDATE SET {updates}')

    @contextlib.contextmanager
    def read_snapshot(self, conn):
        """
        A read-only transaction: every read in it sees the database as it
        was at its first read (SQLite's WAL snapshot, PostgreSQL's
        REPEATABLE READ), whatever other processes commit meanwhile.

        Example:
            >>> d = dialect_for(':memory:')
            >>> conn = d.connect()
            >>> _ = d.execute(conn, 'CREATE TABLE t (a INT)')
            >>> with d.read_snapshot(conn):
            ...     d.execute(conn, 'SELECT count(*) FROM t').fetchone()[0]
            0
        """
        self._run(conn, self._begin_snapshot)
        try:
            yield conn
        finally:
            self._run(conn, 'COMMIT')

    def _run(self, conn, statement, params=()):
        """a statement of transaction control, its driver errors wrapped"""
        try:
            conn.execute(statement, params)
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    @contextlib.contextmanager
    def write_transaction(self, conn):
        """
        A transaction that holds the database's single writer lock from its
        first statement: checks made inside it stay true until it commits,
        so concurrent writers never hand out the same id or name.

        Example:
            >>> d = dialect_for(':memory:')
            >>> conn = d.connect()
            >>> _ = d.execute(conn, 'CREATE TABLE t (a INT)')
            >>> with d.write_transaction(conn):
            ...     _ = d.execute(conn, 'INSERT INTO t VALUES (1)')
            >>> d.execute(conn, 'SELECT count(*) FROM t').fetchone()[0]
            1
        """
        with self.lock:
            self._begin(conn)
            try:
                yield conn
            except BaseException:
                self._rollback(conn)
                raise
            try:
                self._commit(conn)
            except Exception as ex:
                # a transaction left open would refuse every later BEGIN
                with contextlib.suppress(Exception):
                    self._rollback(conn)
                raise DatabaseError(f'cannot commit to database {redact_uri(self.uri)!r}: '
                                    f'{ex}; nothing was written') from ex

    def _begin(self, conn):
        self._run(conn, 'BEGIN IMMEDIATE')

    #: starts a read transaction: every read in it sees one snapshot
    _begin_snapshot = 'BEGIN'

    def _commit(self, conn):
        self._run(conn, 'COMMIT')

    def _rollback(self, conn):
        self._run(conn, 'ROLLBACK')

    def abandon_inherited(self, conn):
        """
        Make a connection inherited over a fork harmless to the parent
        (SQLite: nothing to do, the child just never uses it).

        Example:
            >>> d = dialect_for(':memory:')
            >>> d.abandon_inherited(d.connect())
        """


class SqliteDialect(Dialect):
    """
    SQLite through the standard library.  Files use WAL (readers never
    wait for the writer); writers queue on ``BEGIN IMMEDIATE`` for up to a
    minute.

    Example:
        >>> d = SqliteDialect(':memory:', ':memory:')
        >>> d.in_memory
        True
    """
    name = 'sqlite'
    int_type = 'INTEGER'
    real_type = 'REAL'
    #: seconds a writer waits for the write lock (SQLite retries meanwhile)
    #: before a DatabaseError; set it before connecting
    timeout = 60.0

    @property
    def driver_errors(self):
        """
        Example:
            >>> [e.__name__ for e in dialect_for(':memory:').driver_errors]
            ['Error', 'UnicodeDecodeError']
        """
        import sqlite3
        return (sqlite3.Error, UnicodeDecodeError)

    @property
    def in_memory(self) -> bool:
        """
        Example:
            >>> dialect_for('sqlite://').in_memory, dialect_for('/tmp/a.sqlite').in_memory
            (True, False)
        """
        return self.target in ('', ':memory:') or self.target.startswith('file::memory:')

    def _begin(self, conn):
        import sqlite3
        try:
            conn.execute('BEGIN IMMEDIATE')
        except sqlite3.OperationalError as ex:
            # SQLite retried for ``timeout`` seconds (its busy handler)
            # before giving up: say so instead of a bare OperationalError
            raise DatabaseError(
                f'cannot write to database {redact_uri(self.uri)!r}: {ex} (another '
                f'process held its write lock for more than {self.timeout:g} s); '
                f'nothing was written') from ex
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    def connect(self, must_exist=False):
        """
        Open the file (WAL, capped page cache, shared memory map).

        Example:
            >>> import os, tempfile
            >>> d = dialect_for(os.path.join(tempfile.mkdtemp(), 'a.sqlite'))
            >>> d.connect().execute('PRAGMA journal_mode').fetchone()[0]
            'wal'
        """
        import sqlite3
        if must_exist and not self.in_memory and not os.path.exists(self.target):
            raise DatabaseConnectionError(
                f'cannot open database {self.uri!r}: no such file')
        try:
            conn = sqlite3.connect(self.target, isolation_level=None,
                                   check_same_thread=False, timeout=self.timeout,
                                   cached_statements=256)
            conn.execute(f'PRAGMA cache_size = -{SQLITE_CACHE_KIB}')
            if not self.in_memory:
                conn.execute(f'PRAGMA mmap_size = {SQLITE_MMAP_BYTES}')
                with contextlib.suppress(sqlite3.OperationalError):
                    # a read-only folder cannot hold the WAL: stay in rollback mode
                    conn.execute('PRAGMA journal_mode = WAL')
                conn.execute('PRAGMA synchronous = NORMAL')
        except (sqlite3.Error, UnicodeDecodeError) as ex:
            # a damaged header can make even a PRAGMA's text undecodable
            raise DatabaseConnectionError(
                f'cannot open database {self.uri!r}: {ex}') from None
        return conn


class PostgresDialect(Dialect):
    """
    PostgreSQL through psycopg 3 (``pip install "psycopg[binary]"``).
    Connections run in autocommit; writes take a transaction-scoped
    advisory lock so xcoco's writers on every machine take turns.

    Example:
        >>> d = dialect_for('postgresql://localhost/coco')
        >>> d.sql('SELECT data FROM images WHERE id = ?')
        'SELECT data FROM images WHERE id = %s'
    """
    name = 'postgresql'
    json_type = 'JSON'

    @property
    def driver_errors(self):
        """
        Example:
            >>> import importlib.util
            >>> d = dialect_for('postgresql://h/db')
            >>> importlib.util.find_spec('psycopg') is None or d.driver_errors[0].__name__ == 'Error'
            True
        """
        import psycopg
        return (psycopg.Error,)

    def sql(self, text):
        """
        Example:
            >>> dialect_for('postgresql://h/db').sql('SELECT ?, ?')
            'SELECT %s, %s'
        """
        out = self._sql_cache.get(text)
        if out is None:
            out = self._sql_cache[text] = text.replace('?', '%s')
        return out

    def json_out(self, column):
        """
        Example:
            >>> dialect_for('postgresql://h/db').json_out('data')
            'data::text'
        """
        # the json type keeps the text (key order included); read it raw
        return f'{column}::text'

    def connect(self, must_exist=False):
        """
        Connect with psycopg (autocommit); a missing database is created
        unless ``must_exist``.

        Example:
            >>> import xcoco
            >>> try:
            ...     dialect_for('postgresql://u@127.0.0.1:1/db').connect()
            ... except (xcoco.DatabaseConnectionError, xcoco.MissingDependencyError) as ex:
            ...     print(type(ex).__name__ in ('DatabaseConnectionError', 'MissingDependencyError'))
            True
        """
        try:
            import psycopg
        except ImportError:
            raise MissingDependencyError(
                'the PostgreSQL backend needs psycopg 3: pip install "psycopg[binary]"'
            ) from None
        try:
            return psycopg.connect(self.target, autocommit=True, connect_timeout=10)
        except psycopg.Error as ex:
            message = str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__
            if not must_exist and 'does not exist' in message and 'database' in message:
                self._create_database(psycopg)
                return psycopg.connect(self.target, autocommit=True, connect_timeout=10)
            raise DatabaseConnectionError(
                f'cannot connect to {redact_uri(self.uri)!r}: {message}') from None

    def _create_database(self, psycopg):
        from psycopg import sql as pgsql
        parts = urlsplit(self.target)
        dbname = parts.path.strip('/')
        admin = urlunsplit(parts._replace(path='/postgres'))
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
                conn.execute(pgsql.SQL('CREATE DATABASE {}').format(pgsql.Identifier(dbname)))
        except psycopg.errors.DuplicateDatabase:
            pass  # another process made it first
        except psycopg.Error as ex:
            raise DatabaseConnectionError(
                f'cannot create database {dbname!r} on {redact_uri(self.uri)!r}: '
                f'{str(ex).strip()}') from None

    def execute(self, conn, text, params=()):
        try:
            return _Cursor(conn.execute(self.sql(text), params, prepare=True), self)
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    def bulk_insert(self, conn, table, columns, rows):
        cur = conn.cursor()
        try:
            with cur.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        except self.driver_errors as ex:
            raise self.wrap_error(ex) from None

    def _begin(self, conn):
        self._run(conn, 'BEGIN')
        self._run(conn, 'SELECT pg_advisory_xact_lock(%s)', (_PG_WRITE_LOCK,))

    _begin_snapshot = 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY'

    def abandon_inherited(self, conn):
        """
        Point the inherited socket at /dev/null in the child.

        Example:
            >>> class Fake:
            ...     class pgconn:
            ...         socket = None
            >>> dialect_for('postgresql://h/db').abandon_inherited(Fake())
        """
        # The child must not talk on the parent's socket, nor say goodbye on
        # it when the object is collected: point the descriptor at /dev/null.
        try:
            fd = conn.pgconn.socket
        except Exception:
            return
        if not isinstance(fd, int):
            return
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)

