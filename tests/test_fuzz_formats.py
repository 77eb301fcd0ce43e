"""
Fuzz tests of the dialect loaders (:mod:`xcoco.formats`): mscoco, aicoco,
trainingdata and encord.

Each loader is fed seeded mutants of valid documents of its dialect (made
from a demo dataset by the dialect's writer, hand-made for the read-only
dialects, and the real samples of ``../shared/data`` when present),
truncated files and hypothesis-generated trees; format guessing is fed
junk.  Rule: the document loads or raises an :class:`XcocoError`
(FormatError / ManifestError naming file, record and field), and what
loaded exports back to the dialect (mscoco for the read-only ones) and to
JSON under the same rule.
"""
import copy
import json
import warnings

import pytest
from fuzzing import JUNK_VALUES, check_outcome, fuzz_budget, mutants, regression_cases, truncations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xcoco
from conftest import shared_file
from xcoco import formats

DIALECTS = ('mscoco', 'aicoco', 'trainingdata', 'encord')

#: the real samples of each dialect under ../shared/data (used when present)
SHARED_SAMPLES = {
    'mscoco': ['coco_person_keypoints_1img/person_keypoints_val2017_1img.json',
               'coco_val2014_100/instances_val2014_100.json'],
    'encord': ['encord_coco_export/encord_sdk_expected_export_multimodal.json',
               'encord_coco_export/encord_sdk_expected_export_video.json'],
    'trainingdata': ['trainingdata_io_seed003/tdio_coco_export_sample.json'],
    'aicoco': [],
}


def _trainingdata_doc():
    uri = 'dicomweb://host/study/1.dcm'
    return {
        'images': [{'id': uri, 'file_name': '1.dcm', 'width': 64, 'height': 64},
                   {'id': 'dicomweb://host/study/2.dcm', 'file_name': '2.dcm', 'width': 64, 'height': 64}],
        'categories': [], 'attributes': [],
        'annotations': [
            {'id': 'u1', 'image_id': uri, 'category_id': 'Car',
             'segmentation': [1, 1, 9, 1, 9, 5], 'iscrowd': 0},
            {'id': 'u1', 'image_id': uri, 'category_id': 'polygon',
             'segmentation': [20, 20, 30, 20, 30, 30, 20, 30], 'iscrowd': 0},
            {'id': 'u2', 'image_id': 'dicomweb://host/study/2.dcm', 'category_id': 'Truck',
             'segmentation': [[2, 2, 8, 2, 8, 8]], 'bbox': [2, 2, 6, 6], 'iscrowd': 0},
            {'value': 'c1', 'name': 'Image size', 'image_id': uri}]}


def _encord_doc():
    return {
        'info': {'description': 'export'},
        'categories': [{'supercategory': 'bitmask', 'id': 1, 'name': 'blob'},
                       {'supercategory': 'polygon', 'id': 2, 'name': 'car'},
                       {'supercategory': 'point', 'id': 3, 'name': 'tip', 'keypoints': 'keypoint'}],
        'images': [{'id': 0, 'image_title': 'a.png', 'width': 4, 'height': 4,
                    'file_name': 'images/h1.png'},
                   {'id': 1, 'video_title': 'v.mp4', 'width': 8, 'height': 8,
                    'file_name': 'videos/h2/0.jpg'},
                   {'id': 2, 'video_title': 'v.mp4', 'width': 8, 'height': 8,
                    'file_name': 'videos/h2/1.jpg'}],
        'annotations': [
            {'id': 0, 'image_id': 0, 'category_id': 1, 'iscrowd': 1, 'bbox': [1, 1, 2, 2], 'area': 4.0,
             'segmentation': {'size': [4, 4], 'counts': [5, 2, 2, 2, 5]},
             'attributes': {'track_id': 0, 'encord_track_uuid': 'u'}},
            {'id': 1, 'image_id': 1, 'category_id': 2, 'iscrowd': 0, 'bbox': [1, 1, 3, 3], 'area': 4.5,
             'segmentation': [[1, 1, 4, 1, 4, 4]],
             'attributes': {'track_id': 1, 'encord_track_uuid': 'v', 'rotation': 0.5,
                            'classifications': [], 'manual_annotation': True}},
            {'id': 2, 'image_id': 2, 'category_id': 3, 'iscrowd': 0, 'keypoints': [2, 2, 2],
             'num_keypoints': 1, 'attributes': {'track_id': 2, 'encord_track_uuid': 'w'}}]}


@pytest.fixture(scope='module')
def base_docs():
    """dialect -> [(name, valid document)]"""
    demo = xcoco.CocoDataset.demo('shapes8')
    docs = {name: [] for name in DIALECTS}
    for name in ('mscoco', 'aicoco'):
        # through JSON: the writer's document as a file would hold it
        docs[name].append((f'demo-{name}', json.loads(json.dumps(formats.export(demo, name)))))
    docs['trainingdata'].append(('handmade', _trainingdata_doc()))
    docs['encord'].append(('handmade', _encord_doc()))
    return docs


def _shared_doc(rel):
    doc = json.loads(shared_file(rel).read_text())
    if len(doc.get('images', [])) > 12:
        # a slice keeps each mutant cheap; the shapes are all still there
        doc['images'] = doc['images'][:12]
        gids = {img['id'] for img in doc['images']}
        doc['annotations'] = [a for a in doc['annotations'] if a.get('image_id') in gids]
    return doc


def _export_target(dialect):
    return dialect if dialect in ('mscoco', 'aicoco') else 'mscoco'


def load_and_dump(src, dialect):
    """The whole path a user takes: load, export to the dialect and to aicoco, dump JSON."""
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            dset = formats.load(src, format=dialect)
            formats.export(dset, _export_target(dialect))
            if dialect != 'aicoco':
                formats.export(dset, 'aicoco')
            dset.dumps()
    return run


def test_bases_load(base_docs):
    for dialect, docs in base_docs.items():
        assert docs, dialect
        for name, doc in docs:
            assert formats.guess(doc) in {dialect, 'kwcoco'}, name
            assert check_outcome(dialect, load_and_dump(copy.deepcopy(doc), dialect), doc, name) == 'ok'


def _fuzz_mutants(dialect, name, doc, budget, seed):
    counts = {'ok': 0, 'xcoco-error': 0}
    for desc, mutant in mutants(doc, budget, seed=seed):
        payload = copy.deepcopy(mutant)
        counts[check_outcome(dialect, load_and_dump(mutant, dialect), payload,
                             f'{name}: {desc}')] += 1
        # the same mutant through format guessing
        counts[check_outcome(dialect, load_and_dump(payload, None), payload,
                             f'{name} (guessed): {desc}')] += 1
    assert counts['ok'] and counts['xcoco-error'], counts


@pytest.mark.parametrize('dialect', DIALECTS)
def test_fuzz_dialect_mutants(base_docs, dialect):
    for seed, (name, doc) in enumerate(base_docs[dialect]):
        _fuzz_mutants(dialect, name, doc, fuzz_budget(300), seed)


@pytest.mark.parametrize('dialect,rel', [(d, rel) for d, rels in SHARED_SAMPLES.items() for rel in rels])
def test_fuzz_shared_samples(dialect, rel):
    """Mutants of the real files of ../shared/data (skipped, saying so, when absent)."""
    doc = _shared_doc(rel)
    assert check_outcome(dialect, load_and_dump(copy.deepcopy(doc), dialect), doc, rel) == 'ok'
    _fuzz_mutants(dialect, rel, doc, fuzz_budget(120), seed=len(rel))


@pytest.mark.parametrize('dialect', DIALECTS)
def test_fuzz_dialect_truncated_files(base_docs, dialect, tmp_path):
    name, doc = base_docs[dialect][0]
    text = json.dumps(doc)
    fpath = tmp_path / f'{dialect}.json'
    for cut in truncations(text, fuzz_budget(40)):
        fpath.write_text(cut)
        with pytest.raises(xcoco.XcocoError) as info:
            load_and_dump(fpath, dialect)()
        assert str(fpath) in str(info.value)


def test_format_guessing_on_junk():
    junk = list(JUNK_VALUES) + [
        {'images': 1}, {'images': [1, 2]}, {'annotations': 'x'}, [[]], [None], [{'image_id': []}],
        {'images': [], 'annotations': [], 'categories': [], 'objects': 5, 'regressions': None, 'meta': []},
        {'categories': [{'supercategory': {'a': 1}}], 'images': [{'file_name': ['videos']}]},
    ]
    for value in junk:
        check_outcome('guess', lambda value=value: formats.guess(value), value, repr(value)[:60])
        check_outcome('guess', lambda value=value: formats.load(value, format=None), value, repr(value)[:60])


_json_leaf = st.none() | st.booleans() | st.integers(-2 ** 66, 2 ** 66) | st.floats() | st.text(max_size=8)
_json = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
_FIELDS = ['id', 'image_id', 'category_id', 'object_id', 'file_name', 'name', 'bbox', 'segmentation',
           'keypoints', 'iscrowd', 'supercategory', 'supercategory_id', 'category_ids', 'index',
           'width', 'height', 'video_title', 'image_title', 'attributes', 'area', 'score', 'value']
_row = st.dictionaries(st.sampled_from(_FIELDS), _json, max_size=6)
_doc = st.dictionaries(
    st.sampled_from(['images', 'annotations', 'categories', 'objects', 'regressions', 'meta',
                     'info', 'attributes', 'licenses', 'videos']),
    st.lists(_row, max_size=4) | _json, max_size=7)


@settings(max_examples=fuzz_budget(150), derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(doc=_doc, dialect=st.sampled_from(DIALECTS + (None,)))
def test_fuzz_dialect_hypothesis_trees(doc, dialect):
    check_outcome(str(dialect), load_and_dump(copy.deepcopy(doc), dialect), doc, 'hypothesis tree')


@settings(max_examples=fuzz_budget(50), derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(rows=st.lists(_row, max_size=5))
def test_fuzz_results_lists(rows):
    """MS-COCO results lists (a top-level list) attached to a base dataset."""
    base = xcoco.CocoDataset.demo('shapes2')
    check_outcome('mscoco', lambda: formats.export(formats.load(copy.deepcopy(rows), format='mscoco',
                                                                base=base), 'mscoco'),
                  rows, 'results list')


def _cases():
    # kwcoco: documents the kwcoco reader takes that once broke a dialect's writer
    return [(dialect, fpath) for dialect in DIALECTS + ('kwcoco',)
            for fpath in regression_cases(dialect)]


@pytest.mark.parametrize('dialect,fpath', _cases(), ids=lambda v: getattr(v, 'name', v))
def test_dialect_regressions(dialect, fpath):
    """Inputs that once broke a loader or a writer: each now loads or fails cleanly."""
    check_outcome(dialect, load_and_dump(fpath, dialect), fpath.read_bytes(), fpath.name)
