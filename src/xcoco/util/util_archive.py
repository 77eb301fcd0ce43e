"""
One interface over zip and tar archives (kwcoco's ``util_archive``):
:class:`Archive` opens, lists, reads, adds and extracts, whatever the kind.

Compared with kwcoco: plain ``.tar`` and ``.tar.bz2`` / ``.tar.xz`` archives
can be read and written too (kwcoco reads every tar as gzip and writes only
``.zip`` and ``.tar.gz``); a file added from outside the archive's folder is
stored under its base name rather than a ``../`` path; extraction refuses
members that would land outside the output folder; a missing member is a
KeyError that names the archive.

Example:
    >>> import tempfile, ubelt as ub
    >>> from xcoco.util.util_archive import Archive, unarchive_file
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> _ = (dpath / 'data.txt').write_text('hello')
    >>> with Archive(dpath / 'bundle.tar.gz', mode='w') as arc:
    ...     arc.add(dpath / 'data.txt')
    >>> Archive(dpath / 'bundle.tar.gz').namelist()
    ['data.txt']
    >>> out = unarchive_file(dpath / 'bundle.tar.gz', dpath / 'out', verbose=0)
    >>> [ub.Path(p).read_text() for p in out]
    ['hello']
"""
import os
import tarfile
import zipfile

from xcoco.errors import ArchiveError, ArchiveNotFoundError, UnknownIdError

__all__ = ['Archive', 'unarchive_file']

# suffix -> tarfile write mode; checked longest first
_TAR_WRITE_MODES = [
    ('.tar.gz', 'w:gz'), ('.tgz', 'w:gz'), ('.tar.bz2', 'w:bz2'),
    ('.tbz2', 'w:bz2'), ('.tar.xz', 'w:xz'), ('.txz', 'w:xz'), ('.tar', 'w'),
]
_BACKENDS = {'zipfile': zipfile, 'tarfile': tarfile}


def _coerce_backend(backend):
    if backend is None:
        return None
    if isinstance(backend, str):
        if backend not in _BACKENDS:
            raise ArchiveError(f"unknown archive backend {backend!r}: expected 'zipfile' or 'tarfile'")
        return _BACKENDS[backend]
    if backend in (zipfile, tarfile):
        return backend
    raise ArchiveError(f'unknown archive backend {backend!r}: expected the zipfile '
                       f'or tarfile module, or its name')


def _open(fpath, mode, backend):
    fpath = os.fspath(fpath)
    if mode == 'r':
        if not os.path.exists(fpath):
            raise ArchiveNotFoundError(f'archive does not exist: {fpath!r}')
        if backend is None:
            if zipfile.is_zipfile(fpath):
                backend = zipfile
            elif tarfile.is_tarfile(fpath):
                backend = tarfile
            else:
                raise ArchiveError(f'cannot open {fpath!r} as an archive: it is '
                                   f'neither a zip nor a tar file')
        try:
            if backend is zipfile:
                return zipfile.ZipFile(fpath, 'r'), backend
            return tarfile.open(fpath, 'r:*'), backend
        except (zipfile.BadZipFile, tarfile.TarError) as ex:
            raise ArchiveError(f'cannot open {fpath!r} with {backend.__name__}: {ex}') from ex
    lower = fpath.lower()
    if backend is zipfile or (backend is None and lower.endswith('.zip')):
        return zipfile.ZipFile(fpath, 'w', compression=zipfile.ZIP_DEFLATED), zipfile
    for suffix, tar_mode in _TAR_WRITE_MODES:
        if lower.endswith(suffix):
            return tarfile.open(fpath, tar_mode), tarfile
    if backend is tarfile:
        return tarfile.open(fpath, 'w'), tarfile
    raise ArchiveError(
        f'cannot tell which archive to write from the name {fpath!r}: use a '
        f".zip, .tar, .tar.gz, .tar.bz2 or .tar.xz suffix, or pass backend='zipfile' / 'tarfile'")


class Archive:
    """
    A zip or tar archive, opened for reading (``mode='r'``, the kind is
    detected from the content) or writing (``mode='w'``, the kind comes
    from the suffix: ``.zip``, ``.tar``, ``.tar.gz`` / ``.tgz``,
    ``.tar.bz2``, ``.tar.xz``).

    Args:
        fpath (str | PathLike | None): the archive file.
        mode (str): ``'r'`` or ``'w'``.
        backend (str | module | None): ``'zipfile'`` / ``'tarfile'`` (or the
            module) to force a kind.
        file (zipfile.ZipFile | tarfile.TarFile | None): an already open
            archive to wrap instead of opening ``fpath``.

    Attributes:
        fpath (str | None), mode (str), backend (module), file: the open
            ``ZipFile`` / ``TarFile``.

    Example:
        >>> import tempfile, ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> _ = (dpath / 'a.txt').write_text('A')
        >>> arc = Archive(dpath / 'demo.zip', mode='w')
        >>> arc.add(dpath / 'a.txt')
        >>> arc.add(dpath / 'a.txt', arcname='copies/b.txt')
        >>> arc.close()
        >>> arc = Archive(dpath / 'demo.zip')
        >>> list(arc.names()), arc.read('copies/b.txt', mode='r')
        (['a.txt', 'copies/b.txt'], 'A')
        >>> arc.close()
    """

    def __init__(self, fpath=None, mode='r', backend=None, file=None):
        if mode not in {'r', 'w'}:
            raise ArchiveError(f"archive mode must be 'r' or 'w', got {mode!r}")
        backend = _coerce_backend(backend)
        if file is None:
            if fpath is None:
                raise ArchiveError('Archive needs an fpath to open or an open file=')
            file, backend = _open(fpath, mode, backend)
        else:
            if isinstance(file, zipfile.ZipFile):
                backend = zipfile
                fpath = fpath if fpath is not None else file.filename
            elif isinstance(file, tarfile.TarFile):
                backend = tarfile
                fpath = fpath if fpath is not None else file.name
            else:
                raise ArchiveError(f'file= must be an open zipfile.ZipFile or '
                                   f'tarfile.TarFile, got {type(file).__name__}')
        self.fpath = None if fpath is None else os.fspath(fpath)
        self.mode = mode
        self.backend = backend
        self.file = file

    @classmethod
    def coerce(cls, data):
        """
        An :class:`Archive` from a path, an open ``ZipFile`` / ``TarFile``
        or an Archive (returned as is).

        Example:
            >>> import tempfile, zipfile, ubelt as ub
            >>> fpath = ub.Path(tempfile.mkdtemp()) / 'x.zip'
            >>> with zipfile.ZipFile(fpath, 'w') as zfile:
            ...     zfile.writestr('k.txt', 'v')
            >>> arc = Archive.coerce(zipfile.ZipFile(fpath))
            >>> arc.backend.__name__, arc.namelist()
            ('zipfile', ['k.txt'])
            >>> Archive.coerce(arc) is arc
            True
        """
        if isinstance(data, cls):
            return data
        if isinstance(data, (zipfile.ZipFile, tarfile.TarFile)):
            return cls(file=data)
        return cls(data, mode='r')

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def __iter__(self):
        return self.names()

    def names(self):
        """
        Iterate over the member names (as the archive stores them).

        Example:
            >>> import tempfile, tarfile, ubelt as ub
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> _ = (dpath / 'a.txt').write_text('A')
            >>> with tarfile.open(dpath / 'x.tar', 'w') as tfile:
            ...     tfile.add(dpath / 'a.txt', arcname='dir/a.txt')
            >>> list(Archive(dpath / 'x.tar').names())
            ['dir/a.txt']
        """
        if self.backend is zipfile:
            yield from self.file.namelist()
        else:
            yield from self.file.getnames()

    def namelist(self):
        """
        The member names as a list (zipfile's spelling of :meth:`names`).

        Example:
            >>> import tempfile, zipfile, ubelt as ub
            >>> fpath = ub.Path(tempfile.mkdtemp()) / 'x.zip'
            >>> with zipfile.ZipFile(fpath, 'w') as zfile:
            ...     zfile.writestr('k.txt', 'v')
            >>> Archive(fpath).namelist()
            ['k.txt']
        """
        return list(self.names())

    def read(self, name, mode='rb'):
        """
        The content of one member: bytes (``mode='rb'``) or UTF-8 text
        (``mode='r'``).

        Raises:
            UnknownIdError: (a KeyError) the archive has no such member.

        Example:
            >>> import tempfile, zipfile, ubelt as ub
            >>> fpath = ub.Path(tempfile.mkdtemp()) / 'x.zip'
            >>> with zipfile.ZipFile(fpath, 'w') as zfile:
            ...     zfile.writestr('k.txt', 'v')
            >>> arc = Archive(fpath)
            >>> arc.read('k.txt'), arc.read('k.txt', mode='r')
            (b'v', 'v')
            >>> try:
            ...     arc.read('missing.txt')
            ... except KeyError as ex:
            ...     print(str(ex).replace(str(fpath), '<fpath>'))
            archive '<fpath>' has no member 'missing.txt' (it has 1: 'k.txt')
        """
        if mode not in {'r', 'rb'}:
            raise ArchiveError(f"read mode must be 'r' or 'rb', got {mode!r}")
        try:
            if self.backend is zipfile:
                data = self.file.read(name)
            else:
                member = self.file.extractfile(name)
                if member is None:
                    raise ArchiveError(f'archive member {name!r} of {self.fpath!r} '
                                       f'is not a regular file')
                data = member.read()
        except KeyError:
            names = self.namelist()
            shown = ', '.join(map(repr, names[:5])) + (', ...' if len(names) > 5 else '')
            raise UnknownIdError(
                f'archive {self.fpath!r} has no member {name!r} (it has '
                f'{len(names)}: {shown})', table='archive', key=name) from None
        return data.decode('utf8') if mode == 'r' else data

    def add(self, fpath, arcname=None):
        """
        Write a file (or a folder, recursively) into the archive.

        Args:
            fpath (str | PathLike): the file to add.
            arcname (str | PathLike | None): its name in the archive; by
                default its path relative to the archive's folder, or its
                base name if it lies outside that folder.

        Example:
            >>> import tempfile, ubelt as ub
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> _ = (dpath / 'imgs').ensuredir()
            >>> _ = (dpath / 'imgs' / 'a.png').write_bytes(b'x')
            >>> with Archive(dpath / 'out.zip', mode='w') as arc:
            ...     arc.add(dpath / 'imgs')
            >>> Archive(dpath / 'out.zip').namelist()
            ['imgs/a.png']
        """
        if self.mode != 'w':
            raise ArchiveError(f'cannot add to archive {self.fpath!r}: it is open '
                               f"for reading (open it with mode='w')")
        fpath = os.fspath(fpath)
        if not os.path.exists(fpath):
            raise ArchiveNotFoundError(f'cannot add {fpath!r} to archive {self.fpath!r}: '
                                       f'the file does not exist')
        if arcname is None:
            arcname = self._default_arcname(fpath)
        arcname = os.fspath(arcname).replace(os.sep, '/')
        if os.path.isdir(fpath):
            for root, dnames, fnames in os.walk(fpath):
                dnames.sort()
                for fname in sorted(fnames):
                    full = os.path.join(root, fname)
                    rel = os.path.relpath(full, fpath).replace(os.sep, '/')
                    self._add_file(full, f'{arcname}/{rel}')
        else:
            self._add_file(fpath, arcname)

    def _default_arcname(self, fpath):
        base = os.path.dirname(os.path.abspath(self.fpath)) if self.fpath else os.getcwd()
        rel = os.path.relpath(os.path.abspath(fpath), base)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return os.path.basename(os.path.abspath(fpath))
        return rel

    def _add_file(self, fpath, arcname):
        if self.backend is zipfile:
            self.file.write(fpath, arcname=arcname)
        else:
            self.file.add(fpath, arcname=arcname, recursive=False)

    def extractall(self, output_dpath='.', verbose=1, overwrite=True):
        """
        Extract every member under ``output_dpath``.

        Args:
            verbose (int): show progress.
            overwrite (bool): if False, files that already exist are kept
                as they are (still listed in the result).

        Returns:
            list[str]: ``output_dpath`` joined with each member name.

        Raises:
            ArchiveError: a member name is absolute or climbs out of the
                output folder with ``..`` (nothing is extracted).

        Example:
            >>> import tempfile, zipfile, ubelt as ub
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> with zipfile.ZipFile(dpath / 'x.zip', 'w') as zfile:
            ...     zfile.writestr('sub/k.txt', 'v')
            >>> out = Archive(dpath / 'x.zip').extractall(dpath / 'out', verbose=0)
            >>> [ub.Path(p).relative_to(dpath).as_posix() for p in out]
            ['out/sub/k.txt']
        """
        import ubelt as ub
        output_dpath = os.fspath(output_dpath)
        names = self.namelist()
        for name in names:
            parts = name.replace('\\', '/').split('/')
            if name.startswith(('/', '\\')) or os.path.isabs(name) or '..' in parts:
                raise ArchiveError(f'refusing to extract {self.fpath!r}: member {name!r} '
                                   f'would be written outside {output_dpath!r}')
        os.makedirs(output_dpath, exist_ok=True)
        extracted = []
        for name in ub.ProgIter(names, desc='extract', verbose=verbose):
            target = os.path.join(output_dpath, name)
            if overwrite or not os.path.exists(target):
                if self.backend is zipfile:
                    self.file.extract(name, output_dpath)
                else:
                    self._extract_tar_member(name, output_dpath)
            extracted.append(target)
        return extracted

    def _extract_tar_member(self, name, output_dpath):
        member = self.file.getmember(name)
        if hasattr(tarfile, 'data_filter'):
            # keeps links and permissions from escaping the folder
            self.file.extract(member, output_dpath, filter='data')
        else:  # pragma: no cover - python < 3.11.4
            self.file.extract(member, output_dpath)

    def close(self):
        """
        Close the archive (writes a zip's index / a tar's end blocks).

        Example:
            >>> import tempfile, ubelt as ub
            >>> arc = Archive(ub.Path(tempfile.mkdtemp()) / 'x.zip', mode='w')
            >>> arc.close()
            >>> Archive(arc.fpath).namelist()
            []
        """
        self.file.close()


def unarchive_file(archive_fpath, output_dpath='.', verbose=1, overwrite=True):
    """
    Extract a zip or tar archive; returns the extracted paths.

    Example:
        >>> import tempfile, zipfile, ubelt as ub
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> with zipfile.ZipFile(dpath / 'x.zip', 'w') as zfile:
        ...     zfile.writestr('k.txt', 'v')
        >>> [ub.Path(p).name for p in unarchive_file(dpath / 'x.zip', dpath, verbose=0)]
        ['k.txt']
    """
    if verbose:
        print(f'Unarchive {os.fspath(archive_fpath)!r} in {os.fspath(output_dpath)!r}')
    with Archive(archive_fpath, mode='r') as archive:
        return archive.extractall(output_dpath, verbose=verbose, overwrite=overwrite)
