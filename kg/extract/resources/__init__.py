"""Language resources as data: one plain-text file per list, per language.

Files live in ``kg/extract/resources/<lang>/<name>.txt`` (one entry per line; ``#`` starts a
comment; blank lines are ignored) or ``<name>.tsv`` (tab-separated columns, the first line names
them). Adding a cue lemma, a trigger or a role head is one line in one file; the extractors load
each file once per process.

>>> "korvette" in words("de", "name_nouns")
True
>>> [row["frames"] for row in table("de", "speech_lemmas") if row["lemma"] == "sagen"]
['clause']
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.errors import KgError

LANGUAGES = ("de", "en")


class ResourceError(KgError):
    """A language resource file is missing or malformed."""


def _path(lang: str, filename: str):
    if lang not in LANGUAGES:
        raise ResourceError(f"no language resources for {lang!r}; available: {', '.join(LANGUAGES)}")
    return resources.files(__package__).joinpath(lang, filename)


def has(lang: str, name: str) -> bool:
    """Whether a resource exists as ``.txt`` or ``.tsv``."""
    return _path(lang, name + ".txt").is_file() or _path(lang, name + ".tsv").is_file()


def _lines(lang: str, filename: str) -> list[tuple[int, str]]:
    path = _path(lang, filename)
    if not path.is_file():
        raise ResourceError(f"no resource file {lang}/{filename} in kg/extract/resources")
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if line.strip():
            out.append((number, line))
    return out


@cache
def words(lang: str, name: str) -> frozenset[str]:
    """The entries of ``<lang>/<name>.txt`` as a frozen set (surrounding blanks stripped)."""
    return frozenset(entry.strip() for _number, entry in _lines(lang, name + ".txt"))


@cache
def ordered(lang: str, name: str) -> tuple[str, ...]:
    """The entries of ``<lang>/<name>.txt`` in file order (for lists whose order matters)."""
    return tuple(entry.strip() for _number, entry in _lines(lang, name + ".txt"))


@cache
def table(lang: str, name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``<lang>/<name>.tsv`` as dicts keyed by the header line's column names."""
    rows = _lines(lang, name + ".tsv")
    if not rows:
        return ()
    header = [column.strip() for column in rows[0][1].split("\t")]
    out = []
    for number, line in rows[1:]:
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > len(header):
            raise ResourceError(
                f"{lang}/{name}.tsv line {number}: {len(cells)} columns, expected at most {len(header)} ({', '.join(header)})"
            )
        out.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return tuple(out)


def all_files() -> list[tuple[str, str]]:
    """Every (language, file name) shipped, for the resource tests."""
    out = []
    for lang in LANGUAGES:
        folder = resources.files(__package__).joinpath(lang)
        out += [(lang, entry.name) for entry in folder.iterdir() if entry.name.endswith((".txt", ".tsv"))]
    return sorted(out)
