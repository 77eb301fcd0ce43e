"""
Unchanged kwcoco code runs on xcoco: ``python -m xcoco.as_kwcoco`` and
``xcoco.install_as_kwcoco()`` serve ``kwcoco`` and every ``kwcoco.*`` path
with the xcoco modules themselves, ahead of the real kwcoco installed in
the environment.  The alias is process-wide, so every case runs in a fresh
interpreter.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import xcoco

SRC = str(Path(xcoco.__file__).resolve().parents[1])

KWCOCO_STYLE_SCRIPT = '''
import json
import sys

import kwcoco
import kwcoco.coco_dataset
import kwcoco.demo
import kwcoco.util.util_json
from kwcoco import exceptions
from kwcoco.category_tree import CategoryTree
from kwcoco.channel_spec import ChannelSpec, FusedChannelSpec
from kwcoco.coco_dataset import CocoDataset
from kwcoco.coco_image import CocoImage
from kwcoco.coco_objects1d import Annots, Images
from kwcoco.coco_schema import COCO_SCHEMA
from kwcoco.util import ensure_json_serializable
from kwcoco.util.util_json import find_json_unserializable

import xcoco


def main():
    dset = kwcoco.CocoDataset.demo('shapes2')
    coco_img = dset.coco_image(dset.images()[0])
    try:
        dset.add_category(dset.dataset['categories'][1]['name'])
    except exceptions.DuplicateAddError as ex:
        duplicate = type(ex).__module__
    COCO_SCHEMA.validate(dset.dataset)
    report = {
        'name': __name__,
        'argv': sys.argv[1:],
        'same_package': kwcoco is xcoco,
        'classes': [cls is getattr(xcoco, cls.__name__) for cls in [
            CocoDataset, CocoImage, Annots, Images, CategoryTree, ChannelSpec,
            FusedChannelSpec]],
        'dataset_is_xcoco': isinstance(dset, xcoco.CocoDataset),
        'image_is_xcoco': isinstance(coco_img, xcoco.CocoImage),
        'duplicate_error': duplicate,
        'same_modules': all(
            sys.modules['kwcoco' + name[len('xcoco'):]] is module
            for name, module in list(sys.modules.items())
            if name.startswith('xcoco.') and 'kwcoco' + name[len('xcoco'):] in sys.modules),
        'submodules': [kwcoco.coco_dataset.__name__, kwcoco.demo.__name__,
                       kwcoco.util.util_json.__name__],
        'json_helpers': [ensure_json_serializable({'a': (1, 2)}),
                         list(find_json_unserializable({'a': {1, 2}}))[0]['loc']],
        'real_kwcoco_loaded': any('site-packages' in str(getattr(m, '__file__', '') or '')
                                  for k, m in sys.modules.items() if k.split('.')[0] == 'kwcoco'),
    }
    print(json.dumps(report))


if __name__ == '__main__':
    main()
    sys.exit(int(sys.argv[-1]))
'''


def _run(args, cwd, **kw):
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([SRC, env.get('PYTHONPATH', '')])
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, **kw)


def test_kwcoco_script_runs_on_xcoco(tmp_path):
    pytest.importorskip('kwcoco')  # the alias must win over the real one
    script = tmp_path / 'kwcoco_user.py'
    script.write_text(KWCOCO_STYLE_SCRIPT)
    out = _run(['-m', 'xcoco.as_kwcoco', str(script), '--flag', '7'], cwd=tmp_path)
    assert out.returncode == 7, out.stderr
    report = json.loads(out.stdout)
    assert report['name'] == '__main__'
    assert report['argv'] == ['--flag', '7']
    assert report['same_package'] and report['same_modules']
    assert report['classes'] == [True] * 7
    assert report['dataset_is_xcoco'] and report['image_is_xcoco']
    assert report['duplicate_error'] == 'xcoco.errors'
    assert report['submodules'] == ['xcoco.coco_dataset', 'xcoco.demo', 'xcoco.util.util_json']
    assert report['json_helpers'] == [{'a': [1, 2]}, ['a']]
    assert not report['real_kwcoco_loaded']


def test_module_and_code_modes(tmp_path):
    (tmp_path / 'mod_user.py').write_text(textwrap.dedent('''
        import sys
        from kwcoco.coco_image import CocoImage
        print(__name__, CocoImage.__module__, sys.argv[1:])
    '''))
    out = _run(['-m', 'xcoco.as_kwcoco', '-m', 'mod_user', 'a', '-b'], cwd=tmp_path)
    assert out.stdout.split() == ['__main__', 'xcoco.objects.image', "['a',", "'-b']"], out.stderr
    code = 'import sys, kwcoco.exceptions as m; print(m.__name__, sys.argv); sys.exit(5)'
    out = _run(['-m', 'xcoco.as_kwcoco', '-c', code, 'x'], cwd=tmp_path)
    assert (out.stdout.strip(), out.returncode) == ("xcoco.exceptions ['-c', 'x']", 5)


def test_uncaught_exception_is_reported_like_python(tmp_path):
    script = tmp_path / 'fails.py'
    script.write_text('import kwcoco\n\ndef f():\n    raise ValueError("boom")\n\nf()\n')
    out = _run(['-m', 'xcoco.as_kwcoco', str(script)], cwd=tmp_path)
    plain = _run([str(script)], cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines[0] == 'Traceback (most recent call last):'
    assert str(script) in lines[1]  # the traceback starts in the user's file
    assert lines[-1] == 'ValueError: boom'
    assert 'as_kwcoco' not in out.stderr and 'runpy' not in out.stderr
    assert plain.returncode == 1 and plain.stderr.splitlines()[-1] == 'ValueError: boom'


def test_runner_usage_errors(tmp_path):
    out = _run(['-m', 'xcoco.as_kwcoco'], cwd=tmp_path)
    assert out.returncode == 2 and 'usage:' in out.stderr
    out = _run(['-m', 'xcoco.as_kwcoco', 'missing.py'], cwd=tmp_path)
    assert out.returncode == 2 and "can't open file" in out.stderr
    out = _run(['-m', 'xcoco.as_kwcoco', '-m', 'no_such_module_xyz'], cwd=tmp_path)
    assert out.returncode == 1 and 'No module named no_such_module_xyz' in out.stderr


def test_unknown_kwcoco_path_names_both_modules(tmp_path):
    code = ('import xcoco; xcoco.install_as_kwcoco()\n'
            'try:\n    import kwcoco.coco_evaluator\n'
            'except ModuleNotFoundError as ex:\n    print(ex.name, "|", ex)\n')
    out = _run(['-c', code], cwd=tmp_path)
    assert out.stdout.strip() == (
        "kwcoco.coco_evaluator | No module named 'kwcoco.coco_evaluator': xcoco serves "
        "the kwcoco module paths in this process and has no module 'xcoco.coco_evaluator'")


def test_install_is_idempotent_and_shares_modules(tmp_path):
    code = textwrap.dedent('''
        import sys, xcoco, xcoco.coco_image
        xcoco.install_as_kwcoco()
        xcoco.install_as_kwcoco()
        import kwcoco.coco_image, kwcoco.util.jsonschema_elements
        from xcoco.kwcoco_alias import KwcocoAliasFinder
        print(sum(isinstance(f, KwcocoAliasFinder) for f in sys.meta_path),
              kwcoco.coco_image is xcoco.coco_image,
              xcoco.coco_image.__spec__.name,
              sys.modules['kwcoco.util'] is sys.modules['xcoco.util'])
    ''')
    out = _run(['-c', code], cwd=tmp_path)
    assert out.stdout.split() == ['1', 'True', 'xcoco.coco_image', 'True'], out.stderr


@pytest.mark.parametrize('first_import', ['kwcoco', 'kwcoco.coco_image'])
def test_install_refuses_after_real_kwcoco(tmp_path, first_import):
    pytest.importorskip('kwcoco')
    code = textwrap.dedent(f'''
        import sys
        import {first_import}
        import xcoco
        try:
            xcoco.install_as_kwcoco()
        except xcoco.KwcocoAliasError as ex:
            print(isinstance(ex, ImportError), '|', ex)
        from xcoco.kwcoco_alias import is_installed
        print(is_installed())
    ''')
    out = _run(['-c', code], cwd=tmp_path)
    first, second = out.stdout.strip().splitlines()
    assert first.startswith("True | cannot serve 'kwcoco' with xcoco: the real kwcoco is "
                            "already imported (kwcoco"), out.stderr
    assert second == 'False'  # refused: nothing changed


def test_kwcoco_main_runs_the_xcoco_cli(tmp_path):
    out = _run(['-m', 'xcoco.as_kwcoco', '-m', 'kwcoco', '--version'], cwd=tmp_path)
    assert out.stdout.strip() == xcoco.__version__, out.stderr
