"""
Fuzz the operations on what the manifest loader accepted: ``validate``,
reads through ``images()`` / ``annots()`` / ``coco_image`` (lazy ``imdelay``
graphs, no pixels), ``subset``, ``copy``, ``union``, ``reroot``, ``dumps``
and ``dump`` with a reload (see ``fuzz_ops.operations``).  Each either
succeeds or raises an :class:`XcocoError`, never another exception and
never a hang.
"""
import json
import warnings

import pytest
from fuzz_ops import DEMO_KEYS, JSON_RECORDS, demo_manifest, run_operations
from fuzzing import check_outcome, fuzz_budget, mutants, regression_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xcoco
from xcoco.errors import XcocoError
from xcoco.tables import TABLES

LABEL = 'operations'


def _loaded(payload, bundle_dpath=None):
    """The dataset over ``payload``, or None when the loader refuses it (cleanly)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            return xcoco.CocoDataset(payload, bundle_dpath=bundle_dpath)
        except XcocoError:
            return None


@pytest.mark.parametrize('key', DEMO_KEYS)
def test_operations_on_mutated_demo_manifests(key, tmp_path):
    base, bundle = demo_manifest(key)
    loaded = 0
    refused = 0
    for idx, (description, mutant) in enumerate(mutants(base, fuzz_budget(200), seed=23)):
        dset = _loaded(mutant, bundle)
        if dset is None:
            continue
        loaded += 1
        # every tenth also decodes the bundle's files (validate corrupted=True)
        outcomes = run_operations(LABEL, dset, mutant, description, str(tmp_path),
                                  check_outcome, decode_files=idx % 10 == 0)
        refused += list(outcomes.values()).count('xcoco-error')
    # most mutants load, and some of them are then refused by an operation
    assert loaded > fuzz_budget(200) // 2 and refused, (loaded, refused)


def test_operations_on_the_unmutated_demos_all_succeed(tmp_path):
    for key in DEMO_KEYS:
        base, bundle = demo_manifest(key)
        dset = _loaded(json.loads(json.dumps(base)), bundle)
        outcomes = run_operations(LABEL, dset, base, key, str(tmp_path), check_outcome,
                                  decode_files=True)
        assert set(outcomes.values()) == {'ok'}, (key, outcomes)


_fuzz_settings = settings(derandomize=True, deadline=None, max_examples=fuzz_budget(150),
                          suppress_health_check=list(HealthCheck), database=None)


@_fuzz_settings
@given(table=st.sampled_from(TABLES), position=st.integers(0, 8), record=JSON_RECORDS,
       data=st.data())
def test_operations_with_any_record_in_a_table(table, position, record, data):
    import tempfile
    base, bundle = demo_manifest('vidshapes2-multispectral')
    payload = json.loads(json.dumps(base))
    items = payload.setdefault(table, [])
    if items and data.draw(st.booleans()):
        # the record keeps a real one's fields but some values are replaced
        record = {**items[position % len(items)], **record}
    items.insert(position % (len(items) + 1), record)
    dset = _loaded(payload, bundle)
    if dset is not None:
        run_operations(LABEL, dset, payload, f'{table}[{position}] = {record!r:.80}',
                       tempfile.mkdtemp(), check_outcome)


def test_deeply_nested_values_that_load_survive_operations(tmp_path):
    # orjson takes 1024 levels, more than Python's recursion limit: copies,
    # schema checks and writers of such a value must fail cleanly or work
    deep = '[' * 1000 + '"x"' + ']' * 1000
    base, bundle = demo_manifest('shapes8')
    payload = json.loads(json.dumps(base))
    payload['annotations'][0]['note'] = 'DEEP'
    payload['images'][0]['note'] = {'a': 'DEEP'}
    payload['info'] = 'DEEP'
    text = json.dumps(payload).replace('"DEEP"', deep)
    fpath = tmp_path / 'deep.kwcoco.json'
    fpath.write_text(text)
    assert check_outcome(LABEL, lambda: xcoco.CocoDataset(fpath), text, 'deep') == 'ok'
    dset = xcoco.CocoDataset(fpath, bundle_dpath=bundle)
    run_operations(LABEL, dset, text, 'values nested 1000 deep', str(tmp_path),
                   check_outcome)


@pytest.mark.parametrize('fpath', regression_cases(LABEL), ids=lambda p: p.name)
def test_regression_cases_survive_operations(fpath, tmp_path):
    payload = json.loads(fpath.read_text())
    base, bundle = demo_manifest('vidshapes2-multispectral')
    dset = _loaded(payload, bundle)
    if dset is not None:
        run_operations(LABEL, dset, payload, fpath.name, str(tmp_path), check_outcome,
                       decode_files=True)
