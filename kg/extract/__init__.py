"""Extraction: article text → fact sheet (actors, meetings, missions, statements).

The pipeline (:func:`kg.extract.pipeline.extract_factsheet`) reads the article
(:mod:`kg.extract.article`), recognises actors (:mod:`kg.extract.actors`) and then runs every
registered :class:`kg.extract.base.FactExtractor`. Extractors are found in :data:`EXTRACTORS`,
a name → class registry: a module registers its class with :func:`register`, so a statistical
or LLM-based extractor can be plugged in (or replace a default one) without touching the
pipeline.

>>> @register("demo-noop")
... class Noop:
...     name = "demo-noop"
...     def extract(self, doc, actors):
...         return []
>>> EXTRACTORS["demo-noop"] is Noop
True
>>> _ = EXTRACTORS.pop("demo-noop")
"""

from __future__ import annotations

import importlib

EXTRACTORS: dict[str, type] = {}

# Modules holding the default extractors; each registers its classes when imported.
DEFAULT_MODULES = ("kg.extract.statements", "kg.extract.meetings", "kg.extract.missions")


def register(name: str):
    """Class decorator: make an extractor class known to the pipeline under ``name``.

    >>> register("x-demo")(type("X", (), {"name": "x-demo"})).__name__
    'X'
    >>> _ = EXTRACTORS.pop("x-demo")
    """

    def decorate(cls: type) -> type:
        EXTRACTORS[name] = cls
        return cls

    return decorate


def load_default_extractors() -> dict[str, type]:
    """Import the default extractor modules (those present) and return the registry.

    >>> isinstance(load_default_extractors(), dict)
    True
    """
    for module in DEFAULT_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:  # a missing dependency inside the module is a real error
                raise
    return EXTRACTORS


class _ExtractModule(type(importlib)):
    """``kg.extract`` is this package once any of it is imported: calling it extracts, so
    ``kg.extract(text)`` (:func:`kg.api.extract`) works whichever way ``kg.extract`` was reached."""

    def __call__(self, text_or_path, url=None, published=None):
        from kg.api import extract

        return extract(text_or_path, url=url, published=published)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _ExtractModule
