"""
Shorten a long string to a fixed budget while keeping it unique
(kwcoco's ``util_truncate``).

Example:
    >>> from xcoco.util.util_truncate import smart_truncate
    >>> smart_truncate('short name', max_length=20)
    'short name'
    >>> name = smart_truncate('sensor_L8_band_B04_tile_31TCJ_date_2021', 28, separator='_')
    >>> name, len(name)
    ('sensor_L8~8b021159~date_2021', 28)
"""
import hashlib

__all__ = ['smart_truncate']


def smart_truncate(string, max_length=0, separator=' ', trunc_loc=0.5, trunc_char='~'):
    """
    ``string`` itself if it fits in ``max_length`` characters; otherwise its
    beginning and end around a marker ``~<hash>~`` where ``<hash>`` (up to 8
    hex digits of the SHA-1 of the whole string) keeps different long
    strings distinct.

    Args:
        string (str): the text.
        max_length (int): the budget; 0 or less means no limit.
        separator (str): a word separator: the kept beginning and end are
            cut back to whole words when a separator allows it ('' to cut
            anywhere).
        trunc_loc (float): where the cut goes, from 0 (keep only the end)
            to 1 (keep only the beginning); values outside are clamped.
        trunc_char (str): the character around the hash.

    Returns:
        str: at most ``max_length`` characters.

    Note:
        kwcoco's function has the same purpose and arguments but different
        output (its result may exceed ``max_length``), so names made by the
        two differ.

    Example:
        >>> text = 'hello world foo bar baz qux'
        >>> for n in [30, 20, 12, 4]:
        ...     print(repr(smart_truncate(text, n)))
        'hello world foo bar baz qux'
        'hello~9d15b1af~qux'
        'h~9d15b1af~x'
        '9d15'
        >>> smart_truncate(text, 16, trunc_loc=0.0), smart_truncate(text, 16, trunc_loc=1.0)
        ('~9d15b1af~qux', 'hello~9d15b1af~')
    """
    if max_length <= 0 or len(string) <= max_length:
        return string
    digest = hashlib.sha1(string.encode('utf8')).hexdigest()
    # at least one character of text on a side, if there is room for it
    hash_len = min(8, max_length - 2 * len(trunc_char) - 2)
    if hash_len < 1:
        return digest[:max_length]
    marker = trunc_char + digest[:hash_len] + trunc_char
    budget = max_length - len(marker)
    head_len = int(round(budget * min(max(trunc_loc, 0.0), 1.0)))
    tail_len = budget - head_len
    head = string[:head_len]
    tail = string[len(string) - tail_len:] if tail_len else ''
    if separator:
        head = _whole_words_head(string, head, separator)
        tail = _whole_words_tail(string, tail, separator)
    return head + marker + tail


def _whole_words_head(string, head, separator):
    # keep the head if it ends where a word ends; else cut to its last separator
    rest = string[len(head):]
    if not head or rest.startswith(separator) or separator not in head:
        return head
    return head[:head.rindex(separator)]


def _whole_words_tail(string, tail, separator):
    before = string[:len(string) - len(tail)]
    if not tail or before.endswith(separator) or separator not in tail:
        return tail
    return tail[tail.index(separator) + len(separator):]
