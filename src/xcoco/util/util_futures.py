"""
kwcoco's ``util_futures`` names: ubelt's :class:`~ubelt.Executor` (a
``concurrent.futures`` executor whose mode is ``'serial'``, ``'thread'`` or
``'process'``) and :class:`~ubelt.JobPool` (submit jobs, then iterate
over them as they finish).  These are ubelt's own classes.

Example:
    >>> from xcoco.util.util_futures import Executor, JobPool
    >>> with Executor(mode='serial') as executor:
    ...     executor.submit(pow, 2, 5).result()
    32
    >>> pool = JobPool(mode='thread', max_workers=2)
    >>> for value in range(3):
    ...     _ = pool.submit(pow, value, 2)
    >>> sorted(job.result() for job in pool.as_completed())
    [0, 1, 4]
"""
from ubelt import Executor, JobPool

__all__ = ['Executor', 'JobPool']
