"""
``CocoImage``: one image dictionary as an object that knows its files, bands
and geometry, and builds cheap delayed loads of any part of it.

The class is a façade: geometry lives in :mod:`xcoco.imdata.spaces`, channel
bookkeeping in :mod:`xcoco.imdata.channels`, and the load graph in
:mod:`xcoco.imdata.delayed`.  It works detached (only a dict) or attached to
any dataset with ``.imgs``, ``.index.videos``, ``.bundle_dpath``,
``.index.gid_to_aids``, ``.annots(aids)`` and ``.add_annotation``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from xcoco.errors import XcocoError
from xcoco.objects.asset import CocoAsset, CocoObject
from xcoco.types import Id, JsonDict, StrPath

if TYPE_CHECKING:
    import datetime as dt

    import kwimage
    import numpy as np
    import ubelt as ub
    from delayed_image import DelayedChannelConcat, DelayedImage
    from delayed_image.channel_spec import ChannelSpec, FusedChannelSpec
    from typing_extensions import Self

    from xcoco.objects.vectorized import Annots
    from xcoco.query import Queryable

__all__ = ['CocoAsset', 'CocoImage']

_UNSET = object()


class CocoImage(CocoObject):
    """
    An object-oriented view of one coco image dictionary (edited in place).

    Args:
        img (dict): the image dictionary
        dset (CocoDataset | None): the dataset it belongs to, if any

    Example:
        >>> import xcoco
        >>> self = xcoco.CocoImage({'id': 1, 'name': 'scene', 'width': 8,
        ...                         'height': 6, 'auxiliary': [
        ...     {'file_name': 'rgb.tif', 'channels': 'r|g|b', 'width': 8, 'height': 6},
        ...     {'file_name': 'nir.tif', 'channels': 'nir', 'width': 4, 'height': 3,
        ...      'warp_aux_to_img': {'scale': 2}}]})
        >>> print(self)
        <CocoImage(wh=(8, 6),n_chan=4,channels=r|g|b,nir,name=scene)>
        >>> self.channels.spec, self.num_channels, self.dsize
        ('r|g|b,nir', 4, (8, 6))
        >>> 'assets' in self
        True
    """

    # The spec is moving 'auxiliary' -> 'assets'; either spelling reads.
    __alias_to_primary__ = {'assets': 'auxiliary'}

    #: the image dictionary (the one in the dataset when attached)
    img: JsonDict
    _video: JsonDict | None

    def __init__(self, img: JsonDict, dset: Queryable | None = None) -> None:
        super().__init__(img, dset=dset)
        self.img = img
        self._video = None

    @classmethod
    def from_gid(cls, dset: Queryable, gid: Id) -> Self:
        """
        The CocoImage of image ``gid`` in ``dset``.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png', width=4, height=4)
            >>> xcoco.CocoImage.from_gid(dset, gid).img['file_name']
            'a.png'
        """
        from xcoco.errors import UnknownIdError
        try:
            img = dset.imgs[gid]
        except KeyError:
            raise UnknownIdError(f'no image with id={gid}', table='images',
                                 key=gid) from None
        return cls(img, dset=dset)

    # ---- dict access (with the SQL backend's '_unstructured' column) ----
    def __getitem__(self, key: str) -> Any:
        if super().__contains__(key):
            return super().__getitem__(key)
        extra = self._proxy.get('_unstructured', None)
        if extra is not None and key in extra:
            return extra[key]
        from xcoco.errors import MissingFieldError
        ident = self._proxy.get('id', None)
        raise MissingFieldError(f'image id={ident!r} has no field {key!r}',
                                table='images', id=ident, field=key)

    def __setitem__(self, key: str, value: Any) -> None:
        if self._is_indexed(key):
            from xcoco.index.fields import set_field
            set_field(self.dset, 'images', [self.img['id']], key, [value])
        else:
            super().__setitem__(key, value)
            self._note_edit()

    def __delitem__(self, key: str) -> None:
        if self._is_indexed(key):
            if key not in self.img:
                raise KeyError(key)
            from xcoco.index.fields import REMOVE, set_field
            set_field(self.dset, 'images', [self.img['id']], key, [REMOVE])
        else:
            super().__delitem__(key)
            self._note_edit()

    def _is_indexed(self, key):
        # Fields the index is built from go through the index's setter, so
        # the dataset never disagrees with a rebuild; a detached image (or a
        # dict that is not the dataset's own) is plain data.
        from xcoco.index.fields import INDEXED_FIELDS
        if self.dset is None or key not in INDEXED_FIELDS['images']:
            return False
        return self.dset.index.imgs.get(self.img.get('id')) is self.img

    def _note_edit(self):
        if self.dset is not None:
            self.dset.index.note_edit()

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        extra = self._proxy.get('_unstructured', None)
        return extra is not None and key in extra

    def get(self, key: str, default: Any = _UNSET) -> Any:
        """
        Like ``dict.get``, but with no default a missing key raises KeyError
        (kwcoco's behaviour).

        Example:
            >>> self = CocoImage({'_unstructured': {'sensor': 'S2'}})
            >>> self.get('sensor'), self.get('missing', None)
            ('S2', None)
        """
        try:
            return self[key]
        except KeyError:
            if default is _UNSET:
                raise
            return default

    def keys(self) -> list[str]:
        """
        The image's keys (including '_unstructured' ones, flattened).

        Example:
            >>> list(CocoImage({'id': 1, '_unstructured': {'x': 2}}).keys())
            ['id', 'x']
        """
        extra = self._proxy.get('_unstructured', None)
        keys = [k for k in self._proxy.keys() if k != '_unstructured']
        if extra:
            keys += list(extra.keys())
        return keys

    # ---- relations ------------------------------------------------------
    @property
    def video(self) -> JsonDict | None:
        """
        The video dict this image is a frame of, or None.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> vidid = dset.add_video(name='v1', width=4, height=4)
            >>> gid = dset.add_image(name='f0', video_id=vidid, frame_index=0)
            >>> dset.coco_image(gid).video['name']
            'v1'
        """
        if self._video is not None or self.dset is None:
            return self._video
        vidid = self.img.get('video_id', None)
        if vidid is None:
            return None
        from xcoco.errors import UnknownIdError
        try:
            return self.dset.index.videos[vidid]
        except KeyError:
            raise UnknownIdError(
                f"image id={self.img.get('id')} has video_id={vidid!r}, "
                'which is not in the dataset', table='videos', key=vidid) from None

    @video.setter
    def video(self, value: JsonDict | None) -> None:
        self._video = value

    @property
    def name(self) -> str:
        """
        The image's ``name`` field.

        Example:
            >>> CocoImage({'id': 1, 'name': 'scene_01'}).name
            'scene_01'
        """
        return self['name']

    def detach(self) -> Self:
        """
        Drop the dataset reference, keeping the video and bundle directory.

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset(bundle_dpath='/data')
            >>> gid = dset.add_image(file_name='a.png')
            >>> img = dset.coco_image(gid).detach()
            >>> img.dset is None, img.bundle_dpath
            (True, '/data')
        """
        self._video = self.video
        return super().detach()

    def annots(self) -> Annots:
        """
        The annotations of this image (a vectorized ``Annots``).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png', width=9, height=9)
            >>> aid = dset.coco_image(gid).add_annotation(bbox=[0, 0, 2, 2])
            >>> list(dset.coco_image(gid).annots())  == [aid]
            True
        """
        self._require_dset('annots')
        aids = sorted(self.dset.index.gid_to_aids.get(self.img['id'], ()))
        return self.dset.annots(aids)

    def add_annotation(self, **ann: Any) -> Id:
        """
        Add an annotation to this image (needs a parent dataset).

        Returns:
            int: the new annotation id

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> gid = dset.add_image(file_name='a.png')
            >>> aid = dset.coco_image(gid).add_annotation(bbox=[1, 2, 3, 4])
            >>> dset.anns[aid]['image_id'] == gid
            True
        """
        self._require_dset('add_annotation')
        return self.dset.add_annotation(image_id=self.img['id'], **ann)

    def _require_dset(self, what):
        from xcoco.errors import DetachedError
        if self.dset is None:
            raise DetachedError(
                f"CocoImage(id={self.img.get('id')}).{what} needs a parent "
                'dataset: build it with dset.coco_image(gid)')

    @property
    def datetime(self) -> dt.datetime:
        """
        The capture time from 'datetime', 'timestamp' or 'date_captured'
        (ISO-8601 strings or unix seconds; naive times are taken as UTC).

        Example:
            >>> CocoImage({'timestamp': '2020-01-02T03:04:05'}).datetime.isoformat()
            '2020-01-02T03:04:05+00:00'
            >>> CocoImage({'timestamp': 0}).datetime.year
            1970
        """
        from xcoco.objects.timestamps import image_datetime
        return image_datetime(self.img)

    # ---- summary ----------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """
        Size, channel count, channels and name; what is not known yet (no
        name, channels only known after a load) is None.

        Example:
            >>> CocoImage({'width': 2, 'height': 3, 'channels': 'gray', 'file_name': 'x.png'}).stats()
            {'wh': (2, 3), 'n_chan': 1, 'channels': 'gray', 'name': None}
        """
        stats = {}
        for key, attr in [('wh', 'dsize'), ('n_chan', 'num_channels'),
                          ('channels', 'channels')]:
            try:
                stats[key] = getattr(self, attr)
            except XcocoError:
                stats[key] = None
        stats['name'] = self.img.get('name', None)
        if stats['channels'] is not None and not isinstance(stats['channels'], str):
            stats['channels'] = stats['channels'].spec
        return stats

    def __nice__(self) -> str:
        parts = []
        for key, value in self.stats().items():
            text = str(value)
            if len(text) > 32:
                text = text[:14] + '~' + text[-14:]
            parts.append(f'{key}={text}')
        return ','.join(parts)

    # ---- channels and assets -----------------------------------------------
    @property
    def channels(self) -> ChannelSpec | None:
        """
        The image's channels: a ``ChannelSpec`` with one stream per asset, or
        None when no asset declares channels.

        Example:
            >>> img = CocoImage({'auxiliary': [{'channels': 'r|g|b'}, {'channels': 'nir'}]})
            >>> img.channels.spec
            'r|g|b,nir'
            >>> print(CocoImage({'file_name': 'a.png'}).channels)
            None
        """
        from xcoco.imdata.channels import image_channels
        return image_channels(self.img)

    @property
    def num_channels(self) -> int:
        """
        Total number of channels.

        Example:
            >>> CocoImage({'auxiliary': [{'channels': 'B1'}, {'channels': 'x.0:3'}]}).num_channels
            4
        """
        from xcoco.errors import ChannelError
        channels = self.channels
        if channels is None:
            raise ChannelError(
                f"image id={self.img.get('id')}: no asset declares "
                "'channels', so the channel count is unknown until a load")
        return channels.numel()

    @property
    def dsize(self) -> tuple[int | None, int | None]:
        """
        (width, height) of image space (None where unknown).

        Example:
            >>> CocoImage({'width': 8, 'height': 6}).dsize
            (8, 6)
            >>> CocoImage({'width': 8}).dsize
            (8, None)
        """
        return self.img.get('width', None), self.img.get('height', None)

    @property
    def n_assets(self) -> int:
        """
        Number of pixel sources (base file + auxiliary + assets).

        Example:
            >>> CocoImage({'file_name': 'a', 'auxiliary': [{}, {}]}).n_assets
            3
        """
        return sum(1 for _ in self.iter_asset_objs())

    @property
    def assets(self) -> list[CocoImage | CocoAsset]:
        """
        The assets as objects (the image itself first when it has a file).

        Example:
            >>> img = CocoImage({'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}]})
            >>> [type(a).__name__ for a in img.assets]
            ['CocoImage', 'CocoAsset']
        """
        return list(self.iter_assets())

    def iter_asset_objs(self) -> Iterator[JsonDict]:
        """
        Yield the base image dict (if it has a file_name) and every asset dict.

        Example:
            >>> img = CocoImage({'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}]})
            >>> [o['file_name'] for o in img.iter_asset_objs()]
            ['a.png', 'b.tif']
        """
        from xcoco.manifest.assets import iter_asset_objs
        return iter_asset_objs(self.img)

    def iter_assets(self) -> Iterator[CocoImage | CocoAsset]:
        """
        Like :meth:`iter_asset_objs`, but yields ``self`` for the base image
        and :class:`CocoAsset` objects for the rest.

        Example:
            >>> img = CocoImage({'file_name': 'a.png', 'assets': [{'file_name': 'b.tif'}]})
            >>> [type(a).__name__ for a in img.iter_assets()]
            ['CocoImage', 'CocoAsset']
        """
        for obj in self.iter_asset_objs():
            yield self if obj is self.img else CocoAsset(obj, self.bundle_dpath)

    def iter_image_filepaths(self, with_bundle: bool = True) -> Iterator[ub.Path | str]:
        """
        Yield the path of every asset file.

        Args:
            with_bundle (bool): prefix the bundle directory (default True)

        Example:
            >>> img = CocoImage({'file_name': 'a.png', 'auxiliary': [{'file_name': 'b.tif'}]})
            >>> img.bundle_dpath = '/data'
            >>> [str(p) for p in img.iter_image_filepaths()]
            ['/data/a.png', '/data/b.tif']
            >>> list(img.iter_image_filepaths(with_bundle=False))
            ['a.png', 'b.tif']
        """
        import ubelt as ub
        dpath = self.bundle_dpath
        if with_bundle and dpath is None:
            from xcoco.errors import FilePathError
            raise FilePathError(
                f"CocoImage(id={self.img.get('id')}): no bundle_dpath to "
                'prefix; attach a dataset or pass with_bundle=False')
        for obj in self.iter_asset_objs():
            fname = obj.get('file_name', None)
            if fname is None:
                continue
            yield ub.Path(dpath) / fname if with_bundle else fname

    def image_filepath(self) -> ub.Path:
        """
        Path of the base image's own file (not its assets).

        Example:
            >>> img = CocoImage({'file_name': 'a.png'})
            >>> img.bundle_dpath = '/b'
            >>> str(img.image_filepath())
            '/b/a.png'
        """
        return self._filepath()

    def primary_image_filepath(self, requires: Iterable[str] | None = None) -> ub.Path:
        """
        Path of the :meth:`primary_asset`.

        Example:
            >>> img = CocoImage({'auxiliary': [{'file_name': 'x.tif'}]})
            >>> img.bundle_dpath = '/b'
            >>> str(img.primary_image_filepath())
            '/b/x.tif'
        """
        import ubelt as ub
        primary = self.primary_asset(requires=requires)
        if primary is None:
            from xcoco.errors import FilePathError
            raise FilePathError(
                f"image id={self.img.get('id')}: no asset has a file "
                f'(requires={requires!r})')
        return ub.Path(self.bundle_dpath or '') / primary['file_name']

    def primary_asset(self, requires: Iterable[str] | None = None,
                      as_dict: bool = True) -> JsonDict | CocoImage | CocoAsset | None:
        """
        The "main" asset: the base image when it has a file; else the asset
        whose warp to image space is closest to identity, ties broken by the
        largest area, then by order.

        Args:
            requires (List[str] | None): keys a candidate must have
            as_dict (bool): return the dict (True) or a CocoImage / CocoAsset

        Example:
            >>> self = CocoImage({'auxiliary': [
            ...     {'file_name': '1'}, {'file_name': '2', 'width': 3, 'height': 3},
            ...     {'file_name': '3', 'warp_aux_to_img': {'scale': 2}}]})
            >>> self.primary_asset()['file_name']
            '2'
            >>> self.primary_asset(requires=['warp_aux_to_img'])['file_name']
            '3'
            >>> newer = CocoImage({'assets': [
            ...     {'file_name': 'coarse', 'warp_img_from_asset': {'scale': 4}},
            ...     {'file_name': 'fine', 'warp_img_from_asset': {'scale': 1}}]})
            >>> newer.primary_asset(requires=['warp_aux_to_img'])['file_name']
            'fine'
        """
        from xcoco.imdata.assets import primary_asset_obj
        best = primary_asset_obj(self.img, requires)
        if best is None or as_dict:
            return best
        if best is self.img:
            return self
        return CocoAsset(best, bundle_dpath=self.bundle_dpath)

    def _asset_list(self):
        from xcoco.manifest.assets import iter_assets
        return list(iter_assets(self.img))

    def find_asset_obj(self, channels: str | FusedChannelSpec) -> JsonDict | None:
        """
        The first asset dict holding any of ``channels``, or None.

        Example:
            >>> img = CocoImage({'width': 8, 'height': 8})
            >>> img.add_asset('rgb.png', channels='red|green|blue', width=4, height=4)
            >>> img.find_asset_obj('green')['file_name'], img.find_asset_obj('r')
            ('rgb.png', None)
        """
        from xcoco.imdata.channels import find_asset_obj
        return find_asset_obj(self.img, channels)

    def find_asset(self, channels: str | FusedChannelSpec) -> CocoImage | CocoAsset | None:
        """
        Like :meth:`find_asset_obj` but returns ``self`` or a CocoAsset.

        Example:
            >>> img = CocoImage({'file_name': 'a.png', 'channels': 'r|g|b',
            ...                  'assets': [{'file_name': 'd.png', 'channels': 'depth'}]})
            >>> img.find_asset('g') is img, img.find_asset('depth')['file_name']
            (True, 'd.png')
        """
        obj = self.find_asset_obj(channels)
        if obj is None:
            return None
        if obj is self.img:
            return self
        return CocoAsset(obj, bundle_dpath=self.bundle_dpath)

    def _assets_key(self):
        # append to the list the image already has, in its own spelling
        from xcoco.manifest.assets import ASSET_KEYS
        return next((key for key in ASSET_KEYS if key in self.img), ASSET_KEYS[0])

    def add_asset(self, file_name: StrPath | None = None,
                  channels: str | FusedChannelSpec | None = None,
                  imdata: np.ndarray | None = None, warp_aux_to_img: Any = None,
                  width: int | None = None, height: int | None = None,
                  imwrite: bool = False, image_id: Id | None = None, **kw: Any) -> None:
        """
        Append an asset to this image, in memory (``imdata``) or on disk
        (``file_name``; with ``imwrite=True`` the data is also written there).

        Args:
            file_name (str | PathLike | None): path relative to the bundle
            channels (str | FusedChannelSpec | None): what the bands are
            imdata (ndarray | None): the pixels (kept in the dict unless imwrite)
            warp_aux_to_img (TransformSpec | None): asset -> image transform;
                by default the scale that stretches the asset onto the image
            width, height (int | None): asset size (inferred from imdata)
            imwrite (bool): write imdata to bundle_dpath / file_name
            **kw: extra keys stored in the asset

        Example:
            >>> import numpy as np
            >>> img = CocoImage({'id': 1, 'width': 64, 'height': 64})
            >>> img.add_asset(imdata=np.zeros((32, 32, 2)), channels='a|b')
            >>> obj = img.img['auxiliary'][0]
            >>> obj['warp_aux_to_img'], obj['width'], obj['channels']
            ({'scale': 2.0, 'type': 'affine'}, 32, 'a|b')
        """
        from xcoco.imdata.assets import build_asset, write_asset
        obj = build_asset(self.img, file_name=file_name, channels=channels,
                          imdata=imdata, warp_aux_to_img=warp_aux_to_img,
                          width=width, height=height, image_id=image_id, **kw)
        if imdata is not None:
            if imwrite:
                write_asset(self.bundle_dpath, obj, imdata, self.img.get('id'))
            else:
                obj['imdata'] = imdata
        key = self._assets_key()
        if self.img.get(key, None) is None:
            self.img[key] = []
        self.img[key].append(obj)
        if self.dset is not None:
            self.dset.index.note_edit()

    # kwcoco's older names for the same methods.
    add_auxiliary_item = add_asset

    # ---- loading --------------------------------------------------------------
    def imdelay(self, channels: str | FusedChannelSpec | None = None, space: str = 'image',
                resolution: str | float | None = None, bundle_dpath: StrPath | None = None,
                interpolation: str = 'linear', antialias: bool = True,
                nodata_method: str | None = None,
                RESOLUTION_KEY: str | Sequence[str] | None = None,
                ) -> DelayedImage | DelayedChannelConcat:
        """
        A delayed (lazy) load of this image: nothing is read until
        ``.finalize()``, and crops / downscales of the result read only the
        tiles / overview they need.

        Args:
            channels (str | FusedChannelSpec | None): channels to load, in
                order; missing ones come back as NaN.  All if None.
            space (str): 'image', 'video', or 'asset' (all requested
                channels must then come from assets of one size)
            resolution (str | float | None): e.g. '10 meter' or 3.1, relative
                to the registered 'resolution' of the image / video
            bundle_dpath (str | None): override the dataset's bundle
            interpolation (str): 'linear', 'nearest', 'cubic', 'area'...
            antialias (bool): blur before downsampling
            nodata_method (str | None): None (raw), 'float' (nodata -> NaN)
                or 'ma' (masked array)

        Returns:
            DelayedImage | DelayedChannelConcat

        Example:
            >>> import numpy as np
            >>> img = CocoImage({'id': 1, 'width': 4, 'height': 4})
            >>> img.add_asset(imdata=np.full((2, 2, 1), 5.0), channels='x')
            >>> img.imdelay('x').finalize().shape
            (4, 4, 1)
        """
        from xcoco.imdata.delayed import imdelay
        from xcoco.imdata.handles import handle_cache_for
        if bundle_dpath is None:
            bundle_dpath = self.bundle_dpath
        # Open files are kept by the dataset (or by a detached image itself),
        # so repeated crops reuse them and they close when it is freed.
        owner = self if self.dset is None else self.dset
        return imdelay(self.img, video=self.video, bundle_dpath=bundle_dpath,
                       channels=channels, space=space, resolution=resolution,
                       interpolation=interpolation, antialias=antialias,
                       nodata_method=nodata_method,
                       resolution_keys=RESOLUTION_KEY,
                       handles=handle_cache_for(owner))

    delay = imdelay

    # ---- geometry ---------------------------------------------------------------
    @property
    def warp_vid_from_img(self) -> kwimage.Affine:
        """
        The image -> video ``kwimage.Affine`` ('warp_img_to_vid').

        Example:
            >>> CocoImage({'warp_img_to_vid': {'scale': 2}}).warp_vid_from_img.matrix.tolist()
            [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]
        """
        from xcoco.imdata.spaces import warp_vid_from_img
        return warp_vid_from_img(self.img)

    @property
    def warp_img_from_vid(self) -> kwimage.Affine:
        """
        The video -> image ``kwimage.Affine``.

        Example:
            >>> CocoImage({'warp_img_to_vid': {'scale': 2}}).warp_img_from_vid.matrix.tolist()
            [[0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 1.0]]
        """
        return self.warp_vid_from_img.inv()

    def valid_region(self, space: str = 'image') -> kwimage.MultiPolygon | None:
        """
        The 'valid_region' polygon in image or video space, or None.

        Example:
            >>> img = CocoImage({'valid_region': [[0, 0, 4, 0, 4, 4, 0, 4]],
            ...                  'warp_img_to_vid': {'scale': 2}})
            >>> img.valid_region('video').to_shapely().bounds
            (0.0, 0.0, 8.0, 8.0)
        """
        import kwimage

        from xcoco.imdata.spaces import bad_space_error
        coco_poly = self.img.get('valid_region', None)
        if coco_poly is None:
            return None
        poly = kwimage.MultiPolygon.coerce(coco_poly)
        if poly is None or space == 'image':
            return poly
        if space == 'video':
            return poly.warp(self.warp_vid_from_img)
        raise bad_space_error(space)

    def resolution(self, space: str = 'image', channel: str | FusedChannelSpec | None = None,
                   RESOLUTION_KEY: str | Sequence[str] | None = None) -> dict[str, Any]:
        """
        The resolution of 'image', 'video' or 'asset' space (asset space
        needs ``channel`` to pick the asset).

        Returns:
            dict: ``{'mag': (x, y), 'unit': str | None}``

        Example:
            >>> img = CocoImage({'resolution': '10 meter', 'auxiliary': [
            ...     {'channels': 'B1', 'warp_aux_to_img': {'scale': 6}}]})
            >>> img.resolution()
            {'mag': (10.0, 10.0), 'unit': 'meter'}
            >>> img.resolution('asset', channel='B1')
            {'mag': (60.0, 60.0), 'unit': 'meter'}
        """
        from xcoco.imdata.spaces import space_resolution
        asset = None
        if space in {'asset', 'auxiliary'} and channel is not None:
            asset = self.find_asset_obj(channel)
            if asset is None:
                from xcoco.errors import ChannelError
                raise ChannelError(
                    f"image id={self.img.get('id')}: no asset has channel "
                    f'{channel!r} (channels: {self.channels})')
        return space_resolution(self.img, self.video, space, asset=asset,
                                resolution_keys=RESOLUTION_KEY)

    def _scalefactor_for_resolution(self, space, resolution, channel=None,
                                    RESOLUTION_KEY=None):
        from xcoco.imdata.spaces import scalefactor_for_resolution
        if resolution is None:
            return (1.0, 1.0)
        info = self.resolution(space, channel=channel,
                               RESOLUTION_KEY=RESOLUTION_KEY)
        return scalefactor_for_resolution(info, resolution)

    def _warp_for_resolution(self, space, resolution=None):
        import kwimage

        from xcoco.imdata.spaces import bad_space_error
        if space == 'image':
            warp = kwimage.Affine.eye()
        elif space == 'video':
            warp = self.warp_vid_from_img
        else:
            raise bad_space_error(space)
        scale = self._scalefactor_for_resolution(space, resolution)
        return kwimage.Affine.scale(scale) @ warp

    def _annot_segmentations(self, anns, space='video', resolution=None):
        import kwimage
        warp = self._warp_for_resolution(space, resolution)
        return [kwimage.MultiPolygon.coerce(ann['segmentation']).warp(warp)
                for ann in anns]

    def _annot_segmentation(self, ann, space='video', resolution=None):
        return self._annot_segmentations([ann], space, resolution)[0]

    def _detections_for_resolution(self, space='video', resolution=None,
                                   aids=None, RESOLUTION_KEY=None):
        import kwimage
        import numpy as np
        scale = self._scalefactor_for_resolution(
            space, resolution, RESOLUTION_KEY=RESOLUTION_KEY)
        warp = kwimage.Affine.scale(scale)
        if space == 'video':
            warp = warp @ self.warp_vid_from_img
        annots = self.annots() if aids is None else self.dset.annots(aids)
        dets = annots.detections.warp(warp)
        dets.data['aids'] = np.array(list(annots))
        return dets

    # ---- visualization -------------------------------------------------------
    def draw(self, channels: str | FusedChannelSpec | None = None, draw_annots: bool = True,
             **kwargs: Any) -> np.ndarray:
        """
        Render the image (first three channels, or r|g|b) with its
        annotations as a uint8 RGB array.

        Example:
            >>> import numpy as np
            >>> img = CocoImage({'id': 1, 'width': 8, 'height': 8})
            >>> img.add_asset(imdata=np.random.rand(8, 8, 1), channels='gray')
            >>> img.draw(draw_annots=False).shape
            (8, 8, 3)
        """
        from xcoco.imdata.draw import draw_image
        return draw_image(self, channels=channels, draw_annots=draw_annots,
                          **kwargs)

    def show(self, **kwargs: Any) -> Any:
        """
        Show :meth:`draw` with matplotlib (needs matplotlib; kwplot if present).

        Example:
            >>> # xdoctest: +REQUIRES(module:matplotlib)
            >>> # xdoctest: +REQUIRES(--show)
            >>> import numpy as np
            >>> img = CocoImage({'id': 1, 'width': 8, 'height': 8})
            >>> img.add_asset(imdata=np.random.rand(8, 8, 3), channels='r|g|b')
            >>> img.show()
        """
        from xcoco.imdata.draw import show_image
        return show_image(self, **kwargs)

