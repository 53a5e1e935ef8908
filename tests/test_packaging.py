"""Packaging: the wheel carries kg's own files, and a plain install runs the seed demo.

The slow test builds the wheel, installs it (without test extras) into a fresh virtual
environment, and runs the seed demo from a directory outside the checkout, so nothing can be
found in the source tree by accident.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SHEET, SEED_TEXT, SHARED

from kg.errors import InstallationError
from kg.queries import list_queries
from kg.validate import shapes_files

SHIPPED = ("ontology", "shapes", "queries")


def test_package_data_lives_once_inside_the_package():
    for folder in SHIPPED:
        assert (ROOT / "kg" / folder).is_dir(), folder
        assert not (ROOT / folder).exists(), f"{folder}/ beside kg/ would be a second copy"
    assert {p.name for p in shapes_files()} == {p.name for p in (ROOT / "kg" / "shapes").glob("*.ttl")}


def test_no_shapes_is_an_error_not_conforms_yes(tmp_path):
    with pytest.raises(InstallationError, match="no SHACL shape files"):
        shapes_files(tmp_path)


def test_no_stored_queries_is_an_error(tmp_path):
    from kg.serve import load_stored_queries

    with pytest.raises(InstallationError, match="no stored queries"):
        list_queries(tmp_path)
    with pytest.raises(InstallationError, match="no stored queries"):
        load_stored_queries(tmp_path)


@pytest.mark.skipif(not (SHARED / "FACTSHEET.md").exists(), reason="needs ../shared/FACTSHEET.md")
def test_factsheet_document_is_in_step_with_shared():
    ours = (ROOT / "docs" / "FACTSHEET.md").read_text(encoding="utf-8")
    assert ours == (SHARED / "FACTSHEET.md").read_text(encoding="utf-8"), (
        "docs/FACTSHEET.md differs from ../shared/FACTSHEET.md: copy the shared one over"
    )


def test_license_file_is_mit():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def _run(args, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))} -> {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


def _html_article(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title, paragraphs = lines[0], lines[1:]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>\n{body}\n</article></body></html>"
    )


@pytest.mark.slow
def test_wheel_installs_without_extras_and_runs_the_seed_demo(tmp_path):
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "PYTHON", "VIRTUAL_ENV"))}
    source = tmp_path / "source"  # setuptools builds in the tree: build a clean copy, not the checkout
    shutil.copytree(ROOT / "kg", source / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)], tmp_path, env)
    (wheel,) = wheels.glob("kg_news-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data_files = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "kg").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")
    }
    assert {f for f in data_files if f.split("/")[1] in SHIPPED}, "no package data found"
    assert data_files <= set(names), f"the wheel misses {sorted(data_files - set(names))} (pyproject package-data)"
    assert any(n.endswith("LICENSE") for n in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    python, kg = venv / "bin" / "python", venv / "bin" / "kg"
    _run([python, "-m", "pip", "install", "--quiet", str(wheel)], tmp_path, env, timeout=600)

    work = tmp_path / "elsewhere"  # outside the checkout: nothing can come from the source tree
    work.mkdir()
    shutil.copy(SEED_SHEET, work / "facts.yaml")
    (work / "article.html").write_text(_html_article(SEED_TEXT.read_text(encoding="utf-8")), encoding="utf-8")
    missing_extra = subprocess.run([python, "-c", "import pytest"], cwd=work, env=env, capture_output=True)
    assert missing_extra.returncode != 0, "the fresh venv must not have the test extras"
    located = _run([python, "-c", "import kg; print(kg.__file__)"], work, env).stdout.strip()
    assert Path(located).is_relative_to(venv), located

    store = ["--store", str(work / "store")]
    _run([kg, "ingest", "facts.yaml", *store], work, env)  # global options after the command too
    assert _run([python, "-m", "kg", "--version"], work, env).stdout.startswith("kg ")
    validated = _run([kg, *store, "validate"], work, env)
    assert "conforms: yes" in validated.stdout
    shapes = _run([python, "-c", "from kg.validate import shapes_files; print(len(shapes_files()))"], work, env)
    assert int(shapes.stdout) == len(list((ROOT / "kg" / "shapes").glob("*.ttl")))

    listed = _run([kg, "queries"], work, env).stdout
    listed_names = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert listed_names == {p.stem for p in (ROOT / "kg" / "queries").glob("*.rq")}

    meetings = _run([kg, *store, "query", "meetings", "--param", "actor=Q57792", "--format", "csv"], work, env)
    rows = list(csv.DictReader(io.StringIO(meetings.stdout)))
    assert rows and any("Ishiba" in " ".join(row.values()) for row in rows), meetings.stdout

    extracted = _run([kg, "extract", "article.html", "--format", "json"], work, env).stdout
    assert "Ishiba" in extracted

    _run([kg, *store, "export", "-o", "out.ttl"], work, env)
    from rdflib import Graph

    graph = Graph().parse(work / "out.ttl", format="turtle")
    assert len(graph) > 100
    assert time.perf_counter() - started < 300
