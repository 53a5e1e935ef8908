"""kg's benchmark: ingest, queries, export, validation and extraction, side by side with rdflib.

    python -m benchmarks.run --articles 10000 --jobs 2        # `make bench`
    python -m benchmarks.run --articles 200 --repeat 3        # a smoke run (tests/test_bench_smoke.py)

Every measured step runs as its own process (``/usr/bin/time -v`` when present, else
``resource.getrusage(RUSAGE_CHILDREN)``), so the figures are whole-process wall times and peak
resident memory, imports and store opening included. Query latencies are measured inside one
process per engine (median and p95 over ``--repeat`` runs after one warm-up run):

* ``kg``: the on-disk Oxigraph store that ``kg ingest`` wrote, opened read-only, as ``kg query``
  and ``kg serve`` open it;
* ``oxigraph-memory``: the same quads in an in-memory Oxigraph (to separate disk from engine);
* ``rdflib``: the same quads in an rdflib ``Dataset`` (union default graph), the same query
  texts with the same parameter terms (``initBindings``). Skipped above ``--rdflib-max``
  articles, and a query that runs longer than ``--rdflib-timeout`` seconds is stopped and
  reported as "> timeout".

The data is synthetic (benchmarks/generate.py: invented names, fake QIDs in a reserved range).
Results: a table on stdout and JSON in benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
AGGREGATE_QUERIES = ROOT / "benchmarks" / "aggregate_queries"
CORPUS_TEXTS = ROOT.parent / "shared" / "corpus"
TIME_BIN = "/usr/bin/time"


# --------------------------------------------------------------------------- running steps as processes


def run_process(args: list[str], *, env: dict | None = None, timeout: float | None = None) -> dict:
    """Run a command; its wall time, peak RSS (MB), exit code, and the JSON it printed last (if any)."""
    use_time = os.path.exists(TIME_BIN)
    command = ([TIME_BIN, "-v"] if use_time else []) + args
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    # its own process group: a step stopped at its timeout takes its workers (and `time`'s child) along
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        stdout, stderr = child.communicate()
        return {
            "wall_s": time.perf_counter() - started,
            "timeout_s": timeout,
            "peak_mb": None,
            "exit": child.returncode,
            "result": None,
            "stderr_tail": stderr[-800:],
            "stdout_tail": stdout[-1500:],
            "lines": [line for line in stdout.splitlines() if line.startswith('{"case"')],
        }
    proc = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    wall = time.perf_counter() - started
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        peak_mb = int(match.group(1)) / 1024 if match else None
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_mb = after / 1024 if after > before else None  # an upper bound: the largest child so far
    payload = None
    case_lines = [line for line in proc.stdout.splitlines() if line.startswith('{"case"')]
    for line in reversed(proc.stdout.strip().splitlines()):
        if line.startswith("{") and not line.startswith('{"case"'):
            try:
                payload = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
    return {
        "wall_s": wall,
        "peak_mb": peak_mb,
        "exit": proc.returncode,
        "result": payload,
        "stderr_tail": "\n".join(l for l in proc.stderr.splitlines() if not l.startswith("\t"))[-800:],
        "stdout_tail": proc.stdout[-1500:] if payload is None else "",
        "lines": case_lines,
    }


def step(name: str, *args: str) -> list[str]:
    """The command line that runs one measuring step of this module in a fresh process."""
    return [sys.executable, "-m", "benchmarks.run", "--step", name, *args]


def kg_command(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", "--store", str(store), *args]


# --------------------------------------------------------------------------- steps (run in their own process)


def _query_cases(store_spec: str, aggregating: bool = True) -> list[dict]:
    """Every stored query with its parameter values, plus variants with an optional actor, plus
    (``aggregating``) the aggregating forms of the queries that read summary triples."""
    from kg.queries import list_queries, load_query_file
    from kg.store import open_store

    store = open_store(store_spec, read_only=True)
    try:
        # persons: they speak, meet and take part in missions (a place would have no statements)
        top = store.query(
            "SELECT ?actor ?n WHERE { ?actor <https://w3id.org/kg-news/summary#articles> ?n . "
            "FILTER EXISTS { GRAPH ?g { ?actor a <https://w3id.org/kg-news/ontology#Person> } } } "
            "ORDER BY DESC(?n) ?actor LIMIT 10"
        ).rows
        mission = store.query(
            "SELECT ?m WHERE { ?m a <https://w3id.org/kg-news/ontology#Mission> } ORDER BY ?m LIMIT 1"
        ).rows
        # the most reported event (event-sources lists its reports)
        event = store.query(
            "SELECT ?e WHERE { ?e <https://w3id.org/kg-news/ontology#sourceCount> ?n } ORDER BY DESC(?n) ?e LIMIT 1"
        ).rows
    finally:
        store.close()
    # Actor-specific queries run for a frequent person (the 10th most mentioned person) and,
    # separately, for the most mentioned person (the worst case).
    actor = str(top[min(9, len(top) - 1)][0]) if top else "Q57792"
    busiest = str(top[0][0]) if top else "Q57792"
    cases = []
    for query in list_queries():
        params = {}
        for p in query.parameters:
            if p.required and p.name == "actor":
                params["actor"] = actor
            elif p.required and p.name == "mission" and mission:
                params["mission"] = str(mission[0][0])
            elif p.required and p.name == "event" and event:
                params["event"] = str(event[0][0])
        cases.append(
            {"name": query.name, "path": str(query.path), "params": params, "actor_specific": "actor" in params}
        )
        if mission and any(p.name == "mission" and not p.required for p in query.parameters):
            cases.append(
                {
                    "name": f"{query.name}[mission]",
                    "path": str(query.path),
                    "params": {**params, "mission": str(mission[0][0])},
                    "actor_specific": False,
                }
            )
        if any(p.name == "actor" and not p.required for p in query.parameters):
            params = {**params, "actor": actor}
            cases.append(
                {"name": f"{query.name}[actor]", "path": str(query.path), "params": params, "actor_specific": True}
            )
        if "actor" in params:
            cases.append(
                {
                    "name": f"{cases[-1]['name']} (most mentioned actor)",
                    "path": str(query.path),
                    "params": {**params, "actor": busiest},
                    "actor_specific": True,
                    "busiest": True,
                }
            )
    for path in sorted(AGGREGATE_QUERIES.glob("*.rq")) if aggregating else ():
        query = load_query_file(path)
        params = {"actor": actor} if query.parameter("actor") else {}
        cases.append(
            {
                "name": f"{query.name} (aggregating, no summary)",
                "path": str(path),
                "params": params,
                "actor_specific": bool(params),
                "reference": True,
            }
        )
    for case in cases:
        case["actor_iri"] = case["params"].get("actor")
    return cases


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def step_kg_queries(store_spec: str, cases: list[dict], repeat: int) -> dict:
    """Latency of every case's first page (``kg query``'s default, :data:`kg.queries.DEFAULT_PAGE`
    rows) on a kg store (read-only on disk, or an N-Quads file in memory)."""
    from kg.queries import Page, load_query_file, run_query
    from kg.store import open_store

    _limit_memory()
    started = time.perf_counter()
    if store_spec.endswith(".nq"):
        import pyoxigraph as ox

        from kg.store.oxigraph import OxigraphStore

        store = OxigraphStore(None)
        store.raw.bulk_load(path=store_spec, format=ox.RdfFormat.N_QUADS)
    else:
        store = open_store(store_spec, read_only=True)
    opened = time.perf_counter() - started
    out = {}
    for case in cases:
        query = load_query_file(Path(case["path"]))
        times, rows = [], 0
        for attempt in range(repeat + 1):
            began = time.perf_counter()
            result = run_query(store, query, case["params"], page=Page())
            elapsed = time.perf_counter() - began
            rows, more = len(result.rows), result.more
            if attempt or elapsed > 5:  # the first run warms caches; a slow query is not repeated
                times.append(elapsed * 1000)
            if sum(times) > 20_000:
                break
        out[case["name"]] = {
            "median_ms": statistics.median(times),
            "p95_ms": _percentile(times, 0.95),
            "rows": rows,
            "more": more,
        }
        print(json.dumps({"case": case["name"], **out[case["name"]]}), flush=True)
    store.close()
    return {"open_s": opened, "queries": out}


MEMORY_LIMIT_MB = int(os.environ.get("KG_BENCH_MEMORY_MB", "6144"))


def _limit_memory() -> None:
    """Cap this step's heap, so a query that explodes fails alone instead of starving the machine."""
    limit = MEMORY_LIMIT_MB * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):
        pass


def run_query_step(
    name: str, source: str, cases: list[dict], work: Path, *extra: str, timeout: float | None = None
) -> dict:
    """Run a query step; when its process dies on a case (memory cap, crash) or is stopped after
    ``timeout`` seconds, record that case as failed and go on with the rest in a new process."""
    remaining, results, walls, peaks, opened, other = list(cases), {}, 0.0, [], None, {}
    while remaining:
        path = work / f"cases-{name}.json"
        path.write_text(json.dumps(remaining))
        proc = run_process(step(name, source, str(path), *extra), timeout=timeout)
        walls += proc["wall_s"]
        peaks.append(proc["peak_mb"] or 0)
        for line in proc.get("lines", []):
            entry = json.loads(line)
            results[entry.pop("case")] = entry
        if proc["result"]:
            opened = proc["result"].get("open_s", proc["result"].get("load_s"))
            results.update(proc["result"]["queries"])
            other.update({k: v for k, v in proc["result"].items() if k not in ("queries", "open_s", "load_s")})
        remaining = [c for c in remaining if c["name"] not in results]
        if remaining and proc.get("timeout_s"):
            results[remaining.pop(0)["name"]] = {"error": f"stopped after {proc['timeout_s']:,.0f} s (--step-timeout)"}
        elif remaining and proc["exit"] != 0:
            failed = remaining.pop(0)
            results[failed["name"]] = {
                "error": f"process died (exit {proc['exit']}; heap cap {os.environ.get('KG_BENCH_MEMORY_MB', MEMORY_LIMIT_MB)} MB)"
            }
        elif remaining:
            break
    return {
        "wall_s": walls,
        "peak_mb": max(peaks) if peaks else None,
        "exit": 0,
        "result": {"open_s": opened, **other, "queries": results},
    }


class _Timeout(BaseException):  # not Exception: rdflib swallows those inside FILTERs
    pass


def step_rdflib_queries(nquads: str, cases: list[dict], repeat: int, timeout: float) -> dict:
    """Load the same quads into an rdflib Dataset and run the same queries (initBindings)."""
    from rdflib import Dataset

    from kg.queries import Page, bind_parameters, load_query_file
    from kg.sparql import with_page

    _limit_memory()
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    loaded = time.perf_counter() - started

    def on_alarm(*_):
        raise _Timeout()

    signal.signal(signal.SIGALRM, on_alarm)
    out = {}
    for case in cases:
        query = load_query_file(Path(case["path"]))
        bindings = {k.lstrip("?"): v for k, v in bind_parameters(query, case["params"]).items()}
        times, rows, timed_out = [], None, False
        for attempt in range(repeat + 1):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            began = time.perf_counter()
            try:
                text = with_page(query.text, Page().limit, 0)[0]  # the same first page as kg's
                rows = min(Page().limit, len(list(dataset.query(text, initBindings=bindings))))
            except _Timeout:
                timed_out = True
            except Exception as err:  # rdflib cannot run this query (or ran out of memory): say so, go on
                signal.setitimer(signal.ITIMER_REAL, 0)
                out[case["name"]] = {"error": f"{type(err).__name__}: {err}"[:200]}
                print(json.dumps({"case": case["name"], **out[case["name"]]}), flush=True)
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            elapsed = (time.perf_counter() - began) * 1000
            if timed_out:
                break
            if attempt or elapsed > 2000:  # slow queries: the first run counts, no warm-up to wait for
                times.append(elapsed)
            if sum(times) > 4 * timeout * 1000 / 3:
                break
        if case["name"] in out:
            continue
        out[case["name"]] = (
            {"timeout_s": timeout}
            if timed_out
            else {"median_ms": statistics.median(times), "p95_ms": _percentile(times, 0.95), "rows": rows}
        )
        print(json.dumps({"case": case["name"], **out[case["name"]]}), flush=True)
    # the export is stopped after 4 query timeouts (rdflib took > 10 minutes for 2 M quads)
    export_limit = 4 * timeout
    export_started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, export_limit)
    try:
        exported_bytes = len(dataset.serialize(format="trig"))
        export = {"export_trig_s": time.perf_counter() - export_started, "export_bytes": exported_bytes}
    except _Timeout:
        export = {"export_trig_timeout_s": export_limit}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"load_s": loaded, "quads": len(dataset), **export, "queries": out}


def step_rdflib_ingest(corpus: str, limit: int) -> dict:
    """The obvious alternative: read each sheet, map it with kg, validate it with plain pyshacl
    (``pyshacl.validate``, the shapes parsed once), add it to an in-memory rdflib Dataset."""
    from pyshacl import validate
    from rdflib import Dataset

    from kg.build import build_article
    from kg.model import load_factsheet
    from kg.validate import load_shapes

    files = sorted(Path(corpus).glob("*.json"))[:limit]
    shapes = load_shapes()
    started = time.perf_counter()
    dataset = Dataset()
    for path in files:
        article = build_article(load_factsheet(path))
        if not validate(article.graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)[0]:
            raise SystemExit(f"{path}: does not conform")
        graph = dataset.graph(article.iri)
        for triple in article.graph:
            graph.add(triple)
    return {"articles": len(files), "seconds": time.perf_counter() - started, "quads": len(dataset)}


def step_extract(count: int) -> dict:
    """Extraction throughput on the real corpus texts, repeated to ``count`` articles."""
    from kg.extract.pipeline import extract_factsheet

    texts = [p.read_bytes() for p in sorted(CORPUS_TEXTS.glob("*.txt"))]
    if not texts:
        return {"skipped": f"no corpus texts in {CORPUS_TEXTS}"}
    started = time.perf_counter()
    facts = 0
    for index in range(count):
        sheet = extract_factsheet(texts[index % len(texts)], source=f"corpus-{index}")
        facts += len(sheet.actors) + len(sheet.meetings) + len(sheet.missions) + len(sheet.statements)
    seconds = time.perf_counter() - started
    return {
        "articles": count,
        "distinct_texts": len(texts),
        "seconds": seconds,
        "facts": facts,
        "bytes_per_article": sum(map(len, texts)) / len(texts),
    }


# --------------------------------------------------------------------------- the whole run


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split("\n")[0]
        info["memory_gb"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
        info["load_average_at_start"] = os.getloadavg()
    except OSError:
        pass
    try:
        import pyoxigraph
        import pyshacl
        import rdflib

        info["versions"] = {
            "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__,
            "pyshacl": pyshacl.__version__,
        }
    except (ImportError, AttributeError):
        pass
    return info


def run(args, target: Path | None = None) -> dict:
    """The whole run; the report so far is written to ``target`` (and ``partial.json`` in the work
    folder) after every step, so a long run that is stopped keeps its figures."""
    from benchmarks.generate import write_corpus

    work = Path(args.workdir or RESULTS / f"work-{args.articles}")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    skip = set(args.skip or ())
    existing = Path(args.store).resolve() if args.store else None
    corpus, store = (Path(args.corpus).resolve() if args.corpus else work / "corpus"), existing or work / "store"
    report: dict = {
        "articles": args.articles,
        "jobs": args.jobs,
        "seed": args.seed,
        "repeat": args.repeat,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "argv": sys.argv[1:],
        "complete": False,
    }
    began = time.perf_counter()
    say = (lambda *a: print(*a, file=sys.stderr, flush=True)) if not args.quiet else (lambda *a: None)
    timeout = args.step_timeout or None

    def save() -> None:  # the report so far, so that a long run that dies midway keeps its figures
        text = json.dumps(report, indent=1)
        (work / "partial.json").write_text(text)
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)

    def measure(key: str, label: str, command: list[str], step_timeout: float | None = timeout) -> dict:
        say(f"{label} …")
        entry = run_process(command, timeout=step_timeout)
        entry["load_average_after"] = os.getloadavg()
        if entry.get("timeout_s"):
            say(f"  stopped after {entry['timeout_s']:.0f} s (--step-timeout)")
        report[key] = entry
        save()
        return entry

    if existing is not None:
        report["store"] = str(existing)  # measured as it is: no ingest, and nothing that writes to it
        for key in ("ingest", "reingest_unchanged", "reingest_changed"):
            report[key] = {"skipped": "--store (an existing store, not written to)"}
    else:
        if not args.corpus:
            write_corpus(corpus, args.articles, args.seed)
            report["generate_s"] = time.perf_counter() - began
        ingest = measure(
            "ingest",
            f"ingest {args.articles} synthetic sheets with --jobs {args.jobs}",
            kg_command(store, "ingest", str(corpus), "--jobs", str(args.jobs), "--timings"),
            None,  # every later step needs the whole store
        )
        ingest["summary"] = ingest["stderr_tail"].strip().splitlines()[-1:]
        found = re.search(r"timings: (\{.*\})", ingest["stderr_tail"])
        ingest["cpu_s"] = json.loads(found.group(1)) if found else None
        # /usr/bin/time sees the main process only (workers belong to the forkserver): take the
        # largest process that kg itself reports when it is larger
        largest = re.search(r"largest process (\d+) MB", ingest["stderr_tail"])
        if largest:
            ingest["main_peak_mb"] = ingest["peak_mb"]
            ingest["peak_mb"] = max(ingest["peak_mb"] or 0, float(largest.group(1)))
        report["store_bytes_after_ingest"] = _folder_bytes(store)
        save()
        if "unchanged" not in skip:
            measure(
                "reingest_unchanged",
                "re-ingest, every input unchanged",
                kg_command(store, "ingest", str(corpus), "--jobs", str(args.jobs)),
            )
        if "changed" not in skip:
            changed = write_changed_copies(corpus, work / "changed", max(1, args.articles // 10))
            measure(
                "reingest_changed",
                f"re-ingest {changed} sheets with new content hashes, same facts",
                kg_command(store, "ingest", str(work / "changed"), "--jobs", str(args.jobs), "--timings"),
            )["articles"] = changed
    report["store_bytes"] = _folder_bytes(store)
    counted = run_process(step("count", str(store)), timeout=timeout)
    report["quads"] = (counted.get("result") or {}).get("quads")
    report["graphs"] = (counted.get("result") or {}).get("graphs")
    save()

    if "export" not in skip:
        measure(
            "export_turtle",
            "export -f turtle",
            kg_command(store, "export", "-f", "turtle", "-o", str(work / "all.ttl")),
        )["bytes"] = _folder_bytes(work / "all.ttl")
        (work / "all.ttl").unlink(missing_ok=True)
    if "nq" not in skip:
        measure("export_nquads", "export -f nq", kg_command(store, "export", "-f", "nq", "-o", str(work / "all.nq")))
    if "validate" not in skip:
        measure("validate_all", "validate --all", kg_command(store, "validate", "--all", "--jobs", str(args.jobs)))

    cases = _query_cases(str(store), aggregating="aggregate" not in skip)
    say("queries on the on-disk store …")
    report["queries_kg"] = run_query_step("kg-queries", str(store), cases, work, str(args.repeat), timeout=timeout)
    save()
    if args.articles <= args.memory_max and "nq" not in skip:
        say("queries on in-memory Oxigraph …")
        report["queries_oxigraph_memory"] = run_query_step(
            "kg-queries", str(work / "all.nq"), cases, work, str(args.repeat)
        )
    elif "nq" in skip:
        report["queries_oxigraph_memory"] = {"skipped": "--skip nq (it loads the N-Quads export)"}
    else:
        report["queries_oxigraph_memory"] = {
            "skipped": f"{args.articles} articles > --memory-max {args.memory_max} (in-memory Oxigraph needs about "
            "0.1 GB per 1,000 articles: 0.93 GB at 10,000)"
        }
    save()
    if args.articles <= args.rdflib_max and "nq" not in skip:
        say("rdflib: load and queries …")
        report["queries_rdflib"] = run_query_step(
            "rdflib-queries", str(work / "all.nq"), cases, work, str(min(args.repeat, 3)), str(args.rdflib_timeout)
        )
    elif args.articles <= args.rdflib_max:
        report["queries_rdflib"] = {"skipped": "--skip nq (it loads the N-Quads export)"}
    else:
        report["queries_rdflib"] = {"skipped": f"{args.articles} articles > --rdflib-max {args.rdflib_max}"}
    save()
    if "rdflib-ingest" not in skip and existing is None:
        ingest_limit = min(args.articles, args.rdflib_ingest_max)
        measure(
            "ingest_rdflib",
            f"rdflib ingest of {ingest_limit} sheets",
            step("rdflib-ingest", str(corpus), str(ingest_limit)),
        )
        report["ingest_kg_same_size"] = (
            report["ingest"] if ingest_limit == args.articles else _ingest_subset(corpus, work, ingest_limit)
        )
    if args.extract_articles:
        measure(
            "extract",
            f"extraction of {args.extract_articles} corpus articles",
            step("extract", str(args.extract_articles)),
        )
    report["total_s"] = time.perf_counter() - began
    report["load_average_at_end"] = os.getloadavg()
    report["complete"] = True
    save()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _folder_bytes(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def step_count(store_spec: str) -> dict:
    """Quads and named graphs of a store (``kg stats`` runs the summary queries too: 15 s at 10,000)."""
    from kg.store import open_store

    store = open_store(store_spec, read_only=True)
    try:
        return {"quads": store.quad_count(), "graphs": len(list(store.graph_names()))}
    finally:
        store.close()


def _ingest_subset(corpus: Path, work: Path, limit: int) -> dict:
    subset = work / f"corpus-{limit}"
    subset.mkdir()
    for path in sorted(corpus.glob("*.json"))[:limit]:
        os.link(path, subset / path.name)
    return run_process(kg_command(work / f"store-{limit}", "ingest", str(subset), "--jobs", "1"))


# --------------------------------------------------------------------------- the table


def _ms(entry: dict | None) -> str:
    if not entry:
        return "–"
    if "error" in entry:
        return "error"
    if "timeout_s" in entry:
        return f"> {entry['timeout_s'] * 1000:,.0f}"
    return f"{entry['median_ms']:,.1f}"


def write_changed_copies(corpus: Path, out_dir: Path, count: int) -> int:
    """Copy the first ``count`` sheets with a newline added: new bytes and so a new content hash,
    the same facts (what an upgrade of kg, which changes every content hash, looks like to a
    store). Ingesting them replaces those articles."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = sorted(corpus.glob("*.json"))[:count]
    for path in sheets:
        (out_dir / path.name).write_bytes(path.read_bytes() + b"\n")
    return len(sheets)


def table(report: dict) -> str:
    lines = []
    n = report["articles"]
    ingest = report["ingest"]
    lines.append(
        f"kg benchmark: {n:,} synthetic articles, {report.get('quads') or '?'} quads, "
        f"--jobs {report['jobs']}, {report['date']}, {report['machine'].get('cpu', '?')} x{report['machine'].get('cpus')}"
    )
    lines.append("")
    lines.append(f"{'step':<44} {'wall s':>9} {'peak MB':>9}")
    for label, key in (
        ("kg ingest (map + validate + write)", "ingest"),
        ("kg ingest again (all unchanged)", "reingest_unchanged"),
        ("kg ingest of 10 % changed (same facts)", "reingest_changed"),
        ("kg export -f turtle", "export_turtle"),
        ("kg export -f nq", "export_nquads"),
        ("kg validate --all", "validate_all"),
        ("kg query: all cases, one process", "queries_kg"),
        ("oxigraph in memory: load + all cases", "queries_oxigraph_memory"),
        ("rdflib Dataset: load + all cases + trig", "queries_rdflib"),
        ("rdflib ingest (map + validate + add)", "ingest_rdflib"),
        ("kg ingest, same size as rdflib ingest", "ingest_kg_same_size"),
        ("extraction (corpus texts repeated)", "extract"),
    ):
        entry = report.get(key) or {}
        if entry.get("timeout_s"):
            lines.append(f"{label:<44} stopped after {entry['timeout_s']:,.0f} s (--step-timeout)")
        elif "wall_s" in entry:
            peak = f"{entry['peak_mb']:,.0f}" if entry.get("peak_mb") else "?"
            lines.append(f"{label:<44} {entry['wall_s']:>9.1f} {peak:>9}")
        elif entry.get("skipped"):
            lines.append(f"{label:<44} skipped: {entry['skipped']}")
    rd = (report.get("ingest_rdflib") or {}).get("result") or {}
    same = report.get("ingest_kg_same_size") or {}
    if rd:
        lines.append(
            f"  ingest rate: kg {rd['articles'] / same['wall_s']:.0f} articles/s (jobs 1, whole process) vs "
            f"rdflib {rd['articles'] / rd['seconds']:.0f} articles/s (in process) at {rd['articles']} articles; "
            f"kg at {n:,} with --jobs {report['jobs']}: {n / ingest['wall_s']:.0f} articles/s"
        )
    rq = (report.get("queries_rdflib") or {}).get("result") or {}
    if "export_trig_s" in rq or "export_trig_timeout_s" in rq:
        lines.append(
            f"  rdflib TriG export: {rq['export_trig_s']:.1f} s"
            if "export_trig_s" in rq
            else f"  rdflib TriG export: stopped after {rq['export_trig_timeout_s']:.0f} s"
        )
    ex = (report.get("extract") or {}).get("result") or {}
    if ex.get("seconds"):
        lines.append(
            f"  extraction: {ex['articles'] / ex['seconds']:.1f} articles/s ({ex['distinct_texts']} distinct texts "
            f"of {ex['bytes_per_article'] / 1000:.1f} kB, one process)"
        )
    lines.append("")
    kg_q = ((report.get("queries_kg") or {}).get("result") or {}).get("queries", {})
    mem_q = ((report.get("queries_oxigraph_memory") or {}).get("result") or {}).get("queries", {})
    rd_q = ((report.get("queries_rdflib") or {}).get("result") or {}).get("queries", {})
    lines.append(
        f"{'query (median ms)':<50} {'kg disk':>9} {'p95':>8} {'ox mem':>9} {'rdflib':>10} {'ratio':>7} {'rows':>6}"
    )
    for name, entry in kg_q.items():
        rdflib_entry = rd_q.get(name)
        ratio = "–"
        if "median_ms" not in entry:
            lines.append(f"{name:<50} {'failed':>9}  {entry.get('error', '')}")
            continue
        if rdflib_entry and "error" in rdflib_entry:
            ratio = "–"
        elif rdflib_entry and "median_ms" in rdflib_entry:
            ratio = f"{rdflib_entry['median_ms'] / max(entry['median_ms'], 1e-6):,.0f}x"
        elif rdflib_entry:
            ratio = f">{rdflib_entry['timeout_s'] * 1000 / max(entry['median_ms'], 1e-6):,.0f}x"
        mismatch = ""
        if rdflib_entry and rdflib_entry.get("rows") not in (None, entry["rows"]):
            mismatch = f" (rdflib rows {rdflib_entry['rows']})"
        lines.append(
            f"{name:<50} {entry['median_ms']:>9,.1f} {entry['p95_ms']:>8,.1f} {_ms(mem_q.get(name)):>9} "
            f"{_ms(rdflib_entry):>10} {ratio:>7} {entry['rows']:>6}{mismatch}"
        )
    return "\n".join(lines)


def markdown(report: dict) -> str:
    """The README tables for a report."""
    out = [
        f"{report['articles']:,} articles, {report.get('quads') or '?'} quads, store on disk "
        f"{(report.get('store_bytes') or 0) / 1e6:,.0f} MB; load average at the start "
        f"{', '.join(f'{x:.1f}' for x in report['machine'].get('load_average_at_start', ()))}, at the end "
        f"{', '.join(f'{x:.1f}' for x in report.get('load_average_at_end', ()))}",
        "",
        "| step | wall s | peak MB (largest process) |",
        "|---|---:|---:|",
    ]
    for label, key in (
        ("`kg ingest DIR --jobs %d` (read, map, validate, write, optimize)" % report["jobs"], "ingest"),
        ("`kg ingest` again (every input unchanged)", "reingest_unchanged"),
        (
            "`kg ingest` of %s changed sheets (new content hash, same facts: replaces them)"
            % (report.get("reingest_changed") or {}).get("articles", "?"),
            "reingest_changed",
        ),
        ("`kg export -f turtle`", "export_turtle"),
        ("`kg export -f nq`", "export_nquads"),
        ("`kg validate --all --jobs %d`" % report["jobs"], "validate_all"),
        (
            "rdflib baseline ingest (map, validate, add to Dataset), %s articles"
            % ((report.get("ingest_rdflib") or {}).get("result") or {}).get("articles", "?"),
            "ingest_rdflib",
        ),
        ("`kg ingest` of the same articles, --jobs 1", "ingest_kg_same_size"),
        ("extraction, corpus texts repeated", "extract"),
    ):
        entry = report.get(key) or {}
        if entry.get("timeout_s"):
            out.append(f"| {label} | stopped after {entry['timeout_s']:,.0f} | |")
        elif "wall_s" in entry:
            peak = f"{entry['peak_mb']:,.0f}" if entry.get("peak_mb") else "?"
            out.append(f"| {label} | {entry['wall_s']:,.1f} | {peak} |")
    kg_q = ((report.get("queries_kg") or {}).get("result") or {}).get("queries", {})
    mem_q = ((report.get("queries_oxigraph_memory") or {}).get("result") or {}).get("queries", {})
    rd_q = ((report.get("queries_rdflib") or {}).get("result") or {}).get("queries", {})
    out += [
        "",
        "| query (first page) | kg on disk median ms | p95 ms | Oxigraph in memory ms | rdflib Dataset ms | rdflib ÷ kg | rows |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, entry in kg_q.items():
        if "median_ms" not in entry:
            out.append(
                f"| {name} | failed: {entry.get('error', '')} | | {_ms(mem_q.get(name))} | {_ms(rd_q.get(name))} | | |"
            )
            continue
        rd = rd_q.get(name) or {}
        ratio = (
            f"{rd['median_ms'] / entry['median_ms']:,.0f}×"
            if "median_ms" in rd
            else f"> {rd['timeout_s'] * 1000 / entry['median_ms']:,.0f}×"
            if "timeout_s" in rd
            else "–"
        )
        out.append(
            f"| {name} | {entry['median_ms']:,.1f} | {entry['p95_ms']:,.1f} | {_ms(mem_q.get(name))} | "
            f"{_ms(rd)} | {ratio} | {entry['rows']:,}{' (more)' if entry.get('more') else ''} |"
        )
    return "\n".join(out)


_GROWTH_STEPS = (
    ("`kg ingest DIR`", "ingest"),
    ("`kg ingest` again, every input unchanged", "reingest_unchanged"),
    ("`kg ingest` of 10 % changed sheets (same facts)", "reingest_changed"),
    ("`kg export -f turtle`", "export_turtle"),
    ("`kg export -f nq`", "export_nquads"),
    ("`kg validate --all`", "validate_all"),
    ("every query's first page, one process", "queries_kg"),
)


def growth(reports: list[dict]) -> str:
    """The cost-growth table over runs of different sizes: each step (wall time, CPU where kg
    reports it, peak memory) and each query's first page, with the factor from one size to the
    next (10× the articles: 10× is linear), plus the load average each run saw.

    >>> small = {"articles": 1000, "quads": 2e5, "ingest": {"wall_s": 10.0, "peak_mb": 300},
    ...          "queries_kg": {"result": {"queries": {"actors": {"median_ms": 5.0}}}}}
    >>> large = {"articles": 10000, "quads": 2e6, "ingest": {"wall_s": 120.0, "peak_mb": 600},
    ...          "queries_kg": {"result": {"queries": {"actors": {"median_ms": 6.0}}}}}
    >>> print(growth([large, small]).splitlines()[4])
    | `kg ingest DIR`, wall s | 10.0 | 120.0 | 12.0× |
    """
    reports = sorted(reports, key=lambda r: r["articles"])
    sizes = [f"{r['articles']:,}" for r in reports]
    factors = [f"{b} ÷ {a}" for a, b in zip(sizes, sizes[1:])]
    out = ["| | " + " | ".join(sizes + factors) + " |", "|---|" + "---:|" * (len(sizes) + len(factors))]

    def row(label: str, values: list, digits: int = 1) -> None:
        if all(v is None for v in values):
            return
        cells = [v if isinstance(v, str) else f"{v:,.{digits}f}" if v is not None else "–" for v in values]
        ratios = [
            f"{b / a:,.1f}×" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a and b else "–"
            for a, b in zip(values, values[1:])
        ]
        out.append(f"| {label} | " + " | ".join(cells + ratios) + " |")

    def load(r: dict) -> str:
        start = (r.get("machine") or {}).get("load_average_at_start") or [None]
        end = r.get("load_average_at_end") or [None]
        return " → ".join(f"{x[0]:.1f}" for x in (start, end) if x[0] is not None) or "–"

    out.insert(
        2,
        "| load average (1 min) at start → end | "
        + " | ".join([load(r) for r in reports] + ["" for _ in factors])
        + " |",
    )
    row("quads", [r.get("quads") for r in reports], 0)
    row("store on disk, MB", [r["store_bytes"] / 1e6 if r.get("store_bytes") else None for r in reports], 0)
    for label, key in _GROWTH_STEPS:
        entries = [r.get(key) or {} for r in reports]
        row(
            f"{label}, wall s",
            [f"> {e['timeout_s']:,.0f} (stopped)" if e.get("timeout_s") else e.get("wall_s") for e in entries],
        )
        cpu = [e.get("cpu_s") or {} for e in entries]
        if any(c.get("write_cpu") for c in cpu):
            row(f"{label}, writer CPU s", [c.get("write_cpu") for c in cpu])
            row(
                f"{label}, workers CPU s",
                [sum(c.get(k) or 0 for k in ("read", "map", "validate", "serialise")) or None for c in cpu],
            )
        row(f"{label}, peak MB", [e.get("peak_mb") for e in entries], 0)
    names: list[str] = []
    for r in reports:
        for name in ((r.get("queries_kg") or {}).get("result") or {}).get("queries", {}):
            if name not in names:
                names.append(name)
    for name in names:
        values = []
        for r in reports:
            entry = ((r.get("queries_kg") or {}).get("result") or {}).get("queries", {}).get(name) or {}
            values.append(entry.get("median_ms") if "median_ms" in entry else ("failed" if entry else None))
        row(f"{name}, first page, median ms", values)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per query (after one warm-up)")
    parser.add_argument("--rdflib-max", type=int, default=10_000, help="largest size at which rdflib runs the queries")
    parser.add_argument("--rdflib-ingest-max", type=int, default=1_000, help="articles for the rdflib ingest baseline")
    parser.add_argument(
        "--memory-max", type=int, default=20_000, help="largest size at which in-memory Oxigraph runs the queries"
    )
    parser.add_argument("--rdflib-timeout", type=float, default=30.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--extract-articles", type=int, default=1_000, help="0 to skip the extraction step")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json", default=None, help="where to write the JSON (default benchmarks/results/)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (corpus, store, exports)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--step", default=None, help=argparse.SUPPRESS)
    parser.add_argument("step_args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--markdown", default=None, help="print the README tables of a JSON report and exit")
    parser.add_argument(
        "--skip",
        action="append",
        choices=("unchanged", "changed", "export", "nq", "validate", "rdflib-ingest", "aggregate"),
        help="leave out a step (repeatable): the re-ingest of every input unchanged, the 10 %% re-ingest, the "
        "Turtle export, the N-Quads export (and so the in-memory and rdflib query runs), validate --all, the "
        "rdflib ingest baseline, the aggregating reference forms of the queries",
    )
    parser.add_argument("--corpus", default=None, help="ingest these sheets instead of generating --articles of them")
    parser.add_argument(
        "--store",
        default=None,
        help="measure this existing store as it is (read-only: no ingest, no re-ingest; export, size, queries)",
    )
    parser.add_argument(
        "--step-timeout",
        type=float,
        default=3600.0,
        help="seconds after which a step after the first ingest is stopped and reported as such (0: none)",
    )
    parser.add_argument("--growth", nargs="+", default=None, help="print the cost-growth table of JSON reports")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return 0
    if args.growth:
        print(growth([json.loads(Path(path).read_text()) for path in args.growth]))
        return 0
    if args.step:
        return _run_step(args.step, args.step_args)
    target = Path(args.json) if args.json else RESULTS / f"bench-{args.articles}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    report = run(args, target)
    print(table(report))
    print(f"\nJSON: {target}")
    return 0


def _run_step(name: str, values: list[str]) -> int:
    if name == "kg-queries":
        result = step_kg_queries(values[0], json.loads(Path(values[1]).read_text()), int(values[2]))
    elif name == "rdflib-queries":
        result = step_rdflib_queries(
            values[0], json.loads(Path(values[1]).read_text()), int(values[2]), float(values[3])
        )
    elif name == "rdflib-ingest":
        result = step_rdflib_ingest(values[0], int(values[1]))
    elif name == "extract":
        result = step_extract(int(values[0]))
    elif name == "count":
        result = step_count(values[0])
    else:
        raise SystemExit(f"unknown step {name!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
