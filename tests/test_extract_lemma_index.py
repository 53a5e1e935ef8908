"""The lemma dictionaries' block index is kept between processes and gives simplemma's answers."""

from __future__ import annotations

import pytest

from kg.extract import nlp

simplemma = pytest.importorskip("simplemma")

WORDS = ["Häuser", "sagte", "geäußert", "Verteidigungsminister", "warnte", "Kanzlerin", "xyzzyq"]


def test_kept_index_is_written_read_back_and_answers_like_simplemma(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_GAZETTEER_DIR", str(tmp_path))
    built = nlp._kept_stream_factory().get_dictionary("de")
    kept = list(tmp_path.glob("lemmas-de-*.pickle"))
    assert len(kept) == 1
    loaded = nlp._kept_stream_factory().get_dictionary("de")
    for word in WORDS:
        assert loaded.get(word) == built.get(word)
    lemmatizer = nlp._lemmatizer()
    for word in WORDS:
        assert lemmatizer.lemmatize(word, "de") == simplemma.lemmatize(word, lang="de")


def test_an_unreadable_kept_index_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_GAZETTEER_DIR", str(tmp_path))
    path = nlp._kept_path("en")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    mapping = nlp._kept_stream_factory().get_dictionary("en")
    assert mapping.get("houses") == "house"
    assert path.stat().st_size > 1000  # replaced by a good one


def test_off_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_GAZETTEER_DIR", "off")
    assert nlp._kept_path("en") is None
    assert nlp._kept_stream_factory().get_dictionary("en").get("warned") == "warn"
