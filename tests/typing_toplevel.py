"""
The top-level spelling ``xcoco.CocoDataset`` as a type checker sees it.
tests/test_typing.py expects mypy to fail here (strict xfail): the package
resolves these names lazily in ``__getattr__``, so checkers type them as
``Any`` until ``xcoco/__init__.py`` also imports them under ``TYPE_CHECKING``.
"""
from __future__ import annotations

import sys

import xcoco
from xcoco.dataset import CocoDataset
from xcoco.objects.image import CocoImage

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def main() -> None:
    dset = xcoco.CocoDataset()
    assert_type(dset, CocoDataset)
    assert_type(xcoco.CocoImage({'width': 2, 'height': 2}), CocoImage)


if __name__ == '__main__':
    main()
