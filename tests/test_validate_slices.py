"""`kg validate --all` cuts a large graph (the events graph) into slices of whole connected
components for the workers: the slices must give the same report as the whole graph."""

from __future__ import annotations

import pytest
from conftest import gold_sheets
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg import validate as kv
from kg.events import events_graph_iri
from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.namespaces import KG
from kg.store import open_store
from kg.validate import _graph_ntriples, component_slices, validate_graph, validate_store

EVENTS = events_graph_iri()
SMALL = 3000  # bytes: the corpus's events graph becomes many slices


@pytest.fixture(scope="module")
def events_store(corpus_dir):
    store = open_store("memory:")
    for path in gold_sheets():
        ingest_factsheet(store, load_factsheet(path))
    assert store.has_graph(EVENTS)
    yield store
    store.close()


def _subject(line: bytes) -> bytes:
    return line[: line.find(b" ")]


def test_slices_keep_every_subject_with_the_subjects_it_reaches(events_store):
    text = _graph_ntriples(events_store, EVENTS)
    slices = component_slices(text, SMALL)
    assert len(slices) > 3
    lines = [line for part in slices for line in part.splitlines()]
    assert sorted(lines) == sorted(text.splitlines())
    where = {}
    for index, part in enumerate(slices):
        for line in part.splitlines():
            assert where.setdefault(_subject(line), index) == index  # a subject's triples: one slice
    for index, part in enumerate(slices):
        for line in part.splitlines():
            value = line[line.find(b" ", len(_subject(line)) + 1) + 1 : -2]
            assert where.get(value, index) == index  # an object that is a subject: the same slice


def test_a_clean_events_graph_conforms_in_slices(events_store, monkeypatch):
    monkeypatch.setattr(kv, "SLICE_BYTES", SMALL)
    assert kv.compiled_shapes().sliceable
    assert validate_store(events_store, [EVENTS], jobs=2).conforms


def test_violations_in_the_events_graph_are_reported_as_for_the_whole_graph(events_store, monkeypatch):
    graph = Graph()
    for triple in events_store.iter_graph_triples(EVENTS):
        graph.add(triple)
    meetings = sorted(graph.subjects(RDF.type, KG.MeetingEvent))
    assert len(meetings) > 3
    first, second, *_, last = meetings
    graph.set((first, KG.sourceCount, Literal(0)))  # minInclusive 1
    graph.add((second, KG.meetingKind, KG.notAKind))  # sh:in, and two kinds: maxCount 1
    graph.remove((last, KG.mention, None))  # minCount 1
    orphan = URIRef("https://example.org/event/orphan")
    graph.add((orphan, RDF.type, KG.MeetingEvent))  # no mention, no source, no count
    store = open_store("memory:")
    store.replace_graph(EVENTS, list(graph))
    monkeypatch.setattr(kv, "SLICE_BYTES", 1)  # one component a slice: the smallest slices allowed
    assert len(component_slices(_graph_ntriples(store, EVENTS), 1)) > 3
    whole = validate_graph(list(graph))
    sliced = validate_store(store, [EVENTS], jobs=2)
    assert not whole.conforms and not sliced.conforms
    assert sorted(r.line() for r in sliced.results) == sorted(r.line() for r in whole.results)
    focus = {r.focus for r in sliced.results}
    assert {str(first), str(second), str(last), str(orphan)} <= {f.strip("<>") for f in focus} | focus
    assert any("An event needs at least one kg:mention" in r.message for r in sliced.results)
