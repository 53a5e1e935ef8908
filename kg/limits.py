"""Limits on what kg reads, and small helpers that keep careless or hostile input bounded.

Every reader of outside data (fact sheets, article files, HTTP requests, Wikidata answers)
checks its input against these limits *before* doing work proportional to it, and every error
message quotes values through :func:`brief`, so a huge value never becomes a huge message.

>>> brief("x" * 500)[:12], len(brief("x" * 500)) < 120
("'xxxxxxxxxxx", True)
>>> closest("alias", ("id", "name", "aliases"))
'aliases'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

MAX_SHEET_BYTES = 16 * 1024 * 1024  # a fact sheet file (JSON/YAML)
MAX_DEPTH = 32  # nesting of lists/mappings in a fact sheet (a real one needs 5)
MAX_ITEMS = 5000  # actors, meetings, missions or statements in one sheet
MAX_YAML_NODES = 100_000  # values (scalars, lists, mappings) in a YAML sheet: ~100 MB to read
MAX_LIST = 1000  # roles, aliases, mentions, participants … of one item
MAX_STRING = 100_000  # characters of one string value (a title, a quote, an evidence sentence)
MAX_TEXT_CHARS = 20_000_000  # characters of an article text; spans beyond it are nonsense
MAX_STORED_TEXT_CHARS = 1_000_000  # an article text longer than this is not kept in the graph (schema:articleBody)
MAX_ARTICLE_BYTES = 16 * 1024 * 1024  # an article file (.txt/.html) kg extracts from
MAX_PAGE_BYTES = MAX_ARTICLE_BYTES  # a fetched page or feed, as sent and once decompressed
MAX_ROBOTS_BYTES = 512 * 1024  # a robots.txt (RFC 9309 asks crawlers to read at least 500 KiB)
MAX_REDIRECTS = 5  # redirects followed for one fetch
MAX_FEED_ENTRIES = 500  # entries of one feed looked at per run
MAX_SEEN_PER_FEED = 10_000  # entry ids remembered per feed (the oldest are forgotten first)
MAX_STATE_BYTES = 16 * 1024 * 1024  # the feed state file
BRIEF_CHARS = 80  # characters of a value quoted in an error message


def brief(value: Any, limit: int = BRIEF_CHARS) -> str:
    """``repr(value)`` cut to about ``limit`` characters, saying how long the whole was.

    Safe on self-referencing and huge values: containers are described, not expanded.

    >>> brief("abc")
    "'abc'"
    >>> brief(list(range(1000)))
    'a list of 1000 items'
    >>> brief("y" * 1000, 10)
    "'yyyyyyyy… (1000 characters)"
    """
    if isinstance(value, (list, tuple)):
        if len(value) <= 4 and all(isinstance(v, (str, int, float, bool, type(None))) for v in value):
            text = repr(value)
            if len(text) <= limit:
                return text
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a mapping with {len(value)} keys"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters as text"
    return f"{text[: limit - 1]}… ({size})"


def closest(key: str, known: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The known key most like ``key`` (a likely misspelling), or None.

    >>> closest("publishd", ("published", "publisher")), closest("zzz", ("id",))
    ('published', None)
    """
    found = difflib.get_close_matches(str(key), list(known), n=1, cutoff=cutoff)
    return found[0] if found else None


def nesting_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Depth of nested lists/mappings, counting no further than ``limit + 1`` (iterative).

    >>> nesting_depth({"a": [1, [2]]}), nesting_depth(1)
    (3, 0)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (list, dict)):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return deepest


_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.odt/.xlsx document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program (ELF)"),
)


def binary_format(data: bytes) -> str | None:
    """What a file is when its first bytes are a well-known binary signature, else None.

    >>> binary_format(b"%PDF-1.7 ..."), binary_format(b"Berlin (dpa) - ...")
    ('a PDF document', None)
    """
    head = data[:16].lstrip(b"\xef\xbb\xbf")
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    return None


def address_space() -> int:
    """This process's address space (virtual memory) in bytes, 0 where /proc is missing.

    >>> address_space() >= 0
    True
    """
    import os

    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(megabytes: int, on_top: bool = False) -> None:
    """Cap this process's address space (``RLIMIT_AS``): past it, allocations fail.

    With ``on_top`` the cap is the address space in use now plus ``megabytes`` (a budget for
    growth: libraries such as RocksDB reserve much address space they never touch).

    >>> limit_memory(0) is None
    True
    """
    import resource

    if megabytes <= 0:
        return
    wanted = megabytes * 1024 * 1024 + (address_space() if on_top else 0)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def exit_with_parent(interval: float = 0.5, pid: int | None = None) -> None:
    """End this (worker) process soon after its parent — or process ``pid``, e.g. the main
    process behind a forkserver — dies: a daemon thread watches.

    (Not ``PR_SET_PDEATHSIG``: that fires when the parent *thread* that started the worker ends,
    and kg starts replacement workers from short-lived threads.)
    """
    import os
    import threading
    import time

    parent = os.getppid()

    def alive() -> bool:
        if os.getppid() != parent:
            return False
        if pid is None:
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def watch() -> None:
        while alive():
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="kg-parent-watch").start()


@contextmanager
def deferred_interrupt():
    """Hold back Ctrl-C (SIGINT) until the block ends, then raise it.

    For third-party code that catches every exception (a bare ``except:``) and so would turn
    a KeyboardInterrupt into an unrelated error: langdetect's profile loading does. Only in the
    main thread (elsewhere signals cannot be handled and the block runs as is).

    >>> with deferred_interrupt():
    ...     pass
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and previous is signal.default_int_handler:
        raise KeyboardInterrupt


def read_bounded(path, limit: int, what: str) -> bytes:
    """A file's bytes, refusing (before reading) a file larger than ``limit``.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "big.txt")
    >>> with open(p, "wb") as f: _ = f.truncate(10)
    >>> read_bounded(p, 5, "an article")
    Traceback (most recent call last):
    kg.errors.InputError: ...big.txt: 10 bytes, more than the 5-byte limit for an article
    """
    from pathlib import Path

    from kg.errors import InputError

    path = Path(path)
    size = path.stat().st_size  # OSError (missing, a folder …) is the caller's to explain
    if size > limit:
        raise InputError(f"{path}: {size} bytes, more than the {limit}-byte limit for {what}")
    with path.open("rb") as handle:
        # the size seen first, then, only if it grew, on up to the limit: read(limit + 1) at
        # once would allocate (and give back) a limit-sized buffer for every small input
        data = handle.read(min(size, limit) + 1)
        if len(data) > size:
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:  # it grew while we looked, or is a device or pipe
        raise InputError(f"{path}: more than the {limit}-byte limit for {what}")
    return data
