"""
Subsets of datasets.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from xcoco.ops.copy import copy_json
from xcoco.resolve import resolve_id

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset
    from xcoco.types import ObjRef

__all__ = ['subset']

_Dataset = TypeVar('_Dataset', bound='CocoDataset')


def subset(dset: _Dataset, gids: Iterable[ObjRef] | None = None,
           video_ids: Iterable[ObjRef] | None = None, copy: bool = False,
           autobuild: bool = True, **kwargs: Any) -> _Dataset:
    """
    A new dataset holding the images ``gids`` plus every frame of
    ``video_ids``, their annotations, the videos and tracks they reference,
    and all categories and keypoint categories (so class indices stay the
    same across splits).  Other top-level keys are kept.

    Args:
        dset: the source dataset.
        gids (Iterable | None): image ids to keep, in this order.
        video_ids (Iterable | None): videos whose frames are kept.
        copy (bool): deep-copy the objects; otherwise the subset shares the
            source's dicts (fast, as in kwcoco).
        autobuild (bool): index the result.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> vid = dset.add_video('v')
        >>> gids = [dset.add_image(f'{i}.png', video_id=vid, frame_index=i) for i in range(3)]
        >>> _ = dset.add_image('loose.png')
        >>> sub = subset(dset, video_ids=[vid])
        >>> sub.n_images, sub.n_videos
        (3, 1)
    """
    index = dset.index
    keep_gids = []
    seen = set()
    frames = [g for pos, v in enumerate(video_ids or ())
              for g in _frames_of(dset, v, pos)]
    wanted = [resolve_id(index, 'images', gid, context='cannot subset', position=pos)
              for pos, gid in enumerate(gids or ())]
    for gid in wanted + frames:
        if gid not in seen:
            seen.add(gid)
            keep_gids.append(gid)
    imgs = [index.imgs[gid] for gid in keep_gids]
    aids = sorted(aid for gid in keep_gids for aid in index.gid_to_aids.get(gid, ()))
    anns = [index.anns[aid] for aid in aids]
    vidids = {img['video_id'] for img in imgs if img.get('video_id', None) is not None}
    trackids = {ann['track_id'] for ann in anns if ann.get('track_id', None) is not None}
    source = dset.dataset
    new_manifest = {}
    for key, value in source.items():
        if key == 'images':
            value = imgs
        elif key == 'annotations':
            value = anns
        elif key == 'videos' and value is not None:
            value = [v for v in value if v['id'] in vidids]
        elif key == 'tracks' and value is not None:
            value = [t for t in value if t['id'] in trackids]
        new_manifest[key] = value
    new_manifest.setdefault('images', imgs)
    new_manifest.setdefault('annotations', anns)
    if copy:
        new_manifest = copy_json(new_manifest)
    else:
        new_manifest = {key: (list(value) if isinstance(value, list) else value)
                        for key, value in new_manifest.items()}
    new = type(dset)(new_manifest, tag=dset.tag, bundle_dpath=dset.bundle_dpath,
                     autobuild=autobuild)
    new.fpath = dset.fpath
    new.bundle_dpath = dset.bundle_dpath
    return new


def _frames_of(dset, vidid, pos):
    index = dset.index
    if not (isinstance(vidid, (int, str)) and vidid in index.vidid_to_gids):
        # frames may name a video the table lacks; otherwise it must exist
        vidid = resolve_id(index, 'videos', vidid, context='cannot subset', position=pos)
    return list(index.vidid_to_gids.get(vidid, ()))
