"""
Parsing big manifests in chunks to bound peak memory.

orjson parses a whole document into an intermediate tree before it builds
Python objects, so one ``orjson.loads`` of a 463 MB manifest peaks near
4.4 GiB, far above the 2.5 GiB the resulting dicts need (issue 6).  Here the
big top-level tables (``annotations``, ``images``) are parsed a few MiB of
items at a time and the rest of the document once, with those tables cut
out; memory then peaks at the objects plus one chunk, and parsing gets
faster too (smaller trees stay in cache).

Cut points are found by a pattern (``}`` ``,`` ``{"<first key>"``) and
*proved* by parsing: a chunk parses as a JSON array only if it ends on a
real item boundary — a cut inside a string leaves an unterminated string,
and a cut inside nested objects leaves unbalanced brackets.  A failed chunk
grows to the next candidate.  Whenever the layout is not the expected one,
:func:`parse_chunked` returns ``None`` and the caller parses the whole text.
"""
import re
import uuid

import orjson

__all__ = ['CHUNKED_TABLES', 'CHUNK_BYTES', 'parse_chunked']

#: target size of one parsed slice of a table
CHUNK_BYTES = 8 << 20
#: tables worth cutting out (the others are small)
CHUNKED_TABLES = ('annotations', 'images')

#: failed cut candidates tolerated per slice before giving up (each retry
#: re-parses a slice, so unbounded retries could go quadratic)
_MAX_ATTEMPTS = 16

_WS = rb'[ \t\r\n]*'
_TABLE_START = re.compile(_WS + rb':' + _WS + rb'\[' + _WS)
_FIRST_KEY = re.compile(rb'\{' + _WS + rb'("(?:[^"\\]|\\.)*")' + _WS + rb':')


def _matches(pattern, buf, pos, endpos):
    """
    ``pattern.finditer(buf, pos, endpos)`` as repeated searches.  On
    CPython 3.11 each finditer scanner leaves a few small objects alive;
    allocated while a parse fills memory with manifest objects, they pin
    the allocator's arenas after the manifest is freed (bench_memory.py:
    +6 MiB per load/delete cycle of a 75 MiB manifest).  ``search`` leaves
    nothing behind.
    """
    while pos <= endpos:
        match = pattern.search(buf, pos, endpos)
        if match is None:
            return
        yield match
        pos = match.end() if match.end() > match.start() else match.end() + 1


def _locate_table(buf, key):
    """Start of the first item of top-level-looking table ``key``, or None."""
    pattern = re.compile(rb'"' + re.escape(key.encode()) + rb'"')
    for match in _matches(pattern, buf, 0, len(buf)):
        start = _TABLE_START.match(buf, match.end())
        if start is not None:
            return start.start() + start.group().index(b'['), start.end()
    return None


def _parse_items(buf, begin, chunk_bytes, release):
    """
    Parse the items of the array whose content starts at ``begin``.
    Returns (items, end) where ``buf[end]`` is the closing bracket, or None.
    """
    first = _FIRST_KEY.match(buf, begin)
    if first is None:
        return None
    separator = re.compile(rb'\}' + _WS + rb',' + _WS + rb'(?=\{' + _WS +
                           re.escape(first.group(1)) + _WS + rb':)')
    items = []
    pos = begin
    size = len(buf)
    window = chunk_bytes
    while True:
        # Never slice more than two windows: a separator far away may belong
        # to the next table, and copying up to it would cost its whole size.
        bound = min(size, pos + 2 * window)
        cuts = _matches(separator, buf, min(pos + window, size), bound)
        for _attempt in range(_MAX_ATTEMPTS):
            cut = next(cuts, None)
            stop = cut.start() + 1 if cut is not None else bound
            wrapped = b'[' + buf[pos:stop] + b']'
            try:
                parsed = orjson.loads(wrapped)
            except orjson.JSONDecodeError as ex:
                closed = _parse_to_close(buf, pos, stop, wrapped, ex)
                if closed is not None:
                    items.extend(closed[0])
                    release(pos, closed[1])
                    return items, closed[1]
                if cut is None:
                    break  # no item boundary in reach: widen the window
                continue  # a false separator (in a string or nested object)
            if cut is None:
                return None  # the text ended inside the array
            items.extend(parsed)
            release(pos, cut.end())
            pos = cut.end()
            window = chunk_bytes
            break
        else:
            return None  # e.g. NaN literals: let the caller decide
        if cut is None:
            if bound == size:
                return None
            window *= 2


def _parse_to_close(buf, pos, stop, wrapped, error):
    """
    When a slice failed with trailing text, the array closed inside it: at
    the last ']' before the error.  Returns (items, bracket) or None.
    """
    # orjson reports a character offset into the wrapped slice; turn it into
    # a byte offset into buf (the slice starts with the added '[').
    chars = wrapped.decode('utf8', errors='replace')[:error.pos]
    limit = pos + len(chars.encode('utf8')) - 1
    if limit >= stop:
        return None  # failed at the slice's end: nothing closed inside it
    for _ in range(_MAX_ATTEMPTS):
        bracket = buf.rfind(b']', pos, limit)
        if bracket < 0:
            return None
        try:
            return orjson.loads(b'[' + buf[pos:bracket] + b']'), bracket
        except orjson.JSONDecodeError:
            limit = bracket
    return None


def parse_chunked(buf, chunk_bytes=CHUNK_BYTES, release=None):
    """
    Parse manifest text (bytes or a buffer such as an mmap) table by table.

    Args:
        buf (bytes | mmap.mmap): the JSON text.
        chunk_bytes (int): approximate size of each parsed slice.
        release (Callable[[int, int], None] | None): told each byte range
            that is parsed and will not be read again (used to drop mapped
            pages).

    Returns:
        dict | None: the manifest, or None when the text does not have the
        expected layout (the caller then parses it whole).

    Example:
        >>> text = (b'{"info": {"images": "not a table"}, "images": [{"id": 1}, {"id": 2},'
        ...         b' {"id": 3}], "annotations": [{"id": 1, "kp": [{"id": 5}, {"id": 6}]},'
        ...         b' {"id": 2, "caption": "}, {\\\\"id\\\\": 9}"}]}')
        >>> manifest = parse_chunked(text, chunk_bytes=1)
        >>> manifest == orjson.loads(text)
        True
        >>> list(manifest)
        ['info', 'images', 'annotations']
        >>> parse_chunked(b'[1, 2]') is None
        True
    """
    if release is None:
        def release(start, stop):
            pass
    # Locate every table before parsing any, while no objects exist yet: the
    # search reads the text up to each table, and the pages it touched are
    # released again before the objects start to pile up.
    located = {key: _locate_table(buf, key) for key in CHUNKED_TABLES}
    found = [loc for loc in located.values() if loc is not None]
    if found:
        release(0, max(begin for _, begin in found))
    pieces = []
    for key in CHUNKED_TABLES:
        if located[key] is None:
            continue
        bracket, begin = located[key]
        if buf[begin:begin + 1] == b']':
            continue  # empty table: nothing to gain
        parsed = _parse_items(buf, begin, chunk_bytes, release)
        if parsed is None:
            return None
        items, end = parsed
        pieces.append((bracket, end, key, items))
    pieces.sort()
    for (_, end1, _, _), (start2, _, _, _) in zip(pieces, pieces[1:]):
        if start2 <= end1:
            return None  # one table found inside another: not the layout we expect
    sentinel = f'xcoco-chunk-{uuid.uuid4().hex}'
    skeleton = []
    pos = 0
    for bracket, end, _key, _ in pieces:
        skeleton.append(buf[pos:bracket + 1])
        skeleton.append(orjson.dumps(sentinel))
        pos = end
    skeleton.append(buf[pos:])
    try:
        manifest = orjson.loads(b''.join(skeleton))
    except orjson.JSONDecodeError:
        return None
    if not isinstance(manifest, dict):
        return None
    for _, _, key, items in pieces:
        # the cut table must be the top-level one, not a same-named nested key
        if manifest.get(key) != [sentinel]:
            return None
        manifest[key] = items
    return manifest
