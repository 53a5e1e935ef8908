"""The quotation layer: quoted spans paired by direction and nesting, across mark styles.

Any double opening mark pairs with any double closing mark („…“ "…” “…" »…« «…» …), any
single with any single (‚…‘ ‘…’ '…'), by which side of the mark touches a word and by
nesting, not by typographic partner. Quotes stay inside one paragraph (a line); the
journalistic conventions across paragraphs are kept as flags:

- an opening mark left open at the end of a paragraph runs to the paragraph end (``unclosed``);
  when the next paragraph opens with a mark again, that quote ``continues`` it (one speaker);
- a closing mark with no opener in its paragraph closes a quote that began at the paragraph
  start (``unopened``: the opening mark was lost, or opened in an earlier paragraph).

Each quote is classified (``kind``): ``speech`` (a sentence or more: long, or ending in
sentence punctuation), ``name`` (a short capitalised span, or one after a class noun such as
"Operation" or "so-called"), else ``fragment`` (a scare quote or partial quotation).

>>> t = 'Er sagte: „Wir gehen.“ Sie: "Nein.” Dann \\'ja\\' und China\\'s'
>>> [(t[q.start:q.end], q.kind) for q in quotation_spans(t)]
[('Wir gehen.', 'speech'), ('Nein.', 'speech'), ('ja', 'fragment')]
>>> t = '"We trained hard.\\n"Now we go home," she said.'
>>> [(t[q.start:q.end], q.unclosed, q.continues) for q in quotation_spans(t)]
[('We trained hard.', True, False), ('Now we go home,', False, True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DOUBLE = '"“”„»«\u201f'
_SINGLE = "'‘’‚›‹\u201b"
_MARKS = re.compile("[" + re.escape(_DOUBLE + _SINGLE) + "]")
_ALWAYS_OPEN = "„‚\u201f\u201b"
_WORD = re.compile(r"[\w’'-]+")
_LETTER = re.compile(r"[^\W\d_]")
_OPEN_CONTEXT = set(" \t\u00a0\n([{/–—-:") | set(_DOUBLE + _SINGLE)
_CLOSE_CONTEXT = set(" \t\u00a0\n)]}.,;:!?/–—-…") | set(_DOUBLE + _SINGLE)
_CLASS_NOUNS_LOADED: dict[str, frozenset[str]] = {}
_INDEFINITE = frozenset("a an ein eine einen einem einer eines".split())


@dataclass(frozen=True)
class Quote:
    """A quoted span: ``start``/``end`` delimit the text inside the marks."""

    start: int
    end: int
    kind: str = "speech"
    unclosed: bool = False
    unopened: bool = False
    continues: bool = False

    @property
    def span(self) -> tuple[int, int]:
        """The inner span as a tuple.

        >>> Quote(1, 4).span
        (1, 4)
        """
        return (self.start, self.end)


def _flanks(text: str, i: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking): the mark opens a word after it / closes one before it."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = after not in " \t\u00a0\n,.;:!?)]}" and (before in _OPEN_CONTEXT)
    closes = (before not in " \t\u00a0\n" and (after in _CLOSE_CONTEXT or not after.isalnum())) or after in ",.;:!?)]}"

    return opens, closes


def _paragraph_marks(text: str, a: int, b: int) -> list[tuple[int, str, bool]]:
    """The marks of ``text[a:b]`` as (position, role, double), role "open" or "close"."""
    out = []
    for m in _MARKS.finditer(text, a, b):
        i = m.start()
        char = text[i]
        double = char in _DOUBLE
        opens, closes = _flanks(text, i)
        if char in _ALWAYS_OPEN:
            if opens or (i + 1 < b and not text[i + 1].isspace()):
                out.append((i, "open", double))
            continue
        if not double:
            before = text[i - 1] if i > a else " "
            after = text[i + 1] if i + 1 < b else " "
            if before.isalnum() and after.isalnum():
                continue  # an apostrophe: don't, China's
        if opens and not closes:
            out.append((i, "open", double))
        elif closes and not opens:
            out.append((i, "close", double))
        elif (opens and closes) or (double and not opens and not closes):
            out.append((i, "either", double))  # "x"y, or a free-standing mark: decided by nesting
    return out


def quotation_spans(text: str) -> list[Quote]:
    """The top-level quotations of ``text`` in order (see the module documentation).

    >>> t = 'Sie sagte: „Der Plan „Nord“ steht.“ Er nannte es „gut“.'
    >>> [(t[q.start:q.end], q.kind) for q in quotation_spans(t)]
    [('Der Plan „Nord“ steht.', 'speech'), ('gut', 'fragment')]
    >>> t = 'Wir bleiben hier“, sagte sie.'
    >>> [(t[q.start:q.end], q.unopened) for q in quotation_spans(t)]
    [('Wir bleiben hier', True)]
    """
    return list(_quotation_spans(text))


@lru_cache(maxsize=8)
def _quotation_spans(text: str) -> tuple[Quote, ...]:
    found: list[Quote] = []
    pos = 0
    carried = False  # the previous paragraph ended inside an open quotation
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        spans, open_at_end = _pair(text, a, b)
        first_open = _leading_open(text, a, b)
        for index, (start, end, unclosed, unopened) in enumerate(spans):
            continues = carried and index == 0 and first_open and start == first_open + 1
            found.append(
                Quote(
                    start,
                    end,
                    _kind(text, start, end, unclosed),
                    unclosed=unclosed,
                    unopened=unopened,
                    continues=bool(continues),
                )
            )
        carried = open_at_end
    return tuple(found)


def _leading_open(text: str, a: int, b: int) -> int | None:
    """The position of an opening double mark that starts the paragraph (after list markers)."""
    m = re.compile(r"[\s\-–—•*]*(?:\(?\d{1,2}[.)]\s+)?").match(text, a, b)
    i = m.end() if m else a
    return i if i < b and text[i] in _DOUBLE else None


def _pair(text: str, a: int, b: int) -> tuple[list[tuple[int, int, bool, bool]], bool]:
    """Top-level quotes of the paragraph ``text[a:b]``: (start, end, unclosed, unopened), and
    whether the paragraph ends inside an open quotation."""
    marks = _paragraph_marks(text, a, b)
    stack: list[tuple[int, bool]] = []  # (position, double)
    spans: list[tuple[int, int, bool, bool]] = []
    seen_double = False
    for i, role, double in marks:
        open_double = any(d for _, d in stack)
        if role == "either":
            role = "close" if any(d == double for _, d in stack) else "open"
        if role == "open":
            if double:
                seen_double = True
            stack.append((i, double))
            continue
        # a closer: close the innermost open quotation of the same weight
        index = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == double), None)
        if index is None:
            if double and not open_double and not seen_double and not spans:
                start = _skip_space(text, a, i)
                if _LETTER.search(text, start, i) and len(_WORD.findall(text[start:i])) >= 3:
                    spans.append((start, i, False, True))  # an unopened closer: from the paragraph start
            seen_double = seen_double or double
            continue
        opener = stack[index][0]
        del stack[index:]
        if not stack and _LETTER.search(text, opener + 1, i):
            spans.append((opener + 1, i, False, False))
    # openers still open at the paragraph end: the outermost double runs to the end
    open_end = False
    for opener, double in stack:
        if not double:
            continue
        end = b
        while end > opener + 1 and text[end - 1] in " \t\u00a0\r":
            end -= 1
        inner = text[opener + 1 : end]
        if (
            len(_WORD.findall(inner)) >= 3
            and inner.rstrip()[-1:] in ".!?…:"
            and not any(s <= opener < e for s, e, _, _ in spans)
        ):
            spans.append((opener + 1, end, True, False))
            spans.sort()
            open_end = True
        break
    return spans, open_end


def _skip_space(text: str, a: int, b: int) -> int:
    while a < b and text[a] in " \t\u00a0-–—•*":
        a += 1
    return a


def _class_nouns() -> frozenset[str]:
    if "all" not in _CLASS_NOUNS_LOADED:
        from kg.extract.resources import words

        _CLASS_NOUNS_LOADED["all"] = frozenset(w.lower() for lang in ("de", "en") for w in words(lang, "name_nouns"))
    return _CLASS_NOUNS_LOADED["all"]


def _kind(text: str, start: int, end: int, unclosed: bool) -> str:
    """speech, name or fragment (see the module documentation)."""
    inner = text[start:end].strip()
    tokens = _WORD.findall(inner)
    if not tokens:
        return "fragment"
    before = _WORD.findall(text[max(0, start - 40) : start])
    previous = before[-1].lower() if before else ""
    if (previous in _class_nouns() or (previous.endswith("-") and previous[:-1] in _class_nouns())) and not inner[
        :1
    ].islower():
        return "name"  # the frigate "Osprey", not: called the plan "a historic step"
    if unclosed or len(tokens) >= 8 or inner[-1:] in ".!?…" or (inner[-1:] == "," and len(tokens) >= 3):
        return "speech"
    if previous in _INDEFINITE:
        return "fragment"  # 'sprach von einem „Durchbruch“': a name seldom follows an indefinite article
    content = [t for t in tokens if len(t) > 3]
    if len(tokens) <= 4 and content and all(t[:1].isupper() for t in content) and not before[-1:] == [":"]:
        return "name"
    return "fragment"


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Inner spans ``(start, end)`` of the top-level quotations in ``text[start:end]``.

    >>> t = 'Er sagte: „Wir gehen.“ Sie: "Nein." Dann \\'ja\\' und China\\'s'
    >>> [t[a:b] for a, b in find_quotes(t)]
    ['Wir gehen.', 'Nein.', 'ja']
    """
    end = len(text) if end is None else end
    return [(q.start, q.end) for q in quotation_spans(text) if start <= q.start - 1 and q.end <= end]
