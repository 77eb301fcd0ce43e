"""
The in-memory column cache behind ``annots().boxes`` never serves a stale
box, whatever edited the dataset, and is freed with it; the union fast path
(which hands the index a prebuilt annotation lookup) gives a consistent index.
"""
import gc
import weakref

import numpy as np
import pytest

import xcoco
from xcoco.index.columns import MIN_CACHED_ROWS
from xcoco.testing import assert_index_consistent


def _dset(n_images=30, per_image=40, seed=0):
    rng = np.random.default_rng(seed)
    manifest = {'images': [], 'annotations': [],
                'categories': [{'id': c, 'name': f'c{c}'} for c in range(1, 4)]}
    aid = 1
    for gid in range(1, n_images + 1):
        manifest['images'].append({'id': gid, 'file_name': f'{gid}.png', 'width': 64, 'height': 64})
        for _ in range(per_image):
            manifest['annotations'].append({
                'id': aid, 'image_id': gid, 'category_id': int(rng.integers(1, 4)),
                'bbox': rng.uniform(0, 50, 4).round(2).tolist()})
            aid += 1
    return xcoco.CocoDataset(manifest)


def _fresh(dset):
    """The boxes computed with no cache at all, in the view's order."""
    return np.array([dset.index.anns[aid]['bbox'] for aid in sorted(dset.index.anns)],
                    dtype=np.float64).reshape(-1, 4)


def _read_thrice(dset):
    """Read the boxes enough times that the cache is filled and then used."""
    got = [dset.annots().boxes.data for _ in range(3)]
    want = _fresh(dset)
    for data in got:
        assert np.array_equal(data, want)
    entry = dset.index.column_cache.get('bbox')
    if dset.n_annots >= MIN_CACHED_ROWS and all(
            type(ann['bbox']) is list for ann in dset.index.anns.values()):
        assert entry is not None and entry[1] is not None, 'the cache was not used'
    return got[-1]


def _set_bbox(dset, aid, box):
    dset.index.anns[aid]['bbox'] = box


def _bump_in_place(dset, aid, box):
    dset.index.anns[aid]['bbox'][2] += 7.5


def _replace_dict(dset, aid, box):
    ann = dset.index.anns[aid]
    dset.index.anns[aid] = {**ann, 'bbox': box}


def _as_array(dset, aid, box):
    dset.index.anns[aid]['bbox'] = np.array(box)


def _as_tuple(dset, aid, box):
    dset.index.anns[aid]['bbox'] = tuple(box)


def _int_values(dset, aid, box):
    dset.index.anns[aid]['bbox'] = [int(v) + 1 for v in box]


def _via_view(dset, aid, box):
    dset.annots([aid]).set('bbox', [box])


def _via_api(dset, aid, box):
    gid = dset.index.anns[aid]['image_id']
    dset.add_annotation(gid, 1, bbox=box)


def _remove(dset, aid, box):
    dset.remove_annotations([aid])


@pytest.mark.parametrize('edit', [
    _set_bbox, _bump_in_place, _replace_dict, _as_array, _as_tuple, _int_values,
    _via_view, _via_api, _remove])
def test_boxes_after_every_kind_of_edit_equal_a_fresh_computation(edit):
    dset = _dset()
    before = _read_thrice(dset)
    aid = sorted(dset.index.anns)[17]
    edit(dset, aid, [1.5, 2.5, 3.5, 4.5])
    after = _read_thrice(dset)
    assert not np.array_equal(before, after) or edit in (_remove,)
    # and once more, after the cache has been rebuilt from the edited state
    edit(dset, sorted(dset.index.anns)[3], [9.0, 8.0, 7.0, 6.0])
    _read_thrice(dset)


def test_bad_boxes_raise_even_when_the_cache_was_full():
    dset = _dset()
    _read_thrice(dset)
    aid = sorted(dset.index.anns)[5]
    dset.index.anns[aid]['bbox'].append(1.0)  # in place: 5 numbers
    with pytest.raises(xcoco.GeometryError, match=f"annotation id={aid} field 'bbox'"):
        _ = dset.annots().boxes
    dset.index.anns[aid]['bbox'].pop()
    _read_thrice(dset)
    del dset.index.anns[aid]['bbox']
    with pytest.raises(xcoco.MissingFieldError, match=f"annotation id={aid} has no field 'bbox'"):
        _ = dset.annots().boxes


def test_the_caller_owns_the_returned_boxes():
    dset = _dset()
    first = _read_thrice(dset)
    first[:] = -1
    again = dset.annots().boxes.data
    again[:] = -2
    assert np.array_equal(dset.annots().boxes.data, _fresh(dset))


def test_part_views_and_other_datasets_are_unaffected():
    dset = _dset()
    _read_thrice(dset)
    aids = sorted(dset.index.anns)
    part = dset.annots(aids[::-1])
    assert np.array_equal(part.boxes.data, _fresh(dset)[::-1])
    sub = dset.subset(list(dset.imgs)[:10])
    copy = dset.copy()
    merged = xcoco.CocoDataset.union(sub, dset.subset(list(dset.imgs)[10:]))
    for other in (sub, copy, merged):
        _read_thrice(other)
    copy.index.anns[aids[0]]['bbox'][0] = 123.0  # copies own their lists
    _read_thrice(copy)
    _read_thrice(dset)
    assert dset.index.anns[aids[0]]['bbox'][0] != 123.0


def test_reading_boxes_leaves_nothing_global_changed():
    dset = _dset()
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            _read_thrice(dset)
            assert gc.isenabled() is enabled and gc.get_freeze_count() == 0
    finally:
        (gc.enable if was else gc.disable)()


def test_a_dataset_with_a_full_cache_is_freed_by_reference_counting():
    dset = _dset()
    _read_thrice(dset)
    assert dset.index.column_cache
    refs = [weakref.ref(dset), weakref.ref(dset.index)]
    was = gc.isenabled()
    gc.disable()
    try:
        del dset
        assert [r() for r in refs] == [None, None], 'a reference cycle pins the dataset'
    finally:
        if was:
            gc.enable()


def test_an_edit_empties_the_cache():
    dset = _dset()
    _read_thrice(dset)
    assert 'bbox' in dset.index.column_cache
    dset.add_category('new')
    assert dset.index.column_cache == {}


def test_union_of_splits_then_other_inputs_keeps_a_consistent_index():
    dset = _dset(n_images=12, per_image=5)
    gids = sorted(dset.imgs)
    half1, half2 = dset.subset(gids[:6]), dset.subset(gids[6:])
    # halves take the fast path; a third input repeating their ids does not
    merged = xcoco.CocoDataset.union(half1, half2, dset.copy())
    assert_index_consistent(merged)
    assert merged.n_annots == 2 * dset.n_annots
    assert len(set(merged.index.anns)) == merged.n_annots
    top = max(merged.index.anns)
    assert merged.add_annotation(gids[0], 1, bbox=[0, 0, 1, 1]) == top + 1
    # the same dataset twice: the second copy is remapped, not merged
    twice = xcoco.CocoDataset.union(half1, half1)
    assert_index_consistent(twice)
    assert twice.n_annots == 2 * half1.n_annots
    # inputs are untouched and do not share dicts with the result
    assert_index_consistent(half1)
    aid = sorted(half1.index.anns)[0]
    assert merged.index.anns[aid] == half1.index.anns[aid]
    assert merged.index.anns[aid] is not half1.index.anns[aid]


def test_union_fast_path_matches_kwcoco_ids():
    kwcoco = pytest.importorskip('kwcoco')
    dset = _dset(n_images=8, per_image=4)
    gids = sorted(dset.imgs)
    ours = xcoco.CocoDataset.union(dset.subset(gids[:4]), dset.subset(gids[4:]), dset.copy())
    kw = kwcoco.CocoDataset(dset.copy().dataset)
    theirs = kwcoco.CocoDataset.union(kw.subset(gids[:4]), kw.subset(gids[4:]), kw.copy())
    assert sorted(ours.anns) == sorted(theirs.anns)
    assert sorted(ours.imgs) == sorted(theirs.imgs)
    assert ({a['id']: a['image_id'] for a in ours.dataset['annotations']} ==
            {a['id']: a['image_id'] for a in theirs.dataset['annotations']})
