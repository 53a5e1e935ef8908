"""A persistent SQLite cache of Wikidata entity summaries, shipped read-only and grown by a user cache.

Two files are layered: the *shipped* cache (``kg/data/wikidata-cache.sqlite``, built by
``scripts/build_wikidata_cache.py`` from ../shared/wikidata plus kg's own label files, opened
read-only) and an optional *user* cache (default ``.kg/wikidata.sqlite``, ``Settings.cache_path``)
that the online client writes into. Reads look in the user cache first. Both files carry a
``meta`` table with the format name and version; anything else gives a :class:`CacheError`
naming the file. The user cache runs in WAL mode so that many readers can read while one
process writes.

>>> cache = EntityCache.open()                  # the shipped cache only
>>> cache.get("Q17").labels["de"], cache.get("Q17").type
('Japan', 'State')
>>> sorted(n.text for n in cache.find("japanisch"))
['japanisch']
>>> sorted(p.qid for p in cache.get("Q1335527").positions)
['Q274948', 'Q6500838']
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import CacheError

FORMAT_NAME = "kg-wikidata-cache"
TABLES_SOURCE = "shipped:tables"  # entities only in ../shared/wikidata's big tables (see names())
FORMAT_VERSION = 1
ENTITY_TYPES = ("Person", "Organization", "State", "Place", "Position", "Mission", "Event", "Other")
NAME_KINDS = ("label", "alias", "demonym", "metonym")
LANGUAGES = ("de", "en")
DEFAULT_TTL_DAYS = 30
SHIPPED_CACHE = Path(__file__).resolve().parent.parent / "data" / "wikidata-cache.sqlite"
# The international organisations of SupraVerden are CC BY-SA 4.0: a separately licensed file
# (kg/data/LICENSE-wikidata-cache-cc-by-sa.md), layered under the main one; optional.
SHIPPED_CACHE_BY_SA = SHIPPED_CACHE.with_name("wikidata-cache-cc-by-sa.sqlite")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    qid TEXT PRIMARY KEY, type TEXT NOT NULL, sitelinks INTEGER,
    fetched_at TEXT NOT NULL, ttl_days INTEGER NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS names (
    qid TEXT NOT NULL, lang TEXT NOT NULL, kind TEXT NOT NULL, ord INTEGER NOT NULL,
    text TEXT NOT NULL, norm TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_norm ON names (norm);
CREATE INDEX IF NOT EXISTS names_qid ON names (qid);
CREATE TABLE IF NOT EXISTS descriptions (
    qid TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (qid, lang));
CREATE TABLE IF NOT EXISTS claims (
    qid TEXT NOT NULL, pid TEXT NOT NULL, ord INTEGER NOT NULL, value TEXT NOT NULL,
    start TEXT, "end" TEXT);
CREATE INDEX IF NOT EXISTS claims_qid ON claims (qid);
CREATE TABLE IF NOT EXISTS confusable (grp INTEGER NOT NULL, qid TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (qid TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facts_qid ON facts (qid);
CREATE TABLE IF NOT EXISTS offices (
    qid TEXT NOT NULL, ord INTEGER NOT NULL, title TEXT NOT NULL, start TEXT, "end" TEXT);
CREATE INDEX IF NOT EXISTS offices_qid ON offices (qid);
CREATE TABLE IF NOT EXISTS name_keys (key TEXT NOT NULL, kind TEXT NOT NULL, qid TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS name_keys_key ON name_keys (key, kind);
"""
# Tables added after version 1 shipped: optional when reading (an older user cache lacks them).
OPTIONAL_TABLES = ("facts", "offices", "name_keys")
FACT_KEYS = ("kind", "country", "admin1", "population", "homonym_of", "as_of", "licence")


def normalize_name(text: str) -> str:
    """The lookup key of a surface form: NFKC, case-folded, typographic quotes and spaces unified.

    >>> normalize_name("  Vereinigte\\u00a0Staaten ")
    'vereinigte staaten'
    >>> normalize_name("Côte d’Ivoire") == normalize_name("CÔTE D'IVOIRE")
    True
    """
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Name:
    """One surface form of an entity: ``kind`` is label, alias, demonym or metonym."""

    text: str
    qid: str
    type: str
    lang: str
    kind: str


@dataclass(frozen=True)
class Claim:
    """One statement value with optional start/end time qualifiers (``YYYY[-MM[-DD]]``)."""

    value: str
    start: str | None = None
    end: str | None = None

    def holds_on(self, date: str | None) -> bool:
        """True when the claim is in force on ``date`` (or when no date is given).

        >>> Claim("Q1", "2024-10-01").holds_on("2025-04-10"), Claim("Q1", None, "2020").holds_on("2021-01-01")
        (True, False)
        """
        if not date:
            return True
        if self.start and date[: len(self.start)] < self.start[: len(date)]:
            return False
        if self.end and date[: len(self.end)] > self.end[: len(date)]:
            return False
        return True


@dataclass(frozen=True)
class PositionHeld:
    """A position held (P39) with its start and end."""

    qid: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Office:
    """An office held, as its title in English (``"Minister of Foreign Affairs"``), with the
    years or dates it began and ended; ``end`` None means ongoing at the row's ``as_of`` date.

    >>> Office("President", "2009", "2017").holds_on("2015-06-01"), Office("President", "2009", "2017").holds_on("2019")
    (True, False)
    """

    title: str
    start: str | None = None
    end: str | None = None

    def holds_on(self, date: str | None) -> bool:
        """True when the office was held on ``date`` (or when no date is given)."""
        return Claim("", self.start, self.end).holds_on(date)


@dataclass
class Entity:
    """The summary of one Wikidata item that kg needs for linking and enrichment."""

    qid: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    claims: dict[str, list[Claim]] = field(default_factory=dict)
    sitelinks: int | None = None
    fetched_at: str = "1970-01-01T00:00:00Z"
    ttl_days: int = DEFAULT_TTL_DAYS
    source: str = "wikidata"
    demonyms: dict[str, list[str]] = field(default_factory=dict)
    metonyms: dict[str, list[str]] = field(default_factory=dict)
    offices: list[Office] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def population(self) -> int:
        """The population recorded for a place (0 when unknown)."""
        value = self.facts.get("population", "")
        return int(value) if value.isdigit() else 0

    @property
    def homonyms(self) -> list[str]:
        """Other QIDs of the shipped data with the same normalised name (people.tsv ``homonym_of``)."""
        return [q for q in self.facts.get("homonym_of", "").split("|") if q]

    def values(self, pid: str) -> list[str]:
        """The values of property ``pid``, in order."""
        return [claim.value for claim in self.claims.get(pid, [])]

    @property
    def instance_of(self) -> list[str]:
        return self.values("P31")

    @property
    def citizenship(self) -> list[str]:
        return self.values("P27")

    @property
    def member_of(self) -> list[str]:
        return self.values("P463")

    @property
    def positions(self) -> list[PositionHeld]:
        return [PositionHeld(c.value, c.start, c.end) for c in self.claims.get("P39", [])]

    def label(self, lang: str = "en") -> str:
        """The label in ``lang``, else in the other language, else the QID."""
        return self.labels.get(lang) or next(iter(self.labels.values()), self.qid)

    def names(self) -> Iterator[Name]:
        """Every surface form of this entity, labels first."""
        for lang in sorted(self.labels):
            yield Name(self.labels[lang], self.qid, self.type, lang, "label")
        for kind, table in (("alias", self.aliases), ("demonym", self.demonyms), ("metonym", self.metonyms)):
            for lang in sorted(table):
                for text in table[lang]:
                    yield Name(text, self.qid, self.type, lang, kind)

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """True when ``fetched_at`` is older than the TTL.

        >>> Entity("Q1", "Place", fetched_at="2000-01-01T00:00:00Z").is_stale()
        True
        """
        now = now or dt.datetime.now(dt.UTC)
        fetched = _parse_time(self.fetched_at)
        return now - fetched > dt.timedelta(days=self.ttl_days)


def _parse_time(value: str) -> dt.datetime:
    value = value.replace("Z", "+00:00")
    if "T" not in value:
        value += "T00:00:00+00:00"
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def utc_now_iso(now: dt.datetime | None = None) -> str:
    """An ISO timestamp in UTC with a ``Z`` suffix (``fetched_at`` format)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------- one SQLite file


class _Rows(list):
    """Fetched rows with the ``fetchone`` of a cursor."""

    def fetchone(self):
        return self[0] if self else None


class _LockedConnection:
    """An SQLite connection usable from several threads: every call (and every ``with`` block,
    i.e. a write transaction) holds one re-entrant lock, and reads are fetched eagerly."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._lock = threading.RLock()

    def execute(self, sql: str, params=()) -> _Rows:
        with self._lock:
            return _Rows(self._conn.execute(sql, params).fetchall())

    def executemany(self, sql: str, rows) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    def executescript(self, script: str) -> None:
        with self._lock:
            self._conn.executescript(script)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self):
        self._lock.acquire()
        self._conn.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._conn.__exit__(*exc)
        finally:
            self._lock.release()


class _CacheFile:
    """One cache file: checks its format on open, reads and (if writable) writes entities."""

    def __init__(self, path: Path, writable: bool):
        self.path = path
        self.writable = writable
        self._dated_offices: list[tuple[str, Office]] | None = None  # read-only files: read once
        self._holders_memo: dict[str, list[tuple[str, Office]]] = {}
        self._lookups: dict[tuple, list] = {}  # read-only files: name look-ups answered once
        try:
            if writable:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = _LockedConnection(sqlite3.connect(str(path), timeout=30, check_same_thread=False))
            else:
                if not path.is_file():
                    raise CacheError(
                        f"{path}: Wikidata cache file not found; build the shipped cache with "
                        "'python scripts/build_wikidata_cache.py'"
                    )
                self.conn = _LockedConnection(
                    sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30, check_same_thread=False)
                )
            self._check_or_init()
        except sqlite3.DatabaseError as err:
            raise CacheError(
                f"{path}: not a usable kg Wikidata cache ({err}); expected an SQLite file with "
                f"format {FORMAT_NAME!r} version {FORMAT_VERSION}. Move it away or delete it."
            ) from None
        except OSError as err:
            raise CacheError(f"{path}: cannot open Wikidata cache ({err.strerror or err})") from None

    def _check_or_init(self) -> None:
        tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables and self.writable:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.executescript(SCHEMA)
            with self.conn:
                self.conn.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("format", FORMAT_NAME), ("version", str(FORMAT_VERSION))],
                )
            self.optional = set(OPTIONAL_TABLES)
            return
        if "meta" not in tables:
            raise CacheError(
                f"{self.path}: not a kg Wikidata cache (no 'meta' table; tables: "
                f"{', '.join(sorted(tables)) or 'none'}); expected format {FORMAT_NAME!r}"
            )
        meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT_NAME:
            raise CacheError(f"{self.path}: foreign cache format {meta.get('format')!r}; expected {FORMAT_NAME!r}")
        if meta.get("version") != str(FORMAT_VERSION):
            raise CacheError(
                f"{self.path}: cache format version {meta.get('version')!r} is not supported; "
                f"expected {FORMAT_VERSION} (delete the file to rebuild it)"
            )
        if self.writable:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.executescript(SCHEMA)  # adds tables newer than the file (all optional)
            tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self.optional = {name for name in OPTIONAL_TABLES if name in tables}

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def qids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT qid FROM entities")}

    def has(self, qid: str) -> bool:
        return self.conn.execute("SELECT 1 FROM entities WHERE qid = ?", (qid,)).fetchone() is not None

    def get(self, qid: str) -> Entity | None:
        row = self.conn.execute(
            "SELECT type, sitelinks, fetched_at, ttl_days, source FROM entities WHERE qid = ?", (qid,)
        ).fetchone()
        if row is None:
            return None
        entity = Entity(qid, row[0], sitelinks=row[1], fetched_at=row[2], ttl_days=row[3], source=row[4])
        tables = {"alias": entity.aliases, "demonym": entity.demonyms, "metonym": entity.metonyms}
        for lang, kind, text in self.conn.execute(
            "SELECT lang, kind, text FROM names WHERE qid = ? ORDER BY lang, kind, ord", (qid,)
        ):
            if kind == "label":
                entity.labels[lang] = text
            else:
                tables[kind].setdefault(lang, []).append(text)
        for lang, text in self.conn.execute("SELECT lang, text FROM descriptions WHERE qid = ?", (qid,)):
            entity.descriptions[lang] = text
        for pid, value, start, end in self.conn.execute(
            'SELECT pid, value, start, "end" FROM claims WHERE qid = ? ORDER BY pid, ord', (qid,)
        ):
            entity.claims.setdefault(pid, []).append(Claim(value, start, end))
        if "facts" in self.optional:
            entity.facts = dict(self.conn.execute("SELECT key, value FROM facts WHERE qid = ?", (qid,)))
        if "offices" in self.optional:
            entity.offices = [
                Office(*row)
                for row in self.conn.execute(
                    'SELECT title, start, "end" FROM offices WHERE qid = ? ORDER BY ord', (qid,)
                )
            ]
        return entity

    def holders(self, date: str) -> list[tuple[str, Office]]:
        """(QID, office) of every dated office held on ``date`` (YYYY-MM-DD)."""
        if "offices" not in self.optional:
            return []
        if self.writable:
            rows = self.conn.execute(
                'SELECT qid, title, start, "end" FROM offices WHERE start IS NOT NULL AND start <= ? '
                'AND ("end" IS NULL OR "end" >= ?) ORDER BY qid, ord',
                (date, date[:4]),
            )
            return [
                (qid, Office(title, start, end))
                for qid, title, start, end in rows
                if Office(title, start, end).holds_on(date)
            ]
        # a read-only file never changes: read its dated offices once, answer each date once
        memo = self._holders_memo
        if date not in memo:
            if len(memo) > 256:
                memo.clear()
            if self._dated_offices is None:
                self._dated_offices = [
                    (qid, Office(title, start, end))
                    for qid, title, start, end in self.conn.execute(
                        'SELECT qid, title, start, "end" FROM offices WHERE start IS NOT NULL ORDER BY qid, ord'
                    )
                ]
            year = date[:4]
            memo[date] = [
                (qid, office)
                for qid, office in self._dated_offices
                if office.start <= date and (office.end is None or office.end >= year) and office.holds_on(date)
            ]
        return list(memo[date])

    def _remembered(self, key: tuple, compute) -> list:
        """``compute()``, answered once per key when the file is read-only (it cannot change)."""
        if self.writable:
            return compute()
        if key not in self._lookups:
            if len(self._lookups) > 50_000:
                self._lookups.clear()
            self._lookups[key] = compute()
        return list(self._lookups[key])

    def find_keys(self, key: str, kind: str) -> list[Name]:
        """Person names whose surname (``kind="surname"``) or sorted tokens (``"sorted"``) are ``key``."""
        return self._remembered(("keys", key, kind), lambda: self._find_keys(key, kind))

    def _find_keys(self, key: str, kind: str) -> list[Name]:
        if "name_keys" not in self.optional:
            return [n for n in self.names() if n.type == "Person" and key in _person_keys(n.text).get(kind, ())]
        rows = self.conn.execute(
            "SELECT n.text, n.qid, e.type, n.lang, n.kind FROM name_keys k JOIN names n ON n.qid = k.qid "
            "JOIN entities e ON e.qid = k.qid WHERE k.key = ? AND k.kind = ? AND n.kind IN ('label', 'alias') "
            "ORDER BY n.qid, n.lang, n.kind, n.ord",
            (key, kind),
        )
        return [Name(*row) for row in rows if key in _person_keys(row[0]).get(kind, ())]

    def names(self, skip: set[str] = frozenset(), scope: str = "all") -> Iterator[Name]:
        where = "" if scope == "all" else f"WHERE e.source != '{TABLES_SOURCE}' "
        rows = self.conn.execute(
            "SELECT n.text, n.qid, e.type, n.lang, n.kind FROM names n JOIN entities e USING (qid) "
            f"{where}ORDER BY n.qid, n.lang, n.kind, n.ord"
        )
        for text, qid, type_, lang, kind in rows:
            if qid not in skip:
                yield Name(text, qid, type_, lang, kind)

    def find(self, norm: str) -> list[Name]:
        return self._remembered(("find", norm), lambda: self._find(norm))

    def _find(self, norm: str) -> list[Name]:
        rows = self.conn.execute(
            "SELECT n.text, n.qid, e.type, n.lang, n.kind FROM names n JOIN entities e USING (qid) "
            "WHERE n.norm = ? ORDER BY n.qid, n.lang, n.kind, n.ord",
            (norm,),
        )
        return [Name(*row) for row in rows]

    def confusable_groups(self) -> list[set[str]]:
        return [set(group) for group in self._remembered(("confusable",), self._confusable_groups)]

    def _confusable_groups(self) -> list[set[str]]:
        groups: dict[int, set[str]] = {}
        for grp, qid in self.conn.execute("SELECT grp, qid FROM confusable ORDER BY grp, qid"):
            groups.setdefault(grp, set()).add(qid)
        return list(groups.values())

    def put(self, entity: Entity) -> None:
        write_entity(self.conn, entity)

    def close(self) -> None:
        self.conn.close()


def write_entity(conn, entity: Entity, fresh: bool = False) -> None:
    """Insert or replace one entity (all its rows) in an open cache connection (no commit);
    ``fresh``: the file is being built and holds no row of this entity yet."""
    if entity.type not in ENTITY_TYPES:
        raise CacheError(f"entity {entity.qid}: type {entity.type!r}; expected one of: {', '.join(ENTITY_TYPES)}")
    for table in () if fresh else ("entities", "names", "descriptions", "claims", *OPTIONAL_TABLES):
        conn.execute(f"DELETE FROM {table} WHERE qid = ?", (entity.qid,))
    conn.execute(
        "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)",
        (entity.qid, entity.type, entity.sitelinks, entity.fetched_at, entity.ttl_days, entity.source),
    )
    rows = []
    seen = set()
    for name in entity.names():
        key = (name.lang, name.kind, name.text)
        if key in seen:
            continue
        seen.add(key)
        rows.append((entity.qid, name.lang, name.kind, len(rows), name.text, normalize_name(name.text)))
    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO descriptions VALUES (?, ?, ?)",
        [(entity.qid, lang, text) for lang, text in sorted(entity.descriptions.items())],
    )
    conn.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)",
        [
            (entity.qid, pid, index, claim.value, claim.start, claim.end)
            for pid in sorted(entity.claims)
            for index, claim in enumerate(entity.claims[pid])
        ],
    )
    conn.executemany(
        "INSERT INTO facts VALUES (?, ?, ?)", [(entity.qid, k, v) for k, v in sorted(entity.facts.items()) if v]
    )
    conn.executemany(
        "INSERT INTO offices VALUES (?, ?, ?, ?, ?)",
        [(entity.qid, index, o.title, o.start, o.end) for index, o in enumerate(entity.offices)],
    )
    if entity.type == "Person":
        keys = set()
        for name in entity.names():
            if name.kind in ("label", "alias"):
                keys |= {(key, kind) for kind, values in _person_keys(name.text).items() for key in values}
        conn.executemany("INSERT INTO name_keys VALUES (?, ?, ?)", [(k, kind, entity.qid) for k, kind in sorted(keys)])


def _person_keys(text: str) -> dict[str, tuple[str, ...]]:
    """Lookup keys of a person's name: its last token (surname) and its tokens sorted.

    >>> _person_keys("Shigeru Ishiba")
    {'surname': ('ishiba',), 'sorted': ('ishiba shigeru',)}
    """
    words = normalize_name(text).split()
    if len(words) < 2:
        return {}
    return {"surname": (words[-1],), "sorted": (" ".join(sorted(words)),)}


# --------------------------------------------------------------------------- the layered cache


class EntityCache:
    """The shipped cache (read-only) with an optional user cache layered over it.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(self, user: _CacheFile | None, shipped: _CacheFile | list[_CacheFile] | None):
        self._user = user
        shipped_files = shipped if isinstance(shipped, list) else [shipped]
        self._layers = [layer for layer in (user, *shipped_files) if layer is not None]
        self._holders_memo: dict[str, list[tuple[str, Office]]] = {}  # office holders by date

    @classmethod
    def open(cls, path: str | Path | None = None, shipped: str | Path | None = SHIPPED_CACHE) -> EntityCache:
        """Open the shipped cache, and the user cache at ``path`` (created if missing) over it.

        ``shipped=None`` leaves out the shipped cache (tests use this for an empty cache). With
        the default, the separately licensed CC BY-SA file is layered under it when present.

        >>> import tempfile, os
        >>> c = EntityCache.open(os.path.join(tempfile.mkdtemp(), "user.sqlite"))
        >>> c.get("Q148").labels["en"], c.writable
        ("People's Republic of China", True)
        """
        shipped_files = [_CacheFile(Path(shipped), writable=False)] if shipped is not None else []
        if shipped is not None and Path(shipped) == SHIPPED_CACHE and SHIPPED_CACHE_BY_SA.is_file():
            shipped_files.append(_CacheFile(SHIPPED_CACHE_BY_SA, writable=False))
        user_file = _CacheFile(Path(path), writable=True) if path is not None else None
        return cls(user_file, shipped_files)

    @property
    def writable(self) -> bool:
        """True when a user cache is open (entities fetched online can be stored)."""
        return self._user is not None

    @property
    def paths(self) -> list[Path]:
        """The files in lookup order (user cache first)."""
        return [layer.path for layer in self._layers]

    def content_key(self) -> tuple:
        """What the names of the open files depend on, per file: an empty file adds nothing
        (it is left out); a read-only file built by scripts/build_wikidata_cache.py is known by
        its name, size and the hash of its inputs (the same shipped cache in any folder or
        checkout has one key); any other file by its path, modification time and size. Keys the
        compiled gazetteer that kg.extract.actors keeps between processes.

        >>> EntityCache.open().content_key()[0][0]
        'shipped'
        """
        out = []
        for layer in self._layers:
            if layer.conn.execute("SELECT 1 FROM entities LIMIT 1").fetchone() is None:
                continue
            stat = layer.path.stat()
            meta = layer.meta()
            if not layer.writable and meta.get("inputs_sha256"):
                out.append(
                    ("shipped", layer.path.name, stat.st_size, meta["inputs_sha256"], meta.get("data_version", ""))
                )
            else:
                out.append((str(layer.path), stat.st_mtime_ns, stat.st_size))
        return tuple(out)

    def get(self, qid: str) -> Entity | None:
        """The entity summary for ``qid`` (the user cache's copy wins), or None."""
        for layer in self._layers:
            entity = layer.get(qid)
            if entity is not None:
                return entity
        return None

    def get_many(self, qids: Iterable[str]) -> dict[str, Entity]:
        """The cached entities among ``qids``, by QID."""
        found = {}
        for qid in qids:
            entity = self.get(qid)
            if entity is not None:
                found[qid] = entity
        return found

    def qids(self) -> set[str]:
        """Every QID in any layer."""
        out: set[str] = set()
        for layer in self._layers:
            out |= layer.qids()
        return out

    def names(self, scope: str = "core") -> Iterator[Name]:
        """The surface forms (labels, aliases, demonyms, metonyms) of the entities in ``scope``.

        ``"core"`` (the default, what the recogniser has always used): every entity except those
        that come only from the big shipped tables (places, people, organisations; their source
        is ``shipped:tables``); ``"all"``: every entity. The linker always looks names up in all.

        >>> cache = EntityCache.open()
        >>> any(n.text == "Glasgow" for n in cache.names()), any(n.text == "Glasgow" for n in cache.names("all"))
        (False, True)
        """
        if scope not in ("core", "all"):
            raise CacheError(f"names(scope={scope!r}): expected 'core' or 'all'")
        overridden: set[str] = set()
        for layer in self._layers:
            yield from layer.names(skip=overridden, scope=scope)
            overridden = overridden | layer.qids()

    def find(self, text: str) -> list[Name]:
        """The names equal to ``text`` after :func:`normalize_name`, from the top-most layer per QID.

        >>> [n.qid for n in EntityCache.open().find("Vereinigte Staaten")]
        ['Q30']
        """
        norm = normalize_name(text)
        out: list[Name] = []
        for depth, layer in enumerate(self._layers):
            above = self._layers[:depth]
            out.extend(n for n in layer.find(norm) if not any(upper.has(n.qid) for upper in above))
        return out

    def find_person_key(self, key: str, kind: str) -> list[Name]:
        """Person names whose normalised surname (``kind="surname"``) or sorted tokens
        (``kind="sorted"``) equal ``key``, from the top-most layer per QID.

        >>> sorted({n.qid for n in EntityCache.open().find_person_key("ishiba", "surname")})
        ['Q1335527']
        """
        out: list[Name] = []
        for depth, layer in enumerate(self._layers):
            above = self._layers[:depth]
            out.extend(n for n in layer.find_keys(key, kind) if not any(upper.has(n.qid) for upper in above))
        return out

    def office_holders(self, date: str) -> list[tuple[str, Office]]:
        """Who held which dated office on ``date``: (QID, office) pairs from every layer
        (the top-most layer's copy of a person wins).

        >>> ("Q22316", "Secretary of State") in {(q, o.title) for q, o in EntityCache.open().office_holders("2015-05-02")}
        True
        """
        memo = self._holders_memo  # emptied by put(), the one way this process changes the answer
        if date not in memo:
            out, seen = [], set()
            for layer in self._layers:
                rows = [(q, o) for q, o in layer.holders(date) if q not in seen]
                out += rows
                seen |= layer.qids() if layer is self._user else {q for q, _ in rows}
            if len(memo) > 256:
                memo.clear()
            memo[date] = out
        return list(memo[date])

    def fetched_qids(self) -> set[str]:
        """QIDs in the user cache (fetched online); the shipped files hold none.

        >>> EntityCache.open().fetched_qids()
        set()
        """
        return self._user.qids() if self._user is not None else set()

    def confusable_with(self, qid: str) -> set[str]:
        """The other QIDs that texts do not reliably tell apart from ``qid`` (may be empty).

        >>> sorted(EntityCache.open().confusable_with("Q29999"))
        ['Q55']
        """
        out: set[str] = set()
        for layer in self._layers:
            for group in layer.confusable_groups():
                if qid in group:
                    out |= group - {qid}
        return out

    def put(self, entities: Entity | Iterable[Entity]) -> None:
        """Store entities in the user cache (a :class:`CacheError` when there is none)."""
        if self._user is None:
            raise CacheError("no user cache is open; entities can only be stored with EntityCache.open(path)")
        items = [entities] if isinstance(entities, Entity) else list(entities)
        self._holders_memo.clear()  # the new entities may hold offices
        try:
            with self._user.conn:
                for entity in items:
                    self._user.put(entity)
        except sqlite3.Error as err:
            raise CacheError(f"{self._user.path}: cannot write to the Wikidata cache ({err})") from None

    def stale(self, now: dt.datetime | None = None) -> list[str]:
        """QIDs whose newest cached copy is older than its TTL, sorted."""
        now = now or dt.datetime.now(dt.UTC)
        seen: set[str] = set()
        stale = []
        for layer in self._layers:  # one query per file: the shipped file holds 35,000 entities
            for qid, fetched_at, ttl_days in layer.conn.execute("SELECT qid, fetched_at, ttl_days FROM entities"):
                if qid in seen:
                    continue
                seen.add(qid)
                if now - _parse_time(fetched_at) > dt.timedelta(days=ttl_days):
                    stale.append(qid)
        return sorted(stale)

    def info(self) -> list[dict[str, str]]:
        """Per file: path, format, version, build date and entity count."""
        out = []
        for layer in self._layers:
            meta = layer.meta()
            meta.update(path=str(layer.path), entities=str(len(layer.qids())))
            out.append(meta)
        return out

    def close(self) -> None:
        """Close every open file."""
        for layer in self._layers:
            layer.close()

    def __enter__(self) -> EntityCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
