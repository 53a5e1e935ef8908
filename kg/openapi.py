"""The OpenAPI 3 description of ``kg serve``'s web API, built from the stored queries' headers.

>>> from kg.queries import parse_query_text
>>> doc = openapi_document([parse_query_text("#+ summary: Meetings\\nSELECT * WHERE { ?m ?p ?_actor_iri }", "meetings")])
>>> doc["openapi"], sorted(p for p in doc["paths"] if p.startswith("/api/queries"))[:2]
('3.0.3', ['/api/queries', '/api/queries/meetings'])
>>> doc["paths"]["/api/queries/meetings"]["get"]["parameters"][0]["name"]
'actor'
"""

from __future__ import annotations

from kg import __version__

_SCHEMAS = {
    "iri": {"type": "string", "description": "an IRI, or a Wikidata QID such as Q57792"},
    "xsd_date": {"type": "string", "format": "date"},
    "xsd_integer": {"type": "integer"},
    "xsd_decimal": {"type": "number"},
    "number": {"type": "number"},
    "xsd_boolean": {"type": "boolean"},
}
_ERROR = {
    "description": "an error, explained",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_RESULTS = {
    "description": (
        "one page of the result rows, in the query's order; the JSON form carries a 'page' member (limit, "
        "offset, more, and the URLs of the first, previous and next page), the Link header the same URLs"
    ),
    "headers": {
        "Link": {
            "description": 'the first, previous and next page: <URL>; rel="first|prev|next" (RFC 8288)',
            "schema": {"type": "string"},
        }
    },
    "content": {
        "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
        "text/csv": {"schema": {"type": "string"}},
    },
}


def _paging(max_page: int) -> list[dict]:
    from kg.queries import DEFAULT_PAGE, Page

    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"rows per page (default {DEFAULT_PAGE}, at most {max_page}); another page follows when "
            "'page.more' is true",
            "schema": {"type": "integer", "minimum": 1, "maximum": max_page, "default": DEFAULT_PAGE},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "rows to skip: the page's first row, counted from 0 in the query's order",
            "schema": {"type": "integer", "minimum": 0, "maximum": Page.MAX_OFFSET, "default": 0},
        },
    ]


def _parameter(param) -> dict:
    schema = dict(_SCHEMAS.get(param.kind, {"type": "string"}))
    description = schema.pop("description", None) or f"a {param.kind.replace('xsd_', 'xsd:')} value"
    return {"name": param.name, "in": "query", "required": param.required, "description": description, "schema": schema}


def _query_path(query, max_page: int) -> dict:
    return {
        "get": {
            "operationId": f"query_{query.name.replace('-', '_')}",
            "summary": query.summary or query.name,
            "description": query.description or query.summary,
            "tags": query.tags or ["stored queries"],
            "parameters": [_parameter(p) for p in query.parameters]
            + _paging(max_page)
            + [
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "description": "json (SPARQL 1.1 JSON results, default) or csv; or use the Accept header",
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                }
            ],
            "responses": {"200": _RESULTS, "400": _ERROR, "422": _ERROR, "503": _ERROR},
        }
    }


def openapi_document(queries, max_page: int = 1000) -> dict:
    """The API description: the listing, one path per stored query (with its paging), the
    SPARQL endpoint and the views (search, article, actor, network)."""
    from kg.serve_views import openapi_paths

    paths = {
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The stored queries with their parameters (from their #+ headers)",
                "responses": {
                    "200": {
                        "description": "the stored queries",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/StoredQuery"}}
                            }
                        },
                    }
                },
            }
        },
    }
    for query in sorted(queries, key=lambda q: q.name):
        paths[f"/api/queries/{query.name}"] = _query_path(query, max_page)
    paths.update(openapi_paths())  # the analyst's views (kg.serve_views)
    paths["/sparql"] = {
        "get": {
            "operationId": "sparql_get",
            "summary": "SPARQL 1.1 Protocol query (read-only)",
            "parameters": [{"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}],
            "responses": _sparql_responses(),
        },
        "post": {
            "operationId": "sparql_post",
            "summary": "SPARQL 1.1 Protocol query by POST (form or application/sparql-query); updates get 403",
            "requestBody": {
                "required": True,
                "content": {
                    "application/sparql-query": {"schema": {"type": "string"}},
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                    },
                },
            },
            "responses": _sparql_responses(),
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "kg — news knowledge graph",
            "version": __version__,
            "description": "Read-only SPARQL endpoint and stored queries over the kg store.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
                "SparqlResults": {
                    "type": "object",
                    "properties": {
                        "head": {"type": "object"},
                        "results": {"type": "object"},
                        "boolean": {"type": "boolean"},
                        "page": {"$ref": "#/components/schemas/Page"},
                    },
                },
                "Page": {
                    "type": "object",
                    "description": "where this page lies; URLs are relative to the server",
                    "properties": {
                        "limit": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "more": {"type": "boolean", "description": "another page follows"},
                        "first": {"type": "string"},
                        "prev": {"type": "string", "nullable": True},
                        "next": {"type": "string", "nullable": True},
                    },
                },
                "StoredQuery": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "summary": {"type": "string"},
                        "description": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "parameters": {"type": "array", "items": {"type": "object"}},
                        "url": {"type": "string"},
                        "sparql": {"type": "string"},
                    },
                },
            }
        },
    }


def _sparql_responses() -> dict:
    text_error = {"description": "an error, explained", "content": {"text/plain": {"schema": {"type": "string"}}}}
    return {
        "200": {
            "description": "SELECT/ASK: SPARQL JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML"
        },
        "400": text_error,
        "403": text_error,
        "406": text_error,
        "413": text_error,
        "422": text_error,
        "503": text_error,
    }
