"""
kwcoco's integrity and identity helpers that users call even though their
names start with an underscore (``_check_index``, ``_check_integrity``,
``_check_pointers``, ``_check_json_serializable``, ``_build_hashid``,
``_cached_hashid``, ``_ensure_imgsize``, ``_dataset_id``).  Bound as
:class:`xcoco.CocoDataset` methods under those names.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from xcoco.types import JsonDict, StrPath

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset
    from xcoco.query import Queryable

__all__ = [
    'build_hashid',
    'cached_hashid',
    'cached_hashid_for',
    'check_index',
    'check_integrity',
    'check_json_serializable',
    'check_pointers',
    'dataset_id',
    'ensure_imgsize',
    'ensure_json_serializable',
    'hashid_parts',
    'hashid_sidecar',
]


def check_index(dset: Queryable) -> bool:
    """
    Assert that the index equals a fresh build from the manifest (raises
    ``AssertionError`` naming the first difference); True otherwise.

    Example:
        >>> import xcoco, pytest
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset._check_index()
        True
        >>> _ = dset.index.anns.pop(1)
        >>> with pytest.raises(AssertionError):
        ...     dset._check_index()
    """
    from xcoco.testing import assert_index_consistent
    assert_index_consistent(dset)
    return True


def check_pointers(dset: Queryable, verbose: int = 0) -> bool:
    """
    Assert that every annotation's ``image_id`` and ``category_id`` names
    an existing object (a ``track_id`` may precede its track, as in
    kwcoco); raises ``AssertionError`` listing the dangling references,
    returns True otherwise.

    Example:
        >>> import xcoco, pytest
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset._check_pointers()
        True
        >>> dset.index.anns[1]['category_id'] = 999
        >>> with pytest.raises(AssertionError, match='category_id=999'):
        ...     dset._check_pointers()
    """
    index = dset.index
    refs = [('image_id', index.imgs), ('category_id', index.cats)]
    problems = []
    for aid, ann in index.anns.items():
        for field, table in refs:
            value = ann.get(field)
            if value is not None and value not in table:
                problems.append(f'annotation id={aid!r}: {field}={value!r} does not exist')
    if verbose:
        print(f'checked pointers of {len(index.anns)} annotations: {len(problems)} dangling')
    if problems:
        more = f' (and {len(problems) - 10} more)' if len(problems) > 10 else ''
        raise AssertionError('; '.join(problems[:10]) + more)
    return True


#: what kwcoco lets a dataset hold while it is being built (frames before
#: their video, two frames sharing an index); validate still reports them
_LAX_RULES = frozenset({'image.video_id.exists', 'image.frame_index.unique'})


def check_integrity(dset: Queryable) -> bool:
    """
    The index check, the pointer check, the serializability check and the
    validator's errors in one call: raises ``AssertionError`` on the first
    failure, True otherwise.  Frames whose video is not added yet, and
    frames sharing a ``frame_index``, pass, as in kwcoco (``validate``
    still reports them).

    Example:
        >>> import xcoco
        >>> xcoco.CocoDataset.demo('shapes2')._check_integrity()
        True
    """
    check_index(dset)
    check_pointers(dset)
    unwritable = check_json_serializable(dset)
    if unwritable:
        raise AssertionError(f'{len(unwritable)} values cannot be written, first at '
                             f"{unwritable[0]['loc']}")
    errors = [error for error in dset.validate(missing=False)['errors']
              if getattr(error, 'rule', None) not in _LAX_RULES]
    if errors:
        raise AssertionError(f'{len(errors)} validation errors, first: {errors[0]}')
    return True


def _unserializable(value, loc, found):
    from xcoco.manifest.io import json_default
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return
    if kind is dict:
        for key, item in value.items():
            if not isinstance(key, str):
                found.append({'loc': loc + [key], 'data': key})
            _unserializable(item, loc + [key], found)
        return
    if kind is list:
        for pos, item in enumerate(value):
            _unserializable(item, loc + [pos], found)
        return
    try:
        converted = json_default(value)
    except TypeError:
        found.append({'loc': loc, 'data': value})
        return
    if converted is not value:
        _unserializable(converted, loc, [])  # nested oddities are the value's own


def check_json_serializable(dset: Queryable, verbose: int = 0) -> list[dict[str, Any]]:
    """
    The places (``{'loc': path, 'data': value}``) holding a value that
    ``dump`` cannot write.  numpy values, tuples, sets and paths are not
    listed: xcoco's writer converts them.

    Example:
        >>> import xcoco
        >>> import numpy as np
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset.anns[1]['bbox'] = np.array([1, 2, 3, 4])
        >>> dset._check_json_serializable()
        []
        >>> dset.anns[1]['note'] = object()
        >>> [item['loc'] for item in dset._check_json_serializable()]
        [['annotations', 0, 'note']]
    """
    found: list[dict[str, Any]] = []
    _unserializable(dset.dataset, [], found)
    if verbose:
        print(f'{len(found)} values cannot be written')
    return found


def ensure_json_serializable(dset: CocoDataset) -> None:
    """
    Convert, in place, every value the JSON writer would convert (numpy
    arrays and scalars, tuples, sets, paths) to its plain JSON form.

    Example:
        >>> import xcoco
        >>> import numpy as np
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset.anns[1]['bbox'] = np.array([1, 2, 3, 4])
        >>> dset._ensure_json_serializable()
        >>> dset.anns[1]['bbox']
        [1, 2, 3, 4]
    """
    from xcoco.manifest.io import plain_json
    for table in list(dset.dataset):
        rows = dset.dataset[table]
        if isinstance(rows, list):
            for row in rows:
                if isinstance(row, dict):
                    for key, value in row.items():
                        plain = plain_json(value)
                        if plain is not value:
                            row[key] = plain
        else:
            dset.dataset[table] = plain_json(rows)
    dset.index.note_edit()


def build_hashid(dset: CocoDataset, hash_pixels: bool = False, verbose: int = 0) -> str:
    """
    The dataset's content hash (:attr:`xcoco.CocoDataset.hashid`); with
    ``hash_pixels`` the bytes of every image and asset file are hashed in
    too, so re-rendered pixels give a new id.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> dset._build_hashid() == dset.hashid
        True
        >>> dset._build_hashid(hash_pixels=True) != dset.hashid
        True
    """
    if not hash_pixels:
        return dset.hashid
    import ubelt as ub

    from xcoco.manifest.assets import iter_file_objs
    parts = [dset.hashid]
    for img in dset.index.imgs.values():
        for obj in iter_file_objs(img):
            fpath = os.path.join(dset.bundle_dpath, obj['file_name'])
            parts.append(ub.hash_file(fpath) if os.path.exists(fpath) else 'missing')
    if verbose:
        print(f'hashed {len(parts) - 1} files')
    return ub.hash_data(parts)


def hashid_parts(dset: CocoDataset) -> dict[str, dict[str, Any]]:
    """
    The hash of each table (``'json'``) and its length (``'num'``), in
    kwcoco's shape; computed from the current data on access (kwcoco keeps
    them between calls and clears a table's part when it is edited).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> parts = dset.hashid_parts
        >>> sorted(parts), parts['images']['num']
        (['annotations', 'categories', 'images', 'keypoint_categories'], 2)
        >>> _ = dset.add_category('new')
        >>> dset.hashid_parts['categories']['json'] != parts['categories']['json']
        True
    """
    from xcoco.ops.hashid import manifest_hashid
    parts = {}
    for table in ('annotations', 'images', 'categories', 'videos', 'tracks',
                  'keypoint_categories'):
        rows = dset.dataset.get(table)
        if rows or table in ('annotations', 'images', 'categories'):
            rows = rows or []
            parts[table] = {'json': manifest_hashid({table: rows}), 'num': len(rows)}
    return parts


def hashid_sidecar(fpath: StrPath) -> list[str]:
    """
    Where the hashid of a manifest file is cached, in the order tried:
    beside the file (kwcoco's ``_cache/<name>.hashid.cache``), then the
    user cache (for read-only folders).

    Example:
        >>> hashid_sidecar('/data/bundle/data.kwcoco.json')[0]
        '/data/bundle/_cache/data.kwcoco.json.hashid.cache'
    """
    import ubelt as ub
    fpath = os.path.abspath(os.fspath(fpath))
    beside = os.path.join(os.path.dirname(fpath), '_cache',
                          os.path.basename(fpath) + '.hashid.cache')
    user = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                        'xcoco', 'hashid', ub.hash_data(fpath)[:16] + '.hashid.cache')
    return [beside, user]


def _status_key(fpath):
    stat = os.stat(fpath)
    return {'st_size': stat.st_size, 'st_mtime': stat.st_mtime}


def cached_hashid_for(fpath: StrPath) -> str | None:
    """
    The cached hashid of a manifest file if a cache entry exists and the
    file's size and mtime still match it; None otherwise.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> hashid = dset._cached_hashid()
        >>> xcoco.CocoDataset._cached_hashid_for(dset.fpath) == hashid
        True
    """
    import orjson
    if not os.path.isfile(fpath):
        return None
    key = _status_key(fpath)
    for sidecar in hashid_sidecar(fpath):
        try:
            with open(sidecar, 'rb') as file:
                cached = orjson.loads(file.read())
        except (OSError, ValueError):
            continue
        if cached.get('status_key') == key and cached.get('fpath') == os.path.abspath(fpath):
            return cached.get('hashid')
    return None


def cached_hashid(dset: CocoDataset) -> str:
    """
    :attr:`hashid`, read from / written to a cache keyed on the manifest
    file's size and mtime when the dataset is unedited since it was loaded
    (so reopening a large file does not rehash it).  A folder that cannot
    be written falls back to the user cache, then to no cache.

    Example:
        >>> import xcoco, os, stat, tempfile, shutil
        >>> import ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> xcoco.CocoDataset.demo('shapes2').dump(dpath / 'data.kwcoco.json')
        >>> os.chmod(dpath, stat.S_IRUSR | stat.S_IXUSR)  # read-only folder
        >>> dset = xcoco.CocoDataset(dpath / 'data.kwcoco.json')
        >>> dset._cached_hashid() == dset.hashid
        True
        >>> os.chmod(dpath, stat.S_IRWXU)
    """
    import orjson

    from xcoco.manifest.io import atomic_write
    fpath = dset.fpath
    unedited = (fpath is not None and os.path.isfile(fpath)
                and dset._state.get('loaded_edits') == dset.index.edits)
    if not unedited:
        return dset.hashid
    cached = cached_hashid_for(fpath)
    if cached is not None:
        return cached
    hashid = dset.hashid
    record = orjson.dumps({'fpath': os.path.abspath(fpath), 'status_key': _status_key(fpath),
                           'hashid': hashid})
    for sidecar in hashid_sidecar(fpath):
        try:
            os.makedirs(os.path.dirname(sidecar), exist_ok=True)
            with atomic_write(sidecar, 'wb') as file:
                file.write(record)
            break
        except OSError:
            continue  # read-only: try the next place
    return hashid


def dataset_id(dset: CocoDataset) -> str:
    """
    A readable unique name: the bundle folder, the manifest's stem and the
    start of the hashid.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset(bundle_dpath='/data/toy')
        >>> dset._dataset_id().startswith('toy_data.kwcoco_')
        True
    """
    bundle = os.path.basename(os.path.abspath(dset.bundle_dpath))
    stem = os.path.basename(dset.fpath or 'data.kwcoco.json')
    if stem.endswith('.json'):
        stem = stem[:-len('.json')]
    return f'{bundle}_{stem}_{dset.hashid[:8]}'


def _image_shape(fpath):
    """kwimage's header read, after refusing a FIFO or device a manifest names"""
    import kwimage

    from xcoco.manifest.escape import refuse_special_file
    refuse_special_file(fpath)
    return kwimage.load_image_shape(fpath)


def ensure_imgsize(dset: CocoDataset, workers: int = 0, verbose: int = 0,
                   fail: bool = False) -> dict[str, Any]:
    """
    Fill ``width`` / ``height`` of images (and assets) that lack them from
    their files' headers.  Returns kwcoco's summary: ``message``,
    ``bad_images`` (dicts whose size could not be read), ``num_attempts``,
    ``num_modified``, ``num_failed``; ``fail=True`` raises instead of
    listing a bad image.

    Example:
        >>> import xcoco, pytest
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> _ = dset.imgs[1].pop('width'), dset.imgs[1].pop('height')
        >>> summary = dset._ensure_imgsize()
        >>> summary['num_modified'], dset.imgs[1]['width']
        (1, 600)
        >>> _ = dset.add_image('does-not-exist.png')
        >>> len(dset._ensure_imgsize()['bad_images'])
        1
        >>> with pytest.raises(xcoco.FilePathError):
        ...     dset._ensure_imgsize(fail=True)
    """
    import ubelt as ub

    from xcoco.errors import FilePathError
    from xcoco.manifest.assets import iter_file_objs
    todo: list[tuple[JsonDict, JsonDict]] = []
    for img in dset.index.imgs.values():
        for obj in iter_file_objs(img):
            if obj.get('width') is None or obj.get('height') is None:
                todo.append((img, obj))
    paths = [os.path.join(dset.bundle_dpath, obj['file_name']) for _, obj in todo]
    jobs = ub.JobPool(mode='thread', max_workers=workers)
    futures = [jobs.submit(_image_shape, fpath) for fpath in paths]
    bad: list[JsonDict] = []
    modified = 0
    for (img, obj), fpath, future in zip(todo, paths, futures):
        try:
            shape = future.result()
        except Exception as ex:
            if fail:
                raise FilePathError(f"image id={img.get('id')!r}: cannot read the size "
                                    f'of {fpath}: {ex}') from ex
            bad.append(img)
            continue
        obj['height'], obj['width'] = int(shape[0]), int(shape[1])
        modified += 1
    if modified:
        dset.index.note_edit()
    message = (f'read {len(todo)} sizes: {modified} filled, {len(bad)} failed'
               if todo else 'every image has a size')
    if verbose:
        print(message)
    return {'message': message, 'bad_images': bad, 'num_attempts': len(todo),
            'num_modified': modified, 'num_failed': len(bad)}
