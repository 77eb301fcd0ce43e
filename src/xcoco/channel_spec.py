"""
kwcoco-compatible module path for the channel specs.

The classes are delayed-image's own (``import xcoco as kwcoco`` code that
does ``from kwcoco.channel_spec import FusedChannelSpec`` gets the same
objects delayed-image graphs use), not copies.

Example:
    >>> from xcoco.channel_spec import ChannelSpec, FusedChannelSpec
    >>> ChannelSpec.coerce('rgb,B1|B2').streams()[1].spec
    'B1|B2'
    >>> FusedChannelSpec.coerce('foo.0:3').normalize().as_list()
    ['foo.0', 'foo.1', 'foo.2']
"""
from delayed_image.channel_spec import ChannelSpec, FusedChannelSpec
from delayed_image.sensorchan_spec import SensorChanSpec

__all__ = ['ChannelSpec', 'FusedChannelSpec', 'SensorChanSpec']
