"""
kwcoco-compatible utilities (``kwcoco.util``): JSON helpers, archives,
JSON Schema elements, path rerooting and a dict-like base class.

The submodules load on first use; the names kwcoco's ``kwcoco.util``
exports are available here too.

Example:
    >>> from xcoco import util
    >>> util.ensure_json_serializable({'a': (1, 2)})
    {'a': [1, 2]}
    >>> util.ARRAY(util.INTEGER, numItems=2)
    {'type': 'array', 'items': {'type': 'integer'}, 'minItems': 2, 'maxItems': 2}
"""
from typing import TYPE_CHECKING

# name -> submodule that defines it, resolved on first access (the
# submodules need jsonschema, numpy or ubelt; ``import xcoco.util`` does not)
_LAZY = {
    'ALLOF': 'jsonschema_elements',
    'ANY': 'jsonschema_elements',
    'ANYOF': 'jsonschema_elements',
    'ARRAY': 'jsonschema_elements',
    'BOOLEAN': 'jsonschema_elements',
    'ContainerElements': 'jsonschema_elements',
    'Element': 'jsonschema_elements',
    'INTEGER': 'jsonschema_elements',
    'NOT': 'jsonschema_elements',
    'NULL': 'jsonschema_elements',
    'NUMBER': 'jsonschema_elements',
    'OBJECT': 'jsonschema_elements',
    'ONEOF': 'jsonschema_elements',
    'QuantifierElements': 'jsonschema_elements',
    'STRING': 'jsonschema_elements',
    'ScalarElements': 'jsonschema_elements',
    'SchemaElements': 'jsonschema_elements',
    'elem': 'jsonschema_elements',
    'IndexableWalker': 'util_json',
    'ensure_json_serializable': 'util_json',
    'find_json_unserializable': 'util_json',
    'indexable_allclose': 'util_json',
    'Archive': 'util_archive',
    'unarchive_file': 'util_archive',
    'DictLike': 'dict_like',
    'resolve_directory_symlinks': 'util_reroot',
    'resolve_relative_to': 'util_reroot',
    'special_reroot_single': 'util_reroot',
    'smart_truncate': 'util_truncate',
    'Executor': 'util_futures',
    'JobPool': 'util_futures',
}
_SUBMODULES = {
    'dict_like', 'delayed_ops', 'jsonschema_elements', 'util_archive',
    'util_futures', 'util_json', 'util_reroot', 'util_truncate',
}

if TYPE_CHECKING:
    from xcoco.util.dict_like import DictLike as DictLike
    from xcoco.util.jsonschema_elements import ALLOF as ALLOF
    from xcoco.util.jsonschema_elements import ANY as ANY
    from xcoco.util.jsonschema_elements import ANYOF as ANYOF
    from xcoco.util.jsonschema_elements import ARRAY as ARRAY
    from xcoco.util.jsonschema_elements import BOOLEAN as BOOLEAN
    from xcoco.util.jsonschema_elements import INTEGER as INTEGER
    from xcoco.util.jsonschema_elements import NOT as NOT
    from xcoco.util.jsonschema_elements import NULL as NULL
    from xcoco.util.jsonschema_elements import NUMBER as NUMBER
    from xcoco.util.jsonschema_elements import OBJECT as OBJECT
    from xcoco.util.jsonschema_elements import ONEOF as ONEOF
    from xcoco.util.jsonschema_elements import STRING as STRING
    from xcoco.util.jsonschema_elements import ContainerElements as ContainerElements
    from xcoco.util.jsonschema_elements import Element as Element
    from xcoco.util.jsonschema_elements import QuantifierElements as QuantifierElements
    from xcoco.util.jsonschema_elements import ScalarElements as ScalarElements
    from xcoco.util.jsonschema_elements import SchemaElements as SchemaElements
    from xcoco.util.jsonschema_elements import elem as elem
    from xcoco.util.util_archive import Archive as Archive
    from xcoco.util.util_archive import unarchive_file as unarchive_file
    from xcoco.util.util_futures import Executor as Executor
    from xcoco.util.util_futures import JobPool as JobPool
    from xcoco.util.util_json import IndexableWalker as IndexableWalker
    from xcoco.util.util_json import ensure_json_serializable as ensure_json_serializable
    from xcoco.util.util_json import find_json_unserializable as find_json_unserializable
    from xcoco.util.util_json import indexable_allclose as indexable_allclose
    from xcoco.util.util_reroot import resolve_directory_symlinks as resolve_directory_symlinks
    from xcoco.util.util_reroot import resolve_relative_to as resolve_relative_to
    from xcoco.util.util_reroot import special_reroot_single as special_reroot_single
    from xcoco.util.util_truncate import smart_truncate as smart_truncate

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name):
    import importlib
    if name in _LAZY:
        value = getattr(importlib.import_module(f'{__name__}.{_LAZY[name]}'), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
