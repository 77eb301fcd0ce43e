"""
A throw-away PostgreSQL server for tests, benchmarks and examples.

:class:`TemporaryPostgres` runs ``initdb`` in a fresh temporary folder and
starts ``postgres`` on a free loopback port (``127.0.0.1``, its unix socket
in the same folder), with trust authentication for one superuser and
durability switched off (``fsync``, ``synchronous_commit``): the data is
thrown away anyway, and tests get a server in about a second.  Stopping
the server (or leaving the ``with`` block, or the interpreter exiting, or
the parent dying) shuts ``postgres`` down and removes the folder.

PostgreSQL refuses to run as root.  Under root the server runs as the
``postgres`` system user (``nobody`` where there is none) and owns the
cluster folder; temporary folders above it get the traverse bit for
others (only inside a shared temporary directory such as ``/tmp``) and get
their old mode back at stop.

The binaries come from ``XCOCO_POSTGRES_BINDIR``, then ``PATH``, then
Debian's ``/usr/lib/postgresql/<version>/bin`` (the newest version).

Command line: ``python -m xcoco.testing_pg`` starts a server, prints its
URI and keeps it until Ctrl-C.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from xcoco.errors import DatabaseServerError, MissingDependencyError

__all__ = ['INSTALL_HINT', 'TemporaryPostgres', 'find_postgres_bindir']

INSTALL_HINT = ('install PostgreSQL\'s server binaries (Debian / Ubuntu: "apt-get install postgresql"; '
                'macOS: "brew install postgresql") or point XCOCO_POSTGRES_BINDIR at the folder '
                'holding initdb, postgres and psql')

_NEEDED = ('initdb', 'postgres', 'psql')
_DBNAME_RE = re.compile(r'[a-z_][a-z0-9_]{0,62}')
_PR_SET_PDEATHSIG = 1


def _is_bindir(dpath):
    return all(os.access(os.path.join(dpath, name), os.X_OK) for name in _NEEDED)


def _version_key(dpath):
    # /usr/lib/postgresql/15/bin -> (15,); '9.6' -> (9, 6)
    parts = Path(dpath).parent.name.split('.')
    return tuple(int(p) for p in parts if p.isdigit())


def find_postgres_bindir():
    """
    The folder holding PostgreSQL's ``initdb``, ``postgres`` and ``psql``,
    or None when no such folder is found.

    Example:
        >>> bindir = find_postgres_bindir()
        >>> bindir is None or (bindir / 'initdb').exists()
        True
    """
    override = os.environ.get('XCOCO_POSTGRES_BINDIR')
    if override:
        return Path(override) if _is_bindir(override) else None
    candidates = []
    for name in _NEEDED[:2]:
        found = shutil.which(name)
        if found:
            # /usr/local/bin may hold symlinks to some binaries only: the
            # real folder has all of them
            candidates += [os.path.dirname(found), os.path.dirname(os.path.realpath(found))]
    debian = sorted(Path('/usr/lib/postgresql').glob('*/bin'), key=_version_key, reverse=True)
    candidates += [str(p) for p in debian]
    for dpath in candidates:
        if _is_bindir(dpath):
            return Path(dpath)
    return None


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _die_with_parent():
    # runs in the child after the switch of user (which would clear it):
    # if the process that started the server dies, the server shuts down
    # (SIGINT = PostgreSQL's fast shutdown) instead of lingering
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGINT)
    except (OSError, AttributeError):
        pass


def _is_temp_area(path):
    # a world-writable sticky folder (/tmp, /var/tmp): what lies below it
    # are private temporary folders whose traverse bit we may open
    mode = path.stat().st_mode
    return bool(mode & stat.S_ISVTX and mode & stat.S_IWOTH)


class TemporaryPostgres:
    """
    A private PostgreSQL server in a temporary folder, for as long as it
    is needed.

    Args:
        dpath: folder to create the cluster in (default: a new folder under
            the temporary directory); removed at stop.
        bindir: folder with ``initdb``, ``postgres`` and ``psql`` (default:
            :func:`find_postgres_bindir`).
        settings: extra server settings, ``{'shared_buffers': '64MB'}``.
        startup_timeout: seconds to wait for the server to accept connections.

    Attributes:
        port, host, superuser, data_dpath, socket_dpath, log_fpath, version,
        startup_seconds (wall time of initdb + start).

    Example:
        >>> from xcoco.testing_pg import TemporaryPostgres, find_postgres_bindir
        >>> if find_postgres_bindir() is not None:
        ...     with TemporaryPostgres() as server:
        ...         uri = server.create_database('demo')
        ...         assert uri == f'postgresql://xcoco@127.0.0.1:{server.port}/demo'
        ...         assert server.sql('SELECT 1 + 1', dbname='demo') == '2'
        ...         server.drop_database('demo')
        ...     assert not server.is_running and not server.dpath.exists()
    """

    host = '127.0.0.1'
    superuser = 'xcoco'

    def __init__(self, dpath=None, *, bindir=None, settings=None, startup_timeout=60.0):
        self.bindir = Path(bindir) if bindir is not None else None
        self._given_dpath = dpath
        self.dpath = Path(dpath) if dpath is not None else None
        self.settings = dict(settings or {})
        self.startup_timeout = startup_timeout
        self.port = None
        self.version = None
        self.startup_seconds = None
        self._proc = None
        self._socket_dpath = None
        self._run_as = None
        self._opened_modes = []

    # paths -----------------------------------------------------------------
    @property
    def data_dpath(self):
        """
        The cluster's data folder (``PGDATA``).

        Example:
            >>> import tempfile
            >>> dpath = Path(tempfile.gettempdir()) / 'cluster'
            >>> TemporaryPostgres(dpath).data_dpath == dpath / 'data'
            True
        """
        return None if self.dpath is None else self.dpath / 'data'

    @property
    def log_fpath(self):
        """
        The log of initdb and the server: read it when a start fails.

        Example:
            >>> print(TemporaryPostgres().log_fpath)   # known once started
            None
        """
        return None if self.dpath is None else self.dpath / 'server.log'

    @property
    def socket_dpath(self):
        """
        Folder of the server's unix socket once started (None: TCP only,
        when every short enough folder is taken).

        Example:
            >>> print(TemporaryPostgres().socket_dpath)
            None
        """
        return self._socket_dpath

    @property
    def is_running(self):
        """
        True while the server process is alive.

        Example:
            >>> TemporaryPostgres().is_running
            False
        """
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self):
        """
        Process id of the server (the postmaster), None when not started.

        Example:
            >>> print(TemporaryPostgres().pid)
            None
        """
        return None if self._proc is None else self._proc.pid

    def uri(self, dbname='postgres'):
        """
        The URI of one database on this server.

        Example:
            >>> server = TemporaryPostgres()
            >>> server.port = 5433
            >>> server.uri('demo')
            'postgresql://xcoco@127.0.0.1:5433/demo'
        """
        return f'postgresql://{self.superuser}@{self.host}:{self.port}/{dbname}'

    # start / stop ----------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """
        Create the cluster and start the server; returns ``self``.

        Raises:
            MissingDependencyError: no PostgreSQL binaries; the message
                says how to install them.
            DatabaseServerError: initdb or the server failed, or the server
                was not ready within ``startup_timeout``; the message holds
                the end of their log.

        Example:
            >>> import tempfile
            >>> from xcoco.errors import MissingDependencyError
            >>> try:
            ...     TemporaryPostgres(bindir=tempfile.mkdtemp()).start()
            ... except MissingDependencyError as ex:
            ...     print(str(ex)[:55])
            PostgreSQL server binaries (initdb, postgres, psql) not
        """
        if self.is_running:
            return self
        if self.bindir is None:
            self.bindir = find_postgres_bindir()
        if self.bindir is None or not _is_bindir(self.bindir):
            where = self.bindir or 'PATH, /usr/lib/postgresql/*/bin'
            raise MissingDependencyError(
                f'PostgreSQL server binaries (initdb, postgres, psql) not found in {where}: {INSTALL_HINT}')
        began = time.perf_counter()
        self._prepare_folder()
        try:
            self._run_checked([str(self.bindir / 'initdb'), '-D', str(self.data_dpath),
                               '-U', self.superuser, '--auth=trust', '-E', 'UTF8', '--locale=C',
                               '--no-sync'], what='initdb')
            for attempt in range(3):
                self.port = _free_port()
                if self._launch():
                    break
                if attempt == 2 or 'could not bind' not in self._log_tail():
                    raise DatabaseServerError(
                        f'PostgreSQL server in {self.dpath} did not start:\n{self._log_tail()}')
            self.version = self.sql('SHOW server_version')
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began
        atexit.register(self.stop)
        return self

    def stop(self):
        """
        Shut the server down (fast shutdown: connections are closed) and
        remove its folder.  Safe to call twice, or before a start.

        Example:
            >>> server = TemporaryPostgres()
            >>> server.stop()
            >>> server.is_running
            False
        """
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            for sig, wait in [(signal.SIGINT, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)]:
                proc.send_signal(sig)
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        atexit.unregister(self.stop)
        for dpath in [self.dpath, self._socket_dpath]:
            if dpath is not None and dpath.exists():
                shutil.rmtree(dpath, ignore_errors=True)
        for path, mode in reversed(self._opened_modes):
            if path.exists():
                path.chmod(mode)
        self._opened_modes = []

    def _prepare_folder(self):
        if self._given_dpath is None:
            self.dpath = Path(tempfile.mkdtemp(prefix='xcoco-pg-'))
        else:
            self.dpath = Path(self._given_dpath)
            self.dpath.mkdir(parents=True, exist_ok=True)
        self.log_fpath.touch()
        self._socket_dpath = self._make_socket_dpath()
        if os.geteuid() != 0:
            return
        try:
            self._run_as = pwd.getpwnam('postgres')
        except KeyError:
            self._run_as = pwd.getpwnam('nobody')
        folders = [self.dpath] + ([self._socket_dpath] if self._socket_dpath is not None else [])
        for path in [*folders, self.log_fpath]:
            os.chown(path, self._run_as.pw_uid, self._run_as.pw_gid)
        for path in folders:
            self._open_ancestors(path)

    def _make_socket_dpath(self):
        # a unix socket path holds at most 107 bytes: deep pytest folders
        # get a short sibling folder, and TCP only if even that is too long
        limit = 107 - len('/.s.PGSQL.65535')
        if len(str(self.dpath / 'socket')) <= limit:
            dpath = self.dpath / 'socket'
            dpath.mkdir(exist_ok=True)
            return dpath
        if len(tempfile.gettempdir()) + len('/xcoco-pgs-12345678') <= limit:
            return Path(tempfile.mkdtemp(prefix='xcoco-pgs-'))
        return None

    def _open_ancestors(self, target):
        # the server's user must be able to walk down to its folders
        blocked = [p for p in target.resolve().parents
                   if not p.stat().st_mode & stat.S_IXOTH
                   and p.stat().st_uid != self._run_as.pw_uid
                   and p not in [opened for opened, _ in self._opened_modes]]
        for path in blocked:
            below_temp_area = any(_is_temp_area(up) for up in path.parents)
            if not below_temp_area or path.stat().st_uid != os.geteuid():
                raise DatabaseServerError(
                    f'the PostgreSQL server runs as user {self._run_as.pw_name!r} (it refuses root), '
                    f'which cannot reach {target}: {path} is closed to other users; '
                    f'put the cluster under a shared temporary folder (e.g. TMPDIR=/tmp)')
        for path in blocked:
            mode = stat.S_IMODE(path.stat().st_mode)
            self._opened_modes.append((path, mode))
            path.chmod(mode | stat.S_IXOTH)

    def _child_kwargs(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith('PG')}
        env['LC_ALL'] = 'C'
        kwargs = {'cwd': str(self.dpath), 'env': env, 'stdin': subprocess.DEVNULL}
        if self._run_as is not None:
            env['HOME'] = str(self.dpath)
            kwargs.update(user=self._run_as.pw_uid, group=self._run_as.pw_gid, extra_groups=[])
        return kwargs

    def _run_checked(self, command, what):
        with open(self.log_fpath, 'ab') as log:
            proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=120,
                                  **self._child_kwargs())
        if proc.returncode != 0:
            raise DatabaseServerError(f'{what} failed (exit {proc.returncode}) in {self.dpath}:\n'
                                      f'{self._log_tail()}')

    def _launch(self):
        settings = {'listen_addresses': self.host, 'port': str(self.port),
                    'unix_socket_directories': str(self.socket_dpath or ''),
                    'fsync': 'off', 'synchronous_commit': 'off', 'full_page_writes': 'off',
                    'max_connections': '200', **{k: str(v) for k, v in self.settings.items()}}
        command = [str(self.bindir / 'postgres'), '-D', str(self.data_dpath)]
        for key, value in settings.items():
            command += ['-c', f'{key}={value}']
        with open(self.log_fpath, 'ab') as log:
            self._proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                          preexec_fn=_die_with_parent, **self._child_kwargs())
        deadline = time.monotonic() + self.startup_timeout
        pid_fpath = self.data_dpath / 'postmaster.pid'
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._proc = None
                return False
            try:
                # the 8th line of postmaster.pid says "ready" once the
                # server accepts connections (what pg_ctl -w waits for)
                lines = pid_fpath.read_text().splitlines()
            except FileNotFoundError:
                lines = []
            if len(lines) >= 8 and lines[7].strip() == 'ready':
                return True
            time.sleep(0.02)
        raise DatabaseServerError(f'PostgreSQL server in {self.dpath} was not ready after '
                                  f'{self.startup_timeout} s:\n{self._log_tail()}')

    def _log_tail(self, lines=20):
        try:
            return '\n'.join(self.log_fpath.read_text(errors='replace').splitlines()[-lines:])
        except OSError:
            return '(no log)'

    # databases -------------------------------------------------------------
    def sql(self, statement, dbname='postgres'):
        """
        Run one SQL statement with ``psql`` (autocommit, so ``CREATE
        DATABASE`` works) and return its output, unaligned, without headers.

        Example:
            >>> from xcoco.errors import DatabaseServerError
            >>> try:
            ...     TemporaryPostgres().sql('SELECT 1')
            ... except DatabaseServerError as ex:
            ...     print(ex)
            the PostgreSQL server is not started
        """
        if not self.is_running:
            raise DatabaseServerError('the PostgreSQL server is not started')
        env = {k: v for k, v in os.environ.items() if not k.startswith('PG')}
        env['PGCONNECT_TIMEOUT'] = '10'
        proc = subprocess.run(
            [str(self.bindir / 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
             '-h', self.host, '-p', str(self.port), '-U', self.superuser, '-d', dbname,
             '-c', statement],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
        if proc.returncode != 0:
            raise DatabaseServerError(f'psql failed on {statement!r} in database {dbname!r}: '
                                      f'{proc.stderr.strip()}')
        return proc.stdout.strip()

    def create_database(self, dbname):
        """
        Create an empty database (a copy of ``template0``) and return its URI.

        Example:
            >>> from xcoco.errors import DatabaseServerError
            >>> try:
            ...     TemporaryPostgres.check_dbname('Robert"); DROP')
            ... except DatabaseServerError as ex:
            ...     print(str(ex)[:45])
            database name 'Robert"); DROP' is not allowed
        """
        self.check_dbname(dbname)
        self.sql(f'CREATE DATABASE "{dbname}" TEMPLATE template0')
        return self.uri(dbname)

    def drop_database(self, dbname):
        """
        Drop a database, closing the connections still open to it (the
        class example drops one).

        Example:
            >>> from xcoco.errors import DatabaseServerError
            >>> try:
            ...     TemporaryPostgres().drop_database('no such')
            ... except DatabaseServerError as ex:
            ...     print(str(ex)[:38])
            database name 'no such' is not allowed
        """
        self.check_dbname(dbname)
        force = ' WITH (FORCE)' if self._major() >= 13 else ''
        self.sql(f'DROP DATABASE IF EXISTS "{dbname}"{force}')

    def _major(self):
        return int(re.match(r'\d+', self.version or '0').group())

    @staticmethod
    def check_dbname(dbname):
        """
        Refuse a database name that would need quoting (names go into SQL
        text here: ``CREATE DATABASE`` takes no parameters).

        Example:
            >>> TemporaryPostgres.check_dbname('test_read_surface_3')
        """
        if not isinstance(dbname, str) or not _DBNAME_RE.fullmatch(dbname):
            raise DatabaseServerError(
                f'database name {dbname!r} is not allowed here: expected lower-case letters, '
                f'digits and underscores, starting with a letter or underscore, at most 63')


def main():
    def finish(signum, frame):
        raise SystemExit(0)
    # a background job may be started with SIGINT ignored: handle both
    # explicitly so that kill / Ctrl-C always remove the cluster
    signal.signal(signal.SIGINT, finish)
    signal.signal(signal.SIGTERM, finish)
    server = TemporaryPostgres().start()
    try:
        print(f'PostgreSQL {server.version} ready in {server.startup_seconds:.2f} s')
        print(server.uri())
        print('Ctrl-C or kill stops it and removes', server.dpath, flush=True)
        while True:
            signal.pause()
    finally:
        server.stop()


if __name__ == '__main__':
    main()
