"""
Content hashes of manifests.
"""
import hashlib

import orjson

from xcoco.manifest.io import json_default

__all__ = ['manifest_hashid']


def manifest_hashid(manifest):
    """
    A SHA-1 hex digest of the manifest's canonical JSON (sorted keys), so
    two manifests with equal content hash the same whatever their key order.

    Example:
        >>> manifest_hashid({'images': [], 'info': []}) == manifest_hashid({'info': [], 'images': []})
        True
        >>> len(manifest_hashid({}))
        40
        >>> len(manifest_hashid({'info': [2 ** 70]}))
        40
    """
    try:
        data = orjson.dumps(manifest, default=json_default,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY
                            | orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        # orjson stops at 64-bit integers, which a manifest may still hold
        import json
        data = json.dumps(manifest, default=json_default, sort_keys=True,
                          separators=(',', ':')).encode()
    return hashlib.sha1(data).hexdigest()
