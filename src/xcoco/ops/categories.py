"""
Whole-table category edits kwcoco users call: renaming (and merging) by a
name map, renumbering ids, and the category hierarchy as a graph.

Both edits check the whole request before touching anything, rewrite the
manifest in one pass (annotations, supercategory links) and rebuild the
index, so a refused request changes nothing and the index always equals a
fresh build.  They are bound as :class:`xcoco.CocoDataset` methods.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from xcoco.errors import InvalidIdError, UnknownIdError
from xcoco.types import Id

if TYPE_CHECKING:
    import networkx as nx

    from xcoco.dataset import CocoDataset
    from xcoco.query import Queryable

__all__ = ['category_graph', 'normalize_category_ids', 'rename_categories']

_MERGE_POLICIES = ('ignore', 'update')


def _new_names(cats, mapper):
    """old name -> new name for every category the mapper moves"""
    names = [cat['name'] for cat in cats]
    if callable(mapper) and not isinstance(mapper, Mapping):
        pairs = [(name, mapper(name)) for name in names]
    elif isinstance(mapper, Mapping):
        unknown = sorted(set(mapper) - set(names), key=str)
        if unknown:
            raise UnknownIdError(
                f'rename_categories: no category is named {unknown!r} '
                f'(known: {sorted(names, key=str)!r})')
        pairs = list(mapper.items())
    else:
        raise InvalidIdError(
            f'rename_categories: mapper must be a dict or a callable, '
            f'not a {type(mapper).__name__}')
    for old, new in pairs:
        if not isinstance(new, str):
            raise InvalidIdError(
                f'rename_categories: the new name for {old!r} must be a str, '
                f'not {new!r}')
    return {old: new for old, new in pairs if old != new}


def rename_categories(dset: CocoDataset, mapper: Mapping[str, str] | Callable[[str], str],
                      rebuild: bool = True, merge_policy: str = 'ignore') -> None:
    """
    Rename categories; several old names mapped to one new name merge.

    For each new name:

    * a category that already has it and is not renamed away receives the
      annotations of every category mapped onto it (its own fields stay);
    * otherwise a single source category is renamed in place (its id and
      fields stay);
    * otherwise the sources are replaced by one new category with the next
      free id; ``merge_policy='update'`` copies the sources' fields onto it
      (later sources win), ``'ignore'`` gives it only ``id`` and ``name``.

    ``supercategory`` links follow the rename.  ``mapper`` is a dict of
    ``old name -> new name`` (every old name must exist) or a callable
    applied to every name.  ``rebuild`` is accepted for kwcoco's signature:
    the index is always brought up to date.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> for name in ['cat', 'kitten', 'dog']:
        ...     _ = dset.add_annotation(gid, dset.add_category(name))
        >>> dset.rename_categories({'kitten': 'cat', 'dog': 'canine'})
        >>> [(c['id'], c['name']) for c in dset.dataset['categories']]
        [(1, 'cat'), (3, 'canine')]
        >>> dset.category_annotation_frequency()
        {'canine': 1, 'cat': 2}
        >>> dset.rename_categories(str.upper)
        >>> sorted(dset.name_to_cat)
        ['CANINE', 'CAT']
    """
    if merge_policy not in _MERGE_POLICIES:
        raise ValueError(f'rename_categories: merge_policy must be one of '
                         f'{_MERGE_POLICIES}, not {merge_policy!r}')
    cats = dset.dataset.get('categories', [])
    renames = _new_names(cats, mapper)
    if not renames:
        return
    by_name = {cat['name']: cat for cat in cats}
    sources: dict[str, list[dict]] = {}
    for old, new in renames.items():
        sources.setdefault(new, []).append(by_name[old])

    # decide every category's fate first: old id -> id it ends under
    id_map: dict[Id, Id] = {}
    renamed_in_place: dict[Id, str] = {}
    merged_new: list[dict] = []
    removed: set[Id] = set()
    staying = {name for name in by_name if name not in renames}
    for new, group in sources.items():
        if new in staying:
            target_id = by_name[new]['id']
            for cat in group:
                id_map[cat['id']] = target_id
                removed.add(cat['id'])
        elif len(group) == 1:
            renamed_in_place[group[0]['id']] = new
        else:
            merged = {}
            if merge_policy == 'update':
                for cat in group:
                    merged.update(cat)
            merged['name'] = new
            merged_new.append(merged)
            for cat in group:
                removed.add(cat['id'])
    remaining = [cat['id'] for cat in cats if cat['id'] not in removed]
    next_id = max((i for i in remaining if type(i) is int), default=0) + 1
    for merged in merged_new:
        merged['id'] = next_id
        for cat in sources[merged['name']]:
            id_map[cat['id']] = next_id
        next_id += 1

    # name changes seen by supercategory links
    name_map = dict(renames)
    new_cats = []
    for cat in cats:
        if cat['id'] in removed:
            continue
        if cat['id'] in renamed_in_place:
            cat['name'] = renamed_in_place[cat['id']]
        new_cats.append(cat)
    new_cats.extend(merged_new)
    for cat in new_cats:
        sup = cat.get('supercategory')
        if isinstance(sup, str) and sup in name_map:
            cat['supercategory'] = name_map[sup]
            if cat['supercategory'] == cat['name']:
                del cat['supercategory']  # merged into its own parent
    dset.dataset['categories'] = new_cats
    for ann in dset.dataset.get('annotations', []):
        cid = ann.get('category_id')
        if cid in id_map:
            ann['category_id'] = id_map[cid]
    dset.rebuild_index()


def normalize_category_ids(dset: CocoDataset, start_id: int | None = None,
                           order: Iterable[str] | str | None = None) -> None:
    """
    Reorder the categories and/or renumber them consecutively.

    ``order``: None keeps the order, ``'sort'`` sorts by name, a list of
    names puts those first (in that order) and the rest after, in their
    order.  ``start_id``: renumber from it in the new order (annotations
    follow); None keeps the ids.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> for name, cid in [('star', 4), ('eff', 9), ('moon', 2)]:
        ...     _ = dset.add_category(name, id=cid)
        >>> dset.normalize_category_ids(start_id=0)
        >>> [(c['id'], c['name']) for c in dset.dataset['categories']]
        [(0, 'star'), (1, 'eff'), (2, 'moon')]
        >>> dset.normalize_category_ids(order='sort', start_id=1)
        >>> [(c['id'], c['name']) for c in dset.dataset['categories']]
        [(1, 'eff'), (2, 'moon'), (3, 'star')]
        >>> dset.normalize_category_ids(order=['star'])
        >>> [(c['id'], c['name']) for c in dset.dataset['categories']]
        [(3, 'star'), (1, 'eff'), (2, 'moon')]
    """
    cats = list(dset.dataset.get('categories', []))
    if order is None:
        ordered = cats
    elif isinstance(order, str):
        if order != 'sort':
            raise ValueError(f"normalize_category_ids: order must be None, 'sort' "
                             f'or a list of names, not {order!r}')
        ordered = sorted(cats, key=lambda cat: str(cat['name']))
    else:
        by_name = {cat['name']: cat for cat in cats}
        front = list(order)
        unknown = [name for name in front if name not in by_name]
        if unknown:
            raise UnknownIdError(
                f'normalize_category_ids: no category is named {unknown!r}')
        head = [by_name[name] for name in dict.fromkeys(front)]
        head_ids = {id(cat) for cat in head}
        ordered = head + [cat for cat in cats if id(cat) not in head_ids]
    if start_id is not None and type(start_id) is not int:
        raise InvalidIdError(f'normalize_category_ids: start_id must be an int, '
                             f'not {start_id!r}')
    id_map = {}
    if start_id is not None:
        id_map = {cat['id']: start_id + pos for pos, cat in enumerate(ordered)}
        for cat in ordered:
            cat['id'] = id_map[cat['id']]
        for ann in dset.dataset.get('annotations', []):
            cid = ann.get('category_id')
            if cid in id_map:
                ann['category_id'] = id_map[cid]
    dset.dataset['categories'] = ordered
    dset.rebuild_index()


def category_graph(dset: Queryable) -> nx.DiGraph:
    """
    The category hierarchy as a ``networkx.DiGraph``: one node per category
    name carrying the category's fields, an edge from each supercategory to
    its children.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_category('animal')
        >>> _ = dset.add_category('cat', supercategory='animal')
        >>> graph = dset.category_graph()
        >>> list(graph.edges), graph.nodes['cat']['id']
        ([('animal', 'cat')], 2)
    """
    import networkx as nx
    graph = nx.DiGraph()
    cats: Any = dset.cats.values()
    for cat in cats:
        graph.add_node(cat['name'], **cat)
    for cat in cats:
        sup = cat.get('supercategory')
        if sup is not None:
            graph.add_edge(sup, cat['name'])
    return graph
