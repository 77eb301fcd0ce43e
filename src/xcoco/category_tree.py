"""
:class:`CategoryTree` and the forest helpers under kwcoco's module name, so
that ``from kwcoco.category_tree import CategoryTree, tree_depth`` works
after aliasing.

Example:
    >>> from xcoco.category_tree import CategoryTree, tree_depth
    >>> CategoryTree.from_mutex(['a', 'b']).num_classes
    2
    >>> tree_depth(CategoryTree.demo('animals_v1').graph)
    6
"""
from xcoco.objects.category_tree import CategoryTree
from xcoco.objects.forest import (
    from_directed_nested_tuples,
    sink_nodes,
    source_nodes,
    to_directed_nested_tuples,
    traverse_siblings,
    tree_depth,
)

__all__ = [
    'CategoryTree',
    'from_directed_nested_tuples',
    'sink_nodes',
    'source_nodes',
    'to_directed_nested_tuples',
    'traverse_siblings',
    'tree_depth',
]
