"""The linguistic layer under the extractors: lemmas (simplemma) for German and English.

Loaded lazily and cached, so importing this module costs nothing and each word form is
lemmatised once per process.

>>> lemma("geäußert", "de"), lemma("complaining", "en"), lemma("nannte", "de")
('äußern', 'complain', 'nennen')
>>> lemma("feststellte", "de"), lemma("hervorgehoben", "de")
('feststellen', 'hervorheben')
"""

from __future__ import annotations

from functools import lru_cache

# German separable particles, for verb forms the dictionary lacks ("feststellte" = fest + stellte)
_PARTICLES_DE = (
    "hervor", "hinzu", "bekannt", "zurück", "heraus", "fest", "klar", "dar", "auf", "aus", "ein", "mit",
    "an", "zu", "vor", "hin", "ab",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of ``word`` in ``lang`` ("de" or "en"); the word itself when unknown.

    >>> lemma("sagte", "de"), lemma("warned", "en")
    ('sagen', 'warn')

    German verb forms missing from the dictionary are tried without a participle "ge-" and
    with a separable particle split off ("festgestellt", "feststellte" → "feststellen").
    """
    found = _lemmatize(word, lang)
    if found != word or lang != "de" or not word.islower() or len(word) < 6:
        return found
    for particle in ("", *_PARTICLES_DE):
        if particle and not word.startswith(particle):
            continue
        rest = word[len(particle) :]
        if rest.startswith("ge") and len(rest) > 5 and rest.endswith("t"):
            rest = rest[2:]
        if rest == word or len(rest) < 4:
            continue
        base = _lemmatize(rest, lang)
        if base != rest and base.endswith("n"):
            return particle + base
    return found


def _lemmatize(word: str, lang: str) -> str:
    """simplemma's lemma, read from its compressed dictionary in place (``low_memory``): the same
    answers, 35 MB instead of 145 MB; :func:`lemma` caches the look-ups.

    >>> _lemmatize("Häuser", "de")
    'Haus'
    """
    return _lemmatizer().lemmatize(word, lang)


_LEMMATIZER = None
_FACTORY = None  # the dictionaries of _LEMMATIZER (None with an older simplemma)


@lru_cache(maxsize=50_000)
def is_word(word: str, lang: str) -> bool:
    """Whether ``word``, as written, is a form in the lemma dictionary of ``lang`` (a common word
    rather than a name: "together" is, "hamas" is not). False when the dictionaries cannot be
    read in place (an older simplemma).

    >>> is_word("together", "en"), is_word("hamas", "en")
    (True, False)
    """
    _lemmatizer()
    if _FACTORY is None:
        return False
    try:
        return word in _FACTORY.get_dictionary(lang)
    except Exception:  # an unknown language or an unreadable dictionary
        return False


def _lemmatizer():
    """simplemma's default lemmatizer over in-place dictionaries whose block index (a pass over
    1.1 million German records, half a second) is kept between processes like the gazetteer."""
    global _LEMMATIZER, _FACTORY
    if _LEMMATIZER is None:
        try:
            from simplemma import Lemmatizer
            from simplemma.strategies import DefaultStrategy

            factory = _kept_stream_factory()
            strategy = DefaultStrategy(dictionary_factory=factory)
            _FACTORY = factory
            _LEMMATIZER = Lemmatizer(lemmatization_strategy=strategy)
        except (ImportError, TypeError):  # an older simplemma: its in-memory dictionaries
            import simplemma

            _LEMMATIZER = simplemma
    return _LEMMATIZER


def _kept_stream_factory():
    """simplemma's ``StreamDictionaryFactory`` whose dictionaries are loaded from, and saved to,
    the folder of compiled gazetteers (``KG_GAZETTEER_DIR``, "off" disables it)."""
    from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamDictionaryFactory, StreamMap

    class KeptStreamFactory(StreamDictionaryFactory):
        def _get_dictionary_uncached(self, lang: str):
            path = _kept_path(lang)
            fields = ("_data", "_pos", "_rev", "_count", "_firsts", "_blocks")
            try:
                if path is not None and path.is_file():
                    import pickle

                    with path.open("rb") as handle:
                        stored = pickle.load(handle)
                    mapping = object.__new__(StreamMap)
                    for name, value in zip(fields, stored, strict=True):
                        setattr(mapping, name, value)
                    return mapping
            except Exception:  # unreadable or foreign: build it again
                pass
            mapping = StreamMap(lang)
            if path is not None:
                _save(path, tuple(getattr(mapping, name) for name in fields))
            return mapping

    return KeptStreamFactory()


def _kept_path(lang: str):
    """Where the dictionary index of ``lang`` is kept (named by simplemma's version and data file)."""
    import hashlib

    from simplemma.__metadata__ import __version__
    from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER

    folder = kept_folder()
    if folder is None:
        return None
    size = (DATA_FOLDER / f"{lang}.plzma").stat().st_size  # not its path: one file serves every venv
    key = repr(("kg-lemma-index-1", __version__, lang, size))
    return folder / f"lemmas-{lang}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def kept_folder():
    """The folder where compiled indexes (lemmas, the gazetteer) are kept between processes:
    ``KG_GAZETTEER_DIR``, else the user's cache folder (``$XDG_CACHE_HOME/kg``, ``~/.cache/kg``);
    None when ``KG_GAZETTEER_DIR`` is "off".

    >>> import os; saved = os.environ.pop("KG_GAZETTEER_DIR", None)
    >>> os.environ["KG_GAZETTEER_DIR"] = "off"; kept_folder() is None
    True
    >>> os.environ["KG_GAZETTEER_DIR"] = "/tmp/kg-cache"; str(kept_folder())
    '/tmp/kg-cache'
    >>> _ = os.environ.pop("KG_GAZETTEER_DIR"); os.environ.update({} if saved is None else {"KG_GAZETTEER_DIR": saved})
    """
    import os
    from pathlib import Path

    folder = os.environ.get("KG_GAZETTEER_DIR")
    if folder == "off":
        return None
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "kg")
    return Path(folder)


def _save(path, value) -> None:
    import os
    import pickle

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        prefix = path.name.rsplit("-", 1)[0]  # lemmas-<lang>
        kept = sorted(path.parent.glob(f"{prefix}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[3:]:  # those of other simplemma versions
            old.unlink(missing_ok=True)
    except Exception:  # a read-only home: build in every process instead
        return
