"""Bounded caches for the ingest writer's planners.

The writer's planners (:class:`kg.summary.SummaryPlanner`, :class:`kg.windows.WindowPlanner`,
:class:`kg.comentions.CoMentionPlanner`) keep, between the batches of one run, what the store
holds about the nodes and lists they touched, so that the next batch need not read it again. On
a large archive a run touches most of it: at 83,000 articles a fresh writer's caches held about
0.9 GB after 1,000 articles. Each cache is a dict in least recently used order (:func:`refresh`
when an entry is written or used, :func:`trim` after a commit): an entry dropped is read again
from the store when a later write needs it, which gives the same state, since every entry left
after a commit is the committed state, the store's.

A cap is a weight, not a number of entries, where the entries differ in size: a list's state
weighs its rows, so that the many short lists (a number each) stay and the few long ones are
what is dropped. A planner that started on an empty store keeps the keys it dropped
(:func:`trim` returns them): any other entry it does not hold is new, with nothing to read.

>>> cache = {}
>>> for key in "abc":
...     refresh(cache, key, key.upper())
>>> refresh(cache, "a", "A")  # used again: now the newest
>>> trim(cache, 2), list(cache)
(['b'], ['c', 'a'])
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import islice


def refresh(cache: dict, key: Hashable, value) -> None:
    """Store ``value`` under ``key`` as the most recently used entry."""
    cache.pop(key, None)
    cache[key] = value


def trim(cache: dict, cap: int, weigh: Callable[[object], int] | None = None) -> list:
    """Drop the least recently used entries until the rest weigh at most ``cap`` (each entry 1,
    or ``weigh(value)``); returns the keys dropped, oldest first.

    >>> cache = dict.fromkeys(range(5))
    >>> trim(cache, 3), list(cache)
    ([0, 1], [2, 3, 4])
    >>> sizes = {"short": 1, "long": 500, "new": 1}
    >>> trim(sizes, 100, weigh=lambda size: size), list(sizes)
    (['short', 'long'], ['new'])
    """
    if weigh is None:
        excess = len(cache) - cap
        dropped = list(islice(cache, max(excess, 0)))
    else:
        excess = sum(map(weigh, cache.values())) - cap
        dropped = []
        for key, value in cache.items():
            if excess <= 0:
                break
            dropped.append(key)
            excess -= weigh(value)
    for key in dropped:
        del cache[key]
    return dropped


__all__ = ["refresh", "trim"]
