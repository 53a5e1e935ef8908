"""kg: news articles to a validated, Wikidata-linked, queryable RDF knowledge graph.

The library face is :class:`kg.KnowledgeGraph` (``kg.open(spec)``) and ``kg.extract(text)``;
the ``kg`` command is a thin layer over it. Imports are lazy: ``import kg`` loads nothing heavy.

>>> import kg
>>> kg.__version__ >= "0.1"
True
>>> with kg.open("memory:") as graph:
...     graph.stats()["articles"]
0
"""

__version__ = "0.1.0"

_EXPORTS = {
    "KnowledgeGraph": "kg.api",
    "Rows": "kg.api",
    "open": "kg.api",
    "EXAMPLE_SHEET": "kg.api",
    "FactSheet": "kg.model",
    "load_factsheet": "kg.model",
    "parse_factsheet": "kg.model",
    "dump_factsheet": "kg.model",
    "Settings": "kg.config",
    "KgError": "kg.errors",
}

__all__ = ["__version__", "extract", *_EXPORTS]


def __getattr__(name: str):
    if name == "extract":  # the subpackage kg.extract, callable: kg.extract(text) extracts (kg.api.extract)
        import importlib

        return importlib.import_module("kg.extract")
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
