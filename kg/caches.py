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

import ctypes
import ctypes.util
import functools
import heapq
import pickle
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from itertools import islice


def refresh(cache: dict, key: Hashable, value) -> None:
    """Store ``value`` under ``key`` as the most recently used entry."""
    try:
        del cache[key]
    except KeyError:
        pass
    cache[key] = value


def trim(cache: dict, cap: int, weigh: Callable[[object], int] | None = None) -> list:
    """Drop the least recently used entries until the rest weigh at most ``cap`` (each entry 1,
    or ``weigh(value)``); returns the keys dropped, oldest first. A :class:`TieredCache` keeps
    them packed instead, and returns the keys it had to drop from there.

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
    if isinstance(cache, TieredCache):
        return cache.pack(dropped)
    for key in dropped:
        del cache[key]
    return dropped


class TieredCache(dict):
    """A planner cache in two tiers: the entries in use as they are (the dict itself, least
    recently used first, :func:`refresh` and :func:`trim` as for any cache), and the entries
    :func:`trim` let go packed, each as its compressed pickle (a window of 512 rows in about a
    sixth of its bytes), up to ``packed_bytes``. A packed entry is unpacked when it is asked for
    (``in`` answers for both tiers) and is then in use again, the newest; reading it back from
    the store instead is a SPARQL query (10-30 ms a window at 50,000 articles, where unpacking
    takes a fraction of a millisecond). Only what the packed tier cannot hold is dropped
    (:func:`trim` returns those keys). An entry is packed after a commit, so it is the store's
    state, and it leaves the packed tier when it is unpacked or set: what is packed is never
    older than what the store holds. Iterating, ``len`` and ``values()`` see the entries in use.
    (The pickles are this process's own, made and read in memory, never read from elsewhere.)

    >>> cache = TieredCache(packed_bytes=10_000)
    >>> for key in "abc":
    ...     refresh(cache, key, [key] * 100)
    >>> trim(cache, 1), list(cache), "a" in cache, len(cache["a"]), list(cache)
    ([], ['c'], True, 100, ['c', 'a'])
    >>> trim(TieredCache({"x": 1}, packed_bytes=0), 0)  # nothing can be packed: dropped
    ['x']
    """

    def __init__(self, entries=(), *, packed_bytes: int):
        super().__init__(entries)
        self.packed_bytes = packed_bytes
        self._packed: dict = {}  # key → compressed pickle, oldest first
        self._size = 0

    def pack(self, keys: Iterable[Hashable]) -> list:
        """Move these entries to the packed tier; returns the keys dropped (oldest packed first)
        to keep it within ``packed_bytes``."""
        for key in keys:
            blob = zlib.compress(pickle.dumps(dict.pop(self, key), pickle.HIGHEST_PROTOCOL), 1)
            self._packed[key] = blob
            self._size += len(blob)
        dropped = []
        while self._size > self.packed_bytes and self._packed:
            key = next(iter(self._packed))
            self._size -= len(self._packed.pop(key))
            dropped.append(key)
        return dropped

    @property
    def packed(self) -> int:
        """How many entries are packed."""
        return len(self._packed)

    def _unpack(self, key: Hashable):
        blob = self._packed.pop(key)
        self._size -= len(blob)
        value = pickle.loads(zlib.decompress(blob))
        dict.__setitem__(self, key, value)  # (the newest entry)
        return value

    def _forget_packed(self, key: Hashable) -> None:
        blob = self._packed.pop(key, None)
        if blob is not None:
            self._size -= len(blob)

    def __missing__(self, key: Hashable):
        if key in self._packed:
            return self._unpack(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self._packed

    def get(self, key: Hashable, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self._unpack(key) if key in self._packed else default

    def pop(self, key: Hashable, *default):
        if key in self._packed:
            blob = self._packed.pop(key)
            self._size -= len(blob)
            return pickle.loads(zlib.decompress(blob))
        return dict.pop(self, key, *default)

    def __setitem__(self, key: Hashable, value) -> None:
        if self._packed:
            self._forget_packed(key)
        dict.__setitem__(self, key, value)

    def update(self, entries=(), **more) -> None:
        for key, value in dict(entries, **more).items():
            self[key] = value

    def __delitem__(self, key: Hashable) -> None:
        if key in self._packed:
            self._forget_packed(key)
        else:
            dict.__delitem__(self, key)

    def clear(self) -> None:
        dict.clear(self)
        self._packed, self._size = {}, 0


class DroppedKeys:
    """The keys a planner dropped, as a set that can only say "maybe": each key is kept as its
    64-bit ``hash()``, 8 bytes in a sorted array (plus the last few thousand in a small set),
    where a set of the keys themselves (IRIs, match keys, (family, actor) pairs) took about 95
    bytes a key and grew with every key a long run dropped (25 MB of match keys alone at 20,000
    articles). A key that was added is always found; another key whose hash it shares is found
    too, and is then read from the store when it need not be: the same state, one read more.

    >>> dropped = DroppedKeys()
    >>> dropped.update(["a", "b"])
    >>> "a" in dropped, "c" in dropped, len(dropped)
    (True, False, 2)
    """

    _RECENT = 65_536  # hashes kept in a set before they are merged into the sorted array

    def __init__(self) -> None:
        self._sorted = array("q")
        self._recent: set[int] = set()

    def add(self, key: Hashable) -> None:
        value = hash(key)
        if value in self._recent or self._in_sorted(value):
            return
        self._recent.add(value)
        if len(self._recent) >= self._RECENT:
            self._merge()

    def update(self, keys: Iterable[Hashable]) -> None:
        for key in keys:
            self.add(key)

    def __contains__(self, key: Hashable) -> bool:
        value = hash(key)
        return value in self._recent or self._in_sorted(value)

    def _in_sorted(self, value: int) -> bool:
        at = bisect_left(self._sorted, value)
        return at < len(self._sorted) and self._sorted[at] == value

    def __len__(self) -> int:
        """The keys kept (two that share a hash count once)."""
        return len(self._sorted) + len(self._recent)

    def _merge(self) -> None:
        """Merge the recent hashes (none of them in the array: :meth:`add`) into the sorted array."""
        self._sorted = array("q", heapq.merge(self._sorted, sorted(self._recent)))
        self._recent = set()


@functools.cache
def libc_function(name: str):
    """A function of the C library by name (``malloc_trim``, ``mallinfo2``: glibc's), or None
    (another C library, or none to be found); the caller sets its argument and result types.

    >>> libc_function("no_such_function") is None
    True
    """
    try:
        library = ctypes.util.find_library("c")
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Give the memory the C allocator holds free back to the system (glibc's ``malloc_trim(0)``,
    which also returns the free pages inside its heap); False where there is no such call.

    A long ingest frees as much as it allocates (the batches' triples and update text, the
    packed cache entries), and glibc keeps what was freed inside its heap: about 190 MB at
    40,000 articles, which is resident until the pages are written again.

    >>> release_free_memory() in (True, False)
    True
    """
    function = libc_function("malloc_trim")
    if function is None:
        return False
    function.argtypes, function.restype = [ctypes.c_size_t], ctypes.c_int
    return bool(function(0))


__all__ = ["DroppedKeys", "TieredCache", "refresh", "release_free_memory", "trim"]
