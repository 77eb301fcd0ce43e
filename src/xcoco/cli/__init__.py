"""
The ``xcoco`` command line: ``xcoco <verb> [options]``.

Each verb is a module in this package with ``add_parser(subparsers)`` and
``run(args) -> int``.

Example:
    >>> from xcoco.cli import main
    >>> main(['--version'])  # doctest: +IGNORE_WANT
    0.1.0
    0
"""
import argparse
import importlib
import sys

__all__ = ['VERBS', 'main']

#: verb name -> module under xcoco.cli
VERBS = {'stats': 'xcoco.cli.stats'}


def build_parser():
    """
    The argument parser with every verb registered.

    Example:
        >>> parser = build_parser()
        >>> parser.parse_args(['stats', 'a.json']).verb
        'stats'
    """
    from xcoco import __version__
    parser = argparse.ArgumentParser(
        prog='xcoco',
        description='Inspect and transform COCO-style (kwcoco) manifests.')
    parser.add_argument('--version', action='version', version=__version__)
    subparsers = parser.add_subparsers(dest='verb', metavar='VERB')
    for modname in VERBS.values():
        importlib.import_module(modname).add_parser(subparsers)
    return parser


def main(argv=None):
    """
    Run the command line and return its exit code (0 on success, 1 for an
    xcoco error, 2 for a usage error).

    Example:
        >>> main([])  # doctest: +IGNORE_WANT
        usage: xcoco ...
        2
    """
    from xcoco.errors import XcocoError
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as ex:
        return int(ex.code or 0)
    if args.verb is None:
        parser.print_help()
        return 2
    module = importlib.import_module(VERBS[args.verb])
    try:
        return module.run(args)
    except XcocoError as ex:
        print(f'xcoco {args.verb}: error: {ex}', file=sys.stderr)
        return 1
