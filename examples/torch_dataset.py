"""
A torch-style ``Dataset`` of multispectral training windows, read by
several worker processes at once.

Each item is one window of one frame: ``imdelay`` builds a lazy load of
the chosen bands in video space, the crop reads only the window, and the
boxes of the frame's annotations are moved into the window's coordinates.
Workers are forked from the process that loaded the dataset; each opens
its own file handles on first read (xcoco's handle cache notices the fork).  With torch installed the loop is ``torch.utils.data.DataLoader``;
without it a ``multiprocessing`` pool calls the same ``__getitem__``.

Run: ``python examples/torch_dataset.py``
"""
import multiprocessing

import kwimage
import numpy as np

import xcoco


class WindowDataset:
    """Items are (image id, window) pairs covering every frame in a grid."""

    def __init__(self, dset, channels='B1|B8|B11', window=200):
        self.dset = dset
        self.channels = channels
        self.samples = []
        for gid in dset.images():
            width, height = dset.coco_image(gid).video['width'], dset.coco_image(gid).video['height']
            for y0 in range(0, height - window + 1, window):
                for x0 in range(0, width - window + 1, window):
                    self.samples.append((gid, (slice(y0, y0 + window), slice(x0, x0 + window))))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        gid, (rows, cols) = self.samples[index]
        coco_img = self.dset.coco_image(gid)
        delayed = coco_img.imdelay(channels=self.channels, space='video')
        pixels = delayed.crop((rows, cols)).finalize(nodata_method='float')
        # annotations are in image space: image -> video -> window
        to_window = kwimage.Affine.translate((-cols.start, -rows.start)) @ coco_img.warp_vid_from_img
        boxes = self.dset.annots(image_id=gid).boxes.warp(to_window).clip(0, 0, cols.stop - cols.start,
                                                                         rows.stop - rows.start)
        keep = boxes.area.ravel() > 0
        return {'image': np.nan_to_num(pixels).transpose(2, 0, 1).astype(np.float32),  # C, H, W
                'boxes': boxes.to_ltrb().data[keep], 'gid': gid}


_DATASET = None


def _load(index):
    return _DATASET[index]


def batches(dataset, batch_size=4, workers=2):
    try:
        from torch.utils.data import DataLoader
    except ImportError:
        DataLoader = None
    if DataLoader is not None:
        yield from DataLoader(dataset, batch_size=batch_size, num_workers=workers,
                              collate_fn=list, multiprocessing_context='fork')
        return
    global _DATASET
    _DATASET = dataset
    with multiprocessing.get_context('fork').Pool(workers) as pool:
        items = pool.imap(_load, range(len(dataset)))
        while batch := [item for _, item in zip(range(batch_size), items)]:
            yield batch


def main():
    dset = xcoco.CocoDataset.demo('vidshapes8-multispectral')
    dataset = WindowDataset(dset)
    print(f'{len(dataset)} windows of {dataset.channels} from {dset.n_images} frames')
    seen = n_boxes = 0
    for batch in batches(dataset):
        seen += len(batch)
        n_boxes += sum(len(item['boxes']) for item in batch)
        assert all(item['image'].shape == (3, 200, 200) for item in batch)
    print(f'read {seen} windows in batches; {n_boxes} boxes fall inside windows')
    assert seen == len(dataset) and n_boxes >= dset.n_annots


if __name__ == '__main__':
    main()
