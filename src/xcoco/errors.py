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
    │   ├── ManifestReadError       (also OSError)  no permission, bad name, I/O
    │   ├── MalformedJSONError      (also ValueError)  line / column
    │   ├── ManifestStructureError  (also ValueError)  wrong shape
    │   │   └── FieldTypeError      (also TypeError)   an id / reference / name
    │   │                                              the index cannot use
    │   ├── DuplicateIdError        (also ValueError)  repeated unique names
    │   ├── UnserializableError     (also TypeError)   a value JSON cannot hold
    │   │   └── CircularReferenceError  (also ValueError)  data contains itself
    │   └── FormatError             (also ValueError)  a dialect row (xcoco.formats)
    │       └── FormatGuessError                       no known dialect fits
    ├── AddError                 (also ValueError)     an edit was refused
    │   ├── DuplicateAddError                          id / name taken
    │   ├── InvalidAddError                            malformed value
    │   │   └── AddTypeError        (also TypeError)   value of the wrong type
    │   └── ReadOnlyFieldError                         field not settable there
    ├── UnknownIdError           (also KeyError)       a lookup missed
    ├── MissingFieldError        (also KeyError)       an object lacks a field
    ├── InvalidIdError           (also TypeError)      not an id at all
    ├── GeometryError            (also ValueError)     malformed bbox / polygon
    ├── CategoryTreeError        (also ValueError)     categories form no hierarchy
    ├── ChannelError             (also ValueError)     channels not found
    ├── UnknownSpaceError        (also KeyError)       not image / video / asset
    ├── ResolutionError          (also ValueError)     unreadable resolution
    │   └── UnitMismatchError                          resolution units differ
    ├── FilePathError            (also ValueError)     no path can be formed
    │   └── PathEscapeError                            a file name leaves its bundle
    ├── DetachedError            (also ValueError)     needs a parent dataset
    ├── RerootError              (also FileNotFoundError)  files would be lost
    ├── DemoKeyError             (also ValueError)     unknown demo key
    ├── FrozenError              (also TypeError)      edit of a frozen snapshot
    ├── FrozenSnapshotError      (also OSError)        unusable snapshot folder
    ├── DemoCacheError           (also OSError)        demo bundle unusable
    ├── SchemaElementError       (also TypeError)      bad schema-element option
    ├── ArchiveError             (also ValueError)     not a zip / tar, bad mode
    │   └── ArchiveNotFoundError    (also FileNotFoundError)
    ├── MissingDependencyError   (also ImportError)    an optional extra
    ├── DatabaseServerError      (also OSError)        a test server did not start
    ├── DatabaseError                                  the SQL backend cannot use a database
    │   ├── DatabaseURIError        (also ValueError)  the URI does not parse
    │   ├── DatabaseConnectionError (also ConnectionError)  the server refused
    │   └── DatabaseSchemaError     (also ValueError)  another schema version
    ├── KwcocoAliasError         (also ImportError)    kwcoco cannot be served
    └── UsageError               (also ValueError)     a command line option is wrong

Example:
    >>> import xcoco
    >>> dset = xcoco.CocoDataset()
    >>> try:
    ...     dset.add_annotation(image_id=7, category_id=1, bbox=[0, 0, 1, 1])
    ... except KeyError as ex:
    ...     print(type(ex).__name__, isinstance(ex, xcoco.XcocoError))
    UnknownIdError True
"""
from __future__ import annotations

from typing import Any

__all__ = [
    'AddError',
    'AddTypeError',
    'ArchiveError',
    'ArchiveNotFoundError',
    'CategoryTreeError',
    'ChannelError',
    'CircularReferenceError',
    'DatabaseConnectionError',
    'DatabaseError',
    'DatabaseSchemaError',
    'DatabaseServerError',
    'DatabaseURIError',
    'DemoCacheError',
    'DemoKeyError',
    'DetachedError',
    'DuplicateAddError',
    'DuplicateIdError',
    'FieldTypeError',
    'FilePathError',
    'FormatError',
    'FormatGuessError',
    'FrozenError',
    'FrozenSnapshotError',
    'GeometryError',
    'InvalidAddError',
    'InvalidIdError',
    'KwcocoAliasError',
    'MalformedJSONError',
    'ManifestError',
    'ManifestNotFoundError',
    'ManifestReadError',
    'ManifestStructureError',
    'MissingDependencyError',
    'MissingFieldError',
    'PathEscapeError',
    'ReadOnlyFieldError',
    'RerootError',
    'ResolutionError',
    'SchemaElementError',
    'UnitMismatchError',
    'UnknownIdError',
    'UnknownSpaceError',
    'UnserializableError',
    'UsageError',
    'XcocoError',
]


class XcocoError(Exception):
    """
    Base class of every error xcoco raises on purpose.

    Example:
        >>> issubclass(DuplicateAddError, XcocoError)
        True
        >>> str(UnknownIdError('no image id=3')), str(ManifestNotFoundError('no a.json'))
        ('no image id=3', 'no a.json')
    """

    def __str__(self) -> str:
        # The message, as written: KeyError's own __str__ would repr() it
        # (adding quotes) and OSError's would print an (errno, strerror) pair.
        return str(self.args[0]) if self.args else ''


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

    fpath: str | None

    def __init__(self, message: str, fpath: str | None = None) -> None:
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


class ManifestReadError(ManifestError, OSError):
    """
    A manifest file cannot be read: no permission, a name the system
    refuses (too long, a NUL byte), an I/O error.

    Example:
        >>> issubclass(ManifestReadError, OSError)
        True
    """


class MalformedJSONError(ManifestError, ValueError):
    """
    The file is not valid JSON; ``line`` and ``column`` locate the problem.

    Example:
        >>> err = MalformedJSONError('bad', fpath='a.json', line=3, column=7)
        >>> (err.line, err.column)
        (3, 7)
    """

    line: int | None
    column: int | None

    def __init__(self, message: str, fpath: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
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


class FieldTypeError(ManifestStructureError, TypeError):
    """
    A field the index relies on (an id, a reference such as ``image_id``, a
    name, a file name, a frame index) holds a value of an unusable type.
    ``table``, ``position``, ``id`` and ``field`` say where.

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoDataset({'images': [{'id': 1, 'file_name': ['a.png']}]})
        ... except xcoco.FieldTypeError as ex:
        ...     print(ex.table, ex.position, ex.field)
        images 0 file_name
    """

    table: str | None
    position: int | None
    id: Any
    field: str | None

    def __init__(self, message: str, fpath: str | None = None,
                 table: str | None = None, position: int | None = None,
                 id: Any = None, field: str | None = None) -> None:
        super().__init__(message, fpath=fpath)
        self.table = table
        self.position = position
        self.id = id
        self.field = field


class DuplicateIdError(ManifestError, ValueError):
    """
    A table repeats a name that must be unique (category and video names);
    ``table`` and ``ids`` say which.  (A repeated *id* loads, as in kwcoco,
    with a UserWarning; ``validate`` reports it.)

    Example:
        >>> import xcoco
        >>> data = {'categories': [{'id': 1, 'name': 'cat'},
        ...                        {'id': 2, 'name': 'cat'}]}
        >>> try:
        ...     xcoco.CocoDataset(data)
        ... except xcoco.DuplicateIdError as ex:
        ...     print(ex.table, ex.ids)
        categories [1]
    """

    table: str | None
    ids: list[Any] | None

    def __init__(self, message: str, fpath: str | None = None,
                 table: str | None = None, ids: list[Any] | None = None) -> None:
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


class CircularReferenceError(UnserializableError, ValueError):
    """
    Data meant to be JSON contains itself (a list or dict that holds a
    reference to one of its ancestors); the message gives the path.

    Example:
        >>> from xcoco.util.util_json import ensure_json_serializable
        >>> data = {'a': []}
        >>> data['a'].append(data)
        >>> try:
        ...     ensure_json_serializable(data)
        ... except ValueError as ex:
        ...     print(type(ex).__name__, '|', ex)
        CircularReferenceError | Circular reference detected at ['a', 0]: the container contains itself, which JSON cannot represent
    """


class AddError(XcocoError, ValueError):
    """
    An edit (add, ensure, or a set through a view) was refused; the dataset
    is left unchanged.

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


class AddTypeError(InvalidAddError, TypeError):
    """
    An edit was given an id, reference, name, file name or frame index of
    the wrong type.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> try:
        ...     dset.add_annotation(image_id=[1])
        ... except TypeError as ex:
        ...     print(type(ex).__name__, '|', ex)
        AddTypeError | cannot add annotation: image_id=[1] is a list; expected an int or a string
    """


class ReadOnlyFieldError(AddError):
    """
    A field cannot be set that way (ids are fixed; some fields have their
    own method); the message names the method to use.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> try:
        ...     dset.images().set('id', [5])
        ... except xcoco.ReadOnlyFieldError as ex:
        ...     print(ex)
        cannot set 'id' of images through a view: ids are fixed (add a new image and remove the old one)
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
        cannot remove images: no image with id=3
    """

    table: str | None
    key: Any

    def __init__(self, message: str, table: str | None = None, key: Any = None) -> None:
        super().__init__(message)
        self.table = table
        self.key = key


class MissingFieldError(XcocoError, KeyError):
    """
    An object lacks a field that was asked for; ``table``, ``id`` and
    ``field`` say which.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> try:
        ...     dset.images().lookup('width')
        ... except KeyError as ex:
        ...     print(type(ex).__name__, '|', ex)
        MissingFieldError | image id=1 has no field 'width' (pass default= to fill missing values)
    """

    table: str | None
    id: Any
    field: str | None

    def __init__(self, message: str, table: str | None = None, id: Any = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.table = table
        self.id = id
        self.field = field


class InvalidIdError(XcocoError, TypeError):
    """
    A value given where an id (or name) was expected cannot be one: it is
    unhashable or of a type no table uses.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> try:
        ...     dset.remove_images([[1, 2]])
        ... except TypeError as ex:
        ...     print(type(ex).__name__, '|', ex)
        InvalidIdError | cannot remove images: [1, 2] (position 0) is a list, not an image id, name or dict
    """


class GeometryError(XcocoError, ValueError):
    """
    A geometry field of the manifest (bbox, segmentation, keypoints) is
    malformed.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('a.png')
        >>> dset.dataset['annotations'].append({'id': 1, 'image_id': gid, 'bbox': [0, 0, 1]})
        >>> dset.rebuild_index()
        >>> try:
        ...     dset.annots().boxes
        ... except xcoco.GeometryError as ex:
        ...     print(ex)
        annotation id=1 field 'bbox': [0, 0, 1] is not [x, y, w, h] with 4 numbers
    """


class CategoryTreeError(XcocoError, ValueError):
    """
    Categories do not form a hierarchy: a name defined twice, or
    supercategory links that make a cycle.

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CategoryTree.from_coco([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'a'}])
        ... except xcoco.CategoryTreeError as ex:
        ...     print(ex)
        category name 'a' is defined twice
    """


class ChannelError(XcocoError, ValueError):
    """
    Requested channels are not available, or a channel spec is malformed.

    Example:
        >>> issubclass(ChannelError, ValueError)
        True
    """


class UnknownSpaceError(XcocoError, KeyError):
    """
    A ``space`` argument is not 'image', 'video' or 'asset' (a KeyError, as
    in kwcoco).

    Example:
        >>> issubclass(UnknownSpaceError, KeyError)
        True
    """


class ResolutionError(XcocoError, ValueError):
    """
    A resolution cannot be read or used (e.g. ``'fast'``, or asset-space
    resolution asked without naming the asset).

    Example:
        >>> issubclass(ResolutionError, ValueError)
        True
    """


class UnitMismatchError(ResolutionError):
    """
    A requested resolution's unit differs from the registered one.

    Example:
        >>> issubclass(UnitMismatchError, ValueError)
        True
    """


class FilePathError(XcocoError, ValueError):
    """
    No file path can be formed: the object has no ``file_name``, or the
    name is relative and no bundle folder is known.

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoAsset({'file_name': 'b.tif'}).image_filepath()
        ... except xcoco.FilePathError as ex:
        ...     print(ex)
        CocoAsset file_name='b.tif' is relative but no bundle_dpath is known: attach a dataset or set bundle_dpath
    """


class PathEscapeError(FilePathError):
    """
    An operation that writes, copies or deletes files was asked to touch a
    file outside its bundle (or target) folder: an absolute name, a name
    that climbs out with ``..``, or a symbolic link leading out.  Nothing
    was changed; pass ``allow_escape=True`` (CLI ``--allow_escape``) to go
    ahead.  ``image_id``, ``field`` and ``file_name`` say which name.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset()
        >>> gid = dset.add_image('../../outside.png', coco_url='https://example.com/x.png')
        >>> try:
        ...     dset.download(dpath=dset.bundle_dpath, verbose=0)
        ... except xcoco.PathEscapeError as ex:
        ...     print(ex.image_id, ex.field, ex.file_name)
        1 file_name ../../outside.png
    """

    image_id: Any
    field: str | None
    file_name: str | None

    def __init__(self, message: str, image_id: Any = None, field: str | None = None,
                 file_name: str | None = None) -> None:
        super().__init__(message)
        self.image_id = image_id
        self.field = field
        self.file_name = file_name


class DetachedError(XcocoError, ValueError):
    """
    The operation needs the dataset a ``CocoImage`` belongs to, and it has
    none.

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoImage({'id': 1}).annots()
        ... except xcoco.DetachedError as ex:
        ...     print(ex)
        CocoImage(id=1).annots needs a parent dataset: build it with dset.coco_image(gid)
    """


class RerootError(XcocoError, FileNotFoundError):
    """
    Rerooting would make files that exist now unreachable.

    Example:
        >>> issubclass(RerootError, FileNotFoundError)
        True
    """


class DemoCacheError(XcocoError, OSError):
    """
    A demo bundle could not be built or published in its cache folder.

    Example:
        >>> issubclass(DemoCacheError, OSError)
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


class KwcocoAliasError(XcocoError, ImportError):
    """
    xcoco cannot serve the ``kwcoco`` module name: the real kwcoco (or one
    of its submodules) is already imported in this process, so code holding
    it would mix the two libraries.

    Example:
        >>> issubclass(KwcocoAliasError, ImportError)
        True
    """


class SchemaElementError(XcocoError, TypeError):
    """
    A JSON Schema element (:mod:`xcoco.util.jsonschema_elements`) was given
    an option that its kind of element does not take, or an argument that
    is not a schema.

    Example:
        >>> from xcoco.util.jsonschema_elements import STRING
        >>> try:
        ...     STRING(minItems=3)
        ... except SchemaElementError as ex:
        ...     print(ex)
        the 'string' schema element takes no option 'minItems' (its options: contentEncoding, contentMediaType, format, maxLength, minLength, pattern; and, like every element, annotations such as title, description, default, examples, or const, enum, anyOf ...)
    """


class ArchiveError(XcocoError, ValueError):
    """
    A file cannot be used as a zip / tar archive (unknown kind, wrong mode,
    or a member that would land outside the extraction folder).

    Example:
        >>> import tempfile, ubelt as ub
        >>> from xcoco.util.util_archive import Archive
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'notes.txt'
        >>> _ = fpath.write_text('not an archive')
        >>> try:
        ...     Archive(fpath)
        ... except ArchiveError as ex:
        ...     print(str(ex).replace(str(fpath), '<fpath>'))
        cannot open '<fpath>' as an archive: it is neither a zip nor a tar file
    """


class ArchiveNotFoundError(ArchiveError, FileNotFoundError):
    """
    The archive to read does not exist.

    Example:
        >>> issubclass(ArchiveNotFoundError, FileNotFoundError)
        True
    """


class FormatError(ManifestError, ValueError):
    """
    A file in one of the COCO dialects (``xcoco.formats``) has a row that
    dialect cannot hold: the message names the dialect, the table, the row
    (position and id) and the field.

    Example:
        >>> issubclass(FormatError, ValueError)
        True
    """


class FormatGuessError(FormatError):
    """
    ``xcoco.formats.guess`` could not place a document in any known dialect;
    the message lists what it saw and the known formats.

    Example:
        >>> issubclass(FormatGuessError, FormatError)
        True
    """


class UsageError(XcocoError, ValueError):
    """
    A command (``xcoco <verb>`` or a ``...CLI`` class of :mod:`xcoco.cli`)
    was given options that do not fit together or a value it cannot use;
    the command line exits with status 2.

    Example:
        >>> issubclass(UsageError, ValueError)
        True
    """


class DatabaseServerError(XcocoError, OSError):
    """
    A throw-away database server (:mod:`xcoco.testing_pg`) could not be
    set up, started or used; the message holds the end of its log.

    Example:
        >>> issubclass(DatabaseServerError, OSError)
        True
    """


class DatabaseError(XcocoError):
    """
    The SQL backend (:mod:`xcoco.sql`) cannot use a database: the message
    names the database (its URI, password hidden) and what went wrong.

    Example:
        >>> issubclass(DatabaseError, XcocoError)
        True
    """


class FrozenError(XcocoError, TypeError):
    """
    An edit was asked of a read-only frozen snapshot
    (:class:`xcoco.FrozenCocoDataset`); ``thaw()`` gives an editable copy.

    Example:
        >>> issubclass(FrozenError, TypeError)
        True
    """


class FrozenSnapshotError(XcocoError, OSError):
    """
    A frozen snapshot folder cannot be used: missing, partial, damaged,
    or from another format version (the message names the folder and file).

    Example:
        >>> issubclass(FrozenSnapshotError, OSError)
        True
    """


class DatabaseURIError(DatabaseError, ValueError):
    """
    A database URI that does not parse, or names a backend xcoco does not
    speak (``sqlite:///path``, a plain path, or ``postgresql://...``).

    Example:
        >>> import xcoco
        >>> try:
        ...     xcoco.CocoSqlDatabase('mysql://host/db')
        ... except DatabaseURIError as ex:
        ...     print(ex)
        cannot open database 'mysql://host/db': unknown scheme 'mysql' (expected a path, sqlite:///<path> or postgresql://[user[:password]@]host[:port]/dbname)
    """


class DatabaseConnectionError(DatabaseError, ConnectionError):
    """
    The database server refused the connection (or the SQLite file cannot
    be opened).

    Example:
        >>> issubclass(DatabaseConnectionError, ConnectionError)
        True
    """


class DatabaseSchemaError(DatabaseError, ValueError):
    """
    The database was written by another version of xcoco's schema (or is
    not an xcoco database at all).

    Example:
        >>> issubclass(DatabaseSchemaError, ValueError)
        True
    """
