"""
The collector is borrowed, never kept: loading leaves nothing frozen, the
user's cyclic garbage is still collected, the collector's state is restored,
and a deleted dataset (with its index) is freed by reference counting alone.
"""
import gc
import threading
import weakref

import orjson
import pytest

import xcoco
from xcoco.gc_policy import paused_gc


class _Node:
    pass


def _big_manifest(n_images=3000):
    # well above the 10k containers that made the old loader freeze the heap
    images = [{'id': i, 'file_name': f'{i}.png', 'width': 8, 'height': 8}
              for i in range(1, n_images + 1)]
    anns = [{'id': i, 'image_id': 1 + i % n_images, 'category_id': 1,
             'bbox': [0, 0, 1, 1], 'segmentation': [[0, 0, 1, 0, 1, 1]]}
            for i in range(1, 3 * n_images)]
    return {'categories': [{'id': 1, 'name': 'c'}], 'images': images,
            'annotations': anns}


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_loading_freezes_nothing_and_user_garbage_is_still_collected(tmp_path, collector_on):
    fpath = tmp_path / 'big.json'
    fpath.write_bytes(orjson.dumps(_big_manifest()))
    xcoco.CocoDataset({'images': []})   # pay lazy imports first
    gc.collect()
    frozen_before = gc.get_freeze_count()
    node = _Node()
    node.self = node
    ref = weakref.ref(node)
    del node
    dset = xcoco.CocoDataset(fpath)
    merged = dset.union(dset.copy())
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen_before
    gc.collect()
    assert ref() is None, "the user's cyclic garbage survived a collection after a load"
    del dset, merged


def test_a_big_load_is_handed_to_the_oldest_generation(tmp_path, collector_on):
    # the user's next allocations must not walk millions of young objects
    fpath = tmp_path / 'big.json'
    fpath.write_bytes(orjson.dumps(_big_manifest(20000)))
    dset = xcoco.CocoDataset(fpath)
    assert gc.get_count()[0] < 1000
    assert len(gc.get_objects(0)) < 1000
    assert gc.get_freeze_count() == 0
    del dset


def test_a_users_frozen_objects_are_left_alone(tmp_path, collector_on):
    fpath = tmp_path / 'big.json'
    fpath.write_bytes(orjson.dumps(_big_manifest(20000)))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        dset = xcoco.CocoDataset(fpath)
        assert gc.get_freeze_count() == frozen
        del dset
    finally:
        gc.unfreeze()


def _edited():
    dset = xcoco.CocoDataset(_big_manifest(200))
    vid = dset.add_video('v')
    tid = dset.add_track('t')
    gids = [dset.add_image(f'f{i}.png', video_id=vid, frame_index=i) for i in range(3)]
    for gid in gids:
        dset.add_annotation(gid, 1, bbox=[0, 0, 1, 1], track_id=tid)
    dset.images(gids).set('frame_index', [2, 1, 0])
    coco_img = dset.coco_image(gids[0])
    _ = coco_img.channels, dset.annots(track_id=tid).boxes
    return dset


@pytest.mark.parametrize('make', [
    _edited,
    lambda: _edited().copy(),
    lambda: _edited().subset([1, 2]),
    lambda: _edited().union(_edited()),
], ids=['edited', 'copy', 'subset', 'union'])
def test_deleted_datasets_are_freed_by_reference_counting(make):
    dset = make()
    refs = [weakref.ref(dset), weakref.ref(dset.index)]
    was = gc.isenabled()
    gc.disable()
    try:
        del dset
        assert [r() for r in refs] == [None, None], 'a reference cycle pins the dataset'
    finally:
        if was:
            gc.enable()


def test_paused_gc_restores_the_callers_state_and_nests():
    was = gc.isenabled()
    try:
        gc.enable()
        with paused_gc():
            with paused_gc():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_paused_gc_in_threads_restores_once_all_are_done(collector_on):
    inside = threading.Barrier(3)
    leave = threading.Event()

    def work():
        with paused_gc():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    leave.set()
    for t in threads:
        t.join()
    assert gc.isenabled()
