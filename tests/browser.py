"""Headless Chromium for the page tests: Debian's chromium + chromium-driver, driven by selenium.

``make browser`` (part of ``make test``) installs both when run as root; without them the page
tests skip with the reason in :data:`MARKS`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")

# a page-test module's pytestmark
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="headless Chromium is absent: 'make test' installs the Debian packages chromium "
        "and chromium-driver when run as root",
    ),
]


def chromium(width: int = 1280, height: int = 900, *, downloads: Path | None = None, console_log: bool = False):
    """A headless Chromium driver: ``downloads`` takes downloads without asking; ``console_log``
    keeps the page's console messages (``driver.get_log("browser")``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait(driver, condition, seconds: float = 15):
    """Wait until ``condition(driver)`` is true; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(lambda d: condition(d))
