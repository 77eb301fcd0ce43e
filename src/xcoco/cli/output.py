"""
What the verbs share for input and output: loading sources (paths,
``special:<demo key>``), aligned tables, JSON on stdout, notes and progress
bars on stderr (quiet when stderr is not a terminal or with ``--quiet``),
and atomic writes that never replace an input unless ``--inplace``.

Example:
    >>> print(render_table(['n_imgs', 'n_anns'], [('a.json', [3, 10]), ('b.json', [12, 7])]))
            n_imgs  n_anns
    a.json       3      10
    b.json      12       7
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from xcoco.errors import UsageError

__all__ = ['destination', 'format_cell', 'load_dataset', 'load_datasets', 'note', 'print_json', 'progress', 'render_table', 'same_file', 'write_dataset']


def format_cell(value: Any, precision: int = 3, width: int = 40) -> str:
    """
    A table cell: floats to ``precision`` digits, containers as compact
    JSON cut to ``width`` characters.

    Example:
        >>> format_cell(2.0), format_cell(1 / 3), format_cell(None), format_cell([1, 2])
        ('2.000', '0.333', '', '[1,2]')
    """
    if value is None:
        return ''
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f'{value:.{precision}f}'
    if isinstance(value, (int, str)):
        text = str(value)
    else:
        from xcoco.manifest.io import plain_json
        text = json.dumps(plain_json(value), separators=(',', ':'))
    text = text.replace('\n', ' ')
    return text if len(text) <= width else text[:width - 3] + '...'


def render_table(columns: Sequence[Any], rows: Iterable[tuple[Any, Sequence[Any]]],
                 index_name: str = '', precision: int = 3) -> str:
    """
    An aligned text table (as kwcoco's pandas tables): a header of
    ``columns``, then one line per ``(label, values)`` row; numbers are
    right-aligned, text left-aligned.

    Example:
        >>> print(render_table(['name', 'n'], [(1, ['star', 4]), (2, ['eff', 12])], index_name='id'))
        id  name   n
        1   star   4
        2   eff   12
    """
    rows = [(format_cell(label), list(values)) for label, values in rows]
    header = [str(c) for c in columns]
    cells = [[format_cell(v, precision) for v in values] for _, values in rows]
    numeric = [all(isinstance(values[i], (int, float)) or values[i] is None
                   for _, values in rows) for i in range(len(header))]
    widths = [max([len(header[i])] + [len(r[i]) for r in cells]) for i in range(len(header))]
    label_width = max([len(index_name)] + [len(label) for label, _ in rows])
    lines = []

    def line(label, values):
        parts = [label.ljust(label_width)]
        for i, text in enumerate(values):
            parts.append(text.rjust(widths[i]) if numeric[i] else text.ljust(widths[i]))
        return '  '.join(parts).rstrip()

    lines.append(line(index_name, header))
    for (label, _), values in zip(rows, cells):
        lines.append(line(label, values))
    return '\n'.join(lines)


def print_json(obj: Any) -> None:
    """
    Print ``obj`` as indented JSON (numpy values become numbers and lists).

    Example:
        >>> import numpy as np
        >>> print_json({'shape': (2,), 'mean': np.float32(0.5)})
        {
          "shape": [
            2
          ],
          "mean": 0.5
        }
    """
    from xcoco.manifest.io import plain_json
    print(json.dumps(plain_json(obj), indent=2))


def _stderr_is_tty():
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def note(config: Any, message: str) -> None:
    """
    A note for a person on stderr (nothing with ``--quiet``).

    Example:
        >>> import contextlib, io
        >>> from xcoco.cli.coco_stats import CocoStatsCLI
        >>> err = io.StringIO()
        >>> with contextlib.redirect_stderr(err):
        ...     note(CocoStatsCLI(), 'hello'); note(CocoStatsCLI(quiet=True), 'hidden')
        >>> err.getvalue()
        'hello\\n'
    """
    if not config.get('quiet', False):
        print(message, file=sys.stderr)


def progress(items: Iterable[Any], config: Any, desc: str, total: int | None = None) -> Iterable[Any]:
    """
    ``items`` with a progress bar on stderr when stderr is a terminal and
    not ``--quiet``.

    Example:
        >>> from xcoco.cli.coco_stats import CocoStatsCLI
        >>> list(progress(range(3), CocoStatsCLI(), 'counting'))
        [0, 1, 2]
    """
    import ubelt as ub
    enabled = _stderr_is_tty() and not config.get('quiet', False)
    if not enabled:
        return items
    return ub.ProgIter(items, desc=desc, total=total, stream=sys.stderr, verbose=1,
                       clearline=True, adjust=True)


def load_dataset(src: Any, config: Any = None) -> Any:
    """
    A dataset from a path, ``special:<demo key>``, a bare demo key or a
    database (``CocoDataset.coerce``); a verb with a ``--backend`` option
    reads through that backend (``sqlite`` / ``postgresql``: the cached SQL
    view of the manifest).

    Example:
        >>> load_dataset('special:shapes2').n_images
        2
        >>> from types import SimpleNamespace
        >>> type(load_dataset('special:shapes2', SimpleNamespace(backend='sqlite'))).__name__
        'CocoSqlDatabase'
    """
    from xcoco.dataset import CocoDataset
    if src is None or src == '':
        raise UsageError('no input dataset given (use --src or a positional path)')
    backend = getattr(config, 'backend', None)
    return CocoDataset.coerce(os.fspath(src), backend=None if backend == 'memory' else backend)


def load_datasets(srcs: Sequence[Any], config: Any, desc: str = 'reading datasets') -> list:
    """
    Several datasets, in order, with a progress bar.

    Example:
        >>> from xcoco.cli.coco_union import CocoUnionCLI
        >>> [d.n_images for d in load_datasets(['special:shapes1', 'special:shapes2'], CocoUnionCLI())]
        [1, 2]
    """
    if not srcs:
        raise UsageError('no input dataset given (use --src or positional paths)')
    return [load_dataset(src, config) for src in progress(list(srcs), config, desc)]


def same_file(path1: Any, path2: Any) -> bool:
    """
    Whether two paths name the same file (existing or not).

    Example:
        >>> same_file('a/../b.json', 'b.json'), same_file('a.json', 'b.json')
        (True, False)
    """
    if path1 is None or path2 is None:
        return False
    real1, real2 = os.path.realpath(os.fspath(path1)), os.path.realpath(os.fspath(path2))
    return real1 == real2


def destination(config: Any) -> Any:
    """
    Where an editing verb writes: ``--dst``, or the input itself when
    ``--inplace`` is given; a usage error when neither is.

    Example:
        >>> from types import SimpleNamespace
        >>> destination(SimpleNamespace(dst=None, src='a.json', inplace=True))
        'a.json'
        >>> try:
        ...     destination(SimpleNamespace(dst=None, src='a.json', inplace=False))
        ... except Exception as ex:
        ...     print(ex)
        must give --dst (or --inplace to write over the input)
    """
    if config.dst is not None:
        return config.dst
    if not config.inplace:
        raise UsageError('must give --dst (or --inplace to write over the input)')
    return config.src


def write_dataset(config: Any, dset: Any, dst: Any, inputs: Sequence[Any] = (),
                  absolute: bool = False, compress: Any = 'auto', inplace: bool = False) -> str:
    """
    Write ``dset`` to ``dst`` atomically, its file names rewritten to
    resolve from the new folder (relative, or absolute with ``absolute``).

    Refuses (:class:`~xcoco.errors.UsageError`) to replace one of
    ``inputs`` unless ``inplace``.  Returns the path written.

    Example:
        >>> import tempfile, ubelt as ub, xcoco
        >>> from xcoco.cli.coco_union import CocoUnionCLI
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> dset = xcoco.CocoDataset(bundle_dpath=dpath)
        >>> _ = dset.add_image('img.png')
        >>> out = write_dataset(CocoUnionCLI(quiet=True), dset, dpath / 'sub' / 'out.json')
        >>> xcoco.CocoDataset(out).imgs[1]['file_name']
        '../img.png'
        >>> try:
        ...     write_dataset(CocoUnionCLI(quiet=True), dset, out, inputs=[out])
        ... except Exception as ex:
        ...     print(type(ex).__name__)
        UsageError
    """
    if dst is None:
        raise UsageError('no output path given (use --dst)')
    dst = os.fspath(dst)
    if not inplace:
        for src in inputs:
            if src is not None and os.path.exists(os.fspath(src)) and same_file(src, dst):
                raise UsageError(f'refusing to overwrite the input {os.fspath(src)!r}; '
                                 f'give another --dst or pass --inplace')
    new_bundle = os.path.dirname(os.path.abspath(dst))
    os.makedirs(new_bundle, exist_ok=True)
    if absolute or os.path.abspath(dset.bundle_dpath) != new_bundle:
        dset.reroot(new_root=new_bundle, absolute=absolute, check=False)
    dset.fpath = dst
    dset.dump(dst, compress=compress)
    note(config, f'wrote {dst}')
    return dst
