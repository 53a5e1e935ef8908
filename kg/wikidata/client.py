"""A well-behaved client for the Wikidata Action API and the Wikidata Query Service.

Etiquette (https://www.mediawiki.org/wiki/API:Etiquette): a descriptive User-Agent naming
the tool, its version and a contact (no contact → :class:`UsageError`, nothing is sent);
requests strictly one after another; ``maxlag=5`` on batch work; ``Retry-After`` honoured
on HTTP 429, 503 and ``maxlag`` errors; exponential back-off with a cap on 5xx and timeouts;
a timeout on every request and an overall deadline, so a call never hangs; gzip. Every
failure ends in a :class:`NetworkError` that says what could not be reached — callers
fall back to the cache.

The clock and the sleep function are injectable, so tests can check the waits without
waiting.

>>> from kg.config import Settings
>>> client = WikidataClient(Settings(contact="ops@example.org"))
>>> client.user_agent.startswith("kg/")
True
>>> WikidataClient(Settings())
Traceback (most recent call last):
kg.errors.UsageError: no contact configured for Wikidata requests; set KG_CONTACT (an e-mail address or URL), e.g. KG_CONTACT=you@example.org — Wikimedia asks every client to name one
"""

from __future__ import annotations

import email.utils
import json
import re
import socket
import threading
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

import kg
from kg.config import Settings
from kg.errors import NetworkError, UsageError
from kg.wikidata.cache import Claim, Entity, utc_now_iso

BATCH_SIZE = 50
MAXLAG = 5
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # an answer as sent (compressed); wbgetentities of 50 items is ~5 MB
MAX_DECODED_BYTES = 64 * 1024 * 1024  # the same answer decompressed (a gzip bomb stops here)
RESPONSE_DEADLINE = 60.0  # seconds for one whole answer, however slowly its bytes arrive
WANTED_PROPERTIES = ("P31", "P39", "P27", "P463", "P6", "P35")
QUALIFIERS = {"P580": "start", "P582": "end"}
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

# Class items used only to recognise the kind of thing an *online* result is (its P31);
# they are never linked to actors. Unknown classes give type "Other", which links to nothing.
CLASS_TYPES: dict[str, str] = {
    "Q5": "Person",
    "Q6256": "State",
    "Q3624078": "State",
    "Q7275": "State",
    "Q515": "Place",
    "Q5119": "Place",
    "Q1549591": "Place",
    "Q1637706": "Place",
    "Q200250": "Place",
    "Q486972": "Place",
    "Q15284": "Place",
    "Q3957": "Place",
    "Q532": "Place",
    "Q23442": "Place",
    "Q43229": "Organization",
    "Q484652": "Organization",
    "Q245065": "Organization",
    "Q7278": "Organization",
    "Q4830453": "Organization",
    "Q327333": "Organization",
    "Q3918": "Organization",
    "Q1127126": "Organization",
    "Q4164871": "Position",
    "Q294414": "Position",
    "Q1656682": "Event",
    "Q1190554": "Event",
}


def entity_type_from_classes(classes: Iterable[str], default: str = "Other") -> str:
    """kg's actor type for a Wikidata item with these P31 values (first known class wins).

    >>> entity_type_from_classes(["Q5"]), entity_type_from_classes(["Q123456789"])
    ('Person', 'Other')
    """
    for cls in classes:
        if cls in CLASS_TYPES:
            return CLASS_TYPES[cls]
    return default


@dataclass(frozen=True)
class SearchHit:
    """One ``wbsearchentities`` result."""

    qid: str
    label: str
    description: str
    match_text: str
    match_type: str
    lang: str


def user_agent(contact: str | None) -> str:
    """The User-Agent kg sends: tool, version, contact and the HTTP library.

    >>> user_agent("ops@example.org").split(" (")[0] == "kg/" + kg.__version__
    True
    """
    if not contact or not contact.strip():
        raise UsageError(
            "no contact configured for Wikidata requests; set KG_CONTACT (an e-mail address or URL), "
            "e.g. KG_CONTACT=you@example.org — Wikimedia asks every client to name one"
        )
    return f"kg/{kg.__version__} ({contact.strip()}) requests/{requests.__version__}"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None.

    >>> parse_retry_after("7"), parse_retry_after(None), parse_retry_after("soon")
    (7.0, None, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying after ``wait`` seconds (None = back-off)."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class WikidataClient:
    """HTTP access to the Action API (``Settings.wikidata_api``) and WDQS (``Settings.wikidata_sparql``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_attempts: int = 4,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_wait: float = 60.0,
        deadline: float = 120.0,
        response_deadline: float = RESPONSE_DEADLINE,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_decoded_bytes: int = MAX_DECODED_BYTES,
    ):
        self.settings = settings
        self.user_agent = user_agent(settings.contact)
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "User-Agent": self.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            }
        )
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.deadline = deadline
        self.response_deadline = response_deadline
        self.max_response_bytes = max_response_bytes
        self.max_decoded_bytes = max_decoded_bytes
        self.requests_sent = 0
        self.skipped: list[str] = []
        self.mismatched: list[tuple[str, str]] = []  # (key, id) of answers naming another entity
        self.waits: list[float] = []
        self._lock = threading.Lock()  # serial requests, even when shared between threads

    # ----------------------------------------------------------------- retry loop

    def _with_retries(self, what: str, attempt_once: Callable[[], Any]) -> Any:
        started = self.clock()
        last = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            try:
                with self._lock:
                    self.requests_sent += 1
                    return attempt_once()
            except _Retry as retry:
                last = retry.reason
                if attempt == self.max_attempts:
                    break
                wait = (
                    retry.wait
                    if retry.wait is not None
                    else min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
                )
                wait = min(wait, self.max_wait)
                if self.clock() - started + wait > self.deadline:
                    last += f"; giving up, the next wait ({wait:.0f} s) would pass the {self.deadline:.0f} s deadline"
                    break
                self.waits.append(wait)
                self.sleep(wait)
        raise NetworkError(f"{what}: failed after {attempt} attempt(s): {last}")

    def _action(self, params: dict[str, str], batch: bool = False) -> dict:
        url = self.settings.wikidata_api
        params = {**params, "format": "json", "formatversion": "2"}
        if batch:
            params["maxlag"] = str(MAXLAG)

        def once() -> dict:
            try:
                response = self.session.get(url, params=params, timeout=self.settings.http_timeout, stream=True)
                raw = self._read_capped(
                    url, response.headers, lambda size: response.raw.read1(size, decode_content=False)
                )
            except requests.Timeout:
                raise _Retry(f"no answer from {url} within {self.settings.http_timeout:g} s") from None
            except requests.ConnectionError as err:
                # refused / no route / DNS: retrying will not help within one run
                raise NetworkError(f"cannot reach {url} ({type(err).__name__})") from None
            except requests.RequestException as err:
                raise _Retry(f"cannot reach {url} ({type(err).__name__})") from None
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if response.status_code == 429:
                raise _Retry(f"{url} answered HTTP 429 Too Many Requests", retry_after)
            if response.status_code >= 500:
                raise _Retry(f"{url} answered HTTP {response.status_code}", retry_after)
            if response.status_code >= 400:
                raise NetworkError(f"{url} answered HTTP {response.status_code} for action={params.get('action')}")
            try:
                body = json.loads(raw)
            except (ValueError, RecursionError):
                raise NetworkError(
                    f"{url} answered with malformed JSON for action={params.get('action')} (first bytes: {raw[:60]!r})"
                ) from None
            if not isinstance(body, dict):
                raise NetworkError(f"{url} answered with JSON that is not an object for action={params.get('action')}")
            error = body.get("error") or (body.get("errors") or [None])[0]
            if error:
                code = error.get("code", "?")
                if code == "maxlag":
                    lag = error.get("lag")
                    wait = retry_after if retry_after is not None else (float(lag) if lag else None)
                    raise _Retry(f"{url} is lagged (maxlag error: {error.get('info') or error.get('text', '')})", wait)
                raise NetworkError(f"{url} answered error {code!r}: {error.get('info') or error.get('text', '')}")
            return body

        return self._with_retries(f"Wikidata API {url}", once)

    def _read_capped(self, url: str, headers, read1: Callable[[int], bytes]) -> bytes:
        """The body of an answer, decompressed, within the response deadline and size caps.

        ``read1`` returns what has arrived (at least one byte, or b"" at the end), so a server
        that dribbles bytes is cut off at the deadline, not kept alive by each byte.
        """
        import zlib

        started = time.monotonic()
        length = (headers.get("Content-Length") or "").strip()
        if length.isdigit() and int(length) > self.max_response_bytes:
            raise NetworkError(
                f"{url} announced an answer of {int(length)} bytes, more than the {self.max_response_bytes}-byte limit"
            )
        encoding = (headers.get("Content-Encoding") or "").strip().lower()
        inflater = zlib.decompressobj(32 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip", "deflate") else None
        received = 0
        out = bytearray()

        def add(piece: bytes) -> None:
            out.extend(piece)
            if len(out) > self.max_decoded_bytes:
                raise NetworkError(
                    f"{url} sent an answer larger than {self.max_decoded_bytes} bytes "
                    + ("once decompressed (a compression bomb?)" if inflater else "")
                )

        while True:
            if time.monotonic() - started > self.response_deadline:
                raise NetworkError(
                    f"{url} did not finish its answer within {self.response_deadline:g} s "
                    f"({received} bytes arrived); giving up"
                )
            chunk = read1(65536)
            if not chunk:
                break
            received += len(chunk)
            if received > self.max_response_bytes:
                raise NetworkError(f"{url} sent more than {self.max_response_bytes} bytes; giving up")
            if inflater is None:
                add(chunk)
                continue
            try:
                add(inflater.decompress(chunk, self.max_decoded_bytes + 1 - len(out)))
            except zlib.error as err:
                raise NetworkError(f"{url} sent a broken {encoding} answer ({err})") from None
            if inflater.unconsumed_tail:
                add(b"\0" * (self.max_decoded_bytes + 1))  # more than the cap is waiting: refuse
        if inflater is not None:
            add(inflater.flush())
        return bytes(out)

    # ----------------------------------------------------------------- Action API

    def search(self, text: str, lang: str = "en", limit: int = 10) -> list[SearchHit]:
        """``wbsearchentities`` for items whose label or alias starts with ``text`` in ``lang``."""
        if lang not in ("de", "en"):
            raise UsageError(f"search language {lang!r} is not supported; expected one of: de, en")
        body = self._action(
            {
                "action": "wbsearchentities",
                "search": text,
                "language": lang,
                "uselang": lang,
                "type": "item",
                "limit": str(limit),
                "strictlanguage": "1",
            }
        )
        hits = []
        results = body.get("search")
        for item in results if isinstance(results, list) else []:
            qid = item.get("id", "") if isinstance(item, dict) else ""
            if not QID_RE.match(str(qid)):
                continue
            match = item.get("match") if isinstance(item.get("match"), dict) else {}
            hits.append(
                SearchHit(
                    qid,
                    item.get("label", ""),
                    item.get("description", ""),
                    match.get("text", ""),
                    match.get("type", ""),
                    lang,
                )
            )
        return hits

    def get_entities(self, qids: Iterable[str]) -> dict[str, Entity]:
        """``wbgetentities`` in batches of at most 50, as cache entity summaries (missing ids left out)."""
        wanted = []
        for qid in qids:
            if not QID_RE.match(qid):
                raise UsageError(f"{qid!r} is not a Wikidata item id; expected Q followed by digits, e.g. Q57792")
            if qid not in wanted:
                wanted.append(qid)
        found: dict[str, Entity] = {}
        for batch in _batches(wanted, BATCH_SIZE):
            body = self._action(
                {
                    "action": "wbgetentities",
                    "ids": "|".join(batch),
                    "props": "labels|aliases|descriptions|claims|sitelinks",
                    "languages": "de|en",
                    "languagefallback": "0",
                },
                batch=True,
            )
            entities = body.get("entities")
            if not isinstance(entities, dict):
                raise NetworkError(f"{self.settings.wikidata_api}: wbgetentities answer has no 'entities' object")
            for key, data in entities.items():
                if not isinstance(data, dict) or "missing" in data or not QID_RE.match(str(data.get("id", ""))):
                    continue
                if key not in batch or data["id"] != key:  # a redirect or a wrong answer: never a link
                    self.skipped.append(key)
                    self.mismatched.append((key, str(data.get("id"))))
                    continue
                try:
                    found[key] = entity_from_json(data)
                except (KeyError, TypeError, ValueError, AttributeError):
                    self.skipped.append(key)  # an entity in an unexpected shape is left out, not guessed
        return found

    # ----------------------------------------------------------------- WDQS

    def sparql(self, query: str) -> list[dict[str, dict]]:
        """Run a SELECT query against WDQS through SPARQLWrapper; the JSON result bindings."""
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        endpoint = self.settings.wikidata_sparql

        def once() -> list[dict[str, dict]]:
            wrapper = SPARQLWrapper(endpoint, agent=self.user_agent)
            wrapper.setQuery(query)
            wrapper.setMethod(POST)
            wrapper.setReturnFormat(JSON)
            wrapper.setTimeout(max(1, int(round(self.settings.http_timeout))))
            wrapper.addCustomHttpHeader("Accept-Encoding", "identity")
            try:
                result = wrapper.query()
                raw = self._read_capped(endpoint, result.response.headers, result.response.read1)
            except urllib.error.HTTPError as err:
                wait = parse_retry_after(err.headers.get("Retry-After") if err.headers else None)
                if err.code == 429 or err.code >= 500:
                    raise _Retry(f"{endpoint} answered HTTP {err.code}", wait) from None
                raise NetworkError(f"{endpoint} answered HTTP {err.code} to a SPARQL query") from None
            except SPARQLWrapperException as err:
                message = str(err).splitlines()[0]
                if "500" in message or "Internal" in message:
                    raise _Retry(f"{endpoint}: {message}") from None
                raise NetworkError(f"{endpoint} refused the SPARQL query: {message}") from None
            except TimeoutError:
                raise _Retry(f"no answer from {endpoint} within {self.settings.http_timeout:g} s") from None
            except urllib.error.URLError as err:
                if isinstance(err.reason, (socket.timeout, TimeoutError)):
                    raise _Retry(f"no answer from {endpoint} within {self.settings.http_timeout:g} s") from None
                raise NetworkError(f"cannot reach {endpoint} ({err.reason})") from None
            except OSError as err:
                raise _Retry(f"cannot reach {endpoint} ({err})") from None
            try:
                body = json.loads(raw)
                return list(body["results"]["bindings"])
            except (ValueError, KeyError, TypeError):
                raise NetworkError(
                    f"{endpoint} answered with malformed SPARQL JSON (first bytes: {raw[:60]!r})"
                ) from None

        return self._with_retries(f"Wikidata Query Service {endpoint}", once)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _time_value(snak: dict) -> str | None:
    value = (snak.get("datavalue") or {}).get("value") or {}
    raw = value.get("time") if isinstance(value, dict) else None
    if not raw:
        return None
    match = re.match(r"^\+?(\d{4})-(\d{2})-(\d{2})", raw)
    if not match:
        return None
    precision = value.get("precision", 11)
    year, month, day = match.groups()
    if precision >= 11 and day != "00":
        return f"{year}-{month}-{day}"
    if precision >= 10 and month != "00":
        return f"{year}-{month}"
    return year


def _item_value(snak: dict) -> str | None:
    if snak.get("snaktype") != "value":
        return None
    value = (snak.get("datavalue") or {}).get("value")
    if isinstance(value, dict) and QID_RE.match(str(value.get("id", ""))):
        return value["id"]
    return None


def entity_from_json(data: dict, fetched_at: str | None = None) -> Entity:
    """A cache :class:`Entity` from one ``wbgetentities`` entity object (formatversion 1 or 2).

    >>> e = entity_from_json({"id": "Q5530859", "labels": {"en": {"language": "en", "value": "Gen Nakatani"}},
    ...     "claims": {"P31": [{"mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": "Q5"}}},
    ...                         "rank": "normal"}]}, "sitelinks": {"enwiki": {}, "jawiki": {}}})
    >>> e.type, e.labels["en"], e.instance_of, e.sitelinks
    ('Person', 'Gen Nakatani', ['Q5'], 2)
    """
    labels = {lang: v["value"] for lang, v in (data.get("labels") or {}).items() if lang in ("de", "en")}
    descriptions = {lang: v["value"] for lang, v in (data.get("descriptions") or {}).items() if lang in ("de", "en")}
    aliases = {
        lang: [v["value"] for v in values]
        for lang, values in (data.get("aliases") or {}).items()
        if lang in ("de", "en")
    }
    claims: dict[str, list[Claim]] = {}
    for pid in WANTED_PROPERTIES:
        for statement in (data.get("claims") or {}).get(pid, []):
            if statement.get("rank") == "deprecated":
                continue
            value = _item_value(statement.get("mainsnak") or {})
            if value is None:
                continue
            quals = statement.get("qualifiers") or {}
            times = {
                name: next((t for t in map(_time_value, quals.get(p, [])) if t), None) for p, name in QUALIFIERS.items()
            }
            claims.setdefault(pid, []).append(Claim(value, times["start"], times["end"]))
    instance_of = [c.value for c in claims.get("P31", [])]
    return Entity(
        qid=data["id"],
        type=entity_type_from_classes(instance_of),
        labels=labels,
        aliases=aliases,
        descriptions=descriptions,
        claims=claims,
        sitelinks=len(data.get("sitelinks") or {}),
        fetched_at=fetched_at or utc_now_iso(),
        source="wikidata",
    )
