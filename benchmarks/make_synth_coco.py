"""
Write a deterministic, COCO-2017-train-shaped manifest for the benchmarks.

The real ``instances_train2017.json`` has 118,287 images, 860,001
annotations (about 1% ``iscrowd`` with uncompressed RLE, the rest polygons)
and 80 categories whose ids run from 1 to 90 with gaps.  This script writes
a synthetic file of the same shape so anyone can reproduce the benchmark
without downloading COCO: the same seed and counts always give the same
bytes.

Files are cached under ``benchmarks/_data/`` (not committed).  The writer
streams annotations in fixed-size chunks through ``orjson`` so that making
the full-scale file needs far less memory than the file it writes.

Usage:
    python benchmarks/make_synth_coco.py --scale small
    python benchmarks/make_synth_coco.py --scale full
    python benchmarks/make_synth_coco.py --images 5000 --annots 40000 --out /tmp/x.json

Example:
    >>> import sys, tempfile, pathlib, orjson
    >>> sys.path.insert(0, 'benchmarks')
    >>> from make_synth_coco import write_synth
    >>> out = pathlib.Path(tempfile.mkdtemp()) / 'tiny.json'
    >>> _ = write_synth(out, n_images=20, n_annots=150, seed=3)
    >>> data = orjson.loads(out.read_bytes())
    >>> len(data['images']), len(data['annotations']), len(data['categories'])
    (20, 150, 80)
"""
import argparse
import os
import pathlib

import numpy as np
import orjson

# Counts of the real instances_train2017.json.
SCALES = {
    'full': (118287, 860001),
    'medium': (11829, 86000),
    'small': (1183, 8600),
}

# COCO's 80 category ids: 1..90 minus the ten ids the 2014 release dropped.
_DROPPED_IDS = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}
_SUPERCATS = ['person', 'vehicle', 'outdoor', 'animal', 'accessory',
              'sports', 'kitchen', 'food', 'furniture', 'electronic',
              'appliance', 'indoor']
# Common COCO image sizes (width, height); most images are 640 on the long side.
_SIZES = np.array([(640, 480), (480, 640), (640, 427), (427, 640),
                   (640, 426), (640, 360), (500, 375), (640, 512)])
_CROWD_FRAC = 0.0105
_MULTIPART_FRAC = 0.12
_CHUNK = 20000

DATA_DPATH = pathlib.Path(__file__).resolve().parent / '_data'


def synth_fpath(n_images, n_annots, seed=0, dpath=DATA_DPATH):
    """
    The cache path for one parameter set.

    Example:
        >>> import sys
        >>> sys.path.insert(0, 'benchmarks')
        >>> from make_synth_coco import synth_fpath
        >>> synth_fpath(10, 20, seed=1, dpath='/tmp').name
        'synth_coco_10img_20ann_s1.json'
    """
    return pathlib.Path(dpath) / f'synth_coco_{n_images}img_{n_annots}ann_s{seed}.json'


def ensure_synth(scale='medium', seed=0, dpath=DATA_DPATH):
    """
    Return the path of the cached file for ``scale``, writing it if missing.

    Example:
        >>> import sys, tempfile
        >>> sys.path.insert(0, 'benchmarks')
        >>> from make_synth_coco import ensure_synth
        >>> dpath = tempfile.mkdtemp()
        >>> fpath = ensure_synth('small', dpath=dpath)
        >>> fpath == ensure_synth('small', dpath=dpath)
        True
    """
    n_images, n_annots = SCALES[scale]
    fpath = synth_fpath(n_images, n_annots, seed=seed, dpath=dpath)
    if not fpath.exists():
        write_synth(fpath, n_images, n_annots, seed=seed)
    return fpath


def _categories():
    ids = [i for i in range(1, 91) if i not in _DROPPED_IDS]
    return [{'supercategory': _SUPERCATS[(i - 1) * len(_SUPERCATS) // 90],
             'id': cid, 'name': f'class_{cid:02d}'}
            for i, cid in enumerate(ids, start=1)]


def _images(rng, n_images):
    sizes = _SIZES[rng.integers(0, len(_SIZES), n_images)]
    # Sparse, shuffled ids like COCO's file-number ids.
    ids = np.sort(rng.choice(n_images * 5, n_images, replace=False)) + 9
    licenses = rng.integers(1, 9, n_images)
    secs = rng.integers(0, 86400 * 365, n_images)
    images = []
    for gid, (w, h), lic, sec in zip(ids.tolist(), sizes.tolist(),
                                     licenses.tolist(), secs.tolist()):
        fname = f'{gid:012d}.jpg'
        day, rem = divmod(sec, 86400)
        images.append({
            'license': lic,
            'file_name': fname,
            'coco_url': f'http://images.example.org/train/{fname}',
            'height': h,
            'width': w,
            'date_captured': (f'2013-{1 + day // 31 % 12:02d}-{1 + day % 28:02d} '
                              f'{rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}'),
            'flickr_url': f'http://farm{1 + gid % 9}.example.com/{gid}_z.jpg',
            'id': gid,
        })
    return images


def _polygon_chunk(rng, img_w, img_h):
    """Star-shaped polygons of 20-30 vertices inside each image."""
    n = len(img_w)
    if n == 0:
        return [], np.zeros((0, 4)), np.zeros(0)
    nverts = rng.integers(20, 31, n)
    radius = rng.uniform(0.03, 0.35, n) * np.minimum(img_w, img_h)
    cx = rng.uniform(0, 1, n) * img_w
    cy = rng.uniform(0, 1, n) * img_h
    owner = np.repeat(np.arange(n), nverts)
    starts = np.concatenate([[0], np.cumsum(nverts)[:-1]])
    k = np.arange(len(owner)) - starts[owner]
    theta = 2 * np.pi * (k + rng.uniform(-0.3, 0.3, len(owner))) / nverts[owner]
    rad = radius[owner] * rng.uniform(0.55, 1.0, len(owner))
    xs = np.clip(cx[owner] + rad * np.cos(theta), 0, img_w[owner]).round(2)
    ys = np.clip(cy[owner] + rad * np.sin(theta), 0, img_h[owner]).round(2)
    # Shoelace area per polygon, using the next vertex within the same polygon.
    nxt = np.arange(len(owner)) + 1
    ends = starts + nverts
    nxt[ends - 1] = starts
    cross = xs * ys[nxt] - xs[nxt] * ys
    area = np.abs(np.bincount(owner, cross, minlength=n)) / 2
    x0 = np.minimum.reduceat(xs, starts)
    y0 = np.minimum.reduceat(ys, starts)
    x1 = np.maximum.reduceat(xs, starts)
    y1 = np.maximum.reduceat(ys, starts)
    bbox = np.stack([x0, y0, (x1 - x0).round(2), (y1 - y0).round(2)], axis=1)
    flat = np.stack([xs, ys], axis=1).ravel()
    polys = np.split(flat, 2 * np.cumsum(nverts)[:-1])
    return polys, bbox, area.round(5)


def _crowd_rle(rng, w, h):
    """An uncompressed column-major RLE of a random rectangle (COCO's crowd form)."""
    bw = int(rng.integers(max(1, w // 8), max(2, w // 2)))
    bh = int(rng.integers(max(1, h // 8), max(2, h // 2)))
    x0 = int(rng.integers(0, w - bw + 1))
    y0 = int(rng.integers(0, h - bh + 1))
    z0 = x0 * h + y0
    counts = [z0] + [bh, h - bh] * (bw - 1) + [bh]
    counts.append(w * h - sum(counts))
    return {'counts': counts, 'size': [h, w]}, [x0, y0, bw, bh], bw * bh


def write_synth(fpath, n_images, n_annots, seed=0):
    """
    Write the manifest to ``fpath`` (atomically) and return the path.

    Example:
        >>> import sys, tempfile, pathlib, orjson
        >>> sys.path.insert(0, 'benchmarks')
        >>> from make_synth_coco import write_synth
        >>> dpath = pathlib.Path(tempfile.mkdtemp())
        >>> a = write_synth(dpath / 'a.json', 5, 40, seed=7).read_bytes()
        >>> b = write_synth(dpath / 'b.json', 5, 40, seed=7).read_bytes()
        >>> a == b
        True
    """
    fpath = pathlib.Path(fpath)
    fpath.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = _images(rng, n_images)
    cats = _categories()
    info = {'description': 'xcoco synthetic COCO-2017-train-shaped benchmark data',
            'url': 'https://example.org', 'version': '1.0', 'year': 2017,
            'contributor': 'make_synth_coco.py', 'date_created': '2017/09/01',
            'seed': seed}
    licenses = [{'url': f'http://example.org/license/{i}', 'id': i,
                 'name': f'License {i}'} for i in range(1, 9)]
    tmp = fpath.with_name(fpath.name + f'.tmp{os.getpid()}')
    try:
        _write_body(tmp, rng, n_annots, info, licenses, images, cats)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, fpath)
    return fpath


def _write_body(tmp, rng, n_annots, info, licenses, images, cats):
    cat_ids = np.array([c['id'] for c in cats])
    # Skewed category frequencies, like COCO where 'person' dominates.
    cat_p = 1.0 / np.arange(1, len(cat_ids) + 1) ** 0.9
    cat_p /= cat_p.sum()
    gids = np.array([img['id'] for img in images])
    widths = np.array([img['width'] for img in images])
    heights = np.array([img['height'] for img in images])
    # About 1% of COCO train images have no annotations.
    n_images = len(images)
    n_labeled = max(1, round(n_images * 0.99))
    labeled = rng.permutation(n_images)[:n_labeled]
    opt = orjson.OPT_SERIALIZE_NUMPY
    with open(tmp, 'wb') as file:
        file.write(b'{"info":' + orjson.dumps(info) + b',"licenses":'
                   + orjson.dumps(licenses) + b',"images":'
                   + orjson.dumps(images) + b',"annotations":[')
        next_id = 1
        for start in range(0, n_annots, _CHUNK):
            n = min(_CHUNK, n_annots - start)
            img_idx = labeled[rng.integers(0, n_labeled, n)]
            cids = rng.choice(cat_ids, n, p=cat_p)
            crowd = rng.random(n) < _CROWD_FRAC
            polys, bbox, area = _polygon_chunk(rng, widths[img_idx], heights[img_idx])
            # About 12% of COCO polygon annotations have more than one part.
            multi = np.flatnonzero(rng.random(n) < _MULTIPART_FRAC)
            extra, ebox, earea = _polygon_chunk(rng, widths[img_idx[multi]],
                                                heights[img_idx[multi]])
            x1y1 = np.maximum(bbox[multi, :2] + bbox[multi, 2:], ebox[:, :2] + ebox[:, 2:])
            bbox[multi, :2] = np.minimum(bbox[multi, :2], ebox[:, :2])
            bbox[multi, 2:] = (x1y1 - bbox[multi, :2]).round(2)
            area[multi] += earea
            segs = [[p] for p in polys]
            for i, part in zip(multi.tolist(), extra):
                segs[i].append(part)
            bbox_l = bbox.tolist()
            area_l = area.round(5).tolist()
            anns = []
            for i in range(n):
                ii = int(img_idx[i])
                if crowd[i]:
                    seg, box, ann_area = _crowd_rle(rng, int(widths[ii]), int(heights[ii]))
                else:
                    seg, box, ann_area = segs[i], bbox_l[i], area_l[i]
                anns.append({'segmentation': seg, 'area': ann_area,
                             'iscrowd': int(crowd[i]), 'image_id': int(gids[ii]),
                             'bbox': box, 'category_id': int(cids[i]),
                             'id': next_id})
                next_id += 1
            body = orjson.dumps(anns, option=opt)[1:-1]
            if start and body:
                file.write(b',')
            file.write(body)
        file.write(b'],"categories":' + orjson.dumps(cats) + b'}')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scale', choices=sorted(SCALES), default='medium')
    parser.add_argument('--images', type=int, help='overrides --scale')
    parser.add_argument('--annots', type=int, help='overrides --scale')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help=f'default: a cached file under {DATA_DPATH}')
    parser.add_argument('--force', action='store_true', help='rewrite a cached file')
    args = parser.parse_args(argv)
    n_images, n_annots = SCALES[args.scale]
    n_images = args.images or n_images
    n_annots = args.annots or n_annots
    fpath = pathlib.Path(args.out) if args.out else synth_fpath(n_images, n_annots, args.seed)
    if args.force or not fpath.exists():
        write_synth(fpath, n_images, n_annots, seed=args.seed)
    print(f'{fpath}  ({fpath.stat().st_size / 2 ** 20:.1f} MiB, '
          f'{n_images} images, {n_annots} annotations)')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
