"""
Split a dataset for training and pick subsets of it.

* a train / validation split that keeps the frames of a video together
  (frames of one scene in both parts would leak) and balances the
  categories across the parts (``xcoco split`` does the same on files);
* subsets by category and by a field, kept consistent: a subset holds
  exactly the annotations, tracks and videos of its images;
* ``union`` puts the parts back together.

Run: ``python examples/split_and_subset.py [out_dpath]`` (default: a
temporary folder).
"""
import sys
import tempfile
from pathlib import Path

import xcoco
from xcoco.cli import main as xcoco_main
from xcoco.cli.coco_split import split_groups


def main(out_dpath=None):
    dset = xcoco.CocoDataset.demo('vidshapes8')
    print('full:', dset)

    # four folds of whole videos, categories balanced, reproducible with rng:
    # one for validation, three for training
    folds = split_groups(dset, factor=4, splitter='video', rng=0)
    vali = dset.subset(folds[0])
    train = dset.subset([gid for fold in folds[1:] for gid in fold])
    print('train:', train)
    print('vali: ', vali)
    assert not set(train.index.videos) & set(vali.index.videos)   # subsets keep the ids
    print('annotations per category in vali:', vali.category_annotation_frequency())

    # images that show a star, then only their first frames
    star = dset.index.name_to_cat['star']['id']
    star_gids = sorted({dset.anns[aid]['image_id'] for aid in dset.index.cid_to_aids[star]})
    stars = dset.subset(star_gids)
    first_frames = stars.subset([gid for gid in stars.imgs if stars.imgs[gid]['frame_index'] == 0])
    print('frames with a star:', stars.n_images, '| first frames among them:', first_frames.n_images)

    # the union of disjoint parts is the dataset again (same images by name)
    rest = dset.subset(sorted(set(dset.imgs) - set(star_gids)))
    whole = xcoco.CocoDataset.union(stars, rest)
    assert sorted(whole.index.name_to_img) == sorted(dset.index.name_to_img)
    assert whole.n_annots == dset.n_annots

    # the same split from the command line, on files
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(out_dpath or tmp)
        out.mkdir(parents=True, exist_ok=True)
        dset.dump(out / 'full.kwcoco.json')
        status = xcoco_main(['split', str(out / 'full.kwcoco.json'), '--dst1', str(out / 'train.json'),
                             '--dst2', str(out / 'vali.json'), '--splitter', 'video', '--rng', '0',
                             '--quiet'])
        assert status == 0
        parts = [xcoco.CocoDataset(out / name) for name in ['train.json', 'vali.json']]
        print('xcoco split:', [part.n_images for part in parts], 'images')
        assert sum(part.n_images for part in parts) == dset.n_images


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else None)
