"""The code's seams, checked: IRIs minted in one module, no side doors into the store backends,
no import cycles, only the CLI prints or picks exit codes.
"""

from __future__ import annotations

import ast
import re
from functools import cache, lru_cache
from pathlib import Path

import pytest
from conftest import ROOT

from kg.iris import Iris

PACKAGE = ROOT / "kg"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_base(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "base" in name.lower()


def minted_iris(tree: ast.AST) -> list[int]:
    """Lines building an IRI from text: an f-string given to URIRef/NamedNode, or an f-string
    that starts from a base IRI and continues with a path ("{base}article/…")."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("URIRef", "NamedNode") and node.args and isinstance(node.args[0], ast.JoinedStr):
                lines.append(node.lineno)
        if isinstance(node, ast.JoinedStr):
            values = node.values
            for first, second in zip(values, values[1:]):
                if (
                    isinstance(first, ast.FormattedValue)
                    and _is_base(first.value)
                    and isinstance(second, ast.Constant)
                    and re.match(r"[a-z]+/", str(second.value))
                ):
                    lines.append(node.lineno)
    return sorted(set(lines))


def test_iris_are_minted_only_in_the_iri_module():
    found = []
    for path in MODULES:
        if path.name == "iris.py":
            continue
        found += [f"{path.relative_to(ROOT)}:{line}" for line in minted_iris(parsed(path))]
    assert not found, "IRIs built from f-strings outside kg/iris.py: " + ", ".join(found)


def test_the_iri_check_would_catch_one():
    tree = ast.parse('x = URIRef(f"{base_iri}article/{key}")\ny = f"{self.base}role/{d}"\nz = f"{base}-{n}"')
    assert minted_iris(tree) == [1, 2]


@cache
def parsed(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _imports(path: Path) -> frozenset[str]:
    """The kg modules a module imports (at any level: lazy imports count)."""
    tree = parsed(path)
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(found)


def test_no_module_outside_the_store_backends_imports_pyoxigraph():
    offenders = [
        str(path.relative_to(ROOT))
        for path in MODULES
        if not module_name(path).startswith("kg.store")
        and any(name == "pyoxigraph" or name.startswith("pyoxigraph.") for name in _imports(path))
    ]
    assert not offenders, f"pyoxigraph imported outside kg/store: {offenders}"


def test_no_module_checks_a_stores_name_or_type():
    pattern = re.compile(
        r"isinstance\([^)]*(OxigraphStore|RemoteStore)|\.name\s*==\s*[\"'](oxigraph|memory|remote)|"
        r"hasattr\(\s*store|getattr\(\s*store\s*,\s*[\"']name|store\.raw\b|\.raw\b\s*\("
    )
    offenders = []
    for path in MODULES:
        if module_name(path).startswith("kg.store"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "callers must ask the store's capabilities instead:\n" + "\n".join(offenders)


def import_graph() -> dict[str, set[str]]:
    return {module: set(targets) for module, targets in _import_graph().items()}


@lru_cache(maxsize=1)
def _import_graph() -> dict[str, frozenset[str]]:
    names = {module_name(p) for p in MODULES}
    graph = {}
    for path in MODULES:
        targets = set()
        for imported in _imports(path):
            while imported and imported not in names:
                imported = imported.rpartition(".")[0]
            if imported and imported != module_name(path) and imported != "kg":
                targets.add(imported)
        graph[module_name(path)] = frozenset(targets)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package_parents(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycles():
    graph = import_graph()
    # a package's __init__ importing its own submodules (a registry loading its plug-ins) is no cycle
    for module, targets in graph.items():
        graph[module] = {t for t in targets if t not in _package_parents(module)}
    assert cycles(graph) == []


def test_the_cycle_check_would_catch_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "recipe, minted",
    [
        ("article", lambda i: i.article("k")),
        ("activity", lambda i: i.activity("k")),
        ("actor/Q57792", lambda i: i.actor_qid("Q57792")),
        ("actor/person/mark-rutte", lambda i: i.actor_local("Person", "Mark Rutte")),
        ("graph/summary", lambda i: i.summary_graph()),
        ("graph/wikidata", lambda i: i.enrichment_graph()),
        ("graph/events", lambda i: i.events_graph()),
        ("event", lambda i: i.event("meeting", "a", "b")),
    ],
)
def test_named_iris_follow_the_base(recipe, minted):
    iri = str(minted(Iris("https://example.org/kg/")))
    assert iri.startswith("https://example.org/kg/" + recipe)


def test_model_md_iri_recipes_match_the_iri_module():
    """Every ``{base}…`` recipe in MODEL.md names a kind of node the IRI module mints, and back."""
    text = (PACKAGE / "ontology" / "MODEL.md").read_text(encoding="utf-8")
    recipes = set(re.findall(r"\{base\}([a-z]+(?:/[a-z]+)?)", text))
    iris = Iris("https://example.org/kg/")
    samples = {
        "article": iris.article("k"),
        "activity": iris.activity("k"),
        "actor": iris.actor_qid("Q1"),
        "actor/person": iris.actor_local("Person", "x"),
        "role": iris.role("k", "a", "r"),
        "mention": iris.mention("k", "a", 0, 1),
        "link": iris.link("k", "a", "Q1"),
        "meeting": iris.meeting("k"),
        "mission": iris.mission("k"),
        "statement": iris.statement("k"),
        "graph/summary": iris.summary_graph(),
        "graph/wikidata": iris.enrichment_graph(),
        "graph/events": iris.events_graph(),
        "event": iris.event("meeting", "a", "b"),
        "summary/met": iris.pair("a", "b"),
        "wdstatement": iris.wikidata_statement("Q1", "P1", "v"),
    }
    minted_kinds = {kind.split("/")[0] for kind in samples}
    for recipe in recipes:
        assert recipe.split("/")[0] in minted_kinds, (
            f"MODEL.md describes {{base}}{recipe}, which kg/iris.py never mints"
        )
    for kind, iri in samples.items():
        assert str(iri).startswith("https://example.org/kg/" + kind), (kind, iri)
        assert kind.split("/")[0] in {r.split("/")[0] for r in recipes}, f"MODEL.md has no recipe for {{base}}{kind}"


SUMMARY_LISTS = ("kgs:actorRank", "kgs:pairRank", "kgs:articleListed", "kgs:missionListed", "kgs:unlinkedListed")


def _final_limit(text: str) -> int | None:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found = re.findall(r"^LIMIT\s+(\d+)\s*$", body, flags=re.MULTILINE)
    return int(found[-1]) if found else None


def test_summary_list_sizes_equal_the_stored_queries_limits():
    """The summary numbers/flags the first RANKED nodes of a list; the query reading them must
    LIMIT at exactly that many, or it would silently miss rows (or sort nodes it need not)."""
    from kg.summary import RANKED

    checked = 0
    for path in sorted((PACKAGE / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if any(term in text for term in SUMMARY_LISTS):
            assert _final_limit(text) == RANKED, f"{path.name}: LIMIT must be kg.summary.RANKED = {RANKED}"
            checked += 1
    assert checked >= 5


def test_stored_query_descriptions_state_their_limit():
    for path in sorted((PACKAGE / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = "\n".join(line for line in text.splitlines() if line.startswith("#+"))
        stated = re.findall(r"LIMIT (\d+)", header)
        if stated:
            limits = re.findall(r"^\s*LIMIT\s+(\d+)", text, flags=re.MULTILINE)
            assert set(stated) <= set(limits), f"{path.name}: the description says LIMIT {stated}, the query {limits}"


def test_extraction_does_not_import_the_scorer_or_the_writers():
    """kg.extract is the library's input side: it must not depend on evaluation, storage or the CLI."""
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("kg.extract"):
            bad = {t for t in targets if t in ("kg.evaluate", "kg.cli", "kg.ingest", "kg.serve", "kg.api")}
            if module == "kg.extract":  # the package is callable: kg.extract(text) hands over to kg.api.extract
                bad.discard("kg.api")
            assert not bad, f"{module} imports {sorted(bad)}"
