"""
COCO dialects in and out: one door for files written by other tools.

``load(src, format='auto')`` reads a path or parsed JSON in any known
dialect into a :class:`xcoco.CocoDataset`; ``export(dset, format)`` gives
the dialect's document (a dict, or a list for results files) and
``dump(dset, path, format)`` writes it atomically; ``guess(src)`` names the
dialect of a document.

Each dialect is a small module in this package with:

* ``NAME`` -- the format name (``'mscoco'``, ``'aicoco'`` ...);
* ``guess(data) -> float`` -- how surely ``data`` (parsed JSON) is in this
  dialect, from 0 (not at all) to 1 (its signature keys are all there);
* ``to_manifest(data, context) -> dict`` -- a kwcoco manifest holding
  everything (fields without a native home are kept, documented per
  dialect); ``context`` carries ``base`` (a dataset a results list
  attaches to) and ``fpath`` (for messages);
* optionally ``from_manifest(dset) -> dict | list`` -- the export.

A new dialect is one module plus one line in :data:`DIALECTS`.

Example:
    >>> import xcoco
    >>> from xcoco import formats
    >>> data = {'images': [{'id': 1, 'file_name': 'a.jpg', 'width': 4, 'height': 4}],
    ...         'categories': [{'id': 1, 'name': 'cat'}], 'annotations': []}
    >>> formats.guess(data)
    'mscoco'
    >>> formats.guess(dict(data, videos=[]))
    'kwcoco'
    >>> formats.load(data).n_images
    1
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import os
from typing import TYPE_CHECKING, Any

from xcoco.errors import FormatError, FormatGuessError, ManifestError, XcocoError
from xcoco.formats.ids import CONVERSION_ERRORS

if TYPE_CHECKING:
    from xcoco.dataset import CocoDataset
    from xcoco.types import StrPath

__all__ = ['DIALECTS', 'dump', 'export', 'guess', 'load']

log = logging.getLogger(__name__)

#: format name -> module implementing it (imported on first use)
DIALECTS = {
    'kwcoco': 'xcoco.formats.kwcoco',
    'mscoco': 'xcoco.formats.mscoco',
    'aicoco': 'xcoco.formats.aicoco',
    'trainingdata': 'xcoco.formats.trainingdata',
    'encord': 'xcoco.formats.encord',
}


def _module(name):
    if name not in DIALECTS:
        raise FormatGuessError(f'unknown format {name!r}; known formats: {sorted(DIALECTS)}')
    return importlib.import_module(DIALECTS[name])


def _parse(src):
    """(parsed JSON, path or None) of a path or already-parsed JSON"""
    if isinstance(src, (str, os.PathLike)):
        from xcoco.manifest.io import read_json
        fpath = os.fspath(src)
        if '\x00' in str(fpath):
            # the OS cannot take it; open() would raise a bare ValueError
            raise ManifestError(f'not a usable file path: {fpath!r} holds a NUL byte', fpath=str(fpath))
        try:
            return read_json(src), fpath
        except XcocoError:
            raise
        except OSError as ex:
            # a name too long, a folder we may not read, a symlink loop ...
            raise ManifestError(f'cannot read {fpath!r}: {ex.strerror or ex}', fpath=str(fpath)) from None
    return src, None


@contextlib.contextmanager
def _dialect_errors(format, action, fpath=None):
    """
    The last line of defence: a dialect's code that trips over a value of
    an unusable shape (rows it did not check one by one) raises a
    FormatError naming the dialect and the file, not a bare TypeError.
    """
    try:
        yield
    except XcocoError:
        raise
    except CONVERSION_ERRORS as ex:
        where = f'{fpath}: ' if fpath else ''
        raise FormatError(f'{where}{format}: cannot {action}: {type(ex).__name__}: {ex}',
                          fpath=fpath) from ex


def _describe(data):
    if isinstance(data, list):
        first = data[0] if data else None
        keys = sorted(first) if isinstance(first, dict) else type(first).__name__
        return f'a top-level list of {len(data)} items (first item keys: {keys})'
    if isinstance(data, dict):
        return f'a document with top-level keys {sorted(data)}'
    return f'a {type(data).__name__}'


def guess(src: Any) -> str:
    """
    The name of the dialect ``src`` (a path or parsed JSON) is written in:
    the dialect that recognises it most surely.

    Example:
        >>> from xcoco import formats
        >>> formats.guess({'images': [], 'annotations': [], 'categories': []})
        'mscoco'
        >>> try:
        ...     formats.guess({'rows': []})
        ... except formats.FormatGuessError as ex:
        ...     print(str(ex))
        cannot tell which COCO dialect this is: a document with top-level keys ['rows']; known formats: [...]
    """
    data, fpath = _parse(src)
    with _dialect_errors('guess', 'tell the dialect', fpath):
        scores = {name: float(_module(name).guess(data)) for name in DIALECTS}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] <= 0:
        where = f' ({fpath})' if fpath else ''
        raise FormatGuessError(
            f'cannot tell which COCO dialect this is{where}: {_describe(data)}; '
            f'known formats: {sorted(DIALECTS)}')
    return best


def load(src: Any, format: str | None = 'auto', base: CocoDataset | None = None,
         **kwargs: Any) -> CocoDataset:
    """
    A :class:`xcoco.CocoDataset` from a path or parsed JSON in ``format``
    (``'auto'`` or None guesses, and logs which dialect it chose).  ``base`` is the
    dataset a results list attaches to (MS-COCO's ``loadRes``); other
    keywords go to the dataset (``bundle_dpath`` ...).

    Example:
        >>> from xcoco import formats
        >>> dset = formats.load({'images': [{'id': 1, 'file_name': 'a.jpg'}]}, format='kwcoco')
        >>> dset.n_images
        1
    """
    from xcoco.dataset import CocoDataset
    data, fpath = _parse(src)
    if format is None or format == 'auto':
        format = guess(data)
        log.info('xcoco.formats: read %s as %r', fpath or 'the document', format)
    module = _module(format)
    with _dialect_errors(format, 'read the document', fpath):
        manifest = module.to_manifest(data, {'base': base, 'fpath': fpath})
    if base is not None and getattr(base, 'bundle_dpath', None) is not None:
        # results name the base dataset's images: its files, not the results' folder
        kwargs.setdefault('bundle_dpath', base.bundle_dpath)
    if fpath is not None:
        kwargs.setdefault('bundle_dpath', os.path.dirname(os.path.abspath(fpath)))
    dset = CocoDataset(manifest, **kwargs)
    if fpath is not None:
        dset.fpath = fpath
    return dset


def export(dset: CocoDataset, format: str, **options: Any) -> Any:
    """
    The document ``format`` would hold for ``dset`` (nothing is written).
    ``options`` go to the dialect (e.g. ``results=True`` for ``'mscoco'``,
    ``integer_coords=True`` for ``'aicoco'``; see each dialect's
    ``from_manifest``).

    Example:
        >>> import xcoco
        >>> from xcoco import formats
        >>> dset = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'a.jpg'}]})
        >>> formats.export(dset, 'kwcoco')['images']
        [{'id': 1, 'file_name': 'a.jpg'}]
    """
    module = _module(format)
    if not hasattr(module, 'from_manifest'):
        writable = sorted(n for n in DIALECTS if hasattr(_module(n), 'from_manifest'))
        raise FormatGuessError(f'format {format!r} can be read but not written; '
                               f'writable formats: {writable}')
    with _dialect_errors(format, 'export the dataset'):
        return module.from_manifest(dset, **options)


def dump(dset: CocoDataset, path: StrPath, format: str, indent: int | None = None,
         **options: Any) -> None:
    """
    Write ``dset`` to ``path`` in ``format``, atomically (``options`` as for
    :func:`export`).

    Example:
        >>> import tempfile, xcoco
        >>> import ubelt as ub
        >>> from xcoco import formats
        >>> dset = xcoco.CocoDataset({'images': [{'id': 1, 'file_name': 'a.jpg'}]})
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'out.json'
        >>> formats.dump(dset, fpath, 'kwcoco')
        >>> formats.load(fpath).n_images
        1
    """
    from xcoco.manifest.io import write_json
    write_json(export(dset, format, **options), path, indent=indent)


from xcoco.formats.ids import external_to_internal  # noqa: E402 - the id lookup after load

__all__ += ['FormatError', 'FormatGuessError', 'external_to_internal']
