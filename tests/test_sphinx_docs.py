"""
The documentation site builds with no warnings (``-W``), and its API
reference has every public name: every name in every public module's
``__all__`` is in the built site's object inventory, documented where it is
defined, and every module has its page.
"""
import importlib
import inspect
import os
import re
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'dev'))
import api_docs  # noqa: E402


def _read_inventory(fpath):
    """{(role, name)} from a Sphinx ``objects.inv`` (version 2: four header lines, zlib body)."""
    with open(fpath, 'rb') as file:
        header = [file.readline() for _ in range(4)]
        assert header[0].startswith(b'# Sphinx inventory version 2'), header[0]
        body = zlib.decompress(file.read()).decode('utf8')
    entries = set()
    for line in body.splitlines():
        name, role = line.split(' ', 2)[:2]
        entries.add((role, name))
    return entries


@pytest.fixture(scope='module')
def built_site(tmp_path_factory):
    pytest.importorskip('sphinx', reason='sphinx is in the [tests] extra: pip install -e ".[tests]"')
    out = tmp_path_factory.mktemp('site')
    result = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b', 'html',
         '-d', str(out / 'doctrees'), str(REPO / 'docs'), str(out / 'html')],
        capture_output=True, text=True, timeout=600)
    return result, out / 'html'


def test_api_pages_are_current():
    stale = api_docs.stale_pages()
    assert not stale, f'docs/api is out of date for {stale}: run python dev/api_docs.py'


def test_docs_build_without_warnings(built_site):
    result, html = built_site
    assert result.returncode == 0, f'sphinx-build -W failed:\n{result.stderr[-6000:]}'
    assert 'WARNING' not in result.stderr, result.stderr[-6000:]
    for page in ['index', 'guides/getting_started', 'guides/data_model', 'cli',
                 'coming_from_kwcoco', 'api/index', 'api/xcoco.dataset']:
        assert (html / f'{page}.html').exists(), page


def test_every_public_name_is_in_the_reference(built_site):
    result, html = built_site
    assert (html / 'objects.inv').exists(), result.stderr[-3000:]
    documented = {name for _role, name in _read_inventory(html / 'objects.inv')}
    modules = {name for role, name in _read_inventory(html / 'objects.inv') if role == 'py:module'}
    missing = []
    for modname in api_docs.public_modules():
        if modname not in modules:
            missing.append(modname)
        module = importlib.import_module(modname)
        for name in api_docs.exported_names(modname):
            if inspect.ismodule(getattr(module, name)):
                continue  # a package's submodule, listed on the package's page
            home = api_docs.home_module(modname, name)
            if f'{home}.{name}' not in documented:
                missing.append(f'{modname}.{name} (documented at {home})')
    assert not missing, f'{len(missing)} public names missing from the API reference: {missing}'


def test_the_reference_links_reexports_to_their_home():
    # xcoco.CocoDataset is documented once, in xcoco.dataset, and linked from the top-level page
    assert api_docs.home_module('xcoco', 'CocoDataset') == 'xcoco.dataset'
    assert api_docs.home_module('xcoco.coco_image', 'CocoImage') == 'xcoco.objects.image'
    top = api_docs.module_page('xcoco')
    assert ':py:class:`xcoco.dataset.CocoDataset`' in top
    assert '.. autoclass:: xcoco.dataset.CocoDataset' in api_docs.module_page('xcoco.dataset')


def python_blocks(text):
    """The bodies of the ``.. code:: python`` blocks of a reStructuredText text, dedented."""
    lines = text.splitlines()
    blocks = []
    for pos, line in enumerate(lines):
        match = re.match(r'^(\s*)\.\. code:: python\s*$', line)
        if not match:
            continue
        indent = len(match.group(1))
        body = []
        for following in lines[pos + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        blocks.append(textwrap.dedent('\n'.join(body)).strip('\n'))
    return blocks


def _run_code(code, tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / 'cache'))
    return subprocess.run([sys.executable, '-c', code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_python_blocks_are_found():
    text = 'a\n\n.. code:: python\n\n    x = 1\n    y = 2\n\nafter\n\n   .. code:: python\n\n       z = 3\n'
    assert python_blocks(text) == ['x = 1\ny = 2', 'z = 3']


def test_readme_tour_runs_as_written(tmp_path):
    blocks = python_blocks((REPO / 'README.rst').read_text())
    assert len(blocks) >= 2
    result = _run_code('\n\n'.join(blocks), tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    # the multispectral crop the tour promises
    assert '(64, 64, 2) float32' in result.stdout, result.stdout


def test_readme_renders_without_warnings():
    docutils_core = pytest.importorskip('docutils.core')
    import io
    errors = io.StringIO()
    docutils_core.publish_doctree((REPO / 'README.rst').read_text(),
                                  settings_overrides={'warning_stream': errors, 'report_level': 2})
    assert not errors.getvalue(), errors.getvalue()


@pytest.mark.parametrize('page', sorted((REPO / 'docs' / 'guides').glob('*.rst')), ids=lambda p: p.stem)
def test_guide_code_runs(page, tmp_path):
    blocks = python_blocks(page.read_text())
    if not blocks:
        pytest.skip(f'{page.name} has no runnable python blocks')
    result = _run_code('\n\n'.join(blocks), tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
