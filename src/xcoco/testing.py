"""
Assertions for tests of code that builds or edits datasets.
"""
import warnings
from collections import defaultdict

from xcoco.index.build import CocoIndex
from xcoco.query import IndexProtocol, Queryable
from xcoco.tables import INDEX_ATTR, NOUN, TABLES

__all__ = ['MappingDataset', 'MappingIndex', 'assert_dsets_equal', 'assert_index_consistent']


def assert_index_consistent(dset):
    """
    Assert that ``dset.index`` is exactly what a fresh build from
    ``dset.dataset`` gives (every table, every group in its order, every
    name and file-name lookup), that the index holds the manifest's own
    dicts (not copies), and that no table would hand out an id in use.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> _ = dset.add_annotation(gid)
        >>> assert_index_consistent(dset)
        >>> dset.dataset['annotations'].clear()   # edited behind its back
        >>> try:
        ...     assert_index_consistent(dset)
        ... except AssertionError as ex:
        ...     print('inconsistent:', str(ex).split(':')[0])
        inconsistent: index.anns differs from a rebuilt index
    """
    fresh = CocoIndex()
    with warnings.catch_warnings():
        # a manifest that repeats ids warned when it was loaded
        warnings.simplefilter('ignore', UserWarning)
        fresh.build(dset.dataset)
    index = dset.index
    for attr in ('imgs', 'anns', 'cats', 'videos', 'tracks', 'kpcats',
                 'name_to_cat', 'name_to_video', 'name_to_track',
                 'name_to_img', 'file_name_to_img'):
        got, want = getattr(index, attr), getattr(fresh, attr)
        if got != want:
            missing = [k for k in want if k not in got][:5]
            extra = [k for k in got if k not in want][:5]
            raise AssertionError(f'index.{attr} differs from a rebuilt index: '
                                 f'{len(got)} entries vs {len(want)} '
                                 f'(missing {missing}, extra {extra})')
        for key, obj in got.items():
            if obj is not want[key]:
                raise AssertionError(
                    f'index.{attr}[{key!r}] is not the object a rebuild picks '
                    '(a copy, or not the first holder in table order)')
    for attr in ('imgs', 'anns', 'cats', 'videos', 'tracks', 'kpcats'):
        if list(getattr(index, attr)) != list(getattr(fresh, attr)):
            raise AssertionError(f'index.{attr} is not in table order')
    for attr in ('gid_to_aids', 'cid_to_aids', 'vidid_to_gids', 'trackid_to_aids'):
        got = {k: list(v) if not isinstance(v, set) else sorted(v, key=repr)
               for k, v in getattr(index, attr).items() if len(v)}
        want = {k: list(v) if not isinstance(v, set) else sorted(v, key=repr)
                for k, v in getattr(fresh, attr).items() if len(v)}
        if got != want:
            diff = sorted((k for k in set(got) | set(want) if got.get(k) != want.get(k)), key=repr)
            key = diff[0]
            raise AssertionError(f'index.{attr} differs from a rebuilt index at '
                                 f'{key!r}: {got.get(key)} vs {want.get(key)}')
    # every parent has its group, empty or not
    for table, attr in (('images', 'gid_to_aids'), ('categories', 'cid_to_aids'),
                        ('videos', 'vidid_to_gids'), ('tracks', 'trackid_to_aids')):
        groups = getattr(index, attr)
        missing = [i for i in getattr(index, INDEX_ATTR[table]) if i not in groups]
        if missing:
            raise AssertionError(f'index.{attr} lacks {NOUN[table]} id={missing[0]!r}')
    for table in TABLES:
        lookup = getattr(index, INDEX_ATTR[table])
        ids = [i for i in lookup if type(i) is int]
        if ids and index.next_ids[table] <= max(ids):
            raise AssertionError(f'next {table} id {index.next_ids[table]} '
                                 f'would reuse an existing id')
        items = dset.dataset.get(table) or []
        # a repeated id is indexed once (the last object holding it wins)
        distinct = len({obj['id'] for obj in items})
        if distinct != len(lookup):
            raise AssertionError(f'table {table!r} has {distinct} distinct ids but '
                                 f'the index holds {len(lookup)}')


def _canonical(dset, ignore_ids):
    data = dset.dataset
    cat_name = {c['id']: c.get('name') for c in data.get('categories') or ()}
    img_key = {g['id']: (g.get('file_name'), g.get('name')) for g in data.get('images') or ()}
    out = defaultdict(list)
    for table in ('categories', 'videos', 'images', 'annotations', 'tracks',
                  'keypoint_categories'):
        for obj in data.get(table) or ():
            obj = dict(obj)
            if ignore_ids:
                obj.pop('id', None)
                if table == 'annotations':
                    obj['image_id'] = img_key.get(obj.get('image_id'))
                    obj['category_id'] = cat_name.get(obj.get('category_id'))
                    obj.pop('track_id', None)
                if table == 'images':
                    obj.pop('video_id', None)
            out[table].append(repr(sorted(obj.items(), key=repr)))
        out[table].sort()
    return dict(out)


def assert_dsets_equal(dset1, dset2, ignore_ids=False):
    """
    Assert that two datasets hold the same objects (order-insensitive).
    With ``ignore_ids`` annotations are compared by image file name and
    category name instead of by ids.

    Example:
        >>> import xcoco
        >>> a = xcoco.CocoDataset()
        >>> _ = a.add_image('x.png')
        >>> assert_dsets_equal(a, a.copy())
        >>> b = xcoco.CocoDataset()
        >>> _ = b.add_image('x.png', id=5)
        >>> assert_dsets_equal(a, b, ignore_ids=True)
    """
    can1 = _canonical(dset1, ignore_ids)
    can2 = _canonical(dset2, ignore_ids)
    for table in sorted(set(can1) | set(can2)):
        rows1, rows2 = can1.get(table, []), can2.get(table, [])
        if rows1 != rows2:
            raise AssertionError(
                f'datasets differ in table {table!r}: {len(rows1)} vs '
                f'{len(rows2)} objects; first difference: '
                f'{next((a, b) for a, b in zip(rows1 + [None], rows2 + [None]) if a != b)}')


class MappingIndex:
    """
    An index that serves :class:`xcoco.query.IndexProtocol` from read-only
    mappings (``types.MappingProxyType``): a stand-in for a backend whose
    lookups are not the in-memory dicts (SQL, memory-mapped).  Object rows
    are copies, groups are tuples / frozensets.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> index = MappingIndex.from_index(dset.index)
        >>> index.gid_to_aids[1] == frozenset(dset.index.gid_to_aids[1])
        True
        >>> try:
        ...     index.imgs[99] = {}
        ... except TypeError:
        ...     print('read-only')
        read-only
    """

    def __init__(self, **lookups):
        from types import MappingProxyType
        for name, mapping in lookups.items():
            setattr(self, name, MappingProxyType(mapping))

    @classmethod
    def from_index(cls, index):
        """
        A read-only copy of an in-memory index.

        Example:
            >>> import xcoco
            >>> MappingIndex.from_index(xcoco.CocoDataset().index).imgs
            mappingproxy({})
        """
        import copy
        lookups = {}
        for name in IndexProtocol.__annotations__:
            source = getattr(index, name)
            if name.endswith(('_to_aids', '_to_gids')):
                ordered = name in ('vidid_to_gids', 'trackid_to_aids')
                lookups[name] = {k: (tuple(v) if ordered else frozenset(v))
                                 for k, v in source.items()}
            else:
                rows = {id(obj): copy.deepcopy(obj) for obj in source.values()}
                lookups[name] = {k: rows[id(v)] for k, v in source.items()}
        # name lookups must hand out the same row objects as the tables
        by_table = {'name_to_cat': 'cats', 'name_to_img': 'imgs',
                    'name_to_video': 'videos', 'name_to_track': 'tracks',
                    'file_name_to_img': 'imgs'}
        for name, table in by_table.items():
            rows = {obj['id']: obj for obj in lookups[table].values()}
            lookups[name] = {k: rows[v['id']] for k, v in lookups[name].items()}
        return cls(**lookups)


class MappingDataset(Queryable):
    """
    A dataset with no ``.dataset`` manifest: only an ``index`` of read-only
    mappings and a ``bundle_dpath``, reading through the shared
    :class:`xcoco.query.Queryable` surface.  Tests run the read suite on it
    to prove that no read reaches for the manifest dicts.

    Example:
        >>> import xcoco
        >>> dset = MappingDataset.from_dataset(xcoco.CocoDataset.demo('shapes2'))
        >>> hasattr(dset, 'dataset'), dset.n_images, dset.annots(image_id=1).cnames[:2]
        (False, 2, ['eff', 'superstar'])
    """

    def __init__(self, index, bundle_dpath):
        self.index = index
        self.bundle_dpath = bundle_dpath

    @classmethod
    def from_dataset(cls, dset):
        """
        A read-only stand-in holding the same content as ``dset``.

        Example:
            >>> import xcoco
            >>> MappingDataset.from_dataset(xcoco.CocoDataset()).n_annots
            0
        """
        return cls(MappingIndex.from_index(dset.index), dset.bundle_dpath)
