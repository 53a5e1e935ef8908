"""Shared fixtures: stores (in memory and on disk), the seed example, the development corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import load_factsheet
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_SHEET = ROOT / "examples" / "dw-japan-nato" / "facts.yaml"
SEED_TEXT = ROOT / "examples" / "dw-japan-nato" / "article.txt"


def pytest_addoption(parser):
    parser.addoption(
        "--live-wikidata",
        action="store_true",
        default=False,
        help="also run tests that talk to the live Wikidata APIs (needs internet)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--live-wikidata"):
        return
    skip_live = pytest.mark.skip(reason="live Wikidata test: run with --live-wikidata")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip_live)


@pytest.fixture
def memory_store():
    """An empty in-memory Oxigraph store."""
    store = open_store("memory:")
    yield store
    store.close()


@pytest.fixture
def disk_store(tmp_path):
    """An empty embedded on-disk Oxigraph store in a temporary folder."""
    store = open_store(str(tmp_path / "store"))
    yield store
    store.close()


@pytest.fixture(params=["memory", "disk"])
def any_store(request, tmp_path):
    """Each store backend in turn: in memory and on disk."""
    spec = "memory:" if request.param == "memory" else str(tmp_path / "store")
    store = open_store(spec)
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_sheet():
    """The curated fact sheet of the seed article."""
    return load_factsheet(SEED_SHEET)


@pytest.fixture(scope="session")
def corpus_dir():
    """The development corpus in ../shared/corpus (present beside the clone in CI)."""
    if not CORPUS.is_dir():
        pytest.skip(f"development corpus not found at {CORPUS}")
    return CORPUS


def gold_sheets() -> list[Path]:
    """The gold fact sheets of the development corpus (empty when it is absent)."""
    return sorted(CORPUS.glob("*.gold.json")) if CORPUS.is_dir() else []


@pytest.fixture
def make_doc():
    """Build a (Document, Actors) pair by hand for extractor tests.

    ``make(text, {"surface": ("id", "Type"), ...}, language="de", published="2025-04-10",
    pronouns={"er": "id"}, roles={"id": ["role"]}, kinds={"line start": "caption"})``: sentences
    split after . ! ? and at line ends; every surface form (and pronoun) becomes a mention.
    """
    import datetime as dt
    import re as _re

    from kg.extract.base import ActorMention, Actors, Document, Sentence
    from kg.model import Actor

    def make(text, names, language="de", published=None, pronouns=None, roles=None, kinds=None):
        sentences, pos = [], 0
        for line in text.split("\n"):
            start = 0
            for m in _re.finditer(r"(?<!\d)[.!?][\"“”»«']?(?=\s+[\"„“»«'A-ZÄÖÜ])", line):
                sentences.append((pos + start, pos + m.end()))
                start = m.end() + 1
            if line[start:].strip():
                sentences.append((pos + start, pos + len(line)))
            pos += len(line) + 1
        kind_of = {}
        for prefix, kind in (kinds or {}).items():
            kind_of[text.index(prefix)] = kind
        sentence_objs = []
        for a, b in sentences:
            while a < b and text[a].isspace():
                a += 1
            sentence_objs.append(Sentence(a, b, kind_of.get(a, "body")))
        actors, mentions = {}, []
        for surface, (actor_id, actor_type) in names.items():
            actors.setdefault(
                actor_id, Actor(actor_id, surface, actor_type, roles=list((roles or {}).get(actor_id, [])))
            )
            for m in _re.finditer(r"(?<!\w)" + _re.escape(surface) + r"(?!\w)", text):
                mentions.append(ActorMention(m.start(), m.end(), actor_id, "name"))
        for word, actor_id in (pronouns or {}).items():
            for m in _re.finditer(r"(?<!\w)" + _re.escape(word) + r"(?!\w)", text):
                mentions.append(ActorMention(m.start(), m.end(), actor_id, "pronoun"))
        kept, last_end = [], -1
        for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
            if mention.start >= last_end:  # the longest of overlapping names wins
                kept.append(mention)
                last_end = mention.end
        mentions = kept
        doc = Document(
            text=text,
            language=language,
            published=dt.date.fromisoformat(published) if published else None,
            published_precision="day" if published else None,
            sentences=sentence_objs,
        )
        return doc, Actors(list(actors.values()), mentions)

    return make


def replay(store, ops, sheet, edited=None) -> None:
    """Apply random (operation, index, variant) steps of a property test to ``store``: "add"
    ingests sheet ``index``, "change" a corrected version of it, "edit" (with ``edited``) a small
    correction, "delete" removes its article (whether or not it is there)."""
    from kg.build import build_article
    from kg.ingest import delete_article, ingest_factsheet

    for op, index, variant in ops:
        if op == "add":
            ingest_factsheet(store, sheet(index))
        elif op == "change":
            ingest_factsheet(store, sheet(index, variant))
        elif op == "edit":
            ingest_factsheet(store, edited(index, variant))
        else:
            delete_article(store, build_article(sheet(index)).iri)


def write_delete_batches(max_items: int, max_batches: int):
    """A hypothesis strategy: ("write" | "delete", [(index, variant), ...]) batches for
    :func:`replay_batches`, sheets 0–14 in variants 0–2."""
    from hypothesis import strategies as st

    return st.lists(
        st.tuples(
            st.sampled_from(["write", "write", "delete"]),
            st.lists(st.tuples(st.integers(0, 14), st.integers(0, 2)), min_size=1, max_size=max_items),
        ),
        min_size=1,
        max_size=max_batches,
    )


def replay_batches(store, steps, sheet, check, writer=None):
    """Apply random ("write" | "delete", [(index, variant), ...]) batches of a property test with
    one writer (its in-memory state kept between writes; a new one unless ``writer`` is given),
    calling ``check()`` after each batch: "write" writes the sheets in one batch, "delete"
    removes their articles. Returns the writer."""
    from kg.build import build_article
    from kg.ingest import ArticleWriter, prepare_sheet, sheet_hash

    writer = writer or ArticleWriter(store)
    for op, items in steps:
        if op == "write":
            sheets = [sheet(index, variant) for index, variant in items]
            writer.write([prepare_sheet(s, sheet_hash(s)) for s in sheets])
        else:
            for index, _ in items:
                writer.delete(build_article(sheet(index)).iri)
        check()
    return writer
