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

__all__ = ['GENERATOR_VERSION', 'DemoSpec', 'is_demo_key', 'parse_demo_key']

# Bumped whenever a generator's output changes, so stale cache bundles are
# regenerated instead of reused.
GENERATOR_VERSION = 6

# 'size' options take an int (square), a (width, height) pair, or 'random'
# (videos only: kwcoco's randgsize).
_SIZE = 'size'

# 'anchors' take N x 2 object sizes as (width, height) fractions of the image
_ANCHORS = 'anchors'

# option name -> (python type, default) for each kind.
_OPTIONS = {
    'photos': {},
    'shapes': {
        'num_images': (int, 5),
        'image_size': (_SIZE, 600),
        'num_objects': (int, None),   # None: 1..8 random objects per image
        'multispectral': (bool, False),
        'aux': (bool, False),
        'newstyle': (bool, True),
        'seed': (int, 0),
    },
    'vidshapes': {
        'num_videos': (int, 1),
        'num_frames': (int, 2),
        'num_tracks': (int, 2),
        'image_size': (_SIZE, 600),
        'max_speed': (float, 0.01),
        'multispectral': (bool, False),
        'multisensor': (bool, False),
        'aux': (bool, False),
        'channels': (str, None),
        'sensorchan': (str, None),
        'anchors': (_ANCHORS, None),
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

# kwcoco's key parts for random image sizes (image_size='random')
_RANDOM_SIZE_PARTS = {'randgsize', 'randsize', 'image_sizerandom'}

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


def _coerce_size(kind, value, key):
    if isinstance(value, str) and value.strip() == 'random':
        if kind != 'vidshapes':
            raise DemoKeyError(
                f"demo key {key!r}: random image sizes ('randgsize') are for "
                f"'vidshapes'; give 'shapes' a fixed image_size")
        return 'random'
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise DemoKeyError(
                f'demo key {key!r}: option image_size must be an int or '
                f'(width, height), got {value!r}')
        pair = [_coerce_int('image_size', v, key) for v in value]
        return pair[0] if pair[0] == pair[1] else tuple(pair)
    return _coerce_int('image_size', value, key)


def _coerce_int(name, value, key):
    if isinstance(value, float) and not value.is_integer():
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} expects a int, got {value!r}')
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} expects a int, '
            f'got {value!r}') from None
    if value < 0:
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} must be >= 0, got {value}')
    return value


def _coerce_anchors(value, key):
    if value is None:
        return None
    try:
        import numpy as np
        arr = np.asarray(value, dtype=np.float64).reshape(-1, 2)
    except (TypeError, ValueError):
        arr = None
    if arr is None or len(arr) == 0 or not ((arr > 0) & (arr <= 1)).all():
        raise DemoKeyError(
            f'demo key {key!r}: option anchors must be (width, height) '
            f'fractions of the image in (0, 1], got {value!r}')
    # a tuple of pairs: hashable and stable in the cache tag
    return tuple((float(w), float(h)) for w, h in arr)


def _coerce_value(kind, name, value, key):
    typ = _OPTIONS[kind][name][0]
    if typ is _SIZE:
        return _coerce_size(kind, value, key)
    if typ is _ANCHORS:
        if isinstance(value, str):
            raise DemoKeyError(f'demo key {key!r}: give anchors as a keyword argument')
        return _coerce_anchors(value, key)
    if typ is bool:
        if isinstance(value, str):
            # a bare flag ('msi') arrives as '', 'msi0' switches it off
            return value in {'', '1', 'true', 'True'}
        return bool(value)
    if typ is str:
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise DemoKeyError(
                f'demo key {key!r}: option {name!r} expects a channel spec '
                f"string such as 'B1,B8|B11' (a keyword argument), got {value!r}")
        return value
    if typ is int:
        return _coerce_int(name, value, key)
    try:
        value = typ(value)
    except (TypeError, ValueError):
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} expects a {typ.__name__}, '
            f'got {value!r}') from None
    return value


def _seed_from(value):
    """An int seed from kwcoco's rng argument (int, None or a generator)."""
    import random
    if value is None:
        # kwcoco's rng=None means "fresh randomness": draw a seed now so
        # the request still names one cache bundle.
        return random.SystemRandom().randrange(2 ** 31)
    if hasattr(value, 'integers'):     # numpy.random.Generator
        return int(value.integers(2 ** 31))
    if hasattr(value, 'randint'):      # numpy RandomState / random.Random
        return int(value.randint(0, 2 ** 31 - 1))
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
            'anchors': None,
            'aux': False,
            'channels': None,
            'image_size': 64,
            'max_speed': 0.1,
            'multisensor': False,
            'multispectral': True,
            'num_frames': 5,
            'num_tracks': 2,
            'num_videos': 8,
            'seed': 0,
            'sensorchan': None,
        }
        >>> parse_demo_key('shapes4', rng=7).options['seed']
        7
        >>> parse_demo_key('vidshapes2-frames3-randgsize').options['image_size']
        'random'
        >>> parse_demo_key('shapes8-aux', image_size=(64, 32)).options['image_size']
        (64, 32)
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
        if name in _RANDOM_SIZE_PARTS and value in ('', True):
            name, value = 'image_size', 'random'
        if name == 'amazon' and value in ('', True):
            name, value = 'background', 'amazon'
        name = _ALIASES.get(name, name)
        if kind == 'shapes' and name == 'num_tracks':
            name = 'num_objects'  # 'objects' means tracks only for videos
        if kind == 'shapes' and name == 'max_speed':
            return   # kwcoco's documented 'shapes8-frames1-speed0.2': nothing moves
        if kind == 'shapes' and name == 'num_frames':
            if _coerce_int(name, value, key) != 1:
                raise DemoKeyError(
                    f"demo key {key!r}: 'shapes' are still images (one frame "
                    f"each); use 'vidshapes' for {value} frames")
            return
        if name == 'background' and kind == 'vidshapes':
            if value != 'noise':
                raise DemoKeyError(
                    f"demo key {key!r}: background {value!r} is not available; "
                    f"xcoco draws the 'noise' background (kwcoco's 'amazon' "
                    f"needs a downloaded photo)")
            return
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
        if name in {'seed', 'rng'}:
            value = _seed_from(value)
        _set(name, value, 'keyword argument')

    if kind == 'shapes' and options['num_images'] < 1:
        raise DemoKeyError(f'demo key {key!r}: num_images must be >= 1')
    if kind == 'vidshapes':
        _check_video_channels(options, key)
    if kind == 'shapes' and options['multispectral'] and options['aux']:
        raise DemoKeyError(
            f'demo key {key!r}: aux (rgb plus auxiliary files) and '
            f'multispectral (bands only) cannot be combined')
    if 'num_frames' in options and options['num_frames'] < 1:
        raise DemoKeyError(f'demo key {key!r}: num_frames must be >= 1')
    size = options.get('image_size')
    if size is not None and size != 'random' and min(
            size if isinstance(size, tuple) else (size,)) < 1:
        raise DemoKeyError(f'demo key {key!r}: image_size must be >= 1')
    return DemoSpec(kind=kind, options=options, key=key)


def _check_video_channels(options, key):
    """The channel options of vidshapes exclude each other, as in kwcoco."""
    chosen = [name for name in ('aux', 'multispectral', 'channels')
              if options[name]]
    if options['multisensor'] and not (options['channels'] or options['sensorchan']):
        options['multispectral'] = True
        if 'multispectral' not in chosen:
            chosen.append('multispectral')
    if len(chosen) > 1:
        raise DemoKeyError(
            f'demo key {key!r}: {" and ".join(chosen)} cannot be combined '
            f'(aux is rgb plus auxiliary files, multispectral / channels are '
            f'bands only)')
    if options['sensorchan'] and chosen:
        raise DemoKeyError(
            f'demo key {key!r}: sensorchan names every sensor and its channels; '
            f'it cannot be combined with {chosen[0]}')
    for name in ('channels', 'sensorchan'):
        if options[name]:
            _check_channel_spec(name, options[name], key)


def _check_channel_spec(name, spec, key):
    import re
    # streams like 'B1', 'r|g|b', 'X.2', 'Y:2:6'; sensorchan adds 'S:' prefixes
    # and parenthesized groups
    token = r'[A-Za-z_][\w.]*(:\d+){0,2}'
    fused = rf'{token}(\|{token})*'
    if name == 'channels':
        pattern = rf'{fused}(,{fused})*'
    else:
        group = rf'({fused}|\({fused}(,{fused})*\))'
        item = rf'({token}:)?{group}'
        pattern = rf'{item}(,{item})*'
    if re.fullmatch(pattern, spec.replace(' ', '')) is None:
        raise DemoKeyError(
            f'demo key {key!r}: option {name!r} is not a channel spec: {spec!r} '
            f"(e.g. 'B1,B8|B11' or 's1:(r|g|b,B8),s2:flowx|flowy')")


def is_demo_key(key: str) -> bool:
    """
    Whether ``key`` is a demo key :func:`parse_demo_key` accepts (used by
    ``CocoDataset.coerce`` to tell demo keys from file names).

    Example:
        >>> is_demo_key('vidshapes2-multispectral'), is_demo_key('train.kwcoco.json')
        (True, False)
    """
    from xcoco.errors import DemoKeyError
    try:
        parse_demo_key(key)
    except DemoKeyError:
        return False
    return True
