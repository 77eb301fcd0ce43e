"""
The in-memory index: id and name lookups over the manifest dicts.

The index never copies an object: ``index.imgs[gid]`` *is* the dict stored
in ``dataset['images']``, so an edit through either is seen by both.

The index holds no reference back to itself (no bound methods stored in its
own containers), so a dataset and its index are freed by reference counting
the moment the last user reference goes, without waiting for the cyclic
collector.

Where kwcoco is lax but loses nothing, so is the index:

* a frame may name a video (an annotation a track) that is not in its table
  yet: it is grouped under that id all the same, and the video or track
  added later with that id adopts it (``validate`` reports one that never
  comes);
* a file may repeat an id: it loads with a UserWarning, the index holds the
  last object with each id (as kwcoco's does) and builds every group and
  name lookup from those; the others stay in the manifest (``dump`` writes
  them back) and ``validate`` reports them.  A removal by such an id removes
  every object holding it; a field edit changes the indexed one;
* ``trackid_to_aids[None]`` groups the annotations without a ``track_id``,
  ``cid_to_aids[None]`` those without a ``category_id`` (as kwcoco).
"""
import itertools
import warnings
from collections import defaultdict
from functools import partial
from os import fspath

from xcoco.errors import DuplicateIdError, FieldTypeError, ManifestStructureError
from xcoco.gc_policy import paused_gc
from xcoco.index.sorted_ids import SortedIdSet
from xcoco.tables import NOUN, TABLES

__all__ = [
    'ID_TYPES',
    'REPEATABLE_NAMES',
    'CocoIndex',
    'FrameOfAnnot',
    'FrameOfImage',
]

#: the types an id may have (strings come from other COCO dialects)
ID_TYPES = (int, str)

#: how many repeated ids a load warning lists
SHOWN_DUPLICATES = 20

#: name lookups where, as in kwcoco, a loaded file may repeat a value: the
#: first object in table order wins.  lookup attribute -> (table, field)
REPEATABLE_NAMES = {
    'name_to_img': ('images', 'name'),
    'file_name_to_img': ('images', 'file_name'),
    'name_to_track': ('tracks', 'name'),
}


#: the fields of an object hidden by a repeated id that must still have a
#: usable type (those the index hashes or sorts on the objects it holds)
SHADOWED_FIELD_RULES = {
    'categories': [('name', lambda v: _is_hashable(v), 'a string')],
    'videos': [('name', lambda v: _is_hashable(v), 'a string')],
    'tracks': [('name', lambda v: _is_hashable(v), 'a string')],
    'images': [('name', lambda v: _is_hashable(v), 'a string'),
               ('file_name', lambda v: _is_hashable(v), 'a string'),
               ('video_id', lambda v: _is_ref(v), 'an int or a string'),
               ('frame_index', lambda v: _is_frame_index(v), 'a number')],
    'annotations': [(field, lambda v: _is_ref(v), 'an int or a string')
                    for field in ('image_id', 'category_id', 'track_id')],
}


class FrameOfImage:
    """
    Sort key of an image id: its ``frame_index`` (None if unknown).  Holds
    the ``imgs`` dict only, never the index.

    Example:
        >>> FrameOfImage({3: {'frame_index': 7}})(3)
        7
    """
    __slots__ = ('imgs',)

    def __init__(self, imgs):
        self.imgs = imgs

    def __call__(self, gid):
        img = self.imgs.get(gid)
        return None if img is None else img.get('frame_index')


class FrameOfAnnot:
    """
    Sort key of an annotation id: the ``frame_index`` of its image.

    Example:
        >>> FrameOfAnnot({1: {'image_id': 3}}, {3: {'frame_index': 7}})(1)
        7
    """
    __slots__ = ('anns', 'imgs')

    def __init__(self, anns, imgs):
        self.anns = anns
        self.imgs = imgs

    def __call__(self, aid):
        ann = self.anns.get(aid)
        if ann is None:
            return None
        img = self.imgs.get(ann.get('image_id'))
        return None if img is None else img.get('frame_index')


class CocoIndex:
    """
    Lookups over one manifest, kept in step by the edit functions.

    Attributes:
        imgs, anns, cats, videos, tracks, kpcats (Dict[id, dict]): each table by id.
        gid_to_aids, cid_to_aids (Dict[id, Set[id]]): annotations per image / category.
        vidid_to_gids (Dict[id, SortedIdSet]): frames of a video in frame order.
        trackid_to_aids (Dict[id, SortedIdSet]): annotations of a track in
            frame order; as in kwcoco, key ``None`` holds (as a plain set)
            the annotations without a ``track_id``, once there are any.
        name_to_cat, name_to_img, name_to_video, name_to_track, file_name_to_img
            (Dict[str, dict]): name lookups (for images and tracks the first
            object in table order wins where a file repeats a value).
        next_ids (Dict[str, int]): the next id each table hands out.

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
        #: a counter every edit bumps: caches of the content (the dataset's
        #: hashid) compare it instead of being cleared from every edit site
        self.edits = 0
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
        self._set_tables({table: {} for table in TABLES})
        self.gid_to_aids = defaultdict(set)
        self.cid_to_aids = defaultdict(set)
        self.trackid_to_aids = {}
        self.name_to_cat = {}
        self.name_to_img = {}
        self.name_to_video = {}
        self.name_to_track = {}
        self.file_name_to_img = {}
        #: values that more than one object holds, per repeatable lookup:
        #: only those need a rescan when their object is removed
        self.repeated = {attr: set() for attr in REPEATABLE_NAMES}
        self.next_ids = dict.fromkeys(TABLES, 1)
        self.is_built = False
        self._fpath = None
        #: numeric columns built on first read (see xcoco.index.columns);
        #: every edit empties it
        self.column_cache = {}
        self.note_edit()

    def note_edit(self):
        """
        Record that the manifest changed (every edit function calls it).

        Example:
            >>> index = CocoIndex()
            >>> before = index.edits
            >>> index.note_edit()
            >>> index.edits == before + 1
            True
        """
        self.edits += 1
        self.column_cache.clear()

    def _set_tables(self, lookups):
        self.cats = lookups['categories']
        self.kpcats = lookups['keypoint_categories']
        self.videos = lookups['videos']
        self.imgs = lookups['images']
        self.tracks = lookups['tracks']
        self.anns = lookups['annotations']
        # Sort keys and factories hold the table dicts, not the index.
        self.frame_of_image = FrameOfImage(self.imgs)
        self.frame_of_annot = FrameOfAnnot(self.anns, self.imgs)
        self.vidid_to_gids = defaultdict(partial(SortedIdSet, key=self.frame_of_image))

    def new_frame_set(self, ids=()):
        """
        An empty (or filled) set of image ids kept in frame order.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 1, 'frame_index': 5}, {'id': 2, 'frame_index': 0}]})
            >>> list(index.new_frame_set([1, 2]))
            [2, 1]
        """
        return SortedIdSet(ids, key=self.frame_of_image)

    def new_track_set(self, ids=()):
        """
        An empty (or filled) set of annotation ids kept in frame order.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 1, 'frame_index': 5}, {'id': 2, 'frame_index': 0}],
            ...              'annotations': [{'id': 7, 'image_id': 1}, {'id': 8, 'image_id': 2}]})
            >>> list(index.new_track_set([7, 8]))
            [8, 7]
        """
        return SortedIdSet(ids, key=self.frame_of_annot)

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
            fpath (str | None): the file the manifest was read from; named
                in errors (an in-memory manifest has none).
            groups (dict | None): ``gid_to_aids`` and ``cid_to_aids`` already
                known to be right for this manifest (e.g. carried over by a
                union); they are used instead of a pass over the annotations.
                Only valid for manifests without track ids.  It may hold
                ``trackless``: a new set of every annotation id.  It may also
                hold ``anns``: ``({id: object}, next_id)``, the annotations
                table (the manifest's own objects, in table order, keyed by
                ids taken from built indexes) and its next free id, built by
                the caller while copying them, which saves two passes.

        A file that repeats an id loads, as in kwcoco: a UserWarning names
        the table and the repeated ids, the index holds the *last* object
        with each id (the others stay in the manifest, where ``validate``
        reports them), and every group and name lookup is built from the
        indexed objects only.

        Raises:
            DuplicateIdError: a category or video name repeats.
            ManifestStructureError: an object lacks its ``id``.
            FieldTypeError: an id, reference, name, file name or frame index
                has a type the index cannot use (e.g. a list as an id).

        Example:
            >>> import warnings
            >>> index = CocoIndex()
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter('always')
            ...     index.build({'images': [{'id': 1, 'file_name': 'a'}, {'id': 1, 'file_name': 'b'}]})
            >>> print(caught[0].message)
            duplicate image ids in table 'images': [1]; the index holds the last object with each id
            >>> index.imgs[1]['file_name']
            'b'
            >>> import xcoco  # kwcoco's spelling: the dataset object itself
            >>> dset = xcoco.CocoDataset({'images': [{'id': 3, 'file_name': 'c'}]})
            >>> dset.index.build(dset)
            >>> list(dset.index.imgs)
            [3]
            >>> try:
            ...     index.build({'categories': [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'a'}]})
            ... except DuplicateIdError as ex:
            ...     print(ex)
            duplicate category names in table 'categories': ['a']
            >>> try:
            ...     index.build({'annotations': [{'id': 1, 'image_id': [4]}]})
            ... except TypeError as ex:
            ...     print(ex)
            annotation id=1 (position 0 in table 'annotations') field 'image_id': [4] is a list; expected an int or a string
        """
        if not isinstance(dataset, dict) and isinstance(getattr(dataset, 'dataset', None), dict):
            # kwcoco's spelling passes the dataset object: index its manifest
            dataset = dataset.dataset
        self.clear()
        self._fpath = fpath
        with paused_gc():
            prebuilt = {} if groups is None else {'annotations': groups.get('anns')}
            self._set_tables({table: self._by_id(dataset, table, prebuilt.get(table))
                              for table in TABLES})
            self.name_to_cat = self._by_name(self.cats, 'categories')
            self.name_to_video = self._by_name(self.videos, 'videos')
            for attr in REPEATABLE_NAMES:
                self.refresh_lookup(attr)
            self._link_images()
            if groups is None:
                self._link_annotations()
            else:
                self._adopt_groups(groups)
        self.is_built = True

    # ---- building blocks --------------------------------------------------
    def _lookup_of(self, table):
        return {'categories': self.cats, 'keypoint_categories': self.kpcats,
                'videos': self.videos, 'images': self.imgs,
                'tracks': self.tracks, 'annotations': self.anns}[table]

    def _field_error(self, table, pos, obj, field, expected):
        value = obj.get(field)
        ident = obj.get('id') if _is_hashable(obj.get('id')) else None
        who = f'{NOUN[table]} id={ident!r} (position {pos} in table {table!r})'
        why = ''
        if type(value) is float and abs(value) >= 2 ** 63:
            why = ' (the JSON parser reads integers beyond 64 bits as floats)'
        return FieldTypeError(
            f'{self._where()}{who} field {field!r}: {value!r:.60} is a '
            f'{type(value).__name__}{why}; expected {expected}',
            fpath=self._fpath, table=table, position=pos, id=ident, field=field)

    def _locate(self, table, field, ok, expected):
        """The error for the first object of ``table`` whose ``field`` fails ``ok``."""
        for pos, obj in enumerate(self._lookup_of(table).values()):
            if not ok(obj.get(field)):
                return self._field_error(table, pos, obj, field, expected)
        return None

    def _by_id(self, dataset, table, prebuilt=None):
        items = dataset.get(table) or ()
        if prebuilt is not None:
            lookup, next_id = prebuilt
            if len(lookup) == len(items):
                # keys taken from built indexes: their types were checked there
                self.next_ids[table] = next_id
                return lookup
        try:
            lookup = {obj['id']: obj for obj in items}
        except KeyError:
            pos = next(i for i, obj in enumerate(items) if 'id' not in obj)
            raise ManifestStructureError(
                f'{self._where()}{NOUN[table]} at position {pos} in '
                f"table {table!r} has no 'id' field", fpath=self._fpath) from None
        except TypeError:
            lookup = None
        # One pass over the key types at C speed; the culprit is searched
        # for only when something is wrong.  (True and 1 are one dict key:
        # the types are checked on the objects, not only on the keys.)
        id_types = None if lookup is None else set(map(type, lookup))
        if id_types is None or not id_types <= set(ID_TYPES) or \
                len(lookup) != len(items) and not all(_is_id(o['id']) for o in items):
            pos, obj = next((i, o) for i, o in enumerate(items) if not _is_id(o['id']))
            raise self._field_error(table, pos, obj, 'id', 'an int or a string')
        if len(id_types) > 1:
            # ids are sorted and compared (groups, subsets, next free id):
            # one table holds ints or strings, not both
            first = type(items[0]['id'])
            pos, obj = next((i, o) for i, o in enumerate(items) if type(o['id']) is not first)
            kind = 'an int' if first is int else 'a string'
            raise self._field_error(table, pos, obj, 'id', f'{kind} like the first id '
                                    f'of the table ({items[0]["id"]!r:.40})')
        if len(lookup) != len(items):
            self._warn_duplicates(table, items)
            self._check_shadowed(table, items, lookup)
        self.next_ids[table] = _next_free_id(lookup)
        return lookup

    def _check_shadowed(self, table, items, lookup):
        # The objects a repeated id hides from the index stay in the
        # manifest (dump and union write them), so they are held to the
        # same field types as the indexed ones.
        rules = SHADOWED_FIELD_RULES.get(table, ())
        for pos, obj in enumerate(items):
            if lookup[obj['id']] is obj:
                continue
            for field, ok, expected in rules:
                if not ok(obj.get(field)):
                    raise self._field_error(table, pos, obj, field, expected)

    def _warn_duplicates(self, table, items):
        # kwcoco loads such a file (the last object with an id wins) and so
        # does xcoco: nothing is dropped from the manifest, and validate()
        # reports every repeat as an error.
        seen, dups = set(), []
        for obj in items:
            if obj['id'] in seen and obj['id'] not in dups:
                dups.append(obj['id'])
            seen.add(obj['id'])
        more = (f' (and {len(dups) - SHOWN_DUPLICATES} more)'
                if len(dups) > SHOWN_DUPLICATES else '')
        warnings.warn(
            f'{self._where()}duplicate {NOUN[table]} ids in table {table!r}: '
            f'{dups[:SHOWN_DUPLICATES]}{more}; the index holds the last '
            'object with each id', UserWarning, stacklevel=user_stacklevel())

    def _by_name(self, lookup, table):
        by_name = {}
        dups = []
        try:
            for obj in lookup.values():
                name = obj.get('name', None)
                if name is None:
                    continue
                if name in by_name:
                    dups.append(name)
                    continue
                by_name[name] = obj
        except TypeError:
            raise self._locate(table, 'name', _is_hashable, 'a string') from None
        if dups:
            raise DuplicateIdError(
                f'{self._where()}duplicate {NOUN[table]} names in table '
                f'{table!r}: {dups[:20]}', fpath=self._fpath, table=table,
                ids=[by_name[n]['id'] for n in dups])
        return by_name

    def _first_by(self, table, field):
        lookup, repeated = {}, set()
        try:
            for obj in self._lookup_of(table).values():
                value = obj.get(field)
                if value is not None and lookup.setdefault(value, obj) is not obj:
                    repeated.add(value)
        except TypeError:
            raise self._locate(table, field, _is_hashable, 'a string') from None
        return lookup, repeated

    def _link_images(self):
        vidid_to_gids = self.vidid_to_gids
        for vidid in self.videos:
            vidid_to_gids[vidid]
        try:
            for gid, img in self.imgs.items():
                vidid = img.get('video_id', None)
                if vidid is not None:
                    vidid_to_gids[vidid].add(gid)
        except TypeError:
            raise (self._locate('images', 'video_id', _is_ref, 'an int or a string')
                   or self._locate('images', 'frame_index', _is_frame_index,
                                   'a number')) from None

    def _link_annotations(self):
        gid_to_aids = self.gid_to_aids
        cid_to_aids = self.cid_to_aids
        trackid_to_aids = self.trackid_to_aids
        for gid in self.imgs:
            gid_to_aids[gid] = set()
        for cid in self.cats:
            cid_to_aids[cid] = set()
        for tid in self.tracks:
            trackid_to_aids[tid] = self.new_track_set()
        tracked, trackless = [], []
        try:
            for aid, ann in self.anns.items():
                gid_to_aids[ann.get('image_id')].add(aid)
                # None groups the annotations without a category (as kwcoco)
                cid_to_aids[ann.get('category_id', None)].add(aid)
                if ann.get('track_id', None) is None:
                    trackless.append(aid)
                else:
                    tracked.append(aid)
            for aid in tracked:
                tid = self.anns[aid]['track_id']
                aids = trackid_to_aids.get(tid)
                if aids is None:
                    aids = trackid_to_aids[tid] = self.new_track_set()
                aids.add(aid)
            if trackless:
                trackid_to_aids[None] = set(trackless)
        except TypeError:
            # an unhashable reference, or a track whose frames' indexes do
            # not compare (its annotations are kept in frame order)
            located = (self._locate('annotations', field, _is_ref, 'an int or a string')
                       for field in ('image_id', 'category_id', 'track_id'))
            located = itertools.chain(located, [self._locate(
                'images', 'frame_index', _is_frame_index, 'a number')])
            raise next(err for err in located if err is not None) from None

    def _adopt_groups(self, groups):
        gid_to_aids = self.gid_to_aids
        cid_to_aids = self.cid_to_aids
        given = groups['gid_to_aids']
        for gid in self.imgs:
            aids = given.get(gid, None)
            gid_to_aids[gid] = set() if aids is None else aids
        if len(gid_to_aids) != len(given):
            # annotations of images not in the table
            gid_to_aids.update((gid, aids) for gid, aids in given.items()
                               if aids and gid not in gid_to_aids)
        for cid in self.cats:
            cid_to_aids[cid] = set()
        cid_to_aids.update(groups['cid_to_aids'])
        for tid in self.tracks:
            self.trackid_to_aids[tid] = self.new_track_set()
        if self.anns:
            # groups are only given for manifests without track ids, so every
            # annotation is trackless; a given set is taken when it has them all
            trackless = groups.get('trackless')
            if trackless is None or len(trackless) != len(self.anns):
                trackless = set(self.anns)
            self.trackid_to_aids[None] = trackless

    def _where(self):
        return f'{fspath(self._fpath)}: ' if self._fpath is not None else ''

    # ---- upkeep used by the edit functions ---------------------------------
    def link_name(self, attr, value, obj):
        """
        Point name lookup ``attr`` at ``obj`` for ``value``; for a
        repeatable lookup an earlier holder keeps the entry.

        Example:
            >>> index = CocoIndex()
            >>> index.link_name('name_to_img', 'a', {'id': 1, 'name': 'a'})
            >>> index.name_to_img['a']['id']
            1
        """
        if value is None:
            return
        lookup = getattr(self, attr)
        if attr in REPEATABLE_NAMES:
            if lookup.setdefault(value, obj) is not obj:
                self.repeated[attr].add(value)
        else:
            lookup[value] = obj

    def unlink_names(self, attr, objs, keep=()):
        """
        Drop ``objs`` from name lookup ``attr``; a value another object
        also holds passes to the first such object in table order, which is
        what a fresh build would pick.  Call it after the objects left their
        table, or name them in ``keep`` when they stay but their value is
        about to change.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 1, 'file_name': 'x'}, {'id': 2, 'file_name': 'x'}]})
            >>> index.unlink_names('file_name_to_img', [index.imgs.pop(1)])
            >>> index.file_name_to_img['x']['id']
            2
        """
        lookup = getattr(self, attr)
        table, field = REPEATABLE_NAMES.get(attr, (None, 'name'))
        repeated = self.repeated.get(attr, ())
        lost = set()
        for obj in objs:
            value = obj.get(field)
            if value is not None and lookup.get(value) is obj:
                del lookup[value]
                if value in repeated:
                    lost.add(value)
        if lost:
            staying = {id(obj) for obj in keep}
            for obj in self._lookup_of(table).values():
                value = obj.get(field)
                if value in lost and id(obj) not in staying:
                    if lookup.setdefault(value, obj) is not obj:
                        continue
                    lost.discard(value)
            # a value left with one holder (or none) is no longer repeated
            counts = defaultdict(int)
            for obj in self._lookup_of(table).values():
                value = obj.get(field)
                if value in repeated and id(obj) not in staying:
                    counts[value] += 1
            repeated.intersection_update(v for v, n in counts.items() if n > 1)

    def link_track(self, aid, tid):
        """
        Put annotation ``aid`` in the group of track ``tid``; ``None`` is
        the group of annotations without a track (a plain set: it has no
        frame order to keep).

        Example:
            >>> index = CocoIndex()
            >>> index.link_track(7, None)
            >>> index.link_track(8, 3)
            >>> index.trackid_to_aids[None], list(index.trackid_to_aids[3])
            ({7}, [8])
        """
        aids = self.trackid_to_aids.get(tid)
        if aids is None:
            aids = self.trackid_to_aids[tid] = set() if tid is None else self.new_track_set()
        aids.add(aid)

    def unlink_track(self, aid, tid):
        """
        Take annotation ``aid`` out of the group of track ``tid`` (``None``:
        the trackless group); the group itself stays, even when empty.

        Example:
            >>> index = CocoIndex()
            >>> index.link_track(7, None)
            >>> index.unlink_track(7, None)
            >>> index.trackid_to_aids
            {None: set()}
        """
        aids = self.trackid_to_aids.get(tid)
        if aids is not None:
            aids.discard(aid)

    def refresh_lookup(self, attr):
        """
        Recompute one repeatable name lookup (see :data:`REPEATABLE_NAMES`)
        from its table, after many of its values changed at once.

        Example:
            >>> index = CocoIndex()
            >>> index.build({'images': [{'id': 1, 'file_name': 'a'}]})
            >>> index.imgs[1]['file_name'] = 'b'
            >>> index.refresh_lookup('file_name_to_img')
            >>> list(index.file_name_to_img)
            ['b']
        """
        table, field = REPEATABLE_NAMES[attr]
        lookup, repeated = self._first_by(table, field)
        setattr(self, attr, lookup)
        self.repeated[attr] = repeated

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

    def peek_id(self, table):
        """
        The id :meth:`allocate_id` would hand out next, without taking it.

        Example:
            >>> index = CocoIndex()
            >>> index.peek_id('tracks'), index.peek_id('tracks')
            (1, 1)
        """
        return self.next_ids[table]

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


def user_stacklevel():
    """
    The ``stacklevel`` that makes a warning issued by the caller of this
    function point at the first frame outside the xcoco package (the user's
    line, however deep inside xcoco the warning was raised).

    Example:
        >>> user_stacklevel() >= 1
        True
    """
    import os
    import sys
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
        level += 1
    return level


def _is_hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _is_id(value):
    return type(value) in ID_TYPES


def _is_ref(value):
    return value is None or type(value) in ID_TYPES


def _is_frame_index(value):
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _next_free_id(lookup):
    return max(max_int_id(lookup), 0) + 1


def max_int_id(ids):
    """
    The largest id of type ``int`` among ``ids`` (0 when there is none).

    One C-speed ``max`` answers when the ids are plain ints (the usual
    case, ~10x faster than filtering by type); ids of mixed or other types
    take the filtering path.  An ``int`` result of ``max`` is no smaller
    than every ``int`` among the ids, so it is the answer whatever else the
    ids hold.

    Example:
        >>> max_int_id([3, 9, 4]), max_int_id(['a', 5, 'b']), max_int_id([]), max_int_id([True])
        (9, 5, 0, 0)
    """
    try:
        top = max(ids, default=0)
    except TypeError:  # ints beside strings
        top = None
    if type(top) is not int:
        top = max((i for i in ids if type(i) is int), default=0)
    return top
