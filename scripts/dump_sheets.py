"""Dump the extracted fact sheet (JSON, as ``kg extract --format json`` writes it) of every
corpus and held-out text into a folder, to diff before/after a change that must not alter results.

    python scripts/dump_sheets.py OUT_DIR [TEXT_DIR ...]
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import kg
    from kg.model import dump_factsheet

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    folders = [Path(a) for a in argv[1:]] or [Path("../shared/corpus"), Path("tests/extract_heldout")]
    with kg.KnowledgeGraph("memory:", offline=True) as graph:
        for folder in folders:
            for path in sorted(folder.glob("*.txt")):
                sheet = graph.extract(path)
                (out / f"{folder.name}--{path.stem}.json").write_text(dump_factsheet(sheet, "json"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
