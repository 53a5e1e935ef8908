"""Triple-store backends behind one small interface, chosen by a spec string.

``open_store(spec)`` picks a backend from the registry: ``memory:`` is an in-memory Oxigraph,
``http(s)://…`` a remote SPARQL store (when that backend is installed; ``virtuoso+http://…``
and the like also pick the server's preset, see :mod:`kg.store.remote`), anything else a
directory holding an embedded on-disk Oxigraph.

>>> store = open_store("memory:")
>>> store.quad_count()
0
>>> sorted(BACKENDS)[:2]
['memory', 'oxigraph']
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.errors import UsageError
from kg.store.base import QueryResult, Store

BACKENDS: dict[str, Callable[..., Store]] = {}


def register_backend(name: str, factory: Callable[..., Store]) -> None:
    """Make a backend available to :func:`open_store` under ``name``."""
    BACKENDS[name] = factory


def backend_name(spec: str) -> str:
    """The registry name that a store spec selects.

    >>> backend_name("memory:"), backend_name("./.kg/store"), backend_name("http://h:7878")
    ('memory', 'oxigraph', 'remote')
    >>> backend_name("virtuoso+http://h:8890")
    'remote'
    """
    if spec == "memory:" or spec == "memory":
        return "memory"
    if spec.startswith(("http://", "https://")) or re.match(r"[a-z]+\+https?://", spec):
        return "remote"
    if ":" in spec.split("/")[0] and len(spec.split(":")[0]) > 1 and not spec.startswith("."):
        scheme = spec.split(":", 1)[0]
        raise UsageError(
            f"store {spec!r}: unknown scheme {scheme!r}; expected a directory path, "
            "'memory:' or an http(s):// SPARQL endpoint URL (optionally with a server preset: "
            "virtuoso+http://…, fuseki+http://…)"
        )
    return "oxigraph"


def open_store(spec: str, *, read_only: bool = False, options: dict | None = None) -> Store:
    """Open the store a spec names (see module doc); ``read_only`` opens on-disk stores for reading."""
    name = backend_name(spec)
    _load_builtin_backends()
    if name not in BACKENDS:
        raise UsageError(
            f"store {spec!r} needs the {name!r} backend, which is not available; "
            f"available: {', '.join(sorted(BACKENDS))}"
        )
    return BACKENDS[name](spec, read_only=read_only, **(options or {}))


def _load_builtin_backends() -> None:
    from kg.store import oxigraph  # noqa: F401 - registers memory and oxigraph

    try:
        from kg.store import remote  # noqa: F401 - registers remote when present
    except ImportError:
        pass


__all__ = ["Store", "QueryResult", "open_store", "register_backend", "BACKENDS", "backend_name"]
