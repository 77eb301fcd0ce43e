"""
Sphinx configuration of xcoco's documentation site.

Build: ``sphinx-build -W --keep-going -b html docs build/docs`` (the test
suite does the same, tests/test_sphinx_docs.py).  The API pages under
``docs/api/`` are written by ``python dev/api_docs.py``.
"""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# the checkout's sources, not an older installed copy
sys.path.insert(0, str(REPO / 'src'))

import xcoco  # noqa: E402

project = 'xcoco'
author = 'xcoco developers'
copyright = '2026, xcoco developers'
version = release = xcoco.__version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    # a few docstrings keep their open questions in ``.. todo::`` blocks
    'sphinx.ext.todo',
]

# docstrings are Google style; numpy-style sections would misread "Example"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
# pycocotools, torch, psycopg ... are optional: a module importing them
# lazily must still document
autodoc_mock_imports = []

exclude_patterns = ['_build']
templates_path = []
html_static_path = ['_static']
html_theme = 'alabaster'
html_title = f'xcoco {release}'


def _drop_type_docstrings(app, what, name, obj, options, lines):
    # a module-level dict or list without a ``#:`` comment would otherwise
    # show the docstring of ``dict`` / ``list`` itself
    type_doc = type(obj).__doc__
    if what in {'data', 'attribute'} and isinstance(type_doc, str) and lines and \
            '\n'.join(lines).strip() == type_doc.strip():
        lines[:] = []


def setup(app):
    app.connect('autodoc-process-docstring', _drop_type_docstrings)
