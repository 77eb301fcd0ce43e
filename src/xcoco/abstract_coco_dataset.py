"""
kwcoco-compatible module path for the abstract base of dataset classes
(``kwcoco.abstract_coco_dataset``).

``isinstance(dset, AbstractCocoDataset)`` is True for every
:class:`xcoco.CocoDataset` (and subclass), so code that checks for "any
kind of kwcoco dataset" accepts xcoco's.  Other classes may inherit from
it, as from kwcoco's.

Example:
    >>> import xcoco
    >>> from xcoco.abstract_coco_dataset import AbstractCocoDataset
    >>> isinstance(xcoco.CocoDataset(), AbstractCocoDataset)
    True
    >>> isinstance({'images': []}, AbstractCocoDataset)
    False
"""
import abc
import sys

__all__ = ['AbstractCocoDataset']


class AbstractCocoDataset(abc.ABC):  # noqa: B024 - a marker base, as kwcoco's: no abstract methods
    """
    The common base of dataset classes: kwcoco's dict-backed and SQL-backed
    datasets inherit from it; xcoco's :class:`~xcoco.CocoDataset` counts as
    one (checked without importing the dataset module).

    Example:
        >>> class MyDataset(AbstractCocoDataset):
        ...     pass
        >>> isinstance(MyDataset(), AbstractCocoDataset)
        True
        >>> import xcoco
        >>> class Sub(xcoco.CocoDataset):
        ...     pass
        >>> issubclass(Sub, AbstractCocoDataset)
        True
    """

    @classmethod
    def __subclasshook__(cls, subclass):
        if cls is not AbstractCocoDataset:
            return NotImplemented
        # An instance of xcoco's CocoDataset can only exist once its module
        # is imported, so there is nothing to check before that.
        dataset_module = sys.modules.get('xcoco.dataset')
        if dataset_module is not None and issubclass(subclass, dataset_module.CocoDataset):
            return True
        return NotImplemented
