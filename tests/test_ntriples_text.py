"""kg's own N-Triples writing (kg.store.oxigraph.ntriples_text) against Oxigraph's.

Article graphs are serialised in the workers without building a pyoxigraph term for each
literal; the text must be the one Oxigraph writes for the same term (the store compares and
the golden tests read it back), for every character and every language tag and datatype.
"""

from __future__ import annotations

import sys

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.store.oxigraph import _nt_term, ntriples_text, to_ox


def oxigraph_text(term) -> str:
    return str(to_ox(term))


def every_character() -> str:
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize(
    "make",
    [
        lambda text: Literal(text),
        lambda text: Literal(text, lang="de"),
        lambda text: Literal(text, lang="EN-gb"),
        lambda text: Literal(text, datatype=XSD.string),
        lambda text: Literal(text, datatype=XSD.date),
        lambda text: Literal(text, datatype=RDF.langString),
        lambda text: Literal(text, datatype=URIRef("https://example.org/type")),
    ],
)
def test_literals_are_written_as_oxigraph_writes_them(make):
    chars = every_character()
    for start in range(0, len(chars), 4096):  # every character, in literals of 4,096
        term = make(chars[start : start + 4096])
        assert _nt_term(term) == oxigraph_text(term)
    for text in ("", "plain", 'a "quote"', "back\\slash", "tab\tand\nline", "\x7f", "ä ü € 𝄞", "\u2028"):
        term = make(text)
        assert _nt_term(term) == oxigraph_text(term)


def test_iris_blank_nodes_and_typed_values_are_written_as_oxigraph_writes_them():
    for term in (
        URIRef("https://example.org/a"),
        URIRef("https://example.org/ä?x=1#f"),
        BNode("b1"),
        Literal(3),
        Literal(2.5),
        Literal(True),
        Literal("2025-04-09", datatype=XSD.date),
    ):
        assert _nt_term(term) == oxigraph_text(term)
    triple = (URIRef("https://e.org/s"), URIRef("https://e.org/p"), Literal("o", lang="de"))
    assert ntriples_text([triple, triple]) == "\n".join([" ".join(map(oxigraph_text, triple)) + " ."] * 2)


def test_invalid_iris_and_language_tags_are_refused_as_oxigraph_refuses_them():
    with pytest.raises(ValueError):
        _nt_term(URIRef("https://example.org/a b"))
    with pytest.raises(ValueError):
        oxigraph_text(Literal("x", lang="not a tag"))
    with pytest.raises(ValueError):
        _nt_term(Literal("x", lang="not a tag"))
