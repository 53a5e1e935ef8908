"""EXPERIMENT (issue 10, measured, not adopted unless LOG.md says so): German morphology by HanTa.

Konjunktiv by form: a finite verb (HanTa STTS tag V?(FIN)) that is its lemma's stem + "e"
(Konjunktiv I, 3rd person singular: "unterstütze", "verlagere") or an umlauted past stem + "e"
("wäre", "käme"). Enabled with KG_MORPH=hanta; otherwise the word-shape heuristic is used.
"""

from __future__ import annotations

import os
from functools import lru_cache

_TAGGER = None


def enabled() -> bool:
    return os.environ.get("KG_MORPH") == "hanta"


def _tagger():
    global _TAGGER
    if _TAGGER is None:
        from HanTa import HanoverTagger

        _TAGGER = HanoverTagger.HanoverTagger("morphmodel_ger.pgz")
    return _TAGGER


@lru_cache(maxsize=20_000)
def tags(words: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple(_tagger().tag_sent(list(words), taglevel=1))


def _stem(lemma: str) -> str:
    if lemma.endswith("en"):
        return lemma[:-2]
    if lemma.endswith(("ern", "eln")):
        return lemma[:-1]
    return lemma[:-1] if lemma.endswith("n") else lemma


_UMLAUT = str.maketrans("aou", "äöü")


def konjunktiv_at(words: tuple[str, ...], index: int) -> bool:
    word, lemma, tag = tags(words)[index]
    if "FIN" not in tag or not word.islower() or not word.endswith("e"):
        return False
    stem = _stem(lemma.lower())
    if word.endswith(stem + "e") or word == stem + "e":
        return True
    return any(c in word for c in "äöü") and not any(c in stem for c in "äöü")
