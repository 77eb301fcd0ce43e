"""
Ways to make datasets from other things, under kwcoco's names: lists of
image paths, class-per-folder trees, several manifests at once (in
parallel), and a random toy video.  Bound as :class:`xcoco.CocoDataset`
class methods, so ``cls`` is the class asked for.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from xcoco.manifest.escape import refuse_special_file
from xcoco.types import StrPath

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset

__all__ = ['coerce_multiple', 'from_class_image_paths', 'from_coco_paths',
           'from_image_paths', 'load_multiple', 'random_dataset']

_IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.gif', '.webp',
               '.jp2', '.ppm', '.pgm', '.ntf', '.nitf', '.vrt')


def from_image_paths(cls: type[CocoDataset], gpaths: Iterable[StrPath],
                     bundle_dpath: StrPath | None = None,
                     img_root: StrPath | None = None) -> CocoDataset:
    """
    A dataset with one image per path (no annotations).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.from_image_paths(['a.png', 'b/c.png'])
        >>> [img['file_name'] for img in dset.dataset['images']]
        ['a.png', 'b/c.png']
    """
    dset = cls(bundle_dpath=bundle_dpath, img_root=img_root)
    dset.add_images([{'file_name': os.fspath(gpath)} for gpath in gpaths])
    return dset


def from_class_image_paths(cls: type[CocoDataset], root: StrPath) -> CocoDataset:
    """
    A classification dataset from ``root/<class name>/<image files>``: one
    category per folder (sorted), one image per image file with its size,
    and one annotation per image naming its class.  Files that are not
    images (by extension) are skipped.

    Example:
        >>> import tempfile, numpy as np, kwimage, xcoco
        >>> import ubelt as ub
        >>> root = ub.Path(tempfile.mkdtemp())
        >>> for rel in ['cat/1.png', 'cat/2.png', 'dog/3.png']:
        ...     _ = kwimage.imwrite((root / rel).parent.ensuredir() / (root / rel).name,
        ...                         np.zeros((4, 6, 3), np.uint8))
        >>> _ = (root / 'dog' / 'notes.txt').write_text('not an image')
        >>> dset = xcoco.CocoDataset.from_class_image_paths(root)
        >>> dset.category_annotation_frequency(), dset.imgs[1]['width']
        ({'dog': 1, 'cat': 2}, 6)
    """
    import kwimage

    from xcoco.errors import FilePathError
    root = os.fspath(root)
    if not os.path.isdir(root):
        raise FilePathError(f'from_class_image_paths: {root!r} is not a folder')
    dset = cls(bundle_dpath=root)
    for class_name in sorted(os.listdir(root)):
        class_dpath = os.path.join(root, class_name)
        if not os.path.isdir(class_dpath):
            continue
        cid = dset.add_category(class_name)
        for dirpath, dirnames, fnames in os.walk(class_dpath):
            dirnames.sort()
            for fname in sorted(fnames):
                if not fname.lower().endswith(_IMAGE_EXTS):
                    continue
                fpath = os.path.join(dirpath, fname)
                refuse_special_file(fpath)
                h, w = kwimage.load_image_shape(fpath)[0:2]
                gid = dset.add_image(os.path.relpath(fpath, root), width=w, height=h)
                dset.add_annotation(gid, cid)
    return dset


def _load_one(args):
    cls, data, postprocess, kwargs = args
    dset = cls.coerce(data, **kwargs)
    if postprocess is not None:
        dset = postprocess(dset)
    return dset


def coerce_multiple(cls: type[CocoDataset], datas: Iterable[Any], workers: int | str = 0,
                    mode: str = 'process', verbose: int = 0,
                    postprocess: Callable[[CocoDataset], Any] | None = None,
                    ordered: bool = True, **kwargs: Any) -> Iterator[CocoDataset]:
    """
    Yield a dataset for each coercible (path, dict, dataset, or
    ``'special:<demo key>'``), loaded by ``workers`` threads or processes
    (``mode`` ``'thread'``, ``'process'`` or ``'serial'``); ``postprocess``
    runs in the worker; ``ordered=False`` yields as loads finish.

    Example:
        >>> import xcoco
        >>> fpaths = [xcoco.CocoDataset.demo(k).fpath for k in ['shapes1', 'shapes2']]
        >>> dsets = list(xcoco.CocoDataset.coerce_multiple(fpaths, workers=2, mode='thread'))
        >>> [d.n_images for d in dsets], [d.fpath for d in dsets] == fpaths
        ([1, 2], True)
    """
    import ubelt as ub
    if isinstance(workers, str):
        workers = (os.cpu_count() or 1) if workers == 'auto' else int(workers)
    if mode not in ('thread', 'process', 'serial'):
        raise ValueError(f"mode must be 'thread', 'process' or 'serial', not {mode!r}")
    items = list(datas)
    if not workers or mode == 'serial':
        mode, workers = 'serial', 0
    pool = ub.JobPool(mode=mode, max_workers=workers)
    with pool:
        for data in items:
            pool.submit(_load_one, (cls, data, postprocess, kwargs))
        jobs = pool.jobs if ordered else pool.as_completed()
        for count, job in enumerate(jobs, start=1):
            if verbose:
                print(f'loaded {count}/{len(items)}')
            yield job.result()


def load_multiple(cls: type[CocoDataset], fpaths: Iterable[StrPath], workers: int = 0,
                  mode: str = 'process', verbose: int = 1,
                  postprocess: Callable[[CocoDataset], Any] | None = None,
                  ordered: bool = True, **kwargs: Any) -> Iterator[CocoDataset]:
    """
    :func:`coerce_multiple` for manifest paths only (a path that does not
    exist fails before any loading starts).

    Example:
        >>> import xcoco
        >>> fpath = xcoco.CocoDataset.demo('shapes1').fpath
        >>> [d.n_images for d in xcoco.CocoDataset.load_multiple([fpath], verbose=0)]
        [1]
    """
    from xcoco.errors import ManifestNotFoundError
    fpaths = [os.fspath(fpath) for fpath in fpaths]
    for fpath in fpaths:
        if not os.path.isfile(fpath):
            raise ManifestNotFoundError(f'load_multiple: no manifest at {fpath!r}')
    return coerce_multiple(cls, fpaths, workers=workers, mode=mode, verbose=verbose,
                           postprocess=postprocess, ordered=ordered, **kwargs)


def from_coco_paths(cls: type[CocoDataset], fpaths: Iterable[StrPath], max_workers: int = 0,
                    verbose: int = 1, mode: str = 'thread',
                    union: str | bool = 'try') -> CocoDataset | list[CocoDataset]:
    """
    Load several manifests and merge them (``union=True``), return the list
    (``union=False``), or merge and fall back to the list if the merge is
    refused (``'try'``, kwcoco's default).

    Example:
        >>> import xcoco
        >>> fpaths = [xcoco.CocoDataset.demo(k).fpath for k in ['shapes1', 'shapes2']]
        >>> xcoco.CocoDataset.from_coco_paths(fpaths, verbose=0).n_images
        3
    """
    from xcoco.errors import XcocoError
    dsets = list(load_multiple(cls, fpaths, workers=max_workers, mode=mode, verbose=verbose))
    if not union:
        return dsets
    try:
        return cls.union(*dsets)
    except XcocoError:
        if union == 'try':
            return dsets
        raise


def random_dataset(cls: type[CocoDataset], rng: Any = None) -> CocoDataset:
    """
    A random single-video toy dataset (5 frames, 3 tracks), as kwcoco's
    ``CocoDataset.random``; ``rng`` (an int or a random state) seeds it,
    None draws a seed.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.random(rng=0)
        >>> dset.n_videos, dset.n_images, dset.n_tracks
        (1, 5, 3)
    """
    import kwarray
    seed = rng if isinstance(rng, int) else int(kwarray.ensure_rng(rng).randint(2 ** 31))
    return cls.demo('vidshapes1-frames5-tracks3', rng=seed)
