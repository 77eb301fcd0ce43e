"""
A script written for kwcoco, unchanged, that runs on xcoco:

    python -m xcoco.as_kwcoco examples/kwcoco_script.py

Every ``kwcoco`` import below, the submodule ones included, is served by
xcoco (``python examples/kwcoco_script.py`` runs it on kwcoco itself, if
installed).
"""
import kwcoco
from kwcoco.category_tree import CategoryTree
from kwcoco.coco_image import CocoImage
from kwcoco.util.util_json import ensure_json_serializable


def main():
    dset = kwcoco.CocoDataset.demo('vidshapes2-multispectral')
    print(f'{kwcoco.__name__}: {dset}')
    coco_img = dset.coco_image(dset.images().lookup('id')[0])
    assert isinstance(coco_img, CocoImage)
    chip = coco_img.imdelay(channels='B1', space='video').crop((slice(0, 32), slice(0, 32)))
    print('chip', chip.finalize().shape)
    tree = CategoryTree.coerce(dset.object_categories())
    print('classes', tree.category_names)
    stats = ensure_json_serializable(dset.basic_stats())
    print('stats', stats)
    small = dset.subset(dset.videos().images[0][:1])
    small.rename_categories({name: name.upper() for name in small.name_to_cat})
    print('renamed', sorted(small.name_to_cat))


if __name__ == '__main__':
    main()
