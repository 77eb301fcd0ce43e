"""
Regenerate docs/api/: one reStructuredText page per public module of xcoco,
documenting every name in the module's ``__all__``.

    python dev/api_docs.py            # rewrite docs/api/
    python dev/api_docs.py --check    # exit 1 and list the stale pages

A name is documented in full (autodoc) in the module that defines it; a
module that re-exports it (``xcoco``, kwcoco's paths such as
``xcoco.coco_image``) links to that page instead, so every object has one
entry and cross-references are never ambiguous.  tests/test_sphinx_docs.py
checks the pages are current and that the built site has every name.
"""
import functools
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
API_DPATH = REPO / 'docs' / 'api'


@functools.cache
def public_modules():
    """Every importable module of xcoco whose dotted path has no private part."""
    import xcoco
    names = ['xcoco']
    for info in pkgutil.walk_packages(xcoco.__path__, 'xcoco.'):
        if not any(part.startswith('_') for part in info.name.split('.')[1:]):
            names.append(info.name)
    return tuple(sorted(names))


def _assigned_at_top_level(module, name):
    try:
        text = inspect.getsource(module)
    except (OSError, TypeError):
        return False
    return re.search(rf'^{re.escape(name)}\s*(:[^=\n]*)?=', text, flags=re.M) is not None


def _imported_from_outside(module, name):
    try:
        text = inspect.getsource(module)
    except (OSError, TypeError):
        return False
    for match in re.finditer(r'^from\s+(?!xcoco\b)[\w.]+\s+import\s+(\([^)]*\)|[^\n]*)', text, flags=re.M):
        if re.search(rf'\b{re.escape(name)}\b', match.group(1)):
            return True
    return False


def is_external(obj):
    """True for a class or function that another package (delayed-image, ubelt) defines."""
    defined_in = getattr(obj, '__module__', None) or ''
    return ((inspect.isclass(obj) or inspect.isfunction(obj))
            and defined_in.split('.')[0] != 'xcoco')


@functools.cache
def home_module(modname, name):
    """
    The module whose page documents ``modname.name`` in full.

    Classes and functions live where they were defined.  Those another
    package defines (delayed-image's channel specs, ubelt's executors) live
    in the first module that imports them from that package.  Data
    (constants, schemas) lives where the source assigns and exports it,
    else where it is listed.
    """
    module = importlib.import_module(modname)
    obj = getattr(module, name)
    if inspect.ismodule(obj):
        return obj.__name__
    if is_external(obj):
        exporters = [other for other in public_modules()
                     if name in exported_names(other)
                     and getattr(importlib.import_module(other), name) is obj]
        for other in exporters:
            if _imported_from_outside(importlib.import_module(other), name):
                return other
        return exporters[0] if exporters else modname
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return getattr(obj, '__module__', None) or modname
    if _assigned_at_top_level(module, name):
        return modname
    for other in public_modules():
        other_mod = importlib.import_module(other)
        # the assigning module is the home only if it exports the name too
        if name in exported_names(other) and getattr(other_mod, name, None) is obj \
                and _assigned_at_top_level(other_mod, name):
            return other
    return modname


@functools.cache
def exported_names(modname):
    """The module's ``__all__`` (empty for a package that exports nothing)."""
    module = importlib.import_module(modname)
    return tuple(name for name in getattr(module, '__all__', []) if name != '__version__')


def _directive(modname, name, obj):
    if is_external(obj):
        # another package's object, re-exported under kwcoco's path: its own
        # docstring, members documented by that package
        kind = 'autoclass' if inspect.isclass(obj) else 'autofunction'
        return [f'.. {kind}:: {modname}.{name}',
                '', f'   Defined by ``{obj.__module__}``; see that package for its members.']
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return [f'.. autoexception:: {modname}.{name}', '   :show-inheritance:']
        return [f'.. autoclass:: {modname}.{name}', '   :members:', '   :show-inheritance:']
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return [f'.. autofunction:: {modname}.{name}']
    return [f'.. autodata:: {modname}.{name}', '   :no-value:']


def module_page(modname):
    """The text of ``docs/api/<modname>.rst``."""
    module = importlib.import_module(modname)
    title = f'``{modname}``'
    lines = [title, '=' * len(title), '', f'.. automodule:: {modname}', '']
    own, reexported, submodules = [], [], []
    for name in exported_names(modname):
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            submodules.append(obj.__name__)
            continue
        home = home_module(modname, name)
        (own if home == modname else reexported).append((name, obj, home))
    if reexported:
        lines += ['Re-exported here, documented where they are defined:', '']
        for name, obj, home in reexported:
            role = 'exc' if inspect.isclass(obj) and issubclass(obj, BaseException) else (
                'class' if inspect.isclass(obj) else
                'func' if (inspect.isfunction(obj) or inspect.isbuiltin(obj)) else 'data')
            lines.append(f'* ``{name}``: :py:{role}:`{home}.{name}`')
        lines.append('')
    if submodules:
        lines += ['Modules re-exported here:', '']
        lines += [f'* :py:mod:`{name}`' if name.startswith('xcoco') else f'* ``{name}``'
                  for name in submodules]
        lines.append('')
    for name, obj, _home in own:
        lines += _directive(modname, name, obj) + ['']
    return '\n'.join(lines).rstrip() + '\n'


def index_page(modnames):
    lines = ['API reference', '=============', '',
             'Every public module of xcoco, with every name in its ``__all__``.  A name',
             'is documented where it is defined; the modules that re-export it (the',
             'top-level ``xcoco`` namespace, kwcoco\'s module paths) link there.', '',
             '.. toctree::', '   :maxdepth: 1', '']
    lines += [f'   {name}' for name in modnames]
    return '\n'.join(lines) + '\n'


def expected_pages():
    modnames = public_modules()
    pages = {'index.rst': index_page(modnames)}
    for modname in modnames:
        pages[f'{modname}.rst'] = module_page(modname)
    return pages


def stale_pages(dpath=API_DPATH):
    """Names of pages under ``dpath`` that differ from what would be written (or are extra)."""
    pages = expected_pages()
    stale = [name for name, text in pages.items()
             if not (dpath / name).exists() or (dpath / name).read_text() != text]
    stale += [p.name for p in dpath.glob('*.rst') if p.name not in pages]
    return sorted(stale)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if '--check' in argv:
        stale = stale_pages()
        if stale:
            print('stale API pages (run python dev/api_docs.py):', ', '.join(stale))
            return 1
        return 0
    API_DPATH.mkdir(parents=True, exist_ok=True)
    pages = expected_pages()
    for extra in API_DPATH.glob('*.rst'):
        if extra.name not in pages:
            extra.unlink()
    for name, text in pages.items():
        fpath = API_DPATH / name
        if not fpath.exists() or fpath.read_text() != text:
            fpath.write_text(text)
    print(f'{len(pages)} pages in {API_DPATH.relative_to(REPO)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
