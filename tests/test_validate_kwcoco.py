"""
``validate`` as kwcoco 0.9's: files are checked by default, the result has
kwcoco's keys (``errors``, ``warnings``, and ``missing`` / ``corrupted`` when
those found something), and each verbose level prints what kwcoco's prints
(level 1 the errors, with one summary line per file check; level 2 also each
step).  Compared with kwcoco where it is installed.
"""
import json
import warnings

import numpy as np
import pytest

import xcoco
from xcoco.ops.validate import validate


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return func(*args, **kwargs)


def _broken_bundle(dpath):
    """A bundle with a good, a missing and an undecodable file and repeated ids."""
    import kwimage
    kwimage.imwrite(dpath / 'ok.png', np.zeros((4, 4, 3), np.uint8))
    (dpath / 'bad.png').write_bytes(b'not a png')
    data = {
        'categories': [{'id': 1, 'name': 'a'}, {'id': 1, 'name': 'b'}],
        'images': [{'id': 1, 'file_name': 'ok.png', 'name': 'i1'},
                   {'id': 2, 'file_name': 'gone.png', 'name': 'i2'},
                   {'id': 3, 'file_name': 'bad.png', 'name': 'i3'},
                   {'id': 3, 'file_name': 'gone2.png', 'name': 'i4'}],
        'annotations': [],
    }
    fpath = dpath / 'data.kwcoco.json'
    fpath.write_text(json.dumps(data))
    return fpath


def test_files_are_checked_by_default(tmp_path):
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    gid = dset.add_image('gone.png', name='g')
    result = dset.validate()
    assert [(p.rule, p.id) for p in result['errors']] == [('file.missing', gid)]
    assert result['missing'] == [(0, str(tmp_path / 'gone.png'), gid)]
    assert dset.validate(missing=False) == {'errors': [], 'warnings': []}


def test_demo_result_has_kwcocos_keys():
    dset = xcoco.CocoDataset.demo('shapes2')
    ours = _quiet(dset.validate)
    assert sorted(ours) == ['errors', 'warnings'] and ours['errors'] == []
    kwcoco = pytest.importorskip('kwcoco')
    theirs = _quiet(kwcoco.CocoDataset.demo('shapes2').validate)
    assert sorted(ours) == sorted(theirs)
    # kwcoco's own demo passes ours too, its files included
    assert _quiet(validate, kwcoco.CocoDataset.demo('shapes2'))['errors'] == []


def test_broken_bundle_result_as_kwcoco(tmp_path):
    fpath = _broken_bundle(tmp_path)
    ours = _quiet(validate, _quiet(xcoco.CocoDataset, fpath))
    assert sorted(ours) == ['errors', 'missing', 'warnings']
    assert ours['missing'] == [(1, str(tmp_path / 'gone.png'), 2),
                               (3, str(tmp_path / 'gone2.png'), 3)]
    assert sorted(p.rule for p in ours['errors']) == [
        'file.missing', 'file.missing', 'id.unique', 'id.unique']
    kwcoco = pytest.importorskip('kwcoco')
    theirs = _quiet(_quiet(kwcoco.CocoDataset, str(fpath)).validate)
    assert sorted(ours) == sorted(theirs)
    assert ours['missing'] == theirs['missing']


def test_corrupted_check_as_kwcoco(tmp_path):
    fpath = _broken_bundle(tmp_path)
    dset = _quiet(xcoco.CocoDataset, fpath)
    # checking decoding alone: a file that is not there does not decode either
    ours = _quiet(validate, dset, missing=False, corrupted=True)
    assert sorted(ours) == ['corrupted', 'errors', 'warnings']
    broken = sorted(ours['corrupted'])
    assert broken == [(1, str(tmp_path / 'gone.png'), 2), (2, str(tmp_path / 'bad.png'), 3),
                      (3, str(tmp_path / 'gone2.png'), 3)]
    # with both checks a file is reported once, as missing
    both = _quiet(validate, dset, corrupted=True, workers=2)
    assert both['corrupted'] == [(2, str(tmp_path / 'bad.png'), 3)]
    kwcoco = pytest.importorskip('kwcoco')
    theirs_dset = _quiet(kwcoco.CocoDataset, str(fpath))
    theirs = _quiet(theirs_dset.validate, missing=False, corrupted=True)
    assert sorted(ours) == sorted(theirs) and broken == sorted(theirs['corrupted'])
    # kwcoco lists a missing file under both keys; xcoco under 'missing' only
    theirs = _quiet(theirs_dset.validate, corrupted=True)
    assert sorted(both['corrupted'] + both['missing']) == sorted(theirs['corrupted'])


def _printed(capsys, func, *args, **kwargs):
    capsys.readouterr()
    _quiet(func, *args, **kwargs)
    return [line.split('\r')[-1] for line in capsys.readouterr().out.splitlines()]


def test_verbose_levels(tmp_path, capsys):
    dset = _quiet(xcoco.CocoDataset, _broken_bundle(tmp_path))
    assert _printed(capsys, dset.validate) == []
    level1 = _printed(capsys, dset.validate, verbose=1)
    gone = str(tmp_path / 'gone.png')
    assert level1 == [
        "Duplicate categories id = 1 at /categories/1 (first at /categories/0; the index holds the last one)",
        "Duplicate images id = 3 at /images/3 (first at /images/2; the index holds the last one)",
        f"There are 2 missing images. The first one is {gone!r}.",
    ]
    level2 = _printed(capsys, dset.validate, verbose=2, corrupted=True)
    assert "Check table 'images' has unique 'id'" in level2
    assert f"image id=2 file {gone!r} does not exist" in level2
    assert level2[-1].startswith('There are 1 corrupted images.')
    assert set(level1) < set(level2)


def test_verbose_prints_what_kwcoco_prints(tmp_path, capsys):
    kwcoco = pytest.importorskip('kwcoco')
    fpath = _broken_bundle(tmp_path)
    ours = _quiet(xcoco.CocoDataset, fpath)
    theirs = _quiet(kwcoco.CocoDataset, str(fpath))
    for level in (0, 1, 2):
        mine = _printed(capsys, ours.validate, verbose=level)
        other = _printed(capsys, theirs.validate, verbose=level)
        if level == 0:
            assert mine == other == []
            continue
        # each of kwcoco's error lines starts one of ours (the tables are
        # visited in another order)
        errors = [line for line in other if line.startswith(('Duplicate', 'There are'))]
        assert len(errors) == 3
        for line in errors:
            assert any(m.startswith(line) for m in mine), (level, line, mine)
        steps = [line for line in other if line.startswith('Check table') and line.endswith("'id'")]
        assert set(steps) <= set(mine) if level == 2 else not steps


def test_frames_of_a_video_that_never_comes_are_errors(tmp_path):
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    with pytest.warns(UserWarning):
        gid = dset.add_image('f.png', name='f', video_id=4, frame_index=0)
    errors = dset.validate(missing=False)['errors']
    assert [(p.rule, p.id, p.path) for p in errors] == [
        ('image.video_id.exists', gid, '/images/0/video_id')]
    assert str(errors[0]) == f'image id={gid} refers to video_id=4 which does not exist'


def test_corrupted_images_takes_kwcocos_workers(tmp_path):
    _broken_bundle(tmp_path)
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    for name in ('ok.png', 'bad.png', 'gone.png'):
        dset.add_image(name)
    expected = [(1, str(tmp_path / 'bad.png'), 2)]
    assert dset.corrupted_images() == dset.corrupted_images(workers=3) == expected
