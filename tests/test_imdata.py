"""
The imdata package on its own: resolution parsing, channel lookup, the
rasterio reader's indexing, and the named imdelay steps.
"""
import pickle

import numpy as np
import pytest

import xcoco
from xcoco.imdata import backends, channels, delayed, geotiff, spaces


@pytest.mark.parametrize('expr, mag, unit', [
    ('10 meter', (10.0, 10.0), 'meter'),
    ('10meter', (10.0, 10.0), 'meter'),
    ('  0.5   m ', (0.5, 0.5), 'm'),
    ('1e-3 km', (0.001, 0.001), 'km'),
    (7, (7.0, 7.0), None),
    (2.5, (2.5, 2.5), None),
    ([1, 2], (1.0, 2.0), None),
    ((3, 4), (3.0, 4.0), None),
    ('[3, 4] meter', (3.0, 4.0), 'meter'),
    ('(3 4)', (3.0, 4.0), None),
    ({'mag': [1, 2], 'unit': 'GSD'}, (1.0, 2.0), 'GSD'),
    ('5', (5.0, 5.0), None),
])
def test_coerce_resolution_forms(expr, mag, unit):
    assert spaces.coerce_resolution(expr) == {'mag': mag, 'unit': unit}


@pytest.mark.parametrize('bad', ['meter', [1, 2, 3], None, {'unit': 'm'}])
def test_coerce_resolution_rejects(bad):
    with pytest.raises(ValueError, match='resolution'):
        spaces.coerce_resolution(bad)


def test_space_resolution_asset_and_missing_channel():
    img = {'id': 2, 'resolution': [1, 2]}
    asset = {'warp_img_from_asset': {'scale': [2, 4]}}
    info = spaces.space_resolution(img, None, 'asset', asset=asset)
    assert info == {'mag': (2.0, 8.0), 'unit': None}
    with pytest.raises(xcoco.XcocoError, match='needs a channel'):
        spaces.space_resolution(img, None, 'asset')
    coco_img = xcoco.CocoImage(dict(img, auxiliary=[{'channels': 'a'}]))
    with pytest.raises(xcoco.ChannelError, match="no asset has channel 'zz'"):
        coco_img.resolution('asset', channel='zz')


def test_custom_resolution_key():
    img = {'id': 1, 'gsd': '3 m'}
    assert spaces.space_resolution(img, None, 'image', resolution_keys='gsd') == \
        {'mag': (3.0, 3.0), 'unit': 'm'}
    with pytest.raises(xcoco.XcocoError, match="looked for \\['resolution'"):
        spaces.space_resolution(img, None, 'image')


def test_channel_helpers():
    img = {'id': 1, 'file_name': 'base.png',
           'auxiliary': [{'file_name': 'm.tif', 'channels': 'B.0:4'},
                         {'file_name': 'rgb.tif', 'channels': 'rgb'}]}
    assert channels.image_channels(img).spec == 'B.0:4,rgb'
    assert channels.find_asset_obj(img, 'B.2')['file_name'] == 'm.tif'
    assert channels.find_asset_obj(img, 'g')['file_name'] == 'rgb.tif'
    assert channels.find_asset_obj(img, 'B.9') is None
    with pytest.raises(xcoco.ChannelError, match='late-fused'):
        channels.coerce_fused('a,b', where='x')
    stream = channels.ChannelSpec.coerce('a|b')
    assert channels.coerce_fused(stream).spec == 'a|b'


def test_reexported_specs_are_delayed_images():
    import delayed_image
    assert xcoco.ChannelSpec is delayed_image.ChannelSpec
    assert xcoco.FusedChannelSpec is delayed_image.FusedChannelSpec
    from xcoco.channel_spec import SensorChanSpec
    assert xcoco.SensorChanSpec is delayed_image.SensorChanSpec
    # delayed-image parses sensor codes with lark (an optional dependency).
    pytest.importorskip('lark')
    spec = SensorChanSpec.coerce('S2:B1|B2,L8:r|g')
    assert [(s.sensor.spec, s.chans.spec) for s in spec.streams()] == [('S2', 'B1|B2'), ('L8', 'r|g')]


@pytest.fixture
def frame(tmp_path):
    pytest.importorskip('rasterio')
    data = np.arange(50 * 40 * 3, dtype=np.int16).reshape(50, 40, 3)
    fpath = tmp_path / 'f.tif'
    geotiff.write_geotiff(fpath, data, blocksize=16, overviews=2)
    return backends.RasterioFrame(fpath), data


def test_rasterio_frame_indexing(frame):
    ref, data = frame
    assert ref.shape == (50, 40, 3) and ref.dtype == np.int16
    assert ref.num_overviews == 2
    assert np.array_equal(ref[-5:, 3:7], data[-5:, 3:7])
    assert np.array_equal(ref[4:9, :, [2, 0]], data[4:9, :, [2, 0]])
    assert np.array_equal(ref[4:9, 1:2, 1:3], data[4:9, 1:2, 1:3])
    assert np.array_equal(ref[7, 2:5], data[7:8, 2:5])
    assert ref[10:10, 0:5].shape == (0, 5, 3)
    assert np.array_equal(np.asarray(ref), data)
    with pytest.raises(IndexError, match='unit-step'):
        ref[::2, :]


def test_rasterio_frame_overviews_and_pickle(frame):
    ref, data = frame
    ov1 = ref.get_overview(1)
    assert ov1.shape == (25, 20, 3) and ov1.num_overviews == 1
    assert np.array_equal(ov1[:, :], data[::2, ::2])
    ov2 = ov1.get_overview(1)
    assert ov2.overview == 2 and ov2.shape == (13, 10, 3)
    _ = ref[0:1, 0:1]
    assert len(ref.handles) == 3  # levels 0, 1 and 2 share one cache
    clone = pickle.loads(pickle.dumps(ref))
    assert len(clone.handles) == 0  # open handles are not pickled
    assert np.array_equal(clone[1:3, 1:3], data[1:3, 1:3])
    assert clone.handles.info()['opens'] == 1


def test_nodata_method_is_checked():
    with pytest.raises(ValueError, match="nodata_method='auto'"):
        backends._apply_nodata(np.zeros(2), np.zeros(2, bool), 'auto')


def test_loader_choice(monkeypatch):
    monkeypatch.setattr(backends, '_have_gdal', lambda: False)
    monkeypatch.setattr(geotiff, 'have_rasterio', lambda: True)
    assert backends.loader_name('a.tif') == 'rasterio'
    assert backends.loader_name('a.jpg') == 'imread'
    monkeypatch.setattr(backends, '_have_gdal', lambda: True)
    assert backends.loader_name('a.jpg') == 'gdal'


def test_steps_compose_like_imdelay():
    img = {'id': 1, 'width': 6, 'height': 6, 'warp_img_to_vid': {'scale': 2},
           'auxiliary': [
               {'imdata': np.full((3, 3, 1), 4, np.uint16), 'channels': 'q',
                'warp_aux_to_img': {'scale': 2},
                'quantization': {'orig_min': 0, 'orig_max': 1,
                                 'quant_min': 0, 'quant_max': 8}},
               {'imdata': np.ones((6, 6, 2)), 'channels': 'u|v'}]}
    video = {'id': 1, 'width': 12, 'height': 12}
    leaves = delayed.asset_leaves(img)
    assert [leaf.channels.spec for _, leaf in leaves] == ['q', 'u|v']
    picked = delayed.select_leaves(leaves, channels.coerce_fused('v|q'))
    assert len(picked) == 2
    parts = [delayed.warp_leaf_to_image(img, obj, delayed.dequantize_leaf(obj, leaf), (6, 6))
             for obj, leaf in picked]
    cat = delayed.concat_channels(img, parts, channels.coerce_fused('v|q'))
    vid = delayed.warp_to_video(img, video, cat, interpolation='nearest')
    by_steps = vid.finalize()
    direct = delayed.imdelay(img, video, channels='v|q', space='video',
                             interpolation='nearest').finalize()
    assert by_steps.shape == (12, 12, 2)
    np.testing.assert_array_equal(by_steps, direct)
    assert by_steps[5, 5].tolist() == [1.0, 0.5]


def test_video_space_without_video_uses_image_canvas():
    img = {'id': 1, 'width': 4, 'height': 4,
           'auxiliary': [{'imdata': np.ones((4, 4, 1)), 'channels': 'a'}]}
    assert delayed.imdelay(img, None, space='video').dsize == (4, 4)


def test_asset_space_resolution_uses_the_loaded_asset():
    img = {'id': 1, 'width': 8, 'height': 8, 'resolution': '1 m',
           'auxiliary': [{'imdata': np.ones((4, 4, 1)), 'channels': 'a',
                          'width': 4, 'height': 4,
                          'warp_aux_to_img': {'scale': 2}}]}
    # The asset's pixels are 2 m, so 4 m halves its 4x4 grid.
    assert delayed.imdelay(img, channels='a', space='asset',
                           resolution='4 m').dsize == (2, 2)


def test_image_without_registered_size(tmp_path):
    import kwimage
    kwimage.imwrite(tmp_path / 'p.png', np.full((10, 12, 3), 9, np.uint8))
    coco_img = xcoco.CocoImage({'id': 1, 'file_name': 'p.png'})
    coco_img.bundle_dpath = str(tmp_path)
    for space in ['image', 'video']:
        final = coco_img.imdelay(space=space).finalize()
        assert final.shape == (10, 12, 3) and (final == 9).all()
