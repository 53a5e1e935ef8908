"""Event clustering against the synthetic generator's ground truth (B-cubed and pairwise).

SYNTHETIC DATA (benchmarks/generate.py, :class:`~benchmarks.generate.ReportGenerator`): stories
of a few meetings, a mission and statements, each reported by ``--reports-per-event`` articles in
their own words, with dates at different precisions. The articles are ingested in batches (the
incremental path of ``kg ingest``); each per-article meeting, mission and statement is matched to
its fact in the sheets by article URL and span start, and its event node compared with the
story's event id, which the fact sheets do not carry.

B-cubed (Bagga & Baldwin 1998): for each mention, precision is the share of its predicted event
that truly belongs with it, recall the share of its true event that was predicted with it;
averaged over mentions. Pairwise: precision and recall of the "same event" pairs.

    python -m benchmarks.events_eval --articles 3000 --reports-per-event 3

>>> scores = b_cubed({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "y"})
>>> scores
(1.0, 1.0)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict

QUERY = """
SELECT ?event ?url ?start ?events WHERE {
  GRAPH ?events { ?event <https://w3id.org/kg-news/ontology#mention> ?mention }
  ?mention <https://w3id.org/kg-news/ontology#span> ?span ;
           <http://www.w3.org/ns/prov#wasDerivedFrom> ?article .
  ?span <http://www.w3.org/ns/oa#start> ?start .
  ?article <https://schema.org/url> ?url .
}
"""


def b_cubed(predicted: dict, truth: dict) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering (item → cluster) against the truth."""
    by_predicted, by_truth = defaultdict(set), defaultdict(set)
    for item, cluster in predicted.items():
        by_predicted[cluster].add(item)
    for item, cluster in truth.items():
        by_truth[cluster].add(item)
    items = [i for i in truth if i in predicted]
    precision = recall = 0.0
    for item in items:
        mine, true = by_predicted[predicted[item]], by_truth[truth[item]]
        shared = len(mine & true)
        precision += shared / len(mine)
        recall += shared / len(true)
    return (precision / len(items), recall / len(items)) if items else (1.0, 1.0)


def pairwise(predicted: dict, truth: dict) -> tuple[float, float]:
    """Precision and recall of the pairs of items put in one cluster."""

    def pairs(clustering):
        groups = defaultdict(list)
        for item, cluster in clustering.items():
            groups[cluster].append(item)
        return {(a, b) for g in groups.values() for a in g for b in g if a < b}

    items = set(truth) & set(predicted)
    mine = pairs({i: predicted[i] for i in items})
    true = pairs({i: truth[i] for i in items})
    shared = len(mine & true)
    return (shared / len(mine) if mine else 1.0, shared / len(true) if true else 1.0)


def evaluate(articles: int, reports: int, seed: int = 7, batch: int = 200) -> dict:
    """Ingest ``articles`` synthetic reports and score the events against the ground truth."""
    from benchmarks.generate import ReportGenerator
    from kg.events import events_graph_iri
    from kg.ingest import ArticleWriter, prepare_sheet, sheet_hash
    from kg.model import parse_factsheet
    from kg.store import open_store

    generator = ReportGenerator(seed, reports)
    store = open_store("memory:")
    writer = ArticleWriter(store)
    truth: dict[str, dict] = {}
    pending = []
    started = time.perf_counter()
    write_seconds = 0.0
    for index in range(articles):
        data = generator.sheet(index)
        data.pop("text")
        ids = generator.truth(index)
        for category in ("meetings", "missions", "statements"):
            for item, event in zip(data[category], ids[category]):
                truth[(category, data["url"], item["span"][0])] = event
        sheet = parse_factsheet(data, source=f"synthetic-{index}")
        pending.append(prepare_sheet(sheet, sheet_hash(sheet)))
        if len(pending) >= batch or index == articles - 1:
            began = time.perf_counter()
            writer.write(pending)
            write_seconds += time.perf_counter() - began
            pending = []
    found = store.query(QUERY, {"events": events_graph_iri()}).rows
    categories = {"meetings": {}, "missions": {}, "statements": {}}
    for event, url, start, *_ in found:
        for category in categories:
            key = (category, str(url), int(start))
            if key in truth:
                categories[category][key] = str(event)
    result = {"articles": articles, "reports_per_event": reports, "seconds": round(time.perf_counter() - started, 1)}
    result["write_seconds"] = round(write_seconds, 1)
    every_predicted, every_truth = {}, {}
    for category, predicted in categories.items():
        true = {k: v for k, v in truth.items() if k[0] == category}
        every_predicted.update(predicted)
        every_truth.update(true)
        p, r = b_cubed(predicted, true)
        pp, pr = pairwise(predicted, true)
        result[category] = {
            "mentions": len(true),
            "matched": len(predicted),
            "events_true": len(set(true.values())),
            "events_found": len(set(predicted.values())),
            "b_cubed_precision": round(p, 4),
            "b_cubed_recall": round(r, 4),
            "pairwise_precision": round(pp, 4),
            "pairwise_recall": round(pr, 4),
        }
    p, r = b_cubed(every_predicted, every_truth)
    result["all"] = {"b_cubed_precision": round(p, 4), "b_cubed_recall": round(r, 4)}
    store.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score event clustering on synthetic reports (B-cubed, pairwise).")
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--reports-per-event", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    result = evaluate(args.articles, args.reports_per_event, args.seed)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
