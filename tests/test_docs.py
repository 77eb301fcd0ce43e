"""
Every public module, class, function and method has a docstring with a
runnable example (``>>>``); xdoctest runs them as part of the suite.  The
README commands and the runnable examples are checked here too.
"""
import ast
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import xcoco

REPO = Path(__file__).resolve().parents[1]


def _public_modules():
    names = ['xcoco']
    for info in pkgutil.walk_packages(xcoco.__path__, 'xcoco.'):
        if not any(part.startswith('_') for part in info.name.split('.')[1:]):
            names.append(info.name)
    return names


def _public_members(module):
    exported = getattr(module, '__all__', None)
    for name, obj in vars(module).items():
        if name.startswith('_'):
            continue
        if exported is not None and name not in exported:
            continue
        if getattr(obj, '__module__', None) != module.__name__:
            continue  # re-exported: checked where it is defined
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield name, obj


def _missing_examples():
    missing = []
    for modname in _public_modules():
        module = importlib.import_module(modname)
        for name, obj in _public_members(module):
            if '>>>' not in (inspect.getdoc(obj) or ''):
                missing.append(f'{modname}.{name}')
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith('_'):
                        continue
                    func = member.fget if isinstance(member, property) else member
                    if isinstance(func, (classmethod, staticmethod)):
                        func = func.__func__
                    if not inspect.isfunction(func):
                        continue
                    if '>>>' not in (inspect.getdoc(func) or ''):
                        missing.append(f'{modname}.{name}.{attr}')
    return missing


def test_every_public_name_has_an_example():
    missing = _missing_examples()
    assert not missing, f'{len(missing)} public names lack a doctest example: {missing}'


def test_import_is_light():
    code = ('import sys, xcoco; heavy = [m for m in ("numpy", "kwimage", "cv2", '
            '"delayed_image", "networkx", "jsonschema") if m in sys.modules]; print(heavy)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'


def test_kwcoco_import_paths_after_aliasing():
    import xcoco as kwcoco
    from xcoco.coco_dataset import CocoDataset
    from xcoco.exceptions import DuplicateAddError, InvalidAddError
    assert kwcoco.CocoDataset is CocoDataset
    assert issubclass(DuplicateAddError, ValueError) and issubclass(InvalidAddError, ValueError)
    importlib.import_module('xcoco.coco_sql_dataset')


def test_cli_help_and_version():
    out = subprocess.run([sys.executable, '-m', 'xcoco', '--version'],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == xcoco.__version__
    out = subprocess.run([sys.executable, '-m', 'xcoco', '--help'],
                         capture_output=True, text=True, check=True)
    assert 'stats' in out.stdout


def test_cli_stats_on_demo_and_errors(tmp_path, capsys):
    import json

    from xcoco.cli import main
    assert main(['stats', 'special:shapes2', '--no-extended', '--format', 'json']) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]['basic']['n_imgs'] == 2
    assert main(['stats', str(tmp_path / 'missing.json')]) == 1
    assert 'manifest file does not exist' in capsys.readouterr().err


@pytest.mark.parametrize('fpath', sorted((REPO / 'examples').glob('*.py')), ids=lambda p: p.name)
def test_examples_run(fpath, tmp_path):
    # a temporary working folder and user cache: an example that wrote
    # anywhere else would leave files in the checkout or the real cache
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / 'cache'))
    if fpath.name.startswith('kwcoco_'):
        # scripts written for kwcoco run unchanged under the alias
        out = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', str(fpath)], check=True,
                             capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
        assert out.stdout.startswith('xcoco:'), out.stdout
        return
    out = subprocess.run([sys.executable, str(fpath)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr[-4000:]
    assert out.stdout.strip(), 'an example prints what it shows'
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ['cache']), list(tmp_path.iterdir())


def test_every_example_says_what_it_shows():
    for fpath in sorted((REPO / 'examples').glob('*.py')):
        doc = ast.get_docstring(ast.parse(fpath.read_text()))
        assert doc and 'python ' in doc, f'{fpath.name}: a module docstring with its run command'


def test_ci_runs_the_readme_test_command():
    readme = (REPO / 'README.rst').read_text()
    ci = (REPO / '.ci' / 'run').read_text()
    command = 'pip install -e ".[tests]" && python -m pytest'
    assert command in readme and command in ci


def test_the_suite_writes_only_under_temporary_folders():
    # The root conftest points every cache (ours, kwcoco's, ubelt's appdir)
    # and tempfile at one session folder; doctests make their folders with
    # tempfile, never in the user's cache.
    import tempfile

    import ubelt as ub

    from xcoco.demo.cache import demo_cache_root
    tmp = Path(tempfile.gettempdir()).resolve()
    for path in [demo_cache_root(), ub.Path.appdir('kwcoco', type='cache'),
                 ub.Path.appdir('xcoco', type='cache')]:
        assert tmp.parent in Path(path).resolve().parents, path
    offenders = []
    sources = sorted((REPO / 'src').rglob('*.py')) + sorted((REPO / 'tests').rglob('*.py'))
    for fpath in sources:
        if fpath == Path(__file__):
            continue
        in_tests = fpath.parent.name == 'tests'
        for num, line in enumerate(fpath.read_text().splitlines(), 1):
            if 'appdir(' in line and ('>>>' in line or in_tests):
                offenders.append(f'{fpath.relative_to(REPO)}:{num}')
    assert not offenders, f'doctests/tests writing into the user cache: {offenders}'


def test_lazy_names_are_spelled_out_for_type_checkers():
    import re
    text = (REPO / 'src' / 'xcoco' / '__init__.py').read_text()
    spelled = set(re.findall(r'import (\w+) as \1\b', text))
    assert spelled == set(xcoco._LAZY)
