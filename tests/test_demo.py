"""
Tests of xcoco.demo: keys load, files decode to what the manifest says,
boxes agree with pixels, tracks follow one object, bands align through their
warps, and the cache is deterministic, reused and safe under concurrency.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import xcoco
from xcoco.demo import demo_bundle, demo_dataset, parse_demo_key
from xcoco.demo.cache import read_stamp

# small variants keep the suite fast; the full-size keys are loaded once below
SMALL_KEYS = [
    'shapes3-gsize96',
    'shapes2-gsize96-msi',
    'vidshapes2-frames3-gsize96',
    'vidshapes2-frames3-gsize120-msi',
    'vidshapes3-frames4-gsize120-msi-multisensor',
    'vidshapes1-frames2-gsize64-aux',
]


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    return tmp_path_factory.mktemp('demo_cache')


def _load(key, demo_root, **kw):
    return demo_dataset(key, dpath=demo_root, **kw)


def _assets(img):
    if img.get('auxiliary'):
        return img['auxiliary']
    return [{'file_name': img['file_name'], 'channels': img.get('channels'),
             'width': img['width'], 'height': img['height']}]


def _numel(channels):
    from delayed_image import FusedChannelSpec
    return FusedChannelSpec.coerce(channels).numel()


def _read(dset, asset):
    import kwimage
    fpath = os.path.join(dset.bundle_dpath, asset['file_name'])
    data = kwimage.imread(fpath)
    return data[:, :, None] if data.ndim == 2 else data


def _dequant(data, asset):
    from xcoco.demo.raster import dequantize
    if 'quantization' in asset:
        return dequantize(data, asset['quantization'])
    return data.astype(np.float32)


def _warp_matrix(spec):
    import kwimage
    return np.asarray(kwimage.Affine.coerce(spec or {'type': 'affine'}))


def _poly_mask(ann, dsize):
    """Rasterize an annotation's outline as the generator did."""
    import cv2
    mask = np.zeros((dsize[1], dsize[0]), np.uint8)
    for part in ann['segmentation']:
        pts = np.asarray(part['exterior'], np.float64)
        cv2.fillPoly(mask, [np.round((pts - 0.5) * 16).astype(np.int32)], 1,
                     lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


# ---------------------------------------------------------------- manifests

@pytest.mark.parametrize('key', SMALL_KEYS + ['photos'])
def test_every_file_decodes_to_its_manifest_size(key, demo_root):
    dset = _load(key, demo_root)
    assert dset.n_images > 0 and dset.n_annots > 0
    for img in dset.dataset['images']:
        for asset in _assets(img):
            data = _read(dset, asset)
            assert data.shape == (asset['height'], asset['width'],
                                  _numel(asset['channels'])), (key, asset)
            if 'quantization' in asset:
                assert data.dtype == np.uint16
            else:
                assert data.dtype == np.uint8


@pytest.mark.parametrize('key', ['shapes', 'shapes8', 'vidshapes', 'vidshapes8',
                                 'vidshapes8-msi-multisensor', 'vidshapes2-frames5-gsize64',
                                 'vidshapes5-aux'])
def test_kwcoco_named_keys_load(key):
    # the default cache, as doctests use it: generated once per machine
    dset = xcoco.CocoDataset.demo(key)
    assert dset.n_images > 0 and dset.n_annots > 0
    img = dset.dataset['images'][0]
    for asset in _assets(img):
        assert _read(dset, asset).shape[:2] == (asset['height'], asset['width'])


def test_full_size_keys_match_kwcoco_layout(demo_root):
    dset = _load('vidshapes8-multispectral', demo_root)
    assert (dset.n_videos, dset.n_images, dset.n_tracks) == (8, 16, 16)
    img = dset.imgs[1]
    assert img['file_name'] is None and 'auxiliary' in img
    got = [(a['channels'], a['width'], a['height'], _warp_matrix(a['warp_aux_to_img'])[0, 0])
           for a in img['auxiliary']]
    assert got == [('B1', 600, 600, 1), ('B8', 100, 100, 6), ('B8a', 200, 200, 3),
                   ('B10', 600, 600, 1), ('B11', 200, 200, 3)]
    for asset in img['auxiliary']:
        assert asset['quantization']['nodata'] == 0
    assert img['sensor'] == 'sensor1'
    # the seed-002 doctest: the default demo's first image is 512x512 RGB
    photos = _load('photos', demo_root)
    assert photos.coco_image(1).imdelay().finalize().shape == (512, 512, 3)


def test_video_fields_and_tracks_table(demo_root):
    dset = _load('vidshapes2-frames3-gsize96', demo_root)
    for vidid, video in dset.index.videos.items():
        gids = dset.index.vidid_to_gids[vidid]
        frames = [dset.imgs[g]['frame_index'] for g in gids]
        assert frames == list(range(len(gids)))
        stamps = [dset.imgs[g]['timestamp'] for g in gids]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        assert video['width'] == 96
    assert set(dset.index.tracks) == {a['track_id'] for a in dset.dataset['annotations']}
    kpcat_ids = {k['id'] for k in dset.dataset['keypoint_categories']}
    for ann in dset.dataset['annotations']:
        assert {k['keypoint_category_id'] for k in ann['keypoints']} <= kpcat_ids


# ------------------------------------------------------- boxes versus pixels

def _check_boxes_enclose_pixels(fg, anns):
    """Every drawn blob lies in some box, and each box is tight on its blobs."""
    import cv2
    num, _, stats, _ = cv2.connectedComponentsWithStats(fg.astype(np.uint8), connectivity=8)
    boxes = [a['bbox'] for a in anns]
    inside = {i: [] for i in range(len(boxes))}
    for label in range(1, num):
        x, y, w, h = (int(v) for v in stats[label, :4])
        owners = [i for i, (bx, by, bw, bh) in enumerate(boxes)
                  if bx <= x and by <= y and x + w <= bx + bw and y + h <= by + bh]
        assert owners, f'drawn pixels at {(x, y, w, h)} are in no annotation box'
        for i in owners:
            inside[i].append((x, y, x + w, y + h))
    for i, parts in inside.items():
        assert parts, f'annotation box {boxes[i]} encloses no drawn pixels'
        parts = np.array(parts)
        x0, y0 = parts[:, :2].min(axis=0)
        x1, y1 = parts[:, 2:].max(axis=0)
        assert [int(x0), int(y0), int(x1 - x0), int(y1 - y0)] == list(boxes[i])


@pytest.mark.parametrize('key', ['shapes3-gsize96', 'shapes4-gsize200-objects6',
                                 'vidshapes2-frames3-gsize96'])
def test_rgb_boxes_agree_with_pixels(key, demo_root):
    dset = _load(key, demo_root)
    for gid, img in dset.imgs.items():
        rgb = _read(dset, _assets(img)[0])
        fg = rgb.max(axis=2) > 160
        anns = [dset.anns[a] for a in dset.index.gid_to_aids[gid]]
        _check_boxes_enclose_pixels(fg, anns)
        for ann in anns:
            poly = _poly_mask(ann, (img['width'], img['height']))
            assert (fg & poly).sum() >= 0.95 * poly.sum()
            assert ann['area'] == int(poly.sum())
            for kp in ann['keypoints']:
                x, y = kp['xy']
                assert fg[int(y), int(x)], f'keypoint {kp} is off its shape'


def test_multispectral_b1_boxes_agree_with_pixels(demo_root):
    dset = _load('vidshapes2-frames3-gsize120-msi', demo_root)
    for gid, img in dset.imgs.items():
        b1 = next(a for a in img['auxiliary'] if a['channels'] == 'B1')
        refl = _dequant(_read(dset, b1), b1)[:, :, 0]
        anns = [dset.anns[a] for a in dset.index.gid_to_aids[gid]]
        _check_boxes_enclose_pixels(refl > 0.4, anns)


def test_photos_boxes_hold_their_polygons(demo_root):
    dset = _load('photos', demo_root)
    for ann in dset.dataset['annotations']:
        img = dset.imgs[ann['image_id']]
        if 'bbox' not in ann:
            continue  # line- and keypoint-only annotations, as kwcoco's demo has
        x, y, w, h = ann['bbox']
        assert 0 <= x and 0 <= y and x + w <= img['width'] and y + h <= img['height']
        for flat in ann.get('segmentation', []):
            xy = np.array(flat).reshape(-1, 2)
            assert [xy[:, 0].min(), xy[:, 1].min()] == [x, y]
            assert [xy[:, 0].max(), xy[:, 1].max()] == [x + w, y + h]


def test_photos_has_kwcocos_structure(demo_root):
    dset = _load('photos', demo_root)
    assert (dset.n_images, dset.n_annots, dset.n_cats) == (3, 11, 8)
    assert [img['width'] for img in dset.dataset['images']] == [512, 328, 256]
    assert [len(dset.gid_to_aids[gid]) for gid in dset.imgs] == [9, 2, 0]
    assert [cat['name'] for cat in dset.dataset['categories']] == [
        'astronaut', 'rocket', 'helmet', 'mouth', 'star', 'astronomer', 'astroturf', 'human']
    kinds = {tuple(sorted(set(ann) & {'bbox', 'line', 'keypoints', 'segmentation'}))
             for ann in dset.dataset['annotations']}
    assert kinds == {('bbox', 'keypoints', 'segmentation'), ('bbox',), ('line',), ('keypoints',)}
    assert dset._lookup_kpnames(1) == ['left-eye', 'right-eye']  # inherited from 'human'
    assert dset.draw_image(1).shape == (512, 512, 3)  # boxes derived for line / points


def test_photos_stand_ins_agree_with_annotations(tmp_path, monkeypatch):
    from xcoco.demo import photos
    monkeypatch.setattr(photos, 'find_photo_source', lambda: None)
    with pytest.warns(UserWarning, match='scikit-image'):
        dset = demo_dataset('photos', dpath=tmp_path)
    assert read_stamp(os.path.dirname(dset.fpath))['tag'].endswith('_standin')
    img = dset.imgs[2]
    rgb = _read(dset, _assets(img)[0])
    person = dset.anns[min(dset.index.gid_to_aids[2])]
    x, y, w, h = person['bbox']
    painted = rgb.min(axis=2) >= 120
    ys, xs = np.nonzero(painted)
    assert (xs.min(), ys.min()) == (x, y)
    assert (xs.max(), ys.max()) == (x + w - 1, y + h - 1)


# ------------------------------------------------------------------- tracks

def test_tracks_follow_one_object(demo_root):
    key = 'vidshapes2-frames5-gsize128-speed0.05-tracks3'
    dset = _load(key, demo_root)
    opts = parse_demo_key(key).options
    for tid in dset.index.tracks:
        aids = sorted(dset.index.trackid_to_aids[tid],
                      key=lambda a: dset.imgs[dset.anns[a]['image_id']]['frame_index'])
        anns = [dset.anns[a] for a in aids]
        imgs = [dset.imgs[a['image_id']] for a in anns]
        assert len({i['video_id'] for i in imgs}) == 1
        assert [i['frame_index'] for i in imgs] == list(range(opts['num_frames']))
        assert len({a['category_id'] for a in anns}) == 1
        colors, centers = [], []
        for ann, img in zip(anns, imgs):
            rgb = _read(dset, _assets(img)[0]).astype(float)
            poly = _poly_mask(ann, (img['width'], img['height']))
            colors.append(np.median(rgb[poly & (rgb.max(axis=2) > 160)], axis=0))
            x, y, w, h = ann['bbox']
            centers.append((x + w / 2, y + h / 2))
        # the same paint in every frame: the same object
        assert np.abs(np.array(colors) - colors[0]).max() < 20
        steps = np.linalg.norm(np.diff(np.array(centers), axis=0), axis=1)
        # rotation moves the box centre a little beyond the translation
        assert steps.max() <= opts['max_speed'] * opts['image_size'] + 4


# ----------------------------------------------------------- band alignment

def _reference_mask(dset, gid):
    img = dset.imgs[gid]
    mask = np.zeros((img['height'], img['width']), bool)
    for aid in dset.index.gid_to_aids[gid]:
        mask |= _poly_mask(dset.anns[aid], (img['width'], img['height']))
    return mask


def _expected_asset_mask(dset, gid, asset):
    """The annotation outlines mapped into the asset through its warp."""
    import cv2
    asset_from_img = np.linalg.inv(_warp_matrix(asset.get('warp_aux_to_img')))
    mask = np.zeros((asset['height'], asset['width']), np.uint8)
    for aid in dset.index.gid_to_aids[gid]:
        for part in dset.anns[aid]['segmentation']:
            pts = np.asarray(part['exterior'], np.float64)
            pts = pts @ asset_from_img[:2, :2].T + asset_from_img[:2, 2]
            cv2.fillPoly(mask, [np.round((pts - 0.5) * 16).astype(np.int32)], 1,
                         lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def _asset_foreground(dset, asset):
    data = _dequant(_read(dset, asset), asset)
    if asset['channels'] == 'r|g|b':
        return data.max(axis=2) > 160, data.max(axis=2) > 0
    valid = np.isfinite(data).all(axis=2)
    return np.where(valid, np.nan_to_num(data).min(axis=2), 0) > 0.4, valid


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


@pytest.mark.parametrize('key', ['vidshapes2-frames3-gsize120-msi',
                                 'vidshapes3-frames4-gsize120-msi-multisensor',
                                 'shapes2-gsize96-msi'])
def test_bands_align_through_their_warps(key, demo_root):
    dset = _load(key, demo_root)
    for gid, img in dset.imgs.items():
        for asset in img['auxiliary']:
            fg, valid = _asset_foreground(dset, asset)
            expected = _expected_asset_mask(dset, gid, asset)
            iou = _iou(fg & valid, expected & valid)
            assert iou >= 0.9, (key, gid, asset['channels'], round(iou, 3))


def test_alignment_check_detects_a_one_pixel_shift(demo_root):
    # guards the test above: a band misregistered by one asset pixel fails it
    dset = _load('vidshapes2-frames3-gsize120-msi', demo_root)
    img = dset.imgs[1]
    asset = next(a for a in img['auxiliary'] if a['channels'] == 'B8a')
    fg, valid = _asset_foreground(dset, asset)
    shifted = np.roll(fg, 1, axis=1)
    expected = _expected_asset_mask(dset, 1, asset)
    assert _iou(shifted & valid, expected & valid) < 0.9 <= _iou(fg & valid, expected & valid)


def test_geotiff_georeference_agrees_with_warps(demo_root):
    rasterio = pytest.importorskip('rasterio')
    dset = _load('vidshapes3-frames4-gsize120-msi-multisensor', demo_root)
    for img in dset.imgs.values():
        world = []
        for asset in img['auxiliary']:
            fpath = os.path.join(dset.bundle_dpath, asset['file_name'])
            with rasterio.open(fpath) as src:
                wld_from_asset = np.array(src.transform).reshape(3, 3)
                assert src.crs is not None and src.nodata == (0 if 'quantization' in asset else None)
            # world-from-image must be the same whichever band derives it
            img_from_asset = _warp_matrix(asset['warp_aux_to_img'])
            world.append(wld_from_asset @ np.linalg.inv(img_from_asset))
        for other in world[1:]:
            assert np.allclose(other, world[0], atol=1e-6)


def test_multisensor_has_rotated_quantized_assets_with_nodata(demo_root):
    dset = _load('vidshapes3-frames4-gsize120-msi-multisensor', demo_root)
    sensors = {img['sensor'] for img in dset.imgs.values()}
    assert len(sensors) >= 2
    rotated = 0
    for img in dset.imgs.values():
        for asset in img['auxiliary']:
            theta = asset['warp_aux_to_img'].get('theta', 0)
            if abs(theta) > 0.01 and 'quantization' in asset:
                rotated += 1
                data = _read(dset, asset)
                # the corners of a rotated asset fall outside the image
                assert (data == asset['quantization']['nodata']).any()
    assert rotated > 0


def test_imdelay_loads_bands_aligned_in_image_space(demo_root):
    dset = _load('vidshapes1-frames2-gsize120-msi', demo_root)
    coco_img = dset.coco_image(1)
    ref = _reference_mask(dset, 1)
    # loaded through the reader and warped to image space by delayed-image
    for chan in ['B1', 'B8a', 'B11']:
        data = coco_img.imdelay(channels=chan, space='image').finalize()
        assert data.shape[:2] == ref.shape
        data = np.asarray(data, dtype=np.float32)
        if data.max() > 1.5:  # a loader that does not dequantize
            data = data / 10000.0
        assert _iou(data[:, :, 0] > 0.4, ref) > 0.5


def test_own_affine_and_channel_helpers_agree_with_kwimage_and_delayed_image():
    # the generator avoids importing kwimage / delayed-image for speed; its
    # stand-ins must mean what those libraries mean
    import kwimage
    from delayed_image import FusedChannelSpec

    from xcoco.demo.vidshapes import SENSORS, affine_spec, channel_names
    rng = np.random.default_rng(0)
    for _ in range(20):
        sx, sy, theta, tx, ty = rng.uniform(-3, 3, size=5)
        mat, spec = affine_spec(sx, sy, theta, tx, ty)
        assert np.allclose(np.asarray(kwimage.Affine.coerce(spec)), mat)
    chans = {c for plan in SENSORS.values() for c, _ in plan} | {'Aux:5', 'a|b:1:3'}
    for chan in chans:
        assert channel_names(chan) == FusedChannelSpec.coerce(chan).as_list()


def test_opencv_tiff_fallback(tmp_path):
    import kwimage

    from xcoco.imdata.geotiff import write_geotiff
    for chans in (1, 3, 4):
        data = np.random.default_rng(chans).integers(0, 9999, (40, 30, chans)).astype(np.uint16)
        assert write_geotiff(tmp_path / 'a.tif', data, backend='cv2') == 'cv2'
        recon = kwimage.imread(tmp_path / 'a.tif')
        assert np.array_equal(recon.reshape(data.shape), data)
    with pytest.raises(xcoco.MissingDependencyError, match='rasterio'):
        write_geotiff(tmp_path / 'b.tif', np.zeros((4, 4, 2), np.uint16), backend='cv2')


def test_demo_without_rasterio_falls_back_to_plain_tiffs(tmp_path, monkeypatch):
    pytest.importorskip('tifffile')
    from xcoco.imdata import geotiff
    monkeypatch.setattr(geotiff, 'have_rasterio', lambda: False)
    dset = demo_dataset('vidshapes1-frames2-gsize64-msi-multisensor-seed3', dpath=tmp_path)
    for gid, img in dset.imgs.items():
        for asset in img['auxiliary']:
            data = _read(dset, asset)
            assert data.shape == (asset['height'], asset['width'], _numel(asset['channels']))
            fg, valid = _asset_foreground(dset, asset)
            assert _iou(fg & valid, _expected_asset_mask(dset, gid, asset) & valid) >= 0.9


# ---------------------------------------------------------- grammar, cache

def test_key_spellings_share_one_bundle():
    a = parse_demo_key('vidshapes8-msi-frames2')
    b = parse_demo_key('vidshapes-videos8-multispectral', num_frames=2)
    c = parse_demo_key('special:vidshapes8-multispectral')
    assert a.tag() == b.tag() == c.tag()
    assert a.tag() != parse_demo_key('vidshapes8-msi-seed1').tag()
    # kwcoco's no-op spellings are accepted
    assert parse_demo_key('vidshapes8-msi-timestamps-frames2').tag() == a.tag()
    assert parse_demo_key('vidshapes8', verbose=3, render=True).options['num_videos'] == 8


@pytest.mark.parametrize('key, fragment', [
    ('rainbows', 'unknown demo key'),
    ('vidshapes-wings3', "unknown option 'wings'"),
    ('vidshapes-frames2.5', "'num_frames' expects a int"),
    ('photos3', 'takes no count'),
    ('vidshapes-aux-msi', 'cannot be combined'),
    ('shapes0', 'num_images must be >= 1'),
    ('vidshapes2-gsize0', 'image_size must be >= 1'),
])
def test_bad_keys_raise_demo_key_error(key, fragment):
    with pytest.raises(xcoco.DemoKeyError, match=fragment):
        parse_demo_key(key)
    with pytest.raises(ValueError):
        xcoco.CocoDataset.demo(key)


def test_generation_is_deterministic(tmp_path):
    import kwimage
    key = 'vidshapes1-frames2-gsize64-msi-multisensor'
    d1 = demo_dataset(key, dpath=tmp_path / 'a')
    d2 = demo_dataset(key, dpath=tmp_path / 'b')
    assert d1.dataset == d2.dataset
    for img in d1.dataset['images']:
        for asset in _assets(img):
            p1 = os.path.join(d1.bundle_dpath, asset['file_name'])
            p2 = os.path.join(d2.bundle_dpath, asset['file_name'])
            assert np.array_equal(kwimage.imread(p1), kwimage.imread(p2))
    assert demo_dataset(key, dpath=tmp_path / 'c', seed=5).dataset != d1.dataset


def test_cache_is_reused_and_env_var_respected(tmp_path, monkeypatch):
    monkeypatch.setenv('XCOCO_DEMO_DPATH', str(tmp_path))
    fpath = demo_bundle('shapes2-gsize32')
    assert str(fpath).startswith(str(tmp_path))
    stamp1 = read_stamp(fpath.parent)
    mtime = os.path.getmtime(fpath)
    demo_bundle('shapes2-gsize32')
    assert read_stamp(fpath.parent) == stamp1 and os.path.getmtime(fpath) == mtime
    demo_bundle('shapes2-gsize32', use_cache=False)
    assert os.path.getmtime(fpath) >= mtime
    leftovers = [p for p in os.listdir(tmp_path) if p.startswith('.')]
    assert leftovers == []


def test_damaged_bundle_is_rebuilt(tmp_path):
    fpath = demo_bundle('shapes1-gsize32', dpath=tmp_path)
    (fpath.parent / '_xcoco_demo_stamp.json').unlink()   # as if interrupted
    (fpath.parent / 'junk.txt').write_text('x')
    fpath = demo_bundle('shapes1-gsize32', dpath=tmp_path)
    assert read_stamp(fpath.parent) is not None
    assert not (fpath.parent / 'junk.txt').exists()


def test_explicit_bundle_dpath_never_overwrites_user_data(tmp_path):
    user = tmp_path / 'my_project'
    user.mkdir()
    (user / 'precious.txt').write_text('keep me')
    with pytest.raises(xcoco.XcocoError, match='refusing to replace'):
        demo_bundle('shapes1-gsize32', bundle_dpath=user)
    assert (user / 'precious.txt').read_text() == 'keep me'
    # an explicit, empty or demo-owned folder is fine
    fpath = demo_bundle('shapes1-gsize32', bundle_dpath=tmp_path / 'mine')
    assert fpath == tmp_path / 'mine' / 'data.kwcoco.json'
    fpath = demo_bundle('shapes2-gsize32', bundle_dpath=tmp_path / 'mine')
    assert read_stamp(fpath.parent)['options']['num_images'] == 2


def test_abandoned_temp_folders_are_cleaned(tmp_path):
    fpath = demo_bundle('shapes1-gsize32', dpath=tmp_path)
    old = tmp_path / f'.tmp-{fpath.parent.name}-killed'
    fresh = tmp_path / f'.tmp-{fpath.parent.name}-running'
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (0, 0))
    demo_bundle('shapes1-gsize32', dpath=tmp_path, use_cache=False)
    # an hour-old temp folder is abandoned; a recent one may belong to a
    # process that is still generating
    assert not old.exists() and fresh.exists()


def test_two_processes_building_one_key_do_not_corrupt_it(tmp_path):
    key = 'vidshapes2-frames3-gsize96-msi'
    code = (f'from xcoco.demo import demo_dataset; '
            f'd = demo_dataset({key!r}, dpath={str(tmp_path)!r}); '
            f'print(d.n_images)')
    procs = [subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0, err
        assert out.strip() == '6'
    entries = os.listdir(tmp_path)
    assert len(entries) == 1, entries   # one bundle, no temp / trash folders
    dset = demo_dataset(key, dpath=tmp_path)
    for img in dset.dataset['images']:
        for asset in _assets(img):
            assert _read(dset, asset).shape[:2] == (asset['height'], asset['width'])


# ------------------------------------------------------ kwcoco comparison

def test_structure_matches_kwcoco(demo_root):
    kwcoco = pytest.importorskip('kwcoco')
    key = 'vidshapes2-frames3-gsize64-msi'
    ours = _load(key, demo_root)
    theirs = kwcoco.CocoDataset.demo(key, verbose=0)
    assert ours.n_videos == theirs.n_videos
    assert ours.n_images == theirs.n_images
    assert ours.n_tracks == theirs.n_tracks
    assert ({c['name'] for c in ours.dataset['categories']}
            == {c['name'] for c in theirs.dataset['categories']})
    assert ({k['name'] for k in ours.dataset['keypoint_categories']}
            == {k['name'] for k in theirs.dataset['keypoint_categories']})
    for gid in ours.imgs:
        ours_assets = [(a['channels'], a['width'], a['height']) for a in ours.imgs[gid]['auxiliary']]
        their_assets = [(a['channels'], a['width'], a['height']) for a in theirs.imgs[gid]['auxiliary']]
        assert ours_assets == their_assets


@pytest.mark.parametrize('key', ['photos'] + SMALL_KEYS)
def test_manifests_validate(key, demo_root):
    from xcoco.ops.validate import validate
    dset = _load(key, demo_root)
    report = validate(dset, missing=True)
    assert report['errors'] == []


@pytest.mark.filterwarnings('ignore:DelayedLoad may not be efficient')
@pytest.mark.parametrize('key', ['vidshapes2-frames2-gsize96-msi-multisensor',
                                 'shapes2-gsize64'])
def test_kwcoco_reads_our_bundles(key, demo_root):
    kwcoco = pytest.importorskip('kwcoco')
    ours = _load(key, demo_root)
    theirs = kwcoco.CocoDataset(ours.fpath)
    assert theirs.validate(missing=True, verbose=0)['errors'] == []
    for gid in theirs.imgs:
        final = theirs.coco_image(gid).imdelay(space='image').finalize()
        expect_chans = sum(_numel(a['channels']) for a in _assets(ours.imgs[gid]))
        assert final.shape == (ours.imgs[gid]['height'], ours.imgs[gid]['width'], expect_chans)
