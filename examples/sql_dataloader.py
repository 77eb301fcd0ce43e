"""
A torch-style ``Dataset`` that reads images and boxes from a SQL view of a
manifest, fed to several worker processes at once.

The workers are forked from the process that built the view; each opens its
own database connection on its first read (xcoco notices the fork), so no
``worker_init_fn`` is needed and no worker copies the dataset.  With torch
installed the loop uses ``torch.utils.data.DataLoader``; without it, a
``multiprocessing`` pool plays the same role.

Run: ``python examples/sql_dataloader.py``
"""
import multiprocessing
import os
import tempfile

import xcoco
from xcoco.sql.views import view_sql


class CocoBoxDataset:
    """One item per image: its pixels (downscaled) and its boxes and labels."""

    def __init__(self, sql_dset):
        self.sql_dset = sql_dset
        # ids only: a few bytes per image, shared with the workers
        self.gids = list(sql_dset.images())

    def __len__(self):
        return len(self.gids)

    def __getitem__(self, index):
        gid = self.gids[index]
        coco_img = self.sql_dset.coco_image(gid)
        pixels = coco_img.imdelay().scale(0.25).finalize()
        annots = self.sql_dset.annots(image_id=gid)
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
        # the view goes to a temporary folder; image paths still resolve
        # against the demo's bundle, which the view remembers
        sql_dset = view_sql(dset, backend='sqlite',
                            sql_db_fpath=os.path.join(dpath, 'shapes8.sqlite'))
        print('view:', os.path.basename(sql_dset.fpath), sql_dset.basic_stats())
        dataset = CocoBoxDataset(sql_dset)
        items = list(iterate(dataset, workers=2))
        assert sorted(item['gid'] for item in items) == dataset.gids
        for item in items[:3]:
            print(item['gid'], item['shape'], len(item['boxes']), 'boxes', item['labels'][:3])
        n_boxes = sum(len(item['boxes']) for item in items)
        assert n_boxes == dset.n_annots, (n_boxes, dset.n_annots)
        workers = {item['pid'] for item in items}
        print(f'{len(items)} images, {n_boxes} boxes, read by {len(workers)} worker processes')
        sql_dset.disconnect()


if __name__ == '__main__':
    main()
