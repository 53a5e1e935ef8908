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
