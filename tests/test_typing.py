"""
The package ships ``py.typed``; these tests keep that promise for the public
API: every public method, property and classmethod of the dataset, image,
asset, view and error classes is annotated, the hints resolve to real
objects, spot checks agree with what the code returns, and mypy accepts a
typed usage script (``typing_usage.py``) when it is installed.
"""
import ast
import collections.abc
import importlib
import importlib.util
import inspect
import os
import runpy
import subprocess
import sys
import types
import typing
import warnings
from pathlib import Path

import pytest

import xcoco
from xcoco import errors

TESTS = Path(__file__).resolve().parent

#: module -> the classes whose public surface must be annotated
TYPED_CLASSES = {
    'xcoco.dataset': ['CocoDataset'],
    'xcoco.query': ['Queryable'],
    'xcoco.objects.image': ['CocoImage'],
    'xcoco.objects.asset': ['CocoAsset', 'CocoObject'],
    'xcoco.objects.proxy': ['AliasedDictProxy'],
    'xcoco.objects.list1d': ['ObjectList1D'],
    'xcoco.objects.vectorized': ['Annots', 'Categories', 'Images', 'Tracks', 'Videos'],
    'xcoco.objects.groups': ['AnnotGroups', 'CocoImageView', 'ImageGroups', 'ObjView',
                             'ObjectGroups'],
    'xcoco.errors': list(errors.__all__),
}


def _typing_namespace(modname):
    """
    The module's globals plus what it imports under ``if TYPE_CHECKING:``,
    which is where annotation-only names (kwimage, delayed-image, views)
    live so that ``import xcoco`` stays light.
    """
    module = importlib.import_module(modname)
    namespace = dict(vars(module))
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
                'TYPE_CHECKING', 'typing.TYPE_CHECKING'}:
            code = compile(ast.Module(body=node.body, type_ignores=[]), module.__file__, 'exec')
            exec(code, namespace)
    return namespace


_NAMESPACES = {}


def _namespace(modname):
    if modname not in _NAMESPACES:
        _NAMESPACES[modname] = _typing_namespace(modname)
    return _NAMESPACES[modname]


def _typed_classes():
    for modname, names in TYPED_CLASSES.items():
        module = importlib.import_module(modname)
        for name in names:
            yield getattr(module, name)


def _own_xcoco_bases(cls):
    # The class and the xcoco classes it inherits from (Queryable for
    # CocoDataset ...); builtins and ABCs are typed by typeshed.
    return [k for k in cls.__mro__ if k.__module__.startswith('xcoco.')]


def _callables(cls):
    """(qualified name, function, is_method) for the public surface of ``cls``."""
    seen = set()
    for klass in _own_xcoco_bases(cls):
        for attr, member in vars(klass).items():
            if attr in seen or (attr.startswith('_') and attr != '__init__'):
                continue
            seen.add(attr)
            where = f'{klass.__module__}.{klass.__qualname__}.{attr}'
            if isinstance(member, property):
                for part, func in [('fget', member.fget), ('fset', member.fset)]:
                    if func is not None:
                        yield f'{where}.{part}', func, True
            elif isinstance(member, staticmethod):
                yield where, member.__func__, False
            elif isinstance(member, classmethod):
                yield where, member.__func__, True
            elif inspect.isfunction(member):
                yield where, member, True


def _surface():
    found = {}
    for cls in _typed_classes():
        for where, func, is_method in _callables(cls):
            found[where] = (func, is_method)
    found['xcoco.resolve.resolve_id'] = (importlib.import_module('xcoco.resolve').resolve_id, False)
    return found


def _missing_annotations(func, is_method):
    missing = []
    params = list(inspect.signature(func).parameters.values())
    if is_method and params and params[0].kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        params = params[1:]  # self / cls
    missing += [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if inspect.signature(func).return_annotation is inspect.Signature.empty:
        missing.append('return')
    return missing


def test_public_surface_is_found():
    # guard against the walk silently finding nothing
    surface = _surface()
    for name in ['xcoco.query.Queryable.images', 'xcoco.dataset.CocoDataset.add_image',
                 'xcoco.objects.image.CocoImage.imdelay', 'xcoco.objects.vectorized.Annots.boxes.fget',
                 'xcoco.dataset.CocoDataset.fpath.fset', 'xcoco.errors.UnknownIdError.__init__',
                 'xcoco.objects.list1d.ObjectList1D.lookup', 'xcoco.objects.groups.ObjectGroups.flatten']:
        assert name in surface
    assert len(surface) > 150


def test_every_public_method_is_annotated():
    missing = {}
    for where, (func, is_method) in _surface().items():
        gaps = _missing_annotations(func, is_method)
        if gaps:
            missing[where] = gaps
    assert not missing, f'{len(missing)} public callables lack annotations: {missing}'


def test_every_hint_resolves():
    failures = {}
    for where, (func, _) in _surface().items():
        try:
            typing.get_type_hints(func, globalns=_namespace(func.__module__))
        except Exception as ex:
            failures[where] = f'{type(ex).__name__}: {ex}'
    assert not failures, failures


def test_error_attributes_are_declared():
    # Each constructor parameter (after the message) sets an attribute of the
    # same name; the class (or a base) declares its type.
    undeclared = []
    for name in errors.__all__:
        cls = getattr(errors, name)
        if not inspect.isfunction(cls.__init__):
            continue  # the builtin constructor: a message only
        declared = {}
        for klass in _own_xcoco_bases(cls):
            for attr, hint in vars(klass).get('__annotations__', {}).items():
                declared.setdefault(attr, eval(hint, _namespace(klass.__module__)))
        params = list(inspect.signature(cls.__init__).parameters)
        for param in params[2:]:  # self, message
            if param not in declared:
                undeclared.append(f'{name}.{param}')
    assert not undeclared, undeclared
    err = errors.FieldTypeError('bad', fpath='a.json', table='images', position=0, id=3, field='name')
    assert (err.fpath, err.table, err.position, err.id, err.field) == ('a.json', 'images', 0, 3, 'name')


def test_py_typed_ships():
    assert Path(xcoco.__file__).with_name('py.typed').is_file()
    pyproject = (TESTS.parent / 'pyproject.toml').read_text()
    assert 'xcoco = ["py.typed"' in pyproject


def test_type_aliases_are_light():
    import xcoco.types as xt
    assert set(xt.__all__) == {'Id', 'JsonDict', 'ObjRef', 'StrPath'}
    assert typing.get_args(xt.Id) == (int, str)
    code = ('import sys, xcoco.types; print(sorted(m for m in ("numpy", "kwimage", '
            '"delayed_image") if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'


# ---- the hints agree with what the code returns ------------------------------
def _conforms(value, hint, depth=0):
    """A runtime check of ``value`` against a resolved hint (containers: all items)."""
    if hint is typing.Any or depth > 3:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arg, depth) for arg in args)
    if hint is float:
        return isinstance(value, (int, float))  # PEP 484: an int is a float
    if origin is None:
        # a class; special forms (Self, TypeVars) are left to mypy
        return isinstance(value, hint) if isinstance(hint, type) else True
    if not isinstance(value, origin):
        return False
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(v, args[0], depth + 1) for v in value)
        return len(args) == len(value) and all(
            _conforms(v, a, depth + 1) for v, a in zip(value, args))
    if origin in (dict, collections.abc.Mapping) and args:
        return all(_conforms(k, args[0], depth + 1) and _conforms(v, args[1], depth + 1)
                   for k, v in value.items())
    if origin in (list, set, frozenset, collections.abc.Set) and args:
        return all(_conforms(v, args[0], depth + 1) for v in value)
    return True  # iterators and callables: the type is enough


def _check_properties(obj, skip=()):
    checked, wrong = [], {}
    for klass in _own_xcoco_bases(type(obj)):
        for attr, member in vars(klass).items():
            if attr.startswith('_') or attr in skip or not isinstance(member, property):
                continue
            try:
                value = getattr(obj, attr)
            except (xcoco.XcocoError, KeyError):
                continue  # e.g. no capture time or name recorded
            hint = typing.get_type_hints(member.fget, globalns=_namespace(klass.__module__))['return']
            checked.append(attr)
            if not _conforms(value, hint):
                wrong[attr] = (hint, value)
    assert not wrong, wrong
    return checked


def _returns(func, *args, **kwargs):
    value = func(*args, **kwargs)
    hint = typing.get_type_hints(func, globalns=_namespace(func.__module__))['return']
    assert _conforms(value, hint), (func.__qualname__, hint, value)
    return value


@pytest.fixture(scope='module')
def vidshapes():
    return xcoco.CocoDataset.demo('vidshapes1-aux')


def test_property_values_match_their_hints(vidshapes):
    dset = vidshapes
    checked = _check_properties(dset)
    assert {'imgs', 'gid_to_aids', 'n_images', 'fpath', 'hashid'} <= set(checked)
    checked = _check_properties(dset.images())
    assert {'gids', 'size', 'aids', 'annots', 'coco_images'} <= set(checked)
    checked = _check_properties(dset.annots())
    assert {'boxes', 'detections', 'cnames', 'xywh'} <= set(checked)
    _check_properties(dset.categories())
    _check_properties(dset.videos())
    _check_properties(dset.tracks())
    _check_properties(dset.images().annots)
    checked = _check_properties(dset.coco_image(dset.images()[0]))
    assert {'channels', 'dsize', 'assets', 'video', 'warp_vid_from_img', 'datetime'} <= set(checked)


def test_method_results_match_their_hints(vidshapes):
    dset = vidshapes.copy()
    _returns(dset.coco_image, 1)
    _returns(dset.get_image_fpath, 1)
    _returns(dset.basic_stats)
    _returns(dset.extended_stats)
    _returns(dset.category_annotation_frequency)
    _returns(dset.missing_images)
    _returns(dset.object_categories)
    _returns(dset.images().lookup, 'id')
    _returns(dset.images().lookup, ['id', 'width'], keepid=True)
    _returns(dset.images().attribute_frequency)
    _returns(dset.images().take, [0])
    _returns(dset.images().annots.flatten)
    _returns(dset.images().annots.lookup, 'bbox')
    _returns(dset.tracks().annots.__getitem__, slice(0, 1))
    coco_img = dset.coco_image(1)
    _returns(coco_img.imdelay, space='video')
    _returns(coco_img.primary_asset)
    _returns(coco_img.primary_asset, as_dict=False)
    _returns(coco_img.find_asset, 'disparity')
    _returns(coco_img.stats)
    _returns(coco_img.primary_image_filepath)
    _returns(coco_img.valid_region)
    _returns(dset.add_image, 'new.png')
    _returns(dset.add_categories, [{'name': 'new'}])
    _returns(dset.ensure_category, 'new')
    _returns(dset.copy)
    _returns(dset.subset, [1])
    _returns(type(dset).union, dset, dset.copy())
    _returns(dset.remove_annotations, [dset.annots()[0]])
    _returns(dset.remove_images, [1])
    _returns(dset.dumps)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # new.png does not exist: fine here
        _returns(dset.conform)
        _returns(dset.validate)


# ---- mypy over a typed usage script ---------------------------------------
_MYPY = importlib.util.find_spec('mypy') is not None
requires_mypy = pytest.mark.skipif(
    not _MYPY, reason='mypy is not installed (it comes with the tests extra)')


@pytest.fixture(scope='module')
def mypy_report(tmp_path_factory):
    # The package the suite imports is the one checked (MYPYPATH wins over an
    # editable install pointing elsewhere).  --follow-imports=silent keeps
    # mypy's opinion of xcoco's own function bodies out of the report: this
    # checks what users see, the public signatures.
    src = Path(xcoco.__file__).resolve().parents[1]
    workdir = tmp_path_factory.mktemp('mypy')
    env = dict(os.environ, MYPYPATH=str(src))
    cmd = [sys.executable, '-m', 'mypy', '--strict', '--follow-imports=silent',
           '--no-error-summary', '--cache-dir', str(workdir / 'cache'),
           str(TESTS / 'typing_usage.py'), str(TESTS / 'typing_toplevel.py')]
    out = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True,
                         check=False, timeout=300)
    assert out.returncode in (0, 1), out.stdout + out.stderr
    return out.stdout.splitlines()


@requires_mypy
def test_mypy_accepts_typed_usage(mypy_report):
    problems = [line for line in mypy_report if 'typing_usage.py' in line]
    assert not problems, '\n'.join(problems)


@requires_mypy
def test_mypy_sees_toplevel_names(mypy_report):
    # xcoco/__init__.py resolves CocoDataset & co lazily in __getattr__; the
    # same names are imported under TYPE_CHECKING for type checkers
    problems = [line for line in mypy_report if 'typing_toplevel.py' in line]
    assert not problems, '\n'.join(problems)


def test_typed_usage_runs():
    runpy.run_path(str(TESTS / 'typing_usage.py'), run_name='__main__')
