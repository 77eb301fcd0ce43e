"""
Check a manifest and name every problem: rule, JSON path, offending id.

:func:`validate` returns kwcoco's shape, ``{'errors': [...], 'warnings':
[...]}``, whose entries are :class:`Problem` objects: plain strings (so code
written for kwcoco can print or join them) that also carry ``rule``,
``path`` (a JSON pointer into the manifest), ``id`` and ``message``.

It works on the raw ``dset.dataset`` dicts when there are some, so that
manifests loaded with dangling references or duplicate ids (``autobuild=False``)
are reported instead of crashing the checker; a backend without a dict
manifest is read through its index.  Values are judged as the JSON that
``dump`` writes: tuples, arrays and numpy scalars in an in-memory manifest are
lists and numbers.  :data:`RULES` lists every rule; the geometry rules live in
``geometry_checks`` and the file rules in ``file_checks``.

Example:
    >>> from xcoco.ops.validate import validate
    >>> data = {'images': [{'id': 1, 'file_name': 'a.png', 'width': 10, 'height': 10}],
    ...         'categories': [{'id': 1, 'name': 'cat'}],
    ...         'annotations': [{'id': 17, 'image_id': 99, 'category_id': 1}]}
    >>> result = validate(data, missing=False)
    >>> problem = result['errors'][0]
    >>> problem['rule'], problem['path'], problem['id']
    ('annotation.image_id.exists', '/annotations/0/image_id', 17)
    >>> print(problem)
    annotation id=17 refers to image_id=99 which does not exist
"""
import functools
import warnings

from xcoco.manifest.assets import WARP_KEYS, iter_asset_entries
from xcoco.ops import file_checks, geometry_checks
from xcoco.tables import INDEX_ATTR, NOUN, TABLES

__all__ = ['DEFAULT_CONFIG', 'RULES', 'Problem', 'validate']

#: kwcoco's options (same names and defaults) plus xcoco's.  As in kwcoco
#: ``missing`` is on: pass ``missing=False`` for a check of the manifest
#: alone (it touches no file).
DEFAULT_CONFIG = {
    'schema': True,             # json-schema of every object
    'unique': True,             # unique ids per table and unique names
    'references': True,         # ids that point into other tables
    'geometry': True,           # bbox / polygon / RLE / keypoint sanity
    'channels': True,           # channel specs parse, names not repeated
    'warps': True,              # TransformSpecs coerce to an invertible affine
    'missing': True,            # registered files exist
    'corrupted': False,         # registered files decode in full (slow: reads every pixel)
    'require_relative': False,  # >0: absolute paths are errors, >1: escaping paths too
    'outside_bundle': 'warn',   # file names leaving the bundle: 'warn', 'error' or False (xcoco)
    'resolve_links': False,     # outside_bundle also follows symlinks on disk (xcoco)
    'img_attrs': False,         # 'warn' / 'error': images need width / height
    'annot_attrs': False,       # 'warn' / 'error': annotations need bbox
    'verbose': 0,               # 1: print each error, 2: also each step and warning
    'fastfail': False,
    'workers': 0,               # threads decoding files for the corrupted check
}

#: rule -> (default severity, what it checks).
RULES = {
    'manifest.schema': ('error', 'the top level is an object whose tables are lists'),
    'schema': ('error', 'each object matches its table schema (xcoco.coco_schema)'),
    'id.unique': ('error', 'ids are unique within each table'),
    'name.unique': ('error', 'category, video, keypoint category, track and image names are unique'),
    'image.name.missing': ('warning', 'images without a name (kwcoco reports this too)'),
    'annotation.image_id.exists': ('error', 'annotation image_id names an image'),
    'annotation.category_id.exists': ('error', 'annotation category_id names a category'),
    'annotation.track_id.exists': ('error', 'annotation track_id names a track (warning without a tracks table)'),
    'image.video_id.exists': ('error', 'image video_id names a video'),
    'keypoint.category.exists': ('error', 'keypoint categories referenced by keypoints exist'),
    'keypoint_category.reflection_id.exists': ('error', 'reflection_id names a keypoint category'),
    'annotation.bbox.size': ('error', 'bbox numbers are finite with non-negative width and height'),
    'annotation.bbox.inside': ('warning', 'bbox lies inside its image'),
    'annotation.segmentation.even': ('error', 'flat polygons have an even number of coordinates'),
    'annotation.segmentation.degenerate': ('warning', 'polygons have at least 3 points'),
    'annotation.segmentation.rle': ('error', 'uncompressed RLE runs sum to height * width'),
    'annotation.segmentation.wkt': ('error', 'WKT segmentations parse'),
    'annotation.keypoints.length': ('error', 'flat keypoints come in (x, y, v) triples matching the category'),
    'track.bbox.size': ('error', 'track bbox (video space) has non-negative size'),
    'image.size': ('error', 'width / height are positive integers'),
    'image.size.float': ('warning', 'width / height written as floats'),
    'image.attrs': ('warning', 'images have width / height (img_attrs option)'),
    'annotation.attrs': ('warning', 'annotations have a bbox (annot_attrs option)'),
    'image.frame_index.unique': ('error', 'frame_index is not repeated within a video'),
    'image.file_name.required': ('warning', 'an image has a file_name or assets'),
    'channels.parse': ('error', 'channel specs parse into non-empty names'),
    'channels.repeat': ('error', 'a channel name appears once per image'),
    'asset.channels.missing': ('error', 'assets declare their channels'),
    'warp.coerce': ('error', 'warps coerce to an invertible kwimage.Affine'),
    'file_name.escape': ('warning', "file names stay inside the bundle: no '..' climbing out, no "
                                    "absolute path elsewhere, with resolve_links no symlink leading "
                                    "out (error with outside_bundle='error' or require_relative>1)"),
    'file_name.absolute': ('error', 'file names are relative (require_relative>0)'),
    'file.missing': ('error', 'registered files exist (missing=True)'),
    'file.unreadable': ('error', 'registered files decode in full (corrupted=True)'),
    'format.unrepresented': ('error', "rows a dialect importer (xcoco.formats) kept raw under "
                                      "the top-level 'unrepresented' list"),
}

_NUM = (int, float)


class Problem(str):
    """
    One validation finding: a string (its message) with structure attached.

    Attributes:
        rule (str): a key of :data:`RULES`.
        path (str): JSON pointer into the manifest, e.g. ``/images/3/width``.
        id: the id of the offending object, or None.
        message (str): the same text as ``str(self)``.
        severity (str): ``'error'`` or ``'warning'``.

    Items can also be read like a dict: ``problem['rule']``.

    Example:
        >>> p = Problem('bad', rule='image.size', path='/images/0/width', id=3)
        >>> p.rule, p['path'], p.to_dict()['id'], p.upper()
        ('image.size', '/images/0/width', 3, 'BAD')
    """

    _FIELDS = ('rule', 'path', 'id', 'message', 'severity')

    def __new__(cls, message, rule, path='', id=None, severity='error'):
        self = super().__new__(cls, message)
        self.rule = rule
        self.path = path
        self.id = id
        self.message = str(message)
        self.severity = severity
        return self

    def __getitem__(self, key):
        if isinstance(key, str):
            if key in self._FIELDS:
                return getattr(self, key)
            raise KeyError(key)
        return str.__getitem__(self, key)

    def keys(self):
        """
        The structured field names.

        Example:
            >>> list(Problem('m', rule='r').keys())
            ['rule', 'path', 'id', 'message', 'severity']
        """
        return list(self._FIELDS)

    def to_dict(self):
        """
        The structure as a plain dict.

        Example:
            >>> Problem('m', rule='r', path='/a', id=1).to_dict()['path']
            '/a'
        """
        return {key: getattr(self, key) for key in self._FIELDS}

    def __reduce__(self):
        return (Problem, (self.message, self.rule, self.path, self.id,
                          self.severity))


#: rules whose errors verbose=1 prints as one summary line per check (one
#: line per file would flood the output for a bundle that moved)
SUMMARIZED_RULES = ('file.missing', 'file.unreadable')


class _Report:
    """
    Collects problems.  What it prints follows kwcoco's levels: ``verbose=1``
    prints each error's message (files as one summary line per check),
    ``verbose=2`` also each step, each warning and each file.
    """

    def __init__(self, verbose=0, fastfail=False, fpath=None):
        self.errors = []
        self.warnings = []
        self.verbose = int(verbose or 0)
        self.fastfail = fastfail
        self.fpath = fpath

    def step(self, text):
        if self.verbose >= 2:
            print(text)

    def summarize(self, what, found):
        """kwcoco's one-line summary of a file check's ``(index, path, gid)`` list."""
        if self.verbose and found:
            print(f'There are {len(found)} {what} images. '
                  f'The first one is {found[0][1]!r}.')

    def add(self, rule, path, id, message, severity=None):
        severity = severity or RULES[rule][0]
        problem = Problem(message, rule=rule, path=path, id=id,
                          severity=severity)
        if self.verbose >= 2 or (self.verbose and severity == 'error'
                                 and rule not in SUMMARIZED_RULES):
            print(message if severity == 'error' else f'Warning: {message}')
        if severity == 'error':
            if self.fastfail:
                from xcoco.errors import ManifestError
                where = f' in {self.fpath}' if self.fpath else ''
                raise ManifestError(f'{message} ({rule} at {path}{where})',
                                    fpath=self.fpath)
            self.errors.append(problem)
        else:
            self.warnings.append(problem)


def _label(table, obj, idx):
    """How messages name an object: by id when it has one."""
    name = NOUN[table]
    if isinstance(obj, dict) and 'id' in obj:
        return f'{name} id={obj["id"]!r}'
    return f'{name} at /{table}/{idx}'


def _id(obj):
    return obj.get('id') if isinstance(obj, dict) else None


def _absent(value, ids):
    """True if a reference is missing; unhashable values are the schema's job."""
    try:
        return value not in ids
    except TypeError:
        return False


def validate(dset, **config):
    """
    Check a dataset against the schema and every rule in :data:`RULES`.

    Args:
        dset (CocoDataset | dict | Queryable): a dataset, a raw manifest
            dict, or a backend without a dict manifest (no ``dataset``),
            whose tables are read from its index mappings.
        **config: see :data:`DEFAULT_CONFIG`; kwcoco's option names work.

    Returns:
        dict: kwcoco's keys: ``{'errors': [Problem], 'warnings': [Problem]}``,
        plus ``'missing'`` / ``'corrupted'`` lists of ``(index, path,
        image_id)`` when those checks ran and found something, and
        ``'outside_bundle'``, the file names that leave the bundle folder
        (records of :func:`xcoco.manifest.escape.iter_escaping_files`),
        when there are some.  Files are
        checked by default (``missing=True``, as in kwcoco), relative to the
        dataset's bundle (the working directory for a raw dict).

    Example:
        >>> from xcoco.ops.validate import validate
        >>> data = {'images': [{'id': 1, 'name': 'a', 'file_name': 'absent.png', 'channels': 'B1||B2'}]}
        >>> result = validate(data, missing=False)
        >>> [(p.rule, p.path) for p in result['errors']]
        [('channels.parse', '/images/0/channels')]
        >>> result = validate(data, verbose=1)   # absent.png is not in the working directory
        image id=1 field 'channels': channel spec 'B1||B2' has an empty channel name (doubled or trailing '|' or ',')
        There are 1 missing images. The first one is '...absent.png'.
        >>> sorted(result)
        ['errors', 'missing', 'warnings']
    """
    unknown = set(config) - set(DEFAULT_CONFIG) - {'schema_backend'}
    if unknown:
        raise TypeError(f'validate() got unknown options {sorted(unknown)}; '
                        f'known: {sorted(DEFAULT_CONFIG)}')
    cfg = {**DEFAULT_CONFIG, **config}
    fpath = getattr(dset, 'fpath', None)
    bundle_dpath = getattr(dset, 'bundle_dpath', None)
    report = _Report(verbose=cfg['verbose'], fastfail=cfg['fastfail'],
                     fpath=fpath)
    result = {'errors': report.errors, 'warnings': report.warnings}

    tables = _read_tables(dset, report)
    if tables is None:
        return result
    unsure = _plain_tables(tables)
    if cfg['schema']:
        report.step('Validate json-schema (xcoco.coco_schema)')
        _check_schema(tables, unsure, report)
    if cfg['unique']:
        _check_unique(tables, report)
    ctx = _Context(tables)
    report.step('Check images: references, frames, sizes, channels and warps')
    _check_images(tables, ctx, cfg, report)
    report.step('Check annotations: references and geometry')
    _check_annotations(tables, ctx, cfg, report, set(unsure['annotations']))
    if cfg['references']:
        _check_kpcats(tables, report)
    if cfg['geometry']:
        geometry_checks.check_tracks(tables['tracks'], report)
    _check_unrepresented(tables.get('unrepresented', []), report)
    file_checks.check_files(
        tables['images'], cfg, bundle_dpath,
        functools.partial(_label, 'images'), result, report)
    if report.warnings:
        # One summary, not one warning per entry: a 100k-annotation file
        # can hold 100k warnings, and kwcoco callers only test that one is raised.
        warnings.warn(f'validate found {len(report.warnings)} warnings; '
                      f'the first: {report.warnings[0]}', UserWarning,
                      stacklevel=3)
    return result


def _read_tables(dset, report):
    """
    The tables to check, as lists of objects, from a dataset's ``dataset``
    dict, a raw manifest dict, or (for a backend without a dict manifest)
    the id -> object mappings of its index, in the order they yield.
    """
    data = getattr(dset, 'dataset', None)
    index = getattr(dset, 'index', None)
    if data is None and index is not None and hasattr(index, 'imgs'):
        return _index_tables(index)
    if data is None:
        data = dset
    if not isinstance(data, dict):
        report.add('manifest.schema', '', None,
                   f'a manifest must be a JSON object, got {type(data).__name__}')
        return None
    from xcoco.manifest.io import plain_json
    from xcoco.manifest.schema import manifest_validator
    tables = {}
    for key in TABLES:
        value = data.get(key, None)
        if isinstance(value, tuple):
            value = list(value)  # written as a JSON array
        if value is None:
            tables[key] = []
        elif not isinstance(value, list):
            report.add('manifest.schema', f'/{key}', None,
                       f'table {key!r} must be a list of objects, got {type(value).__name__}')
            tables[key] = []
        else:
            tables[key] = value
    rest = plain_json({k: v for k, v in data.items() if k not in NOUN})
    for err in manifest_validator().iter_errors(rest):
        rel, text = _schema_message(err)
        report.add('manifest.schema', '/' + rel, None, f'field {rel!r}: {text}')
    tables['has_tracks'] = 'tracks' in data
    tables['unrepresented'] = data.get('unrepresented') or []
    return tables


def _index_tables(index):
    from collections.abc import Mapping
    tables = {}
    for table in TABLES:
        objs = getattr(index, INDEX_ATTR[table]).values()
        tables[table] = [dict(obj) if isinstance(obj, Mapping) and not isinstance(obj, dict)
                         else obj for obj in objs]
    # An index always has a tracks mapping; an empty one stands for a file
    # written before the tracks table, whose track ids then only warn.
    tables['has_tracks'] = bool(tables['tracks'])
    return tables


def _plain_tables(tables):
    """
    Replace every object the schema's fast path cannot vouch for by its
    plain-JSON form, so each later rule sees what ``dump`` would write
    (kwcoco's in-memory demos hold warps as tuples of numpy floats).  The
    fast path accepts only plain types in the fields the rules read, so the
    common object costs nothing extra, and the geometry rules skip the
    shape checks it has done.  Returns the positions, per table, that still
    need the full schema validator.
    """
    from xcoco.manifest.io import plain_json
    from xcoco.manifest.schema import fast_is_valid
    unsure = {}
    for table in TABLES:
        items = tables[table]
        fast = functools.partial(fast_is_valid, table)
        todo = [idx for idx, ok in enumerate(map(fast, items)) if not ok]
        if todo:
            items = tables[table] = list(items)  # never edit the caller's lists
            for idx in todo:
                items[idx] = plain_json(items[idx])
        unsure[table] = todo
    return unsure


def _check_schema(tables, unsure, report):
    from xcoco.manifest.schema import object_validator
    for table in TABLES:
        if not unsure[table]:
            continue
        validator = object_validator(table)
        items = tables[table]
        for idx in unsure[table]:
            obj = items[idx]
            seen = set()
            for err in validator.iter_errors(obj):
                rel, text = _schema_message(err)
                if (rel, text) in seen:
                    continue  # one message for several missing keys
                seen.add((rel, text))
                path = f'/{table}/{idx}' + (f'/{rel}' if rel else '')
                field = f' field {rel!r}' if rel else ''
                report.add('schema', path, _id(obj),
                           f'{_label(table, obj, idx)}{field}: {text}')


def _schema_message(err):
    """
    The field as the file spells it (a path relative to the object) and
    what is wrong in words: what was expected, and what was found.
    """
    from xcoco.manifest.schema import expected_words
    rel = '/'.join(map(str, err.absolute_path))
    expected = expected_words(err.schema)
    inst = err.instance
    if err.validator == 'required' and isinstance(inst, dict):
        names = [key for key in err.validator_value if key not in inst]
        return rel, f'missing {_names(names)}; expected {expected}'
    if err.validator == 'additionalProperties' and isinstance(inst, dict):
        known = err.schema.get('properties', {})
        names = [key for key in inst if key not in known]
        return rel, f'has unknown {_names(names)}; expected {expected}'
    return rel, f'expected {expected}, got {_show(inst)}'


def _names(keys):
    keys = [repr(key) for key in keys] or ['a key']
    return keys[0] if len(keys) == 1 else ', '.join(keys[:-1]) + ' and ' + keys[-1]


def _show(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _check_unique(tables, report):
    # Messages start with kwcoco's words ("Duplicate images id = 3") so that
    # scripts that look for them keep working; the rest says where.
    for table in TABLES:
        report.step(f"Check table {table!r} has unique 'id'")
        first = {}
        for idx, obj in enumerate(tables[table]):
            key = _id(obj)
            if key is None or not isinstance(key, (int, str)):
                continue
            if key in first:
                report.add('id.unique', f'/{table}/{idx}/id', key,
                           f'Duplicate {table} id = {key!r} at /{table}/{idx} '
                           f'(first at /{table}/{first[key]}; the index holds '
                           'the last one)')
            else:
                first[key] = idx
    named = ['categories', 'videos', 'keypoint_categories', 'tracks', 'images']
    for table in named:
        report.step(f"Check table {table!r} has unique 'name'")
        first = {}
        num_unnamed = 0
        for idx, obj in enumerate(tables[table]):
            name = obj.get('name') if isinstance(obj, dict) else None
            if name is None:
                num_unnamed += 1
                continue
            if not isinstance(name, (str, int)):
                continue
            if name in first:
                report.add('name.unique', f'/{table}/{idx}/name', _id(obj),
                           f'Duplicate {table} name = {name!r} at /{table}/{idx} '
                           f'({_label(table, obj, idx)}; first at /{table}/{first[name]})')
            else:
                first[name] = idx
        if table == 'images' and num_unnamed:
            # kwcoco's wording, so scripts that grep for it keep working.
            report.add('image.name.missing', '/images', None,
                       f"Table 'images' is missing {num_unnamed} / "
                       f"{len(tables['images'])} values for column 'name'")


class _Context:
    """The id sets and per-id facts that reference checks need."""

    def __init__(self, tables):
        def ids(table):
            return {obj['id'] for obj in tables[table]
                    if isinstance(obj, dict) and isinstance(obj.get('id'), (int, str))}
        self.image_ids = ids('images')
        self.category_ids = ids('categories')
        self.video_ids = ids('videos')
        self.track_ids = ids('tracks')
        self.has_tracks = tables['has_tracks']
        self.kpcat_ids = ids('keypoint_categories')
        self.kpcat_names = {obj.get('name') for obj in tables['keypoint_categories']
                            if isinstance(obj, dict) and _hashable(obj.get('name'))}
        self.img_size = {}
        for img in tables['images']:
            if isinstance(img, dict) and _absent(img.get('id'), self.img_size):
                w, h = img.get('width'), img.get('height')
                if isinstance(w, _NUM) and isinstance(h, _NUM):
                    self.img_size[img.get('id')] = (w, h)
        self.cat_num_kpts = {}
        for cat in tables['categories']:
            if (isinstance(cat, dict) and isinstance(cat.get('keypoints'), list)
                    and _hashable(cat.get('id'))):
                self.cat_num_kpts[cat.get('id')] = len(cat['keypoints'])


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _lookup(mapping, key):
    try:
        return mapping.get(key)
    except TypeError:
        return None


def _check_images(tables, ctx, cfg, report):
    seen_frames = {}
    img_attrs = cfg['img_attrs']
    for idx, img in enumerate(tables['images']):
        if not isinstance(img, dict):
            continue
        gid = img.get('id')
        label = _label('images', img, idx)
        base = f'/images/{idx}'
        vidid = img.get('video_id', None)
        if cfg['references'] and vidid is not None and _absent(vidid, ctx.video_ids):
            report.add('image.video_id.exists', base + '/video_id', gid,
                       f'{label} refers to video_id={vidid!r} which does not exist')
        key = (vidid, img.get('frame_index'))
        if vidid is not None and key[1] is not None and _hashable(key):
            if key in seen_frames:
                report.add('image.frame_index.unique', base + '/frame_index', gid,
                           f'{label} repeats frame_index={key[1]!r} of '
                           f'image id={seen_frames[key]!r} in video id={vidid!r}')
            else:
                seen_frames[key] = gid
        _check_size(img, base, label, gid, report)
        # (path of the asset as the file spells it, e.g. 'assets/0', asset)
        assets = [(f'{key}/{pos}', asset) for key, pos, asset in iter_asset_entries(img)]
        for akey, asset in assets:
            if isinstance(asset, dict):
                _check_size(asset, f'{base}/{akey}', f'{label} asset {akey}', gid, report)
        if img_attrs:
            severity = 'error' if img_attrs == 'error' else 'warning'
            for key in ('width', 'height'):
                if img.get(key) is None:
                    report.add('image.attrs', f'{base}/{key}', gid,
                               f'{label} has no {key!r}', severity)
        if img.get('file_name') is None and not assets:
            report.add('image.file_name.required', base, gid,
                       f"{label} has neither 'file_name' nor 'assets' / 'auxiliary'")
        if cfg['channels']:
            _check_image_channels(img, assets, base, label, gid, report)
        if cfg['warps']:
            _check_warp(img.get('warp_img_to_vid'), base, 'warp_img_to_vid',
                        label, gid, report)
            for akey, asset in assets:
                if not isinstance(asset, dict):
                    continue
                # Either spelling, each checked where the file has it.
                for key in WARP_KEYS:
                    if key in asset:
                        _check_warp(asset[key], base, f'{akey}/{key}', label,
                                    gid, report)


def _check_size(obj, base, label, gid, report):
    for key in ('width', 'height'):
        value = obj.get(key)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, float) and value.is_integer() and value > 0:
            report.add('image.size.float', f'{base}/{key}', gid,
                       f'{label} writes {key}={value!r} as a float; expected an integer')
        elif not isinstance(value, int) or value <= 0:
            report.add('image.size', f'{base}/{key}', gid,
                       f'{label} has {key}={value!r}; expected a positive integer')


_CHANNEL_EXAMPLE = "e.g. 'r|g|b' or 'B1|B2,mask'"


def _channel_names(spec):
    """Channel names per early-fused stream, or a reason the spec is bad."""
    if not isinstance(spec, str):
        return None, f'expected a channel spec string ({_CHANNEL_EXAMPLE}), got {_show(spec)}'
    return _parse_channels(spec)


@functools.lru_cache(maxsize=4096)
def _parse_channels(spec):
    if not spec.strip():
        return None, f'expected channel names ({_CHANNEL_EXAMPLE}), got the empty spec {spec!r}'
    streams = spec.split(',')
    for stream in streams:
        parts = stream.split('|')
        for part in parts:
            if not part:
                return None, f"channel spec {spec!r} has an empty channel name (doubled or trailing '|' or ',')"
            if part != part.strip():
                return None, f'channel spec {spec!r} has a name with surrounding spaces: {part!r}'
    from xcoco.imdata.channels import MAX_CHANNELS, channel_code_size
    if channel_code_size(spec) > MAX_CHANNELS:
        return None, (f'channel spec {spec!r:.80} names {channel_code_size(spec)} channels; '
                      f'at most {MAX_CHANNELS} are allowed')
    try:
        from delayed_image.channel_spec import ChannelSpec
        norm = ChannelSpec.coerce(spec).normalize()
        names = [stream.as_list() for stream in norm.streams()]
    except Exception as ex:
        return None, f'channel spec {spec!r} does not parse: {ex}'
    return names, None


def _check_image_channels(img, assets, base, label, gid, report):
    seen = {}
    items = []
    if img.get('channels') is not None:
        items.append(('channels', img['channels']))
    for akey, asset in assets:
        if not isinstance(asset, dict):
            continue
        if asset.get('channels') is None:
            report.add('asset.channels.missing', f'{base}/{akey}', gid,
                       f'{label} asset {akey} (file_name={asset.get("file_name")!r}) has no channels')
        else:
            items.append((f'{akey}/channels', asset['channels']))
    for rel, spec in items:
        path = f'{base}/{rel}'
        names, reason = _channel_names(spec)
        if reason:
            report.add('channels.parse', path, gid, f'{label} field {rel!r}: {reason}')
            continue
        for stream in names:
            for name in stream:
                if name in seen:
                    report.add('channels.repeat', path, gid,
                               f'{label} field {rel!r}: channel {name!r} appears more '
                               f'than once (also at {seen[name]})')
                else:
                    seen[name] = path


_IDENTITY_WARPS = ({}, {'type': 'affine'})


def _check_warp(spec, base, rel, label, gid, report):
    if spec is None or spec in _IDENTITY_WARPS:
        return
    path = f'{base}/{rel}'
    try:
        import kwimage
        import numpy as np
        matrix = np.asarray(kwimage.Affine.coerce(spec).matrix, dtype=float)
        ok = matrix.shape == (3, 3) and np.isfinite(matrix).all()
        invertible = ok and abs(np.linalg.det(matrix)) > 1e-12
    except Exception as ex:
        report.add('warp.coerce', path, gid,
                   f'{label} field {rel!r}: {_show(spec)} does not coerce to an '
                   f'affine warp: {type(ex).__name__}: {ex}')
        return
    if not invertible:
        report.add('warp.coerce', path, gid,
                   f'{label} field {rel!r}: {_show(spec)} is not an invertible finite affine warp')


def _check_annotations(tables, ctx, cfg, report, unsure):
    refs, geom = cfg['references'], cfg['geometry']
    annot_attrs = cfg['annot_attrs']
    warned_tracks = False
    for idx, ann in enumerate(tables['annotations']):
        if not isinstance(ann, dict):
            continue
        aid = ann.get('id')
        base = f'/annotations/{idx}'
        if refs:
            gid = ann.get('image_id')
            if gid is not None and _absent(gid, ctx.image_ids):
                report.add('annotation.image_id.exists', base + '/image_id', aid,
                           f'annotation id={aid!r} refers to image_id={gid!r} which does not exist')
            cid = ann.get('category_id')
            if cid is not None and _absent(cid, ctx.category_ids):
                report.add('annotation.category_id.exists', base + '/category_id', aid,
                           f'annotation id={aid!r} refers to category_id={cid!r} which does not exist')
            tid = ann.get('track_id')
            if tid is not None and _absent(tid, ctx.track_ids):
                if ctx.has_tracks:
                    report.add('annotation.track_id.exists', base + '/track_id', aid,
                               f'annotation id={aid!r} refers to track_id={tid!r} which is not in the tracks table')
                elif not warned_tracks:
                    # Files older than the tracks table only carry track ids.
                    warned_tracks = True
                    report.add('annotation.track_id.exists', base + '/track_id', aid,
                               f'annotation id={aid!r} has track_id={tid!r} but the '
                               'manifest has no tracks table', 'warning')
        if annot_attrs and ann.get('bbox') is None:
            severity = 'error' if annot_attrs == 'error' else 'warning'
            report.add('annotation.attrs', base + '/bbox', aid,
                       f'annotation id={aid!r} has no bbox', severity)
        if geom:
            shaped = idx not in unsure  # the fast path checked the shapes
            geometry_checks.check_bbox(
                ann.get('bbox'), base, aid, _lookup(ctx.img_size, ann.get('image_id')),
                report, 'annotation', shaped)
            if ann.get('segmentation') is not None:
                geometry_checks.check_segmentation(
                    ann['segmentation'], base + '/segmentation', aid, report, shaped)
        kpts = ann.get('keypoints')
        if not (kpts and isinstance(kpts, list)):
            continue
        if isinstance(kpts[0], dict):
            if refs:
                _check_keypoint_refs(kpts, base + '/keypoints', aid, ctx, report)
        elif geom:
            cid = ann.get('category_id')
            geometry_checks.check_flat_keypoints(
                kpts, _lookup(ctx.cat_num_kpts, cid), cid, base + '/keypoints',
                aid, report)


def _check_keypoint_refs(kpts, path, aid, ctx, report):
    for i, kp in enumerate(kpts):
        if not isinstance(kp, dict):
            continue
        if 'keypoint_category_id' in kp and _absent(kp['keypoint_category_id'], ctx.kpcat_ids):
            report.add('keypoint.category.exists', f'{path}/{i}/keypoint_category_id', aid,
                       f'annotation id={aid!r} keypoint {i} refers to keypoint_category_id='
                       f'{kp["keypoint_category_id"]!r} which does not exist')
        elif 'keypoint_category' in kp and _absent(kp['keypoint_category'], ctx.kpcat_names):
            report.add('keypoint.category.exists', f'{path}/{i}/keypoint_category', aid,
                       f'annotation id={aid!r} keypoint {i} refers to keypoint_category='
                       f'{kp["keypoint_category"]!r} which does not exist')


def _check_unrepresented(entries, report):
    # xcoco.formats keeps a row it could not import here, raw, instead of
    # dropping it: {format, table, index, id, reason, row[, export]}.
    if not isinstance(entries, list):
        report.add('format.unrepresented', '/unrepresented', None,
                   f"'unrepresented' must be a list of kept rows, got {type(entries).__name__}")
        return
    for idx, entry in enumerate(entries):
        entry = entry if isinstance(entry, dict) else {'row': entry}
        where = f"{entry.get('table', 'a table')} row {entry.get('index', '?')}"
        if 'export' in entry:
            where = f"exports[{entry['export']}].{where}"
        report.add('format.unrepresented', f'/unrepresented/{idx}', entry.get('id'),
                   f"{entry.get('format', 'the source')} {where} (id={entry.get('id')!r}) was "
                   f"not imported: {entry.get('reason', 'no reason given')}; it is kept raw at "
                   f'/unrepresented/{idx}/row')


def _check_kpcats(tables, report):
    ids = {obj.get('id') for obj in tables['keypoint_categories']
           if isinstance(obj, dict) and _hashable(obj.get('id'))}
    for idx, kpcat in enumerate(tables['keypoint_categories']):
        if not isinstance(kpcat, dict):
            continue
        ref = kpcat.get('reflection_id')
        if ref is not None and _absent(ref, ids):
            report.add('keypoint_category.reflection_id.exists',
                       f'/keypoint_categories/{idx}/reflection_id', kpcat.get('id'),
                       f'{_label("keypoint_categories", kpcat, idx)} refers to '
                       f'reflection_id={ref!r} which does not exist')
