"""
Concurrent SQL writers lose nothing: several processes insert, update and
remove on one SQLite file and on one PostgreSQL database at once, and the
final database holds exactly what each writer committed.  Readers during
the writes see consistent snapshots (a batch committed in one transaction
is seen whole or not at all); a writer that cannot get SQLite's write lock
in time gets a clear DatabaseError, never a silent drop; concurrent
PostgreSQL view rebuilds take turns and readers never see a half view.

Scale: ``XCOCO_CRASH_SCALE`` multiplies the edits per writer.
"""
import multiprocessing
import os
import sqlite3
import time
import traceback

import pytest

import xcoco
from xcoco.errors import DatabaseError, DuplicateAddError
from xcoco.sql import CocoSqlDatabase, views
from xcoco.testing import assert_index_consistent

SCALE = float(os.environ.get('XCOCO_CRASH_SCALE') or 1)
N_WRITERS = 4
EDITS_PER_WRITER = max(8, round(75 * SCALE))
BATCH = 3  # annotations added per transaction: readers must see them whole


@pytest.fixture(params=['sqlite', 'postgresql'])
def shared_uri(request, tmp_path):
    if request.param == 'sqlite':
        return str(tmp_path / 'shared.sqlite')
    return request.getfixturevalue('postgresql_db_uri')


def _writer(uri, worker, n_edits, start, results):
    """Add batches, update and remove its own annotations; report what it committed."""
    try:
        db = CocoSqlDatabase(uri)
        start.wait(30)
        live = {}     # aid -> the fields this writer last committed
        lost_races = 0
        cid = db.add_category(f'cat_w{worker}')
        for seq in range(n_edits):
            objs = [{'image_id': 1 + (seq + k) % 5, 'category_id': cid, 'bbox': [worker, seq, 1, 1],
                     'worker': worker, 'seq': seq, 'batch': f'{worker}-{seq}'} for k in range(BATCH)]
            aids = db.add_annotations(objs)
            for aid, obj in zip(aids, objs):
                live[aid] = {'worker': worker, 'seq': seq, 'batch': obj['batch']}
            if seq % 3 == 1:
                # the whole batch is updated in one transaction too
                db.annots(aids).set('score', [seq / 100] * BATCH)
                for aid in aids:
                    live[aid]['score'] = seq / 100
            if seq % 4 == 2:
                # remove the oldest of its own batches, whole
                oldest = min(live[aid]['seq'] for aid in live)
                gone = [aid for aid, fields in live.items() if fields['seq'] == oldest]
                db.remove_annotations(gone)
                for aid in gone:
                    del live[aid]
            if seq % 10 == 5:
                # every writer races for the same name: one wins, the others
                # are refused with DuplicateAddError, never a second copy
                try:
                    db.add_image(f'contended_{seq}.png')
                except DuplicateAddError:
                    lost_races += 1
                db.ensure_category('shared')
        results.put((worker, {'live': live, 'cid': cid, 'lost_races': lost_races}))
    except BaseException:
        results.put((worker, traceback.format_exc()))


def _reader(uri, stop, results):
    """Read snapshots while the writers run; report any inconsistent one."""
    try:
        db = CocoSqlDatabase(uri)
        bad, reads = [], 0
        while not stop.is_set():
            with db.snapshot():
                anns = db.dataset['annotations']
                n_annots = db.n_annots
                grouped = sum(len(db.gid_to_aids[gid]) for gid in db.imgs)
            sizes = {}
            for ann in anns:
                if 'batch' in ann:
                    sizes[ann['batch']] = sizes.get(ann['batch'], 0) + 1
            scores = {}
            for ann in anns:
                if 'batch' in ann:
                    scores.setdefault(ann['batch'], set()).add(ann.get('score'))
            if (len(anns) != n_annots or grouped != n_annots
                    or any(size != BATCH for size in sizes.values())
                    or any(len(values) != 1 for values in scores.values())):
                bad.append((len(anns), n_annots, grouped))
            reads += 1
        results.put(('reader', {'reads': reads, 'bad': bad}))
    except BaseException:
        results.put(('reader', traceback.format_exc()))


def test_concurrent_writers_and_readers(shared_uri):
    db = CocoSqlDatabase(shared_uri).populate_from(xcoco.CocoDataset())
    for k in range(5):
        db.add_image(f'img{k}.png')
    preexisting = db.add_annotation(1, bbox=[0, 0, 1, 1])
    db.disconnect()
    ctx = multiprocessing.get_context('fork')
    results, start, stop = ctx.Queue(), ctx.Barrier(N_WRITERS + 1), ctx.Event()
    writers = [ctx.Process(target=_writer, args=(shared_uri, w, EDITS_PER_WRITER, start, results))
               for w in range(N_WRITERS)]
    readers = [ctx.Process(target=_reader, args=(shared_uri, stop, results)) for _ in range(2)]
    began = time.perf_counter()
    for proc in writers + readers:
        proc.start()
    start.wait(30)
    answers = {}
    for _ in writers:
        worker, answer = results.get(timeout=300)
        answers[worker] = answer
    seconds = time.perf_counter() - began
    stop.set()
    reader_answers = [results.get(timeout=60)[1] for _ in readers]
    for proc in writers + readers:
        proc.join(60)
    failed = {w: a for w, a in answers.items() if isinstance(a, str)}
    assert not failed, failed
    assert not [a for a in reader_answers if isinstance(a, str)], reader_answers
    for answer in reader_answers:
        assert answer['reads'] > 0 and not answer['bad'], answer

    db = CocoSqlDatabase(shared_uri)
    stored = {ann['id']: ann for ann in db.dataset['annotations']}
    expected_ids = {preexisting}
    for answer in answers.values():
        for aid, fields in answer['live'].items():
            ann = stored[aid]
            assert {k: ann.get(k) for k in fields} == fields
            assert ann.get('score') == fields.get('score')
            assert ann['category_id'] == answer['cid']
            expected_ids.add(aid)
    # nothing lost, nothing extra, nothing a writer removed came back
    assert set(stored) == expected_ids
    assert db.n_annots == 1 + sum(len(a['live']) for a in answers.values())
    n_races = len(range(5, EDITS_PER_WRITER, 10))
    contended = [img for img in db.dataset['images'] if img['file_name'].startswith('contended_')]
    assert len(contended) == n_races
    assert sum(a['lost_races'] for a in answers.values()) == n_races * (N_WRITERS - 1)
    assert [c['name'] for c in db.dataset['categories']].count('shared') == 1
    assert len({ann['id'] for ann in stored.values()}) == len(stored)
    assert_index_consistent(db.to_coco())
    print(f'{N_WRITERS} writers x {EDITS_PER_WRITER} edits on {db.dialect.name}: '
          f'{seconds:.2f} s, {sum(a["reads"] for a in reader_answers)} snapshot reads')
    db.disconnect()


def test_sqlite_lock_timeout_is_a_clear_error_and_nothing_is_written(tmp_path):
    fpath = str(tmp_path / 'locked.sqlite')
    db = CocoSqlDatabase(fpath).connect()
    gid = db.add_image('a.png')
    db.disconnect()
    holder = sqlite3.connect(fpath, isolation_level=None)
    holder.execute('BEGIN IMMEDIATE')  # another process's writer, say
    impatient = CocoSqlDatabase(fpath)
    impatient.dialect.timeout = 0.2
    try:
        began = time.perf_counter()
        with pytest.raises(DatabaseError, match='locked.*more than 0.2 s.*nothing was written'):
            impatient.add_annotation(gid, bbox=[0, 0, 1, 1])
        assert time.perf_counter() - began >= 0.2  # it retried for its timeout
    finally:
        holder.execute('ROLLBACK')
        holder.close()
    assert impatient.n_annots == 0
    # the connection is usable again: the caller retries and it lands
    assert impatient.add_annotation(gid, bbox=[0, 0, 1, 1]) == 1
    assert impatient.n_annots == 1


def _hold_lock(fpath, seconds, ready):
    conn = sqlite3.connect(fpath, isolation_level=None)
    conn.execute('BEGIN IMMEDIATE')
    conn.execute("INSERT INTO xcoco_meta (key, value) VALUES ('held', '1')")
    ready.set()
    time.sleep(seconds)
    conn.execute('COMMIT')
    conn.close()


def test_sqlite_writer_waits_for_the_lock_instead_of_dropping(tmp_path):
    fpath = str(tmp_path / 'busy.sqlite')
    db = CocoSqlDatabase(fpath).connect()
    gid = db.add_image('a.png')
    ctx = multiprocessing.get_context('fork')
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(fpath, 0.5, ready))
    holder.start()
    assert ready.wait(30)
    began = time.perf_counter()
    aid = db.add_annotation(gid)  # waits (SQLite's busy handler) rather than failing
    waited = time.perf_counter() - began
    holder.join(30)
    assert waited >= 0.3 and db.n_annots == 1 and db.anns[aid]['image_id'] == gid
    assert db.read_meta('held') == 1  # the holder's transaction landed too


# ---------------------------------------------------------------------------
# concurrent PostgreSQL view rebuilds
# ---------------------------------------------------------------------------

def _build_view(fpath, uri, force, start, results):
    try:
        dset = xcoco.CocoDataset(fpath)
        start.wait(30)
        built = 0
        for round_ in range(3 if force else 1):
            db = views.view_sql(dset, backend='postgresql', sql_db_fpath=uri,
                                force_rewrite=force and round_ % 2 == 0)
            built += db.populate_stats is not None
            db.disconnect()
        results.put(('builder', built))
    except BaseException:
        results.put(('builder', traceback.format_exc()))


def _read_view(uri, expected, stop, results):
    try:
        db = CocoSqlDatabase(uri)
        bad, full_seen = [], False
        while not stop.is_set():
            with db.snapshot():
                got = (db.n_images, db.n_annots,
                       sum(len(db.gid_to_aids[gid]) for gid in db.imgs))
            if got == expected:
                full_seen = True
            elif got != (0, 0, 0) or full_seen:
                # only an empty database before the first view is whole
                bad.append(got)
        results.put(('reader', bad))
    except BaseException:
        results.put(('reader', traceback.format_exc()))


@pytest.mark.parametrize('force', [False, True])
def test_concurrent_pg_view_rebuilds_are_atomic(tmp_path, postgresql_db_uri, force):
    fpath = tmp_path / 'data.kwcoco.json'
    dset = xcoco.CocoDataset.demo('shapes8')
    dset.dump(fpath)
    expected = (dset.n_images, dset.n_annots, dset.n_annots)
    ctx = multiprocessing.get_context('fork')
    results, start, stop = ctx.Queue(), ctx.Barrier(3), ctx.Event()
    builders = [ctx.Process(target=_build_view, args=(fpath, postgresql_db_uri, force, start, results))
                for _ in range(3)]
    readers = [ctx.Process(target=_read_view, args=(postgresql_db_uri, expected, stop, results))
               for _ in range(2)]
    for proc in readers + builders:
        proc.start()
    built = [results.get(timeout=300)[1] for _ in builders]
    stop.set()
    seen = [results.get(timeout=60)[1] for _ in readers]
    for proc in readers + builders:
        proc.join(60)
    assert not [b for b in built if isinstance(b, str)], built
    assert not [s for s in seen if isinstance(s, str)], seen
    # never a half view: readers saw no database yet, or the whole view
    assert seen == [[], []], seen
    if not force:
        # the first builder builds; the others find its view current
        assert sum(built) == 1, built
    db = CocoSqlDatabase(postgresql_db_uri)
    assert (db.n_images, db.n_annots) == expected[:2]
    assert db.read_meta('source_hashid') == xcoco.CocoDataset(fpath)._cached_hashid()
    db.disconnect()
