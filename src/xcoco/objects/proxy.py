"""
A dict-like view over one manifest dictionary, with key aliases.

The manifest spec is mid-rename ('auxiliary' -> 'assets', 'warp_aux_to_img'
-> 'warp_img_from_asset'); files in the wild use either spelling.  The proxy
lets code ask for any spelling while the underlying dict keeps the one it was
written with, so a round trip never rewrites a user's keys.
"""
from __future__ import annotations

from collections.abc import Iterator, KeysView, MutableMapping
from typing import Any, ClassVar

from xcoco.types import JsonDict

__all__ = ['AliasedDictProxy']


class AliasedDictProxy(MutableMapping[str, Any]):
    """
    Mutable mapping over ``self._proxy`` where alias keys resolve to a
    primary key.

    Subclasses set ``__alias_to_primary__`` (alias -> primary).  Reads try the
    primary spelling, then every alias; writes update every spelling already
    present, or the primary spelling when none is.

    Example:
        >>> class Obj(AliasedDictProxy):
        ...     __alias_to_primary__ = {'assets': 'auxiliary'}
        ...     def __init__(self, d):
        ...         self._proxy = d
        >>> obj = Obj({'assets': [1]})
        >>> obj['auxiliary'], 'auxiliary' in obj
        ([1], True)
        >>> obj['auxiliary'] = [2]
        >>> obj._proxy
        {'assets': [2]}
        >>> obj = Obj({})
        >>> obj['assets'] = [3]
        >>> obj._proxy
        {'auxiliary': [3]}
    """

    __alias_to_primary__: ClassVar[dict[str, str]] = {}
    _proxy: JsonDict

    # Identity semantics: two views of equal dicts are still different
    # objects (kwcoco's proxies hash by identity, and users key dicts on them).
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, proxy: JsonDict) -> None:
        self._proxy = proxy

    @classmethod
    def _spellings(cls, key: str) -> list[str]:
        """
        All names for ``key``, primary first.

        Example:
            >>> class Obj(AliasedDictProxy):
            ...     __alias_to_primary__ = {'a1': 'p', 'a2': 'p'}
            >>> Obj._spellings('a2')
            ['p', 'a1', 'a2']
            >>> Obj._spellings('other')
            ['other']
        """
        a2p = cls.__alias_to_primary__
        primary = a2p.get(key, key)
        aliases = [a for a, p in a2p.items() if p == primary]
        return [primary] + aliases

    def _resolve(self, key: Any) -> str | None:
        for name in self._spellings(key):
            if name in self._proxy:
                return name
        return None

    def __getitem__(self, key: str) -> Any:
        name = self._resolve(key)
        if name is None:
            raise KeyError(key)
        return self._proxy[name]

    def __setitem__(self, key: str, value: Any) -> None:
        present = [k for k in self._spellings(key) if k in self._proxy]
        if not present:
            present = [self._spellings(key)[0]]
        for name in present:
            self._proxy[name] = value

    def __delitem__(self, key: str) -> None:
        present = [k for k in self._spellings(key) if k in self._proxy]
        if not present:
            raise KeyError(key)
        for name in present:
            del self._proxy[name]

    def __contains__(self, key: object) -> bool:
        return self._resolve(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._proxy)

    def __len__(self) -> int:
        return len(self._proxy)

    def keys(self) -> KeysView[str]:
        """
        Keys of the underlying dictionary, as written.

        Example:
            >>> AliasedDictProxy({'a': 1}).keys()
            dict_keys(['a'])
        """
        return self._proxy.keys()

    def __json__(self) -> JsonDict:
        """
        The underlying dictionary (for ``ub.urepr`` / json dumping).

        Example:
            >>> AliasedDictProxy({'a': 1}).__json__()
            {'a': 1}
        """
        return self._proxy
