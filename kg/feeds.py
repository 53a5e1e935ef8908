"""RSS and Atom feeds: their entries (feedparser), and what kg has seen of each feed.

:func:`parse_feed` reads a fetched feed's bytes (never a URL: feedparser fetches nothing here)
into :class:`FeedEntry` items. :class:`FeedState` remembers, per feed, the entries already
handled (by GUID/id, else link) and the ``ETag``/``Last-Modified`` of the last answer for a
conditional GET, in a small JSON file written atomically, so ``kg ingest --feed`` can run from
cron again and again and take only what is new.

>>> rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
...        b'<item><title>A</title><link>/news/a</link><guid>tag:news.example,2025:a</guid>'
...        b'<pubDate>Wed, 09 Apr 2025 08:00:00 GMT</pubDate></item></channel></rss>')
>>> title, entries = parse_feed(rss, "http://news.example/feed.xml")
>>> title, entries[0].id, entries[0].url, entries[0].published
('Desk', 'tag:news.example,2025:a', 'http://news.example/news/a', '2025-04-09')
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.limits import MAX_FEED_ENTRIES, MAX_SEEN_PER_FEED, MAX_STATE_BYTES, brief, read_bounded

STATE_VERSION = 1


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: its identity (GUID/id, else its link), the article's URL, title, date."""

    id: str
    url: str | None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, as the feed states it


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> tuple[str | None, list[FeedEntry]]:
    """(feed title, entries) of an RSS or Atom document; an :class:`InputError` naming ``url`` if
    it is neither. Relative links are resolved against ``url``; at most ``MAX_FEED_ENTRIES``.

    >>> parse_feed(b"<html><body>no feed</body></html>", "http://x.example/f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.InputError: http://x.example/f: not an RSS or Atom feed (...)
    """
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(bytes(data), response_headers=headers)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        why = f"{type(problem).__name__}: {brief(str(problem), 100)}" if problem else "no feed elements found"
        raise InputError(f"{url}: not an RSS or Atom feed ({why})")
    entries = []
    for item in parsed.entries[:MAX_FEED_ENTRIES]:
        link = (item.get("link") or "").strip() or None
        if link:
            link = urllib.parse.urljoin(url, link.replace(" ", "%20"))
        ident = (item.get("id") or "").strip() or link
        if not ident:
            continue  # nothing to know it by, nothing to fetch
        entries.append(FeedEntry(ident, link, (item.get("title") or "").strip() or None, _date(item)))
    return (parsed.feed.get("title") or None), entries


def _date(item) -> str | None:
    stamp = item.get("published_parsed")
    if not stamp:
        return None
    try:
        return dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday).isoformat()
    except (ValueError, AttributeError):
        return None


def default_state_path(store: str) -> Path | None:
    """Where the feed state lives when not configured: beside an on-disk store (a remote store's
    in ``.kg/``); None for an in-memory store, whose state lasts as long as the store.

    >>> default_state_path(".kg/store").as_posix(), default_state_path("memory:")
    ('.kg/store.feeds.json', None)
    """
    import hashlib

    if store == "memory:":
        return None
    if store.startswith(("http://", "https://")):
        return Path(f".kg/feeds-{hashlib.sha256(store.encode()).hexdigest()[:12]}.json")
    path = Path(store)
    return path.parent / f"{path.name}.feeds.json"


class FeedState:
    """What kg has seen of each feed, kept in one JSON file (written atomically).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "feeds.json")
    >>> state = FeedState.load(path)
    >>> state.mark_seen("http://x.example/feed", "id-a")
    >>> state.save()
    >>> FeedState.load(path).seen("http://x.example/feed", "id-a")
    True
    >>> state.mark_pending("http://x.example/feed", FeedEntry("id-b", "http://x.example/b"))
    >>> [entry.id for entry in state.pending("http://x.example/feed")]
    ['id-b']
    >>> state.remember_answer("http://x.example/feed", '"v2"', None)
    >>> state.feed("http://x.example/feed")["etag"]
    '"v2"'
    """

    def __init__(self, path: str | Path | None, data: dict | None = None):
        self.path = None if path is None else Path(path)
        self.data = data or {"version": STATE_VERSION, "feeds": {}}

    @classmethod
    def load(cls, path: str | Path | None) -> FeedState:
        """The state in ``path`` (empty when the file does not exist yet; kept in memory for None)."""
        if path is None:
            return cls(None)
        path = Path(path)
        if not path.exists():
            return cls(path)
        hint = "delete it to start afresh (every entry then counts as new once)"
        try:
            data = json.loads(read_bounded(path, MAX_STATE_BYTES, "a feed state file").decode("utf-8"))
        except OSError as err:
            raise InputError(f"{path}: cannot read the feed state ({err.strerror or err})") from None
        except (ValueError, UnicodeDecodeError) as err:
            raise InputError(f"{path}: not a kg feed state file ({type(err).__name__}); {hint}") from None
        if (
            not isinstance(data, dict)
            or data.get("version") != STATE_VERSION
            or not isinstance(data.get("feeds"), dict)
        ):
            raise InputError(f"{path}: not a kg feed state file (version {STATE_VERSION} expected); {hint}")
        return cls(path, data)

    def feed(self, url: str) -> dict:
        """The record of one feed: ``etag``, ``last_modified``, ``checked``, ``seen`` (id → when)."""
        record = self.data["feeds"].setdefault(url, {})
        if not isinstance(record.get("seen"), dict):
            record["seen"] = {}
        return record

    def seen(self, url: str, entry_id: str) -> bool:
        """Whether the entry was handled in an earlier run."""
        return entry_id in self.feed(url)["seen"]

    def mark_seen(self, url: str, entry_id: str, outcome: str = "ingested") -> None:
        """Remember an entry (the oldest are forgotten past ``MAX_SEEN_PER_FEED``)."""
        record = self.feed(url)
        (record.get("pending") or {}).pop(entry_id, None)
        seen = record["seen"]
        seen[entry_id] = {"at": _now(), "outcome": outcome}
        while len(seen) > MAX_SEEN_PER_FEED:
            seen.pop(next(iter(seen)))

    def pending(self, url: str) -> list[FeedEntry]:
        """Entries that failed for a passing reason (timeout, 5xx) in earlier runs: tried again."""
        items = self.feed(url).get("pending") or {}
        return [FeedEntry(k, v.get("url"), v.get("title"), v.get("published")) for k, v in items.items()]

    def mark_pending(self, url: str, entry: FeedEntry) -> None:
        """Remember an entry to try again next run (it is not counted as seen)."""
        pending = self.feed(url).setdefault("pending", {})
        pending[entry.id] = {"url": entry.url, "title": entry.title, "published": entry.published}
        while len(pending) > MAX_FEED_ENTRIES:
            pending.pop(next(iter(pending)))

    def remember_answer(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Keep the validators of the feed's last answer for the next conditional GET."""
        record = self.feed(url)
        record["etag"] = etag
        record["last_modified"] = last_modified
        record["checked"] = _now()

    def save(self) -> None:
        """Write the state whole or not at all (:func:`kg.outputs.write_atomically`)."""
        from kg.outputs import write_atomically

        if self.path is None:
            return
        text = json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomically(self.path, lambda handle: handle.write(text.encode("utf-8")))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
