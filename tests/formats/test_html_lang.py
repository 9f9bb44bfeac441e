"""HTML pages declare their content's language (`ko` for the Korean digests, detected or given
with `--lang`), English parts say so, and the dates in headings stay on one line on a phone."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import digestkit
from digestkit import DailyDigest, DigestDocument, Paper, SummaryItem
from digestkit.diagnostics import FormatError
from digestkit.formats._html_lang import KOREAN_SHARE, language_of

from .. import browser
from ..cli.test_cli import EXAMPLE, run
from .test_html import parse_page, string, xpath

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

KOREAN = "이 논문은 새로운 방법을 제안합니다"  # "this paper proposes a new method"


def digest(summary: str, title: str = "A Model", day: int = 2) -> DigestDocument:
    paper = Paper(
        title=title,
        url="https://arxiv.org/abs/2401.00001",
        summary=[SummaryItem(label="What's New", text=summary)],
    )
    date = f"2024-01-{day:02}"
    return DigestDocument(digests=[DailyDigest(date=date, papers=[paper])])


def test_language_of_counts_hangul_among_letters() -> None:
    assert language_of([KOREAN]) == "ko"
    assert language_of(["A plain English summary of the method."]) == "en"
    assert language_of(["", "123 - 4.5%"]) is None  # no letter: no opinion
    # Korean summaries name English models and terms: a Korean phrase with three times as
    # many Latin letters as Hangul is still Korean...
    mixed = "LLaMA-3와 GPT-4o 비교"
    hangul = len(re.findall("[가-힣]", mixed))
    letters = len(re.findall(r"[^\W\d_]", mixed))
    assert hangul / letters >= KOREAN_SHARE and language_of([mixed]) == "ko"
    # ...and an English summary quoting one Korean word is not.
    assert language_of(["The benchmark is called 한국 and covers long documents."]) == "en"


def test_a_korean_digest_declares_ko_and_marks_its_english_parts() -> None:
    root = parse_page(digestkit.dumps(digest(KOREAN, "Scaling Laws"), "html"))
    assert root.get("lang") == "ko"
    assert xpath(root, "//h3[@class='title']/@lang") == ["en"]  # the paper's English title
    assert xpath(root, "//header/@lang") == ["en"]  # "Daily Papers 2024-01-02"
    assert xpath(root, "//p[@class='meta']/@lang") == ["en"]  # "votes unknown"
    assert xpath(root, "//p[@class='count']/@lang") == ["en"]
    assert xpath(root, "//ul[@class='summary']/@lang") == []  # the page's own language


def test_an_english_digest_declares_en_and_marks_a_korean_summary() -> None:
    english = digestkit.dumps(digestkit.parse_file(EXAMPLE), "html")
    root = parse_page(english)
    assert root.get("lang") == "en"
    assert xpath(root, "//*[@lang]") == [root]  # nothing else differs
    two = DigestDocument(digests=[*digest("An English summary.").digests, *digest(KOREAN).digests])
    both = parse_page(digestkit.dumps(two, "html"))
    assert both.get("lang") == "ko"  # one English and one Korean summary: the letters decide
    assert xpath(both, "//ul[@class='summary']/@lang") == ["en"]


def test_lang_option_overrides_detection_and_is_checked() -> None:
    root = parse_page(digestkit.dumps(digest(KOREAN), "html", lang="en"))
    assert root.get("lang") == "en"
    assert xpath(root, "//ul[@class='summary']/@lang") == ["ko"]
    tagged = parse_page(digestkit.dumps(digest("Plain text."), "html", lang="pt-BR"))
    assert tagged.get("lang") == "pt-BR"
    for bad in ["", "k", 'ko" onload="x', "ko_KR", 3]:
        with pytest.raises(FormatError, match="language tag"):
            digestkit.dumps(digest(KOREAN), "html", lang=bad)


def test_cli_lang_option(tmp_path: Path) -> None:
    day = tmp_path / "day.md"
    day.write_text(digestkit.dumps(digest(KOREAN), "markdown"), encoding="utf-8")
    detected = run("convert", day, "--to", "html")
    assert detected.stdout.decode().count('<html lang="ko">') == 1
    given = run("convert", day, "--to", "html", "--lang", "en")
    assert given.stdout.decode().count('<html lang="en">') == 1
    bad = run("convert", day, "--to", "html", "--lang", "ko kr")
    assert bad.returncode == 2 and b"expected a language tag" in bad.stderr
    assert run("convert", day, "--to", "csv", "--lang", "ko").returncode == 2


@pytest.mark.corpus
def test_every_corpus_page_is_korean_with_english_titles(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    for path, document in corpus_documents.items():
        root = parse_page(digestkit.dumps(document, "html"))
        assert root.get("lang") == "ko", path
        titles = xpath(root, "//h3[@class='title']")
        english = [t for t in titles if t.get("lang") == "en"]
        assert len(english) >= len(titles) - 1, path  # arXiv titles are English


def test_heading_dates_are_kept_whole() -> None:
    two_days = DigestDocument(digests=[*digest("x").digests, *digest("y", day=3).digests])
    root = parse_page(digestkit.dumps(two_days, "html"))
    assert string(root, "//h1") == "Daily Papers 2024-01-02 to 2024-01-03"
    assert xpath(root, "//h1/span[@class='date']/text()") == ["2024-01-02", "2024-01-03"]
    assert xpath(root, "//h2/span[@class='date']/text()") == ["2024-01-02", "2024-01-03"]
    assert string(root, "//title") == "Daily Papers 2024-01-02 to 2024-01-03"  # plain text
    assert ".date{white-space:nowrap}" in string(root, "//style")


# -- in a browser at phone widths --------------------------------------------------------------
@pytest.fixture(scope="module")
def phone() -> Iterator[WebDriver]:
    absent = browser.missing()
    if absent:
        message = f"no headless browser: {', '.join(absent)} missing"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with browser.chromium(360, 740) as chrome:
        yield chrome


LINES_OF_DATES = """
return [...document.querySelectorAll('h1, h2')].flatMap(heading => {
  const text = heading.textContent, found = [];
  for (const node of heading.querySelectorAll('span.date').length
       ? heading.querySelectorAll('span.date') : [heading]) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    found.push([node.textContent, tops.size]);
  }
  return found;
});
"""


def test_dates_do_not_break_at_their_hyphens_on_a_phone(phone: WebDriver, tmp_path: Path) -> None:
    """Chromium may break `2024-10-21` after a hyphen when a heading wraps (`to 2024-` /
    `10-22`); across phone widths every date in a heading must stay on one line."""
    two_days = DigestDocument(digests=[*digest("x").digests, *digest("y", day=3).digests])
    page = tmp_path / "page.html"
    page.write_text(digestkit.dumps(two_days, "html"), encoding="utf-8")
    split_dates = []
    try:
        for width in range(300, 432, 4):
            phone.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 740, "deviceScaleFactor": 2, "mobile": True},
            )
            phone.get(page.as_uri())
            dates = phone.execute_script(LINES_OF_DATES)
            assert len(dates) == 4  # two in the h1, one per day heading
            split_dates += [(width, text) for text, lines in dates if lines != 1]
            overflow = phone.execute_script(
                "return document.documentElement.scrollWidth - innerWidth"
            )
            assert overflow <= 0, width
    finally:
        phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert split_dates == []
    copied = phone.execute_script("return document.querySelector('h1').textContent")
    assert copied == "Daily Papers 2024-01-02 to 2024-01-03"  # ASCII hyphens, as written
