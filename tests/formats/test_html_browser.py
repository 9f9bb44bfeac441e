"""The HTML pages in a real browser: headless Chromium opens a page and the site index from
`file://`, and the rendered DOM is checked (articles, images, the CSP-approved stylesheet, dark
mode, phone width, the index's links). Under CI (`CI` set) a missing browser fails the run."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import digestkit

from .. import browser
from ..cli.test_cli import COMMAND, DIGESTS, EXAMPLE
from .test_html import hostile_document

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    absent = browser.missing()
    if absent:
        message = (
            f"no headless browser: {', '.join(absent)} missing (Debian: chromium, chromium-driver)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with browser.chromium(1000, 800) as chrome:
        yield chrome


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`convert in/ --to html --split site/` over the example (2024/10/21) and two fixture days."""
    root = tmp_path_factory.mktemp("site")
    inputs = root / "in"
    for source, relative in [
        (EXAMPLE, Path("2024/10/21.md")),
        *((path, path.relative_to(DIGESTS)) for path in sorted(DIGESTS.rglob("*.md"))),
    ]:
        (inputs / relative).parent.mkdir(parents=True, exist_ok=True)
        (inputs / relative).write_bytes(source.read_bytes())
    result = subprocess.run(
        [*COMMAND, "convert", "in", "--to", "html", "--split", "site"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


def run(driver: WebDriver, script: str) -> Any:
    return driver.execute_script(script)


def test_page_renders_articles_media_and_its_stylesheet(
    driver: WebDriver, site: Path, tmp_path: Path
) -> None:
    page = site / "2024" / "10" / "21.html"
    driver.get(page.as_uri())
    document = digestkit.parse_file(EXAMPLE)
    assert driver.title == "Daily Papers 2024-10-21"
    assert run(driver, "return document.querySelectorAll('article.paper').length") == len(
        document.papers
    )
    images = run(
        driver,
        "return [...document.querySelectorAll('article img')].map(i => "
        "[i.getAttribute('src'), i.alt, i.loading, i.getBoundingClientRect().width])",
    )
    assert images == [
        [
            "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2410.00001.png",
            "Thumbnail: " + document.papers[0].title,
            "lazy",
            pytest.approx(images[0][3]),
        ]
    ]
    assert images[0][3] > 0  # laid out, even though offline it cannot load
    videos = run(
        driver,
        "return [...document.querySelectorAll('article video')].map(v => "
        "[v.currentSrc || v.getAttribute('src'), v.controls, v.preload])",
    )
    assert videos == [[document.papers[1].media.url, True, "none"]]  # type: ignore[union-attr]
    # The inline stylesheet passed the Content-Security-Policy (its hash is in the policy):
    # without it the body would not be a centred 46rem column.
    assert run(driver, "return getComputedStyle(document.body).maxWidth") == "736px"
    assert run(driver, "return document.scripts.length") == 0
    screenshot = tmp_path / "page.png"
    assert driver.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000


def test_page_fits_a_phone_and_follows_dark_mode(driver: WebDriver, site: Path) -> None:
    page = site / "2024" / "10" / "21.html"
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True},
        )
        driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
        )
        driver.get(page.as_uri())
        overflow = run(driver, "return document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0
        background = run(driver, "return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(13, 17, 23)"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    driver.get(page.as_uri())
    assert run(driver, "return getComputedStyle(document.body).backgroundColor") == (
        "rgb(255, 255, 255)"
    )


def test_index_links_open_every_day(driver: WebDriver, site: Path, tmp_path: Path) -> None:
    index = (site / "index.html").as_uri()
    driver.get(index)
    assert driver.title == "Daily Papers"
    assert driver.save_screenshot(str(tmp_path / "index.png"))
    days = run(
        driver,
        "return [...document.querySelectorAll('li.day h2 a')].map(a => [a.textContent, a.href])",
    )
    assert [name for name, _ in days] == ["2024-10-21", "2024-03-06", "2024-03-05"]
    for name, href in days:
        driver.get(index)
        driver.find_element("link text", name).click()
        assert driver.current_url == href
        assert driver.title == f"Daily Papers {name}"
        # The link's fragment is the day's section, with as many articles as the index said.
        section = run(driver, "return document.querySelector(':target h2').textContent")
        assert section == name
        count = run(driver, "return document.querySelectorAll(':target article').length")
        assert f"{count} paper" in run(
            driver, "return document.querySelector(':target .count').textContent"
        )
        # ...and the page's own link leads back to the index.
        driver.find_element("link text", "All days").click()
        assert driver.current_url == index
    top = run(driver, "return [...document.querySelectorAll('ol.top a')].map(a => a.href)")
    for href in top:
        driver.get(href)
        assert run(driver, "return document.querySelector(':target').tagName") == "ARTICLE"


def test_hostile_page_runs_nothing(driver: WebDriver, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(digestkit.dumps(hostile_document(), "html"), encoding="utf-8")
    driver.get(page.as_uri())
    assert run(driver, "return document.scripts.length") == 0
    handlers = run(
        driver,
        "return [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".map(a => a.name).filter(n => n.startsWith('on'))",
    )
    assert handlers == []
    hrefs = run(driver, "return [...document.links].map(a => a.protocol)")
    assert set(hrefs) <= {"https:", "mailto:"}
    assert "<script>alert(1)</script>" in run(driver, "return document.body.innerText")
