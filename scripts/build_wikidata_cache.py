#!/usr/bin/env python3
"""Build kg's shipped offline Wikidata cache (kg/data/wikidata-cache.sqlite).

Reproducible: the same inputs give the same files. Inputs: ../shared/wikidata/{countries,entities,
places,people,organisations}.tsv (or --source / KG_SHARED_WIKIDATA) and kg/data/{countries-labels.tsv,
entities.yaml}; organisations-cc-by-sa.tsv goes to its own, separately licensed file.

    python scripts/build_wikidata_cache.py [--source DIR] [--out FILE] [--out-by-sa FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.errors import KgError
from kg.wikidata.cache import SHIPPED_CACHE, SHIPPED_CACHE_BY_SA
from kg.wikidata.shipped import build_by_sa_cache, build_shipped_cache, default_source_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="folder with countries.tsv and entities.tsv")
    parser.add_argument("--out", type=Path, default=SHIPPED_CACHE, help="output SQLite file")
    parser.add_argument(
        "--out-by-sa", type=Path, default=SHIPPED_CACHE_BY_SA, help="output SQLite file for the CC BY-SA 4.0 part"
    )
    args = parser.parse_args(argv)
    source = args.source or default_source_dir()
    try:
        stats = build_shipped_cache(source, args.out)
        by_sa = build_by_sa_cache(source, args.out_by_sa)
    except KgError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    print(
        f"wrote {args.out}: {stats['entities']} entities, {stats['names']} names, "
        f"{stats['confusable_groups']} confusable groups (from {source})"
    )
    print(f"wrote {args.out_by_sa}: {by_sa['entities']} entities, {by_sa['names']} names (CC BY-SA 4.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
