"""
``xcoco subset``: write the part of a dataset chosen by image ids,
categories, videos, channels and / or a query.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_subset import CocoSubsetCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'even.kwcoco.json'
    >>> CocoSubsetCLI.main(argv=['special:shapes8', str(dst), '--select_images', '.id % 2 == 0', '--quiet'])
    0
    >>> sorted(xcoco.CocoDataset(dst).imgs)
    [2, 4, 6, 8]
"""
from __future__ import annotations

import os
import shutil
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_dataset, note, progress, write_dataset
from xcoco.errors import UsageError

__all__ = ['CocoSubsetCLI', 'query_subset']


class CocoSubsetCLI(VerbCLI):
    """
    Take a subset of a dataset and write it to a new file.

    Filters combine (an image must pass all of them): --gids keeps those
    image ids; --include_categories keeps images with an annotation of
    those categories; --select_images / --select_videos take a list of ids
    or a query in a safe subset of jq (the body of
    '.images[] | select(QUERY)'), e.g. '.id < 3', '.file_name | test("png$")',
    '.name | startswith("toy")', '.width >= 512 and .height >= 512',
    '.myattr | in({"a": 1, "b": 1})'; --channels keeps images that have all
    the given channels.  Annotations, videos and tracks of the kept images
    come along; all categories are kept.

    Example:
        >>> config = CocoSubsetCLI.cli(argv=['in.json', 'out.json', '--gids=1,2'])
        >>> config.dst, config.gids
        ('out.json', [1, 2])
    """

    __command__ = 'subset'
    __examples__ = [
        'xcoco subset --src special:shapes8 --dst=foo.kwcoco.json',
        "xcoco subset --src special:shapes8 --dst=foo-even.kwcoco.json --select_images '.id % 2 == 0'",
        "xcoco subset --src special:vidshapes2 --dst=vidsub.kwcoco.json --select_videos '.name | endswith(\"1\")'",
        'xcoco subset special:shapes8 some.kwcoco.json --gids=1,2,3 --include_categories=star',
    ]

    src = Value(None, position=1, help='input dataset path')
    dst = Value(None, position=2, help='output dataset path')
    include_categories = Value(None, kind='list', item='str',
                               help='comma separated category names: keep images that contain any of them')
    gids = Value(None, kind='list', item='int', alias=['image_ids'],
                 help='comma separated image ids to keep')
    select_images = Value(None, help='a list of image ids, or a query (see above) over image dicts')
    select_videos = Value(None, help='a list of video ids, or a query (see above) over video dicts')
    channels = Value(None, help='keep images that have all these channels (e.g. "r|g|b")')
    copy_assets = Value(False, kind='bool', help='copy the kept images\' files next to the output')
    allow_escape = Value(False, kind='bool',
                         help='with --copy_assets: also copy files whose names leave the bundle '
                              '(.., absolute) to where their names point from the output '
                              '(absolute names are left in place); refused by default')
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')
    absolute = Value('auto', kind='auto',
                     help='write absolute file names; auto: True when the output is in another '
                          'folder and assets are not copied')

    def run(self) -> int:
        """
        Write the subset; return 0.

        Example:
            >>> import tempfile, ubelt as ub, xcoco
            >>> dst = ub.Path(tempfile.mkdtemp()) / 'sub.json'
            >>> CocoSubsetCLI(src='special:shapes8', dst=dst, gids='1,2', quiet=True).run()
            0
            >>> xcoco.CocoDataset(dst).n_images
            2
        """
        if self.dst is None:
            raise UsageError('must give the output path (--dst or the second positional)')
        dset = load_dataset(self.src, self)
        new_dset = query_subset(dset, self)
        dst = os.fspath(self.dst)
        src_bundle = os.path.abspath(dset.bundle_dpath)
        dst_bundle = os.path.dirname(os.path.abspath(dst))
        absolute = self.absolute
        if absolute == 'auto':
            absolute = (not self.copy_assets) and os.path.realpath(src_bundle) != os.path.realpath(dst_bundle)
        if self.copy_assets:
            _copy_assets(new_dset, dst_bundle, self)
        write_dataset(self, new_dset, dst, inputs=[dset.fpath], absolute=bool(absolute),
                      compress=self.compress)
        note(self, f'kept {new_dset.n_images} of {dset.n_images} images, '
                   f'{new_dset.n_annots} of {dset.n_annots} annotations')
        return 0


def query_subset(dset: Any, config: Any) -> Any:
    """
    The subset of ``dset`` that the configuration's filters choose.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('vidshapes2')
        >>> sub = query_subset(dset, CocoSubsetCLI(select_videos='.name == "toy_video_1"'))
        >>> sub.n_videos, sub.n_images
        (1, 2)
    """
    from xcoco.cli.jsonquery import select_ids
    index = dset.index
    valid = list(index.imgs)
    if config['gids'] is not None:
        wanted = [dset._resolve_id('images', gid) for gid in config['gids']]
        keep = set(wanted)
        valid = [gid for gid in valid if gid in keep]
    if config['include_categories'] is not None:
        cids = [dset._resolve_to_cat(name)['id'] for name in config['include_categories']]
        with_cats = {index.anns[aid]['image_id'] for cid in cids
                     for aid in index.cid_to_aids.get(cid, ())}
        valid = [gid for gid in valid if gid in with_cats]
    if config['select_images'] is not None:
        chosen = set(select_ids(index.imgs.values(), config['select_images']))
        valid = [gid for gid in valid if gid in chosen]
    if config['select_videos'] is not None:
        vidids = set(select_ids(index.videos.values(), config['select_videos']))
        valid = [gid for gid in valid if index.imgs[gid].get('video_id') in vidids]
    if config['channels'] is not None:
        valid = [gid for gid in valid if _has_channels(dset.coco_image(gid), config['channels'])]
    return dset.subset(sorted(valid))


def _has_channels(coco_img, wanted):
    from delayed_image.channel_spec import FusedChannelSpec
    have = coco_img.channels
    if have is None:
        return False
    have_names = set(have.fuse().as_list())
    return set(FusedChannelSpec.coerce(wanted).as_list()) <= have_names


def _copy_assets(new_dset, dst_bundle, config):
    """
    Copy the files of the kept images under the output's folder.  Every
    source and destination is checked before the first copy, so a refusal
    (:class:`~xcoco.errors.PathEscapeError`) copies nothing: names that
    leave the bundle need --allow_escape, and a destination that a symbolic
    link would redirect out of the output folder is always refused.
    """
    from xcoco.errors import FilePathError
    from xcoco.manifest.assets import iter_asset_objs
    from xcoco.manifest.escape import check_write_target, escape_reason, refuse_escaping_files
    old_bundle = os.path.abspath(new_dset.bundle_dpath)
    images = list(new_dset.index.imgs.values())
    allow = bool(config['allow_escape'])
    refuse_escaping_files(images, old_bundle, 'copy assets', allow_escape=allow)
    jobs, renames = [], []
    for img in images:
        for obj in iter_asset_objs(img):
            name = obj.get('file_name')
            if name is None:
                continue
            if not isinstance(name, str):
                raise FilePathError(f'image id={img["id"]!r} field {_field_of(img, obj)!r}: '
                                    f'file_name must be a string, got {type(name).__name__}')
            if '://' in name:
                raise UsageError(f'--copy_assets copies local files only; image '
                                 f'id={img["id"]} has {name!r}')
            if os.path.isabs(name):
                if escape_reason(name, old_bundle) is not None:
                    continue  # allowed outside: left in place, the absolute name still resolves
                # inside the bundle: copied, and named relative to the output
                rel = os.path.relpath(name, old_bundle)
                renames.append((obj, rel))
            else:
                rel = name
            dst = os.path.join(dst_bundle, rel)
            if not allow:
                check_write_target(dst, dst_bundle, 'copy assets', image_id=img['id'],
                                   field=_field_of(img, obj))
            jobs.append((os.path.join(old_bundle, name), dst))
    for src, dst in progress(jobs, config, 'copy assets'):
        if os.path.realpath(src) == os.path.realpath(dst):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for obj, rel in renames:
        obj['file_name'] = rel
    if renames:
        if new_dset.index.is_built:
            new_dset.index.refresh_lookup('file_name_to_img')
        new_dset.index.note_edit()
    new_dset.bundle_dpath = dst_bundle


def _field_of(img, obj):
    """Where in the image dict ``obj`` (the image or one of its assets) sits."""
    if obj is img:
        return 'file_name'
    from xcoco.manifest.assets import iter_asset_entries
    for key, pos, asset in iter_asset_entries(img):
        if asset is obj:
            return f'{key}/{pos}/file_name'
    return 'file_name'


# kwcoco's module-level names for the verb
__cli__ = CocoSubsetCLI
_CLI = CocoSubsetCLI
main = CocoSubsetCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
