"""Settings, passed explicitly to the library; read from the environment only on request.

>>> s = Settings(store="memory:")
>>> s.store, s.base_iri
('memory:', 'https://w3id.org/kg-news/id/')
>>> Settings.from_env({"KG_STORE": "/tmp/x", "KG_BASE_IRI": "https://ex.org/"}).store
'/tmp/x'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import UsageError
from kg.limits import MAX_PAGE_BYTES
from kg.namespaces import DEFAULT_BASE_IRI

DEFAULT_STORE = ".kg/store"
DEFAULT_CACHE = ".kg/wikidata.sqlite"
DEFAULT_ACTION_API = "https://www.wikidata.org/w/api.php"
DEFAULT_SPARQL_ENDPOINT = "https://query.wikidata.org/sparql"


def package_dir(*parts: str) -> Path:
    """Path to a folder shipped inside the ``kg`` package (``ontology``, ``shapes``, ``queries``).

    The folders live in the package itself (one copy; the wheel ships them as package data).

    >>> package_dir("shapes").name
    'shapes'
    >>> package_dir("shapes").parent == Path(__file__).resolve().parent
    True
    """
    return Path(__file__).resolve().parent.joinpath(*parts)


@dataclass(frozen=True)
class Settings:
    """Everything the library needs to know about its environment.

    ``store`` is a backend spec: a directory path (embedded on-disk Oxigraph), ``memory:``
    (in-memory Oxigraph), or an ``http(s)://`` URL (a remote SPARQL store).
    """

    store: str = DEFAULT_STORE
    base_iri: str = DEFAULT_BASE_IRI
    cache_path: str = DEFAULT_CACHE
    wikidata_api: str = DEFAULT_ACTION_API
    wikidata_sparql: str = DEFAULT_SPARQL_ENDPOINT
    contact: str | None = None
    offline: bool = False
    http_timeout: float = 10.0
    fetch_interval: float = 1.0  # seconds between requests to one host when fetching pages and feeds
    fetch_timeout: float = 10.0  # seconds to connect, and between two bytes of a page
    fetch_deadline: float = 30.0  # seconds for one whole page (redirects and body)
    fetch_max_bytes: int = MAX_PAGE_BYTES  # largest page or feed read
    feed_state: str | None = None  # the feed state file (None: next to the store)
    store_options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith(("/", "#")):
            raise UsageError(
                f"base IRI {self.base_iri!r} must be an http(s) IRI ending in '/' or '#', e.g. {DEFAULT_BASE_IRI!r}"
            )

    def with_(self, **changes) -> Settings:
        """A copy with some settings changed.

        >>> Settings().with_(store="memory:").store
        'memory:'
        """
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``KG_*`` environment variables (defaults where unset)."""
        env = os.environ if environ is None else environ
        store_options = {
            key[len("KG_STORE_") :].lower(): value for key, value in env.items() if key.startswith("KG_STORE_")
        }
        return cls(
            store=env.get("KG_STORE", DEFAULT_STORE),
            base_iri=env.get("KG_BASE_IRI", DEFAULT_BASE_IRI),
            cache_path=env.get("KG_WIKIDATA_CACHE", DEFAULT_CACHE),
            wikidata_api=env.get("KG_WIKIDATA_API", DEFAULT_ACTION_API),
            wikidata_sparql=env.get("KG_WIKIDATA_SPARQL", DEFAULT_SPARQL_ENDPOINT),
            contact=env.get("KG_CONTACT") or None,
            offline=env.get("KG_OFFLINE", "").lower() in {"1", "true", "yes"},
            fetch_interval=_number(env, "KG_FETCH_INTERVAL", 1.0),
            fetch_timeout=_number(env, "KG_FETCH_TIMEOUT", 10.0, positive=True),
            fetch_deadline=_number(env, "KG_FETCH_DEADLINE", 30.0, positive=True),
            fetch_max_bytes=int(_number(env, "KG_FETCH_MAX_BYTES", MAX_PAGE_BYTES, positive=True)),
            feed_state=env.get("KG_FEED_STATE") or None,
            store_options=store_options,
        )


def _number(env: Mapping[str, str], name: str, default: float, positive: bool = False) -> float:
    """A number from an environment variable (the default when unset), or a UsageError naming it.

    >>> _number({"KG_FETCH_INTERVAL": "0.5"}, "KG_FETCH_INTERVAL", 1.0), _number({}, "X", 2.0)
    (0.5, 2.0)
    >>> _number({"KG_FETCH_TIMEOUT": "soon"}, "KG_FETCH_TIMEOUT", 10.0)
    Traceback (most recent call last):
    kg.errors.UsageError: KG_FETCH_TIMEOUT='soon': expected a number (seconds or bytes) of at least 0
    """
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value != value or value < 0 or (positive and value == 0) or value == float("inf"):
        least = "more than 0" if positive else "at least 0"
        raise UsageError(f"{name}={raw!r}: expected a number (seconds or bytes) of {least}")
    return value
