"""
Query a manifest through the SQL backend, and edit it from several
processes at once.

``CocoDataset.coerce(path, backend='sqlite')`` gives the manifest's SQLite
view: built once beside the manifest, reopened in about a millisecond while
the JSON is unchanged.  Every read of the in-memory dataset works on it;
the tables are plain SQL too (one row per object, an indexed column per
reference and name, the whole object as JSON in ``data``).  Edits are
transactions, so forked workers can write side by side; each opens its own
connection on first use.  ``backend='postgresql'`` with a URI (or
``CocoSqlDatabase('postgresql://...')``) does the same on a server.

Run: ``python examples/sql_backend.py``
"""
import multiprocessing
import tempfile
import time
from pathlib import Path

import xcoco

_DB = None


def _add_detections(worker):
    """Runs in a forked worker: one transaction of 5 new annotations."""
    cid = _DB.index.name_to_cat['star']['id']
    with _DB.write_transaction():
        for gid in list(_DB.images())[worker::2][:5]:
            _DB.add_annotation(image_id=gid, category_id=cid, bbox=[0, 0, 4, 4], score=0.5,
                               worker=worker)
    return worker


def main():
    global _DB
    with tempfile.TemporaryDirectory() as tmp:
        fpath = Path(tmp) / 'shapes.kwcoco.json'
        xcoco.CocoDataset.demo('shapes32').dump(fpath)

        start = time.perf_counter()
        db = xcoco.CocoDataset.coerce(fpath, backend='sqlite')      # kwcoco: sqlview=True
        built = time.perf_counter() - start
        start = time.perf_counter()
        db = xcoco.CocoDataset.coerce(fpath, backend='sqlite')
        print(f'{db}: built in {built:.2f} s, reopened in {time.perf_counter() - start:.4f} s')

        # the reads of the in-memory dataset
        print('image 1:', db.imgs[1]['file_name'], '| its annotations:', sorted(db.index.gid_to_aids[1]))
        print('boxes of image 1:', db.annots(image_id=1).boxes.to_ltrb().data.round().tolist())
        print('per category:', db.category_annotation_frequency())

        # plain SQL over the same tables
        rows = db.connection.execute(
            'SELECT c.name, COUNT(*) FROM annotations a JOIN categories c ON a.category_id = c.id '
            'GROUP BY c.name ORDER BY COUNT(*) DESC').fetchall()
        print('SQL:', rows)

        # a consistent view with cached lookups, as a data-loader epoch would use
        with db.snapshot():
            n_boxes = sum(len(db.index.gid_to_aids[gid]) for gid in db.images())
        assert n_boxes == db.n_annots

        # two forked writers, one transaction each
        before = db.n_annots
        _DB = db
        with multiprocessing.get_context('fork').Pool(2) as pool:
            pool.map(_add_detections, [0, 1])
        print('annotations:', before, '->', db.n_annots, '(added by two processes)')
        assert db.n_annots == before + 10

        # edits made through the database are written out explicitly
        db.dump(Path(tmp) / 'edited.kwcoco.json')
        print('back in memory:', xcoco.CocoDataset(Path(tmp) / 'edited.kwcoco.json'))
        db.disconnect()


if __name__ == '__main__':
    main()
