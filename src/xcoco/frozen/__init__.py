"""
The frozen backend: a read-only snapshot of a dataset stored as
memory-mapped numpy arrays (see :mod:`xcoco.frozen.build` for the layout,
:class:`xcoco.frozen.dataset.FrozenCocoDataset` for the dataset and
:mod:`xcoco.frozen.views` for freezing and the cache).
"""
