"""
The dataset summaries kwcoco's ``stats`` verb prints: attribute counts per
table, box-size distributions (with k-means anchors), keypoint and geometry
frequencies, and a small set of images that shows every category.

Like :mod:`xcoco.ops.stats`, everything reads the shared read surface
(``dset.index`` lookups), so every backend gets them; the functions are
bound as :class:`xcoco.CocoDataset` methods.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from xcoco.types import Id

if TYPE_CHECKING:
    from xcoco.query import Queryable

__all__ = ['attribute_stats', 'boxsize_stats', 'category_annotation_type_frequency',
           'find_representative_images', 'keypoint_annotation_frequency', 'stats']

_STATS_PARTS = ('basic', 'extended', 'catfreq', 'boxes', 'image_attrs',
                'annot_attrs', 'video_attrs')


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


def attribute_stats(objs: Iterable[dict]) -> dict[str, dict[str, int]]:
    """
    For each field of the objects: how many objects hold a value for it
    (``num_total``; None and empty lists / dicts / strings count as no
    value, as in kwcoco) and how many distinct values it takes
    (``num_unique``), in first-seen field order.

    Example:
        >>> attribute_stats([{'id': 1, 'w': 5}, {'id': 2, 'w': 5, 'kp': []}, {'id': 3}])
        {'id': {'num_unique': 3, 'num_total': 3}, 'w': {'num_unique': 1, 'num_total': 2}}
    """
    seen: dict[str, set] = {}
    totals: dict[str, int] = {}
    for obj in objs:
        for key, value in obj.items():
            if value is None or (isinstance(value, (list, dict, str)) and not value):
                continue
            if key not in seen:
                seen[key] = set()
                totals[key] = 0
            seen[key].add(_hashable(value))
            totals[key] += 1
    return {key: {'num_unique': len(seen[key]), 'num_total': totals[key]}
            for key in seen}


def stats(dset: Queryable, **kwargs: Any) -> dict[str, Any]:
    """
    A high-level description of the dataset, in kwcoco's sections: each of
    ``basic``, ``extended``, ``catfreq``, ``image_attrs``, ``annot_attrs``,
    ``video_attrs`` (default on) and ``boxes`` (default off) is switched by
    a keyword of the same name.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png', width=4, height=4)
        >>> _ = dset.add_annotation(gid, dset.add_category('cat'), bbox=[0, 0, 2, 3])
        >>> info = dset.stats(boxes=True)
        >>> list(info)
        ['basic', 'extended', 'catfreq', 'image_attrs', 'annot_attrs', 'video_attrs', 'boxes']
        >>> info['annot_attrs']['bbox'], info['catfreq']
        ({'num_unique': 1, 'num_total': 1}, {'cat': 1})
    """
    unknown = set(kwargs) - set(_STATS_PARTS)
    if unknown:
        raise TypeError(f'stats() got unknown options {sorted(unknown)}; '
                        f'known: {list(_STATS_PARTS)}')
    want = {part: bool(kwargs.get(part, part != 'boxes')) for part in _STATS_PARTS}
    index = dset.index
    info: dict[str, Any] = {}
    if want['basic']:
        info['basic'] = dset.basic_stats()
    if want['extended']:
        info['extended'] = dset.extended_stats()
    if want['catfreq']:
        info['catfreq'] = dset.category_annotation_frequency()
    if want['image_attrs']:
        info['image_attrs'] = attribute_stats(index.imgs.values())
    if want['annot_attrs']:
        info['annot_attrs'] = attribute_stats(index.anns.values())
    if want['video_attrs']:
        info['video_attrs'] = attribute_stats(index.videos.values())
    if want['boxes']:
        info['boxes'] = boxsize_stats(dset)
    return info


def _kmeans(data, k, rng=0, iters=100):
    """Lloyd's k-means with k-means++ seeding; returns the sorted centers."""
    import kwarray
    import numpy as np
    rng = kwarray.ensure_rng(rng)
    centers = [data[rng.randint(len(data))]]
    for _ in range(1, k):
        dist = np.min([((data - c) ** 2).sum(axis=1) for c in centers], axis=0)
        total = dist.sum()
        pick = rng.choice(len(data), p=dist / total) if total > 0 else rng.randint(len(data))
        centers.append(data[pick])
    centers_arr = np.array(centers, dtype=np.float64)
    for _ in range(iters):
        labels = ((data[:, None, :] - centers_arr[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array([data[labels == i].mean(axis=0) if (labels == i).any() else centers_arr[i]
                        for i in range(k)])
        if np.allclose(new, centers_arr):
            break
        centers_arr = new
    return centers_arr[np.lexsort(centers_arr.T[::-1])]


def boxsize_stats(dset: Queryable, anchors: int | None = None, perclass: bool = True,
                  gids: Iterable[Id] | None = None, aids: Iterable[Id] | None = None,
                  verbose: int = 0, clusterkw: dict | None = None,
                  statskw: dict | None = None) -> dict[str, Any]:
    """
    Width/height statistics (``kwarray.stats_dict``) of the annotation
    boxes, over all of them (``'all'``) and per category name
    (``'perclass'``); with ``anchors=k`` each group also gets ``k`` anchor
    sizes from k-means (``clusterkw`` may set ``rng`` and ``iters``).
    ``gids`` / ``aids`` restrict the annotations considered.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> cid = dset.add_category('cat')
        >>> for w in [2, 4, 10, 12]:
        ...     _ = dset.add_annotation(gid, cid, bbox=[0, 0, w, w + 1])
        >>> info = dset.boxsize_stats(anchors=2)
        >>> info['all']['stats']['mean'].tolist(), info['all']['stats']['shape']
        ([[7.0, 8.0]], (4, 2))
        >>> info['perclass']['cat']['anchors'].tolist()
        [[3.0, 4.0], [11.0, 12.0]]
    """
    import kwarray
    import numpy as np

    from xcoco.errors import GeometryError
    index = dset.index
    if aids is not None:
        chosen = [dset._resolve_id('annotations', aid) for aid in aids]
    elif gids is not None:
        chosen = [aid for gid in gids
                  for aid in sorted(index.gid_to_aids.get(dset._resolve_id('images', gid), ()))]
    else:
        chosen = list(index.anns)
    chosen = [aid for aid in chosen if index.anns[aid].get('bbox') is not None]
    statskw = {'axis': 0, **(statskw or {})}
    clusterkw = dict(clusterkw or {})

    def describe(group_aids):
        wh = np.array([index.anns[aid]['bbox'][2:4] for aid in group_aids],
                      dtype=np.float32).reshape(-1, 2)
        info: dict[str, Any] = {'stats': kwarray.stats_dict(wh, **statskw)}
        if anchors:
            if len(wh) < anchors:
                raise GeometryError(
                    f'boxsize_stats: {anchors} anchors need at least {anchors} boxes, '
                    f'found {len(wh)}')
            info['anchors'] = _kmeans(wh.astype(np.float64), anchors, **clusterkw)
        return info

    infos: dict[str, Any] = {}
    if perclass:
        by_cat: dict[Any, list] = {}
        for aid in chosen:
            by_cat.setdefault(index.anns[aid].get('category_id'), []).append(aid)
        infos['perclass'] = {
            index.cats[cid]['name'] if cid in index.cats else cid: describe(group)
            for cid, group in by_cat.items()}
    if chosen:
        infos['all'] = describe(chosen)
    elif anchors:
        raise GeometryError('boxsize_stats: no annotation has a bbox, so there '
                            'are no sizes to cluster into anchors')
    if verbose:
        print(f'boxsize_stats over {len(chosen)} boxes')
    return infos


def find_representative_images(dset: Queryable, gids: Iterable[Id] | None = None) -> list[Id]:
    """
    A small set of images that together show every category present in
    ``gids`` (default: all images): a greedy cover that prefers images with
    many categories, plus the most and the least crowded annotated images.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> a, b, c = (dset.add_category(n) for n in 'abc')
        >>> g1, g2, g3 = (dset.add_image(f'{i}.png') for i in range(3))
        >>> _ = [dset.add_annotation(g1, a), dset.add_annotation(g1, b)]
        >>> _ = [dset.add_annotation(g2, a)]
        >>> _ = [dset.add_annotation(g3, c) for _ in range(3)]
        >>> dset.find_representative_images()
        [1, 2, 3]
        >>> dset.find_representative_images([g1, g2])
        [1, 2]
    """
    index = dset.index
    pool = list(index.imgs) if gids is None else [dset._resolve_id('images', g) for g in gids]
    cats_of = {gid: {index.anns[aid].get('category_id')
                     for aid in index.gid_to_aids.get(gid, ())} for gid in pool}
    counts = {gid: len(index.gid_to_aids.get(gid, ())) for gid in pool}
    annotated = [gid for gid in pool if counts[gid]]
    selected: list[Id] = []
    if annotated:
        # the extremes show what crowded and sparse images look like
        selected.append(max(annotated, key=lambda g: counts[g]))
        sparse = min(annotated, key=lambda g: counts[g])
        if sparse not in selected:
            selected.append(sparse)
    uncovered = set().union(*cats_of.values()) if cats_of else set()
    for gid in selected:
        uncovered -= cats_of[gid]
    while uncovered:
        best = max(annotated, key=lambda g: (len(cats_of[g] & uncovered), counts[g]))
        selected.append(best)
        uncovered -= cats_of[best]
    position = {gid: pos for pos, gid in enumerate(pool)}
    return sorted(selected, key=position.__getitem__)


def keypoint_annotation_frequency(dset: Queryable) -> dict[str, int]:
    """
    How many keypoints of each keypoint category the annotations hold, by
    keypoint name (every keypoint category appears, possibly with 0).
    MS-COCO flat keypoints count by their category's ``keypoints`` names
    when visible (``v > 0``).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_keypoint_categories(['head', 'tail'])
        >>> gid = dset.add_image('a.png')
        >>> _ = dset.add_annotation(gid, keypoints=[
        ...     {'xy': [1, 2], 'keypoint_category_id': 1},
        ...     {'xy': [3, 4], 'keypoint_category_id': 1}])
        >>> dset.keypoint_annotation_frequency()
        {'head': 2, 'tail': 0}
    """
    index = dset.index
    kp_names = {kpcat['id']: kpcat['name'] for kpcat in index.kpcats.values()}
    freq = dict.fromkeys(kp_names.values(), 0)
    for ann in index.anns.values():
        kpts = ann.get('keypoints')
        if not kpts:
            continue
        if isinstance(kpts[0], dict):
            for kp in kpts:
                key = kp.get('keypoint_category_id', kp.get('keypoint_category'))
                name = kp_names.get(key, key)
                freq[name] = freq.get(name, 0) + 1
        else:
            cid = ann.get('category_id')
            # MS-COCO names come from the category, or the nearest parent
            names = (dset._lookup_kpnames(cid) if cid in index.cats else None) or []
            for pos in range(len(kpts) // 3):
                if kpts[pos * 3 + 2] > 0:
                    name = names[pos] if pos < len(names) else pos
                    freq[name] = freq.get(name, 0) + 1
    return freq


_TYPE_KEYS = ('bbox', 'keypoints', 'line')


def category_annotation_type_frequency(dset: Queryable) -> dict[str, dict[Any, int]]:
    """
    For each category name, how many annotations carry each combination of
    the fields ``bbox``, ``keypoints`` and ``line`` (a lone field is named
    by itself, a combination by the sorted tuple of names, as kwcoco).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid, cid = dset.add_image('a.png'), dset.add_category('cat')
        >>> _ = dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1])
        >>> _ = dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1], keypoints=[])
        >>> _ = dset.add_category('dog')
        >>> dset.category_annotation_type_frequency()
        {'cat': {'bbox': 1, ('bbox', 'keypoints'): 1}, 'dog': {}}
    """
    index = dset.index
    freq: dict[str, dict[Any, int]] = {}
    for cid, cat in index.cats.items():
        hist: dict[Any, int] = {}
        for aid in sorted(index.cid_to_aids.get(cid, ())):
            ann = index.anns[aid]
            kind = tuple(key for key in _TYPE_KEYS if key in ann)
            key = kind[0] if len(kind) == 1 else kind
            hist[key] = hist.get(key, 0) + 1
        freq[cat['name']] = hist
    return freq
