"""
The throw-away PostgreSQL server the SQL backend's tests run against
(xcoco.testing_pg and the fixtures in conftest.py).
"""
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from xcoco.errors import DatabaseServerError, MissingDependencyError
from xcoco.testing_pg import INSTALL_HINT, TemporaryPostgres

STARTUP_BUDGET = 15.0   # seconds; about 1 s here, a minute would be a bug


def _processes_using(dpath):
    """Pids whose command line mentions the folder (the server and its children)."""
    found = []
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
            state = (entry / 'stat').read_text().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if str(dpath) in cmdline and state != 'Z':
            found.append(int(entry.name))
    return found


def _port_accepts(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(('127.0.0.1', port)) == 0


def test_session_uri_accepts_connections(postgresql_server, postgresql_uri):
    psycopg = pytest.importorskip('psycopg')
    assert postgresql_uri == f'postgresql://xcoco@127.0.0.1:{postgresql_server.port}/xcoco_session'
    with psycopg.connect(postgresql_uri) as conn:
        dbname, = conn.execute('SELECT current_database()').fetchone()
        assert dbname == 'xcoco_session'
        assert conn.info.server_version // 10000 == int(postgresql_server.version.split('.')[0])
    print(f'PostgreSQL {postgresql_server.version} started in {postgresql_server.startup_seconds:.2f} s')
    assert postgresql_server.startup_seconds < STARTUP_BUDGET


@pytest.mark.parametrize('turn', [1, 2])
def test_each_test_gets_a_fresh_empty_database(postgresql_db_uri, turn):
    psycopg = pytest.importorskip('psycopg')
    with psycopg.connect(postgresql_db_uri) as conn:
        tables = conn.execute("SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = 'public'").fetchall()
        assert tables == []
        # left behind on purpose: the other turn must not see it
        conn.execute('CREATE TABLE leftover (id integer)')


def test_the_fresh_database_is_dropped_after_the_test(postgresql_server):
    names = postgresql_server.sql('SELECT datname FROM pg_database').split()
    assert not [name for name in names if 'fresh_empty' in name]


def _insert_rows(uri, worker, num_rows, barrier, results):
    import psycopg
    try:
        # each process opens its own connection after the fork
        with psycopg.connect(uri) as conn:
            barrier.wait(30)
            with conn.transaction():
                ids = [conn.execute('INSERT INTO rows (worker, k) VALUES (%s, %s) RETURNING id',
                                    (worker, k)).fetchone()[0] for k in range(num_rows)]
        results.put((worker, ids))
    except BaseException as ex:   # the parent reports it
        results.put((worker, repr(ex)))


def test_forked_processes_insert_concurrently(postgresql_db_uri):
    psycopg = pytest.importorskip('psycopg')
    num_procs, num_rows = 4, 100
    with psycopg.connect(postgresql_db_uri) as conn:
        conn.execute('CREATE TABLE rows (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, '
                     'worker integer NOT NULL, k integer NOT NULL)')
    ctx = multiprocessing.get_context('fork')
    barrier, results = ctx.Barrier(num_procs), ctx.Queue()
    procs = [ctx.Process(target=_insert_rows, args=(postgresql_db_uri, w, num_rows, barrier, results))
             for w in range(num_procs)]
    for proc in procs:
        proc.start()
    answers = dict(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0
    failed = {w: a for w, a in answers.items() if isinstance(a, str)}
    assert not failed
    all_ids = [i for ids in answers.values() for i in ids]
    assert len(all_ids) == len(set(all_ids)) == num_procs * num_rows
    with psycopg.connect(postgresql_db_uri) as conn:
        count, distinct, workers = conn.execute(
            'SELECT count(*), count(DISTINCT id), count(DISTINCT worker) FROM rows').fetchone()
        stored = {row[0] for row in conn.execute('SELECT id FROM rows')}
    assert (count, distinct, workers) == (num_procs * num_rows, num_procs * num_rows, num_procs)
    assert stored == set(all_ids)


def test_stop_leaves_no_process_socket_or_folder(postgresql_server, tmp_path):
    # a private folder closed to others: under root the server's user gets
    # the traverse bit on it while the server runs, and the old mode after
    closed = tmp_path / 'closed'
    closed.mkdir(mode=0o700)
    began = time.perf_counter()
    server = TemporaryPostgres(closed / 'cluster', bindir=postgresql_server.bindir).start()
    startup = time.perf_counter() - began
    print(f'private server started in {startup:.2f} s')
    assert startup < STARTUP_BUDGET
    socket_fpath = server.socket_dpath / f'.s.PGSQL.{server.port}'
    assert server.is_running and socket_fpath.exists() and _port_accepts(server.port)
    assert server.pid in _processes_using(server.data_dpath)
    if os.geteuid() == 0:
        assert server.data_dpath.stat().st_uid != 0
        assert closed.stat().st_mode & 0o001
    server.stop()
    assert not server.is_running
    assert _processes_using(server.data_dpath) == []
    assert not socket_fpath.exists() and not server.socket_dpath.exists() and not server.dpath.exists()
    assert not _port_accepts(server.port)
    assert closed.stat().st_mode & 0o777 == 0o700
    server.stop()   # twice is harmless


_OWNER_SCRIPT = textwrap.dedent('''
    import signal, sys, time
    from xcoco.testing_pg import TemporaryPostgres
    # a suite started in the background (`cmd &` in a script) inherits
    # SIGINT ignored, and so would this child: Ctrl-C must mean Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with TemporaryPostgres(sys.argv[1], bindir=sys.argv[2]) as server:
        print(server.pid, flush=True)
        time.sleep(120)
''')


@pytest.mark.parametrize('how', ['interrupt', 'kill'])
def test_no_orphan_server_when_its_owner_dies(postgresql_server, tmp_path, how):
    # Ctrl-C unwinds the with block; SIGKILL leaves no chance to clean up,
    # so the server's parent-death signal must shut it down
    dpath = tmp_path / 'owned'
    owner = subprocess.Popen([sys.executable, '-c', _OWNER_SCRIPT, str(dpath), str(postgresql_server.bindir)],
                             stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        line = owner.stdout.readline()
        assert line.strip().isdigit(), line
        assert _processes_using(dpath / 'data')
        owner.send_signal(signal.SIGINT if how == 'interrupt' else signal.SIGKILL)
        try:
            owner.wait(30)
        except subprocess.TimeoutExpired:
            pytest.fail(f'owner still running 30 s after {how}; server processes: '
                        f'{_processes_using(dpath / "data")}')
        deadline = time.monotonic() + 30
        while _processes_using(dpath / 'data') and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_using(dpath / 'data') == [], f'owner exited with {owner.returncode}'
        if how == 'interrupt':
            assert not dpath.exists(), f'owner exited with {owner.returncode}: {sorted(dpath.rglob("*"))[:5]}'
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_missing_binaries_name_what_to_install(tmp_path):
    with pytest.raises(MissingDependencyError, match='initdb, postgres, psql') as info:
        TemporaryPostgres(bindir=tmp_path).start()
    assert INSTALL_HINT in str(info.value) and 'apt-get install postgresql' in str(info.value)


def test_the_session_skips_with_a_reason_when_it_may_not_install(tmp_path, monkeypatch):
    import pg_setup
    monkeypatch.setenv('XCOCO_POSTGRES_BINDIR', str(tmp_path))
    server, why_not = pg_setup.start_postgres(log=print)
    assert server is None
    assert 'XCOCO_POSTGRES_BINDIR' in why_not and 'apt-get install postgresql' in why_not


def test_bad_database_names_are_refused_before_any_sql(postgresql_server):
    for name in ['Robert"); DROP DATABASE x; --', '', 'x' * 64, '1abc', 7]:
        with pytest.raises(DatabaseServerError, match='not allowed'):
            postgresql_server.create_database(name)
    with pytest.raises(DatabaseServerError, match='does not exist'):
        postgresql_server.sql('SELECT 1', dbname='no_such_database')
