"""
The shared read suite: every read a user makes, run on the in-memory
dataset and on a stand-in backend that serves the index protocol from
read-only mappings and has no ``.dataset`` (see
:class:`xcoco.testing.MappingDataset`).  A read that reaches for the
manifest dicts fails here.  The same tests run on the SQL backend (SQLite
and, through the ``postgresql_uri`` fixture, PostgreSQL).
"""
import numpy as np
import pytest

import xcoco
from xcoco.testing import MappingDataset


def _vid_dset():
    dset = xcoco.CocoDataset.demo('vidshapes2-frames3-gsize64')
    dset.add_keypoint_categories(['nose', 'tail'])
    gid = dset.images().gids[0]
    dset.add_annotation(gid, 1, bbox=[1, 1, 4, 4],
                        keypoints=[{'xy': [2, 2], 'keypoint_category_id': 1}])
    return dset


@pytest.fixture(scope='module')
def source():
    return _vid_dset()


@pytest.fixture(params=['memory', 'mappings', 'frozen', 'sqlite', 'postgresql'], scope='module')
def dset(request, source, tmp_path_factory):
    if request.param == 'memory':
        return source
    if request.param == 'sqlite':
        fpath = tmp_path_factory.mktemp('sql') / 'read_surface.sqlite'
        return xcoco.CocoSqlDatabase(fpath).populate_from(source)
    if request.param == 'frozen':
        from xcoco.frozen.views import freeze
        return freeze(source, tmp_path_factory.mktemp('frozen') / 'snap')
    if request.param == 'postgresql':
        uri = request.getfixturevalue('postgresql_uri')
        return xcoco.CocoSqlDatabase(uri).populate_from(source)
    backend = MappingDataset.from_dataset(source)
    assert not hasattr(backend, 'dataset')
    return backend


def test_tables_counts_and_lookups(dset, source):
    assert (dset.n_images, dset.n_annots, dset.n_cats, dset.n_videos, dset.n_tracks) == \
        (source.n_images, source.n_annots, source.n_cats, source.n_videos, source.n_tracks)
    assert dset.imgs[1] == source.imgs[1] and dset.anns[1] == source.anns[1]
    assert dset.cats.keys() == source.cats.keys()
    assert set(dset.gid_to_aids[1]) == set(source.gid_to_aids[1])
    assert set(dset.cid_to_aids[1]) == set(source.cid_to_aids[1])
    assert dset.name_to_cat['star']['id'] == source.name_to_cat['star']['id']
    assert dset._resolve_to_cid('star') == source._resolve_to_cid('star')
    assert dset.basic_stats() == source.basic_stats()
    assert dset.extended_stats()['annots_per_img'] == source.extended_stats()['annots_per_img']
    assert dset.category_annotation_frequency() == source.category_annotation_frequency()


def test_views(dset, source):
    vid = source.videos().ids[0]
    assert dset.images(video_id=vid).gids == source.images(video_id=vid).gids
    assert dset.videos().images[0].gids == source.videos().images[0].gids
    tid = source.tracks().ids[0]
    assert dset.annots(track_id=tid).aids == source.annots(track_id=tid).aids
    assert dset.tracks().annots[0].cnames == source.tracks().annots[0].cnames
    annots = dset.annots()
    assert annots.lookup('bbox') == source.annots().lookup('bbox')
    assert np.array_equal(annots.boxes.data, source.annots().boxes.data)
    assert annots.cnames == source.annots().cnames
    dets = dset.annots(image_id=1).detections
    assert len(dets) == len(source.annots(image_id=1))
    assert list(dets.classes) == list(source.object_categories())


def test_category_structure(dset, source):
    tree, want = dset.object_categories(), source.object_categories()
    assert tree.category_names == want.category_names
    assert sorted(tree.graph.edges) == sorted(want.graph.edges)
    names = dset.keypoint_categories().category_names
    assert names == [k['name'] for k in source.index.kpcats.values()]
    assert names[-2:] == ['nose', 'tail']


def test_coco_image_loads_and_draws(dset, source):
    coco_img = dset.coco_image(1)
    data = coco_img.imdelay(space='video').finalize()
    want = source.coco_image(1).imdelay(space='video').finalize()
    assert np.array_equal(data, want)
    canvas = coco_img.draw()
    assert canvas.shape[2] == 3 and canvas.dtype == np.uint8
    assert str(dset.get_image_fpath(1)) == str(source.get_image_fpath(1))


def test_checks(dset, source):
    result = dset.validate(missing=True)
    assert result['errors'] == source.validate(missing=True)['errors'] == []
    assert dset.missing_images() == []
    assert dset.corrupted_images() == []
