"""
Fuzz the kwcoco-JSON manifest loader: ``CocoDataset(dict)``,
``CocoDataset(path)`` and ``CocoDataset.coerce(path)`` either load or raise
an :class:`XcocoError` naming the problem, never another exception and
never a hang.

Inputs: seeded mutants of several demo manifests (as dicts and as files),
truncations of a dumped manifest, hypothesis-made JSON-like trees in place
of whole tables and records, and hand-made hostile texts (deep nesting,
non-UTF-8 bytes, a BOM, NaN literals, enormous numbers and strings).
The operations on what loaded are fuzzed in ``test_fuzz_operations.py``.
"""
import json
import math
import os
import re
import subprocess
import sys
import warnings

import pytest
from fuzz_ops import DEMO_KEYS, JSON_RECORDS, JSON_TREES, demo_manifest
from fuzzing import check_outcome, fuzz_budget, mutants, regression_cases, truncations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xcoco
from xcoco.errors import FieldTypeError, MalformedJSONError, ManifestReadError, ManifestStructureError
from xcoco.tables import TABLES

LABEL = 'manifest'


def _load_all_ways(payload, tmp_path, description, as_file=True):
    """Load a manifest dict directly and (``as_file``) from a file and by coerce."""
    outcomes = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        outcomes.append(check_outcome(LABEL, lambda: xcoco.CocoDataset(payload),
                                      payload, description))
        if as_file:
            fpath = tmp_path / 'mutant.kwcoco.json'
            # json, not orjson: NaN and Infinity become literals, as kwcoco writes them
            fpath.write_text(json.dumps(payload))
            outcomes.append(check_outcome(LABEL, lambda: xcoco.CocoDataset(fpath),
                                          payload, description))
            outcomes.append(check_outcome(LABEL, lambda: xcoco.CocoDataset.coerce(str(fpath)),
                                          payload, description))
    return outcomes


@pytest.mark.parametrize('key', DEMO_KEYS)
def test_mutated_demo_manifests_load_or_fail_cleanly(key, tmp_path):
    base, _ = demo_manifest(key)
    tally = {'ok': 0, 'xcoco-error': 0}
    for idx, (description, mutant) in enumerate(mutants(base, fuzz_budget(300), seed=11)):
        # every fifth mutant also goes through a file (the NaN-literal path too)
        for outcome in _load_all_ways(mutant, tmp_path, description, as_file=idx % 5 == 0):
            tally[outcome] += 1
    # both outcomes occur: the mutations are neither all harmless nor all fatal
    assert tally['ok'] and tally['xcoco-error'], tally


def _file_outcome(text, tmp_path, description):
    fpath = tmp_path / 'cut.kwcoco.json'
    fpath.write_bytes(text if isinstance(text, bytes) else text.encode('utf8'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return check_outcome(LABEL, lambda: xcoco.CocoDataset(fpath), text, description)


def test_truncations_at_every_point_of_a_small_manifest(tmp_path):
    text = json.dumps(demo_manifest('photos')[0], indent=1)
    outcomes = [_file_outcome(cut, tmp_path, f'first {len(cut)} chars')
                for cut in truncations(text, fuzz_budget(3000))]
    # only the whole text is valid JSON; every proper prefix is malformed
    assert outcomes.count('ok') == 0 and len(outcomes) >= min(len(text), 3000)
    assert _file_outcome(text, tmp_path, 'whole') == 'ok'


@pytest.mark.parametrize('key', ['vidshapes2-multispectral', 'shapes8'])
def test_truncations_of_bigger_manifests(key, tmp_path):
    text = xcoco.CocoDataset(demo_manifest(key)[0]).dumps(newlines=True)
    for cut in truncations(text, fuzz_budget(300)):
        assert _file_outcome(cut, tmp_path, f'first {len(cut)} chars') == 'xcoco-error'


# ---- hypothesis: JSON-ish trees in place of tables and records -------------

_fuzz_settings = settings(derandomize=True, deadline=None, max_examples=fuzz_budget(300),
                          suppress_health_check=list(HealthCheck), database=None)


@_fuzz_settings
@given(table=st.sampled_from(list(TABLES) + ['info', 'licenses', 'extra']), value=JSON_TREES)
def test_any_tree_in_place_of_a_table(table, value):
    payload = dict(demo_manifest('vidshapes2-multispectral')[0])
    payload[table] = value
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_outcome(LABEL, lambda: xcoco.CocoDataset(payload), payload, f'{table} = tree')


@_fuzz_settings
@given(table=st.sampled_from(TABLES), position=st.integers(0, 8), record=JSON_RECORDS,
       data=st.data())
def test_any_record_in_a_table(table, position, record, data):
    base = demo_manifest('vidshapes2-multispectral')[0]
    payload = dict(base)
    items = list(payload.get(table) or [])
    if items and data.draw(st.booleans()):
        # keep the record's real keys but replace some of their values
        record = {**items[position % len(items)], **record}
    items.insert(position % (len(items) + 1), record)
    payload[table] = items
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_outcome(LABEL, lambda: xcoco.CocoDataset(payload), payload,
                      f'{table}[{position}] = {record!r:.80}')


# ---- hand-made hostile texts ------------------------------------------------

def _load_text(tmp_path, data):
    fpath = tmp_path / 'hostile.kwcoco.json'
    fpath.write_bytes(data)
    return fpath


@pytest.mark.parametrize('data', [
    b'[' * 100_000 + b']' * 100_000,
    b'{"images": ' + b'[' * 100_000,
    b'{"info": NaN, "images": ' + b'[' * 5_000 + b']' * 5_000 + b'}',
    b'{"a":' * 100_000 + b'1' + b'}' * 100_000,
], ids=['lists', 'truncated', 'with-nan', 'objects'])
def test_deep_nesting_is_malformed_json_naming_file_and_depth(tmp_path, data):
    # in a child process: a parser that recurses on the C stack (orjson before
    # 3.9.15 did) kills the process, and that must fail this test, not the suite
    fpath = _load_text(tmp_path, data)
    child = (
        'import sys, xcoco\n'
        'from xcoco.errors import MalformedJSONError\n'
        'for load in (xcoco.CocoDataset, xcoco.CocoDataset.coerce):\n'
        '    try:\n'
        '        load(sys.argv[1])\n'
        '        print("loaded")\n'
        '    except MalformedJSONError as ex:\n'
        '        print("MalformedJSONError", ex)\n')
    proc = subprocess.run([sys.executable, '-c', child, str(fpath)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, f'child died ({proc.returncode}): {proc.stderr[-800:]}'
    lines = proc.stdout.splitlines()
    assert len(lines) == 2, proc.stdout + proc.stderr[-800:]
    for line in lines:
        assert re.match(r'MalformedJSONError .*nested (deeper than|too deep).*1024', line), line
        assert str(fpath) in line


@pytest.mark.parametrize('data, match', [
    (b'{"images": [{"id": 1, "file_name": "caf\xe9.png"}]}', 'not UTF-8'),
    ('{"images": []}'.encode('utf16'), 'not UTF-8'),
    (b'\xef\xbb\xbf{"images": []}', 'BOM'),   # kwcoco's json.load refuses it too
    (b'{"images": [{"id": 1' + b'0' * 5000 + b'}]}', 'unreadable JSON value'),
    (b'', 'malformed JSON'),
    (b'{"images": [}', 'malformed JSON at line 1 column 13'),
], ids=['latin1', 'utf16', 'bom', 'int-5000-digits', 'empty', 'bad-bracket'])
def test_unreadable_text_is_malformed_json(tmp_path, data, match):
    with pytest.raises(MalformedJSONError, match=match):
        xcoco.CocoDataset(_load_text(tmp_path, data))


@pytest.mark.parametrize('data, kind', [
    (b'3', 'int'), (b'"x"', 'str'), (b'null', 'NoneType'), (b'[]', 'list'), (b'true', 'bool'),
])
def test_top_level_must_be_an_object(tmp_path, data, kind):
    with pytest.raises(ManifestStructureError, match=f'got a {kind}'):
        xcoco.CocoDataset(_load_text(tmp_path, data))


def test_nan_literals_duplicate_keys_and_nul_load_as_stdlib_json_reads_them(tmp_path):
    data = (b'{"images": [{"id": 1, "id": 2, "width": NaN, "height": Infinity, '
            b'"file_name": "a\\u0000b"}], "images": [{"id": 3, "file_name": "c"}], '
            b'"info": {"x": -Infinity}}')
    dset = xcoco.CocoDataset(_load_text(tmp_path, data))
    assert list(dset.imgs) == [3]      # the last duplicate key wins, as in json.loads
    assert dset.dataset['info']['x'] == -math.inf
    dset = xcoco.CocoDataset(_load_text(tmp_path, data.replace(b'"images": [{"id": 3, '
                                                                b'"file_name": "c"}], ', b'')))
    assert dset.imgs[2]['file_name'] == 'a\x00b' and math.isnan(dset.imgs[2]['width'])


@pytest.mark.parametrize('value', [
    '"a\\ud800b\u00e9.png"',              # a lone surrogate escape (stdlib json reads it)
    '[' * 500 + '"x"' + ']' * 500,          # past orjson's 254 writable levels
], ids=['lone-surrogate', 'nested-500'])
def test_what_loads_is_written_back_whole(tmp_path, value):
    text = '{"images": [{"id": 1, "file_name": "a.png", "note": ' + value + '}]}'
    fpath = _load_text(tmp_path, text.encode('utf8'))
    dset = xcoco.CocoDataset(fpath)
    note = dset.imgs[1]['note']
    for out in (tmp_path / 'dumped.kwcoco.json', tmp_path / 'dumped.kwcoco.zip'):
        dset.dump(out)
        again = xcoco.CocoDataset(out).imgs[1]['note']
        assert again == note
    assert json.loads(dset.dumps())['images'][0]['note'] == note


def test_ids_beyond_64_bits_are_refused_with_the_reason(tmp_path):
    # orjson reads integers beyond 64 bits as floats: such an id is refused
    # (kwcoco keeps it as a Python int); the error says why it is a float
    data = b'{"images": [{"id": 100000000000000000000000, "file_name": "a.png"}]}'
    with pytest.raises(FieldTypeError, match='beyond 64 bits'):
        xcoco.CocoDataset(_load_text(tmp_path, data))


@pytest.mark.parametrize('record, field', [
    ({'id': [1], 'file_name': 'a.png'}, 'id'),
    ({'id': {'a': 1}, 'file_name': 'a.png'}, 'id'),
    ({'id': 7, 'image_id': {'a': 1}}, 'image_id'),
    ({'id': 7, 'image_id': 1, 'category_id': [1]}, 'category_id'),
    ({'id': 7, 'image_id': 1, 'track_id': {}}, 'track_id'),
])
def test_unindexable_ids_are_refused_at_load_naming_the_record(record, field):
    table = 'images' if 'file_name' in record else 'annotations'
    payload = {'images': [{'id': 1, 'file_name': 'b.png'}], 'annotations': []}
    payload[table] = payload[table] + [record]
    with pytest.raises(FieldTypeError, match=rf"position \d in table '{table}'\) field '{field}'"):
        xcoco.CocoDataset(payload)


_MEASURE_LOAD = """
import resource, sys
import xcoco
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
dset = xcoco.CocoDataset(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(dset.imgs[1]['note']), (after - before) * 1024)
"""


def test_an_enormous_string_field_loads_within_bounded_memory(tmp_path):
    size = 20 << 20
    fpath = tmp_path / 'big.kwcoco.json'
    fpath.write_text(json.dumps({'images': [{'id': 1, 'file_name': 'a.png',
                                             'note': 'x' * size}]}))
    # a fresh process: its peak resident size is the load's alone
    out = subprocess.run([sys.executable, '-c', _MEASURE_LOAD, str(fpath)], check=True,
                         capture_output=True, text=True).stdout.split()
    length, growth = int(out[0]), int(out[1])
    assert length == size
    # the file's bytes, the parser's copy and the string: about 3x, no more
    assert growth < 4.5 * size, growth / size


@pytest.mark.parametrize('fpath', regression_cases(LABEL), ids=lambda p: p.name)
def test_regression_cases_load_or_fail_cleanly(fpath):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_outcome(LABEL, lambda: xcoco.CocoDataset(fpath), fpath.read_bytes(), fpath.name)


@pytest.mark.parametrize('name, reason', [
    ('data\x00.json', 'embedded null byte'),
    ('x' * 5000 + '.json', 'File name too long'),
])
def test_names_the_system_refuses_are_manifest_read_errors(tmp_path, name, reason):
    with pytest.raises(ManifestReadError, match=reason) as info:
        xcoco.CocoDataset(str(tmp_path / name))
    assert isinstance(info.value, OSError)
    assert info.value.fpath.endswith('.json')


@pytest.mark.skipif(os.geteuid() == 0, reason='root reads files whatever their mode')
def test_an_unreadable_manifest_is_a_manifest_read_error(tmp_path):
    fpath = tmp_path / 'locked.json'
    fpath.write_text('{}')
    fpath.chmod(0)
    with pytest.raises(ManifestReadError, match='Permission denied'):
        xcoco.CocoDataset(fpath)
