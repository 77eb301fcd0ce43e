"""
``xcoco convert``: read a dataset in one COCO dialect and write it in
another, through :mod:`xcoco.formats` (so every dialect registered there
works here).

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_convert import CocoConvertCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'out.json'
    >>> CocoConvertCLI.main(argv=['--src', 'special:shapes2', '--dst', str(dst), '--format', 'kwcoco', '--quiet'])
    0
    >>> xcoco.CocoDataset(dst).n_images
    2
"""
from __future__ import annotations

import os

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import note, same_file
from xcoco.errors import UsageError

__all__ = ['CocoConvertCLI', 'known_formats']


def known_formats() -> list[str]:
    """
    The dialect names :mod:`xcoco.formats` knows in this install.

    Example:
        >>> 'kwcoco' in known_formats()
        True
    """
    from xcoco import formats
    return sorted(formats.DIALECTS)


class CocoConvertCLI(VerbCLI):
    """
    Convert a dataset between COCO dialects.

    --src_format (default auto: guessed from the content) says how to read
    the input; --format (default kwcoco) how to write the output.  File
    names are rewritten to resolve from the output's folder.  A source may
    also be 'special:<demo key>'.

    Example:
        >>> config = CocoConvertCLI.cli(argv=['in.json', 'out.json', '--format', 'kwcoco'])
        >>> config.format, config.src_format
        ('kwcoco', 'auto')
    """

    __command__ = 'convert'
    __examples__ = [
        'xcoco convert --src special:shapes8 --dst shapes8.kwcoco.json',
        'xcoco convert shapes8.kwcoco.json copy.json --format kwcoco --src_format auto',
    ]

    src = Value(None, position=1, help='input file (or special:<demo key>)')
    dst = Value(None, position=2, help='output file')
    format = Value('kwcoco', help='dialect to write (see the known formats above)')
    src_format = Value('auto', help='dialect of the input; auto guesses it')
    base = Value(None, help='for a results file (a list of detections): the dataset it attaches to')
    absolute = Value(False, kind='bool', help='write absolute file names')
    inplace = Value(False, kind='bool', help='allow writing over the input')

    @classmethod
    def help_text(cls) -> str:
        """
        The description in --help, with the formats registered now.

        Example:
            >>> 'Known formats: ' in CocoConvertCLI.help_text()
            True
        """
        return super().help_text() + f"\n\nKnown formats: {', '.join(known_formats())}."

    def run(self) -> int:
        """
        Convert; return 0.

        Example:
            >>> try:
            ...     CocoConvertCLI(src='special:shapes2', dst='x.json', format='nope').run()
            ... except Exception as ex:
            ...     print(str(ex).split(';')[0])
            unknown format 'nope'
        """
        from xcoco import formats
        from xcoco.dataset import CocoDataset
        names = known_formats()
        for opt, value, allowed in [('format', self.format, names),
                                    ('src_format', self.src_format, ['auto', *names])]:
            if value not in allowed:
                raise UsageError(f'unknown format {value!r}; --{opt} takes one of {allowed}')
        if self.src is None or self.dst is None:
            raise UsageError('convert needs --src and --dst (or two positional paths)')
        src, dst = os.fspath(self.src), os.fspath(self.dst)
        if os.path.exists(src):
            if same_file(src, dst) and not self.inplace:
                raise UsageError(f'refusing to overwrite the input {src!r}; give another '
                                 f'--dst or pass --inplace')
            # guessing reads the file once more; loading from the path keeps
            # the file's name in the dialect's error messages
            read_as = self.src_format if self.src_format != 'auto' else formats.guess(src)
            base = None if self.base is None else CocoDataset.coerce(os.fspath(self.base))
            dset = formats.load(src, format=read_as, base=base)
        else:
            dset = CocoDataset.coerce(src)
            read_as = 'kwcoco'
        new_root = os.path.dirname(os.path.abspath(dst))
        os.makedirs(new_root, exist_ok=True)
        if self.absolute or os.path.abspath(dset.bundle_dpath) != new_root:
            dset.reroot(new_root=new_root, absolute=self.absolute, check=False)
        formats.dump(dset, dst, self.format)
        note(self, f'read {src} as {read_as}, wrote {dst} as {self.format}')
        return 0


# kwcoco's module-level names for the verb
__cli__ = CocoConvertCLI
_CLI = CocoConvertCLI
main = CocoConvertCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
