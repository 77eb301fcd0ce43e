"""
``xcoco modify_categories``: rename, remove, keep, reorder or renumber
categories.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_modify_categories import CocoModifyCatsCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'modcats.json'
    >>> CocoModifyCatsCLI.main(argv=['special:shapes8', '--dst', str(dst), '--rename', 'eff:F,star:sun',
    ...                              '--remove', 'background', '--quiet'])  # doctest: +IGNORE_WANT
    ...
    0
    >>> sorted(xcoco.CocoDataset(dst).name_to_cat)
    ['F', 'sun', 'superstar']
"""
from __future__ import annotations

from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_dataset, note, render_table, write_dataset
from xcoco.errors import UsageError

__all__ = ['CocoModifyCatsCLI', 'category_table']


class CocoModifyCatsCLI(VerbCLI):
    """
    Remove, rename, reorder, re-id, or coarsen categories.

    Steps, in order: --rename (several old names onto one new name merge
    them), --remove / --keep (with the new names), --remove_empty_images,
    then --order / --start_id.  Prints the resulting categories; without
    --dst (or --inplace) nothing is written (a dry run).

    Example:
        >>> config = CocoModifyCatsCLI.cli(argv=['in.json', '--rename', 'eff:F', '--keep', 'F,star'])
        >>> config.rename, config.keep
        ({'eff': 'F'}, ['F', 'star'])
    """

    __command__ = 'modify_categories'
    __examples__ = [
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json',
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json --rename eff:F,star:sun',
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json --remove eff,star',
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json --keep eff,',
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json --keep=[] --keep_annots=True',
        'xcoco modify_categories --src=special:shapes8 --dst modcats.json --start_id=0 --order "[star,background]"',
    ]

    src = Value(None, position=1, help='path to the dataset')
    dst = Value(None, help='where to write the modified dataset (none: a dry run)')
    keep_annots = Value(False, kind='bool',
                        help="keep the annotations of removed categories (without a category)")
    remove_empty_images = Value(False, kind='bool',
                                help='remove images left without annotations by the removal')
    remove = Value(None, kind='list', item='str', help='category names to remove (mutex with --keep)')
    keep = Value(None, kind='list', item='str', help='remove all other categories (mutex with --remove)')
    rename = Value(None, kind='dict', help='old:new,old2:new2 or {old: new, old2: new2}')
    start_id = Value(None, kind='int', help='renumber the categories consecutively from this id')
    order = Value(None, help="'sort' (by name) or a list of names to put first, e.g. [star,eff]")
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')
    verbose = Value(True, kind='auto', bare=True, help='accepted for kwcoco')
    inplace = Value(False, kind='bool', help='write over the input when --dst is not given (xcoco)')

    def run(self) -> int:
        """
        Modify, print the categories, and write (unless a dry run); return 0.

        Example:
            >>> CocoModifyCatsCLI(src='special:shapes2', keep=['star'], quiet=True).run()  # doctest: +IGNORE_WANT
            id  name  supercategory  n_annots
            3   star  vector                3
            0
        """
        if self.remove is not None and self.keep is not None:
            raise UsageError('--remove and --keep cannot be used together')
        dset = load_dataset(self.src, self)
        if self.rename:
            dset.rename_categories({str(k): str(v) for k, v in self.rename.items()})
        remove = None
        if self.keep is not None:
            keep = set(self.keep)
            unknown = sorted(keep - set(dset.name_to_cat))
            if unknown:
                raise UsageError(f'--keep names categories that do not exist: {unknown}; '
                                 f'known: {sorted(dset.name_to_cat)}')
            remove = [name for name in dset.name_to_cat if name not in keep]
        elif self.remove is not None:
            remove = list(self.remove)
        if remove:
            index = dset.index
            before = {gid for gid in index.imgs if index.gid_to_aids.get(gid)}
            dset.remove_categories(remove, keep_annots=self.keep_annots)
            if self.remove_empty_images:
                emptied = [gid for gid in before if not index.gid_to_aids.get(gid)]
                if emptied:
                    dset.remove_images(emptied)
                    note(self, f'removed {len(emptied)} images left without annotations')
        if self.start_id is not None or self.order is not None:
            order = self.order
            if order is not None and order != 'sort':
                from xcoco.cli.base import parse_list
                order = parse_list(order, item=str)
            dset.normalize_category_ids(start_id=self.start_id, order=order)
        print(category_table(dset))
        dst = self.dst
        if dst is None and self.inplace:
            dst = self.src
        if dst is None:
            note(self, 'dry run: nothing written (give --dst, or --inplace)')
            return 0
        write_dataset(self, dset, dst, inputs=[dset.fpath], inplace=self.inplace,
                      compress=self.compress)
        return 0


def category_table(dset: Any) -> str:
    """
    The categories as an aligned table (id, name, supercategory, number
    of annotations).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_category('cat', id=5)
        >>> print(category_table(dset))
        id  name  supercategory  n_annots
        5   cat                         0
    """
    index = dset.index
    rows = [(cat['id'], [cat['name'], cat.get('supercategory'), len(index.cid_to_aids.get(cid, ()))])
            for cid, cat in index.cats.items()]
    if not rows:
        return '(no categories)'
    return render_table(['name', 'supercategory', 'n_annots'], rows, index_name='id')


# kwcoco's module-level names for the verb
__cli__ = CocoModifyCatsCLI
_CLI = CocoModifyCatsCLI
main = CocoModifyCatsCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
