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
import os
import pickle
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from itertools import islice

from kg.errors import CacheError


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


# What the caps let go is packed into a temporary file (:class:`Spill`) rather than kept in memory
# (where the system has positioned reads and writes: ``os.pread``, every Unix).
SPILL_TO_DISK = hasattr(os, "pread") and hasattr(os, "pwrite")


def new_spill() -> Spill | None:
    """A :class:`Spill` for one planner cache (in the system's temporary folder), or None when
    :data:`SPILL_TO_DISK` is off (the packed entries then stay in memory).

    >>> new_spill() is None or new_spill().live == 0
    True
    """
    return Spill() if SPILL_TO_DISK else None


class Spill:
    """An unnamed temporary file holding one cache's packed entries: each is written once at the
    end (``put``), read back by its place (``get``: one ``pread`` from the page cache, a few
    microseconds), and let go (``free``); when more than half the file is let go and that is
    more than ``compact_bytes``, the entries still held are copied to a new file. The file is made
    when the first entry is written, in ``folder`` (None: the system's temporary folder, which
    ``TMPDIR`` names), and unlinked at once: nothing is left behind, even after a crash.

    The bytes are the operating system's to keep (its page cache, written out under memory
    pressure), not this process's: a writer's packed entries do not count in its resident memory.

    >>> spill = Spill()
    >>> where = spill.put(b"abc")
    >>> spill.get(where), spill.live
    (b'abc', 3)
    >>> spill.free(where); spill.live
    0
    """

    def __init__(self, folder: str | os.PathLike | None = None, compact_bytes: int = 64 * 2**20):
        self.folder = folder
        self.compact_bytes = compact_bytes
        self._file = None
        self._end = 0
        self.live = 0  # bytes of the entries held
        self.compactions = 0

    def _fd(self) -> int:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="kg-cache-", dir=self.folder)
        return self._file.fileno()

    def put(self, blob: bytes) -> tuple[int, int]:
        """Write ``blob`` at the end; returns its place (offset, length). OSError: not written."""
        fd = self._fd()
        written = os.pwrite(fd, blob, self._end)
        if written != len(blob):
            raise OSError(f"short write to the cache file ({written} of {len(blob)} bytes)")
        where = (self._end, len(blob))
        self._end += len(blob)
        self.live += len(blob)
        return where

    def get(self, where: tuple[int, int]) -> bytes:
        """The bytes written at ``where``; a :class:`~kg.errors.CacheError` when they cannot be
        read back (the write that needed them fails whole: nothing of it is written)."""
        offset, length = where
        try:
            blob = os.pread(self._fd(), length, offset)
        except OSError as err:
            raise CacheError(f"the writer's cache file in {self._where()}: read failed ({err})") from None
        if len(blob) != length:
            raise CacheError(
                f"the writer's cache file in {self._where()}: {len(blob)} of {length} bytes read at offset {offset}"
            )
        return blob

    def _where(self) -> str:
        return str(self.folder or tempfile.gettempdir())

    def free(self, where: tuple[int, int]) -> None:
        self.live -= where[1]

    @property
    def garbage(self) -> int:
        """Bytes of the file no entry holds."""
        return self._end - self.live

    def compact(self, places: dict) -> None:
        """Copy the entries still held (``places``: key → place, updated) to a new file when the
        let-go part is the larger one and more than ``compact_bytes``; if the copy cannot be
        written (the disk is full), the old file stays as it is."""
        if self.garbage <= max(self.live, self.compact_bytes):
            return
        old_file, old_fd, old_end, old_live = self._file, self._fd(), self._end, self.live
        self._file, self._end, self.live = None, 0, 0
        moved = {}
        try:
            for key, where in places.items():
                moved[key] = self.put(os.pread(old_fd, where[1], where[0]))
        except OSError:
            if self._file is not None:
                self._file.close()
            self._file, self._end, self.live = old_file, old_end, old_live
            return
        old_file.close()
        places.update(moved)
        self.compactions += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._end = self.live = 0


class _InMemory:
    """The packed entries kept in this process's memory, with :class:`Spill`'s interface (a
    place is the bytes themselves): the tier where there is no spill file."""

    def __init__(self) -> None:
        self.live = 0

    def put(self, blob: bytes) -> bytes:
        self.live += len(blob)
        return blob

    def get(self, place: bytes) -> bytes:
        return place

    def free(self, place: bytes) -> None:
        self.live -= len(place)

    def compact(self, places: dict) -> None:
        pass

    def close(self) -> None:
        self.live = 0


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
    (The pickles are this process's own, made and read by it, never read from elsewhere.)

    With ``spill`` (a :class:`Spill`) the packed entries are kept in its temporary file, not in
    this process's memory, and ``packed_bytes`` is a budget of disk. An entry the file cannot take
    (the disk is full) is dropped, as past ``packed_bytes``. (Smaller caps in use then cost no
    store reads, but they cost the CPU of packing and unpacking, and did not lower a long ingest's
    peak: benchmarks/README.md, *The packed tier on disk*.)

    >>> cache = TieredCache(packed_bytes=10_000)
    >>> for key in "abc":
    ...     refresh(cache, key, [key] * 100)
    >>> trim(cache, 1), list(cache), "a" in cache, len(cache["a"]), list(cache)
    ([], ['c'], True, 100, ['c', 'a'])
    >>> trim(TieredCache({"x": 1}, packed_bytes=0), 0)  # nothing can be packed: dropped
    ['x']
    >>> on_disk = TieredCache({"x": [1] * 1000}, packed_bytes=10_000, spill=Spill())
    >>> trim(on_disk, 0), on_disk.packed_size > 0, on_disk["x"] == [1] * 1000, on_disk.packed_size
    ([], True, True, 0)
    """

    def __init__(self, entries=(), *, packed_bytes: int, spill: Spill | None = None):
        super().__init__(entries)
        self.packed_bytes = packed_bytes
        self.spill = spill
        self._tier = spill if spill is not None else _InMemory()
        self._packed: dict = {}  # key → its place in the tier (in memory: the compressed pickle), oldest first

    def pack(self, keys: Iterable[Hashable]) -> list:
        """Move these entries to the packed tier; returns the keys dropped (oldest packed first)
        to keep it within ``packed_bytes``."""
        dropped = []
        for key in keys:
            blob = zlib.compress(pickle.dumps(dict.pop(self, key), pickle.HIGHEST_PROTOCOL), 1)
            try:
                self._packed[key] = self._tier.put(blob)
            except OSError:  # a spill file with no room on the disk: dropped (read from the store when needed)
                dropped.append(key)
        while self._tier.live > self.packed_bytes and self._packed:
            key = next(iter(self._packed))
            self._forget_packed(key)
            dropped.append(key)
        return dropped

    @property
    def packed(self) -> int:
        """How many entries are packed."""
        return len(self._packed)

    @property
    def packed_size(self) -> int:
        """The bytes of the packed entries (in memory, or in the spill file)."""
        return self._tier.live

    def _release(self, key: Hashable) -> bytes:
        """Take ``key`` out of the packed tier; returns its packed bytes (read first: an entry that
        cannot be read back stays where it is)."""
        place = self._packed[key]
        blob = self._tier.get(place)
        del self._packed[key]
        self._tier.free(place)
        self._tier.compact(self._packed)
        return blob

    def _unpack(self, key: Hashable):
        value = pickle.loads(zlib.decompress(self._release(key)))
        dict.__setitem__(self, key, value)  # (the newest entry)
        return value

    def _forget_packed(self, key: Hashable) -> None:
        place = self._packed.pop(key, None)
        if place is not None:
            self._tier.free(place)
            self._tier.compact(self._packed)

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
            return pickle.loads(zlib.decompress(self._release(key)))
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
        self._packed = {}
        self._tier.close()


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


__all__ = [
    "DroppedKeys",
    "Spill",
    "SPILL_TO_DISK",
    "TieredCache",
    "new_spill",
    "refresh",
    "release_free_memory",
    "trim",
]
