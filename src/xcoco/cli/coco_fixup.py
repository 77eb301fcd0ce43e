"""
``xcoco fixup``: drop the images and assets whose files are missing or
corrupted (and the videos left empty), and write the result.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_fixup import CocoFixup
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> src = dpath / 'src.kwcoco.json'
    >>> dset = xcoco.CocoDataset.demo('shapes3', fpath=dpath / 'bundle' / 'data.kwcoco.json')
    >>> dset.coco_image(2).primary_image_filepath().delete()  # lose one file
    >>> CocoFixup.main(argv=[dset.fpath, str(dpath / 'fixed.json'), '--quiet'])
    0
    >>> sorted(xcoco.CocoDataset(dpath / 'fixed.json').imgs)
    [1, 3]
"""
from __future__ import annotations

import os
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import destination, load_dataset, note, progress, write_dataset
from xcoco.errors import UsageError
from xcoco.manifest.escape import refuse_special_file

__all__ = ['CocoFixup', 'fixup_dataset']


class CocoFixup(VerbCLI):
    """
    Remove missing and corrupted assets, then write the dataset.

    Images left without any file and videos left without frames are
    removed too.  --corrupted_assets=only_shape only reads each file's
    header (quicker than decoding every pixel).

    Example:
        >>> config = CocoFixup.cli(argv=['in.json', '--inplace'])
        >>> config.inplace, config.corrupted_assets
        (True, True)
    """

    __command__ = 'fixup'
    __examples__ = [
        'xcoco toydata shapes8 --dst toy/data.kwcoco.json',
        'xcoco fixup toy/data.kwcoco.json fixed.kwcoco.json',
        'xcoco fixup toy/data.kwcoco.json --inplace --corrupted_assets=only_shape',
    ]

    src = Value(None, position=1, help='path to the input dataset')
    dst = Value(None, position=2, help='path to the output dataset')
    missing_assets = Value(True, kind='bool', help='remove assets whose file does not exist')
    corrupted_assets = Value(True, kind='auto',
                             help="remove assets whose file does not decode; 'only_shape' only "
                                  "reads the header (quicker)")
    inplace = Value(False, kind='bool', help='write over the input when --dst is not given')
    workers = Value(0, kind='int', help='threads decoding files')

    def run(self) -> int:
        """
        Fix and write; return 0.

        Example:
            >>> try:
            ...     CocoFixup(src='special:shapes2').run()
            ... except Exception as ex:
            ...     print(ex)
            must give --dst (or --inplace to write over the input)
        """
        dst = destination(self)
        if self.corrupted_assets not in {True, False, 'only_shape', 'full'}:
            raise UsageError(f"--corrupted_assets: expected True, False or 'only_shape', "
                             f'got {self.corrupted_assets!r}')
        dset = load_dataset(self.src, self)
        summary = fixup_dataset(dset, missing_assets=self.missing_assets,
                                corrupted_assets=self.corrupted_assets,
                                workers=self.workers, config=self)
        write_dataset(self, dset, dst, inputs=[dset.fpath], inplace=self.inplace)
        note(self, 'removed ' + ', '.join(f'{num} {what}' for what, num in summary.items()))
        return 0


def _readable_shape(fpath):
    import kwimage
    try:
        refuse_special_file(fpath)
        kwimage.load_image_shape(fpath)
    except Exception:  # any reader failure means the header is unusable
        return False
    return True


def fixup_dataset(dset: Any, missing_assets: bool = True, corrupted_assets: Any = True,
                  workers: int = 0, config: Any = None) -> dict[str, int]:
    """
    Remove, in place, the assets whose files are missing / corrupted, the
    images left with no file, and the videos left with no frame.

    Returns:
        dict: how many assets, images and videos were removed.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/nonexistent')
        >>> vid = dset.add_video('v')
        >>> _ = dset.add_image('gone.png', video_id=vid, frame_index=0)
        >>> fixup_dataset(dset, corrupted_assets=False)
        {'assets': 0, 'images': 1, 'videos': 1}
    """
    from xcoco.manifest.assets import iter_asset_entries
    bad = set()
    if missing_assets:
        bad |= {os.path.normpath(fpath) for _, fpath, _ in dset.missing_images(check_aux=True)}
    if corrupted_assets == 'only_shape':
        for gid in progress(list(dset.index.imgs), config or {}, 'check file headers'):
            for fpath in dset.coco_image(gid).iter_image_filepaths():
                fpath = os.path.normpath(os.fspath(fpath))
                if fpath not in bad and os.path.exists(fpath) and not _readable_shape(fpath):
                    bad.add(fpath)
    elif corrupted_assets:
        bad |= {os.path.normpath(fpath) for _, fpath, _ in
                dset.corrupted_images(check_aux=True, workers=workers)}

    def is_bad(name):
        return os.path.normpath(os.path.join(dset.bundle_dpath, name)) in bad

    removed_assets = 0
    drop_gids = []
    for gid, img in list(dset.index.imgs.items()):
        own = img.get('file_name', None)
        if own is not None and is_bad(own):
            drop_gids.append(gid)
            continue
        remaining = 0 if own is None else 1
        removed_here = 0
        for key in {key for key, _, _ in iter_asset_entries(img)}:
            kept = [obj for obj in img[key]
                    if not (isinstance(obj, dict) and obj.get('file_name') and is_bad(obj['file_name']))]
            if len(kept) != len(img[key]):
                removed_here += len(img[key]) - len(kept)
                dset.coco_image(gid)[key] = kept
            remaining += len(kept)
        removed_assets += removed_here
        if removed_here and remaining == 0:
            drop_gids.append(gid)
    if drop_gids:
        dset.remove_images(drop_gids)
    index = dset.index
    empty_videos = [vidid for vidid in index.videos if not index.vidid_to_gids.get(vidid)]
    if empty_videos:
        dset.remove_videos(empty_videos)
    return {'assets': removed_assets, 'images': len(drop_gids), 'videos': len(empty_videos)}


# kwcoco's module-level names for the verb
__cli__ = CocoFixup
_CLI = CocoFixup
main = CocoFixup.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
