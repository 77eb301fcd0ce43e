"""
xcoco.imdata.geotiff: the one GeoTIFF writer (every option, every backend)
and the quiet reader open.
"""
import warnings

import numpy as np
import pytest

import xcoco
from xcoco.imdata import geotiff

rasterio = pytest.importorskip('rasterio')


def _ramp(h=256, w=200, c=2, dtype=np.uint16):
    return (np.arange(h * w * c) % 997).astype(dtype).reshape(h, w, c)


@pytest.mark.parametrize('overviews, factors', [
    ('auto', [2]),          # 200 // 4 < 64 stops 'auto' after one level
    (3, [2, 4, 8]),
    ([2, 8], [2, 8]),
    (0, []),
    (None, []),
    ([], []),
])
def test_overview_spellings(tmp_path, overviews, factors):
    fpath = tmp_path / 'o.tif'
    assert geotiff.write_geotiff(fpath, _ramp(), overviews=overviews) == 'rasterio'
    with geotiff.open_raster(fpath) as ds:
        assert ds.overviews(1) == factors


@pytest.mark.parametrize('bad', ['some', [1], ['x'], 2.5])
def test_bad_overviews_name_the_file(tmp_path, bad):
    with pytest.raises(ValueError, match=r"o\.tif.*overviews="):
        geotiff.write_geotiff(tmp_path / 'o.tif', _ramp(), overviews=bad)


def test_resampling_nearest_keeps_values_average_smooths(tmp_path):
    data = np.zeros((128, 128), np.uint8)
    data[::2, ::2] = 200
    geotiff.write_geotiff(tmp_path / 'n.tif', data, overviews=1, blocksize=64)
    geotiff.write_geotiff(tmp_path / 'a.tif', data, overviews=1, blocksize=64,
                          resampling='average')
    with geotiff.open_raster(tmp_path / 'n.tif', overview=1) as ds:
        assert set(np.unique(ds.read(1))) <= {0, 200}
    with geotiff.open_raster(tmp_path / 'a.tif', overview=1) as ds:
        assert (ds.read(1) == 50).all()
    with pytest.raises(ValueError, match="resampling='fancy'"):
        geotiff.write_geotiff(tmp_path / 'x.tif', data, resampling='fancy')


def test_tiling_compression_predictor_and_level(tmp_path):
    data = _ramp()
    geotiff.write_geotiff(tmp_path / 't.tif', data, blocksize=64, level=1)
    with geotiff.open_raster(tmp_path / 't.tif') as ds:
        assert ds.block_shapes == [(64, 64)] * 2
        assert ds.compression.name == 'deflate'
        assert ds.tags(ns='IMAGE_STRUCTURE').get('PREDICTOR') == '2'
        assert np.array_equal(ds.read().transpose(1, 2, 0), data)
    geotiff.write_geotiff(tmp_path / 'f.tif', data.astype(np.float32))
    with geotiff.open_raster(tmp_path / 'f.tif') as ds:
        assert ds.tags(ns='IMAGE_STRUCTURE').get('PREDICTOR') == '3'
    # Smaller than one tile: strips, no padding to a 256 tile.
    geotiff.write_geotiff(tmp_path / 's.tif', data[:20, :30], compress=None)
    with geotiff.open_raster(tmp_path / 's.tif') as ds:
        assert ds.compression is None and not ds.profile['tiled']
        assert 'PREDICTOR' not in ds.tags(ns='IMAGE_STRUCTURE')
    with pytest.raises(ValueError, match="level=3 needs compress"):
        geotiff.write_geotiff(tmp_path / 'l.tif', data, compress='LZW', level=3)


def test_georeference_and_nodata(tmp_path):
    transform = np.array([[10, 0, 500000], [0, -10, 4000000], [0, 0, 1.0]])
    geotiff.write_geotiff(tmp_path / 'g.tif', _ramp(), nodata=0,
                          transform=transform, crs='EPSG:32631')
    with rasterio.open(tmp_path / 'g.tif') as ds:
        assert np.allclose(np.array(ds.transform).reshape(3, 3), transform)
        assert ds.crs.to_epsg() == 32631 and ds.nodata == 0
    with pytest.raises(ValueError, match='3x3 affine'):
        geotiff.write_geotiff(tmp_path / 'b.tif', _ramp(), transform=[1, 2])


def test_plain_pixel_files_write_and_open_quietly(tmp_path):
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        geotiff.write_geotiff(tmp_path / 'p.tif', _ramp())
        geotiff.open_raster(tmp_path / 'p.tif').close()
    assert not [w for w in caught if 'geotransform' in str(w.message)]
    assert warnings.filters == before


def test_tifffile_fallback_tiles_and_compresses(tmp_path):
    tifffile = pytest.importorskip('tifffile')
    data = _ramp()
    assert geotiff.write_geotiff(tmp_path / 'f.tif', data, blocksize=64,
                                 backend='tifffile') == 'tifffile'
    with tifffile.TiffFile(tmp_path / 'f.tif') as tif:
        page = tif.pages[0]
        assert page.is_tiled and page.compression == 8  # ADOBE_DEFLATE
        assert np.array_equal(page.asarray(), data)


def test_backend_choice_follows_have_rasterio(tmp_path, monkeypatch):
    pytest.importorskip('tifffile')
    monkeypatch.setattr(geotiff, 'have_rasterio', lambda: False)
    assert geotiff.write_geotiff(tmp_path / 'a.tif', _ramp()) == 'tifffile'
    with pytest.raises(ValueError, match="unknown backend 'gdal'"):
        geotiff.write_geotiff(tmp_path / 'b.tif', _ramp(), backend='gdal')


def test_bad_shape_names_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"x\.tif.*shape \(2, 2, 2, 2\)"):
        geotiff.write_geotiff(tmp_path / 'x.tif', np.zeros((2, 2, 2, 2)))


def test_missing_writers_raise_missing_dependency(tmp_path, monkeypatch):
    import importlib.util
    monkeypatch.setattr(geotiff, 'have_rasterio', lambda: False)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec',
                        lambda name, *a: None if name == 'tifffile' else real_find_spec(name, *a))
    with pytest.raises(xcoco.MissingDependencyError, match='5 channels'):
        geotiff.write_geotiff(tmp_path / 'x.tif', np.zeros((4, 4, 5), np.uint8))
