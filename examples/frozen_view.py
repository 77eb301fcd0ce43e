"""
Open a big manifest with the frozen view: a read-only snapshot of memory-
mapped arrays that reopens in milliseconds and that forked data-loader
workers share instead of copying.

The script writes a COCO-like manifest of ``--images`` images (default
20,000, about 150,000 annotations), then compares a JSON load with the
first freeze (a load plus writing the snapshot) and a reopen (no JSON is
read while the manifest is unchanged), and has two forked workers walk
every image's annotations.  ``CocoDataset.coerce(path, backend='frozen')``
does the same with the snapshot in the user cache; here it goes to the
temporary folder.

Run: ``python examples/frozen_view.py [--images N]``
"""
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

import xcoco
from xcoco.frozen.views import open_frozen


def write_manifest(fpath, n_images, seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(7.5, n_images)
    images = [{'id': gid, 'file_name': f'img_{gid:06d}.jpg', 'width': 640, 'height': 480}
              for gid in range(1, n_images + 1)]
    xy = rng.uniform(0, 400, (counts.sum(), 2)).round(1)
    wh = rng.uniform(8, 200, (counts.sum(), 2)).round(1)
    owners = np.repeat(np.arange(1, n_images + 1), counts)
    cids = rng.integers(1, 11, counts.sum())
    annots = [{'id': aid, 'image_id': int(gid), 'category_id': int(cid),
               'bbox': [*map(float, p), *map(float, s)]}
              for aid, (gid, cid, p, s) in enumerate(zip(owners, cids, xy, wh), start=1)]
    cats = [{'id': cid, 'name': f'class{cid}'} for cid in range(1, 11)]
    fpath.write_bytes(orjson.dumps({'images': images, 'annotations': annots, 'categories': cats}))


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


_FROZEN = None


def _walk(worker):
    gids = _FROZEN.index.imgs.arrays['images.sorted_ids'][worker::2]
    return sum(len(_FROZEN.annots(image_id=int(gid))) for gid in gids)


def main(n_images):
    global _FROZEN
    with tempfile.TemporaryDirectory() as tmp:
        fpath, snap = Path(tmp) / 'big.kwcoco.json', Path(tmp) / 'big.frozen'
        write_manifest(fpath, n_images)
        dset, t_json = timed(xcoco.CocoDataset, fpath)
        _, t_build = timed(open_frozen, fpath, snap)
        frozen, t_reopen = timed(open_frozen, fpath, snap)
        print(f'{dset.n_images} images, {dset.n_annots} annotations, '
              f'{fpath.stat().st_size / 2 ** 20:.0f} MiB of JSON')
        print(f'JSON load {t_json:.2f} s | first freeze {t_build:.2f} s | reopen {t_reopen * 1000:.1f} ms')

        in_memory = dset.annots().boxes         # (also pays kwimage's first-use imports)
        boxes, t_boxes = timed(lambda: frozen.annots().boxes)
        print(f'all {len(boxes)} boxes from the memory-mapped columns in {t_boxes * 1000:.0f} ms')
        assert np.allclose(boxes.data, in_memory.data)

        _FROZEN = frozen
        with multiprocessing.get_context('fork').Pool(2) as pool:
            walked = sum(pool.map(_walk, [0, 1]))
        print(f'two forked workers walked {walked} annotations through the shared snapshot')
        assert walked == dset.n_annots

        editable = frozen.thaw()       # an ordinary CocoDataset again
        editable.add_category('new')
        print('thawed:', editable)


if __name__ == '__main__':
    main(int(sys.argv[sys.argv.index('--images') + 1]) if '--images' in sys.argv else 20_000)
