"""
The tour from README.rst, runnable: build a small dataset, query it, catch
a specific error, load a demo multispectral dataset and read pixels.

Run: ``python examples/tour.py``
"""
import os
import tempfile

import xcoco


def main():
    dset = xcoco.CocoDataset()
    cid = dset.add_category('cat', supercategory='animal')
    vid = dset.add_video('clip', width=64, height=48)
    gid = dset.add_image('clip/000.png', video_id=vid, frame_index=0,
                         width=64, height=48)
    tid = dset.add_track('cat_1')
    dset.add_annotation(gid, cid, bbox=[4, 4, 10, 8], track_id=tid)

    print('annotations of image 1:', dset.index.gid_to_aids[gid])
    print('their boxes:', dset.annots(image_id=gid).lookup('bbox'))
    with tempfile.TemporaryDirectory() as dpath:
        fpath = os.path.join(dpath, 'data.kwcoco.json')
        dset.dump(fpath)
        print('reloaded:', xcoco.CocoDataset(fpath))

    try:
        dset.add_annotation(image_id=99, category_id=cid)
    except KeyError as ex:
        print('refused:', ex)

    msi = xcoco.CocoDataset.demo('vidshapes2-multispectral')
    coco_img = msi.coco_image(1)
    print('channels:', coco_img.channels)
    data = coco_img.imdelay(channels='B1|B11', space='video').finalize()
    print('B1|B11 in video space:', data.shape, data.dtype)

    train = dset.subset([gid])
    merged = xcoco.CocoDataset.union(dset, msi)
    print('subset:', train)
    print('union:', merged)


if __name__ == '__main__':
    main()
