#!/usr/bin/env python3
"""Build kg's shipped offline Wikidata cache (kg/data/wikidata-cache.sqlite).

Reproducible: the same inputs give the same file. Inputs: ../shared/wikidata/{countries,entities}.tsv
(or --source / KG_SHARED_WIKIDATA) and kg/data/{countries-labels.tsv,entities.yaml}.

    python scripts/build_wikidata_cache.py [--source DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.errors import KgError
from kg.wikidata.cache import SHIPPED_CACHE
from kg.wikidata.shipped import build_shipped_cache, default_source_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="folder with countries.tsv and entities.tsv")
    parser.add_argument("--out", type=Path, default=SHIPPED_CACHE, help="output SQLite file")
    args = parser.parse_args(argv)
    source = args.source or default_source_dir()
    try:
        stats = build_shipped_cache(source, args.out)
    except KgError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    print(
        f"wrote {args.out}: {stats['entities']} entities, {stats['names']} names, "
        f"{stats['confusable_groups']} confusable groups (from {source})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
