"""
Measure drop-in parity: run kwcoco's own doctest examples with ``kwcoco``
served by xcoco (``python -m xcoco.as_kwcoco``) and count which pass.

Run by hand with kwcoco installed (its source is only read, never imported
by xcoco):

    python dev/kwcoco_doctests_on_xcoco.py [module-glob ...] [--show-fail]

Each example runs in its own interpreter with a time limit, in a temporary
folder.  Examples that need the network, a display or optional packages
fail here for those reasons too; the failure lines say which.
"""
import fnmatch
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import xdoctest.core

DEFAULT = ['coco_dataset', '_dataset_components/*', 'coco_image', 'coco_objects1d',
           'category_tree', 'channel_spec', 'util/util_json', 'util/util_archive']


def kwcoco_root():
    import importlib.util
    spec = importlib.util.find_spec('kwcoco')
    return Path(spec.origin).parent


def main(argv):
    show_fail = '--show-fail' in argv
    patterns = [a for a in argv if not a.startswith('--')] or DEFAULT
    root = kwcoco_root()
    files = sorted(p for p in root.rglob('*.py')
                   if any(fnmatch.fnmatch(str(p.relative_to(root))[:-3], pat) for pat in patterns))
    passed, failed = 0, []
    env = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp())
    for fpath in files:
        for example in xdoctest.core.parse_doctestables(str(fpath), style='auto'):
            code = example.format_src(colored=False, linenos=False, want=False, prefix=False)
            # xdoctest runs an example in its module's namespace; these are
            # the names kwcoco's modules import that examples lean on
            modpath = 'kwcoco.' + str(fpath.relative_to(root))[:-3].replace('/', '.')
            modpath = modpath.removesuffix('.__init__')
            code = ('import ubelt as ub\nimport numpy as np\nimport networkx as nx\n'
                    'import kwcoco\n'
                    f'try:\n    from {modpath} import *  # noqa\nexcept ImportError:\n    pass\n'
                    + code)
            if '+REQUIRES(--' in code or 'xdoctest: +SKIP' in code:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                script = Path(tmp) / 'example.py'
                script.write_text(code)
                try:
                    proc = subprocess.run([sys.executable, '-m', 'xcoco.as_kwcoco', str(script)],
                                          cwd=tmp, env=env, capture_output=True, text=True,
                                          timeout=120)
                    ok, why = proc.returncode == 0, (proc.stderr.strip().splitlines() or [''])[-1]
                except subprocess.TimeoutExpired:
                    ok, why = False, 'timeout'
            name = f'{fpath.relative_to(root)}::{example.callname}'
            if ok:
                passed += 1
            else:
                failed.append((name, why))
    total = passed + len(failed)
    print(f'{passed} / {total} kwcoco examples pass on xcoco')
    if show_fail:
        for name, why in failed:
            print(f'FAIL {name}: {why[:160]}')


if __name__ == '__main__':
    main(sys.argv[1:])
