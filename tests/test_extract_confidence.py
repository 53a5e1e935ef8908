"""The learned confidence of statement and meeting candidates and the --min-confidence setting."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.extract import confidence
from kg.extract.pipeline import extract_factsheet

ROOT = Path(__file__).resolve().parents[1]

# Invented article: one quote with its speaker named beside it, one quote given to the speaker by
# recency only, and a meeting.
TEXT = (
    "Ida Falk trifft Per Holm in Rom\n\n"
    "Außenministerin Ida Falk hat am Montag in Rom den Minister Per Holm getroffen. "
    "„Wir haben heute sehr lange und sehr offen über die Lage im Norden gesprochen“, sagte Falk "
    "nach dem Treffen.\n\n"
    "Holm nickte.\n\n"
    "„Das Ergebnis ist gut für beide Länder und für Europa.“\n"
)


def _sheet(**kwargs):
    from kg.extract.actors import StaticNames

    names = StaticNames(
        [("Ida Falk", "Q900001", "Person", "de", "label"), ("Per Holm", "Q900002", "Person", "de", "label")]
    )
    return extract_factsheet(TEXT, source="t.txt", cache=names, link=False, published="2026-03-04", **kwargs)


def test_model_file_has_both_models_and_thresholds_in_range():
    data = confidence.load_model()
    assert set(data["models"]) == {"statements", "meetings"}
    for model in data["models"].values():
        assert model["weights"] and all(isinstance(v, float) for v in model["weights"].values())
    assert all(0.0 <= t <= 1.0 for t in data["default_threshold"].values())
    assert data["cross_validation"]["statements"]["method"] == "leave-one-article-out"


def test_candidates_get_probabilities_and_an_attributed_quote_outranks_a_guess():
    sheet = _sheet(min_confidence=0)
    by_quote = {s.quote: s for s in sheet.statements}
    attributed = next(s for q, s in by_quote.items() if q.startswith("Wir haben"))
    assert 0.0 < attributed.confidence < 1.0 and attributed.method == "quote-attribution"
    assert sheet.meetings and all(0.0 < m.confidence < 1.0 for m in sheet.meetings)
    guessed = [s for s in sheet.statements if s.method != "quote-attribution"]
    assert guessed and all(s.confidence < attributed.confidence for s in guessed)


def test_min_confidence_drops_facts_below_it(monkeypatch):
    assert _sheet(min_confidence=0).statements
    assert _sheet(min_confidence=1.0).statements == [] and _sheet(min_confidence=1.0).meetings == []
    monkeypatch.setenv(confidence.ENV_MIN_CONFIDENCE, "1")
    assert _sheet().statements == []
    monkeypatch.setenv(confidence.ENV_MIN_CONFIDENCE, "very")
    with pytest.raises(UsageError, match="KG_MIN_CONFIDENCE 'very': expected a number between 0 and 1"):
        _sheet()


def test_kg_extract_min_confidence_option(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    env = {"KG_STORE": "memory:", "KG_WIKIDATA_CACHE": str(tmp_path / "none.sqlite")}
    runner = CliRunner()
    kept = runner.invoke(app, ["extract", str(article), "--format", "json", "--min-confidence", "0"], env=env)
    dropped = runner.invoke(app, ["extract", str(article), "--format", "json", "--min-confidence", "1"], env=env)
    assert kept.exit_code == 0 and dropped.exit_code == 0, kept.stdout + dropped.stdout
    assert json.loads(kept.stdout)["statements"] and json.loads(dropped.stdout)["statements"] == []
    wrong = runner.invoke(app, ["extract", str(article), "--min-confidence", "2"], env=env)
    assert wrong.exit_code == 2


def _trainer():
    spec = importlib.util.spec_from_file_location("train_confidence", ROOT / "scripts" / "train_confidence.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_is_deterministic_and_learns_a_separating_feature():
    trainer = _trainer()
    samples = [({"good": 1.0, "noise": i % 2}, 1) for i in range(20)] + [({"noise": i % 2}, 0) for i in range(10)]
    samples += [({"good": 1.0}, 0), ({}, 1)]  # not separable: finite weights
    first = trainer.fit(samples, ["good", "noise"])
    assert first == trainer.fit(samples, ["good", "noise"])
    assert first[1] > 1.0 and abs(first[2]) < 0.5
    assert trainer.predict(first, ["good", "noise"], {"good": 1.0}) > 0.8 > trainer.predict(first, ["good"], {})


def test_the_alternative_models_can_be_chosen(monkeypatch):
    data = confidence.load_model()
    assert set(data["alternatives"]) == {"rule", "all"}
    assert data["models"]["statements"]["features"] in data["alternatives"]
    monkeypatch.setenv(confidence.ENV_FEATURES, "all")
    assert all(0.0 < s.confidence < 1.0 for s in _sheet(min_confidence=0).statements)
    monkeypatch.setenv(confidence.ENV_FEATURES, "deep")
    with pytest.raises(UsageError, match="KG_CONFIDENCE_FEATURES='deep': expected one of all, rule"):
        _sheet()
