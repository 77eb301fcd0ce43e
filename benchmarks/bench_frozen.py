"""
The frozen backend against JSON parsing, the in-memory dataset and kwcoco.

Reports, on one synthetic manifest (``--fpath``, default the medium one in
``benchmarks/_data``), each with its ratio to the issue's target:

* reopening the cached snapshot from the manifest path, in a fresh process,
  vs the orjson parse floor (read + ``orjson.loads`` of the file);
* all annotation boxes (``annots().boxes``) vs kwcoco's and xcoco memory's;
* one image with its annotations as dicts vs an in-memory dict lookup
  (and vs kwcoco's SQL view, unless ``--no-kwcoco-sql``);
* 4 forked workers walking every image and its annotations: the growth
  of each worker's ``Private_Dirty`` vs the RSS of an in-memory load;
* building the snapshot vs a JSON load.

Run by hand (not part of the tests)::

    python benchmarks/bench_frozen.py --fpath benchmarks/_data/synth_coco_20000img_145000ann_s0.json
"""
import argparse
import gc
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def private_dirty_kib():
    with open('/proc/self/smaps_rollup') as file:
        for line in file:
            if line.startswith('Private_Dirty:'):
                return int(line.split()[1])
    return 0


def _timed(func, repeat=1):
    best, out = float('inf'), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def _fresh(code):
    """Run ``code`` in a fresh interpreter; it prints one float."""
    out = subprocess.run([sys.executable, '-c', code], check=True, capture_output=True,
                         text=True, env=dict(os.environ))
    return float(out.stdout.strip().splitlines()[-1])


def _walk(dset, queue):
    before = private_dirty_kib()
    start = time.perf_counter()
    n = 0
    imgs, anns, gid_to_aids = dset.imgs, dset.anns, dset.index.gid_to_aids
    for gid in list(imgs.keys()):
        n += len(imgs[gid])
        for aid in gid_to_aids[gid]:
            n += len(anns[aid])
    queue.put((private_dirty_kib() - before, time.perf_counter() - start, n))


def fork_walk(dset, workers=4):
    gc.collect()
    gc.freeze()
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    procs = [ctx.Process(target=_walk, args=(dset, queue)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    gc.unfreeze()
    growth = [r[0] / 1024 for r in results]
    return max(growth), max(r[1] for r in results)


def one_image_us(dset, gids):
    imgs, anns, gid_to_aids = dset.imgs, dset.anns, dset.index.gid_to_aids
    start = time.perf_counter()
    for gid in gids:
        imgs[gid]
        [anns[aid] for aid in gid_to_aids[gid]]
    return (time.perf_counter() - start) / len(gids) * 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--fpath', default=os.path.join(
        HERE, '_data', 'synth_coco_20000img_145000ann_s0.json'))
    parser.add_argument('--no-kwcoco-sql', action='store_true',
                        help="skip building kwcoco's SQL view (slow)")
    args = parser.parse_args(argv)
    import orjson

    import xcoco
    from xcoco.frozen.build import write_snapshot
    from xcoco.frozen.views import freeze, open_frozen

    workdir = tempfile.mkdtemp(prefix='bench_frozen_')
    fpath = os.path.join(workdir, os.path.basename(args.fpath))
    shutil.copy(args.fpath, fpath)   # the sidecars land in workdir, not beside the data
    snap = os.path.join(workdir, 'snap')
    size_mb = os.path.getsize(fpath) / 1e6

    def parse():
        with open(fpath, 'rb') as file:
            return orjson.loads(file.read())
    parse_s, _ = _timed(parse, repeat=3)
    load_s, dset = _timed(lambda: xcoco.CocoDataset(fpath))
    print(f'manifest {os.path.basename(fpath)}: {size_mb:.0f} MB, {dset.n_images} images, '
          f'{dset.n_annots} annotations; orjson parse {parse_s:.2f} s, xcoco JSON load {load_s:.2f} s')

    hash_s, _ = _timed(dset._cached_hashid)
    build_s, _ = _timed(lambda: write_snapshot(dset, snap, None))
    freeze_s, frozen = _timed(lambda: freeze(dset, snap))  # keyed rebuild into place
    print(f'build: write_snapshot {build_s:.2f} s ({build_s / load_s:.2f}x JSON load; target <= 2x), '
          f'first hashid {hash_s:.2f} s, freeze() with keying {freeze_s:.2f} s')

    # a fresh process with xcoco's modules imported (what any reader pays once)
    reopen_s = _fresh(
        'import time; from xcoco.frozen.views import open_frozen\n'
        'import xcoco.ops.integrity, xcoco.query\n'
        f't = time.perf_counter(); f = open_frozen({fpath!r}, {snap!r})\n'
        'n = f.n_annots; print(time.perf_counter() - t)')
    cold_s = _fresh(
        'import time; t = time.perf_counter()\n'
        'from xcoco.frozen.views import open_frozen\n'
        f'f = open_frozen({fpath!r}, {snap!r})\n'
        'n = f.n_annots; print(time.perf_counter() - t)')
    inproc_s, _ = _timed(lambda: open_frozen(fpath, snap), repeat=5)
    print(f'reopen: fresh process {reopen_s * 1000:.1f} ms (with the imports {cold_s * 1000:.0f} ms), '
          f'in process {inproc_s * 1000:.1f} ms; {reopen_s / parse_s:.4f}x the orjson parse '
          '(target <= 0.05x)')

    import kwcoco
    kw_dset = kwcoco.CocoDataset(fpath)
    kw_boxes_s, want = _timed(lambda: kw_dset.annots().boxes.data, repeat=3)
    mem_boxes_s, _ = _timed(lambda: dset.annots().boxes.data, repeat=3)
    fz_boxes_s, got = _timed(lambda: frozen.annots().boxes.data, repeat=3)
    assert (got == want).all()
    print(f'all boxes: frozen {fz_boxes_s * 1000:.1f} ms, kwcoco {kw_boxes_s * 1000:.1f} ms, '
          f'xcoco memory {mem_boxes_s * 1000:.1f} ms; frozen {fz_boxes_s / kw_boxes_s:.3f}x '
          'kwcoco (target <= 0.05x)')
    kw_dset = None  # frees its memory before the fork walk

    rng = random.Random(0)
    gids = rng.sample(sorted(dset.imgs), 2000)
    one_image_us(frozen, gids[:10])
    mem_us, fz_us = one_image_us(dset, gids), one_image_us(frozen, gids)
    fz_view_us = _timed(lambda: [(frozen.imgs[g], list(frozen.annots(image_id=g).objs_iter()))
                                 for g in gids])[0] / len(gids) * 1e6
    print(f'one image + its annotations (dicts): frozen {fz_us:.1f} us, memory {mem_us:.2f} us '
          f'({fz_us / mem_us:.1f}x; target <= 30x); via imgs[gid] + annots(image_id=gid).objs_iter() {fz_view_us:.1f} us')
    if not args.no_kwcoco_sql:
        from kwcoco.coco_sql_dataset import cached_sql_coco_view
        kw_json = os.path.join(workdir, 'kwcoco_copy.json')
        shutil.copy(fpath, kw_json)
        kw_build_s, kw_db = _timed(lambda: cached_sql_coco_view(
            dset=kwcoco.CocoDataset(kw_json), sql_db_fpath=os.path.join(workdir, 'kw.sqlite'),
            force_rewrite=True))
        one_image_us(kw_db, gids[:10])
        kw_us = one_image_us(kw_db, gids)
        print(f'  kwcoco SQL view (built in {kw_build_s:.1f} s): {kw_us:.1f} us; frozen is '
              f'{kw_us / fz_us:.1f}x faster (target >= 10x)')
        del kw_db

    rss_code = (
        'import xcoco, resource\n'
        'def rss():\n'
        '    return int(open("/proc/self/statm").read().split()[1]) * 4096\n'
        f'before = rss(); d = xcoco.CocoDataset({fpath!r}); print((rss() - before) / 2**20)')
    mem_rss_mib = _fresh(rss_code)
    one_image_us(frozen, gids[:10])
    mem_growth, mem_walk = fork_walk(dset)
    fz_growth, fz_walk = fork_walk(frozen)
    print(f'4-worker fork walk: per-worker private growth frozen {fz_growth:.1f} MiB '
          f'(walk {fz_walk:.1f} s), memory {mem_growth:.1f} MiB (walk {mem_walk:.1f} s); '
          f'in-memory load RSS {mem_rss_mib:.0f} MiB: frozen {fz_growth / mem_rss_mib:.4f}x '
          f'(target <= 0.05x), memory {mem_growth / mem_rss_mib:.2f}x')
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
