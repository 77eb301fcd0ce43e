"""
Time demo-data generation: xcoco against kwcoco, first generation and reuse.

For every key, three figures per library (medians over ``--repeats`` runs,
each into a fresh empty cache folder):

* ``cold``: a new Python process imports the library and generates the key
  (what a first doctest run pays);
* ``warm``: generation in a process that has already imported everything;
* ``cached``: asking again for a key whose bundle already exists.

Usage:
    python benchmarks/bench_demo.py
    python benchmarks/bench_demo.py --keys vidshapes8-multispectral --repeats 5
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time

DEFAULT_KEYS = ['vidshapes8-multispectral', 'vidshapes8-msi-multisensor',
                'vidshapes8', 'shapes8', 'photos']

_COLD = '''
import time, sys
t0 = time.perf_counter()
lib = sys.argv[1]
if lib == 'xcoco':
    import xcoco
    xcoco.CocoDataset.demo(sys.argv[2], dpath=sys.argv[3])
else:
    import kwcoco
    kwcoco.CocoDataset.demo(sys.argv[2], dpath=sys.argv[3], verbose=0)
print(time.perf_counter() - t0)
'''


def _demo(lib, key, dpath):
    if lib == 'xcoco':
        import xcoco
        return xcoco.CocoDataset.demo(key, dpath=dpath)
    import kwcoco
    return kwcoco.CocoDataset.demo(key, dpath=dpath, verbose=0)


def _supports_dpath(lib, key):
    # kwcoco's 'photos' ignores dpath (it reads kwimage's download cache)
    return not (lib == 'kwcoco' and key == 'photos')


def measure(lib, key, repeats):
    cold, warm, cached = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as dpath:
            out = subprocess.run([sys.executable, '-c', _COLD, lib, key, dpath],
                                 capture_output=True, text=True, check=True)
            cold.append(float(out.stdout.strip().splitlines()[-1]))
    _demo(lib, 'shapes1', tempfile.mkdtemp())  # pay imports before timing
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as dpath:
            t0 = time.perf_counter()
            _demo(lib, key, dpath)
            warm.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _demo(lib, key, dpath)
            cached.append(time.perf_counter() - t0)
    return [statistics.median(v) for v in (cold, warm, cached)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--keys', nargs='*', default=DEFAULT_KEYS)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--libs', nargs='*', default=['xcoco', 'kwcoco'])
    args = parser.parse_args(argv)
    import importlib.util
    libs = [lib for lib in args.libs if importlib.util.find_spec(lib)]
    rows = []
    for key in args.keys:
        for lib in libs:
            if not _supports_dpath(lib, key):
                rows.append((key, lib, None, None, None))
                continue
            rows.append((key, lib, *measure(lib, key, args.repeats)))
    print(f'median seconds over {args.repeats} runs (fresh cache folder each run)')
    print(f'{"key":32s} {"library":8s} {"cold":>8s} {"warm":>8s} {"cached":>8s}')
    for key, lib, *vals in rows:
        cells = ['     n/a' if v is None else f'{v:8.3f}' for v in vals]
        print(f'{key:32s} {lib:8s} ' + ' '.join(cells))


if __name__ == '__main__':
    main()
