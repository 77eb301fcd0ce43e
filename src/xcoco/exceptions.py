"""
kwcoco-compatible import path for the error classes
(``kwcoco.exceptions.DuplicateAddError`` ...); they live in
:mod:`xcoco.errors`.

Example:
    >>> from xcoco.exceptions import InvalidAddError
    >>> issubclass(InvalidAddError, ValueError)
    True
"""
from xcoco.errors import *  # noqa: F403 - a pure re-export module
from xcoco.errors import __all__  # NOQA: F401
