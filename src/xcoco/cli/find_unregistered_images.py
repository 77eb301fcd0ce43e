"""
``xcoco find_unregistered_images``: image files in a bundle that no
manifest registers; list them or delete them.

Example:
    >>> import tempfile, ubelt as ub, xcoco, contextlib, io
    >>> from xcoco.cli.find_unregistered_images import FindUnregisteredImagesCLI
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> dset = xcoco.CocoDataset.demo('shapes2', fpath=dpath / 'data.kwcoco.json')
    >>> _ = (dpath / 'stray.png').write_bytes(b'not really')
    >>> out = io.StringIO()
    >>> with contextlib.redirect_stdout(out):
    ...     status = FindUnregisteredImagesCLI.main(argv=[dset.fpath, '--action', 'list', '--quiet'])
    >>> status, out.getvalue() == str(dpath / 'stray.png') + '\\n'
    (0, True)
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_datasets, note, print_json
from xcoco.errors import UsageError

__all__ = ['FindUnregisteredImagesCLI', 'find_unregistered_images']


class FindUnregisteredImagesCLI(VerbCLI):
    """
    Find images in a kwcoco bundle that are not registered in a kwcoco file.

    All manifests that register files in the bundle must be given.  The
    files are printed one per line (stdout), then --action decides:
    'list' stops there, 'delete' removes them (and folders left empty),
    'ask' asks on a terminal (and lists otherwise).

    Example:
        >>> config = FindUnregisteredImagesCLI.cli(argv=['a.json', '--action', 'list'])
        >>> config.src, config.action
        (['a.json'], 'list')
    """

    __command__ = 'find_unregistered_images'
    __examples__ = [
        'xcoco toydata shapes8 --dst toy/data.kwcoco.json',
        'xcoco find_unregistered_images toy/data.kwcoco.json --action list',
    ]

    src = Value([], kind='list', item='str', split=False, nargs='+', position=1,
                help='all kwcoco files that register data in this bundle')
    image_dpath = Value(None, help='folder to search (default: the bundle folder of the files)')
    action = Value('ask', choices=['ask', 'delete', 'list'], help='what to do with the files found')
    io_workers = Value(0, kind='auto', help='accepted for kwcoco')
    verbose = Value(1, kind='int', help='0: print only the paths')
    format = Value('human', choices=['human', 'json'],
                   help='json: {"unregistered": [...], "missing": [...]} (xcoco)')

    def run(self) -> int:
        """
        Find, report and act; return 0.

        Example:
            >>> try:
            ...     FindUnregisteredImagesCLI(src=[]).run()
            ... except Exception as ex:
            ...     print(ex)
            no input dataset given (use --src or positional paths)
        """
        datasets = load_datasets(self.src, self)
        if self.image_dpath is not None:
            dpaths = [os.path.abspath(os.fspath(self.image_dpath))]
        else:
            dpaths = sorted({os.path.abspath(d.bundle_dpath) for d in datasets})
        found = find_unregistered_images(datasets, dpaths)
        unregistered = found['unregistered']
        if self.format == 'json':
            print_json(found)
        else:
            for fpath in unregistered:
                print(fpath)
            sys.stdout.flush()
            if self.verbose:
                note(self, f'{len(unregistered)} unregistered, {len(found["registered"])} '
                           f'registered, {len(found["missing"])} registered but missing files '
                           f'under {", ".join(dpaths)}')
        action = self.action
        if action == 'ask' and unregistered:
            if sys.stdin.isatty() and sys.stderr.isatty():
                answer = input(f'Delete these {len(unregistered)} unregistered files? [y/N] ')
                action = 'delete' if answer.strip().lower() in {'y', 'yes'} else 'list'
            else:
                note(self, 'not deleting (no terminal to ask; pass --action delete)')
                action = 'list'
        if action == 'delete' and unregistered:
            for fpath in unregistered:
                os.remove(fpath)
            for dpath in dpaths:
                _remove_empty_dirs(dpath)
            note(self, f'deleted {len(unregistered)} files')
        return 0


def _walk_images(dpath):
    from kwimage import im_io
    exts = tuple(im_io.IMAGE_EXTENSIONS)
    for root, _, files in os.walk(dpath):
        for fname in files:
            if fname.lower().endswith(exts):
                yield os.path.join(root, fname)


def find_unregistered_images(datasets: Sequence[Any], image_dpaths: Sequence[str]) -> dict[str, list]:
    """
    Image files under ``image_dpaths`` compared with the files the
    datasets register: ``registered``, ``existing``, ``missing``
    (registered, not on disk) and ``unregistered`` (on disk, not
    registered), as sorted absolute paths.

    Example:
        >>> import tempfile, ubelt as ub, xcoco
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> dset = xcoco.CocoDataset.demo('shapes1', fpath=dpath / 'data.kwcoco.json')
        >>> found = find_unregistered_images([dset], [str(dpath)])
        >>> len(found['registered']), found['unregistered'], found['missing']
        (1, [], [])
    """
    registered = set()
    for dset in datasets:
        for gid in dset.index.imgs:
            for fpath in dset.coco_image(gid).iter_image_filepaths():
                registered.add(os.path.abspath(os.fspath(fpath)))
    existing = set()
    for dpath in image_dpaths:
        if not os.path.isdir(dpath):
            raise UsageError(f'image folder {dpath!r} does not exist')
        existing.update(os.path.abspath(p) for p in _walk_images(dpath))
    return {'registered': sorted(registered), 'existing': sorted(existing),
            'missing': sorted(p for p in registered if not os.path.exists(p)),
            'unregistered': sorted(existing - registered)}


def _remove_empty_dirs(dpath):
    for root, _, _ in sorted(os.walk(dpath), key=lambda item: -len(item[0])):
        if root != dpath and not os.listdir(root):
            os.rmdir(root)


# kwcoco's module-level names for the verb
__cli__ = FindUnregisteredImagesCLI
_CLI = FindUnregisteredImagesCLI
main = FindUnregisteredImagesCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
