"""
Where kwcoco is lax but loses nothing, the index follows it: frames before
their video, annotations before their track, files that repeat ids (indexed
last-wins), and the ``trackid_to_aids[None]`` group of trackless annotations.
Each case is checked against a fresh rebuild and, where kwcoco is installed,
against kwcoco 0.9's own index.
"""
import copy
import json
import warnings

import pytest

import xcoco
from xcoco.testing import assert_index_consistent


def _groups(index):
    """Every group as plain lists (sorted where the group has no order)."""
    out = {}
    for attr in ('gid_to_aids', 'cid_to_aids', 'vidid_to_gids', 'trackid_to_aids'):
        out[attr] = {key: (sorted(aids) if isinstance(aids, set) else list(aids))
                     for key, aids in getattr(index, attr).items()}
    return out


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return func(*args, **kwargs)


# ---- 1. frames before their video, annotations before their track ---------

def _frames_then_video(module):
    dset = module.CocoDataset()
    steps = []
    g1 = _quiet(dset.add_image, 'f1.png', video_id=1, frame_index=1)
    steps.append(list(dset.index.vidid_to_gids[1]))
    g0 = _quiet(dset.add_image, 'f0.png', video_id=1, frame_index=0)
    steps.append(list(dset.index.vidid_to_gids[1]))
    vid = dset.add_video('v')   # the next free video id is 1: it adopts them
    steps.append(list(dset.index.vidid_to_gids[1]))
    return dset, (g1, g0, vid), steps


def test_frames_may_come_before_their_video():
    with pytest.warns(UserWarning, match=r'image id=1 refers to video_id=1, which is '
                                         r'not in the videos table yet'):
        dset = xcoco.CocoDataset()
        dset.add_image('f1.png', video_id=1, frame_index=1)
    assert list(dset.index.vidid_to_gids[1]) == [1]
    assert_index_consistent(dset)
    _quiet(dset.add_image, 'f0.png', video_id=1, frame_index=0)
    assert list(dset.index.vidid_to_gids[1]) == [2, 1]   # frame order
    assert_index_consistent(dset)
    assert dset.add_video('v', id=1) == 1
    assert list(dset.index.vidid_to_gids[1]) == [2, 1]
    assert [img['id'] for img in dset.images(video_id=1).objs] == [2, 1]
    assert_index_consistent(dset)


def test_frames_before_their_video_as_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    ours = _frames_then_video(xcoco)
    theirs = _frames_then_video(kwcoco)
    assert ours[1] == theirs[1] and ours[2] == theirs[2] == [[1], [2, 1], [2, 1]]


def test_a_frame_still_needs_a_usable_video_id_and_frame_index():
    dset = xcoco.CocoDataset()
    with pytest.raises(TypeError, match=r'video_id=\[1\] is a list'):
        dset.add_image('a.png', video_id=[1], frame_index=0)
    with pytest.raises(xcoco.InvalidAddError, match="needs a 'frame_index'"):
        dset.add_image('a.png', video_id=1)
    assert dset.n_images == 0 and not dset.index.vidid_to_gids


def test_a_batch_warns_once_with_a_bounded_list():
    dset = xcoco.CocoDataset()
    with pytest.warns(UserWarning) as caught:
        dset.add_images([{'file_name': f'{i}.png', 'video_id': 7, 'frame_index': i}
                         for i in range(8)])
    assert len(caught) == 1
    message = str(caught[0].message)
    assert 'image id=5 refers to video_id=7' in message and '(and 3 more)' in message
    assert caught[0].filename == __file__


def test_loading_frames_of_a_missing_video(tmp_path):
    fpath = tmp_path / 'orphans.kwcoco.json'
    fpath.write_text(json.dumps({'images': [
        {'id': 1, 'file_name': 'b.png', 'video_id': 3, 'frame_index': 1},
        {'id': 2, 'file_name': 'a.png', 'video_id': 3, 'frame_index': 0}]}))
    dset = xcoco.CocoDataset(fpath)
    assert list(dset.index.vidid_to_gids[3]) == [2, 1]
    assert_index_consistent(dset)
    result = _quiet(dset.validate, missing=False)
    assert [(p.rule, p.id) for p in result['errors']] == [
        ('image.video_id.exists', 1), ('image.video_id.exists', 2)]
    assert str(result['errors'][0]) == 'image id=1 refers to video_id=3 which does not exist'
    dset.add_video('later', id=3)
    assert _quiet(dset.validate, missing=False)['errors'] == []
    assert_index_consistent(dset)


def test_annotations_may_come_before_their_track():
    dset = xcoco.CocoDataset()
    g0 = dset.add_image('a.png')
    with pytest.warns(UserWarning, match='annotation id=1 refers to track_id=5'):
        aid = dset.add_annotation(g0, track_id=5)
    assert list(dset.index.trackid_to_aids[5]) == [aid]
    dset.add_track('t', id=5)
    # kwcoco 0.9 empties the group here (its own rebuild brings the
    # annotation back); xcoco keeps it, as the rebuild does
    assert list(dset.index.trackid_to_aids[5]) == [aid]
    assert_index_consistent(dset)


def test_track_groups_after_adding_the_track_match_kwcocos_rebuild():
    kwcoco = pytest.importorskip('kwcoco')
    groups = []
    for module in (xcoco, kwcoco):
        dset = module.CocoDataset()
        gid = dset.add_image('a.png')
        _quiet(dset.add_annotation, gid, track_id=5)
        dset.add_annotation(gid)
        dset.add_track('t', id=5)
        if module is kwcoco:
            dset.rebuild_index()
        groups.append(_groups(dset.index)['trackid_to_aids'])
    assert groups[0] == groups[1] == {5: [1], None: [2]}


# ---- 2. files that repeat ids ----------------------------------------------

def _repeating():
    return {
        'categories': [{'id': 1, 'name': 'a'}, {'id': 1, 'name': 'b'}, {'id': 2, 'name': 'c'}],
        'videos': [{'id': 1, 'name': 'v1'}, {'id': 1, 'name': 'v2'}],
        'images': [{'id': 1, 'file_name': 'x.png', 'video_id': 1, 'frame_index': 0},
                   {'id': 2, 'file_name': 'y.png'},
                   {'id': 1, 'file_name': 'z.png', 'video_id': 1, 'frame_index': 1}],
        'tracks': [{'id': 1, 'name': 't1'}, {'id': 1, 'name': 't2'}],
        'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'track_id': 1},
                        {'id': 2, 'image_id': 2, 'category_id': 2},
                        {'id': 1, 'image_id': 2, 'category_id': 2}],
    }


def test_repeated_ids_warn_per_table_and_index_the_last_object():
    data = _repeating()
    with pytest.warns(UserWarning) as caught:
        dset = xcoco.CocoDataset(data)
    messages = [str(w.message) for w in caught]
    assert messages == [
        f"duplicate {noun} ids in table {table!r}: [1]; the index holds the "
        'last object with each id'
        for noun, table in [('category', 'categories'), ('video', 'videos'),
                            ('image', 'images'), ('track', 'tracks'),
                            ('annotation', 'annotations')]]
    index = dset.index
    for table, attr in [('categories', 'cats'), ('videos', 'videos'), ('images', 'imgs'),
                        ('tracks', 'tracks'), ('annotations', 'anns')]:
        assert getattr(index, attr)[1] is data[table][-1 if table != 'categories' else 1]
    assert index.imgs[1] is data['images'][2] and index.cats[1] is data['categories'][1]
    # the groups and names come from the indexed objects only
    assert _groups(index) == {
        'gid_to_aids': {1: [], 2: [1, 2]}, 'cid_to_aids': {1: [], 2: [1, 2]},
        'vidid_to_gids': {1: [1]}, 'trackid_to_aids': {1: [], None: [1, 2]}}
    assert sorted(index.name_to_cat) == ['b', 'c'] and sorted(index.file_name_to_img) == ['y.png', 'z.png']
    # nothing is dropped from the manifest, and validate names every repeat
    assert [len(data[t]) for t in ('images', 'annotations')] == [3, 3]
    result = _quiet(dset.validate, missing=False)
    repeats = [(p.path, p.id) for p in result['errors'] if p.rule == 'id.unique']
    assert repeats == [('/categories/1/id', 1), ('/videos/1/id', 1), ('/images/2/id', 1),
                       ('/tracks/1/id', 1), ('/annotations/2/id', 1)]
    assert_index_consistent(dset)


def test_repeated_ids_index_as_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    ours = _quiet(xcoco.CocoDataset, _repeating()).index
    theirs = _quiet(kwcoco.CocoDataset, _repeating()).index
    for attr in ('imgs', 'anns', 'cats', 'videos', 'tracks'):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert _groups(ours) == _groups(theirs)
    for attr in ('name_to_cat', 'name_to_video', 'name_to_track', 'file_name_to_img'):
        assert ({k: v['id'] for k, v in getattr(ours, attr).items()}
                == {k: v['id'] for k, v in getattr(theirs, attr).items()}), attr


def test_the_warning_lists_at_most_twenty_ids():
    data = {'images': [{'id': i % 25, 'file_name': f'{i}.png'} for i in range(50)]}
    with pytest.warns(UserWarning) as caught:
        xcoco.CocoDataset(data)
    message = str(caught[0].message)
    assert f'{list(range(20))} (and 5 more)' in message


@pytest.mark.parametrize('edit', [
    'remove_images([1])', 'remove_annotations([1])', 'remove_categories([1])',
    'remove_categories([1], keep_annots=True)', 'remove_videos([1])',
    'remove_videos([1], keep_images=True)', 'remove_tracks([1])',
    'remove_tracks([1], keep_annots=True)', "add_image('x.png')", "add_category('a')",
    "images([1]).set('name', ['q'])", "annots([1]).set('category_id', [1])",
    "annots([1]).set('track_id', [1])", 'clear_annotations()', 'clear_images()',
])
def test_edits_of_a_file_with_repeated_ids_stay_consistent(edit):
    dset = _quiet(xcoco.CocoDataset, _repeating())
    _quiet(eval, 'dset.' + edit, {'dset': dset})
    _quiet(assert_index_consistent, dset)


def test_removing_a_repeated_id_removes_every_object_holding_it():
    # kwcoco 0.9 removes one of them and its index then disagrees with a
    # rebuild (the other object comes back); xcoco removes them all
    data = _repeating()
    dset = _quiet(xcoco.CocoDataset, data)
    dset.remove_images([1])
    assert [img['file_name'] for img in data['images']] == ['y.png']
    dset.remove_annotations([1])
    assert [ann['id'] for ann in data['annotations']] == [2]
    assert_index_consistent(dset)


# ---- 4. the group of trackless annotations ---------------------------------

def _trackless_steps(module):
    dset = module.CocoDataset()
    gid = dset.add_image('a.png')
    tid = dset.add_track('t')
    dset.add_annotation(gid)
    dset.add_annotation(gid, track_id=tid)
    seen = [_groups(dset.index)['trackid_to_aids']]
    dset.rebuild_index()
    seen.append(_groups(dset.index)['trackid_to_aids'])
    dset.remove_tracks([tid], keep_annots=True)
    seen.append(_groups(dset.index)['trackid_to_aids'])
    dset.rebuild_index()
    seen.append(_groups(dset.index)['trackid_to_aids'])
    return seen


def test_trackless_annotations_are_grouped_under_none():
    steps = _trackless_steps(xcoco)
    assert steps == [{1: [2], None: [1]}, {1: [2], None: [1]},
                     {None: [1, 2]}, {None: [1, 2]}]


def test_trackless_group_as_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    assert _trackless_steps(xcoco) == _trackless_steps(kwcoco)
    # a fresh index of a file without track ids has the group too (and one
    # whose annotations all have tracks has none)
    for key, has_group in [('shapes2', True), ('vidshapes2', False)]:
        for module in (xcoco, kwcoco):
            index = _quiet(module.CocoDataset.demo, key).index
            trackless = {aid for aid, ann in index.anns.items() if ann.get('track_id') is None}
            assert (None in index.trackid_to_aids) == has_group, (module, key)
            assert set(index.trackid_to_aids.get(None, ())) == trackless, (module, key)


def test_trackless_group_follows_every_edit():
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png')
    tid = dset.add_track('t')
    a1, a2 = dset.add_annotation(gid), dset.add_annotation(gid, track_id=tid)
    index = dset.index
    assert type(index.trackid_to_aids[None]) is set   # no frame order to keep
    dset.annots([a1]).set('track_id', tid)
    assert index.trackid_to_aids[None] == set() and list(index.trackid_to_aids[tid]) == [a1, a2]
    dset.annots([a2]).set('track_id', None)
    assert index.trackid_to_aids[None] == {a2}
    assert_index_consistent(dset)
    dset.remove_annotations([a2])
    assert index.trackid_to_aids[None] == set()
    assert_index_consistent(dset)
    dset.clear_annotations()
    assert_index_consistent(dset)


def test_trackless_group_survives_union_and_copy():
    one = xcoco.CocoDataset.demo('shapes2')
    two = one.copy()
    assert two.index.trackid_to_aids[None] == set(two.anns)
    merged = xcoco.CocoDataset.union(one, two)
    assert merged.index.trackid_to_aids[None] == set(merged.anns)
    assert_index_consistent(merged)
    # stats do not count the group as a track
    assert merged.extended_stats()['annots_per_track'] == {'empty_list': True}


def test_dump_of_a_repeating_file_loses_nothing():
    data = _repeating()
    dset = _quiet(xcoco.CocoDataset, copy.deepcopy(data))
    assert json.loads(dset.dumps()) == data
