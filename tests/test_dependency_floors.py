"""
``dev/floors.txt`` pins each dependency at the lower bound pyproject.toml
declares, so that a run on the oldest releases we claim to support is one
command.  Declaring ``orjson>=3.8`` while only newer releases had been run
let CI's preinstalled orjson 3.8.3 segfault the suite; these checks keep the
two lists from drifting apart again.
"""
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

tomllib = pytest.importorskip('tomllib', reason='tomllib is in the standard library from Python 3.11')

ROOT = Path(__file__).resolve().parents[1]


def _declared():
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']
    reqs = [Requirement(r) for r in project['dependencies']]
    reqs += [Requirement(r) for r in project['optional-dependencies']['tests']
             if r.startswith('kwcoco')]
    floors = {}
    for req in reqs:
        lower = [s.version for s in req.specifier if s.operator == '>=']
        assert len(lower) == 1, f'{req}: declare exactly one lower bound (>=)'
        floors[canonicalize_name(req.name)] = Version(lower[0])
    return floors


def _pinned():
    pins = {}
    for line in (ROOT / 'dev' / 'floors.txt').read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            name, version = re.fullmatch(r'([A-Za-z0-9._-]+)==(\S+)', line).groups()
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_every_dependency_is_pinned_at_its_declared_floor():
    declared, pinned = _declared(), _pinned()
    assert sorted(pinned) == sorted(declared)
    for name, floor in declared.items():
        # '>=1.24' is met first by the 1.24.x release pinned (1.24.0 may lack wheels)
        assert pinned[name] >= floor, name
        assert pinned[name].release[:len(floor.release)] == floor.release, (
            f'{name}: floors.txt pins {pinned[name]}, pyproject.toml declares >={floor}')
