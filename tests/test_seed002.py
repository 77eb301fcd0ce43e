"""
Every doctest block of seed 002 (kwcoco.coco_image's API reference) runs
unchanged with ``import xcoco as kwcoco``.

The blocks import ``kwcoco`` and ``from kwcoco.coco_image import *``, so the
test maps those module names to xcoco for the duration of each block.  A
block needing a demo dataset that xcoco cannot build yet is skipped with the
demo key in the reason; a block behind ``+REQUIRES(module:X)`` is skipped
when X is missing, and code after ``+REQUIRES(--show)`` is not run, exactly
as xdoctest would do.
"""
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import ubelt as ub

SEED_DPATH = Path(__file__).resolve().parents[1].parent / 'shared' / 'seeds'


def _seed_fpath():
    found = sorted(SEED_DPATH.glob('002_*.txt'))
    return found[0] if found else None


def extract_blocks(text):
    """
    Doctests as lists of lines, prompts stripped.  A doctest is a run of
    '>>> ' lines; a single line sandwiched between two prompt lines is that
    statement's expected output (a "want", marked by a leading '\0').  The
    seed is rendered HTML, so prose can follow a block directly: such a line
    is not sandwiched and ends the block.
    """
    lines = text.splitlines()
    blocks, current = [], []
    for idx, line in enumerate(lines):
        if line.startswith('>>>'):
            current.append(line[4:] if line.startswith('>>> ') else line[3:])
            continue
        sandwiched = (current and line.strip() and idx + 1 < len(lines)
                      and lines[idx + 1].startswith('>>>'))
        if sandwiched:
            current.append('\0' + line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def prepare_block(lines):
    """
    Apply xdoctest directives: returns (source, skip_reason).
    """
    kept = []
    for line in lines:
        req = re.search(r'xdoctest:\s*\+REQUIRES\(([^)]*)\)', line)
        if req:
            cond = req.group(1)
            if cond.startswith('--'):
                break  # the rest only runs with a command-line flag
            if cond.startswith('module:'):
                mod = cond.split(':', 1)[1]
                if importlib.util.find_spec(mod) is None:
                    return None, f'block requires module {mod!r}'
        kept.append(line)
    return '\n'.join(kept) + '\n', None


def run_with_wants(source, namespace):
    """
    Execute ``source``; where a want line follows a statement, that
    statement is evaluated and its repr must equal the want.
    """
    chunk = []
    for line in source.splitlines():
        if not line.startswith('\0'):
            chunk.append(line)
            continue
        want = line[1:].strip()
        *head, last = chunk
        exec(compile('\n'.join(head) + '\n', '<seed002>', 'exec'), namespace)
        got = eval(compile(last, '<seed002>', 'eval'), namespace)
        assert repr(got) == want, f'{last!r}: got {got!r}, want {want}'
        chunk = []
    exec(compile('\n'.join(chunk) + '\n', '<seed002>', 'exec'), namespace)


def demo_keys(source):
    keys = re.findall(r"\.demo\(\s*'([^']*)'\s*\)", source)
    if re.search(r'\.demo\(\s*\)', source):
        keys.append('')
    return keys


_DEMO_STATUS = {}


def demo_unavailable(key):
    """A reason string if xcoco cannot build demo ``key`` yet, else None."""
    if key not in _DEMO_STATUS:
        import xcoco
        try:
            if key:
                xcoco.CocoDataset.demo(key)
            else:
                xcoco.CocoDataset.demo()
            _DEMO_STATUS[key] = None
        except (xcoco.DemoKeyError, ImportError, NotImplementedError) as ex:
            _DEMO_STATUS[key] = f'demo key {key!r} not available yet: {ex!r}'
    return _DEMO_STATUS[key]


def _collect():
    fpath = _seed_fpath()
    if fpath is None:
        return []
    blocks = extract_blocks(fpath.read_text())
    return [pytest.param(lines, id=f'block{idx:02d}')
            for idx, lines in enumerate(blocks)]


BLOCKS = _collect()


def test_seed_has_blocks():
    if _seed_fpath() is None:
        pytest.skip(f'seed 002 not found in {SEED_DPATH} (../shared is absent '
                    'in a fresh clone)')
    assert len(BLOCKS) >= 12


@pytest.mark.parametrize('lines', BLOCKS)
def test_seed002_block(lines, monkeypatch, tmp_path):
    import xcoco
    import xcoco.coco_image
    source, reason = prepare_block(lines)
    if reason:
        pytest.skip(reason)
    for key in demo_keys(source):
        reason = demo_unavailable(key)
        if reason:
            pytest.skip(reason)
    # "import kwcoco" must give xcoco, including submodule star-imports.
    monkeypatch.setitem(sys.modules, 'kwcoco', xcoco)
    monkeypatch.setitem(sys.modules, 'kwcoco.coco_image', xcoco.coco_image)
    monkeypatch.chdir(tmp_path)
    namespace = {'ub': ub, 'np': np, '__name__': '__seed002__'}
    run_with_wants(source, namespace)
    assert namespace.get('kwcoco', xcoco) is xcoco
