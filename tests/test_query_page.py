"""The query page at / in headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
type a query, run it, see the table; pick a stored query with a parameter; see an error explained."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser import MARKS, chromium, wait
from conftest import SEED_SHEET
from servers import running_kg_server

from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.serve import ServeConfig
from kg.store import open_store

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

pytestmark = MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "store"
    store = open_store(str(path))
    ingest_factsheet(store, load_factsheet(SEED_SHEET))
    store.close()
    with running_kg_server(ServeConfig(store=str(path), workers=1, timeout=5)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    driver = chromium(1280, 900)
    yield driver
    driver.quit()


def _wait(driver, condition, seconds=15):
    return wait(driver, condition, seconds)


def _open(driver, url):
    """A fresh load (a change of the #fragment alone would keep the last table on screen)."""
    driver.get("about:blank")
    driver.get(url)


def _table(driver) -> tuple[list[str], list[list[str]]]:
    from selenium.webdriver.common.by import By

    head = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#results thead th")]
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    ]
    return head, rows


def test_type_a_query_run_it_see_the_table(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT ?name WHERE { ?a owl:sameAs wd:Q57792 ; schema:name ?name } ORDER BY ?name LIMIT 5")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    head, rows = _table(browser)
    assert head == ["name"]
    assert rows and all("Rutte" in row[0] for row in rows)
    assert "row" in browser.find_element(By.ID, "status").text
    assert not browser.find_element(By.ID, "download-csv").get_attribute("disabled")


def test_pick_a_stored_query_with_a_parameter(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    _wait(browser, lambda d: d.find_element(By.ID, "stored").get_attribute("data-loaded") == "true")
    Select(browser.find_element(By.ID, "stored")).select_by_value("meetings")
    browser.find_element(By.ID, "param-actor").send_keys("Q57792")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    head, rows = _table(browser)
    assert "counterpart" in head
    column = head.index("counterpart")
    assert any("Ishiba" in row[column] for row in rows)


def test_errors_are_shown_not_swallowed(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("DROP ALL")
    browser.find_element(By.ID, "run").click()
    error = _wait(browser, lambda d: d.find_element(By.ID, "error").is_displayed() and d.find_element(By.ID, "error"))
    assert "403" in error.text and "read-only" in error.text
    assert not browser.find_element(By.ID, "results").is_displayed()


def test_stored_query_shown_without_header_and_without_parameter_columns(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    _wait(browser, lambda d: d.find_element(By.ID, "stored").get_attribute("data-loaded") == "true")
    Select(browser.find_element(By.ID, "stored")).select_by_value("meetings")
    text = browser.find_element(By.ID, "query").get_attribute("value")
    assert "SELECT" in text and "#+" not in text and "summary:" not in text
    browser.find_element(By.ID, "param-actor").send_keys("Q57792")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    head, rows = _table(browser)
    assert rows and not [h for h in head if h.startswith("_")]  # ?_actor_iri, ?__since_xsd_date …


def test_iris_and_qids_are_links(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.url + "/#query=meetings&actor=Q57792")
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results td a")}
    assert server.url + "/actors/Q1335527" in hrefs  # a counterpart's QID → the actor view
    assert "https://www.wikidata.org/wiki/Q1335527" in hrefs  # … and Wikidata
    names = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results td a")}
    assert names["Shigeru Ishiba"] == server.url + "/actors/Q1335527"  # the counterpart's name, by its QID column
    _open(browser, server.url + "/#query=statements&actor=Q57792")
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results td a")}
    articles = [h for h in hrefs if h.startswith(server.url + "/articles/")]  # the source article → its view
    assert articles
    _open(browser, articles[0])
    _wait(browser, lambda d: "Japan und NATO" in d.page_source)  # the seed article's title
    _open(browser, server.url + "/#sparql=" + quote("SELECT ?a WHERE { ?a owl:sameAs wd:Q57792 } LIMIT 1"))
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    link = browser.find_element(By.CSS_SELECTOR, "#results td a")
    assert link.get_attribute("href") == server.url + "/actors/Q57792" and link.text == "Q57792"


def test_permalink_restores_the_form_and_runs_it(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    _wait(browser, lambda d: d.find_element(By.ID, "stored").get_attribute("data-loaded") == "true")
    Select(browser.find_element(By.ID, "stored")).select_by_value("statements")
    browser.find_element(By.ID, "param-actor").send_keys("Q57792")
    browser.find_element(By.ID, "param-since").send_keys("2025-01-01")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    first = _table(browser)
    permalink = browser.find_element(By.ID, "permalink").get_attribute("href")
    assert "query=statements" in permalink and "actor=Q57792" in permalink and "since=2025-01-01" in permalink
    _open(browser, permalink)
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    assert browser.find_element(By.ID, "stored").get_attribute("value") == "statements"
    assert browser.find_element(By.ID, "param-since").get_attribute("value") == "2025-01-01"
    assert _table(browser) == first
    # typed SPARQL travels in the permalink too
    _open(browser, server.url + "/#sparql=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }"))
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    assert _table(browser)[0] == ["n"]
    assert "COUNT(*)" in browser.find_element(By.ID, "query").get_attribute("value")


def test_paging_prev_next(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.url + "/#query=actors&limit=10")
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    first = _table(browser)[1]
    assert len(first) == 10
    assert "rows 1–10" in browser.find_element(By.ID, "page-info").text
    assert browser.find_element(By.ID, "prev").get_attribute("disabled")
    browser.find_element(By.ID, "next").click()
    _wait(browser, lambda d: "rows 11–20" in d.find_element(By.ID, "page-info").text)
    second = _table(browser)[1]
    assert second and not set(map(tuple, second)) & set(map(tuple, first))
    assert "offset=10" in browser.current_url  # the permalink names the page
    browser.find_element(By.ID, "prev").click()
    _wait(browser, lambda d: "rows 1–10" in d.find_element(By.ID, "page-info").text)
    assert _table(browser)[1] == first
    _open(browser, server.url + "/#query=meetings&actor=Q57792")  # one short page: no Prev/Next
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    assert not browser.find_element(By.ID, "paging").is_displayed()


def test_normal_results_need_no_horizontal_scrolling(server, browser):
    from selenium.webdriver.common.by import By

    for fragment in ("query=statements&actor=Q57792", "query=meetings&actor=Q57792", "query=actors"):
        _open(browser, server.url + "/#" + fragment)
        _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
        wide, seen = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert wide <= seen, fragment
        dates = browser.find_elements(By.CSS_SELECTOR, "#results td.date")
        assert all("\n" not in d.text for d in dates)


def test_csv_download_has_every_page(server, browser):
    import csv
    import io

    import requests
    from selenium.webdriver.common.by import By

    _open(browser, server.url + "/#query=actors&limit=10")
    _wait(browser, lambda d: d.find_element(By.ID, "results").is_displayed())
    browser.execute_script("window.saveBlob = (text) => { window.kgCsv = text; };")  # instead of a file
    browser.find_element(By.ID, "download-csv").click()
    text = _wait(browser, lambda d: d.execute_script("return window.kgCsv"))
    rows = list(csv.reader(io.StringIO(text)))
    whole = requests.get(f"{server.url}/api/queries/actors", params={"format": "csv", "limit": 1000}, timeout=10)
    assert rows == list(csv.reader(io.StringIO(whole.text)))
    assert len(rows) > 11  # more than the one page of 10 rows shown
