"""
The frozen backend: snapshots equal to memory, read-only, keyed so a stale
or damaged snapshot is never read, and shared by forked workers.  (The
shared read suite in test_read_surface.py runs on it too.)
"""
import gc
import os
import pickle

import numpy as np
import pytest

import xcoco
from xcoco.errors import FrozenError, FrozenSnapshotError, MissingFieldError
from xcoco.frozen.dataset import FrozenCocoDataset
from xcoco.frozen.views import coerce_frozen, freeze, open_frozen
from xcoco.testing import assert_dsets_equal


def _varied_dset():
    dset = xcoco.CocoDataset.demo('vidshapes2-frames4-gsize64')
    dset.dataset['info'] = [{'note': 'kept'}]
    gid = dset.images().gids[0]
    # no category, no track, no bbox: the None groups and the slow paths
    dset.add_annotation(gid, bbox=[1, 2, 3, 4])
    dset.add_annotation(gid, 1, segmentation=[[0, 0, 2, 0, 2, 2]])
    dset.add_image('loose.png', name='loose', width=8, height=8)
    # a backslash and a quote in a string: the row scan's careful path
    dset.add_image('we"ird\\name.png', width=8, height=8)
    return dset


@pytest.fixture
def manifest(tmp_path):
    fpath = tmp_path / 'data.kwcoco.json'
    _varied_dset().dump(fpath)
    return fpath


def test_snapshot_equals_memory(tmp_path):
    dset = _varied_dset()
    frozen = freeze(dset, tmp_path / 'snap')
    assert frozen.dataset == dset.dataset
    for attr in ('imgs', 'anns', 'cats', 'videos', 'tracks', 'kpcats', 'name_to_cat',
                 'name_to_img', 'name_to_video', 'name_to_track', 'file_name_to_img'):
        got, want = getattr(frozen.index, attr), getattr(dset.index, attr)
        assert list(got) == list(want), attr
        assert dict(got.items()) == dict(want.items()), attr
    for attr in ('gid_to_aids', 'cid_to_aids', 'vidid_to_gids', 'trackid_to_aids'):
        got, want = getattr(frozen.index, attr), getattr(dset.index, attr)
        assert sorted(got, key=repr) == sorted(want, key=repr), attr
        for key in want:
            if isinstance(want[key], set):
                assert got[key] == want[key], (attr, key)
            else:
                assert got[key] == tuple(want[key]), (attr, key)
    assert None in frozen.cid_to_aids and None in frozen.index.trackid_to_aids
    assert frozen.annots().lookup('category_id', None) == dset.annots().lookup('category_id', None)
    assert frozen.annots().cnames == dset.annots().cnames
    with pytest.raises(MissingFieldError):
        _ = frozen.annots().boxes
    with pytest.raises(MissingFieldError):
        frozen.annots().lookup('track_id')
    gid = dset.images().gids[1]
    assert np.array_equal(frozen.annots(image_id=gid).boxes.data,
                          dset.annots(image_id=gid).boxes.data)
    assert frozen.basic_stats() == dset.basic_stats()
    assert frozen.subset([gid]).dataset == dset.subset([gid]).dataset


def test_thaw_equals_a_json_load_and_edits_are_refused(manifest, tmp_path):
    frozen = open_frozen(manifest, tmp_path / 'snap')
    loaded = xcoco.CocoDataset(manifest)
    thawed = frozen.thaw()
    assert_dsets_equal(thawed, loaded)
    assert thawed.dataset == loaded.dataset and thawed.fpath == loaded.fpath
    assert thawed.add_image('new.png') not in frozen.imgs
    before = frozen.n_images
    for edit in (lambda: frozen.add_image('x.png'), lambda: frozen.remove_annotations([1]),
                 lambda: frozen.add_category('new'),
                 lambda: frozen.images().set('split', 'train')):
        with pytest.raises(FrozenError, match='thaw'):
            edit()
    assert frozen.n_images == before and 'split' not in frozen.imgs[1]
    frozen.dump(tmp_path / 'out.json')
    assert xcoco.CocoDataset(tmp_path / 'out.json').dataset == loaded.dataset
    # pickled (a spawned worker) it reopens the folder
    again = pickle.loads(pickle.dumps(frozen))
    assert again.dpath == frozen.dpath and again.anns[1] == frozen.anns[1]


def test_reopen_reads_no_json(manifest, tmp_path, monkeypatch):
    snap = tmp_path / 'snap'
    first = open_frozen(manifest, snap)
    from xcoco.manifest import io as manifest_io

    def no_parse(*args, **kwargs):
        raise AssertionError('the JSON was read')
    monkeypatch.setattr(manifest_io, 'read_manifest', no_parse)
    monkeypatch.setattr(manifest_io, 'parse_manifest', no_parse)
    again = open_frozen(manifest, snap)
    assert again.hashid == first.hashid and again.n_annots == first.n_annots


def test_changed_manifest_is_never_answered_stale(manifest, tmp_path):
    snap = tmp_path / 'snap'
    assert open_frozen(manifest, snap).n_images == 10
    dset = xcoco.CocoDataset(manifest)
    dset.imgs[1]['file_name'] = 'renamed.png'     # same counts, new content
    dset.dump(manifest)
    frozen = open_frozen(manifest, snap)
    assert frozen.imgs[1]['file_name'] == 'renamed.png'
    # an edited in-memory dataset never lands in (or reads) its file's snapshot
    dset.add_image('extra.png')
    edited = freeze(dset)
    assert edited.n_images == 11 and edited.dpath != frozen.dpath
    assert open_frozen(manifest, snap).n_images == 10


@pytest.mark.parametrize('damage', ['truncate', 'missing', 'meta', 'no_meta', 'swap'])
def test_damaged_snapshot_is_never_read(manifest, tmp_path, damage):
    snap = tmp_path / 'snap'
    good = open_frozen(manifest, snap)
    want = good.dataset
    del good
    gc.collect()
    if damage == 'truncate':
        fpath = snap / 'annotations.blob.npy'
        os.truncate(fpath, os.path.getsize(fpath) - 10)
    elif damage == 'missing':
        os.remove(snap / 'gid_to_aids.indices.npy')
    elif damage == 'meta':
        (snap / 'meta.json').write_text('{"format_version": 1, "files": ')
    elif damage == 'no_meta':
        os.remove(snap / 'meta.json')
    else:
        # same size, other content: the end hashes notice
        data = bytearray((snap / 'annotations.bbox.npy').read_bytes())
        data[-1] ^= 0xFF
        (snap / 'annotations.bbox.npy').write_bytes(bytes(data))
    with pytest.raises(FrozenSnapshotError, match='snap'):
        FrozenCocoDataset(snap)
    rebuilt = open_frozen(manifest, snap)
    assert rebuilt.dataset == want
    assert FrozenCocoDataset(snap).dataset == want


def test_coerce_into_the_user_cache(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    frozen = coerce_frozen(xcoco.CocoDataset, manifest)
    assert frozen.dpath.startswith(str(tmp_path / 'cache' / 'xcoco' / 'frozen'))
    assert coerce_frozen(xcoco.CocoDataset, manifest).dpath == frozen.dpath
    assert coerce_frozen(xcoco.CocoDataset, frozen) is frozen
    demo = coerce_frozen(xcoco.CocoDataset, 'shapes2')
    assert demo.n_images == 2 and demo.dpath.startswith(str(tmp_path / 'cache'))


def test_non_integer_ids_are_refused(tmp_path):
    dset = xcoco.CocoDataset({'images': [{'id': 'a', 'file_name': 'a.png'}]})
    with pytest.raises(FrozenError, match="id='a'"):
        freeze(dset, tmp_path / 'snap')
    assert not (tmp_path / 'snap').exists()


# ---- fork sharing ---------------------------------------------------------

def _private_dirty_kib():
    with open('/proc/self/smaps_rollup') as file:
        for line in file:
            if line.startswith('Private_Dirty:'):
                return int(line.split()[1])
    raise AssertionError('no Private_Dirty line')


def _walk(dset):
    total = 0
    for gid in list(dset.index.imgs):
        img = dset.imgs[gid]
        total += len(img['file_name'])
        for aid in dset.gid_to_aids[gid]:
            total += len(dset.anns[aid]['bbox'])
    return total


def _children_growth(dset, n_children=2):
    """Private_Dirty growth (KiB) of forked children that walk everything."""
    gc.collect()
    gc.freeze()   # the documented pre-fork step: the collector then touches no old object
    try:
        results = []
        for _ in range(n_children):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    before = _private_dirty_kib()
                    _walk(dset)
                    os.write(write_fd, str(_private_dirty_kib() - before).encode())
                finally:
                    os._exit(0)
            os.close(write_fd)
            with os.fdopen(read_fd) as pipe:
                text = pipe.read()
            os.waitpid(pid, 0)
            results.append(int(text))
        return results
    finally:
        gc.unfreeze()


def _big_dset():
    dset = xcoco.CocoDataset()
    cids = [dset.add_category(f'cat{i}') for i in range(10)]
    for i in range(3000):
        gid = dset.add_image(f'images/{i:05d}.png', width=640, height=480)
        for j in range(10):
            dset.add_annotation(gid, cids[j], bbox=[j, i % 50, 10 + j, 20],
                                segmentation=[[j, 0, j + 5, 0, j + 5, 5]], score=0.5)
    return dset


@pytest.mark.skipif(not os.path.exists('/proc/self/smaps_rollup') or not hasattr(os, 'fork'),
                    reason='needs Linux /proc/self/smaps_rollup and fork')
def test_forked_children_dirty_no_parent_pages(tmp_path):
    dset = _big_dset()
    frozen = freeze(dset, tmp_path / 'snap')
    # walked once in the parent first: lazy imports and the interpreter's
    # specialised bytecode are then in place before the fork
    assert _walk(frozen) == _walk(dset)
    memory_growth = max(_children_growth(dset))
    frozen_growth = max(_children_growth(frozen))
    # the in-memory children copy most of the dataset (refcounts), the
    # frozen children copy a few pages of the interpreter's own
    assert memory_growth > 8 * 1024, memory_growth
    assert frozen_growth < 2 * 1024, (frozen_growth, memory_growth)
    assert frozen_growth < 0.1 * memory_growth, (frozen_growth, memory_growth)


def test_row_scan_finds_rows_around_brackets_in_strings():
    import orjson

    from xcoco.frozen.build import _row_starts, _table_text
    rows = [{'id': 1, 'name': '}{]['}, {'id': 2, 'poly': [[1, 2], [3]], 'n': {'a': '}'}}, {}]
    text = orjson.dumps(rows)
    starts = _row_starts(text, 3)
    assert starts is not None
    ends = [*starts[1:].tolist(), len(text)]
    assert [orjson.loads(text[a:b - 1]) for a, b in zip(starts.tolist(), ends)] == rows
    # a backslash takes the one-row-at-a-time path, with the same layout
    rows.append({'id': 3, 'name': 'a\\"b'})
    assert _row_starts(orjson.dumps(rows), 4) is None
    text, offsets = _table_text('images', rows)
    assert text == orjson.dumps(rows)
    assert [orjson.loads(text[a:b - 1]) for a, b in zip(offsets[:-1], offsets[1:])] == rows


def test_coerce_backend_frozen_and_dset_freeze(manifest, tmp_path, monkeypatch):
    if not hasattr(xcoco.CocoDataset, 'freeze'):
        pytest.skip("CocoDataset.freeze / coerce(backend='frozen') are not bound yet")
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    frozen = xcoco.CocoDataset.coerce(manifest, backend='frozen')
    assert isinstance(frozen, xcoco.FrozenCocoDataset)
    assert xcoco.CocoDataset.coerce(frozen) is frozen
    assert xcoco.CocoDataset(manifest).freeze().dpath == frozen.dpath
    snap = xcoco.CocoDataset(manifest).freeze(tmp_path / 'snap')
    assert snap.dpath == str(tmp_path / 'snap') and snap.dataset == frozen.dataset
