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
    # only the named classes are kept; links between them survive
    sub = tree.subgraph(['raster', 'eff', 'star'])
    # 'raster' had an implicit id; the new tree gives it the next free one
    assert sub.idx_to_node == ['raster', 'eff', 'star'] and sub.idx_to_id == [8, 7, 3]
    assert list(sub.graph.edges) == [('raster', 'eff')]
    assert tree.subgraph(['raster'], closure=False).idx_to_node == ['raster']
    assert tree.take([5, 0]).idx_to_id == [7, 0]
    with pytest.raises(ValueError, match="'nope'"):
        tree.subgraph(['nope'])
    norm = CategoryTree.from_coco([{'id': 2, 'name': 'Traffic Light', 'supercategory': 'Road Thing'}]).normalize()
    assert norm.idx_to_node == ['trafficlight', 'roadthing'] and norm.idx_to_id == [2, 3]
    assert norm.cats['trafficlight']['supercategory'] == 'roadthing'
    with pytest.raises(ValueError, match="'Cat' and 'cat' would both be named 'cat'"):
        CategoryTree.from_mutex(['Cat', 'cat']).normalize()
    text = tree.forest_str()
    assert 'raster' in text and 'superstar' in text


def test_closure_skips_removed_middle_classes():
    tree = CategoryTree.from_coco([
        {'id': 1, 'name': 'animal'},
        {'id': 2, 'name': 'mammal', 'supercategory': 'animal'},
        {'id': 3, 'name': 'cat', 'supercategory': 'mammal'},
        {'id': 4, 'name': 'lion', 'supercategory': 'cat'},
    ])
    sub = tree.subgraph(['lion', 'mammal', 'animal'])
    assert sorted(sub.graph.edges) == [('animal', 'mammal'), ('mammal', 'lion')]
    assert sub.idx_groups == [[2], [1], [0]]
    assert list(tree.subgraph(['lion', 'animal'], closure=False).graph.edges) == []


def test_json_state_roundtrip_and_legacy_state():
    import json
    tree = CategoryTree.demo('animals_v1')
    state = json.loads(json.dumps(tree.__json__()))
    back = CategoryTree.from_json(state)
    for attr in ['idx_to_node', 'idx_to_id', 'id_to_node']:
        assert getattr(back, attr) == getattr(tree, attr), attr
    # the state sorts children by name, so only the groups' order may change
    assert sorted(back.idx_groups) == sorted(tree.idx_groups)
    assert sorted(back.graph.edges) == sorted(tree.graph.edges)
    # the flat layout older xcoco versions wrote still loads
    legacy = {'idx_to_node': ['a', 'b'], 'id_to_node': {'5': 'a', '9': 'b'},
              'edges': [['a', 'b']], 'node_data': {'a': {'id': 5}, 'b': {}}}
    old = CategoryTree.from_json(legacy)
    assert old.idx_to_id == [5, 9] and list(old.graph.edges) == [('a', 'b')]
    with pytest.raises(ValueError, match="needs a 'graph'"):
        CategoryTree.from_json({'idx_to_node': ['a']})
    with pytest.raises(ValueError, match=r"\['zz'\] are not in its graph"):
        CategoryTree.from_json({'graph': [], 'idx_to_node': ['zz']})


def test_pickle_carries_the_json_state():
    import pickle
    tree = CategoryTree.demo('coco')
    assert tree.__getstate__() == tree.__json__()
    back = pickle.loads(pickle.dumps(tree))
    assert back.__json__() == tree.__json__() and back.idx_to_id == tree.idx_to_id


def test_id_to_idx_is_a_dict_that_can_be_called():
    tree = CategoryTree.from_mutex(['a', 'b'])
    assert tree.id_to_idx == {0: 0, 1: 1}
    with pytest.warns(DeprecationWarning, match='id_to_idx'):
        assert tree.id_to_idx() is tree.id_to_idx


def test_show_needs_matplotlib(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, 'matplotlib', None)
    monkeypatch.setitem(sys.modules, 'matplotlib.pyplot', None)
    import xcoco
    with pytest.raises(xcoco.MissingDependencyError, match='matplotlib'):
        CategoryTree.demo().show()


def test_show_draws_with_the_hierarchy_layout(monkeypatch):
    import sys
    import types

    from xcoco.objects.forest import hierarchy_layout
    pyplot = types.ModuleType('matplotlib.pyplot')
    pyplot.gca = lambda: 'current-axes'
    matplotlib = types.ModuleType('matplotlib')
    matplotlib.pyplot = pyplot
    monkeypatch.setitem(sys.modules, 'matplotlib', matplotlib)
    monkeypatch.setitem(sys.modules, 'matplotlib.pyplot', pyplot)
    calls = []
    monkeypatch.setattr(nx, 'draw_networkx', lambda graph, **kw: calls.append((graph, kw)))
    tree = CategoryTree.demo('animals_v1')
    assert tree.show(node_size=10) == 'current-axes'
    (graph, kw), = calls
    assert graph is tree.graph and kw['ax'] == 'current-axes' and kw['node_size'] == 10
    assert kw['pos'] == hierarchy_layout(tree.graph)
    assert [1] not in tree


def test_hierarchy_layout_puts_parents_over_children():
    from xcoco.objects.forest import hierarchy_layout
    tree = CategoryTree.demo('animals_v1')
    pos = hierarchy_layout(tree.graph)
    assert set(pos) == set(tree.graph.nodes)
    for parent, child in tree.graph.edges:
        assert pos[parent][1] == pos[child][1] + 1
    for node in tree.graph.nodes:
        kids = list(tree.graph.successors(node))
        if kids:
            assert pos[node][0] == pytest.approx(sum(pos[k][0] for k in kids) / len(kids))


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
    assert CategoryTree.demo('btree', r=2, h=2).num_classes == 8
    assert CategoryTree.demo('btree', r=2, h=2, add_zero=False).idx_to_node == [1, 2, 3, 4, 5, 6, 7]
    assert CategoryTree.demo('btree2', r=1, h=1).idx_to_node == ['1', '2', '0']
    tree = CategoryTree.demo('coco')
    assert tree.node_to_id['object'] == 9 and tree.node_to_id['background'] == 0
    assert tree.idx_groups == [[1, 3, 9], [0, 5, 7], [2, 4, 6, 8]]
    with pytest.raises(KeyError, match='btree'):
        CategoryTree.demo('nope')
    with pytest.raises(TypeError, match=r"unexpected options \['q'\]"):
        CategoryTree.demo('btree', q=1)


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


def _kwcoco_photos_offline(monkeypatch):
    """kwcoco's 'coco' tree builds its photos demo; stop it fetching images."""
    kwimage = pytest.importorskip('kwimage')
    monkeypatch.setattr(kwimage, 'grab_test_image_fpath', lambda key, *a, **k: f'/nonexistent/{key}.png')


def _assert_same_tree(ours, theirs, group_order=True):
    import numpy as np
    for attr in ['idx_to_node', 'idx_to_id', 'node_to_idx', 'id_to_node', 'node_to_id',
                 'id_to_idx']:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    if group_order:
        assert ours.idx_groups == theirs.idx_groups
    else:
        assert sorted(ours.idx_groups) == sorted(theirs.idx_groups)
    assert sorted(ours.graph.edges, key=repr) == sorted(theirs.graph.edges, key=repr)
    assert ours.cats == theirs.cats
    assert ours.__nice__() == theirs.__nice__()
    assert ours.idx_to_ancestor_idxs() == theirs.idx_to_ancestor_idxs()
    assert ours.idx_to_descendants_idxs() == theirs.idx_to_descendants_idxs()
    mine, other = ours.idx_pairwise_distance(), theirs.idx_pairwise_distance()
    assert mine.dtype == other.dtype and np.array_equal(mine, other, equal_nan=True)


@pytest.mark.parametrize('key, kwargs', [
    ('coco', {}), ('btree', {}), ('btree2', {}), ('animals_v1', {}),
    ('btree', {'r': 2, 'h': 4, 'add_zero': False}), ('btree2', {'r': 1, 'h': 0}),
])
def test_demo_trees_equal_kwcoco(key, kwargs, monkeypatch):
    kwcoco = pytest.importorskip('kwcoco')
    _kwcoco_photos_offline(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        theirs = kwcoco.CategoryTree.demo(key, **kwargs)
    # before any memoized kwcoco attribute leaks into its state
    their_state = theirs.__json__()
    ours = CategoryTree.demo(key, **kwargs)
    # the exact graph: node order with data, and edge order
    assert list(ours.graph.nodes(data=True)) == list(theirs.graph.nodes(data=True))
    assert list(ours.graph.edges) == list(theirs.graph.edges)
    _assert_same_tree(ours, theirs)
    assert ours.__json__() == their_state
    assert list(ours.to_coco()) == list(theirs.to_coco())
    # each side reads the other's state
    _assert_same_tree(CategoryTree.from_json(their_state),
                      kwcoco.CategoryTree.from_json(ours.__json__()))
    # kwcoco links the kept classes in set (hash) order, so sibling groups
    # may come in another order
    for indexes in ([2, 1, 0], [5, 3, 4, 0], [7, 8, 1]):
        indexes = [i for i in indexes if i < len(ours)]
        _assert_same_tree(ours.take(indexes), theirs.take(indexes), group_order=False)
    names = ours.idx_to_node[::2]
    for closure in (True, False):
        mine, other = ours.subgraph(names, closure=closure), theirs.subgraph(names, closure=closure)
        if closure:
            _assert_same_tree(mine, other, group_order=False)
        else:
            # kwcoco also pulls in the children of kept classes (with new ids)
            assert set(mine.graph.edges) <= set(other.graph.edges)
            assert mine.idx_to_node == other.idx_to_node[:len(mine)]


def test_forest_helpers_equal_kwcoco():
    kwcoco_tree = pytest.importorskip('kwcoco.category_tree')
    from xcoco import category_tree as ours
    graph = nx.gnr_graph(20, 0.3, seed=790).reverse()
    graph.nodes[0]['color'] = 'black'
    trees = [graph, CategoryTree.demo('animals_v1').graph, nx.DiGraph(), CategoryTree.demo('btree').graph]
    for g in trees:
        assert list(ours.source_nodes(g)) == list(kwcoco_tree.source_nodes(g))
        assert list(ours.sink_nodes(g)) == list(kwcoco_tree.sink_nodes(g))
        assert list(ours.traverse_siblings(g)) == list(kwcoco_tree.traverse_siblings(g))
        assert ours.tree_depth(g) == kwcoco_tree.tree_depth(g)
        for flag in (True, False):
            enc = ours.to_directed_nested_tuples(g, with_data=flag)
            assert enc == kwcoco_tree.to_directed_nested_tuples(g, with_data=flag)
            back = ours.from_directed_nested_tuples(enc)
            theirs = kwcoco_tree.from_directed_nested_tuples(enc)
            assert list(back.nodes(data=True)) == list(theirs.nodes(data=True))
            assert list(back.edges) == list(theirs.edges)
    assert ours.tree_depth(graph, 1) == kwcoco_tree.tree_depth(graph, 1)
    with pytest.raises(ValueError, match="root 'nope'"):
        ours.tree_depth(graph, 'nope')


def test_normalize_and_coerce_equal_kwcoco():
    kwcoco = pytest.importorskip('kwcoco')
    upper = nx.relabel_nodes(CategoryTree.demo('animals_v1').graph, str.upper)
    _assert_same_tree(CategoryTree(upper).normalize(), kwcoco.CategoryTree(upper.copy()).normalize())
    cats = [{'name': 'cat1'}, {'name': 'cat2', 'id': 1}]
    _assert_same_tree(CategoryTree.coerce(cats), kwcoco.CategoryTree.coerce(cats))
    _assert_same_tree(CategoryTree.coerce(['a', 'b', 'a']), kwcoco.CategoryTree.coerce(['a', 'b', 'a']))
    _assert_same_tree(CategoryTree.coerce([{'name': 'a', 'id': -5}, {'name': 'b'}]),
                      kwcoco.CategoryTree.coerce([{'name': 'a', 'id': -5}, {'name': 'b'}]))
    _assert_same_tree(CategoryTree(), kwcoco.CategoryTree())
    assert CategoryTree().__json__() == kwcoco.CategoryTree().__json__()
    tree = CategoryTree.coerce(3)
    with pytest.raises(ValueError):
        CategoryTree.coerce(tree, bg_hack=False)
    with pytest.raises(ValueError):
        kwcoco.CategoryTree.coerce(kwcoco.CategoryTree.coerce(3), bg_hack=False)


def test_every_kwcoco_public_name_exists():
    kwcoco = pytest.importorskip('kwcoco')
    import kwcoco.category_tree as their_mod

    import xcoco.category_tree as ours_mod
    tree = CategoryTree.demo('btree')
    theirs = kwcoco.CategoryTree.demo('btree')
    for name in dir(theirs):
        if not name.startswith('_') or name in ('__json__', '_build_index', '__nice__'):
            assert hasattr(tree, name), name
    for name in ['source_nodes', 'sink_nodes', 'traverse_siblings', 'tree_depth',
                 'to_directed_nested_tuples', 'from_directed_nested_tuples', 'CategoryTree']:
        assert hasattr(their_mod, name) and hasattr(ours_mod, name), name
