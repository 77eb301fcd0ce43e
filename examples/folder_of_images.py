"""
Build a dataset from a folder of images.

Two common layouts:

* ``root/<class name>/<image>``: a classification dataset, one category per
  folder and one whole-image annotation per file
  (``CocoDataset.from_class_image_paths``);
* any tree of images: register every file, then read the sizes from the
  file headers (``conform``) and add annotations as they come.

Without an argument the script paints a small folder of images in a
temporary folder first; give a folder to index your own
(``python examples/folder_of_images.py path/to/images``): the manifest is
written into that folder as ``data.kwcoco.json``.

Run: ``python examples/folder_of_images.py [root]``
"""
import sys
import tempfile
from pathlib import Path

import kwimage
import numpy as np

import xcoco

IMAGE_SUFFIXES = {'.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp'}


def paint_sample_folder(root):
    rng = np.random.default_rng(0)
    for rel, size in [('cat/001.png', (48, 64)), ('cat/002.png', (40, 40)),
                      ('dog/003.jpg', (64, 96)), ('dog/sub/004.png', (32, 32))]:
        fpath = root / rel
        fpath.parent.mkdir(parents=True, exist_ok=True)
        kwimage.imwrite(fpath, rng.integers(0, 255, (*size, 3), dtype=np.uint8))


def index_folder(root):
    gpaths = sorted(p.relative_to(root) for p in root.rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    dset = xcoco.CocoDataset.from_image_paths(gpaths, bundle_dpath=root)
    dset.conform()                     # width / height from the file headers
    dset.images().set('name', [str(p.with_suffix('')) for p in gpaths])   # unique names
    # one category per top-level folder, one annotation covering each image
    for img in dset.dataset['images']:
        parts = Path(img['file_name']).parts
        name = parts[0] if len(parts) > 1 else 'unlabelled'
        cid = dset.ensure_category(name)
        dset.add_annotation(image_id=img['id'], category_id=cid,
                            bbox=[0, 0, img['width'], img['height']])
    return dset


def main(root=None):
    with tempfile.TemporaryDirectory() as tmp:
        if root is None:
            root = Path(tmp) / 'images'
            paint_sample_folder(root)
        root = Path(root)
        dset = index_folder(root)
        dset.fpath = str(root / 'data.kwcoco.json')
        problems = dset.validate(missing=True)['errors']
        assert not problems, problems
        dset.dump()
        reloaded = xcoco.CocoDataset(dset.fpath)
        print(reloaded)
        print('images per category:', reloaded.category_annotation_frequency())
        print('sizes:', reloaded.images().lookup('width'), reloaded.images().lookup('height'))

        # the classification layout in one call
        classes = xcoco.CocoDataset.from_class_image_paths(root)
        print('from_class_image_paths:', classes.category_annotation_frequency())


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else None)
