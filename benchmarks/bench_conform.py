"""
Time and memory of ``conform``'s polygon-with-holes -> compressed RLE path.

A holed polygon ~190 px across (a 32-gon ring of radius 95 with a hole of
radius 40) on a large image goes through
``xcoco.ops.conform.to_pycocotools_segmentation``, the function
``conform(pycocotools=True)`` calls for every such annotation.  Printed per
image size: the median seconds over ``--runs`` and the tracemalloc peak in
MiB of one more run (numpy reports its buffers to tracemalloc, so the peak
includes every array the rasterisation allocates).

Usage:
    python benchmarks/bench_conform.py
    python benchmarks/bench_conform.py --sizes 4000 1000 --runs 9

Example:
    >>> row = measure(200, runs=1)
    >>> sorted(row)
    ['median_s', 'peak_mib', 'size']
"""
import argparse
import math
import statistics
import time
import tracemalloc


def holed_polygon(cx=2000.0, cy=2000.0, outer=95.0, inner=40.0, n=32):
    """
    The benchmark's segmentation: a ring polygon as a kwcoco dict.

    Example:
        >>> segm = holed_polygon()
        >>> len(segm['exterior']), len(segm['interiors'][0])
        (32, 32)
    """
    def ring(radius):
        return [[cx + radius * math.cos(2 * math.pi * i / n),
                 cy + radius * math.sin(2 * math.pi * i / n)] for i in range(n)]
    return {'exterior': ring(outer), 'interiors': [ring(inner)]}


def measure(size, runs=5):
    """
    Median seconds and tracemalloc peak of one holed polygon on a
    ``size`` x ``size`` image (the polygon sits inside any image >= 200 px).

    Example:
        >>> measure(300, runs=1)['size']
        300
    """
    from xcoco.ops.conform import to_pycocotools_segmentation
    centre = min(2000.0, size / 2)
    segm = holed_polygon(cx=centre, cy=centre)
    img = {'width': size, 'height': size}
    to_pycocotools_segmentation(segm, img=img)  # imports and first-call costs
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        to_pycocotools_segmentation(segm, img=img)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    try:
        to_pycocotools_segmentation(segm, img=img)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {'size': size, 'median_s': statistics.median(times),
            'peak_mib': peak / 2 ** 20}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[4000, 1000])
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args(argv)
    print(f'{"image":>11} | {"median s":>9} | {"peak MiB":>9}')
    for size in args.sizes:
        row = measure(size, runs=args.runs)
        print(f'{size:>5}x{size:<5} | {row["median_s"]:9.4f} | {row["peak_mib"]:9.2f}')


if __name__ == '__main__':
    main()
