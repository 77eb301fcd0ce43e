"""
Open raster handles kept for reuse, so that many crops of one file (a data
loader sampling windows of a scene) open it once instead of once per
``finalize()``.

A :class:`RasterHandleCache` is a small LRU of rasterio datasets keyed by
(path, overview level, thread):

* threads: a rasterio dataset must not be read from two threads at once, so
  every thread gets handles of its own;
* fork: a child process must not read through its parent's descriptors
  (they share file offsets), so a cache that finds itself in a new process
  forgets what it held and opens afresh;
* pickle: a cache pickles as an empty cache of the same size, so graphs and
  frames that carry one can be sent to workers;
* files changed on disk (mtime, size or inode) are reopened; evicted handles
  are closed as soon as no read is using them.

:func:`handle_cache_for` hands out the cache that belongs to a dataset: it
is created on first use and closed when the dataset is freed, so no handle
outlives the dataset that caused it to be opened.
"""
import collections
import contextlib
import os
import threading
import weakref

__all__ = ['DEFAULT_MAXSIZE', 'RasterHandleCache', 'handle_cache_for']

#: Handles one cache keeps open.  A few dozen covers the files of a few
#: multispectral scenes per loader thread and stays far below the usual
#: 1024-descriptor limit even with many datasets alive.
DEFAULT_MAXSIZE = 32

# owner (dataset, or a detached CocoImage) -> its cache.  Weak keys: the
# entry goes with its owner, and weakref.finalize closes the handles then
# even if a delayed graph still holds the cache.
_OWNED_CACHES = weakref.WeakKeyDictionary()


class _Entry:
    __slots__ = ('ds', 'retired', 'signature', 'users')

    def __init__(self, ds, signature):
        self.ds = ds
        self.signature = signature
        self.users = 1
        self.retired = False


def _signature(fpath):
    # None for what cannot be stat-ed (a URL, a /vsi path): such handles are
    # reused without a change check; a missing local file fails to open.
    try:
        st = os.stat(fpath)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class RasterHandleCache:
    """
    A bounded LRU of open rasterio datasets, safe with threads, fork and
    pickle.

    Args:
        maxsize (int): handles kept open; the least recently used is closed
            beyond that.

    Example:
        >>> # xdoctest: +REQUIRES(module:rasterio)
        >>> import numpy as np, tempfile
        >>> from xcoco.imdata.geotiff import write_geotiff
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> _ = write_geotiff(dpath / 'a.tif', np.ones((32, 32), np.uint8))
        >>> cache = RasterHandleCache(maxsize=4)
        >>> for _ in range(3):
        ...     with cache.dataset(dpath / 'a.tif') as ds:
        ...         _ = ds.read(1)
        >>> cache.info()
        {'opens': 1, 'hits': 2, 'evictions': 0, 'stale': 0, 'open': 1, 'maxsize': 4}
        >>> cache.close()
    """

    def __init__(self, maxsize=DEFAULT_MAXSIZE):
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f'RasterHandleCache: maxsize={maxsize!r} must be an int >= 1')
        self.maxsize = maxsize
        self._closed = False
        self._start()

    def _start(self):
        self._lock = threading.Lock()
        self._entries = collections.OrderedDict()
        self._pid = os.getpid()
        self._stats = {'opens': 0, 'hits': 0, 'evictions': 0, 'stale': 0}

    def __getstate__(self):
        return {'maxsize': self.maxsize}

    def __setstate__(self, state):
        self.maxsize = state['maxsize']
        self._closed = False
        self._start()

    def __len__(self):
        self._check_process()
        return len(self._entries)

    def __repr__(self):
        return (f'<RasterHandleCache open={len(self._entries)} '
                f'maxsize={self.maxsize}{" closed" if self._closed else ""}>')

    @contextlib.contextmanager
    def dataset(self, fpath, overview=0):
        """
        Lease the calling thread's open dataset for ``fpath`` (overview level
        ``overview``), opening it if needed.  Do not keep the dataset beyond
        the ``with`` block: once released it may be closed by an eviction.

        Example:
            >>> # xdoctest: +REQUIRES(module:rasterio)
            >>> import numpy as np, tempfile
            >>> from xcoco.imdata.geotiff import write_geotiff
            >>> dpath = ub.Path(tempfile.mkdtemp())
            >>> _ = write_geotiff(dpath / 'b.tif', np.ones((128, 128), np.uint8),
            ...                   blocksize=64, overviews=1)
            >>> cache = RasterHandleCache()
            >>> with cache.dataset(dpath / 'b.tif', overview=1) as ds:
            ...     print(ds.shape)
            (64, 64)
        """
        entry = self._acquire(fpath, overview)
        try:
            yield entry.ds
        finally:
            self._release(entry)

    def info(self):
        """
        Counters since the cache was made: files opened, leases served from
        an open handle, handles evicted, handles reopened because the file
        changed; and how many are open now.

        Example:
            >>> RasterHandleCache(maxsize=2).info()
            {'opens': 0, 'hits': 0, 'evictions': 0, 'stale': 0, 'open': 0, 'maxsize': 2}
        """
        self._check_process()
        with self._lock:
            return {**self._stats, 'open': len(self._entries),
                    'maxsize': self.maxsize}

    def close(self):
        """
        Close every handle not being read now (the others close when their
        read ends).  A closed cache still serves reads, but closes each
        handle after use instead of keeping it.

        Example:
            >>> cache = RasterHandleCache()
            >>> cache.close()
            >>> cache
            <RasterHandleCache open=0 maxsize=32 closed>
        """
        self._check_process()
        with self._lock:
            self._closed = True
            entries = list(self._entries.values())
            self._entries.clear()
            idle = [e for e in entries if self._retire(e)]
        for entry in idle:
            entry.ds.close()

    def _check_process(self):
        if self._pid != os.getpid():
            # A forked child: the parent's handles share file offsets with
            # the parent and the lock may have been held by a thread that
            # does not exist here.  Drop both without touching them (the
            # datasets close their own descriptor copies when collected).
            self._start()

    @staticmethod
    def _retire(entry):
        """Mark an entry as leaving the cache; True if it can close now."""
        entry.retired = True
        return entry.users == 0

    def _acquire(self, fpath, overview):
        from xcoco.imdata.geotiff import open_raster
        self._check_process()
        fpath = os.fspath(fpath)
        key = (fpath, overview, threading.get_ident())
        signature = _signature(fpath)
        idle = []
        with self._lock:
            entry = self._entries.get(key, None)
            if entry is not None:
                if entry.signature == signature:
                    self._entries.move_to_end(key)
                    entry.users += 1
                    self._stats['hits'] += 1
                    return entry
                del self._entries[key]
                self._stats['stale'] += 1
                if self._retire(entry):
                    idle.append(entry)
        self._close_all(idle)
        # Opening is slow and per-thread keys mean no other thread can be
        # opening this key, so the lock is not held here.
        entry = _Entry(open_raster(fpath, overview), signature)
        with self._lock:
            self._stats['opens'] += 1
            if self._closed:
                entry.retired = True
                return entry
            self._entries[key] = entry
            while len(self._entries) > self.maxsize:
                _, old = self._entries.popitem(last=False)
                self._stats['evictions'] += 1
                if self._retire(old):
                    idle.append(old)
        self._close_all(idle)
        return entry

    def _release(self, entry):
        with self._lock:
            entry.users -= 1
            done = entry.retired and entry.users == 0
        if done:
            entry.ds.close()

    @staticmethod
    def _close_all(entries):
        for entry in entries:
            entry.ds.close()
        entries.clear()


def handle_cache_for(owner, maxsize=DEFAULT_MAXSIZE):
    """
    The handle cache that belongs to ``owner`` (a dataset, or a detached
    ``CocoImage``): made on first use, closed when ``owner`` is freed.
    None when ``owner`` cannot be weakly referenced or hashed; readers then
    keep their handles per frame.

    Example:
        >>> import gc, xcoco
        >>> dset = xcoco.CocoDataset()
        >>> cache = handle_cache_for(dset)
        >>> cache is handle_cache_for(dset)
        True
        >>> del dset
        >>> _ = gc.collect()
        >>> cache
        <RasterHandleCache open=0 maxsize=32 closed>
        >>> handle_cache_for({'a dict': 'is not hashable'}) is None
        True
    """
    try:
        cache = _OWNED_CACHES.get(owner, None)
        if cache is None:
            fresh = RasterHandleCache(maxsize)
            # setdefault is one dict operation: two threads racing here
            # agree on one cache, and only the winner registers a finalizer.
            cache = _OWNED_CACHES.setdefault(owner, fresh)
            if cache is fresh:
                weakref.finalize(owner, fresh.close)
    except TypeError:
        return None
    return cache
