"""
Shared fixtures and skip markers.

``SHARED_DPATH`` is ``../shared`` beside the repository: real COCO files
written by others.  A user's clone has no such folder, so tests that need
it skip with a visible reason.

PostgreSQL fixtures (a throw-away server, see ``pg_setup.py``):
``postgresql_server`` (session, the TemporaryPostgres), ``postgresql_uri``
(session, one shared database) and ``postgresql_db_uri`` (function, a fresh
empty database dropped after the test).
"""
import itertools
import os
import re
from pathlib import Path

import pytest
from pg_setup import start_postgres

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


# ---------------------------------------------------------------------------
# PostgreSQL: a throw-away server for the session (xcoco.testing_pg)
# ---------------------------------------------------------------------------
#
# The first test that asks for a server starts one; when PostgreSQL's
# binaries are missing and we are root on Debian, the session installs
# Debian's ``postgresql`` package first (the test command must work on a
# clean machine).  Where no server can be had the tests skip, naming what
# is missing, unless XCOCO_REQUIRE_POSTGRES=1 makes that a
# failure.  XCOCO_NO_APT=1 forbids the install.

_PG_STATUS = {}


def _log_to_terminal(config, message):
    capture = config.pluginmanager.getplugin('capturemanager')
    reporter = config.pluginmanager.getplugin('terminalreporter')
    if capture is None or reporter is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f'xcoco: {message}')


@pytest.fixture(scope='session')
def postgresql_server(request):
    """A running :class:`xcoco.testing_pg.TemporaryPostgres` for the whole session."""
    server, why_not = start_postgres(lambda message: _log_to_terminal(request.config, message))
    if server is None:
        _PG_STATUS['skipped'] = why_not
        if os.environ.get('XCOCO_REQUIRE_POSTGRES') == '1':
            pytest.fail(f'XCOCO_REQUIRE_POSTGRES=1 but {why_not}')
        pytest.skip(why_not)
    _PG_STATUS['server'] = f'PostgreSQL {server.version} at {server.uri()} started in {server.startup_seconds:.2f} s'
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def postgresql_uri(postgresql_server):
    """URI of one database shared by the whole session: ``postgresql://xcoco@127.0.0.1:PORT/xcoco_session``."""
    return postgresql_server.create_database('xcoco_session')


_DB_COUNTER = itertools.count()


@pytest.fixture
def postgresql_db_uri(postgresql_server, request):
    """URI of a fresh empty database for one test, dropped after it."""
    slug = re.sub(r'[^a-z0-9_]+', '_', request.node.name.lower())
    dbname = f't{next(_DB_COUNTER)}_{slug}'[:63]
    uri = postgresql_server.create_database(dbname)
    try:
        yield uri
    finally:
        postgresql_server.drop_database(dbname)


def pytest_terminal_summary(terminalreporter):
    for key in ['server', 'skipped']:
        if key in _PG_STATUS:
            prefix = '' if key == 'server' else 'PostgreSQL tests skipped: '
            terminalreporter.write_line(f'xcoco: {prefix}{_PG_STATUS[key]}')
