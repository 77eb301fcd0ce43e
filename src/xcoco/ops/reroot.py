"""
Rewriting file names when a bundle moves or its files are relocated.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from xcoco.errors import RerootError
from xcoco.manifest.assets import iter_file_objs
from xcoco.manifest.locate import rebase_file_name

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset
    from xcoco.types import StrPath

__all__ = ['RerootError', 'reroot', 'update_fpath']


def reroot(dset: CocoDataset, new_root: StrPath | None = None, old_prefix: str | None = None,
           new_prefix: str | None = None, absolute: bool = False, check: bool = True,
           safe: bool = True, verbose: int = 0) -> None:
    """
    Rewrite every image and asset file name.

    Steps, for each name: (1) if it starts with ``old_prefix`` that prefix
    becomes ``new_prefix``; (2) it is resolved against the current bundle
    folder; (3) it is written relative to ``new_root`` (default: the
    current bundle folder), or as an absolute path if ``absolute``.  Then
    ``bundle_dpath`` becomes ``new_root``.

    Args:
        check (bool): refuse (raise :class:`RerootError`) when a file that
            resolves now would not resolve afterwards.
        safe (bool): compute every new name before changing any, so a
            refused reroot leaves the dataset untouched.  (Always on: the
            flag is accepted for kwcoco compatibility.)

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/old/bundle')
        >>> gid = dset.add_image('imgs/a.png')
        >>> reroot(dset, new_root='/old', check=False)
        >>> dset.imgs[gid]['file_name'], dset.bundle_dpath
        ('bundle/imgs/a.png', '/old')
        >>> reroot(dset, old_prefix='bundle/', new_prefix='moved/', check=False)
        >>> dset.imgs[gid]['file_name']
        'moved/imgs/a.png'
    """
    old_bundle = dset.bundle_dpath
    target_bundle = os.fspath(new_root) if new_root is not None else old_bundle
    changes = []
    broken = []
    for img in dset.index.imgs.values():
        for obj in iter_file_objs(img):
            name = obj['file_name']
            new_name = name
            if old_prefix is not None and new_name.startswith(old_prefix):
                new_name = (new_prefix or '') + new_name[len(old_prefix):]
            new_name = rebase_file_name(new_name, old_bundle, target_bundle,
                                        absolute=absolute)
            if check and '://' not in name:
                was = os.path.exists(os.path.join(old_bundle, name))
                now = os.path.exists(os.path.join(target_bundle, new_name))
                if was and not now:
                    broken.append((img['id'], name, new_name))
            if new_name != name:
                changes.append((obj, new_name))
    if broken:
        gid, name, new_name = broken[0]
        raise RerootError(
            f'reroot would lose {len(broken)} existing file(s); e.g. image '
            f'id={gid!r}: {name!r} exists under {old_bundle!r} but '
            f'{new_name!r} does not exist under {target_bundle!r} '
            f'(pass check=False to reroot anyway)')
    for obj, new_name in changes:
        obj['file_name'] = new_name
    # file_name_to_img is keyed by the names just rewritten
    index = dset.index
    if changes and index.is_built:
        index.refresh_lookup('file_name_to_img')
    dset.bundle_dpath = target_bundle
    index.note_edit()
    if verbose:
        print(f'rerooted {len(changes)} file names to {target_bundle}')


def update_fpath(dset: CocoDataset, new_fpath: StrPath | None) -> None:
    """
    Point the dataset at a new manifest path; when that moves it to
    another folder, file names are rerooted so they still resolve
    (kwcoco's ``_update_fpath``).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/data/a')
        >>> gid = dset.add_image('imgs/x.png')
        >>> dset._update_fpath('/data/b/out.kwcoco.json')
        >>> dset.bundle_dpath, dset.imgs[gid]['file_name']
        ('/data/b', '../a/imgs/x.png')
    """
    if new_fpath is None:
        dset.fpath = None
        return
    new_bundle = os.path.dirname(os.path.abspath(os.fspath(new_fpath)))
    if os.path.abspath(dset.bundle_dpath) != new_bundle:
        reroot(dset, new_root=new_bundle, check=False)
    dset.fpath = new_fpath
