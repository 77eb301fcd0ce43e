"""
A category hierarchy on a ``networkx.DiGraph`` with id / name / index maps.

Edges point from a ``supercategory`` to its children.  Node order (the
"index" of each class, used for class-probability vectors) is the order in
which categories were added, with a referenced-but-undefined supercategory
placed right after its first child — the order kwcoco uses, so index-based
outputs line up after ``import xcoco as kwcoco``.

The forest helpers kwcoco exposes from this module (``tree_depth``,
``to_directed_nested_tuples`` ...) live in :mod:`xcoco.objects.forest` and
are importable from here too.

Example:
    >>> from xcoco.objects.category_tree import CategoryTree
    >>> tree = CategoryTree.from_coco([
    ...     {'id': 1, 'name': 'animal'},
    ...     {'id': 2, 'name': 'cat', 'supercategory': 'animal'},
    ...     {'id': 3, 'name': 'dog', 'supercategory': 'animal'}])
    >>> tree
    <CategoryTree(nNodes=3, maxDepth=2, maxBreadth=2, nodes=['animal', 'cat', 'dog'])>
    >>> tree.node_to_idx['dog'], tree.id_to_node[2], tree.is_mutex()
    (2, 'cat', False)
"""
from xcoco.errors import CategoryTreeError
from xcoco.objects.forest import (
    from_directed_nested_tuples,
    sink_nodes,
    source_nodes,
    to_directed_nested_tuples,
    traverse_siblings,
    tree_depth,
)
from xcoco.tables import INDEX_ATTR

__all__ = [
    'CategoryTree',
    'check_category_links',
    'from_directed_nested_tuples',
    'keypoint_categories',
    'object_categories',
    'sink_nodes',
    'source_nodes',
    'to_directed_nested_tuples',
    'traverse_siblings',
    'tree_depth',
]

class _IdToIdx(dict):
    """
    A dict that can still be called: old kwcoco code wrote
    ``tree.id_to_idx()``; kwcoco keeps that working with a warning.

    Example:
        >>> import warnings
        >>> lut = _IdToIdx({5: 0})
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always')
        ...     lut()[5], len(caught)
        (0, 1)
    """

    def __call__(self):
        import warnings
        warnings.warn('calling CategoryTree.id_to_idx is deprecated; it is a '
                      'dict attribute', DeprecationWarning, stacklevel=2)
        return self


class CategoryTree:
    """
    Category hierarchy with fast maps between ids, names and indexes.

    Args:
        graph (networkx.DiGraph | None): nodes are category names, node data
            the category dicts, edges go parent -> child.
        checks (bool): verify that the graph is a DiGraph without cycles.
            Unlike kwcoco, a node may have several parents (the
            ``parents`` field of a category).

    Attributes:
        graph (networkx.DiGraph)
        idx_to_node (List[str]), node_to_idx (Dict[str, int])
        id_to_node (Dict[int, str]), node_to_id (Dict[str, int])
        idx_to_id (List[int]), id_to_idx (Dict[int, int])
        idx_groups (List[List[int]]): indexes of classes that share a parent
            (the roots first), each sorted.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph([('vehicle', 'car'), ('vehicle', 'bus')])
        >>> tree = CategoryTree(graph)
        >>> tree.idx_to_id, 'car' in tree, len(tree), tree.idx_groups
        ([1, 2, 3], True, 3, [[0], [1, 2]])
    """

    def __init__(self, graph=None, checks=True):
        import networkx as nx
        if graph is None:
            graph = nx.DiGraph()
        if checks:
            if not isinstance(graph, nx.DiGraph):
                raise TypeError(f'CategoryTree needs a networkx.DiGraph, got {type(graph).__name__}')
            if not nx.is_directed_acyclic_graph(graph):
                raise CategoryTreeError('the category graph has a cycle; supercategory links must form a hierarchy')
        self.graph = graph
        self._build_index()

    def _build_index(self):
        """
        Recompute every lookup table from :attr:`graph` (call it after
        editing the graph in place).

        Index order is the graph's node order.  A node without an ``id``
        gets one past the largest id seen so far (at least 1), like kwcoco.

        Example:
            >>> tree = CategoryTree.from_mutex(['a'])
            >>> tree.graph.add_edge('a', 'b')
            >>> tree._build_index()
            >>> tree.idx_to_id, tree.idx_groups
            ([0, 1], [[0], [1]])
        """
        # nodes without an id get one past the largest integer id (string
        # ids, from other COCO dialects, do not count)
        next_id = max([0] + [data['id'] for _, data in self.graph.nodes(data=True)
                             if type(data.get('id')) is int]) + 1
        node_to_id = {}
        for node, data in self.graph.nodes(data=True):
            cid = data.get('id')
            if cid is None:
                cid = next_id
                next_id += 1
            node_to_id[node] = cid
        self._set_index(list(self.graph.nodes), node_to_id)

    def _set_index(self, idx_to_node, node_to_id):
        self.idx_to_node = idx_to_node
        self.node_to_idx = {node: idx for idx, node in enumerate(idx_to_node)}
        self.node_to_id = {node: node_to_id[node] for node in idx_to_node}
        self.id_to_node = {cid: node for node, cid in self.node_to_id.items()}
        self.idx_to_id = [self.node_to_id[node] for node in idx_to_node]
        self.id_to_idx = _IdToIdx((cid, idx) for idx, cid in enumerate(self.idx_to_id))
        self.idx_groups = [sorted(self.node_to_idx[n] for n in group)
                           for group in traverse_siblings(self.graph)]

    # ------------------------------------------------------------ builders
    @classmethod
    def from_coco(cls, categories):
        """
        Build from MS-COCO / kwcoco category dicts (``supercategory`` links;
        ``parents`` lists for multiple inheritance).

        Example:
            >>> tree = CategoryTree.from_coco([{'id': 4, 'name': 'cat', 'supercategory': 'animal'}])
            >>> tree.idx_to_node, tree.idx_to_id
            (['cat', 'animal'], [4, 5])
        """
        import networkx as nx
        graph = nx.DiGraph()
        for cat in categories:
            check_category_links(cat)
            name = cat['name']
            parents = cat.get('parents') or []
            sup = cat.get('supercategory')
            if name in graph and graph.nodes[name]:
                raise CategoryTreeError(f'category name {name!r} is defined twice')
            graph.add_node(name, **cat)
            parents = list(parents)
            if sup not in (None, '') and sup not in parents:
                parents.insert(0, sup)
            for parent in parents:
                if parent != name:  # MS-COCO 'person' is its own supercategory
                    graph.add_edge(parent, name)
        return cls(graph)

    @classmethod
    def from_mutex(cls, nodes, bg_hack=True):
        """
        Flat, mutually exclusive classes.  With ``bg_hack`` a class named
        ``'background'`` gets id 0 and the others ``index + 1``.  A repeated
        name keeps its first position and id.

        Example:
            >>> CategoryTree.from_mutex(['a', 'b']).idx_to_id
            [0, 1]
            >>> CategoryTree.from_mutex(['a', 'background', 'c']).idx_to_id
            [1, 0, 3]
        """
        import networkx as nx
        nodes = list(nodes)
        graph = nx.DiGraph()
        has_bg = bg_hack and 'background' in nodes
        for idx, node in enumerate(nodes):
            if node in graph:
                continue
            if has_bg:
                cid = 0 if node == 'background' else idx + 1
            else:
                cid = idx
            graph.add_node(node, id=cid)
        return cls(graph)

    @classmethod
    def from_json(cls, state):
        """
        Rebuild from :meth:`__json__` output (kwcoco's state: ``graph`` as
        nested tuples, ``idx_to_node``, ``id_to_node``).  Index order and ids
        come from the state; ids that JSON turned into strings are read back
        as integers.

        Example:
            >>> import json
            >>> tree = CategoryTree.from_coco([{'id': 2, 'name': 'a'}, {'id': 7, 'name': 'b', 'supercategory': 'a'}])
            >>> state = json.loads(json.dumps(tree.__json__()))
            >>> back = CategoryTree.from_json(state)
            >>> back.idx_to_id, list(back.graph.edges)
            ([2, 7], [('a', 'b')])
        """
        import networkx as nx
        if not isinstance(state, dict):
            raise TypeError(f'CategoryTree.from_json needs a dict, got {type(state).__name__}')
        if 'graph' in state:
            encoded = from_directed_nested_tuples(state['graph'])
        elif 'edges' in state or 'node_data' in state:
            # the flat state written by xcoco before it used kwcoco's format
            encoded = nx.DiGraph()
            encoded.add_nodes_from(state.get('idx_to_node', []))
            for node, data in state.get('node_data', {}).items():
                encoded.add_node(node, **data)
            encoded.add_edges_from(tuple(e) for e in state.get('edges', []))
        else:
            raise CategoryTreeError(
                "CategoryTree state needs a 'graph' (nested tuples) entry; got keys "
                f'{sorted(state)}')
        order = list(state.get('idx_to_node', []))
        missing = [n for n in order if n not in encoded]
        if missing:
            raise CategoryTreeError(f'CategoryTree state: idx_to_node names {missing!r} are not in its graph')
        order += [n for n in encoded.nodes if n not in set(order)]
        graph = nx.DiGraph()
        graph.add_nodes_from((node, encoded.nodes[node]) for node in order)
        graph.add_edges_from(encoded.edges)
        self = cls(graph)
        given = {node: _as_id(cid) for cid, node in state.get('id_to_node', {}).items()}
        if given:
            node_to_id = dict(self.node_to_id)
            node_to_id.update((n, c) for n, c in given.items() if n in node_to_id)
            self._set_index(self.idx_to_node, node_to_id)
        return self

    @classmethod
    def coerce(cls, data, **kw):
        """
        Build from a class count, a list of names, a list of category dicts,
        a graph, a ``__json__`` state, a dataset, or another tree.

        Example:
            >>> CategoryTree.coerce(2).idx_to_node
            ['class_1', 'class_2']
            >>> CategoryTree.coerce(['x', 'y']).idx_to_id
            [0, 1]
            >>> CategoryTree.coerce([{'id': 3, 'name': 'q'}]).idx_to_id
            [3]
        """
        import networkx as nx
        if isinstance(data, cls):
            if kw:
                raise ValueError(f'CategoryTree.coerce: options {sorted(kw)} do not apply to an existing tree')
            return data
        if isinstance(data, CategoryTree):
            # a tree of a parent class: upgrade it to this class
            return cls(data.graph, **kw)
        if isinstance(data, bool):
            raise TypeError('cannot coerce a bool into a CategoryTree')
        if isinstance(data, int):
            return cls.from_mutex([f'class_{i + 1}' for i in range(data)], **kw)
        if isinstance(data, nx.DiGraph):
            return cls(data, **kw)
        if isinstance(data, dict):
            return cls.from_json(data)
        if hasattr(data, 'index') and hasattr(data.index, 'cats'):
            return object_categories(data)
        if isinstance(data, (list, tuple)):
            if data and all(isinstance(item, dict) for item in data):
                return cls.from_coco(data)
            return cls.from_mutex(data, **kw)
        raise TypeError(f'cannot coerce {type(data).__name__} into a CategoryTree; '
                        'give an int, names, category dicts, a DiGraph or a dataset')

    @classmethod
    def demo(cls, key='coco', **kwargs):
        """
        kwcoco's example trees.

        Args:
            key (str):
                ``'coco'``: the categories of kwcoco's ``photos`` demo plus
                ``'background'`` (10 classes);
                ``'btree'``: a balanced tree of integers 1..N (``r`` children
                per node, height ``h``, both default 3) plus a lone node 0
                unless ``add_zero=False``;
                ``'btree2'``: the same with string names;
                ``'animals_v1'``: a 22-class animal taxonomy.

        Example:
            >>> CategoryTree.demo()
            <CategoryTree(nNodes=10, maxDepth=2, maxBreadth=4, nodes=['astronaut', 'human', 'rocket', 'object', 'helmet', 'mouth', 'star', 'astronomer', 'astroturf', 'background'])>
            >>> CategoryTree.demo('btree', r=2, h=2).idx_to_node
            [1, 2, 3, 4, 5, 6, 7, 0]
            >>> CategoryTree.demo('animals_v1').num_classes
            22
        """
        from xcoco.demo.trees import demo_category_graph
        return cls(demo_category_graph(key, **kwargs))

    # ------------------------------------------------------------ exports
    def to_coco(self):
        """
        Yield MS-COCO category dicts (with ``supercategory`` from the graph).

        Example:
            >>> list(CategoryTree.from_mutex(['a']).to_coco())
            [{'id': 0, 'name': 'a'}]
        """
        for node in self.idx_to_node:
            data = self.graph.nodes[node]
            cat = {'id': self.node_to_id[node], 'name': node}
            cat.update({k: v for k, v in data.items() if k not in ('id', 'name')})
            parents = list(self.graph.predecessors(node))
            if len(parents) == 1:
                cat['supercategory'] = parents[0]
            elif len(parents) > 1:
                cat['parents'] = parents
            yield cat

    def __json__(self):
        """
        A JSON-friendly state for :meth:`from_json`, in kwcoco's layout:
        ``graph`` (nested ``(node, data, children)`` tuples, see
        :func:`to_directed_nested_tuples`), ``id_to_node`` and
        ``idx_to_node``.

        Example:
            >>> tree = CategoryTree.from_mutex(['a', 'b'])
            >>> tree.__json__()
            {'graph': [('a', {'id': 0}, []), ('b', {'id': 1}, [])], 'id_to_node': {0: 'a', 1: 'b'}, 'idx_to_node': ['a', 'b']}
        """
        return {
            'graph': to_directed_nested_tuples(self.graph),
            'id_to_node': dict(self.id_to_node),
            'idx_to_node': list(self.idx_to_node),
        }

    def __getstate__(self):
        # pickles carry kwcoco's JSON state, as kwcoco's do
        return self.__json__()

    def __setstate__(self, state):
        self.__dict__.update(type(self).from_json(state).__dict__)

    def copy(self):
        """
        A copy with its own graph.

        Example:
            >>> tree = CategoryTree.from_mutex(['a'])
            >>> tree.copy().graph is tree.graph
            False
        """
        return self.__class__(self.graph.copy())

    # ------------------------------------------------------------ queries
    @property
    def cats(self):
        """
        Node name -> the node's data (the category dict).

        Example:
            >>> CategoryTree.from_coco([{'id': 1, 'name': 'a'}]).cats['a']['id']
            1
        """
        return dict(self.graph.nodes(data=True))

    @property
    def num_classes(self):
        """
        Example:
            >>> CategoryTree.from_mutex('abc').num_classes
            3
        """
        return len(self.idx_to_node)

    @property
    def class_names(self):
        """
        Node names in index order.

        Example:
            >>> CategoryTree.from_mutex(['b', 'a']).class_names
            ['b', 'a']
        """
        return self.idx_to_node

    @property
    def category_names(self):
        """
        Same as :attr:`class_names`.

        Example:
            >>> CategoryTree.from_mutex(['b']).category_names
            ['b']
        """
        return self.idx_to_node

    def index(self, node):
        """
        The index of a node name.

        Example:
            >>> CategoryTree.from_mutex(['a', 'b']).index('b')
            1
        """
        return self.node_to_idx[node]

    def is_mutex(self):
        """
        True when there is no hierarchy (no edges).

        Example:
            >>> CategoryTree.from_mutex(['a', 'b']).is_mutex(), CategoryTree.demo().is_mutex()
            (True, False)
        """
        return self.graph.number_of_edges() == 0

    def idx_to_ancestor_idxs(self, include_self=True):
        """
        Index -> indexes of its ancestors.

        Example:
            >>> CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b', 'supercategory': 'a'}]).idx_to_ancestor_idxs()
            {0: {0}, 1: {0, 1}}
        """
        import networkx as nx
        out = {}
        for idx, node in enumerate(self.idx_to_node):
            found = {self.node_to_idx[n] for n in nx.ancestors(self.graph, node)}
            if include_self:
                found.add(idx)
            out[idx] = found
        return out

    def idx_to_descendants_idxs(self, include_self=False):
        """
        Index -> indexes of its descendants.

        Example:
            >>> CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b', 'supercategory': 'a'}]).idx_to_descendants_idxs()
            {0: {1}, 1: set()}
        """
        import networkx as nx
        out = {}
        for idx, node in enumerate(self.idx_to_node):
            found = {self.node_to_idx[n] for n in nx.descendants(self.graph, node)}
            if include_self:
                found.add(idx)
            out[idx] = found
        return out

    def idx_pairwise_distance(self):
        """
        Signed hop counts between classes along the hierarchy (positive when
        the column is below the row, NaN when unrelated), as float32.

        Example:
            >>> tree = CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b', 'supercategory': 'a'}])
            >>> tree.idx_pairwise_distance().tolist()
            [[0.0, 1.0], [-1.0, 0.0]]
        """
        import networkx as nx
        import numpy as np
        n = len(self.idx_to_node)
        dist = np.full((n, n), np.nan, dtype=np.float32)
        for src, lengths in nx.all_pairs_shortest_path_length(self.graph):
            i = self.node_to_idx[src]
            for dst, length in lengths.items():
                j = self.node_to_idx[dst]
                dist[i, j] = length
                dist[j, i] = -length if i != j else 0
        return dist

    def subgraph(self, subnodes, closure=True):
        """
        The tree restricted to ``subnodes``, in that order, with their data.

        Args:
            subnodes (Iterable[str]): the class names to keep.
            closure (bool): link two kept classes when one is an ancestor of
                the other in this tree (through removed classes too), without
                redundant links; when False only direct links between kept
                classes survive.

        Ids are recomputed from the node data as for any new tree, so classes
        whose id was implicit get fresh ones (as in kwcoco).

        Example:
            >>> tree = CategoryTree.from_coco([
            ...     {'id': 1, 'name': 'animal'},
            ...     {'id': 2, 'name': 'mammal', 'supercategory': 'animal'},
            ...     {'id': 3, 'name': 'cat', 'supercategory': 'mammal'}])
            >>> list(tree.subgraph(['cat', 'animal']).graph.edges)
            [('animal', 'cat')]
            >>> list(tree.subgraph(['cat', 'animal'], closure=False).graph.edges)
            []
        """
        import networkx as nx
        keep = list(subnodes)
        unknown = [n for n in keep if n not in self.graph]
        if unknown:
            raise CategoryTreeError(f'subgraph: classes {unknown!r} are not in the tree')
        kept = set(keep)
        sub = nx.DiGraph()
        sub.add_nodes_from((node, dict(self.graph.nodes[node])) for node in keep)
        if closure:
            order = {node: idx for idx, node in enumerate(keep)}
            above = {node: nx.ancestors(self.graph, node) & kept for node in keep}
            edges = []
            for node in keep:
                # a kept ancestor links directly unless another kept
                # ancestor sits between them
                between = set().union(*(above[mid] for mid in above[node]))
                edges += [(parent, node) for parent in above[node] - between]
            # parent-major order, so sibling groups follow the parents' order
            sub.add_edges_from(sorted(edges, key=lambda e: (order[e[0]], order[e[1]])))
        else:
            sub.add_edges_from((u, v) for u in keep for v in self.graph.successors(u)
                               if v in kept)
        return self.__class__(sub)

    def take(self, indexes):
        """
        The tree restricted to the classes at ``indexes`` (in that order),
        with ancestor links kept as in :meth:`subgraph`.

        Example:
            >>> CategoryTree.from_mutex(['a', 'b', 'c']).take([2, 0]).idx_to_node
            ['c', 'a']
        """
        return self.subgraph([self.idx_to_node[i] for i in indexes])

    def normalize(self):
        """
        A copy whose names (and ``name`` / ``supercategory`` fields) are
        lower case without spaces, to match class names across datasets.

        Raises:
            CategoryTreeError: two names normalize to the same one.

        Example:
            >>> CategoryTree.from_coco([{'id': 2, 'name': 'Traffic Light', 'supercategory': 'Thing'}]).normalize().cats
            {'trafficlight': {'id': 2, 'name': 'trafficlight', 'supercategory': 'thing'}, 'thing': {'id': 3}}
        """
        import networkx as nx

        def fix(name):
            return name.lower().replace(' ', '') if isinstance(name, str) else name

        mapping = {}
        for node in self.graph.nodes:
            new = fix(node)
            if new in mapping.values():
                first = next(old for old, n in mapping.items() if n == new)
                raise CategoryTreeError(
                    f'normalize: classes {first!r} and {node!r} would both be named {new!r}')
            mapping[node] = new
        graph = nx.DiGraph()
        for node, data in self.graph.nodes(data=True):
            data = dict(data)
            data.setdefault('id', self.node_to_id[node])
            for field in ('name', 'supercategory'):
                if field in data:
                    data[field] = fix(data[field])
            graph.add_node(mapping[node], **data)
        graph.add_edges_from((mapping[u], mapping[v], d) for u, v, d in self.graph.edges(data=True))
        return self.__class__(graph)

    def forest_str(self):
        """
        A text drawing of the hierarchy.

        Example:
            >>> print(CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b', 'supercategory': 'a'}]).forest_str())
            ╙── a
                └─╼ b
        """
        import networkx as nx
        lines = []
        nx.write_network_text(self.graph, path=lines.append, end='')
        return '\n'.join(lines)

    def print_graph(self):
        """
        Print :meth:`forest_str`.

        Example:
            >>> CategoryTree.from_mutex(['a']).print_graph()
            ╙── a
        """
        print(self.forest_str())

    def show(self, ax=None, **kwargs):
        """
        Draw the hierarchy with matplotlib, roots on top.

        kwcoco lays the graph out with graphviz when pygraphviz is installed
        (else a spring layout); xcoco always uses its own top-down layout
        (:func:`xcoco.objects.forest.hierarchy_layout`), so no extra package
        is needed and the drawing is the same on every run.

        Args:
            ax (matplotlib.axes.Axes | None): where to draw (default: the
                current axes).
            **kwargs: passed to ``networkx.draw_networkx``.

        Returns:
            matplotlib.axes.Axes

        Raises:
            MissingDependencyError: matplotlib is not installed.

        Example:
            >>> tree = CategoryTree.demo('animals_v1')
            >>> try:
            ...     ax = tree.show()
            ... except ImportError as ex:
            ...     assert 'matplotlib' in str(ex)
        """
        from xcoco.errors import MissingDependencyError
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise MissingDependencyError(
                'CategoryTree.show needs matplotlib: pip install matplotlib') from None
        import networkx as nx

        from xcoco.objects.forest import hierarchy_layout
        if ax is None:
            ax = plt.gca()
        nx.draw_networkx(self.graph, pos=hierarchy_layout(self.graph), ax=ax, **kwargs)
        return ax

    # ------------------------------------------------------- container api
    def __len__(self):
        return len(self.idx_to_node)

    def __iter__(self):
        return iter(self.idx_to_node)

    def __getitem__(self, index):
        return self.idx_to_node[index]

    def __contains__(self, node):
        try:
            return node in self.node_to_idx
        except TypeError:   # an unhashable query is no class name
            return False

    def __eq__(self, other):
        # kwcoco compares trees by identity; so do we (trees are mutable).
        return self is other

    __hash__ = object.__hash__

    def __nice__(self):
        """
        The summary inside the repr: size, and for a hierarchy its depth and
        the largest sibling group.

        Example:
            >>> CategoryTree.demo('btree', r=2, h=1).__nice__()
            'nNodes=4, maxDepth=2, maxBreadth=2, nodes=[1, 2, 3, 0]'
        """
        parts = [f'nNodes={len(self)}']
        depth = tree_depth(self.graph)
        if depth > 1:
            breadth = max(len(group) for group in self.idx_groups)
            parts += [f'maxDepth={depth}', f'maxBreadth={breadth}']
        parts.append(f'nodes={self.idx_to_node!r}')
        return ', '.join(parts)

    def __repr__(self):
        return f'<CategoryTree({self.__nice__()})>'

    __str__ = __repr__


def _as_id(cid):
    """A category id read back from JSON, where dict keys became strings."""
    if isinstance(cid, str):
        try:
            return int(cid)
        except ValueError:
            return cid
    return cid


def _table(dset, table):
    """
    The objects of one table: through the index for a dataset (the shared
    read surface, so any backend works), from the list for a raw manifest.
    """
    index = getattr(dset, 'index', None)
    if index is not None:
        return list(getattr(index, INDEX_ATTR[table]).values())
    return list(dset.get(table, None) or [])


def object_categories(dset):
    """
    The dataset's categories as a :class:`CategoryTree`
    (``dset.object_categories()``).

    Example:
        >>> data = {'categories': [{'id': 1, 'name': 'person', 'supercategory': 'person'},
        ...                        {'id': 3, 'name': 'car', 'supercategory': 'vehicle'}]}
        >>> object_categories(data)
        <CategoryTree(nNodes=3, maxDepth=2, maxBreadth=2, nodes=['person', 'car', 'vehicle'])>
    """
    return CategoryTree.from_coco(_table(dset, 'categories'))


def keypoint_categories(dset):
    """
    The keypoint categories as a :class:`CategoryTree`
    (``dset.keypoint_categories()``): the ``keypoint_categories`` table, or
    for MS-COCO files the categories' ``keypoints`` name lists (ids 0..n-1).

    Example:
        >>> data = {'categories': [{'id': 1, 'name': 'person', 'keypoints': ['nose', 'eye']}]}
        >>> keypoint_categories(data).idx_to_id
        [0, 1]
    """
    table = _table(dset, 'keypoint_categories')
    if table:
        return CategoryTree.from_coco(table)
    names = []
    seen = set()
    for cat in _table(dset, 'categories'):
        kpnames = cat.get('keypoints') or []
        if not isinstance(kpnames, list):
            raise CategoryTreeError(
                f'category id={cat.get("id")!r} field \'keypoints\': {kpnames!r:.60} is '
                'not a list of keypoint names')
        for name in kpnames:
            if isinstance(name, str) and name not in seen:
                seen.add(name)
                names.append(name)
    return CategoryTree.from_mutex(names, bg_hack=False)


def check_category_links(cat):
    """
    Refuse a category whose name or links cannot be nodes of a category
    graph, naming the category and the field.

    Example:
        >>> check_category_links({'id': 1, 'name': 'cat', 'supercategory': 'animal'})
        >>> try:
        ...     check_category_links({'id': 2, 'name': 'dog', 'supercategory': ['animal']})
        ... except CategoryTreeError as ex:
        ...     print(ex)
        category id=2 field 'supercategory': ['animal'] is a list, not a category name
    """
    name, sup, parents = cat.get('name'), cat.get('supercategory'), cat.get('parents') or []

    def bad(value):
        return not isinstance(value, (str, int)) or isinstance(value, bool)
    problem = None
    if name is None:
        problem = "has no 'name'"
    elif bad(name):
        problem = f"field 'name': {name!r:.60} is a {type(name).__name__}, not a string"
    elif sup is not None and bad(sup):
        problem = (f"field 'supercategory': {sup!r:.60} is a {type(sup).__name__}, "
                   'not a category name')
    elif not isinstance(parents, list) or any(bad(parent) for parent in parents):
        problem = f"field 'parents': {parents!r:.60} is not a list of category names"
    if problem is not None:
        raise CategoryTreeError(f'category id={cat.get("id")!r} {problem}')
