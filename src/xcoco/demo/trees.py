"""
The example category hierarchies behind ``CategoryTree.demo(key)``, written
as data: the same names, edges, node order and ids as kwcoco's demos.

Example:
    >>> from xcoco.demo.trees import demo_category_graph
    >>> graph = demo_category_graph('btree', r=2, h=1)
    >>> list(graph.nodes), list(graph.edges)
    ([1, 2, 3, 0], [(1, 2), (1, 3)])
"""
__all__ = ['DEMO_TREE_KEYS', 'demo_category_graph']

DEMO_TREE_KEYS = ('coco', 'btree', 'btree2', 'animals_v1')

# The taxonomy behind CategoryTree.demo('coco'): the categories of the
# 'photos' demo (kwcoco's, see xcoco.demo.photos) plus 'background' (id 0).
# 'object' is only referenced as a supercategory, so it gets the next free
# id (9).
def _demo_coco_categories():
    from xcoco.demo.photos import PHOTO_CATEGORIES
    return [*PHOTO_CATEGORIES, {'id': 0, 'name': 'background'}]

# parent -> children of the 'animals_v1' demo (nodes carry no data; ids are
# assigned 1..22 in this insertion order)
_DEMO_ANIMALS_V1 = [
    ('background', []),
    ('foreground', ['animal']),
    ('animal', ['mammal', 'fish', 'insect', 'reptile']),
    ('mammal', ['dog', 'cat', 'human', 'zebra']),
    ('zebra', ['grevys', 'plains']),
    ('grevys', ['fred']),
    ('dog', ['boxer', 'beagle', 'golden']),
    ('cat', ['maine coon', 'persian', 'sphynx']),
    ('reptile', ['bearded dragon', 't-rex']),
]


def demo_category_graph(key='coco', **kwargs):
    """
    The graph of one example hierarchy.

    Args:
        key (str): ``'coco'`` (kwcoco's ``photos`` categories plus
            ``'background'`` id 0), ``'btree'`` / ``'btree2'`` (a balanced
            tree of nodes 1..N as ints / strings, options ``r`` children per
            node and ``h`` height (default 3 each), and a lone node 0 unless
            ``add_zero=False``) or ``'animals_v1'``.
        **kwargs: the options above; ``verbose`` is accepted and ignored.

    Returns:
        networkx.DiGraph: node data holds the category fields (``'coco'``);
        the other demos carry no ids, so a tree numbers them 1.. in node
        order.

    Raises:
        KeyError: unknown key.
        TypeError: an option the key does not take.

    Example:
        >>> from xcoco.demo.trees import demo_category_graph
        >>> graph = demo_category_graph('coco')
        >>> sorted(graph.successors('object'))
        ['astroturf', 'helmet', 'rocket', 'star']
        >>> list(demo_category_graph('btree2', r=1, h=2))
        ['1', '2', '3', '0']
    """
    import networkx as nx
    kwargs.pop('verbose', None)   # kwcoco's 'coco' demo passes it on
    if key in ('btree', 'btree2'):
        r, h = kwargs.pop('r', 3), kwargs.pop('h', 3)
        add_zero = kwargs.pop('add_zero', True)
    if kwargs:
        raise TypeError(f'CategoryTree.demo({key!r}) got unexpected options {sorted(kwargs)}')
    graph = nx.DiGraph()
    if key == 'coco':
        # each category, then the link to its supercategory: an undefined
        # supercategory enters right after its first child
        for cat in _demo_coco_categories():
            graph.add_node(cat['name'], **cat)
            if 'supercategory' in cat:
                graph.add_edge(cat['supercategory'], cat['name'])
    elif key in ('btree', 'btree2'):
        name = str if key == 'btree2' else int
        tree = nx.balanced_tree(r=r, h=h, create_using=nx.DiGraph)
        graph.add_nodes_from(name(n + 1) for n in tree.nodes)
        graph.add_edges_from((name(u + 1), name(v + 1)) for u, v in tree.edges)
        if add_zero:
            graph.add_node(name(0))
    elif key == 'animals_v1':
        # every parent first, then the children in edge order
        graph.add_nodes_from(parent for parent, _ in _DEMO_ANIMALS_V1)
        graph.add_edges_from((parent, child) for parent, children in _DEMO_ANIMALS_V1
                             for child in children)
    else:
        raise KeyError(f'unknown CategoryTree demo key {key!r}; known: {", ".join(DEMO_TREE_KEYS)}')
    return graph
