"""
Regenerate docs/coming_from_kwcoco.rst: every public name of kwcoco's core
modules (and of pycocotools' COCO) with its status in xcoco.

Run by hand with kwcoco and pycocotools installed (they are peers, never
imported by xcoco itself):

    python dev/parity_table.py > docs/coming_from_kwcoco.rst

A name is "same" when it exists in xcoco and no note says otherwise; the
statuses and reasons that need words live in ``NOTES`` below.
tests/test_parity_table.py checks the written table against the code.
"""
import importlib
import inspect
import sys
import warnings

import pycocotools.coco

warnings.simplefilter('ignore')

D = 'kwcoco.coco_dataset:CocoDataset'
IMG = 'kwcoco.coco_image:CocoImage'
#: (kwcoco owner, name) -> (status, why)
NOTES = {
    (D, '_state'): ('same', 'instance attribute: was_loaded, was_saved (set by dump)'),
    (D, '_tree'): ('missing', 'a developer helper that prints the bundle folder through xdev; use the shell tree command'),
    (D, 'view_sql'): ('better', 'SQLite or PostgreSQL; cached beside the manifest and rebuilt when the JSON changes (never over edits made through it); the view takes edits, in transactions'),
    (D, 'download'): ('better', 'refuses a file_name that would land outside dpath before fetching anything; writes atomically'),
    (D, 'add_image'): ('different', 'strict where kwcoco is lax: an unknown category or a malformed bbox is refused with a specific error (a refused add changes nothing)'),
    (D, 'add_annotation'): ('different', 'strict where kwcoco is lax: unknown image/category ids and malformed boxes are refused with a specific error; a refused add changes nothing'),
    (D, 'add_annotations'): ('better', 'checks the whole batch before adding any (a refused batch changes nothing)'),
    (D, 'add_images'): ('better', 'checks the whole batch before adding any (a refused batch changes nothing)'),
    (D, 'rename_categories'): ('better', 'also takes a callable; supercategory links follow the rename; a category renamed to a name that another category leaves keeps its own id and fields (kwcoco reuses the leaving one)'),
    (D, 'stats'): ('different', "image_attrs/annot_attrs count 0 and False as values (kwcoco skips every falsy value, e.g. frame_index 0); extended stats are float64"),
    (D, 'extended_stats'): ('different', 'float64 summaries and plain ints (kwcoco: float32 and numpy ints); same keys and values'),
    (D, 'draw_image'): ('different', 'returns an RGB uint8 image (kwcoco returns RGBA)'),
    (D, 'find_representative_images'): ('different', 'a greedy cover of every category plus the most and least crowded images; kwcoco uses its own heuristic, so the chosen ids may differ'),
    (D, 'boxsize_stats'): ('better', 'anchors from a built-in k-means: no scikit-learn needed'),
    (D, '_check_json_serializable'): ('better', 'numpy values, tuples and paths are not reported: dump writes them'),
    (D, 'validate'): ('better', 'reports every problem with rule, JSON path, id and message (kwcoco stops at the first schema error)'),
    (D, 'remove_videos'): ('better', 'keep_images=True unlinks the frames instead of removing them'),
    (D, 'subset'): ('same', 'keeps all categories, as kwcoco'),
    (D, 'union'): ('better', 'differing MS-COCO info dicts are all kept (first as is, all under union_of)'),
    (D, 'hashid'): ('different', 'a property computed on demand and cached until the next edit (kwcoco: an attribute set by _build_hashid)'),
    (D, 'coerce'): ('better', "also backend='memory' | 'sqlite' | 'postgresql' (kwcoco's sqlview=True works), bare demo keys, database URIs"),
    (D, 'dump'): ('better', 'atomic; text and binary file objects; compress=True into a path or a binary file object'),
    (D, 'conform'): ('better', 'also pycocotools=True (info + legacy encodings together)'),
    (D, 'corrupted_images'): ('different', 'lists files that exist but do not decode (kwcoco lists missing files there too); missing files are reported by missing_images'),
    (IMG, 'add_annotation'): ('same', ''),
}
T = 'kwcoco.category_tree:CategoryTree'
P = 'pycocotools.coco:COCO'
NOTES.update({
    (T, '__json__'): ('better', "kwcoco's state format; ids come back as ints after a JSON round trip"),
    (T, 'show'): ('different', 'own top-down layout in matplotlib (no pygraphviz); returns the axes'),
    (T, 'forest_str'): ('better', "works on networkx 3.6 (kwcoco's calls the removed nx.forest_str)"),
    (T, 'normalize'): ('different', 'two names that normalize alike raise CategoryTreeError instead of merging silently; supercategory is normalized too'),
    (T, 'to_coco'): ('better', 'a class with several parents gets a parents list (kwcoco raises)'),
    (T, 'subgraph'): ('better', 'closure=False keeps only the requested classes (kwcoco adds their children as bare nodes)'),
    (P, 'download'): ('better', 'fetches coco_url into tarDir through CocoDataset.download: confined to tarDir, atomic writes'),
    (P, 'getAnnIds'): ('better', 'same results; None means no filter, a lone id works, an annotation without area under areaRng is a MissingFieldError naming it'),
    (P, 'getCatIds'): ('better', "same results; catNms='dog' is one name (pycocotools matches substrings of a string)"),
    (P, 'loadAnns'): ('better', 'numpy integer ids work; an unknown id is an UnknownIdError naming it'),
    (P, 'loadCats'): ('better', 'numpy integer ids work; an unknown id is an UnknownIdError naming it'),
    (P, 'loadImgs'): ('better', 'numpy integer ids work; an unknown id is an UnknownIdError naming it'),
    (P, 'annToRLE'): ('better', "exact pycocotools masks; also takes an id, and kwcoco's encodings (holed polygons, WKT, mask files)"),
    (P, 'annToMask'): ('better', "exact pycocotools masks; also takes an id, and kwcoco's encodings"),
    (P, 'loadRes'): ('better', "same fields and COCOeval numbers; [] works, input dicts are not modified, an unknown image id is named"),
    (P, 'info'): ('better', 'no info prints nothing instead of raising KeyError'),
    (P, 'showAnns'): ('same', 'needs matplotlib (MissingDependencyError otherwise)'),
    (P, 'createIndex'): ('same', 'rebuilds the xcoco index'),
})

_SQL = ("kwcoco's demo of its view; use CocoDataset.demo(key).view_sql()")
_SQL_INTERNAL = ("part of kwcoco's SQLAlchemy implementation (ORM tables, proxies, version "
                 "flags), not an API users call; xcoco.sql has its own (schema.py, proxies.py)")
for _name in ['ALCHEMY_MODE_DEFAULT', 'Annotation', 'Category', 'CocoBase', 'Column', 'DictLike',
              'FallbackCocoBase', 'Float', 'IS_GE_SQLALCH_2x', 'Image', 'Index', 'Integer', 'JSON',
              'JSONVariant', 'KeypointCategory', 'MixinCocoAccessors', 'MixinCocoDraw',
              'MixinCocoObjects', 'MixinCocoSchema', 'MixinCocoStats', 'SCHEMA_VERSION',
              'SQL_ERROR_TYPES', 'SqlDictProxy', 'SqlIdGroupDictProxy', 'SqlListProxy', 'String',
              'Track', 'UNSTRUCTURED', 'Version', 'Video', 'devcheck', 'dict_restructure',
              'orm_to_dict', 'sqlalchemy', 'sqlalchemy_version', 'sqlalchemy_version_str', 'text',
              'CocoSqlIndex', 'JSONB', 'classname', 'cls', 'declarative_base', 'mapper',
              'sqlite3', 'tblname']:
    NOTES[('kwcoco.coco_sql_dataset', _name)] = ('missing', _SQL_INTERNAL)
NOTES[('kwcoco.coco_sql_dataset', 'demo')] = ('missing', _SQL)
_SQL_BETTER = ("xcoco.sql: SQLite and PostgreSQL, edits in transactions with concurrent "
               "writers, forked workers reconnect by themselves, snapshot() reads; "
               "kwcoco's is read-only")
NOTES[('kwcoco.coco_sql_dataset', 'CocoSqlDatabase')] = ('better', _SQL_BETTER)
NOTES[('kwcoco', 'CocoSqlDatabase')] = ('better', _SQL_BETTER)
NOTES[('kwcoco.coco_sql_dataset', 'CocoDataset')] = ('same', 're-exported, as kwcoco')
NOTES[('kwcoco.coco_sql_dataset', 'AbstractCocoDataset')] = ('same', 're-exported, as kwcoco')
J = 'kwcoco.util.util_json'
A = 'kwcoco.util.util_archive'
E = 'kwcoco.util.jsonschema_elements'
S = 'kwcoco.coco_schema'
NOTES.update({
    (J, 'ensure_json_serializable'): ('better', 'also converts numpy bools, sets, numpy / path dict keys and a bare numpy value'),
    (J, 'find_json_unserializable'): ('better', 'also checks the values under a bad key; cycles raise CircularReferenceError'),
    (A, 'Archive'): ('better', 'reads and writes plain .tar, .tar.bz2 and .tar.xz too; refuses members that would extract outside the folder'),
    (A, 'unarchive_file'): ('better', 'refuses members that would extract outside the output folder, before writing anything'),
    (E, 'SchemaElements'): ('better', 'an option an element does not take raises SchemaElementError (kwcoco drops it silently)'),
    (S, 'COCO_SCHEMA'): ('different', "xcoco's own schema of the same data model (seed 000); accepts MS-COCO info dicts; shipped as xcoco/manifest/coco_schema.json"),
    (S, 'TUPLE'): ('better', 'checks each position (kwcoco fixes only the length)'),
    ('kwcoco', 'CocoSqlDatabase'): NOTES[('kwcoco', 'CocoSqlDatabase')],
})
_DEMO_INTERNAL = ("a step of kwcoco's own random toy-data renderer; xcoco's demo data is drawn "
                  "by its own generators (xcoco.demo), so its internals have other names")
for _mod in ['kwcoco.demo.toydata_image', 'kwcoco.demo.toydata_video']:
    for _name in ['CategoryPatterns', 'false_color', 'populate_random_timestamps',
                  'random_multi_object_path', 'random_path', 'render_background',
                  'render_foreground', 'render_toy_dataset', 'render_toy_image']:
        NOTES[(_mod, _name)] = ('missing', _DEMO_INTERNAL)
NOTES[('kwcoco.demo.toydata_image', 'TOYDATA_IMAGE_VERSION')] = ('missing', "the cache version of kwcoco's renderer; xcoco's demo cache keys carry their own")
NOTES[('kwcoco.demo.toydata_video', 'TOYDATA_VIDEO_VERSION')] = ('missing', "the cache version of kwcoco's renderer; xcoco's demo cache keys carry their own")
NOTES[('kwcoco.demo.toydata_video', 'ChannelSpec')] = ('missing', 'an import of kwcoco; use xcoco.channel_spec.ChannelSpec')
NOTES[('kwcoco.demo.toydata_video', 'FusedChannelSpec')] = ('missing', 'an import of kwcoco; use xcoco.channel_spec.FusedChannelSpec')
NOTES[('kwcoco.util', 'StratifiedGroupKFold')] = ('missing', 'needs scikit-learn, which is not a dependency of xcoco')
NOTES[('kwcoco.util', 'util_sklearn')] = ('missing', 'needs scikit-learn, which is not a dependency of xcoco')
NOTES[('kwcoco.util', 'util_monkey')] = ('missing', "kwcoco's internal monkey-patching helpers for its own tests")
NOTES[('kwcoco.util', 'lazy_frame_backends')] = ('missing', "kwcoco's old lazy GDAL frame loaders, replaced by delayed-image (which xcoco uses)")


def public(obj, extra=()):
    names = set()
    for n in dir(obj):
        if n.startswith('_'):
            continue
        if inspect.isclass(obj) and n in dir(object):
            continue
        names.add(n)
    return sorted(names | set(extra))

MOD_SKIP = {'annotations', 'ub', 'np', 'os', 'Any', 'IO', 'Iterable', 'Mapping', 'TYPE_CHECKING', 'cast',
            'copy', 'defaultdict', 'sys', 'warnings', 'basename', 'dirname', 'exists', 'isdir', 'join', 'relpath',
            'Iterator', 'Literal', 'Sequence', 'TypeVar', 'TypedDict', 'collections', 'overload', 'Callable',
            'OrderedDict', 'json', 'kwarray', 'kwimage', 'Dict', 'List', 'Optional', 'Union', 'Tuple', 'Type',
            'PathLike', 'Protocol', 'it', 'datetime_mod', 'glob', 'NamedTuple', 'decimal', 'fractions', 'pathlib',
            'ModuleType', 'tarfile', 'zipfile', 'ABC', 'deprecated', 'ParsedQuantity', 'parse_quantity',
            'deprecated_function_alias', 'cv2', 'skimage'}

def owner_names(path):
    if path.startswith('pycocotools'):
        return public(pycocotools.coco.COCO)
    modname, _, attr = path.partition(':')
    mod = importlib.import_module(modname)
    obj = mod
    for part in filter(None, attr.split('.')):
        obj = getattr(obj, part)
    if obj is mod:
        names = getattr(mod, '__all__', None) or [n for n in dir(mod) if not n.startswith('_')]
        return sorted(set(names) - MOD_SKIP)
    return public(obj, EXTRA.get(path, ()))

EXTRA = {
    'kwcoco.coco_dataset:CocoDataset': ['_check_index', '_check_integrity', '_check_pointers',
        '_check_json_serializable', '_build_hashid', '_cached_hashid', '_ensure_imgsize', '_state',
        '_resolve_to_ann', '_resolve_to_cat', '_resolve_to_kpcat', '_resolve_to_img', '_resolve_to_gid',
        '_resolve_to_cid', '_alias_to_cat', '_keypoint_category_names', '_lookup_kpnames',
        '_get_img_auxiliary', '_coco_image', '_dataset_id', '_ensure_json_serializable', '_aspycoco',
        '_update_fpath', '_tree', '_cached_hashid_for', '_build_index', '_invalidate_hashid'],
}

OWNERS = [
    ('kwcoco', 'xcoco'),
    ('kwcoco.coco_dataset:CocoDataset', 'xcoco.coco_dataset:CocoDataset'),
    ('kwcoco.coco_image', 'xcoco.coco_image'),
    ('kwcoco.coco_image:CocoImage', 'xcoco.coco_image:CocoImage'),
    ('kwcoco.coco_image:CocoAsset', 'xcoco.coco_image:CocoAsset'),
    ('kwcoco.coco_objects1d', 'xcoco.coco_objects1d'),
    ('kwcoco.coco_objects1d:ObjectList1D', 'xcoco.coco_objects1d:ObjectList1D'),
    ('kwcoco.coco_objects1d:Images', 'xcoco.coco_objects1d:Images'),
    ('kwcoco.coco_objects1d:Annots', 'xcoco.coco_objects1d:Annots'),
    ('kwcoco.coco_objects1d:Categories', 'xcoco.coco_objects1d:Categories'),
    ('kwcoco.coco_objects1d:Videos', 'xcoco.coco_objects1d:Videos'),
    ('kwcoco.coco_objects1d:Tracks', 'xcoco.coco_objects1d:Tracks'),
    ('kwcoco.coco_objects1d:ObjectGroups', 'xcoco.coco_objects1d:ObjectGroups'),
    ('kwcoco.category_tree', 'xcoco.category_tree'),
    ('kwcoco.category_tree:CategoryTree', 'xcoco.category_tree:CategoryTree'),
    ('kwcoco.channel_spec', 'xcoco.channel_spec'),
    ('kwcoco.sensorchan_spec', 'xcoco.sensorchan_spec'),
    ('kwcoco.abstract_coco_dataset', 'xcoco.abstract_coco_dataset'),
    ('kwcoco.coco_schema', 'xcoco.coco_schema'),
    ('kwcoco.exceptions', 'xcoco.exceptions'),
    ('kwcoco.compat_dataset', 'xcoco.compat_dataset'),
    ('pycocotools.coco:COCO', 'xcoco.compat_dataset:COCO'),
    ('kwcoco.coco_sql_dataset', 'xcoco.coco_sql_dataset'),
    ('kwcoco.util', 'xcoco.util'),
    ('kwcoco.util.util_json', 'xcoco.util.util_json'),
    ('kwcoco.util.util_reroot', 'xcoco.util.util_reroot'),
    ('kwcoco.util.util_archive', 'xcoco.util.util_archive'),
    ('kwcoco.util.jsonschema_elements', 'xcoco.util.jsonschema_elements'),
    ('kwcoco.demo.toydata', 'xcoco.demo.toydata'),
    ('kwcoco.demo.toydata_image', 'xcoco.demo.toydata_image'),
    ('kwcoco.demo.toydata_video', 'xcoco.demo.toydata_video'),
]

def resolve(path):
    modname, _, attr = path.partition(':')
    try:
        obj = importlib.import_module(modname)
    except ImportError:
        return None
    for part in filter(None, attr.split('.')):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj

out = []
counts = {}
for kpath, xpath in OWNERS:
    names = owner_names(kpath)
    xobj = resolve(xpath)
    rows = []
    for name in names:
        status, note = NOTES.get((kpath, name), (None, ''))
        inst = None
        if isinstance(xobj, type):
            try:
                inst = xobj()
            except Exception:
                inst = None
        present = xobj is not None and (hasattr(xobj, name) or (inst is not None and hasattr(inst, name)))
        if status is None:
            status = 'same' if present else 'missing'
            if not present:
                note = 'TODO'
        if status != 'missing' and not present:
            status, note = 'missing', 'TODO (listed as present but absent): ' + note
        counts[status] = counts.get(status, 0) + 1
        rows.append((name, status, note))
    out.append((kpath, xpath, rows))

INTRO = """\
Coming from kwcoco or pycocotools
=================================

xcoco is a drop-in for kwcoco's core API and for pycocotools' ``COCO``
class.  Existing code runs unchanged in one of three ways:

* ``import xcoco as kwcoco`` for code that uses only the top-level names;
* ``xcoco.install_as_kwcoco()`` at the top of a notebook or test suite, or
  ``python -m xcoco.as_kwcoco script.py [args]`` for a script: ``kwcoco``
  and every ``kwcoco.*`` module path (``kwcoco.coco_image``,
  ``kwcoco.util.util_json`` ...) are then served by xcoco;
* ``from xcoco.compat_dataset import COCO`` where pycocotools' ``COCO`` was
  used; pycocotools' own ``COCOeval`` runs on it and gives the same numbers.

The tables below list every public name of kwcoco 0.9.1's core modules and
of pycocotools' ``COCO``.  Status:

* **same** -- the name exists and behaves as kwcoco's;
* **better** -- same call, and it also does what the note says;
* **different** -- deliberately different, for the reason given;
* **missing** -- not provided, for the reason given.

Where kwcoco is lax but loses nothing (images added before their video,
repeated ids in a loaded file, ``validate(missing=True)``), xcoco follows
it.  Where kwcoco loses data or crashes, xcoco is stricter and says so in
the notes.  ``tests/test_parity_table.py`` imports every name listed as
present, so the tables cannot drift from the code;
``dev/parity_table.py`` regenerates them.

The command line has kwcoco's verbs and option names (``docs/cli.rst``), and
``kwcoco.cli.coco_stats``, ``coco_subset``, ``coco_union`` … exist with
their ``…CLI`` classes.  Not provided: the ``eval`` verb (use pycocotools'
``COCOeval`` on ``xcoco.compat_dataset.COCO``), ``grab`` (downloads public
datasets; xcoco never uses the network on its own), ``move_assets``,
``plot_stats`` (``xcoco stats --plots DIR`` draws the same pictures),
``visualize_videos`` and ``finish_install``.

kwcoco modules outside the core with no xcoco counterpart:
``coco_evaluator`` and ``metrics`` (use pycocotools' ``COCOeval`` on
``xcoco.compat_dataset.COCO``), ``kpf`` and ``kw18`` (other annotation
formats), ``data`` and ``rc`` (kwcoco's bundled resources) and
``formats`` (kwcoco's converters for KPF, KW18, LabelMe and VOC; xcoco's
``xcoco.formats`` reads and writes MS-COCO, AiCOCO, TrainingData.io and
Encord files instead, see ``docs/formats/``).  Importing them under the
alias raises ``ModuleNotFoundError`` naming both module paths.

"""


def q(s):
    return '"' + s.replace('"', '""') + '"'

lines = []
for kpath, xpath, rows in out:
    title = f'``{kpath}`` → ``{xpath}``'
    lines += [title, '-' * len(title), '', '.. csv-table::', '   :header: "name", "status", "notes"', '   :widths: 25, 10, 65', '']
    for name, status, note in rows:
        lines.append(f'   {q(name)}, {q(status)}, {q(note)}')
    lines.append('')
print(INTRO)
print('\n'.join(lines))
print(counts, file=sys.stderr)
todo = [(k, n) for k, x, rows in out for n, s, note in rows if 'TODO' in note]
print('TODO', len(todo), file=sys.stderr)
for item in todo:
    print(item, file=sys.stderr)
