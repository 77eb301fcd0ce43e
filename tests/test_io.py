"""
Reading and writing manifests: formats, atomicity and load errors.
"""
import json
import os
import subprocess
import sys
import zipfile

import pytest

import xcoco
from xcoco.manifest import io as manifest_io


def test_dump_is_stdlib_json_and_roundtrips(tmp_path, small_dset):
    fpath = tmp_path / 'out.kwcoco.json'
    small_dset.dump(fpath)
    assert json.loads(fpath.read_text()) == small_dset.dataset
    text = small_dset.dumps(newlines=True)
    assert json.loads(text) == small_dset.dataset
    assert text.count('\n') > small_dset.n_annots
    assert json.loads(small_dset.dumps(indent=2)) == small_dset.dataset
    assert json.loads(small_dset.dumps(indent=4)) == small_dset.dataset


def test_dump_numpy_values(tmp_path):
    import numpy as np
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png', width=np.int64(4), height=3)
    dset.imgs[gid]['stats'] = np.array([1.5, 2.5])
    dset.imgs[gid]['tags'] = {'x', }
    assert json.loads(dset.dumps())['images'][0]['stats'] == [1.5, 2.5]


def test_dump_to_open_file(tmp_path, small_dset):
    fpath = tmp_path / 'f.json'
    with open(fpath, 'w') as file:
        small_dset.dump(file)
    assert json.loads(fpath.read_text()) == small_dset.dataset
    with open(fpath, 'wb') as file:
        small_dset.dump(file)
    assert xcoco.CocoDataset.load(open(fpath, 'rb')).n_annots == small_dset.n_annots


def test_zip_roundtrip(tmp_path, small_dset):
    fpath = tmp_path / 'data.kwcoco.zip'
    small_dset.dump(fpath)
    assert zipfile.is_zipfile(fpath)
    with zipfile.ZipFile(fpath) as zfile:
        assert zfile.namelist() == ['data.kwcoco.json']
    loaded = xcoco.CocoDataset(fpath)
    assert loaded.dataset == small_dset.dataset
    assert loaded.bundle_dpath == str(tmp_path)


def test_zip_with_several_json_members(tmp_path):
    fpath = tmp_path / 'two.zip'
    with zipfile.ZipFile(fpath, 'w') as zfile:
        zfile.writestr('a.json', '{}')
        zfile.writestr('b.json', '{}')
    with pytest.raises(xcoco.ManifestError, match='expected exactly one JSON member'):
        xcoco.CocoDataset(fpath)


def test_nan_literals_load(tmp_path):
    fpath = tmp_path / 'nan.json'
    fpath.write_text('{"images": [{"id": 1, "file_name": "a", "score": NaN}]}')
    dset = xcoco.CocoDataset(fpath)
    assert dset.imgs[1]['score'] != dset.imgs[1]['score']


def test_missing_file_error():
    with pytest.raises(FileNotFoundError) as info:
        xcoco.CocoDataset('/no/such/file.kwcoco.json')
    assert isinstance(info.value, xcoco.ManifestNotFoundError)
    assert str(info.value) == 'manifest file does not exist: /no/such/file.kwcoco.json'


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(xcoco.ManifestError, match='got a directory'):
        xcoco.CocoDataset(tmp_path)


def test_malformed_json_names_line_and_column(tmp_path):
    fpath = tmp_path / 'bad.json'
    fpath.write_text('{\n  "images": [\n    {"id": 1, "file_name": "a.png"\n  ]\n}')
    with pytest.raises(xcoco.MalformedJSONError) as info:
        xcoco.CocoDataset(fpath)
    err = info.value
    assert err.line == 4 and err.fpath == str(fpath)
    assert str(err).startswith(f'{fpath}: malformed JSON at line 4 column')


def test_top_level_not_object(tmp_path):
    fpath = tmp_path / 'list.json'
    fpath.write_text('[{"image_id": 1}]')
    with pytest.raises(xcoco.ManifestStructureError, match='results format'):
        xcoco.CocoDataset(fpath)
    fpath.write_text('{"annotations": {"id": 1}}')
    with pytest.raises(xcoco.ManifestStructureError,
                       match="table 'annotations' must be a list of objects, got dict"):
        xcoco.CocoDataset(fpath)


def test_duplicate_ids_warn_and_autobuild_false(tmp_path):
    fpath = tmp_path / 'dups.json'
    data = {'images': [{'id': 1, 'file_name': 'a'}, {'id': 2, 'file_name': 'b'},
                       {'id': 1, 'file_name': 'c'}],
            'annotations': [{'id': 5, 'image_id': 1}, {'id': 5, 'image_id': 2}]}
    fpath.write_text(json.dumps(data))
    with pytest.warns(UserWarning) as caught:
        dset = xcoco.CocoDataset(fpath)
    assert [str(w.message) for w in caught] == [
        f"{fpath}: duplicate image ids in table 'images': [1]; the index "
        'holds the last object with each id',
        f"{fpath}: duplicate annotation ids in table 'annotations': [5]; the "
        'index holds the last object with each id']
    # loaded as kwcoco does (the last object with an id is indexed), nothing dropped
    assert dset.imgs[1]['file_name'] == 'c' and dset.anns[5]['image_id'] == 2
    assert len(dset.dataset['images']) == 3
    # still openable for repair without the warnings
    dset = xcoco.CocoDataset(fpath, autobuild=False)
    dset.dataset['images'][2]['id'] = 3
    dset.dataset['annotations'][1]['id'] = 6
    dset.rebuild_index()
    assert dset.n_images == 3 and dset.n_annots == 2


def test_missing_id_error(tmp_path):
    fpath = tmp_path / 'noid.json'
    fpath.write_text(json.dumps({'categories': [{'id': 1, 'name': 'a'}, {'name': 'b'}]}))
    with pytest.raises(xcoco.ManifestStructureError,
                       match="category at position 1 in table 'categories' has no 'id'"):
        xcoco.CocoDataset(fpath)


def test_dangling_references_still_load():
    data = {'categories': [], 'images': [{'id': 1, 'file_name': 'a'}],
            'annotations': [{'id': 1, 'image_id': 99, 'category_id': 7}]}
    dset = xcoco.CocoDataset(data)
    assert dset.n_annots == 1
    assert dset.index.gid_to_aids[99] == {1}


def test_failed_load_leaves_existing_dataset(tmp_path, small_dset):
    before = small_dset.dumps()
    fpath = tmp_path / 'bad.json'
    fpath.write_text('{oops')
    with pytest.raises(xcoco.MalformedJSONError):
        xcoco.CocoDataset(fpath)
    assert small_dset.dumps() == before


def test_atomic_write_survives_crash(tmp_path, small_dset):
    fpath = tmp_path / 'data.kwcoco.json'
    small_dset.dump(fpath)
    original = fpath.read_bytes()

    class Boom:
        def tolist(self):
            raise RuntimeError('crash while serializing')

    small_dset.dataset['images'][0]['bad'] = Boom()
    with pytest.raises(xcoco.UnserializableError, match="table 'images' item 0 .id=1. field 'bad'"):
        small_dset.dump(fpath)
    assert fpath.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ['data.kwcoco.json']


def test_atomic_write_killed_process_leaves_old_file(tmp_path):
    # A writer killed mid-write (after the temp file is half written, before
    # the rename) must leave the destination untouched.
    fpath = tmp_path / 'data.json'
    fpath.write_text('{"images": []}')
    script = (
        'import os, sys\n'
        'from xcoco.manifest.io import atomic_write\n'
        f'with atomic_write({str(fpath)!r}) as f:\n'
        '    f.write(b"{\\"images\\": [")\n'
        '    f.flush()\n'
        '    os._exit(9)\n')
    proc = subprocess.run([sys.executable, '-c', script])
    assert proc.returncode == 9
    assert fpath.read_text() == '{"images": []}'


def test_written_file_permissions_never_touch_the_umask(tmp_path, small_dset, monkeypatch):
    old = os.umask(0o027)
    try:
        def refuse(mask):
            raise AssertionError('the library changed the process umask')
        monkeypatch.setattr(os, 'umask', refuse)
        for name in ['perm.json', 'perm.zip']:
            small_dset.dump(tmp_path / name)
            assert ((tmp_path / name).stat().st_mode & 0o777) == 0o640
        small_dset.dump(tmp_path / 'perm.json', indent=2)
        assert ((tmp_path / 'perm.json').stat().st_mode & 0o777) == 0o640
    finally:
        monkeypatch.undo()
        os.umask(old)


def test_pycocotools_reads_our_dump(tmp_path):
    pycocotools_coco = pytest.importorskip('pycocotools.coco')
    dset = xcoco.CocoDataset()
    gid = dset.add_image('a.png', width=10, height=10)
    cid = dset.add_category('cat')
    dset.add_annotation(gid, cid, bbox=[1, 1, 3, 3], area=9.0, iscrowd=0,
                        segmentation=[[1, 1, 4, 1, 4, 4, 1, 4]])
    fpath = tmp_path / 'coco.json'
    dset.dump(fpath)
    coco = pycocotools_coco.COCO(str(fpath))
    assert coco.getAnnIds(imgIds=[gid]) == [1]
    assert coco.annToMask(coco.anns[1]).sum() > 0


def test_parse_manifest_bytes_and_text():
    assert manifest_io.parse_manifest('{"a": 1}') == {'a': 1}
    assert manifest_io.parse_manifest(b'{"a": 1}') == {'a': 1}
    with pytest.raises(xcoco.MalformedJSONError, match='not UTF-8'):
        manifest_io.parse_manifest(b'\xff\xfe{')


def test_streamed_dump_equals_whole_dump(tmp_path, monkeypatch):
    monkeypatch.setattr(manifest_io, 'DUMP_SLICE_ITEMS', 3)
    data = {'info': {'x': 1}, 7: 'non-string key',
            'images': [{'id': i, 'file_name': f'{i}.png'} for i in range(10)],
            'annotations': [{'id': i, 'image_id': i % 10, 'bbox': [0, 0, 1, 1]} for i in range(31)],
            'categories': []}
    fpath = tmp_path / 'streamed.json'
    manifest_io.write_manifest(data, fpath)
    assert fpath.read_bytes() == manifest_io.dumps_manifest(data)
    assert json.loads(fpath.read_text())['annotations'][30]['id'] == 30
