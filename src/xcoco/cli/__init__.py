"""
The ``xcoco`` command line: ``xcoco <verb> [options]``, with kwcoco's verbs
and option names, so a kwcoco command line works with the word changed
(``kwcoco stats x.json`` -> ``xcoco stats x.json``).

Each verb is a module here with kwcoco's module name and ``...CLI`` class
(``xcoco.cli.coco_stats.CocoStatsCLI``), so ``python -m xcoco.as_kwcoco``
serves kwcoco scripts that import them.  See ``docs/cli.rst``.

Exit status: 0 success, 1 an error or a failed check (``validate`` found
errors), 2 bad usage.  Errors are one or two lines on stderr (the
traceback only with ``--debug``); output into a closed pipe ends quietly.

Example:
    >>> from xcoco.cli import main
    >>> main(['--version'])  # doctest: +IGNORE_WANT
    0.1.0
    0
    >>> main(['stats', 'special:shapes2', '--format', 'json', '--no-extended'])  # doctest: +IGNORE_WANT
    [...]
    0
"""
from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ['VERBS', 'command_line', 'main', 'verb_class']

#: verb name -> "module:class" (kwcoco's module and class names)
VERBS = {
    'stats': 'xcoco.cli.coco_stats:CocoStatsCLI',
    'info': 'xcoco.cli.coco_info:CocoInfoCLI',
    'validate': 'xcoco.cli.coco_validate:CocoValidateCLI',
    'union': 'xcoco.cli.coco_union:CocoUnionCLI',
    'subset': 'xcoco.cli.coco_subset:CocoSubsetCLI',
    'split': 'xcoco.cli.coco_split:CocoSplitCLI',
    'reroot': 'xcoco.cli.coco_reroot:CocoRerootCLI',
    'move': 'xcoco.cli.coco_move:CocoMove',
    'conform': 'xcoco.cli.coco_conform:CocoConformCLI',
    'modify_categories': 'xcoco.cli.coco_modify_categories:CocoModifyCatsCLI',
    'toydata': 'xcoco.cli.coco_toydata:CocoToyDataCLI',
    'show': 'xcoco.cli.coco_show:CocoShowCLI',
    'find_unregistered_images': 'xcoco.cli.find_unregistered_images:FindUnregisteredImagesCLI',
    'fixup': 'xcoco.cli.coco_fixup:CocoFixup',
    'convert': 'xcoco.cli.coco_convert:CocoConvertCLI',
}

#: other names of verbs (kwcoco's aliases)
ALIASES = {'tables': 'info', 'mv': 'move', 'demodata': 'toydata'}

_GLOBAL_FLAGS = {'--debug', '--quiet'}


def verb_class(name: str) -> Any:
    """
    The ``...CLI`` class of a verb (or of one of its aliases).

    Example:
        >>> verb_class('tables').__name__
        'CocoInfoCLI'
    """
    name = ALIASES.get(name, name)
    modname, clsname = VERBS[name].split(':')
    return getattr(importlib.import_module(modname), clsname)


def _first_line(doc):
    return (doc or '').strip().splitlines()[0] if (doc or '').strip() else ''


def _usage_text():
    from xcoco import __version__
    lines = [
        'usage: xcoco [--version] [--debug] [--quiet] VERB [options]',
        '',
        f'Inspect and transform COCO-style (kwcoco) datasets (xcoco {__version__}).',
        '',
        'verbs:',
    ]
    inverse = {}
    for alias, target in ALIASES.items():
        inverse.setdefault(target, []).append(alias)
    for name in VERBS:
        cls = verb_class(name)
        shown = name + (f' ({", ".join(inverse[name])})' if name in inverse else '')
        lines.append(f'  {shown:<28} {_first_line(cls.__doc__)}')
    lines += [
        '',
        'options:',
        '  -h, --help     show this help (xcoco VERB --help: the verb\'s options and an example)',
        '  --version      print the version',
        '  --debug        show the full traceback of an error',
        '  --quiet        no progress bars or notes on stderr',
        '',
        'Example:',
        '    xcoco stats special:shapes8',
        '    xcoco subset --src special:shapes8 --dst even.kwcoco.json --select_images ".id % 2 == 0"',
    ]
    return '\n'.join(lines)


def _quiet_broken_pipe():
    # Later writes (and the flush at exit) must not raise again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f'xcoco: warning: {message}', file=sys.stderr)


def command_line(cls: Any, argv: Sequence[str] | None = None, prog: str | None = None,
                 debug: bool = False, quiet: bool = False) -> int:
    """
    Run one verb as a command: errors become a short message on stderr
    (status 1, or 2 for bad usage), ``--help`` prints and returns 0.

    Example:
        >>> from xcoco.cli.coco_stats import CocoStatsCLI
        >>> command_line(CocoStatsCLI, ['--src', 'no/such/file.json'])  # doctest: +IGNORE_WANT
        xcoco stats: error: ...
        1
    """
    import warnings

    from xcoco.errors import UsageError, XcocoError
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = prog or f'xcoco {cls.__command__}'
    debug = debug or '--debug' in argv
    config = None
    with warnings.catch_warnings():
        if not debug:
            warnings.showwarning = _show_warning
        try:
            config = cls.cli(argv=argv, data={'debug': debug, 'quiet': quiet or '--quiet' in argv})
            status = int(config.run() or 0)
            sys.stdout.flush()
            return status
        except SystemExit as ex:  # --help
            return ex.code if isinstance(ex.code, int) else (0 if ex.code is None else 1)
        except BrokenPipeError:
            _quiet_broken_pipe()
            return 0
        except KeyboardInterrupt:
            print(f'{prog}: interrupted', file=sys.stderr)
            return 130
        except UsageError as ex:
            if debug:
                raise
            print(f'{prog}: error: {ex}', file=sys.stderr)
            print(f"(see '{prog} --help')", file=sys.stderr)
            return 2
        except (XcocoError, OSError, ValueError, KeyError, TypeError) as ex:
            if debug:
                raise
            text = str(ex.args[0]) if isinstance(ex, KeyError) and ex.args else str(ex)
            if not isinstance(ex, (XcocoError, OSError)):
                text = f'{type(ex).__name__}: {text}'
            print(f'{prog}: error: {text}', file=sys.stderr)
            return 1
        except Exception as ex:
            if debug:
                raise
            print(f'{prog}: error: {type(ex).__name__}: {ex}', file=sys.stderr)
            print(f'{prog}: (run again with --debug for the traceback)', file=sys.stderr)
            return 1


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run ``xcoco [global options] VERB [options]`` and return the exit status.

    Example:
        >>> main(['no_such_verb'])  # doctest: +IGNORE_WANT
        xcoco: error: unknown verb 'no_such_verb' ...
        2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    flags = []
    while argv and argv[0].startswith('-'):
        word = argv.pop(0)
        if word in {'-h', '--help'}:
            print(_usage_text())
            return 0
        if word == '--version':
            from xcoco import __version__
            print(__version__)
            return 0
        if word not in _GLOBAL_FLAGS:
            print(_usage_text().splitlines()[0], file=sys.stderr)
            print(f'xcoco: error: unknown option {word!r} before the verb', file=sys.stderr)
            return 2
        flags.append(word)
    if not argv:
        print(_usage_text(), file=sys.stderr)
        return 2
    verb = argv.pop(0)
    name = ALIASES.get(verb, verb)
    if name not in VERBS:
        import difflib
        close = difflib.get_close_matches(verb, list(VERBS) + list(ALIASES), n=1)
        hint = f'; did you mean {close[0]!r}?' if close else ''
        print(_usage_text().splitlines()[0], file=sys.stderr)
        print(f'xcoco: error: unknown verb {verb!r}{hint} (xcoco --help lists them)',
              file=sys.stderr)
        return 2
    return command_line(verb_class(name), argv, prog=f'xcoco {verb}',
                        debug='--debug' in flags, quiet='--quiet' in flags)
