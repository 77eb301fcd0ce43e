"""
The machinery every verb shares: option declarations (:class:`Value`), the
option syntax of kwcoco's command lines, and :class:`VerbCLI`, the base of
the ``...CLI`` classes (``CocoStatsCLI`` ...).

Option syntax (what kwcoco's command lines use):

* ``--key=value`` and ``--key value``; ``--some-key`` is ``--some_key``;
* booleans: ``--flag``, ``--flag=True`` / ``--flag False`` (also ``1/0``,
  ``yes/no``, ``on/off``) and ``--no-flag``; a bare ``--flag`` only takes
  the next word when it is a boolean, so ``--boxes data.json`` keeps
  ``data.json`` as a source;
* lists: repeated (``--gids 1 --gids 2``), comma separated
  (``--gids=1,2,3``) or bracketed (``--order "[star, eff]"``);
* mappings: ``old:new,old2:new2`` or ``{old: new, old2: new2}``;
* positional arguments fill, in order, the options that were not given by
  name: ``xcoco subset --src in.json out.json`` sets ``dst``.

A ``...CLI`` class is also a dict of its configuration, so the calls
kwcoco scripts make work: ``CocoStatsCLI.main(argv=False, src=...)``,
``CocoStatsCLI.main(cmdline=False, ...)``, ``CocoStatsCLI._main(...)``,
``CocoStatsCLI.cli(argv=[...], data={...})``, ``CocoStatsCLI(**config)``
and the older ``CocoStatsCLI.CLIConfig(config, cmdline=False)``.

Example:
    >>> from xcoco.cli.base import Value, VerbCLI
    >>> class GreetCLI(VerbCLI):
    ...     '''Say hello.'''
    ...     __command__ = 'greet'
    ...     name = Value('world', help='who', position=1)
    ...     loud = Value(False, kind='bool', help='shout')
    ...     def run(self):
    ...         text = f'hello {self.name}'
    ...         print(text.upper() if self.loud else text)
    ...         return 0
    >>> status = GreetCLI.main(argv=['you', '--loud'])
    HELLO YOU
    >>> status = GreetCLI.main(argv=False, name='there')
    hello there
    >>> status
    0
"""
from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xcoco.errors import UsageError

__all__ = ['Value', 'VerbCLI', 'normalize_argv', 'parse_bool', 'parse_list',
           'parse_mapping', 'parse_scalar']

_TRUE = {'true', '1', 'yes', 'y', 'on', 't'}
_FALSE = {'false', '0', 'no', 'n', 'off', 'f'}
_UNSET = object()


def parse_bool(text: Any) -> bool:
    """
    A boolean from a command-line word or a Python value.

    Example:
        >>> [parse_bool(w) for w in ['True', 'no', '1', 'OFF']], parse_bool(0)
        ([True, False, True, False], False)
        >>> try:
        ...     parse_bool('maybe')
        ... except ValueError as ex:
        ...     print(ex)
        expected a boolean (true/false, yes/no, 1/0, on/off), got 'maybe'
    """
    if isinstance(text, bool):
        return text
    if isinstance(text, (int, float)) and text in (0, 1):
        return bool(text)
    word = str(text).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f'expected a boolean (true/false, yes/no, 1/0, on/off), got {text!r}')


def _is_bool_word(text):
    return isinstance(text, str) and text.strip().lower() in _TRUE | _FALSE


def parse_scalar(text: Any) -> Any:
    """
    A YAML-like scalar: an int, float, boolean, None (``null`` / ``None``
    / ``~``) or the text itself (quotes removed).

    Example:
        >>> [parse_scalar(w) for w in ['3', '0.5', 'True', 'null', '"7"', 'auto']]
        [3, 0.5, True, None, '7', 'auto']
    """
    if not isinstance(text, str):
        return text
    word = text.strip()
    if _unquote(word) != word:
        return _unquote(word)
    low = word.lower()
    if low in {'true', 'false'}:
        return low == 'true'
    if low in {'null', 'none', '~'}:
        return None
    for cast in (int, float):
        try:
            return cast(word)
        except ValueError:
            pass
    return word


def _split_top(text, seps=','):
    """Split at ``seps`` outside quotes and brackets."""
    parts, depth, quote, start = [], 0, None, 0
    for pos, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in '"\'':
            quote = char
        elif char in '[{(':
            depth += 1
        elif char in ']})':
            depth -= 1
        elif char in seps and depth == 0:
            parts.append(text[start:pos])
            start = pos + 1
    parts.append(text[start:])
    return parts


def parse_list(value: Any, item: Any = parse_scalar, split: bool = True) -> list:
    """
    A list from repeated values, comma separated text or a bracketed
    YAML-like list; ``item`` converts each element.

    Example:
        >>> parse_list('1,2,3'), parse_list('[star, "eff"]'), parse_list('eff,'), parse_list('[]')
        ([1, 2, 3], ['star', 'eff'], ['eff'], [])
        >>> parse_list(['1,2', '3']), parse_list(['a,b'], item=str, split=False)
        ([1, 2, 3], ['a,b'])
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        out = []
        for part in value:
            if isinstance(part, str):
                out.extend(parse_list(part, item=item, split=split))
            else:
                out.append(item(part))
        return out
    if not isinstance(value, str):
        return [item(value)]
    if not split:
        return [item(value)]
    text = value.strip()
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    parts = [part.strip() for part in _split_top(text) if part.strip()]
    if item is not parse_scalar:  # parse_scalar reads quotes itself: '"7"' stays text
        parts = [_unquote(part) for part in parts]
    return [item(part) for part in parts]


def _unquote(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in '"\'':
        return text[1:-1]
    return text


def parse_mapping(value: Any) -> dict:
    """
    A dict from ``a:b,c:d`` or ``{a: b, c: d}`` (or a dict).

    Example:
        >>> parse_mapping('eff:F,star:sun'), parse_mapping('{"a b": c}')
        ({'eff': 'F', 'star': 'sun'}, {'a b': 'c'})
    """
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    text = str(value).strip()
    if text.startswith('{') and text.endswith('}'):
        text = text[1:-1]
    out = {}
    for part in _split_top(text):
        if not part.strip():
            continue
        pieces = _split_top(part, seps=':')
        if len(pieces) != 2:
            raise ValueError(f'expected key:value pairs separated by commas, got {part.strip()!r}')
        out[parse_scalar(pieces[0].strip())] = parse_scalar(pieces[1].strip())
    return out


class Value:
    """
    One option of a verb.

    Args:
        default: the value when the option is not given.
        help (str): one line for ``--help``.
        kind (str): ``'str'``, ``'int'``, ``'float'``, ``'bool'`` (a
            flag), ``'auto'`` (a YAML-like scalar: ``3``, ``True``,
            ``auto`` ...), ``'list'`` or ``'dict'``.
        position (int | None): also accepted as the n-th positional
            argument.
        alias (Sequence[str]): other long names; ``short_alias`` one-letter
            names (``-g``).
        item (str): for lists, the kind of each element.
        nargs (str | None): ``'+'`` lets one ``--src a b c`` take several
            words (as kwcoco's ``--src``).
        split (bool): for lists, split text at commas.
        choices (Sequence | None): the allowed values.
        bare: the value of the option given without one (``-g`` alone
            means all rows); booleans use True.

    Example:
        >>> Value(3, kind='int').coerce('5', 'factor')
        5
        >>> Value(None, kind='list', item='int').coerce('[1, 2]', 'gids')
        [1, 2]
        >>> try:
        ...     Value(3, kind='int').coerce('x', 'factor')
        ... except Exception as ex:
        ...     print(ex)
        --factor: expected an integer, got 'x'
    """

    def __init__(self, default: Any = None, help: str = '', kind: str = 'str',
                 position: int | None = None, alias: Sequence[str] = (),
                 short_alias: Sequence[str] = (), item: str = 'auto',
                 nargs: str | None = None, split: bool = True,
                 choices: Sequence[Any] | None = None, bare: Any = _UNSET) -> None:
        if kind not in _CONVERTERS and kind not in {'list', 'dict'}:
            raise ValueError(f'unknown option kind {kind!r}')
        self.default = default
        self.help = help
        self.kind = kind
        self.position = position
        self.alias = tuple(alias)
        self.short_alias = tuple(short_alias)
        self.item = item
        self.nargs = nargs
        self.split = split
        self.choices = None if choices is None else tuple(choices)
        self.bare = True if (bare is _UNSET and kind == 'bool') else bare

    def coerce(self, value: Any, name: str) -> Any:
        """
        The option's value from a command-line word or a Python value
        (None stays None); a :class:`~xcoco.errors.UsageError` says what
        was expected.

        Example:
            >>> Value(False, kind='bool').coerce('yes', 'boxes')
            True
            >>> Value({}, kind='dict').coerce('a:b', 'rename')
            {'a': 'b'}
        """
        if value is None:
            return None
        try:
            if self.kind == 'list':
                out = parse_list(value, item=_CONVERTERS[self.item], split=self.split)
            elif self.kind == 'dict':
                out = parse_mapping(value)
            else:
                out = _CONVERTERS[self.kind](value)
        except (TypeError, ValueError) as ex:
            raise UsageError(f'--{name}: {ex}') from None
        if self.choices is not None:
            bad = [v for v in (out if self.kind == 'list' else [out]) if v not in self.choices]
            if bad:
                raise UsageError(f'--{name}: {bad[0]!r} is not one of {list(self.choices)}')
        return out


def _to_int(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValueError(f'expected an integer, got {value!r}')
    try:
        return int(value)
    except ValueError:
        raise ValueError(f'expected an integer, got {value!r}') from None


def _to_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f'expected a number, got {value!r}') from None


def _to_str(value):
    import os
    return os.fspath(value) if hasattr(value, '__fspath__') else str(value)


_CONVERTERS = {
    'str': _to_str,
    'int': _to_int,
    'float': _to_float,
    'bool': parse_bool,
    'auto': parse_scalar,
}


def _option_names(options):
    """'--name' / '-x' word -> option name, for every spelling."""
    names = {}
    for name, opt in options.items():
        for spelling in (name, *opt.alias):
            names['--' + spelling] = name
            names['--' + spelling.replace('_', '-')] = name
        for short in opt.short_alias:
            names['-' + short] = name
    return names


def _takes_word(opt, word):
    """Whether a bare-able option given alone takes the next word as its value."""
    if word.startswith('-') and not word[1:2].isdigit():
        return False
    if opt.kind == 'bool':
        return _is_bool_word(word)
    value = parse_scalar(word)
    return isinstance(value, (bool, int, float)) or word == 'auto'


def normalize_argv(argv: Sequence[str], options: Mapping[str, Value]) -> list[str]:
    """
    Rewrite kwcoco's option spellings into plain ``--name=value`` words:
    ``--no-flag`` and ``--flag`` (with or without a boolean after it),
    hyphenated names and short aliases of bare-able options.

    Example:
        >>> opts = {'boxes': Value(False, kind='bool'), 'image_size': Value(False, kind='bool'),
        ...         'show_images': Value(0, kind='auto', short_alias=['g'], bare=True)}
        >>> normalize_argv(['--boxes', 'a.json', '--image-size', 'no', '-g', '3', '--no-boxes'], opts)
        ['--boxes=True', 'a.json', '--image_size=no', '--show_images=3', '--boxes=False']
    """
    names = _option_names(options)
    out = []
    pos = 0
    argv = list(argv)
    while pos < len(argv):
        word = argv[pos]
        pos += 1
        if word == '--':
            out.extend(argv[pos - 1:])
            break
        if not word.startswith('-') or word in {'-', '-h', '--help'}:
            out.append(word)
            continue
        key, eq, value = word.partition('=')
        if key.startswith(('--no-', '--no_')):
            name = names.get('--' + key[5:])
            if name is not None and options[name].kind == 'bool':
                if eq:
                    raise UsageError(f'{key} takes no value (got {word!r})')
                out.append(f'--{name}=False')
                continue
        name = names.get(key)
        if name is None:
            out.append(word)
            continue
        opt = options[name]
        if eq:
            out.append(f'--{name}={value}')
        elif opt.bare is not _UNSET:
            if pos < len(argv) and _takes_word(opt, argv[pos]):
                out.append(f'--{name}={argv[pos]}')
                pos += 1
            else:
                out.append(f'--{name}={opt.bare}')
        else:
            out.append(f'--{name}')
    return out


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are UsageErrors (not SystemExit)."""

    def error(self, message):
        raise UsageError(message)


def _help_text(name, opt):
    text = opt.help or ''
    default = opt.default
    if opt.kind == 'bool':
        text += f' (flag; --no-{name} turns it off; default: {default})'
    elif default is not None and default != [] and default != {}:
        text += f' (default: {default})'
    if opt.position is not None:
        text += ' [also positional]'
    return text.replace('%', '%%').strip()


class VerbCLI(dict):
    """
    Base of the ``...CLI`` classes: the verb's options (class attributes
    that are :class:`Value`) and its ``run``.  An instance is the verb's
    configuration: a dict that also reads and writes options as
    attributes.

    Every verb also takes ``--debug`` (show the traceback of an error) and
    ``--quiet`` (no progress bars or notes on stderr).

    Example:
        >>> from xcoco.cli.coco_stats import CocoStatsCLI
        >>> config = CocoStatsCLI(src=['special:shapes2'], boxes='True')
        >>> config.boxes, config['src'], config.basic
        (True, ['special:shapes2'], True)
        >>> config2 = CocoStatsCLI.cli(argv=['a.json', '--no-basic'], data={'boxes': True})
        >>> config2.src, config2.basic, config2.boxes
        (['a.json'], False, True)
    """

    __command__: str = ''
    __alias__: Sequence[str] = ()
    #: example command lines shown in --help (the tests run them)
    __examples__: Sequence[str] = ()
    __options__: dict[str, Value] = {}
    default: dict[str, Any] = {}

    debug = Value(False, kind='bool', help='show the full traceback of an error')
    quiet = Value(False, kind='bool', help='no progress bars or notes on stderr')

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        options = {}
        for base in reversed(cls.__mro__):
            for key, val in vars(base).items():
                if isinstance(val, Value):
                    options[key] = val
        # common options last in --help
        for key in ('debug', 'quiet'):
            options[key] = options.pop(key)
        for key in list(vars(cls)):
            if isinstance(vars(cls)[key], Value):
                delattr(cls, key)
        cls.__options__ = options
        cls.default = {key: opt.default for key, opt in options.items()}
        # kwcoco <0.7 spelled the configuration class CocoStatsCLI.CLIConfig
        cls.CLIConfig = cls

    def __init__(self, data: Mapping[str, Any] | None = None, cmdline: Any = False,
                 **kwargs: Any) -> None:
        super().__init__()
        for key, opt in self.__options__.items():
            default = opt.default
            dict.__setitem__(self, key, list(default) if isinstance(default, list) else default)
        self.update(dict(data or {}), **kwargs)
        if cmdline:
            self.update(self.parse_argv(sys.argv[1:] if cmdline is True else cmdline))

    # ---- dict / attribute access ---------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        opt = self.__options__.get(key)
        if opt is None:
            raise UsageError(self._unknown_message(key))
        dict.__setitem__(self, key, opt.coerce(value, key))

    def update(self, *args: Any, **kwargs: Any) -> None:
        """
        Set several options (values are converted as on the command line).

        Example:
            >>> from xcoco.cli.coco_split import CocoSplitCLI
            >>> config = CocoSplitCLI()
            >>> config.update({'factor': '4'}, rng='1')
            >>> config.factor, config.rng
            (4, 1)
        """
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self.__options__:
            self[key] = value
        else:
            raise AttributeError(f'{type(self).__name__} has no option {key!r}')

    def __repr__(self) -> str:
        return f'{type(self).__name__}(**{dict(self)!r})'

    def to_dict(self) -> dict[str, Any]:
        """
        The configuration as a plain dict.

        Example:
            >>> from xcoco.cli.coco_toydata import CocoToyDataCLI
            >>> CocoToyDataCLI(key='shapes2').to_dict()['key']
            'shapes2'
        """
        return dict(self)

    asdict = to_dict

    @classmethod
    def _unknown_message(cls, key):
        close = difflib.get_close_matches(key, list(cls.__options__), n=1)
        hint = f'; did you mean --{close[0]}?' if close else ''
        return f'{cls.__command__} has no option --{key}{hint}'

    # ---- the command line ----------------------------------------------
    @classmethod
    def build_parser(cls, prog: str | None = None) -> argparse.ArgumentParser:
        """
        The verb's argument parser (its errors raise
        :class:`~xcoco.errors.UsageError`).

        Example:
            >>> from xcoco.cli.coco_union import CocoUnionCLI
            >>> print(CocoUnionCLI.build_parser().format_usage().split()[:3])
            ['usage:', 'xcoco', 'union']
        """
        doc = cls.help_text()
        epilog = ''
        if cls.__examples__:
            epilog = 'Example:\n' + '\n'.join('    ' + line for line in cls.__examples__)
        parser = _Parser(prog=prog or f'xcoco {cls.__command__}', description=doc,
                         epilog=epilog, allow_abbrev=False,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
        positional = sorted((opt.position, name) for name, opt in cls.__options__.items()
                            if opt.position is not None)
        for _, name in positional:
            opt = cls.__options__[name]
            many = opt.kind == 'list'
            parser.add_argument(f'_pos_{name}', metavar=name, nargs='*' if many else '?',
                                default=None, help=f'{opt.help} (or --{name})'.replace('%', '%%'))
        for name, opt in cls.__options__.items():
            flags = ['--' + name] + ['--' + a for a in opt.alias] + ['-' + s for s in opt.short_alias]
            kw: dict[str, Any] = {'dest': name, 'default': argparse.SUPPRESS, 'help': _help_text(name, opt)}
            if opt.kind == 'bool':
                kw.update(metavar='BOOL', nargs='?')
            elif opt.kind == 'list':
                kw.update(action='append', metavar=name.upper())
                if opt.nargs:
                    kw['nargs'] = opt.nargs
            elif opt.bare is not _UNSET:
                kw.update(metavar=name.upper(), nargs='?')
            else:
                kw.update(metavar=name.upper())
            if opt.choices is not None and opt.kind != 'list':
                kw['metavar'] = '{' + ','.join(map(str, opt.choices)) + '}'
            parser.add_argument(*flags, **kw)
        return parser

    @classmethod
    def help_text(cls) -> str:
        """
        The description shown by ``--help`` (the class docstring).

        Example:
            >>> from xcoco.cli.coco_union import CocoUnionCLI
            >>> CocoUnionCLI.help_text().splitlines()[0]
            'Combine multiple datasets into a single merged dataset.'
        """
        import inspect
        text = inspect.cleandoc(cls.__doc__ or '')
        # the doctest example is for Python readers, not for --help
        lines = text.splitlines()
        for pos, line in enumerate(lines[:-1]):
            if line.strip() == 'Example:' and lines[pos + 1].strip().startswith('>>>'):
                return '\n'.join(lines[:pos]).rstrip()
        return text

    @classmethod
    def parse_argv(cls, argv: Iterable[str]) -> dict[str, Any]:
        """
        The options given on a command line (only those given), as raw
        words; positional words fill the positional options not given by
        name, in order.

        Example:
            >>> from xcoco.cli.coco_subset import CocoSubsetCLI
            >>> CocoSubsetCLI.parse_argv(['--src', 'in.json', 'out.json', '--gids=1,2'])
            {'src': 'in.json', 'gids': ['1,2'], 'dst': 'out.json'}
        """
        parser = cls.build_parser()
        words = normalize_argv(list(argv), cls.__options__)
        ns = vars(parser.parse_intermixed_args(words))
        given: dict[str, Any] = {}
        spare: list[str] = []
        for key, value in ns.items():
            if key.startswith('_pos_'):
                continue
            if isinstance(value, list) and value and isinstance(value[0], list):
                value = [word for group in value for word in group]
            given[key] = value
        positional = sorted((opt.position, name) for name, opt in cls.__options__.items()
                            if opt.position is not None)
        for _, name in positional:
            value = ns.get(f'_pos_{name}')
            if value is None:
                continue
            spare.extend(value if isinstance(value, list) else [value])
        for _, name in positional:
            if not spare:
                break
            if name in given:
                if cls.__options__[name].kind == 'list' and name == positional[0][1]:
                    # kwcoco's "stats a.json --src b.json": both are sources
                    given[name] = list(spare) + list(given[name])
                    spare = []
                continue
            if cls.__options__[name].kind == 'list':
                given[name], spare = list(spare), []
            else:
                given[name] = spare.pop(0)
        if spare:
            raise UsageError(f'unrecognized arguments: {" ".join(spare)}')
        return given

    @classmethod
    def cli(cls, argv: Any = True, data: Mapping[str, Any] | None = None,
            strict: bool = True, cmdline: Any = None, default: Mapping[str, Any] | None = None,
            **kwargs: Any) -> VerbCLI:
        """
        The configuration from ``data`` (or ``default``) overridden by a
        command line: ``argv`` True reads ``sys.argv[1:]``, False / None
        reads none, a list or string is parsed (``cmdline`` is the older
        name).

        Example:
            >>> from xcoco.cli.coco_split import CocoSplitCLI
            >>> CocoSplitCLI.cli(argv='in.json --factor 4', data={'rng': 0}).factor
            4
        """
        if cmdline is not None:
            argv = cmdline
        config = cls(dict(default or {}, **dict(data or {})))
        if argv is True:
            argv = sys.argv[1:]
        if isinstance(argv, str):
            import shlex
            argv = shlex.split(argv)
        if argv:
            config.update(cls.parse_argv(argv))
        return config

    @classmethod
    def main(cls, argv: Any = True, cmdline: Any = None, **kwargs: Any) -> int:
        """
        Configure from ``kwargs`` and the command line (see :meth:`cli`)
        and run the verb; return its exit status (0, or 1 when a check
        failed).  Errors raise; ``xcoco`` itself turns them into messages.

        Example:
            >>> import tempfile, ubelt as ub
            >>> from xcoco.cli.coco_toydata import CocoToyDataCLI
            >>> dst = ub.Path(tempfile.mkdtemp()) / 'toy.kwcoco.json'
            >>> CocoToyDataCLI.main(argv=False, key='shapes1-gsize32', dst=dst, quiet=True)
            0
            >>> dst.exists()
            True
        """
        config = cls.cli(argv=argv, cmdline=cmdline, data=kwargs)
        return int(config.run() or 0)

    _main = main

    def run(self) -> int:
        """
        Do the verb's work with this configuration; return the exit status.

        Example:
            >>> class NopCLI(VerbCLI):
            ...     __command__ = 'nop'
            >>> try:
            ...     NopCLI().run()
            ... except NotImplementedError as ex:
            ...     print(ex)
            the nop verb defines no run()
        """
        raise NotImplementedError(f'the {self.__command__} verb defines no run()')
