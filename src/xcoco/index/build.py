"""
The in-memory index: id and name lookups over the manifest dicts.

The index never copies an object: ``index.imgs[gid]`` *is* the dict stored
in ``dataset['images']``, so an edit through either is seen by both.
"""
from collections import defaultdict
from os import fspath

from xcoco.errors import DuplicateIdError, ManifestStructureError
from xcoco.index.sorted_ids import SortedIdSet
from xcoco.tables import NOUN, TABLES
from xcoco.gc_policy import paused_gc

__all__ = ['CocoIndex']

class CocoIndex:
    """
    Lookups over one manifest, kept in step by the edit functions.

    Attributes:
        imgs, anns, cats, videos, tracks, kpcats (Dict[id, dict]): each table by id.
        gid_to_aids, cid_to_aids (Dict[id, Set[id]]): annotations per image / category.
        vidid_to_gids (Dict[id, SortedIdSet]): frames of a video in frame order.
        trackid_to_aids (Dict[id, SortedIdSet]): annotations of a track in frame order.
        name_to_cat, name_to_img, name_to_video, name_to_track, file_name_to_img
            (Dict[str, dict]): unique-name lookups.

    Example:
        >>> manifest = {
        ...     'videos': [{'id': 1, 'name': 'v'}],
        ...     'images': [{'id': 1, 'file_name': 'b.png', 'video_id': 1, 'frame_index': 1},
        ...                {'id': 2, 'file_name': 'a.png', 'video_id': 1, 'frame_index': 0}],
        ...     'categories': [{'id': 3, 'name': 'cat'}],
        ...     'annotations': [{'id': 5, 'image_id': 1, 'category_id': 3}]}
        >>> index = CocoIndex()
        >>> index.build(manifest)
        >>> list(index.vidid_to_gids[1]), index.gid_to_aids[1], index.name_to_cat['cat']['id']
        ([2, 1], {5}, 3)
    """

    def __init__(self):
        self.clear()

    def clear(self):
        """
        Forget every lookup (the manifest itself is untouched).

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 1, 'file_name': 'a'}]})
            >>> index.clear()
            >>> index.imgs
            {}
        """
        self.imgs = {}
        self.anns = {}
        self.cats = {}
        self.videos = {}
        self.tracks = {}
        self.kpcats = {}
        self.gid_to_aids = defaultdict(set)
        self.cid_to_aids = defaultdict(set)
        self.vidid_to_gids = defaultdict(self._new_frame_set)
        self.trackid_to_aids = {}
        self.name_to_cat = {}
        self.name_to_img = {}
        self.name_to_video = {}
        self.name_to_track = {}
        self.file_name_to_img = {}
        self.next_ids = {table: 1 for table in TABLES}
        self.is_built = False

    def _frame_index_of_image(self, gid):
        img = self.imgs.get(gid)
        return None if img is None else img.get('frame_index')

    def _frame_index_of_annot(self, aid):
        ann = self.anns.get(aid)
        return None if ann is None else self._frame_index_of_image(ann.get('image_id'))

    def _new_frame_set(self):
        return SortedIdSet(key=self._frame_index_of_image)

    def _new_track_set(self):
        return SortedIdSet(key=self._frame_index_of_annot)

    @property
    def cid_to_gids(self):
        """
        Images that hold at least one annotation of each category.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'annotations': [{'id': 1, 'image_id': 4, 'category_id': 2}]})
            >>> dict(index.cid_to_gids)
            {2: {4}}
        """
        anns = self.anns
        return {cid: {anns[aid]['image_id'] for aid in aids}
                for cid, aids in self.cid_to_aids.items()}

    def build(self, dataset, fpath=None, groups=None):
        """
        Build every lookup from a manifest dict.

        Args:
            groups (dict | None): ``gid_to_aids`` and ``cid_to_aids`` already
                known to be right for this manifest (e.g. carried over by a
                union); they are used instead of a pass over the annotations.
                Only valid for manifests without track ids.

        Raises:
            DuplicateIdError: an id, or a name that must be unique, repeats.
            ManifestStructureError: an object lacks its ``id``.

        Example:
            >>> index = CocoIndex()
            >>> try:
            ...     index.build({'categories': [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'a'}]})
            ... except DuplicateIdError as ex:
            ...     print(ex)
            duplicate category names in table 'categories': ['a']
        """
        self.clear()
        self._fpath = fpath
        with paused_gc():
            self.cats = self._by_id(dataset, 'categories')
            self.kpcats = self._by_id(dataset, 'keypoint_categories')
            self.videos = self._by_id(dataset, 'videos')
            self.imgs = self._by_id(dataset, 'images')
            self.tracks = self._by_id(dataset, 'tracks')
            self.anns = self._by_id(dataset, 'annotations')
            self.name_to_cat = self._by_name(self.cats, 'categories')
            self.name_to_video = self._by_name(self.videos, 'videos')
            # Image and track names are looked up but, as in kwcoco, may
            # repeat in a file (the first one wins); the validator flags it.
            self.name_to_track = self._by_name(self.tracks, 'tracks', strict=False)
            self.name_to_img = self._by_name(self.imgs, 'images', strict=False)
            # Several images may share a file (e.g. after a union of a dataset
            # with itself); the first one wins the lookup.
            file_name_to_img = {}
            for img in reversed(dataset.get('images') or ()):
                file_name = img.get('file_name')
                if file_name is not None:
                    file_name_to_img[file_name] = img
            self.file_name_to_img = file_name_to_img
            self._link_images()
            if groups is None:
                self._link_annotations()
            else:
                self._adopt_groups(groups)
        self.is_built = True

    def _by_id(self, dataset, table):
        items = dataset.get(table) or ()
        try:
            lookup = {obj['id']: obj for obj in items}
        except KeyError:
            pos = next(i for i, obj in enumerate(items) if 'id' not in obj)
            raise ManifestStructureError(
                f'{self._where()}{NOUN[table]} at position {pos} in '
                f"table {table!r} has no 'id' field", fpath=self._fpath) from None
        except TypeError:
            pos, obj = next((i, o) for i, o in enumerate(items)
                            if not _is_hashable(o['id']))
            raise ManifestStructureError(
                f'{self._where()}{NOUN[table]} at position {pos} in '
                f"table {table!r} has an unusable id {obj['id']!r} "
                f'(expected an int or a string)', fpath=self._fpath) from None
        if len(lookup) != len(items):
            seen, dups = set(), []
            for obj in items:
                if obj['id'] in seen and obj['id'] not in dups:
                    dups.append(obj['id'])
                seen.add(obj['id'])
            raise DuplicateIdError(
                f'{self._where()}duplicate {NOUN[table]} ids in table '
                f'{table!r}: {dups[:20]}', fpath=self._fpath, table=table,
                ids=dups)
        self.next_ids[table] = _next_free_id(lookup)
        return lookup

    def _by_name(self, lookup, table, strict=True):
        by_name = {}
        dups = []
        for obj in lookup.values():
            name = obj.get('name', None)
            if name is None:
                continue
            if name in by_name:
                dups.append(name)
                continue
            by_name[name] = obj
        if dups and strict:
            raise DuplicateIdError(
                f'{self._where()}duplicate {NOUN[table]} names in table '
                f'{table!r}: {dups[:20]}', fpath=self._fpath, table=table,
                ids=[by_name[n]['id'] for n in dups])
        return by_name

    def _link_images(self):
        vidid_to_gids = self.vidid_to_gids
        for vidid in self.videos:
            vidid_to_gids[vidid]
        for gid, img in self.imgs.items():
            vidid = img.get('video_id', None)
            if vidid is not None:
                vidid_to_gids[vidid].add(gid)

    def _link_annotations(self):
        gid_to_aids = self.gid_to_aids
        cid_to_aids = self.cid_to_aids
        trackid_to_aids = self.trackid_to_aids
        for gid in self.imgs:
            gid_to_aids[gid] = set()
        for cid in self.cats:
            cid_to_aids[cid] = set()
        for tid in self.tracks:
            trackid_to_aids[tid] = self._new_track_set()
        tracked = []
        for aid, ann in self.anns.items():
            gid_to_aids[ann.get('image_id')].add(aid)
            cid = ann.get('category_id', None)
            if cid is not None:
                cid_to_aids[cid].add(aid)
            if 'track_id' in ann:
                tracked.append(aid)
        for aid in tracked:
            tid = self.anns[aid]['track_id']
            if tid is None:
                continue
            aids = trackid_to_aids.get(tid)
            if aids is None:
                aids = trackid_to_aids[tid] = self._new_track_set()
            aids.add(aid)

    def _adopt_groups(self, groups):
        gid_to_aids = self.gid_to_aids
        cid_to_aids = self.cid_to_aids
        for gid in self.imgs:
            gid_to_aids[gid] = set()
        for cid in self.cats:
            cid_to_aids[cid] = set()
        gid_to_aids.update(groups['gid_to_aids'])
        cid_to_aids.update(groups['cid_to_aids'])
        for tid in self.tracks:
            self.trackid_to_aids[tid] = self._new_track_set()

    def _where(self):
        return f'{fspath(self._fpath)}: ' if self._fpath is not None else ''

    def allocate_id(self, table):
        """
        Return a fresh id for ``table``; ids are never handed out twice, even
        after the object holding one is removed.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 7, 'file_name': 'a'}]})
            >>> index.allocate_id('images'), index.allocate_id('images')
            (8, 9)
        """
        new_id = self.next_ids[table]
        self.next_ids[table] = new_id + 1
        return new_id

    def reserve_id(self, table, used_id):
        """
        Note that ``used_id`` was taken explicitly so that later allocations
        do not collide with it.

        Example:
            >>> index = CocoIndex()
            >>> index.reserve_id('images', 41)
            >>> index.allocate_id('images')
            42
        """
        if type(used_id) is int and used_id >= self.next_ids[table]:
            self.next_ids[table] = used_id + 1


def _is_hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _next_free_id(lookup):
    if not lookup:
        return 1
    try:
        top = max(lookup)
    except TypeError:  # mixed id types (e.g. strings from other dialects)
        top = max((i for i in lookup if type(i) is int), default=0)
    if not isinstance(top, int):
        top = max((i for i in lookup if type(i) is int), default=0)
    return top + 1
