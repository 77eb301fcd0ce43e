"""
Parse demo keys such as ``'vidshapes8-frames5-gsize64-msi'`` into options.

A key is ``<kind>[N][-part]...``.  ``kind`` is ``photos``, ``shapes`` or
``vidshapes``; ``N`` is the number of images (``shapes``) or videos
(``vidshapes``).  Each ``part`` is a name immediately followed by an optional
number: ``frames5``, ``gsize64``, ``speed0.1``, ``seed3``; a bare name
(``msi``, ``multisensor``) switches a flag on.  Keyword arguments given next
to the key use the long option names and win over the key.

The parser is pure Python so that ``xcoco.demo`` stays cheap to import.
"""
import re
from dataclasses import dataclass, field

from xcoco.errors import DemoKeyError

__all__ = ['GENERATOR_VERSION', 'DemoSpec', 'parse_demo_key']

# Bumped whenever a generator's output changes, so stale cache bundles are
# regenerated instead of reused.
GENERATOR_VERSION = 2

# option name -> (python type, default) for each kind.
_OPTIONS = {
    'photos': {},
    'shapes': {
        'num_images': (int, 5),
        'image_size': (int, 600),
        'num_objects': (int, None),   # None: 1..8 random objects per image
        'multispectral': (bool, False),
        'seed': (int, 0),
    },
    'vidshapes': {
        'num_videos': (int, 1),
        'num_frames': (int, 2),
        'num_tracks': (int, 2),
        'image_size': (int, 600),
        'max_speed': (float, 0.01),
        'multispectral': (bool, False),
        'multisensor': (bool, False),
        'aux': (bool, False),
        'seed': (int, 0),
    },
}

# Spellings accepted in keys and kwargs, kwcoco's included.
_ALIASES = {
    'frames': 'num_frames',
    'tracks': 'num_tracks',
    'objects': 'num_tracks',
    'videos': 'num_videos',
    'images': 'num_images',
    'imgs': 'num_images',
    'n_imgs': 'num_images',
    'speed': 'max_speed',
    'gsize': 'image_size',
    'msi': 'multispectral',
    'rng': 'seed',
}

# Accepted for kwcoco compatibility; they do not change what is generated
# (videos always carry timestamps and are always rendered).
_IGNORED_KWARGS = {'verbose', 'autobuild', 'render', 'timestamps'}


@dataclass
class DemoSpec:
    """
    A normalized demo request: which generator and with which options.

    Attributes:
        kind (str): ``'photos'``, ``'shapes'`` or ``'vidshapes'``.
        options (dict): every option of that kind, defaults filled in.
        key (str): the key as the user wrote it.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> spec = parse_demo_key('vidshapes2-frames3')
        >>> spec.kind, spec.options['num_videos'], spec.options['num_frames']
        ('vidshapes', 2, 3)
        >>> spec.tag() == parse_demo_key('vidshapes-videos2-frames3').tag()
        True
    """
    kind: str
    options: dict = field(default_factory=dict)
    key: str = ''

    def tag(self):
        """
        A folder name that is the same for every spelling of the same request.

        Returns:
            str: ``<kind>_<hash>``

        Example:
            >>> from xcoco.demo.grammar import parse_demo_key
            >>> parse_demo_key('shapes8').tag().startswith('shapes_')
            True
        """
        import hashlib
        items = sorted(self.options.items())
        text = repr((GENERATOR_VERSION, self.kind, items))
        digest = hashlib.sha256(text.encode('utf8')).hexdigest()[:16]
        return f'{self.kind}_{digest}'


def _coerce_value(kind, name, value, key):
    typ = _OPTIONS[kind][name][0]
    if typ is bool:
        if isinstance(value, str):
            # a bare flag ('msi') arrives as '', 'msi0' switches it off
            return value in {'', '1', 'true', 'True'}
        return bool(value)
    if name == 'image_size' and isinstance(value, (tuple, list)):
        w, h = value
        if int(w) != int(h):
            raise DemoKeyError(
                f'demo key {key!r}: option image_size must be square, '
                f'got {tuple(value)!r}')
        value = w
    try:
        value = typ(value)
    except (TypeError, ValueError):
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} expects a {typ.__name__}, '
            f'got {value!r}') from None
    if typ is int and value < 0:
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} must be >= 0, got {value}')
    return value


def parse_demo_key(key='photos', **kwargs):
    """
    Turn a demo key (and keyword overrides) into a :class:`DemoSpec`.

    Args:
        key (str): e.g. ``'photos'``, ``'shapes8'``,
            ``'vidshapes8-multispectral'``, ``'vidshapes2-frames5-gsize64'``;
            a ``'special:'`` prefix is ignored.
        **kwargs: long option names (``num_frames=5``) or their aliases
            (``rng=3``, ``image_size=(64, 64)``).

    Returns:
        DemoSpec

    Raises:
        DemoKeyError: unknown kind, unknown option or ill-typed value; the
            message lists the options that are known.

    Example:
        >>> from xcoco.demo.grammar import parse_demo_key
        >>> spec = parse_demo_key('vidshapes8-msi-frames5-speed0.1-gsize64')
        >>> print(ub.urepr(spec.options, nl=1, sort=1))
        {
            'aux': False,
            'image_size': 64,
            'max_speed': 0.1,
            'multisensor': False,
            'multispectral': True,
            'num_frames': 5,
            'num_tracks': 2,
            'num_videos': 8,
            'seed': 0,
        }
        >>> parse_demo_key('shapes4', rng=7).options['seed']
        7
        >>> try:
        ...     parse_demo_key('vidshapes-wings3')
        ... except ValueError as ex:
        ...     print(str(ex).split(';')[0])
        demo key 'vidshapes-wings3': unknown option 'wings' (from part 'wings3')
    """
    if not isinstance(key, str):
        raise DemoKeyError(f'demo key must be a str, got {type(key).__name__}')
    raw = key.strip()
    if raw.startswith('special:'):
        raw = raw[len('special:'):]
    head, *parts = raw.split('-')
    match = re.fullmatch(r'(vidshapes|shapes|photos)(\d*)', head)
    if match is None:
        raise DemoKeyError(
            f'unknown demo key {key!r}; expected one of '
            f"'photos', 'shapes[N]', 'vidshapes[N]' followed by "
            f"'-option' parts")
    kind, number = match.groups()
    known = _OPTIONS[kind]
    options = {name: default for name, (_, default) in known.items()}
    if number:
        count_name = {'shapes': 'num_images', 'vidshapes': 'num_videos'}.get(kind)
        if count_name is None:
            raise DemoKeyError(f'demo key {key!r}: {kind!r} takes no count')
        options[count_name] = int(number)

    def _set(name, value, origin):
        name = _ALIASES.get(name, name)
        if kind == 'shapes' and name == 'num_tracks':
            name = 'num_objects'  # 'objects' means tracks only for videos
        if name not in known:
            names = sorted(set(known) | {a for a, t in _ALIASES.items() if t in known})
            raise DemoKeyError(
                f'demo key {key!r}: unknown option {name!r} ({origin}); '
                f'{kind!r} accepts {names}')
        options[name] = _coerce_value(kind, name, value, key)

    for part in parts:
        if not part:
            continue
        m = re.fullmatch(r'([A-Za-z_]+)(.*)', part)
        if m is None:
            raise DemoKeyError(
                f'demo key {key!r}: cannot read part {part!r}; parts look '
                f"like 'frames5' or 'msi'")
        if m.group(1) in _IGNORED_KWARGS:
            continue
        _set(m.group(1), m.group(2), f'from part {part!r}')
    for name, value in kwargs.items():
        if name in _IGNORED_KWARGS:
            continue
        if name in {'seed', 'rng'} and value is None:
            # kwcoco's rng=None means "fresh randomness": draw a seed now so
            # the request still names one cache bundle.
            import random
            value = random.SystemRandom().randrange(2 ** 31)
        _set(name, value, 'keyword argument')

    if kind == 'shapes' and options['num_images'] < 1:
        raise DemoKeyError(f'demo key {key!r}: num_images must be >= 1')
    if kind == 'vidshapes' and options['multisensor']:
        options['multispectral'] = True
    if kind == 'vidshapes' and options['multispectral'] and options['aux']:
        raise DemoKeyError(
            f'demo key {key!r}: aux (rgb plus auxiliary files) and '
            f'multispectral (bands only) cannot be combined')
    for name in ('num_frames', 'image_size'):
        if name in options and options[name] < 1:
            raise DemoKeyError(f'demo key {key!r}: {name} must be >= 1')
    return DemoSpec(kind=kind, options=options, key=key)
