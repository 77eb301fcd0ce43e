"""
The index of a database-backed dataset: the mappings of
:class:`xcoco.query.IndexProtocol` as lazy, read-only proxies that query the
database on every access.

Nothing is cached between accesses: each ``anns[aid]`` is one indexed
query and returns a fresh dict decoded from the row's JSON, so another
process's committed writes are seen at once and a worker's memory does not
grow as it walks the dataset (SQLite's own page cache per connection is
capped, see :data:`xcoco.sql.dialect.SQLITE_CACHE_KIB`).  The dicts handed
out are copies: edit through the dataset's methods, not by assigning into
them.

Whole-table walks (``values()`` / ``items()``) page through the table by
id, a few thousand rows at a time, so memory stays bounded whatever its size.

Example:
    >>> import xcoco
    >>> from xcoco.sql import CocoSqlDatabase
    >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
    >>> db.index.gid_to_aids[2] == {7, 8, 9, 10, 11}
    True
    >>> db.index.anns[7]['image_id'], db.index.name_to_cat['star']['id']
    (2, 3)
"""
from __future__ import annotations

import re
from collections.abc import ItemsView, Mapping, ValuesView

import orjson

from xcoco.errors import DatabaseError
from xcoco.resolve import as_int_id
from xcoco.sql.dialect import redact_uri
from xcoco.sql.schema import COLUMNS
from xcoco.tables import INDEX_ATTR, TABLES

__all__ = ['GroupLookup', 'NameLookup', 'RowLookup', 'SqlIndex']

def _loads(text, db=None, where='a stored object'):
    """Decode stored JSON; a damaged value is a DatabaseError naming the database."""
    try:
        return orjson.loads(text)
    except (orjson.JSONDecodeError, TypeError) as ex:
        name = db.dialect.uri if db is not None else 'the database'
        raise DatabaseError(f'database {redact_uri(name)!r}: {where} is not JSON ({ex}); '
                            'the file is damaged') from None

#: field names the column fast path reads (others read whole objects)
_FIELD_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')

#: rows per page of a whole-table walk, ids per ``IN (...)`` batch
PAGE_ROWS = 5000
BATCH_IDS = 256



class _Proxy(Mapping):
    def __init__(self, db):
        self._db = db

    def _run(self, text, params=()):
        db = self._db
        return db.dialect.execute(db.connection, text, params)

    def __repr__(self):
        return f'<{type(self).__name__} of {self._db.dialect.name} (n={len(self)})>'

    def __eq__(self, other):
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def items(self):
        return _CheckedItems(self)

    def values(self):
        return _CheckedValues(self)

    def _vanished(self, key):
        # a key the table listed but cannot find: its index and rows disagree
        return DatabaseError(f'database {redact_uri(self._db.dialect.uri)!r}: {type(self).__name__} '
                             f'lists {key!r} but cannot read it (a damaged index?)')


class _CheckedItems(ItemsView):
    def __iter__(self):
        lookup = self._mapping
        for key in lookup:
            try:
                yield key, lookup[key]
            except KeyError:
                raise lookup._vanished(key) from None


class _CheckedValues(ValuesView):
    def __iter__(self):
        for _, value in _CheckedItems(self._mapping):
            yield value


class _RowValues(ValuesView):
    def __iter__(self):
        for _, obj in self._mapping._pages():
            yield obj


class _RowItems(ItemsView):
    def __iter__(self):
        return self._mapping._pages()


class RowLookup(_Proxy):
    """
    A table's objects by id (``index.imgs``, ``index.anns`` ...).

    Example:
        >>> import xcoco
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
        >>> imgs = db.index.imgs
        >>> len(imgs), list(imgs), imgs[1]['id'], 99 in imgs, imgs.get('x')
        (2, [1, 2], 1, False, None)
    """

    def __init__(self, db, table):
        super().__init__(db)
        self.table = table
        data = db.dialect.json_out('data')
        self._get_sql = f'SELECT {data} FROM {table} WHERE id = ?'
        self._has_sql = f'SELECT 1 FROM {table} WHERE id = ?'
        self._page_sql = (f'SELECT id, {data} FROM {table} WHERE id > ? '
                          f'ORDER BY id LIMIT {PAGE_ROWS}')
        self._first_page_sql = f'SELECT id, {data} FROM {table} ORDER BY id LIMIT {PAGE_ROWS}'
        marks = ', '.join('?' * BATCH_IDS)
        self._batch_sql = f'SELECT id, {data} FROM {table} WHERE id IN ({marks})'

    def __getitem__(self, key):
        id_ = as_int_id(key)
        if id_ is None:
            raise KeyError(key)
        return self._db._cached((self.table, id_), lambda: self._fetch(key, id_))

    def _fetch(self, key, id_):
        row = self._run(self._get_sql, (id_,)).fetchone()
        if row is None:
            raise KeyError(key)
        return _loads(row[0], self._db, f'{self.table} id={id_}')

    def __contains__(self, key):
        id_ = as_int_id(key)
        return id_ is not None and self._run(self._has_sql, (id_,)).fetchone() is not None

    def __len__(self):
        return self._run(f'SELECT count(*) FROM {self.table}').fetchone()[0]

    def __iter__(self):
        rows = self._run(f'SELECT id FROM {self.table} ORDER BY id').fetchall()
        return iter([r[0] for r in rows])

    def values(self):
        """
        The objects in id order, read a page at a time.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> [img['id'] for img in db.index.imgs.values()]
            [1, 2]
        """
        return _RowValues(self)

    def items(self):
        """
        ``(id, object)`` pairs in id order, read a page at a time.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> [k for k, _ in db.index.imgs.items()]
            [1, 2]
        """
        return _RowItems(self)

    def _pages(self):
        rows = self._run(self._first_page_sql).fetchall()
        while rows:
            for id_, text in rows:
                yield id_, _loads(text, self._db, f'{self.table} id={id_}')
            if len(rows) < PAGE_ROWS:
                return
            rows = self._run(self._page_sql, (rows[-1][0],)).fetchall()

    def take_many(self, ids):
        """
        The objects of ``ids`` in order, fetched a batch at a time (what the
        vectorized views use instead of one query per id).

        Raises:
            KeyError: an id that is not in the table.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> [ann['id'] for ann in db.index.anns.take_many([3, 1, 3])]
            [3, 1, 3]
        """
        ids = list(ids)
        for start in range(0, len(ids), BATCH_IDS):
            chunk = ids[start:start + BATCH_IDS]
            keys = [as_int_id(i) for i in chunk]
            wanted = [k for k in keys if k is not None]
            found = {}
            if wanted:
                padded = wanted + [wanted[0]] * (BATCH_IDS - len(wanted))
                found = dict(self._run(self._batch_sql, padded).fetchall())
            for orig, key in zip(chunk, keys):
                text = found.get(key)
                if text is None:
                    raise KeyError(orig)
                yield _loads(text, self._db, f'{self.table} id={key}')


    def column_values(self, key, ids):
        """
        The field ``key`` of each object of ``ids`` (``ubelt.NoParam`` where
        an object lacks it), read without decoding the rest of each object;
        None when ``key`` is not a plain field name (the caller then reads
        whole objects).

        Raises:
            KeyError: an id that is not in the table.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> db.index.anns.column_values('bbox', [1])
            [[318, 266, 53, 89]]
        """
        import ubelt as ub
        if not _FIELD_NAME.match(key):
            return None
        if key in {c.name for c in COLUMNS[self.table] if c.kind == 'json'}:
            # a copy of the field in its own column: SQL decodes no JSON
            expr, params = key, ()
        elif self._db.dialect.name == 'sqlite':
            expr, params = 'data -> ?', (f'$.{key}',)
        else:
            expr, params = '(data -> ?)::text', (key,)
        texts = self._column_texts(expr, params, ids)
        db, where = self._db, f'field {key!r} of {self.table}'
        return [ub.NoParam if text is None else _loads(text, db, where) for text in texts]

    def _column_texts(self, expr, params, ids):
        """``expr`` (a column or a JSON path) of each object of ``ids``, in order."""
        ids = ids if isinstance(ids, list) else list(ids)
        if len(ids) > 1000 and len(ids) == len(self) and ids == list(self):
            rows = self._run(f'SELECT {expr} FROM {self.table} ORDER BY id', params)
            return [r[0] for r in rows]
        texts = []
        marks = ', '.join('?' * BATCH_IDS)
        sql = f'SELECT id, {expr} FROM {self.table} WHERE id IN ({marks})'
        for start in range(0, len(ids), BATCH_IDS):
            chunk = ids[start:start + BATCH_IDS]
            keys = [as_int_id(i) for i in chunk]
            wanted = [k for k in keys if k is not None] or [0]
            padded = wanted + [wanted[0]] * (BATCH_IDS - len(wanted))
            found = dict(self._run(sql, (*params, *padded)).fetchall())
            for orig, k in zip(chunk, keys):
                if k not in found:
                    raise KeyError(orig)
                texts.append(found[k])
        return texts


class NameLookup(_Proxy):
    """
    Objects by a name column (``index.name_to_cat``, ``file_name_to_img``
    ...); a name several objects hold gives the one with the lowest id.

    Example:
        >>> import xcoco
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
        >>> db.index.name_to_cat['eff']['id'], 'nope' in db.index.name_to_cat
        (7, False)
    """

    def __init__(self, db, table, column):
        super().__init__(db)
        self.table, self.column = table, column
        data = db.dialect.json_out('data')
        self._get_sql = (f'SELECT {data} FROM {table} WHERE {column} = ? '
                         f'ORDER BY id LIMIT 1')

    def __getitem__(self, key):
        row = (self._run(self._get_sql, (key,)).fetchone()
               if isinstance(key, str) else None)
        if row is None:
            raise KeyError(key)
        return _loads(row[0], self._db, f'{self.table} {self.column}={key!r}')

    def __contains__(self, key):
        return isinstance(key, str) and self._run(
            f'SELECT 1 FROM {self.table} WHERE {self.column} = ?', (key,)).fetchone() is not None

    def __iter__(self):
        rows = self._run(f'SELECT {self.column}, min(id) FROM {self.table} WHERE '
                         f'{self.column} IS NOT NULL GROUP BY {self.column} ORDER BY 2'
                         ).fetchall()
        return iter([r[0] for r in rows])

    def __len__(self):
        return self._run(f'SELECT count(DISTINCT {self.column}) FROM {self.table}').fetchone()[0]

    def holders(self, key):
        """
        How many objects hold the name ``key``.

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('shapes2'))
            >>> db.index.name_to_cat.holders('eff')
            1
        """
        return self._run(f'SELECT count(*) FROM {self.table} WHERE {self.column} = ?',
                         (key,)).fetchone()[0]


class GroupLookup(_Proxy):
    """
    The ids of the children of each parent (``index.gid_to_aids`` ...): a
    set, or a tuple in frame order for ``vidid_to_gids`` and
    ``trackid_to_aids``.  Every parent has a group (empty or not), and so
    does a reference no parent holds; ``None`` groups the annotations
    without a category (``cid_to_aids``) or track (``trackid_to_aids``).

    Example:
        >>> import xcoco
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('vidshapes1'))
        >>> db.index.vidid_to_gids[1], db.index.trackid_to_aids[1]
        ((1, 2), (1, 3))
        >>> try:
        ...     db.index.gid_to_aids[99]
        ... except KeyError:
        ...     print('no image 99')
        no image 99
    """

    def __init__(self, db, child, column, parent, ordered, none_group):
        super().__init__(db)
        self.child, self.column, self.parent = child, column, parent
        self.ordered, self.none_group = ordered, none_group
        if ordered and child == 'images':
            order = ' ORDER BY (frame_index IS NULL), frame_index, id'
            select = f'SELECT id FROM images WHERE {column}'
        elif ordered:
            # a track's annotations follow the frame order of their images
            order = ' ORDER BY (i.frame_index IS NULL), i.frame_index, a.id'
            select = (f'SELECT a.id FROM {child} a LEFT JOIN images i ON i.id = a.image_id '
                      f'WHERE a.{column}')
        else:
            order = ''
            select = f'SELECT id FROM {child} WHERE {column}'
        self._get_sql = f'{select} = ?{order}'
        self._get_none_sql = f'{select} IS NULL{order}'

    def __getitem__(self, key):
        id_ = None if key is None else as_int_id(key)
        if key is not None and id_ is None:
            raise KeyError(key)
        return self._db._cached((self.child, self.column, id_), lambda: self._fetch(key, id_))

    def _fetch(self, key, id_):
        if key is None:
            if not self.none_group:
                raise KeyError(key)
            rows = self._run(self._get_none_sql).fetchall()
            if not rows:
                raise KeyError(key)
        else:
            rows = self._run(self._get_sql, (id_,)).fetchall()
            if not rows and not self._is_parent(id_):
                raise KeyError(key)
        ids = [r[0] for r in rows]
        return tuple(ids) if self.ordered else set(ids)

    def _is_parent(self, id_):
        return self._run(f'SELECT 1 FROM {self.parent} WHERE id = ?', (id_,)).fetchone() is not None

    def __contains__(self, key):
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self):
        rows = self._run(
            f'SELECT id FROM {self.parent} UNION SELECT {self.column} FROM {self.child} '
            f'WHERE {self.column} IS NOT NULL ORDER BY 1').fetchall()
        keys = [r[0] for r in rows]
        if self.none_group and self._run(
                f'SELECT 1 FROM {self.child} WHERE {self.column} IS NULL LIMIT 1').fetchone():
            keys.append(None)
        return iter(keys)

    def __len__(self):
        return sum(1 for _ in self)


class _Repeated(Mapping):
    """``index.repeated``: for each repeatable name lookup, the names several objects hold."""

    def __init__(self, lookups):
        self._lookups = lookups

    def __getitem__(self, attr):
        return _RepeatedNames(self._lookups[attr])

    def __iter__(self):
        return iter(self._lookups)

    def __len__(self):
        return len(self._lookups)


class _RepeatedNames:
    def __init__(self, lookup):
        self._lookup = lookup

    def __contains__(self, name):
        return isinstance(name, str) and self._lookup.holders(name) > 1


class SqlIndex:
    """
    :class:`xcoco.query.IndexProtocol` served from a database.

    Example:
        >>> import xcoco
        >>> from xcoco.query import IndexProtocol
        >>> from xcoco.sql import CocoSqlDatabase
        >>> index = CocoSqlDatabase(':memory:').connect().index
        >>> all(hasattr(index, name) for name in IndexProtocol.__annotations__)
        True
    """

    def __init__(self, db):
        for table in TABLES:
            setattr(self, INDEX_ATTR[table], RowLookup(db, table))
        # None groups annotations without an image, as the memory index does
        self.gid_to_aids = GroupLookup(db, 'annotations', 'image_id', 'images', False, True)
        self.cid_to_aids = GroupLookup(db, 'annotations', 'category_id', 'categories', False, True)
        self.vidid_to_gids = GroupLookup(db, 'images', 'video_id', 'videos', True, False)
        self.trackid_to_aids = GroupLookup(db, 'annotations', 'track_id', 'tracks', True, True)
        self.name_to_cat = NameLookup(db, 'categories', 'name')
        self.name_to_img = NameLookup(db, 'images', 'name')
        self.name_to_video = NameLookup(db, 'videos', 'name')
        self.name_to_track = NameLookup(db, 'tracks', 'name')
        self.file_name_to_img = NameLookup(db, 'images', 'file_name')
        self.repeated = _Repeated({'name_to_img': self.name_to_img,
                                   'file_name_to_img': self.file_name_to_img,
                                   'name_to_track': self.name_to_track})

    def frame_of_image(self, gid):
        """
        The ``frame_index`` of an image (None when it has none or is absent).

        Example:
            >>> import xcoco
            >>> from xcoco.sql import CocoSqlDatabase
            >>> db = CocoSqlDatabase(':memory:').populate_from(xcoco.CocoDataset.demo('vidshapes1'))
            >>> db.index.frame_of_image(2)
            1
        """
        img = self.imgs.get(gid)  # type: ignore[attr-defined]
        return None if img is None else img.get('frame_index')
