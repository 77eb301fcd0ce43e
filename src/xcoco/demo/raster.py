"""
Quantization of demo rasters: Sentinel-2-like reflectance stored as uint16
with a nodata value.  The files themselves are written by
:func:`xcoco.imdata.geotiff.write_geotiff`.
"""

__all__ = ['SENTINEL2_QUANTIZATION', 'dequantize', 'quantize']

# Sentinel-2 L1C products store reflectance * 10000 as uint16 with 0 as
# nodata; the multispectral demo imitates that.
SENTINEL2_QUANTIZATION = {
    'orig_dtype': 'float32',
    'orig_min': 0.0,
    'orig_max': 1.0,
    'quant_min': 0,
    'quant_max': 10000,
    'nodata': 0,
}


def quantize(data, spec, valid=None):
    """
    Map float data onto integers as described by a quantization spec.

    Values are clipped to ``[orig_min, orig_max]``; where ``valid`` is False
    (or data is NaN) the ``nodata`` value is written.  Valid values that would
    land on ``nodata`` are nudged one step inside the range so they stay valid.

    Args:
        data (ndarray): float array.
        spec (dict): ``orig_min, orig_max, quant_min, quant_max, nodata``
            and optionally ``quant_dtype`` (default uint16).
        valid (ndarray | None): boolean mask broadcastable to ``data``.

    Returns:
        ndarray: integer array.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.raster import quantize, dequantize, SENTINEL2_QUANTIZATION
        >>> data = np.array([[0.0, 0.25], [1.0, np.nan]], dtype=np.float32)
        >>> q = quantize(data, SENTINEL2_QUANTIZATION)
        >>> q.tolist()
        [[1, 2500], [10000, 0]]
        >>> dequantize(q, SENTINEL2_QUANTIZATION).astype(float).round(4).tolist()
        [[0.0001, 0.25], [1.0, nan]]
    """
    import numpy as np
    dtype = np.dtype(spec.get('quant_dtype', 'uint16'))
    omin, omax = float(spec['orig_min']), float(spec['orig_max'])
    qmin, qmax = int(spec['quant_min']), int(spec['quant_max'])
    nodata = spec.get('nodata', None)
    data = np.asarray(data, dtype=np.float64)
    isvalid = np.isfinite(data)
    if valid is not None:
        isvalid &= np.broadcast_to(valid, data.shape)
    norm = (np.clip(np.nan_to_num(data, nan=omin), omin, omax) - omin) / (omax - omin)
    quant = np.round(norm * (qmax - qmin) + qmin).astype(np.int64)
    if nodata is not None:
        step = 1 if nodata <= qmin else -1
        quant[(quant == nodata) & isvalid] += step
        quant[~isvalid] = nodata
    return quant.astype(dtype)


def dequantize(quant, spec):
    """
    Invert :func:`quantize`: integers back to floats, nodata to NaN.

    Example:
        >>> import numpy as np
        >>> from xcoco.demo.raster import dequantize
        >>> spec = {'orig_min': 0, 'orig_max': 2, 'quant_min': 0, 'quant_max': 100, 'nodata': None}
        >>> dequantize(np.array([0, 50, 100]), spec).tolist()
        [0.0, 1.0, 2.0]
    """
    import numpy as np
    omin, omax = float(spec['orig_min']), float(spec['orig_max'])
    qmin, qmax = int(spec['quant_min']), int(spec['quant_max'])
    quant = np.asarray(quant)
    out = (quant.astype(np.float32) - qmin) / (qmax - qmin) * (omax - omin) + omin
    nodata = spec.get('nodata', None)
    if nodata is not None:
        out[quant == nodata] = np.nan
    return out
