"""
The file rules of :func:`xcoco.ops.validate.validate`: paths inside the
bundle, files that exist, files that can be read.

Example:
    >>> from xcoco.ops.validate import validate
    >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': '/abs/a.png'}]}
    >>> [p.rule for p in validate(data, require_relative=1)['errors']]
    ['file_name.absolute']
"""
import os
import posixpath

from xcoco.manifest.assets import iter_asset_entries


def _readable(fpath):
    """
    True if some reader can open the file: header first (cheap), then
    rasterio (GeoTIFFs PIL cannot identify), then a full kwimage read.
    """
    import kwimage
    try:
        kwimage.load_image_shape(fpath)
        return True
    except Exception:  # noqa: BLE001, S110 - any reader failure: try the next reader
        pass
    try:
        import rasterio
        with rasterio.open(fpath) as src:
            return src.count > 0
    except Exception:  # noqa: BLE001, S110 - not installed or cannot open: try the next reader
        pass
    try:
        kwimage.imread(fpath)
        return True
    except Exception:  # noqa: BLE001 - every reader failed: the file is unreadable
        return False


def _is_uri(fname):
    return '://' in fname


def _inside(fname, root):
    try:
        return os.path.commonpath([os.path.abspath(fname), os.path.abspath(root)]) == os.path.abspath(root)
    except ValueError:  # different drives on Windows
        return False


def _registered_files(img, idx):
    """(JSON path, file_name) of an image's own file and of its assets."""
    if isinstance(img.get('file_name'), str):
        yield f'/images/{idx}/file_name', img['file_name']
    for key, pos, asset in iter_asset_entries(img):
        if isinstance(asset, dict) and isinstance(asset.get('file_name'), str):
            yield f'/images/{idx}/{key}/{pos}/file_name', asset['file_name']


def check_files(images, cfg, bundle_dpath, label, result, report):
    """Path rules for every registered file; existence and decoding on request."""
    rr = cfg['require_relative']
    rr = int(rr) if rr else 0
    root = os.fspath(bundle_dpath) if bundle_dpath else os.getcwd()
    missing, corrupted = [], []
    for idx, img in enumerate(images):
        if not isinstance(img, dict):
            continue
        gid = img.get('id')
        name = label(img, idx)
        for path, fname in _registered_files(img, idx):
            if _is_uri(fname):
                continue
            if os.path.isabs(fname):
                if rr > 0:
                    report.add('file_name.absolute', path, gid,
                               f'{name} file_name {fname!r} is absolute; '
                               'require_relative asks for paths relative to the bundle')
                escapes = not _inside(fname, root)
            else:
                escapes = posixpath.normpath(fname.replace('\\', '/')).startswith('../')
            if escapes:
                report.add('file_name.escape', path, gid,
                           f'{name} file_name {fname!r} points outside the bundle {root!r}',
                           'error' if rr > 1 else 'warning')
            if not (cfg['missing'] or cfg['corrupted']):
                continue
            full = fname if os.path.isabs(fname) else os.path.join(root, fname)
            if not os.path.exists(full):
                if cfg['missing']:
                    missing.append((idx, full, gid))
                    report.add('file.missing', path, gid,
                               f'{name} file {full!r} does not exist')
            elif cfg['corrupted'] and not _readable(full):
                corrupted.append((idx, full, gid))
                report.add('file.unreadable', path, gid,
                           f'{name} file {full!r} exists but cannot be read as an image')
    if missing:
        result['missing'] = missing
    if corrupted:
        result['corrupted'] = corrupted
