"""
Serve the ``kwcoco`` module name (and every ``kwcoco.*`` path) with xcoco,
so that unchanged kwcoco code runs on xcoco.

One meta-path finder maps ``kwcoco`` to ``xcoco`` and ``kwcoco.a.b`` to
``xcoco.a.b``: the module registered under the kwcoco name is the xcoco
module object itself (``sys.modules['kwcoco.coco_image'] is
sys.modules['xcoco.coco_image']``), so classes, ``isinstance`` checks and
module state are shared, never copied.  A kwcoco path xcoco has no module
for fails with a ModuleNotFoundError that names both paths.

Use :func:`install_as_kwcoco` in-process (notebooks, test suites), or run a
script with ``python -m xcoco.as_kwcoco script.py`` (see
:mod:`xcoco.as_kwcoco`).

Example:
    >>> # the alias is process-wide, so show it in a fresh interpreter
    >>> import subprocess, sys
    >>> code = '\\n'.join([
    ...     'import xcoco',
    ...     'xcoco.install_as_kwcoco()',
    ...     'import kwcoco',
    ...     'from kwcoco.coco_image import CocoImage',
    ...     'print(kwcoco is xcoco, CocoImage is xcoco.CocoImage)',
    ... ])
    >>> out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    >>> print(out.stdout.strip())
    True True
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

from xcoco.errors import KwcocoAliasError

__all__ = ['KwcocoAliasFinder', 'install_as_kwcoco', 'is_installed', 'real_name']

ALIAS = 'kwcoco'
TARGET = 'xcoco'


def real_name(alias_name):
    """
    The xcoco module path that serves a kwcoco module path.

    Args:
        alias_name (str): ``'kwcoco'`` or ``'kwcoco.<path>'``.

    Returns:
        str | None: the xcoco path, or None for a name outside kwcoco.

    Example:
        >>> real_name('kwcoco.util.util_json'), real_name('kwcoco'), real_name('kwcocox')
        ('xcoco.util.util_json', 'xcoco', None)
    """
    if alias_name == ALIAS:
        return TARGET
    if alias_name.startswith(ALIAS + '.'):
        return TARGET + alias_name[len(ALIAS):]
    return None


class KwcocoAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """
    The meta-path finder and loader behind :func:`install_as_kwcoco`.

    Finding ``kwcoco.x`` looks up ``xcoco.x``; loading imports ``xcoco.x``
    (if it is not already) and registers that same module object under the
    kwcoco name.  The xcoco module keeps its own ``__name__``, ``__spec__``
    and ``__file__``.

    Example:
        >>> finder = KwcocoAliasFinder()
        >>> finder.find_spec('numpy', None) is None
        True
        >>> spec = finder.find_spec('kwcoco.exceptions', None)
        >>> spec.name, spec.loader is finder
        ('kwcoco.exceptions', True)
        >>> try:
        ...     finder.find_spec('kwcoco.no_such_module', None)
        ... except ModuleNotFoundError as ex:
        ...     print(ex)
        No module named 'kwcoco.no_such_module': xcoco serves the kwcoco module paths in this process and has no module 'xcoco.no_such_module'
    """

    def find_spec(self, fullname, path=None, target=None):
        """
        A spec for a kwcoco path; None for any other name.

        Raises:
            ModuleNotFoundError: xcoco has no module for the kwcoco path.

        Example:
            >>> spec = KwcocoAliasFinder().find_spec('kwcoco', None)
            >>> spec.name, spec.submodule_search_locations is not None
            ('kwcoco', True)
        """
        target_name = real_name(fullname)
        if target_name is None:
            return None
        real_spec = importlib.util.find_spec(target_name)
        if real_spec is None:
            raise ModuleNotFoundError(
                f'No module named {fullname!r}: xcoco serves the kwcoco module '
                f'paths in this process and has no module {target_name!r}',
                name=fullname)
        is_package = real_spec.submodule_search_locations is not None
        spec = importlib.machinery.ModuleSpec(
            fullname, self, origin=real_spec.origin, is_package=is_package,
            loader_state=real_spec)
        if is_package:
            spec.submodule_search_locations = list(real_spec.submodule_search_locations)
        return spec

    def create_module(self, spec):
        """
        The xcoco module itself (imported now if it was not yet).

        Example:
            >>> import xcoco.exceptions
            >>> finder = KwcocoAliasFinder()
            >>> spec = finder.find_spec('kwcoco.exceptions', None)
            >>> finder.create_module(spec) is xcoco.exceptions
            True
        """
        return importlib.import_module(real_name(spec.name))

    def exec_module(self, module):
        """
        Nothing to run (the xcoco module ran when it was imported); undo
        what the import system wrote onto it for the kwcoco name.

        Example:
            >>> import xcoco.exceptions
            >>> finder = KwcocoAliasFinder()
            >>> spec = finder.find_spec('kwcoco.exceptions', None)
            >>> module = finder.create_module(spec)
            >>> own_spec = module.__spec__
            >>> module.__spec__ = spec  # what module_from_spec does
            >>> finder.exec_module(module)
            >>> module.__spec__ is own_spec, module.__name__
            (True, 'xcoco.exceptions')
        """
        # importlib sets the alias spec on the module (and, on reload, its
        # name, loader and path too); the module is xcoco's, so put back
        # xcoco's spec (kept by find_spec) and what derives from it.
        own_spec = module.__spec__.loader_state
        module.__spec__ = own_spec
        module.__name__ = own_spec.name
        module.__loader__ = own_spec.loader
        module.__package__ = own_spec.parent
        if own_spec.submodule_search_locations is not None:
            module.__path__ = list(own_spec.submodule_search_locations)

    def get_code(self, fullname):
        """
        The code object of the xcoco module (what ``runpy`` runs for
        ``python -m kwcoco.x`` under the alias).

        Example:
            >>> code = KwcocoAliasFinder().get_code('kwcoco.exceptions')
            >>> code.co_filename.endswith('exceptions.py')
            True
        """
        real_spec = importlib.util.find_spec(real_name(fullname))
        return real_spec.loader.get_code(real_spec.name)

    def get_source(self, fullname):
        """
        The source text of the xcoco module.

        Example:
            >>> 'kwcoco' in KwcocoAliasFinder().get_source('kwcoco.exceptions')
            True
        """
        real_spec = importlib.util.find_spec(real_name(fullname))
        return real_spec.loader.get_source(real_spec.name)

    def is_package(self, fullname):
        """
        Whether the xcoco module is a package.

        Example:
            >>> finder = KwcocoAliasFinder()
            >>> finder.is_package('kwcoco'), finder.is_package('kwcoco.exceptions')
            (True, False)
        """
        real_spec = importlib.util.find_spec(real_name(fullname))
        return real_spec.submodule_search_locations is not None


def _installed_finder():
    for finder in sys.meta_path:
        if isinstance(finder, KwcocoAliasFinder):
            return finder
    return None


def is_installed():
    """
    True when this process serves ``kwcoco`` with xcoco.

    Example:
        >>> import subprocess, sys
        >>> code = 'import xcoco.kwcoco_alias as a; a.install_as_kwcoco(); print(a.is_installed())'
        >>> subprocess.run([sys.executable, '-c', code], capture_output=True, text=True).stdout
        'True\\n'
    """
    return _installed_finder() is not None


def _foreign_kwcoco_modules():
    """Names of kwcoco modules in sys.modules that are not xcoco's."""
    foreign = []
    for name, module in list(sys.modules.items()):
        target = real_name(name)
        if target is None or module is None:
            continue
        if sys.modules.get(target) is not module:
            foreign.append(name)
    return sorted(foreign)


def install_as_kwcoco():
    """
    Serve ``import kwcoco`` and every ``kwcoco.*`` module path with xcoco
    for the rest of this process.  Calling it again does nothing.

    The alias takes precedence over an installed kwcoco.  Call it before
    anything imports kwcoco: if the real kwcoco (or any ``kwcoco.*`` module)
    is already imported, code holding it would mix the two libraries, so
    this raises :class:`xcoco.KwcocoAliasError` and changes nothing.

    Raises:
        KwcocoAliasError: a kwcoco module that is not xcoco's is imported.

    Example:
        >>> # process-wide, so each case runs in a fresh interpreter
        >>> import subprocess, sys
        >>> def run(code):
        ...     out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
        ...     return (out.stdout + out.stderr).strip().splitlines()[-1]
        >>> run('import xcoco; xcoco.install_as_kwcoco(); xcoco.install_as_kwcoco(); '
        ...     'import kwcoco.coco_dataset as m; print(m.CocoDataset.__module__)')
        'xcoco.dataset'
        >>> print(run('import kwcoco, xcoco; xcoco.install_as_kwcoco()'))
        xcoco.errors.KwcocoAliasError: cannot serve 'kwcoco' with xcoco: the real kwcoco is already imported (kwcoco); call xcoco.install_as_kwcoco() before anything imports kwcoco
    """
    foreign = _foreign_kwcoco_modules()
    if foreign:
        shown = ', '.join(foreign[:5]) + (f' and {len(foreign) - 5} more' if len(foreign) > 5 else '')
        raise KwcocoAliasError(
            f"cannot serve 'kwcoco' with xcoco: the real kwcoco is already "
            f'imported ({shown}); call xcoco.install_as_kwcoco() before '
            f'anything imports kwcoco')
    if _installed_finder() is None:
        # first, so that it wins over the path finder that would find the
        # real kwcoco in site-packages
        sys.meta_path.insert(0, KwcocoAliasFinder())
