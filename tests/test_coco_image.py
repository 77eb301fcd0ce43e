"""
CocoImage / CocoAsset: pixel values (not only shapes) through assets at
different scales, quantization and nodata, resolution, the rasterio
tile/overview reader and its fallback.
"""
import types
import warnings

import numpy as np
import pytest

import xcoco
from xcoco.coco_image import CocoAsset, CocoImage
from xcoco.imdata import backends, geotiff

BLOCK = 8
SIZE = 64


def block_pattern(size=SIZE, block=BLOCK):
    """Image-space pattern: every 8x8 block holds a distinct value 1..64."""
    idx = np.arange(size) // block
    n = size // block
    return (idx[:, None] * n + idx[None, :] + 1).astype(np.float32)


def downscale(pattern, factor):
    return pattern[::factor, ::factor]


@pytest.fixture
def pattern_dset(tmp_path):
    """
    One video frame whose four assets hold the same pattern at scales 1, 1/2,
    1/4 and as an offset sub-window, stored as PNG, tiled GeoTIFF (rasterio),
    in-memory array and PNG.
    """
    import kwimage
    pytest.importorskip('rasterio')
    pattern = block_pattern()
    bundle = tmp_path / 'bundle'
    (bundle / 'assets').mkdir(parents=True)
    kwimage.imwrite(bundle / 'assets/a.png', pattern.astype(np.uint8))
    geotiff.write_geotiff(bundle / 'assets/b.tif',
                          downscale(pattern, 2).astype(np.uint8),
                          blocksize=16, overviews=2)
    sub = pattern[8:48, 16:56]
    kwimage.imwrite(bundle / 'assets/d.png', sub.astype(np.uint8))
    dset = xcoco.CocoDataset(bundle_dpath=str(bundle))
    vidid = dset.add_video(name='vid', width=140, height=140)
    gid = dset.add_image(name='frame0', video_id=vidid, frame_index=0,
                         width=SIZE, height=SIZE,
                         warp_img_to_vid={'scale': 2, 'offset': [10, 6]})
    coco_img = dset.coco_image(gid)
    coco_img.add_asset('assets/a.png', channels='a', width=64, height=64)
    coco_img.add_asset('assets/b.tif', channels='b', width=32, height=32)
    coco_img.add_asset(imdata=downscale(pattern, 4)[:, :, None],
                       channels='c')
    coco_img.add_asset('assets/d.png', channels='d', width=40, height=40,
                       warp_aux_to_img={'offset': [16, 8]})
    return dset, gid, pattern


def block_centers():
    centers = np.arange(BLOCK // 2, SIZE, BLOCK)
    return [(y, x) for y in centers for x in centers]


@pytest.mark.parametrize('interpolation', ['nearest', 'linear'])
def test_assets_at_different_scales_align_in_image_space(pattern_dset, interpolation):
    dset, gid, pattern = pattern_dset
    coco_img = dset.coco_image(gid)
    # delayed-image 0.4.7's nearest fast path indexes out of bounds for a
    # translated asset smaller than the canvas, so 'd' is checked with linear.
    chans = 'a|b|c' if interpolation == 'nearest' else 'a|b|c|d'
    data = coco_img.imdelay(chans, interpolation=interpolation).finalize()
    assert data.shape == (SIZE, SIZE, len(chans.split('|')))
    for y, x in block_centers():
        expect = pattern[y, x]
        assert data[y, x, 0] == expect
        assert data[y, x, 1] == expect, (y, x, 'b')
        assert data[y, x, 2] == expect, (y, x, 'c')
        if interpolation == 'nearest':
            continue
        if 8 <= y < 48 and 16 <= x < 56:
            assert data[y, x, 3] == expect, (y, x, 'd')
        else:
            assert data[y, x, 3] == 0, 'outside the offset asset is border'


def test_assets_align_in_video_space(pattern_dset):
    dset, gid, pattern = pattern_dset
    coco_img = dset.coco_image(gid)
    # Linear, not nearest: see the delayed-image note above.
    data = coco_img.imdelay('c|b|a', space='video').finalize()
    assert data.shape == (140, 140, 3)
    for y, x in block_centers():
        vy, vx = 2 * y + 6, 2 * x + 10
        assert data[vy, vx].tolist() == [pattern[y, x]] * 3, (y, x)
    # Nothing of the image maps to the video's top-left corner.
    assert np.isnan(data[0, 0, 0]) and data[0, 0, 2] == 0
    vid_delayed = coco_img.imdelay('a', space='video')
    assert vid_delayed.dsize == (140, 140)


def test_asset_space_and_channel_order(pattern_dset):
    dset, gid, pattern = pattern_dset
    coco_img = dset.coco_image(gid)
    b = coco_img.imdelay('b', space='asset').finalize()
    assert b.shape == (32, 32, 1)
    assert np.array_equal(b[:, :, 0], downscale(pattern, 2))
    from delayed_image.delayed_nodes import CoordinateCompatibilityError
    with pytest.raises(CoordinateCompatibilityError, match='image id=1'):
        coco_img.imdelay('a|b', space='asset')
    # Unknown channels come back as NaN in the requested position.
    data = coco_img.imdelay('zz|a', interpolation='nearest').finalize()
    assert np.isnan(data[..., 0]).all()
    assert np.array_equal(data[..., 1], pattern)


def test_matches_kwcoco_pixels(pattern_dset):
    kwcoco = pytest.importorskip('kwcoco')
    dset, gid, _ = pattern_dset
    # kwcoco cannot hold in-memory imdata in a dumped manifest: compare the
    # file-backed channels only.
    data = dset.copy().dataset
    for img in data['images']:
        img['auxiliary'] = [a for a in img['auxiliary'] if 'imdata' not in a]
    theirs = kwcoco.CocoDataset(data, bundle_dpath=dset.bundle_dpath)
    ours = xcoco.CocoDataset(data, bundle_dpath=dset.bundle_dpath)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for space in ['image', 'video']:
            for chans in ['a|b|d', 'b', 'd|a']:
                want = theirs.coco_image(gid).imdelay(chans, space=space).finalize()
                got = ours.coco_image(gid).imdelay(chans, space=space).finalize()
                np.testing.assert_allclose(got, want, equal_nan=True,
                                           err_msg=f'{space} {chans}')


def quantize(values, orig_min, orig_max, quant_min, quant_max, nodata):
    scale = (quant_max - quant_min) / (orig_max - orig_min)
    q = np.round((np.nan_to_num(values) - orig_min) * scale + quant_min)
    q = q.astype(np.uint16)
    q[np.isnan(values)] = nodata
    return q


def test_quantized_uint16_with_nodata_dequantizes(tmp_path):
    pytest.importorskip('rasterio')
    rng = np.random.default_rng(0)
    orig = rng.uniform(-5, 5, size=(48, 40)).astype(np.float32)
    orig[3:9, 10:20] = np.nan
    orig[40, 0] = np.nan
    quant = {'orig_min': -5.0, 'orig_max': 5.0, 'quant_min': 1,
             'quant_max': 65535, 'nodata': 0, 'orig_dtype': 'float32'}
    qdata = quantize(orig, -5, 5, 1, 65535, 0)
    geotiff.write_geotiff(tmp_path / 'q.tif', qdata, blocksize=16, overviews=1)
    coco_img = CocoImage({'id': 7, 'width': 40, 'height': 48})
    coco_img.bundle_dpath = str(tmp_path)
    coco_img.add_asset('q.tif', channels='elev', width=40, height=48,
                       quantization=quant)
    got = coco_img.imdelay('elev').finalize()[..., 0]
    assert got.dtype.kind == 'f'
    assert np.array_equal(np.isnan(got), np.isnan(orig))
    step = 10 / 65534
    np.testing.assert_allclose(got, orig, atol=step, equal_nan=True)
    # A crop of the same data dequantizes identically.
    crop = coco_img.imdelay('elev')[2:12, 8:24].finalize()[..., 0]
    np.testing.assert_allclose(crop, got[2:12, 8:24], equal_nan=True)


def test_nodata_methods_on_file_nodata(tmp_path):
    pytest.importorskip('rasterio')
    data = np.arange(1, 33, dtype=np.uint8).reshape(4, 8)
    data[1, 2] = 0
    geotiff.write_geotiff(tmp_path / 'n.tif', data, blocksize=16, nodata=0)
    coco_img = CocoImage({'id': 1, 'width': 8, 'height': 4,
                          'file_name': 'n.tif', 'channels': 'x'})
    coco_img.bundle_dpath = str(tmp_path)
    raw = coco_img.imdelay().finalize()
    assert raw[1, 2, 0] == 0 and raw.dtype == np.uint8
    as_float = coco_img.imdelay(nodata_method='float').finalize()
    assert np.isnan(as_float[1, 2, 0]) and np.isnan(as_float).sum() == 1
    assert as_float[0, 0, 0] == 1
    masked = coco_img.imdelay(nodata_method='ma').finalize()
    assert isinstance(masked, np.ma.MaskedArray)
    assert masked.mask[1, 2, 0] and masked.mask.sum() == 1


@pytest.fixture
def tiled_img(tmp_path):
    pytest.importorskip('rasterio')
    data = (np.arange(256 * 256 * 2) % 251).astype(np.uint8).reshape(256, 256, 2)
    geotiff.write_geotiff(tmp_path / 't.tif', data, blocksize=64, overviews=3)
    coco_img = CocoImage({'id': 3, 'width': 256, 'height': 256,
                          'resolution': '10 meter', 'auxiliary': [{
                              'file_name': 't.tif', 'channels': 'x|y',
                              'width': 256, 'height': 256}]})
    coco_img.bundle_dpath = str(tmp_path)
    return coco_img, data


@pytest.fixture
def read_log(monkeypatch):
    """Record (overview, window shape) of every rasterio read."""
    log = []
    orig = backends.RasterioFrame.__getitem__

    def spy(self, index):
        out = orig(self, index)
        log.append((self.overview, out.shape))
        return out
    monkeypatch.setattr(backends.RasterioFrame, '__getitem__', spy)
    monkeypatch.setattr(backends, '_have_gdal', lambda: False)
    return log


def test_crop_reads_only_the_window(tiled_img, read_log):
    coco_img, data = tiled_img
    got = coco_img.imdelay('y')[100:110, 30:50].finalize()
    assert np.array_equal(got[..., 0], data[100:110, 30:50, 1])
    assert read_log == [(0, (10, 20, 1))]


def test_coarse_load_reads_an_overview(tiled_img, read_log):
    coco_img, data = tiled_img
    delayed = coco_img.imdelay('x|y', resolution='80 meter')
    assert delayed.dsize == (32, 32)
    got = delayed.finalize()
    assert got.shape == (32, 32, 2)
    assert [ov for ov, _ in read_log] == [3]
    assert read_log[0][1] == (32, 32, 2)
    # Overviews were built by nearest sampling: every 8th pixel.
    assert np.array_equal(got, data[::8, ::8])


def test_full_read_fallback_warns_once(tiled_img, monkeypatch, tmp_path):
    coco_img, data = tiled_img
    monkeypatch.setattr(backends, '_have_gdal', lambda: False)
    monkeypatch.setattr(geotiff, 'have_rasterio', lambda: False)
    monkeypatch.setattr(backends, '_WARNED_NO_BACKEND', [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        first = coco_img.imdelay('x')[0:4, 0:4].finalize()
        second = coco_img.imdelay('y').finalize()
    ours = [w for w in caught if 'neither GDAL' in str(w.message)]
    assert len(ours) == 1
    assert 'xcoco[raster]' in str(ours[0].message)
    assert np.array_equal(first[..., 0], data[0:4, 0:4, 0])
    assert np.array_equal(second[..., 0], data[..., 1])


def test_resolution_rescales_and_checks_units():
    coco_img = CocoImage({'id': 5, 'width': 100, 'height': 60,
                          'resolution': '2 meter', 'auxiliary': [
                              {'imdata': np.zeros((60, 100, 1)), 'channels': 'a',
                               'width': 100, 'height': 60}]})
    assert coco_img.resolution() == {'mag': (2.0, 2.0), 'unit': 'meter'}
    assert coco_img.imdelay(resolution='4 meter').dsize == (50, 30)
    assert coco_img.imdelay(resolution=4).dsize == (50, 30)
    assert coco_img.imdelay(resolution=[4, 2]).dsize == (50, 60)
    with pytest.raises(xcoco.UnitMismatchError, match="'foot'.*'meter'"):
        coco_img.imdelay(resolution='4 foot')
    coco_img.img.pop('resolution')
    with pytest.raises(xcoco.XcocoError, match='image id=5: no resolution'):
        coco_img.imdelay(resolution='4 meter')


def test_video_resolution_derives_image_resolution():
    coco_img = CocoImage({'id': 1, 'width': 10, 'height': 10,
                          'warp_img_to_vid': {'scale': 0.5}})
    coco_img.video = {'id': 1, 'resolution': '10 meter', 'width': 5, 'height': 5}
    assert coco_img.resolution('video') == {'mag': (10.0, 10.0), 'unit': 'meter'}
    assert coco_img.resolution('image') == {'mag': (5.0, 5.0), 'unit': 'meter'}


def test_transform_spec_forms():
    from xcoco.imdata.spaces import coerce_affine
    concise = coerce_affine({'scale': [2, 3], 'offset': [1, 1], 'theta': 0})
    matrix = coerce_affine({'type': 'affine',
                            'matrix': [[2, 0, 1], [0, 3, 1], [0, 0, 1]]})
    np.testing.assert_allclose(np.asarray(concise), np.asarray(matrix))
    with pytest.raises(xcoco.ManifestStructureError, match='TransformSpec'):
        coerce_affine([1, 2])


def test_works_with_any_dataset_like_object():
    img = {'id': 4, 'video_id': 9, 'width': 2, 'height': 2, 'file_name': 'x.png'}
    calls = []
    fake = types.SimpleNamespace(
        imgs={4: img}, bundle_dpath='/bundle',
        index=types.SimpleNamespace(videos={9: {'id': 9, 'name': 'v'}},
                                    gid_to_aids={4: {11, 10}}),
        annots=lambda aids: list(aids),
        add_annotation=lambda **kw: calls.append(kw) or 99)
    coco_img = CocoImage.from_gid(fake, 4)
    assert coco_img.video['name'] == 'v'
    assert coco_img.annots() == [10, 11]
    assert coco_img.add_annotation(bbox=[0, 0, 1, 1]) == 99
    assert calls == [{'image_id': 4, 'bbox': [0, 0, 1, 1]}]
    assert [str(p) for p in coco_img.iter_image_filepaths()] == ['/bundle/x.png']
    detached = coco_img.detach()
    assert detached.video['name'] == 'v' and detached.bundle_dpath == '/bundle'
    with pytest.raises(xcoco.UnknownIdError):
        CocoImage.from_gid(fake, 5)


def test_add_asset_imwrite_roundtrip(tmp_path):
    dset = xcoco.CocoDataset(bundle_dpath=str(tmp_path))
    gid = dset.add_image(name='im', width=16, height=16)
    coco_img = dset.coco_image(gid)
    data = np.random.default_rng(1).random((8, 8, 5)).astype(np.float32)
    coco_img.add_asset('sub/aux.tif', channels='Aux:5', imdata=data, imwrite=True)
    obj = dset.imgs[gid]['auxiliary'][0]
    assert 'imdata' not in obj and (tmp_path / 'sub/aux.tif').exists()
    assert obj['warp_aux_to_img']['scale'] == 2.0
    got = coco_img.imdelay('Aux.1|Aux.3', space='asset').finalize()
    np.testing.assert_allclose(got, data[..., [1, 3]])


def test_add_asset_errors_name_the_image():
    coco_img = CocoImage({'id': 12})
    with pytest.raises(xcoco.InvalidAddError, match='image id=12.*width/height'):
        coco_img.add_asset('b.tif', width=4, height=4)
    with pytest.raises(xcoco.InvalidAddError, match='width=2.5'):
        coco_img.add_asset('b.tif', width=2.5, height=4)
    with pytest.raises(xcoco.InvalidAddError, match='file_name or imdata'):
        coco_img.add_asset()


def test_aliases_and_proxy_semantics():
    asset = CocoAsset({'warp_aux_to_img': 'foo'})
    assert 'warp_img_from_asset' in asset and 'warp_wld_from_asset' not in asset
    asset['warp_img_from_asset'] = 'bar'
    assert asset._proxy == {'warp_aux_to_img': 'bar'}
    coco_img = CocoImage({'assets': [{'file_name': 'z.tif', 'channels': 'z'}]})
    assert coco_img['auxiliary'] is coco_img['assets']
    assert coco_img.find_asset('z')['file_name'] == 'z.tif'
    coco_img.add_asset('w.tif', channels='w', warp_aux_to_img={'scale': 1},
                       width=1, height=1)
    # The asset list keeps the spelling the manifest used.
    assert [a['file_name'] for a in coco_img.img['assets']] == ['z.tif', 'w.tif']
    assert 'auxiliary' not in coco_img.img


def test_primary_asset_heuristic():
    coco_img = CocoImage({'auxiliary': [
        {'file_name': 'small', 'width': 10, 'height': 10, 'warp_aux_to_img': {'scale': 6}},
        {'file_name': 'big', 'width': 60, 'height': 60},
        {'file_name': 'same', 'width': 60, 'height': 30}]})
    assert coco_img.primary_asset()['file_name'] == 'big'
    assert isinstance(coco_img.primary_asset(as_dict=False), CocoAsset)
    based = CocoImage({'file_name': 'base.png', 'auxiliary': [{'file_name': 'x'}]})
    assert based.primary_asset(as_dict=False) is based


def test_repr_and_stats():
    coco_img = CocoImage({'id': 1, 'width': 4, 'height': 2,
                          'auxiliary': [{'channels': 'B1'}, {'channels': 'B8|B11'}]})
    assert coco_img.stats() == {'wh': (4, 2), 'n_chan': 3,
                                'channels': 'B1,B8|B11', 'name': None}
    assert 'n_chan=3,channels=B1,B8|B11' in repr(coco_img)


def test_datetime_and_errors():
    assert CocoImage({'timestamp': 86400}).datetime.day == 2
    with pytest.raises(KeyError, match='image id=3'):
        _ = CocoImage({'id': 3}).datetime
    with pytest.raises(xcoco.XcocoError, match="space='world'"):
        CocoImage({'id': 3, 'width': 1, 'height': 1}).imdelay('a', space='world')
    with pytest.raises(xcoco.ChannelError, match='no pixel data'):
        CocoImage({'id': 3, 'width': 1, 'height': 1}).imdelay()


@pytest.mark.xfail(strict=True, raises=IndexError,
                   reason='delayed-image 0.4.7: the nearest-neighbour fast path '
                          'of DelayedWarp indexes out of bounds when a '
                          'translated source is smaller than the canvas')
def test_upstream_nearest_translation_bug():
    # Strict xfail: when delayed-image fixes this, the test starts passing and
    # the workaround notes in the tests above can go.
    coco_img = CocoImage({'id': 1, 'width': 8, 'height': 8, 'auxiliary': [{
        'imdata': np.ones((4, 4, 1)), 'channels': 'a', 'width': 4, 'height': 4,
        'warp_aux_to_img': {'offset': [2, 2]}}]})
    coco_img.imdelay('a', interpolation='nearest').finalize()


def test_missing_file_error_names_the_path(tmp_path):
    pytest.importorskip('rasterio')
    coco_img = CocoImage({'id': 1, 'width': 4, 'height': 4,
                          'file_name': 'gone.tif', 'channels': 'a'})
    coco_img.bundle_dpath = str(tmp_path)
    with pytest.raises(Exception, match='gone.tif'):
        coco_img.imdelay().finalize()
