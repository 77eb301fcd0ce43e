"""
How xcoco borrows the cyclic garbage collector: paused while a bulk step
creates many acyclic containers, restored exactly afterwards.

A manifest is millions of fresh dicts and lists, none of them cyclic.  If
the collector runs while they are created, every young-generation pass walks
all of them again; pausing it during a parse or an index build is most of
why loading is fast (issue 6: 17.8 s with the collector against 5.5 s
without).

Left alone after the pause, those millions would sit in the youngest
generation, and the user's next few allocations would trip three full walks
over them (young, middle, then a full collection: ~2 s each for the
3.7 million containers of a COCO-train-sized manifest).  So when a block made
many objects, they are handed straight to the oldest generation, where they
wait for the next full collection like any long-lived object.  To hand over
only what the block made, a young collection runs when the outermost block
starts (the kind the interpreter runs every few hundred allocations): it
collects the user's young garbage or promotes survivors as usual, and
leaves the young generations empty for the block.

What is not done: nothing stays frozen (the old ``gc.freeze()`` moved the
user's whole heap out of the collector's reach, so their cyclic garbage was
never freed); thresholds are not changed; if the user froze objects of
their own (``gc.get_freeze_count() > 0``), the hand-over is skipped so their
frozen set is never touched; the collector's enabled state after the
outermost block is what it was before it.

Example:
    >>> import gc
    >>> from xcoco.gc_policy import paused_gc
    >>> with paused_gc():
    ...     with paused_gc():        # nested blocks are fine
    ...         assert not gc.isenabled()
    ...     assert not gc.isenabled()
    >>> gc.isenabled(), gc.get_freeze_count()
    (True, 0)
"""
import gc
import threading
from contextlib import contextmanager

__all__ = ['HANDOVER_MIN', 'paused_gc']

#: a block that left at least this many new containers hands them to the
#: oldest generation (below it, the young collections are cheap anyway)
HANDOVER_MIN = 100_000

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc():
    """
    Pause the cyclic collector for the duration of the block.

    Blocks may nest and may run in several threads at once: the collector is
    paused when the first one starts and restored when the last one ends,
    to the state it had before the first.

    Example:
        >>> import gc
        >>> gc.disable()
        >>> with paused_gc():
        ...     pass
        >>> gc.isenabled()            # a user who had it off keeps it off
        False
        >>> gc.enable()
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            if _was_enabled and gc.get_freeze_count() == 0:
                gc.collect(1)
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _was_enabled:
                    _hand_over_young()
                    gc.enable()


def _hand_over_young():
    # The young generations hold (nearly) only what the block made: the
    # collection at its start emptied them.  freeze() + unfreeze() moves
    # them to the oldest generation without walking them; the permanent
    # generation is empty before and after.
    # get_count()[0]: containers made (less those freed) since the last
    # young collection, i.e. during the block
    if gc.get_count()[0] >= HANDOVER_MIN and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
