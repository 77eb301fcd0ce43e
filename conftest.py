"""
The whole session is hermetic: every cache and temporary file the tests,
the doctests and the peers they compare with (kwcoco) write goes under one
fresh temporary folder, removed at the end.  The suite therefore sees what a
new user sees (empty caches) and leaves the user's caches alone.

Fixtures and skip markers shared by the tests live in ``tests/conftest.py``.
"""
import os
import shutil
import tempfile

_SESSION = {}


def pytest_configure(config):
    base = tempfile.mkdtemp(prefix='xcoco-tests-')
    _SESSION['base'] = base
    _SESSION['saved'] = {key: os.environ.get(key) for key in
                         ('XCOCO_DEMO_DPATH', 'XDG_CACHE_HOME', 'TMPDIR',
                          'HYPOTHESIS_STORAGE_DIRECTORY')}
    _SESSION['tempdir'] = tempfile.tempdir
    for key, sub in [('XCOCO_DEMO_DPATH', 'demo'), ('XDG_CACHE_HOME', 'cache'),
                     ('TMPDIR', 'tmp'), ('HYPOTHESIS_STORAGE_DIRECTORY', 'hypothesis')]:
        path = os.path.join(base, sub)
        os.makedirs(path)
        os.environ[key] = path
    # tempfile caches its folder on first use; point it at the session's
    tempfile.tempdir = os.environ['TMPDIR']
    # hypothesis would keep its example database and caches in ./.hypothesis
    # (it may have read its folder already, so tell it directly too)
    _set_hypothesis_home(os.environ['HYPOTHESIS_STORAGE_DIRECTORY'])


def _set_hypothesis_home(path):
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:
        return
    set_hypothesis_home_dir(path)


def pytest_unconfigure(config):
    base = _SESSION.pop('base', None)
    if base is None:
        return
    tempfile.tempdir = _SESSION.pop('tempdir')
    _set_hypothesis_home(None)
    for key, value in _SESSION.pop('saved').items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(base, ignore_errors=True)
