"""
A category hierarchy on a ``networkx.DiGraph`` with id / name / index maps.

Edges point from a ``supercategory`` to its children.  Node order (the
"index" of each class, used for class-probability vectors) is the order in
which categories were added, with a referenced-but-undefined supercategory
placed right after its first child — the order kwcoco uses, so index-based
outputs line up after ``import xcoco as kwcoco``.

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
from xcoco.tables import INDEX_ATTR

__all__ = ['CategoryTree', 'keypoint_categories', 'object_categories']


class CategoryTree:
    """
    Category hierarchy with fast maps between ids, names and indexes.

    Args:
        graph (networkx.DiGraph | None): nodes are category names, node data
            the category dicts, edges go parent -> child.
        checks (bool): verify that the graph is a directed forest-like DAG.

    Attributes:
        graph (networkx.DiGraph)
        idx_to_node (List[str]), node_to_idx (Dict[str, int])
        id_to_node (Dict[int, str]), node_to_id (Dict[str, int])
        idx_to_id (List[int]), id_to_idx (Dict[int, int])

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph([('vehicle', 'car')])
        >>> tree = CategoryTree(graph)
        >>> tree.idx_to_id, 'car' in tree, len(tree)
        ([1, 2], True, 2)
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
        self.idx_to_node = list(self.graph.nodes)
        self.node_to_idx = {node: idx for idx, node in enumerate(self.idx_to_node)}
        known = [d['id'] for _, d in self.graph.nodes(data=True) if d.get('id') is not None]
        next_id = max(known, default=0) + 1
        self.node_to_id = {}
        for node in self.idx_to_node:
            cid = self.graph.nodes[node].get('id')
            if cid is None:
                # Implicit supercategories get fresh ids past the largest one.
                cid = next_id
                next_id += 1
            self.node_to_id[node] = cid
        self.id_to_node = {cid: node for node, cid in self.node_to_id.items()}
        self.idx_to_id = [self.node_to_id[node] for node in self.idx_to_node]
        self.id_to_idx = {cid: idx for idx, cid in enumerate(self.idx_to_id)}

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
            name = cat['name']
            if name in graph and graph.nodes[name]:
                raise CategoryTreeError(f'category name {name!r} is defined twice')
            graph.add_node(name, **cat)
            parents = list(cat.get('parents') or [])
            sup = cat.get('supercategory')
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
        ``'background'`` gets id 0 and the others ``index + 1``.

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
            if has_bg:
                cid = 0 if node == 'background' else idx + 1
            else:
                cid = idx
            graph.add_node(node, id=cid)
        return cls(graph)

    @classmethod
    def from_json(cls, state):
        """
        Rebuild from :meth:`__json__` output.

        Example:
            >>> tree = CategoryTree.from_coco([{'id': 2, 'name': 'a'}, {'id': 7, 'name': 'b', 'supercategory': 'a'}])
            >>> CategoryTree.from_json(tree.__json__()).idx_to_id
            [2, 7]
        """
        import networkx as nx
        graph = nx.DiGraph()
        for node in state['idx_to_node']:
            graph.add_node(node)
        for node, data in state.get('node_data', {}).items():
            graph.nodes[node].update(data)
        graph.add_edges_from(tuple(e) for e in state.get('edges', []))
        for cid, node in state.get('id_to_node', {}).items():
            graph.nodes[node].setdefault('id', int(cid))
        return cls(graph)

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
            return data
        if isinstance(data, int):
            return cls.from_mutex([f'class_{i + 1}' for i in range(data)], **kw)
        if isinstance(data, nx.DiGraph):
            return cls(data, **kw)
        if isinstance(data, dict) and 'idx_to_node' in data:
            return cls.from_json(data)
        if hasattr(data, 'index') and hasattr(data.index, 'cats'):
            return object_categories(data)
        if isinstance(data, (list, tuple)):
            if all(isinstance(item, dict) for item in data) and data:
                return cls.from_coco(data)
            return cls.from_mutex(data, **kw)
        raise TypeError(f'cannot coerce {type(data).__name__} into a CategoryTree; '
                        'give an int, names, category dicts, a DiGraph or a dataset')

    @classmethod
    def demo(cls, key='coco', **kwargs):
        """
        Small example trees: ``'coco'`` (a few classes in a hierarchy) or
        ``'btree'`` (a balanced tree; ``r`` children, height ``h``).

        Example:
            >>> CategoryTree.demo('btree', r=2, h=2).num_classes
            7
            >>> 'background' in CategoryTree.demo('coco')
            True
        """
        import networkx as nx
        if key == 'coco':
            return cls.from_coco([
                {'id': 0, 'name': 'background'},
                {'id': 1, 'name': 'animal'},
                {'id': 2, 'name': 'cat', 'supercategory': 'animal'},
                {'id': 3, 'name': 'dog', 'supercategory': 'animal'},
                {'id': 4, 'name': 'vehicle'},
                {'id': 5, 'name': 'car', 'supercategory': 'vehicle'},
                {'id': 6, 'name': 'bike', 'supercategory': 'vehicle'},
            ])
        if key == 'btree':
            r, h = kwargs.get('r', 3), kwargs.get('h', 3)
            tree = nx.balanced_tree(r=r, h=h, create_using=nx.DiGraph)
            graph = nx.DiGraph()
            for node in sorted(tree.nodes):
                graph.add_node(node, id=node + 1)
            graph.add_edges_from(tree.edges)
            return cls(graph)
        raise KeyError(f'unknown CategoryTree demo key {key!r}; known: coco, btree')

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
        A JSON-friendly state for :meth:`from_json`.

        Example:
            >>> CategoryTree.from_mutex(['a', 'b']).__json__()['idx_to_node']
            ['a', 'b']
        """
        return {
            'idx_to_node': list(self.idx_to_node),
            'id_to_node': dict(self.id_to_node),
            'edges': [list(e) for e in self.graph.edges],
            'node_data': {n: dict(d) for n, d in self.graph.nodes(data=True)},
        }

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
        the column is below the row, NaN when unrelated).

        Example:
            >>> tree = CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b', 'supercategory': 'a'}])
            >>> tree.idx_pairwise_distance().tolist()
            [[0.0, 1.0], [-1.0, 0.0]]
        """
        import networkx as nx
        import numpy as np
        n = len(self.idx_to_node)
        dist = np.full((n, n), np.nan)
        for src, lengths in nx.all_pairs_shortest_path_length(self.graph):
            i = self.node_to_idx[src]
            for dst, length in lengths.items():
                j = self.node_to_idx[dst]
                dist[i, j] = length
                dist[j, i] = -length if i != j else 0
        return dist

    def subgraph(self, subnodes, closure=True):
        """
        The tree restricted to ``subnodes`` (plus their descendants when
        ``closure``), keeping ids.

        Example:
            >>> CategoryTree.demo().subgraph(['vehicle']).idx_to_node
            ['vehicle', 'car', 'bike']
        """
        import networkx as nx
        keep = list(subnodes)
        if closure:
            extra = set()
            for node in keep:
                extra |= nx.descendants(self.graph, node)
            keep = keep + [n for n in self.idx_to_node if n in extra and n not in keep]
        sub = nx.DiGraph()
        for node in keep:
            sub.add_node(node, **{**self.graph.nodes[node], 'id': self.node_to_id[node]})
        sub.add_edges_from((u, v) for u, v in self.graph.edges if u in sub and v in sub)
        return self.__class__(sub)

    def take(self, indexes):
        """
        The tree restricted to the classes at ``indexes`` (in that order).

        Example:
            >>> CategoryTree.from_mutex(['a', 'b', 'c']).take([2, 0]).idx_to_node
            ['c', 'a']
        """
        return self.subgraph([self.idx_to_node[i] for i in indexes], closure=False)

    def normalize(self):
        """
        A copy whose names are lower case without spaces (to match class
        names across datasets).

        Example:
            >>> CategoryTree.from_mutex(['Traffic Light']).normalize().idx_to_node
            ['trafficlight']
        """
        import networkx as nx
        def fix(name):
            return name.lower().replace(' ', '') if isinstance(name, str) else name
        mapping = {node: fix(node) for node in self.graph.nodes}
        graph = nx.relabel_nodes(self.graph, mapping, copy=True)
        for old, new in mapping.items():
            graph.nodes[new]['id'] = self.node_to_id[old]
            if 'name' in graph.nodes[new]:
                graph.nodes[new]['name'] = new
        order = nx.DiGraph()
        order.add_nodes_from((mapping[n], graph.nodes[mapping[n]]) for n in self.idx_to_node)
        order.add_edges_from(graph.edges)
        return self.__class__(order)

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

    # ------------------------------------------------------- container api
    def __len__(self):
        return len(self.idx_to_node)

    def __iter__(self):
        return iter(self.idx_to_node)

    def __getitem__(self, index):
        return self.idx_to_node[index]

    def __contains__(self, node):
        return node in self.node_to_idx

    def __eq__(self, other):
        # kwcoco compares trees by identity; so do we (trees are mutable).
        return self is other

    __hash__ = object.__hash__

    def _shape_text(self):
        import networkx as nx
        parts = [f'nNodes={len(self)}']
        if self.graph.number_of_edges():
            depth = nx.dag_longest_path_length(self.graph) + 1
            # breadth: the widest fan-out, counting the roots as the
            # children of an implicit top node (matches kwcoco's repr)
            num_roots = sum(1 for _, deg in self.graph.in_degree() if deg == 0)
            breadth = max(num_roots, max(deg for _, deg in self.graph.out_degree()))
            parts += [f'maxDepth={depth}', f'maxBreadth={breadth}']
        parts.append(f'nodes={self.idx_to_node!r}')
        return ', '.join(parts)

    def __nice__(self):
        return self._shape_text()

    def __repr__(self):
        return f'<CategoryTree({self._shape_text()})>'

    __str__ = __repr__


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
        for name in cat.get('keypoints') or []:
            if isinstance(name, str) and name not in seen:
                seen.add(name)
                names.append(name)
    return CategoryTree.from_mutex(names, bg_hack=False)
