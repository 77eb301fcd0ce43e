"""
Fetching image files named by ``coco_url`` (or ``url``) fields, as
pycocotools' ``COCO.download`` and kwcoco's ``CocoDataset.download`` do.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from xcoco.types import Id, StrPath

if TYPE_CHECKING:
    from xcoco.query import Queryable

__all__ = ['download']


def download(dset: Queryable, dpath: StrPath | None = None,
             image_ids: Id | Iterable[Id] | None = None, overwrite: bool = False,
             verbose: int = 1, allow_escape: bool = False) -> list[str]:
    """
    Download each image's ``coco_url`` (or ``url``) to ``dpath / file_name``
    (``dpath`` defaults to the bundle folder); existing files are kept
    unless ``overwrite``.  Returns the local paths, in image order.  Unlike
    kwcoco, a ``file_name`` that would land outside ``dpath`` (absolute,
    climbing with ``..``, or through a symbolic link leading out) is refused
    with :class:`~xcoco.errors.PathEscapeError` before anything is fetched,
    unless ``allow_escape=True``; each file is written atomically.

    Example:
        >>> import tempfile, pathlib, xcoco
        >>> import ubelt as ub
        >>> src = ub.Path(tempfile.mkdtemp()) / 'remote.png'
        >>> _ = src.write_bytes(b'not really a png')
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('imgs/a.png', coco_url=pathlib.Path(src).as_uri())
        >>> dst = ub.Path(tempfile.mkdtemp())
        >>> paths = dset.download(dpath=dst, verbose=0)
        >>> ub.Path(paths[0]).read_bytes()
        b'not really a png'
    """
    import urllib.request

    from xcoco.errors import FilePathError
    from xcoco.manifest.escape import check_write_target, refuse_escaping_files
    from xcoco.manifest.io import atomic_write
    root = os.path.abspath(os.fspath(dpath) if dpath is not None else dset.bundle_dpath)
    if image_ids is None:
        gids = list(dset.index.imgs)
    elif isinstance(image_ids, (int, str)):
        gids = [dset._resolve_id('images', image_ids)]
    else:
        gids = [dset._resolve_id('images', gid) for gid in image_ids]
    plan = []
    for gid in gids:
        img = dset.index.imgs[gid]
        url = img.get('coco_url') or img.get('url')
        if url is None:
            raise FilePathError(f'image id={gid!r} has no coco_url or url to download from')
        file_name = img.get('file_name') or os.path.basename(url)
        if not isinstance(file_name, str):
            raise FilePathError(f'image id={gid!r}: file_name must be a string, got '
                                f'{type(file_name).__name__}')
        target = os.path.abspath(os.path.join(root, file_name))
        if not allow_escape:
            refuse_escaping_files([{'id': gid, 'file_name': file_name}], root, 'download')
            check_write_target(target, root, 'download', image_id=gid, field='file_name')
        plan.append((gid, url, target))
    paths = []
    for gid, url, target in plan:
        if overwrite or not os.path.exists(target):
            if verbose:
                print(f'downloading {url} -> {target}')
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                with urllib.request.urlopen(url) as response, atomic_write(target, 'wb') as file:
                    while chunk := response.read(1 << 20):
                        file.write(chunk)
            except OSError as ex:
                raise FilePathError(f'image id={gid!r}: cannot download {url}: {ex}') from ex
        paths.append(target)
    return paths
