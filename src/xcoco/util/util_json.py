"""
Helpers for data that should be JSON: find what ``json.dumps`` would refuse
and where, convert the common offenders (numpy values, tuples, paths, sets),
and compare nested structures with a float tolerance.

Example:
    >>> import numpy as np
    >>> from xcoco.util.util_json import (
    ...     ensure_json_serializable, find_json_unserializable, indexable_allclose)
    >>> data = {'boxes': np.array([[1, 2, 3, 4]]), 'meta': {'score': np.float32(0.5)}}
    >>> [part['loc'] for part in find_json_unserializable(data)]
    [['boxes'], ['meta', 'score']]
    >>> ensure_json_serializable(data)
    {'boxes': [[1, 2, 3, 4]], 'meta': {'score': 0.5}}
    >>> indexable_allclose({'a': [1.0, 2.0]}, {'a': [1.0, 2.0 + 1e-12]})
    True
"""
import json
from collections import OrderedDict
from os import PathLike, fspath
from typing import Any, NamedTuple, TypedDict

from ubelt import IndexableWalker

from xcoco.errors import CircularReferenceError

__all__ = [
    'Difference',
    'IndexableWalker',
    'UnserializablePart',
    'coerce_indent',
    'ensure_json_serializable',
    'find_json_unserializable',
    'indexable_allclose',
    'indexable_diff',
]

# exactly the types the standard json module writes (subclasses included:
# numpy.float64 is a float and is written)
_JSON_SCALARS = (str, int, float, bool, type(None))
_JSON_KEYS = (str, int, float, bool, type(None))
_EXACT_SCALARS = frozenset(_JSON_SCALARS)


def find_json_unserializable(data, quickcheck=False):
    """
    Yield every part of ``data`` that ``json.dumps`` cannot write, with
    where it is.

    Args:
        data (object): the nested dicts / lists / tuples to check.
        quickcheck (bool): try ``json.dumps`` first and yield nothing if it
            succeeds (fast for the common, valid case).

    Yields:
        dict: ``{'loc': [...], 'data': value}``: the keys / indexes leading
        to the value.  For a dict *key* that JSON cannot hold the last
        step is ``['.keys', key]`` and ``data`` is the key; the values
        under such a key are checked too (their ``loc`` uses the key).

    Raises:
        CircularReferenceError: (a ValueError) a container contains itself.

    Example:
        >>> import numpy as np, pathlib
        >>> data = [1, {'nest': [2, {'arr': np.array([1])}]},
        ...         {frozenset({'k'}): 3}, pathlib.Path('a')]
        >>> for part in find_json_unserializable(data):
        ...     print(part['loc'], type(part['data']).__name__)
        [1, 'nest', 1, 'arr'] ndarray
        [2, ['.keys', frozenset({'k'})]] frozenset
        [3] PosixPath
        >>> loop = {'a': []}
        >>> loop['a'].append(loop)
        >>> try:
        ...     list(find_json_unserializable(loop))
        ... except ValueError as ex:
        ...     print(ex)
        Circular reference detected at ['a', 0]: the container contains itself, which JSON cannot represent
    """
    if quickcheck:
        try:
            json.dumps(data)
        except (TypeError, ValueError, OverflowError):  # the walk says where
            pass
        else:
            return
    yield from _walk_unserializable(data, [], set())


def _walk_unserializable(value, loc, active):
    if isinstance(value, _JSON_SCALARS):
        return
    if not isinstance(value, (dict, list, tuple)):
        yield {'loc': list(loc), 'data': value}
        return
    if id(value) in active:
        raise CircularReferenceError(
            f'Circular reference detected at {loc!r}: the container contains itself, '
            f'which JSON cannot represent')
    active.add(id(value))
    if isinstance(value, dict):
        for key, child in value.items():
            if not isinstance(key, _JSON_KEYS):
                yield {'loc': [*loc, ['.keys', key]], 'data': key}
            yield from _walk_unserializable(child, [*loc, key], active)
    else:
        for index, child in enumerate(value):
            yield from _walk_unserializable(child, [*loc, index], active)
    # shared (non-circular) references are fine: only the current branch counts
    active.discard(id(value))


def _leaf_to_json(value):
    """The JSON form of a non-container leaf, or the value itself if it has none."""
    if isinstance(value, PathLike):
        return fspath(value)
    if hasattr(value, '__array__') and hasattr(value, 'tolist'):
        # numpy arrays and scalars: tolist() gives python ints / floats / bools
        return value.tolist()
    if hasattr(value, '__json__'):
        return value.__json__()
    return value


def ensure_json_serializable(dict_, normalize_containers=False, verbose=0):
    """
    A copy of ``dict_`` with the common non-JSON values converted: numpy
    arrays and scalars to lists / ``int`` / ``float`` / ``bool``, tuples and
    sets to lists, paths to strings (numpy and path dict keys too).  The
    input is not modified.  Values with no JSON form (an arbitrary object)
    are left as they are; :func:`find_json_unserializable` reports them.

    Args:
        dict_ (object): the data (a dict, list, or a single value).
        normalize_containers (bool): make every dict subclass except
            ``OrderedDict`` (e.g. ``defaultdict``) a plain ``dict``
            (default: every dict keeps its type).
        verbose (int): print how many values were converted.

    Returns:
        object: the converted copy.

    Raises:
        CircularReferenceError: (a ValueError) a container contains itself.

    Example:
        >>> import collections, numpy as np
        >>> data = collections.defaultdict(list, a=(1, np.int64(2)), b={3: np.bool_(True)})
        >>> result = ensure_json_serializable(data)
        >>> type(result).__name__, dict(result)
        ('defaultdict', {'a': [1, 2], 'b': {3: True}})
        >>> ensure_json_serializable(data, normalize_containers=True)
        {'a': [1, 2], 'b': {3: True}}
        >>> ensure_json_serializable(np.arange(3))
        [0, 1, 2]
    """
    counter = [0]
    result = _to_json(dict_, normalize_containers, counter, set(), [])
    if verbose:
        print(f'ensure_json_serializable: converted {counter[0]} value(s)')
    return result


def _to_json(value, normalize, counter, active, loc):
    if type(value) in _EXACT_SCALARS:
        return value
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        if id(value) in active:
            raise CircularReferenceError(
                f'Circular reference detected at {loc!r}: the container contains itself, '
                f'which JSON cannot represent')
        active.add(id(value))
        try:
            if isinstance(value, dict):
                items = [(_key_to_json(key, counter),
                          _to_json(child, normalize, counter, active, [*loc, key]))
                         for key, child in value.items()]
                if normalize and not isinstance(value, OrderedDict):
                    return dict(items)
                return _same_mapping_type(value, items)
            if not isinstance(value, list):
                counter[0] += 1
            children = _sorted_if_set(value)
            return [_to_json(child, normalize, counter, active, [*loc, index])
                    for index, child in enumerate(children)]
        finally:
            active.discard(id(value))
    converted = _leaf_to_json(value)
    if converted is not value:
        counter[0] += 1
        # a numpy array becomes nested lists of plain values: already JSON
    return converted


def _sorted_if_set(value):
    if not isinstance(value, (set, frozenset)):
        return value
    try:
        return sorted(value)
    except TypeError:
        return list(value)  # mixed types: any order


def _key_to_json(key, counter):
    if isinstance(key, _JSON_KEYS):
        return key
    converted = _leaf_to_json(key)
    if converted is not key and isinstance(converted, _JSON_KEYS):
        counter[0] += 1
        return converted
    return key


def _same_mapping_type(original, items):
    cls = type(original)
    if cls is dict:
        return dict(items)
    new = original.copy()  # keeps defaultdict's factory, OrderedDict's type ...
    new.clear()
    new.update(items)
    return new


def indexable_allclose(dct1, dct2, return_info=False):
    """
    True when two nested structures have the same shape and their values
    are equal, floats within numpy's default tolerances (relative 1e-5,
    absolute 1e-8), as kwcoco's helper (:meth:`ubelt.IndexableWalker.allclose`).

    Args:
        return_info (bool): also return ubelt's details (``faillist`` of
            ``(path, value1, value2)`` ...).

    Returns:
        bool | tuple[bool, dict]

    Example:
        >>> ok, info = indexable_allclose({'a': [1.0, 2.0]}, {'a': [1.0, 2.5]}, return_info=True)
        >>> ok, info['faillist']
        (False, [(['a', 1], 2.0, 2.5)])
        >>> indexable_allclose({'a': [1.222222]}, {'a': [1.22222]})
        True
    """
    return IndexableWalker(dct1).allclose(dct2, rel_tol=1e-05, abs_tol=1e-08,
                                          return_info=return_info)


def indexable_diff(dct1, dct2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """
    How two nested structures differ: ubelt's
    :meth:`~ubelt.IndexableWalker.diff` with numpy-style tolerances.

    Returns:
        dict: ``similarity``, ``num_differences``, ``unique1`` / ``unique2``
        (paths only one side has), ``faillist`` (values that differ) ...

    Example:
        >>> diff = indexable_diff({'a': 1.0, 'b': 2}, {'a': 1.000001, 'c': 3})
        >>> diff['num_differences'], diff['unique1'], diff['unique2']
        (2, {('b',)}, {('c',)})
    """
    return IndexableWalker(dct1).diff(dct2, rel_tol=rtol, abs_tol=atol, equal_nan=equal_nan)


class Difference(NamedTuple):
    """
    One value that differs between two nested structures, at ``path``.

    Example:
        >>> Difference(('a', 0), 1, 2).path
        ('a', 0)
    """

    path: tuple
    value1: Any
    value2: Any


class UnserializablePart(TypedDict):
    """
    What :func:`find_json_unserializable` yields: where (``loc``, a path of
    keys and indexes) and what (``data``).

    Example:
        >>> part: UnserializablePart = {'loc': ['a'], 'data': {1, 2}}
        >>> part['loc']
        ['a']
    """

    loc: list
    data: Any


def coerce_indent(indent: int | str | None) -> int | None:
    """
    A JSON indent as a number of spaces: an int stays, a string of spaces
    becomes its length, None stays None.

    Example:
        >>> coerce_indent('   '), coerce_indent(2), coerce_indent(None)
        (3, 2, None)
    """
    if isinstance(indent, str):
        if indent.strip(' '):
            raise ValueError(f'an indent string must hold only spaces, not {indent!r}')
        return len(indent)
    return indent
