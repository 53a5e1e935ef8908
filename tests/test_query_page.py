"""The query page at / in headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
type a query, run it, see the table; pick a stored query with a parameter; see an error explained."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEED_SHEET
from servers import running_kg_server

from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.serve import ServeConfig
from kg.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="headless Chromium is absent: 'make test' installs the Debian packages chromium "
        "and chromium-driver when run as root",
    ),
]


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
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _wait(driver, condition, seconds=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(lambda d: condition(d))


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
