"""
A set of ids that iterates in the order of a sort key (frame order for the
images of a video, the annotations of a track).
"""
from bisect import bisect_left, insort

__all__ = ['SortedIdSet']


class SortedIdSet:
    """
    A set of ids kept sorted by ``key(id)``; ties break on the id itself.

    Behaves like kwcoco's ``SortedSet`` for what users do with
    ``index.vidid_to_gids[vidid]``: iterate in frame order, index, test
    membership, add, discard, compare with sets.

    Args:
        ids (Iterable): initial ids.
        key (Callable): sort key of an id; read when an id is added, so the
            key of a stored id must not change while it is stored.

    Example:
        >>> frame = {10: 2, 11: 0, 12: 1}
        >>> ids = SortedIdSet([10, 11, 12], key=frame.__getitem__)
        >>> list(ids), ids[0], 12 in ids, len(ids)
        ([11, 12, 10], 11, True, 3)
        >>> ids.discard(12)
        >>> ids
        SortedIdSet([11, 10])
        >>> ids == {10, 11}
        True
    """
    __slots__ = ('_key', '_entries', '_members')

    def __init__(self, ids=(), key=None):
        self._key = key
        self._members = set(ids)
        self._entries = sorted(self._entry(i) for i in self._members)

    def _entry(self, id_):
        sortkey = self._key(id_) if self._key is not None else None
        # The None check keeps unknown keys (e.g. a frame without
        # frame_index) orderable against known ones.
        return (sortkey is None, sortkey if sortkey is not None else 0, id_)

    def add(self, id_):
        """
        Insert an id at its sorted place (no-op if present).

        Example:
            >>> ids = SortedIdSet([3, 1])
            >>> ids.add(2)
            >>> list(ids)
            [1, 2, 3]
        """
        if id_ not in self._members:
            self._members.add(id_)
            insort(self._entries, self._entry(id_))

    def discard(self, id_):
        """
        Remove an id if present.

        Example:
            >>> ids = SortedIdSet([1, 2])
            >>> ids.discard(5)
            >>> ids.discard(1)
            >>> list(ids)
            [2]
        """
        if id_ in self._members:
            self._members.remove(id_)
            entry = self._entry(id_)
            pos = bisect_left(self._entries, entry)
            if pos < len(self._entries) and self._entries[pos] == entry:
                del self._entries[pos]
            else:  # the key changed after insertion: fall back to a scan
                self._entries = [e for e in self._entries if e[2] != id_]

    def remove(self, id_):
        """
        Remove an id, raising KeyError if absent.

        Example:
            >>> ids = SortedIdSet([1])
            >>> ids.remove(1)
            >>> len(ids)
            0
        """
        if id_ not in self._members:
            raise KeyError(id_)
        self.discard(id_)

    def update(self, ids):
        """
        Add several ids.

        Example:
            >>> ids = SortedIdSet()
            >>> ids.update([5, 4])
            >>> ids
            SortedIdSet([4, 5])
        """
        for id_ in ids:
            self.add(id_)

    def __contains__(self, id_):
        return id_ in self._members

    def __iter__(self):
        return (entry[2] for entry in self._entries)

    def __reversed__(self):
        return (entry[2] for entry in reversed(self._entries))

    def __len__(self):
        return len(self._members)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [entry[2] for entry in self._entries[index]]
        return self._entries[index][2]

    def __eq__(self, other):
        if isinstance(other, SortedIdSet):
            return list(self) == list(other)
        if isinstance(other, (set, frozenset)):
            return self._members == other
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __sub__(self, other):
        return self._members - set(other)

    def __and__(self, other):
        return self._members & set(other)

    def __or__(self, other):
        return self._members | set(other)

    def __repr__(self):
        return f'SortedIdSet({list(self)!r})'
