"""Bounded caches for the ingest writer's planners.

The writer's planners (:class:`kg.summary.SummaryPlanner`, :class:`kg.windows.WindowPlanner`,
:class:`kg.comentions.CoMentionPlanner`) keep, between the batches of one run, what the store
holds about the nodes and lists they touched, so that the next batch need not read it again. On
a large archive a run touches most of it: at 83,000 articles a fresh writer's caches held about
0.9 GB after 1,000 articles. Each cache is a dict in least recently used order (:func:`refresh`
when an entry is written or used, :func:`trim` after a commit): an entry dropped is read again
from the store when a later write needs it, which gives the same state, since every entry left
after a commit is the committed state, the store's.

>>> cache = {}
>>> for key in "abc":
...     refresh(cache, key, key.upper())
>>> refresh(cache, "a", "A")  # used again: now the newest
>>> trim(cache, 2), list(cache)
(1, ['c', 'a'])
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import islice


def refresh(cache: dict, key: Hashable, value) -> None:
    """Store ``value`` under ``key`` as the most recently used entry."""
    cache.pop(key, None)
    cache[key] = value


def trim(cache: dict, cap: int) -> int:
    """Drop the least recently used entries beyond ``cap``; returns how many were dropped.

    >>> cache = dict.fromkeys(range(5))
    >>> trim(cache, 3), list(cache)
    (2, [2, 3, 4])
    """
    excess = len(cache) - cap
    if excess <= 0:
        return 0
    for key in list(islice(cache, excess)):
        del cache[key]
    return excess


__all__ = ["refresh", "trim"]
