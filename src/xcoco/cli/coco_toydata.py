"""
``xcoco toydata`` (``demodata``): render a toy dataset (images on disk)
and print where its manifest is.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_toydata import CocoToyDataCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'toydata.kwcoco.json'
    >>> CocoToyDataCLI.main(argv=['shapes2-gsize64', '--dst', str(dst), '--quiet'])  # doctest: +IGNORE_WANT
    .../toydata.kwcoco.json
    0
    >>> dset = xcoco.CocoDataset(dst)
    >>> dset.n_images, dset.coco_image(1).primary_image_filepath().exists()
    (2, True)
"""
from __future__ import annotations

import os

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import same_file, write_dataset

__all__ = ['CocoToyDataCLI']


class CocoToyDataCLI(VerbCLI):
    """
    Create toy data for demos and tests.

    A key names the kind and size: 'shapes8' (8 images of shapes),
    'vidshapes2' (2 videos), 'vidshapes2-frames5-msi' (multispectral),
    'photos' (3 real photographs); see xcoco.demo for the grammar.  The
    images are rendered into a bundle folder: --bundle_dpath, else a folder
    named after the key beside --dst, else the demo cache.  Prints the
    manifest's path.

    Example:
        >>> config = CocoToyDataCLI.cli(argv=['vidshapes2', '--dst', 'toy.json'])
        >>> config.key, config.dst
        ('vidshapes2', 'toy.json')
    """

    __command__ = 'toydata'
    __alias__ = ['demodata']
    __examples__ = [
        'xcoco toydata --key=shapes8 --dst=toydata.kwcoco.json',
        'xcoco toydata --key=shapes8 --bundle_dpath=my_test_bundle_v1',
        'xcoco toydata --key=vidshapes1-frames4 --dst=./mytoybundle/dataset.kwcoco.json',
    ]

    key = Value('shapes8', position=1, help="demo key, e.g. shapes8, vidshapes2-frames5, photos")
    dst = Value(None, help='where to write the manifest')
    bundle_dpath = Value(None, help='folder to render the bundle into')
    use_cache = Value(True, kind='bool', help='reuse a bundle already rendered for this key')
    verbose = Value(False, kind='auto', help='accepted for kwcoco')
    sensorchan = Value(None, help="sensors / channels of the video assets, e.g. 's1:(r|g|b)'")

    def run(self) -> int:
        """
        Render (or reuse) the bundle, write --dst, print the manifest path.

        Example:
            >>> import tempfile, ubelt as ub
            >>> bundle = ub.Path(tempfile.mkdtemp()) / 'bundle'
            >>> CocoToyDataCLI(key='shapes1-gsize32', bundle_dpath=bundle, quiet=True).run()  # doctest: +IGNORE_WANT
            .../bundle/data.kwcoco.json
            0
        """
        from xcoco.dataset import CocoDataset
        key = str(self.key)
        if key.startswith('special:'):
            key = key.split(':', 1)[1]
        kwargs = {'use_cache': self.use_cache}
        if self.sensorchan is not None:
            kwargs['sensorchan'] = self.sensorchan
        if self.bundle_dpath is not None:
            dset = CocoDataset.demo(key, bundle_dpath=os.fspath(self.bundle_dpath), **kwargs)
        elif self.dst is not None:
            # beside the manifest, as kwcoco: <dst folder>/<kind>_<hash>/
            dset = CocoDataset.demo(key, dpath=os.path.dirname(os.path.abspath(os.fspath(self.dst))),
                                    **kwargs)
        else:
            dset = CocoDataset.demo(key, **kwargs)
        fpath = dset.fpath
        if self.dst is not None and not same_file(self.dst, dset.fpath):
            fpath = write_dataset(self, dset, self.dst)
        print(os.path.abspath(fpath))
        return 0


# kwcoco's module-level names for the verb
__cli__ = CocoToyDataCLI
_CLI = CocoToyDataCLI
main = CocoToyDataCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
