"""
kwcoco's demo keys and options on xcoco: random image sizes, shapes with
auxiliary assets, channel / sensorchan options, kwcoco's shapes category
table, the toydata functions, and the cache telling the new options apart.
Where kwcoco is installed its output structure is compared with ours.
"""
import os
import warnings

import numpy as np
import pytest

import xcoco
from xcoco.demo import demo_bundle, demo_dataset, parse_demo_key


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    return tmp_path_factory.mktemp('demo_keys')


def _read(dset, asset):
    import kwimage
    data = kwimage.imread(os.path.join(dset.bundle_dpath, asset['file_name']))
    return data[:, :, None] if data.ndim == 2 else data


def _warp(spec):
    import kwimage
    return np.asarray(kwimage.Affine.coerce(spec or {'type': 'affine'}))


def _fill(dsize, parts, warp=None):
    import cv2
    mask = np.zeros((dsize[1], dsize[0]), np.uint8)
    for part in parts:
        pts = np.asarray(part['exterior'], np.float64)
        if warp is not None:
            pts = pts @ warp[:2, :2].T + warp[:2, 2]
        cv2.fillPoly(mask, [np.round((pts - 0.5) * 16).astype(np.int32)], 1,
                     lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


# ------------------------------------------------------------ random sizes

def test_randgsize_gives_each_frame_its_own_size(demo_root):
    dset = demo_dataset('vidshapes2-frames3-randgsize-speed0.05', dpath=demo_root)
    sizes = {(img['width'], img['height']) for img in dset.imgs.values()}
    assert len(sizes) > 2
    for img in dset.imgs.values():
        video = dset.index.videos[img['video_id']]
        assert 200 <= img['width'] <= 800 and 200 <= img['height'] <= 800
        # the frame maps onto the whole video frame
        vid_from_img = _warp(img['warp_img_to_vid'])
        corner = vid_from_img @ [img['width'], img['height'], 1]
        assert np.allclose(corner[:2], [video['width'], video['height']])
        rgb = _read(dset, img)
        assert rgb.shape == (img['height'], img['width'], 3)
        fg = rgb.max(axis=2) > 160
        for aid in dset.index.gid_to_aids[img['id']]:
            ann = dset.anns[aid]
            poly = _fill((img['width'], img['height']), ann['segmentation'])
            x, y, w, h = ann['bbox']
            ys, xs = np.nonzero(poly)
            assert (xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == (x, y, w, h)
            assert (fg & poly).sum() >= 0.95 * poly.sum()
    # a track moves smoothly in video space though its frames are resampled
    opts = parse_demo_key('vidshapes2-frames3-randgsize-speed0.05').options
    for tid in dset.index.tracks:
        anns = sorted((dset.anns[a] for a in dset.index.trackid_to_aids[tid]),
                      key=lambda a: dset.imgs[a['image_id']]['frame_index'])
        centers = []
        for ann in anns:
            img = dset.imgs[ann['image_id']]
            pts = np.concatenate([np.asarray(p['exterior']) for p in ann['segmentation']])
            vid = pts @ _warp(img['warp_img_to_vid'])[:2, :2].T
            centers.append(vid.mean(axis=0))
        video = dset.index.videos[dset.imgs[anns[0]['image_id']]['video_id']]
        step = np.linalg.norm(np.diff(centers, axis=0), axis=1).max()
        assert step <= opts['max_speed'] * min(video['width'], video['height']) + 6


def test_randgsize_bands_align_and_georeference(demo_root):
    dset = demo_dataset('vidshapes1-frames2-randgsize-msi-multisensor-seed4', dpath=demo_root)
    for gid, img in dset.imgs.items():
        dsize = (img['width'], img['height'])
        assert img['file_name'] is None
        for asset in img['auxiliary']:
            asset_from_img = np.linalg.inv(_warp(asset['warp_aux_to_img']))
            expect = np.zeros((asset['height'], asset['width']), bool)
            for aid in dset.index.gid_to_aids[gid]:
                expect |= _fill((asset['width'], asset['height']),
                                dset.anns[aid]['segmentation'], asset_from_img)
            data = _read(dset, asset)
            assert data.shape[:2] == (asset['height'], asset['width'])
            if 'quantization' in asset:
                valid = (data != 0).all(axis=2)
                fg = (data.astype(float) / 10000).min(axis=2) > 0.4
            else:
                valid = data.max(axis=2) > 0
                fg = data.max(axis=2) > 160
            assert _iou(fg & valid, expect & valid) >= 0.85, (gid, asset['channels'])
        assert dsize == (img['width'], img['height'])


# --------------------------------------------------------------- shapes

def test_shapes_aux_adds_an_aligned_disparity_asset(demo_root):
    dset = demo_dataset('shapes2-gsize96-aux', dpath=demo_root)
    for gid, img in dset.imgs.items():
        assert img['channels'] == 'rgb' and img['file_name'].endswith('.png')
        assert _read(dset, img).shape == (96, 96, 3)
        (asset,) = img['auxiliary']
        assert asset['channels'] == 'disparity'
        data = _read(dset, asset).astype(float) / 10000
        expect = np.zeros((96, 96), bool)
        for aid in dset.index.gid_to_aids[gid]:
            expect |= _fill((96, 96), dset.anns[aid]['segmentation'])
        assert _iou(data[:, :, 0] > 0.4, expect) >= 0.9
    # the whole image loads as rgb + disparity
    final = dset.coco_image(1).imdelay(channels='r|g|b|disparity').finalize()
    assert final.shape == (96, 96, 4)


def test_shapes_frames1_speed_are_accepted_and_more_frames_refused():
    assert (parse_demo_key('shapes8-frames1-speed0.2-msi').tag()
            == parse_demo_key('shapes8-msi').tag())
    with pytest.raises(xcoco.DemoKeyError, match="use 'vidshapes' for 3 frames"):
        parse_demo_key('shapes2-frames3')
    with pytest.raises(xcoco.DemoKeyError, match="random image sizes.*'vidshapes'"):
        parse_demo_key('shapes2-randgsize')


def test_shapes_newstyle_false_writes_mscoco_lists(demo_root):
    dset = demo_dataset('shapes2-gsize96-objects6', dpath=demo_root, newstyle=False)
    assert 'keypoint_categories' not in dset.dataset
    cats = {c['id']: c for c in dset.dataset['categories']}
    for ann in dset.dataset['annotations']:
        assert all(isinstance(v, (int, float)) for part in ann['segmentation'] for v in part)
        assert len(ann['keypoints']) == 3 * len(cats[ann['category_id']]['keypoints'])
    newer = demo_dataset('shapes2-gsize96-objects6', dpath=demo_root)
    assert [a['bbox'] for a in newer.dataset['annotations']] == [a['bbox'] for a in dset.dataset['annotations']]


def test_shapes_match_kwcoco_tables(demo_root, tmp_path):
    kwcoco = pytest.importorskip('kwcoco')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        theirs = kwcoco.CocoDataset.demo('shapes3', dpath=tmp_path, verbose=0, image_size=(64, 64), aux=True)
    ours = demo_dataset('shapes3-gsize64-aux', dpath=demo_root)
    def table(dset, name):
        return sorted((c['id'], c['name'], c.get('supercategory'), tuple(c.get('keypoints', [])))
                      for c in dset.dataset[name])
    assert table(ours, 'categories') == table(theirs, 'categories')
    assert ([(k['id'], k['name'], k['reflection_id']) for k in sorted(ours.dataset['keypoint_categories'], key=lambda k: k['id'])]
            == [(k['id'], k['name'], k['reflection_id']) for k in sorted(theirs.dataset['keypoint_categories'], key=lambda k: k['id'])])
    assert ours.n_images == theirs.n_images == 3
    for img_ours, img_theirs in zip(ours.dataset['images'], theirs.dataset['images']):
        assert img_ours['channels'] == img_theirs['channels'] == 'rgb'
        assert ([a['channels'] for a in img_ours['auxiliary']]
                == [a['channels'] for a in img_theirs['auxiliary']])
    assert set(ours.object_categories().idx_to_id) == set(theirs.object_categories().idx_to_id)


# ------------------------------------------------------ channel options

def test_channels_and_sensorchan_choose_the_assets(demo_root):
    dset = demo_dataset('vidshapes1-frames2-gsize64', dpath=demo_root, channels='B1,B8|B11,X.2')
    for img in dset.imgs.values():
        assert img['file_name'] is None and img['sensor'] == 'sensor1'
        assert [a['channels'] for a in img['auxiliary']] == ['B1', 'B8|B11', 'X.2']
    dset = demo_dataset('vidshapes1-frames4-gsize64', dpath=demo_root,
                        sensorchan='s1:(r|g|b,B8),s2:flowx|flowy')
    plans = {'s1': ['r|g|b', 'B8'], 's2': ['flowx|flowy']}
    for img in dset.imgs.values():
        assert [a['channels'] for a in img['auxiliary']] == plans[img['sensor']]
        for asset in img['auxiliary']:
            assert _read(dset, asset).shape[:2] == (asset['height'], asset['width'])


def test_channel_options_match_kwcoco(demo_root):
    pytest.importorskip('kwcoco')
    from kwcoco.demo.toydata_video import random_single_video_dset
    cases = [{'channels': 'B1,B8|B11'}, {'multispectral': True}, {'aux': True},
             {'channels': 'B1,B8', 'multisensor': True}, {'multisensor': True, 'multispectral': True}]

    def plans(dset):
        found = {}
        for img in dset.dataset['images']:
            chans = [a['channels'] for a in img.get('auxiliary', [])]
            assert found.setdefault(img.get('sensor'), chans) == chans
            # bands-only frames have no main file, aux frames keep theirs
            assert (img['file_name'] is None) == ('aux' not in case)
        return found

    for case in cases:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            theirs = random_single_video_dset(num_frames=8, num_tracks=1, image_size=(64, 64),
                                              rng=0, verbose=0, **case)
        ours = demo_dataset('vidshapes1-frames8-gsize64-tracks1', dpath=demo_root, **case)
        their_plans, our_plans = plans(theirs), plans(ours)
        common = set(their_plans) & set(our_plans)
        assert common, case
        for sensor in common:
            assert our_plans[sensor] == their_plans[sensor], (case, sensor)


@pytest.mark.parametrize('key, kwargs, fragment', [
    ('vidshapes-channels', {}, "option 'channels' expects a channel spec"),
    ('vidshapes-aux', {'channels': 'B1'}, 'aux and channels cannot be combined'),
    ('vidshapes-msi', {'sensorchan': 's1:B1'}, 'sensorchan names every sensor'),
    ('vidshapes', {'channels': 'B1,,B8'}, "not a channel spec: 'B1,,B8'"),
    ('vidshapes-amazon', {}, "background 'amazon' is not available"),
    ('vidshapes', {'background': 'sky'}, "background 'sky' is not available"),
    ('vidshapes', {'image_size': (64, 32, 3)}, 'must be an int or \\(width, height\\)'),
])
def test_bad_kwcoco_options_are_refused(key, kwargs, fragment):
    with pytest.raises(xcoco.DemoKeyError, match=fragment):
        parse_demo_key(key, **kwargs)


def test_new_options_get_their_own_bundles(tmp_path):
    tags = {parse_demo_key(key, **kw).tag() for key, kw in [
        ('vidshapes2', {}), ('vidshapes2-randgsize', {}), ('vidshapes2', {'channels': 'B1'}),
        ('vidshapes2', {'channels': 'B8'}), ('vidshapes2', {'sensorchan': 's1:B1'}),
        ('vidshapes2', {'image_size': (600, 300)}), ('shapes2', {}), ('shapes2-aux', {}),
        ('shapes2', {'newstyle': False})]}
    assert len(tags) == 9
    # spellings of one request still share a bundle
    assert parse_demo_key('vidshapes2-randsize').tag() == parse_demo_key('vidshapes2', image_size='random').tag()
    assert parse_demo_key('vidshapes2', image_size=(64, 64)).tag() == parse_demo_key('vidshapes2-gsize64').tag()
    a = demo_bundle('shapes1-gsize32', dpath=tmp_path)
    b = demo_bundle('shapes1-gsize32-aux', dpath=tmp_path)
    assert a.parent != b.parent


def test_fpath_names_the_manifest(tmp_path):
    fpath = tmp_path / 'mine' / 'toy.kwcoco.json'
    dset = demo_dataset('shapes1-gsize32', fpath=fpath)
    assert os.path.samefile(dset.fpath, fpath)
    assert os.path.exists(dset.get_image_fpath(1))
    fpath2 = tmp_path / 'other' / 'data.kwcoco.json'
    assert demo_bundle('shapes1-gsize32', fpath=fpath2) == fpath2 and fpath2.exists()


@pytest.mark.parametrize('key', [
    'vidshapes8-multispectral', 'vidshapes8-msi-multisensor', 'vidshapes2-speed0.1-frames7',
    'vidshapes5-aux', 'vidshapes1-gsize64', 'shapes8', 'shapes8-aux', 'shapes8-msi',
    'shapes8-frames1-speed0.2-msi', 'vidshapes8-frames5-randgsize', 'vidshapes1-randsize',
    'vidshapes1-image_sizerandom', 'vidshapes2-tracks5', 'vidshapes-videos2', 'vidshapes1-rng3',
    'vidshapes1-timestamps', 'vidshapes1-render', 'vidshapes8-msi', 'vidshapes8-frames5',
])
def test_kwcoco_documented_keys_parse_with_kwcoco_counts(key):
    spec = parse_demo_key(key)
    opts = spec.options
    if spec.kind == 'vidshapes':
        expect_videos = int(key[len('vidshapes'):].split('-')[0] or 1)
        if 'videos2' in key:
            expect_videos = 2
        assert opts['num_videos'] == expect_videos
        if 'frames' in key:
            assert opts['num_frames'] == int(key.split('frames')[1].split('-')[0])
        if 'rand' in key or 'image_sizerandom' in key:
            assert opts['image_size'] == 'random'
    else:
        assert opts['num_images'] == int(key[len('shapes'):].split('-')[0] or 5)


# ------------------------------------------------------------- toydata

def test_toydata_functions_build_kwcoco_structures(tmp_path):
    from xcoco.demo import toydata
    dset = toydata.random_video_dset(num_videos=3, num_frames=2, num_tracks=2,
                                     image_size=(48, 48), dpath=tmp_path / 'v', rng=1)
    assert (dset.n_videos, dset.n_images, dset.n_tracks) == (3, 6, 6)
    assert [v['name'] for v in dset.dataset['videos']] == ['toy_video_1', 'toy_video_2', 'toy_video_3']
    single = toydata.random_single_video_dset(num_frames=2, num_tracks=1, image_size=(48, 48),
                                              gid_start=3, tid_start=9, video_id=2,
                                              dpath=tmp_path / 's')
    assert sorted(single.imgs) == [3, 4] and list(single.index.tracks) == [9]
    assert {a['track_id'] for a in single.dataset['annotations']} == {9}
    xcoco.testing.assert_index_consistent(single)
    big = toydata.random_video_dset(num_frames=2, num_tracks=2, image_size=(200, 200),
                                    anchors=[[0.3, 0.3]], dpath=tmp_path / 'a')
    for ann in big.dataset['annotations']:
        assert 0.2 * 200 <= max(ann['bbox'][2:]) <= 0.4 * 200
    with pytest.raises(xcoco.DemoKeyError, match='anchors must be'):
        toydata.random_video_dset(anchors=[[0, 2]])
    with pytest.raises(TypeError, match=r"unexpected arguments \['bogus'\]"):
        toydata.demodata_toy_dset(bogus=1)
    shapes = toydata.demodata_toy_dset(gsize=(40, 40), n_imgs=2, rng=np.random.RandomState(0),
                                       dpath=tmp_path / 'd')
    assert shapes.n_images == 2 and shapes.imgs[1]['width'] == 40


def test_demodata_toy_img_options():
    from xcoco.demo.toydata import demodata_toy_img
    img, anns = demodata_toy_img(image_size=(128, 96), n_annots=4, rng=3, exact=True,
                                 categories=['box', 'circle'], anchors=[[0.2, 0.2]])
    assert img['imdata'].shape == (96, 128, 3) and img['imdata'].dtype == np.uint8
    assert len(anns) == 4 and {a['category_name'] for a in anns} <= {'box', 'circle'}
    # gray: the three channels are equal; boxes hold bright object pixels
    assert (img['imdata'][..., 0] == img['imdata'][..., 2]).all()
    for ann in anns:
        x, y, w, h = ann['bbox']
        assert 0.15 * 96 <= max(w, h) <= 0.3 * 96 + 2
        assert img['imdata'][y:y + h, x:x + w, 0].mean() > img['imdata'].mean()
    img, anns = demodata_toy_img(image_size=(64, 64), n_annots=1, rng=0, centerobj='pos', gray=False)
    x, y, w, h = anns[0]['bbox']
    assert x <= 32 <= x + w and y <= 32 <= y + h
    _, anns = demodata_toy_img(image_size=(64, 64), n_annots=5, rng=0, centerobj='neg')
    assert not any(a['bbox'][0] <= 32 <= a['bbox'][0] + a['bbox'][2]
                   and a['bbox'][1] <= 32 <= a['bbox'][1] + a['bbox'][3] for a in anns)
    _, anns = demodata_toy_img(image_size=(64, 64), n_annots=2, rng=0, newstyle=False,
                               categories=['eff'])
    assert set(anns[0]['segmentation']) == {'size', 'counts'} and len(anns[0]['keypoints']) == 9
    mask_util = pytest.importorskip('pycocotools.mask')
    rle = mask_util.frPyObjects(anns[0]['segmentation'], 64, 64)
    x, y, w, h = anns[0]['bbox']
    assert mask_util.toBbox(rle).tolist() == [x, y, w, h]
    assert mask_util.area(rle) == anns[0]['area']
    with pytest.raises(ValueError, match='only .* of 40 objects fit'):
        demodata_toy_img(image_size=(32, 32), n_annots=40, rng=0, exact=True)
    with pytest.raises(ValueError, match="unknown categories \\['dragon'\\]"):
        demodata_toy_img(categories=['dragon'])


def test_toydata_matches_kwcoco_structure(tmp_path):
    pytest.importorskip('kwcoco')
    from kwcoco.demo import toydata as theirs

    from xcoco.demo import toydata as ours
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        their_img, their_anns = theirs.demodata_toy_img(image_size=(64, 64), rng=0, aux=True)
        their_vid = theirs.random_video_dset(num_videos=2, num_frames=3, num_tracks=2,
                                             image_size=(64, 64), verbose=0, rng=0)
        their_one = theirs.random_single_video_dset(num_frames=2, num_tracks=2, gid_start=4,
                                                    tid_start=3, video_id=5, image_size=(64, 64),
                                                    verbose=0, rng=0)
    our_img, our_anns = ours.demodata_toy_img(image_size=(64, 64), rng=0, aux=True)
    assert set(our_img) == set(their_img)
    assert our_img['imdata'].shape == their_img['imdata'].shape
    assert our_img['imdata'].dtype == their_img['imdata'].dtype
    assert our_img['channels'] == their_img['channels']
    assert ([a['channels'] for a in our_img['auxiliary']] == [a['channels'] for a in their_img['auxiliary']])
    assert our_img['auxiliary'][0]['imdata'].shape == their_img['auxiliary'][0]['imdata'].shape
    assert set(our_anns[0]) == set(their_anns[0])
    our_vid = ours.random_video_dset(num_videos=2, num_frames=3, num_tracks=2, image_size=(64, 64),
                                     dpath=tmp_path / 'v', rng=0)
    our_one = ours.random_single_video_dset(num_frames=2, num_tracks=2, gid_start=4, tid_start=3,
                                            video_id=5, image_size=(64, 64), dpath=tmp_path / 's', rng=0)
    for mine, other in [(our_vid, their_vid), (our_one, their_one)]:
        assert sorted(mine.imgs) == sorted(other.imgs)
        assert sorted(mine.index.videos) == sorted(other.index.videos)
        assert sorted(mine.index.tracks) == sorted(other.index.tracks)
        assert ([v['name'] for v in mine.dataset['videos']] == [v['name'] for v in other.dataset['videos']])
        assert ({c['name']: c['id'] for c in mine.dataset['categories']}
                == {c['name']: c['id'] for c in other.dataset['categories']})
        for gid in mine.imgs:
            mi, ti = mine.imgs[gid], other.imgs[gid]
            assert (mi['frame_index'], mi['video_id'], mi['width']) == (ti['frame_index'], ti['video_id'], ti['width'])
