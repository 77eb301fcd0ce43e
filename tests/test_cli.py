"""
The ``xcoco`` command end to end: every verb runs in a subprocess
(``python -m xcoco <verb> ...``) on a demo bundle, and its exit status and
output files are checked; every verb's ``--help`` example runs too.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import xcoco
from xcoco.cli import ALIASES, VERBS, verb_class

SRC = str(Path(xcoco.__file__).resolve().parents[1])


def _env():
    env = dict(os.environ)
    env['PYTHONPATH'] = SRC + os.pathsep + env.get('PYTHONPATH', '')
    return env


def run(*args, cwd=None, check=None):
    """Run ``python -m xcoco ARGS``; ``check`` is the expected exit status."""
    out = subprocess.run([sys.executable, '-m', 'xcoco', *map(str, args)], cwd=cwd,
                         capture_output=True, text=True, env=_env(), timeout=120)
    if check is not None:
        assert out.returncode == check, (args, out.returncode, out.stdout, out.stderr)
    return out


def _files_resolve(fpath):
    dset = xcoco.CocoDataset(fpath)
    paths = [p for gid in dset.imgs for p in dset.coco_image(gid).iter_image_filepaths()]
    return bool(paths) and all(os.path.exists(p) for p in paths)


@pytest.fixture(scope='module')
def bundle(tmp_path_factory):
    """A private video demo bundle (some verbs delete or move files)."""
    dpath = tmp_path_factory.mktemp('cli_bundle')
    dset = xcoco.CocoDataset.demo('vidshapes2-frames3', fpath=dpath / 'vids' / 'data.kwcoco.json')
    return Path(dset.fpath)


@pytest.fixture(scope='module')
def shapes(tmp_path_factory):
    dpath = tmp_path_factory.mktemp('cli_shapes')
    dset = xcoco.CocoDataset.demo('shapes8', fpath=dpath / 'shapes' / 'data.kwcoco.json')
    return Path(dset.fpath)


def test_version_and_top_level_help():
    out = run('--version', check=0)
    assert out.stdout.strip() == xcoco.__version__
    out = run('--help', check=0)
    for verb in VERBS:
        assert verb in out.stdout
    out = run(check=2)
    assert 'usage: xcoco' in out.stderr


def test_stats_tables_json_and_plots(bundle, tmp_path):
    out = run('stats', bundle, '--boxes', check=0)
    lines = out.stdout.splitlines()
    header = lines[lines.index('basic') + 1]
    row = lines[lines.index('basic') + 2]
    assert header.split() == ['n_anns', 'n_imgs', 'n_videos', 'n_cats', 'n_tracks']
    assert row.split()[2:] == ['6', '2', '3', '4']
    # aligned: each number ends where its column title ends
    ends = [m.end() for m in re.finditer(r'\S+', row)][1:]
    assert ends == [m.end() for m in re.finditer(r'\S+', header)]
    assert 'extended' in lines and 'catfreq' in lines and 'boxes' in lines
    out = run('stats', '--src', bundle, '--format', 'json', '--no-extended', check=0)
    report = json.loads(out.stdout)
    assert report[0]['basic']['n_imgs'] == 6 and 'extended' not in report[0]
    assert report[0]['fpath'] == str(bundle)

    plots = tmp_path / 'plots'
    out = run('stats', bundle, '--plots', plots, '--quiet', check=0)
    import cv2
    names = sorted(p.name for p in plots.iterdir())
    assert names == ['annots_per_image.png', 'box_size_distribution.png',
                     'category_frequency.png', 'images_per_video.png']
    for fpath in plots.iterdir():
        assert fpath.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
        image = cv2.imread(str(fpath))
        assert image.shape[0] >= 300 and image.shape[1] >= 400
        assert image.std() > 10  # drawn on, not a blank canvas


def test_info_and_tables(bundle):
    out = run('info', bundle, '-g', '2', '-c', check=0)
    assert 'images (first 2 of 6)' in out.stdout
    assert 'categories' in out.stdout
    out = run('tables', bundle, '--show_videos', '--format', 'json', check=0)
    assert [v['name'] for v in json.loads(out.stdout)['videos']] == ['toy_video_1', 'toy_video_2']


def test_validate_ok_and_failing(bundle, tmp_path):
    out = run('validate', bundle, check=0)
    assert 'OK' in out.stdout
    data = json.loads(bundle.read_text())
    data['annotations'][0]['image_id'] = 999
    bad = bundle.parent / 'bad.kwcoco.json'
    bad.write_text(json.dumps(data))
    out = run('validate', '--src', bad, check=1)
    assert 'annotation.image_id.exists' in out.stdout and 'Traceback' not in out.stderr
    out = run('validate', bad, '--format', 'json', check=1)
    assert json.loads(out.stdout)[0]['errors'][0]['path'] == '/annotations/0/image_id'


def test_union(bundle, shapes, tmp_path):
    dst = tmp_path / 'out' / 'combo.kwcoco.json'
    run('union', '--src', bundle, shapes, '--dst', dst, check=0)
    combo = xcoco.CocoDataset(dst)
    assert combo.n_images == 6 + 8 and combo.n_videos == 2
    assert _files_resolve(dst)


def test_subset_by_query_videos_ids_and_categories(bundle, tmp_path):
    dst = tmp_path / 'even.kwcoco.json'
    run('subset', bundle, dst, '--select_images', '.id % 2 == 0', check=0)
    assert sorted(xcoco.CocoDataset(dst).imgs) == [2, 4, 6]
    assert _files_resolve(dst)
    dst2 = tmp_path / 'vid.kwcoco.json'
    run('subset', '--src', bundle, dst2, '--select_videos', '.name | endswith("2")', check=0)
    sub = xcoco.CocoDataset(dst2)
    assert [v['name'] for v in sub.dataset['videos']] == ['toy_video_2'] and sub.n_images == 3
    out = run('subset', bundle, tmp_path / 'x.json', '--select_images', '.id <', check=2)
    assert 'query' in out.stderr and 'Traceback' not in out.stderr


def test_split_partitions_the_images(bundle, tmp_path):
    run('split', bundle, '--dst1', tmp_path / 'a.json', '--dst2', tmp_path / 'b.json',
        '--factor', '2', '--rng', '0', check=0)
    part1, part2 = xcoco.CocoDataset(tmp_path / 'a.json'), xcoco.CocoDataset(tmp_path / 'b.json')
    assert set(part1.imgs).isdisjoint(part2.imgs)
    assert set(part1.imgs) | set(part2.imgs) == set(range(1, 7))
    # videos were dealt whole
    assert part1.n_videos == part2.n_videos == 1


def test_reroot_and_inplace_protection(bundle, tmp_path):
    dst = tmp_path / 'rel' / 'rerooted.json'
    run('reroot', bundle, dst, '--absolute=False', check=0)
    name = xcoco.CocoDataset(dst).dataset['images'][0]['file_name']
    assert not os.path.isabs(name) and name.startswith('..') and _files_resolve(dst)
    before = bundle.read_bytes()
    out = run('reroot', bundle, bundle, check=2)
    assert 'refusing to overwrite the input' in out.stderr
    assert bundle.read_bytes() == before


def test_move(bundle, tmp_path):
    src = tmp_path / 'copy.kwcoco.json'
    run('union', bundle, '--dst', src, check=0)
    run('mv', src, tmp_path / 'moved' / 'final.json', check=0)
    assert not src.exists()
    assert _files_resolve(tmp_path / 'moved' / 'final.json')


def test_conform(bundle, tmp_path):
    dst = tmp_path / 'conformed.json'
    run('conform', bundle, dst, '--legacy=True', check=0)
    ann = xcoco.CocoDataset(dst).dataset['annotations'][0]
    assert ann['iscrowd'] == 0 and isinstance(ann['segmentation'], list)


def test_modify_categories(bundle, tmp_path):
    dst = tmp_path / 'cats.json'
    out = run('modify_categories', bundle, '--dst', dst, '--rename', 'star:sun',
              '--remove', 'eff', check=0)
    assert 'sun' in out.stdout
    names = set(xcoco.CocoDataset(dst).name_to_cat)
    assert 'sun' in names and 'star' not in names and 'eff' not in names
    out = run('modify_categories', bundle, '--keep', 'star,', check=0)
    assert 'dry run' in out.stderr


def test_toydata(tmp_path):
    out = run('toydata', '--key=shapes2-gsize64', '--dst', 'toy/data.kwcoco.json', cwd=tmp_path,
              check=0)
    fpath = Path(out.stdout.strip())
    assert fpath == tmp_path / 'toy' / 'data.kwcoco.json' and _files_resolve(fpath)


def test_show_image_and_contact_sheet(bundle, tmp_path):
    import cv2
    run('show', bundle, '--gid', '2', '--dst', tmp_path / 'one.png', check=0)
    assert cv2.imread(str(tmp_path / 'one.png')).shape == (600, 600, 3)
    run('show', bundle, '--num_images', '4', '--thumb_dim', '128', '--dst', tmp_path / 'sheet.png',
        check=0)
    sheet = cv2.imread(str(tmp_path / 'sheet.png'))
    assert sheet.shape[0] >= 2 * 128 and sheet.shape[1] >= 2 * 128


def test_find_unregistered_images(bundle, tmp_path):
    stray = bundle.parent / '_assets' / 'stray.png'
    stray.write_bytes(b'x')
    out = run('find_unregistered_images', bundle, '--action', 'list', check=0)
    assert out.stdout.strip().splitlines() == [str(stray)]
    run('find_unregistered_images', bundle, '--action', 'delete', '--quiet', check=0)
    assert not stray.exists() and _files_resolve(bundle)


def test_fixup_removes_lost_images(shapes, tmp_path):
    work = tmp_path / 'bundle'
    shutil.copytree(shapes.parent, work)
    dset = xcoco.CocoDataset(work / 'data.kwcoco.json')
    dset.coco_image(3).primary_image_filepath().unlink()
    run('fixup', work / 'data.kwcoco.json', tmp_path / 'fixed.json', check=0)
    assert sorted(xcoco.CocoDataset(tmp_path / 'fixed.json').imgs) == [1, 2, 4, 5, 6, 7, 8]


def test_convert_through_every_writable_format(bundle, tmp_path):
    from xcoco import formats
    out = run('convert', '--help', check=0)
    assert 'Known formats: ' + ', '.join(sorted(formats.DIALECTS)) in out.stdout
    for name in sorted(formats.DIALECTS):
        if not hasattr(formats._module(name), 'from_manifest'):
            continue
        dst = tmp_path / name / 'out.json'
        run('convert', '--src', bundle, '--dst', dst, '--format', name, check=0)
        back = tmp_path / name / 'back.kwcoco.json'
        extra = []
        if isinstance(json.loads(dst.read_text()), list):
            extra = ['--base', bundle]  # a results list attaches to its dataset
        run('convert', dst, back, '--src_format', name, *extra, check=0)
        assert xcoco.CocoDataset(back).n_images == 6
    out = run('convert', bundle, tmp_path / 'x.json', '--format', 'no_such_dialect', check=2)
    assert "'no_such_dialect'" in out.stderr and "'kwcoco'" in out.stderr


def test_errors_are_short_and_debug_shows_the_traceback(tmp_path):
    out = run('stats', tmp_path / 'missing.json', check=1)
    lines = out.stderr.strip().splitlines()
    assert len(lines) <= 2 and 'missing.json' in lines[0] and 'Traceback' not in out.stderr
    out = run('stats', tmp_path / 'missing.json', '--debug', check=1)
    assert 'Traceback' in out.stderr
    out = run('stats', 'special:shapes2', '--no_such_option', check=2)
    assert '--no_such_option' in out.stderr and len(out.stderr.strip().splitlines()) <= 2
    out = run('statz', check=2)
    assert "did you mean 'stats'" in out.stderr


def test_output_into_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, '-m', 'xcoco', 'stats', 'special:shapes2'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0 and err == ''
    out = subprocess.run(f'{shlex.quote(sys.executable)} -m xcoco stats special:shapes2 | head -1',
                         shell=True, capture_output=True, text=True, env=_env(), timeout=60)
    assert out.stdout == 'basic\n' and out.stderr == ''


def test_served_as_kwcoco_cli_modules():
    code = ('from kwcoco.cli.coco_stats import CocoStatsCLI\n'
            'import kwcoco.cli.coco_subset as m\n'
            "assert m.__cli__ is m.CocoSubsetCLI and m._CLI is m.CocoSubsetCLI\n"
            "print(CocoStatsCLI.main(argv=False, src='special:shapes2', extended=False, catfreq=False))")
    out = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', '-c', code],
                         capture_output=True, text=True, env=_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == 'basic' and out.stdout.splitlines()[-1] == '0'
    out = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', '-m', 'kwcoco.cli.coco_stats',
                          'special:shapes2', '--format=json'],
                         capture_output=True, text=True, env=_env(), timeout=60)
    assert out.returncode == 0 and json.loads(out.stdout)[0]['basic']['n_imgs'] == 2


def _verb_examples():
    for name in VERBS:
        yield name, list(verb_class(name).__examples__)


def _run_examples(name, examples, cwd):
    results = []
    for line in examples:
        words = shlex.split(line)
        assert words[0] == 'xcoco', line
        out = run(*words[1:], cwd=cwd)
        results.append((line, out))
        if out.returncode != 0:
            break
    return results


def test_every_verb_has_help_with_examples_that_run(tmp_path):
    names = [name for name, _ in _verb_examples()]
    assert set(ALIASES.values()) <= set(names)
    helps = {}
    with ThreadPoolExecutor(2) as pool:
        futures = {name: pool.submit(run, name, '--help') for name in names}
        futures.update({alias: pool.submit(run, alias, '--help') for alias in ALIASES})
        helps = {name: fut.result() for name, fut in futures.items()}
        jobs = []
        for name, examples in _verb_examples():
            assert examples, f'{name} has no --help example'
            cwd = tmp_path / name
            cwd.mkdir()
            jobs.append(pool.submit(_run_examples, name, examples, cwd))
        failures = []
        for job in jobs:
            for line, out in job.result():
                if out.returncode != 0:
                    failures.append(f'{line}\n{out.stdout[-500:]}\n{out.stderr[-1500:]}')
    for name, out in helps.items():
        assert out.returncode == 0, (name, out.stderr)
        assert 'Example:' in out.stdout and 'usage: xcoco ' in out.stdout
    for name, examples in _verb_examples():
        for line in examples:
            assert line in helps[name].stdout
    assert not failures, '\n\n'.join(failures)
