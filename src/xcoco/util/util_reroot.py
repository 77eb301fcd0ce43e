"""
Make file paths relative to a bundle folder through symlinked folders
(kwcoco's ``util_reroot``).

A bundle reached through a symlink (``/drive2/repo -> /drive1/repo``) holds
absolute paths on either side of the link; these helpers resolve the
*folders* (never the file itself, which may be a link on purpose) so both
spellings become the same bundle-relative path.

Unlike kwcoco, the bundle folder's own symlinks are resolved too (kwcoco
only matched paths when the caller passed an already resolved folder), a
path already inside the folder as written is accepted without resolving,
and strings are accepted as well as paths.

Example:
    >>> import os, tempfile, ubelt as ub
    >>> from xcoco.util.util_reroot import resolve_relative_to
    >>> base = ub.Path(tempfile.mkdtemp())
    >>> real = (base / 'real' / 'bundle').ensuredir()
    >>> _ = (real / 'a.png').touch()
    >>> os.symlink(base / 'real', base / 'link')
    >>> resolve_relative_to(base / 'link' / 'bundle' / 'a.png', real)
    PosixPath('a.png')
"""
import os
import pathlib

from xcoco.errors import FilePathError

__all__ = ['resolve_directory_symlinks', 'resolve_relative_to', 'special_reroot_single']


def resolve_directory_symlinks(path):
    """
    ``path`` with the symlinks of its folders resolved, but not a symlink
    at the file itself.

    Example:
        >>> import os, tempfile, ubelt as ub
        >>> base = ub.Path(tempfile.mkdtemp()).resolve()
        >>> (base / 'real').ensuredir()
        >>> os.symlink(base / 'real', base / 'link')
        >>> os.symlink(base / 'real', base / 'real' / 'self_link')
        >>> resolve_directory_symlinks(base / 'link' / 'self_link') == base / 'real' / 'self_link'
        True
    """
    path = pathlib.Path(path)
    return path.parent.resolve() / path.name


def resolve_relative_to(path, dpath, strict=False):
    """
    ``path`` relative to the folder ``dpath`` if it lies inside it, looking
    through symlinked folders on both sides; otherwise ``path`` unchanged.

    Args:
        path (str | PathLike): a file path (absolute, or relative to the
            current folder).
        dpath (str | PathLike): the folder (e.g. a bundle).
        strict (bool): raise instead of returning a path outside ``dpath``.

    Returns:
        pathlib.Path

    Raises:
        FilePathError: (a ValueError) ``strict`` and ``path`` is not inside
            ``dpath``.

    Example:
        >>> import tempfile, ubelt as ub
        >>> base = ub.Path(tempfile.mkdtemp())
        >>> resolve_relative_to(base / 'bundle' / 'imgs' / 'a.png', base / 'bundle')
        PosixPath('imgs/a.png')
        >>> resolve_relative_to('elsewhere/b.png', base / 'bundle')
        PosixPath('elsewhere/b.png')
        >>> try:
        ...     resolve_relative_to(base / 'other.png', base / 'bundle', strict=True)
        ... except ValueError as ex:
        ...     print(type(ex).__name__, str(ex).replace(str(base), '<base>'))
        FilePathError '<base>/other.png' is not inside '<base>/bundle', even with the symlinks of their folders resolved
    """
    path = pathlib.Path(path)
    dpath = pathlib.Path(dpath)
    if path.is_absolute() == dpath.is_absolute():
        try:
            return path.relative_to(dpath)
        except ValueError:
            pass
    if not path.is_absolute() and not strict:
        return path
    resolved_dpath = dpath.resolve()
    resolved_path = resolve_directory_symlinks(path.absolute())
    try:
        return resolved_path.relative_to(resolved_dpath)
    except ValueError:
        if strict:
            raise FilePathError(
                f'{os.fspath(path)!r} is not inside {os.fspath(dpath)!r}, even with '
                f'the symlinks of their folders resolved') from None
        return path


def special_reroot_single(dset, verbose=0):
    """
    Rewrite every absolute image / asset ``file_name`` of ``dset`` that
    lies inside its bundle folder (through symlinked folders) as a
    bundle-relative path, in place.

    Paths outside the bundle, URLs and relative names are left as they are.

    Args:
        dset (xcoco.CocoDataset): the dataset (its ``bundle_dpath`` is used).
        verbose (int): show progress.

    Returns:
        list[str]: one ``'old -> new'`` line per changed file name.

    Example:
        >>> import os, tempfile, ubelt as ub, xcoco
        >>> base = ub.Path(tempfile.mkdtemp())
        >>> bundle = (base / 'real' / 'bundle').ensuredir()
        >>> os.symlink(base / 'real', base / 'link')
        >>> dset = xcoco.CocoDataset(bundle_dpath=bundle)
        >>> gid1 = dset.add_image(str(base / 'link' / 'bundle' / 'a.png'))
        >>> gid2 = dset.add_image(str(base / 'outside.png'))
        >>> changed = special_reroot_single(dset)
        >>> len(changed), dset.imgs[gid1]['file_name'], dset.imgs[gid2]['file_name'] == str(base / 'outside.png')
        (1, 'a.png', True)
        >>> dset.index.file_name_to_img['a.png']['id'] == gid1
        True
    """
    import ubelt as ub

    from xcoco.manifest.assets import iter_file_objs
    bundle_dpath = pathlib.Path(dset.bundle_dpath)
    changes = []
    images = list(dset.index.imgs.values())
    for img in ub.ProgIter(images, desc='special reroot', verbose=verbose):
        for obj in iter_file_objs(img):
            name = obj['file_name']
            if not isinstance(name, str) or '://' in name or not os.path.isabs(name):
                continue
            new = resolve_relative_to(name, bundle_dpath)
            if not new.is_absolute():
                changes.append((obj, name, new.as_posix()))
    for obj, _, new_name in changes:
        obj['file_name'] = new_name
    index = dset.index
    if changes and index.is_built:
        # file_name_to_img is keyed by the names just rewritten
        index.refresh_lookup('file_name_to_img')
    index.note_edit()
    return [f'{old} -> {new_name}' for _, old, new_name in changes]
