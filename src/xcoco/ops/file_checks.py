"""
The file rules of :func:`xcoco.ops.validate.validate` (paths inside the
bundle, files that exist, files that decode) and :func:`decode_error`, the
one answer to "do all of this file's pixels decode?", which
:meth:`xcoco.CocoDataset.corrupted_images` shares.

Example:
    >>> import tempfile
    >>> import ubelt as ub
    >>> import numpy as np, kwimage
    >>> from xcoco.ops.file_checks import decode_error
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> _ = kwimage.imwrite(dpath / 'a.png', np.zeros((8, 8, 3), np.uint8))
    >>> data = (dpath / 'a.png').read_bytes()
    >>> _ = (dpath / 'cut.png').write_bytes(data[:len(data) // 2])
    >>> decode_error(dpath / 'a.png') is None, decode_error(dpath / 'cut.png') is None
    (True, False)
"""
import os
import stat
import warnings

from xcoco.manifest.assets import iter_asset_entries
from xcoco.manifest.escape import REASONS, is_absolute_name, iter_escaping_files

__all__ = ['check_files', 'decode_error', 'decode_errors']

_TIFF_MAGIC = (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+')
_PNG_MAGIC = b'\x89PNG'
_JPEG_MAGIC = b'\xff\xd8\xff'


def decode_error(fpath):
    """
    None if every pixel of the file decodes, else a short reason.

    Each format goes to a reader that fails on missing data, because some
    readers quietly fill a truncated file with zeros (measured: OpenCV on a
    cut JPEG, GDAL on a cut PNG), which a header read never notices either:

    * TIFF / GeoTIFF: rasterio reads every block of every band (without
      rasterio, kwimage's full read);
    * PNG and JPEG: Pillow's full decode (Pillow comes with kwimage);
    * anything else: kwimage's full read, then rasterio for formats only
      GDAL knows.

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> from xcoco.ops.file_checks import decode_error
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'junk.png'
        >>> _ = fpath.write_bytes(b'not an image')
        >>> decode_error(fpath) is not None
        True
    """
    fpath = os.fspath(fpath)
    try:
        # a FIFO or a device named by a hostile manifest (/dev/stdin) would
        # block the open or the read forever: only regular files are read
        if not stat.S_ISREG(os.stat(fpath).st_mode):
            return 'not a regular file'
        with open(fpath, 'rb') as file:
            head = file.read(8)
    except (OSError, ValueError) as ex:  # ValueError: a NUL byte in the name
        return f'{type(ex).__name__}: {ex}'
    if head[:4] in _TIFF_MAGIC:
        return _rasterio_error(fpath) if _has_rasterio() else _kwimage_error(fpath)
    if head.startswith((_PNG_MAGIC, _JPEG_MAGIC)):
        reason = _pillow_error(fpath)
        if reason != 'too big for Pillow':
            return reason
        return _kwimage_error(fpath)
    reason = _kwimage_error(fpath)
    if reason is not None and _has_rasterio() and _rasterio_error(fpath) is None:
        return None
    return reason


def _has_rasterio():
    import importlib.util
    return importlib.util.find_spec('rasterio') is not None


def _pillow_error(fpath):
    from PIL import Image
    try:
        # Only the size warning: a big photo is not a corrupt one.
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(fpath) as img:
                img.load()
    except Image.DecompressionBombError:
        return 'too big for Pillow'
    except Exception as ex:
        return f'{type(ex).__name__}: {ex}'
    return None


def _kwimage_error(fpath):
    import kwimage
    try:
        data = kwimage.imread(fpath)
    except Exception as ex:
        return f'{type(ex).__name__}: {ex}'
    return None if data is not None else 'no pixels'


def _rasterio_error(fpath):
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning
    try:
        # Plain (non-geo) TIFFs are fine images; only that warning is quieted.
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', NotGeoreferencedWarning)
            with rasterio.open(fpath) as src:
                if src.count == 0:
                    return 'no bands'
                # Block by block: every tile is decoded, memory stays one tile.
                for _, window in src.block_windows():
                    src.read(window=window)
    except Exception as ex:
        return f'{type(ex).__name__}: {ex}'
    return None


def _is_uri(fname):
    return '://' in fname


def _registered_files(img, idx):
    """(JSON path, file_name) of an image's own file and of its assets."""
    if isinstance(img.get('file_name'), str):
        yield f'/images/{idx}/file_name', img['file_name']
    for key, pos, asset in iter_asset_entries(img):
        if isinstance(asset, dict) and isinstance(asset.get('file_name'), str):
            yield f'/images/{idx}/{key}/{pos}/file_name', asset['file_name']


def decode_errors(fpaths, workers=0):
    """
    :func:`decode_error` of each path, in order; with ``workers > 0`` that
    many threads decode at once (the readers release the GIL while they
    decode).

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> from xcoco.ops.file_checks import decode_errors
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'junk.png'
        >>> _ = fpath.write_bytes(b'not an image')
        >>> [reason is None for reason in decode_errors([fpath, fpath], workers=2)]
        [False, False]
    """
    fpaths = list(fpaths)
    workers = int(workers or 0)
    if workers <= 0 or len(fpaths) < 2:
        return [decode_error(fpath) for fpath in fpaths]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=min(workers, len(fpaths))) as pool:
        return list(pool.map(decode_error, fpaths))


def _check_outside_bundle(images, cfg, root, rr, label, result, report):
    """
    The ``file_name.escape`` rule: file names that leave the bundle
    (:mod:`xcoco.manifest.escape`), a warning unless ``outside_bundle='error'``
    or ``require_relative>1``; their records go to ``result['outside_bundle']``.
    """
    setting = cfg.get('outside_bundle', 'warn')
    if setting not in (True, False, None, 'warn', 'error'):
        raise ValueError(f"validate(outside_bundle=...) takes 'warn', 'error' or False, "
                         f'got {setting!r}')
    strict = rr > 1 or setting == 'error'
    if not (setting or strict):
        return
    found = list(iter_escaping_files(images, root, bool(cfg.get('resolve_links'))))
    for record in found:
        report.add('file_name.escape', record['path'], record['image_id'],
                   f"{label(images[record['index']], record['index'])} field {record['field']!r}: file_name "
                   f"{record['file_name']!r} points outside the bundle {root!r} "
                   f"(it {REASONS[record['reason']]})",
                   'error' if strict else 'warning')
    if found:
        result['outside_bundle'] = found


def check_files(images, cfg, bundle_dpath, label, result, report):
    """
    Path rules for every registered file; existence (``missing``, on by
    default as in kwcoco) and decoding (``corrupted``) on request.  As in
    kwcoco, a file that does not exist is corrupted too when only the
    decoding is checked; when both are, it is reported once, as missing.

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': '/abs/a.png'}]}
        >>> [p.rule for p in validate(data, require_relative=1, missing=False)['errors']]
        ['file_name.absolute']
    """
    rr = cfg['require_relative']
    rr = int(rr) if rr else 0
    root = os.fspath(bundle_dpath) if bundle_dpath else os.getcwd()
    missing, corrupted = [], []
    to_decode = []
    if cfg['missing']:
        report.step('Check for missing images')
    for idx, img in enumerate(images):
        if not isinstance(img, dict):
            continue
        gid = img.get('id')
        name = label(img, idx)
        for path, fname in _registered_files(img, idx):
            if _is_uri(fname):
                continue
            if rr > 0 and is_absolute_name(fname):
                report.add('file_name.absolute', path, gid,
                           f'{name} file_name {fname!r} is absolute; '
                           'require_relative asks for paths relative to the bundle')
            if not (cfg['missing'] or cfg['corrupted']):
                continue
            full = fname if os.path.isabs(fname) else os.path.join(root, fname)
            if cfg['missing'] and not os.path.exists(full):
                missing.append((idx, full, gid))
                report.add('file.missing', path, gid,
                           f'{name} file {full!r} does not exist')
            elif cfg['corrupted']:
                to_decode.append((idx, full, gid, path, name))
    report.summarize('missing', missing)
    _check_outside_bundle(images, cfg, root, rr, label, result, report)
    if to_decode:
        report.step('Check for corrupted images')
        reasons = decode_errors([job[1] for job in to_decode], cfg.get('workers', 0))
        for (idx, full, gid, path, name), reason in zip(to_decode, reasons):
            if reason is not None:
                corrupted.append((idx, full, gid))
                report.add('file.unreadable', path, gid,
                           f'{name} file {full!r} does not decode as an image ({reason})')
        report.summarize('corrupted', corrupted)
    if missing:
        result['missing'] = missing
    if corrupted:
        result['corrupted'] = corrupted
