"""
A torch-style ``Dataset`` over a frozen snapshot of a manifest, fed to
several forked worker processes at once.

The snapshot is memory-mapped numpy arrays: opening it reads no JSON, and
the parent keeps nothing per image or annotation, so the workers share
every page of it (reading in a worker copies none of the parent's memory).
Call ``gc.freeze()`` before the workers fork so the garbage collector does
not touch the parent's objects either.  With torch installed the loop uses
``torch.utils.data.DataLoader``; without it, a ``multiprocessing`` pool
plays the same role.

Run: ``python examples/frozen_dataloader.py``
"""
import gc
import multiprocessing
import os
import tempfile

import xcoco
from xcoco.frozen.views import freeze


class CocoBoxDataset:
    """One item per image: its pixels (downscaled) and its boxes and labels."""

    def __init__(self, frozen):
        self.frozen = frozen
        # a numpy array of ids: one shared buffer, not a Python int per image
        self.gids = frozen.index.imgs.arrays['images.sorted_ids']

    def __len__(self):
        return len(self.gids)

    def __getitem__(self, index):
        gid = int(self.gids[index])
        coco_img = self.frozen.coco_image(gid)
        pixels = coco_img.imdelay().scale(0.25).finalize()
        annots = self.frozen.annots(image_id=gid)
        return {'gid': gid, 'shape': pixels.shape,
                'boxes': annots.boxes.to_ltrb().data.tolist(),
                'labels': annots.cnames, 'pid': os.getpid()}


def _collate(batch):
    return batch


#: the dataset the pool's workers inherit when they are forked
_DATASET = None


def _load(index):
    return _DATASET[index]


def iterate(dataset, workers):
    try:
        import torch.utils.data as torch_data
    except ImportError:
        torch_data = None
    gc.freeze()
    if torch_data is not None:
        loader = torch_data.DataLoader(dataset, batch_size=2, num_workers=workers,
                                       collate_fn=_collate,
                                       multiprocessing_context='fork')
        for batch in loader:
            yield from batch
    else:
        global _DATASET
        _DATASET = dataset
        ctx = multiprocessing.get_context('fork')
        with ctx.Pool(workers) as pool:
            yield from pool.imap(_load, range(len(dataset)))


def main():
    with tempfile.TemporaryDirectory() as dpath:
        dset = xcoco.CocoDataset.demo('shapes8')
        # the snapshot goes to a temporary folder (by default: the user
        # cache); image paths still resolve against the demo's bundle
        frozen = freeze(dset, os.path.join(dpath, 'shapes8.frozen'))
        print('snapshot:', os.path.basename(frozen.dpath), frozen.basic_stats())
        dataset = CocoBoxDataset(frozen)
        items = list(iterate(dataset, workers=2))
        assert sorted(item['gid'] for item in items) == sorted(dset.imgs)
        for item in items[:3]:
            print(item['gid'], item['shape'], len(item['boxes']), 'boxes', item['labels'][:3])
        n_boxes = sum(len(item['boxes']) for item in items)
        assert n_boxes == dset.n_annots, (n_boxes, dset.n_annots)
        workers = {item['pid'] for item in items}
        print(f'{len(items)} images, {n_boxes} boxes, read by {len(workers)} worker processes')
        # edits need an ordinary dataset
        thawed = frozen.thaw()
        thawed.add_image('extra.png')
        print('thawed:', thawed.n_images, 'images; frozen still', frozen.n_images)


if __name__ == '__main__':
    main()
