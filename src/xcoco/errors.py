"""
The xcoco error tree.

Every error a user can trigger is an :class:`XcocoError`.  Where kwcoco
raises a builtin type for the same mistake, the xcoco class also subclasses
that builtin so existing ``except KeyError`` / ``except ValueError`` clauses
keep working after ``import xcoco as kwcoco``.

.. code::

    XcocoError
    ├── ManifestError            a file cannot be read as a manifest
    │   ├── ManifestNotFoundError   (also FileNotFoundError)
    │   ├── MalformedJSONError      (also ValueError)  line / column
    │   ├── ManifestStructureError  (also ValueError)  wrong top-level shape
    │   ├── DuplicateIdError        (also ValueError)  repeated ids / names
    │   └── UnserializableError     (also TypeError)   a value JSON cannot hold
    ├── AddError                 (also ValueError)     an edit was refused
    │   ├── DuplicateAddError
    │   └── InvalidAddError
    ├── UnknownIdError           (also KeyError)       a lookup missed
    ├── ChannelError             (also ValueError)     channels not found
    ├── UnitMismatchError        (also ValueError)     resolution units differ
    ├── DemoKeyError             (also ValueError)     unknown demo key
    └── MissingDependencyError   (also ImportError)    an optional extra

Example:
    >>> import xcoco
    >>> dset = xcoco.CocoDataset()
    >>> try:
    ...     dset.add_annotation(image_id=7, category_id=1, bbox=[0, 0, 1, 1])
    ... except KeyError as ex:
    ...     print(type(ex).__name__, isinstance(ex, xcoco.XcocoError))
    UnknownIdError True
"""

__all__ = [
    'XcocoError', 'ManifestError', 'ManifestNotFoundError',
    'MalformedJSONError', 'ManifestStructureError', 'DuplicateIdError',
    'UnserializableError', 'AddError', 'DuplicateAddError', 'InvalidAddError', 'UnknownIdError',
    'ChannelError', 'UnitMismatchError', 'DemoKeyError',
    'MissingDependencyError',
]


class XcocoError(Exception):
    """
    Base class of every error xcoco raises on purpose.

    Example:
        >>> issubclass(DuplicateAddError, XcocoError)
        True
    """


class ManifestError(XcocoError):
    """
    A file or object could not be read as a COCO manifest.

    Attributes:
        fpath (str | None): the file involved, if any.

    Example:
        >>> err = ManifestError('broken', fpath='a.json')
        >>> err.fpath
        'a.json'
    """

    def __init__(self, message, fpath=None):
        super().__init__(message)
        self.fpath = fpath


class ManifestNotFoundError(ManifestError, FileNotFoundError):
    """
    The manifest path does not exist.

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoDataset('/nonexistent/data.kwcoco.json')
        ... except FileNotFoundError as ex:
        ...     print('not found:', ex.fpath)
        not found: /nonexistent/data.kwcoco.json
    """

    def __str__(self):
        # FileNotFoundError.__str__ would print its (errno, strerror) pair.
        return self.args[0] if self.args else ''


class MalformedJSONError(ManifestError, ValueError):
    """
    The file is not valid JSON; ``line`` and ``column`` locate the problem.

    Example:
        >>> err = MalformedJSONError('bad', fpath='a.json', line=3, column=7)
        >>> (err.line, err.column)
        (3, 7)
    """

    def __init__(self, message, fpath=None, line=None, column=None):
        super().__init__(message, fpath=fpath)
        self.line = line
        self.column = column


class ManifestStructureError(ManifestError, ValueError):
    """
    The JSON parsed, but its shape is not a manifest (e.g. the top level is a
    list, or a table is not a list of objects).

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoDataset({'images': {'id': 1}})
        ... except ValueError as ex:
        ...     print(ex)
        manifest table 'images' must be a list of objects, got dict
    """


class DuplicateIdError(ManifestError, ValueError):
    """
    A table repeats an id (or a unique name); ``table`` and ``ids`` say which.

    Example:
        >>> import xcoco
        >>> data = {'images': [{'id': 1, 'file_name': 'a.png'},
        ...                    {'id': 1, 'file_name': 'b.png'}]}
        >>> try:
        ...     xcoco.CocoDataset(data)
        ... except xcoco.DuplicateIdError as ex:
        ...     print(ex.table, ex.ids)
        images [1]
    """

    def __init__(self, message, fpath=None, table=None, ids=None):
        super().__init__(message, fpath=fpath)
        self.table = table
        self.ids = ids


class UnserializableError(ManifestError, TypeError):
    """
    The manifest holds a value that cannot be written as JSON; the message
    names the table, the object id and the field.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png', handle=object())
        >>> try:
        ...     dset.dumps()
        ... except xcoco.UnserializableError as ex:
        ...     print(str(ex).split(' (Type')[0])
        cannot write the manifest as JSON: table 'images' item 0 (id=1) field 'handle'
    """


class AddError(XcocoError, ValueError):
    """
    An edit (add / ensure) was refused; the dataset is left unchanged.

    Example:
        >>> issubclass(AddError, ValueError)
        True
    """


class DuplicateAddError(AddError):
    """
    The object to add repeats an existing id or unique name.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> _ = dset.add_category('cat')
        >>> try:
        ...     dset.add_category('cat')
        ... except xcoco.DuplicateAddError as ex:
        ...     print(ex)
        cannot add category: name='cat' already exists (id=1)
    """


class InvalidAddError(AddError):
    """
    The object to add is malformed (missing or ill-typed fields).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> try:
        ...     dset.add_image()
        ... except xcoco.InvalidAddError as ex:
        ...     print(ex)
        cannot add image: at least one of 'file_name' or 'name' is required
    """


class UnknownIdError(XcocoError, KeyError):
    """
    A lookup by id or name found nothing.

    Attributes:
        table (str): which table was searched.
        key: the id or name that was missing.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> try:
        ...     dset.remove_images([3])
        ... except KeyError as ex:
        ...     print(ex)
        no image with id=3
    """

    def __init__(self, message, table=None, key=None):
        super().__init__(message)
        self.table = table
        self.key = key

    def __str__(self):
        # KeyError.__str__ would repr() the message, adding quotes.
        return self.args[0] if self.args else ''


class ChannelError(XcocoError, ValueError):
    """
    Requested channels are not available, or a channel spec is malformed.

    Example:
        >>> issubclass(ChannelError, ValueError)
        True
    """


class UnitMismatchError(XcocoError, ValueError):
    """
    A requested resolution's unit differs from the registered one.

    Example:
        >>> issubclass(UnitMismatchError, ValueError)
        True
    """


class DemoKeyError(XcocoError, ValueError):
    """
    A demo key could not be parsed.

    Example:
        >>> issubclass(DemoKeyError, ValueError)
        True
    """


class MissingDependencyError(XcocoError, ImportError):
    """
    An optional dependency is needed; the message says which extra installs it.

    Example:
        >>> issubclass(MissingDependencyError, ImportError)
        True
    """
