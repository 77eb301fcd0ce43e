"""
xcoco: COCO-style manifests for images, videos and multispectral rasters.

A drop-in for kwcoco's core API: ``import xcoco as kwcoco`` and code written
for kwcoco runs.  Unchanged kwcoco code (``import kwcoco``, ``from
kwcoco.coco_image import CocoImage`` ...) runs on xcoco after
``xcoco.install_as_kwcoco()``, or as ``python -m xcoco.as_kwcoco script.py``.
Importing the package is cheap; the parts that need numpy, kwimage or
delayed-image load on first use.

Example:
    >>> import xcoco
    >>> dset = xcoco.CocoDataset()
    >>> gid = dset.add_image(file_name='img.png', width=64, height=48)
    >>> cid = dset.add_category('cat')
    >>> aid = dset.add_annotation(image_id=gid, category_id=cid, bbox=[1, 2, 3, 4])
    >>> dset.n_images, dset.n_annots, dset.n_cats
    (1, 1, 1)
"""
__version__ = '0.1.0'

from typing import TYPE_CHECKING

from xcoco.errors import *  # noqa: F403 - the errors are tiny and always needed
from xcoco.errors import __all__ as _error_names

# name -> module that defines it; resolved on first attribute access so that
# ``import xcoco`` does not pay for numpy / kwimage / delayed-image.
_LAZY = {
    'CocoDataset': 'xcoco.dataset',
    'CocoImage': 'xcoco.objects.image',
    'CocoAsset': 'xcoco.objects.asset',
    'Images': 'xcoco.objects.vectorized',
    'Annots': 'xcoco.objects.vectorized',
    'Categories': 'xcoco.objects.vectorized',
    'Videos': 'xcoco.objects.vectorized',
    'Tracks': 'xcoco.objects.vectorized',
    'CategoryTree': 'xcoco.objects.category_tree',
    'ChannelSpec': 'xcoco.channel_spec',
    'FusedChannelSpec': 'xcoco.channel_spec',
    'SensorChanSpec': 'xcoco.channel_spec',
    'install_as_kwcoco': 'xcoco.kwcoco_alias',
    'AbstractCocoDataset': 'xcoco.abstract_coco_dataset',
    'CocoSqlDatabase': 'xcoco.sql.database',
    'FrozenCocoDataset': 'xcoco.frozen.dataset',
}
_LAZY_MODULES = {
    'coco_dataset', 'coco_image', 'coco_objects1d', 'channel_spec',
    'category_tree', 'coco_sql_dataset', 'coco_schema', 'exceptions',
    'abstract_coco_dataset', 'sensorchan_spec', 'util',
    'testing', 'demo', 'cli', 'kwcoco_alias',
    'manifest', 'index', 'ops', 'objects', 'query', 'dataset',
    'compat_dataset', 'sql', 'frozen',
}

if TYPE_CHECKING:
    # what __getattr__ resolves at run time, spelled out (as explicit
    # re-exports) for type checkers
    from xcoco.abstract_coco_dataset import AbstractCocoDataset as AbstractCocoDataset
    from xcoco.channel_spec import ChannelSpec as ChannelSpec
    from xcoco.channel_spec import FusedChannelSpec as FusedChannelSpec
    from xcoco.channel_spec import SensorChanSpec as SensorChanSpec
    from xcoco.dataset import CocoDataset as CocoDataset
    from xcoco.frozen.dataset import FrozenCocoDataset as FrozenCocoDataset
    from xcoco.kwcoco_alias import install_as_kwcoco as install_as_kwcoco
    from xcoco.objects.asset import CocoAsset as CocoAsset
    from xcoco.objects.category_tree import CategoryTree as CategoryTree
    from xcoco.objects.image import CocoImage as CocoImage
    from xcoco.objects.vectorized import Annots as Annots
    from xcoco.objects.vectorized import Categories as Categories
    from xcoco.objects.vectorized import Images as Images
    from xcoco.objects.vectorized import Tracks as Tracks
    from xcoco.objects.vectorized import Videos as Videos
    from xcoco.sql.database import CocoSqlDatabase as CocoSqlDatabase

__all__ = sorted(_LAZY) + list(_error_names) + ['__version__']


def __getattr__(name):
    import importlib
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _LAZY_MODULES:
        return importlib.import_module('xcoco.' + name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _LAZY_MODULES)
