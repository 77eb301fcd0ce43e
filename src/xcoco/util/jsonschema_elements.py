"""
Build JSON Schemas with short calls, kwcoco's ``jsonschema_elements`` syntax:
``ARRAY(INTEGER, numItems=4)``, ``OBJECT({...}, required=[...])``,
``STRING(description=...)``, ``A | B`` for "either".

Every element is an :class:`Element`: a plain ``dict`` (``json.dumps`` and
``jsonschema`` take it as is) that can be called with options to make a
variant, and that validates data with ``.validate(data)``.

Unlike kwcoco, an option the element's kind does not take (``STRING(
minItems=3)``) raises :class:`xcoco.SchemaElementError` instead of being
dropped silently, and every JSON Schema keyword of the kind is kept (kwcoco
keeps only some, e.g. it drops ``minLength`` and ``format``).

The module-level names are the elements of the shared :data:`elem`:
``ANY`` (any value), ``NULL``, ``BOOLEAN``, ``INTEGER``, ``NUMBER``,
``STRING``, the containers ``ARRAY`` and ``OBJECT`` and the combinators
``ANYOF``, ``ONEOF``, ``ALLOF``, ``NOT``.

Example:
    >>> from xcoco.util.jsonschema_elements import (
    ...     ANY, ALLOF, ANYOF, ARRAY, BOOLEAN, INTEGER, NOT, NULL, NUMBER,
    ...     OBJECT, ONEOF, STRING, elem)
    >>> point = ARRAY(NUMBER, numItems=2, description='an [x, y] point')
    >>> point
    {'type': 'array', 'items': {'type': 'number'}, 'description': 'an [x, y] point', 'minItems': 2, 'maxItems': 2}
    >>> box = OBJECT({'xy': point, 'label': STRING | NULL, 'flag': BOOLEAN,
    ...               'extra': ANY}, required=['xy'])
    >>> box.validate({'xy': [1, 2.5], 'label': None})
    >>> import jsonschema
    >>> try:
    ...     box.validate({'xy': [1, 2, 3]})
    ... except jsonschema.ValidationError as ex:
    ...     print(ex.message)
    [1, 2, 3] is too long
    >>> ONEOF(INTEGER, STRING)
    {'oneOf': [{'type': 'integer'}, {'type': 'string'}]}
    >>> ALLOF(NUMBER(minimum=0), NOT(INTEGER)).validate(0.5)
    >>> ANYOF(INTEGER, NULL) == INTEGER | NULL
    True
    >>> elem.STRING(description='a name')
    {'type': 'string', 'description': 'a name'}
"""
from collections.abc import Mapping

from xcoco.errors import SchemaElementError

__all__ = [
    'ALLOF',
    'ANY',
    'ANYOF',
    'ARRAY',
    'BOOLEAN',
    'INTEGER',
    'NOT',
    'NULL',
    'NUMBER',
    'OBJECT',
    'ONEOF',
    'STRING',
    'ContainerElements',
    'Element',
    'QuantifierElements',
    'ScalarElements',
    'SchemaElements',
    'elem',
]

#: keywords every element takes: annotations, and the checks and
#: combinators that apply to any kind of value
GENERIC_OPTIONS = frozenset({
    'title', 'description', 'default', 'examples', 'deprecated', 'readOnly',
    'writeOnly', '$comment', '$id', '$schema', '$ref', '$defs', 'const', 'enum',
    'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
})

#: the JSON Schema (2020-12) keywords of each kind of element
KIND_OPTIONS = {
    'null': frozenset(),
    'boolean': frozenset(),
    'string': frozenset({'minLength', 'maxLength', 'pattern', 'format',
                         'contentEncoding', 'contentMediaType'}),
    'integer': frozenset({'minimum', 'maximum', 'exclusiveMinimum',
                          'exclusiveMaximum', 'multipleOf'}),
    'array': frozenset({'items', 'prefixItems', 'minItems', 'maxItems',
                        'uniqueItems', 'contains', 'minContains', 'maxContains',
                        'additionalItems', 'unevaluatedItems', 'numItems'}),
    'object': frozenset({'properties', 'required', 'additionalProperties',
                         'patternProperties', 'propertyNames', 'minProperties',
                         'maxProperties', 'dependentRequired', 'dependentSchemas',
                         'unevaluatedProperties'}),
}
KIND_OPTIONS['number'] = KIND_OPTIONS['integer']

_NO_INSTANCE = object()


def _check_schema_arg(value, where):
    if isinstance(value, (Mapping, bool)):
        return value
    raise SchemaElementError(
        f'{where} must be a schema (a dict such as INTEGER or OBJECT(...), or '
        f'True / False), got {type(value).__name__} {value!r}')


def _array_shorthands(options):
    # numItems=n is kwcoco's shorthand for exactly n items
    num = options.pop('numItems', None)
    if num is not None:
        options.setdefault('minItems', num)
        options.setdefault('maxItems', num)
    return options


class Element(dict):
    """
    One JSON Schema element: a dict of schema keywords that can be called
    with more keywords to make a new element (the original is unchanged).

    Args:
        base (Mapping): the keywords this element always has.
        options (Iterable[str] | Mapping | None): the keywords a call may
            add, besides the annotations every element takes (``title``,
            ``description``, ``default``, ``examples`` ...).  A mapping's
            keys are the names.
        _magic (Callable[[dict], dict] | None): rewrites the keywords of a
            call before they are added (kwcoco's spelling; e.g. ARRAY turns
            ``numItems`` into ``minItems`` / ``maxItems``).

    Example:
        >>> demo = Element({'type': 'string'}, options={'pattern'})
        >>> named = demo(pattern='^[a-z]+$', title='lowercase')
        >>> named
        {'type': 'string', 'pattern': '^[a-z]+$', 'title': 'lowercase'}
        >>> demo
        {'type': 'string'}
        >>> named.validate('abc')
        >>> isinstance(named, dict)
        True
    """

    def __init__(self, base, options=None, _magic=None):
        super().__init__(base)
        if options is None:
            options = ()
        self._options = frozenset(options)
        self._magic = _magic

    def __call__(self, *args, **kw):
        """
        A copy of this element with the keywords ``kw`` added.

        Example:
            >>> from xcoco.util.jsonschema_elements import INTEGER
            >>> INTEGER(minimum=0, description='a count')
            {'type': 'integer', 'minimum': 0, 'description': 'a count'}
        """
        if args:
            raise SchemaElementError(
                f'a schema element takes keyword options only, got positional '
                f'{args!r} (e.g. STRING(description=...))')
        allowed = self._options | GENERIC_OPTIONS
        unknown = sorted(set(kw) - allowed)
        if unknown:
            kind = self.get('type') or '/'.join(k for k in self if not k.startswith('$')) or 'ANY'
            own = ', '.join(sorted(self._options - {'numItems'})) or 'none of its own'
            raise SchemaElementError(
                f'the {kind!r} schema element takes no option {unknown[0]!r} '
                f'(its options: {own}; and, like every element, annotations such '
                f'as title, description, default, examples, or const, enum, anyOf ...)')
        if self._magic is not None:
            kw = self._magic(dict(kw))
        new = Element(self, options=self._options, _magic=self._magic)
        new.update(kw)
        return new

    def __or__(self, other):
        """
        ``a | b``: an element accepting what either accepts (``anyOf``);
        nested plain ``anyOf`` lists are flattened.

        Example:
            >>> from xcoco.util.jsonschema_elements import STRING, NUMBER, NULL
            >>> STRING | NUMBER | NULL
            {'anyOf': [{'type': 'string'}, {'type': 'number'}, {'type': 'null'}]}
        """
        if not isinstance(other, Mapping):
            return NotImplemented
        return _any_of(self, other)

    def __ror__(self, other):
        """
        ``dict | element``: also an ``anyOf`` (kwcoco merged the two dicts,
        letting the element's keys win).

        Example:
            >>> from xcoco.util.jsonschema_elements import STRING
            >>> {'type': 'number'} | STRING
            {'anyOf': [{'type': 'number'}, {'type': 'string'}]}
        """
        if not isinstance(other, Mapping):
            return NotImplemented
        return _any_of(other, self)

    def __ior__(self, other):
        # dict.__ior__ would merge other's keys into a shared element in place
        return self.__or__(other)

    def validate(self, instance=_NO_INSTANCE):
        """
        With ``instance``: check it against this schema (returns None, or
        raises ``jsonschema.ValidationError``).  Without: check that this is
        a valid JSON Schema and return the element (or raise
        ``jsonschema.SchemaError``).

        Example:
            >>> import jsonschema
            >>> from xcoco.util.jsonschema_elements import ARRAY, INTEGER
            >>> schema = ARRAY(INTEGER, minItems=1)
            >>> schema.validate() is schema
            True
            >>> schema.validate([1, 2])
            >>> try:
            ...     schema.validate([])
            ... except jsonschema.ValidationError as ex:
            ...     print(ex.validator, ex.validator_value)
            minItems 1
        """
        import jsonschema
        import jsonschema.validators
        if instance is _NO_INSTANCE:
            jsonschema.validators.validator_for(self).check_schema(self)
            return self
        jsonschema.validate(instance, self)
        return None


def _is_plain_any_of(schema):
    return isinstance(schema, Mapping) and list(schema.keys()) == ['anyOf']


def _any_of(*schemas):
    parts = []
    for schema in schemas:
        parts.extend(schema['anyOf'] if _is_plain_any_of(schema) else [schema])
    return Element({'anyOf': parts})


class ScalarElements:
    """
    The elements for single values: ``NULL``, ``BOOLEAN``, ``INTEGER``,
    ``NUMBER``, ``STRING`` (each access makes a fresh element).

    Example:
        >>> scalars = ScalarElements()
        >>> scalars.STRING(minLength=1), scalars.NULL
        ({'type': 'string', 'minLength': 1}, {'type': 'null'})
    """

    @property
    def NULL(self):
        """
        The element for ``null`` (None).

        Example:
            >>> ScalarElements().NULL.validate(None)
        """
        return Element({'type': 'null'}, KIND_OPTIONS['null'])

    @property
    def BOOLEAN(self):
        """
        The element for ``true`` / ``false``.

        Example:
            >>> ScalarElements().BOOLEAN(default=False)
            {'type': 'boolean', 'default': False}
        """
        return Element({'type': 'boolean'}, KIND_OPTIONS['boolean'])

    @property
    def INTEGER(self):
        """
        The element for integers (``minimum``, ``maximum``, ``multipleOf`` ...).

        Example:
            >>> ScalarElements().INTEGER(minimum=0)
            {'type': 'integer', 'minimum': 0}
        """
        return Element({'type': 'integer'}, KIND_OPTIONS['integer'])

    @property
    def NUMBER(self):
        """
        The element for numbers, integers included.

        Example:
            >>> ScalarElements().NUMBER.validate(3)
        """
        return Element({'type': 'number'}, KIND_OPTIONS['number'])

    @property
    def STRING(self):
        """
        The element for strings (``pattern``, ``minLength``, ``format`` ...).

        Example:
            >>> ScalarElements().STRING(pattern='^a')
            {'type': 'string', 'pattern': '^a'}
        """
        return Element({'type': 'string'}, KIND_OPTIONS['string'])


class QuantifierElements:
    """
    Elements that combine others: ``ANY`` (accepts everything), ``ANYOF``,
    ``ONEOF``, ``ALLOF`` and ``NOT``.

    Example:
        >>> q = QuantifierElements()
        >>> q.ANY, q.NOT({'type': 'null'})
        ({}, {'not': {'type': 'null'}})
    """

    @property
    def ANY(self):
        """
        The element that accepts any value (``{}``).

        Example:
            >>> QuantifierElements().ANY(description='anything')
            {'description': 'anything'}
        """
        return Element({})

    def ANYOF(self, *TYPES):
        """
        Valid when at least one of ``TYPES`` accepts the value.

        Example:
            >>> QuantifierElements().ANYOF({'type': 'string'}, {'type': 'null'})
            {'anyOf': [{'type': 'string'}, {'type': 'null'}]}
        """
        return Element({'anyOf': _schema_list('ANYOF', TYPES)})

    def ONEOF(self, *TYPES):
        """
        Valid when exactly one of ``TYPES`` accepts the value.

        Example:
            >>> QuantifierElements().ONEOF({'type': 'integer'}, {'type': 'number'}).validate(1.5)
        """
        return Element({'oneOf': _schema_list('ONEOF', TYPES)})

    def ALLOF(self, *TYPES):
        """
        Valid when every one of ``TYPES`` accepts the value.

        Example:
            >>> QuantifierElements().ALLOF({'type': 'integer'}, {'minimum': 0})
            {'allOf': [{'type': 'integer'}, {'minimum': 0}]}
        """
        return Element({'allOf': _schema_list('ALLOF', TYPES)})

    def NOT(self, TYPE):
        """
        Valid when ``TYPE`` rejects the value.

        Example:
            >>> QuantifierElements().NOT({'type': 'null'}).validate(0)
        """
        return Element({'not': _check_schema_arg(TYPE, 'NOT(TYPE)')})


def _schema_list(name, types):
    if not types:
        raise SchemaElementError(f'{name}() needs at least one schema (JSON Schema '
                                 f'rejects an empty list)')
    return [_check_schema_arg(t, f'{name} argument {i}') for i, t in enumerate(types)]


class ContainerElements:
    """
    Elements that hold others: ``ARRAY`` and ``OBJECT``.

    Example:
        >>> c = ContainerElements()
        >>> c.ARRAY(), c.OBJECT()
        ({'type': 'array', 'items': {}}, {'type': 'object', 'properties': {}})
    """

    def ARRAY(self, TYPE=None, **kw):
        """
        A list whose items all match ``TYPE`` (default: anything).

        ``numItems=n`` is short for ``minItems=n, maxItems=n``.

        Example:
            >>> ContainerElements().ARRAY({'type': 'integer'}, numItems=4)
            {'type': 'array', 'items': {'type': 'integer'}, 'minItems': 4, 'maxItems': 4}
        """
        items = {} if TYPE is None else _check_schema_arg(TYPE, 'ARRAY(TYPE)')
        array = Element({'type': 'array', 'items': items}, KIND_OPTIONS['array'],
                        _magic=_array_shorthands)
        return array(**kw)

    def OBJECT(self, PROPERTIES=None, **kw):
        """
        A dict whose listed keys match their schemas; ``required=[...]``
        names the keys that must be present.  ``properties=`` may be given
        instead of the positional ``PROPERTIES``.

        Example:
            >>> ContainerElements().OBJECT({'id': {'type': 'integer'}}, required=['id'])
            {'type': 'object', 'properties': {'id': {'type': 'integer'}}, 'required': ['id']}
        """
        if PROPERTIES is not None and 'properties' in kw:
            raise SchemaElementError('OBJECT() was given both PROPERTIES and properties=')
        props = kw.pop('properties', PROPERTIES)
        if props is None:
            props = {}
        if not isinstance(props, Mapping):
            raise SchemaElementError(f'OBJECT(PROPERTIES) must map key names to '
                                     f'schemas, got {type(props).__name__}')
        props = {key: _check_schema_arg(value, f'OBJECT property {key!r}')
                 for key, value in props.items()}
        obj = Element({'type': 'object', 'properties': props}, KIND_OPTIONS['object'])
        return obj(**kw)


class SchemaElements(ScalarElements, QuantifierElements, ContainerElements):
    """
    All the element makers in one object (the module's :data:`elem`):
    ``elem.STRING``, ``elem.ARRAY(...)``, ``elem.ANYOF(...)`` ...

    Example:
        >>> elem = SchemaElements()
        >>> elem.OBJECT({'tags': elem.ARRAY(elem.STRING)})
        {'type': 'object', 'properties': {'tags': {'type': 'array', 'items': {'type': 'string'}}}}
    """


elem = SchemaElements()

ANY = elem.ANY
NULL = elem.NULL
BOOLEAN = elem.BOOLEAN
INTEGER = elem.INTEGER
NUMBER = elem.NUMBER
STRING = elem.STRING
ANYOF = elem.ANYOF
ONEOF = elem.ONEOF
ALLOF = elem.ALLOF
NOT = elem.NOT
ARRAY = elem.ARRAY
OBJECT = elem.OBJECT
