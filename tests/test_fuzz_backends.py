"""
Fuzz tests of the SQL and frozen backends' inputs.

* Mutated manifests that the in-memory loader accepts are put into SQLite
  (``view_sql`` / ``populate_from``), PostgreSQL and a frozen snapshot:
  each loads or raises an :class:`XcocoError` (DatabaseError /
  ManifestError / FrozenError ...), and what loaded answers reads exactly
  as the memory backend does for the same manifest written and read back
  (``dump`` writes NaN as null, so the backends hold null too).
* Damaged files: a corrupt, truncated, foreign or wrong-schema ``.sqlite``
  raises DatabaseError naming the file; a frozen folder with corrupt or
  truncated ``.npy`` files, missing files, a wrong ``meta.json`` or
  tampered arrays (out-of-range offsets and rows, with ``meta.json``
  rewritten to match) raises FrozenSnapshotError naming the folder, never
  an IndexError or a crash.
"""
import gzip
import json
import random
import shutil
import sqlite3
import warnings

import numpy as np
import orjson
import pytest
from fuzzing import check_outcome, fuzz_budget, mutants, regression_cases, truncations

import xcoco
from xcoco.errors import DatabaseError, FrozenSnapshotError, XcocoError
from xcoco.frozen.build import file_check
from xcoco.frozen.dataset import FrozenCocoDataset
from xcoco.sql import CocoSqlDatabase
from xcoco.tables import INDEX_ATTR, TABLES

GROUPS = ('gid_to_aids', 'cid_to_aids', 'vidid_to_gids', 'trackid_to_aids')
NAMES = ('name_to_cat', 'name_to_video', 'file_name_to_img')


@pytest.fixture(scope='module')
def base_manifest():
    return json.loads(xcoco.CocoDataset.demo('vidshapes2', num_frames=3).dumps())


def read_everything(dset):
    """Every read the index offers, as plain comparable values."""
    out = {}
    for table in TABLES:
        lookup = getattr(dset.index, INDEX_ATTR[table])
        out[table] = {key: dict(obj) for key, obj in lookup.items()}
    for name in GROUPS:
        out[name] = {key: set(members) for key, members in getattr(dset.index, name).items()}
    for name in NAMES:
        out[name] = {key: obj['id'] for key, obj in getattr(dset.index, name).items()}
    out['boxes'] = dset.annots().lookup('bbox', None)
    out['file_names'] = dset.images().lookup('file_name', None)
    return out


def _memory_twin(mem):
    """The memory dataset as a file would hold it: dump, then load."""
    return xcoco.CocoDataset(orjson.loads(mem.dumps()))


def _accepted_mutants(base, n, seed):
    """Mutants the in-memory loader accepts (what a backend is ever given)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for desc, mutant in mutants(base, n, seed=seed):
            try:
                mem = xcoco.CocoDataset(mutant)
                twin = _memory_twin(mem)
                expected = read_everything(twin)
            except XcocoError:
                continue  # refused by the core loader or its dump: not a backend input
            yield desc, mutant, mem, expected


def _reads_check(label, backend_dset, expected, desc):
    def run():
        got = read_everything(backend_dset)
        assert got == expected, f'{label}: reads differ from the memory backend (mutation: {desc})'
    return run


def test_fuzz_sqlite_from_mutated_manifests(base_manifest, tmp_path):
    counts = {'ok': 0, 'xcoco-error': 0}
    for i, (desc, mutant, mem, expected) in enumerate(
            _accepted_mutants(base_manifest, fuzz_budget(100), seed=3)):
        box = {}
        if i % 4 == 0:
            # the cached view of a manifest file, as users open it
            fpath = tmp_path / f'm{i}.kwcoco.json'
            mem.dump(fpath)

            def build(fpath=fpath, box=box):
                box['db'] = xcoco.CocoDataset.coerce(fpath, backend='sqlite')
        else:
            def build(i=i, mem=mem, box=box):
                box['db'] = CocoSqlDatabase(tmp_path / f'm{i}.sqlite').populate_from(mem)
        outcome = check_outcome('sqlite', build, mutant, desc)
        counts[outcome] += 1
        if outcome == 'ok':
            check_outcome('sqlite', _reads_check('sqlite', box['db'], expected, desc), mutant, desc)
            box['db'].disconnect()
    assert counts['ok'] > 20, counts


def test_sqlite_refuses_what_dump_refuses(tmp_path):
    mem = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'a.png', 'size': 2 ** 70}]})
    with pytest.raises(DatabaseError, match='image id=1'):
        CocoSqlDatabase(tmp_path / 'x.sqlite').populate_from(mem)


def test_postgresql_from_mutated_manifests(base_manifest, postgresql_db_uri):
    db = CocoSqlDatabase(postgresql_db_uri)
    tried = 0
    for desc, mutant, mem, expected in _accepted_mutants(base_manifest, fuzz_budget(25), seed=4):
        tried += 1
        if check_outcome('postgresql', lambda mem=mem: db.populate_from(mem), mutant, desc) == 'ok':
            check_outcome('postgresql', _reads_check('postgresql', db, expected, desc), mutant, desc)
    db.disconnect()
    assert tried > 5


@pytest.fixture(scope='module')
def good_sqlite(tmp_path_factory):
    fpath = tmp_path_factory.mktemp('sql') / 'good.sqlite'
    db = CocoSqlDatabase(fpath).populate_from(xcoco.CocoDataset.demo('shapes8'))
    db.disconnect()
    return fpath.read_bytes()


def _open_and_read_sqlite(fpath, how):
    def run():
        try:
            if how == 'coerce':
                db = xcoco.CocoDataset.coerce(fpath, backend='sqlite')
            else:
                db = CocoSqlDatabase(fpath).connect(must_exist=True)
            try:
                read_everything(db)
                db.dataset  # noqa: B018 - the whole manifest, through another path
            finally:
                db.disconnect()
        except XcocoError as ex:
            assert isinstance(ex, DatabaseError), f'{type(ex).__name__}: {ex}'
            assert str(fpath) in str(ex), f'the error does not name the file: {ex}'
            raise
    return run


def _damage(data, rng):
    data = bytearray(data)
    kind = rng.choice(['flip', 'zero', 'truncate'])
    if kind == 'flip':
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 'zero':
        start = rng.randrange(len(data))
        stop = min(len(data), start + rng.randint(1, 4096))
        data[start:stop] = bytes(stop - start)
    else:
        del data[rng.randrange(len(data)):]
    return kind, bytes(data)


def test_fuzz_damaged_sqlite_files(good_sqlite, tmp_path):
    rng = random.Random(5)
    cases = [_damage(good_sqlite, rng) for _ in range(fuzz_budget(150))]
    cases += [('truncated', cut) for cut in truncations(good_sqlite, fuzz_budget(20))]
    cases += [('text', b'not a database'), ('json', b'{"images": []}'), ('empty', b'')]
    other = tmp_path / 'other.sqlite'
    with sqlite3.connect(other) as conn:
        conn.execute('CREATE TABLE images (x)')
    cases.append(('foreign tables', other.read_bytes()))
    with sqlite3.connect(tmp_path / 'g.sqlite') as conn:
        pass
    fpath = tmp_path / 'g.sqlite'
    fpath.write_bytes(good_sqlite)
    with sqlite3.connect(fpath) as conn:
        conn.execute('DROP TABLE annotations')
        conn.execute('CREATE TABLE annotations (id INTEGER PRIMARY KEY, other TEXT)')
    cases.append(('wrong columns', fpath.read_bytes()))
    counts = {'ok': 0, 'xcoco-error': 0}
    for i, (kind, data) in enumerate(cases):
        fpath = tmp_path / f'case{i}.sqlite'
        fpath.write_bytes(data)
        how = 'coerce' if i % 2 else 'open'
        counts[check_outcome('sqlite-file', _open_and_read_sqlite(fpath, how), data, kind)] += 1
    assert counts['xcoco-error'] > len(cases) // 2, counts


def test_fuzz_frozen_from_mutated_manifests(base_manifest, tmp_path):
    counts = {'ok': 0, 'xcoco-error': 0}
    for i, (desc, mutant, mem, expected) in enumerate(
            _accepted_mutants(base_manifest, fuzz_budget(70), seed=6)):
        box = {}

        def build(i=i, mem=mem, box=box):
            box['frozen'] = mem.freeze(tmp_path / f'snap{i}')
        outcome = check_outcome('frozen', build, mutant, desc)
        counts[outcome] += 1
        if outcome == 'ok':
            check_outcome('frozen', _reads_check('frozen', box['frozen'], expected, desc), mutant, desc)
    assert counts['ok'] > 10, counts


@pytest.fixture(scope='module')
def good_snapshot(tmp_path_factory):
    dpath = tmp_path_factory.mktemp('frozen') / 'snap'
    xcoco.CocoDataset.demo('vidshapes2', num_frames=3).freeze(dpath)
    return dpath


def _open_and_read_frozen(dpath):
    def run():
        try:
            frozen = FrozenCocoDataset(dpath)
            read_everything(frozen)
            frozen.dataset  # noqa: B018 - the whole manifest, through another path
            assert frozen.fpath is None or isinstance(frozen.fpath, str)
            repr(frozen)
        except XcocoError as ex:
            assert isinstance(ex, FrozenSnapshotError), f'{type(ex).__name__}: {ex}'
            assert str(dpath) in str(ex), f'the error does not name the folder: {ex}'
            raise
    return run


def _reseal(dpath, name):
    """Record a tampered file's new size and end hashes, as an attacker could."""
    meta = json.loads((dpath / 'meta.json').read_text())
    meta['files'][name].update(file_check(dpath / meta['files'][name]['file']))
    (dpath / 'meta.json').write_text(json.dumps(meta))


def _tamper_array(dpath, name, rng):
    fpath = dpath / f'{name}.npy'
    array = np.load(fpath, allow_pickle=False)
    if array.size == 0:
        array = np.zeros(rng.randint(1, 3), dtype=array.dtype)
    else:
        flat = array.reshape(-1).copy()
        pos = rng.randrange(flat.size)
        if array.dtype.kind == 'u':
            flat[pos] = rng.choice([0, 4, 200, 255])
        elif array.dtype.kind == 'i':
            flat[pos] = rng.choice([-1, 2 ** 40, -2 ** 62, flat.size, flat.size + 1, 0])
        else:
            flat[pos] = rng.choice([np.nan, 1e300, -5])
        array = flat.reshape(array.shape)
        if rng.random() < 0.2:
            array = array.astype(rng.choice([np.float64, np.int32, np.uint8]))
        if rng.random() < 0.1:
            array = array[:-1] if len(array) else array
    np.save(fpath, array, allow_pickle=False)
    _reseal(dpath, name)


def test_fuzz_damaged_frozen_snapshots(good_snapshot, tmp_path):
    meta = json.loads((good_snapshot / 'meta.json').read_text())
    names = sorted(meta['files'])
    rng = random.Random(7)
    cases = []
    for _ in range(fuzz_budget(70)):
        cases.append(('tampered array, meta resealed', lambda d: _tamper_array(d, rng.choice(names), rng)))
    for i in range(fuzz_budget(20)):
        picked = rng.choice(names)

        def corrupt(d, name=picked, seed=i):
            fpath = d / meta['files'][name]['file']
            kind, data = _damage(fpath.read_bytes(), random.Random(seed))
            fpath.write_bytes(data)
            if seed % 2:
                _reseal(d, name)
        cases.append(('corrupt or truncated .npy', corrupt))
    for name in names[::7]:
        cases.append((f'missing {name}', lambda d, name=name: (d / meta['files'][name]['file']).unlink()))
    for desc, bad_meta in mutants(meta, fuzz_budget(40), seed=8):
        cases.append((f'meta.json: {desc}', lambda d, m=bad_meta: (d / 'meta.json').write_text(json.dumps(m))))
    for cut in truncations(json.dumps(meta), fuzz_budget(10)):
        cases.append(('meta.json truncated', lambda d, t=cut: (d / 'meta.json').write_text(t)))
    escape = json.loads(json.dumps(meta))
    escape['files']['images.blob']['file'] = '../../outside.npy'
    cases.append(('meta.json names a file outside', lambda d: (d / 'meta.json').write_text(json.dumps(escape))))
    counts = {'ok': 0, 'xcoco-error': 0}
    for i, (desc, damage) in enumerate(cases):
        dpath = tmp_path / f'case{i}'
        shutil.copytree(good_snapshot, dpath)
        damage(dpath)
        payload = (dpath / 'meta.json').read_bytes() if (dpath / 'meta.json').exists() else b''
        counts[check_outcome('frozen-folder', _open_and_read_frozen(dpath), payload, desc)] += 1
        shutil.rmtree(dpath)
    assert counts['xcoco-error'] > len(cases) // 2, counts


def test_frozen_out_of_range_offsets_refused_at_open(good_snapshot, tmp_path):
    """The end hashes cannot see the middle of a big file: bounds are checked at open."""
    dpath = tmp_path / 'snap'
    shutil.copytree(good_snapshot, dpath)
    offsets = np.load(dpath / 'annotations.offsets.npy')
    offsets[len(offsets) // 2] = 10 ** 9
    np.save(dpath / 'annotations.offsets.npy', offsets)
    _reseal(dpath, 'annotations.offsets')
    with pytest.raises(FrozenSnapshotError, match='annotations.offsets.npy'):
        FrozenCocoDataset(dpath)


@pytest.mark.parametrize('case', regression_cases('sqlite-file'), ids=lambda p: p.name)
def test_sqlite_file_regressions(case, tmp_path):
    """Damaged databases that once broke a read (stored gzipped to keep them small)."""
    data = gzip.decompress(case.read_bytes()) if case.suffix == '.gz' else case.read_bytes()
    fpath = tmp_path / 'case.sqlite'
    for how in ('open', 'coerce'):
        fpath.write_bytes(data)
        check_outcome('sqlite-file', _open_and_read_sqlite(fpath, how), data, case.name)
