"""
``xcoco stats``: print statistics of one or more datasets as JSON.

Example:
    >>> import ubelt as ub, xcoco
    >>> from xcoco.cli import main
    >>> import tempfile
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> dset = xcoco.CocoDataset()
    >>> _ = dset.add_image('a.png')
    >>> dset.dump(dpath / 'one.kwcoco.json')
    >>> main(['stats', str(dpath / 'one.kwcoco.json')])  # doctest: +IGNORE_WANT
    0
"""
import json


def add_parser(subparsers):
    """
    Register the verb.

    Example:
        >>> import argparse
        >>> sub = argparse.ArgumentParser().add_subparsers()
        >>> add_parser(sub).prog.endswith('stats')
        True
    """
    parser = subparsers.add_parser(
        'stats', help='print statistics of datasets',
        description='Print basic / extended statistics and category '
                    'frequencies of datasets as JSON. A source may be a path '
                    "or 'special:<demo key>' (e.g. special:shapes8).")
    parser.add_argument('src', nargs='*', help='dataset paths or special:<key>')
    parser.add_argument('--src', dest='src_opt', nargs='+', default=[],
                        help='same as the positional sources (kwcoco spelling)')
    parser.add_argument('--basic', action=argparse_bool, default=True,
                        help='table counts (default on)')
    parser.add_argument('--extended', action=argparse_bool, default=True,
                        help='distribution summaries (default on)')
    parser.add_argument('--catfreq', action=argparse_bool, default=True,
                        help='annotations per category (default on)')
    return parser


def argparse_bool(option_strings, dest, default=None, **kw):
    """
    A ``--flag`` / ``--no-flag`` pair (``argparse.BooleanOptionalAction``).

    Example:
        >>> import argparse
        >>> p = argparse.ArgumentParser()
        >>> _ = p.add_argument('--x', action=argparse_bool, default=True)
        >>> p.parse_args(['--no-x']).x
        False
    """
    import argparse
    return argparse.BooleanOptionalAction(option_strings, dest, default=default, **kw)


def run(args):
    """
    Print the statistics; return the exit code.

    Example:
        >>> import argparse
        >>> code = run(argparse.Namespace(src=[], src_opt=[], basic=True, extended=False, catfreq=False))
        xcoco stats: no dataset given
        >>> code
        2
    """
    from xcoco.dataset import CocoDataset
    sources = list(args.src) + list(args.src_opt)
    if not sources:
        print('xcoco stats: no dataset given')
        return 2
    report = {}
    for src in sources:
        dset = CocoDataset.coerce(src)
        entry = {}
        if args.basic:
            entry['basic'] = dset.basic_stats()
        if args.extended:
            entry['extended'] = dset.extended_stats()
        if args.catfreq:
            entry['catfreq'] = dset.category_annotation_frequency()
        report[str(src)] = entry
    print(json.dumps(report, indent=2, default=str))
    return 0
