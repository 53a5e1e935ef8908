"""kg: news articles to a validated, Wikidata-linked, queryable RDF knowledge graph.

>>> import kg
>>> kg.__version__ >= "0.1"
True
"""

__version__ = "0.1.0"
