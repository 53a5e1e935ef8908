"""Every language resource file parses, has no duplicate entries, and is loaded by the extractors."""

from __future__ import annotations

import pytest

from kg.extract import resources


@pytest.mark.parametrize("lang, filename", resources.all_files())
def test_resource_file_parses_without_duplicates(lang, filename):
    name, ext = filename.rsplit(".", 1)
    if ext == "txt":
        entries = resources.ordered(lang, name)
        assert entries, f"{lang}/{filename} is empty"
        assert len(set(entries)) == len(entries), f"{lang}/{filename}: duplicate entries"
    else:
        rows = resources.table(lang, name)
        assert rows, f"{lang}/{filename} has no rows"
        keys = [tuple(row.values()) for row in rows]
        assert len(set(keys)) == len(keys), f"{lang}/{filename}: duplicate rows"
        first = next(iter(rows[0]))
        assert all(row[first] for row in rows), f"{lang}/{filename}: a row without its {first!r}"


def test_cue_lexicon_frames_are_known():
    known = {"clause", "object", "naming", "appeal", "that"}
    for lang in resources.LANGUAGES:
        for row in resources.table(lang, "speech_lemmas"):
            assert set(row["frames"].split(",")) <= known, row
        lemmas = [row["lemma"] for row in resources.table(lang, "speech_lemmas")]
        assert len(lemmas) == len(set(lemmas)), f"{lang}: a lemma listed twice"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(resources.ResourceError, match="no language resources"):
        resources.words("xx", "speech_lemmas")
