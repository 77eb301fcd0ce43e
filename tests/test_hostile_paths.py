"""
File names that leave the bundle (issue 15, "hostile files"): validate
reports them, reading them stays allowed (kwcoco datasets use ``..`` and
absolute names on purpose), and every operation that writes, copies or
deletes files refuses them, changing nothing, unless ``allow_escape``.
"""
import json
import os
import pathlib
import warnings

import numpy as np
import pytest

import xcoco
from xcoco.cli import main as cli_main
from xcoco.manifest.escape import (
    check_write_target,
    escape_reason,
    iter_escaping_files,
    refuse_escaping_files,
)

BUNDLE = '/data/bundle'


@pytest.mark.parametrize('name,reason', [
    ('imgs/a.png', None),
    ('a.png', None),
    ('./imgs/../a.png', None),
    ('imgs/..', None),
    ('.', None),
    ('', None),
    ('..', 'parent'),
    ('../a.png', 'parent'),
    ('imgs/../../a.png', 'parent'),
    ('imgs\\..\\..\\a.png', 'parent'),
    ('..\\a.png', 'parent'),
    ('/etc/passwd', 'absolute'),
    ('/data/bundle/imgs/a.png', None),
    ('/data/bundle/../other/a.png', 'absolute'),
    ('/data/bundle2/a.png', 'absolute'),
    ('C:\\Windows\\a.png', 'absolute'),
    ('c:/a.png', 'absolute'),
    ('C:a.png', 'absolute'),
    ('\\\\server\\share\\a.png', 'absolute'),
    ('//server/share/a.png', 'absolute'),
    ('\\a.png', 'absolute'),
    ('file:///etc/passwd', 'absolute'),
    ('file:///data/bundle/a.png', None),
    ('s3://bucket/../../a.png', None),
    ('https://example.com/../a.png', None),
    ('a\x00/../../b', None),
])
def test_escape_reason_table(name, reason):
    assert escape_reason(name, BUNDLE) == reason


def test_escape_reason_without_a_bundle_treats_every_absolute_name_as_leaving():
    assert escape_reason('/data/bundle/a.png') == 'absolute'
    assert escape_reason('../a.png') == 'parent'
    assert escape_reason('a.png') is None
    assert escape_reason(17) is None  # not a name: the schema check reports it


def _hostile_manifest():
    return {
        'images': [
            {'id': 1, 'name': 'ok', 'file_name': 'imgs/ok.png'},
            {'id': 2, 'name': 'up', 'file_name': '../up.png'},
            {'id': 3, 'name': 'abs', 'file_name': '/etc/passwd'},
            {'id': 4, 'name': 'win', 'file_name': 'C:\\Windows\\win.ini'},
            {'id': 5, 'name': 'unc', 'file_name': '\\\\server\\share\\x.png'},
            {'id': 6, 'name': 'assets',
             'auxiliary': [{'file_name': 'imgs/r.tif', 'channels': 'r'},
                           {'file_name': 'imgs/../../../g.tif', 'channels': 'g'}]},
            {'id': 7, 'name': 'assets2', 'assets': [{'file_name': 'file:///root/x.tif',
                                                     'channels': 'x'}]},
        ],
        'categories': [{'id': 1, 'name': 'thing'}],
        'annotations': [],
    }


EXPECTED = [
    (2, '/images/1/file_name', 'parent'),
    (3, '/images/2/file_name', 'absolute'),
    (4, '/images/3/file_name', 'absolute'),
    (5, '/images/4/file_name', 'absolute'),
    (6, '/images/5/auxiliary/1/file_name', 'parent'),
    (7, '/images/6/assets/0/file_name', 'absolute'),
]


def _dataset(tmp_path, data=None):
    bundle = tmp_path / 'bundle'
    bundle.mkdir(exist_ok=True)
    fpath = bundle / 'data.kwcoco.json'
    fpath.write_text(json.dumps(data or _hostile_manifest()))
    return xcoco.CocoDataset(fpath)


def test_loading_and_reading_escaping_names_stays_allowed(tmp_path):
    import kwimage
    outside = tmp_path / 'outside.png'
    kwimage.imwrite(outside, np.full((4, 5, 3), 7, np.uint8))
    dset = _dataset(tmp_path, {'images': [
        {'id': 1, 'file_name': '../outside.png'},
        {'id': 2, 'file_name': str(outside)}]})
    for gid in (1, 2):
        assert dset.coco_image(gid).imdelay().finalize().shape == (4, 5, 3)
    assert dset.get_image_fpath(1) == str(tmp_path / 'bundle' / '..' / 'outside.png')


def test_validate_reports_every_escaping_name_as_a_warning_by_default(tmp_path):
    dset = _dataset(tmp_path)
    with pytest.warns(UserWarning, match='outside the bundle'):
        result = dset.validate(missing=False)
    assert result['errors'] == []
    got = [(p.id, p.path, p.rule, p.severity) for p in result['warnings']
           if p.rule == 'file_name.escape']
    assert got == [(gid, path, 'file_name.escape', 'warning') for gid, path, _ in EXPECTED]
    records = result['outside_bundle']
    assert [(r['image_id'], r['path'], r['reason']) for r in records] == EXPECTED
    assert records[4]['field'] == 'auxiliary/1/file_name'
    assert records[4]['file_name'] == 'imgs/../../../g.tif'
    message = str(result['warnings'][-2])
    assert "image id=6" in message and "'auxiliary/1/file_name'" in message
    assert 'imgs/../../../g.tif' in message and str(tmp_path / 'bundle') in message


def test_validate_outside_bundle_error_and_off(tmp_path):
    dset = _dataset(tmp_path)
    result = dset.validate(missing=False, outside_bundle='error')
    assert [(p.id, p.severity) for p in result['errors']] == [(e[0], 'error') for e in EXPECTED]
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # nothing left to warn about
        result = dset.validate(missing=False, outside_bundle=False)
    assert result['errors'] == [] and result['warnings'] == []
    assert 'outside_bundle' not in result
    # kwcoco's require_relative=2 asks for it too, whatever outside_bundle says
    result = dset.validate(missing=False, outside_bundle=False, require_relative=2)
    assert {p.rule for p in result['errors']} == {'file_name.escape', 'file_name.absolute'}
    with pytest.raises(ValueError, match='outside_bundle'):
        dset.validate(missing=False, outside_bundle='sometimes')


def test_validate_verbose_names_image_field_and_path(tmp_path, capsys):
    dset = _dataset(tmp_path)
    dset.validate(missing=False, outside_bundle='error', verbose=1)
    out = capsys.readouterr().out
    assert "image id=2 field 'file_name': file_name '../up.png' points outside the bundle" in out
    assert "climbs out of the bundle with '..'" in out


def test_validate_fastfail_stops_at_the_first_escape(tmp_path):
    dset = _dataset(tmp_path)
    with pytest.raises(xcoco.ManifestError, match="image id=2 field 'file_name'"):
        dset.validate(missing=False, outside_bundle='error', fastfail=True)


def test_a_clean_bundle_reports_nothing():
    dset = xcoco.CocoDataset.demo('vidshapes1', num_frames=2)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        result = dset.validate(resolve_links=True)
    assert result['errors'] == [] and 'outside_bundle' not in result


def test_symlinks_leading_out_are_reported_on_request(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'x.png').write_bytes(b'')
    dset = _dataset(tmp_path, {'images': [
        {'id': 1, 'name': 'a', 'file_name': 'linked_dir/x.png'},
        {'id': 2, 'name': 'b', 'file_name': 'linked_file.png'},
        {'id': 3, 'name': 'c', 'file_name': 'inner_link.png'},
        {'id': 4, 'name': 'd', 'file_name': 'real.png'}]})
    bundle = tmp_path / 'bundle'
    os.symlink(outside, bundle / 'linked_dir')
    os.symlink(outside / 'x.png', bundle / 'linked_file.png')
    (bundle / 'real.png').write_bytes(b'')
    os.symlink(bundle / 'real.png', bundle / 'inner_link.png')
    assert 'outside_bundle' not in dset.validate(missing=False)
    with pytest.warns(UserWarning):
        result = dset.validate(missing=False, resolve_links=True)
    assert [(r['image_id'], r['reason']) for r in result['outside_bundle']] == [
        (1, 'symlink'), (2, 'symlink')]


def test_a_bundle_reached_through_a_symlink_is_not_an_escape(tmp_path):
    real = tmp_path / 'real'
    real.mkdir()
    (real / 'a.png').write_bytes(b'')
    os.symlink(real, tmp_path / 'link')
    images = [{'id': 1, 'file_name': 'a.png'},
              {'id': 2, 'file_name': str(tmp_path / 'link' / 'a.png')}]
    assert list(iter_escaping_files(images, tmp_path / 'link', resolve_links=True)) == []


def test_validate_matches_kwcoco_errors_by_default(tmp_path):
    kwcoco = pytest.importorskip('kwcoco')
    data = {'images': [{'id': 1, 'name': 'a', 'file_name': '../a.png', 'width': 2, 'height': 2},
                       {'id': 2, 'name': 'b', 'file_name': '/abs/b.png', 'width': 2, 'height': 2}],
            'categories': [], 'annotations': []}
    theirs = kwcoco.CocoDataset(json.loads(json.dumps(data)), bundle_dpath=str(tmp_path))
    ours = xcoco.CocoDataset(json.loads(json.dumps(data)), bundle_dpath=str(tmp_path))
    assert theirs.validate(missing=False)['errors'] == []
    with pytest.warns(UserWarning):
        assert ours.validate(missing=False)['errors'] == []
    # require_relative=2 makes both an error in both: one per name in kwcoco
    # ('..' or absolute); xcoco names each rule that applies
    assert len(theirs.validate(missing=False, require_relative=2)['errors']) == 2
    ours_errors = ours.validate(missing=False, require_relative=2)['errors']
    assert sorted((p.id, p.rule) for p in ours_errors) == [
        (1, 'file_name.escape'), (2, 'file_name.absolute'), (2, 'file_name.escape')]


# ---- operations that write files ---------------------------------------------------------------
def test_refuse_escaping_files_names_the_first_and_counts_the_rest():
    with pytest.raises(xcoco.PathEscapeError) as info:
        refuse_escaping_files(_hostile_manifest()['images'], BUNDLE, 'copy')
    ex = info.value
    assert isinstance(ex, xcoco.FilePathError) and isinstance(ex, ValueError)
    assert (ex.image_id, ex.field, ex.file_name) == (2, 'file_name', '../up.png')
    assert '5 more' in str(ex) and 'allow_escape=True' in str(ex)


def test_check_write_target_refuses_links_planted_in_the_destination(tmp_path):
    root, outside = tmp_path / 'root', tmp_path / 'outside'
    root.mkdir()
    outside.mkdir()
    os.symlink(outside / 'victim.txt', root / 'file_link')
    os.symlink(outside, root / 'dir_link')
    for rel in ['file_link', 'dir_link/new.png', '../x.png']:
        with pytest.raises(xcoco.PathEscapeError, match='refusing to copy'):
            check_write_target(root / rel, root, 'copy')
    assert check_write_target(root / 'sub' / 'ok.png', root, 'copy') == str(root / 'sub' / 'ok.png')


def _remote(tmp_path):
    src = tmp_path / 'remote.png'
    src.write_bytes(b'remote bytes')
    return src.as_uri()


@pytest.mark.parametrize('file_name', ['../escape.png', 'a/../../escape.png', '/tmp/escape.png',
                                       'C:\\escape.png', '\\\\srv\\escape.png'])
def test_download_refuses_escaping_names_and_changes_nothing(tmp_path, file_name):
    url = _remote(tmp_path)
    dset = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'ok.png', 'coco_url': url},
                                         {'id': 2, 'file_name': file_name, 'coco_url': url}]})
    dst = tmp_path / 'dst'
    with pytest.raises(xcoco.PathEscapeError, match="image id=2 field 'file_name'") as info:
        dset.download(dpath=dst, verbose=0)
    assert info.value.image_id == 2
    assert not dst.exists()  # not even the good file: everything is checked first


def test_download_refuses_a_symlink_in_the_target_folder(tmp_path):
    url = _remote(tmp_path)
    dst, outside = tmp_path / 'dst', tmp_path / 'outside'
    dst.mkdir()
    outside.mkdir()
    os.symlink(outside, dst / 'imgs')
    dset = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'imgs/a.png', 'coco_url': url}]})
    with pytest.raises(xcoco.PathEscapeError, match='symbolic link'):
        dset.download(dpath=dst, verbose=0)
    assert list(outside.iterdir()) == []


def test_download_allow_escape_writes_where_the_name_points(tmp_path):
    url = _remote(tmp_path)
    dset = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': '../up.png', 'coco_url': url}]})
    paths = dset.download(dpath=tmp_path / 'dst', verbose=0, allow_escape=True)
    assert paths == [str(tmp_path / 'up.png')]
    assert (tmp_path / 'up.png').read_bytes() == b'remote bytes'


def _bundle_with_files(tmp_path, names):
    """A bundle whose manifest registers ``names``; the files exist (outside ones too)."""
    bundle = tmp_path / 'bundle'
    bundle.mkdir()
    images = []
    for gid, name in enumerate(names, start=1):
        full = pathlib.Path(name) if os.path.isabs(name) else bundle / name
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(f'pixels of {gid}'.encode())
        images.append({'id': gid, 'name': f'img{gid}', 'file_name': name})
    fpath = bundle / 'data.kwcoco.json'
    fpath.write_text(json.dumps({'images': images, 'categories': [], 'annotations': []}))
    return fpath


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob('*'))


def test_subset_copy_assets_refuses_escaping_names_and_copies_nothing(tmp_path, capsys):
    outside = tmp_path / 'elsewhere' / 'abs.png'
    fpath = _bundle_with_files(tmp_path, ['imgs/a.png', '../up.png', str(outside)])
    before = _tree(tmp_path)
    status = cli_main(['subset', str(fpath), str(tmp_path / 'out' / 'sub.json'),
                       '--copy_assets', '--quiet'])
    assert status == 1
    err = capsys.readouterr().err
    assert "image id=2 field 'file_name'" in err and '--allow_escape' in err
    assert _tree(tmp_path) == before  # no copies, no output folder, no manifest


def test_subset_copy_assets_allow_escape(tmp_path):
    outside = tmp_path / 'elsewhere' / 'abs.png'
    fpath = _bundle_with_files(tmp_path, ['imgs/a.png', '../up.png', str(outside)])
    out = tmp_path / 'out' / 'deep' / 'sub.json'
    status = cli_main(['subset', str(fpath), str(out), '--copy_assets', '--allow_escape',
                       '--quiet'])
    assert status == 0
    new = xcoco.CocoDataset(out)
    assert [new.imgs[gid]['file_name'] for gid in (1, 2, 3)] == [
        'imgs/a.png', '../up.png', str(outside)]
    # '..' names are copied where they point from the output (kwcoco's layout)
    assert (tmp_path / 'out' / 'up.png').read_bytes() == b'pixels of 2'
    assert (tmp_path / 'out' / 'deep' / 'imgs' / 'a.png').read_bytes() == b'pixels of 1'
    # absolute names stay where they are and still resolve
    assert new.get_image_fpath(3) == str(outside)


def test_subset_copy_assets_refuses_a_symlink_planted_in_the_output(tmp_path):
    fpath = _bundle_with_files(tmp_path, ['imgs/a.png'])
    out, outside = tmp_path / 'out', tmp_path / 'victim'
    out.mkdir()
    outside.mkdir()
    os.symlink(outside, out / 'imgs')
    status = cli_main(['subset', str(fpath), str(out / 'sub.json'), '--copy_assets', '--quiet'])
    assert status == 1
    assert list(outside.iterdir()) == [] and not (out / 'sub.json').exists()


def test_subset_copy_assets_absolute_name_inside_the_bundle_is_copied_and_made_relative(tmp_path):
    bundle = tmp_path / 'bundle'
    fpath = _bundle_with_files(tmp_path, [str(bundle / 'imgs' / 'a.png')])
    out = tmp_path / 'out' / 'sub.json'
    assert cli_main(['subset', str(fpath), str(out), '--copy_assets', '--quiet']) == 0
    new = xcoco.CocoDataset(out)
    assert new.imgs[1]['file_name'] == 'imgs/a.png'
    assert (tmp_path / 'out' / 'imgs' / 'a.png').read_bytes() == b'pixels of 1'


def test_find_unregistered_delete_never_leaves_the_folder(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'keep_dir.png').write_bytes(b'x')
    (outside / 'keep_file.png').write_bytes(b'x')
    (tmp_path / 'registered_outside.png').write_bytes(b'x')
    fpath = _bundle_with_files(tmp_path, ['imgs/a.png'])
    bundle = fpath.parent
    data = json.loads(fpath.read_text())
    data['images'].append({'id': 9, 'name': 'up', 'file_name': '../registered_outside.png'})
    fpath.write_text(json.dumps(data))
    os.symlink(outside, bundle / 'linked_dir')
    os.symlink(outside / 'keep_file.png', bundle / 'linked_file.png')
    (bundle / 'stray.png').write_bytes(b'x')
    status = cli_main(['find_unregistered_images', str(fpath), '--action', 'delete',
                       '--verbose', '0', '--quiet'])
    assert status == 0
    # the stray file and the link itself go; what links point at stays
    assert not (bundle / 'stray.png').exists()
    assert not os.path.lexists(bundle / 'linked_file.png')
    assert (outside / 'keep_file.png').exists() and (outside / 'keep_dir.png').exists()
    assert (tmp_path / 'registered_outside.png').exists()
    assert (bundle / 'imgs' / 'a.png').exists()


def test_move_touches_only_the_manifest(tmp_path):
    outside = tmp_path / 'elsewhere' / 'abs.png'
    fpath = _bundle_with_files(tmp_path, ['imgs/a.png', '../up.png', str(outside)])
    before = {p: p.read_bytes() for p in tmp_path.rglob('*.png')}
    dst = tmp_path / 'moved' / 'm.json'
    assert cli_main(['move', str(fpath), str(dst), '--quiet']) == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob('*.png')} == before
    moved = xcoco.CocoDataset(dst)
    assert [os.path.exists(moved.get_image_fpath(gid)) for gid in (1, 2, 3)] == [True] * 3


def test_validate_cli_reports_escapes(tmp_path, capsys):
    dset = _dataset(tmp_path)
    assert cli_main(['validate', dset.fpath, '--missing=False']) == 0
    capsys.readouterr()
    status = cli_main(['validate', dset.fpath, '--missing=False', '--require_relative=2'])
    out = capsys.readouterr()
    assert status == 1
    assert 'points outside the bundle' in out.out + out.err


def test_a_manifest_cannot_move_its_own_root(tmp_path):
    # kwcoco honours a (deprecated) img_root key of a manifest dict; xcoco
    # never lets the data choose where its relative names resolve
    data = {'img_root': '/etc', 'images': [{'id': 1, 'file_name': 'passwd'}]}
    fpath = tmp_path / 'm.json'
    fpath.write_text(json.dumps(data))
    assert xcoco.CocoDataset(fpath).get_image_fpath(1) == str(tmp_path / 'passwd')
    assert xcoco.CocoDataset(json.loads(json.dumps(data)), bundle_dpath=str(tmp_path)).bundle_dpath \
        == str(tmp_path)
    assert xcoco.CocoDataset(json.loads(json.dumps(data))).bundle_dpath != '/etc'
