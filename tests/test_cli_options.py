"""
The command line's option syntax (kwcoco's), its ``...CLI`` class API, the
safe jq subset of ``subset --select_images``, the split balancing and the
plot renderer, tested in process.
"""
import importlib
import json

import pytest

import xcoco
from xcoco.cli import VERBS, main, verb_class
from xcoco.cli.base import Value, normalize_argv
from xcoco.cli.coco_info import CocoInfoCLI
from xcoco.cli.coco_modify_categories import CocoModifyCatsCLI
from xcoco.cli.coco_stats import CocoStatsCLI
from xcoco.cli.coco_subset import CocoSubsetCLI
from xcoco.cli.jsonquery import compile_query, parse_id_list, select_ids
from xcoco.errors import UsageError

# kwcoco module of each verb
KWCOCO_MODULES = {
    'stats': 'coco_stats', 'info': 'coco_info', 'validate': 'coco_validate',
    'union': 'coco_union', 'subset': 'coco_subset', 'split': 'coco_split',
    'reroot': 'coco_reroot', 'move': 'coco_move', 'conform': 'coco_conform',
    'modify_categories': 'coco_modify_categories', 'toydata': 'coco_toydata',
    'show': 'coco_show', 'find_unregistered_images': 'find_unregistered_images',
    'fixup': 'coco_fixup',
}
#: kwcoco options xcoco leaves out on purpose (docs/cli.rst says why)
NOT_SUPPORTED = {('stats', 'embed')}


# ---- option syntax -------------------------------------------------------
@pytest.mark.parametrize('argv, want', [
    (['--boxes'], True),
    (['--boxes=True'], True),
    (['--boxes', 'false'], False),
    (['--boxes=0'], False),
    (['--no-boxes'], False),
    (['--no_boxes'], False),
    (['--boxes', 'yes'], True),
])
def test_boolean_spellings(argv, want):
    assert CocoStatsCLI.cli(argv=['a.json', *argv]).boxes is want


def test_a_bare_flag_does_not_eat_a_source():
    config = CocoStatsCLI.cli(argv=['--boxes', 'data.json', '--image-size'])
    assert config.src == ['data.json'] and config.boxes and config.image_size


def test_lists_repeated_comma_bracket_and_positional_fill():
    config = CocoSubsetCLI.cli(argv=['in.json', 'out.json', '--gids=1,2', '--gids', '3',
                                     '--include_categories', '[star, "eff"]'])
    assert config.gids == [1, 2, 3] and config.include_categories == ['star', 'eff']
    assert (config.src, config.dst) == ('in.json', 'out.json')
    config = CocoSubsetCLI.cli(argv=['--src', 'in.json', 'out.json', '--image_ids=[4,5]'])
    assert (config.src, config.dst, config.gids) == ('in.json', 'out.json', [4, 5])
    config = CocoStatsCLI.cli(argv=['a.json', '--src', 'b.json', 'c.json'])
    assert config.src == ['a.json', 'b.json', 'c.json']


def test_mapping_and_yaml_lists():
    config = CocoModifyCatsCLI.cli(argv=['x.json', '--rename', 'eff:F,star:sun', '--keep=[]',
                                         '--order', '[star,background]'])
    assert config.rename == {'eff': 'F', 'star': 'sun'} and config.keep == []
    assert CocoModifyCatsCLI.cli(argv=['x', '--rename', '{a: b}']).rename == {'a': 'b'}
    assert CocoModifyCatsCLI.cli(argv=['x', '--remove', 'eff,']).remove == ['eff']


def test_bare_counts_of_info():
    config = CocoInfoCLI.cli(argv=['x.json', '-g', '-c', '3', '--show_annotations=2', '-v'])
    assert (config.show_images, config.show_categories, config.show_annotations,
            config.show_videos) == (True, 3, 2, True)


@pytest.mark.parametrize('argv, message', [
    (['a.json', '--boxs'], 'unrecognized arguments: --boxs'),
    (['a.json', '--io_workers'], 'expected one argument'),
    (['a.json', '--format', 'xml'], "'xml' is not one of"),
    (['a.json', '--no-format'], 'unrecognized arguments'),
    (['a.json', '--basic=maybe'], '--basic: expected a boolean'),
    (['a.json', '--bas'], 'unrecognized arguments: --bas'),  # no abbreviations
])
def test_bad_usage_is_a_usage_error(argv, message):
    with pytest.raises(UsageError, match=message):
        CocoStatsCLI.cli(argv=argv)


def test_usage_errors_exit_2_with_a_short_message(capsys):
    assert main(['split', 'x.json', '--factor', 'three']) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "xcoco split: error: --factor: expected an integer, got 'three'"
    assert len(err) == 2


def test_normalize_argv_leaves_words_after_double_dash():
    opts = {'boxes': Value(False, kind='bool')}
    assert normalize_argv(['--boxes', '--', '--boxes'], opts) == ['--boxes=True', '--', '--boxes']


# ---- the ...CLI class API kwcoco scripts use -----------------------------
def test_cli_class_api(capsys):
    config = CocoStatsCLI(src='special:shapes2', extended='False')
    assert config['extended'] is False and config.src == ['special:shapes2']
    config.boxes = 'yes'
    assert config['boxes'] is True and dict(config)['boxes'] is True
    with pytest.raises(UsageError, match='did you mean --boxes'):
        CocoStatsCLI(boxse=True)
    old = CocoStatsCLI.CLIConfig({'src': 'a.json'}, cmdline=['--no-basic'])
    assert old.basic is False and old.src == ['a.json']
    assert CocoStatsCLI.default['basic'] is True
    for call in (CocoStatsCLI.main, CocoStatsCLI._main):
        assert call(cmdline=False, src=['special:shapes2'], extended=False, catfreq=False) == 0
    assert CocoStatsCLI.main(False, src='special:shapes2', format='json', extended=False) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index('['):])[0]['basic']['n_imgs'] == 2


def test_module_names_match_kwcoco():
    for verb, modname in KWCOCO_MODULES.items():
        module = importlib.import_module(f'xcoco.cli.{modname}')
        cls = verb_class(verb)
        assert module.__cli__ is cls and module._CLI is cls and cls.__command__ == verb
    assert set(KWCOCO_MODULES) | {'convert'} == set(VERBS)


def test_options_are_kwcoco_options():
    pytest.importorskip('kwcoco')
    for verb, modname in KWCOCO_MODULES.items():
        theirs = importlib.import_module(f'kwcoco.cli.{modname}').__cli__
        ours = verb_class(verb)
        assert ours.__name__ == theirs.__name__
        assert list(ours.__alias__) == list(getattr(theirs, '__alias__', None) or [])
        for name, value in theirs.__default__.items():
            if (verb, name) in NOT_SUPPORTED:
                assert name not in ours.__options__
                continue
            opt = ours.__options__[name]
            assert set(getattr(value, 'alias', None) or []) <= set(opt.alias), (verb, name)
            assert set(getattr(value, 'short_alias', None) or []) <= set(opt.short_alias)
            assert getattr(value, 'position', None) == opt.position, (verb, name)
            if getattr(value, 'isflag', False):
                assert opt.bare is not None and opt.kind in {'bool', 'auto'}, (verb, name)


# ---- the jq subset -------------------------------------------------------
IMG = {'id': 3, 'file_name': 'dir/img_03.png', 'width': 640, 'height': 480,
       'tags': ['a', 'b'], 'meta': {'sensor': 'S2', 'cloud': 0.25}, 'name': None}


@pytest.mark.parametrize('query, want', [
    ('.id < 3', False),
    ('.id % 2 == 1', True),
    ('.file_name | test(".*png")', True),
    ('.file_name | test("PNG$"; "i")', True),
    ('.file_name | test(".*png") | not', False),
    ('.id < 5 and (.file_name | test("jpg"))', False),
    ('.id < 5 or (.file_name | test("jpg"))', True),
    ('.meta.sensor == "S2"', True),
    ('.meta["cloud"] <= 0.3', True),
    ('.missing.deeper == null', True),
    ('.name // "unnamed" | startswith("un")', True),
    ('.tags | contains(["b"])', True),
    ('[.meta.sensor] | inside(["S1", "S2"])', True),
    ('.meta.sensor | in({"S1": 1, "S2": 1})', True),
    ('has("width") and (.tags | length) == 2', True),
    ('.width * .height > 300000', True),
    ('.width / 2 == 320', True),
    ('.tags[0] == "a"', True),
    ('.file_name | split("/") | .[0] == "dir"', True),
    ('.name < 1', True),  # jq's order: null sorts before numbers
    ('"10" > 9', True),  # strings sort after numbers
    ('select(.id > 5)', False),
    ('.tags | any', True),
    ('.meta | keys == ["cloud", "sensor"]', True),
    ('.file_name | ascii_upcase | endswith(".PNG")', True),
    ('-.id < 0', True),
])
def test_query_semantics(query, want):
    assert compile_query(query).matches(IMG) is want


@pytest.mark.parametrize('query, message', [
    ('.id <', 'expected a value'),
    ('.id < 3 < 4', 'do not chain'),
    ('.images[]', 'not supported'),
    ('.a, .b', 'streams'),
    ('__import__("os")', 'unknown function __import__/1'),
    ('.file_name | test(3)', 'test \\(its regex\\) needs a string'),
    ('.width | startswith("6")', 'startswith needs a string'),
    ('.id / 0', 'division by zero'),
    ('.id @ 2', 'cannot read'),
])
def test_query_errors_are_usage_errors(query, message):
    with pytest.raises(UsageError, match=message):
        compile_query(query).matches(IMG)


def test_id_lists_and_selection():
    assert parse_id_list('[1, 2]') == [1, 2] and parse_id_list('7') == [7]
    assert parse_id_list('.id == 1') is None and parse_id_list('[]') == []
    objs = [{'id': i, 'name': f'toy_video_{i}'} for i in range(1, 5)]
    assert select_ids(objs, '.name | endswith("3")') == [3]
    assert select_ids(objs, '2,4') == [2, 4]


def test_subset_filters_combine():
    from xcoco.cli.coco_subset import query_subset
    dset = xcoco.CocoDataset.demo('shapes8')
    star = dset.name_to_cat['star']['id']
    with_star = {dset.anns[aid]['image_id'] for aid in dset.index.cid_to_aids[star]}
    config = CocoSubsetCLI(include_categories='star', select_images='.id > 2', gids='1,3,4,5,6')
    sub = query_subset(dset, config)
    assert sorted(sub.imgs) == sorted(g for g in [3, 4, 5, 6] if g in with_star)
    assert query_subset(dset, CocoSubsetCLI(channels='r|g|b')).n_images == 8
    assert query_subset(dset, CocoSubsetCLI(channels='B8')).n_images == 0


# ---- verbs in process ----------------------------------------------------
def test_split_balances_categories():
    from xcoco.cli.coco_split import balanced_folds
    # 12 groups: 6 of class 0, 6 of class 1; every fold gets both classes equally
    counts = [[1, 0]] * 6 + [[0, 1]] * 6
    folds = balanced_folds(counts, 3, rng=0)
    for fold in range(3):
        members = [c for c, f in zip(counts, folds) if f == fold]
        assert members.count([1, 0]) == 2 and members.count([0, 1]) == 2
    assert balanced_folds(counts, 3, rng=0) == folds  # seeded: reproducible


def test_split_three_way_and_num_write(tmp_path):
    args = ['split', 'special:shapes8', '--rng', '1', '--quiet']
    assert main([*args, '--factor', '5', '--train_fpath', str(tmp_path / 'tr.json'), '--vali_fpath',
                 str(tmp_path / 'va.json'), '--test_fpath', str(tmp_path / 'te.json')]) == 0
    parts = [set(xcoco.CocoDataset(tmp_path / f'{n}.json').imgs) for n in ('tr', 'va', 'te')]
    assert sum(map(len, parts)) == 8 and set().union(*parts) == set(range(1, 9))
    assert len(parts[0]) > len(parts[1])
    assert main([*args, '--dst1', str(tmp_path / 'a{}.json'), '--dst2', str(tmp_path / 'b{}.json'),
                 '--num_write', '2']) == 0
    smalls = [set(xcoco.CocoDataset(tmp_path / f'b{i}.json').imgs) for i in range(2)]
    assert smalls[0].isdisjoint(smalls[1])
    assert main([*args, '--dst1', 'a.json', '--num_write', '2']) == 2


def test_modify_categories_steps(tmp_path, capsys):
    dst = tmp_path / 'cats.json'
    assert main(['modify_categories', 'special:shapes8', '--dst', str(dst), '--remove', 'eff',
                 '--remove_empty_images', '--start_id', '1', '--order', 'sort', '--quiet']) == 0
    dset = xcoco.CocoDataset(dst)
    assert [c['name'] for c in dset.dataset['categories']] == ['background', 'star', 'superstar']
    assert [c['id'] for c in dset.dataset['categories']] == [1, 2, 3]
    assert all(dset.gid_to_aids[gid] for gid in dset.imgs)
    assert main(['modify_categories', 'special:shapes8', '--keep', 'nope']) == 2
    assert main(['modify_categories', 'special:shapes8', '--keep', 'eff', '--remove', 'star']) == 2
    capsys.readouterr()


def test_outputs_never_replace_inputs_unless_inplace(tmp_path, capsys):
    src = tmp_path / 'data.kwcoco.json'
    xcoco.CocoDataset.demo('shapes2').dump(src)
    before = src.read_bytes()
    for verb in ('conform', 'fixup', 'union', 'subset'):
        args = [verb, str(src), '--dst', str(src)] if verb == 'union' else [verb, str(src), str(src)]
        assert main([*args, '--quiet']) == 2, verb
        assert src.read_bytes() == before
    assert 'refusing to overwrite the input' in capsys.readouterr().err
    assert main(['conform', str(src), '--inplace', '--quiet', '--legacy']) == 0
    assert src.read_bytes() != before


def test_validate_options_reach_the_checker(tmp_path, capsys):
    dset = xcoco.CocoDataset.demo('shapes2')
    data = dset.copy().dataset
    for img in data['images']:
        img['file_name'] = '/abs/' + img['file_name']
    fpath = tmp_path / 'abs.json'
    fpath.write_text(json.dumps(data))
    assert main(['validate', str(fpath), '--missing=False']) == 0
    assert main(['validate', str(fpath), '--missing=False', '--require_relative']) == 1
    assert 'file_name.absolute' in capsys.readouterr().out
    assert main(['validate', str(fpath), '--format', 'json']) == 1
    report = json.loads(capsys.readouterr().out)
    assert {p['rule'] for p in report[0]['errors']} == {'file.missing'}


def test_show_without_dst_needs_matplotlib(capsys):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert main(['show', 'special:shapes2']) == 1
        assert 'needs matplotlib' in capsys.readouterr().err
    else:
        pytest.skip('matplotlib is installed: show would open a window')


def test_plots_renderer_and_matplotlib_request(tmp_path):
    from xcoco.cli.plots import bar_chart, histogram, scatter_plot, write_stats_plots
    canvas = bar_chart([f'category_{i}' for i in range(20)], list(range(20)), 'many', 'x', 'y')
    assert canvas.shape == (560, 900, 3) and canvas.min() < 100
    assert histogram([], 'empty').shape == (560, 900, 3)
    assert scatter_plot([1e4], [2e4]).shape == (560, 900, 3)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        with pytest.raises(xcoco.MissingDependencyError, match='pip install matplotlib'):
            write_stats_plots(xcoco.CocoDataset.demo('shapes2'), tmp_path, backend='matplotlib')
    else:
        written, _ = write_stats_plots(xcoco.CocoDataset.demo('shapes2'), tmp_path,
                                       backend='matplotlib')
        assert written


def test_progress_and_notes_follow_the_terminal_and_quiet(tmp_path, capsys, monkeypatch):
    from xcoco.cli import output
    args = ['union', 'special:shapes1', 'special:shapes2', '--dst', str(tmp_path / 'u.json')]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert 'wrote' in err and 'reading datasets' not in err  # not a terminal: no bar
    monkeypatch.setattr(output, '_stderr_is_tty', lambda: True)
    assert main(args) == 0
    assert 'reading datasets' in capsys.readouterr().err
    assert main([*args, '--quiet']) == 0
    assert capsys.readouterr().err == ''
    assert main(['--quiet', *args]) == 0
    assert capsys.readouterr().err == ''


def test_no_source_is_a_usage_error(capsys):
    for verb in ('stats', 'validate', 'union', 'info', 'subset', 'show'):
        assert main([verb]) == 2, verb
    assert 'no input dataset given' in capsys.readouterr().err


def test_read_verbs_take_a_backend(tmp_path, capsys):
    fpath = tmp_path / 'data.kwcoco.json'
    xcoco.CocoDataset.demo('shapes2').dump(fpath)
    outputs = {}
    for backend in ['memory', 'sqlite']:
        assert main(['stats', str(fpath), '--backend', backend, '--format', 'json']) == 0
        outputs[backend] = json.loads(capsys.readouterr().out)
    for part in outputs.values():
        for entry in part:
            entry.pop('fpath')  # the manifest's path, or its view's
    assert outputs['sqlite'] == outputs['memory']
    assert (tmp_path / '_data.kwcoco.view.xcoco-v2.sqlite').exists()  # the cached view
    assert main(['info', str(fpath), '--backend=sqlite', '--format', 'json']) == 0
    assert json.loads(capsys.readouterr().out)
