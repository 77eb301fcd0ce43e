"""
A manifest that names a FIFO or a device never blocks a reader: every
reader of manifest-named pixels refuses what is not a regular file
(``xcoco.manifest.escape.refuse_special_file``).  Without the check each
call below blocks forever in ``open()``, inside C code or a worker thread
where no signal reaches it, so each runs in a forked child that is killed
(and the test failed) when it outlives its deadline.
"""
import multiprocessing
import os
import warnings

import pytest

import xcoco
from xcoco.errors import FilePathError

pytestmark = pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs on this system')


def outcome_in_child(func, seconds=30):
    """(exception name or 'ok', message) of ``func()`` run in a forked child."""
    ctx = multiprocessing.get_context('fork')
    queue = ctx.SimpleQueue()

    def run():
        try:
            queue.put(('ok', repr(func())))
        except BaseException as ex:  # the parent judges every outcome
            queue.put((type(ex).__name__, str(ex)))

    child = ctx.Process(target=run)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f'{func.__name__} still blocked after {seconds} s')
    return queue.get()


@pytest.fixture
def fifo_dataset(tmp_path):
    os.mkfifo(tmp_path / 'trap.png')
    dset = xcoco.CocoDataset(bundle_dpath=tmp_path)
    dset.add_image('trap.png', width=8, height=8, channels='r|g|b')
    dset.add_image('sizeless.png')
    dset.index.imgs[2]['file_name'] = 'trap.png'
    return dset


def test_imdelay_refuses_a_fifo(fifo_dataset):
    def finalize():
        return fifo_dataset.coco_image(1).imdelay().finalize()
    name, message = outcome_in_child(finalize)
    assert (name, 'FIFO' in message) == ('FilePathError', True), message


def test_load_image_refuses_a_fifo(fifo_dataset):
    def load():
        return fifo_dataset.load_image(1)
    name, message = outcome_in_child(load)
    assert name == 'FilePathError' and 'image id=1' in message, message


def test_ensure_imgsize_refuses_a_fifo(fifo_dataset):
    def ensure():
        try:
            fifo_dataset._ensure_imgsize(fail=True)
        except FilePathError:
            return fifo_dataset.index.imgs[2].get('width')
    assert outcome_in_child(ensure) == ('ok', 'None')


def test_conform_warns_and_goes_on(fifo_dataset):
    def conform():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            fifo_dataset.conform(ensure_imgsize=True)
        return any('FIFO' in str(w.message) for w in caught)
    assert outcome_in_child(conform) == ('ok', 'True')


def test_validate_corrupted_reports_it(fifo_dataset):
    def validate():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            result = fifo_dataset.validate(corrupted=True, missing=False, verbose=0)
        return any('regular file' in str(err) for err in result['errors'])
    assert outcome_in_child(validate) == ('ok', 'True')


def test_fixup_treats_it_as_unreadable(fifo_dataset, tmp_path):
    from xcoco.cli.coco_fixup import _readable_shape

    def readable():
        return _readable_shape(tmp_path / 'trap.png')
    assert outcome_in_child(readable) == ('ok', 'False')
