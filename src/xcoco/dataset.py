"""
:class:`CocoDataset`: one manifest in memory, its index, and thin methods
that delegate to :mod:`xcoco.index.edit` (edits) and :mod:`xcoco.ops`
(whole-dataset operations).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from os import PathLike, fspath
from typing import IO, TYPE_CHECKING, Any

from xcoco.errors import ManifestStructureError
from xcoco.frozen import views as _frozen_views
from xcoco.gc_policy import paused_gc
from xcoco.imdata import assets as _asset_ops
from xcoco.index import edit, fields, remove
from xcoco.index.build import CocoIndex
from xcoco.manifest import io as manifest_io
from xcoco.ops import categories as _category_ops
from xcoco.ops import conform as _conform_ops
from xcoco.ops import construct as _construct
from xcoco.ops import copy as _copy_ops
from xcoco.ops import download as _download
from xcoco.ops import integrity as _integrity
from xcoco.ops import reroot as _reroot_ops
from xcoco.ops import subset as _subset_ops
from xcoco.query import Queryable
from xcoco.sql import views as _sql_views
from xcoco.types import Id, JsonDict, ObjRef, StrPath

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ['CocoDataset']

_NOT_GIVEN = edit.NOT_GIVEN
_DEFAULT_FNAME = 'data.kwcoco.json'



def _is_sql_key(key):
    # a database, or a string / path naming one
    return _sql_views.is_sql_key(key)


class CocoDataset(Queryable):
    """
    A COCO-style manifest (``.dataset``), its index (``.index``) and the
    folder its relative file names resolve against (``.bundle_dpath``).

    Args:
        data (str | PathLike | dict | CocoDataset | None): a path to a
            ``.json`` / ``.kwcoco.json`` / ``.zip`` manifest, a manifest dict
            (used as is, not copied), another dataset (deep-copied), or None
            for an empty dataset.
        tag (str | None): a short name for reprs; defaults to the file name.
        bundle_dpath (str | None): folder of the bundle; defaults to the
            manifest file's folder, or the current folder.
        img_root (str | None): kwcoco's older name for ``bundle_dpath``.
        fname (str | None): file name used for ``fpath`` when ``data`` is
            not a path.
        autobuild (bool): build the index now.  ``False`` opens even a file
            that repeats a category or video name so it can be repaired
            (repeated ids load with a warning, last one indexed, as kwcoco).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset({
        ...     'categories': [{'id': 1, 'name': 'cat'}],
        ...     'images': [{'id': 1, 'file_name': 'a.png', 'width': 8, 'height': 8}],
        ...     'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1,
        ...                      'bbox': [1, 1, 2, 2]}],
        ...     'my_extension': {'kept': True}})
        >>> dset
        <CocoDataset(tag=None, n_anns=1, n_imgs=1, n_videos=0, n_cats=1, n_tracks=0)>
        >>> dset.index.gid_to_aids[1]
        {1}
        >>> dset.dataset['my_extension']
        {'kept': True}
    """

    #: the manifest: table name -> list of object dicts (plus any other keys)
    dataset: JsonDict
    index: CocoIndex
    #: a short name for reprs
    tag: str | None
    _fpath: StrPath | None

    def __init__(self, data: StrPath | JsonDict | CocoDataset | None = None,
                 tag: str | None = None, bundle_dpath: StrPath | None = None,
                 img_root: StrPath | None = None, fname: str | None = None,
                 autobuild: bool = True) -> None:
        if img_root is not None:
            if bundle_dpath is not None and fspath(bundle_dpath) != fspath(img_root):
                raise TypeError('give only one of bundle_dpath and img_root')
            bundle_dpath = img_root
        self._hashid = None
        self._hashid_edits = None
        self.index = CocoIndex()
        fpath = None
        if data is None:
            data = manifest_io.empty_manifest()
        elif isinstance(data, (str, PathLike)):
            fpath = os.path.abspath(fspath(data))
            if tag is None:
                tag = os.path.basename(fpath)
            # one pause for the parse and the index build: between two
            # pauses the collector would walk every object just parsed
            with paused_gc():
                self._attach(manifest_io.read_manifest(fpath), tag, bundle_dpath,
                             fpath, fname, autobuild)
            return
        elif isinstance(data, CocoDataset):
            if bundle_dpath is None:
                bundle_dpath = data.bundle_dpath
            if tag is None:
                tag = data.tag
            fpath = data.fpath
            data = data.copy().dataset
        elif isinstance(data, dict):
            manifest_io.check_manifest_shape(data)
        else:
            raise ManifestStructureError(
                f'cannot make a CocoDataset from a {type(data).__name__}: '
                f'expected a path, a manifest dict, a CocoDataset or None')
        self._attach(data, tag, bundle_dpath, fpath, fname, autobuild)

    def _attach(self, data, tag, bundle_dpath, fpath, fname, autobuild):
        self.dataset = data
        self.tag = tag
        if bundle_dpath is None:
            bundle_dpath = os.path.dirname(fpath) if fpath is not None else '.'
        self.bundle_dpath = fspath(bundle_dpath)
        if fpath is None:
            fpath = os.path.join(self.bundle_dpath, fname or _DEFAULT_FNAME)
        self._fpath = fpath
        if autobuild:
            self.index.build(self.dataset, fpath=self._source_fpath())
        #: kwcoco's bookkeeping: loaded from a file, written by dump; the
        #: edit count at load tells the hashid cache the data is unedited
        self._state = {'was_loaded': fpath is not None and self._source_fpath() is not None,
                       'was_saved': False, 'loaded_edits': self.index.edits}

    # ---- construction helpers -----------------------------------------
    @classmethod
    def from_data(cls, data: JsonDict, bundle_dpath: StrPath | None = None,
                  img_root: StrPath | None = None) -> Self:
        """
        A dataset over a manifest dict.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.from_data({'images': []}).n_images
            0
        """
        return cls(data, bundle_dpath=bundle_dpath, img_root=img_root)

    @classmethod
    def load(cls, file: StrPath | IO[bytes] | IO[str],
             bundle_dpath: StrPath | None = None, autobuild: bool = True) -> Self:
        """
        Read a dataset from a path or an open file.

        Example:
            >>> import xcoco, io
            >>> xcoco.CocoDataset.load(io.BytesIO(b'{"images": []}')).n_images
            0
        """
        if isinstance(file, (str, PathLike)):
            return cls(file, bundle_dpath=bundle_dpath, autobuild=autobuild)
        name = getattr(file, 'name', None)
        data = manifest_io.parse_manifest(file.read(), fpath=name)
        self = cls(data, bundle_dpath=bundle_dpath, autobuild=autobuild)
        if isinstance(name, str):
            self._fpath = os.path.abspath(name)
            if bundle_dpath is None:
                self.bundle_dpath = os.path.dirname(self._fpath)
        return self

    @classmethod
    def empty(cls) -> Self:
        """
        An empty dataset.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.empty().n_images
            0
        """
        return cls()

    @classmethod
    def coerce(cls, key: StrPath | JsonDict | CocoDataset, sqlview: bool | str = False,
               verbose: int = 0, backend: str | None = None, **kw: Any) -> Any:
        """
        A dataset from a dataset (returned as is), a path, a manifest dict,
        or a demo key (``'special:<demo key>'``, or the bare key when no file
        of that name exists, as kwcoco).  ``backend='sqlite'`` /
        ``'postgresql'`` (kwcoco: ``sqlview=True``) gives the manifest's
        cached SQL view, a ``.sqlite`` path or a database URI opens that
        database (see :mod:`xcoco.sql`); ``'frozen'`` gives the cached
        memory-mapped snapshot (see :mod:`xcoco.frozen`); ``'memory'`` is
        the default.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> xcoco.CocoDataset.coerce(dset) is dset
            True
            >>> xcoco.CocoDataset.coerce('shapes2').n_images
            2
            >>> db = xcoco.CocoDataset.coerce('shapes2', backend='sqlite')
            >>> type(db).__name__, xcoco.CocoDataset.coerce(db) is db
            ('CocoSqlDatabase', True)
        """
        if sqlview or backend not in (None, 'memory') or _is_sql_key(key):
            from xcoco.sql.views import coerce_backend
            return coerce_backend(cls, key, sqlview=sqlview, backend=backend,
                                  verbose=verbose, **kw)
        if isinstance(key, Queryable):
            return key  # any dataset or backend, as it is
        if isinstance(key, str) and key.startswith('special:'):
            return cls.demo(key.split(':', 1)[1], **kw)
        if isinstance(key, str) and not os.path.exists(key):
            from xcoco.demo.grammar import is_demo_key
            if is_demo_key(key):
                return cls.demo(key, **kw)
        return cls(key, **kw)

    @classmethod
    def demo(cls, key: str = 'photos', **kwargs: Any) -> Self:
        """
        A toy dataset rendered into a cache folder (see :mod:`xcoco.demo`).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset.demo('shapes2')
            >>> dset.n_images
            2
        """
        from xcoco.demo import demo_dataset
        dset = demo_dataset(key, **kwargs)
        if type(dset) is not cls:
            # a subclass asked: hand it the same manifest in its own class
            new = cls(dset.dataset, tag=dset.tag, bundle_dpath=dset.bundle_dpath)
            new.fpath = dset.fpath
            new.bundle_dpath = dset.bundle_dpath
            dset = new
        return dset

    # ---- paths ----------------------------------------------------------
    @property
    def fpath(self) -> StrPath | None:
        """
        The manifest's path; setting it also moves ``bundle_dpath`` to its
        folder (file names are not rewritten: call :meth:`reroot` for that).
        A path object set here is handed back as it was given (as kwcoco).

        Example:
            >>> import xcoco, pathlib
            >>> dset = xcoco.CocoDataset(bundle_dpath='/data')
            >>> dset.fpath
            '/data/data.kwcoco.json'
            >>> dset.fpath = '/other/train.kwcoco.json'
            >>> dset.bundle_dpath
            '/other'
            >>> dset.fpath = pathlib.Path('/third/x.json')
            >>> dset.fpath.name, dset.bundle_dpath
            ('x.json', '/third')
        """
        return self._fpath

    @fpath.setter
    def fpath(self, value: StrPath | None) -> None:
        if value is None:
            self._fpath = None
            return
        fspath(value)  # refuse what is not a path now, not at dump time
        self._fpath = value
        self.bundle_dpath = os.path.dirname(os.path.abspath(value))

    data_fpath = fpath

    def _source_fpath(self):
        # Errors name the manifest's file only when there is one: a dataset
        # made from a dict has a default fpath that names no real file.
        fpath = self._fpath
        return fpath if fpath is not None and os.path.isfile(fpath) else None

    @property
    def img_root(self) -> str:
        """
        kwcoco's older name for ``bundle_dpath``.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset(bundle_dpath='/data').img_root
            '/data'
        """
        return self.bundle_dpath

    @img_root.setter
    def img_root(self, value: StrPath) -> None:
        self.bundle_dpath = fspath(value)

    data_root = img_root

    # ---- identity -------------------------------------------------------
    @property
    def hashid(self) -> str:
        """
        A hash of the manifest's content, cached until the next edit made
        through the dataset's methods.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> before = dset.hashid
            >>> _ = dset.add_category('cat')
            >>> dset.hashid != before
            True
        """
        edits = self.index.edits
        if self._hashid is None or self._hashid_edits != edits:
            from xcoco.ops.hashid import manifest_hashid
            self._hashid = manifest_hashid(self.dataset)
            self._hashid_edits = edits
        return self._hashid

    def _invalidate_hashid(self):
        # kwcoco's spelling; xcoco's edit functions call index.note_edit()
        self.index.note_edit()

    def __repr__(self) -> str:
        return (f'<{type(self).__name__}(tag={self.tag}, n_anns={self.n_annots}, '
                f'n_imgs={self.n_images}, n_videos={self.n_videos}, '
                f'n_cats={self.n_cats}, n_tracks={self.n_tracks})>')

    # ---- index ----------------------------------------------------------
    def rebuild_index(self) -> None:
        """
        Rebuild every lookup from ``self.dataset`` (after editing the dicts
        by hand).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.dataset['images'].append({'id': 5, 'file_name': 'x.png'})
            >>> dset.rebuild_index()
            >>> dset.n_images
            1
        """
        self.index.build(self.dataset, fpath=self._source_fpath())

    _build_index = rebuild_index

    # ---- edits ------------------------------------------------------------
    def add_image(self, file_name: StrPath | None = None, id: Id | None = None,
                  **kw: Any) -> Id:
        """
        Add an image and return its id.

        Raises:
            InvalidAddError: neither ``file_name`` nor ``name`` given, a
                frame without ``frame_index``, a non-integer size.
            DuplicateAddError: the id, file name or name is taken.
            UnknownIdError: ``video_id`` does not exist (a KeyError).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_image('img.png', width=32, height=16)
            1
            >>> dset.imgs[1]
            {'id': 1, 'file_name': 'img.png', 'width': 32, 'height': 16}
        """
        return edit.add_image(self, file_name, id=id, **kw)

    def add_images(self, imgs: Iterable[JsonDict]) -> list[Id]:
        """
        Add many image dicts at once (all are checked before any is added).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_images([{'file_name': 'a.png'}, {'file_name': 'b.png'}])
            [1, 2]
        """
        return edit.add_images(self, imgs)

    def add_annotation(self, image_id: Id, category_id: Id | None = None,
                       bbox: Any = _NOT_GIVEN, segmentation: Any = _NOT_GIVEN,
                       keypoints: Any = _NOT_GIVEN, id: Id | None = None,
                       track_id: Id | None = None, **kw: Any) -> Id:
        """
        Add an annotation and return its id.  ``bbox``, ``segmentation`` and
        ``keypoints`` may be kwimage objects.

        Raises:
            UnknownIdError: the image or category does not exist (a KeyError).
            InvalidAddError: the bbox is not 4 numbers with non-negative size.
            DuplicateAddError: the id is taken.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('img.png')
            >>> cid = dset.add_category('cat')
            >>> dset.add_annotation(gid, cid, bbox=[10, 10, 5, 5], score=0.9)
            1
        """
        return edit.add_annotation(self, image_id, category_id, bbox=bbox,
                                   segmentation=segmentation,
                                   keypoints=keypoints, id=id,
                                   track_id=track_id, **kw)

    def add_annotations(self, anns: Iterable[JsonDict]) -> list[Id]:
        """
        Add many annotation dicts at once (all are checked first).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('img.png')
            >>> dset.add_annotations([{'image_id': gid}, {'image_id': gid}])
            [1, 2]
        """
        return edit.add_annotations(self, anns)

    def add_category(self, name: str, supercategory: str | None = None,
                     id: Id | None = None, **kw: Any) -> Id:
        """
        Add a category and return its id.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_category('dog', supercategory='animal')
            1
        """
        return edit.add_category(self, name, supercategory=supercategory,
                                 id=id, **kw)

    def add_categories(self, cats: Iterable[JsonDict]) -> list[Id]:
        """
        Add many category dicts; return their ids.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_categories([{'name': 'a'}, {'name': 'b', 'id': 7}])
            [1, 7]
        """
        return edit.add_categories(self, cats)

    def add_video(self, name: str, id: Id | None = None, **kw: Any) -> Id:
        """
        Add a video and return its id.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_video('drive_01', width=640, height=480)
            1
        """
        return edit.add_video(self, name, id=id, **kw)

    def add_track(self, name: str | None = None, id: Id | None = None,
                  **kw: Any) -> Id:
        """
        Add a track and return its id.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_track('car_7')
            1
        """
        return edit.add_track(self, name=name, id=id, **kw)

    def add_keypoint_categories(self, keypoint_cats: Iterable[str | JsonDict]) -> list[Id]:
        """
        Add keypoint categories (names or dicts); return their ids.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.add_keypoint_categories(['head', 'tail'])
            [1, 2]
        """
        return edit.add_keypoint_categories(self, keypoint_cats)

    def add_keypoint_category(self, name: str, id: Id | None = None, **kw: Any) -> Id:
        """
        Add one keypoint category and return its id.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().add_keypoint_category('head')
            1
        """
        return edit.add_keypoint_categories(self, [{'name': name, 'id': id, **kw}])[0]

    def ensure_image(self, file_name: StrPath, id: Id | None = None, **kw: Any) -> Id:
        """
        Id of the image with this file name, added if absent.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.ensure_image('a.png') == dset.ensure_image('a.png')
            True
        """
        return edit.ensure_image(self, file_name, id=id, **kw)

    def ensure_category(self, name: str, supercategory: str | None = None,
                        id: Id | None = None, **kw: Any) -> Id:
        """
        Id of the category with this name, added if absent.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.ensure_category('cat'), dset.ensure_category('cat')
            (1, 1)
        """
        return edit.ensure_by_name(self, 'categories', name, self.add_category,
                                   supercategory=supercategory, id=id, **kw)

    def ensure_video(self, name: str, id: Id | None = None, **kw: Any) -> Id:
        """
        Id of the video with this name, added if absent.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.ensure_video('v'), dset.ensure_video('v')
            (1, 1)
        """
        return edit.ensure_by_name(self, 'videos', name, self.add_video, id=id, **kw)

    def ensure_track(self, name: str, id: Id | None = None, **kw: Any) -> Id:
        """
        Id of the track with this name, added if absent.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.ensure_track('t'), dset.ensure_track('t')
            (1, 1)
        """
        return edit.ensure_by_name(self, 'tracks', name, self.add_track, id=id, **kw)

    def remove_annotation(self, aid_or_ann: Id | JsonDict) -> None:
        """
        Remove one annotation.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> aid = dset.add_annotation(dset.add_image('a.png'))
            >>> dset.remove_annotation(aid)
            >>> dset.n_annots
            0
        """
        remove.remove_annotations(self, [aid_or_ann])

    def remove_annotations(self, aids_or_anns: Iterable[Id | JsonDict], verbose: int = 0,
                           safe: bool = True) -> dict[str, int]:
        """
        Remove annotations; returns the number removed per table.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> aid = dset.add_annotation(dset.add_image('a.png'))
            >>> dset.remove_annotations([aid])
            {'annotations': 1}
        """
        return remove.remove_annotations(self, aids_or_anns, safe=safe, verbose=verbose)

    def remove_images(self, gids_or_imgs: Iterable[ObjRef], verbose: int = 0,
                      safe: bool = True) -> dict[str, int]:
        """
        Remove images and their annotations.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> _ = dset.add_annotation(gid)
            >>> dset.remove_images([gid])
            {'annotations': 1, 'images': 1}
        """
        return remove.remove_images(self, gids_or_imgs, safe=safe, verbose=verbose)

    def remove_categories(self, cat_identifiers: Iterable[ObjRef], keep_annots: bool = False,
                          verbose: int = 0, safe: bool = True) -> dict[str, int]:
        """
        Remove categories (by id, name or dict) and, unless ``keep_annots``,
        their annotations.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('cat')
            >>> _ = dset.add_annotation(dset.add_image('a.png'), cid)
            >>> dset.remove_categories(['cat'])
            {'annotations': 1, 'categories': 1}
        """
        return remove.remove_categories(self, cat_identifiers, keep_annots=keep_annots,
                                        safe=safe, verbose=verbose)

    def remove_videos(self, vidids_or_videos: Iterable[ObjRef], verbose: int = 0,
                      safe: bool = True, keep_images: bool = False) -> dict[str, int]:
        """
        Remove videos with their frames (or, with ``keep_images``, only the
        frames' link to the video).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> vid = dset.add_video('v')
            >>> _ = dset.add_image('f.png', video_id=vid, frame_index=0)
            >>> dset.remove_videos([vid])
            {'annotations': 0, 'images': 1, 'videos': 1}
        """
        return remove.remove_videos(self, vidids_or_videos, keep_images=keep_images,
                                    safe=safe, verbose=verbose)

    def remove_tracks(self, track_identifiers: Iterable[ObjRef], keep_annots: bool = False,
                      verbose: int = 0, safe: bool = True) -> dict[str, int]:
        """
        Remove tracks and, unless ``keep_annots``, their annotations.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> tid = dset.add_track('t')
            >>> _ = dset.add_annotation(dset.add_image('a.png'), track_id=tid)
            >>> dset.remove_tracks([tid])
            {'annotations': 1, 'tracks': 1}
        """
        return remove.remove_tracks(self, track_identifiers, keep_annots=keep_annots,
                                    safe=safe, verbose=verbose)

    def remove_keypoint_categories(self, kp_identifiers: Iterable[ObjRef],
                                   clean_anns: bool = True) -> dict[str, int]:
        """
        Remove keypoint categories (and their keypoints from annotations).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_keypoint_categories(['head'])
            >>> dset.remove_keypoint_categories(['head'])
            {'keypoint_categories': 1, 'annotation_keypoints': 0, 'reflection_ids': 0}
        """
        return remove.remove_keypoint_categories(self, kp_identifiers,
                                               clean_anns=clean_anns)

    def clear_annotations(self) -> None:
        """
        Remove every annotation.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_annotation(dset.add_image('a.png'))
            >>> dset.clear_annotations()
            >>> dset.n_annots
            0
        """
        remove.clear_annotations(self)

    def clear_images(self) -> None:
        """
        Remove every image and annotation.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_image('a.png')
            >>> dset.clear_images()
            >>> dset.n_images
            0
        """
        remove.clear_images(self)

    def set_annotation_category(self, aid_or_ann: Id | JsonDict, cid_or_cat: ObjRef) -> None:
        """
        Move an annotation to another category.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> a, b = dset.add_category('a'), dset.add_category('b')
            >>> aid = dset.add_annotation(dset.add_image('x.png'), a)
            >>> dset.set_annotation_category(aid, 'b')
            >>> dset.anns[aid]['category_id'], dset.cid_to_aids[b]
            (2, {1})
        """
        fields.set_annotation_category(self, aid_or_ann, cid_or_cat)

    # ---- operations ---------------------------------------------------------
    # Functions documented (with examples) where they live; bound here so
    # that ``dset.subset(...)`` and kwcoco's other method spellings work.
    copy = _copy_ops.copy_dataset
    subset = _subset_ops.subset
    reroot = _reroot_ops.reroot
    conform = _conform_ops.conform
    rename_categories = _category_ops.rename_categories
    normalize_category_ids = _category_ops.normalize_category_ids
    remove_annotation_keypoints = remove.remove_annotation_keypoints
    add_asset = _asset_ops.add_image_asset
    add_auxiliary_item = _asset_ops.add_auxiliary_item
    _ensure_imgsize = _integrity.ensure_imgsize
    _ensure_json_serializable = _integrity.ensure_json_serializable
    _build_hashid = _integrity.build_hashid
    hashid_parts = property(_integrity.hashid_parts)
    _cached_hashid = _integrity.cached_hashid
    _cached_hashid_for = staticmethod(_integrity.cached_hashid_for)
    _dataset_id = _integrity.dataset_id
    _update_fpath = _reroot_ops.update_fpath
    _aspycoco = _conform_ops.to_pycocotools
    download = _download.download
    view_sql = _sql_views.view_sql
    freeze = _frozen_views.freeze
    from_image_paths = classmethod(_construct.from_image_paths)
    from_class_image_paths = classmethod(_construct.from_class_image_paths)
    from_coco_paths = classmethod(_construct.from_coco_paths)
    coerce_multiple = classmethod(_construct.coerce_multiple)
    load_multiple = classmethod(_construct.load_multiple)
    random = classmethod(_construct.random_dataset)

    def union(*others: CocoDataset, disjoint_tracks: bool = True,
              remember_parent: bool = False, **kwargs: Any) -> CocoDataset:
        """
        Merge datasets into a new one.  Works as ``a.union(b, c)`` and as
        ``CocoDataset.union(a, b, c)``; see :func:`xcoco.ops.union.union`.

        Example:
            >>> import xcoco
            >>> a = xcoco.CocoDataset()
            >>> _ = a.add_annotation(a.add_image('a.png'), a.add_category('cat'))
            >>> b = xcoco.CocoDataset()
            >>> _ = b.add_annotation(b.add_image('b.png'), b.add_category('cat'))
            >>> merged = a.union(b)
            >>> merged.n_images, merged.n_cats, merged.n_annots
            (2, 1, 2)
        """
        from xcoco.ops.union import union
        cls = type(others[0]) if others and isinstance(others[0], CocoDataset) else CocoDataset
        return union(others, cls=cls, disjoint_tracks=disjoint_tracks,
                     remember_parent=remember_parent, **kwargs)

    # ---- writing -----------------------------------------------------------
    def dumps(self, indent: int | str | None = None, newlines: bool = False) -> str:
        """
        The manifest as JSON text.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset({'images': []}).dumps()
            '{"images":[]}'
        """
        return manifest_io.dumps_manifest(self.dataset, indent=indent,
                                          newlines=newlines).decode('utf8')

    def dump(self, file: StrPath | IO[Any] | None = None, indent: int | str | None = None,
             newlines: bool = False, temp_file: bool | str = 'auto',
             compress: bool | str = 'auto', verbose: int = 0) -> None:
        """
        Write the manifest to a path (atomically; ``.zip`` compresses) or
        an open file.  Without ``file`` it writes to ``self.fpath``.

        Example:
            >>> import xcoco, ubelt as ub
            >>> import tempfile
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_image('a.png')
            >>> dset.dump(dpath / 'out.kwcoco.json')
            >>> xcoco.CocoDataset(dpath / 'out.kwcoco.json').n_images
            1
        """
        if file is None:
            file = self.fpath
        manifest_io.write_manifest(self.dataset, file, indent=indent,
                                   newlines=newlines, compress=compress)
        self._state['was_saved'] = True
        if verbose:
            print(f'wrote {file}')

