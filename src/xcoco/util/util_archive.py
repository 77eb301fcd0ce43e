"""
One interface over zip and tar archives (kwcoco's ``util_archive``):
:class:`Archive` opens, lists, reads, adds and extracts, whatever the kind.

Compared with kwcoco: plain ``.tar`` and ``.tar.bz2`` / ``.tar.xz`` archives
can be read and written too (kwcoco reads every tar as gzip and writes only
``.zip`` and ``.tar.gz``); a file added from outside the archive's folder is
stored under its base name rather than a ``../`` path; a missing member is
a KeyError that names the archive.

Reading is guarded against hostile archives (kwcoco has no such checks):

* an archive with a member whose name is absolute, starts with a drive
  letter or climbs with ``..`` -- or, in a tar, a link or device member --
  is refused when it is opened for reading, with an :class:`ArchiveError`
  naming the archive and the member;
* an archive that would inflate to more than :data:`MAX_UNCOMPRESSED_BYTES`
  in all, or a big member (over :data:`RATIO_CHECK_MIN_BYTES`) compressed
  more than :data:`MAX_COMPRESSION_RATIO` times (a zip bomb), is refused
  from its declared sizes before anything is inflated; the same limits are
  enforced while reading, in case the headers lie.  Both limits are also
  keywords of :class:`Archive` (``max_bytes`` / ``max_ratio``);
* a corrupt or truncated member raises an :class:`ArchiveError` naming it.

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
import re
import tarfile
import zipfile
import zlib

from xcoco.errors import ArchiveError, ArchiveNotFoundError, UnknownIdError

__all__ = [
    'MAX_COMPRESSION_RATIO',
    'MAX_UNCOMPRESSED_BYTES',
    'RATIO_CHECK_MIN_BYTES',
    'Archive',
    'check_member_name',
    'unarchive_file',
]

#: the most bytes the members of one archive may inflate to, together
#: (``Archive(..., max_bytes=)`` overrides it for one archive)
MAX_UNCOMPRESSED_BYTES = 16 << 30

#: the highest inflated / compressed size ratio a big member may have; JSON
#: manifests compress about 5 times, a zip bomb about 1000 times
#: (``Archive(..., max_ratio=)`` overrides it for one archive)
MAX_COMPRESSION_RATIO = 200

#: members smaller than this inflated are not held to the ratio (a small
#: file of zeros is harmless whatever its ratio)
RATIO_CHECK_MIN_BYTES = 64 << 20

_CHUNK = 1 << 20
_DRIVE = re.compile(r'^[A-Za-z]:')

# what a damaged member raises inside zipfile / tarfile / the decompressors
_READ_ERRORS = (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError,
                NotImplementedError, RuntimeError, ValueError)

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
            try:
                backend = (zipfile if zipfile.is_zipfile(fpath) else
                           tarfile if tarfile.is_tarfile(fpath) else None)
            except _READ_ERRORS as ex:
                raise ArchiveError(f'cannot open {fpath!r} as an archive: '
                                   f'{type(ex).__name__}: {ex}') from None
            if backend is None:
                raise ArchiveError(f'cannot open {fpath!r} as an archive: it is '
                                   f'neither a zip nor a tar file')
        try:
            if backend is zipfile:
                return zipfile.ZipFile(fpath, 'r'), backend
            return tarfile.open(fpath, 'r:*'), backend
        except _READ_ERRORS as ex:
            raise ArchiveError(f'cannot open {fpath!r} with {backend.__name__}: '
                               f'{type(ex).__name__}: {ex}') from None
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


def check_member_name(name, archive=None):
    """
    Refuse an archive member name that would point outside the folder it
    is extracted to: absolute (``/x``, ``\\x``), a drive (``C:x``), a
    ``..`` part, or a NUL byte.

    Raises:
        ArchiveError: naming ``archive`` (if given) and the member.

    Example:
        >>> check_member_name('sub/data.kwcoco.json')
        >>> try:
        ...     check_member_name('../evil.json', archive='x.zip')
        ... except ArchiveError as ex:
        ...     print(ex)
        archive 'x.zip': refusing member '../evil.json': its name climbs out of the archive with '..'
    """
    where = f'archive {os.fspath(archive)!r}' if archive is not None else 'archive'
    if not isinstance(name, str) or '\x00' in name:
        problem = 'its name is not a plain string'
    elif name.startswith(('/', '\\')) or os.path.isabs(name):
        problem = 'its name is an absolute path'
    elif _DRIVE.match(name):
        problem = 'its name starts with a drive letter'
    elif '..' in name.replace('\\', '/').split('/'):
        problem = "its name climbs out of the archive with '..'"
    else:
        return
    raise ArchiveError(f'{where}: refusing member {name!r}: {problem}')


def _size_problem(total, packed, max_bytes, max_ratio):
    """Why ``total`` inflated bytes from ``packed`` compressed ones are absurd, or None."""
    if total > max_bytes:
        return f'it inflates to {total} bytes, over the limit of {max_bytes}'
    if total > RATIO_CHECK_MIN_BYTES and total > max_ratio * max(packed, 1):
        return (f'it inflates {total / max(packed, 1):.0f} times ({packed} -> {total} bytes), '
                f'over the limit ratio of {max_ratio} (a zip bomb?)')
    return None


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
        max_bytes (int | None): refuse to read an archive whose members
            inflate to more than this, together (default
            :data:`MAX_UNCOMPRESSED_BYTES`).
        max_ratio (float | None): refuse a member bigger than
            :data:`RATIO_CHECK_MIN_BYTES` compressed more than this many
            times (default :data:`MAX_COMPRESSION_RATIO`).

    Raises:
        ArchiveError: (reading) the file is not a readable archive, a
            member name is absolute or climbs out with ``..``, a tar member
            is a link or a device, or the sizes are absurd.

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

    def __init__(self, fpath=None, mode='r', backend=None, file=None,
                 max_bytes=None, max_ratio=None):
        if mode not in {'r', 'w'}:
            raise ArchiveError(f"archive mode must be 'r' or 'w', got {mode!r}")
        backend = _coerce_backend(backend)
        if file is None:
            if fpath is None:
                raise ArchiveError('Archive needs an fpath to open or an open file=')
            file, backend = _open(fpath, mode, backend)
            opened_here = True
        else:
            opened_here = False
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
        # read at call time, so that changing the module constants takes effect
        self.max_bytes = MAX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes
        self.max_ratio = MAX_COMPRESSION_RATIO if max_ratio is None else max_ratio
        self._sizes = {}
        if getattr(file, 'mode', mode) == 'r':
            try:
                self._check_members()
            except ArchiveError:
                if opened_here:
                    file.close()
                raise

    def _member_infos(self):
        try:
            if self.backend is zipfile:
                return [(info.filename, info.file_size, info.compress_size, info)
                        for info in self.file.infolist()]
            return [(info.name, info.size, None, info) for info in self.file.getmembers()]
        except _READ_ERRORS as ex:
            raise ArchiveError(f'archive {self.fpath!r} is damaged: cannot list its '
                               f'members ({type(ex).__name__}: {ex})') from None

    def _check_members(self):
        """Refuse hostile names, links and absurd sizes before inflating anything."""
        total = packed_total = 0
        for name, size, packed, info in self._member_infos():
            check_member_name(name, self.fpath)
            if self.backend is tarfile and not (info.isfile() or info.isdir()):
                kind = ('a symbolic link' if info.issym() else 'a hard link' if info.islnk()
                        else 'a device or fifo')
                raise ArchiveError(f'archive {self.fpath!r}: refusing member {name!r}: '
                                   f'it is {kind}, which could reach outside the archive')
            if packed is not None:
                problem = _size_problem(size, packed, self.max_bytes, self.max_ratio)
                if problem:
                    raise ArchiveError(f'archive {self.fpath!r}: refusing member {name!r}: {problem}')
                packed_total += packed
            self._sizes[name] = size
            total += size
        if self.fpath is not None and os.path.isfile(self.fpath):
            packed_total = os.path.getsize(self.fpath)
        problem = _size_problem(total, packed_total, self.max_bytes, self.max_ratio)
        if problem:
            raise ArchiveError(f'archive {self.fpath!r} refused: {problem}')

    def _copy_member(self, name, out):
        """
        Stream one member into the binary file ``out``, counting: no more
        than its declared size nor the archive's byte limit comes out.
        """
        limit = min(self._sizes.get(name, self.max_bytes), self.max_bytes)
        try:
            if self.backend is zipfile:
                stream = self.file.open(name)
            else:
                stream = self.file.extractfile(name)
                if stream is None:
                    raise ArchiveError(f'archive member {name!r} of {self.fpath!r} '
                                       f'is not a regular file')
            with stream:
                count = 0
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    count += len(chunk)
                    if count > limit:
                        raise ArchiveError(
                            f'archive {self.fpath!r}: member {name!r} inflates past its '
                            f'declared size or the limit of {limit} bytes (lying headers?)')
                    out.write(chunk)
        except (ArchiveError, KeyError):
            raise
        except _READ_ERRORS as ex:
            raise ArchiveError(f'archive {self.fpath!r}: member {name!r} is damaged '
                               f'({type(ex).__name__}: {ex})') from None

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
        import io
        buffer = io.BytesIO()
        try:
            self._copy_member(name, buffer)
        except KeyError:
            names = self.namelist()
            shown = ', '.join(map(repr, names[:5])) + (', ...' if len(names) > 5 else '')
            raise UnknownIdError(
                f'archive {self.fpath!r} has no member {name!r} (it has '
                f'{len(names)}: {shown})', table='archive', key=name) from None
        data = buffer.getvalue()
        if mode == 'rb':
            return data
        try:
            return data.decode('utf8')
        except UnicodeDecodeError as ex:
            raise ArchiveError(f'archive {self.fpath!r}: member {name!r} is not UTF-8 text ({ex})') from None

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
                output folder with ``..`` (nothing is extracted), or a
                member is damaged or inflates past the limits.

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
            # checked at open too; an archive opened for writing was not
            check_member_name(name, self.fpath)
        os.makedirs(output_dpath, exist_ok=True)
        extracted = []
        for name in ub.ProgIter(names, desc='extract', verbose=verbose):
            target = os.path.join(output_dpath, name)
            if overwrite or not os.path.exists(target):
                if self.backend is zipfile:
                    self._extract_zip_member(name, target)
                else:
                    self._extract_tar_member(name, output_dpath)
            extracted.append(target)
        return extracted

    def _extract_zip_member(self, name, target):
        if name.endswith('/'):
            os.makedirs(target, exist_ok=True)
            return
        os.makedirs(os.path.dirname(target) or '.', exist_ok=True)
        partial = target + '.partial'
        try:
            with open(partial, 'wb') as out:
                self._copy_member(name, out)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    def _extract_tar_member(self, name, output_dpath):
        try:
            member = self.file.getmember(name)
            if hasattr(tarfile, 'data_filter'):
                # keeps links and permissions from escaping the folder
                self.file.extract(member, output_dpath, filter='data')
            else:  # pragma: no cover - python < 3.11.4
                self.file.extract(member, output_dpath)
        except _READ_ERRORS as ex:
            if isinstance(ex, ArchiveError):
                raise
            raise ArchiveError(f'archive {self.fpath!r}: cannot extract member {name!r} '
                               f'({type(ex).__name__}: {ex})') from None

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
