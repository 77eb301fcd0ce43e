"""
kwcoco's ``kwcoco.demo.toydata_image`` module name: the still-image toy
generators of :mod:`xcoco.demo.toydata`.

Example:
    >>> from xcoco.demo.toydata_image import demodata_toy_img
    >>> img, anns = demodata_toy_img(image_size=(32, 32), n_annots=1, rng=0)
    >>> img['imdata'].shape
    (32, 32, 3)
"""
from xcoco.demo.toydata import demodata_toy_dset, demodata_toy_img

__all__ = ['demodata_toy_dset', 'demodata_toy_img']
