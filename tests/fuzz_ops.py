"""
The operations the fuzz tests run on every manifest that loaded, and the
demo manifests they start from.

Shared by ``test_fuzz_manifest.py`` (what a loaded mutant must survive) and
``test_fuzz_operations.py``; an exploration run at a larger scale is
``python tests/fuzz_ops.py [n] [demo-key ...]``.
"""
import json
import os
import tempfile
import warnings
from functools import partial

from hypothesis import strategies as st

import xcoco
from xcoco.errors import XcocoError

#: the demo manifests mutated by the fuzz tests: images with assets and
#: channels, videos with tracks, keypoints and polygons, plain photos
DEMO_KEYS = ('vidshapes2-multispectral', 'shapes8', 'photos', 'vidshapes1-frames3')

_DEMO_CACHE = {}

#: JSON-like trees: None, bools, ints (beyond 64 bits too), floats (NaN, inf),
#: text, and lists / dicts of them
_leaves = (st.none() | st.booleans()
           | st.integers() | st.integers(min_value=2 ** 63 - 2, max_value=2 ** 80)
           | st.integers(max_value=-2 ** 63 + 2, min_value=-2 ** 80)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
JSON_TREES = st.recursive(
    _leaves,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)
_record_keys = st.sampled_from(['id', 'name', 'file_name', 'image_id', 'category_id',
                                'video_id', 'track_id', 'bbox', 'segmentation',
                                'keypoints', 'frame_index', 'auxiliary', 'assets',
                                'channels', 'width', 'height', 'supercategory'])
JSON_RECORDS = st.dictionaries(_record_keys | st.text(max_size=6), JSON_TREES, max_size=6)


def demo_manifest(key):
    """A plain-JSON copy of a demo's manifest (cached per key; copy before editing)."""
    if key not in _DEMO_CACHE:
        dset = xcoco.CocoDataset.demo(key)
        _DEMO_CACHE[key] = (json.loads(dset.dumps()), os.fspath(dset.bundle_dpath))
    return _DEMO_CACHE[key]


def _tolerant(*calls):
    # each read may fail on its own (with an XcocoError): the next still runs
    for call in calls:
        func, *args = call if isinstance(call, tuple) else (call,)
        try:
            func(*args)
        except XcocoError:
            pass


def _read_table_fields(objs):
    # every field any object holds, read the vectorised way and one by one
    keys = sorted({key for obj in objs.objs for key in obj if isinstance(key, str)})
    for key in keys:
        _tolerant((objs.lookup, key, None), (objs.get, key, None),
                  (partial(objs.lookup, keepid=True), key, None))
    _tolerant(objs.attribute_frequency)


def _read_attrs(obj, attrs):
    _tolerant(*[(getattr, obj, attr) for attr in attrs])


def _read_images(dset):
    images = dset.images()
    _read_table_fields(images)
    _read_attrs(images, ('gids', 'gname', 'image_name', 'gpath', 'width', 'height',
                         'size', 'area', 'n_annots', 'aids', 'coco_images', 'image_path'))
    _tolerant(lambda: [annots.aids for annots in images.annots])
    for gid in list(dset.imgs):
        coco_img = dset.coco_image(gid)
        _read_attrs(coco_img, ('channels', 'num_channels', 'dsize', 'n_assets', 'name',
                               'video', 'assets', 'warp_vid_from_img', 'warp_img_from_vid'))
        _tolerant(coco_img.stats, (list, coco_img.iter_image_filepaths()),
                  coco_img.valid_region, coco_img.annots, coco_img.primary_asset,
                  # builds the lazy graph only: no pixel is read
                  coco_img.imdelay,
                  partial(coco_img.imdelay, space='video'))


def _read_annots(dset):
    annots = dset.annots()
    _read_table_fields(annots)
    _read_attrs(annots, ('aids', 'image_id', 'category_id', 'cnames', 'category_names', 'cids',
                         'gids', 'xywh', 'boxes', 'detections', 'images'))
    index = dset.index
    for ann in dset.anns.values():
        index.gid_to_aids.get(ann.get('image_id'))
        index.cid_to_aids.get(ann.get('category_id'))
        index.trackid_to_aids.get(ann.get('track_id'))
    for cat in dset.cats.values():
        index.name_to_cat.get(cat.get('name'))
    _read_table_fields(dset.categories())
    _read_table_fields(dset.videos())
    _read_table_fields(dset.tracks())
    _tolerant(dset.object_categories, dset.keypoint_categories, dset.basic_stats,
              dset.extended_stats, dset.category_annotation_frequency)


def operations(dset, tmp_dpath, decode_files=False):
    """
    Yield ``(name, call)`` pairs: every read and operation the fuzz tests
    hold to "ok or an XcocoError".  Calls that edit work on copies.
    ``decode_files`` adds validate's slow check that decodes every file.
    """
    yield 'validate', lambda: dset.validate(verbose=0)
    yield 'validate-strict', lambda: dset.validate(
        verbose=0, require_relative=2, img_attrs='error', annot_attrs='error')
    if decode_files:
        yield 'validate-decode', lambda: dset.validate(verbose=0, corrupted=True)
    yield 'images', lambda: _read_images(dset)
    yield 'annots', lambda: _read_annots(dset)
    yield 'copy', lambda: dset.copy()
    some_gids = list(dset.imgs)[::2]
    yield 'subset', lambda: dset.subset(some_gids)
    yield 'subset-copy', lambda: dset.subset(some_gids, copy=True)
    yield 'union-self', lambda: xcoco.CocoDataset.union(dset, dset)
    yield 'union-copy', lambda: xcoco.CocoDataset.union(dset, dset.copy())
    yield 'union-plain', lambda: xcoco.CocoDataset.union(dset, dset.copy(),
                                                          disjoint_tracks=False)

    def reroot():
        other = dset.copy()
        other.reroot(new_root=tmp_dpath, check=False)
        other.reroot(absolute=True, check=False)

    yield 'reroot', reroot
    yield 'dumps', lambda: xcoco.CocoDataset(json.loads(dset.dumps()))

    def dump_reload():
        fpath = os.path.join(tmp_dpath, 'out.kwcoco.json')
        dset.dump(fpath)
        xcoco.CocoDataset(fpath)

    yield 'dump', dump_reload


def run_operations(label, dset, payload, description, tmp_dpath, check_outcome,
                   decode_files=False):
    """Run every operation under :func:`check_outcome`; return the outcomes by name."""
    outcomes = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for name, call in operations(dset, tmp_dpath, decode_files):
            outcomes[name] = check_outcome(label, call, payload,
                                           f'{description} [then {name}]')
    return outcomes


def _explore(n, keys):
    import collections
    import traceback

    from fuzzing import FuzzFailure, check_outcome, mutants
    where = collections.Counter()
    tally = collections.Counter()
    tmp_dpath = tempfile.mkdtemp()
    for key in keys:
        base, bundle = demo_manifest(key)
        for seed_desc, mutant in mutants(base, n, seed=int(os.environ.get('FUZZ_SEED', 1))):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    out = check_outcome('manifest', partial(
                        xcoco.CocoDataset, mutant, bundle_dpath=bundle), mutant, seed_desc)
            except FuzzFailure as ex:
                tally['load-fail'] += 1
                where[('load', str(ex).splitlines()[-1][:150])] += 1
                continue
            tally[f'load-{out}'] += 1
            if out != 'ok':
                continue
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                dset = xcoco.CocoDataset(mutant, bundle_dpath=bundle)
            for name, call in operations(dset, tmp_dpath, decode_files=True):
                try:
                    tally[check_outcome('operations', call, mutant, seed_desc)] += 1
                except FuzzFailure as ex:
                    tally['op-fail'] += 1
                    lines = str(ex).splitlines()
                    frames = [ln for ln in lines if 'File' in ln]
                    where[(name, lines[-1][:120], frames[-1][-90:])] += 1
                    if 'Hang' in lines[-1]:
                        print('HANG', name, lines[0][-200:])
                except Exception:
                    traceback.print_exc()
    print(tally)
    for k, v in where.most_common(60):
        print(v, k)


if __name__ == '__main__':
    import sys
    sys.path.insert(0, os.path.dirname(__file__))
    _explore(int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2:] or DEMO_KEYS)
