"""
kwcoco's CocoDataset conveniences on xcoco: each is compared with kwcoco
itself on the same manifest file where kwcoco is installed, and checked
for the invariants (refused edits change nothing, the index equals a fresh
build) everywhere.
"""
import io
import numbers
import os
import warnings
import zipfile

import numpy as np
import pytest
import ubelt as ub

import xcoco
from xcoco.testing import assert_index_consistent


@pytest.fixture(scope='module')
def kwcoco_shapes():
    kwcoco = pytest.importorskip('kwcoco')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return kwcoco.CocoDataset.demo('shapes8')


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return func(*args, **kwargs)


def _assert_close(ours, theirs, path=()):
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs), path
        for key in theirs:
            _assert_close(ours[key], theirs[key], path + (key,))
    elif isinstance(theirs, (np.ndarray, float)):
        assert np.allclose(ours, theirs, rtol=1e-4), path
    else:
        assert ours == theirs, path


def test_summaries_match_kwcoco_on_its_own_file(kwcoco_shapes):
    kw = kwcoco_shapes
    dset = xcoco.CocoDataset(kw.fpath)
    ours, theirs = dset.stats(), kw.stats()
    assert list(ours) == list(theirs)
    for part in ['basic', 'catfreq', 'image_attrs', 'annot_attrs', 'video_attrs']:
        assert ub.urepr(ours[part]) == ub.urepr(theirs[part]), part
    for key, summary in theirs['extended'].items():
        for stat, value in summary.items():
            if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
                # kwcoco's float32 statistics under numpy 1.x are no float subclass
                assert ours['extended'][key][stat] == pytest.approx(float(value), rel=1e-6)
            else:
                assert ours['extended'][key][stat] == value, (key, stat)
    # same statistics; float32 sums may differ in the last digit
    _assert_close(dset.boxsize_stats(), kw.boxsize_stats())
    assert dset.keypoint_annotation_frequency() == _quiet(kw.keypoint_annotation_frequency)
    assert (dset.category_annotation_type_frequency()
            == _quiet(kw.category_annotation_type_frequency))
    assert dset._keypoint_category_names() == kw._keypoint_category_names()
    assert dset.category_annotation_frequency() == dict(kw.category_annotation_frequency())


def test_pixel_methods_match_kwcoco(kwcoco_shapes):
    kw = kwcoco_shapes
    dset = xcoco.CocoDataset(kw.fpath)
    for aid in [1, 3, 10]:
        ours, theirs = dset.load_annot_sample(aid, pad=5), kw.load_annot_sample(aid, pad=5)
        assert np.array_equal(ours['im'], theirs['im'])
        assert ours['transform'] == theirs['transform']
    assert np.array_equal(dset.load_image(2), kw.load_image(2))
    assert np.array_equal(dset.delayed_load(2).finalize(), kw.delayed_load(2).finalize())
    # kwcoco hands back RGBA; xcoco an RGB uint8 image (what image writers take)
    assert dset.draw_image(2).shape[:2] == kw.draw_image(2).shape[:2]
    graph, kw_graph = dset.category_graph(), kw.category_graph()
    assert set(graph.edges) == set(kw_graph.edges)
    assert dict(graph.nodes(data=True)) == dict(kw_graph.nodes(data=True))


def test_find_representative_images_covers_every_category():
    dset = xcoco.CocoDataset.demo('shapes8')
    chosen = dset.find_representative_images()
    covered = {dset.anns[aid]['category_id'] for gid in chosen for aid in dset.gid_to_aids[gid]}
    assert covered == {ann['category_id'] for ann in dset.dataset['annotations']}
    assert set(dset.find_representative_images([1, 2])) <= {1, 2}


@pytest.mark.parametrize('mapper', [
    {'star': 'eff'},                      # merge into an existing category
    {'star': 'X', 'eff': 'X'},            # merge into a new category
    {'star': 'newstar'},                  # plain rename
    {'star': 'superstar', 'eff': 'star'},  # a chain
])
def test_rename_categories_keeps_every_annotation(mapper):
    dset = xcoco.CocoDataset.demo('shapes8')
    before = dset.category_annotation_frequency()
    dset.rename_categories(mapper)
    after = dset.category_annotation_frequency()
    assert sum(after.values()) == sum(before.values())
    expect = {}
    for name, count in before.items():
        new = mapper.get(name, name)
        expect[new] = expect.get(new, 0) + count
    assert after == expect
    assert_index_consistent(dset)


def test_rename_categories_merge_policy_and_parents():
    dset = xcoco.CocoDataset()
    dset.add_category('a', color='red')
    dset.add_category('b', shape='star')
    dset.add_category('child', supercategory='a')
    update = dset.copy()
    dset.rename_categories({'a': 'ab', 'b': 'ab'})
    assert dset.name_to_cat['ab'] == {'id': 4, 'name': 'ab'}
    assert dset.name_to_cat['child']['supercategory'] == 'ab'
    update.rename_categories({'a': 'ab', 'b': 'ab'}, merge_policy='update')
    assert update.name_to_cat['ab'] == {'id': 4, 'name': 'ab', 'color': 'red', 'shape': 'star'}
    assert_index_consistent(update)


def test_refused_category_edits_change_nothing():
    dset = xcoco.CocoDataset.demo('shapes8')
    snapshot = dset.copy()
    with pytest.raises(xcoco.UnknownIdError, match='nope'):
        dset.rename_categories({'star': 'x', 'nope': 'y'})
    with pytest.raises(xcoco.InvalidIdError):
        dset.rename_categories({'star': 3})
    with pytest.raises(ValueError):
        dset.rename_categories({'star': 'x'}, merge_policy='bogus')
    with pytest.raises(xcoco.UnknownIdError):
        dset.normalize_category_ids(order=['nope'], start_id=0)
    with pytest.raises(ValueError):
        dset.normalize_category_ids(order='bogus')
    assert dset.dataset == snapshot.dataset
    assert_index_consistent(dset)


def test_normalize_category_ids_as_kwcoco_documents():
    kwcoco = pytest.importorskip('kwcoco')
    manifest = {'categories': [{'id': 1, 'name': 'star'}, {'id': 2, 'name': 'superstar'},
                               {'id': 3, 'name': 'eff'}],
                'images': [{'id': 1, 'file_name': 'a.png'}],
                'annotations': [{'id': 1, 'image_id': 1, 'category_id': 2}]}
    ours = xcoco.CocoDataset(ub.udict(manifest).copy())
    theirs = kwcoco.CocoDataset(ub.udict(manifest).copy())
    import copy
    ours = xcoco.CocoDataset(copy.deepcopy(manifest))
    theirs = kwcoco.CocoDataset(copy.deepcopy(manifest))
    for kwargs in [{'start_id': 0}, {'order': 'sort', 'start_id': 1},
                   {'order': ['superstar'], 'start_id': 100}, {'order': 'sort'}]:
        ours.normalize_category_ids(**kwargs)
        theirs.normalize_category_ids(**kwargs)
        assert ours.dataset['categories'] == theirs.dataset['categories'], kwargs
        assert ours.dataset['annotations'] == theirs.dataset['annotations'], kwargs
        assert_index_consistent(ours)


def test_integrity_helpers():
    dset = xcoco.CocoDataset.demo('shapes8')
    assert dset._check_index() and dset._check_pointers() and dset._check_integrity()
    dset.index.anns[1]['image_id'] = 999
    with pytest.raises(AssertionError, match='image_id=999'):
        dset._check_pointers()
    dset.index.anns[1]['image_id'] = 1
    dset.anns[2]['bbox'] = np.array(dset.anns[2]['bbox'])
    assert dset._check_json_serializable() == []
    dset._ensure_json_serializable()
    assert type(dset.anns[2]['bbox']) is list
    assert dset._build_hashid() == dset.hashid


def test_cached_hashid_survives_a_read_only_folder(tmp_path, monkeypatch):
    from xcoco.ops import integrity
    bundle = tmp_path / 'bundle'
    bundle.mkdir()
    xcoco.CocoDataset.demo('shapes2').dump(bundle / 'data.kwcoco.json')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    real_makedirs = os.makedirs

    def no_write_beside(path, *args, **kwargs):
        if str(path).startswith(str(bundle)):
            raise PermissionError(13, 'read-only folder', str(path))
        return real_makedirs(path, *args, **kwargs)
    monkeypatch.setattr(integrity.os, 'makedirs', no_write_beside)
    dset = xcoco.CocoDataset(bundle / 'data.kwcoco.json')
    assert dset._cached_hashid() == dset.hashid
    assert not (bundle / '_cache').exists()
    assert xcoco.CocoDataset._cached_hashid_for(bundle / 'data.kwcoco.json') == dset.hashid
    # an edit means the file no longer describes the data
    dset.add_category('new')
    assert dset._cached_hashid() == dset.hashid != xcoco.CocoDataset(dset.fpath).hashid


def test_ensure_imgsize_reports_bad_images():
    dset = xcoco.CocoDataset.demo('shapes2')
    for img in dset.dataset['images']:
        del img['width'], img['height']
    dset.add_image('missing.png')
    summary = dset._ensure_imgsize()
    assert summary['num_attempts'] == 3 and summary['num_modified'] == 2
    assert [img['file_name'] for img in summary['bad_images']] == ['missing.png']
    assert dset.imgs[1]['width'] == 600


def test_dump_text_mode_and_kwcoco_zip_member(tmp_path):
    dset = xcoco.CocoDataset.demo('shapes2')
    assert dset._state['was_saved'] is False
    with open(tmp_path / 'text.json', 'w') as file:
        dset.dump(file)
    assert dset._state['was_saved'] is True
    assert xcoco.CocoDataset(tmp_path / 'text.json').dataset == dset.dataset
    buf = io.StringIO()
    dset.dump(buf)
    assert xcoco.CocoDataset.load(io.StringIO(buf.getvalue())).n_images == 2
    dset.dump(tmp_path / 'b.json', compress=True)
    assert zipfile.ZipFile(tmp_path / 'b.json').namelist() == ['data.kwcoco.json']
    assert xcoco.CocoDataset(tmp_path / 'b.json').n_annots == dset.n_annots
    kwcoco = pytest.importorskip('kwcoco')
    assert kwcoco.CocoDataset(tmp_path / 'b.json').n_annots == dset.n_annots


def test_conform_mmlab_matches_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    theirs = _quiet(kwcoco.CocoDataset.demo, 'vidshapes2', num_frames=2)
    ours = xcoco.CocoDataset(theirs.fpath)
    theirs.conform(mmlab=True, legacy=False)
    ours.conform(mmlab=True)
    for mine, kws in zip(ours.dataset['images'], theirs.dataset['images']):
        assert mine.get('frame_id') == kws.get('frame_id')
    for mine, kws in zip(ours.dataset['annotations'], theirs.dataset['annotations']):
        assert mine.get('instance_id') == kws.get('instance_id')
        assert bool(mine.get('ignore')) == bool(kws.get('ignore'))


def test_constructors(tmp_path):
    fpaths = [xcoco.CocoDataset.demo(key).fpath for key in ['shapes1', 'shapes2']]
    for mode in ['serial', 'thread', 'process']:
        dsets = list(xcoco.CocoDataset.coerce_multiple(fpaths, workers=2, mode=mode))
        assert [d.fpath for d in dsets] == fpaths
    unordered = xcoco.CocoDataset.coerce_multiple(fpaths, workers=2, mode='thread', ordered=False)
    assert sorted(d.n_images for d in unordered) == [1, 2]
    assert xcoco.CocoDataset.from_coco_paths(fpaths, verbose=0).n_images == 3
    assert len(xcoco.CocoDataset.from_coco_paths(fpaths, union=False, verbose=0)) == 2
    with pytest.raises(xcoco.ManifestNotFoundError):
        list(xcoco.CocoDataset.load_multiple([tmp_path / 'nope.json']))
    dset = xcoco.CocoDataset.random(rng=1)
    assert (dset.n_videos, dset.n_images, dset.n_tracks) == (1, 5, 3)


def test_asset_and_keypoint_edits():
    dset = xcoco.CocoDataset()
    gid = dset.add_image(name='scene', width=8, height=8)
    dset.add_asset(gid, 'b1.tif', channels='B1', width=8, height=8)
    with pytest.warns(FutureWarning):
        dset.add_auxiliary_item(gid, 'b2.tif', channels='B2', width=4, height=4)
    assert dset.coco_image(gid).channels.spec == 'B1,B2'
    assert dset.get_auxiliary_fpath(gid, 'B2').name == 'b2.tif'
    dset.add_keypoint_categories(['nose', 'tail'])
    aid = dset.add_annotation(gid, keypoints=[{'xy': [1, 1], 'keypoint_category_id': 1},
                                              {'xy': [2, 2], 'keypoint_category': 'tail'}])
    assert dset.remove_annotation_keypoints(['tail']) == {'annotation_keypoints': 1}
    assert len(dset.anns[aid]['keypoints']) == 1
    assert dset.keypoint_annotation_frequency() == {'nose': 1, 'tail': 0}
    assert_index_consistent(dset)


def test_union_keeps_every_mscoco_info_dict():
    parts = [xcoco.CocoDataset({'info': {'year': year}, 'licenses': [{'id': 1, 'name': 'cc'}],
                                'images': [{'id': 1, 'file_name': f'{year}.png'}]})
             for year in (2014, 2017, 2014)]
    merged = xcoco.CocoDataset.union(*parts)
    assert merged.dataset['info'] == {'year': 2014, 'union_of': [{'year': 2014}, {'year': 2017}]}
    assert merged.dataset['licenses'] == [{'id': 1, 'name': 'cc'}]
    same = xcoco.CocoDataset.union(parts[0], parts[2])
    assert same.dataset['info'] == {'year': 2014}


def test_categoryless_annotations_are_grouped_under_none_as_kwcoco():
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png')
    aid = dset.add_annotation(gid)
    assert dset.index.cid_to_aids[None] == {aid}
    cid = dset.add_category('cat')
    dset.set_annotation_category(aid, cid)
    assert not dset.index.cid_to_aids[None] and dset.index.cid_to_aids[cid] == {aid}
    dset.remove_categories([cid], keep_annots=True)
    assert dset.index.cid_to_aids[None] == {aid}
    assert_index_consistent(dset)
    kwcoco = pytest.importorskip('kwcoco')
    theirs = kwcoco.CocoDataset()
    theirs.add_annotation(theirs.add_image('a.png'))
    assert dict(theirs.index.cid_to_aids) == {None: {1}}
    fresh = xcoco.CocoDataset(theirs.dataset)
    assert dict(fresh.index.cid_to_aids) == {None: {1}}


def test_coerce_takes_bare_demo_keys_and_index_build_takes_the_dataset():
    dset = xcoco.CocoDataset.coerce('vidshapes1-frames2')
    assert (dset.n_videos, dset.n_images) == (1, 2)
    with pytest.raises(xcoco.ManifestNotFoundError):
        xcoco.CocoDataset.coerce('no-such-file.kwcoco.json')
    dset.index.build(dset)
    assert_index_consistent(dset)
    with pytest.raises(KeyError):
        dset._alias_to_cat('no such category')
    assert dset._alias_to_cat(None) is None


def test_remove_keypoint_categories_keeps_mscoco_triplets_aligned():
    dset = xcoco.CocoDataset()
    cid = dset.add_category('face', keypoints=['left', 'nose', 'right'])
    aid = dset.add_annotation(dset.add_image('a.png'), cid,
                              keypoints=[1, 1, 2, 5, 5, 2, 9, 1, 2], num_keypoints=3)
    dset.add_keypoint_categories(['left', 'nose', 'right'])
    info = dset.remove_keypoint_categories(['nose'])
    assert info == {'keypoint_categories': 1, 'annotation_keypoints': 1, 'reflection_ids': 0}
    assert dset.cats[cid]['keypoints'] == ['left', 'right']
    assert dset.anns[aid]['keypoints'] == [1, 1, 2, 9, 1, 2]
    assert dset.anns[aid]['num_keypoints'] == 2
    assert_index_consistent(dset)


def test_remove_keypoint_categories_counts_as_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    theirs = _quiet(kwcoco.CocoDataset.demo, 'shapes8')
    ours = xcoco.CocoDataset(theirs.fpath)
    expect = theirs.remove_keypoint_categories(['left_eye', 'mid_tip'])
    assert ours.remove_keypoint_categories(['left_eye', 'mid_tip']) == expect
    assert ours.dataset['keypoint_categories'] == theirs.dataset['keypoint_categories']
    assert ours.dataset['annotations'] == theirs.dataset['annotations']


@pytest.mark.parametrize('key', ['shapes2', 'vidshapes2', 'vidshapes1-multispectral', 'photos'])
def test_demo_categories_are_kwcocos(key):
    kwcoco = pytest.importorskip('kwcoco')
    if key == 'photos':
        # kwcoco's photos demo downloads its images; its categories are fixed
        names = ['astronaut', 'rocket', 'helmet', 'mouth', 'star', 'astronomer', 'astroturf',
                 'human']
        assert [c['name'] for c in xcoco.CocoDataset.demo(key).dataset['categories']] == names
        return
    theirs = _quiet(kwcoco.CocoDataset.demo, key)
    ours = xcoco.CocoDataset.demo(key)
    strip = [{k: v for k, v in cat.items() if k != 'skeleton'} for cat in ours.dataset['categories']]
    assert strip == theirs.dataset['categories']
