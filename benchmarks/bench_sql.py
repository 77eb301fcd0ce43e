"""
The SQL backend against the in-memory dataset and kwcoco's SQL view.

Reports, on one synthetic manifest (``--scale medium`` by default, made by
``make_synth_coco.py`` if absent, or ``--fpath``):

* build time of the SQLite view (and rows per second) vs kwcoco's view
  (needs ``sqlalchemy``; ``--no-kwcoco`` skips kwcoco);
* reopening the cached view from the manifest path (``coerce(backend=)``);
* single lookups (``gid_to_aids[gid]``, ``anns[aid]``, and one image's
  boxes) vs memory, in microseconds per call;
* all boxes (``annots().boxes``) vs memory;
* a walk over every image and its annotations by 4 forked workers: the
  growth of each worker's private memory (``Private_Dirty`` of
  ``/proc/self/smaps_rollup``), for memory, the SQLite view and kwcoco's.

Run by hand (not part of the tests)::

    python benchmarks/bench_sql.py
    python benchmarks/bench_sql.py --fpath benchmarks/_data/synth_coco_20000img_145000ann_s0.json
    python benchmarks/bench_sql.py --postgresql postgresql://postgres@127.0.0.1:54329/bench
"""
import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def private_dirty_kib():
    with open('/proc/self/smaps_rollup') as file:
        for line in file:
            if line.startswith('Private_Dirty:'):
                return int(line.split()[1])
    return 0


def _timed(func, repeat=1):
    best = float('inf')
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def _per_call_us(func, keys):
    start = time.perf_counter()
    for key in keys:
        func(key)
    return (time.perf_counter() - start) / len(keys) * 1e6


def _walk(dset, queue):
    before = private_dirty_kib()
    start = time.perf_counter()
    n = 0
    imgs, anns, gid_to_aids = dset.imgs, dset.anns, dset.index.gid_to_aids
    for gid in list(imgs.keys()):
        imgs[gid]
        for aid in gid_to_aids[gid]:
            n += len(anns[aid])
    queue.put((private_dirty_kib() - before, time.perf_counter() - start, n))


def fork_walk(dset, workers=4):
    """Per-worker private memory growth (MiB) and walk time of ``workers`` forked walkers."""
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    procs = [ctx.Process(target=_walk, args=(dset, queue)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    growth = [r[0] / 1024 for r in results]
    return {'mean_growth_mib': sum(growth) / len(growth), 'max_growth_mib': max(growth),
            'walk_seconds': max(r[1] for r in results)}


def lookups(dset, gids, aids):
    return {
        'gid_to_aids_us': _per_call_us(lambda g: dset.index.gid_to_aids[g], gids),
        'anns_us': _per_call_us(lambda a: dset.anns[a], aids),
        'image_boxes_us': _per_call_us(lambda g: dset.annots(image_id=g).boxes, gids[:300]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--scale', default='medium')
    parser.add_argument('--fpath', help='a manifest to use instead of --scale')
    parser.add_argument('--no-kwcoco', action='store_true')
    parser.add_argument('--postgresql', help='also build a PostgreSQL view at this URI')
    args = parser.parse_args(argv)

    import xcoco
    from xcoco.sql import CocoSqlDatabase
    from xcoco.sql.views import coerce_backend, view_sql

    if args.fpath:
        fpath = args.fpath
    else:
        from make_synth_coco import ensure_synth
        fpath = ensure_synth(args.scale)
    size_mb = os.path.getsize(fpath) / 1e6
    load_s, dset = _timed(lambda: xcoco.CocoDataset(fpath))
    print(f'manifest {os.path.basename(fpath)}: {size_mb:.0f} MB, {dset.n_images} images, '
          f'{dset.n_annots} annotations; JSON load {load_s:.2f} s')
    workdir = tempfile.mkdtemp(prefix='bench_sql_')
    rows = {}

    build_s, db = _timed(lambda: view_sql(dset, force_rewrite=True))
    stats = db.populate_stats
    rows['build'] = {'xcoco_sqlite_s': build_s,
                     'rows_per_second': stats['rows_per_second']}
    print(f'xcoco SQLite view: built in {build_s:.2f} s '
          f'({stats["rows_per_second"]:,.0f} rows/s, indexes {stats["index_seconds"]:.2f} s)')
    db.disconnect()
    if args.postgresql:
        pg_s, pg = _timed(lambda: CocoSqlDatabase(args.postgresql).populate_from(dset))
        print(f'xcoco PostgreSQL: built in {pg_s:.2f} s '
              f'({pg.populate_stats["rows_per_second"]:,.0f} rows/s)')

    # reopening the cached view from the manifest path (JSON not read)
    reopen_s, db = _timed(lambda: coerce_backend(xcoco.CocoDataset, fpath, backend='sqlite'),
                          repeat=5)
    assert isinstance(db, CocoSqlDatabase)
    print(f'reopen cached view: {reopen_s * 1000:.1f} ms')

    kw_db = None
    if not args.no_kwcoco:
        import shutil

        import kwcoco
        from kwcoco.coco_sql_dataset import cached_sql_coco_view
        # a copy: xcoco's cached-hashid sidecar beside the manifest is not kwcoco's
        kw_json = os.path.join(workdir, 'kwcoco_copy.json')
        shutil.copy(fpath, kw_json)
        kw_dset = kwcoco.CocoDataset(kw_json)
        kw_fpath = os.path.join(workdir, 'kwcoco_view.sqlite')
        start = time.perf_counter()
        kw_db = cached_sql_coco_view(dset=kw_dset, sql_db_fpath=kw_fpath, force_rewrite=True)
        kw_build = time.perf_counter() - start
        rows['build']['kwcoco_s'] = kw_build
        print(f'kwcoco SQLite view: built in {kw_build:.2f} s '
              f'(xcoco {kw_build / build_s:.1f}x faster)')
        del kw_dset

    rng = random.Random(0)
    gids = rng.sample(list(dset.imgs), min(2000, dset.n_images))
    aids = rng.sample(list(dset.anns), min(2000, dset.n_annots))
    lookups(dset, gids[:5], aids[:5])  # warm up: the first .boxes imports kwimage
    mem_l, sql_l = lookups(dset, gids, aids), lookups(db, gids, aids)
    with db.snapshot():
        lookups(db, gids, aids)          # the first visit of each key fills the cache
        snap_l = lookups(db, gids, aids)  # a repeat visit inside the same snapshot
    for key in mem_l:
        print(f'{key:>16}: memory {mem_l[key]:8.2f}  sqlite {sql_l[key]:8.2f} '
              f'({sql_l[key] / mem_l[key]:.1f}x)  sqlite in a snapshot, repeat visit '
              f'{snap_l[key]:8.2f} ({snap_l[key] / mem_l[key]:.1f}x)', end='')
        if kw_db is not None and key != 'image_boxes_us':
            kw_l = _per_call_us((lambda g: kw_db.index.gid_to_aids[g]) if key.startswith('gid')
                                else (lambda a: kw_db.anns[a]), gids if key.startswith('gid') else aids)
            print(f'  kwcoco {kw_l:8.2f}', end='')
        print()

    mem_boxes, want = _timed(lambda: dset.annots().boxes.data, repeat=3)
    sql_boxes, got = _timed(lambda: db.annots().boxes.data, repeat=3)
    assert (got == want).all()
    print(f'all boxes: memory {mem_boxes:.2f} s, sqlite {sql_boxes:.2f} s '
          f'({sql_boxes / mem_boxes:.1f}x)')
    if kw_db is not None:
        kw_boxes, _ = _timed(lambda: kw_db.annots().boxes.data)
        print(f'all boxes: kwcoco {kw_boxes:.2f} s')

    for name, target in [('memory', dset), ('xcoco sqlite', db), ('kwcoco sqlite', kw_db)]:
        if target is None:
            continue
        walk = fork_walk(target)
        print(f'4-worker fork walk, {name}: per-worker private growth '
              f'mean {walk["mean_growth_mib"]:.1f} MiB, max {walk["max_growth_mib"]:.1f} MiB, '
              f'walk {walk["walk_seconds"]:.1f} s')


if __name__ == '__main__':
    main()
