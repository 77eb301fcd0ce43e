"""
Typed use of xcoco's public API.  tests/test_typing.py type-checks this file
with mypy (``--strict``: every ``assert_type`` must hold exactly, and every
``type: ignore`` must be needed, so a hint that decays to ``Any`` fails) and
also runs it, so each line is true at runtime too.

The classes are imported from their kwcoco-compatible modules:
``xcoco.CocoDataset`` is resolved lazily by the package's ``__getattr__``,
which type checkers see as ``Any`` (see ``typing_toplevel.py``).
"""
from __future__ import annotations

import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import kwimage
import numpy as np
import ubelt as ub
from delayed_image import DelayedChannelConcat, DelayedImage

from xcoco.coco_dataset import CocoDataset
from xcoco.coco_image import CocoAsset, CocoImage
from xcoco.coco_objects1d import AnnotGroups, Annots, Categories, ImageGroups, Images, Tracks, Videos
from xcoco.errors import DuplicateAddError, MissingFieldError, UnknownIdError
from xcoco.types import Id, JsonDict, StrPath

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def build() -> CocoDataset:
    dset = CocoDataset(bundle_dpath=tempfile.mkdtemp())
    assert_type(dset.bundle_dpath, str)
    assert_type(dset.fpath, StrPath | None)
    cid = dset.add_category('cat', supercategory='animal')
    assert_type(cid, Id)
    vid = dset.ensure_video('clip', width=8, height=8)
    tid = dset.add_track('cat_1')
    gids = [dset.add_image(f'{i}.png', video_id=vid, frame_index=i, width=8, height=8)
            for i in range(2)]
    assert_type(gids, list[Id])
    for gid in gids:
        aid = dset.add_annotation(gid, cid, bbox=[1, 1, 2, 2], track_id=tid)
        assert_type(aid, Id)
    assert_type(dset.add_images([{'file_name': 'loose.png', 'width': 8, 'height': 8}]), list[Id])
    return dset


def views(dset: CocoDataset) -> None:
    images = dset.images()
    assert_type(images, Images)
    assert_type(images.gids, list[Id])
    assert_type(images[0], Id)
    assert_type(images[1:], Images)
    assert_type(images.take([0]).compress([True]), Images)
    assert_type(images.lookup('file_name'), list[Any])
    assert_type(images.lookup('width', keepid=True), dict[Id, Any])
    assert_type(images.lookup(['width', 'height']), dict[str, Any])
    assert_type(images.objs[0], JsonDict)
    assert_type(images.peek(), JsonDict)
    assert_type(images.coco_images[0], CocoImage)
    assert_type(images.annots, AnnotGroups)
    assert_type(images.annots[0], Annots)
    assert_type(images.annots[0].cnames, list[str | None])
    assert_type(images.annots.flatten(), Annots)
    assert_type(images.annots.cids, list[list[Id | None]])

    annots = dset.annots(image_id=images[0])
    assert_type(annots, Annots)
    assert_type(annots.boxes, kwimage.Boxes)
    assert_type(annots.images, Images)
    assert_type(annots.category_id, list[Id | None])
    annots.set('score', 0.5)

    assert_type(dset.categories(), Categories)
    assert_type(dset.categories().name, list[str])
    videos = dset.videos()
    assert_type(videos, Videos)
    assert_type(videos.images, ImageGroups)
    assert_type(videos.images[0], Images)
    tracks = dset.tracks()
    assert_type(tracks, Tracks)
    assert_type(tracks.annots[0].aids, list[Id])

    assert_type(dset.imgs, Mapping[Id, JsonDict])
    assert_type(dset.gid_to_aids, Mapping[Id, AbstractSet[Id]])
    assert_type(dset.n_images, int)
    assert_type(dset.basic_stats(), dict[str, int])
    assert_type(dset.missing_images(), list[tuple[int, str, Id]])


def coco_image(dset: CocoDataset) -> None:
    img = dset.coco_image(dset.images()[0])
    assert_type(img, CocoImage)
    assert_type(img.img, JsonDict)
    assert_type(img.dsize, tuple[int | None, int | None])
    assert_type(img.video, JsonDict | None)
    assert_type(img.annots(), Annots)
    assert_type(img.add_annotation(bbox=[0, 0, 1, 1]), Id)
    img.add_asset(imdata=np.zeros((4, 4, 1)), channels='mask')
    delayed = img.imdelay('mask', space='video')
    assert_type(delayed, DelayedImage | DelayedChannelConcat)
    assert delayed.dsize == (8, 8) and delayed.num_channels == 1
    assert_type(img.assets, list[CocoImage | CocoAsset])
    assert_type(img.iter_image_filepaths(), Iterator[ub.Path | str])
    assert_type(img.image_filepath(), ub.Path)
    assert_type(img.warp_vid_from_img, kwimage.Affine)
    assert_type(img.detach(), CocoImage)
    asset = CocoAsset({'file_name': 'b.tif'}, bundle_dpath='/data')
    assert_type(asset.image_filepath(), ub.Path)


def edits(dset: CocoDataset) -> None:
    other = dset.copy()
    assert_type(other, CocoDataset)
    assert_type(other.subset(other.images()[:1]), CocoDataset)
    assert_type(dset.union(other), CocoDataset)
    assert_type(other.remove_annotations(other.annots()[:1]), dict[str, int])
    assert_type(other.remove_images([other.images()[0]]), dict[str, int])
    assert_type(other.hashid, str)
    assert_type(other.dumps(), str)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # 'images' lack names: fine here
        assert_type(other.validate(), dict[str, list[Any]])


def errors(dset: CocoDataset) -> None:
    try:
        dset.add_category('cat')
    except DuplicateAddError as ex:
        assert_type(str(ex), str)
    try:
        dset.coco_image(999)
    except UnknownIdError as ex:
        assert_type(ex.table, str | None)
        assert ex.key == 999
    try:
        dset.images().lookup('no_such_field')
    except MissingFieldError as ex:
        assert_type(ex.field, str | None)
        assert ex.field == 'no_such_field'


def _misuse(dset: CocoDataset) -> None:
    # Never called: mypy must reject each line (the ignores must be needed).
    dset.add_image('a.png', id=1.5)  # type: ignore[arg-type]
    dset.images().gids.append(None)  # type: ignore[arg-type]
    dset.coco_image(1).dsize[0] + 1  # type: ignore[operator]
    dset.remove_images([1])['images'].upper()  # type: ignore[attr-defined]


def main() -> None:
    dset = build()
    views(dset)
    coco_image(dset)
    edits(dset)
    errors(dset)


if __name__ == '__main__':
    main()
