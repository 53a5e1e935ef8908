"""Screenshots of the review page (kg review) and of the query page (kg serve) in headless Chromium.

    .venv/bin/python scripts/screenshots_review.py --store out/demo-store --article examples/dw-japan-nato/article.txt --out out

Writes ``view-review.png`` (the seed article's draft: one statement rejected, one quote being
added from a selection) and ``view-query.png`` (a stored query with its parameter, links and
Prev/Next). Without Chromium or selenium it says so and exits 0, as ``scripts/screenshots.py``
does, whose browser set-up it uses. docs/img/ keeps a copy for the README.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from screenshots import CHROMIUM, _driver, _ready

QUERY = "#query=meetings&actor=Q57792"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="an on-disk kg store")
    parser.add_argument("--article", required=True, help="an article file whose draft is reviewed")
    parser.add_argument("--out", default="out", help="folder for the PNG files")
    args = parser.parse_args(argv)
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("screenshots skipped: selenium is not installed (pip install -e '.[test]')")
        return 0
    if not CHROMIUM.exists():
        print("screenshots skipped: headless Chromium is absent (make browser installs chromium + chromium-driver)")
        return 0

    from kg.review import ReviewServer, draft_review
    from kg.serve import ServeConfig, make_server

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    review = ReviewServer(draft_review(Path(args.article).read_bytes(), source=args.article))
    threading.Thread(target=review.serve_forever, daemon=True).start()
    server = make_server(ServeConfig(store=args.store, port=0, workers=1, timeout=30))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    try:
        driver = _driver(1400, 1000)
        try:
            driver.get(review.url)
            _ready(driver, "return document.body.dataset.ready === 'true'")
            driver.execute_script(
                """document.querySelector('[data-ref="statements[0]"] button.reject').click();
                const card = document.querySelector('[data-ref="statements[1]"]');
                card.querySelector('button.edit').click();
                const text = [...document.getElementById('article').childNodes]
                  .filter((n) => n.nodeType === Node.TEXT_NODE)
                  .sort((a, b) => b.length - a.length)[0];
                const range = document.createRange();
                range.setStart(text, 1);
                range.setEnd(text, Math.min(text.length, 80));
                document.getSelection().addRange(range);
                document.querySelector('#article .rejected').scrollIntoView({block: 'center'});"""
            )
            time.sleep(0.5)
            _save(driver, out / "view-review.png")
            driver.get(server.url + "/" + QUERY)
            _ready(driver, "return !document.getElementById('results').hidden")
            driver.execute_script("document.getElementById('results').scrollIntoView({block: 'end'})")
            time.sleep(0.3)
            _save(driver, out / "view-query.png")
        finally:
            driver.quit()
    finally:
        review.shutdown()
        server.shutdown()
        server.server_close()
    return 0


def _save(driver, path: Path) -> None:
    path.write_bytes(driver.get_screenshot_as_png())
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
