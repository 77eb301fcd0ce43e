"""
:class:`DictLike`: a base class that turns four methods (``getitem``,
``setitem``, ``delitem``, ``keys``) into the whole dict interface
(kwcoco's ``util.dict_like``).

Example:
    >>> from xcoco.util.dict_like import DictLike
    >>> class UpperKeys(DictLike):
    ...     # a dict view that stores its keys upper-cased
    ...     def __init__(self):
    ...         self._data = {}
    ...     def getitem(self, key):
    ...         return self._data[key.upper()]
    ...     def setitem(self, key, value):
    ...         self._data[key.upper()] = value
    ...     def delitem(self, key):
    ...         del self._data[key.upper()]
    ...     def keys(self):
    ...         return iter(self._data)
    >>> d = UpperKeys()
    >>> d['a'] = 1
    >>> d.update({'b': 2})
    >>> d['A'], list(d.items()), len(d), 'B' in d
    (1, [('A', 1), ('B', 2)], 2, True)
"""
from typing import Generic, TypeVar

import ubelt as ub

__all__ = ['DictLike']

K = TypeVar('K')
V = TypeVar('V')


class DictLike(ub.NiceRepr, Generic[K, V]):
    """
    Dict behaviour from ``getitem(key)``, ``keys()`` and, to be writable,
    ``setitem(key, value)`` and ``delitem(key)``, which a subclass defines.

    ``len`` and ``in`` go through ``keys()``; ``copy`` / ``to_dict`` /
    ``asdict`` return a plain dict.  The repr shows the length.

    Example:
        >>> class Squares(DictLike):
        ...     # a read-only "dict" of the squares of 0..n-1
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def getitem(self, key):
        ...         if key not in range(self.n):
        ...             raise KeyError(key)
        ...         return key * key
        ...     def keys(self):
        ...         return iter(range(self.n))
        >>> sq = Squares(3)
        >>> sq.to_dict(), sq.get(7, 'none'), str(sq)
        ({0: 0, 1: 1, 2: 4}, 'none', '<Squares(3)>')
        >>> try:
        ...     sq[5] = 25
        ... except NotImplementedError as ex:
        ...     print(ex)
        Squares does not define setitem(key, value), so it cannot be written
    """

    def _abstract(self, signature, purpose):
        raise NotImplementedError(
            f'{type(self).__name__} does not define {signature}, so it cannot be {purpose}')

    def getitem(self, key):
        """
        The value of ``key`` (a subclass defines it; KeyError if absent).

        Example:
            >>> try:
            ...     DictLike().getitem('a')
            ... except NotImplementedError as ex:
            ...     print(ex)
            DictLike does not define getitem(key), so it cannot be read
        """
        self._abstract('getitem(key)', 'read')

    def setitem(self, key, value):
        """
        Store ``value`` under ``key`` (a subclass defines it).

        Example:
            >>> try:
            ...     DictLike().setitem('a', 1)
            ... except NotImplementedError as ex:
            ...     print(ex)
            DictLike does not define setitem(key, value), so it cannot be written
        """
        self._abstract('setitem(key, value)', 'written')

    def delitem(self, key):
        """
        Remove ``key`` (a subclass defines it).

        Example:
            >>> try:
            ...     DictLike().delitem('a')
            ... except NotImplementedError as ex:
            ...     print(ex)
            DictLike does not define delitem(key), so keys cannot be removed
        """
        raise NotImplementedError(
            f'{type(self).__name__} does not define delitem(key), so keys cannot be removed')

    def keys(self):
        """
        An iterable of the keys (a subclass defines it).

        Example:
            >>> try:
            ...     DictLike().keys()
            ... except NotImplementedError as ex:
            ...     print(ex)
            DictLike does not define keys(), so it cannot be listed
        """
        self._abstract('keys()', 'listed')

    def __getitem__(self, key):
        return self.getitem(key)

    def __setitem__(self, key, value):
        self.setitem(key, value)

    def __delitem__(self, key):
        self.delitem(key)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return sum(1 for _ in self.keys())

    def __contains__(self, key):
        return key in self.keys()

    def __nice__(self):
        return str(len(self))

    def items(self):
        """
        Iterate over ``(key, value)`` pairs.

        Example:
            >>> class One(DictLike):
            ...     def getitem(self, key): return 1
            ...     def keys(self): return ['x']
            >>> list(One().items())
            [('x', 1)]
        """
        return ((key, self.getitem(key)) for key in self.keys())

    def values(self):
        """
        Iterate over the values.

        Example:
            >>> class One(DictLike):
            ...     def getitem(self, key): return 1
            ...     def keys(self): return ['x', 'y']
            >>> list(One().values())
            [1, 1]
        """
        return (self.getitem(key) for key in self.keys())

    def get(self, key, default=None):
        """
        The value of ``key``, or ``default`` if it is absent.

        Example:
            >>> class One(DictLike):
            ...     def getitem(self, key):
            ...         if key != 'x':
            ...             raise KeyError(key)
            ...         return 1
            ...     def keys(self): return ['x']
            >>> One().get('x'), One().get('y', 0)
            (1, 0)
        """
        try:
            return self.getitem(key)
        except KeyError:
            return default

    def update(self, other):
        """
        Set every ``key: value`` of ``other`` (a mapping or pairs).

        Example:
            >>> class Box(DictLike):
            ...     def __init__(self): self.data = {}
            ...     def getitem(self, key): return self.data[key]
            ...     def setitem(self, key, value): self.data[key] = value
            ...     def keys(self): return self.data.keys()
            >>> box = Box()
            >>> box.update({'a': 1})
            >>> box.update([('b', 2)])
            >>> box.to_dict()
            {'a': 1, 'b': 2}
        """
        pairs = other.items() if hasattr(other, 'items') else other
        for key, value in pairs:
            self.setitem(key, value)

    def to_dict(self):
        """
        A plain dict of the items.

        Example:
            >>> class One(DictLike):
            ...     def getitem(self, key): return 1
            ...     def keys(self): return ['x']
            >>> One().to_dict(), One().asdict(), One().copy()
            ({'x': 1}, {'x': 1}, {'x': 1})
        """
        return dict(self.items())

    asdict = to_dict

    def copy(self):
        """
        A plain dict copy of the items (as kwcoco's, not the same class).

        Example:
            >>> class One(DictLike):
            ...     def getitem(self, key): return 1
            ...     def keys(self): return ['x']
            >>> type(One().copy()).__name__
            'dict'
        """
        return dict(self.items())
