"""
Time CocoImage.imdelay on a large tiled multi-band GeoTIFF with overviews:
a full load, 256x256 and 64x64 crops, and a 1/8-resolution load, for xcoco
and (if installed) kwcoco side by side.  Besides wall time it reports the
bytes the process read from files (``rchar`` in /proc/self/io), which shows
whether a crop touched only its tiles and a coarse load only its overview.

Every crop builds a new graph, ``coco_img.imdelay()[y0:y1, x0:x1].finalize()``,
as a data loader sampling windows of one scene does: 'crop256' repeats one
window (its tiles stay in GDAL's block cache while the file stays open),
'crop256r' and 'crop64r' draw random windows (a fixed seed, the same windows
for every library), where the cost of opening the file weighs most.

Usage:
    python benchmarks/bench_imdelay.py            # 4096 x 4096 x 4 uint16
    python benchmarks/bench_imdelay.py --size 2048 --bands 3 --repeat 3
    python benchmarks/bench_imdelay.py --libs xcoco --crops 400

Prints a table of medians (seconds, calls per second, MiB read) and the
full/crop ratio.
"""
import argparse
import statistics
import time
import warnings

import numpy as np
import ubelt as ub


def make_raster(dpath, size, bands, blocksize=256):
    """A deterministic tiled, DEFLATE-compressed GeoTIFF with 2x..16x overviews."""
    from xcoco.imdata.geotiff import write_geotiff
    fpath = dpath / f'bench_{size}x{size}x{bands}.tif'
    if not fpath.exists():
        yy, xx = np.mgrid[0:size, 0:size]
        data = np.empty((size, size, bands), dtype=np.uint16)
        for b in range(bands):
            # Smooth ramps plus texture: compresses like real imagery would.
            data[..., b] = ((xx * (b + 1) + yy * 3 + (xx ^ yy) % 97) % 4096)
        # No predictor: differencing turns these ramps into near-constant
        # rows (92 MiB -> 6 MiB), which real imagery never compresses to.
        write_geotiff(fpath, data, blocksize=blocksize, overviews=4,
                      predictor=None)
    return fpath


def manifest(fpath, size, bands):
    chans = '|'.join(f'B{i}' for i in range(1, bands + 1))
    return {
        'images': [{
            'id': 1, 'name': 'scene', 'width': size, 'height': size,
            'resolution': '10 meter',
            'auxiliary': [{'file_name': fpath.name, 'channels': chans,
                           'width': size, 'height': size}],
        }],
        'categories': [], 'annotations': [],
    }


def _rchar():
    with open('/proc/self/io') as file:
        for line in file:
            if line.startswith('rchar:'):
                return int(line.split()[1])
    return 0


def measure(func, repeat, budget=None):
    """
    Median seconds and bytes read over ``repeat`` calls, or fewer when
    ``budget`` seconds run out first (kwcoco reads the whole file per crop).
    """
    times, nbytes = [], []
    result = None
    deadline = None if budget is None else time.perf_counter() + budget
    for _ in range(repeat):
        if deadline is not None and len(times) >= 3 and time.perf_counter() > deadline:
            break
        before_b = _rchar()
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
        nbytes.append(_rchar() - before_b)
    return statistics.median(times), statistics.median(nbytes), len(times), result


def random_crops(coco_img, size, crop, seed=0):
    """A crop function drawing a new random window on every call."""
    rng = np.random.default_rng(seed)

    def func():
        y0, x0 = (int(v) for v in rng.integers(0, size - crop, 2))
        return coco_img.imdelay()[y0:y0 + crop, x0:x0 + crop].finalize()
    return func


CROP_OPS = {'crop256', 'crop256r', 'crop64r'}


def operations(coco_img, size):
    y0, x0 = size // 3 + 7, size // 2 + 13  # not tile-aligned: up to 4 tiles
    return {
        'full': lambda: coco_img.imdelay().finalize(),
        'crop256': lambda: coco_img.imdelay()[y0:y0 + 256, x0:x0 + 256].finalize(),
        'crop256r': random_crops(coco_img, size, 256),
        'crop64r': random_crops(coco_img, size, 64),
        'res1/8': lambda: coco_img.imdelay(resolution='80 meter').finalize(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--size', type=int, default=4096)
    parser.add_argument('--bands', type=int, default=4)
    parser.add_argument('--repeat', type=int, default=5,
                        help='runs of full and coarse loads (coarse: 3x more)')
    parser.add_argument('--crops', type=int, default=200,
                        help='runs of each crop operation')
    parser.add_argument('--budget', type=float, default=20.0,
                        help='seconds after which an operation stops early')
    parser.add_argument('--libs', default='xcoco,kwcoco')
    parser.add_argument('--dpath', default=None)
    args = parser.parse_args(argv)

    dpath = ub.Path(args.dpath or ub.Path.appdir('xcoco/bench/imdelay')).ensuredir()
    fpath = make_raster(dpath, args.size, args.bands)
    data = manifest(fpath, args.size, args.bands)

    import xcoco
    from xcoco.imdata.backends import loader_name
    wanted = args.libs.split(',')
    libs = {'xcoco': xcoco} if 'xcoco' in wanted else {}
    if 'kwcoco' in wanted:
        try:
            import kwcoco
            libs['kwcoco'] = kwcoco
        except ImportError:
            print('kwcoco not installed: xcoco only')

    print(f'file: {fpath} ({fpath.stat().st_size / 2**20:.1f} MiB on disk, '
          f'{args.size}x{args.size}x{args.bands} uint16, 256px tiles, 4 overviews)')
    print(f'xcoco loader: {loader_name(fpath)}')
    rows = []
    outputs = {}
    for name, lib in libs.items():
        dset = lib.CocoDataset(data, bundle_dpath=str(dpath))
        coco_img = dset.coco_image(1)
        for op, func in operations(coco_img, args.size).items():
            if op == 'full':
                repeat = args.repeat
            elif op in CROP_OPS:
                repeat = args.crops
            else:
                repeat = args.repeat * 3
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                func()  # warm the page cache and imports
                sec, nbytes, runs, out = measure(func, repeat, args.budget)
            outputs[(name, op)] = out
            rows.append((name, op, sec, nbytes / 2**20, runs, out.shape))

    print()
    print(f"{'library':<8} {'operation':<9} {'median s':>10} {'per s':>8} "
          f"{'MiB read':>10} {'runs':>5}  shape")
    for name, op, sec, mib, runs, shape in rows:
        print(f'{name:<8} {op:<9} {sec:>10.4f} {1 / sec:>8.1f} {mib:>10.2f} '
              f'{runs:>5}  {shape}')
    print()
    by = {(r[0], r[1]): r[2] for r in rows}
    for name in libs:
        ratio = by[(name, 'full')] / by[(name, 'crop256')]
        print(f'{name}: full / crop256 = {ratio:.0f}x, '
              f"full / res1/8 = {by[(name, 'full')] / by[(name, 'res1/8')]:.1f}x")
    if 'kwcoco' in libs:
        for op in ['full', 'crop256']:
            same = np.array_equal(outputs[('xcoco', op)], outputs[('kwcoco', op)])
            print(f'{op}: xcoco and kwcoco pixels identical = {same}')


if __name__ == '__main__':
    main()
