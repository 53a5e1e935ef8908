"""Wikidata access for kg: an HTTP client (:mod:`kg.wikidata.client`) and a layered SQLite
cache of entity summaries (:mod:`kg.wikidata.cache`).

>>> from kg.wikidata import EntityCache
>>> EntityCache.open().get("Q7184").labels["en"]
'NATO'
"""

from kg.wikidata.cache import Claim, Entity, EntityCache, Name, PositionHeld, normalize_name

__all__ = ["Claim", "Entity", "EntityCache", "Name", "PositionHeld", "normalize_name"]
