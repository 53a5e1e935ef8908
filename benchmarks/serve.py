"""Serving benchmark: ``kg serve`` against Oxigraph's own read-only server on the same store.

Builds one on-disk store (the seed article, the development corpus' gold sheets and N synthetic
articles from ``benchmarks/generate.py``), then, one server at a time, starts it as a separate
process on 127.0.0.1 and lets C keep-alive clients (threads) send a fixed mix of stored queries
(meetings and statements of an actor with the parameter bound, the article list) for S seconds.
Both servers get the same SPARQL text over the SPARQL 1.1 Protocol; kg serve is also measured
through its stored-query API. Each configuration runs R times; the table shows medians.

    .venv/bin/python -m benchmarks.serve --articles 1000 --clients 50 --seconds 5 --repeats 3

The load generator runs in Python on the same machine (2 cores here), so the absolute numbers
include its own cost; the comparison between servers is the point.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "dw-japan-nato" / "facts.yaml"
CORPUS = ROOT.parent / "shared" / "corpus"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
MIX = [("meetings", {"actor": "Q57792"}), ("statements", {"actor": "Q57792"}), ("articles", {})]
# a cheap query, so the server's own overhead shows rather than the query engine's work
LOOKUP = (
    "PREFIX schema: <https://schema.org/>\nPREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "PREFIX wd: <http://www.wikidata.org/entity/>\n"
    "SELECT ?name WHERE { ?actor owl:sameAs wd:Q57792 ; schema:name ?name }"
)


def build_store(path: Path, articles: int) -> int:
    """Ingest the seed, the gold sheets and ``articles`` synthetic sheets; return the quad count."""
    from benchmarks.generate import generate_sheets
    from kg.ingest import ingest_factsheet
    from kg.model import load_factsheet, parse_factsheet
    from kg.store import open_store

    store = open_store(str(path))
    for sheet_path in [SEED, *sorted(CORPUS.glob("*.gold.json"))]:
        ingest_factsheet(store, load_factsheet(sheet_path))
    for raw in generate_sheets(articles, seed=7):
        ingest_factsheet(store, parse_factsheet(raw), validate=False)
    count = store.quad_count()
    store.close()
    return count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


def bound_texts() -> list[str]:
    """The mix's stored queries as SPARQL text with their parameters bound (VALUES blocks)."""
    from kg.queries import bind_parameters, find_query
    from kg.store.remote import bind_values

    texts = []
    for name, values in MIX:
        query = find_query(name)
        texts.append(bind_values(query.text, bind_parameters(query, values)))
    return texts


def load(make_request, clients: int, seconds: float) -> dict:
    """``clients`` threads calling ``make_request(session, i)`` until the time is up (bounded loop)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        session = requests.Session()
        rng = random.Random(index)
        mine, bad = [], 0
        start_line.wait()
        deadline = time.monotonic() + seconds
        for _ in range(1_000_000):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                ok = make_request(session, rng.randrange(len(MIX)))
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - started)
            bad += not ok
        session.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "errors": errors[0],
    }


def sparql_request(base: str, texts: list[str], extra: dict):
    def make(session: requests.Session, which: int) -> bool:
        response = session.post(
            base,
            data={"query": texts[which % len(texts)], **extra},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        return response.status_code == 200 and "bindings" in response.text

    return make


def api_request(base: str):
    def make(session: requests.Session, which: int) -> bool:
        name, values = MIX[which]
        response = session.get(f"{base}/api/queries/{name}", params=values, timeout=60)
        return response.status_code == 200 and "bindings" in response.text

    return make


def start_kg(store: Path, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "--store",
            str(store),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--timeout",
            "30",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_oxigraph(store: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def same_answers(kg_base: str, ox_base: str, texts: list[str]) -> bool:
    """Both servers return the same number of rows for each query of the mix."""
    for text in texts:
        counts = []
        for url in (f"{kg_base}/sparql", f"{ox_base}/query"):
            data = requests.post(
                url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=60
            ).json()
            counts.append(len(data["results"]["bindings"]))
        if counts[0] != counts[1]:
            return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles besides the corpus")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="kg serve worker processes")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="kg-bench-serve-") as tmp:
        store = Path(tmp) / "store"
        started = time.monotonic()
        quads = build_store(store, args.articles)
        print(
            f"store: {quads} quads ({args.articles} synthetic articles + corpus), built in {time.monotonic() - started:.1f} s"
        )
        texts = bound_texts()
        results: dict[str, list[dict]] = {}
        kg_port, ox_port = free_port(), free_port()
        kg_base, ox_base = f"http://127.0.0.1:{kg_port}", f"http://127.0.0.1:{ox_port}"

        # correctness first: both servers, one at a time is not needed for this short check
        kg_proc, ox_proc = start_kg(store, kg_port, args.workers), start_oxigraph(store, ox_port)
        try:
            wait_for(f"{kg_base}/api/queries")
            wait_for(f"{ox_base}/")
            print("same row counts from both servers:", same_answers(kg_base, ox_base, texts))
        finally:
            stop(kg_proc)
            stop(ox_proc)

        for _ in range(args.repeats):
            for label, start, request, ready in (
                (
                    f"stored-query mix · kg serve /sparql ({args.workers} workers)",
                    lambda: start_kg(store, kg_port, args.workers),
                    sparql_request(f"{kg_base}/sparql", texts, {}),
                    f"{kg_base}/api/queries",
                ),
                (
                    f"stored-query mix · kg serve /api/queries ({args.workers} workers)",
                    lambda: start_kg(store, kg_port, args.workers),
                    api_request(kg_base),
                    f"{kg_base}/api/queries",
                ),
                (
                    "stored-query mix · oxigraph serve-read-only /query",
                    lambda: start_oxigraph(store, ox_port),
                    sparql_request(f"{ox_base}/query", texts, {}),
                    f"{ox_base}/",
                ),
                (
                    f"point lookup · kg serve /sparql ({args.workers} workers)",
                    lambda: start_kg(store, kg_port, args.workers),
                    sparql_request(f"{kg_base}/sparql", [LOOKUP], {}),
                    f"{kg_base}/api/queries",
                ),
                (
                    "point lookup · oxigraph serve-read-only /query",
                    lambda: start_oxigraph(store, ox_port),
                    sparql_request(f"{ox_base}/query", [LOOKUP], {}),
                    f"{ox_base}/",
                ),
            ):
                process = start()
                try:
                    wait_for(ready)
                    load(request, 5, 0.5)  # warm-up
                    results.setdefault(label, []).append(load(request, args.clients, args.seconds))
                finally:
                    stop(process)

    print(
        f"\n{args.clients} clients × {args.seconds:g} s, median of {args.repeats} runs; load average before: "
        f"{' '.join(f'{x:.1f}' for x in load_before)} on {os.cpu_count()} cores"
    )
    print("| server | requests/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for label, runs in results.items():
        med = {key: statistics.median(run[key] for run in runs) for key in ("rate", "p50", "p95", "errors")}
        print(f"| {label} | {med['rate']:.0f} | {med['p50']:.1f} | {med['p95']:.1f} | {med['errors']:.0f} |")


if __name__ == "__main__":
    main()
