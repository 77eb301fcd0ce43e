"""
Regenerate the pictures of the documentation, with xcoco itself:

    python dev/doc_pictures.py            # writes docs/_static/*.png

* ``show.png``: ``xcoco show special:vidshapes8-multispectral --gid 1
  --show_labels``, scaled to 420 px and stored with a 64-colour palette so
  it stays small in the repository.
* ``spaces.png``: one image of a tiny hand-made video dataset loaded in
  asset, image and video space (``CocoImage.imdelay(space=...)``), with the
  same annotation box warped into each space.

The demo data and temporary files go to a temporary folder.
"""
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / 'docs' / '_static'


def _shrink_png(src, dst, width, colors=64):
    # the demo's noise background makes a 600 px truecolour PNG ~480 KB
    from PIL import Image
    with Image.open(src) as pic:
        pic = pic.convert('RGB')
        height = round(pic.height * width / pic.width)
        pic = pic.resize((width, height), Image.LANCZOS)
        pic.quantize(colors=colors, dither=Image.Dither.NONE).save(dst, optimize=True)


def show_picture(dpath):
    from xcoco.cli import main
    tmp = os.path.join(dpath, 'show.png')
    status = main(['show', 'special:vidshapes8-multispectral', '--gid', '1',
                   '--show_labels', '--dst', tmp, '--quiet'])
    assert status == 0, status
    _shrink_png(tmp, STATIC / 'show.png', width=420)


def spaces_dataset(dpath):
    """A 240 x 160 px video whose one frame is a 120 x 80 px image, rotated
    by 0.3 rad and moved to (100, 60) in the video; its 'lo' band is stored
    at half the image's resolution."""
    import kwimage
    import numpy as np

    import xcoco
    dset = xcoco.CocoDataset()
    dset.fpath = os.path.join(dpath, 'spaces.kwcoco.json')
    vid = dset.add_video('scene', width=240, height=160)
    gid = dset.add_image(name='frame1', video_id=vid, frame_index=0, width=120, height=80,
                         warp_img_to_vid={'offset': (100, 60), 'theta': 0.3})
    cid = dset.add_category('car')
    rng = np.random.default_rng(0)
    hi = kwimage.ensure_float01(rng.integers(60, 120, (80, 120, 1)).astype(np.uint8))
    hi[20:50, 30:80] = 0.95
    lo = hi[::2, ::2]
    coco_img = dset.coco_image(gid)
    os.makedirs(os.path.join(dpath, 'bands'), exist_ok=True)
    coco_img.add_asset('bands/hi.tif', channels='hi', imdata=hi, imwrite=True)
    coco_img.add_asset('bands/lo.tif', channels='lo', imdata=lo, imwrite=True)
    dset.add_annotation(image_id=gid, category_id=cid, bbox=[30, 20, 50, 30])
    return dset, gid


def spaces_picture(dpath):
    import kwimage
    import numpy as np
    dset, gid = spaces_dataset(dpath)
    coco_img = dset.coco_image(gid)
    box = dset.annots(image_id=gid).boxes
    panels = []
    views = [
        ('asset space: lo band (60 x 40)', coco_img.imdelay('lo', space='asset'),
         kwimage.Affine.coerce(coco_img.find_asset_obj('lo')['warp_aux_to_img']).inv()),
        ('image space (120 x 80)', coco_img.imdelay('hi', space='image'), kwimage.Affine.eye()),
        ('video space (240 x 160)', coco_img.imdelay('hi', space='video'), coco_img.warp_vid_from_img),
    ]
    for title, delayed, warp in views:
        pixels = np.clip(delayed.finalize(nodata_method='float'), 0, 1)
        pixels = np.nan_to_num(pixels, nan=0.15)
        canvas = kwimage.atleast_3channels(pixels)
        scale = 240 / canvas.shape[1] if canvas.shape[1] < 240 else 1.0
        canvas = kwimage.imresize(canvas, scale=scale, interpolation='nearest')
        # the box's outline, warped: under a rotation it is no longer axis-aligned
        outline = box.to_polygons()[0].warp(kwimage.Affine.scale(scale) @ warp)
        canvas = outline.draw_on(kwimage.ensure_uint255(canvas).copy(), color='orange',
                                 fill=False, border=True, edgecolor='orange')
        canvas = kwimage.draw_header_text(canvas, title, fit='shrink', color='white')
        panels.append(canvas)
    sheet = kwimage.stack_images(panels, axis=1, pad=12, bg_value=(255, 255, 255))
    tmp = os.path.join(dpath, 'spaces.png')
    kwimage.imwrite(tmp, sheet)
    _shrink_png(tmp, STATIC / 'spaces.png', width=sheet.shape[1], colors=48)


def main():
    sys.path.insert(0, str(REPO / 'src'))
    STATIC.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as dpath:
        os.environ.setdefault('XCOCO_DEMO_DPATH', os.path.join(dpath, 'demo'))
        show_picture(dpath)
        spaces_picture(dpath)
    for name in ['show.png', 'spaces.png']:
        print(name, (STATIC / name).stat().st_size // 1024, 'KiB')


if __name__ == '__main__':
    main()
