"""
``xcoco union``: merge several datasets into one file.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_union import CocoUnionCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'combo.kwcoco.json'
    >>> CocoUnionCLI.main(argv=['special:shapes2', 'special:shapes1', '--dst', str(dst), '--quiet'])
    0
    >>> xcoco.CocoDataset(dst).n_images
    3
"""
from __future__ import annotations

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_datasets, note, write_dataset

__all__ = ['CocoUnionCLI']


class CocoUnionCLI(VerbCLI):
    """
    Combine multiple datasets into a single merged dataset.

    Ids are renumbered where they collide; categories, videos and tracks
    with the same name merge.  File names are rewritten to resolve from the
    output's folder.

    Example:
        >>> config = CocoUnionCLI.cli(argv=['--src', 'a.json', 'b.json', '--dst=combo.json'])
        >>> config.src, config.dst
        (['a.json', 'b.json'], 'combo.json')
    """

    __command__ = 'union'
    __examples__ = [
        'xcoco union --src special:shapes8 special:shapes1 --dst=combo.kwcoco.json',
        'xcoco union special:vidshapes2 special:shapes2 --dst combo2.kwcoco.json --remember_parent',
    ]

    src = Value([], kind='list', item='str', split=False, nargs='+', position=1,
                help='paths of the input datasets')
    dst = Value('combo.kwcoco.json', help='path of the output dataset')
    absolute = Value(False, kind='bool', help='write absolute file names')
    remember_parent = Value(False, kind='bool',
                            help='add union_parent (the source file) to each image and video')
    io_workers = Value(0, kind='auto', help='accepted for kwcoco (inputs are read in turn)')
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')

    def run(self) -> int:
        """
        Write the union; return 0.

        Example:
            >>> import tempfile, ubelt as ub
            >>> dst = ub.Path(tempfile.mkdtemp()) / 'u.json'
            >>> CocoUnionCLI(src=['special:shapes1'] * 2, dst=dst, quiet=True).run()
            0
        """
        from xcoco.dataset import CocoDataset
        datasets = load_datasets(self.src, self)
        combo = CocoDataset.union(*datasets, remember_parent=self.remember_parent)
        write_dataset(self, combo, self.dst, inputs=[d.fpath for d in datasets],
                      absolute=self.absolute, compress=self.compress)
        note(self, f'merged {len(datasets)} datasets: {combo.n_images} images, '
                   f'{combo.n_annots} annotations')
        return 0


# kwcoco's module-level names for the verb
__cli__ = CocoUnionCLI
_CLI = CocoUnionCLI
main = CocoUnionCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
