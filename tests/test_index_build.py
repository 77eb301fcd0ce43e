"""
Building the index: a field of an unusable type is a named error (table,
position, id, field) at load, never a TypeError from deep inside; an error
about an in-memory manifest names no file; the CLI prints it in one line.
"""
import orjson
import pytest

import xcoco


def _images(*imgs):
    return {'images': list(imgs)}


@pytest.mark.parametrize('data, table, position, field', [
    (_images({'id': [1], 'file_name': 'a'}), 'images', 0, 'id'),
    (_images({'id': 1, 'file_name': 'a'}, {'id': True, 'file_name': 'b'}), 'images', 1, 'id'),
    (_images({'id': 1.5, 'file_name': 'a'}), 'images', 0, 'id'),
    (_images({'id': None, 'file_name': 'a'}), 'images', 0, 'id'),
    (_images({'id': 1, 'file_name': ['a.png']}), 'images', 0, 'file_name'),
    (_images({'id': 1, 'file_name': 'a', 'name': {'x': 1}}), 'images', 0, 'name'),
    (_images({'id': 1, 'file_name': 'a', 'video_id': [1], 'frame_index': 0}), 'images', 0, 'video_id'),
    ({'videos': [{'id': 1, 'name': 'v'}],
      'images': [{'id': 1, 'file_name': 'a', 'video_id': 1, 'frame_index': 1},
                 {'id': 2, 'file_name': 'b', 'video_id': 1, 'frame_index': '0'}]},
     'images', 1, 'frame_index'),
    ({'images': [{'id': 1, 'file_name': 'a'}],
      'annotations': [{'id': 1, 'image_id': 1}, {'id': 2, 'image_id': [1]}]},
     'annotations', 1, 'image_id'),
    ({'annotations': [{'id': 1, 'image_id': 1, 'category_id': {'id': 3}}]},
     'annotations', 0, 'category_id'),
    ({'annotations': [{'id': 1, 'image_id': 1, 'track_id': [4]}]},
     'annotations', 0, 'track_id'),
    ({'categories': [{'id': 1, 'name': ['cat']}]}, 'categories', 0, 'name'),
    ({'tracks': [{'id': 1, 'name': ['t']}]}, 'tracks', 0, 'name'),
])
def test_unusable_field_types_are_named_at_load(data, table, position, field):
    with pytest.raises(xcoco.FieldTypeError) as info:
        xcoco.CocoDataset(data)
    err = info.value
    assert isinstance(err, TypeError) and isinstance(err, xcoco.ManifestError)
    assert (err.table, err.position, err.field) == (table, position, field)
    assert f'field {field!r}' in str(err) and f'position {position}' in str(err)
    # an in-memory manifest came from no file: none is named
    assert err.fpath is None and 'data.kwcoco.json' not in str(err)


def test_errors_from_a_file_name_the_file(tmp_path):
    fpath = tmp_path / 'bad.kwcoco.json'
    fpath.write_bytes(orjson.dumps({'annotations': [{'id': 1, 'image_id': [1]}]}))
    with pytest.raises(xcoco.FieldTypeError) as info:
        xcoco.CocoDataset(fpath)
    assert str(info.value).startswith(str(fpath))
    assert info.value.fpath == str(fpath)
    dup = tmp_path / 'dup.json'
    dup.write_bytes(orjson.dumps({'images': [{'id': 1, 'file_name': 'a'}, {'id': 1, 'file_name': 'b'}]}))
    with pytest.warns(UserWarning, match=str(dup)):
        xcoco.CocoDataset(dup)
    with pytest.warns(UserWarning) as caught:
        xcoco.CocoDataset(orjson.loads(dup.read_bytes()))
    message = str(caught[0].message)
    assert 'dup.json' not in message and 'data.kwcoco.json' not in message
    # the warning points at the caller's line, not inside xcoco
    assert caught[0].filename == __file__


def test_the_cli_prints_a_load_error_in_one_line(tmp_path, capsys):
    from xcoco.cli import main
    fpath = tmp_path / 'bad.json'
    fpath.write_bytes(orjson.dumps({'images': [{'id': {'x': 1}, 'file_name': 'a'}]}))
    assert main(['stats', str(fpath)]) == 1
    err = capsys.readouterr().err.strip()
    assert '\n' not in err and "field 'id'" in err and 'Traceback' not in err


def test_repeated_image_names_and_file_names_load_first_wins():
    data = _images({'id': 1, 'file_name': 'x', 'name': 'n'},
                   {'id': 2, 'file_name': 'x', 'name': 'n'},
                   {'id': 3, 'file_name': 'y', 'name': 'm'})
    dset = xcoco.CocoDataset(data)
    assert dset.index.file_name_to_img['x']['id'] == 1
    assert dset.index.name_to_img['n']['id'] == 1


def test_string_ids_from_other_dialects_still_index():
    data = {'images': [{'id': 'a1', 'file_name': 'a'}],
            'annotations': [{'id': 'u1', 'image_id': 'a1'}]}
    dset = xcoco.CocoDataset(data)
    assert dset.index.gid_to_aids['a1'] == {'u1'}
    assert dset.add_image('b') == 1
