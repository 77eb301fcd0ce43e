"""
Lint runs as part of the suite, with the rules in pyproject.toml.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which('ruff') or shutil.which('ruff', path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip('ruff is not installed (it comes with the tests extra)')
    paths = ['src', 'tests', 'benchmarks', 'examples', 'dev', 'docs/conf.py', 'conftest.py']
    out = subprocess.run([ruff, 'check', '--no-cache', *paths], cwd=REPO,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
