"""
The SQL backend's remaining edits: keypoint-category removal, clearing
tables, the ``ensure_*`` family and single keypoint categories.  Each runs
in one write transaction, reads through the index proxies (fresh dicts),
edits them with the same pure functions the in-memory backend uses
(:mod:`xcoco.index.remove`) and stores what changed.
"""
from __future__ import annotations

from typing import Any

from xcoco.index import remove as _remove
from xcoco.sql.writes import (
    _delete,
    _rewrite,
    add_category,
    add_image,
    add_keypoint_categories,
    add_track,
    add_video,
)

__all__ = ['add_keypoint_category', 'clear_annotations', 'clear_images', 'ensure_category',
           'ensure_image', 'ensure_track', 'ensure_video', 'remove_annotation_keypoints',
           'remove_keypoint_categories']


def _kp_targets(db, kp_identifiers, context):
    kpids = set(_remove._resolve_all(db, 'keypoint_categories', kp_identifiers, True, context))
    names = {db.index.kpcats[kpid].get('name') for kpid in kpids}
    return kpids, names


def remove_annotation_keypoints(db: Any, kp_identifiers: Any) -> dict[str, int]:
    """
    Remove, from every annotation, the keypoints of some keypoint
    categories (the categories stay).

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> _ = db.add_keypoint_categories(['nose', 'tail'])
        >>> aid = db.add_annotation(db.add_image('a.png'), keypoints=[
        ...     {'xy': [1, 1], 'keypoint_category_id': 1}, {'xy': [2, 2], 'keypoint_category_id': 2}])
        >>> db.remove_annotation_keypoints(['tail'])
        {'annotation_keypoints': 1}
        >>> len(db.anns[aid]['keypoints'])
        1
    """
    with db.write_transaction() as conn:
        kpids, names = _kp_targets(db, kp_identifiers, 'cannot remove keypoints')
        changed, removed = _remove.strip_keypoints(db.index.anns.values(), kpids, names)
        _rewrite(db, conn, 'annotations', changed)
    return {'annotation_keypoints': removed}


def remove_keypoint_categories(db: Any, kp_identifiers: Any,
                               clean_anns: bool = True) -> dict[str, int]:
    """
    Remove keypoint categories, their keypoints from annotations (both
    encodings) and ``reflection_id`` links to them, as the in-memory
    dataset does.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> _ = db.add_keypoint_categories([{'name': 'l', 'reflection_id': 2},
        ...                                 {'name': 'r', 'reflection_id': 1}])
        >>> db.remove_keypoint_categories(['l'])
        {'keypoint_categories': 1, 'annotation_keypoints': 0, 'reflection_ids': 1}
        >>> db.index.kpcats[2]['reflection_id'] is None
        True
    """
    with db.write_transaction() as conn:
        kpids, names = _kp_targets(db, kp_identifiers, 'cannot remove keypoint categories')
        removed = 0
        if clean_anns:
            changed, removed = _remove.strip_keypoints(db.index.anns.values(), kpids, names)
            _rewrite(db, conn, 'annotations', changed)
            cats, anns, more = _remove.strip_named_keypoints(
                db.index.cats.values(), db.index.anns.values(), names)
            _rewrite(db, conn, 'categories', cats)
            _rewrite(db, conn, 'annotations', anns)
            removed += more
        _delete(db, conn, 'keypoint_categories', kpids)
        remaining = [kp for kp in db.index.kpcats.values() if kp['id'] not in kpids]
        reflected = _remove.clear_reflections(remaining, kpids)
        _rewrite(db, conn, 'keypoint_categories', reflected)
    return {'keypoint_categories': len(kpids), 'annotation_keypoints': removed,
            'reflection_ids': len(reflected)}


def clear_annotations(db: Any) -> None:
    """
    Remove every annotation.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> _ = db.add_annotation(db.add_image('a.png'))
        >>> db.clear_annotations()
        >>> db.n_annots, db.n_images
        (0, 1)
    """
    with db.write_transaction() as conn:
        db.dialect.execute(conn, 'DELETE FROM annotations')


def clear_images(db: Any) -> None:
    """
    Remove every image and annotation.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> _ = db.add_annotation(db.add_image('a.png'))
        >>> db.clear_images()
        >>> db.n_annots, db.n_images
        (0, 0)
    """
    with db.write_transaction() as conn:
        db.dialect.execute(conn, 'DELETE FROM annotations')
        db.dialect.execute(conn, 'DELETE FROM images')


def _ensure(lookup, key, add, db):
    obj = lookup.get(key)
    if obj is not None:
        return obj['id']
    # Look again under the writer lock, and add in the same transaction:
    # of processes ensuring one name at once, one adds and the others get
    # its id (checked outside the lock, each would add and all but one fail).
    with db._writer_lock():
        obj = lookup.get(key)
        return obj['id'] if obj is not None else add()


def ensure_image(db: Any, file_name: Any, id: Any = None, **kw: Any) -> Any:
    """
    The id of the image with this file name, added if there is none.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> db.ensure_image('a.png') == db.ensure_image('a.png')
        True
    """
    return _ensure(db.index.file_name_to_img, file_name,
                   lambda: add_image(db, file_name, id=id, **kw), db)


def ensure_category(db: Any, name: str, supercategory: str | None = None, id: Any = None,
                    **kw: Any) -> Any:
    """
    The id of the category with this name, added if there is none.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> db.ensure_category('cat') == db.ensure_category('cat')
        True
    """
    return _ensure(db.index.name_to_cat, name,
                   lambda: add_category(db, name, supercategory=supercategory, id=id, **kw), db)


def ensure_video(db: Any, name: str, id: Any = None, **kw: Any) -> Any:
    """
    The id of the video with this name, added if there is none.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> db.ensure_video('v') == db.ensure_video('v')
        True
    """
    return _ensure(db.index.name_to_video, name, lambda: add_video(db, name, id=id, **kw), db)


def ensure_track(db: Any, name: str, id: Any = None, **kw: Any) -> Any:
    """
    The id of the track with this name, added if there is none.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> db.ensure_track('t') == db.ensure_track('t')
        True
    """
    return _ensure(db.index.name_to_track, name, lambda: add_track(db, name, id=id, **kw), db)


def add_keypoint_category(db: Any, name: str, id: Any = None, **kw: Any) -> Any:
    """
    Add one keypoint category; returns its id.

    Example:
        >>> from xcoco.sql import CocoSqlDatabase
        >>> db = CocoSqlDatabase(':memory:').connect()
        >>> db.add_keypoint_category('nose')
        1
    """
    obj = {'name': name, **kw}
    if id is not None:
        obj['id'] = id
    return add_keypoint_categories(db, [obj])[0]
