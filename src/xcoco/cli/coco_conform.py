"""
``xcoco conform``: fill in what other tools expect (image sizes, areas,
``iscrowd`` ...), optionally in MS-COCO's legacy encodings or for mmlab.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_conform import CocoConformCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'conformed.json'
    >>> CocoConformCLI.main(argv=['special:shapes2', str(dst), '--legacy=True', '--quiet'])
    0
    >>> ann = xcoco.CocoDataset(dst).anns[1]
    >>> 'iscrowd' in ann, isinstance(ann['segmentation'], list)
    (True, True)
"""
from __future__ import annotations

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import destination, load_dataset, write_dataset

__all__ = ['CocoConformCLI']


class CocoConformCLI(VerbCLI):
    """
    Infer properties to make a dataset conform to different specs.

    By default image sizes, annotation areas and the other fields
    pycocotools reads are added; --legacy writes MS-COCO's original
    encodings (flat polygons / RLE, flat keypoints) and --mmlab the fields
    open-mmlab's video tools read.

    Example:
        >>> config = CocoConformCLI.cli(argv=['in.json', 'out.json', '--legacy'])
        >>> config.legacy, config.ensure_imgsize
        (True, True)
    """

    __command__ = 'conform'
    __examples__ = [
        'xcoco conform --src=special:shapes8 --dst conformed.json',
        'xcoco conform special:shapes8 legacy.json --legacy=True',
    ]

    src = Value(None, position=1, help='the path to the input dataset')
    dst = Value(None, position=2, help='where to write the output dataset')
    ensure_imgsize = Value(True, kind='bool', help='ensure each image has width and height')
    pycocotools_info = Value(True, kind='bool', help='ensure the fields pycocotools needs')
    legacy = Value(False, kind='bool', help="convert to the original MS-COCO encodings")
    mmlab = Value(False, kind='bool', help='add the fields open-mmlab tooling reads')
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')
    workers = Value(8, kind='int', help='threads reading image sizes')
    verbose = Value(1, kind='int', help='accepted for kwcoco')
    inplace = Value(False, kind='bool', help='write over the input when --dst is not given')

    def run(self) -> int:
        """
        Conform and write; return 0.

        Example:
            >>> try:
            ...     CocoConformCLI(src='special:shapes2').run()
            ... except Exception as ex:
            ...     print(ex)
            must give --dst (or --inplace to write over the input)
        """
        dst = destination(self)
        dset = load_dataset(self.src, self)
        dset.conform(ensure_imgsize=self.ensure_imgsize, pycocotools_info=self.pycocotools_info,
                     legacy=self.legacy, mmlab=self.mmlab, workers=self.workers)
        write_dataset(self, dset, dst, inputs=[dset.fpath], inplace=self.inplace,
                      compress=self.compress)
        return 0


# kwcoco's module-level names for the verb
__cli__ = CocoConformCLI
_CLI = CocoConformCLI
main = CocoConformCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
