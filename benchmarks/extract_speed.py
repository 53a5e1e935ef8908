"""Extraction speed of one whole process: start-up, articles per second, peak memory.

Reads N article paths (the corpus texts repeated to N), extracts each with one
:class:`kg.KnowledgeGraph` (the shipped Wikidata cache, offline), as ``kg extract`` does for one
file, and prints one JSON line:

    .venv/bin/python -m benchmarks.extract_speed --articles 1000            # ../shared/corpus/*.txt
    .venv/bin/python -m benchmarks.extract_speed --articles 200 DIR_OR_FILE ...

``startup_s`` is importing kg, opening the cache and building the recogniser (extracting one
short invented paragraph, so the lazily loaded parts are loaded); ``first_article_s`` the first real article
(it loads the lemma dictionary of its language); ``articles_per_s`` all N articles after
start-up, on one core (CPU seconds are reported too: on a shared machine they are the fairer
figure); ``peak_rss_mb`` the process's peak resident memory (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


# An invented paragraph of German news (long enough to be told German without langdetect, as
# real articles are): loads the recogniser and the lemma dictionaries before the timing starts.
WARM_UP = (
    "Die Außenministerin traf am Montag in Paris ihren französischen Amtskollegen. Sie sagte nach "
    "dem Treffen, dass die Regierung die Hilfe für die Region nicht kürzen werde, und auch der "
    "Minister sei mit dem Ergebnis der Gespräche über die Lage zufrieden, sagte ein Sprecher."
)


def article_paths(sources: list[Path], count: int) -> list[Path]:
    """``count`` paths: the ``*.txt`` files of ``sources`` (folders or files), repeated in order.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "a.txt").write_text("x")
    >>> [p.name for p in article_paths([folder], 3)]
    ['a.txt', 'a.txt', 'a.txt']
    """
    found: list[Path] = []
    for source in sources:
        found += sorted(source.glob("*.txt")) if source.is_dir() else [source]
    if not found:
        raise SystemExit(f"no *.txt articles in {', '.join(map(str, sources))}")
    return [found[index % len(found)] for index in range(count)]


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(paths: list[Path]) -> dict:
    """Time start-up and the extraction of every path in this process."""
    started = time.perf_counter()
    import kg

    graph = kg.KnowledgeGraph("memory:", offline=True)
    graph.extract(WARM_UP, published="2024-05-06")
    startup = time.perf_counter() - started
    first = time.perf_counter()
    graph.extract(paths[0])
    first_article = time.perf_counter() - first
    wall, cpu = time.perf_counter(), time.process_time()
    facts = 0
    for path in paths:
        sheet = graph.extract(path)
        facts += len(sheet.actors) + len(sheet.meetings) + len(sheet.missions) + len(sheet.statements)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    graph.close()
    return {
        "articles": len(paths),
        "distinct_texts": len(set(paths)),
        "startup_s": round(startup, 3),
        "first_article_s": round(first_article, 3),
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "articles_per_s": round(len(paths) / wall, 1),
        "articles_per_cpu_s": round(len(paths) / cpu, 1),
        "facts": facts,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, help="article folders or files (default: the corpus)")
    parser.add_argument("--articles", type=int, default=1000, help="how many articles to extract")
    args = parser.parse_args(argv)
    process_started = time.perf_counter()
    result = run(article_paths(args.sources or [DEFAULT_CORPUS], args.articles))
    result["process_s"] = round(time.perf_counter() - process_started, 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
