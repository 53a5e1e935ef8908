"""A guard against rules tuned only on the development corpus: the extractor is scored on our own
short invented articles (tests/extract_heldout/, German and English, other topics and people than
../shared/corpus) with modest floors. The gold sheets follow ../shared/corpus/SOURCES.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate_corpus
from kg.extract.pipeline import extract_factsheet
from kg.model import load_factsheet

HELDOUT = Path(__file__).parent / "extract_heldout"
ARTICLES = sorted(HELDOUT.glob("*.txt"))

# Floors well below today's scores: a rule change that only fits the dev corpus shows up here.
FLOORS = {"actors": 0.85, "statements": 0.75, "quotes": 0.80, "meetings": 0.70, "missions": 0.60}


@pytest.fixture(scope="module")
def score():
    return evaluate_corpus(HELDOUT, extract=lambda path: extract_factsheet(path.read_bytes(), source=str(path)))


def test_there_are_german_and_english_articles():
    languages = {load_factsheet(p.with_suffix("").with_suffix(".gold.json")).language for p in ARTICLES}
    assert len(ARTICLES) >= 4 and languages == {"de", "en"}


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_gold_sheets_cite_the_text_exactly(path):
    text = path.read_text("utf-8")
    gold = load_factsheet(path.with_suffix("").with_suffix(".gold.json"))
    ids = {a.id for a in gold.actors}
    for item in gold.meetings + gold.missions:
        assert item.evidence in text and set(item.participants) <= ids
    for statement in gold.statements:
        assert statement.quote in text and statement.speaker in ids


@pytest.mark.parametrize("fact_type", sorted(FLOORS))
def test_scores_stay_above_the_floors(score, fact_type):
    assert not score.failures, [f"{a.name}: {a.error}" for a in score.failures]
    f1 = score.overall.counts[fact_type].f1
    assert f1 >= FLOORS[fact_type], f"{fact_type} F1 {f1:.2f} < {FLOORS[fact_type]}"


def test_no_wrong_links_and_dates_mostly_right(score):
    assert score.overall.wrong_links == 0
    assert (score.overall.linking_accuracy or 0) >= 0.90
    for share in ("meeting_date", "statement_date"):
        value = score.overall.shares[share].value
        assert value is None or value >= 0.6, f"{share} {value:.2f}"
