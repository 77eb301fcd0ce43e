"""
Table-by-table parsing gives exactly what a whole parse gives, or declines.
"""
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcoco.manifest import io as manifest_io
from xcoco.manifest.chunked import parse_chunked

_text = st.text(alphabet='ab}{[],:" \\\n\té', max_size=8)
_scalar = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False),
                    _text, st.none(), st.booleans())
_json = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)), max_leaves=8)
_item = st.fixed_dictionaries({'id': st.integers(0, 10**6)}, optional={
    'caption': _text, 'kp': st.lists(st.fixed_dictionaries({'id': st.integers(-2**53, 2**53)}), max_size=3),
    'extra': _json})
_manifest = st.fixed_dictionaries({}, optional={
    'info': _json, 'images': st.lists(_item, max_size=12),
    'annotations': st.lists(_item, max_size=25), 'categories': st.lists(_item, max_size=3)})


def _dump(manifest, style):
    if style == 'compact':
        return orjson.dumps(manifest)
    if style == 'indent':
        return json.dumps(manifest, indent=1).encode()
    if style == 'newlines':
        return manifest_io.dumps_manifest(manifest, newlines=True)
    return json.dumps(manifest).encode()


@settings(max_examples=150, deadline=None)
@given(_manifest, st.sampled_from(['compact', 'indent', 'newlines', 'spaced']),
       st.integers(1, 200))
def test_chunked_equals_whole_parse(manifest, style, chunk_bytes):
    text = _dump(manifest, style)
    got = parse_chunked(text, chunk_bytes=chunk_bytes)
    if got is not None:
        assert got == manifest
        assert list(got) == list(manifest)


def test_declines_nested_same_name_table():
    text = b'{"info": {"annotations": [{"id": 1}, {"id": 2}]}, "annotations": []}'
    assert parse_chunked(text, chunk_bytes=1) is None


def test_declines_nan_without_going_quadratic():
    items = ', '.join(f'{{"id": {i}, "score": NaN}}' for i in range(500))
    text = f'{{"annotations": [{items}]}}'.encode()
    assert parse_chunked(text, chunk_bytes=10) is None


def test_releases_every_parsed_range():
    text = orjson.dumps({'annotations': [{'id': i} for i in range(100)]})
    released = []
    manifest = parse_chunked(text, chunk_bytes=50, release=lambda a, b: released.append((a, b)))
    assert len(manifest['annotations']) == 100
    covered = sum(b - a for a, b in released)
    assert covered > 0.9 * len(text)


def test_big_file_goes_through_the_mapped_path(tmp_path, monkeypatch):
    monkeypatch.setattr(manifest_io, 'CHUNKED_MIN_BYTES', 100)
    manifest = {'info': {'x': 1}, 'images': [{'id': i, 'file_name': f'{i}.png'} for i in range(300)],
                'annotations': [{'id': i, 'image_id': i % 300, 'bbox': [0, 0, 1, 1]} for i in range(900)]}
    fpath = tmp_path / 'big.json'
    fpath.write_bytes(orjson.dumps(manifest))
    assert manifest_io.read_manifest(fpath) == manifest
    # malformed big files still report line and column through the whole-text path
    fpath.write_bytes(orjson.dumps(manifest)[:-5])
    with pytest.raises(manifest_io.MalformedJSONError) as info:
        manifest_io.read_manifest(fpath)
    assert info.value.line == 1
    # NaN literals still load
    fpath.write_bytes(b'{"annotations": [' + b', '.join(
        b'{"id": %d, "score": NaN}' % i for i in range(200)) + b']}')
    assert len(manifest_io.read_manifest(fpath)['annotations']) == 200


@pytest.mark.parametrize('style', ['compact', 'indent', 'newlines', 'spaced'])
def test_usual_layouts_are_chunked_not_declined(style):
    manifest = {'info': {'images': 'nested key in a string'},
                'categories': [{'id': 1, 'name': 'a'}],
                'images': [{'id': i, 'file_name': f'{i}.png'} for i in range(50)],
                'annotations': [{'id': i, 'image_id': i % 50, 'caption': '}, {"id": 1}',
                                 'keypoints': [{'xy': [1, 2], 'id': 3}]} for i in range(200)]}
    text = _dump(manifest, style)
    calls = []
    got = parse_chunked(text, chunk_bytes=64, release=lambda a, b: calls.append(a))
    assert got == manifest
    assert len(calls) > 10


def test_the_fallback_load_path_runs_each_parser_once(tmp_path, monkeypatch):
    # a big file the table-by-table parser declines (NaN literals): it must
    # not be read again and re-offered to the same parsers
    import json

    from xcoco.manifest import chunked
    monkeypatch.setattr(manifest_io, 'CHUNKED_MIN_BYTES', 100)
    fpath = tmp_path / 'nan.json'
    fpath.write_bytes(b'{"annotations": [' + b', '.join(
        b'{"id": %d, "score": NaN}' % i for i in range(200)) + b']}')
    calls = {'chunked': 0, 'orjson': 0, 'json': 0}
    size = fpath.stat().st_size

    def counting(name, func):
        def wrapper(text, *args, **kw):
            if len(text) == size:   # a whole-text parse, not one of a slice
                calls[name] += 1
            return func(text, *args, **kw)
        return wrapper
    monkeypatch.setattr(chunked, 'parse_chunked', counting('chunked', chunked.parse_chunked))
    monkeypatch.setattr(manifest_io.orjson, 'loads', counting('orjson', orjson.loads))
    monkeypatch.setattr(json, 'loads', counting('json', json.loads))
    assert len(manifest_io.read_manifest(fpath)['annotations']) == 200
    assert calls == {'chunked': 1, 'orjson': 1, 'json': 1}
