"""The linguistic layer under the extractors: lemmas (simplemma) for German and English.

Loaded lazily and cached, so importing this module costs nothing and each word form is
lemmatised once per process.

>>> lemma("geäußert", "de"), lemma("complaining", "en"), lemma("nannte", "de")
('äußern', 'complain', 'nennen')
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of ``word`` in ``lang`` ("de" or "en"); the word itself when unknown."""
    import simplemma

    return simplemma.lemmatize(word, lang=lang)
