"""
CategoryTree: maps, builders and exports, compared with kwcoco's where it is
installed.
"""
import warnings

import networkx as nx
import pytest

from xcoco.objects.category_tree import CategoryTree, keypoint_categories, object_categories

HIER = [
    {'id': 0, 'name': 'background'},
    {'name': 'star', 'id': 3, 'supercategory': 'vector', 'keypoints': []},
    {'name': 'superstar', 'id': 6, 'supercategory': 'raster', 'keypoints': ['l', 'r']},
    {'name': 'eff', 'id': 7, 'supercategory': 'raster'},
]


def test_from_coco_maps():
    tree = CategoryTree.from_coco(HIER)
    assert tree.idx_to_node == ['background', 'star', 'vector', 'superstar', 'raster', 'eff']
    # implicit supercategories get ids after the largest given one
    assert tree.idx_to_id == [0, 3, 8, 6, 9, 7]
    assert tree.id_to_idx[8] == 2 and tree.node_to_id['raster'] == 9
    assert tree.id_to_node[6] == 'superstar'
    assert tree.node_to_idx['eff'] == 5 and tree.index('eff') == 5
    assert len(tree) == 6 and list(tree) == tree.idx_to_node and tree[1] == 'star'
    assert 'vector' in tree and 3 not in tree
    assert not tree.is_mutex() and tree.num_classes == 6
    assert tree.class_names == tree.category_names == tree.idx_to_node
    assert tree.cats['star']['supercategory'] == 'vector'
    assert sorted(tree.graph.edges) == [('raster', 'eff'), ('raster', 'superstar'), ('vector', 'star')]
    assert repr(tree) == ("<CategoryTree(nNodes=6, maxDepth=2, maxBreadth=3, nodes=['background', "
                          "'star', 'vector', 'superstar', 'raster', 'eff'])>")


def test_ancestors_descendants_distance():
    tree = CategoryTree.from_coco(HIER)
    assert tree.idx_to_ancestor_idxs() == {0: {0}, 1: {1, 2}, 2: {2}, 3: {3, 4}, 4: {4}, 5: {4, 5}}
    assert tree.idx_to_ancestor_idxs(include_self=False)[5] == {4}
    assert tree.idx_to_descendants_idxs() == {0: set(), 1: set(), 2: {1}, 3: set(), 4: {3, 5}, 5: set()}
    dist = tree.idx_pairwise_distance()
    assert dist[4, 5] == 1 and dist[5, 4] == -1 and dist[0, 0] == 0


def test_mutex_and_coerce():
    assert CategoryTree.from_mutex(['a', 'b', 'c']).idx_to_id == [0, 1, 2]
    assert CategoryTree.from_mutex(['a', 'background', 'c']).idx_to_id == [1, 0, 3]
    assert CategoryTree.from_mutex(['a', 'background'], bg_hack=False).idx_to_id == [0, 1]
    assert CategoryTree.coerce(3).idx_to_node == ['class_1', 'class_2', 'class_3']
    assert CategoryTree.coerce([{'id': 4, 'name': 'q'}]).idx_to_id == [4]
    tree = CategoryTree.from_coco(HIER)
    assert CategoryTree.coerce(tree) is tree
    assert CategoryTree.coerce(tree.__json__()).idx_to_id == tree.idx_to_id
    assert CategoryTree.coerce(nx.DiGraph([('a', 'b')])).idx_to_id == [1, 2]
    with pytest.raises(TypeError, match='cannot coerce'):
        CategoryTree.coerce(2.5)
    assert repr(CategoryTree.from_mutex(['a'])) == "<CategoryTree(nNodes=1, nodes=['a'])>"


def test_exports_roundtrip():
    tree = CategoryTree.from_coco(HIER)
    cats = list(tree.to_coco())
    assert cats[1] == {'id': 3, 'name': 'star', 'supercategory': 'vector', 'keypoints': []}
    assert cats[2] == {'id': 8, 'name': 'vector'}
    again = CategoryTree.from_coco(cats)
    assert again.idx_to_id == tree.idx_to_id and again.idx_to_node == tree.idx_to_node
    state = tree.__json__()
    import json
    back = CategoryTree.from_json(json.loads(json.dumps(state)))
    assert back.idx_to_id == tree.idx_to_id
    assert sorted(back.graph.edges) == sorted(tree.graph.edges)
    copied = tree.copy()
    copied.graph.add_node('new')
    assert 'new' not in tree.graph


def test_subgraph_take_normalize_forest():
    tree = CategoryTree.from_coco(HIER)
    sub = tree.subgraph(['raster'])
    assert sub.idx_to_node == ['raster', 'superstar', 'eff'] and sub.idx_to_id == [9, 6, 7]
    assert tree.subgraph(['raster'], closure=False).idx_to_node == ['raster']
    assert tree.take([5, 0]).idx_to_id == [7, 0]
    norm = CategoryTree.from_coco([{'id': 2, 'name': 'Traffic Light'}]).normalize()
    assert norm.idx_to_node == ['trafficlight'] and norm.idx_to_id == [2]
    text = tree.forest_str()
    assert 'raster' in text and 'superstar' in text


def test_cycles_and_duplicate_names_are_refused():
    with pytest.raises(ValueError, match='cycle'):
        CategoryTree(nx.DiGraph([('a', 'b'), ('b', 'a')]))
    with pytest.raises(ValueError, match="'a' is defined twice"):
        CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'a'}])


def test_own_supercategory_and_multiple_parents():
    tree = CategoryTree.from_coco([{'id': 1, 'name': 'person', 'supercategory': 'person'}])
    assert tree.idx_to_node == ['person'] and tree.is_mutex()
    tree = CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'},
                                   {'id': 3, 'name': 'c', 'parents': ['a', 'b']}])
    assert sorted(tree.graph.predecessors('c')) == ['a', 'b']
    assert list(tree.to_coco())[2]['parents'] == ['a', 'b']


def test_demo_trees():
    assert CategoryTree.demo('btree', r=2, h=2).num_classes == 7
    with pytest.raises(KeyError, match='btree'):
        CategoryTree.demo('nope')


def test_dataset_categories_and_keypoint_categories():
    data = {'categories': HIER,
            'keypoint_categories': [{'id': 9, 'name': 'zz'},
                                    {'id': 3, 'name': 'aa', 'supercategory': 'zz'}]}
    assert object_categories(data).idx_to_id == [0, 3, 8, 6, 9, 7]
    kp = keypoint_categories(data)
    assert kp.idx_to_node == ['zz', 'aa'] and kp.idx_to_id == [9, 3]
    legacy = {'categories': [{'id': 1, 'name': 'person', 'keypoints': ['nose', 'eye']},
                             {'id': 2, 'name': 'face', 'keypoints': ['eye', 'mouth']}]}
    assert keypoint_categories(legacy).idx_to_node == ['nose', 'eye', 'mouth']
    assert keypoint_categories(legacy).idx_to_id == [0, 1, 2]


def test_kwcoco_reexport_path():
    from xcoco.category_tree import CategoryTree as Reexported
    assert Reexported is CategoryTree


@pytest.mark.parametrize('categories', [
    HIER,
    [{'id': 5, 'name': 'z'}, {'id': 2, 'name': 'a', 'supercategory': 'z'}, {'id': 1, 'name': 'b'}],
    [{'id': 1, 'name': 'cat', 'supercategory': 'animal'},
     {'id': 2, 'name': 'dog', 'supercategory': 'animal'},
     {'id': 3, 'name': 'car', 'supercategory': 'vehicle'}],
])
def test_same_maps_as_kwcoco(categories):
    kwcoco = pytest.importorskip('kwcoco')
    theirs = kwcoco.CategoryTree.from_coco(categories)
    ours = CategoryTree.from_coco(categories)
    for attr in ['idx_to_node', 'idx_to_id', 'node_to_idx', 'id_to_node', 'node_to_id', 'id_to_idx']:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.idx_to_ancestor_idxs() == theirs.idx_to_ancestor_idxs()
    assert ours.idx_to_descendants_idxs() == theirs.idx_to_descendants_idxs()
    assert ours.is_mutex() == theirs.is_mutex()
    assert ours.__nice__() == theirs.__nice__()
    assert list(ours.to_coco()) == list(theirs.to_coco())


def test_same_as_kwcoco_on_demo_dataset():
    kwcoco = pytest.importorskip('kwcoco')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        dset = kwcoco.CocoDataset.demo('shapes8')
    for ours, theirs in [(object_categories(dset.dataset), dset.object_categories()),
                         (keypoint_categories(dset.dataset), dset.keypoint_categories())]:
        assert ours.idx_to_node == theirs.idx_to_node
        assert ours.idx_to_id == theirs.idx_to_id
    for n in [1, 3]:
        assert CategoryTree.coerce(n).idx_to_id == kwcoco.CategoryTree.coerce(n).idx_to_id
    for names in [['a', 'background', 'c'], ['x', 'y']]:
        assert (CategoryTree.from_mutex(names).idx_to_id
                == kwcoco.CategoryTree.from_mutex(names).idx_to_id)


def test_points_from_coco_accept_our_tree():
    import kwimage
    kpcats = CategoryTree.from_coco([{'id': 1, 'name': 'l'}, {'id': 2, 'name': 'r'}])
    pts = kwimage.Points.from_coco([{'xy': [1, 2], 'keypoint_category_id': 2}], classes=kpcats)
    assert pts.data['class_idxs'].tolist() == [1]
