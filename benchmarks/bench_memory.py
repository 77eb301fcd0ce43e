"""
Memory over repeated load / delete cycles: does a deleted dataset give its
memory back, and does loading leave the process's collector as it found it?

Each cycle loads the manifest, touches a few lookups, deletes the dataset
and records the process RSS.  A library that leaks (reference cycles that
pin a dataset, objects frozen out of the collector's reach) grows by about
one dataset per cycle; one that does not stays flat after the first cycle
(the allocator keeps some freed memory, so the first cycle sets the level).

It also reports three facts the test suite checks too:

* ``freed by refcount``: a weak reference to the deleted dataset and to its
  index is dead right after ``del``, with the collector off (no cycles);
* ``user garbage collected``: a cyclic object the caller dropped before the
  load is collected by the first ``gc.collect()`` after it;
* ``freeze count``: ``gc.get_freeze_count()`` after the loads (0 unless
  something froze the heap).

Usage:
    python benchmarks/bench_memory.py                       # 20k images, 10 cycles
    python benchmarks/bench_memory.py --images 118287 --annots 860001 --cycles 3

Example:
    >>> import sys, tempfile, pathlib
    >>> sys.path.insert(0, 'benchmarks')
    >>> from bench_memory import run_cycles
    >>> from make_synth_coco import write_synth
    >>> fpath = pathlib.Path(tempfile.mkdtemp()) / 'tiny.json'
    >>> _ = write_synth(fpath, n_images=50, n_annots=300)
    >>> report = run_cycles(fpath, cycles=2)
    >>> report['freed_by_refcount'], report['user_garbage_collected'], report['freeze_count']
    (True, True, 0)
"""
import argparse
import gc
import os
import sys
import time
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def rss_mib():
    """Current resident set size of this process in MiB (Linux)."""
    with open('/proc/self/statm') as file:
        pages = int(file.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / 2 ** 20


class _Node:
    pass


def run_cycles(fpath, cycles=10, verbose=0):
    import xcoco
    xcoco.CocoDataset({'images': []})  # pay lazy imports before the garbage is made
    gc.collect()
    # cyclic garbage the "user" dropped right before the first load
    node = _Node()
    node.self = node
    user_ref = weakref.ref(node)
    del node
    rows = []
    freed = True
    for cycle in range(cycles):
        start = time.perf_counter()
        dset = xcoco.CocoDataset(fpath)
        seconds = time.perf_counter() - start
        _ = [len(dset.index.gid_to_aids[g]) for g in list(dset.imgs)[:100]]
        dset_ref, index_ref = weakref.ref(dset), weakref.ref(dset.index)
        was_enabled = gc.isenabled()
        gc.disable()
        del dset, _
        freed = freed and dset_ref() is None and index_ref() is None
        if was_enabled:
            gc.enable()
        gc.collect()
        rows.append((cycle, seconds, rss_mib()))
        if verbose:
            print(f'cycle {cycle}: load {seconds:.2f} s, RSS {rows[-1][2]:.0f} MiB', flush=True)
    gc.collect()
    return {
        'rows': rows,
        'growth_mib': rows[-1][2] - rows[0][2],
        'freed_by_refcount': freed,
        'user_garbage_collected': user_ref() is None,
        'freeze_count': gc.get_freeze_count(),
    }


def main(argv=None):
    from make_synth_coco import ensure_synth, synth_fpath, write_synth
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--images', type=int, default=20000)
    parser.add_argument('--annots', type=int, default=145000)
    parser.add_argument('--cycles', type=int, default=10)
    parser.add_argument('--fpath', help='a manifest to load instead of the synthetic one')
    args = parser.parse_args(argv)
    fpath = args.fpath
    if fpath is None:
        fpath = synth_fpath(args.images, args.annots)
        if not fpath.exists():
            write_synth(fpath, args.images, args.annots)
    del ensure_synth
    print(f'file: {fpath} ({os.path.getsize(fpath) / 2 ** 20:.0f} MiB), cycles: {args.cycles}')
    report = run_cycles(fpath, cycles=args.cycles, verbose=1)
    print(f"RSS growth from cycle 0 to {args.cycles - 1}: {report['growth_mib']:.0f} MiB")
    print(f"freed by refcount: {report['freed_by_refcount']}; user garbage "
          f"collected: {report['user_garbage_collected']}; freeze count: {report['freeze_count']}")


if __name__ == '__main__':
    main()
