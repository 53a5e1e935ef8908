"""Hostile and careless fact sheets: bombs, depth, size, misspelt keys, bad URLs, spans, QIDs.

Each case runs ``kg ingest`` in its own bounded process (see hostile_helpers) against a store
holding the seed article, and checks: the documented exit code (2, bad input), one clear
``error:`` line naming the problem, peak memory under the suite's limit, the store unchanged.
"""

from __future__ import annotations

import json
import shutil

import pytest
from hostile_helpers import one_line_error, run_kg, store_digest, time_bound  # noqa: F401 - time_bound applies to every test here

from kg.errors import FactSheetError
from kg.model import load_factsheet, read_structured_text

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dw-japan-nato" / "facts.yaml"
EMPTY_LISTS = "meetings: []\nmissions: []\nstatements: []\n"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A store holding the seed article, and its digest."""
    folder = tmp_path_factory.mktemp("hostile-sheets")
    store = folder / "store"
    run = run_kg("ingest", SEED, store=store)
    assert run.code == 0, run
    return store, store_digest(store)


def refused(seeded, tmp_path, name: str, content: str | bytes, expect: str, timeout: float = 30.0) -> str:
    """Ingest one hostile file: exit 2, one clear error containing ``expect``, store unchanged."""
    store, digest = seeded
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    run = run_kg("ingest", path, store=store, timeout=timeout)
    assert run.code == 2, run
    line = one_line_error(run)
    assert expect in line, line
    assert store_digest(store) == digest
    return line


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nactors:\n- id: x\n  name: *a{levels - 1}\n  type: Person\n" + EMPTY_LISTS


@pytest.mark.slow
def test_yaml_alias_bomb_is_refused_without_expanding(seeded, tmp_path):
    bomb = alias_bomb()
    assert len(bomb) < 600  # the 599-byte bomb exceeded 6 GB
    line = refused(seeded, tmp_path, "bomb.yaml", bomb, "aliases")
    assert "not allowed" in line


@pytest.mark.slow
def test_yaml_alias_in_a_link_record_is_refused(seeded, tmp_path):
    sheet = (
        'l: &l {qid: Q57792, confidence: 1.0, method: "x"}\n'
        "actors:\n- {id: r, name: Rutte, type: Person, qid: Q57792, link: *l}\n" + EMPTY_LISTS
    )
    refused(seeded, tmp_path, "link.yaml", sheet, "aliases")


@pytest.mark.slow
def test_deeply_nested_json_is_a_named_error(seeded, tmp_path):
    deep = '{"actors": ' + "[" * 200_000 + "]" * 200_000 + ', "meetings": [], "missions": [], "statements": []}'
    refused(seeded, tmp_path, "deep.json", deep, "nested more than")


@pytest.mark.slow
def test_deeply_nested_yaml_is_a_named_error(seeded, tmp_path):
    deep = "actors: " + "[" * 50_000 + "]" * 50_000 + "\n" + EMPTY_LISTS
    refused(seeded, tmp_path, "deep.yaml", deep, "nested more than")


@pytest.mark.slow
def test_too_many_actors_are_refused_quickly(seeded, tmp_path):
    actors = [{"id": f"a{i}", "name": f"Actor {i}", "type": "Person"} for i in range(200_000)]
    sheet = json.dumps({"actors": actors, "meetings": [], "missions": [], "statements": []})
    refused(seeded, tmp_path, "many.json", sheet, "more than the limit", timeout=20)


@pytest.mark.slow
def test_too_many_actors_in_yaml_stop_the_reader_early(seeded, tmp_path):
    """The pure-Python YAML reader holds ~1 KB per value: 200,000 actors took 1.2 GB before the
    item limit could see them; a value budget stops it at about 170 MB."""
    lines = ["actors:"] + [f"- {{id: a{i}, name: Actor {i}, type: Person}}" for i in range(200_000)]
    sheet = "\n".join(lines) + "\n" + EMPTY_LISTS
    refused(seeded, tmp_path, "many.yaml", sheet, "more than 100000 values", timeout=60)


def test_huge_file_is_refused_before_parsing(seeded, tmp_path):
    sheet = (
        '{"title": "' + "x" * (17 * 1024 * 1024) + '", "actors": [], "meetings": [], "missions": [], "statements": []}'
    )
    line = refused(seeded, tmp_path, "huge.json", sheet, "limit")
    assert "xxxxxxxxxx" not in line


@pytest.mark.slow
@pytest.mark.parametrize("name", ["huge.txt", "huge.yaml", "huge.html"])
def test_a_huge_input_file_is_refused_before_it_is_read(seeded, tmp_path, name):
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB, sparse: reading it whole would need 3 GB
    store, digest = seeded
    run = run_kg("ingest", path, store=store)
    assert run.code == 2 and "3221225472 bytes, more than the" in one_line_error(run), run
    assert run.peak_mb < 150 and store_digest(store) == digest
    if name.endswith(".txt"):
        run = run_kg("extract", path)
        assert run.code == 2 and "bytes, more than the" in one_line_error(run), run


def test_huge_title_is_refused_and_not_quoted_whole(seeded, tmp_path):
    sheet = "title: " + "T" * 300_000 + "\nactors: []\n" + EMPTY_LISTS
    line = refused(seeded, tmp_path, "title.yaml", sheet, "'title' has 300000 characters")
    assert len(line) < 400


@pytest.mark.parametrize(
    ("text", "bad", "guess"),
    [
        ("actors:\n- {id: r, name: Rutte, type: Person, alias: [Mark]}\n" + EMPTY_LISTS, "alias", "aliases"),
        ("publishd: 2025-04-10\nactors: []\n" + EMPTY_LISTS, "publishd", "published"),
        ("actors: []\nmeetings: []\nmissions: []\nstatement: []\nstatements: []\n", "statement", "statements"),
        (
            "actors:\n- {id: r, name: Rutte, type: Person, qid: Q57792, link: {qid: Q57792, confidense: 0.9}}\n"
            + EMPTY_LISTS,
            "confidense",
            "confidence",
        ),
    ],
)
def test_misspelt_key_names_the_key_and_the_closest_valid_one(text, bad, guess):
    with pytest.raises(FactSheetError) as info:
        load_from_text(text, "")
    assert f"unknown key {bad!r}; did you mean {guess!r}?" in str(info.value)


@pytest.mark.slow
def test_misspelt_key_through_the_cli_exits_2_and_stores_nothing(seeded, tmp_path):
    text = "actors:\n- {id: r, name: Rutte, type: Person, alias: [Mark]}\n" + EMPTY_LISTS
    line = refused(seeded, tmp_path, "typo.yaml", text, "unknown key 'alias'")
    assert line.endswith("did you mean 'aliases'?"), line


def test_documented_extension_keys_are_still_accepted(tmp_path):
    path = tmp_path / "ext.yaml"
    path.write_text(
        "x_source_system: feed-7\nactors:\n- {id: r, name: Rutte, type: Person, optional: true, notes: n}\n"
        + EMPTY_LISTS
    )
    sheet = load_factsheet(path)
    assert sheet.extra == {"x_source_system": "feed-7"} and sheet.actors[0].extra["notes"] == "n"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://example.org/"><script>alert(1)</script>',
        "https://example.org/a b",
        "https:///no-host",
        "ftp://example.org/a",
        "http://example.org:99999/",
    ],
)
def test_only_http_and_https_urls_with_valid_syntax(tmp_path, url):
    path = tmp_path / "url.json"
    path.write_text(json.dumps({"url": url, "actors": [], "meetings": [], "missions": [], "statements": []}))
    with pytest.raises(FactSheetError, match="expected an http:// or https:// address"):
        load_factsheet(path)


@pytest.mark.slow
def test_url_case_through_the_cli_leaves_the_store_unchanged(seeded, tmp_path):
    refused(seeded, tmp_path, "js.yaml", "url: 'javascript:alert(1)'\nactors: []\n" + EMPTY_LISTS, "'url'")


def test_span_beyond_any_text_is_refused(seeded, tmp_path):
    sheet = (
        "actors:\n- {id: r, name: Rutte, type: Person, mentions: [[0, 1000000000000000000000000000000]]}\n"
        + EMPTY_LISTS
    )
    refused(seeded, tmp_path, "span.yaml", sheet, "'mentions'")


def test_a_span_must_cover_exactly_its_evidence(tmp_path):
    sheet = {
        "actors": [{"id": "a", "name": "A", "type": "Person"}, {"id": "b", "name": "B", "type": "Person"}],
        "meetings": [{"kind": "talks", "participants": ["a", "b"], "evidence": "A traf B.", "span": [10, 10**6]}],
        "missions": [],
        "statements": [],
    }
    with pytest.raises(FactSheetError, match="'span' is \\[10, 1000000\\], 999990 characters, but 'evidence' has 9"):
        read_and_parse(tmp_path, sheet)
    sheet["meetings"][0]["span"] = [10, 19]
    assert read_and_parse(tmp_path, sheet).meetings[0].span == (10, 19)


def test_every_extracted_sheet_passes_the_strict_reader(tmp_path):
    """The extractor's own output (keys, spans, URLs) is what the strict reader accepts."""
    from kg.extract.pipeline import extract_factsheet
    from kg.model import dump_factsheet

    text = ROOT / "examples" / "dw-japan-nato" / "article.txt"
    sheet = extract_factsheet(text.read_bytes(), source=str(text))
    path = tmp_path / "extracted.json"
    path.write_text(dump_factsheet(sheet, "json"), encoding="utf-8")
    assert load_factsheet(path).statements == sheet.statements


@pytest.mark.parametrize("qid", ["Q57792\n", "Q57792 ", "q57792", "Q057792", "Q57792\nQ1"])
def test_qids_are_matched_whole(qid, tmp_path):
    data = {
        "actors": [{"id": "r", "name": "Rutte", "type": "Person", "qid": qid}],
        "meetings": [],
        "missions": [],
        "statements": [],
    }
    with pytest.raises(FactSheetError, match="'qid'"):
        read_and_parse(tmp_path, data)


@pytest.mark.parametrize("confidence", ["nan", ".nan", "'nan'", ".inf", "-1", "2"])
def test_link_confidence_nan_is_a_clear_error(seeded, tmp_path, confidence):
    sheet = (
        "actors:\n- {id: r, name: Rutte, type: Person, qid: Q57792, "
        f"link: {{qid: Q57792, confidence: {confidence}, method: manual}}}}\n" + EMPTY_LISTS
    )
    path = tmp_path / "nan.yaml"
    path.write_text(sheet)
    with pytest.raises(FactSheetError, match="'confidence' must be a number from 0 to 1"):
        load_factsheet(path)


@pytest.mark.slow
def test_link_confidence_nan_through_the_cli(seeded, tmp_path):
    sheet = "actors:\n- {id: r, name: Rutte, type: Person, qid: Q57792, link: {qid: Q57792, confidence: nan}}\n"
    refused(seeded, tmp_path, "nan.yaml", sheet + EMPTY_LISTS, "'confidence'")


def test_error_messages_quote_values_briefly():
    for text in (
        "actors: " + "9" * 10_000,
        "title: [" + "1, " * 10_000 + "]\nactors: []",
        "actors: [" + "x" * 10**6 + "]",
    ):
        with pytest.raises(FactSheetError) as info:
            load_from_text(text)
        assert len(str(info.value)) < 300, str(info.value)[:500]


def read_and_parse(tmp_path, data):
    path = tmp_path / "sheet.json"
    path.write_text(json.dumps(data))
    return load_factsheet(path)


def load_from_text(text: str, tail: str = "\n" + EMPTY_LISTS):
    from kg.model import parse_factsheet

    return parse_factsheet(read_structured_text(text + tail, "s.yaml"), "s.yaml")


def test_pdf_saved_as_txt_is_refused_as_not_text(seeded, tmp_path):
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(1, 256)) * 40
    refused(seeded, tmp_path, "article.txt", pdf, "a PDF document (a binary file), not text")


def test_seed_still_ingests_unchanged(seeded, tmp_path):
    store, digest = seeded
    copy = tmp_path / "facts.yaml"
    shutil.copy(SEED, copy)
    run = run_kg("ingest", copy, store=store)
    assert run.code == 0, run
    assert store_digest(store) == digest
