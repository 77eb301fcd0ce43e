"""
Side-by-side manifest benchmark: xcoco, kwcoco and pycocotools against a
plain orjson / numpy floor on the same bytes.

Every (library, operation, repeat) runs in a fresh Python process, so each
measurement pays its own imports and load and nothing is cached between
runs.  The child times only the operation (the load is untimed setup for the
other operations) and reports its peak RSS, which includes that load: a
library that needs more memory to hold the dataset shows it in every row.

Operations:
    load      parse + index the file (floor: ``orjson.loads`` with the cyclic GC off)
    boxes     all annotation boxes as an (N, 4) float array, first call
    columns   all category ids and areas as arrays
    gid2aids  annotation ids of 10k random images
    subset    a dataset of a random 10% of the images
    union     union of two halves (the halves are built untimed)
    copy      an independent deep copy
    dump      write the dataset to a JSON file

Floors (plain code on the raw dicts, no library): ``orjson.loads``;
``np.fromiter`` over the bbox lists; ``np.fromiter`` over the fields; a
prebuilt ``{gid: [aid]}`` dict; list filters with a set of gids; list
concatenation; ``orjson.loads(orjson.dumps(data))``; ``orjson.dumps`` to a
file.  Ratios are seconds divided by the floor of the same row.

Usage:
    python benchmarks/bench_manifest.py --scale medium
    python benchmarks/bench_manifest.py --scale full --repeats 1
    python benchmarks/bench_manifest.py --scale small --libs xcoco kwcoco --ops load dump

Example:
    >>> import sys
    >>> sys.path.insert(0, 'benchmarks')
    >>> from bench_manifest import format_table
    >>> rows = {('load', 'floor'): {'seconds': 1.0, 'peak_rss_mib': 10.0},
    ...         ('load', 'xcoco'): {'seconds': 1.2, 'peak_rss_mib': 12.0}}
    >>> print(format_table(rows, ['load'], ['floor', 'xcoco']))
    | operation | floor s | xcoco s (x floor) | floor RSS MiB | xcoco RSS MiB |
    |---|---|---|---|---|
    | load | 1.00 | 1.20 (1.2x) | 10 | 12 |
"""
import argparse
import datetime
import gc
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DPATH = pathlib.Path(__file__).resolve().parent
OPS = ['load', 'boxes', 'columns', 'gid2aids', 'subset', 'union', 'copy', 'dump']
LIBS = ['floor', 'xcoco', 'kwcoco', 'pycocotools']
# pycocotools' COCO class only loads and queries.
UNSUPPORTED = {('pycocotools', op) for op in ['subset', 'union', 'copy', 'dump']}
N_QUERY_IMAGES = 10000
SEED = 0


# ---------------------------------------------------------------- the child

def _load(lib, fpath):
    if lib == 'floor':
        import orjson
        gc.disable()
        try:
            with open(fpath, 'rb') as file:
                return orjson.loads(file.read())
        finally:
            gc.enable()
    if lib == 'xcoco':
        import xcoco
        return xcoco.CocoDataset(fpath)
    if lib == 'kwcoco':
        import kwcoco
        return kwcoco.CocoDataset(fpath)
    if lib == 'pycocotools':
        import contextlib

        from pycocotools.coco import COCO
        with open(os.devnull, 'w') as devnull, contextlib.redirect_stdout(devnull):
            return COCO(fpath)
    raise KeyError(lib)


def _image_ids(lib, obj):
    if lib == 'floor':
        return [img['id'] for img in obj['images']]
    if lib == 'pycocotools':
        return list(obj.imgs)
    return list(obj.imgs)


def _sample(gids, k):
    import random
    rng = random.Random(SEED)
    return rng.sample(sorted(gids), min(k, len(gids)))


def _import_lib(lib, op):
    # Imports are untimed in every operation, the load included.
    import numpy
    import orjson  # NOQA
    if lib in {'xcoco', 'kwcoco'} and op == 'boxes':
        # Both build kwimage.Boxes, whose first construction pulls in ~2 s of
        # lazy imports that would swamp the array work being measured.
        import kwimage
        kwimage.Boxes(numpy.zeros((1, 4)), 'xywh').to_ltrb()
    if lib == 'xcoco':
        import xcoco
        _ = xcoco.CocoDataset  # resolve the lazy attribute
        import xcoco.objects.vectorized
    elif lib == 'kwcoco':
        import kwcoco  # NOQA
    elif lib == 'pycocotools':
        import pycocotools.coco  # NOQA


def _prepare(lib, op, fpath):
    """Untimed setup; returns the zero-argument callable to time."""
    import itertools as it
    import operator

    import numpy as np
    if op == 'load':
        return lambda: _load(lib, fpath)
    obj = _load(lib, fpath)
    if lib == 'floor':
        # The floor is the best plain code: its parsed objects are moved out
        # of the cyclic GC's reach so later allocations do not re-walk them.
        gc.freeze()
    gids = _image_ids(lib, obj)
    if op == 'boxes':
        if lib == 'floor':
            anns = obj['annotations']
            return lambda: np.fromiter(
                it.chain.from_iterable(map(operator.itemgetter('bbox'), anns)),
                dtype=np.float64, count=4 * len(anns)).reshape(-1, 4)
        if lib == 'pycocotools':
            return lambda: np.array([a['bbox'] for a in obj.loadAnns(obj.getAnnIds())],
                                    dtype=np.float64)
        return lambda: obj.annots().boxes
    if op == 'columns':
        if lib == 'floor':
            anns = obj['annotations']
            return lambda: (
                np.fromiter(map(operator.itemgetter('category_id'), anns), np.int64, len(anns)),
                np.fromiter(map(operator.itemgetter('area'), anns), np.float64, len(anns)))
        if lib == 'pycocotools':
            def columns():
                anns = obj.loadAnns(obj.getAnnIds())
                return (np.array([a['category_id'] for a in anns]),
                        np.array([a['area'] for a in anns]))
            return columns

        def columns():
            annots = obj.annots()
            return np.asarray(annots.cids), np.asarray(annots.lookup('area'))
        return columns
    if op == 'gid2aids':
        query = _sample(gids, N_QUERY_IMAGES)
        if lib == 'floor':
            lut = {gid: [] for gid in gids}
            for ann in obj['annotations']:
                lut[ann['image_id']].append(ann['id'])
            return lambda: [lut[gid] for gid in query]
        if lib == 'pycocotools':
            return lambda: [obj.getAnnIds(imgIds=[gid]) for gid in query]
        return lambda: [group.aids for group in obj.images(query).annots]
    if op == 'subset':
        keep = _sample(gids, len(gids) // 10)
        if lib == 'floor':
            def subset():
                keep_set = set(keep)
                return {'images': [img for img in obj['images'] if img['id'] in keep_set],
                        'annotations': [ann for ann in obj['annotations']
                                        if ann['image_id'] in keep_set],
                        'categories': obj['categories']}
            return subset
        return lambda: obj.subset(keep)
    if op == 'union':
        half = len(gids) // 2
        order = sorted(gids)
        if lib == 'floor':
            first = set(order[:half])
            parts = []
            for flag in [True, False]:
                parts.append({
                    'images': [g for g in obj['images'] if (g['id'] in first) == flag],
                    'annotations': [a for a in obj['annotations']
                                    if (a['image_id'] in first) == flag],
                    'categories': obj['categories']})
            a, b = parts
            return lambda: {'images': a['images'] + b['images'],
                            'annotations': a['annotations'] + b['annotations'],
                            'categories': a['categories']}
        a = obj.subset(order[:half])
        b = obj.subset(order[half:])
        del obj
        cls = type(a)
        return lambda: cls.union(a, b)
    if op == 'copy':
        if lib == 'floor':
            import orjson
            def copy():
                gc.disable()
                try:
                    return orjson.loads(orjson.dumps(obj))
                finally:
                    gc.enable()
            return copy
        return lambda: obj.copy()
    if op == 'dump':
        out = pathlib.Path(tempfile.mkdtemp()) / 'dumped.json'
        if lib == 'floor':
            import orjson

            def dump():
                with open(out, 'wb') as file:
                    file.write(orjson.dumps(obj))
            return dump
        return lambda: obj.dump(str(out))
    raise KeyError(op)


def run_child(lib, op, fpath, out_fpath):
    """Time one operation in this process and write a JSON record."""
    import resource
    _import_lib(lib, op)
    func = _prepare(lib, op, fpath)
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    del result
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pathlib.Path(out_fpath).write_text(json.dumps(
        {'lib': lib, 'op': op, 'seconds': seconds, 'peak_rss_mib': peak_kib / 1024}))


# --------------------------------------------------------------- the parent

def run_one(lib, op, fpath, timeout=3600):
    """Run one measurement in a fresh interpreter and return its record."""
    with tempfile.TemporaryDirectory() as dpath:
        out = pathlib.Path(dpath) / 'record.json'
        cmd = [sys.executable, __file__, '--child', lib, op, str(fpath), str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              check=False)
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {'lib': lib, 'op': op, 'error': ' | '.join(tail)}
        return json.loads(out.read_text())


def summarize(records):
    """Median seconds and max peak RSS per (op, lib)."""
    groups = {}
    for rec in records:
        groups.setdefault((rec['op'], rec['lib']), []).append(rec)
    rows = {}
    for key, recs in groups.items():
        good = [r for r in recs if 'error' not in r]
        if not good:
            rows[key] = {'error': recs[0]['error']}
            continue
        rows[key] = {'seconds': statistics.median(r['seconds'] for r in good),
                     'peak_rss_mib': max(r['peak_rss_mib'] for r in good),
                     'n': len(good)}
    return rows


def format_table(rows, ops, libs):
    """
    A markdown table: seconds with the ratio to the floor, peak RSS, and
    how many times faster xcoco is than kwcoco.

    Example:
        >>> import sys
        >>> sys.path.insert(0, 'benchmarks')
        >>> from bench_manifest import format_table
        >>> rows = {('dump', 'floor'): {'seconds': 2.0, 'peak_rss_mib': 5.0},
        ...         ('dump', 'xcoco'): {'seconds': 3.0, 'peak_rss_mib': 6.0},
        ...         ('dump', 'kwcoco'): {'seconds': 30.0, 'peak_rss_mib': 7.0}}
        >>> print(format_table(rows, ['dump'], ['floor', 'xcoco', 'kwcoco']))
        | operation | floor s | xcoco s (x floor) | kwcoco s (x floor) | floor RSS MiB | xcoco RSS MiB | kwcoco RSS MiB | kwcoco / xcoco |
        |---|---|---|---|---|---|---|---|
        | dump | 2.00 | 3.00 (1.5x) | 30.00 (15.0x) | 5 | 6 | 7 | 10.0x |
    """
    head = ['operation', 'floor s'] + [f'{lib} s (x floor)' for lib in libs if lib != 'floor']
    head += [f'{lib} RSS MiB' for lib in libs]
    compare = 'xcoco' in libs and 'kwcoco' in libs
    if compare:
        head.append('kwcoco / xcoco')
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for op in ops:
        floor = rows.get((op, 'floor'), {}).get('seconds')
        times, rss = [], []
        for lib in libs:
            row = rows.get((op, lib))
            if row is None:
                cell, mem = ('n/a', 'n/a') if (lib, op) in UNSUPPORTED else ('-', '-')
            elif 'error' in row:
                cell, mem = 'error', 'error'
            else:
                sec = row['seconds']
                cell = f'{sec:.2f}' if sec >= 0.01 else f'{sec:.4f}'
                if lib != 'floor' and floor:
                    cell += f' ({sec / floor:.1f}x)'
                mem = f'{row["peak_rss_mib"]:.0f}'
            times.append(cell)
            rss.append(mem)
        cells = [op] + times + rss
        if compare:
            x = rows.get((op, 'xcoco'), {}).get('seconds')
            k = rows.get((op, 'kwcoco'), {}).get('seconds')
            cells.append(f'{k / x:.1f}x' if x and k else '-')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def machine_description():
    """One line naming the machine, Python and library versions."""
    import importlib.metadata as md
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as file:
            for line in file:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem_gib = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30
    except (ValueError, OSError):
        mem_gib = float('nan')
    versions = []
    for dist in ['xcoco', 'kwcoco', 'pycocotools', 'orjson', 'numpy']:
        try:
            versions.append(f'{dist} {md.version(dist)}')
        except md.PackageNotFoundError:
            versions.append(f'{dist} missing')
    return (f'{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, '
            f'Python {platform.python_version()}, ' + ', '.join(versions))


def combine_saved(fpaths, ops=OPS):
    """
    A table from saved runs; later files replace earlier (library, op) records.

    Example:
        >>> import sys, json, tempfile, pathlib
        >>> sys.path.insert(0, 'benchmarks')
        >>> from bench_manifest import combine_saved
        >>> dpath = pathlib.Path(tempfile.mkdtemp())
        >>> rec = lambda lib, sec: {'lib': lib, 'op': 'load', 'seconds': sec, 'peak_rss_mib': 1.0}
        >>> _ = (dpath / 'a.json').write_text(json.dumps({'date': 'd1', 'machine': 'm', 'records': [rec('floor', 1.0), rec('xcoco', 9.0)]}))
        >>> _ = (dpath / 'b.json').write_text(json.dumps({'date': 'd2', 'machine': 'm', 'records': [rec('xcoco', 2.0)]}))
        >>> print(combine_saved([dpath / 'a.json', dpath / 'b.json'], ['load']).splitlines()[-1])
        | load | 1.00 | 2.00 (2.0x) | 1 | 1 |
    """
    merged = {}
    notes = []
    for fpath in fpaths:
        saved = json.loads(pathlib.Path(fpath).read_text())
        notes.append(f'{saved["date"]}: {sorted({r["lib"] for r in saved["records"]})}')
        fresh = {}
        for rec in saved['records']:
            fresh.setdefault((rec['op'], rec['lib']), []).append(rec)
        merged.update(fresh)
    records = [rec for recs in merged.values() for rec in recs]
    present = {lib for _, lib in merged}
    libs = [lib for lib in LIBS if lib in present]
    return '\n'.join(['runs: ' + '; '.join(notes), '',
                      format_table(summarize(records), ops, libs)])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ['--child']:
        run_child(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scale', default='medium', help='small, medium or full')
    parser.add_argument('--fpath', help='benchmark this file instead of a synthetic one')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--libs', nargs='+', default=LIBS, choices=LIBS)
    parser.add_argument('--ops', nargs='+', default=OPS, choices=OPS)
    parser.add_argument('--save', help='also write the raw records to this JSON file')
    parser.add_argument('--combine', nargs='+', metavar='SAVED',
                        help='print one table from files written by --save (no '
                             'measuring); a later file replaces the (library, '
                             'operation) records of earlier ones')
    args = parser.parse_args(argv)
    if args.combine:
        print(combine_saved(args.combine, args.ops))
        return 0
    if args.fpath:
        fpath = pathlib.Path(args.fpath)
    else:
        sys.path.insert(0, str(BENCH_DPATH))
        from make_synth_coco import ensure_synth
        fpath = ensure_synth(args.scale)
    libs = ['floor'] + [lib for lib in args.libs if lib != 'floor']
    # Read the file once so the first measured load does not pay for a cold
    # page cache (one such run would skew a median of two).
    with open(fpath, 'rb') as file:
        while file.read(64 << 20):
            pass
    print(f'# {fpath.name} ({fpath.stat().st_size / 2 ** 20:.0f} MiB), '
          f'{args.repeats} repeat(s)', flush=True)
    records = []
    for op in args.ops:
        for lib in libs:
            if (lib, op) in UNSUPPORTED:
                continue
            for _ in range(args.repeats):
                rec = run_one(lib, op, fpath)
                records.append(rec)
                msg = rec.get('error') or f'{rec["seconds"]:.3f}s {rec["peak_rss_mib"]:.0f}MiB'
                print(f'  {op:9s} {lib:12s} {msg}', file=sys.stderr, flush=True)
    rows = summarize(records)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    print(f'\n{stamp}; {machine_description()}\n')
    print(format_table(rows, args.ops, libs))
    if args.save:
        pathlib.Path(args.save).write_text(json.dumps(
            {'date': stamp, 'machine': machine_description(), 'file': str(fpath),
             'records': records}, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
