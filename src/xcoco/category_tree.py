"""
:class:`CategoryTree` under kwcoco's module name, so that
``from kwcoco.category_tree import CategoryTree`` works after aliasing.

Example:
    >>> from xcoco.category_tree import CategoryTree
    >>> CategoryTree.from_mutex(['a', 'b']).num_classes
    2
"""
from xcoco.objects.category_tree import CategoryTree  # NOQA: re-export only

__all__ = ['CategoryTree']
