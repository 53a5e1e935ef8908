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
from pathlib import Path

import yaml

from kg.errors import CacheError, UsageError
from kg.wikidata.cache import FORMAT_NAME, FORMAT_VERSION, SCHEMA, Claim, Entity, write_entity

BUILD_DATE = "2026-11-25"
DATA_VERSION = f"{BUILD_DATE}.1"
SHIPPED_TTL_DAYS = 365
LABELS_DIR = Path(__file__).resolve().parent.parent / "data"
HUMAN = "Q5"  # the class item "human": P31 of every Person row
QID_RE = re.compile(r"\bQ[1-9][0-9]*\b")


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

    conflicts = {row["qid"] for row in listed if row["evidence"].startswith("CONFLICT")}
    allowed = {row["qid"] for row in countries} | {row["qid"] for row in listed} | set(QID_RE.findall(readme))
    allowed = (allowed - conflicts) | {HUMAN}
    fetched_at = f"{BUILD_DATE}T00:00:00Z"
    entities: dict[str, Entity] = {}

    def new(qid: str, type_: str) -> Entity:
        return Entity(qid, type_, fetched_at=fetched_at, ttl_days=SHIPPED_TTL_DAYS, source="shipped")

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

    for qid, data in (extra.get("entities") or {}).items():
        if qid in conflicts or qid not in allowed:
            raise UsageError(f"entities.yaml: {qid} is not a usable QID of ../shared/wikidata (unknown or CONFLICT)")
        entity = entities.get(qid) or new(qid, data.get("type", ""))
        given_en = entity.labels.get("en")
        entity.labels.update(data.get("labels") or {})
        if given_en and given_en != entity.labels["en"]:
            _add(entity.aliases, "en", [given_en])
        for kind in ("aliases", "demonyms", "metonyms"):
            for lang, values in (data.get(kind) or {}).items():
                _add(getattr(entity, kind), lang, list(values or []), entity.labels.get(lang))
        entity.descriptions.update(data.get("descriptions") or {})
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


def _check_languages(extra: dict, path: Path) -> None:
    for qid, data in (extra.get("entities") or {}).items():
        for key in ("labels", "aliases", "descriptions", "demonyms", "metonyms"):
            table = data.get(key) or {}
            bad = [lang for lang, value in table.items() if lang not in ("de", "en") or value is None]
            if bad:
                raise UsageError(f"{path}: {qid}.{key}: bad language keys or empty values {bad}; expected de/en")


def _inputs_digest(source_dir: Path, labels_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in (
        source_dir / "countries.tsv",
        source_dir / "entities.tsv",
        labels_dir / "countries-labels.tsv",
        labels_dir / "entities.yaml",
    ):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_shipped_cache(source_dir: Path, out_path: str | Path, labels_dir: Path = LABELS_DIR) -> dict[str, int]:
    """Write the shipped cache to ``out_path`` atomically; returns counts of entities and names."""
    source_dir, out_path = Path(source_dir), Path(out_path)
    entities, groups = load_entities(source_dir, labels_dir)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".wikidata-cache-", suffix=".sqlite", dir=out_path.parent)
    os.close(fd)
    os.unlink(tmp_name)
    try:
        conn = sqlite3.connect(tmp_name)
        conn.executescript(SCHEMA)
        with conn:
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("format", FORMAT_NAME),
                    ("version", str(FORMAT_VERSION)),
                    ("data_version", DATA_VERSION),
                    ("built", BUILD_DATE),
                    ("inputs_sha256", _inputs_digest(source_dir, labels_dir)),
                    ("source", "../shared/wikidata (countries.tsv, entities.tsv) + kg/data label files"),
                ],
            )
            for entity in entities:
                write_entity(conn, entity)
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
