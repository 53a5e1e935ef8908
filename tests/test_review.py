"""kg/review.py: the review document of a draft, decisions applied to it (with errors that name
the fact and the field), the loopback server, and ``kg review`` on the command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from conftest import SEED_TEXT

import kg
from kg.errors import ReviewError, UsageError
from kg.model import dump_factsheet, load_factsheet, parse_factsheet
from kg.review import ReviewServer, apply_decisions, draft_review, review_document

# an invented article: astral characters (two UTF-16 units each) before and inside the quote
TEXT = "🇯🇵 Tokio. Ministerin Erika Muster traf Max Beispiel. Beispiel sagte: „Wir bleiben 𝔴𝔞𝔠𝔥𝔰𝔞𝔪.“ Ende."
SHEET = {
    "title": "Test",
    "published": "2025-04-10",
    "language": "de",
    "actors": [
        {"id": "muster", "name": "Erika Muster", "type": "Person", "mentions": [[21, 33]]},
        {"id": "beispiel", "name": "Max Beispiel", "type": "Person", "qid": "Q57792"},
        {"id": "tokio", "name": "Tokio", "type": "Place"},
    ],
    "meetings": [
        {
            "kind": "meeting",
            "participants": ["muster", "beispiel"],
            "date": None,
            "evidence": "Ministerin Erika Muster traf Max Beispiel.",
            "span": [10, 52],
            "confidence": 0.7,
            "method": "trigger:traf",
        }
    ],
    "missions": [],
    "statements": [
        {
            "speaker": "muster",
            "quote": "Wir bleiben 𝔴𝔞𝔠𝔥𝔰𝔞𝔪.",
            "direct": True,
            "date": None,
            "cue": "sagte",
            "span": [TEXT.index("Wir"), TEXT.index("Wir") + len("Wir bleiben 𝔴𝔞𝔠𝔥𝔰𝔞𝔪.")],
            "confidence": 0.8,
        },
    ],
}


@pytest.fixture()
def review():
    assert TEXT[10:52] == SHEET["meetings"][0]["evidence"]
    return review_document(parse_factsheet(json.loads(json.dumps(SHEET))), TEXT, "test.txt")


def test_review_document_lists_every_fact_with_its_spans(review):
    refs = {f["ref"]: f for f in review["facts"]}
    assert set(refs) == {"actors[0]", "actors[1]", "actors[2]", "meetings[0]", "statements[0]"}
    assert refs["meetings[0]"]["spans"] == [[10, 52]]
    assert refs["actors[2]"]["spans"] == []
    assert review["text"] == TEXT and "held" in review["choices"]["meeting_statuses"]


def test_no_decisions_keep_the_draft_and_it_validates(review):
    sheet = apply_decisions(review, {})
    assert len(sheet.statements) == 1 and len(sheet.meetings) == 1
    assert sheet.statements[0].confidence == 0.8  # not reviewed: the extractor's confidence stays
    assert sheet.method == "reviewed"
    again = load_factsheet_text(dump_factsheet(sheet))
    assert again.meetings[0].span == (10, 52)


def load_factsheet_text(text, tmp=None):
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "s.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return load_factsheet(path)


def test_reject_edit_and_add(review):
    start = TEXT.index("Tokio")
    decisions = {
        "facts": {
            "meetings[0]": {"action": "reject"},
            "statements[0]": {"action": "edit", "speaker": "beispiel", "date": "2025-04-09"},
            "actors[2]": "accept",
        },
        "added": [{"type": "statement", "start": start - 1, "end": start + 6, "speaker": "muster", "direct": False}],
    }
    sheet = apply_decisions(review, decisions)
    assert sheet.meetings == []
    edited = sheet.statements[0]
    assert (edited.speaker, edited.date, edited.confidence) == ("beispiel", "2025-04-09", None)
    assert edited.method.endswith("reviewed")
    added = sheet.statements[1]
    assert added.quote == "Tokio." and added.span == (start, start + 6)  # white space trimmed
    assert TEXT[added.span[0] : added.span[1]] == added.quote
    assert sheet.actor("tokio").method.endswith("reviewed")


def test_new_actor_as_the_speaker_of_an_added_quote(review):
    start = TEXT.index("Ende")
    sheet = apply_decisions(
        review,
        {
            "new_actors": [{"id": "ende", "name": "Ende", "type": "Other", "start": start, "end": start + 4}],
            "added": [{"start": start, "end": start + 4, "speaker": "ende"}],
        },
    )
    assert sheet.actor("ende").mentions == [(start, start + 4)]
    assert sheet.statements[-1].speaker == "ende"


@pytest.mark.parametrize(
    ("decisions", "says"),
    [
        (
            {"facts": {"statements[0]": {"action": "edit", "speaker": "nobody"}}},
            r"statements\[0\].*'speaker' is 'nobody'",
        ),
        ({"facts": {"statements[0]": {"speaker": "nobody"}}}, r"statements\[0\].*'speaker'.*actor id"),
        (
            {"facts": {"meetings[0]": {"action": "edit", "date": "2025-02-30"}}},
            r"meetings\[0\].*'date' is '2025-02-30'",
        ),
        ({"facts": {"meetings[0]": {"action": "edit", "status": "maybe"}}}, r"meetings\[0\].*'status'.*held"),
        ({"facts": {"meetings[0]": {"action": "edit", "participants": "muster"}}}, r"'participants' must be a list"),
        ({"facts": {"meetings[0]": {"action": "edit", "evidence": "x"}}}, r"'evidence' cannot be edited.*editable"),
        ({"facts": {"meetings[0]": {"action": "maybe"}}}, r"meetings\[0\].*'action' is 'maybe'"),
        ({"facts": {"meetings[0]": {"action": "reject", "date": None}}}, r"rejected fact takes no edits"),
        ({"facts": {"meetings[0]": {"action": "accept", "date": None}}}, r"'accept' takes no fields"),
        ({"facts": {"statements[5]": "reject"}}, r"statements\[5\]: no such fact.*1 statements"),
        ({"facts": {"quotes[0]": "reject"}}, r"fact 'quotes\[0\]'.*statements\[0\]"),
        ({"facts": {"actors[0]": "reject"}}, r"actors\[0\].*cannot be rejected while meetings\[0\].*participants"),
        ({"added": [{"start": 5, "end": 500, "speaker": "muster"}]}, r"added\[0\].*'start' and 'end'.*<= 97"),
        (
            {"added": [{"start": 2, "end": 3, "speaker": "muster"}]},
            r"added\[0\]: the selected text is only white space",
        ),
        ({"added": [{"start": 1, "end": 9, "speaker": None}]}, r"added\[0\]: 'speaker' is None"),
        ({"added": [{"type": "meeting", "start": 1, "end": 9}]}, r"only 'statement'"),
        ({"new_actors": [{"id": "muster", "name": "X", "type": "Person"}]}, r"new_actors\[0\]: 'id' 'muster' is taken"),
        ({"new_actors": [{"id": "x", "name": "X", "type": "Robot"}]}, r"new_actors\[0\]: 'type' is 'Robot'"),
        ({"facts": []}, r"facts: expected an object"),
        ({"colour": 1}, r"unknown key 'colour'"),
    ],
)
def test_bad_decisions_name_the_fact_and_the_field(review, decisions, says):
    with pytest.raises(ReviewError, match=says):
        apply_decisions(review, decisions)


def test_rejecting_an_actor_with_its_facts(review):
    sheet = apply_decisions(
        review, {"facts": {"actors[0]": "reject", "meetings[0]": "reject", "statements[0]": "reject"}}
    )
    assert [a.id for a in sheet.actors] == ["beispiel", "tokio"]


def test_the_corrected_seed_sheet_ingests_and_changes_the_graph(tmp_path):
    review = draft_review(SEED_TEXT.read_bytes(), source=str(SEED_TEXT))
    statements = review["sheet"]["statements"]
    assert len(statements) >= 2
    rejected = statements[0]["quote"]
    path = tmp_path / "corrected.yaml"
    path.write_text(dump_factsheet(apply_decisions(review, {"facts": {"statements[0]": "reject"}})), encoding="utf-8")
    with kg.open("memory:", offline=True) as graph:
        graph.ingest(load_factsheet(path))
        quotes = {row["quote"] for row in graph.query("SELECT ?quote WHERE { ?s a kg:Statement ; schema:text ?quote }")}
    assert rejected not in quotes and statements[1]["quote"] in quotes


# --------------------------------------------------------------------------- the loopback server


def _post(url, body, media="application/json", host=None):
    request = urllib.request.Request(
        url, data=body if isinstance(body, bytes) else json.dumps(body).encode(), method="POST"
    )
    request.add_header("Content-Type", media)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture()
def server(review, tmp_path):
    srv = ReviewServer(review, save_to=tmp_path / "out" / "corrected.json")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()


def test_server_is_loopback_only(review):
    with pytest.raises(UsageError, match="loopback"):
        ReviewServer(review, host="0.0.0.0")


def test_server_serves_the_draft_and_writes_only_the_named_file(server, tmp_path):
    with urllib.request.urlopen(server.url + "api/review", timeout=10) as response:
        document = json.load(response)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert document["text"] == TEXT and document["save"] == "corrected.json"
    assert 'data-f="meetings[0]"' in document["html"] and 'class="hl meeting"' in document["html"]
    status, body = _post(server.url + "api/preview", {"facts": {"meetings[0]": "reject"}})
    assert status == 200 and 'class="hl meeting rejected"' in json.loads(body)["html"]
    status, body = _post(server.url + "api/sheet?format=yaml", {"facts": {"meetings[0]": "reject"}})
    assert status == 200 and "meetings: []" in body
    assert not (tmp_path / "out").exists()  # a download writes nothing
    status, body = _post(server.url + "api/save", {"facts": {"meetings[0]": "reject"}})
    assert status == 200 and json.loads(body)["saved"].endswith("corrected.json")
    assert os.listdir(tmp_path / "out") == ["corrected.json"]  # no temporary file left beside it
    assert load_factsheet(tmp_path / "out" / "corrected.json").meetings == []


def test_server_refuses_bad_requests(server):
    status, body = _post(server.url + "api/save", {"facts": {"statements[0]": {"speaker": "x"}}})
    assert status == 400 and "statements[0]" in json.loads(body)["message"]
    assert _post(server.url + "api/save", b"facts=1", media="application/x-www-form-urlencoded")[0] == 415
    assert _post(server.url + "api/save", b"{", media="application/json")[0] == 400
    assert _post(server.url + "api/save", {}, host="evil.example:80")[0] == 403
    assert _post(server.url + "api/other", {})[0] == 404
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url + "static/../../errors.py", timeout=10)
    assert info.value.code == 404


def test_save_without_a_file_says_how(review):
    srv = ReviewServer(review)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        status, body = _post(srv.url + "api/save", {})
        assert status == 400 and "--save FILE" in json.loads(body)["message"]
    finally:
        srv.shutdown()


@pytest.mark.server
def test_kg_review_command(tmp_path):
    store = tmp_path / "store"
    target = tmp_path / "corrected.yaml"
    env = {**os.environ, "KG_STORE": str(store), "KG_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "review", str(SEED_TEXT), "--save", str(target)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        status, _ = _post(url + "api/save", {"facts": {"statements[0]": "reject"}})
        assert status == 200
    finally:
        process.terminate()
        process.wait(10)
    assert load_factsheet(target).method.endswith("reviewed")
    assert not store.exists()  # the store is never opened


@pytest.mark.server
def test_kg_review_url_fetches_the_page(tmp_path):
    """``kg review URL`` fetches as ``kg ingest URL`` does (here from a server on 127.0.0.1)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = SEED_TEXT.read_bytes()

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            found = self.path == "/article.txt"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

    site = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    target = tmp_path / "corrected.json"
    env = {**os.environ, "KG_STORE": str(tmp_path / "store"), "KG_OFFLINE": "1", "KG_FETCH_INTERVAL": "0"}
    env["KG_CONTACT"] = "desk@example.org"
    page_url = f"http://127.0.0.1:{site.server_address[1]}/article.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "review", page_url, "--save", str(target)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url and page_url in line, line
        with urllib.request.urlopen(url.group(0) + "api/review", timeout=10) as response:
            assert json.load(response)["text"] == SEED_TEXT.read_text(encoding="utf-8")
        assert _post(url.group(0) + "api/save", {})[0] == 200
    finally:
        process.terminate()
        process.wait(10)
        site.shutdown()
    assert load_factsheet(target).statements


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no-such-article.txt"], "no-such-article.txt: no such file"),
        ([str(SEED_TEXT), "--published", "10.4.2025"], "--published '10.4.2025': expected a date YYYY-MM-DD"),
        (["ftp://example.org/a.txt"], "only http and https URLs"),
    ],
)
def test_kg_review_bad_input_is_a_usage_error(tmp_path, args, says):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["--store", str(tmp_path / "store"), "review", *args])
    assert result.exit_code == 2 and says in result.stderr, result.stderr
