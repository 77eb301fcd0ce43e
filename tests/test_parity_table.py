"""
docs/coming_from_kwcoco.rst lists every public name of kwcoco's core
modules (and of pycocotools' COCO) with its status in xcoco.  Every name it
calls present ("same", "better" or "different") must exist where the table
says, so the table cannot drift from the code; every "missing" must say why.
"""
import csv
import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / 'docs' / 'coming_from_kwcoco.rst'
STATUSES = {'same', 'better', 'different', 'missing'}
TITLE = re.compile(r'^``(?P<theirs>[\w.:]+)`` → ``(?P<ours>[\w.:]+)``$')


def _tables():
    lines = DOC.read_text().splitlines()
    owner = None
    tables = {}
    for pos, line in enumerate(lines):
        match = TITLE.match(line)
        if match:
            owner = match.group('ours')
            tables[owner] = []
        elif owner is not None and line.startswith('   "'):
            row = next(csv.reader([line.strip()], skipinitialspace=True))
            tables[owner].append((pos + 1, *row))
    return tables


def _resolve(path):
    modname, _, attr = path.partition(':')
    obj = importlib.import_module(modname)
    for part in filter(None, attr.split('.')):
        obj = getattr(obj, part)
    return obj


def _instance(owner):
    # instance attributes (``_state``, ``index`` ...) exist on an object only
    if isinstance(owner, type):
        try:
            return owner()
        except TypeError:
            return None
    return None


def test_table_exists_and_is_well_formed():
    tables = _tables()
    assert len(tables) >= 10
    for owner, rows in tables.items():
        assert rows, owner
        for lineno, name, status, note in rows:
            assert status in STATUSES, f'line {lineno}: status {status!r}'
            if status in {'missing', 'different', 'better'}:
                assert note.strip() and 'TODO' not in note, \
                    f'line {lineno}: {name} is {status} without a reason'


@pytest.mark.parametrize('owner', sorted(_tables()))
def test_every_present_name_exists(owner):
    obj = _resolve(owner)
    instance = _instance(obj)
    absent = []
    for lineno, name, status, _ in _tables()[owner]:
        if status == 'missing':
            continue
        if not hasattr(obj, name) and not (instance is not None and hasattr(instance, name)):
            absent.append(f'line {lineno}: {owner}.{name}')
    assert not absent, absent


def test_no_core_name_is_missing_without_reason():
    core = ['xcoco.coco_dataset:CocoDataset', 'xcoco.coco_image:CocoImage',
            'xcoco.coco_objects1d:Images', 'xcoco.coco_objects1d:Annots',
            'xcoco.category_tree:CategoryTree', 'xcoco.channel_spec', 'xcoco.coco_schema']
    tables = _tables()
    for owner in core:
        for lineno, name, status, note in tables[owner]:
            if status == 'missing':
                assert len(note) > 15, f'line {lineno}: {name} missing without a real reason'
