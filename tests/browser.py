"""Headless Chromium for the HTML tests and the docs screenshot: Debian's `chromium` driven by
Selenium through Debian's `chromedriver`, so nothing is downloaded (Selenium Manager is never
asked) and the browser makes no connection of its own (this machine's network is closed).

`python -m tests.browser OUT.png` renders the shipped example digest and saves a screenshot.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = Path(os.environ.get("DIGESTKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("DIGESTKIT_CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def missing() -> list[str]:
    """The browser files that are not installed (`.ci/run` installs Debian's packages)."""
    return [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]


@contextmanager
def chromium(width: int = 1000, height: int = 800, *extra_flags: str) -> Iterator[WebDriver]:
    """A Selenium WebDriver for headless Chromium with a throwaway profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="digestkit-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, *extra_flags):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(60)
            yield driver
        finally:
            driver.quit()


def screenshot_example(target: Path, width: int = 1000) -> None:
    """The shipped example digest as an HTML page, captured whole at `width` pixels."""
    import digestkit
    from digestkit.cli import main

    example = Path(digestkit.__file__).parent / "examples" / "daily-papers.md"
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder, "example.html")
        assert main(["convert", str(example), "-o", str(page)]) == 0
        with chromium(width, 800) as driver:
            driver.get(page.as_uri())
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, int(height) + 40)
            driver.save_screenshot(str(target))


if __name__ == "__main__":
    screenshot_example(Path(sys.argv[1]))
