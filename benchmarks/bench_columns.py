"""
The in-memory backend's column reads and union against kwcoco's.

Times, on one synthetic manifest (``--scale medium`` by default, made by
``make_synth_coco.py`` if absent, or ``--fpath``):

* ``dset.annots().boxes`` on a freshly loaded dataset: the first call, the
  second, and the fastest of the later ones (xcoco keeps a column cache from
  the second read of an unedited dataset on: see ``xcoco.index.columns``);
* ``CocoDataset.union(a, b)`` of two halves of the images (the halves are
  made with ``subset`` before the clock starts).

Each library runs in its own fresh process, ``--runs`` times; the medians
and the xcoco / kwcoco ratios are printed.

Run by hand (not part of the tests)::

    python benchmarks/bench_columns.py
    python benchmarks/bench_columns.py --fpath benchmarks/_data/synth_coco_20000img_145000ann_s0.json --runs 5
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _child(lib, fpath, repeat):
    if lib == 'kwcoco':
        import kwcoco as module
    else:
        import xcoco as module
    import kwimage
    import numpy as np
    # the first Boxes ever made pays ~0.5 s of kwimage's lazy imports, the
    # same for both libraries: paid here, before any clock starts
    kwimage.Boxes(np.zeros((1, 4)), 'xywh').to_ltrb()
    dset = module.CocoDataset(fpath)
    out = {}
    start = time.perf_counter()
    boxes = dset.annots().boxes
    out['boxes_first'] = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        boxes2 = dset.annots().boxes
        times.append(time.perf_counter() - start)
    out['boxes_second'] = times[0]
    out['boxes_repeat'] = min(times[1:])
    assert boxes.data.shape == boxes2.data.shape
    out['n_boxes'] = int(boxes.data.shape[0])
    gids = sorted(dset.imgs)
    half = len(gids) // 2
    part1 = dset.subset(gids[:half])
    part2 = dset.subset(gids[half:])
    start = time.perf_counter()
    merged = module.CocoDataset.union(part1, part2)
    out['union'] = time.perf_counter() - start
    out['n_union_anns'] = len(merged.anns)
    return out


def _run_child(lib, fpath, repeat):
    proc = subprocess.run(
        [sys.executable, __file__, '--child', lib, '--fpath', fpath,
         '--repeat', str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scale', default='medium')
    parser.add_argument('--fpath', help='a manifest to use instead of --scale')
    parser.add_argument('--runs', type=int, default=3, help='fresh processes per library')
    parser.add_argument('--repeat', type=int, default=5,
                        help='calls of boxes after the first (at least 2)')
    parser.add_argument('--child', choices=['xcoco', 'kwcoco'], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fpath:
        fpath = args.fpath
    else:
        from make_synth_coco import ensure_synth
        fpath = str(ensure_synth(args.scale))
    if args.child:
        print(json.dumps(_child(args.child, fpath, args.repeat)))
        return
    results = {'xcoco': [], 'kwcoco': []}
    for _ in range(args.runs):
        for lib in results:
            results[lib].append(_run_child(lib, fpath, args.repeat))
    print(f'manifest {os.path.basename(fpath)}, {args.runs} fresh processes per library, '
          f'{results["xcoco"][0]["n_boxes"]} boxes')
    print(f'{"measure":<16}{"xcoco s":>10}{"kwcoco s":>10}{"ratio":>8}')
    for key in ('boxes_first', 'boxes_second', 'boxes_repeat', 'union'):
        ours = statistics.median(r[key] for r in results['xcoco'])
        theirs = statistics.median(r[key] for r in results['kwcoco'])
        print(f'{key:<16}{ours:>10.4f}{theirs:>10.4f}{ours / theirs:>7.2f}x')
    assert results['xcoco'][0]['n_union_anns'] == results['kwcoco'][0]['n_union_anns']


if __name__ == '__main__':
    main()
