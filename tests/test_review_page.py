"""The review page (kg review) in headless Chromium: reject a fact, edit a speaker, add a quote
by selecting text (offsets exact in code points, also after astral characters), download and
save the corrected sheet, and ingest it: the graph changes accordingly."""

from __future__ import annotations

import json
import threading
import time

import pytest
from browser import MARKS, chromium, wait
from conftest import SEED_TEXT

import kg
from kg.model import load_factsheet, parse_factsheet
from kg.review import ReviewServer, draft_review, review_document

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

pytestmark = MARKS

# Selects `needle` in #article the way a mouse would: a DOM Range between two text nodes
# and UTF-16 offsets within them. The page must turn this into code-point offsets itself.
SELECT_JS = """
const [needle] = arguments;
const article = document.getElementById("article");
const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
const nodes = [];
for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
const full = nodes.map((n) => n.data).join("");
const at = full.indexOf(needle);
if (at < 0) return false;
function locate(pos, preferNext) {
  let seen = 0;
  for (const n of nodes) {
    const end = seen + n.data.length;
    if (pos < end || (!preferNext && pos === end)) return [n, pos - seen];
    seen = end;
  }
  const last = nodes[nodes.length - 1];
  return [last, last.data.length];
}
const [sn, so] = locate(at, true);
const [en, eo] = locate(at + needle.length, false);
const range = document.createRange();
range.setStart(sn, so);
range.setEnd(en, eo);
const selection = document.getSelection();
selection.removeAllRanges();
selection.addRange(range);
return true;
"""


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    driver = chromium(1400, 1000, downloads=downloads)
    yield driver
    driver.quit()


def _wait(driver, condition, seconds=15):
    return wait(driver, condition, seconds)


def _serve(review, save_to=None):
    server = ReviewServer(review, save_to=save_to)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _open(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def _idle(browser):
    """Until the page has the article's marked text back (after adding a quote or an actor)."""
    _wait(browser, lambda d: d.execute_script("return !document.body.dataset.busy"))


def _select(browser, needle):
    from selenium.webdriver.common.by import By

    _idle(browser)
    browser.execute_script("delete document.getElementById('sel-range').dataset.start")
    assert browser.execute_script(SELECT_JS, needle)
    _wait(browser, lambda d: d.find_element(By.ID, "sel-range").get_attribute("data-start"))
    shown = browser.find_element(By.ID, "sel-range")
    return int(shown.get_attribute("data-start")), int(shown.get_attribute("data-end"))


def _statement_rows(graph):
    query = """
    PREFIX kg: <https://w3id.org/kg-news/ontology#>
    PREFIX schema: <https://schema.org/>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?quote ?speaker ?start ?end WHERE {
      ?s a kg:Statement ; schema:text ?quote ; schema:spokenByCharacter ?who ; prov:wasDerivedFrom ?g .
      OPTIONAL { ?s kg:span ?span . ?span oa:start ?start ; oa:end ?end }
      GRAPH ?g { ?who schema:name ?speaker }
    }"""
    return [dict(row) for row in graph.query(query)]


def test_review_the_seed_article_and_ingest_the_corrected_sheet(browser, downloads, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    review = draft_review(SEED_TEXT.read_bytes(), source=str(SEED_TEXT))
    text, draft = review["text"], review["sheet"]
    persons = {a["id"]: a["name"] for a in draft["actors"] if a["type"] == "Person"}
    # the fact to reject, the statement whose speaker to change, and a new speaker for it
    rejected = draft["statements"][0]["quote"]
    edited = draft["statements"][1]
    new_speaker = next(i for i in sorted(persons) if i != edited["speaker"])
    # a sentence no drafted statement covers, with umlauts, to add as a quote
    covered = [tuple(s["span"]) for s in draft["statements"] if s.get("span")]
    needle = next(
        line.strip()
        for line in text.splitlines()
        if len(line.strip()) > 40
        and any(c in line for c in "äöüß")
        and not any(
            a < text.index(line.strip()) + len(line.strip()) and text.index(line.strip()) < b for a, b in covered
        )
    )
    expected = (text.index(needle), text.index(needle) + len(needle))
    save_to = tmp_path / "saved.yaml"
    server = _serve(review, save_to)
    try:
        _open(browser, server)
        browser.find_element(By.CSS_SELECTOR, '[data-ref="statements[0]"] button.reject').click()
        assert "rejected" in browser.find_element(By.CSS_SELECTOR, '[data-ref="statements[0]"]').get_attribute("class")
        browser.find_element(By.CSS_SELECTOR, '[data-ref="statements[1]"] button.edit').click()
        Select(browser.find_element(By.ID, "statements-1-speaker")).select_by_value(new_speaker)
        assert "edited" in browser.find_element(By.CSS_SELECTOR, '[data-ref="statements[1]"]').get_attribute("class")
        assert _select(browser, needle) == expected
        assert browser.find_element(By.ID, "sel-text").text == needle
        Select(browser.find_element(By.ID, "sel-speaker")).select_by_value(edited["speaker"])
        browser.find_element(By.ID, "add-quote").click()
        assert "(1)" in browser.find_element(By.ID, "added-count").text
        browser.find_element(By.ID, "download-yaml").click()
        target = downloads / f"{SEED_TEXT.stem}.corrected.yaml"
        _wait(browser, lambda d: target.exists() and target.stat().st_size > 0)
        browser.find_element(By.ID, "save").click()
        _wait(browser, lambda d: "saved" in d.find_element(By.ID, "status").text)
    finally:
        server.shutdown()
    time.sleep(0.2)  # the download is renamed into place when complete
    assert target.read_text(encoding="utf-8") == save_to.read_text(encoding="utf-8")
    with kg.open("memory:", offline=True) as graph:
        graph.ingest(load_factsheet(target))  # as any curated sheet
        rows = _statement_rows(graph)
    quotes = {row["quote"]: row for row in rows}
    assert rejected not in quotes
    assert quotes[edited["quote"]]["speaker"] == persons[new_speaker]
    added = quotes[needle]
    assert (added["start"], added["end"]) == expected
    assert text[added["start"] : added["end"]] == needle
    assert len(rows) == len(draft["statements"])  # one rejected, one added


def test_selection_offsets_count_code_points(browser):
    """Astral characters are two UTF-16 units in the browser but one code point in the sheet."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    text = "🇯🇵 𝔗𝔬𝔨𝔦𝔬 — Ministerin Erika Muster 😀 sagte: „Wir bleiben 𝔴𝔞𝔠𝔥𝔰𝔞𝔪 🙂.“ Ende der 𝔐𝔢𝔩𝔡𝔲𝔫𝔤."
    at = text.index("Erika Muster")
    sheet = parse_factsheet(
        {
            "language": "de",
            "actors": [{"id": "muster", "name": "Erika Muster", "type": "Person", "mentions": [[at, at + 12]]}],
            "meetings": [],
            "missions": [],
            "statements": [],
        }
    )
    server = _serve(review_document(sheet, text, "unicode.txt"))
    try:
        _open(browser, server)
        needle = "Wir bleiben 𝔴𝔞𝔠𝔥𝔰𝔞𝔪 🙂."
        start, end = _select(browser, needle)
        assert (start, end) == (text.index(needle), text.index(needle) + len(needle))
        # a selection whose ends are element boundaries (around the highlighted actor), not text offsets
        browser.execute_script(
            """const segment = document.querySelector('#article .hl.actor');
            const range = document.createRange();
            range.selectNode(segment);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);"""
        )
        _wait(browser, lambda d: d.find_element(By.ID, "sel-text").text == "Erika Muster")
        shown = browser.find_element(By.ID, "sel-range")
        assert (int(shown.get_attribute("data-start")), int(shown.get_attribute("data-end"))) == (at, at + 12)
        # a selection across the highlighted actor and white space around it
        start, end = _select(browser, " Ministerin Erika Muster 😀 ")
        assert text[start:end] == "Ministerin Erika Muster 😀"
        Select(browser.find_element(By.ID, "sel-type")).select_by_value("Person")
        browser.find_element(By.ID, "add-actor").click()
        _select(browser, needle)
        Select(browser.find_element(By.ID, "sel-speaker")).select_by_visible_text("Ministerin Erika Muster 😀 (Person)")
        browser.find_element(By.ID, "add-quote").click()
        sheet_text = browser.execute_async_script(
            """const done = arguments[arguments.length - 1];
            fetch('/api/sheet?format=json', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify(decisions())}).then((r) => r.text()).then(done);"""
        )
    finally:
        server.shutdown()
    corrected = json.loads(sheet_text)
    statement = corrected["statements"][0]
    assert text[statement["span"][0] : statement["span"][1]] == statement["quote"] == needle
    assert corrected["actors"][1]["mentions"] == [[text.index("Ministerin"), text.index("Ministerin") + 25]]
    assert statement["speaker"] == corrected["actors"][1]["id"]


def test_edit_a_meeting_and_reject_an_actor(browser):
    """Participants (a multiple choice), date and status of a meeting; an unused actor rejected."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    text = "Die Ministerin Erika Muster traf am Montag Max Beispiel und Lena Probe in Köln."
    evidence = text
    sheet = parse_factsheet(
        {
            "language": "de",
            "published": "2025-04-10",
            "actors": [
                {"id": "muster", "name": "Erika Muster", "type": "Person"},
                {"id": "beispiel", "name": "Max Beispiel", "type": "Person"},
                {"id": "probe", "name": "Lena Probe", "type": "Person"},
                {"id": "koeln", "name": "Köln", "type": "Place"},
            ],
            "meetings": [
                {
                    "kind": "meeting",
                    "participants": ["muster", "beispiel"],
                    "date": None,
                    "place": "koeln",
                    "evidence": evidence,
                    "span": [0, len(evidence)],
                }
            ],
            "missions": [],
            "statements": [],
        }
    )
    server = _serve(review_document(sheet, text, "meeting.txt"))
    try:
        _open(browser, server)
        browser.find_element(By.CSS_SELECTOR, '[data-ref="meetings[0]"] button.edit').click()
        Select(browser.find_element(By.ID, "meetings-0-participants")).select_by_value("probe")
        date = browser.find_element(By.ID, "meetings-0-date")
        date.send_keys("2025-04-07")
        Select(browser.find_element(By.ID, "meetings-0-status")).select_by_value("held")
        browser.find_element(By.ID, "group-actors").click()  # open the actor list
        browser.find_element(By.CSS_SELECTOR, '[data-ref="actors[3]"] button.reject').click()
        # the place refers to the rejected actor: the page shows the error the server names
        browser.find_element(By.ID, "download-json").click()
        error = _wait(
            browser, lambda d: d.find_element(By.ID, "error").is_displayed() and d.find_element(By.ID, "error")
        )
        assert "actors[3]" in error.text and "meetings[0]" in error.text and "'place'" in error.text
        Select(browser.find_element(By.ID, "meetings-0-place")).select_by_value("")
        sheet_text = browser.execute_async_script(
            """const done = arguments[arguments.length - 1];
            fetch('/api/sheet?format=json', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify(decisions())}).then((r) => r.text()).then(done);"""
        )
    finally:
        server.shutdown()
    corrected = json.loads(sheet_text)
    meeting = corrected["meetings"][0]
    assert meeting["participants"] == ["muster", "beispiel", "probe"]
    assert (meeting["date"], meeting["status"], meeting["place"]) == ("2025-04-07", "held", None)
    assert [a["id"] for a in corrected["actors"]] == ["muster", "beispiel", "probe"]
