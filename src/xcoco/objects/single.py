"""
Single-object wrappers for the other tables, as kwcoco's ``coco_image``
module has them: :class:`CocoVideo`, :class:`CocoAnnotation`,
:class:`CocoCategory` and :class:`CocoTrack`.  Each is a dict view of one
manifest row (edits write through to the row) that may know its dataset,
like :class:`xcoco.CocoImage`; the related-object helpers need the dataset.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from xcoco.objects.asset import CocoObject

if TYPE_CHECKING:
    from xcoco.objects.vectorized import Annots, Images
    from xcoco.query import Queryable

__all__ = ['CocoAnnotation', 'CocoCategory', 'CocoTrack', 'CocoVideo']


def _attached(obj: CocoObject, what: str) -> Queryable:
    from xcoco.errors import DetachedError
    if obj.dset is None:
        raise DetachedError(f'{type(obj).__name__}.{what} needs the dataset: create it with '
                            f'dset= (this one is detached)')
    return obj.dset


class CocoVideo(CocoObject):
    """
    One row of the ``videos`` table.

    Example:
        >>> import xcoco
        >>> from xcoco.coco_image import CocoVideo
        >>> dset = xcoco.CocoDataset.demo('vidshapes1-frames3')
        >>> video = CocoVideo(dset.dataset['videos'][0], dset=dset)
        >>> video['name'], len(video.images())
        ('toy_video_1', 3)
    """

    def images(self) -> Images:
        """
        The video's frames in frame order (needs the dataset).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset.demo('vidshapes1-frames2')
            >>> CocoVideo(dset.dataset['videos'][0], dset=dset).images().lookup('frame_index')
            [0, 1]
        """
        return _attached(self, 'images()').images(video_id=self['id'])


class CocoAnnotation(CocoObject):
    """
    One row of the ``annotations`` table.

    Example:
        >>> from xcoco.coco_image import CocoAnnotation
        >>> ann = CocoAnnotation({'id': 1, 'image_id': 1, 'bbox': [0, 0, 2, 2]})
        >>> ann['bbox']
        [0, 0, 2, 2]
    """


class CocoCategory(CocoObject):
    """
    One row of the ``categories`` table.

    Example:
        >>> import xcoco
        >>> from xcoco.coco_image import CocoCategory
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> cat = CocoCategory(dset.dataset['categories'][0], dset=dset)
        >>> len(cat.annots()) == len(dset.cid_to_aids[cat['id']])
        True
    """

    def annots(self) -> Annots:
        """
        The category's annotations (needs the dataset).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> cid = dset.add_category('cat')
            >>> _ = dset.add_annotation(dset.add_image('a.png'), cid)
            >>> list(CocoCategory(dset.cats[cid], dset=dset).annots())
            [1]
        """
        dset = _attached(self, 'annots()')
        return dset.annots(sorted(dset.index.cid_to_aids.get(self['id'], ())))


class CocoTrack(CocoObject):
    """
    One row of the ``tracks`` table.

    Example:
        >>> import xcoco
        >>> from xcoco.coco_image import CocoTrack
        >>> dset = xcoco.CocoDataset.demo('vidshapes1-frames3')
        >>> track = CocoTrack(dset.dataset['tracks'][0], dset=dset)
        >>> len(track.annots())
        3
    """

    def annots(self) -> Annots:
        """
        The track's annotations in frame order (needs the dataset).

        Example:
            >>> import xcoco
            >>> dset = xcoco.CocoDataset()
            >>> tid = dset.add_track('t1')
            >>> _ = dset.add_annotation(dset.add_image('a.png'), track_id=tid)
            >>> list(CocoTrack(dset.index.tracks[tid], dset=dset).annots())
            [1]
        """
        return _attached(self, 'annots()').annots(track_id=self['id'])
