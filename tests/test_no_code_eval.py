"""
Nothing in a manifest is ever evaluated as code (issue 15).

Every string field of a demo manifest (and an extra key on every object)
carries a payload that would create a marker file if anything handed it to
``eval`` / ``exec``, a shell, ``str.format`` / ``%`` / a template engine,
``pickle`` or ``yaml.load``; then load, validate, stats, dump, the dialect
writers, the SQL and frozen backends and every CLI verb run on it.  The
marker never appears.  A static scan of ``src/xcoco`` keeps the dangerous
calls out of the code (the one ``exec`` is ``as_kwcoco`` running the
user's own script).
"""
import ast
import contextlib
import io
import json
import os
import pathlib
import pickle
import warnings

import pytest

import xcoco
from xcoco.cli import main as cli_main

SRC = pathlib.Path(xcoco.__file__).parent
MARKER = 'PWNED'


class _Touch:
    """Unpickling this runs a shell command: a pickle payload."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def payloads(marker):
    """Strings that create ``marker`` if evaluated by any interpreter."""
    pickled = pickle.dumps(_Touch(marker), protocol=0).decode('ascii')
    return {
        'python': f"__import__('os').system('touch {marker}')",
        'python_open': f"open('{marker}', 'w').write('x')",
        'python_exec': f"exec(\"open('{marker}', 'w')\")",
        'format_attr': "{0.__class__.__init__.__globals__}{0.__class__}",
        'format_braces': "{{7*7}}{}{0}{x}",
        'percent': '%(name)s %s %d %n',
        'jinja': "{{ ''.__class__.__mro__[1].__subclasses__() }}{% import os %}",
        'shell_subst': f'$(touch {marker})',
        'shell_backtick': f'`touch {marker}`',
        'shell_chain': f'x; touch {marker} && touch {marker} | touch {marker} #',
        'template': f'${{touch {marker}}} $HOME ~root',
        'pickle': pickled,
        'yaml': f"!!python/object/apply:os.system ['touch {marker}']",
        'sql': "x'); DROP TABLE images; -- ' OR '1'='1",
        'jq': f'.id | @sh "touch {marker}" | input | env | $__loc__',
    }


def _poison(value, payload, counter):
    """Every string in ``value`` replaced by the payload (kept unique)."""
    if isinstance(value, str):
        counter[0] += 1
        # ' #n' keeps unique names unique and is a comment to Python and sh
        return f'{payload} #{counter[0]}'
    if isinstance(value, list):
        return [_poison(item, payload, counter) for item in value]
    if isinstance(value, dict):
        poisoned = {key: _poison(item, payload, counter) for key, item in value.items()}
        if 'id' in value:
            poisoned[payload] = payload  # an extra, unknown field
        return poisoned
    return value


def poisoned_manifest(payload):
    base = xcoco.CocoDataset.demo('vidshapes1-multispectral', num_frames=2).dataset
    data = json.loads(json.dumps(base))
    counter = [0]
    return {key: _poison(value, payload, counter) for key, value in data.items()}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in tmp_path so a relative 'touch PWNED' would land there too."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _no_marker(root):
    found = list(pathlib.Path(root).rglob(f'*{MARKER}*'))
    assert found == [], f'a payload ran: {found}'


def _tolerated(func, *args, **kwargs):
    """
    Run ``func``: it may succeed or refuse with an xcoco error (a payload in
    a channel spec or an RLE is bad data) or an OSError (a payload file name
    names no file); any other exception is a defect.
    """
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter('ignore')
        try:
            return func(*args, **kwargs)
        except (xcoco.XcocoError, OSError):
            return None



def _python_api(fpath, work):
    from xcoco import formats
    from xcoco.frozen.views import freeze
    from xcoco.sql import CocoSqlDatabase
    dset = xcoco.CocoDataset(fpath)
    xcoco.CocoDataset.coerce(str(fpath))
    _tolerated(dset.validate, missing=True, corrupted=True, resolve_links=True, verbose=2)
    _tolerated(dset.basic_stats)
    _tolerated(dset.extended_stats)
    _tolerated(dset.boxsize_stats)
    _tolerated(dset.category_annotation_frequency)
    dset.dumps()
    dset.dump(work / 'copy.kwcoco.json')
    _tolerated(dset.dump, work / 'copy.kwcoco.zip', compress=True)
    assert xcoco.CocoDataset(work / 'copy.kwcoco.json').dataset == dset.dataset
    _ = dset.hashid
    _tolerated(lambda: [dset.coco_image(gid).channels for gid in dset.imgs])
    _tolerated(lambda: [dset.coco_image(gid).primary_image_filepath() for gid in dset.imgs])
    _tolerated(lambda: dset.coco_image(1).imdelay().finalize())
    dset.images().lookup('name', None)
    dset.annots().lookup('category_id')
    _tolerated(dset.subset, list(dset.imgs)[:1])
    _tolerated(xcoco.CocoDataset.union, dset, xcoco.CocoDataset.demo('shapes1'))
    _tolerated(dset.copy().conform)
    _tolerated(dset.copy().reroot, absolute=True, check=False)
    for name in ('mscoco', 'aicoco', 'trainingdata', 'encord'):
        out = work / f'as_{name}.json'
        if _tolerated(formats.dump, dset, out, name) is not None or out.exists():
            _tolerated(formats.load, out, format=name)
    db = _tolerated(CocoSqlDatabase(':memory:').populate_from, dset)
    if db is not None:
        assert len(db.index.imgs) == dset.n_images  # the SQL payload dropped nothing
        assert [img['name'] for img in db.index.imgs.values()] == [
            img['name'] for img in dset.imgs.values()]
    frozen = _tolerated(freeze, dset, work / 'frozen')
    if frozen is not None:
        assert frozen.n_images == dset.n_images


def _cli(fpath, work, payload):
    dst = str(work / 'cli_out.kwcoco.json')
    verbs = [
        ['stats', str(fpath)],
        ['info', str(fpath)],
        ['validate', str(fpath), '--corrupted=True'],
        ['union', str(fpath), 'special:shapes1', '--dst', dst],
        ['subset', str(fpath), dst, '--select_images', '.name | test("#")'],
        ['subset', str(fpath), dst, '--select_images', payload],
        ['subset', str(fpath), dst, '--select_videos', payload],
        ['split', str(fpath), '--dst1', str(work / 'a.json'), '--dst2', str(work / 'b.json')],
        ['reroot', str(fpath), dst, '--absolute=True'],
        ['conform', str(fpath), dst],
        ['modify_categories', str(fpath), '--dst', dst, '--keep', payload],
        ['show', str(fpath), '--gid', '1', '--dst', str(work / 'show.png')],
        ['fixup', str(fpath), dst],
        ['convert', str(fpath), str(work / 'conv.json'), '--format', 'mscoco'],
        ['find_unregistered_images', str(fpath), '--action', 'list'],
        ['move', str(work / 'to_move.json'), str(work / 'moved.json')],
        ['tables', str(fpath)],
    ]
    (work / 'to_move.json').write_bytes(fpath.read_bytes())
    for argv in verbs:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = cli_main(['--quiet', *argv])
        assert status in (0, 1, 2), (argv, status)
        assert 'Traceback' not in err.getvalue(), (argv, err.getvalue())


@pytest.mark.parametrize('kind', sorted(payloads(MARKER)))
def test_no_field_of_a_manifest_is_evaluated(in_tmp, kind):
    marker = str(in_tmp / MARKER)
    payload = payloads(marker)[kind]
    work = in_tmp / 'work'
    work.mkdir()
    fpath = in_tmp / 'poisoned.kwcoco.json'
    fpath.write_text(json.dumps(poisoned_manifest(payload)))
    _python_api(fpath, work)
    _no_marker(in_tmp)
    _cli(fpath, work, payload)
    _no_marker(in_tmp)


def test_poisoned_manifest_loads_as_plain_strings(in_tmp):
    payload = payloads(str(in_tmp / MARKER))['python']
    fpath = in_tmp / 'p.json'
    fpath.write_text(json.dumps(poisoned_manifest(payload)))
    dset = xcoco.CocoDataset(fpath)
    names = [cat['name'] for cat in dset.cats.values()]
    assert names and all(name.startswith(payload) for name in names)
    assert all(img[payload] == payload for img in dset.imgs.values())


@pytest.mark.parametrize('query', [
    "__import__('os').system('touch PWNED')",
    '.id | @sh "touch PWNED"',
    '$(touch PWNED)',
    'input',
    'env.HOME',
    'import "x" as y; .id',
    '.name | test("(a+)+$")  and __class__',
])
def test_jsonquery_refuses_what_it_does_not_know(in_tmp, query):
    from xcoco.cli.jsonquery import select_ids
    with pytest.raises(xcoco.UsageError):
        select_ids([{'id': 1, 'name': 'a'}], query)
    _no_marker(in_tmp)


# ---- static audit: no interpreter is reachable from the code ------------------------------------
#: (module, call) pairs that are allowed, with why
ALLOWED_CALLS = {
    ('as_kwcoco.py', 'exec'): "runs the user's own script under the kwcoco alias",
    ('as_kwcoco.py', 'compile'): "compiles the user's own script / -c string",
}
FORBIDDEN_NAMES = {'eval', 'exec', 'compile', '__import__', 'execfile'}
FORBIDDEN_ATTRS = {
    ('os', 'system'), ('os', 'popen'), ('os', 'execv'), ('os', 'execvp'), ('os', 'spawnl'),
    ('pickle', 'load'), ('pickle', 'loads'), ('pickle', 'Unpickler'),
    ('marshal', 'loads'), ('shelve', 'open'), ('yaml', 'load'), ('yaml', 'unsafe_load'),
    ('yaml', 'full_load'), ('ast', 'literal_eval'), ('code', 'interact'),
    ('importlib', 'import_module'),
}
#: modules whose import_module takes only names from their own tables
IMPORT_TABLES = {'__init__.py', 'formats/__init__.py', 'cli/__init__.py', 'demo/__init__.py',
                 'util/__init__.py', 'kwcoco_alias.py'}


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _audit(text, rel):
    tree = ast.parse(text)
    found = []
    for call in _calls(tree):
        func = call.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
            if (rel, func.id) not in ALLOWED_CALLS:
                found.append(f'{rel}:{call.lineno} {func.id}()')
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            pair = (func.value.id, func.attr)
            if pair in FORBIDDEN_ATTRS:
                if pair == ('importlib', 'import_module') and rel in IMPORT_TABLES:
                    continue
                found.append(f'{rel}:{call.lineno} {pair[0]}.{pair[1]}()')
        for keyword in call.keywords:
            if (keyword.arg == 'shell' and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value):
                found.append(f'{rel}:{call.lineno} shell=True')
            if (keyword.arg == 'allow_pickle' and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value):
                found.append(f'{rel}:{call.lineno} allow_pickle=True')
    return found


def test_no_interpreter_is_called_from_the_code():
    found = []
    for path in sorted(SRC.rglob('*.py')):
        found.extend(_audit(path.read_text(encoding='utf8'), path.relative_to(SRC).as_posix()))
    assert found == []


def test_the_audit_catches_what_it_looks_for():
    found = _audit('import os, pickle, subprocess\n'
                   'eval("1")\nos.system("x")\npickle.loads(b"")\n'
                   'subprocess.run("x", shell=True)\n', 'probe.py')
    assert [item.split(' ', 1)[1] for item in found] == [
        'eval()', 'os.system()', 'pickle.loads()', 'shell=True']


@pytest.mark.parametrize('kind,run', [
    ('python', lambda text: eval(text)),
    ('python_open', lambda text: eval(text)),
    ('python_exec', lambda text: eval(text)),
    ('pickle', lambda text: pickle.loads(text.encode('ascii'))),
    ('shell_subst', lambda text: os.system(f'echo {text} > /dev/null')),
    ('shell_backtick', lambda text: os.system(f'echo {text} > /dev/null')),
    ('shell_chain', lambda text: os.system(f'echo {text} > /dev/null')),
])
def test_the_payloads_are_live(in_tmp, kind, run):
    """The positive control: each payload does create the marker when evaluated."""
    marker = in_tmp / MARKER
    run(payloads(str(marker))[kind] + ' #1')
    assert marker.exists()
