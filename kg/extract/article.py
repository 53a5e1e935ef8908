"""Reading an article: bytes or text (or an HTML page) → :class:`~kg.extract.base.Document`.

What people paste is rarely clean: navigation lines, photo captions with credits, a proxied
URL, a dateline, a translator's note and a byline block. This module keeps the text exactly
as read (offsets count code points of the decoded text; non-breaking spaces stay) and
classifies its lines and sentences as ``body``, ``caption``, ``heading`` or ``boilerplate``,
taking title, publication date, URL, authors, translators and photo credits as metadata.

>>> doc = read_article(b"Kraus in Oslo\\n\\n10. April 2025\\n\\nKraus traf Okonjo. Er sagte nichts.\\n")
>>> doc.language, doc.title, doc.published.isoformat()
('de', 'Kraus in Oslo', '2025-04-10')
>>> [(doc.text[s.start:s.end], s.kind) for s in doc.sentences][-2:]
[('Kraus traf Okonjo.', 'body'), ('Er sagte nichts.', 'body')]
"""

from __future__ import annotations

import codecs
import re
import urllib.parse
from dataclasses import dataclass

from kg.errors import InputError, UnsupportedLanguageError
from kg.extract import lexicon as lx
from kg.extract.base import Document, Sentence
from kg.extract.dates import find_in_text, parse_published
from kg.extract.lexicon import MONTHS, WEEKDAYS
from kg.limits import binary_format, deferred_interrupt

MAX_CHARS = 1_000_000  # ~150 pages: far above any article, low enough to stay fast
SUPPORTED_LANGUAGES = ("de", "en")
LANGUAGE_NAMES = {
    "de": "German",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "pl": "Polish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ja": "Japanese",
    "zh-cn": "Chinese",
    "zh-tw": "Chinese",
    "ko": "Korean",
    "ar": "Arabic",
    "tr": "Turkish",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "cs": "Czech",
    "hu": "Hungarian",
    "ro": "Romanian",
    "el": "Greek",
    "he": "Hebrew",
}

# ------------------------------------------------------------------ compiled patterns

_LINE = re.compile(r"[^\n]*")
_URL = re.compile(r"https?://[^\s<>\"'»«“”‘’|]+")
_INNER_SCHEME = re.compile(r"/(https?)(?::/|/|%3A%2F%2F|%3a%2f%2f)/?", re.IGNORECASE)
_CREDIT = re.compile(rf"(?:(?<=[\W\d])|^)(?P<word>{'|'.join(lx.CREDIT_WORDS)})\s*:\s*(?P<who>[^.!?]{{2,150}})$")
_TRANSLATOR = re.compile(rf"^\s*(?:{'|'.join(lx.TRANSLATOR_PATTERNS)})\s*(?P<who>.+?)\s*\.?\s*$", re.IGNORECASE)
_NAME = r"[A-ZÄÖÜÉ][\w'’.-]+(?:\s+[A-ZÄÖÜÉ][\w'’-]+){1,3}"
_BYLINE = re.compile(
    rf"^\s*(?:{'|'.join(lx.BYLINE_PREFIXES)})\s*:?\s+(?P<who>{_NAME}(?:\s*(?:,|und|and|&)\s*{_NAME})*)"
    r"(?:\s*[,|–-]\s*[A-ZÄÖÜ][\w.-]*(?:\s+[A-ZÄÖÜ][\w.-]*)?)?\s*$"  # "Von X, Tokio" / "By X | Reuters"
)
_ROLE_WORDS = "|".join(lx.JOURNALIST_ROLES)
_ROLE_NAME = re.compile(rf"(?:^|[|\s])(?:{_ROLE_WORDS})(?:in)?\s+(?P<who>{_NAME})\s*$")
_ROLE_WORD_IN = re.compile(rf"\b(?:{_ROLE_WORDS})", re.IGNORECASE)
_NAME_ROLE = re.compile(rf"^\s*(?P<who>{_NAME})\s+(?:{_ROLE_WORDS})\b")
_LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)]|[-•*–·▪►])\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?…]+[\"“”»«'’)\]]*(?=\s+\S)|[.!?…]+[\"“”»«'’)\]]*$")
_FINAL_PUNCT = re.compile(r"[.!?:;…\"“”»«'’]\s*$")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_HTML_HINT = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p|main|section|span|a\s)[\s>]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LETTER = re.compile(r"[^\W\d_]")
_CLOSING_QUOTES = "\"“”»«'’"
_CAPTION_DATE_END = re.compile(r",\s*[^,]{1,25}\.?\s*$")
# Before a dateline's date: places ("Kiew/Washington,", "LONDON -") or a stamp word ("Stand:",
# "Updated", "Veröffentlicht am"), perhaps with a weekday.
_DATELINE_PREFIX = re.compile(
    r"(?:[A-ZÄÖÜÉ][\w.'’-]*(?:\s*/\s*[A-ZÄÖÜÉ][\w.'’-]*|\s+[A-ZÄÖÜÉ][\w.'’-]*){0,3}\s*[,:–—-]?"
    r"|(?i:(?:zuletzt\s+)?(?:stand|aktualisiert|veröffentlicht|erstellt|datum)\s*:?(?:\s+am)?"
    r"|(?:last\s+)?(?:updated|published|posted|modified|date)\s*:?(?:\s+on)?))"
    r"(?:\s*[A-ZÄÖÜa-zäöü]+,)?"
)
_MONTH_FIRST_BEFORE = re.compile(
    r"(?:\b(?:" + "|".join(sorted((m for m in MONTHS if len(m) > 2), key=len, reverse=True)) + r")\.?\s+"
    r"\d{1,2}(?:\s*[-–]\s*\d{1,2})?|(?<![\d.])\d{1,2}\s*[-–]\s*\d{1,2})$",
    re.IGNORECASE,
)
_TIME_AFTER_DATE = re.compile(r"(?:at|um|,|-|\|)?\s*\d{1,2}[:.]\d{2}\b")
# A stamp word right before a date ("Stand:", "Release Date:", "Updated on"), perhaps glued to
# what precedes it on the line.
_STAMP_WORD = re.compile(
    r"(?i:stand|aktualisiert|veröffentlicht|erstellt|datum|updated|published|posted|modified|"
    r"release\s+date|date)\s*:?\s*(?:am|on)?\s*$"
)
# "3/27/2014" (month first, as US stamps write it) or "27/3/2014": only when unambiguous
_SLASH_DATE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\w/])")
# A body line opening with a dateline: "WASHINGTON, July 7, 2017 — …", "BERLIN, 3. Mai 2021 (dpa) - …"
_OPENING_DATELINE = re.compile(r"[A-ZÄÖÜÉ][\w.'’/ -]{0,40},\s*")
_DATELINE_DASH = re.compile(r"\s*(?:\([^)]{1,20}\)\s*)?[—–-]")
# date segments of a URL path: "/2026/02/01/", "-2023-06-30_de", "/2022-01-07-title"
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)([-/_])(\d\d)\2(\d\d)(?!\d)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(\d\d)/")
# letters glued to digits in page furniture ("News article25 November 2015Directorate-General")
_GLUED = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_]{3})")


@dataclass
class _Line:
    start: int
    end: int
    kind: str = "body"
    body_start: int | None = None  # where sentences start (after a list marker)
    dated: bool = False  # a dateline or time stamp


# ------------------------------------------------------------------ bytes → text


def decode_bytes(data: bytes, source: str = "<input>") -> str:
    """Decode article bytes: UTF-8 (with or without BOM), else Windows-1252.

    >>> decode_bytes("Grüße".encode("utf-8")), decode_bytes("Grüße".encode("cp1252"))
    ('Grüße', 'Grüße')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(
                f"{source}: starts like UTF-16 text but cannot be decoded as UTF-16; "
                "expected UTF-8, Windows-1252 or UTF-16 text"
            ) from None
    kind = binary_format(data)
    if kind:
        raise InputError(
            f"{source}: {kind} (a binary file), not text; expected article text (UTF-8 or Windows-1252) or an HTML page "
            "(convert the document to text first)"
        )
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{source}: looks like a binary file (NUL bytes), not text; expected article text "
            "(UTF-8 or Windows-1252) or an HTML page"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{source}: byte 0x{data[err.start]:02x} at offset {err.start} is neither UTF-8 nor "
            "Windows-1252; expected article text in one of those encodings"
        ) from None


_SURROGATE = re.compile("[\ud800-\udfff]")  # a str from surrogateescape or JSON "\\ud800": not UTF-8 text


def check_text(text: str, source: str = "<input>", max_chars: int = MAX_CHARS) -> None:
    """Refuse empty, binary-looking or oversized input with a message saying what was expected.

    >>> check_text("", "a.txt")
    Traceback (most recent call last):
    kg.errors.InputError: a.txt: empty input; expected an article in German or English (plain text or HTML)
    """
    if not text.strip():
        raise InputError(f"{source}: empty input; expected an article in German or English (plain text or HTML)")
    if len(text) > max_chars:
        raise InputError(
            f"{source}: {len(text):,} characters is too long for one article (limit {max_chars:,}); "
            "split it into articles"
        )
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise InputError(
            f"{source}: not valid Unicode text: an unpaired surrogate {surrogate.group()!a} at "
            f"character {surrogate.start()}; expected article text (UTF-8 or Windows-1252)"
        )
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    letters = len(_LETTER.findall(sample))
    if controls > max(2, len(sample) // 100) or letters < len(sample.strip()) // 10:
        raise InputError(
            f"{source}: looks like a binary file, not text; expected article text "
            "(UTF-8 or Windows-1252) or an HTML page"
        )


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML page or fragment rather than plain text.

    >>> looks_like_html("<html><body><p>Hi</p></body></html>"), looks_like_html("a < b")
    (True, False)
    """
    head = text.lstrip()[:2000]
    return head.startswith("<") and bool(_HTML_HINT.search(head))


def html_to_text(html: str, source: str = "<input>", url: str | None = None) -> tuple[str, dict]:
    """The main text of an HTML page and its metadata (title, date, url, authors, sitename).

    >>> text, meta = html_to_text("<html><head><title>T</title></head><body><article>"
    ...     "<p>Kraus traf Okonjo in Oslo. Beide sprachen lange über die Lage.</p>"
    ...     "</article></body></html>")
    >>> text.startswith("Kraus traf Okonjo")
    True
    """
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_recall=True
        )
    except Exception as err:  # the library's many parser errors all mean "could not read it"
        raise InputError(
            f"{source}: cannot read the HTML ({type(err).__name__}: {err}); "
            "expected a well-formed HTML page with an article"
        ) from None
    if result is None:
        raise InputError(f"{source}: no article text found in the HTML; expected a page with a main text")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = (data.get("text") or "").strip()
    if not text:
        raise InputError(f"{source}: no article text found in the HTML; expected a page with a main text")
    authors = [a.strip() for a in re.split(r";|,| and | und ", data.get("author") or "") if a.strip()]
    meta = {
        "title": data.get("title") or None,
        "published": data.get("date") or None,
        "url": data.get("url") or None,
        "authors": authors,
        "publisher": data.get("sitename") or None,
    }
    return text, meta


# ------------------------------------------------------------------ language


def detect_language(text: str, source: str = "<input>") -> str:
    """``de`` or ``en`` (langdetect, fixed seed); any other language is an error naming it.

    >>> detect_language("Die Regierung hat am Mittwoch neue Pläne für die Verteidigung vorgestellt.")
    'de'
    >>> detect_language("Le gouvernement a présenté mercredi de nouveaux plans pour la défense.")
    Traceback (most recent call last):
    kg.errors.UnsupportedLanguageError: <input>: the text is in French (fr); kg extracts German (de) and English (en) articles only
    """
    clear = _clear_language(text[:1200])
    if clear:
        return clear  # plainly German or English: skip the statistics (a fifth of extraction time)
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    with deferred_interrupt():  # its first call loads profiles under a bare except: (eats Ctrl-C)
        from langdetect.detector_factory import init_factory

        init_factory()
    try:
        ranked = detect_langs(text[:1200])
    except LangDetectException:
        raise InputError(f"{source}: no words to recognise a language in; expected German or English text") from None
    for guess in ranked:
        if guess.lang in SUPPORTED_LANGUAGES and guess.prob >= 0.3:
            return guess.lang
    by_words = _function_word_language(text)
    if by_words:
        return by_words  # short texts fool the statistics; German/English function words do not
    top = ranked[0].lang if ranked else "unknown"
    name = LANGUAGE_NAMES.get(top, top)
    raise UnsupportedLanguageError(
        f"{source}: the text is in {name} ({top}); kg extracts German (de) and English (en) articles only"
    )


_WORDS = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = {
    "de": frozenset(
        "der die das und ist nicht sich des dem den eine einer auch wird werde sagte "
        "für über dass mit zu auf im vom zum zur sei habe hat wurde".split()
    ),
    "en": frozenset(
        "the and of is that was with for said to he his has will are were from this by on it an be".split()
    ),
}


def _clear_language(sample: str) -> str | None:
    """de or en when the sample leaves no doubt: at least 30 words, at least a seventh of them that
    language's function words (six different ones at least), and at most a fifth as many of the
    other's (news texts have about a fifth; Dutch, Afrikaans or Danish text has one or two of the
    words, however often).

    >>> _clear_language("Die Regierung hat am Mittwoch in Berlin gesagt, dass sie die Pläne der "
    ...     "Opposition für die Verteidigung nicht unterstützen werde und auch über die Kosten "
    ...     "der neuen Panzer mit den Ländern sprechen wolle, sagte der Sprecher am Abend.")
    'de'
    >>> _clear_language("Le gouvernement a présenté mercredi de nouveaux plans pour la défense.") is None
    True
    """
    words = _WORDS.findall(sample.lower())
    if len(words) < 30:
        return None
    hits = {lang: [w for w in words if w in vocab] for lang, vocab in _FUNCTION_WORDS.items()}
    lang, found = max(hits.items(), key=lambda kv: len(kv[1]))
    count, other = len(found), min(len(f) for f in hits.values())
    if len(set(found)) < 6:  # one frequent word is no proof: Afrikaans "die", Dutch "is"
        return None
    return lang if count * 7 >= len(words) and other * 5 <= count else None


def _function_word_language(text: str) -> str | None:
    """de or en when at least a sixth of the words are that language's function words.

    >>> _function_word_language("Der Politologe sagte, Japan werde helfen."), _function_word_language("Bonjour")
    ('de', None)
    """
    words = _WORDS.findall(text[:3000].lower())
    if len(words) < 3:
        return None
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    lang, count = max(hits.items(), key=lambda kv: kv[1])
    other = min(hits.values())
    return lang if count >= 2 and count * 6 >= len(words) and count >= 2 * other else None


# ------------------------------------------------------------------ URL


def unwrap_url(url: str) -> str:
    """The original address inside a proxied or redirecting URL.

    >>> unwrap_url("https://proxy.example:443/https/p.dw.com/p/x")
    'https://p.dw.com/p/x'
    >>> unwrap_url("https://r.example/out?url=https%3A%2F%2Fwww.dw.com%2Fa%2F1")
    'https://www.dw.com/a/1'
    """
    url = url.rstrip(".,;:)]}>")
    for _ in range(5):
        parts = urllib.parse.urlsplit(url)
        inner = _INNER_SCHEME.search(parts.path)
        if inner:
            rest = urllib.parse.unquote(url[url.index(parts.path) + inner.end() :])
            url = f"{inner.group(1).lower()}://{rest.lstrip('/')}"
            continue
        query = urllib.parse.parse_qs(parts.query)
        nested = [
            v
            for key in ("url", "u", "q", "target", "dest")
            for v in query.get(key, [])
            if v.startswith(("http://", "https://"))
        ]
        if nested:
            url = nested[0]
            continue
        break
    return url


def find_url(text: str) -> tuple[str, int, int] | None:
    """The first URL in the text, unwrapped, with the offsets of what was written.

    >>> find_url("Link: https://a.example:443/https/b.example/p/1 …")
    ('https://b.example/p/1', 6, 47)
    """
    match = _URL.search(text)
    if not match:
        return None
    raw = match.group(0).rstrip(".,;:)]}>")
    return unwrap_url(raw), match.start(), match.start() + len(raw)


# ------------------------------------------------------------------ lines


def _lines(text: str) -> list[_Line]:
    lines = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            lines.append(_Line(start, end))
    return lines


def _is_nav(line: str) -> bool:
    lowered = line.lower().strip(" |·•-–")
    if not lowered or not _LETTER.search(lowered):
        return True
    stripped = re.sub(r"^\d+[.)]?\s*", "", lowered)
    if stripped in lx.NAV_LINES:
        return True
    parts = [p.strip() for p in re.split(r"\s[|>»/·•]\s", line)]
    if len(parts) >= 3 and all(0 < len(p.split()) <= 3 for p in parts) and not _FINAL_PUNCT.search(line):
        return True  # a breadcrumb or menu: "Home | World | Europe"
    if len(line) > 120 or _FINAL_PUNCT.search(line) and not line.rstrip().endswith(("|", ":")):
        return False
    return any(phrase in lowered for phrase in lx.NAV_PHRASES)


def _is_date_line(line: str) -> bool:
    """A line that is only a date (a dateline or a time stamp), perhaps after places or a stamp word.

    >>> [_is_date_line(x) for x in ("April 10, 2025", "Oslo/Bern, 3. Mai 2021",
    ...                             "Stand: 02.12.2024 13:05 Uhr", "Updated 3 March 2026",
    ...                             "Am 3. Mai 2021 wurde gewählt.")]
    [True, True, True, True, False]
    """
    if len(line) > 120:
        return False
    found = find_in_text(line)
    if not found or len(found[0].value) < 7:
        return False
    prefix = line[: found[0].start].strip()
    if found[0].start > 12 and not _DATELINE_PREFIX.fullmatch(prefix):
        return False
    rest = line[found[0].end :].strip()
    # "Am 3. Mai 2021 wurde …" is a sentence; "… at 10:15 a.m. ET" is a time stamp
    return len(rest) < 60 and (not rest[:1].islower() or bool(_TIME_AFTER_DATE.match(rest)))


def _ends_with_date(line: str) -> bool:
    """'… in Tokio, 9.4.2025' or '… in Neapel, Oktober 2024.': a caption's closing date."""
    tail = _CAPTION_DATE_END.search(line)
    if not tail:
        return False
    before = line[: tail.start()].split()
    if before and before[-1].casefold() in WEEKDAYS:
        return False  # "… am Freitag, 12. April 2024.": a sentence giving its date
    if len(split_sentences(line, 0, len(line))) > 1:
        return False
    found = find_in_text(tail.group(0))
    return bool(found) and found[-1].end >= len(tail.group(0).rstrip().rstrip(".")) - 1


def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s*(?:,|;|/| und | and |&)\s*", text.strip(" .")) if n.strip()]


# ------------------------------------------------------------------ sentences


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence ranges inside ``text[start:end]`` (offsets into ``text``), whitespace trimmed.

    Full stops after abbreviations, initials and ordinal numbers ("10. April") do not end a
    sentence; a sentence ends at ., !, ? or … (with closing quotes) before the next capital.

    >>> t = "Dr. Kim traf am 10. April Mr. J. Doe. Er sagte: „Gut.“ Dann ging er."
    >>> [t[s:e] for s, e in split_sentences(t, 0, len(t))]
    ['Dr. Kim traf am 10. April Mr. J. Doe.', 'Er sagte: „Gut.“', 'Dann ging er.']
    """
    out = []
    cursor = start
    segment = text[start:end]
    for match in _SENTENCE_END.finditer(segment):
        stop = start + match.end()
        if stop >= end or not _is_boundary(text, start + match.start(), stop, end):
            continue
        after = stop
        while after < end and text[after].isspace():
            after += 1
        if after + 1 < end and text[after] in _CLOSING_QUOTES and text[after + 1].isspace():
            stop = after + 1  # '… anzuschließen. " Das …': the quote closes the sentence
        out.append((cursor, stop))
        cursor = stop
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        out.append((cursor, end))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _is_boundary(text: str, punct_start: int, stop: int, end: int) -> bool:
    after = stop
    while after < end and text[after].isspace():
        after += 1
    if after >= end:
        return False
    nxt = text[after]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"„“”»«‚‘'(["):
        return False
    if text[punct_start] != ".":
        return True
    before = _WORD_BEFORE.search(text[max(0, punct_start - 30) : punct_start])
    if not before:
        return True
    word = before.group(1)
    if word.lower().rstrip(".") in lx.ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "J. Doe"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return False  # "U.S", "z.B"
    if word.isdigit() and len(word) <= 2:
        # a German ordinal ("10. April", "am 3. Tag"), unless the number closes an English
        # month-first date or range ("on May 3-4. The", "since April 2. It")
        return bool(_MONTH_FIRST_BEFORE.search(text[max(0, punct_start - 40) : punct_start]))
    return True


# ------------------------------------------------------------------ classification


def _classify(text: str, lines: list[_Line], meta: dict) -> None:
    """Set each line's kind and collect metadata (dateline, URL, authors, translators, credits)."""
    ended = False
    for index, line in enumerate(lines):
        raw = text[line.start : line.end]
        if ended:
            line.kind = "boilerplate"
            _byline(raw, meta)
            continue
        translator = _TRANSLATOR.match(raw)
        if translator:
            meta["translators"].extend(_names(translator.group("who")))
            line.kind = "boilerplate"
            ended = True
            continue
        if any(raw.lower().startswith(m) for m in lx.END_MARKERS):
            line.kind = "boilerplate"
            ended = True
            continue
        if _URL.fullmatch(raw.strip()) or (_URL.search(raw) and len(_URL.sub("", raw).strip()) < 3):
            line.kind = "boilerplate"
            continue
        if _byline(raw, meta):
            line.kind = "boilerplate"
            continue
        if _is_nav(raw):
            line.kind = "boilerplate"
            continue
        if index < 12 and _is_date_line(raw):
            if meta.get("dateline") is None:
                meta["dateline"] = find_in_text(raw, offset=line.start)[0]
            line.kind = "heading"  # a dateline may name a place or venue, but states no fact
            line.dated = True  # … and is never the title
            continue
        credit = _CREDIT.search(raw)
        if credit and credit.start() < len(raw):
            meta["photo_credits"].extend(n for n in _names(credit.group("who")) if n not in meta["photo_credits"])
            before = raw[: credit.start()].rstrip()
            line.kind = "caption" if before else "boilerplate"
            line.end = line.start + len(before) if before else line.end
            if (
                index > 0
                and lines[index - 1].kind in ("heading", "body")
                and len(text[lines[index - 1].start : lines[index - 1].end]) < 300
            ):
                lines[index - 1].kind = "caption"
            continue
        if _ends_with_date(raw) and len(raw) < 300:
            line.kind = "caption"
            continue
        marker = _LIST_MARKER.match(raw)
        if marker:
            line.body_start = line.start + marker.end()
        if not _FINAL_PUNCT.search(raw) and len(raw) < 200:
            line.kind = "heading"
        elif (
            raw.rstrip().endswith(("?", "!"))
            and len(raw.split()) <= 12
            and _stands_alone(text, line)
            and not raw.lstrip().startswith(_OPENING_QUOTES)
        ):
            line.kind = "heading"  # "Wohin steuert die NATO?" between blank lines
        else:
            line.kind = "body"


_OPENING_QUOTES = tuple("\"„“”»«‚‘'")


def _stands_alone(text: str, line: _Line) -> bool:
    """True when blank lines (or the text's edges) surround the line.

    >>> t = "Frage?\\n\\nAntwort."
    >>> _stands_alone(t, _Line(0, 6))
    True
    """
    head = text[max(0, line.start - 200) : line.start].replace("\r", "").rstrip(" \t")
    tail = text[line.end : line.end + 200].replace("\r", "").lstrip(" \t")
    before_ok = line.start == 0 or not text[: line.start].strip() or head.endswith("\n\n")
    after_ok = not tail.strip() or tail.startswith("\n\n")
    return before_ok and after_ok


def _byline(raw: str, meta: dict) -> bool:
    """Record the author named by a byline line; True when the line is a byline."""
    if len(raw) > 100:
        return False
    for pattern in (_BYLINE, _ROLE_NAME, _NAME_ROLE):
        match = pattern.search(raw)
        if match:
            for name in _names(match.group("who")):
                if name not in meta["authors"] and not _ROLE_WORD_IN.search(name):
                    meta["authors"].append(name)
            return True
    return False


def _title(text: str, lines: list[_Line], dateline=None) -> str | None:
    for line in lines[:15]:
        if (dateline is not None and line.start <= dateline.start < line.end) or line.dated:
            continue
        if line.kind == "heading":
            words = text[line.start : line.end].split()
            if len(words) >= 3:
                return text[line.start : line.end]
        if line.kind == "body":
            break
    return None


def _sentences(text: str, lines: list[_Line]) -> list[Sentence]:
    sentences = []
    for line in lines:
        if line.kind in ("body", "caption") or (line.kind == "heading" and line.body_start):
            begin = line.body_start or line.start
            for s, e in split_sentences(text, begin, line.end):
                sentences.append(Sentence(s, e, line.kind))
        else:
            sentences.append(Sentence(line.start, line.end, line.kind))
    return sentences


# ------------------------------------------------------------------ the entry point


def read_article(
    data: bytes | str, *, source: str = "<input>", url: str | None = None, published=None, max_chars: int = MAX_CHARS
) -> Document:
    """Read an article (bytes or text, plain or HTML) into a :class:`Document`.

    ``url`` and ``published`` given by the caller win over what the text says.

    >>> doc = read_article("Kurz\\n\\nThe minister met his counterpart in Berlin on Monday. He said little.",
    ...                    published="2025-04-10")
    >>> doc.language, doc.published.isoformat(), len(doc.sentences)
    ('en', '2025-04-10', 3)
    """
    text = decode_bytes(data, source) if isinstance(data, (bytes, bytearray)) else str(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    check_text(text, source, max_chars)
    meta = {
        "authors": [],
        "translators": [],
        "photo_credits": [],
        "dateline": None,
        "title": None,
        "published": None,
        "url": None,
        "publisher": None,
    }
    if looks_like_html(text):
        text, html_meta = html_to_text(text, source, url)
        meta.update({k: v for k, v in html_meta.items() if v})
        check_text(text, source, max_chars)
    lines = _lines(text)
    _classify(text, lines, meta)
    sentences = _sentences(text, lines)
    sample = " ".join(text[s.start : s.end] for s in sentences if s.kind in ("body", "caption", "heading"))
    language = detect_language(sample or text, source)
    found_url = find_url(text)
    chosen_published, precision = _published(
        published, meta, text, lines, url or meta["url"] or (found_url[0] if found_url else None)
    )
    return Document(
        text=text,
        language=language,
        published=chosen_published,
        published_precision=precision,
        url=url or meta["url"] or (found_url[0] if found_url else None),
        title=meta["title"] or _title(text, lines, meta.get("dateline")),
        authors=meta["authors"],
        publisher=meta["publisher"],
        sentences=sentences,
        source=source,
        extra={"translators": meta["translators"], "photo_credits": meta["photo_credits"]},
        reference=reference_date(text) if chosen_published is None else None,
    )


def _published(published, meta: dict, text: str = "", lines=(), url: str | None = None):
    """(publication date, precision): the caller's, the HTML metadata's, a dateline or stamp in
    the page header, a date in the URL; else a reference date ("reference" precision: the first
    full date in the text, which gives years to dates written without one but never resolves a
    relative date such as "today")."""
    import datetime as dt

    if published not in (None, ""):
        return parse_published(published), "day"
    if meta.get("published"):
        try:
            return parse_published(meta["published"]), "day"
        except InputError:
            pass
    dateline = meta.get("dateline")
    month = None
    if dateline is not None:
        value = dateline.value
        if len(value) == 10:
            return dt.date.fromisoformat(value), "day"
        month = dt.date(int(value[:4]), int(value[5:7]), 1)
    stamp = header_stamp(text, lines)
    if stamp is not None:
        return stamp, "day"
    from_url = url_date(url)
    if from_url is not None and (from_url[1] == "day" or month is None):
        return from_url
    if month is not None:
        return month, "month"
    return None, None


def reference_date(text: str):
    """A date to give years to dates written without one, when the text states no publication
    date: its first full date, else the middle of its first month with a year.

    >>> reference_date("Am 3. März traf sie ihn. Foto: Oslo, 2. März 2024"), reference_date("Nichts.")
    (datetime.date(2024, 3, 2), None)
    """
    import datetime as dt

    found = find_in_text(text)
    for match in found:
        if len(match.value) == 10:
            return dt.date.fromisoformat(match.value)
    for match in found:
        if len(match.value) == 7:
            return dt.date(int(match.value[:4]), int(match.value[5:7]), 15)
    return None


def url_date(url: str | None):
    """(date, precision) from a URL's date segment, or None.

    >>> url_date("https://example.org/news/2026/02/01/talks.html")
    (datetime.date(2026, 2, 1), 'day')
    >>> url_date("https://example.org/de/2022-01-07-treffen/"), url_date("https://e.org/2024/12/x")
    ((datetime.date(2022, 1, 7), 'day'), (datetime.date(2024, 12, 1), 'month'))
    >>> url_date("https://example.org/article/3158446/"), url_date(None)
    (None, None)
    """
    import datetime as dt

    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for m in _URL_DAY.finditer(path):
        try:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))), "day"
        except ValueError:
            continue
    m = _URL_MONTH.search(path)
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1), "month"
    return None


def header_stamp(text: str, lines) -> object:
    """The publication date stamped in a page's header, or None: a full date at the start or end
    of a short furniture line, after a stamp word ("Stand:", "Release Date:"), glued to other
    furniture, or opening the first body line as a dateline ("WASHINGTON, July 7, 2017 — …").

    >>> t = "Gipfel in Rom Stand: 01.02.2026 10:00 Uhr\\n\\nDie Minister trafen sich am Montag."
    >>> read_article(t).published
    datetime.date(2026, 2, 1)
    >>> t = "News article25 November 2015Directorate-General\\n\\nThe talks began."
    >>> read_article(t).published
    datetime.date(2015, 11, 25)
    >>> t = "OSLO, May 4, 2024 — The ministers met on Friday.\\nThey agreed."
    >>> read_article(t).published
    datetime.date(2024, 5, 4)
    >>> t = "Story: X-12 Release Date: 3/27/2014 9:11:00 AM\\nThe ship sailed."
    >>> read_article(t).published
    datetime.date(2014, 3, 27)
    >>> t = "Ministers met on 3 May 2024 in Oslo, where they agreed on a plan.\\nMore."
    >>> read_article(t).published is None
    True
    """
    import datetime as dt

    bodies = 0
    for index, line in enumerate(lines):
        if index >= 30 or bodies >= 6:
            break
        header = index < 15 and bodies < 3  # furniture stamps; datelines a little further down
        raw = text[line.start : line.end]
        if (line.kind == "caption" and bodies) or _CREDIT.search(raw):
            continue  # a photo's caption or credit below the text: the day it was taken
        is_body = len(raw) > 250 or line.kind == "body" or _looks_like_body(raw)
        if is_body or not header:
            bodies += is_body
            opening = _OPENING_DATELINE.match(raw)
            if opening:
                found = find_in_text(raw[opening.end() :])
                if (
                    found
                    and found[0].start == 0
                    and len(found[0].value) == 10
                    and _DATELINE_DASH.match(raw, opening.end() + found[0].end)
                ):
                    return dt.date.fromisoformat(found[0].value)
            continue
        for m in _SLASH_DATE.finditer(raw):
            first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if _STAMP_WORD.search(raw[: m.start()]) and (first > 12) != (second > 12):
                month, day = (second, first) if first > 12 else (first, second)
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    pass
        spaced = _GLUED.sub(" ", raw)
        for found in find_in_text(spaced):
            if len(found.value) != 10:
                continue
            at_edge = found.start <= 40 or len(spaced) - found.end <= 25
            if at_edge or _STAMP_WORD.search(spaced[: found.start]):
                return dt.date.fromisoformat(found.value)
    return None


def _looks_like_body(raw: str) -> bool:
    """A line of running text: ends like a sentence and has several lower-case words."""
    return bool(_FINAL_PUNCT.search(raw)) and len(re.findall(r"\b[a-zäöüß]{3,}\b", raw)) >= 4
