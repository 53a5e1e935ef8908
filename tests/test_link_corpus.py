"""Acceptance: offline linking restores the development set's gold QIDs and never contradicts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.link import link_factsheet, strip_qids
from kg.model import load_factsheet
from kg.wikidata.cache import EntityCache

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
GOLD = sorted(CORPUS.glob("*.gold.json"))

pytestmark = pytest.mark.skipif(not GOLD, reason=f"no gold sheets in {CORPUS}")


def score_corpus(paths):
    """(gold actors and missions with a QID, restored, wrong links, links on items gold leaves unlinked)."""
    total = restored = wrong = extra = 0
    with EntityCache.open() as cache:
        for path in paths:
            gold = load_factsheet(path)
            linked = link_factsheet(strip_qids(gold), cache)
            for want, got in zip(gold.actors, linked.actors, strict=True):
                if want.qid:
                    total += 1
                    restored += got.qid == want.qid
                    wrong += bool(got.qid) and got.qid != want.qid
                else:
                    extra += bool(got.qid)
            for want, got in zip(gold.missions, linked.missions, strict=True):
                if want.qid or got.qid:
                    total += bool(want.qid)
                    restored += bool(want.qid) and got.qid == want.qid
                    wrong += bool(got.qid and want.qid) and got.qid != want.qid
                    extra += bool(got.qid) and not want.qid
    return total, restored, wrong, extra


def test_offline_linking_restores_gold_qids_without_wrong_links():
    total, restored, wrong, extra = score_corpus(GOLD)
    assert total > 50
    assert wrong == 0, "a QID that differs from gold is worse than none"
    assert restored / total >= 0.95, f"restored {restored}/{total}"
    assert extra == 0, f"{extra} links on actors the gold sheets leave unlinked"


@pytest.mark.parametrize("path", GOLD, ids=[p.name.split(".")[0] for p in GOLD])
def test_no_wrong_link_per_article(path):
    _total, _restored, wrong, _extra = score_corpus([path])
    assert wrong == 0
