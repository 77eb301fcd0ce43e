"""
Type aliases used in xcoco's annotations, for code that type-checks against
xcoco (the package ships ``py.typed``).

The aliases are plain unions of builtins, so importing this module stays as
cheap as ``import xcoco``; the heavy types (``kwimage.Boxes``, delayed-image
nodes, channel specs) are named directly where they are used.

* :data:`Id` -- the id of an object in any table.  COCO files from other
  tools may use string ids, so an id is ``int | str`` (the same pair as
  :data:`xcoco.index.build.ID_TYPES`).
* :data:`ObjRef` -- how lookups and edits accept an object: its id, its name
  (a ``str``, for the tables that have names) or its dict.
* :data:`JsonDict` -- one object of a manifest table, or a whole manifest.
* :data:`StrPath` -- a path given as a ``str`` or an ``os.PathLike``.

Example:
    >>> import xcoco
    >>> from xcoco.types import Id, JsonDict, ObjRef, StrPath
    >>> dset = xcoco.CocoDataset()
    >>> gid: Id = dset.add_image('a.png')
    >>> isinstance(gid, Id), isinstance('img_01', Id), isinstance(1.5, Id)
    (True, True, False)
    >>> img: JsonDict = dset.imgs[gid]
    >>> ref: ObjRef = img
    >>> dset.coco_image(ref)['file_name']
    'a.png'
    >>> import pathlib
    >>> path: StrPath = pathlib.Path('/data')
    >>> xcoco.CocoDataset(bundle_dpath=path).bundle_dpath
    '/data'
"""
from __future__ import annotations

import os
from typing import Any, TypeAlias

__all__ = ['Id', 'JsonDict', 'ObjRef', 'StrPath']

#: the id of an object of any table (see ``xcoco.index.build.ID_TYPES``)
Id: TypeAlias = int | str

#: one object of a manifest table (an image, an annotation ...) or a manifest
JsonDict: TypeAlias = dict[str, Any]

#: an object given by id, by name (tables with names) or as its dict
ObjRef: TypeAlias = int | str | dict[str, Any]

#: a file or folder path
StrPath: TypeAlias = str | os.PathLike[str]
