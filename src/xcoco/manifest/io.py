"""
Reading and writing manifest files: JSON text in, plain dicts out, and back.

* Parsing uses orjson with the cyclic garbage collector paused (see
  :mod:`xcoco.gc_policy` for why and how).
* Files that orjson refuses but stdlib ``json`` accepts (``NaN`` and
  ``Infinity`` literals, which kwcoco's stdlib writer emits) still load.
* Every write is atomic: the bytes go to a temporary file in the destination
  folder, are flushed to disk, and then renamed over the target (and the
  folder flushed), so a crash mid-write leaves the old file whole; what a
  killed writer leaves behind is swept by the next write
  (:mod:`xcoco.manifest.durable`).
* ``.zip`` archives holding one JSON member are read and written.

Example:
    >>> from xcoco.manifest.io import read_manifest, write_manifest
    >>> import tempfile
    >>> import ubelt as ub
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> fpath = dpath / 'small.kwcoco.json'
    >>> write_manifest({'images': [{'id': 1, 'file_name': 'a.png'}]}, fpath)
    >>> read_manifest(fpath)
    {'images': [{'id': 1, 'file_name': 'a.png'}]}
    >>> write_manifest({'images': []}, dpath / 'small.kwcoco.zip')
    >>> read_manifest(dpath / 'small.kwcoco.zip')
    {'images': []}
"""
import io
import os
import stat
import zipfile
from contextlib import contextmanager
from os import PathLike, fspath

import orjson

from xcoco.errors import (
    MalformedJSONError,
    ManifestError,
    ManifestNotFoundError,
    ManifestReadError,
    ManifestStructureError,
    UnserializableError,
    XcocoError,
)
from xcoco.gc_policy import paused_gc
from xcoco.tables import TABLES

__all__ = [
    'atomic_write',
    'dumps_manifest',
    'empty_manifest',
    'iter_manifest_bytes',
    'json_default',
    'parse_manifest',
    'plain_json',
    'read_json',
    'read_manifest',
    'too_deep_error',
    'write_json',
    'write_manifest',
]

def empty_manifest():
    """
    The manifest of an empty dataset: every core table present and empty.

    Example:
        >>> sorted(empty_manifest())
        ['annotations', 'categories', 'images', 'info', 'licenses', 'videos']
    """
    return {'info': [], 'licenses': [], 'categories': [], 'videos': [],
            'images': [], 'annotations': []}


def read_manifest(fpath):
    """
    Read a manifest from a ``.json`` file or a ``.zip`` holding one JSON file.

    Args:
        fpath (str | PathLike): the file to read.

    Returns:
        dict: the manifest with its tables as plain lists of dicts.

    Raises:
        ManifestNotFoundError: the file does not exist.
        MalformedJSONError: the text is not JSON (says line and column).
        ManifestStructureError: the JSON is not an object of tables.

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'bad.json'
        >>> _ = fpath.write_text('{"images": [\\n  {"id": 1,}\\n]}')
        >>> try:
        ...     read_manifest(fpath)
        ... except MalformedJSONError as ex:
        ...     print(ex.line, ex.column)
        2 12
    """
    fpath = fspath(fpath)
    with _reading(fpath, 'manifest'):
        if zipfile.is_zipfile(fpath):
            data = _read_zip_member(fpath)
        elif os.path.getsize(fpath) >= CHUNKED_MIN_BYTES:
            return _read_mapped(fpath)
        else:
            with open(fpath, 'rb') as file:
                data = file.read()
    return parse_manifest(data, fpath=fpath)


@contextmanager
def _reading(fpath, what):
    """The OS's complaints about opening ``fpath``, as manifest errors naming it."""
    try:
        yield
    except XcocoError:
        raise
    except FileNotFoundError:
        raise ManifestNotFoundError(f'{what} file does not exist: {fpath}', fpath=fpath) from None
    except IsADirectoryError:
        raise ManifestError(f'expected a {what} file but got a directory: {fpath}',
                            fpath=fpath) from None
    except (OSError, ValueError) as ex:
        # ValueError: open() refuses a name holding a NUL byte
        reason = ex.strerror if isinstance(ex, OSError) and ex.strerror else str(ex)
        raise ManifestReadError(f'cannot read {what} file {fpath!r}: {reason}',
                                fpath=fpath) from ex


#: files at least this big are parsed table by table (see manifest.chunked)
CHUNKED_MIN_BYTES = 32 << 20


def _read_mapped(fpath):
    # Map the file instead of reading it: parsed ranges are dropped from the
    # process again (MADV_DONTNEED), so the text does not sit in memory next
    # to the objects built from it.  Every parser runs at most once on it.
    import mmap
    with open(fpath, 'rb') as file:
        try:
            buf = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            # a file system without mmap: read it whole, parse it once
            return parse_manifest(file.read(), fpath=fpath)
    page = mmap.PAGESIZE

    def release(start, stop):
        if hasattr(buf, 'madvise') and hasattr(mmap, 'MADV_DONTNEED'):
            start = start - start % page
            buf.madvise(mmap.MADV_DONTNEED, start, stop - start)
    with buf:
        return _parse(buf, fpath, release=release)


def _read_zip_member(fpath):
    # Archive refuses hostile member names and zip bombs (ArchiveError)
    from xcoco.util.util_archive import Archive
    with Archive(fpath, mode='r', backend='zipfile') as archive:
        names = [n for n in archive.namelist() if not n.endswith('/')]
        json_names = [n for n in names if n.endswith('.json')] or names
        if len(json_names) != 1:
            raise ManifestError(
                f'expected exactly one JSON member in zip archive {fpath}, '
                f'found {len(json_names)}: {json_names[:5]}', fpath=fpath)
        return archive.read(json_names[0])


def parse_manifest(data, fpath=None):
    """
    Parse JSON text (bytes or str) into a manifest dict and check its shape.

    Args:
        data (bytes | str): JSON text.
        fpath (str | None): used only to name the source in error messages.

    Returns:
        dict

    Example:
        >>> parse_manifest(b'{"images": [], "info": {"year": 2024}}')
        {'images': [], 'info': {'year': 2024}}
        >>> parse_manifest('{"x": NaN}')['x']
        nan
        >>> try:
        ...     parse_manifest(b'[1, 2]', fpath='results.json')
        ... except ManifestStructureError as ex:
        ...     print(ex)
        results.json: a manifest must be a JSON object of tables, got a list (a top-level list is the MS-COCO results format)
    """
    return _parse(data, fpath)


def _parse(buf, fpath, release=None):
    """Parse once with each parser: table by table (big texts), whole, stdlib."""
    where = fpath if fpath is not None else '<manifest text>'
    with paused_gc():
        manifest = None
        if len(buf) >= CHUNKED_MIN_BYTES and not isinstance(buf, str):
            from xcoco.manifest.chunked import parse_chunked
            manifest = parse_chunked(buf, release=release)
        if manifest is None:
            try:
                if isinstance(buf, (bytes, bytearray, str)):
                    manifest = orjson.loads(buf)
                else:
                    with memoryview(buf) as view:  # an mmap: parse in place
                        manifest = orjson.loads(view)
            except orjson.JSONDecodeError as orjson_error:
                manifest = _parse_nonstandard(
                    buf if isinstance(buf, (bytes, bytearray, str)) else bytes(buf),
                    where, orjson_error)
    check_manifest_shape(manifest, fpath=fpath)
    return manifest


#: how deep JSON may nest: orjson's own limit; deeper text is refused
#: before any recursive parser (or later a recursive copy) can overflow
MAX_JSON_DEPTH = 1024


def _parse_nonstandard(data, where, orjson_error):
    # orjson follows RFC 8259 strictly; stdlib json also takes the NaN and
    # Infinity literals that Python-written manifests contain.
    import json
    fpath = None if where == '<manifest text>' else where
    if 'depth' in str(orjson_error):
        # stdlib json would recurse once per level and die of a RecursionError.
        # orjson words this 'depth limit exceeded' (3.12+) or 'array and
        # object recursion depth exceeded' (3.9.15 to 3.11)
        raise MalformedJSONError(
            f'{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels at line '
            f'{orjson_error.lineno} column {orjson_error.colno}; a manifest '
            'never nests that deep', fpath=fpath, line=orjson_error.lineno,
            column=orjson_error.colno) from None
    try:
        text = data.decode('utf8') if isinstance(data, (bytes, bytearray)) else data
        return json.loads(text)
    except json.JSONDecodeError as ex:
        raise MalformedJSONError(
            f'{where}: malformed JSON at line {ex.lineno} column {ex.colno}: '
            f'{ex.msg}', fpath=fpath, line=ex.lineno, column=ex.colno) from orjson_error
    except UnicodeDecodeError as ex:
        raise MalformedJSONError(
            f'{where}: not UTF-8 text ({ex})', fpath=fpath) from None
    except RecursionError:
        raise MalformedJSONError(
            f'{where}: JSON nested too deep to parse (the limit is '
            f'{MAX_JSON_DEPTH} levels)', fpath=fpath) from None
    except ValueError as ex:
        # e.g. an integer literal of more digits than int() takes (4300)
        raise MalformedJSONError(f'{where}: unreadable JSON value: {ex}',
                                 fpath=fpath) from orjson_error


def read_json(fpath):
    """
    Any JSON document (a list too, unlike :func:`read_manifest`) from a
    file or a ``.zip`` holding one JSON file, with the same errors.

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'results.json'
        >>> _ = fpath.write_text('[{"image_id": 1, "score": 0.5}]')
        >>> read_json(fpath)
        [{'image_id': 1, 'score': 0.5}]
    """
    fpath = fspath(fpath)
    with _reading(fpath, 'JSON'):
        if zipfile.is_zipfile(fpath):
            data = _read_zip_member(fpath)
        else:
            with open(fpath, 'rb') as file:
                data = file.read()
    with paused_gc():
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as orjson_error:
            return _parse_nonstandard(data, fpath, orjson_error)


def write_json(obj, fpath, indent=None):
    """
    Write any JSON document atomically (numpy values and the other types
    :func:`json_default` knows are converted).

    Example:
        >>> import tempfile
        >>> import ubelt as ub
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'out.json'
        >>> write_json([{'a': 1}], fpath)
        >>> read_json(fpath)
        [{'a': 1}]
    """
    option = orjson.OPT_SERIALIZE_NUMPY
    if indent:
        option |= orjson.OPT_INDENT_2
    data = orjson.dumps(obj, default=json_default, option=option)
    with atomic_write(fspath(fpath), 'wb') as file:
        file.write(data)


def check_manifest_shape(manifest, fpath=None):
    """
    Check that a parsed object has the shape of a manifest: a dict whose
    known tables are lists of dicts.  Unknown top-level keys are allowed.

    Example:
        >>> check_manifest_shape({'images': [{'id': 1}], 'extra': 3})
        >>> try:
        ...     check_manifest_shape({'annotations': [[1, 2]]})
        ... except ManifestStructureError as ex:
        ...     print(ex)
        manifest table 'annotations' item 0 must be an object, got list
    """
    prefix = f'{fspath(fpath)}: ' if fpath is not None else ''
    if not isinstance(manifest, dict):
        kind = type(manifest).__name__
        hint = (' (a top-level list is the MS-COCO results format)'
                if kind == 'list' else '')
        raise ManifestStructureError(
            f'{prefix}a manifest must be a JSON object of tables, '
            f'got a {kind}{hint}', fpath=fpath)
    for table in TABLES:
        items = manifest.get(table, None)
        if items is None:
            continue
        if not isinstance(items, list):
            raise ManifestStructureError(
                f'{prefix}manifest table {table!r} must be a list of '
                f'objects, got {type(items).__name__}', fpath=fpath)
        if set(map(type, items)) <= {dict}:
            continue  # one pass at C speed; the culprit is searched only on failure
        for idx, item in enumerate(items):
            if type(item) is not dict:
                raise ManifestStructureError(
                    f'{prefix}manifest table {table!r} item {idx} must be an '
                    f'object, got {type(item).__name__}', fpath=fpath)


def json_default(obj):
    """
    The JSON form of a value orjson does not write natively (sets, paths,
    numpy values, kwimage structures); every writer and the hashid use it.

    Example:
        >>> import numpy as np, pathlib
        >>> json_default(np.array([1, 2])), json_default(pathlib.Path('a/b.png'))
        ([1, 2], 'a/b.png')
    """
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, PathLike):
        return fspath(obj)
    if isinstance(obj, bytes):
        # pycocotools (COCOeval among them) leaves compressed RLE counts as
        # bytes in the annotations it touches; they are ASCII by design
        try:
            return obj.decode('ascii')
        except UnicodeDecodeError:
            pass
    if hasattr(obj, 'tolist'):
        return obj.tolist()
    if hasattr(obj, '__json__'):
        return obj.__json__()
    if hasattr(obj, 'to_coco'):
        return obj.to_coco()
    raise TypeError(f'cannot write a {type(obj).__name__} into a manifest: '
                    f'{obj!r:.80}')


_JSON_LEAVES = frozenset({str, int, float, bool, type(None)})


def plain_json(value):
    """
    ``value`` as the JSON that :func:`dumps_manifest` writes would read back:
    tuples, sets and arrays become lists, numpy integers / floats / bools
    become ``int`` / ``float`` / ``bool``, paths become strings (the same
    conversions as the writer's, :func:`json_default`).  In-memory manifests
    hold such values (kwcoco's demo warps are tuples of numpy floats), and
    the validator judges them as the file would hold them.

    Plain lists of scalars are returned as they are (not copied).  Two
    deliberate differences from a write-then-read: non-finite floats stay
    floats (the writer emits ``null``; the validator names them as
    non-finite instead), and values the writer refuses are left unchanged
    (the schema then reports their type).

    Example:
        >>> import numpy as np
        >>> from xcoco.manifest.io import plain_json
        >>> plain_json({'bbox': np.array([1, 2, 3, 4]), 'score': np.float64(0.5),
        ...             'scale': (np.float32(2.0), 1), 'ok': np.bool_(True)})
        {'bbox': [1, 2, 3, 4], 'score': 0.5, 'scale': [2.0, 1], 'ok': True}
        >>> type(plain_json(np.int64(3)))
        <class 'int'>
    """
    kind = type(value)
    if kind in _JSON_LEAVES:
        return value
    try:
        return _plain_json(value, kind)
    except RecursionError:
        raise too_deep_error('check') from None


def _plain_json(value, kind):
    if kind in _JSON_LEAVES:
        return value
    if kind is list:
        # set(map(type, ...)) runs at C speed: most lists are flat numbers
        if set(map(type, value)) <= _JSON_LEAVES:
            return value
        return [plain_json(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain_json(item) for item in value]
    try:
        converted = json_default(value)
    except TypeError:
        return value  # unwritable: the schema names the type
    if converted is value:
        return value
    return plain_json(converted)


_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def dumps_manifest(manifest, indent=None, newlines=False):
    """
    Serialize a manifest to JSON bytes that stdlib json and pycocotools read.

    Args:
        manifest (dict): the manifest.
        indent (int | str | None): indentation; 2 is fastest (native orjson).
        newlines (bool): one table item per line (diff-friendly), as kwcoco's
            ``newlines=True``.

    Returns:
        bytes

    Note:
        JSON has no NaN: non-finite floats are written as ``null``.

    Example:
        >>> print(dumps_manifest({'images': [{'id': 1}, {'id': 2}], 'info': {}},
        ...                      newlines=True).decode())
        {
        "images": [
        {"id":1},
        {"id":2}
        ],
        "info": {}
        }
    """
    try:
        return _dumps(manifest, indent, newlines)
    except TypeError as ex:
        if str(ex) in _STDLIB_WRITES:
            return _dumps_stdlib(manifest, indent)
        raise UnserializableError(
            f'cannot write the manifest as JSON: {_locate_unserializable(manifest)}'
            f' ({ex})') from ex


#: orjson refusals of what stdlib json reads, and so also writes: deeper
#: nesting than orjson's 254 levels, and lone surrogates (``"\ud800"``)
_STDLIB_WRITES = frozenset({'Recursion limit reached',
                            'str is not valid UTF-8: surrogates not allowed'})


def _dumps_stdlib(manifest, indent):
    # ASCII output: a lone surrogate is written as the escape it was read from
    import json
    try:
        return json.dumps(manifest, default=json_default, indent=indent).encode('ascii')
    except RecursionError:
        raise too_deep_error('write') from None


def too_deep_error(action):
    """
    The error for a value nested too deep for Python to ``action`` (copy,
    check, write) it: the parser reads :data:`MAX_JSON_DEPTH` levels, more
    than Python's own recursion allows.

    Example:
        >>> print(too_deep_error('copy'))
        cannot copy the manifest: a value nests too deep for Python's recursion limit (1000)
    """
    import sys
    return ManifestStructureError(
        f'cannot {action} the manifest: a value nests too deep for Python\'s '
        f'recursion limit ({sys.getrecursionlimit()})')


def _locate_unserializable(manifest):
    # Only runs after a failure, so a second pass to name the culprit is cheap
    # compared with the confusion of "Type is not JSON serializable".
    for key, value in manifest.items():
        items = value if isinstance(value, list) else [value]
        for pos, item in enumerate(items):
            try:
                orjson.dumps(item, default=json_default, option=_OPTIONS)
            except TypeError:
                ident = item.get('id', None) if isinstance(item, dict) else None
                fields = []
                if isinstance(item, dict):
                    for field, fvalue in item.items():
                        try:
                            orjson.dumps(fvalue, default=json_default, option=_OPTIONS)
                        except TypeError:
                            fields.append(field)
                where = f'table {key!r} item {pos}'
                if ident is not None:
                    where += f' (id={ident!r})'
                if fields:
                    where += f' field {fields[0]!r}'
                return where
    return 'an unsupported value'


def _dumps(manifest, indent, newlines):
    if newlines:
        return _dumps_newlines(manifest)
    if indent is None:
        return orjson.dumps(manifest, default=json_default, option=_OPTIONS)
    if indent == 2 or indent == '  ':
        return orjson.dumps(manifest, default=json_default,
                            option=_OPTIONS | orjson.OPT_INDENT_2)
    # Rare: other indents go through stdlib json on an orjson round trip so
    # the same type coercions apply.
    import json
    plain = orjson.loads(orjson.dumps(manifest, default=json_default,
                                      option=_OPTIONS))
    return json.dumps(plain, indent=indent, ensure_ascii=False).encode('utf8')


def _dumps_newlines(manifest):
    parts = [b'{']
    items = list(manifest.items())
    for pos, (key, value) in enumerate(items):
        head = orjson.dumps(str(key)) + b': '
        if isinstance(value, list) and value:
            rows = b',\n'.join(orjson.dumps(row, default=json_default,
                                            option=_OPTIONS) for row in value)
            chunk = head + b'[\n' + rows + b'\n]'
        else:
            chunk = head + orjson.dumps(value, default=json_default,
                                        option=_OPTIONS)
        parts.append(chunk + (b',' if pos + 1 < len(items) else b''))
    parts.append(b'}')
    return b'\n'.join(parts)


#: table items serialized per slice when streaming a manifest out
DUMP_SLICE_ITEMS = 20_000


def iter_manifest_bytes(manifest, slice_items=DUMP_SLICE_ITEMS):
    """
    The compact JSON text of a manifest in pieces (big tables a slice of
    items at a time); joined, the pieces equal :func:`dumps_manifest`'s.

    Example:
        >>> manifest = {'images': [{'id': i} for i in range(5)], 'info': {}}
        >>> b''.join(iter_manifest_bytes(manifest, slice_items=2)) == dumps_manifest(manifest)
        True
    """
    try:
        yield b'{'
        for pos, (key, value) in enumerate(manifest.items()):
            head = orjson.dumps(key if isinstance(key, str) else str(key))
            yield (b',' if pos else b'') + head + b':'
            if isinstance(value, list) and len(value) > slice_items:
                yield b'['
                for start in range(0, len(value), slice_items):
                    part = orjson.dumps(value[start:start + slice_items],
                                        default=json_default, option=_OPTIONS)
                    yield (b',' if start else b'') + part[1:-1]
                yield b']'
            else:
                yield orjson.dumps(value, default=json_default, option=_OPTIONS)
        yield b'}'
    except TypeError as ex:
        raise UnserializableError(
            f'cannot write the manifest as JSON: {_locate_unserializable(manifest)}'
            f' ({ex})') from ex


@contextmanager
def atomic_write(fpath, mode='wb'):
    """
    Open a temporary file beside ``fpath``; on success flush it to disk,
    rename it over ``fpath`` and flush the folder, so the new file is
    whole and durable.  On an exception the temporary file is removed and
    ``fpath`` is untouched; a process killed mid-write leaves ``fpath``
    whole too, and the temporary it could not remove is swept by the next
    write of ``fpath`` (see :mod:`xcoco.manifest.durable`).

    * An existing file keeps its permission bits; a new file gets the
      permissions any new file gets (0666 less the umask, which is never
      read or changed here).
    * A symlink is followed, as ``open(fpath, 'w')`` would: the file it
      points at is replaced (atomically, in that file's folder) and the
      link stays a link.
    * A device or pipe (``/dev/null``, a FIFO) is written to directly.

    Example:
        >>> import tempfile, ubelt as ub
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'atomic.txt'
        >>> _ = fpath.write_text('old')
        >>> try:
        ...     with atomic_write(fpath, 'w') as file:
        ...         file.write('half')
        ...         raise RuntimeError('crash mid-write')
        ... except RuntimeError:
        ...     pass
        >>> fpath.read_text()
        'old'
    """
    from xcoco.manifest.durable import create_temp_beside, fsync_dir, sweep_stale
    # realpath: a link is written through (the target file is replaced),
    # never replaced by a regular file
    fpath = os.path.realpath(fspath(fpath))
    dpath = os.path.dirname(fpath)
    os.makedirs(dpath, exist_ok=True)
    try:
        target_stat = os.stat(fpath)
    except FileNotFoundError:
        target_stat = None
    if target_stat is not None and not stat.S_ISREG(target_stat.st_mode) \
            and not stat.S_ISDIR(target_stat.st_mode):
        # a device or pipe (/dev/null, /dev/stdout, a FIFO): written to as
        # open() would; renaming over it would replace the device itself
        with open(fpath, mode) as file:
            yield file
        return
    keep_mode = None if target_stat is None else target_stat.st_mode & 0o7777
    sweep_stale(fpath)
    fd, tmp_fpath = create_temp_beside(fpath)
    try:
        if keep_mode is not None and hasattr(os, 'fchmod'):
            os.fchmod(fd, keep_mode)
        with os.fdopen(fd, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
            if os.name != 'nt':
                # renamed while still open (and locked): a sweeper can
                # never take this temporary for a dead writer's
                os.replace(tmp_fpath, fpath)
        if os.name == 'nt':
            os.replace(tmp_fpath, fpath)  # Windows renames closed files only
        fsync_dir(dpath)
    except BaseException:
        if os.path.exists(tmp_fpath):
            os.unlink(tmp_fpath)
        raise


#: the member a compressed manifest is stored under (kwcoco's name, so each
#: library reads the other's archives)
ZIP_MEMBER = 'data.kwcoco.json'


def _is_text_file(file):
    # open(..., 'w') objects are TextIOBase; wrappers such as
    # tempfile.NamedTemporaryFile('w') are not, but say their mode
    if isinstance(file, io.TextIOBase):
        return True
    if isinstance(file, (io.BufferedIOBase, io.RawIOBase)):
        return False
    mode = getattr(file, 'mode', None)
    return isinstance(mode, str) and 'b' not in mode


def write_manifest(manifest, file, indent=None, newlines=False,
                   compress='auto'):
    """
    Write a manifest to a path (atomically) or to an open file object.

    Args:
        manifest (dict): the manifest.
        file (str | PathLike | IO): destination path or writable file.
        indent (int | str | None): see :func:`dumps_manifest`.
        newlines (bool): see :func:`dumps_manifest`.
        compress (bool | str): write a ``.zip`` archive; 'auto' means when
            the path ends with ``.zip``.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> write_manifest({'info': {'a': 1}}, buf)
        >>> buf.getvalue()
        '{"info":{"a":1}}'
        >>> import zipfile
        >>> raw = io.BytesIO()
        >>> write_manifest({'info': {'a': 1}}, raw, compress=True)
        >>> zipfile.ZipFile(raw).namelist()
        ['data.kwcoco.json']
    """
    if indent is None and not newlines and isinstance(file, (str, PathLike)) \
            and not (compress is True or (compress == 'auto' and fspath(file).endswith('.zip'))):
        # The common case streams table slices to disk, so the whole text
        # (446 MiB for COCO-train scale) never sits in memory beside the
        # objects it came from.
        try:
            with atomic_write(fspath(file), 'wb') as raw:
                for chunk in iter_manifest_bytes(manifest):
                    raw.write(chunk)
            return
        except UnserializableError as ex:
            if str(ex.__cause__) not in _STDLIB_WRITES:
                raise
            # the old file is untouched: write the whole text the slow way
    data = dumps_manifest(manifest, indent=indent, newlines=newlines)
    if not isinstance(file, (str, PathLike)):
        if compress is True:
            if _is_text_file(file):
                raise TypeError('compress=True needs a binary file object (open it with "wb")')
            with zipfile.ZipFile(file, 'w', compression=zipfile.ZIP_DEFLATED) as zfile:
                zfile.writestr(ZIP_MEMBER, data)
        elif _is_text_file(file):
            file.write(data.decode('utf8'))
        else:
            file.write(data)
        return
    fpath = fspath(file)
    if compress == 'auto':
        compress = fpath.endswith('.zip')
    if compress:
        with atomic_write(fpath, 'wb') as raw, \
                zipfile.ZipFile(raw, 'w', compression=zipfile.ZIP_DEFLATED) as zfile:
            zfile.writestr(ZIP_MEMBER, data)
    else:
        with atomic_write(fpath, 'wb') as raw:
            raw.write(data)
