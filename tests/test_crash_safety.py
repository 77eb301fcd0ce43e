"""
Crash safety: a writer killed with SIGKILL at a random moment leaves the
old data or the new data, whole.

Each target is written over and over by a forked child (alternating two
versions, so the target always changes), and the parent kills the child
after a random delay spread over a few writes.  Just before the kill the
child is stopped (SIGSTOP) and the parent notes whether the kill lands
mid-write (a temporary of the child's is there, or the child holds the
database's write lock).  After each kill the target must load and equal
one of the versions exactly, and the temporaries the killed writer left
must be swept by the next write (see :mod:`xcoco.manifest.durable`).

Scale: ``XCOCO_CRASH_SCALE=10`` runs ten times the kills.  With
``XCOCO_CRASH_REPORT=<file>`` each target appends its figures (kills, how
many landed mid-write, one write's duration) to that file.
"""
import json
import os
import random
import shutil
import signal
import sqlite3
import time
import traceback
import zipfile
from pathlib import Path

import pytest

import xcoco
from xcoco import formats
from xcoco.manifest import durable
from xcoco.sql import CocoSqlDatabase, views

pytestmark = pytest.mark.skipif(not hasattr(os, 'fork'), reason='kill tests fork writers (POSIX)')

SCALE = float(os.environ.get('XCOCO_CRASH_SCALE') or 1)


def n_kills(default):
    return max(1, round(default * SCALE))


def _record(label, kills, mid, write_seconds):
    report = os.environ.get('XCOCO_CRASH_REPORT')
    if report:
        with open(report, 'a') as file:
            file.write(json.dumps({'target': label, 'kills': kills, 'mid_write': mid,
                                   'write_seconds': round(write_seconds, 4)}) + '\n')


def _manifest(tag, n_images=1000, n_annots=20000):
    """A few-MB manifest; ``tag`` changes every file name and box."""
    shift = len(tag)
    images = [{'id': gid, 'file_name': f'/data/{tag}/img_{gid:05d}.png',
               'width': 640, 'height': 480} for gid in range(1, n_images + 1)]
    anns = []
    for aid in range(1, n_annots + 1):
        x, y = (aid * 7 + shift) % 600, (aid * 13) % 440
        anns.append({'id': aid, 'image_id': 1 + aid % n_images, 'category_id': 1 + aid % 3,
                     'bbox': [x, y, 20.5, 30.25], 'score': round((aid % 97) / 97, 4),
                     'segmentation': [[x, y, x + 20, y, x + 20, y + 30, x + 10, y + 35, x, y + 30]]})
    cats = [{'id': 1, 'name': 'cat'}, {'id': 2, 'name': 'dog'},
            {'id': 3, 'name': 'bird', 'supercategory': 'animal'}]
    return {'info': {'version': tag}, 'licenses': [], 'categories': cats, 'videos': [],
            'images': images, 'annotations': anns}


@pytest.fixture(scope='module')
def versions():
    """Two versions of one dataset (the old and the new data), ~7 MB of JSON."""
    return {tag: xcoco.CocoDataset(_manifest(tag), tag=tag) for tag in ('old', 'newer')}


@pytest.fixture(scope='module')
def small_versions():
    """The same, ~1.5 MB: for writers that convert first (dialects, CLI verbs)."""
    return {tag: xcoco.CocoDataset(_manifest(tag, 300, 4000), tag=tag) for tag in ('old', 'newer')}


def _temps(target):
    prefix = durable.temp_prefix(target)
    dpath = os.path.dirname(os.fspath(target))
    return {name for name in os.listdir(dpath) if name.startswith(prefix) and name.endswith('.tmp')}


def _time_one(write):
    start = time.perf_counter()
    write()
    return time.perf_counter() - start


def kill_repeatedly(label, write_forever, check, kills, window, in_flight, workdir, seed=0,
                    phase=None, first=0, min_mid=1, max_extra=12):
    """
    Fork a child running ``write_forever()``, stop it at a random moment,
    ask ``in_flight(before)`` whether it is mid-write (``before`` is what
    ``in_flight(None)`` said before the fork), SIGKILL it, then
    ``check()``.  Returns how many kills ran and how many landed mid-write.

    Even kills come after a delay uniform in ``[0, window]`` (a few write
    cycles: any moment of the loop).  Odd kills first wait until the
    child's write is in flight (``in_flight`` says so), then a delay uniform
    in ``[0, phase]`` (how long the write itself takes; default
    ``window / 3``), so kills reach the write even where most of a cycle
    is spent before it (a dialect's conversion, say).  ``first`` numbers
    the first kill (for callers that kill one at a time).  Until
    ``min_mid`` kills landed mid-write, up to ``max_extra`` more waiting
    kills follow (a loaded machine can let a short write slip past).
    """
    phase = window / 3 if phase is None else phase
    rng = random.Random(f'{label}-{seed}')
    err_fpath = Path(workdir) / f'{label}.child-error'
    mid, attempt, planned_end, extra = 0, first, first + kills, 0
    while attempt < planned_end or (mid < min_mid and extra < max_extra):
        waiting = attempt % 2 or attempt >= planned_end
        extra += attempt >= planned_end
        attempt += 1
        before = in_flight(None)
        pid = os.fork()
        if pid == 0:  # the writer
            code = 0
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                write_forever()
            except BaseException:
                err_fpath.write_text(traceback.format_exc())
                code = 3
            finally:
                os._exit(code)
        if waiting:
            deadline = time.perf_counter() + 2 * window + 1
            while not in_flight(before) and time.perf_counter() < deadline:
                pass  # a busy wait: a short write would be over before a sleep ends
            time.sleep(rng.uniform(0, phase))
        else:
            time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGSTOP)
        _, status = os.waitpid(pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            why = err_fpath.read_text() if err_fpath.exists() else f'status {status}'
            pytest.fail(f'{label}: the writer ended before it was killed: {why}')
        try:
            mid += bool(in_flight(before))
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        check()
    return attempt - first, mid


def _file_in_flight(target):
    def in_flight(before):
        now = _temps(target)
        return now if before is None else bool(now - before)
    return in_flight


def _check_no_leftovers(target, rewrite):
    """The next uninterrupted write sweeps every temporary a killed writer left."""
    swept_at = time.time()
    rewrite()
    left = [os.path.join(os.path.dirname(target), n) for n in _temps(target)]
    # an empty temporary younger than the grace period may be a live
    # writer's that is not locked yet: it is left for a later sweep
    kept = [(p, _is_empty(p), swept_at - os.path.getmtime(p)) for p in left]
    assert all(empty and age < durable._GRACE_SECONDS + 1 for _, empty, age in kept), kept


def _is_empty(path):
    return not os.listdir(path) if os.path.isdir(path) else os.path.getsize(path) == 0


def _alternate(*writes):
    def write_forever():
        while True:
            for write in writes:
                write()
    return write_forever


def _run_file_target(label, target, writes, expected, read, kills, tmp_path):
    """Kill ``writes`` (alternating) over ``target``; what is there must be in ``expected``."""
    writes[0]()
    write_seconds = _time_one(writes[1])
    # how long writing the bytes alone takes (the rest of a cycle converts)
    from xcoco.manifest.io import atomic_write
    scratch = os.path.join(os.path.dirname(target), 'phase.scratch')
    data = Path(target).read_bytes()

    def write_bytes():
        with atomic_write(scratch) as file:
            file.write(data)
    phase = min(_time_one(write_bytes) for _ in range(3))
    os.unlink(scratch)

    def check():
        got = read(target)
        assert got in expected, f'{label}: the target holds neither version'
        # the killed writer's own temporary at most: every write sweeps the
        # ones dead writers filled (empty ones once they are a few seconds old)
        dpath = os.path.dirname(target)
        assert sum(not _is_empty(os.path.join(dpath, n)) for n in _temps(target)) <= 1

    kills, mid = kill_repeatedly(label, _alternate(*writes), check, kills, 3 * write_seconds,
                          _file_in_flight(target), tmp_path, phase=phase)
    _check_no_leftovers(target, writes[0])
    _record(label, kills, mid, write_seconds)
    # some kills must land while a temporary is open, or the test shows nothing
    assert mid >= 1, f'{label}: none of {kills} kills landed mid-write'
    return mid


def test_killed_dump_leaves_old_or_new(tmp_path, versions):
    target = str(tmp_path / 'data.kwcoco.json')
    expected = []
    for tag, dset in versions.items():
        dset.dump(tmp_path / f'{tag}.json')
        expected.append((tmp_path / f'{tag}.json').read_bytes())

    def read(fpath):
        data = Path(fpath).read_bytes()
        loaded = xcoco.CocoDataset(fpath)  # loads, and is one version exactly
        assert loaded.dataset == versions[loaded.dataset['info']['version']].dataset
        return data

    writes = [lambda dset=dset: dset.dump(target) for dset in versions.values()]
    _run_file_target('dump-json', target, writes, expected, read, n_kills(12), tmp_path)


def test_killed_compressed_dump_leaves_old_or_new(tmp_path, versions):
    target = str(tmp_path / 'data.kwcoco.zip')
    from xcoco.manifest.io import dumps_manifest
    expected = [dumps_manifest(dset.dataset) for dset in versions.values()]

    def read(fpath):
        with zipfile.ZipFile(fpath) as zfile:
            member = zfile.read(zfile.namelist()[0])
        loaded = xcoco.CocoDataset(fpath)
        assert loaded.dataset == versions[loaded.dataset['info']['version']].dataset
        return member

    writes = [lambda dset=dset: dset.dump(target, compress=True) for dset in versions.values()]
    _run_file_target('dump-zip', target, writes, expected, read, n_kills(8), tmp_path)


def _writable_dialects():
    import importlib
    return sorted(name for name, module in formats.DIALECTS.items()
                  if hasattr(importlib.import_module(module), 'from_manifest'))


@pytest.mark.parametrize('dialect', _writable_dialects())
def test_killed_format_dump_leaves_old_or_new(tmp_path, small_versions, dialect):
    versions = small_versions
    target = str(tmp_path / f'out.{dialect}.json')
    expected = []
    for tag, dset in versions.items():
        formats.dump(dset, tmp_path / f'{tag}.json', dialect)
        expected.append((tmp_path / f'{tag}.json').read_bytes())

    def read(fpath):
        data = Path(fpath).read_bytes()
        json.loads(data)
        return data

    writes = [lambda dset=dset: formats.dump(dset, target, dialect) for dset in versions.values()]
    _run_file_target(f'formats-{dialect}', target, writes, expected, read, n_kills(4), tmp_path)


def _cli(*argv):
    from xcoco.cli import main
    code = main(['--quiet', *map(str, argv)])
    if code != 0:
        raise RuntimeError(f'xcoco {" ".join(map(str, argv))} exited {code}')


def _bytes_of(fpath):
    return Path(fpath).read_bytes()


def test_killed_cli_convert_leaves_old_or_new(tmp_path, small_versions):
    versions = small_versions
    sources = []
    for tag, dset in versions.items():
        dset.dump(tmp_path / f'{tag}.kwcoco.json')
        sources.append(tmp_path / f'{tag}.kwcoco.json')
    target = str(tmp_path / 'out' / 'converted.mscoco.json')
    os.makedirs(os.path.dirname(target))
    expected = []
    for src in sources:
        _cli('convert', src, target, '--format', 'mscoco')
        expected.append(_bytes_of(target))
    writes = [lambda src=src: _cli('convert', src, target, '--format', 'mscoco')
              for src in sources]
    _run_file_target('cli-convert', target, writes, expected, _bytes_of, n_kills(4), tmp_path)


def test_killed_cli_process_leaves_old_or_new(tmp_path, small_versions):
    """The real ``python -m xcoco.cli convert`` process, killed (fewer: each starts Python)."""
    import subprocess
    import sys
    sources = []
    for tag, dset in small_versions.items():
        dset.dump(tmp_path / f'{tag}.kwcoco.json')
        sources.append(str(tmp_path / f'{tag}.kwcoco.json'))
    target = str(tmp_path / 'converted.mscoco.json')
    expected = []
    for src in sources:
        _cli('convert', src, target, '--format', 'mscoco')
        expected.append(_bytes_of(target))
    rng = random.Random('cli-process')
    kills, mid = n_kills(3), 0
    for attempt in range(kills):
        before = _temps(target)
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, '-m', 'xcoco.cli', '--quiet', 'convert',
                                 sources[attempt % 2], target, '--format', 'mscoco'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait for its write to begin (or for it to end), then a little more
        while not (_temps(target) - before) and proc.poll() is None \
                and time.perf_counter() - began < 60:
            pass
        time.sleep(rng.uniform(0, 0.0005))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGSTOP)
            mid += bool(_temps(target) - before)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _bytes_of(target) in expected
    _check_no_leftovers(target, lambda: _cli('convert', sources[0], target, '--format', 'mscoco'))
    _record('cli-convert-process', kills, mid, 0)


@pytest.mark.parametrize('verb', ['reroot', 'modify_categories'])
def test_killed_cli_inplace_leaves_old_or_new(tmp_path, small_versions, verb):
    versions = small_versions
    target = str(tmp_path / 'inplace.kwcoco.json')
    if verb == 'reroot':
        forward = ('reroot', target, '--old_prefix', '/data/old', '--new_prefix', '/data/moved',
                   '--check', 'False', '--inplace')
        back = ('reroot', target, '--old_prefix', '/data/moved', '--new_prefix', '/data/old',
                '--check', 'False', '--inplace')
    else:
        forward = ('modify_categories', target, '--rename', 'cat:feline', '--inplace')
        back = ('modify_categories', target, '--rename', 'feline:cat', '--inplace')
    versions['old'].dump(target)
    expected = []
    for argv in (forward, back):
        _cli(*argv)
        expected.append(_bytes_of(target))
    assert expected[0] != expected[1]
    def next_edit():
        # an in-place edit depends on what is there: undo the forward edit
        # when it is there (a killed writer may have stopped either way)
        if _bytes_of(target) == expected[0]:
            _cli(*back)
        else:
            _cli(*forward)
    writes = [next_edit, next_edit]
    _run_file_target(f'cli-{verb}-inplace', target, writes, expected, _bytes_of,
                     n_kills(6), tmp_path)


def test_killed_snapshot_write_leaves_old_new_or_none(tmp_path, small_versions):
    versions = small_versions
    from xcoco.errors import FrozenSnapshotError
    from xcoco.frozen.build import write_snapshot
    from xcoco.frozen.dataset import FrozenCocoDataset
    dpath = str(tmp_path / 'snap')
    counts = {tag: dset.n_annots for tag, dset in versions.items()}
    dsets = list(versions.values())
    # the new version drops annotations so the two differ in size too
    small = xcoco.CocoDataset(dict(dsets[1].dataset, annotations=dsets[1].dataset['annotations'][::2]),
                              tag='newer')
    dsets[1] = small
    counts['newer'] = small.n_annots
    expected = {dset.dataset['info']['version']: dset.dataset for dset in dsets}
    state = {'existed': False, 'none': 0}

    def check():
        try:
            frozen = FrozenCocoDataset(dpath)
        except FrozenSnapshotError:
            # only before the first snapshot was ever published
            assert not state['existed'], 'a published snapshot vanished'
            state['none'] += 1
            return
        state['existed'] = True
        version = frozen.meta['extra']['info']['version']
        assert frozen.n_annots == counts[version]
        assert frozen.dataset == expected[version]

    def in_flight(before):
        now = _temps(dpath)
        return now if before is None else bool(now - before)

    # first the kills of a first write (no snapshot yet): new or none
    write_seconds = min(_time_one(lambda: write_snapshot(dsets[0], str(tmp_path / 'probe')))
                        for _ in range(2))
    first_kills, first_mid = n_kills(3), 0

    def first_write():
        write_snapshot(dsets[0], dpath)
        time.sleep(60)  # done: wait for the kill

    for attempt in range(first_kills):
        if os.path.exists(dpath):
            shutil.rmtree(dpath)
        state['existed'] = False
        first_mid += kill_repeatedly('frozen-first', first_write, check, 1, write_seconds,
                                     in_flight, tmp_path, seed=attempt, phase=write_seconds / 2,
                                     first=attempt, min_mid=0)[1]
    writes = [lambda dset=dset: write_snapshot(dset, dpath) for dset in dsets]
    writes[0]()
    state['existed'] = True
    kills = n_kills(8)
    kills, mid = kill_repeatedly('frozen', _alternate(*writes), check, kills, 2 * write_seconds,
                          in_flight, tmp_path)
    _check_no_leftovers(dpath, writes[0])
    assert not [p for p in os.listdir(tmp_path) if p.endswith('.old')]
    _record('frozen-snapshot', kills, mid, write_seconds)
    _record('frozen-first-write', first_kills, first_mid, write_seconds)
    assert mid >= 1


# ---------------------------------------------------------------------------
# SQL: a killed writer leaves the database at a transaction boundary
# ---------------------------------------------------------------------------

#: one cycle of edits; the database returns to its start after the last
BATCH_IDS = range(100_001, 102_001)


def _edit_cycle():
    """The edits a SQL writer repeats: each one transaction, the cycle periodic."""
    def add(dset):
        dset.add_annotations([{'id': aid, 'image_id': 1 + aid % 50, 'category_id': 2,
                               'bbox': [aid % 100, 1, 2, 3], 'batch': 'b',
                               'segmentation': [[0, 0, 5, 0, 5, 5, 0, 5]]} for aid in BATCH_IDS])

    def mark(value):
        def set_stage(dset):
            dset.annots(list(BATCH_IDS)).set('stage', value)
        return set_stage

    def remove(dset):
        dset.remove_annotations(list(BATCH_IDS))
    return [add, mark(1), mark(2), remove]


def _cycle_states(base):
    """The manifest after each step of the cycle (and before the first)."""
    dset = base.copy()
    states = [_tables(dset.dataset)]
    for step in _edit_cycle():
        step(dset)
        states.append(_tables(dset.dataset))
    return states


def _tables(manifest):
    return {table: sorted((obj['id'], json.dumps(obj, sort_keys=True))
                          for obj in manifest.get(table) or [])
            for table in ('images', 'annotations', 'categories')}


def _sql_writer(uri, mode, dsets):
    def write_forever():
        db = CocoSqlDatabase(uri)
        while True:
            if mode == 'edits':
                steps = _edit_cycle()
                # resume where the killed writer's last commit left the cycle
                first = db.index.anns[BATCH_IDS[0]] if BATCH_IDS[0] in db.index.anns else None
                start = 0 if first is None else 1 + first.get('stage', 0)
                while True:
                    for step in steps[start:] + steps[:start]:
                        step(db)
            else:
                for dset in dsets:
                    db.populate_from(dset)
    return write_forever


def _sqlite_locked(fpath):
    conn = sqlite3.connect(fpath, timeout=0, isolation_level=None)
    try:
        conn.execute('BEGIN IMMEDIATE')
        conn.execute('ROLLBACK')
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _pg_locked(uri):
    import psycopg
    with psycopg.connect(uri, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            'AND granted').fetchone()[0] > 0


def _small_base():
    base = xcoco.CocoDataset(_manifest('base', n_images=50, n_annots=200), tag='base')
    return base


@pytest.fixture(params=['sqlite', 'postgresql'])
def sql_uri(request, tmp_path):
    if request.param == 'sqlite':
        return str(tmp_path / 'crash.sqlite')
    return request.getfixturevalue('postgresql_db_uri')


def _locked_probe(uri):
    is_locked = _sqlite_locked if '://' not in uri else _pg_locked

    def in_flight(before):
        if before is not None:
            return is_locked(uri)
        # before the fork: the server has let go of the last killed writer's
        # lock (it notices the dropped connection), so a lock seen later is
        # the new writer's
        deadline = time.time() + 10
        while is_locked(uri) and time.time() < deadline:
            time.sleep(0.01)
        return 'ready'
    return in_flight


def test_killed_sql_edits_stop_at_a_transaction_boundary(tmp_path, sql_uri):
    base = _small_base()
    CocoSqlDatabase(sql_uri).populate_from(base).disconnect()
    states = _cycle_states(base)
    seen = set()

    def check():
        db = CocoSqlDatabase(sql_uri)
        try:
            got = _tables(db.dataset)
            assert got in states, 'the database is between two transactions'
            seen.add(states.index(got))
            # ids handed out after the kill never collide with what is there
            assert db.add_image(f'probe{len(seen)}_{time.time()}.png') > max(
                gid for gid, _ in got['images'])
            db.remove_images([max(db.imgs)])
        finally:
            db.disconnect()

    probe_db = CocoSqlDatabase(tmp_path / 'probe.sqlite').populate_from(base)
    steps = _edit_cycle()
    write_seconds = min(_time_one(lambda step=step: step(probe_db)) for step in steps[:1])
    probe_db.disconnect()
    kind = 'sqlite' if '://' not in sql_uri else 'postgresql'
    kills = n_kills(10)
    # the probe's add/remove of an image moved the id counter: states are
    # compared on content, which the probe restores
    kills, mid = kill_repeatedly(f'sql-edits-{kind}', _sql_writer(sql_uri, 'edits', None), check, kills,
                          4 * write_seconds, _locked_probe(sql_uri), tmp_path)
    _record(f'sql-edits-{kind}', kills, mid, write_seconds)
    assert mid >= 1


def test_killed_sql_populate_leaves_old_or_new(tmp_path, sql_uri, small_versions):
    versions = small_versions
    dsets = list(versions.values())
    CocoSqlDatabase(sql_uri).populate_from(dsets[0]).disconnect()
    expected = [_tables(dset.dataset) for dset in dsets]

    def check():
        db = CocoSqlDatabase(sql_uri)
        try:
            assert _tables(db.dataset) in expected
        finally:
            db.disconnect()

    probe = CocoSqlDatabase(tmp_path / 'probe.sqlite')
    write_seconds = _time_one(lambda: probe.populate_from(dsets[1]))
    probe.disconnect()
    kind = 'sqlite' if '://' not in sql_uri else 'postgresql'
    kills = n_kills(6)
    kills, mid = kill_repeatedly(f'sql-populate-{kind}', _sql_writer(sql_uri, 'populate', dsets), check,
                          kills, 3 * write_seconds, _locked_probe(sql_uri), tmp_path)
    _record(f'sql-populate-{kind}', kills, mid, write_seconds)
    assert mid >= 1


def test_killed_sqlite_view_build_leaves_old_or_new(tmp_path, small_versions):
    versions = small_versions
    fpath = tmp_path / 'data.kwcoco.json'
    dsets = list(versions.values())
    dsets[0].dump(fpath)
    loaded = xcoco.CocoDataset(fpath)
    final = views.sql_view_uri(fpath)
    expected = _tables(dsets[0].dataset)

    def build():
        views.view_sql(loaded, force_rewrite=True).disconnect()

    def check():
        db = CocoSqlDatabase(final).connect(must_exist=True)
        try:
            assert _tables(db.dataset) == expected
        finally:
            db.disconnect()

    build()
    write_seconds = _time_one(build)
    kills = n_kills(6)
    kills, mid = kill_repeatedly('sqlite-view-build', _alternate(build), check, kills,
                          3 * write_seconds, _file_in_flight(final), tmp_path)
    _check_no_leftovers(final, build)
    _record('sqlite-view-build', kills, mid, write_seconds)
    assert mid >= 1


# ---------------------------------------------------------------------------
# atomic_write: durability, permissions, symlinks, concurrent sweeps
# ---------------------------------------------------------------------------

@pytest.fixture
def synced(monkeypatch):
    """The paths of every file and folder os.fsync flushes, in order."""
    if not os.path.exists('/proc/self/fd'):
        pytest.skip('no /proc to name the flushed files')
    paths = []
    real_fsync = os.fsync

    def spy(fd):
        paths.append(os.readlink(f'/proc/self/fd/{fd}'))
        return real_fsync(fd)
    monkeypatch.setattr(os, 'fsync', spy)
    return paths


def test_atomic_write_flushes_file_and_folder(tmp_path, synced):
    from xcoco.manifest import io as manifest_io
    target = tmp_path / 'out.json'
    manifest_io.write_manifest({'images': []}, target)
    # the temporary (before its rename) and then the folder the rename is in
    assert synced[-1] == str(tmp_path)
    assert any(os.path.basename(p).startswith('.out.json.') for p in synced[:-1])


def test_atomic_write_keeps_mode_and_writes_through_links(tmp_path):
    real = tmp_path / 'real' / 'data.json'
    real.parent.mkdir()
    real.write_text('{}')
    os.chmod(real, 0o600)
    link = tmp_path / 'link.json'
    link.symlink_to(real)
    xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'a.png'}]}).dump(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert xcoco.CocoDataset(real).n_images == 1
    assert (real.stat().st_mode & 0o777) == 0o600
    # the temporary lived beside the real file, and is gone
    assert sorted(os.listdir(real.parent)) == ['data.json']
    # a dangling link gets its target created, as open(path, 'w') would
    dangling = tmp_path / 'dangling.json'
    dangling.symlink_to(tmp_path / 'real' / 'new.json')
    xcoco.CocoDataset().dump(dangling)
    assert dangling.is_symlink() and (tmp_path / 'real' / 'new.json').is_file()


def test_atomic_write_never_replaces_a_device(tmp_path):
    if not os.path.exists(os.devnull) or os.name == 'nt':
        pytest.skip('no /dev/null device')
    before = os.stat(os.devnull)
    xcoco.CocoDataset.demo('shapes2').dump(os.devnull)
    after = os.stat(os.devnull)
    assert (after.st_mode, after.st_rdev, after.st_ino) == (before.st_mode, before.st_rdev, before.st_ino)


def test_sweep_spares_a_live_writers_temporary(tmp_path):
    target = tmp_path / 'data.json'
    fd, live = durable.create_temp_beside(target)
    os.write(fd, b'partial')
    dead_fd, dead = durable.create_temp_beside(target)
    os.write(dead_fd, b'left by a killed writer')
    os.close(dead_fd)
    xcoco.CocoDataset().dump(target)  # sweeps beside the target
    assert os.path.exists(live) and not os.path.exists(dead)
    os.close(fd)
    os.unlink(live)


def test_snapshot_write_flushes_every_file_and_both_folders(tmp_path, synced):
    from xcoco.frozen.build import write_snapshot
    dpath = tmp_path / 'snap'
    meta = write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
    names = {os.path.basename(p) for p in synced}
    assert {f['file'] for f in meta['files'].values()} | {'meta.json'} <= names
    # the temporary folder (its entries) and then the parent (the rename)
    assert synced[-1] == str(tmp_path)
    assert any(os.path.basename(p).startswith('.snap.') for p in synced[:-1])


def test_snapshot_without_atomic_swap_still_replaces(tmp_path, monkeypatch):
    from xcoco.frozen import build
    from xcoco.frozen.dataset import FrozenCocoDataset
    monkeypatch.setattr(build, 'exchange', lambda a, b: False)  # not Linux, say
    dpath = tmp_path / 'snap'
    build.write_snapshot(xcoco.CocoDataset.demo('shapes2'), dpath)
    build.write_snapshot(xcoco.CocoDataset.demo('shapes8'), dpath)
    assert FrozenCocoDataset(dpath).n_images == 8
    assert sorted(os.listdir(tmp_path)) == ['snap']
