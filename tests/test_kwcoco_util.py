"""
The kwcoco module paths xcoco adds for kwcoco users (``xcoco.util.*``,
``coco_schema`` elements, ``abstract_coco_dataset``, ``sensorchan_spec``,
``coco_sql_dataset.assert_dsets_allclose``): each behaves as kwcoco 0.9.1's
does, checked side by side where kwcoco is installed, except for the
documented improvements.
"""
import collections
import os
import pathlib
import tarfile
import zipfile

import jsonschema
import numpy as np
import pytest
import ubelt as ub

import xcoco
from xcoco.util import jsonschema_elements as xje
from xcoco.util import util_archive, util_json, util_reroot
from xcoco.util.dict_like import DictLike
from xcoco.util.util_truncate import smart_truncate

# kwcoco.util names xcoco.util does not provide, and why (reported in the
# parity table): scikit-learn is not a dependency; the others are kwcoco's
# internal development / GDAL helpers.
NOT_PROVIDED = {'StratifiedGroupKFold', 'util_sklearn', 'util_monkey', 'lazy_frame_backends'}


def test_util_exports_what_kwcoco_util_exports():
    kwutil = pytest.importorskip('kwcoco.util')
    missing = set(kwutil.__all__) - set(xcoco.util.__all__)
    assert missing == NOT_PROVIDED
    for name in xcoco.util.__all__:
        assert getattr(xcoco.util, name) is not None, name


# ---------------------------------------------------------------- util_json
JSON_CASES = [
    {'a': np.array([1, 2]), 'b': (1, np.int64(3)), 'c': {'d': np.float32(0.5)}},
    [1, 'x', None, {'p': ub.Path('a/b.png')}, [np.uint8(3), np.float64(1.5)]],
    collections.OrderedDict(z=[np.arange(3)], y={'k': (np.int32(1),)}),
    {'nested': [[{'deep': np.zeros((2, 2))}]]},
]


@pytest.mark.parametrize('data', JSON_CASES)
def test_json_helpers_agree_with_kwcoco(data):
    kw_json = pytest.importorskip('kwcoco.util.util_json')
    ours = [part['loc'] for part in util_json.find_json_unserializable(data)]
    theirs = [part['loc'] for part in kw_json.find_json_unserializable(data)]
    assert ours == theirs
    for normalize in [False, True]:
        mine = util_json.ensure_json_serializable(data, normalize_containers=normalize)
        kw = kw_json.ensure_json_serializable(data, normalize_containers=normalize)
        assert mine == kw and type(mine) is type(kw)
        assert list(util_json.find_json_unserializable(mine)) == []


def test_json_helpers_improvements():
    # kwcoco leaves numpy bools, sets and numpy / path keys, and fails on a
    # bare numpy value; all become JSON here, and the input is untouched
    data = {'flag': np.bool_(True), 'tags': {'b', 'a'}, np.int64(3): 'x', 'p': pathlib.Path('q')}
    out = util_json.ensure_json_serializable(data)
    assert out == {'flag': True, 'tags': ['a', 'b'], 3: 'x', 'p': 'q'}
    assert type(out['flag']) is bool and np.int64(3) in data
    assert util_json.ensure_json_serializable(np.float32(2.5)) == 2.5
    # the values under a bad key are checked too
    parts = list(util_json.find_json_unserializable({(1, 2): {'x': np.int64(1)}}))
    assert [p['loc'] for p in parts] == [[['.keys', (1, 2)]], [(1, 2), 'x']]
    loop = [[]]
    loop[0].append(loop)
    with pytest.raises(ValueError, match=r'Circular reference detected at \[0, 0\]'):
        util_json.ensure_json_serializable(loop)
    shared = {'s': 1}
    assert util_json.ensure_json_serializable([shared, shared]) == [{'s': 1}, {'s': 1}]
    assert list(util_json.find_json_unserializable({'a': [1]}, quickcheck=True)) == []


def test_indexable_allclose_matches_kwcoco():
    kw_json = pytest.importorskip('kwcoco.util.util_json')
    import warnings
    pairs = [({'a': [1.0, 2.0]}, {'a': [1.0, 2.0 + 1e-12]}),
             ({'a': [1.0]}, {'a': [1.1]}), ({'a': 1}, {'a': 1, 'b': 2}),
             ({'a': [162, 1]}, {'a': [162.000000001, 1]})]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for dct1, dct2 in pairs:
            assert util_json.indexable_allclose(dct1, dct2) == kw_json.indexable_allclose(dct1, dct2)
            assert (util_json.indexable_diff(dct1, dct2)['faillist']
                    == kw_json.indexable_diff(dct1, dct2)['faillist'])


# ------------------------------------------------------------- util_archive
def _files(tmp_path):
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'a.txt').write_text('A')
    (tmp_path / 'sub' / 'b.txt').write_text('B')
    return [tmp_path / 'a.txt', tmp_path / 'sub' / 'b.txt']


@pytest.mark.parametrize('suffix', ['.zip', '.tar.gz'])
def test_archives_interoperate_with_kwcoco(tmp_path, suffix):
    kw_archive = pytest.importorskip('kwcoco.util.util_archive')
    files = _files(tmp_path)
    for writer, reader, tag in [(kw_archive.Archive, util_archive.Archive, 'kw'),
                                (util_archive.Archive, kw_archive.Archive, 'x')]:
        fpath = tmp_path / f'{tag}{suffix}'
        arc = writer(str(fpath), mode='w')
        for f in files:
            arc.add(f)
        arc.add(files[0], arcname='renamed/c.txt')
        arc.close()
        other = reader(str(fpath))
        assert list(other.names()) == ['a.txt', 'sub/b.txt', 'renamed/c.txt']
        assert other.read('sub/b.txt', mode='r') == 'B'
        out1 = other.extractall(str(tmp_path / f'out_{tag}_1'), verbose=0)
        out2 = util_archive.Archive(str(fpath)).extractall(str(tmp_path / f'out_{tag}_2'), verbose=0)
        assert [os.path.relpath(p, tmp_path / f'out_{tag}_1') for p in out1] == \
               [os.path.relpath(p, tmp_path / f'out_{tag}_2') for p in out2]
        assert (tmp_path / f'out_{tag}_2' / 'renamed' / 'c.txt').read_text() == 'A'


@pytest.mark.parametrize('suffix', ['.tar', '.tar.bz2', '.tar.xz', '.tgz'])
def test_archive_reads_and_writes_every_tar_kind(tmp_path, suffix):
    files = _files(tmp_path)
    with util_archive.Archive(tmp_path / f'x{suffix}', mode='w') as arc:
        arc.add(tmp_path / 'sub')
        arc.add(files[0])
    assert tarfile.is_tarfile(tmp_path / f'x{suffix}')
    arc = util_archive.Archive.coerce(tmp_path / f'x{suffix}')
    assert arc.namelist() == ['sub/b.txt', 'a.txt']
    out = util_archive.unarchive_file(tmp_path / f'x{suffix}', tmp_path / 'out', verbose=0)
    assert sorted(pathlib.Path(p).read_text() for p in out) == ['A', 'B']


def test_archive_errors_and_safety(tmp_path):
    files = _files(tmp_path)
    with pytest.raises(xcoco.ArchiveNotFoundError):
        util_archive.Archive(tmp_path / 'missing.zip')
    with pytest.raises(FileNotFoundError):
        util_archive.Archive(tmp_path / 'missing.zip')
    with pytest.raises(xcoco.ArchiveError, match='neither a zip nor a tar'):
        util_archive.Archive(files[0])
    with pytest.raises(xcoco.ArchiveError, match="mode must be 'r' or 'w'"):
        util_archive.Archive(tmp_path / 'x.zip', mode='a')
    with pytest.raises(xcoco.ArchiveError, match='cannot tell which archive'):
        util_archive.Archive(tmp_path / 'x.rar', mode='w')
    with zipfile.ZipFile(tmp_path / 'evil.zip', 'w') as zfile:
        zfile.writestr('ok.txt', 'fine')
        zfile.writestr('../escape.txt', 'bad')
    # refused when opened for reading, so nothing is ever extracted
    with pytest.raises(xcoco.ArchiveError, match='escape.txt'):
        util_archive.Archive(tmp_path / 'evil.zip')
    with pytest.raises(xcoco.ArchiveError, match='escape.txt'):
        util_archive.unarchive_file(tmp_path / 'evil.zip', tmp_path / 'out', verbose=0)
    assert not (tmp_path / 'out' / 'ok.txt').exists()
    with zipfile.ZipFile(tmp_path / 'good.zip', 'w') as zfile:
        zfile.writestr('ok.txt', 'fine')
    arc = util_archive.Archive(tmp_path / 'good.zip')
    with pytest.raises(KeyError, match="no member 'nope.txt'"):
        arc.read('nope.txt')
    # a file outside the archive's folder is stored under its base name
    (tmp_path / 'deep').mkdir()
    with util_archive.Archive(tmp_path / 'deep' / 'x.zip', mode='w') as arc:
        arc.add(files[0])
    assert util_archive.Archive(tmp_path / 'deep' / 'x.zip').namelist() == ['a.txt']
    # overwrite=False keeps what is there
    (tmp_path / 'keep').mkdir()
    (tmp_path / 'keep' / 'a.txt').write_text('mine')
    util_archive.unarchive_file(tmp_path / 'deep' / 'x.zip', tmp_path / 'keep', verbose=0,
                                overwrite=False)
    assert (tmp_path / 'keep' / 'a.txt').read_text() == 'mine'


# ------------------------------------------------------- jsonschema_elements
def _element_calls(mod):
    return [
        mod.ARRAY(mod.INTEGER, numItems=4),
        mod.ARRAY(),
        mod.ARRAY(mod.ARRAY(mod.NUMBER, numItems=2), minItems=1, description='pts'),
        mod.OBJECT({'a': mod.INTEGER, 'b': mod.STRING | mod.NULL}, required=['a'], title='T'),
        mod.OBJECT(),
        mod.elem.STRING(description='d'),
        mod.STRING(pattern='^x'),
        mod.INTEGER(minimum=1, maximum=3),
        mod.ANY, mod.ANY(title='t'),
        mod.ANYOF(mod.STRING, mod.NUMBER), mod.ONEOF(mod.STRING, mod.NUMBER),
        mod.ALLOF(mod.STRING), mod.NOT(mod.NULL),
        mod.STRING | mod.NUMBER | mod.NULL,
        mod.ANYOF(mod.STRING, mod.NUMBER) | mod.NULL,
        mod.STRING | mod.ANYOF(mod.NUMBER, mod.NULL),
        mod.BOOLEAN(default=True), mod.NULL,
    ]


def test_elements_match_kwcoco():
    kw_elements = pytest.importorskip('kwcoco.util.jsonschema_elements')
    ours, theirs = _element_calls(xje), _element_calls(kw_elements)
    for mine, kw in zip(ours, theirs):
        assert mine == kw
        assert isinstance(mine, xje.Element) and isinstance(mine, dict)
    base = xje.Element({'type': 'demo'}, options={'opt1', 'opt2'})
    assert base(opt1=3)(title='t') == {'type': 'demo', 'opt1': 3, 'title': 't'}
    assert base == {'type': 'demo'}  # calls never change the element


def test_element_validation_and_errors():
    schema = xje.OBJECT({'xy': xje.ARRAY(xje.NUMBER, numItems=2)}, required=['xy'])
    assert schema.validate({'xy': [1, 2]}) is None
    for bad in [{}, {'xy': [1]}, {'xy': ['a', 'b']}, []]:
        with pytest.raises(jsonschema.ValidationError):
            schema.validate(bad)
    assert schema.validate() is schema
    with pytest.raises(jsonschema.SchemaError):
        xje.Element({'type': 'bogus'}).validate()
    with pytest.raises(xcoco.SchemaElementError, match="takes no option 'minItems'"):
        xje.STRING(minItems=1)
    with pytest.raises(TypeError, match='keyword options only'):
        xje.STRING('x')
    with pytest.raises(TypeError, match='must be a schema'):
        xje.ARRAY(int)
    with pytest.raises(TypeError, match='at least one schema'):
        xje.ANYOF()
    # kwcoco dropped these silently; they are kept and enforced here
    with pytest.raises(jsonschema.ValidationError):
        xje.STRING(minLength=2).validate('a')
    # dict | element is an anyOf too, and |= never edits a shared element
    assert ({'type': 'number'} | xje.STRING) == xje.ANYOF({'type': 'number'}, xje.STRING)
    string = xje.STRING
    string |= xje.NULL
    assert xje.STRING == {'type': 'string'} and string == xje.STRING | xje.NULL


# ---------------------------------------------------------------- util_reroot
@pytest.fixture
def linked_bundle(tmp_path):
    base = tmp_path.resolve()
    real_repo = base / 'drive1' / 'repo'
    bundle = real_repo / 'bundle'
    (bundle / 'assets').mkdir(parents=True)
    (real_repo / '.cache').mkdir()
    (real_repo / '.cache' / 'outside.bin').touch()
    (bundle / 'assets' / 'real.png').touch()
    os.symlink(real_repo / '.cache' / 'outside.bin', bundle / 'assets' / 'link.png')
    (base / 'drive2').mkdir()
    os.symlink(real_repo, base / 'drive2' / 'repo')
    return base, bundle


def test_resolve_relative_to_matches_kwcoco(linked_bundle):
    kw_reroot = pytest.importorskip('kwcoco.util.util_reroot')
    base, bundle = linked_bundle
    paths = [bundle / 'assets' / 'real.png', bundle / 'assets' / 'link.png',
             base / 'drive2' / 'repo' / 'bundle' / 'assets' / 'real.png',
             base / 'drive2' / 'repo' / '.cache' / 'outside.bin', base / 'elsewhere.png',
             pathlib.Path('assets/real.png')]
    for path in paths:
        assert util_reroot.resolve_relative_to(path, bundle) == \
            kw_reroot.resolve_relative_to(path, bundle), path
        assert util_reroot.resolve_directory_symlinks(path) == \
            kw_reroot.resolve_directory_symlinks(path)
    with pytest.raises(ValueError, match='is not inside'):
        util_reroot.resolve_relative_to(base / 'elsewhere.png', bundle, strict=True)
    # kwcoco needs the folder resolved by the caller; here either spelling works
    linked = base / 'drive2' / 'repo' / 'bundle'
    assert util_reroot.resolve_relative_to(linked / 'assets' / 'real.png', linked) == \
        pathlib.Path('assets/real.png')
    assert util_reroot.resolve_relative_to(str(bundle / 'assets' / 'real.png'), str(linked)) == \
        pathlib.Path('assets/real.png')


def test_special_reroot_single_matches_kwcoco(linked_bundle):
    kwcoco = pytest.importorskip('kwcoco')
    from kwcoco.util.util_reroot import special_reroot_single as kw_special
    base, bundle = linked_bundle
    linked = base / 'drive2' / 'repo' / 'bundle'
    names = [str(linked / 'assets' / 'real.png'), str(bundle / 'assets' / 'link.png'),
             'assets/other.png', str(base / 'drive2' / 'repo' / '.cache' / 'outside.bin'),
             str(base / 'nowhere.png')]
    results = []
    for cls, func in [(kwcoco.CocoDataset, kw_special), (xcoco.CocoDataset, util_reroot.special_reroot_single)]:
        dset = cls()
        dset.fpath = str(bundle / 'data.kwcoco.json')
        for name in names:
            dset.add_image(file_name=name)
        dset.add_image(name='multi', file_name=None, channels='a|b', assets=[
            {'file_name': str(linked / 'assets' / 'real.png'), 'channels': 'a'},
            {'file_name': str(base / 'nowhere.png'), 'channels': 'b'}])
        changes = func(dset)
        files = [[obj['file_name'] for obj in [img, *img.get('assets', [])] if obj.get('file_name')]
                 for img in dset.dataset['images']]
        results.append((changes, files))
        if cls is xcoco.CocoDataset:
            from xcoco.testing import assert_index_consistent
            assert_index_consistent(dset)
    assert results[0] == results[1]


# -------------------------------------------------------- dict_like / truncate
class _Store(DictLike):
    def __init__(self):
        self.data = {}

    def getitem(self, key):
        return self.data[key]

    def setitem(self, key, value):
        self.data[key] = value

    def delitem(self, key):
        del self.data[key]

    def keys(self):
        return iter(self.data.keys())


def test_dict_like_matches_kwcoco():
    kw_dict_like = pytest.importorskip('kwcoco.util.dict_like')

    class KwStore(kw_dict_like.DictLike):
        __init__ = _Store.__init__
        getitem, setitem, delitem, keys = _Store.getitem, _Store.setitem, _Store.delitem, _Store.keys

    results = []
    for store in [_Store(), KwStore()]:
        store['a'] = 1
        store.update({'b': 2, 'c': 3})
        del store['a']
        results.append((len(store), 'b' in store, 'a' in store, list(store), list(store.items()),
                        list(store.values()), store.get('z', 9), store.copy(), store.to_dict(),
                        store.asdict(), str(store).split('(')[1]))
        with pytest.raises(KeyError):
            store['zz']
    assert results[0] == results[1]


def test_smart_truncate_bounds_and_distinguishes():
    names = [f'sensor_L8_band_{band}_tile_31TCJ_date_2021_{i}' for band in 'ABCD' for i in range(5)]
    for max_length in [6, 12, 20, 40]:
        short = [smart_truncate(name, max_length, separator='_') for name in names]
        assert all(len(s) <= max_length for s in short)
        assert len(set(short)) == len(names)
    assert smart_truncate('fits', 10) == 'fits' and smart_truncate('x' * 50, 0) == 'x' * 50


# ----------------------------------------------------------- other modules
def test_abstract_dataset_and_sensorchan():
    from xcoco.abstract_coco_dataset import AbstractCocoDataset
    assert isinstance(xcoco.CocoDataset(), AbstractCocoDataset)
    assert not isinstance({}, AbstractCocoDataset)
    kwcoco = pytest.importorskip('kwcoco')
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import kwcoco.sensorchan_spec as kw_sensorchan
    import xcoco.sensorchan_spec as x_sensorchan
    for name in x_sensorchan.__all__:
        assert getattr(x_sensorchan, name) is getattr(kw_sensorchan, name)
    assert not isinstance(kwcoco.CocoDataset(), AbstractCocoDataset)


def _small(kw_or_x):
    dset = kw_or_x.CocoDataset()
    cid = dset.add_category('cat')
    vid = dset.add_video('v')
    for gid in [1, 2]:
        dset.add_image(f'{gid}.png', id=gid, video_id=vid, frame_index=gid)
        dset.add_annotation(image_id=gid, category_id=cid, bbox=[1.0, 2, 3, 4])
    return dset


@pytest.mark.parametrize('edit,kwcoco_raises', [
    (lambda d: None, False),
    (lambda d: d.anns[1].__setitem__('bbox', [1.0 + 1e-12, 2, 3, 4]), False),
    (lambda d: d.anns[1].__setitem__('bbox', (1, 2, 3, 4)), False),
    (lambda d: d.anns[1].__setitem__('bbox', [1.5, 2, 3, 4]), True),
    (lambda d: d.remove_images([1]), True),
    (lambda d: d.cats[1].__setitem__('name', 'dog'), True),
    (lambda d: d.imgs[2].__setitem__('extra', 1), True),
    (lambda d: d.dataset['images'].reverse(), False),
])
def test_assert_dsets_allclose_agrees_with_kwcoco(edit, kwcoco_raises):
    kwcoco = pytest.importorskip('kwcoco')
    from kwcoco.coco_sql_dataset import assert_dsets_allclose as kw_assert

    from xcoco.coco_sql_dataset import assert_dsets_allclose
    for lib, func in [(kwcoco, kw_assert), (xcoco, assert_dsets_allclose)]:
        dset1 = _small(lib)
        dset2 = dset1.copy()
        edit(dset2)
        if kwcoco_raises:
            with ub.CaptureStdout():  # kwcoco prints the differing items
                with pytest.raises(AssertionError):
                    func(dset1, dset2)
        else:
            assert func(dset1, dset2) is True


def test_assert_dsets_allclose_checks_every_table_with_tolerance():
    from xcoco.coco_sql_dataset import assert_dsets_allclose
    dset1 = _small(xcoco)
    dset2 = dset1.copy()
    dset2.anns[2]['bbox'] = np.array([1.0, 2, 3, 4]) * (1 + 1e-7)
    assert assert_dsets_allclose(dset1, dset2)
    assert assert_dsets_allclose(dset1, dset2, rtol=0, atol=1e-5)
    with pytest.raises(AssertionError, match=r"annotations id=2 field 'bbox/2'"):
        assert_dsets_allclose(dset1, dset2, rtol=0, atol=0)
    dset2.index.videos[1]['name'] = 'renamed'  # kwcoco does not compare videos
    with pytest.raises(AssertionError, match=r"videos id=1 field 'name': 'a' has 'v', 'b' has 'renamed'"):
        assert_dsets_allclose(dset1, dset2, tag1='a', tag2='b')


@pytest.mark.parametrize('modname', ['coco_schema', 'util.jsonschema_elements', 'util.util_json',
                                     'util.util_archive', 'util.util_reroot', 'sensorchan_spec',
                                     'abstract_coco_dataset'])
def test_public_names_of_kwcoco_modules_exist(modname):
    import importlib
    import inspect
    import warnings
    pytest.importorskip('kwcoco')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        theirs = importlib.import_module(f'kwcoco.{modname}')
    ours = importlib.import_module(f'xcoco.{modname}')
    # kwcoco's own public names, not the modules and typing names it imports
    names = {name for name, value in vars(theirs).items()
             if not name.startswith('_') and not inspect.ismodule(value)
             and getattr(value, '__module__', theirs.__name__) not in {'typing', 'collections', '__future__'}
             and name not in {'annotations', 'Any', 'Dict', 'Iterator', 'Literal', 'Tuple', 'ModuleType',
                              'TYPE_CHECKING', 'cast', 'overload', 'dirname', 'exists', 'join', 'relpath',
                              'NoParam', 'Mapping', 'Callable', 'ABC'}}
    # coerce_indent: kwcoco's dump helper (CocoDataset.dump(indent=) takes the same values);
    # Difference / UnserializablePart: typing-only NamedTuple / TypedDict of kwcoco's results
    internal = {'coerce_indent', 'Difference', 'UnserializablePart'}
    assert names - internal - set(dir(ours)) == set()
