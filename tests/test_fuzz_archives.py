"""
Fuzz and hostile-input tests of archive reading: ``CocoDataset('x.zip')``
(:func:`xcoco.manifest.io.read_manifest`) and :mod:`xcoco.util.util_archive`.

Rule: a damaged, truncated or hostile archive loads (when it still holds a
manifest) or raises an :class:`ArchiveError` / :class:`ManifestError`
naming the archive; a member with a path that escapes (``..``, absolute, a
drive letter, a tar link) and a zip bomb are refused before anything is
written or inflated.
"""
import io
import random
import struct
import tarfile
import zipfile

import pytest
from fuzzing import check_outcome, fuzz_budget, regression_cases, truncations

import xcoco
from xcoco.errors import ArchiveError
from xcoco.util import util_archive
from xcoco.util.util_archive import Archive, unarchive_file

HOSTILE_NAMES = [
    '../evil.json', 'sub/../../evil.json', '/etc/evil.json', '\\evil.json',
    'C:/evil.json', 'c:evil.json', '..\\evil.json', 'a/..',
]


@pytest.fixture(scope='module')
def manifest_text():
    return xcoco.CocoDataset.demo('shapes2').dumps().encode()


def _zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', compression=compression) as zfile:
        for name, data in members:
            zfile.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize('name', HOSTILE_NAMES)
def test_zip_member_path_traversal_refused(tmp_path, name):
    fpath = tmp_path / 'x.zip'
    fpath.write_bytes(_zip_bytes([(name, b'{"images": []}')]))
    with pytest.raises(ArchiveError) as info:
        xcoco.CocoDataset(fpath)
    assert str(fpath) in str(info.value) and repr(name) in str(info.value)
    with pytest.raises(ArchiveError):
        Archive(fpath)
    out = tmp_path / 'out'
    with pytest.raises(ArchiveError):
        unarchive_file(fpath, out, verbose=0)
    assert not (tmp_path / 'evil.json').exists() and not out.exists()


def test_zip_traversal_among_good_members_refused(tmp_path, manifest_text):
    fpath = tmp_path / 'x.zip'
    fpath.write_bytes(_zip_bytes([('data.kwcoco.json', manifest_text), ('../../evil.txt', b'x')]))
    with pytest.raises(ArchiveError, match='evil.txt'):
        xcoco.CocoDataset(fpath)


@pytest.mark.parametrize('kind', ['symlink', 'hardlink', 'dotdot', 'absolute', 'fifo'])
def test_tar_hostile_members_refused(tmp_path, kind):
    fpath = tmp_path / 'x.tar'
    with tarfile.open(fpath, 'w') as tfile:
        info = tarfile.TarInfo('ok.txt')
        info.size = 2
        tfile.addfile(info, io.BytesIO(b'ok'))
        info = tarfile.TarInfo({'dotdot': '../evil.txt', 'absolute': '/tmp/evil.txt'}.get(kind, 'link'))
        if kind == 'symlink':
            info.type, info.linkname = tarfile.SYMTYPE, '/etc/passwd'
        elif kind == 'hardlink':
            info.type, info.linkname = tarfile.LNKTYPE, '../../etc/passwd'
        elif kind == 'fifo':
            info.type = tarfile.FIFOTYPE
        tfile.addfile(info, io.BytesIO(b'') if info.isreg() else None)
    out = tmp_path / 'out'
    with pytest.raises(ArchiveError) as info:
        unarchive_file(fpath, out, verbose=0)
    assert str(fpath) in str(info.value)
    assert not out.exists()


def test_zip_bomb_refused_from_declared_sizes(tmp_path, monkeypatch):
    # a small threshold keeps the test fast; the ratio rule is the same
    monkeypatch.setattr(util_archive, 'RATIO_CHECK_MIN_BYTES', 1 << 20)
    fpath = tmp_path / 'bomb.zip'
    fpath.write_bytes(_zip_bytes([('data.json', b' ' * (8 << 20))]))
    with pytest.raises(ArchiveError, match='zip bomb'):
        xcoco.CocoDataset(fpath)
    with pytest.raises(ArchiveError, match='bomb.zip'):
        unarchive_file(fpath, tmp_path / 'out', verbose=0)
    assert not (tmp_path / 'out').exists()
    # the keywords override the module limits for one archive
    with Archive(fpath, max_ratio=10 ** 6) as arc:
        assert len(arc.read('data.json')) == 8 << 20
    with pytest.raises(ArchiveError, match='over the limit of 1000'):
        Archive(fpath, max_bytes=1000)


def test_many_small_members_bomb_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(util_archive, 'RATIO_CHECK_MIN_BYTES', 1 << 20)
    fpath = tmp_path / 'many.zip'
    fpath.write_bytes(_zip_bytes([(f'm{i}.bin', b'\0' * (1 << 18)) for i in range(16)]))
    with pytest.raises(ArchiveError, match='refused'):
        Archive(fpath)


def test_zip_lying_sizes_refused_while_streaming(tmp_path, manifest_text):
    """Headers that understate a member's size cannot make it inflate past them."""
    data = bytearray(_zip_bytes([('data.kwcoco.json', manifest_text)]))
    # patch the declared uncompressed size (local header and central directory)
    small = struct.pack('<I', 100)
    local = data.find(b'PK\x03\x04')
    data[local + 22:local + 26] = small
    central = data.find(b'PK\x01\x02')
    data[central + 24:central + 28] = small
    fpath = tmp_path / 'lying.zip'
    fpath.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match='data.kwcoco.json'):
        xcoco.CocoDataset(fpath)


def test_good_archives_still_load(tmp_path, manifest_text):
    dset = xcoco.CocoDataset.demo('shapes2')
    dset.dump(tmp_path / 'd.kwcoco.zip')
    again = xcoco.CocoDataset(tmp_path / 'd.kwcoco.zip')
    assert again.n_annots == dset.n_annots
    fpath = tmp_path / 'dir.zip'
    fpath.write_bytes(_zip_bytes([('sub/', b''), ('sub/data.kwcoco.json', manifest_text)]))
    assert xcoco.CocoDataset(fpath).n_images == 2
    out = unarchive_file(fpath, tmp_path / 'out', verbose=0)
    assert (tmp_path / 'out' / 'sub' / 'data.kwcoco.json').read_bytes() == manifest_text
    assert len(out) == 2


def _load_and_extract(fpath, out_dpath):
    def run():
        try:
            xcoco.CocoDataset(fpath)
        finally:
            # extraction is held to the same rule, whatever loading did
            try:
                unarchive_file(fpath, out_dpath, verbose=0)
            except xcoco.XcocoError:
                pass
    return run


def _corrupt(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        roll = rng.random()
        pos = rng.randrange(len(data))
        if roll < 0.6:
            data[pos] = rng.randrange(256)
        elif roll < 0.8:
            del data[pos:pos + rng.randint(1, 64)]
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(data)


def test_fuzz_zip_archives(tmp_path, manifest_text):
    """Corrupt bytes, truncations, extra and misnamed members: load or ArchiveError/ManifestError."""
    rng = random.Random(15)
    stored = _zip_bytes([('data.kwcoco.json', manifest_text)], compression=zipfile.ZIP_STORED)
    deflated = _zip_bytes([('data.kwcoco.json', manifest_text)])
    shapes = [
        deflated, stored,
        _zip_bytes([('a.json', manifest_text), ('b.json', manifest_text)]),
        _zip_bytes([('data.txt', manifest_text)]),
        _zip_bytes([('data.json', b'[1, 2'), ('readme.md', b'# hi')]),
        _zip_bytes([]),
    ]
    outcomes = {}
    fpath = tmp_path / 'fuzz.zip'
    cases = [(f'corrupt #{i}', _corrupt(rng.choice(shapes), rng)) for i in range(fuzz_budget(150))]
    cases += [(f'truncated at {len(t)}', t) for t in truncations(deflated, fuzz_budget(60))]
    cases += [(f'truncated stored at {len(t)}', t) for t in truncations(stored, fuzz_budget(20))]
    cases += [(f'shape {i}', data) for i, data in enumerate(shapes)]
    for desc, data in cases:
        fpath.write_bytes(data)
        outcome = check_outcome('archive', _load_and_extract(fpath, tmp_path / 'out'), data, desc)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get('xcoco-error', 0) > len(cases) // 2, outcomes
    assert outcomes.get('ok', 0) >= 2, outcomes


def test_fuzz_tar_archives(tmp_path, manifest_text):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tfile:
        info = tarfile.TarInfo('data.kwcoco.json')
        info.size = len(manifest_text)
        tfile.addfile(info, io.BytesIO(manifest_text))
    base = buf.getvalue()
    rng = random.Random(16)
    fpath = tmp_path / 'fuzz.tar.gz'
    cases = [(f'corrupt #{i}', _corrupt(base, rng)) for i in range(fuzz_budget(60))]
    cases += [(f'truncated at {len(t)}', t) for t in truncations(base, fuzz_budget(30))]

    def extract():
        with Archive(fpath) as arc:
            for name in arc.namelist():
                arc.read(name)
            arc.extractall(tmp_path / 'out', verbose=0)
    for desc, data in cases:
        fpath.write_bytes(data)
        check_outcome('archive', extract, data, desc)


@pytest.mark.parametrize('fpath', regression_cases('archive'), ids=lambda p: p.name)
def test_archive_regressions(tmp_path, fpath):
    target = tmp_path / 'case.zip'
    target.write_bytes(fpath.read_bytes())
    check_outcome('archive', _load_and_extract(target, tmp_path / 'out'), fpath.read_bytes(), fpath.name)
