"""
Build a multispectral dataset from GeoTIFF bands, then load a crop of
several bands resampled to one grid.

Each scene is three single-band GeoTIFFs at 10, 20 and 60 m per pixel (as
Sentinel-2 stores B02, B8A and B01), written here with rasterio from small
synthetic arrays.  Each band becomes an *asset* of one image: its size tells
xcoco how it stretches over the image, so a crop in image space reads the
matching window of every band and resamples it.

Run: ``python examples/multispectral_geotiff.py [out_dpath]`` (default: a
temporary folder).  Needs rasterio (``pip install "xcoco[raster]"``).
"""
import sys
import tempfile
from pathlib import Path

import numpy as np

import xcoco

#: band name -> metres per pixel
BANDS = {'B02': 10, 'B8A': 20, 'B01': 60}
SIZE = 240          # pixels of the 10 m grid (2.4 km)


def write_band(fpath, data, metres):
    import rasterio
    from rasterio.transform import from_origin
    # UTM zone 33N: every band of a scene starts at the same corner
    with rasterio.open(fpath, 'w', driver='GTiff', width=data.shape[1], height=data.shape[0],
                       count=1, dtype=data.dtype.name, tiled=True, blockxsize=64, blockysize=64,
                       compress='deflate', nodata=0, crs='EPSG:32633',
                       transform=from_origin(500_000, 4_600_000, metres, metres)) as dst:
        dst.write(data, 1)


def build(bundle):
    rng = np.random.default_rng(0)
    dset = xcoco.CocoDataset()
    dset.fpath = str(bundle / 'msi.kwcoco.json')
    cid = dset.add_category('field')
    for scene in ['s1', 's2']:
        gid = dset.add_image(name=scene, width=SIZE, height=SIZE, resolution='10 meter')
        coco_img = dset.coco_image(gid)
        for band, metres in BANDS.items():
            side = SIZE * 10 // metres
            data = rng.integers(500, 3000, (side, side), dtype=np.uint16)
            fpath = bundle / scene / f'{band}.tif'
            fpath.parent.mkdir(parents=True, exist_ok=True)
            write_band(fpath, data, metres)
            coco_img.add_asset(f'{scene}/{band}.tif', channels=band, width=side, height=side)
        dset.add_annotation(image_id=gid, category_id=cid, bbox=[40, 60, 100, 80])
    return dset


def main(out_dpath=None):
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(out_dpath or tmp)
        dset = build(bundle)
        dset.dump()
        dset = xcoco.CocoDataset(dset.fpath)
        coco_img = dset.coco_image(1)
        print(dset)
        print('channels:', coco_img.channels)
        print('B01 is stored at', coco_img.resolution('asset', channel='B01'))

        # the annotated field, three bands on the 10 m grid
        x, y, w, h = dset.anns[1]['bbox']
        delayed = coco_img.imdelay(channels='B02|B8A|B01', space='image')
        crop = delayed.crop((slice(y, y + h), slice(x, x + w))).finalize()
        print('crop of the field:', crop.shape, crop.dtype)
        assert crop.shape == (h, w, 3)

        # the same window at 30 m per pixel, and one band on its own grid
        coarse = coco_img.imdelay(channels='B02|B8A', resolution='30 meter').finalize()
        native = coco_img.imdelay(channels='B01', space='asset').finalize()
        print('30 m view:', coarse.shape, ' B01 as stored:', native.shape)
        assert coarse.shape == (SIZE // 3, SIZE // 3, 2) and native.shape == (40, 40, 1)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else None)
