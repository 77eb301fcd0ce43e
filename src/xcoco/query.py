"""
The read surface shared by every dataset backend.

:class:`Queryable` answers reads (``imgs``, ``anns``, ``n_images``,
``images()``, ``annots()``, ``coco_image()``, stats ...) using only an
``index`` that satisfies :class:`IndexProtocol` and a ``bundle_dpath``.  The
in-memory :class:`xcoco.CocoDataset` and a database-backed dataset both
inherit it, so each read is written once.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Protocol

from xcoco.errors import UnknownIdError
from xcoco.imdata import dataset_pixels as _pixels
from xcoco.ops import categories as _category_ops
from xcoco.ops import integrity as _integrity
from xcoco.ops import summaries as _summaries
from xcoco.resolve import _is_id_like, resolve_id
from xcoco.types import Id, JsonDict, ObjRef

if TYPE_CHECKING:
    from delayed_image.channel_spec import FusedChannelSpec

    from xcoco.objects.category_tree import CategoryTree
    from xcoco.objects.image import CocoImage
    from xcoco.objects.vectorized import Annots, Categories, Images, Tracks, Videos

__all__ = ['IndexProtocol', 'Queryable', 'resolve_id']


class IndexProtocol(Protocol):
    """
    What the read surface needs from an index.  The in-memory
    :class:`xcoco.index.build.CocoIndex` provides it with dicts; a database
    backend provides the same mappings as lazy proxies.

    Example:
        >>> from xcoco.index.build import CocoIndex
        >>> index = CocoIndex()
        >>> all(hasattr(index, name) for name in IndexProtocol.__annotations__)
        True
    """
    imgs: Mapping[Any, dict]
    anns: Mapping[Any, dict]
    cats: Mapping[Any, dict]
    videos: Mapping[Any, dict]
    tracks: Mapping[Any, dict]
    kpcats: Mapping[Any, dict]
    gid_to_aids: Mapping[Any, Any]
    cid_to_aids: Mapping[Any, Any]
    vidid_to_gids: Mapping[Any, Any]
    trackid_to_aids: Mapping[Any, Any]
    name_to_cat: Mapping[str, dict]
    name_to_img: Mapping[str, dict]
    name_to_video: Mapping[str, dict]
    name_to_track: Mapping[str, dict]
    file_name_to_img: Mapping[str, dict]


def _sorted_ids(lookup):
    # kwcoco lists whole tables in id order; ids of mixed types keep table
    # order.  A backend that keeps its ids sorted (frozen) hands them over.
    sorted_keys = getattr(lookup, 'sorted_keys', None)
    if sorted_keys is not None:
        return sorted_keys()
    try:
        return sorted(lookup)
    except TypeError:
        return list(lookup)


def _pick(name, value, alias_name, alias_value):
    # kwcoco accepts old keyword names (gids=, aids=, ...) beside the new ones
    if value is not None and alias_value is not None:
        raise TypeError(f'give only one of {name!r} and {alias_name!r}')
    return value if value is not None else alias_value


class Queryable:
    """
    Reads over ``self.index`` (see :class:`IndexProtocol`) and
    ``self.bundle_dpath``.  Not used directly: :class:`xcoco.CocoDataset`
    inherits it.

    Example:
        >>> import xcoco
        >>> issubclass(xcoco.CocoDataset, Queryable)
        True
    """

    #: what every read goes through (set by the backend's constructor)
    index: IndexProtocol
    #: the folder relative file names resolve against
    bundle_dpath: str

    # ---- tables --------------------------------------------------------
    @property
    def imgs(self) -> Mapping[Id, JsonDict]:
        """
        Images by id.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> dset.imgs[gid]['file_name']
            'a.png'
        """
        return self.index.imgs

    @property
    def anns(self) -> Mapping[Id, JsonDict]:
        """
        Annotations by id.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().anns
            {}
        """
        return self.index.anns

    @property
    def cats(self) -> Mapping[Id, JsonDict]:
        """
        Categories by id.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.cats[dset.add_category('cat')]['name']
            'cat'
        """
        return self.index.cats

    @property
    def gid_to_aids(self) -> Mapping[Id, AbstractSet[Id]]:
        """
        Annotation ids of each image (``index.gid_to_aids``).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> dset.gid_to_aids[gid]
            set()
        """
        return self.index.gid_to_aids

    @property
    def cid_to_aids(self) -> Mapping[Id, AbstractSet[Id]]:
        """
        Annotation ids of each category (``index.cid_to_aids``).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> dset.cid_to_aids[dset.add_category('cat')]
            set()
        """
        return self.index.cid_to_aids

    @property
    def name_to_cat(self) -> Mapping[str, JsonDict]:
        """
        Categories by name (``index.name_to_cat``).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('cat')
            >>> dset.name_to_cat['cat']['id']
            1
        """
        return self.index.name_to_cat

    # ---- counts --------------------------------------------------------
    @property
    def n_images(self) -> int:
        """
        Number of images.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().n_images
            0
        """
        return len(self.index.imgs)

    @property
    def n_annots(self) -> int:
        """
        Number of annotations.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().n_annots
            0
        """
        return len(self.index.anns)

    @property
    def n_cats(self) -> int:
        """
        Number of categories.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().n_cats
            0
        """
        return len(self.index.cats)

    @property
    def n_videos(self) -> int:
        """
        Number of videos.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().n_videos
            0
        """
        return len(self.index.videos)

    @property
    def n_tracks(self) -> int:
        """
        Number of tracks in the tracks table.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().n_tracks
            0
        """
        return len(self.index.tracks)

    # ---- lookups -------------------------------------------------------
    def _resolve_id(self, table, item):
        """
        The id of an object given as an id, a dict with an id, or (for
        named tables) a name: kwcoco's private spelling of :func:`resolve_id`.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('cat')
            >>> dset._resolve_id('categories', 'cat'), dset._resolve_id('categories', {'id': cid})
            (1, 1)
            >>> try:
            ...     dset._resolve_id('images', 9)
            ... except KeyError as ex:
            ...     print(ex)
            no image with id=9
        """
        return resolve_id(self.index, table, item)

    def _resolve_to_cid(self, id_or_name_or_dict):
        """
        Category id from an id, name or dict.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('cat')
            >>> dset._resolve_to_cid('cat') == dset._resolve_to_cid(cid)
            True
        """
        return self._resolve_id('categories', id_or_name_or_dict)

    def _resolve_to_gid(self, id_or_name_or_dict):
        return self._resolve_id('images', id_or_name_or_dict)

    def _resolve_to_vidid(self, id_or_name_or_dict):
        return self._resolve_id('videos', id_or_name_or_dict)

    def _resolve_to_trackid(self, id_or_name_or_dict):
        return self._resolve_id('tracks', id_or_name_or_dict)

    def _resolve_to_img(self, gid_or_img):
        """
        An image dict from an id or a dict.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> dset._resolve_to_img(gid) is dset._resolve_to_img(dset.imgs[gid])
            True
        """
        if isinstance(gid_or_img, dict):
            return gid_or_img
        return self.index.imgs[resolve_id(self.index, 'images', gid_or_img)]

    def _resolve_to_ann(self, aid_or_ann):
        if isinstance(aid_or_ann, dict):
            return aid_or_ann
        return self.index.anns[self._resolve_id('annotations', aid_or_ann)]

    def _resolve_to_cat(self, cat_identifier):
        """
        A category dict from an id, a name, an alias (a name in a
        category's ``alias`` list) or a dict.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('person', alias=['human'])
            >>> dset._resolve_to_cat('human')['id'] == dset._resolve_to_cat(cid)['id']
            True
        """
        if isinstance(cat_identifier, dict):
            return cat_identifier
        if isinstance(cat_identifier, str) and cat_identifier not in self.index.name_to_cat:
            try:
                return self._alias_to_cat(cat_identifier)
            except UnknownIdError:
                pass  # the resolver's message names the id or name
        return self.index.cats[self._resolve_id('categories', cat_identifier)]

    def _resolve_to_kpcat(self, kp_identifier):
        if isinstance(kp_identifier, dict):
            return kp_identifier
        return self.index.kpcats[self._resolve_id('keypoint_categories', kp_identifier)]

    def _alias_to_cat(self, alias_catname):
        """
        The category named ``alias_catname`` or listing it in its ``alias``
        (a name or a list of names); None for None; UnknownIdError (a
        KeyError) when no category matches.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('person', alias='human')
            >>> dset._alias_to_cat('human')['name']
            'person'
            >>> try:
            ...     dset._alias_to_cat('dog')
            ... except KeyError as ex:
            ...     print(type(ex).__name__)
            UnknownIdError
        """
        if alias_catname is None:
            return None
        cat = self.index.name_to_cat.get(alias_catname)
        if cat is not None:
            return cat
        for cat in self.index.cats.values():
            alias = cat.get('alias') or ()
            if alias_catname == alias or (not isinstance(alias, str) and alias_catname in alias):
                return cat
        raise UnknownIdError(f'no category is named or aliased {alias_catname!r}')

    def _keypoint_category_names(self):
        """
        Every keypoint name, sorted: the keypoint categories' names, or
        (MS-COCO style) the categories' ``keypoints`` lists.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('person', keypoints=['nose', 'eye'])
            >>> dset._keypoint_category_names()
            ['eye', 'nose']
        """
        names = {kpcat['name'] for kpcat in self.index.kpcats.values()}
        if not names:
            for cat in self.index.cats.values():
                names.update(cat.get('keypoints') or ())
        return sorted(names)

    def _lookup_kpnames(self, cid):
        """
        The keypoint names of a category (MS-COCO ``keypoints``), inherited
        from the nearest supercategory that has them; None if none has.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('animal', keypoints=['head', 'tail'])
            >>> cid = dset.add_category('cat', supercategory='animal')
            >>> dset._lookup_kpnames(cid)
            ['head', 'tail']
        """
        cat = self._resolve_to_cat(cid)
        seen = set()
        while cat is not None and cat['name'] not in seen:
            seen.add(cat['name'])
            if cat.get('keypoints'):
                return list(cat['keypoints'])
            cat = self.index.name_to_cat.get(cat.get('supercategory'))
        return None

    def _coco_image(self, gid):
        return self.coco_image(gid)

    _get_img_auxiliary = _pixels._get_img_auxiliary

    # ---- views ---------------------------------------------------------
    def images(self, image_ids: Iterable[Id] | None = None,
               video_id: ObjRef | None = None, names: Iterable[str] | None = None,
               video_name: str | None = None, *, gids: Iterable[Id] | None = None,
               vidid: ObjRef | None = None) -> Images:
        """
        A vectorized view of images: all (in id order, as kwcoco), by id,
        by name, or the frames of a video in frame order.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> vid = dset.add_video('v')
            >>> g1 = dset.add_image('b.png', video_id=vid, frame_index=1)
            >>> g0 = dset.add_image('a.png', video_id=vid, frame_index=0)
            >>> dset.images(video_id=vid).lookup('file_name')
            ['a.png', 'b.png']
            >>> len(dset.images())
            2
        """
        from xcoco.objects.vectorized import Images
        image_ids = _pick('image_ids', image_ids, 'gids', gids)
        video_id = _pick('video_id', video_id, 'vidid', vidid)
        index = self.index
        if video_name is not None:
            video_id = self._resolve_to_vidid(video_name)
        if video_id is not None:
            if not (_is_id_like(video_id) and video_id in index.vidid_to_gids):
                video_id = self._resolve_to_vidid(video_id)
            image_ids = list(index.vidid_to_gids.get(video_id, ()))
        elif names is not None:
            image_ids = [self._resolve_to_gid(name) for name in names]
        elif image_ids is None:
            image_ids = _sorted_ids(index.imgs)
        return Images(image_ids, self)

    def annots(self, annot_ids: Iterable[Id] | None = None,
               image_id: ObjRef | None = None, track_id: ObjRef | None = None,
               video_id: ObjRef | None = None, image_name: str | None = None,
               track_name: str | None = None, video_name: str | None = None, *,
               trackid: ObjRef | None = None, aids: Iterable[Id] | None = None,
               gid: ObjRef | None = None) -> Annots:
        """
        A vectorized view of annotations: all, by id, or those of one image,
        track or video.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> aids = [dset.add_annotation(gid, bbox=[0, 0, i, i]) for i in range(3)]
            >>> dset.annots(image_id=gid).lookup('bbox')
            [[0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 2, 2]]
        """
        from xcoco.objects.vectorized import Annots
        annot_ids = _pick('annot_ids', annot_ids, 'aids', aids)
        image_id = _pick('image_id', image_id, 'gid', gid)
        track_id = _pick('track_id', track_id, 'trackid', trackid)
        index = self.index
        if image_name is not None:
            image_id = self._resolve_to_gid(image_name)
        if track_name is not None:
            track_id = self._resolve_to_trackid(track_name)
        if video_name is not None:
            video_id = self._resolve_to_vidid(video_name)
        if image_id is not None:
            image_id = resolve_id(index, 'images', image_id)
            annot_ids = sorted(index.gid_to_aids.get(image_id, ()))
        elif track_id is not None:
            track_id = self._resolve_to_trackid(track_id)
            annot_ids = list(index.trackid_to_aids.get(track_id, ()))
        elif video_id is not None:
            vidid = self._resolve_to_vidid(video_id)
            annot_ids = [aid for gid in index.vidid_to_gids.get(vidid, ())
                         for aid in sorted(index.gid_to_aids.get(gid, ()))]
        elif annot_ids is None:
            annot_ids = _sorted_ids(index.anns)
        return Annots(annot_ids, self)

    def categories(self, category_ids: Iterable[Id] | None = None, *,
                   cids: Iterable[Id] | None = None) -> Categories:
        """
        A vectorized view of categories.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('cat'), dset.add_category('dog')
            >>> dset.categories().lookup('name')
            ['cat', 'dog']
        """
        from xcoco.objects.vectorized import Categories
        category_ids = _pick('category_ids', category_ids, 'cids', cids)
        if category_ids is None:
            category_ids = _sorted_ids(self.index.cats)
        return Categories(category_ids, self)

    def videos(self, video_ids: Iterable[Id] | None = None,
               names: Iterable[str] | None = None, *,
               vidids: Iterable[Id] | None = None) -> Videos:
        """
        A vectorized view of videos.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_video('v1'), dset.add_video('v2')
            >>> dset.videos(names=['v2']).lookup('id')
            [2]
        """
        from xcoco.objects.vectorized import Videos
        video_ids = _pick('video_ids', video_ids, 'vidids', vidids)
        if names is not None:
            video_ids = [self._resolve_to_vidid(name) for name in names]
        elif video_ids is None:
            video_ids = _sorted_ids(self.index.videos)
        return Videos(video_ids, self)

    def tracks(self, track_ids: Iterable[Id] | None = None,
               names: Iterable[str] | None = None, video_id: ObjRef | None = None,
               video_name: str | None = None) -> Tracks:
        """
        A vectorized view of tracks, optionally those seen in one video.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_track('t1'), dset.add_track('t2')
            >>> dset.tracks(names=['t2']).lookup('id')
            [2]
        """
        from xcoco.objects.vectorized import Tracks
        index = self.index
        if video_name is not None:
            video_id = self._resolve_to_vidid(video_name)
        if names is not None:
            track_ids = [self._resolve_to_trackid(name) for name in names]
        elif video_id is not None:
            if not (_is_id_like(video_id) and video_id in index.vidid_to_gids):
                video_id = self._resolve_to_vidid(video_id)
            seen = {}
            for gid in index.vidid_to_gids.get(video_id, ()):
                for aid in sorted(index.gid_to_aids.get(gid, ())):
                    tid = index.anns[aid].get('track_id', None)
                    if tid is not None:
                        seen.setdefault(tid, None)
            track_ids = list(seen)
        elif track_ids is None:
            track_ids = _sorted_ids(index.tracks)
        return Tracks(track_ids, self)

    def coco_image(self, gid: ObjRef) -> CocoImage:
        """
        The :class:`xcoco.CocoImage` of one image.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png', width=8, height=6)
            >>> dset.coco_image(gid).dsize
            (8, 6)
        """
        from xcoco.objects.image import CocoImage
        return CocoImage(self._resolve_to_img(gid), self)

    # ---- paths ---------------------------------------------------------
    def get_image_fpath(self, gid_or_img: ObjRef,
                        channels: str | FusedChannelSpec | None = None) -> str:
        """
        Full path of an image's file (or of the asset holding ``channels``).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset(bundle_dpath='/data/bundle')
            >>> gid = dset.add_image('imgs/a.png')
            >>> dset.get_image_fpath(gid)
            '/data/bundle/imgs/a.png'
        """
        from xcoco.manifest.assets import checked_file_name
        img = self._resolve_to_img(gid_or_img)
        if channels is not None:
            from xcoco.objects.image import CocoImage
            asset = CocoImage(img, self).find_asset_obj(channels)
            if asset is None:
                from xcoco.errors import ChannelError
                raise ChannelError(
                    f"image id={img['id']!r} has no asset with channels {channels!r}")
            file_name = checked_file_name(asset, img)
        else:
            file_name = checked_file_name(img)
            if file_name is None:
                from xcoco.errors import ChannelError
                raise ChannelError(
                    f"image id={img['id']!r} has no 'file_name'; its data lives "
                    f'in assets: pass channels= to pick one')
        return os.path.join(self.bundle_dpath, file_name)

    # ---- statistics ----------------------------------------------------
    def basic_stats(self) -> dict[str, int]:
        """
        Counts of each table.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset().basic_stats()
            {'n_anns': 0, 'n_imgs': 0, 'n_videos': 0, 'n_cats': 0, 'n_tracks': 0}
        """
        from xcoco.ops.stats import basic_stats
        return basic_stats(self)

    def extended_stats(self) -> dict[str, dict[str, Any]]:
        """
        Distribution summaries (mean, std, min, max, quartiles) of
        annotations per image, images per category and so on.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> _ = dset.add_annotation(gid, bbox=[0, 0, 1, 1])
            >>> dset.extended_stats()['annots_per_img']['mean']
            1.0
        """
        from xcoco.ops.stats import extended_stats
        return extended_stats(self)

    def category_annotation_frequency(self) -> dict[str, int]:
        """
        Number of annotations of each category, by category name.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image('a.png')
            >>> cid = dset.add_category('cat')
            >>> _ = dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1])
            >>> dset.category_annotation_frequency()
            {'cat': 1}
        """
        from xcoco.ops.stats import category_annotation_frequency
        return category_annotation_frequency(self)

    def corrupted_images(self, check_aux: bool = True, verbose: int = 0,
                         workers: int = 0) -> list[tuple[int, str, Id]]:
        """
        Images whose files exist but do not decode in full, as
        ``(position, path, image_id)``; ``check_aux=False`` skips the files
        of assets, ``workers`` threads decode at once.  See
        :func:`xcoco.ops.stats.corrupted_images`.

        Example:
            >>> import xcoco
            >>> xcoco.CocoDataset.demo('shapes2').corrupted_images(workers=2)
            []
        """
        from xcoco.ops.stats import corrupted_images
        return corrupted_images(self, check_aux=check_aux, verbose=verbose,
                                workers=workers)

    # ---- checks and category structure -------------------------------
    def validate(self, **config: Any) -> dict[str, list[Any]]:
        """
        Check the manifest against the schema and every reference / geometry
        / channel rule, and (as in kwcoco, unless ``missing=False``) that
        every registered file exists; see :func:`xcoco.ops.validate.validate`.
        Returns ``{'errors': [...], 'warnings': [...]}`` (and kwcoco's
        ``'missing'`` / ``'corrupted'`` lists when files are missing or
        broken) whose entries are strings that also carry ``rule``,
        ``path``, ``id`` and ``message``.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset.demo('shapes8')
            >>> dset.validate()['errors']
            []
            >>> dset.dataset['annotations'][0]['image_id'] = 999
            >>> problem = dset.validate()['errors'][0]
            >>> problem.rule, problem.path
            ('annotation.image_id.exists', '/annotations/0/image_id')
        """
        from xcoco.ops.validate import validate
        return validate(self, **config)

    def object_categories(self) -> CategoryTree:
        """
        The categories as a :class:`xcoco.CategoryTree` (supercategory links
        become edges).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_category('animal'), dset.add_category('cat', supercategory='animal')
            >>> dset.object_categories()
            <CategoryTree(nNodes=2, maxDepth=2, maxBreadth=1, nodes=['animal', 'cat'])>
        """
        from xcoco.objects.category_tree import object_categories
        return object_categories(self)

    def keypoint_categories(self) -> CategoryTree:
        """
        The keypoint categories as a :class:`xcoco.CategoryTree`.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> _ = dset.add_keypoint_categories(['head', 'tail'])
            >>> dset.keypoint_categories().category_names
            ['head', 'tail']
        """
        from xcoco.objects.category_tree import keypoint_categories
        return keypoint_categories(self)

    def missing_images(self, check_aux: bool = True,
                       verbose: int = 0) -> list[tuple[int, str, Id]]:
        """
        Images whose files do not exist, as ``(position, path, image_id)``.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset(bundle_dpath='/nonexistent')
            >>> gid = dset.add_image('a.png')
            >>> dset.missing_images()
            [(0, '/nonexistent/a.png', 1)]
        """
        from xcoco.ops.stats import missing_images
        return missing_images(self, check_aux=check_aux, verbose=verbose)

    # ---- kwcoco's read conveniences --------------------------------------
    # Each is a function of the read surface, documented (with its example)
    # where it lives; binding it here gives every backend the method.
    category_graph = _category_ops.category_graph
    stats = _summaries.stats
    boxsize_stats = _summaries.boxsize_stats
    find_representative_images = _summaries.find_representative_images
    keypoint_annotation_frequency = _summaries.keypoint_annotation_frequency
    category_annotation_type_frequency = _summaries.category_annotation_type_frequency
    load_image = _pixels.load_image
    imread = _pixels.imread
    delayed_load = _pixels.delayed_load
    get_auxiliary_fpath = _pixels.get_auxiliary_fpath
    load_annot_sample = _pixels.load_annot_sample
    draw_image = _pixels.draw_dataset_image
    show_image = _pixels.show_dataset_image
    _check_index = _integrity.check_index
    _check_pointers = _integrity.check_pointers
    _check_integrity = _integrity.check_integrity
    _check_json_serializable = _integrity.check_json_serializable
