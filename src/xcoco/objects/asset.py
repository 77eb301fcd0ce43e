"""
``CocoAsset``: one file (or in-memory array) that holds some of an image's
channels.  kwcoco first called these "auxiliary" items; STAC calls them
assets.  The keys keep both spellings working.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from xcoco.objects.proxy import AliasedDictProxy
from xcoco.types import JsonDict, StrPath

if TYPE_CHECKING:
    import ubelt as ub
    from typing_extensions import Self

    from xcoco.query import Queryable

__all__ = ['CocoAsset', 'CocoObject']


class CocoObject(AliasedDictProxy):
    """
    The shared shape of CocoImage / CocoAsset: a dict view that may know its
    dataset, and otherwise remembers a bundle directory.

    Example:
        >>> obj = CocoObject({'file_name': 'a.png'}, bundle_dpath='/data')
        >>> obj.bundle_dpath
        '/data'
    """

    #: the dataset the object belongs to, or None when detached
    dset: Queryable | None

    def __init__(self, obj: JsonDict, dset: Queryable | None = None,
                 bundle_dpath: StrPath | None = None) -> None:
        self._proxy = obj
        self.dset = dset
        self._bundle_dpath = bundle_dpath

    @property
    def bundle_dpath(self) -> StrPath | None:
        """
        The folder ``file_name`` is relative to: the dataset's when attached.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset(bundle_dpath='/data')
            >>> dset.coco_image(dset.add_image('a.png')).bundle_dpath
            '/data'
        """
        if self.dset is not None:
            return self.dset.bundle_dpath
        return self._bundle_dpath

    @bundle_dpath.setter
    def bundle_dpath(self, value: StrPath | None) -> None:
        self._bundle_dpath = value

    def detach(self) -> Self:
        """
        Drop the dataset reference, keeping what is needed without it
        (the bundle directory).

        Example:
            >>> obj = CocoObject({}, bundle_dpath='/b').detach()
            >>> obj.dset is None, obj.bundle_dpath
            (True, '/b')
        """
        self._bundle_dpath = self.bundle_dpath
        self.dset = None
        return self

    def __repr__(self) -> str:
        return f'<{type(self).__name__}({self.__nice__()}) at {hex(id(self))}>'

    def __str__(self) -> str:
        return f'<{type(self).__name__}({self.__nice__()})>'

    def __nice__(self) -> str:
        return repr(self._proxy)

    def _filepath(self) -> ub.Path:
        import ubelt as ub

        from xcoco.errors import FilePathError
        fname = self._proxy.get('file_name', None)
        if fname is None:
            raise FilePathError(f'{type(self).__name__} has no file_name: {self._proxy!r:.120}')
        if self.bundle_dpath is None:
            if os.path.isabs(os.fspath(fname)):
                return ub.Path(fname)
            raise FilePathError(
                f'{type(self).__name__} file_name={fname!r} is relative but '
                'no bundle_dpath is known: attach a dataset or set bundle_dpath')
        return ub.Path(self.bundle_dpath) / fname


class CocoAsset(CocoObject):
    """
    One asset of an image.  'warp_img_from_asset' is an alias of
    'warp_aux_to_img', and 'warp_wld_from_asset' of 'warp_to_wld'.

    Args:
        asset (dict): the asset dictionary (edited in place)
        bundle_dpath (str | None): directory its file_name is relative to

    Example:
        >>> import xcoco
        >>> self = xcoco.CocoAsset({'warp_aux_to_img': {'scale': 2}, 'file_name': 'b1.tif'})
        >>> 'warp_img_from_asset' in self, 'warp_to_wld' in self
        (True, False)
        >>> self['warp_img_from_asset'] = {'scale': 3}
        >>> self._proxy
        {'warp_aux_to_img': {'scale': 3}, 'file_name': 'b1.tif'}
        >>> self.bundle_dpath = '/data'
        >>> str(self.image_filepath())
        '/data/b1.tif'
    """

    __alias_to_primary__ = {
        'warp_img_from_asset': 'warp_aux_to_img',
        'warp_wld_from_asset': 'warp_to_wld',
    }

    def __init__(self, asset: JsonDict, bundle_dpath: StrPath | None = None) -> None:
        super().__init__(asset, bundle_dpath=bundle_dpath)

    def image_filepath(self) -> ub.Path:
        """
        The asset's full path (bundle directory + file_name).

        Example:
            >>> str(CocoAsset({'file_name': 'x.tif'}, '/b').image_filepath())
            '/b/x.tif'
        """
        return self._filepath()
