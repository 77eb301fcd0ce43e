"""
:class:`FrozenCocoDataset`: a read-only dataset served from a frozen
snapshot folder (memory-mapped arrays; see :mod:`xcoco.frozen.build`),
reading through the same :class:`xcoco.query.Queryable` surface as the
in-memory :class:`xcoco.CocoDataset`.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from xcoco.errors import FrozenError
from xcoco.frozen.index import FrozenIndex, open_arrays
from xcoco.query import Queryable
from xcoco.resolve import resolve_id
from xcoco.tables import INDEX_ATTR, TABLES
from xcoco.types import ObjRef

__all__ = ['FrozenCocoDataset']

#: the editing methods of CocoDataset: each raises FrozenError here
_EDITS = (
    'add_image', 'add_images', 'add_annotation', 'add_annotations', 'add_category',
    'add_categories', 'add_video', 'add_track', 'add_keypoint_category',
    'add_keypoint_categories', 'add_asset', 'add_auxiliary_item',
    'remove_annotation', 'remove_annotations', 'remove_images', 'remove_categories',
    'remove_videos', 'remove_tracks', 'remove_keypoint_categories',
    'remove_annotation_keypoints', 'remove_keypoint_category',
    'clear_annotations', 'clear_images', 'ensure_image', 'ensure_category',
    'ensure_video', 'ensure_track', 'set_annotation_category', 'rename_categories',
    'reroot', 'conform', 'rebase', 'remove_unused_categories', 'merge_categories',
    '_ensure_imgsize', '_ensure_image_data', 'fixup', 'clear_assets',
)


class _RefusedEdit:
    """
    An editing method of a frozen dataset: calling it raises
    :class:`xcoco.errors.FrozenError` (naming the method and ``thaw()``).

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.views import freeze
        >>> frozen = freeze(xcoco.CocoDataset.demo('shapes2'), ub.Path(tempfile.mkdtemp()) / 's')
        >>> try:
        ...     frozen.remove_annotations([1])
        ... except TypeError as ex:
        ...     print(str(ex).split(' cannot')[0], 'thaw()' in str(ex))
        remove_annotations() True
    """

    def __init__(self, name):
        self.name = name
        self.__doc__ = f'Refused: a frozen snapshot is read-only (``{name}`` needs ``thaw()``).'

    def __get__(self, dset, owner=None):
        if dset is None:
            return self
        name = self.name

        def refuse(*args, **kwargs):
            raise FrozenError(
                f'{name}() cannot edit the frozen snapshot {dset.dpath}: it is '
                'read-only; call thaw() for an editable CocoDataset')
        return refuse


class FrozenCocoDataset(Queryable):
    """
    A read-only COCO dataset opened from a snapshot folder: tables, groups
    and names are memory-mapped arrays, each row's JSON is decoded when it
    is read, and nothing per record is kept, so opening takes milliseconds
    whatever the size and forked data-loader workers share every page.

    Make one with ``dset.freeze()`` / :func:`xcoco.frozen.views.freeze`,
    or ``CocoDataset.coerce(path, backend='frozen')``.  Edits raise
    :class:`xcoco.errors.FrozenError`; :meth:`thaw` gives an editable copy.

    Args:
        dpath (str | PathLike): the snapshot folder.
        bundle_dpath (str | None): the folder image paths resolve against
            (default: the frozen dataset's).

    Raises:
        FrozenSnapshotError: the folder is missing, partial or damaged.

    Example:
        >>> import xcoco, tempfile, ubelt as ub
        >>> from xcoco.frozen.views import freeze
        >>> dset = xcoco.CocoDataset.demo('shapes8')
        >>> frozen = freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap')
        >>> frozen.n_images, frozen.annots(image_id=1).cnames == dset.annots(image_id=1).cnames
        (8, True)
        >>> frozen.coco_image(1).imdelay().finalize().shape
        (600, 600, 3)
        >>> try:
        ...     frozen.add_image('new.png')
        ... except TypeError as ex:
        ...     print(type(ex).__name__)
        FrozenError
    """

    def __init__(self, dpath: str | os.PathLike, bundle_dpath: str | None = None,
                 tag: str | None = None) -> None:
        self.dpath = os.path.abspath(os.fspath(dpath))
        self.meta, arrays = open_arrays(self.dpath)
        self.index = FrozenIndex(arrays, self.meta)
        self.bundle_dpath = os.fspath(bundle_dpath if bundle_dpath is not None
                                      else self.meta.get('bundle_dpath') or '.')
        self.tag = tag if tag is not None else self.meta.get('tag')

    # pickles (spawned workers) carry the folder, not the arrays
    def __getstate__(self):
        return {'dpath': self.dpath, 'bundle_dpath': self.bundle_dpath, 'tag': self.tag}

    def __setstate__(self, state):
        self.__init__(state['dpath'], state['bundle_dpath'], state['tag'])

    def __repr__(self):
        stats = ', '.join(f'{k}={v}' for k, v in self.basic_stats().items())
        return f'<FrozenCocoDataset(tag={self.tag!r}, {stats})>'

    @property
    def fpath(self) -> str | None:
        """
        The manifest the snapshot was frozen from (None if it had no file).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> xcoco.CocoDataset.demo('shapes2').dump(dpath / 'data.kwcoco.json')
            >>> frozen = freeze(xcoco.CocoDataset(dpath / 'data.kwcoco.json'), dpath / 'snap')
            >>> frozen.fpath == str(dpath / 'data.kwcoco.json')
            True
        """
        return (self.meta.get('source') or {}).get('fpath')

    @property
    def hashid(self) -> str | None:
        """
        The hashid of the dataset that was frozen.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap').hashid == dset.hashid
            True
        """
        return (self.meta.get('source') or {}).get('hashid')

    def _cached_hashid(self):
        return self.hashid

    @property
    def dataset(self) -> dict[str, Any]:
        """
        The whole manifest, materialised from the snapshot on every access:
        every row is decoded (time and memory grow with the dataset, as a
        JSON load); edits to it are not written anywhere.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dset = xcoco.CocoDataset.demo('vidshapes1')
            >>> freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap').dataset == dset.dataset
            True
        """
        keys = self.meta.get('manifest_keys') or []
        extra = self.meta.get('extra') or {}
        manifest: dict[str, Any] = {}
        for key in [*keys, *(t for t in TABLES if t not in keys)]:
            if key in TABLES:
                lookup = getattr(self.index, INDEX_ATTR[key])
                if key in keys or len(lookup):
                    manifest[key] = lookup.all_objects()
            else:
                manifest[key] = extra[key]
        return manifest

    def thaw(self):
        """
        An ordinary, editable :class:`xcoco.CocoDataset` with the same
        content (what a JSON load of the frozen manifest gives).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> thawed = freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap').thaw()
            >>> thawed.add_image('new.png'), thawed.n_images
            (3, 3)
        """
        from xcoco.dataset import CocoDataset
        new = CocoDataset(self.dataset, bundle_dpath=self.bundle_dpath, tag=self.tag)
        if self.fpath is not None:
            new.fpath = self.fpath
            new.bundle_dpath = self.bundle_dpath
        return new

    to_coco = thaw

    def copy(self):
        """
        An editable in-memory copy (as :meth:`thaw`).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> frozen = freeze(xcoco.CocoDataset.demo('shapes2'), ub.Path(tempfile.mkdtemp()) / 's')
            >>> type(frozen.copy()).__name__
            'CocoDataset'
        """
        return self.thaw()

    def subset(self, gids: Iterable[ObjRef] | None = None,
               video_ids: Iterable[ObjRef] | None = None, copy: bool = False,
               autobuild: bool = True, **kwargs: Any):
        """
        An in-memory :class:`xcoco.CocoDataset` holding the images ``gids``
        plus every frame of ``video_ids``, their annotations, videos and
        tracks, and all categories (as ``CocoDataset.subset``); only those
        rows are decoded.

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dset = xcoco.CocoDataset.demo('vidshapes2')
            >>> frozen = freeze(dset, ub.Path(tempfile.mkdtemp()) / 'snap')
            >>> sub = frozen.subset([1, 2])
            >>> sub.dataset == dset.subset([1, 2]).dataset
            True
        """
        from xcoco.dataset import CocoDataset
        index = self.index
        keep, seen = [], set()
        wanted = [resolve_id(index, 'images', gid, context='cannot subset', position=pos)
                  for pos, gid in enumerate(gids or ())]
        for pos, vidid in enumerate(video_ids or ()):
            if not (isinstance(vidid, int) and vidid in index.vidid_to_gids):
                vidid = resolve_id(index, 'videos', vidid, context='cannot subset',
                                   position=pos)
            wanted.extend(index.vidid_to_gids.get(vidid, ()))
        for gid in wanted:
            if gid not in seen:
                seen.add(gid)
                keep.append(gid)
        imgs = [index.imgs[gid] for gid in keep]
        aids = sorted(aid for gid in keep for aid in index.gid_to_aids.get(gid, ()))
        anns = list(index.anns.take_many(aids))
        vidids = {img['video_id'] for img in imgs if img.get('video_id') is not None}
        trackids = {ann['track_id'] for ann in anns if ann.get('track_id') is not None}
        picked = {'images': imgs, 'annotations': anns,
                  'videos': [v for v in index.videos.values() if v['id'] in vidids],
                  'tracks': [t for t in index.tracks.values() if t['id'] in trackids]}
        manifest = {}
        extra = self.meta.get('extra') or {}
        for key in self.meta.get('manifest_keys') or []:
            if key in picked:
                manifest[key] = picked[key]
            elif key in TABLES:
                manifest[key] = list(getattr(index, INDEX_ATTR[key]).values())
            else:
                manifest[key] = extra[key]
        manifest.setdefault('images', imgs)
        manifest.setdefault('annotations', anns)
        new = CocoDataset(manifest, tag=self.tag, bundle_dpath=self.bundle_dpath,
                          autobuild=autobuild)
        if self.fpath is not None:
            new.fpath = self.fpath
            new.bundle_dpath = self.bundle_dpath
        return new

    def dump(self, file: Any = None, **kwargs: Any) -> None:
        """
        Write the manifest as JSON (``CocoDataset.dump`` of :meth:`thaw`;
        by default to the manifest it was frozen from).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> freeze(dset, dpath / 'snap').dump(dpath / 'out.json')
            >>> xcoco.CocoDataset(dpath / 'out.json').dataset == dset.dataset
            True
        """
        self.thaw().dump(file, **kwargs)

    def _set_field(self, table, ids, key, values):
        # what a vectorized view's ``.set(...)`` calls on a backend of its own
        raise FrozenError(
            f'cannot set field {key!r} of {table} in the frozen snapshot {self.dpath}: '
            'it is read-only; call thaw() for an editable CocoDataset')

    def freeze(self, dpath=None):
        """
        Already frozen: ``self`` (or a copy of the snapshot in ``dpath``).

        Example:
            >>> import xcoco, tempfile, ubelt as ub
            >>> from xcoco.frozen.views import freeze
            >>> frozen = freeze(xcoco.CocoDataset.demo('shapes2'), ub.Path(tempfile.mkdtemp()) / 's')
            >>> frozen.freeze() is frozen
            True
        """
        if dpath is None or os.path.abspath(os.fspath(dpath)) == self.dpath:
            return self
        from xcoco.frozen.views import freeze
        return freeze(self.thaw(), dpath)


for _name in _EDITS:
    setattr(FrozenCocoDataset, _name, _RefusedEdit(_name))
