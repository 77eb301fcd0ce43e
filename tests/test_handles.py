"""
xcoco.imdata.handles: repeated crops of one file reuse its open handle, and
the cache stays bounded, thread-, fork- and pickle-safe, notices changed
files, and closes with the dataset that owns it.
"""
import gc
import os
import pickle
import threading
import weakref

import numpy as np
import pytest

import xcoco
from xcoco.imdata import backends, geotiff
from xcoco.imdata.handles import RasterHandleCache, handle_cache_for

rasterio = pytest.importorskip('rasterio')

SIZE = 128


def _data(seed=0, size=SIZE):
    return (np.arange(size * size * 2).reshape(size, size, 2) * (seed + 1) % 251).astype(np.uint8)


def _write(fpath, seed=0, size=SIZE):
    geotiff.write_geotiff(fpath, _data(seed, size), blocksize=32, overviews=2)
    return fpath


@pytest.fixture
def opens(monkeypatch):
    """Count every rasterio.open for reading, and read through rasterio only."""
    log = []
    real_open = rasterio.open

    def counting_open(fpath, mode='r', *args, **kw):
        if mode == 'r':
            log.append(os.path.basename(os.fspath(fpath)))
        return real_open(fpath, mode, *args, **kw)
    monkeypatch.setattr(rasterio, 'open', counting_open)
    monkeypatch.setattr(backends, '_have_gdal', lambda: False)
    return log


def make_scene(dpath):
    # Not a fixture: pytest keeps fixture values alive for the whole test,
    # and one test must free the dataset.
    _write(dpath / 'scene.tif')
    dset = xcoco.CocoDataset(bundle_dpath=str(dpath))
    gid = dset.add_image(name='scene', width=SIZE, height=SIZE,
                         resolution='1 meter')
    dset.coco_image(gid).add_asset('scene.tif', channels='a|b',
                                   width=SIZE, height=SIZE)
    return dset, gid


def _crops(n, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        y0, x0 = (int(v) for v in rng.integers(0, SIZE - 20, 2))
        yield y0, x0


def test_repeated_crops_through_imdelay_open_the_file_once(tmp_path, opens):
    dset, gid = make_scene(tmp_path)
    data = _data()
    for y0, x0 in _crops(20):
        # A new CocoImage and a new graph every time, as a data loader does.
        got = dset.coco_image(gid).imdelay()[y0:y0 + 20, x0:x0 + 20].finalize()
        assert np.array_equal(got, data[y0:y0 + 20, x0:x0 + 20])
    assert opens == ['scene.tif']
    info = handle_cache_for(dset).info()
    assert info['opens'] == 1 and info['hits'] >= 19 and info['open'] == 1


def test_overview_levels_are_cached_too(tmp_path, opens):
    dset, gid = make_scene(tmp_path)
    for _ in range(3):
        got = dset.coco_image(gid).imdelay(resolution='4 meter').finalize()
        assert got.shape == (SIZE // 4, SIZE // 4, 2)
    # The base level (for the overview count) and overview 2, once each.
    assert len(opens) == 2


def test_detached_image_keeps_a_cache_of_its_own(tmp_path, opens):
    dset, gid = make_scene(tmp_path)
    coco_img = dset.coco_image(gid).detach()
    for y0, x0 in _crops(5):
        coco_img.imdelay()[y0:y0 + 8, x0:x0 + 8].finalize()
    assert len(opens) == 1
    assert handle_cache_for(coco_img) is not handle_cache_for(dset)


def test_eviction_closes_the_least_recently_used(tmp_path):
    fpaths = [_write(tmp_path / f'{i}.tif') for i in range(3)]
    cache = RasterHandleCache(maxsize=2)
    held = []
    for fpath in fpaths:
        with cache.dataset(fpath) as ds:
            held.append(ds)
    assert [ds.closed for ds in held] == [True, False, False]
    with cache.dataset(fpaths[1]):
        pass  # 1 is now the most recent: 2 goes next
    with cache.dataset(fpaths[0]):
        pass
    assert [ds.closed for ds in held] == [True, False, True]
    assert cache.info() == {'opens': 4, 'hits': 1, 'evictions': 2, 'stale': 0,
                            'open': 2, 'maxsize': 2}
    cache.close()
    assert held[1].closed and len(cache) == 0


def test_a_handle_in_use_closes_after_its_read(tmp_path):
    a, b = _write(tmp_path / 'a.tif'), _write(tmp_path / 'b.tif', seed=1)
    cache = RasterHandleCache(maxsize=1)
    with cache.dataset(a) as ds_a:
        with cache.dataset(b):  # evicts a while it is being read
            assert not ds_a.closed
        assert np.array_equal(ds_a.read(1), _data()[..., 0])
    assert ds_a.closed


def test_changed_file_is_reopened(tmp_path):
    fpath = _write(tmp_path / 'c.tif')
    cache = RasterHandleCache()
    with cache.dataset(fpath) as old:
        assert np.array_equal(old.read(1), _data()[..., 0])
    _write(tmp_path / 'c.tif', seed=3, size=64)
    with cache.dataset(fpath) as new:
        assert np.array_equal(new.read(1), _data(3, 64)[..., 0])
    assert old.closed and new is not old
    assert cache.info()['stale'] == 1


def test_missing_file_is_not_cached(tmp_path):
    cache = RasterHandleCache()
    with pytest.raises(rasterio.errors.RasterioIOError, match='gone.tif'), \
            cache.dataset(tmp_path / 'gone.tif'):
        pass
    assert len(cache) == 0


def test_threads_read_through_handles_of_their_own(tmp_path, opens):
    from concurrent.futures import ThreadPoolExecutor
    dset, gid = make_scene(tmp_path)
    data = _data()
    fpath = os.path.join(dset.bundle_dpath, 'scene.tif')
    barrier = threading.Barrier(4, timeout=30)

    def worker(seed):
        with handle_cache_for(dset).dataset(fpath) as ds:
            barrier.wait()  # all four hold a lease at once
            ident = id(ds)
        for y0, x0 in _crops(25, seed):
            got = dset.coco_image(gid).imdelay('b')[y0:y0 + 20, x0:x0 + 20].finalize()
            assert np.array_equal(got[..., 0], data[y0:y0 + 20, x0:x0 + 20, 1])
        return ident
    with ThreadPoolExecutor(4) as pool:
        idents = list(pool.map(worker, range(4)))
    assert len(set(idents)) == 4
    assert len(opens) == 4  # one per thread, reused for its 25 crops


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='needs os.fork')
def test_forked_child_opens_its_own_handle(tmp_path):
    fpath = _write(tmp_path / 'f.tif')
    cache = RasterHandleCache()
    with cache.dataset(fpath) as parent_ds:
        parent_ds.read(1, window=((0, 8), (0, 8)))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            with cache.dataset(fpath) as ds:
                fresh = ds is not parent_ds
                right = np.array_equal(ds.read(1), _data()[..., 0])
            info = cache.info()
            if fresh and right and info['opens'] == 1 and info['hits'] == 0:
                code = 0
        finally:
            os.write(write_fd, bytes([code]))
            os._exit(0)
    os.close(write_fd)
    verdict = os.read(read_fd, 1)
    os.close(read_fd)
    os.waitpid(pid, 0)
    assert verdict == b'\x00'
    # The parent's handle is untouched by the child's reads and exit.
    with cache.dataset(fpath) as ds:
        assert ds is parent_ds and not ds.closed
        assert np.array_equal(ds.read(1), _data()[..., 0])


def test_pickled_graph_reopens_lazily(tmp_path, opens):
    dset, gid = make_scene(tmp_path)
    delayed = dset.coco_image(gid).imdelay()[10:30, 5:25]
    want = delayed.finalize()
    assert len(handle_cache_for(dset)) == 1
    clone = pickle.loads(pickle.dumps(delayed))
    assert np.array_equal(clone.finalize(), want)
    assert len(opens) == 2  # the clone opened its own
    frame = pickle.loads(pickle.dumps(backends.RasterioFrame(
        os.path.join(dset.bundle_dpath, 'scene.tif'), handles=handle_cache_for(dset))))
    assert len(frame.handles) == 0


def test_deleting_the_dataset_closes_its_handles(tmp_path, opens):
    dset, gid = make_scene(tmp_path)
    coco_img = dset.coco_image(gid)
    coco_img.imdelay()[0:8, 0:8].finalize()
    survivor = coco_img.imdelay()[8:16, 8:16]  # a graph outliving the dataset
    cache = handle_cache_for(dset)
    fpath = os.path.join(dset.bundle_dpath, 'scene.tif')
    with cache.dataset(fpath) as ds:
        pass
    dset_ref = weakref.ref(dset)
    del dset, coco_img
    gc.collect()
    assert dset_ref() is None
    assert ds.closed and len(cache) == 0
    # The graph still reads, but keeps nothing open once done.
    assert np.array_equal(survivor.finalize(), _data()[8:16, 8:16])
    assert len(cache) == 0


def test_without_a_shared_cache_a_leaf_keeps_its_own(tmp_path, opens):
    assert handle_cache_for(['not', 'hashable']) is None
    fpath = str(_write(tmp_path / 'p.tif'))
    leaf = backends.DelayedLoad(fpath, channels='a|b', handles=None).prepare()
    assert leaf.dsize == (SIZE, SIZE)
    for y0, x0 in _crops(3):
        leaf[y0:y0 + 4, x0:x0 + 4].finalize()
    assert opens == ['p.tif']


def test_maxsize_is_checked():
    with pytest.raises(ValueError, match='maxsize=0'):
        RasterHandleCache(maxsize=0)
