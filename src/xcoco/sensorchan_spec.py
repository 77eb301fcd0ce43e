"""
kwcoco-compatible module path for sensor-qualified channel specs
(``kwcoco.sensorchan_spec``): delayed-image's own classes and functions,
the same objects :mod:`xcoco.channel_spec` and delayed-image graphs use.

A sensor-channel spec names channels per sensor, ``'S2:B1|B2,L8:r|g|b'``.
kwcoco deprecated this module path in favour of
``delayed_image.sensorchan_spec`` and warns on import; xcoco keeps it
quietly (the names are the same objects either way).

Example:
    >>> from xcoco.sensorchan_spec import (
    ...     FusedSensorChanSpec, SensorChanSpec, concise_sensor_chan,
    ...     normalize_sensor_chan, sensorchan_concise_parts, sensorchan_normalized_parts)
    >>> spec = SensorChanSpec.coerce('S2:B1|B2,L8:r|g')
    >>> [str(part) for part in spec.streams()]
    ['S2:B1|B2', 'L8:r|g']
    >>> concise_sensor_chan('S2:B1|B2,S2:B3'), normalize_sensor_chan('S2:B1.0:2')
    ('S2:(B1|B2,B3)', 'S2:B1.0|B1.1')
    >>> sorted(sensorchan_concise_parts('S2:B1|B2,L8:r'))
    ['L8:r', 'S2:B1|B2']
    >>> [str(p) for p in sensorchan_normalized_parts('S2:B1|B2')]
    ['S2:B1|B2']
    >>> isinstance(FusedSensorChanSpec.coerce('S2:B1|B2'), FusedSensorChanSpec)
    True
"""
from delayed_image.sensorchan_spec import (
    FusedSensorChanSpec,
    SensorChanSpec,
    concise_sensor_chan,
    normalize_sensor_chan,
    sensorchan_concise_parts,
    sensorchan_normalized_parts,
)

__all__ = [
    'FusedSensorChanSpec',
    'SensorChanSpec',
    'concise_sensor_chan',
    'normalize_sensor_chan',
    'sensorchan_concise_parts',
    'sensorchan_normalized_parts',
]
