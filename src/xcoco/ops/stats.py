"""
Summary statistics of datasets.  Reads go through the shared read surface
(:class:`xcoco.query.Queryable`), so any backend gets them.
"""
import os

__all__ = ['basic_stats', 'category_annotation_frequency', 'corrupted_images',
           'extended_stats', 'missing_images', 'summarize_counts']


def basic_stats(dset):
    """
    Counts of each table, in kwcoco's key names.

    Example:
        >>> import xcoco
        >>> basic_stats(xcoco.CocoDataset())['n_imgs']
        0
    """
    return {'n_anns': dset.n_annots, 'n_imgs': dset.n_images,
            'n_videos': dset.n_videos, 'n_cats': dset.n_cats,
            'n_tracks': dset.n_tracks}


def summarize_counts(counts):
    """
    mean / std / min / max / quartiles of a list of counts, plus how many
    items hit the min and the max.

    Example:
        >>> summarize_counts([])
        {'empty_list': True}
        >>> summarize_counts([0, 1, 1, 4])
        {'mean': 1.5, 'std': 1.5, 'min': 0.0, 'max': 4.0, 'q_0.25': 0.75, 'q_0.50': 1.0, 'q_0.75': 1.75, 'nMin': 1, 'nMax': 1, 'shape': (4,)}
    """
    import numpy as np
    data = np.asarray(counts, dtype=np.float64)
    if data.size == 0:
        return {'empty_list': True}  # kwcoco's summary of nothing
    low, high = data.min(), data.max()
    q1, q2, q3 = np.quantile(data, [0.25, 0.5, 0.75])
    return {'mean': float(data.mean()), 'std': float(data.std()),
            'min': float(low), 'max': float(high),
            'q_0.25': float(q1), 'q_0.50': float(q2), 'q_0.75': float(q3),
            'nMin': int((data == low).sum()), 'nMax': int((data == high).sum()),
            'shape': data.shape}


def extended_stats(dset):
    """
    Distributions of annotations per image, images per category, categories
    per image, annotations per category, images per video, annotations per
    track, and whether images have annotations.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> _ = dset.add_image('b.png')
        >>> _ = dset.add_annotation(gid, dset.add_category('cat'))
        >>> stats = extended_stats(dset)
        >>> stats['annots_per_img']['mean'], stats['imgs_with_annots']['mean']
        (0.5, 0.5)
    """
    index = dset.index
    anns = index.anns
    annots_per_img = [len(index.gid_to_aids.get(gid, ())) for gid in index.imgs]
    cats_per_img = [len({anns[aid].get('category_id') for aid in index.gid_to_aids.get(gid, ())})
                    for gid in index.imgs]
    imgs_per_cat = [len({anns[aid].get('image_id') for aid in index.cid_to_aids.get(cid, ())})
                    for cid in index.cats]
    annots_per_cat = [len(index.cid_to_aids.get(cid, ())) for cid in index.cats]
    imgs_per_video = [len(index.vidid_to_gids.get(vidid, ())) for vidid in index.videos]
    # key None groups the annotations without a track: not a track
    annots_per_track = [len(aids) for tid, aids in index.trackid_to_aids.items()
                        if tid is not None]
    return {
        'annots_per_img': summarize_counts(annots_per_img),
        'imgs_per_cat': summarize_counts(imgs_per_cat),
        'cats_per_img': summarize_counts(cats_per_img),
        'annots_per_cat': summarize_counts(annots_per_cat),
        'imgs_per_video': summarize_counts(imgs_per_video),
        'annots_per_track': summarize_counts(annots_per_track),
        'imgs_with_annots': summarize_counts([n > 0 for n in annots_per_img]),
    }


def category_annotation_frequency(dset):
    """
    Annotations per category name, fewest first (ties by name), as kwcoco.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_category('b'), dset.add_category('a')
        >>> _ = dset.add_annotation(dset.add_image('x.png'), category_id=1)
        >>> category_annotation_frequency(dset)
        {'a': 0, 'b': 1}
    """
    index = dset.index
    freq = {cat.get('name'): len(index.cid_to_aids.get(cid, ()))
            for cid, cat in index.cats.items()}
    return dict(sorted(freq.items(), key=lambda item: (item[1], str(item[0]))))


def _image_paths(img, check_aux):
    from xcoco.manifest.assets import iter_file_objs
    for obj in iter_file_objs(img):
        if check_aux or obj is img:
            yield obj['file_name']


def missing_images(dset, check_aux=True, verbose=0):
    """
    ``(position, path, image_id)`` of each file that does not exist; with
    ``check_aux`` the files of assets are checked too.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/nonexistent')
        >>> _ = dset.add_image(name='only_assets', assets=[{'file_name': 'b1.tif'}])
        >>> missing_images(dset)
        [(0, '/nonexistent/b1.tif', 1)]
    """
    missing = []
    for pos, (gid, img) in enumerate(dset.index.imgs.items()):
        for file_name in _image_paths(img, check_aux):
            fpath = os.path.join(dset.bundle_dpath, file_name)
            if not os.path.exists(fpath):
                missing.append((pos, fpath, gid))
    if verbose:
        print(f'{len(missing)} missing files')
    return missing


def corrupted_images(dset, check_aux=True, verbose=0, workers=0):
    """
    ``(position, path, image_id)`` of each file that exists but whose pixels
    do not all decode (a truncated PNG or GeoTIFF still has a readable
    header); with ``check_aux`` the files of assets are checked too, with
    ``workers > 0`` that many threads decode at once.  Reads
    only ``dset.index`` and ``dset.bundle_dpath``, so it works on any backend.

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> import numpy as np, kwimage, xcoco
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> _ = kwimage.imwrite(dpath / 'ok.png', np.zeros((8, 8, 3), np.uint8))
        >>> _ = (dpath / 'bad.png').write_bytes((dpath / 'ok.png').read_bytes()[:40])
        >>> dset = xcoco.CocoDataset(bundle_dpath=dpath)
        >>> _ = dset.add_image('ok.png'), dset.add_image('bad.png')
        >>> corrupted_images(dset) == [(1, str(dpath / 'bad.png'), 2)]
        True
    """
    from xcoco.ops.file_checks import decode_errors
    existing = []
    for pos, (gid, img) in enumerate(dset.index.imgs.items()):
        for file_name in _image_paths(img, check_aux):
            fpath = os.path.join(dset.bundle_dpath, file_name)
            if os.path.exists(fpath):
                existing.append((pos, fpath, gid))
    reasons = decode_errors([fpath for _, fpath, _ in existing], workers)
    corrupted = [entry for entry, reason in zip(existing, reasons) if reason is not None]
    if verbose:
        print(f'{len(corrupted)} corrupted files')
    return corrupted
