"""
Capture times of images: the first of ``datetime``, ``timestamp`` or
``date_captured`` that an image dict sets, read as an aware datetime.
"""
import datetime as dt
import numbers
import os

from xcoco.errors import ManifestStructureError, MissingFieldError

__all__ = ['TIME_KEYS', 'coerce_datetime', 'image_datetime']

#: the fields a capture time may sit in, in order of preference
TIME_KEYS = ('datetime', 'timestamp', 'date_captured')


def image_datetime(img):
    """
    The capture time of an image dict (naive times are taken as UTC).

    Raises:
        MissingFieldError: the image sets none of :data:`TIME_KEYS`.

    Example:
        >>> image_datetime({'id': 1, 'date_captured': '2013-11-14 16:28:13'}).isoformat()
        '2013-11-14T16:28:13+00:00'
        >>> try:
        ...     image_datetime({'id': 4})
        ... except KeyError as ex:
        ...     print(ex)
        image id=4: none of ['datetime', 'timestamp', 'date_captured'] is set, so no datetime is known
    """
    for key in TIME_KEYS:
        value = img.get(key, None)
        if value is not None:
            return coerce_datetime(value, where=f"image id={img.get('id')} field {key!r}")
    raise MissingFieldError(
        f"image id={img.get('id')}: none of {list(TIME_KEYS)} is set, so no "
        'datetime is known', table='images', id=img.get('id'), field=TIME_KEYS[0])


def coerce_datetime(value, where='a time'):
    """
    An aware datetime from an ISO-8601 string, unix seconds or a datetime.

    Example:
        >>> coerce_datetime(0).year, coerce_datetime('2020-01-02T03:04:05').hour
        (1970, 3)
        >>> try:
        ...     coerce_datetime('soon', where="image id=1 field 'timestamp'")
        ... except ValueError as ex:
        ...     print(ex)
        image id=1 field 'timestamp': cannot read 'soon' as an ISO-8601 date or unix timestamp
    """
    utc = dt.timezone.utc
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, numbers.Number) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(float(value), tz=utc)
    else:
        text = os.fspath(value) if not isinstance(value, str) else value
        try:
            result = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            try:
                from dateutil import parser
                result = parser.parse(text)
            except (ImportError, ValueError, OverflowError):
                raise ManifestStructureError(
                    f'{where}: cannot read {value!r} as an ISO-8601 date or '
                    'unix timestamp') from None
    if result.tzinfo is None:
        result = result.replace(tzinfo=utc)
    return result
