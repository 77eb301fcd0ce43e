"""
The SQL backend beyond reads: edits that match the in-memory dataset, many
processes writing at once, workers after a fork, cached views, and clear
errors for bad databases.  Each test runs on SQLite and (through the
``postgresql_uri`` fixture) on PostgreSQL.
"""
import multiprocessing
import os
import time

import pytest

import xcoco
from xcoco.coco_sql_dataset import assert_dsets_allclose
from xcoco.sql import CocoSqlDatabase, views
from xcoco.sql.schema import SCHEMA_VERSION


@pytest.fixture(params=['sqlite', 'postgresql'])
def empty_db(request, tmp_path):
    if request.param == 'sqlite':
        db = CocoSqlDatabase(tmp_path / 'edits.sqlite').connect()
    else:
        db = CocoSqlDatabase(request.getfixturevalue('postgresql_uri'))
        db.populate_from(xcoco.CocoDataset())
    yield db
    db.disconnect()


def _same_edits(dset):
    """A sequence of edits run on a backend; returns what the adds returned."""
    out = []
    out.append(dset.add_category('animal'))
    out.append(dset.add_category('cat', supercategory='animal', id=10))
    out.append(dset.add_video('clip', width=8, height=8))
    out.append(dset.add_images([{'file_name': 'f1.png', 'video_id': 1, 'frame_index': 1},
                                {'file_name': 'f0.png', 'video_id': 1, 'frame_index': 0}]))
    out.append(dset.add_image('loose.png', width=4, height=4, extra={'x': [1, 2]}))
    out.append(dset.add_track())
    out.append(dset.add_annotation(1, 10, bbox=[0, 0, 2, 2], track_id=1, score=0.5))
    out.append(dset.add_annotations([{'image_id': 2, 'category_id': 1, 'track_id': 1},
                                     {'image_id': 3, 'bbox': [1, 1, 1, 1]}]))
    out.append(dset.add_keypoint_categories(['nose']))
    dset.annots([1, 2]).set('weight', [0.1, 0.2])
    dset.images([3]).set('file_name', 'renamed.png')
    dset.set_annotation_category(3, 'animal')
    out.append(dset.remove_annotations([2]))
    out.append(dset.remove_categories(['cat'], keep_annots=True))
    out.append(dset.add_annotation(3))
    out.append([dset.ensure_category('animal'), dset.ensure_video('clip2'),
                dset.ensure_track('t9'), dset.ensure_image('loose.png')])
    out.append(dset.add_keypoint_category('tail', reflection_id=1))
    out.append(dset.add_annotation(3, 1, keypoints=[{'xy': [1, 1], 'keypoint_category_id': 1},
                                                   {'xy': [2, 2], 'keypoint_category_id': 2}]))
    out.append(dset.remove_annotation_keypoints(['nose']))
    out.append(dset.remove_keypoint_categories(['tail']))
    return out


def test_clearing_tables_matches_memory(empty_db):
    memory = xcoco.CocoDataset()
    for dset in (empty_db, memory):
        _same_edits(dset)
        dset.clear_annotations()
    assert empty_db.to_coco().dataset == memory.dataset
    for dset in (empty_db, memory):
        dset.clear_images()
    assert empty_db.to_coco().dataset == memory.dataset
    assert (empty_db.n_images, empty_db.n_annots, empty_db.n_cats) == (0, 0, memory.n_cats)


def test_edits_match_memory(empty_db):
    memory = xcoco.CocoDataset()
    assert _same_edits(empty_db) == _same_edits(memory)
    assert_dsets_allclose(memory, empty_db, 'memory', 'sql')
    assert list(empty_db.index.vidid_to_gids[1]) == list(memory.index.vidid_to_gids[1])
    assert list(empty_db.index.trackid_to_aids[1]) == list(memory.index.trackid_to_aids[1])
    assert empty_db.index.file_name_to_img['renamed.png']['id'] == 3
    assert empty_db.to_coco().dataset == memory.dataset


@pytest.mark.parametrize('bad', [
    lambda d: d.add_image('f0.png'),                       # file name taken
    lambda d: d.add_annotation(99),                        # no such image
    lambda d: d.add_annotations([{'image_id': 1}, {'image_id': 1, 'bbox': [1]}]),
    lambda d: d.add_category('animal'),                    # name taken
    lambda d: d.add_image('x.png', id='abc'),              # not an integer id
    lambda d: d.images([1, 2]).set('file_name', 'same.png'),
    lambda d: d.annots([1]).set('id', 5),
    lambda d: d.remove_images([1, 999]),
])
def test_refused_edits_change_nothing(empty_db, bad):
    memory = xcoco.CocoDataset()
    _same_edits(empty_db)
    _same_edits(memory)
    before = empty_db.dataset
    with pytest.raises(xcoco.XcocoError) as info:
        bad(empty_db)
    try:
        bad(memory)
    except xcoco.XcocoError as ex:
        memory_error = ex
    else:
        memory_error = None
    if memory_error is not None:
        # the same kind of error, and the message says the same thing
        assert type(info.value) is type(memory_error)
        assert str(info.value) == str(memory_error)
    assert empty_db.dataset == before
    assert empty_db.add_image('after.png') == max(i['id'] for i in before['images']) + 1


def _add_many(uri, worker, count, queue):
    db = CocoSqlDatabase(uri)
    aids = []
    for i in range(count):
        aids.append(db.add_annotation(1, bbox=[worker, i, 1, 1], worker=worker))
    queue.put(aids)


@pytest.mark.parametrize('backend', ['sqlite', 'postgresql'])
def test_concurrent_writers_lose_nothing(request, tmp_path, backend):
    if backend == 'sqlite':
        uri = str(tmp_path / 'shared.sqlite')
    else:
        uri = request.getfixturevalue('postgresql_uri')
    db = CocoSqlDatabase(uri).populate_from(xcoco.CocoDataset())
    db.add_image('a.png')
    existing = db.add_annotation(1)
    n_procs, per_proc = 4, 25
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    procs = [ctx.Process(target=_add_many, args=(uri, w, per_proc, queue))
             for w in range(n_procs)]
    for proc in procs:
        proc.start()
    got = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    new_ids = [aid for aids in got for aid in aids]
    assert len(new_ids) == len(set(new_ids)) == n_procs * per_proc
    assert existing not in new_ids
    assert db.n_annots == 1 + n_procs * per_proc
    assert db.gid_to_aids[1] == {existing, *new_ids}
    by_worker = {w: [a['bbox'][1] for a in db.annots().objs if a.get('worker') == w]
                 for w in range(n_procs)}
    assert all(sorted(v) == list(range(per_proc)) for v in by_worker.values())


def _walk(db, queue):
    # the parent's connection came along with the fork: this reads through a new one
    total = sum(len(db.annots(image_id=gid)) for gid in db.images())
    queue.put((total, db.anns[1]['id']))


def test_forked_workers_reconnect(tmp_path):
    dset = xcoco.CocoDataset.demo('shapes8')
    db = CocoSqlDatabase(tmp_path / 'w.sqlite').populate_from(dset)
    assert db.n_annots == dset.n_annots  # the parent is connected before forking
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    procs = [ctx.Process(target=_walk, args=(db, queue)) for _ in range(2)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert results == [(dset.n_annots, 1)] * 2
    db.add_image('after_fork.png')  # the parent's connection still works
    assert db.n_images == dset.n_images + 1


def test_cached_view_reused_and_rebuilt(tmp_path):
    fpath = tmp_path / 'data.kwcoco.json'
    xcoco.CocoDataset.demo('shapes2').dump(fpath)
    dset = xcoco.CocoDataset(fpath)
    db = views.view_sql(dset)
    view_fpath = db.fpath
    assert os.path.basename(view_fpath) == f'_data.kwcoco.view.xcoco-v{SCHEMA_VERSION}.sqlite'
    mtime = os.stat(view_fpath).st_mtime_ns
    start = time.perf_counter()
    again = views.coerce_backend(xcoco.CocoDataset, fpath, backend='sqlite')
    assert time.perf_counter() - start < 0.5
    assert again.fpath == view_fpath and os.stat(view_fpath).st_mtime_ns == mtime
    assert_dsets_allclose(dset, again)
    dset.add_image('new.png')
    dset.dump(fpath)
    rebuilt = views.coerce_backend(xcoco.CocoDataset, fpath, backend='sqlite')
    assert rebuilt.n_images == 3
    assert views.coerce_backend(xcoco.CocoDataset, view_fpath).n_images == 3


def test_bad_databases_are_clear_errors(tmp_path):
    with pytest.raises(xcoco.DatabaseURIError, match='unknown scheme'):
        CocoSqlDatabase('mysql://h/db')
    with pytest.raises(xcoco.DatabaseURIError, match='port'):
        CocoSqlDatabase('postgresql://h:xx/db')
    pytest.importorskip('psycopg')
    with pytest.raises(xcoco.DatabaseConnectionError, match='cannot connect'):
        # nothing listens on port 1
        CocoSqlDatabase('postgresql://nobody:pw@127.0.0.1:1/db').connect()
    fpath = tmp_path / 'old.sqlite'
    db = CocoSqlDatabase(fpath).connect()
    db.dialect.execute(db.connection,
                       "UPDATE xcoco_meta SET value = '0' WHERE key = 'schema_version'")
    db.disconnect()
    with pytest.raises(xcoco.DatabaseSchemaError, match='schema version 0'):
        CocoSqlDatabase(fpath).connect()
    with pytest.raises(xcoco.DatabaseConnectionError, match='no such file'):
        CocoSqlDatabase(tmp_path / 'absent.sqlite').connect(must_exist=True)


def test_postgresql_refused_password(postgresql_uri):
    from urllib.parse import urlsplit
    parts = urlsplit(postgresql_uri)
    bad = f'postgresql://no_such_role:secret@{parts.hostname}:{parts.port}/xcoco_none'
    with pytest.raises(xcoco.DatabaseConnectionError) as info:
        CocoSqlDatabase(bad).connect(must_exist=True)
    assert 'secret' not in str(info.value)


def test_a_view_with_edits_is_not_silently_rebuilt(tmp_path):
    fpath = tmp_path / 'data.kwcoco.json'
    xcoco.CocoDataset.demo('shapes2').dump(fpath)
    view = xcoco.CocoDataset.coerce(fpath, backend='sqlite')
    view.add_category('added through the view')
    view.disconnect()
    with pytest.raises(xcoco.DatabaseError, match='force_rewrite=True'):
        xcoco.CocoDataset.coerce(fpath, backend='sqlite')
    kept = CocoSqlDatabase(view.fpath).connect(must_exist=True)
    assert 'added through the view' in kept.name_to_cat  # refused, so nothing was lost
    kept.disconnect()
    rebuilt = xcoco.CocoDataset(fpath).view_sql(force_rewrite=True)
    assert 'added through the view' not in rebuilt.name_to_cat


def test_snapshot_reads_one_state_and_caches_within_it(tmp_path):
    fpath = tmp_path / 'snap.sqlite'
    db = CocoSqlDatabase(fpath).populate_from(xcoco.CocoDataset.demo('shapes2'))
    other = CocoSqlDatabase(fpath).connect(must_exist=True)
    gid = db.images().gids[0]
    with db.snapshot(max_cached=3):
        before = set(db.index.gid_to_aids[gid])
        other.add_annotation(gid, bbox=[0, 0, 1, 1])     # another connection commits
        assert set(db.index.gid_to_aids[gid]) == before   # the snapshot does not move
        assert db.n_annots == 11
        for aid in list(db.index.anns)[:6]:               # more lookups than the bound
            assert db.index.anns[aid]['id'] == aid
        with pytest.raises(xcoco.DatabaseError, match='snapshot'):
            db.add_category('refused inside')
    assert len(db.index.gid_to_aids[gid]) == len(before) + 1  # seen after the block
    assert 'refused inside' not in db.name_to_cat
    other.disconnect()
    db.disconnect()
