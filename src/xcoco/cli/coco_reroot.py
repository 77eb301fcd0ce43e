"""
``xcoco reroot``: rewrite a dataset's file names: swap a prefix, make them
absolute or relative to the output's folder.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_reroot import CocoRerootCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'abs.kwcoco.json'
    >>> CocoRerootCLI.main(argv=['special:shapes2', str(dst), '--absolute', '--quiet'])
    0
    >>> import os
    >>> os.path.isabs(xcoco.CocoDataset(dst).imgs[1]['file_name'])
    True
"""
from __future__ import annotations

import os
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import destination, load_dataset, note, same_file
from xcoco.errors import UsageError

__all__ = ['CocoRerootCLI', 'find_reroot_autofix']


class CocoRerootCLI(VerbCLI):
    """
    Reroot file names onto a new root.

    Each file name first has --old_prefix replaced by --new_prefix, then
    is written relative to the output's folder (or absolute with
    --absolute, the default as in kwcoco).  With --check (default) the
    command refuses when a file that exists now would not be found
    afterwards.  --autofix finds the prefix to strip from absolute names
    written on another machine.

    Example:
        >>> config = CocoRerootCLI.cli(argv=['in.json', 'out.json', '--no-absolute'])
        >>> config.dst, config.absolute
        ('out.json', False)
    """

    __command__ = 'reroot'
    __examples__ = [
        'xcoco reroot --src=special:shapes8 --dst rerooted.json',
        'xcoco reroot --src=special:shapes8 --new_prefix=foo --check=False --dst rerooted2.json',
        'xcoco reroot special:shapes8 relative.json --absolute=False',
    ]

    src = Value(None, position=1, help='input dataset path')
    dst = Value(None, position=2, help='output dataset path')
    new_prefix = Value(None, help='prefix that replaces --old_prefix')
    old_prefix = Value(None, help='prefix to remove from the start of every file name')
    absolute = Value(True, kind='bool', help='write absolute file names (False: relative)')
    check = Value(True, kind='bool', help='refuse when existing files would be lost')
    autofix = Value(False, kind='bool',
                    help='strip the smallest prefix that makes missing absolute names exist')
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')
    inplace = Value(False, kind='bool', help='write over the input when --dst is not given')

    def run(self) -> int:
        """
        Reroot and write; return 0.

        Example:
            >>> try:
            ...     CocoRerootCLI(src='special:shapes2').run()
            ... except Exception as ex:
            ...     print(ex)
            must give --dst (or --inplace to write over the input)
        """
        dst = destination(self)
        dset = load_dataset(self.src, self)
        if not self.inplace and dset.fpath and os.path.exists(dset.fpath) and same_file(dset.fpath, dst):
            raise UsageError(f'refusing to overwrite the input {dset.fpath!r}; give another '
                             f'--dst or pass --inplace')
        old_prefix, new_prefix = self.old_prefix, self.new_prefix
        if self.autofix:
            found = find_reroot_autofix(dset)
            if found is not None:
                old_prefix, new_prefix = found
                note(self, f'autofix: replacing prefix {old_prefix!r} with {new_prefix!r}')
            else:
                note(self, 'autofix: nothing to fix (no missing absolute file names)')
        # kwcoco's prefixes are folders: "a/b" removed from "a/b/c.png"
        # leaves "c.png", and a new prefix "foo" gives "foo/c.png"
        if old_prefix:
            old_prefix = old_prefix.rstrip('/') + '/'
        if new_prefix:
            new_prefix = new_prefix.rstrip('/') + '/'
        if new_prefix is not None and old_prefix is None:
            # a new prefix alone goes in front of every name
            old_prefix = ''
        new_root = os.path.dirname(os.path.abspath(os.fspath(dst)))
        os.makedirs(new_root, exist_ok=True)
        dset.reroot(new_root=new_root, old_prefix=old_prefix, new_prefix=new_prefix,
                    absolute=self.absolute, check=self.check)
        dset.fpath = os.fspath(dst)
        dset.dump(os.fspath(dst), compress=self.compress)
        note(self, f'wrote {dst}')
        return 0


def find_reroot_autofix(dset: Any) -> tuple[str, str] | None:
    """
    For absolute file names that do not exist: the shortest leading part
    to cut so that the rest exists under the bundle, as
    ``(old_prefix, new_prefix)``; None when nothing is missing or no cut
    works.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes1')
        >>> name = dset.imgs[1]['file_name']
        >>> dset.imgs[1]['file_name'] = '/other/machine/data/' + name
        >>> find_reroot_autofix(dset)
        ('/other/machine/data/', '')
    """
    from xcoco.manifest.assets import iter_file_objs
    bundle = dset.bundle_dpath
    missing = []
    for img in dset.index.imgs.values():
        for obj in iter_file_objs(img):
            name = obj['file_name']
            if os.path.isabs(name) and not os.path.exists(name):
                missing.append(name)
    if not missing:
        return None
    sample = missing[0]
    parts = sample.split('/')
    for cut in range(1, len(parts)):
        prefix = '/'.join(parts[:cut]) + '/'
        if os.path.exists(os.path.join(bundle, sample[len(prefix):])):
            if all(m.startswith(prefix) and os.path.exists(os.path.join(bundle, m[len(prefix):]))
                   for m in missing[:50]):
                return prefix, ''
    return None


# kwcoco's module-level names for the verb
__cli__ = CocoRerootCLI
_CLI = CocoRerootCLI
main = CocoRerootCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
