"""
File output for the generators: PNG, manifest, and a background writer.

Encoding files (PNG deflate, GeoTIFF deflate and overviews) is most of the
cost of a demo; OpenCV and GDAL release the GIL while they encode, so the
generators hand finished arrays to a small thread pool and keep rendering.
Randomness is consumed only by the rendering thread, so output stays
deterministic.
"""
__all__ = ['BackgroundWriter', 'write_manifest', 'write_png']


def write_png(fpath, rgb):
    """
    Write an (H, W, 3) RGB uint8 array as PNG (fast compression).

    Example:
        >>> import numpy as np, kwimage
        >>> from xcoco.demo.files import write_png
        >>> import tempfile
        >>> fpath = ub.Path(tempfile.mkdtemp()) / 'a.png'
        >>> rgb = np.zeros((4, 5, 3), np.uint8); rgb[..., 0] = 200
        >>> write_png(fpath, rgb)
        >>> kwimage.imread(fpath)[0, 0].tolist()
        [200, 0, 0]
    """
    import cv2
    ok = cv2.imwrite(str(fpath), rgb[:, :, ::-1], [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise OSError(f'could not write PNG {fpath}')


def write_manifest(bundle_dpath, dataset):
    """
    Write ``dataset`` as ``data.kwcoco.json`` inside ``bundle_dpath``.

    Example:
        >>> from xcoco.demo.files import write_manifest
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> write_manifest(dpath, {'images': []}).name
        'data.kwcoco.json'
    """
    import orjson

    from xcoco.demo.cache import MANIFEST_NAME
    fpath = bundle_dpath / MANIFEST_NAME
    fpath.write_bytes(orjson.dumps(dataset, option=orjson.OPT_SERIALIZE_NUMPY))
    return fpath


class BackgroundWriter:
    """
    Run file writes on a few threads; ``close()`` waits and re-raises errors.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.files import BackgroundWriter, write_png
        >>> import tempfile
        >>> dpath = ub.Path(tempfile.mkdtemp())
        >>> with BackgroundWriter() as writer:
        ...     for i in range(3):
        ...         writer.submit(write_png, dpath / f'{i}.png', np.zeros((2, 2, 3), np.uint8))
        >>> sorted(p.name for p in dpath.glob('*.png'))[:3]
        ['0.png', '1.png', '2.png']
    """

    def __init__(self, workers=None):
        import os
        from concurrent.futures import ThreadPoolExecutor
        if workers is None:
            workers = min(4, os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._futures = []

    def submit(self, func, *args, **kwargs):
        """
        Schedule ``func(*args, **kwargs)`` on the pool; errors surface in
        :meth:`close`.

        Example:
            >>> writer = BackgroundWriter(workers=1)
            >>> out = []
            >>> writer.submit(out.append, 'done')
            >>> writer.close()
            >>> out
            ['done']
        """
        self._futures.append(self._pool.submit(func, *args, **kwargs))

    def close(self):
        """
        Wait for every submitted write, shut the pool down and re-raise the
        first error.

        Example:
            >>> import pytest
            >>> writer = BackgroundWriter(workers=1)
            >>> writer.submit(int, 'not a number')
            >>> with pytest.raises(ValueError):
            ...     writer.close()
        """
        try:
            for future in self._futures:
                future.result()
        finally:
            self._pool.shutdown(wait=True)
            self._futures = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
            return
        # the body failed: let pending writes finish before the caller
        # removes their folder, and report the body's error, not theirs
        self._pool.shutdown(wait=True, cancel_futures=True)
