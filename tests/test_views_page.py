"""The views in headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
search "Rutte" → his actor page with the ego network and the timeline drawn by the vendored
libraries → a statement's link → the article view with that quote highlighted at its offsets."""

from __future__ import annotations

import pytest
from browser import MARKS, chromium, wait
from conftest import SEED_SHEET, SEED_TEXT
from servers import running_kg_server

from kg.ingest import ingest_factsheet
from kg.model import attach_text, load_factsheet
from kg.serve import ServeConfig
from kg.store import open_store

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
TEXT = SEED_TEXT.read_text(encoding="utf-8")

pytestmark = MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("views-page") / "store"
    store = open_store(str(path))
    ingest_factsheet(store, attach_text(load_factsheet(SEED_SHEET), SEED_TEXT))
    store.close()
    with running_kg_server(ServeConfig(store=str(path), workers=1, timeout=10)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    driver = chromium(console_log=True)
    yield driver
    driver.quit()


def _wait(driver, condition, seconds=20):
    return wait(driver, condition, seconds)


def _loaded_from(driver) -> list[str]:
    """Every resource the page loaded (the page itself included)."""
    return driver.execute_script(
        "return [location.href].concat(performance.getEntriesByType('resource').map(function (e) { return e.name; }))"
    )


def _errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_search_rutte_actor_page_network_timeline_statement_article(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/network")
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    box = browser.find_element(By.ID, "kg-q")
    box.send_keys("Rutte")
    suggestion = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#kg-suggest a"))
    assert "Mark Rutte" in suggestion[0].text  # the search box suggests as you type (/api/search)
    box.send_keys(Keys.ENTER)  # one match: the search goes straight to his page
    _wait(browser, lambda d: d.current_url.endswith("/actors/Q57792"))
    _wait(browser, lambda d: d.execute_script("return !!(window.kgEgo && window.kgTimeline)"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Mark Rutte"

    # the ego network, read from vis-network's own data (what it draws)
    ids = browser.execute_script("return window.kgEgo.network.body.data.nodes.getIds()")
    labels = browser.execute_script(
        "return window.kgEgo.network.body.data.nodes.get().map(function (n) { return n.label; })"
    )
    assert {"Shigeru Ishiba", "Gen Nakatani"} <= set(labels)
    assert "https://w3id.org/kg-news/id/actor/Q1335527" in ids and "https://w3id.org/kg-news/id/actor/Q5530859" in ids
    drawn = browser.execute_script("return Object.keys(window.kgEgo.network.getPositions())")
    assert set(ids) == set(drawn)
    width = browser.execute_script(
        "var e = window.kgEgo.network.body.data.edges.get().filter(function (e) {"
        " return e.to === 'https://w3id.org/kg-news/id/actor/Q57792' && e.from === 'https://w3id.org/kg-news/id/actor/Q1335527'; });"
        " return e.length ? e[0].meetings : null"
    )
    assert width >= 1  # the edge is drawn with its weight (meetings, counted in test_views.py)

    # the timeline: vis-timeline's items and the elements it drew
    items = browser.execute_script(
        "return window.kgTimeline.timeline.itemsData.get().map(function (i) { return [i.kgType, i.kgDate, i.content]; })"
    )
    meetings = {(date, content) for kind, date, content in items if kind == "meeting"}
    assert any(d == "2025-04-08" and "Nakatani" in c for d, c in meetings)
    assert any(d == "2025-04-09" and "Ishiba" in c for d, c in meetings)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline .vis-item.meeting")) >= 3

    # a statement's link opens the article view with the quote highlighted at its offsets
    link = browser.find_element(By.CSS_SELECTOR, "ul.statements a.quote[data-start]")
    start, end = int(link.get_attribute("data-start")), int(link.get_attribute("data-end"))
    link.click()
    _wait(browser, lambda d: "/articles/" in d.current_url and f"#span-{start}-{end}" in d.current_url)
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-text .hl.flash"))
    fact = browser.find_element(By.CSS_SELECTOR, "#facts li.active").get_attribute("data-f")
    pieces = browser.find_elements(By.CSS_SELECTOR, f'#article-text [data-f="{fact}"]')
    text = browser.execute_script("return arguments[0].map(function (p) { return p.textContent; }).join('')", pieces)
    assert text == TEXT[start:end]
    assert {p.get_attribute("data-start") for p in pieces} == {str(start)}
    assert "statement" in pieces[0].get_attribute("class") and "flash" in pieces[0].get_attribute("class")
    assert all(url.startswith(server.url) for url in _loaded_from(browser))
    assert _errors(browser) == []


def test_article_view_facts_flash_their_spans(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/articles/e33a0e041a549ff6")
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    items = browser.find_elements(By.CSS_SELECTOR, "#facts li")
    assert len(items) > 20
    meeting = next(li for li in items if "meeting" in li.get_attribute("class"))
    ActionChains(browser).move_to_element(meeting).perform()  # hovering flashes the span
    fact = meeting.get_attribute("data-f")
    _wait(
        browser,
        lambda d: "flash" in d.find_element(By.CSS_SELECTOR, f'#article-text [data-f="{fact}"]').get_attribute("class"),
    )
    # actors are coloured by type and link to their page
    person = browser.find_element(By.CSS_SELECTOR, '#article-text .hl.actor.t-person[data-actor="Q57792"]')
    person.click()
    _wait(browser, lambda d: d.current_url.endswith("/actors/Q57792"))
    assert all(url.startswith(server.url) for url in _loaded_from(browser))


def test_network_page(server, browser):
    browser.get(server.url + "/network")
    _wait(browser, lambda d: d.execute_script("return !!window.kgNetwork"))
    labels = browser.execute_script("return window.kgNetwork.nodes.get().map(function (n) { return n.label; })")
    assert "Mark Rutte" in labels and len(labels) >= 5
    assert all(url.startswith(server.url) for url in _loaded_from(browser))
    assert _errors(browser) == []


def test_reports_work_offline_as_files(server, browser, tmp_path):
    import kg

    graph = kg.open(tmp_path / "store")
    graph.ingest(attach_text(load_factsheet(SEED_SHEET), SEED_TEXT))
    report = graph.report(tmp_path / "rutte.html", actor="Q57792")
    graph.close()
    browser.get(report.as_uri())
    _wait(browser, lambda d: d.execute_script("return !!(window.kgEgo && window.kgTimeline)"))
    labels = browser.execute_script("return window.kgEgo.nodes.get().map(function (n) { return n.label; })")
    assert "Shigeru Ishiba" in labels
    assert _loaded_from(browser) == [report.as_uri()]  # nothing else loaded: everything is inline
    assert _errors(browser) == []
