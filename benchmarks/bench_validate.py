"""
Time ``xcoco.ops.validate.validate`` on a 100k-annotation manifest.

The manifest is the deterministic COCO-shaped synthetic file from
``make_synth_coco.py`` (polygons, ~1% crowd RLE, 80 categories).  Rows:

* xcoco validate, default checks but ``missing=False`` (schema per object
  with the fast path, unique, references, geometry, channels, warps; no
  file access: the synthetic manifest has no files)
* xcoco validate with ``schema=False``
* xcoco validate with the fast path disabled (every object through the
  compiled jsonschema validator) — shows what the fast path buys
* kwcoco ``validate(missing=False)`` for comparison, when kwcoco is installed

Usage:
    python benchmarks/bench_validate.py            # 100k annotations, 3 runs
    python benchmarks/bench_validate.py --annots 20000 --runs 5 --no-kwcoco
"""
import argparse
import pathlib
import statistics
import sys
import time
import warnings

import orjson

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _median_time(func, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--annots', type=int, default=100_000)
    parser.add_argument('--images', type=int, default=None,
                        help='default: annots / 7.27 as in COCO train2017')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--no-kwcoco', action='store_true')
    parser.add_argument('--kwcoco-runs', type=int, default=1,
                        help='kwcoco takes ~1 min per run at 100k annotations')
    parser.add_argument('--no-slow', action='store_true',
                        help='skip the run without the fast path')
    args = parser.parse_args(argv)

    from make_synth_coco import synth_fpath, write_synth
    n_images = args.images or max(1, round(args.annots * 118287 / 860001))
    fpath = synth_fpath(n_images, args.annots)
    if not fpath.exists():
        fpath.parent.mkdir(parents=True, exist_ok=True)
        write_synth(fpath, n_images=n_images, n_annots=args.annots)
    data = orjson.loads(fpath.read_bytes())

    from xcoco.manifest import schema as schema_mod
    from xcoco.ops.validate import validate
    warnings.simplefilter('ignore')

    rows = []
    # the synthetic manifest has no files: time the manifest checks alone,
    # as kwcoco's row below does
    result = validate(data, missing=False)
    rows.append(('xcoco validate(missing=False)',
                 _median_time(lambda: validate(data, missing=False), args.runs),
                 len(result['errors']), len(result['warnings'])))
    rows.append(('xcoco validate schema=False',
                 _median_time(lambda: validate(data, schema=False, missing=False), args.runs),
                 '', ''))
    if not args.no_slow:
        saved = schema_mod._FAST
        schema_mod._FAST = {}
        try:
            rows.append(('xcoco validate, no fast path',
                         _median_time(lambda: validate(data, missing=False), 1), '', ''))
        finally:
            schema_mod._FAST = saved
    if not args.no_kwcoco:
        try:
            import kwcoco
        except ImportError:
            kwcoco = None
        if kwcoco is not None:
            dset = kwcoco.CocoDataset(data, autobuild=False)
            kw_result = dset.validate(missing=False)
            rows.append(('kwcoco validate(missing=False)',
                         _median_time(lambda: dset.validate(missing=False), args.kwcoco_runs),
                         len(kw_result['errors']), len(kw_result['warnings'])))

    print(f'manifest: {fpath.name}: {len(data["images"])} images, '
          f'{len(data["annotations"])} annotations; median of {args.runs} runs '
          f'(kwcoco: {args.kwcoco_runs}, no fast path: 1)')
    print(f'{"what":<34} {"seconds":>9} {"errors":>7} {"warnings":>9}')
    for name, secs, nerr, nwarn in rows:
        print(f'{name:<34} {secs:>9.3f} {nerr!s:>7} {nwarn!s:>9}')


if __name__ == '__main__':
    main()
