"""
Shared fixtures and skip markers.

``SHARED_DPATH`` is ``../shared`` beside the repository: real COCO files
written by others.  A user's clone has no such folder, so tests that need
it skip with a visible reason.
"""
import os
from pathlib import Path

import pytest

REPO_DPATH = Path(__file__).resolve().parents[1]
SHARED_DPATH = Path(os.environ.get('XCOCO_SHARED_DPATH', REPO_DPATH.parent / 'shared'))
SHARED_DATA_DPATH = SHARED_DPATH / 'data'

requires_shared = pytest.mark.skipif(
    not SHARED_DATA_DPATH.exists(),
    reason=f'real COCO files not found at {SHARED_DATA_DPATH} (../shared is '
           f'absent in a fresh clone)')


def shared_file(*parts):
    """Path of a file under ../shared/data, skipping the test if absent."""
    fpath = SHARED_DATA_DPATH.joinpath(*parts)
    if not fpath.exists():
        pytest.skip(f'shared test file not found: {fpath}')
    return fpath


@pytest.fixture
def tmp_bundle(tmp_path):
    """An empty bundle folder."""
    dpath = tmp_path / 'bundle'
    dpath.mkdir()
    return dpath


@pytest.fixture
def small_dset():
    """A small hand-made dataset with a video, a track and keypoints."""
    import xcoco
    dset = xcoco.CocoDataset(bundle_dpath='/data/bundle')
    animal = dset.add_category('animal')
    cat = dset.add_category('cat', supercategory='animal')
    dog = dset.add_category('dog', supercategory='animal')
    vid = dset.add_video('clip', width=64, height=48)
    gids = [dset.add_image(f'clip/{i:02d}.png', video_id=vid, frame_index=i,
                           width=64, height=48) for i in range(3)]
    gids.append(dset.add_image('loose.png', width=32, height=32))
    tid = dset.add_track('cat_1')
    for frame, gid in enumerate(gids[:3]):
        dset.add_annotation(gid, cat, bbox=[frame, 1, 10, 10], track_id=tid)
    dset.add_annotation(gids[0], dog, bbox=[30, 20, 5, 5],
                        segmentation=[[30, 20, 35, 20, 35, 25]])
    dset.add_annotation(gids[3], animal, bbox=[0, 0, 4, 4], custom_field={'x': 1})
    return dset


@pytest.fixture(scope='session')
def postgresql_uri():
    """
    The URI of a throw-away PostgreSQL database for tests, taken from
    ``XCOCO_TEST_POSTGRESQL_URI``; the tests that need it skip (with that
    reason) when it is unset or the driver is missing.
    """
    uri = os.environ.get('XCOCO_TEST_POSTGRESQL_URI')
    if not uri:
        pytest.skip('no PostgreSQL server: set XCOCO_TEST_POSTGRESQL_URI to a '
                    'database xcoco may fill (e.g. postgresql://postgres@127.0.0.1:5432/xcoco_test)')
    pytest.importorskip('psycopg', reason='the PostgreSQL tests need psycopg 3')
    return uri
