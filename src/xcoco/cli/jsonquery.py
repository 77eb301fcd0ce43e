"""
A small, safe subset of jq for ``xcoco subset --select_images`` /
``--select_videos`` (kwcoco passes those to the jq library as the body of
``.images[] | select(QUERY) | .id``).  The query is parsed and interpreted
here: nothing is ever passed to ``eval``, and no jq install is needed.

Each expression takes one JSON value (an image or video dict) and gives
one value.  What is understood:

* paths: ``.`` ``.name`` ``.a.b`` ``.["key with spaces"]`` ``.list[0]``
  (a missing key gives ``null``);
* literals: numbers, ``"strings"`` (JSON escapes), ``true``, ``false``,
  ``null``, arrays ``[1, "a"]`` and objects ``{"a": 1}``;
* operators, loosest first: ``|`` (feed the left value to the right
  expression), ``//`` (left unless null/false, else right), ``or``,
  ``and``, comparisons ``== != < <= > >=`` (jq's order: null < false <
  true < numbers < strings < arrays < objects), ``+ -``, ``* / %``,
  unary ``-``, and parentheses;
* functions: ``not``, ``length``, ``keys``, ``type``, ``tostring``,
  ``tonumber``, ``ascii_downcase``, ``ascii_upcase``, ``any``, ``all``,
  ``test(regex)`` / ``test(regex; flags)`` (flags from ``i x s``),
  ``startswith(s)``, ``endswith(s)``, ``ltrimstr(s)``, ``rtrimstr(s)``,
  ``contains(x)``, ``inside(x)``, ``in(x)``, ``has(key)``, ``split(s)``,
  ``join(s)`` and ``select(cond)``.

Only ``false`` and ``null`` are false.  Streams (``,`` at the top level,
``.[]``), variables, assignments and user functions are not supported and
give a :class:`~xcoco.errors.UsageError` naming the position.

Example:
    >>> from xcoco.cli.jsonquery import compile_query
    >>> query = compile_query('.id < 3 and (.file_name | test(".*png"))')
    >>> [query.matches(img) for img in [{'id': 1, 'file_name': 'a.png'},
    ...                                 {'id': 2, 'file_name': 'b.jpg'},
    ...                                 {'id': 5, 'file_name': 'c.png'}]]
    [True, False, False]
    >>> compile_query('.myattr | in({"val1": 1, "val4": 1})').matches({'myattr': 'val4'})
    True
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from xcoco.errors import UsageError

__all__ = ['Query', 'compile_query', 'parse_id_list', 'select_ids']

_EMPTY = object()  # what select() gives for a false condition
_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|//|[<>|+\-*/%()\[\]{},:;.])
''', re.VERBOSE)

_FUNCS0 = {'not', 'length', 'keys', 'type', 'tostring', 'tonumber', 'ascii_downcase',
           'ascii_upcase', 'any', 'all'}
_FUNCS1 = {'test', 'startswith', 'endswith', 'ltrimstr', 'rtrimstr', 'contains', 'inside',
           'in', 'has', 'split', 'join', 'select'}


def _tokenize(text):
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise UsageError(f'query {text!r}: cannot read {text[pos:pos + 10]!r} at position {pos}')
        kind = match.lastgroup
        if kind != 'ws':
            tokens.append((kind, match.group(), pos))
        pos = match.end()
    tokens.append(('end', '', len(text)))
    return tokens


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self, value=None, kind=None):
        tok = self.tokens[self.pos]
        if value is not None and tok[1] != value:
            return False
        if kind is not None and tok[0] != kind:
            return False
        return True

    def take(self, value=None):
        tok = self.tokens[self.pos]
        if value is not None and (tok[1] != value or tok[0] in {'str', 'end'}):
            self.fail(f'expected {value!r}')
        self.pos += 1
        return tok

    def fail(self, message):
        kind, value, pos = self.tokens[self.pos]
        found = 'the end' if kind == 'end' else repr(value)
        raise UsageError(f'query {self.text!r}: {message} at position {pos} (found {found}); '
                         f'xcoco understands a subset of jq (see xcoco subset --help)')

    def parse(self):
        node = self.pipe()
        if not self.peek(kind='end'):
            self.fail('unexpected text')
        return node

    def pipe(self):
        node = self.alt()
        while self.peek('|', 'op'):
            self.take()
            node = ('pipe', node, self.alt())
        if self.peek(',', 'op'):
            self.fail('streams (",") are not supported')
        return node

    def alt(self):
        node = self.orexpr()
        while self.peek('//', 'op'):
            self.take()
            node = ('alt', node, self.orexpr())
        return node

    def orexpr(self):
        node = self.andexpr()
        while self.peek('or', 'name'):
            self.take()
            node = ('or', node, self.andexpr())
        return node

    def andexpr(self):
        node = self.compare()
        while self.peek('and', 'name'):
            self.take()
            node = ('and', node, self.compare())
        return node

    def compare(self):
        node = self.additive()
        tok = self.tokens[self.pos]
        if tok[0] == 'op' and tok[1] in {'==', '!=', '<', '<=', '>', '>='}:
            self.take()
            node = ('bin', tok[1], node, self.additive())
            nxt = self.tokens[self.pos]
            if nxt[0] == 'op' and nxt[1] in {'==', '!=', '<', '<=', '>', '>='}:
                self.fail('comparisons do not chain; use "and"')
        return node

    def additive(self):
        node = self.term()
        while self.tokens[self.pos][0] == 'op' and self.tokens[self.pos][1] in {'+', '-'}:
            op = self.take()[1]
            node = ('bin', op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.tokens[self.pos][0] == 'op' and self.tokens[self.pos][1] in {'*', '/', '%'}:
            op = self.take()[1]
            node = ('bin', op, node, self.unary())
        return node

    def unary(self):
        if self.peek('-', 'op'):
            self.take()
            return ('neg', self.unary())
        return self.postfix(self.primary())

    def postfix(self, node):
        while True:
            if self.peek(kind='field'):
                node = ('field', node, self.take()[1][1:])
            elif self.peek('.', 'op') and self.tokens[self.pos + 1][1] == '[':
                self.take()
            elif self.peek('[', 'op'):
                self.take()
                if self.peek(']', 'op'):
                    self.fail('".[]" (iterate) is not supported')
                key = self.pipe()
                self.take(']')
                node = ('index', node, key)
            else:
                return node

    def primary(self):
        kind, value, _ = self.tokens[self.pos]
        if kind == 'num':
            self.take()
            number = float(value)
            return ('lit', int(number) if number.is_integer() and 'e' not in value.lower()
                    and '.' not in value else number)
        if kind == 'str':
            self.take()
            return ('lit', json.loads(value))
        if kind == 'field':
            self.take()
            return ('field', ('self',), value[1:])
        if kind == 'op' and value == '.':
            self.take()
            if self.peek('[', 'op'):
                return ('self',)  # postfix reads the [key]
            return ('self',)
        if kind == 'op' and value == '(':
            self.take()
            node = self.pipe()
            self.take(')')
            return node
        if kind == 'op' and value == '[':
            self.take()
            items = []
            if not self.peek(']', 'op'):
                items.append(self.alt())
                while self.peek(',', 'op'):
                    self.take()
                    items.append(self.alt())
            self.take(']')
            return ('array', items)
        if kind == 'op' and value == '{':
            return self.object()
        if kind == 'name':
            return self.call()
        self.fail('expected a value')
        raise AssertionError('unreachable')

    def object(self):
        self.take('{')
        pairs = []
        while not self.peek('}', 'op'):
            kind, value, _ = self.take()
            if kind == 'str':
                key = json.loads(value)
            elif kind == 'name':
                key = value
            else:
                self.pos -= 1
                self.fail('expected an object key')
            self.take(':')
            pairs.append((key, self.alt()))
            if not self.peek('}', 'op'):
                self.take(',')
        self.take('}')
        return ('object', pairs)

    def call(self):
        name = self.take()[1]
        if name in {'true', 'false', 'null'}:
            return ('lit', {'true': True, 'false': False, 'null': None}[name])
        args = []
        if self.peek('(', 'op'):
            self.take()
            args.append(self.pipe())
            while self.peek(';', 'op'):
                self.take()
                args.append(self.pipe())
            self.take(')')
        if name in _FUNCS0 and not args:
            return ('call', name, args)
        if name in _FUNCS1 and (len(args) == 1 or (name == 'test' and len(args) == 2)):
            return ('call', name, args)
        self.pos -= 1
        known = ', '.join(sorted(_FUNCS0 | _FUNCS1))
        self.fail(f'unknown function {name}/{len(args)} (known: {known})')
        raise AssertionError('unreachable')


def _type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, (list, tuple)):
        return 'array'
    return 'object'


_RANK = {'null': 0, 'boolean': 1, 'number': 2, 'string': 3, 'array': 4, 'object': 5}


def _order_key(value):
    kind = _type(value)
    if kind == 'array':
        return (4, tuple(_order_key(v) for v in value))
    if kind == 'object':
        keys = sorted(value)
        return (5, tuple(keys), tuple(_order_key(value[k]) for k in keys))
    if kind == 'null':
        return (0, 0)
    return (_RANK[kind], value)


def _truthy(value):
    return value is not None and value is not False and value is not _EMPTY


class _Eval:
    def __init__(self, text):
        self.text = text

    def fail(self, message):
        raise UsageError(f'query {self.text!r}: {message}')

    def run(self, node, value):
        if value is _EMPTY:
            return _EMPTY
        kind = node[0]
        if kind == 'self':
            return value
        if kind == 'lit':
            return node[1]
        if kind == 'field':
            return self.lookup(self.run(node[1], value), node[2])
        if kind == 'index':
            return self.lookup(self.run(node[1], value), self.run(node[2], value))
        if kind == 'pipe':
            return self.run(node[2], self.run(node[1], value))
        if kind == 'array':
            items = [self.run(item, value) for item in node[1]]
            return [item for item in items if item is not _EMPTY]
        if kind == 'object':
            return {key: self.run(item, value) for key, item in node[1]}
        if kind == 'neg':
            inner = self.run(node[1], value)
            if _type(inner) != 'number':
                self.fail(f'cannot negate {_type(inner)} {inner!r}')
            return -inner
        if kind in {'and', 'or', 'alt'}:
            left = self.run(node[1], value)
            if left is _EMPTY:
                return _EMPTY
            if kind == 'alt':
                return left if _truthy(left) else self.run(node[2], value)
            if kind == 'and' and not _truthy(left):
                return False
            if kind == 'or' and _truthy(left):
                return True
            right = self.run(node[2], value)
            return _EMPTY if right is _EMPTY else _truthy(right)
        if kind == 'bin':
            left, right = self.run(node[2], value), self.run(node[3], value)
            if left is _EMPTY or right is _EMPTY:
                return _EMPTY
            return self.binary(node[1], left, right)
        if kind == 'call':
            args = [self.run(arg, value) for arg in node[2]]
            if any(arg is _EMPTY for arg in args):
                return _EMPTY
            return self.call(node[1], value, args, node[2])
        raise AssertionError(kind)

    def lookup(self, base, key):
        if base is None:
            return None
        if isinstance(base, dict) and isinstance(key, str):
            return base.get(key)
        if isinstance(base, (list, tuple)) and _type(key) == 'number':
            pos = int(key)
            return base[pos] if -len(base) <= pos < len(base) else None
        self.fail(f'cannot index {_type(base)} with {_type(key)} {key!r}')

    def binary(self, op, left, right):
        if op in {'==', '!='}:
            same = _order_key(left) == _order_key(right)
            return same if op == '==' else not same
        if op in {'<', '<=', '>', '>='}:
            lkey, rkey = _order_key(left), _order_key(right)
            return {'<': lkey < rkey, '<=': lkey <= rkey, '>': lkey > rkey, '>=': lkey >= rkey}[op]
        ltype, rtype = _type(left), _type(right)
        if op == '+':
            if left is None:
                return right
            if right is None:
                return left
            if ltype == rtype and ltype in {'number', 'string', 'array'}:
                return list(left) + list(right) if ltype == 'array' else left + right
            if ltype == rtype == 'object':
                return {**left, **right}
        elif op == '-':
            if ltype == rtype == 'number':
                return left - right
            if ltype == rtype == 'array':
                return [v for v in left if all(_order_key(v) != _order_key(r) for r in right)]
        elif op == '/' and ltype == rtype == 'string':
            return left.split(right)
        elif ltype == rtype == 'number':
            if op == '*':
                return left * right
            if op == '/':
                if right == 0:
                    self.fail(f'{left!r} / 0: division by zero')
                result = left / right
                return int(result) if float(result).is_integer() and isinstance(left, int) \
                    and isinstance(right, int) else result
            if op == '%':
                if int(right) == 0:
                    self.fail(f'{left!r} % {right!r}: division by zero')
                # jq truncates both sides to integers; the sign follows the left
                return int(math.fmod(int(left), int(right)))
        self.fail(f'cannot apply {op!r} to {ltype} {left!r} and {rtype} {right!r}')

    def need(self, name, value, kind):
        if _type(value) != kind:
            self.fail(f'{name} needs a {kind}, got {_type(value)} {value!r}')

    def call(self, name, value, args, arg_nodes):
        kind = _type(value)
        if name == 'not':
            return not _truthy(value)
        if name == 'length':
            if kind == 'boolean':
                self.fail('length of a boolean')
            return 0 if value is None else abs(value) if kind == 'number' else len(value)
        if name == 'keys':
            if kind == 'object':
                return sorted(value)
            self.need('keys', value, 'array')
            return list(range(len(value)))
        if name == 'type':
            return kind
        if name == 'tostring':
            return value if kind == 'string' else json.dumps(value, separators=(',', ':'))
        if name == 'tonumber':
            if kind == 'number':
                return value
            self.need('tonumber', value, 'string')
            try:
                number = float(value)
            except ValueError:
                self.fail(f'tonumber cannot read {value!r}')
            return int(number) if number.is_integer() else number
        if name in {'ascii_downcase', 'ascii_upcase'}:
            self.need(name, value, 'string')
            table = str.maketrans('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
            if name == 'ascii_upcase':
                table = {v: k for k, v in table.items()}
            return value.translate(table)
        if name in {'any', 'all'}:
            self.need(name, value, 'array')
            return (any if name == 'any' else all)(_truthy(v) for v in value)
        arg = args[0]
        if name == 'select':
            return value if _truthy(arg) else _EMPTY
        if name == 'test':
            self.need('test', value, 'string')
            self.need('test (its regex)', arg, 'string')
            flags = 0
            for letter in (args[1] if len(args) > 1 else '') or '':
                if letter not in 'ixsg':
                    self.fail(f'test: unknown regex flag {letter!r} (use i, x, s)')
                flags |= {'i': re.I, 'x': re.X, 's': re.S, 'g': 0}[letter]
            try:
                return re.search(arg, value, flags) is not None
            except re.error as ex:
                self.fail(f'test: bad regex {arg!r}: {ex}')
        if name in {'startswith', 'endswith', 'ltrimstr', 'rtrimstr', 'split'}:
            if name in {'ltrimstr', 'rtrimstr'} and (kind != 'string' or _type(arg) != 'string'):
                return value  # jq leaves non-strings alone
            self.need(name, value, 'string')
            self.need(f'{name} (its argument)', arg, 'string')
            if name == 'startswith':
                return value.startswith(arg)
            if name == 'endswith':
                return value.endswith(arg)
            if name == 'split':
                return value.split(arg)
            if name == 'ltrimstr':
                return value[len(arg):] if value.startswith(arg) else value
            return value[:-len(arg)] if arg and value.endswith(arg) else value
        if name == 'join':
            self.need('join', value, 'array')
            return str(arg).join('' if v is None else v if isinstance(v, str)
                                 else json.dumps(v) for v in value)
        if name == 'contains':
            return self.contains(value, arg)
        if name == 'inside':
            return self.contains(arg, value)
        if name in {'in', 'has'}:
            container, key = (arg, value) if name == 'in' else (value, arg)
            ctype = _type(container)
            if ctype == 'object' and isinstance(key, str):
                return key in container
            if ctype == 'array' and _type(key) == 'number':
                return 0 <= key < len(container)
            self.fail(f'{name}: cannot check {_type(key)} {key!r} in {ctype} {container!r}')
        raise AssertionError(name)

    def contains(self, big, small):
        btype, stype = _type(big), _type(small)
        if btype != stype:
            self.fail(f'contains: {btype} {big!r} and {stype} {small!r} cannot be compared')
        if btype == 'string':
            return small in big
        if btype == 'array':
            return all(any(_type(b) == _type(s) and self.contains(b, s) for b in big)
                       for s in small)
        if btype == 'object':
            return all(k in big and _type(big[k]) == _type(v) and self.contains(big[k], v)
                       for k, v in small.items())
        return _order_key(big) == _order_key(small)


class Query:
    """
    A compiled query; :meth:`evaluate` gives its value for one JSON value
    and :meth:`matches` says whether ``select(query)`` keeps it.

    Example:
        >>> q = Query('.name | startswith("toy")')
        >>> q.matches({'name': 'toy_video_1'}), q.matches({'name': 'other'})
        (True, False)
        >>> Query('.id % 2 == 0').evaluate({'id': 4})
        True
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = _Parser(text).parse()
        self._eval = _Eval(text)

    def evaluate(self, value: Any) -> Any:
        """
        The query's value for ``value`` (None when ``select`` dropped it).

        Example:
            >>> Query('.a.b // "none"').evaluate({'a': {}})
            'none'
        """
        result = self._eval.run(self.tree, value)
        return None if result is _EMPTY else result

    def matches(self, value: Any) -> bool:
        """
        Whether the query's value is neither false nor null.

        Example:
            >>> Query('.tags | contains(["a"])').matches({'tags': ['a', 'b']})
            True
        """
        return _truthy(self._eval.run(self.tree, value))

    def __repr__(self) -> str:
        return f'Query({self.text!r})'


def compile_query(text: str) -> Query:
    """
    Parse a query (a :class:`~xcoco.errors.UsageError` says where it is
    wrong).

    Example:
        >>> try:
        ...     compile_query('.id <')
        ... except Exception as ex:
        ...     print(type(ex).__name__)
        UsageError
    """
    return Query(text)


def parse_id_list(text: Any) -> list | None:
    """
    The ids of a "YAML list of ids" (``[1, 2]``, ``1,2``, ``3`` or a list),
    or None when ``text`` is a query instead.

    Example:
        >>> parse_id_list('[1, 2,3]'), parse_id_list('4'), parse_id_list('.id < 3')
        ([1, 2, 3], [4], None)
    """
    if isinstance(text, (list, tuple)):
        return list(text)
    if isinstance(text, int) and not isinstance(text, bool):
        return [text]
    if not isinstance(text, str):
        return None
    body = text.strip()
    if body.startswith('[') and body.endswith(']'):
        body = body[1:-1]
    parts = [p.strip() for p in body.split(',')]
    if parts == ['']:
        return [] if text.strip().startswith('[') else None
    if all(re.fullmatch(r'-?\d+', p) for p in parts if p) and any(parts):
        return [int(p) for p in parts if p]
    return None


def select_ids(objs: Iterable[dict], selector: Any) -> list:
    """
    The ids of the objects a selector picks: a list of ids (or the text
    of one) keeps those, a query keeps the objects it matches.

    Example:
        >>> objs = [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}, {'id': 3, 'name': 'ab'}]
        >>> select_ids(objs, '.name | contains("a")'), select_ids(objs, '[2, 3]')
        ([1, 3], [2, 3])
    """
    objs = list(objs)
    ids = parse_id_list(selector)
    if ids is not None:
        wanted = set(ids)
        return [obj['id'] for obj in objs if obj.get('id') in wanted]
    query = selector if isinstance(selector, Query) else compile_query(str(selector))
    return [obj['id'] for obj in objs if query.matches(obj)]
