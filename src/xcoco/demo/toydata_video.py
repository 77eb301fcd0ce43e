"""
kwcoco's ``kwcoco.demo.toydata_video`` module name: the video toy
generators of :mod:`xcoco.demo.toydata`.

Example:
    >>> import tempfile
    >>> from xcoco.demo.toydata_video import random_video_dset
    >>> random_video_dset(num_frames=2, image_size=(32, 32), dpath=tempfile.mkdtemp()).n_images
    2
"""
from xcoco.demo.toydata import random_single_video_dset, random_video_dset

__all__ = ['random_single_video_dset', 'random_video_dset']
