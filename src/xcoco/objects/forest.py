"""
Helpers for category hierarchies stored as ``networkx.DiGraph`` forests
(edges parent -> child): roots and leaves, sibling groups, depth, a
nested-tuple serialization, and a layered layout for drawing.

kwcoco exposes the same helpers from ``kwcoco.category_tree``; xcoco's
versions also accept hierarchies where a node has several parents (a DAG),
which :class:`~xcoco.objects.category_tree.CategoryTree` allows.

Example:
    >>> import networkx as nx
    >>> from xcoco.objects.forest import tree_depth, to_directed_nested_tuples
    >>> graph = nx.DiGraph([('animal', 'cat'), ('animal', 'dog')])
    >>> tree_depth(graph)
    2
    >>> to_directed_nested_tuples(graph, with_data=False)
    [('animal', [('cat', []), ('dog', [])])]
"""
from xcoco.errors import CategoryTreeError

__all__ = [
    'from_directed_nested_tuples',
    'hierarchy_layout',
    'sink_nodes',
    'source_nodes',
    'to_directed_nested_tuples',
    'traverse_siblings',
    'tree_depth',
]


def source_nodes(graph):
    """
    The nodes without a parent (roots), in graph order, as a generator.

    Example:
        >>> import networkx as nx
        >>> list(source_nodes(nx.DiGraph([('a', 'b'), ('c', 'd')])))
        ['a', 'c']
    """
    return (node for node, deg in graph.in_degree() if deg == 0)


def sink_nodes(graph):
    """
    The nodes without a child (leaves), in graph order, as a generator.

    Example:
        >>> import networkx as nx
        >>> list(sink_nodes(nx.DiGraph([('a', 'b'), ('a', 'c')])))
        ['b', 'c']
    """
    return (node for node, deg in graph.out_degree() if deg == 0)


def traverse_siblings(graph, sources=None):
    """
    Generate groups of nodes that share a parent: first the roots (or
    ``sources``), then, depth first, the children of each node that has
    any.  These are the groups a hierarchical softmax normalizes over.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph([('a', 'b'), ('a', 'c'), ('c', 'd')])
        >>> graph.add_node('e')
        >>> list(traverse_siblings(graph))
        [['a', 'e'], ['b', 'c'], ['d']]
    """
    group = list(source_nodes(graph)) if sources is None else list(sources)
    yield group
    for node in group:
        children = list(graph.successors(node))
        if children:
            yield from traverse_siblings(graph, children)


def tree_depth(graph, root=None):
    """
    The number of nodes on the longest root-to-leaf path (0 for an empty
    graph); with ``root``, the depth of the subtree under that node.

    Example:
        >>> import networkx as nx
        >>> tree_depth(nx.balanced_tree(r=2, h=3, create_using=nx.DiGraph))
        4
        >>> tree_depth(nx.DiGraph([('a', 'b'), ('b', 'c')]), root='b')
        2
        >>> tree_depth(nx.DiGraph())
        0
    """
    if len(graph) == 0:
        return 0
    if root is not None and root not in graph:
        raise CategoryTreeError(f'tree_depth: root {root!r} is not a node of the graph')
    import networkx as nx
    if not nx.is_directed_acyclic_graph(graph):
        raise CategoryTreeError('tree_depth: the graph has a cycle, so it has no depth')
    # longest path counted in nodes, filled in from the leaves upward
    height = {}
    for node in reversed(list(nx.topological_sort(graph))):
        height[node] = 1 + max((height[c] for c in graph.successors(node)), default=0)
    if root is not None:
        return height[root]
    return max(height[node] for node in source_nodes(graph))


def _sorted_nodes(nodes):
    nodes = list(nodes)
    try:
        return sorted(nodes)
    except TypeError:
        # names of mixed types (e.g. 1 and 'a') do not compare; order them
        # by type then text so the encoding is still deterministic
        return sorted(nodes, key=lambda n: (type(n).__name__, repr(n)))


def to_directed_nested_tuples(graph, with_data=True):
    """
    Serialize a hierarchy as nested tuples ``(node, data, children)`` (or
    ``(node, children)`` without data), roots and children sorted by name.

    A node with several parents appears under each of them.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph([('b', 'c'), ('b', 'a')])
        >>> graph.nodes['c']['id'] = 3
        >>> to_directed_nested_tuples(graph)
        [('b', {}, [('a', {}, []), ('c', {'id': 3}, [])])]
    """
    def encode(node):
        children = [encode(child) for child in _sorted_nodes(graph.successors(node))]
        if with_data:
            return (node, graph.nodes[node], children)
        return (node, children)
    return [encode(node) for node in _sorted_nodes(source_nodes(graph))]


def from_directed_nested_tuples(encoding):
    """
    Rebuild the graph serialized by :func:`to_directed_nested_tuples`
    (tuples may have become lists in JSON).  Nodes come in depth-first
    order of the encoding.

    Example:
        >>> enc = [('b', {}, [('a', {'id': 1}, []), ('c', {}, [])])]
        >>> graph = from_directed_nested_tuples(enc)
        >>> list(graph.nodes(data=True)), list(graph.edges)
        ([('b', {}), ('a', {'id': 1}), ('c', {})], [('b', 'a'), ('b', 'c')])
        >>> to_directed_nested_tuples(graph) == enc
        True
    """
    import networkx as nx
    graph = nx.DiGraph()

    def decode(items, parent):
        for item in items:
            if len(item) == 3:
                node, data, children = item
            elif len(item) == 2:
                node, children = item
                data = None
            else:
                raise CategoryTreeError(
                    f'nested tuple {item!r} is not (node, children) or '
                    f'(node, data, children)')
            graph.add_node(node)
            if data:
                graph.nodes[node].update(data)
            if parent is not None:
                graph.add_edge(parent, node)
            decode(children, node)

    decode(encoding, None)
    return graph


def hierarchy_layout(graph):
    """
    Positions for drawing a hierarchy top-down: roots on top, each level one
    unit lower, leaves spread left to right in depth-first order and every
    parent centred over its children.

    Returns:
        Dict[Hashable, Tuple[float, float]]: node -> (x, y)

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph([('a', 'b'), ('a', 'c')])
        >>> hierarchy_layout(graph)
        {'b': (0.0, -1.0), 'c': (1.0, -1.0), 'a': (0.5, 0.0)}
    """
    pos = {}
    next_x = [0.0]

    def place(node, depth):
        if node in pos:   # a second parent: keep the first placement
            return pos[node][0]
        children = list(graph.successors(node))
        xs = [place(child, depth + 1) for child in children]
        if xs:
            x = sum(xs) / len(xs)
        else:
            x = next_x[0]
            next_x[0] += 1.0
        pos[node] = (float(x), float(-depth))
        return x

    for root in source_nodes(graph):
        place(root, 0)
    return pos
