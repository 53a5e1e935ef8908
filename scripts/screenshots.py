"""Screenshots of kg's views (article, actor, network, search) in headless Chromium.

    .venv/bin/python scripts/screenshots.py --store out/demo-store --out out

Serves the store on a free loopback port (as ``kg serve`` does), opens each view in headless
Chromium (Debian's chromium + chromium-driver, driven by selenium) and writes
``view-article.png``, ``view-actor.png``, ``view-network.png`` and ``view-search.png``. Without
Chromium or selenium it says so and exits 0 (``make demo`` goes on). ``make demo`` runs it on
the demo store; docs/img/ keeps a copy for the README.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import threading
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ACTOR = "Q57792"  # Mark Rutte, the seed article's main actor
SEARCH = "Ishiba"


def _driver(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(
        service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    driver.set_page_load_timeout(60)
    return driver


def _ready(driver, script: str = "return document.body.getAttribute('data-ready') === '1'", seconds: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(lambda d: d.execute_script(script))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="an on-disk kg store")
    parser.add_argument("--out", default="out", help="folder for the PNG files")
    args = parser.parse_args(argv)
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("screenshots skipped: selenium is not installed (pip install -e '.[test]')")
        return 0
    if not CHROMIUM.exists() or not (shutil.which("chromedriver") or Path("/usr/bin/chromedriver").exists()):
        print("screenshots skipped: headless Chromium is absent (make browser installs chromium + chromium-driver)")
        return 0

    from kg.serve import ServeConfig, make_server

    logging.getLogger("kg.serve").setLevel(logging.ERROR)  # idle keep-alive connections closed: not news
    from kg.store import open_store

    store = open_store(args.store, read_only=True)
    key = str(store.query("SELECT ?a WHERE { ?a a <https://w3id.org/kg-news/ontology#Article> } LIMIT 1").rows[0][0])
    store.close()
    key = key.rsplit("/", 1)[-1]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = make_server(ServeConfig(store=args.store, port=0, workers=1, timeout=30))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    shots = []
    try:
        driver = _driver(1400, 1000)
        try:
            driver.get(f"{server.url}/articles/{key}")
            _ready(driver)
            # a quote, flashed as when its fact is clicked in the list
            driver.execute_script("var li = document.querySelector('#facts li.statement'); if (li) li.click();")
            time.sleep(1.0)
            shots.append(("view-article.png", driver.get_screenshot_as_png()))
            driver.set_window_size(1400, 1900)
            driver.get(f"{server.url}/actors/{ACTOR}")
            _ready(driver, "return !!(window.kgEgo && window.kgTimeline)")
            time.sleep(2.5)  # the force layout settles
            driver.execute_script("window.kgEgo.network.fit(); window.kgTimeline.timeline.fit();")
            time.sleep(0.8)
            shots.append(("view-actor.png", driver.get_screenshot_as_png()))
            driver.set_window_size(1400, 1000)
            driver.get(f"{server.url}/network")
            _ready(driver, "return !!window.kgNetwork")
            time.sleep(2.5)
            driver.execute_script("window.kgNetwork.network.fit();")
            time.sleep(0.5)
            shots.append(("view-network.png", driver.get_screenshot_as_png()))
            driver.get(f"{server.url}/network")
            _ready(driver)
            box = driver.find_element("id", "kg-q")
            box.send_keys(SEARCH)
            _ready(driver, "return document.querySelectorAll('#kg-suggest a').length > 0")
            time.sleep(0.3)
            shots.append(("view-search.png", driver.get_screenshot_as_png()))
        finally:
            driver.quit()
    finally:
        server.shutdown()
        server.server_close()
    for name, png in shots:
        (out / name).write_bytes(png)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
