"""
The fuzzing engine the fuzz tests share.

A fuzz test feeds a loader (or an operation) many broken inputs and holds
it to one rule: it either succeeds or raises an :class:`XcocoError` that
names the problem, never another exception type and never a hang.

* :func:`mutants` makes deterministic, seeded mutations of a JSON-like
  manifest: wrong types, ``None``, lists, huge numbers, nested junk,
  ``../`` strings, deleted keys, wrapped values.
* :func:`truncations` cuts a text at every point (or at a spread of points
  when the text is long).
* :func:`check_outcome` runs one call under a time limit and classifies it.
* Inputs that once broke a loader live in ``tests/fuzz_cases/<loader>/``;
  :func:`regression_cases` lists them so a test can replay them forever.
  When a fuzz test fails it writes the offending input to a temporary
  file and names it in the failure message: copy that file into the
  loader's folder when you fix the bug.
"""
import contextlib
import copy
import hashlib
import json
import os
import random
import signal
import tempfile
import traceback
from pathlib import Path

from xcoco.errors import XcocoError

FUZZ_CASES_DPATH = Path(__file__).resolve().parent / 'fuzz_cases'

#: values a mutation may put anywhere in a manifest
JUNK_VALUES = (
    None, [], {}, '', 0, -1, 1.5, True, False,
    2 ** 70, -2 ** 70, 1e308, float('nan'), float('inf'),
    '../../etc/passwd', '/etc/passwd', 'C:\\Windows\\system32',
    '\x00', 'x' * 1000, '__import__("os").system("true")',
    [1, [2, [3]]], {'a': {'b': {'c': None}}}, [None], [{}], {'id': None},
)


class Hang(Exception):
    """A call ran past its time limit."""


class FuzzFailure(AssertionError):
    """A call raised something other than an :class:`XcocoError`."""


def json_paths(obj, prefix=()):
    """Every path (a tuple of keys / indexes) into a JSON-like object."""
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from json_paths(value, prefix + (key,))
    elif isinstance(obj, list):
        for idx, value in enumerate(obj):
            yield from json_paths(value, prefix + (idx,))


def mutate_once(obj, rng, paths=None):
    """Mutate ``obj`` in place at one random path; return a description."""
    if paths is None:
        paths = list(json_paths(obj))
    if len(paths) < 2:
        return 'nothing to mutate'
    path = rng.choice(paths[1:])
    parent = obj
    try:
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        current = parent[key]
    except (KeyError, IndexError, TypeError):
        return f'{path}: gone'  # an earlier mutation removed it
    roll = rng.random()
    if roll < 0.6:
        new = copy.deepcopy(rng.choice(JUNK_VALUES))
        parent[key] = new
        return f'{path} = {new!r:.40}'
    elif roll < 0.75:
        del parent[key]
        return f'del {path}'
    elif roll < 0.85:
        parent[key] = [current]
        return f'{path} wrapped in a list'
    elif roll < 0.95 and isinstance(current, (int, float)) and not isinstance(current, bool):
        parent[key] = str(current)
        return f'{path} as a string'
    else:
        # a duplicate of a sibling record (repeated ids, shared objects)
        if isinstance(parent, list) and parent:
            parent.append(copy.deepcopy(rng.choice(parent)))
            return f'{path[:-1]} gained a duplicate'
        parent[key] = copy.deepcopy(current)
        return f'{path} copied'


def mutants(base, n, seed=0, max_edits=3):
    """
    Yield ``n`` (description, mutated deep copy) pairs of ``base``.

    The sequence depends only on ``base`` and ``seed``.
    """
    rng = random.Random(seed)
    paths = list(json_paths(base))
    for _ in range(n):
        mutant = copy.deepcopy(base)
        edits = [mutate_once(mutant, rng, paths if i == 0 else None)
                 for i in range(rng.randint(1, max_edits))]
        yield '; '.join(edits), mutant


def truncations(text, max_points=None):
    """Yield prefixes of ``text``: every one, or ``max_points`` spread evenly."""
    n = len(text)
    if max_points is None or n <= max_points:
        points = range(n)
    else:
        step = n / max_points
        points = sorted({int(i * step) for i in range(max_points)})
    for stop in points:
        yield text[:stop]


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`Hang` if the block runs longer than ``seconds``."""
    def on_alarm(signum, frame):
        raise Hang(f'still running after {seconds} s')
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _keep_input(label, payload):
    """Write a failing input where the developer can pick it up."""
    if not isinstance(payload, (bytes, str)):
        payload = json.dumps(payload, default=repr)
    if isinstance(payload, str):
        payload = payload.encode('utf8', 'surrogatepass')
    digest = hashlib.sha1(payload).hexdigest()[:12]
    dpath = Path(tempfile.gettempdir()) / 'xcoco-fuzz-failures' / label
    dpath.mkdir(parents=True, exist_ok=True)
    fpath = dpath / f'{digest}.json'
    fpath.write_bytes(payload)
    return fpath


def check_outcome(label, func, payload, description='', seconds=10):
    """
    Run ``func()``; return ``'ok'`` or ``'xcoco-error'``.

    Anything else (another exception type, a hang) raises
    :class:`FuzzFailure` naming the input (kept in a temporary file to be
    copied into ``tests/fuzz_cases/<label>/``) and the traceback.
    """
    try:
        with time_limit(seconds):
            func()
    except XcocoError:
        return 'xcoco-error'
    except Exception as ex:  # classifying every failure is the point
        fpath = _keep_input(label, payload)
        trace = ''.join(traceback.format_exception(ex)[-6:])
        raise FuzzFailure(
            f'{label}: {type(ex).__name__} instead of an XcocoError '
            f'(mutation: {description or "n/a"}); input kept at {fpath} '
            f'-- copy it into tests/fuzz_cases/{label}/ once fixed\n{trace}') from None
    return 'ok'


def regression_cases(label):
    """The stored inputs that once broke ``label``, as pytest params."""
    dpath = FUZZ_CASES_DPATH / label
    if not dpath.exists():
        return []
    return sorted(dpath.iterdir())


def fuzz_budget(default):
    """How many inputs a fuzz test tries (``XCOCO_FUZZ_SCALE`` scales it, e.g. 10 for a long local run)."""
    scale = float(os.environ.get('XCOCO_FUZZ_SCALE', '1'))
    return max(1, int(default * scale))
