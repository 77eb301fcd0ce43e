"""
``xcoco move`` (``mv``): move a manifest to another place, rewriting its
file names so they still point at the same files.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_move import CocoMove
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> dset = xcoco.CocoDataset.demo('shapes2', fpath=dpath / 'bundle' / 'data.kwcoco.json')
    >>> _ = ub.Path(dset.fpath).copy(dpath / 'bundle' / 'copy.json')
    >>> CocoMove.main(argv=[str(dpath / 'bundle' / 'copy.json'), str(dpath / 'moved' / 'm.json'), '--quiet'])
    0
    >>> (dpath / 'bundle' / 'copy.json').exists(), xcoco.CocoDataset(dpath / 'moved' / 'm.json').imgs[1]['file_name']
    (False, '../bundle/_assets/images/img_00001.png')
"""
from __future__ import annotations

import os

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import note, same_file
from xcoco.errors import UsageError

__all__ = ['CocoMove']


class CocoMove(VerbCLI):
    """
    Move a kwcoco file to a new location while keeping its file names valid.

    The same as a copy, a reroot onto the new folder and a delete of the
    original; the new file is written (atomically) before the old one is
    removed.  A destination that is a folder gets the source's file name.

    Example:
        >>> config = CocoMove.cli(argv=['old.json', 'new/'])
        >>> config.src, config.dst
        ('old.json', 'new/')
    """

    __command__ = 'move'
    __alias__ = ['mv']
    __examples__ = [
        'xcoco toydata shapes8 --dst toy/data.kwcoco.json',
        'xcoco union toy/data.kwcoco.json --dst toy/copy.kwcoco.json',
        'xcoco move toy/copy.kwcoco.json elsewhere/moved.kwcoco.json',
    ]

    src = Value(None, position=1, help='the kwcoco file to move')
    dst = Value(None, position=2, help='new location (a file, or a folder to move into)')
    absolute = Value(False, kind='bool', help='write absolute file names (False: relative)')
    check = Value(True, kind='bool', help='refuse when existing files would be lost')

    def run(self) -> int:
        """
        Move the file; return 0.

        Example:
            >>> try:
            ...     CocoMove(src='special:shapes2', dst='x.json').run()
            ... except Exception as ex:
            ...     print(ex)
            move needs an existing kwcoco file as its source, got 'special:shapes2'
        """
        from xcoco.dataset import CocoDataset
        if self.src is None or self.dst is None:
            raise UsageError('move needs a source and a destination (src dst, or --src / --dst)')
        src = os.fspath(self.src)
        if not os.path.isfile(src):
            raise UsageError(f'move needs an existing kwcoco file as its source, got {src!r}')
        dst = os.fspath(self.dst)
        if os.path.isdir(dst) or dst.endswith(os.sep):
            dst = os.path.join(dst, os.path.basename(src))
        if same_file(src, dst):
            raise UsageError(f'source and destination are the same file ({src!r})')
        dset = CocoDataset(src)
        new_root = os.path.dirname(os.path.abspath(dst))
        os.makedirs(new_root, exist_ok=True)
        dset.reroot(new_root=new_root, absolute=self.absolute, check=self.check)
        dset.fpath = dst
        dset.dump(dst)
        os.remove(src)
        note(self, f'moved {src} -> {dst}')
        return 0


# kwcoco's module-level names for the verb
__cli__ = CocoMove
_CLI = CocoMove
main = CocoMove.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
