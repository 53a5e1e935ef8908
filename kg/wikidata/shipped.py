"""Build the shipped offline cache from ../shared/wikidata plus kg's hand-written label files.

The build is reproducible: rows are written in a fixed order, the only date is the fixed
``BUILD_DATE``, and the meta table records a SHA-256 of the inputs, so building twice from the
same inputs gives the same bytes. Every QID must come from ../shared/wikidata (the two TSVs or
QIDs named in its README); anything else is refused, as are ``CONFLICT`` rows (skipped).

>>> import tempfile, os
>>> out = os.path.join(tempfile.mkdtemp(), "c.sqlite")
>>> stats = build_shipped_cache(default_source_dir(), out)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

import yaml

from kg.errors import CacheError, UsageError
from kg.wikidata.cache import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SCHEMA,
    TABLES_SOURCE,
    Claim,
    Entity,
    Office,
    write_entity,
)

BUILD_DATE = "2026-11-25"
DATA_VERSION = f"{BUILD_DATE}.2"
SHIPPED_TTL_DAYS = 365
LABELS_DIR = Path(__file__).resolve().parent.parent / "data"
HUMAN = "Q5"  # the class item "human": P31 of every Person row
QID_RE = re.compile(r"\bQ[1-9][0-9]*\b")
# The tables of ../shared/wikidata read by the build, in order; the CC BY-SA one goes to its own file.
MAIN_TABLES = ("countries.tsv", "entities.tsv", "places.tsv", "people.tsv", "organisations.tsv")
BY_SA_TABLE = "organisations-cc-by-sa.tsv"
OFFICE_RE = re.compile(r"^(?P<title>.*?)\s*\((?P<start>\d{4})?-(?P<end>\d{4})?\)$")
ORG_KINDS = ("international_organisation", "political_party", "parliamentary_group")


def default_source_dir() -> Path:
    """``../shared/wikidata`` next to the project (override with ``KG_SHARED_WIKIDATA``)."""
    env = os.environ.get("KG_SHARED_WIKIDATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "wikidata"


def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror or err}); expected a tab-separated table") from None
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise UsageError(f"{path}: row {number} has {len(row)} columns; expected {len(reader.fieldnames)}")
    return rows


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _add(table: dict[str, list[str]], lang: str, values: list[str], exclude: str | None = None) -> None:
    bucket = table.setdefault(lang, [])
    for value in values:
        if value and value != exclude and value not in bucket:
            bucket.append(value)


def _claim(raw) -> Claim:
    if isinstance(raw, str):
        return Claim(raw)
    return Claim(str(raw["value"]), raw.get("start"), raw.get("end"))


def load_entities(source_dir: Path, labels_dir: Path = LABELS_DIR) -> tuple[list[Entity], list[list[str]]]:
    """Merge the shared TSVs and the label files into entity summaries (sorted by QID number)."""
    countries = _read_tsv(source_dir / "countries.tsv")
    listed = _read_tsv(source_dir / "entities.tsv")
    readme = (source_dir / "README.md").read_text(encoding="utf-8") if (source_dir / "README.md").exists() else ""
    extra = yaml.safe_load((labels_dir / "entities.yaml").read_text(encoding="utf-8"))
    _check_languages(extra, labels_dir / "entities.yaml")
    german = {row["qid"]: row for row in _read_tsv(labels_dir / "countries-labels.tsv")}

    places = _read_tsv(source_dir / "places.tsv")
    people = _read_tsv(source_dir / "people.tsv")
    organisations = _read_tsv(source_dir / "organisations.tsv")
    conflicts = {row["qid"] for row in listed if row["evidence"].startswith("CONFLICT")}
    allowed = {row["qid"] for row in countries} | {row["qid"] for row in listed} | set(QID_RE.findall(readme))
    allowed |= {row["qid"] for table in (places, people, organisations) for row in table}
    allowed = (allowed - conflicts) | {HUMAN}
    entities: dict[str, Entity] = {}
    new = _new_entity
    by_iso2 = {row["iso2"]: row["qid"] for row in countries if re.fullmatch(r"[A-Z]{2}", row["iso2"])}

    for row in countries:
        entity = new(row["qid"], "State")
        entity.labels["en"] = row["wikidata_label_en"] or row["name_en"]
        _add(entity.aliases, "en", [row["name_en"], *_split(row["aliases_en"])], entity.labels["en"])
        de = german.get(row["qid"])
        if de is None:
            raise UsageError(
                f"{labels_dir / 'countries-labels.tsv'}: no German row for {row['qid']} ({row['name_en']})"
            )
        entity.labels["de"] = de["label_de"]
        _add(entity.aliases, "de", _split(de["aliases_de"]), de["label_de"])
        _add(entity.aliases, "en", _split(de["aliases_en"]), entity.labels["en"])
        _add(entity.demonyms, "de", _split(de["demonyms_de"]))
        _add(entity.demonyms, "en", _split(de["demonyms_en"]))
        _add(entity.metonyms, "de", _split(de["capitals_de"]))
        _add(entity.metonyms, "en", _split(de["capitals_en"]))
        entities[entity.qid] = entity
    unknown = set(german) - set(entities)
    if unknown:
        raise UsageError(f"countries-labels.tsv: QIDs not in countries.tsv: {', '.join(sorted(unknown))}")

    for row in listed:
        if row["qid"] in conflicts:
            continue
        entity = new(row["qid"], row["type"])
        if row["evidence"].startswith("single source"):
            entity.source = "shipped:single-source"  # README: re-check before relying on it
        entity.labels["en"] = row["label_en"]
        if row["type"] == "Person":
            entity.claims["P31"] = [Claim(HUMAN)]
        entities[entity.qid] = entity

    for row in places:
        _add_place(entities, row, by_iso2)
    for row in people:
        _add_person(entities, row, by_iso2)
    for row in organisations:
        _add_organisation(entities, row, by_iso2)

    for qid, data in (extra.get("entities") or {}).items():
        if qid in conflicts or qid not in allowed:
            raise UsageError(f"entities.yaml: {qid} is not a usable QID of ../shared/wikidata (unknown or CONFLICT)")
        entity = entities.get(qid) or new(qid, data.get("type", ""))
        if entity.source == TABLES_SOURCE:
            entity.source = "shipped"  # described by kg's own label file: a core entity
        given_en = entity.labels.get("en")
        entity.labels.update(data.get("labels") or {})
        if given_en and given_en != entity.labels["en"]:
            _add(entity.aliases, "en", [given_en])
        for kind in ("aliases", "demonyms", "metonyms"):
            for lang, values in (data.get(kind) or {}).items():
                _add(getattr(entity, kind), lang, list(values or []), entity.labels.get(lang))
        entity.descriptions.update(data.get("descriptions") or {})
        entity.facts.update({k: str(v) for k, v in (data.get("facts") or {}).items()})
        for pid, values in (data.get("claims") or {}).items():
            entity.claims[pid] = [_claim(v) for v in values]
        entities[qid] = entity

    for pid, by_subject in (extra.get("state_claims") or {}).items():
        for key, items in by_subject.items():
            for item in items:
                ((other, quals),) = item.items()
                # P463 lists members per organisation; P6/P35 list office holders per state.
                subject, value = (other, key) if pid == "P463" else (key, other)
                claim = Claim(value, (quals or {}).get("start"), (quals or {}).get("end"))
                entities[subject].claims.setdefault(pid, []).append(claim)

    for entity in entities.values():
        used = {entity.qid} | {c.value for cs in entity.claims.values() for c in cs}
        bad = sorted(q for q in used if q not in allowed)
        if bad:
            raise UsageError(f"entity {entity.qid}: QIDs not in ../shared/wikidata: {', '.join(bad)}")
        for claims in entity.claims.values():
            claims.sort(key=lambda c: (c.start or "", c.value))
    groups = [sorted(group) for group in extra.get("confusable") or []]
    ordered = sorted(entities.values(), key=lambda e: int(e.qid[1:]))
    return ordered, groups


def _new_entity(qid: str, type_: str, source: str = "shipped") -> Entity:
    return Entity(qid, type_, fetched_at=f"{BUILD_DATE}T00:00:00Z", ttl_days=SHIPPED_TTL_DAYS, source=source)


def _countries(codes: str, by_iso2: dict[str, str]) -> list[Claim]:
    return [Claim(by_iso2[code]) for code in _split(codes) if code in by_iso2]


def _add_place(entities: dict[str, Entity], row: dict[str, str], by_iso2: dict[str, str]) -> None:
    """A Natural Earth place: a city or admin-1 unit (type Place); admin-0 rows add to the State."""
    kinds = _split(row["kind"])
    entity = entities.get(row["qid"])
    if entity is None:
        entity = entities[row["qid"]] = _new_entity(
            row["qid"], "State" if any(k.startswith("country") for k in kinds) else "Place", TABLES_SOURCE
        )
    if entity.type != "State":
        if row["name_en"]:
            entity.labels.setdefault("en", row["name_en"])
        if row["name_de"]:
            entity.labels.setdefault("de", row["name_de"])
        _add(entity.aliases, "en", _split(row["aliases"]), entity.labels.get("en"))
        entity.claims.setdefault("P17", _countries(row["iso2"], by_iso2))
    entity.facts.update(kind="|".join(kinds), country=row["iso2"], population=row["population"], admin1=row["admin1"])
    _add_folded(entity)


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"})


def _folded(text: str) -> str:
    """``text`` without diacritics ("Shinzō Abe" → "Shinzo Abe"), as English-language news writes
    many names; German umlauts and ß are kept (German text writes them).

    >>> _folded("Shinzō Abe"), _folded("Cecilia Malmström"), _folded("Łódź")
    ('Shinzo Abe', 'Cecilia Malmström', 'Lodz')
    """
    kept = {"ä", "ö", "ü", "Ä", "Ö", "Ü"}
    out = []
    for char in text.translate(_FOLD):
        if char in kept:
            out.append(char)
            continue
        out.append("".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)))
    return unicodedata.normalize("NFC", "".join(out))


def _add_folded(entity: Entity) -> None:
    """An English alias without diacritics for each label and alias that has them."""
    forms = [entity.labels.get("en", ""), *entity.aliases.get("en", [])]
    _add(entity.aliases, "en", [f for f in map(_folded, forms) if f and f not in forms], entity.labels.get("en"))


def _offices(row: dict[str, str]) -> tuple[list[Office], str]:
    """The offices of a people.tsv row (dates refined from ``start``/``end`` where the year
    agrees) and its German description, if the row carries one."""
    offices, description = [], ""
    for part in (p.strip() for p in row["roles"].split("; ")):
        if part.startswith("de-description:"):
            description = part.split(":", 1)[1].strip()
            continue
        match = OFFICE_RE.match(part)
        if not match:
            if part:
                offices.append(Office(part))
            continue
        start, end = match.group("start"), match.group("end")
        if start and row["start"][:4] == start:
            start = row["start"]
        if end and row["end"][:4] == end:
            end = row["end"]
        offices.append(Office(match.group("title"), start, end))
    return offices, description


def _add_person(entities: dict[str, Entity], row: dict[str, str], by_iso2: dict[str, str]) -> None:
    entity = entities.get(row["qid"]) or _new_entity(row["qid"], "Person", TABLES_SOURCE)
    entities[row["qid"]] = entity
    entity.labels.setdefault("en", row["name"])
    _add(entity.aliases, "en", _split(row["aliases"]), entity.labels["en"])
    entity.claims.setdefault("P31", [Claim(HUMAN)])
    entity.claims.setdefault("P27", _countries(row["country"], by_iso2))
    _add_folded(entity)
    entity.offices, description = _offices(row)
    if description:
        entity.descriptions.setdefault("de", description)
    entity.facts.update(
        kind=row["kind"],
        country=row["country"],
        homonym_of=row["homonym_of"],
        as_of=row["as_of"],
        licence=row["licence"],
    )


def _add_organisation(entities: dict[str, Entity], row: dict[str, str], by_iso2: dict[str, str]) -> None:
    if row["kind"] not in ORG_KINDS:
        raise UsageError(f"organisation {row['qid']}: kind {row['kind']!r}; expected one of {', '.join(ORG_KINDS)}")
    entity = entities.get(row["qid"]) or _new_entity(row["qid"], "Organization", TABLES_SOURCE)
    entities[row["qid"]] = entity
    entity.labels.setdefault("en", row["name"])
    if row["name_de"]:
        entity.labels.setdefault("de", row["name_de"])
    _add(entity.aliases, "en", _split(row["aliases"]), entity.labels["en"])
    _add_folded(entity)
    entity.claims.setdefault("P17", _countries(row["country"], by_iso2))
    if row["detail"]:
        entity.descriptions.setdefault("en", row["detail"])
    entity.facts.update(kind=row["kind"], country=row["country"], licence=row["licence"])


def load_by_sa_entities(source_dir: Path, skip: set[str]) -> list[Entity]:
    """The CC BY-SA international organisations (their own file), without QIDs in ``skip``."""
    entities: dict[str, Entity] = {}
    countries = {row["iso2"]: row["qid"] for row in _read_tsv(source_dir / "countries.tsv")}
    for row in _read_tsv(source_dir / BY_SA_TABLE):
        if row["qid"] not in skip:
            _add_organisation(entities, row, countries)
    return sorted(entities.values(), key=lambda e: int(e.qid[1:]))


def _check_languages(extra: dict, path: Path) -> None:
    for qid, data in (extra.get("entities") or {}).items():
        for key in ("labels", "aliases", "descriptions", "demonyms", "metonyms"):
            table = data.get(key) or {}
            bad = [lang for lang, value in table.items() if lang not in ("de", "en") or value is None]
            if bad:
                raise UsageError(f"{path}: {qid}.{key}: bad language keys or empty values {bad}; expected de/en")


def _inputs_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_shipped_cache(source_dir: Path, out_path: str | Path, labels_dir: Path = LABELS_DIR) -> dict[str, int]:
    """Write the shipped cache to ``out_path`` atomically; returns counts of entities and names."""
    source_dir = Path(source_dir)
    entities, groups = load_entities(source_dir, labels_dir)
    inputs = [source_dir / name for name in MAIN_TABLES]
    inputs += [labels_dir / "countries-labels.tsv", labels_dir / "entities.yaml"]
    source = "../shared/wikidata (" + ", ".join(MAIN_TABLES) + ") + kg/data label files"
    return _write(out_path, entities, groups, _inputs_digest(inputs), source)


def build_by_sa_cache(source_dir: Path, out_path: str | Path, labels_dir: Path = LABELS_DIR) -> dict[str, int]:
    """Write the separately licensed CC BY-SA 4.0 file (SupraVerden's international
    organisations that the main file does not hold) to ``out_path``."""
    source_dir = Path(source_dir)
    main, _ = load_entities(source_dir, labels_dir)
    entities = load_by_sa_entities(source_dir, {e.qid for e in main})
    source = f"../shared/wikidata/{BY_SA_TABLE}: SupraVerden (c) Confirmordeny 2025-2026, CC BY-SA 4.0"
    return _write(out_path, entities, [], _inputs_digest([source_dir / BY_SA_TABLE]), source, licence="CC BY-SA 4.0")


def _write(out_path, entities: list[Entity], groups, digest: str, source: str, licence: str = "") -> dict[str, int]:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".wikidata-cache-", suffix=".sqlite", dir=out_path.parent)
    os.close(fd)
    os.unlink(tmp_name)
    meta = [
        ("format", FORMAT_NAME),
        ("version", str(FORMAT_VERSION)),
        ("data_version", DATA_VERSION),
        ("built", BUILD_DATE),
        ("inputs_sha256", digest),
        ("source", source),
    ]
    if licence:
        meta.append(("licence", licence))
    try:
        conn = sqlite3.connect(tmp_name)
        conn.executescript(SCHEMA)
        with conn:
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
            for entity in entities:
                write_entity(conn, entity, fresh=True)
            conn.executemany(
                "INSERT INTO confusable VALUES (?, ?)",
                [(index, qid) for index, group in enumerate(groups) for qid in group],
            )
        conn.execute("VACUUM")
        names = conn.execute("SELECT count(*) FROM names").fetchone()[0]
        conn.close()
        os.replace(tmp_name, out_path)
    except sqlite3.Error as err:
        raise CacheError(f"{out_path}: cannot build the shipped cache ({err})") from None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return {"entities": len(entities), "names": names, "confusable_groups": len(groups)}
