"""
The ``vidshapes`` demo: videos of moving shapes, optionally multispectral.

Every frame is described in image space (which equals video space here) by
one :class:`~xcoco.demo.scene.Shape` per track.  Each file of the frame is
rendered from those shapes through its own ``warp_aux_to_img``, so a band
stored at 1/6 resolution, or by a rotated sensor, shows the shapes exactly
where the annotations say once warped back.

Flavours (see :mod:`xcoco.demo` for the key grammar):

* plain: one RGB PNG per frame.
* ``aux``: the RGB PNG plus ``disparity`` and ``flowx|flowy`` assets.
* ``multispectral``: Sentinel-2-like bands B1, B8, B8a, B10, B11 at scales
  1, 6, 3, 1, 3 of image pixels, uint16 quantized (reflectance * 10000,
  nodata 0), as tiled GeoTIFFs with overviews.
* ``multisensor``: each frame comes from one of four sensors with different
  channel sets; most assets have a random rotation / anisotropic scale, and
  pixels outside the image footprint are nodata.
"""
import zlib

__all__ = [
    'SENSORS',
    'affine_spec',
    'asset_geometry',
    'build_vidshapes',
    'channel_names',
    'render_asset',
    'sensor_plans',
]

# sensor -> [(channels, scale of warp_aux_to_img or 'random')]
SENSORS = {
    'sensor1': [('B1', 1), ('B8', 6), ('B8a', 3), ('B10', 1), ('B11', 3)],
    'sensor2': [('r|g|b', 'random'), ('disparity', 1), ('gauss', 'random'),
                ('B8|B11', 'random')],
    'sensor3': [('r|g|b', 'random'), ('flowx|flowy', 1), ('distri', 'random'),
                ('B10|B11', 'random')],
    'sensor4': [('B11', 3), ('X.2', 'random'), ('Y:2:6', 'random')],
}
_AUX = [('disparity', 1), ('flowx|flowy', 1)]
DEMO_CRS = 'EPSG:32631'


def _unit(*keys):
    """A deterministic number in [0, 1) from hashable keys."""
    return (zlib.crc32(repr(keys).encode('utf8')) % 100003) / 100003


def _apply(warp, pts):
    import numpy as np
    mat = np.asarray(warp, dtype=np.float64)
    return np.asarray(pts, dtype=np.float64) @ mat[:2, :2].T + mat[:2, 2]


def affine_spec(sx=1.0, sy=1.0, theta=0.0, tx=0.0, ty=0.0):
    """
    A warp as a 3x3 matrix and as the concise dict the manifest stores.

    Uses kwimage's parameterization (translate @ rotate @ scale) so that
    ``kwimage.Affine.coerce(spec)`` rebuilds the same matrix, without paying
    for importing kwimage's transform stack while generating.

    Example:
        >>> from xcoco.demo.vidshapes import affine_spec
        >>> affine_spec(6, 6)[1]
        {'scale': 6.0, 'type': 'affine'}
        >>> affine_spec()[1]
        {'type': 'affine'}
        >>> mat, spec = affine_spec(2, 3, 0.3, 5, 6)
        >>> sorted(spec), mat[:2, 2].tolist()
        (['offset', 'scale', 'theta', 'type'], [5.0, 6.0])
    """
    import math

    import numpy as np
    c, s = math.cos(theta), math.sin(theta)
    mat = np.array([[sx * c, -sy * s, tx], [sx * s, sy * c, ty], [0, 0, 1]],
                   dtype=np.float64)
    spec = {}
    if tx or ty:
        spec['offset'] = [float(tx), float(ty)]
    if sx != 1 or sy != 1:
        spec['scale'] = float(sx) if sx == sy else [float(sx), float(sy)]
    if theta:
        spec['theta'] = float(theta)
    spec['type'] = 'affine'
    return mat, spec


def asset_geometry(image_dsize, scale, rng):
    """
    Choose an asset's warp and size so that it covers the whole image.

    Args:
        image_dsize (tuple[int, int]): image (width, height).
        scale (float | str): image pixels per asset pixel, or ``'random'`` for
            a random rotation and anisotropic scale.

    Returns:
        tuple[ndarray, dict, tuple[int, int]]: ``warp_aux_to_img`` as a
        matrix and as a concise dict, and the asset (width, height).

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.vidshapes import asset_geometry, _apply
        >>> mat, spec, dsize = asset_geometry((600, 600), 6, None)
        >>> dsize, spec
        ((100, 100), {'scale': 6.0, 'type': 'affine'})
        >>> mat, spec, dsize = asset_geometry((600, 400), 'random', np.random.default_rng(0))
        >>> corners = _apply(np.linalg.inv(mat), [[0, 0], [600, 0], [0, 400], [600, 400]])
        >>> bool(corners.min() > -1e-6 and (corners.max(axis=0) <= dsize).all())
        True
    """
    import numpy as np
    w, h = image_dsize
    if scale != 'random':
        mat, spec = affine_spec(float(scale), float(scale))
        return mat, spec, (int(np.ceil(w / scale)), int(np.ceil(h / scale)))
    sx, sy = (float(v) for v in rng.uniform(0.8, 2.0, size=2))
    theta = float(rng.uniform(-0.2, 0.2))
    rot_scale, _ = affine_spec(sx, sy, theta)
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64)
    pts = _apply(np.linalg.inv(rot_scale), corners)
    lo = pts.min(axis=0)
    extent = pts.max(axis=0) - lo
    dsize = (int(np.ceil(extent[0] - 1e-6)), int(np.ceil(extent[1] - 1e-6)))
    # asset pixel p shows image point rot_scale @ (p + lo)
    tx, ty = rot_scale[:2, :2] @ lo
    return (*affine_spec(sx, sy, theta, float(tx), float(ty)), dsize)


def channel_names(channels):
    """
    The channel names of a fused spec such as ``'B8|B11'`` or ``'Y:2:6'``.

    Covers the spellings the demo uses without importing delayed-image.

    Example:
        >>> from xcoco.demo.vidshapes import channel_names
        >>> channel_names('r|g|b'), channel_names('Y:2:6'), channel_names('X.2')
        (['r', 'g', 'b'], ['Y.2', 'Y.3', 'Y.4', 'Y.5'], ['X.2'])
    """
    names = []
    for part in channels.split('|'):
        if ':' in part:
            stem, *bounds = part.split(':')
            start, stop = (0, int(bounds[0])) if len(bounds) == 1 else map(int, bounds)
            names.extend(f'{stem}.{i}' for i in range(start, stop))
        else:
            names.append(part)
    return names


def render_asset(shapes, channels, warp_aux_to_img, dsize, image_dsize, field,
                 rng, seed):
    """
    Render one asset file's pixels (before quantization) and its footprint.

    Args:
        shapes (list[Shape]): the frame's shapes in image space.
        channels (str): e.g. ``'B8|B11'`` or ``'r|g|b'``.
        warp_aux_to_img (ndarray): 3x3 affine, asset -> image.
        dsize (tuple[int, int]): asset (width, height).
        image_dsize (tuple[int, int]): image (width, height).
        field (tuple): ``(grid, warp_img_from_grid)`` shared by the frame so
            every band shows the same background terrain.
        rng (numpy.random.Generator): noise source.
        seed (int): the dataset seed (fixes per-band spectral signatures).

    Returns:
        tuple[ndarray, ndarray]: float32 (H, W, C) data (0..255 for
        ``r|g|b``, reflectance 0..1 otherwise) and a bool (H, W) footprint.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.scene import Shape, smooth_field
        >>> from xcoco.demo.vidshapes import render_asset
        >>> rng = np.random.default_rng(0)
        >>> shapes = [Shape(1, 30, 30, 12, 0.0)]
        >>> data, valid = render_asset(shapes, 'B8|B11', np.diag([2., 2., 1.]),
        ...                            (32, 32), (64, 64), smooth_field(rng, (64, 64)), rng, 0)
        >>> data.shape, bool(valid.all()), bool(data[15, 15, 0] > 0.4 > data[1, 1, 0])
        ((32, 32, 2), True, True)
    """
    import cv2
    import numpy as np

    from xcoco.demo import scene
    names = channel_names(channels)
    asset_from_img = np.linalg.inv(np.asarray(warp_aux_to_img, dtype=np.float64))
    labels = scene.rasterize_labels(shapes, dsize, asset_from_img)
    w, h = image_dsize
    rect = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    footprint = np.zeros((dsize[1], dsize[0]), dtype=np.int32)
    cv2.fillPoly(footprint, [scene.cv2_fixed_point(_apply(asset_from_img, rect))],
                 1, lineType=cv2.LINE_8, shift=4)
    grid, img_from_grid = field
    bg_field = scene.warp_field(grid, asset_from_img @ np.asarray(img_from_grid), dsize)
    if names == ['r', 'g', 'b']:
        from xcoco.demo.shapes import render_rgb
        data = render_rgb(shapes, labels, rng, bg_field).astype(np.float32)
    else:
        # Reflectance: background 0.05-0.3, shapes 0.5-0.95 in every band, with
        # a per-(category, band) signature and a small per-object offset.
        fg = np.array([[0.55 + 0.3 * _unit(seed, s.category_id, n)
                        + 0.1 * _unit(s.signature_seed, n) for n in names]
                       for s in shapes], dtype=np.float32).reshape(-1, len(names))
        bg_base = np.array([0.05 + 0.1 * _unit(seed, 'bg', n) for n in names], np.float32)
        bg_amp = np.full(len(names), 0.12, np.float32)
        data = scene.render_layers(labels, fg, bg_field, bg_base, bg_amp,
                                   noise=0.01, rng=rng, texture=0.05)
        data = np.clip(data, 0.001, 1.0)
    return data, footprint.astype(bool)


def _chan_dirname(channels):
    return 'aux_' + ''.join(c if c.isalnum() else '_' for c in channels)


def _write_asset(writer, bundle_dpath, gid, channels, warp, spec, dsize, data,
                 valid, wld_from_img):
    import numpy as np

    from xcoco.demo.raster import SENTINEL2_QUANTIZATION, quantize
    from xcoco.imdata.geotiff import write_geotiff
    rel = f'_assets/auxiliary/{_chan_dirname(channels)}/img_{gid:05d}.tif'
    fpath = bundle_dpath / rel
    fpath.parent.ensuredir()
    # Georeferenced like Sentinel-2 tiles, so GIS tools overlay the bands
    # the same way warp_aux_to_img does.
    # Averaged overviews suit smooth reflectance (and keep the bytes the
    # demo wrote before the two GeoTIFF writers became one).
    geo = {'transform': wld_from_img @ np.asarray(warp), 'crs': DEMO_CRS,
           'resampling': 'average'}
    asset = {'file_name': rel, 'channels': channels,
             'width': dsize[0], 'height': dsize[1],
             'warp_aux_to_img': spec}
    if channels == 'r|g|b':
        data = np.where(valid[:, :, None], np.clip(data, 0, 255), 0).astype(np.uint8)
        writer.submit(write_geotiff, fpath, data, level=1, **geo)
    else:
        quant = quantize(data, SENTINEL2_QUANTIZATION, valid=valid[:, :, None])
        writer.submit(write_geotiff, fpath, quant,
                      nodata=SENTINEL2_QUANTIZATION['nodata'], level=1, **geo)
        asset['quantization'] = dict(SENTINEL2_QUANTIZATION)
    return asset


def _timestamps(rng, num_frames):
    import datetime as dt
    start = dt.datetime(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
    out, when = [], start
    for _ in range(num_frames):
        out.append(when.isoformat())
        # irregular revisits, like a satellite's
        when = when + dt.timedelta(days=int(rng.integers(1, 16)),
                                   minutes=int(rng.integers(0, 600)))
    return out


# image pixels per asset pixel of the streams kwcoco scales by name; other
# streams get a random rotation / anisotropic scale
STREAM_SCALES = {'disparity': 1, 'flowx|flowy': 1, 'B1': 1, 'B8': 6, 'B8a': 3,
                 'B10': 1, 'B11': 3}


def _stream_plan(streams):
    return [(stream, STREAM_SCALES.get(stream, 'random')) for stream in streams]


def sensor_plans(opts):
    """
    The asset plan of each sensor for frames without a main RGB file:
    ``{sensor: [(channels, scale), ...]}``, empty when frames are RGB.

    ``channels`` (kwcoco's comma separated streams, e.g. ``'B1,B8|B11'``)
    replaces sensor1's bands; ``sensorchan`` (e.g.
    ``'S2:(B1,B8),L8:r|g|b'``) names every sensor and its streams.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> from xcoco.demo.vidshapes import sensor_plans
        >>> sensor_plans(parse_demo_key('vidshapes', channels='B1,X|Y').options)
        {'sensor1': [('B1', 1), ('X|Y', 'random')]}
        >>> sensor_plans(parse_demo_key('vidshapes', sensorchan='s1:(r|g|b,B8),s2:flowx|flowy').options)
        {'s1': [('r|g|b', 'random'), ('B8', 6)], 's2': [('flowx|flowy', 1)]}
        >>> sensor_plans(parse_demo_key('vidshapes').options)
        {}
    """
    if opts.get('sensorchan'):
        from delayed_image import SensorChanSpec
        plans = {}
        for stream in SensorChanSpec.coerce(opts['sensorchan']).streams():
            plans.setdefault(stream.sensor.spec, []).append(stream.chans.spec)
        return {sensor: _stream_plan(streams) for sensor, streams in plans.items()}
    if opts.get('channels'):
        plans = {'sensor1': _stream_plan(opts['channels'].split(','))}
    elif opts['multispectral']:
        plans = {'sensor1': SENSORS['sensor1']}
    else:
        return {}
    if opts['multisensor']:
        plans.update((name, plan) for name, plan in SENSORS.items() if name != 'sensor1')
    return plans


def render_frame(writer, bundle_dpath, gid, shapes, frng, dsize, plan,
                 main_rgb, seed, wld_from_img):
    """
    Render one image's files; return its image dict and shape labels.

    Args:
        shapes (list[Shape]): in this image's pixel space.
        dsize (tuple[int, int]): image (width, height).
        plan (list): ``(channels, scale)`` of each auxiliary asset.
        main_rgb (bool): write an RGB PNG as the image's main file.
        seed (int): the dataset seed (fixes spectral signatures).
        wld_from_img (ndarray): 3x3 georeference of image pixels.
    """
    from xcoco.demo import scene
    from xcoco.demo.files import write_png
    from xcoco.demo.shapes import render_rgb
    labels = scene.rasterize_labels(shapes, dsize)
    img = {'id': gid, 'file_name': None, 'width': dsize[0], 'height': dsize[1]}
    field = scene.smooth_field(frng, dsize)
    if main_rgb:
        grid, img_from_grid = field
        rgb = render_rgb(shapes, labels, frng,
                         scene.warp_field(grid, img_from_grid, dsize))
        fname = f'_assets/images/img_{gid:05d}.png'
        (bundle_dpath / '_assets' / 'images').ensuredir()
        writer.submit(write_png, bundle_dpath / fname, rgb)
        img['file_name'] = fname
        img['channels'] = 'r|g|b'
    assets = []
    for channels, scale in plan:
        warp, spec, adsize = asset_geometry(dsize, scale, frng)
        data, valid = render_asset(shapes, channels, warp, adsize, dsize,
                                   field, frng, seed)
        assets.append(_write_asset(writer, bundle_dpath, gid, channels, warp,
                                   spec, adsize, data, valid, wld_from_img))
    if plan:
        img['auxiliary'] = assets
    return img, labels


def _random_dsize(rng):
    # kwcoco's 'random' image size: each side uniform in [200, 800]
    return tuple(int(v) for v in rng.integers(200, 801, size=2))


def build_vidshapes(bundle_dpath, options):
    """
    Render the ``vidshapes`` demo into ``bundle_dpath`` and write its manifest.

    Args:
        bundle_dpath (Path): empty folder to fill.
        options (dict): as produced by :func:`xcoco.demo.grammar.parse_demo_key`.

    Returns:
        dict: the manifest that was written.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> from xcoco.demo.vidshapes import build_vidshapes
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> data = build_vidshapes(dpath, parse_demo_key('vidshapes2-frames3-gsize64-msi').options)
        >>> len(data['videos']), len(data['images']), len(data['tracks'])
        (2, 6, 4)
        >>> [a['channels'] for a in data['images'][0]['auxiliary']]
        ['B1', 'B8', 'B8a', 'B10', 'B11']
        >>> data = build_vidshapes(ub.Path(tempfile.mkdtemp()), parse_demo_key('vidshapes1-frames2-randgsize').options)
        >>> img = data['images'][1]
        >>> video = data['videos'][0]
        >>> scale = img['warp_img_to_vid'].get('scale', 1.0)
        >>> scale == 1.0 or bool(abs(img['width'] * scale[0] - video['width']) < 1e-6)
        True
    """
    import copy

    import numpy as np

    from xcoco.demo import scene
    from xcoco.demo.files import BackgroundWriter, write_manifest
    opts = options
    seed = opts['seed']
    videos, images, annots, tracks = [], [], [], []
    plans = sensor_plans(opts)
    # with several sensors each frame draws one (the old multisensor
    # draw: keeps those bundles unchanged)
    sensor_names = sorted(plans) if len(plans) > 1 else []
    plain_plan = _AUX if opts['aux'] else []
    with BackgroundWriter() as writer:
        for vidid in range(1, opts['num_videos'] + 1):
            # One stream per video: 'vidshapes8' starts with the videos of
            # 'vidshapes2'; frames get their own streams for the noise.
            rng = np.random.default_rng([seed, 2, vidid])
            size_rng = np.random.default_rng([seed, 4, vidid])
            random_size = opts['image_size'] == 'random'
            vid_dsize = (_random_dsize(size_rng) if random_size
                         else scene.as_dsize(opts['image_size']))
            paths = scene.plan_tracks(rng, vid_dsize, opts['num_tracks'],
                                      opts['num_frames'], opts['max_speed'],
                                      anchors=opts.get('anchors'))
            stamps = _timestamps(rng, opts['num_frames'])
            sensors = [sensor_names[int(rng.integers(len(sensor_names)))]
                       if sensor_names else next(iter(plans), None)
                       for _ in range(opts['num_frames'])]
            videos.append({'id': vidid, 'name': f'toy_video_{vidid}',
                           'width': vid_dsize[0], 'height': vid_dsize[1]})
            # 10 m video pixels in UTM zone 31N, north up; each video its
            # own place
            wld_from_vid = np.array([[10.0, 0, 500000 + 20000 * vidid],
                                     [0, -10.0, 5000000], [0, 0, 1]])
            tid_start = len(tracks) + 1
            for offset, path in enumerate(paths):
                tracks.append({'id': tid_start + offset,
                               'name': f'track_{tid_start + offset:03d}',
                               'category_id': path[0].category_id, 'video_id': vidid})
            for frame in range(opts['num_frames']):
                gid = len(images) + 1
                frng = np.random.default_rng([seed, 3, vidid, frame])
                shapes = [path[frame] for path in paths]
                dsize = _random_dsize(size_rng) if random_size else vid_dsize
                vid_from_img, warp_spec = affine_spec(vid_dsize[0] / dsize[0],
                                                      vid_dsize[1] / dsize[1])
                if dsize != vid_dsize:
                    img_from_vid = np.linalg.inv(vid_from_img)
                    shapes = [shape.warped(img_from_vid) for shape in shapes]
                sensor = sensors[frame]
                img, labels = render_frame(
                    writer, bundle_dpath, gid, shapes, frng, dsize,
                    plans[sensor] if plans else plain_plan, main_rgb=not plans,
                    seed=seed, wld_from_img=wld_from_vid @ vid_from_img)
                if plans or plain_plan:
                    # kwcoco 0.9 writes 'sensor' whenever a frame has assets;
                    # older tools read 'sensor_coarse'
                    img['sensor'] = img['sensor_coarse'] = sensor or 'sensor1'
                img.update(name=f'generated-{vidid}-{frame}', video_id=vidid,
                           warp_img_to_vid=warp_spec,
                           frame_index=frame, timestamp=stamps[frame])
                images.append(img)
                measured = scene.measure_shapes(labels, len(shapes))
                for offset, (shape, (bbox, area)) in enumerate(zip(shapes, measured)):
                    if bbox is None:
                        continue
                    ann = scene.shape_annotation(shape, bbox, area)
                    ann.update(id=len(annots) + 1, image_id=gid,
                               track_id=tid_start + offset)
                    annots.append(ann)
    dataset = {
        'info': [{'type': 'demo', 'generator': 'xcoco.demo.vidshapes',
                  'options': opts}],
        'licenses': [],
        # kwcoco's video demos name the classes only (no hierarchy)
        'categories': [{'id': cat['id'], 'name': cat['name']} for cat in scene.CATEGORIES],
        'keypoint_categories': copy.deepcopy(scene.KEYPOINT_CATEGORIES),
        'videos': videos,
        'images': images,
        'tracks': tracks,
        'annotations': annots,
    }
    write_manifest(bundle_dpath, dataset)
    return dataset
