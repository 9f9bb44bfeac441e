"""The HTML writer: well-formed pages for the whole corpus, inert hostile input, `--no-media`, and
the `--split` site with its index."""

from __future__ import annotations

import html.parser
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import pytest
from hypothesis import given
from lxml import etree

import digestkit
from digestkit import DailyDigest, DigestDocument, Media, Paper, SummaryItem
from digestkit.diagnostics import FormatError

from .. import strategies
from ..cli.test_cli import COMMAND, DIGESTS, EXAMPLE

HF = "https://huggingface.co/"
URL_ATTRIBUTES = ("href", "src", "poster", "srcset", "action", "formaction", "data", "cite")
LOADING_ATTRIBUTES = ("src", "poster", "srcset", "data")
VOID = {"meta", "img", "br", "hr", "input", "link", "source", "wbr", "col", "area", "base"}


def xpath(node: etree._Element, path: str) -> list[Any]:
    result = node.xpath(path)
    assert isinstance(result, list)
    return result


def string(node: etree._Element, path: str) -> str:
    result = node.xpath(f"string({path})")
    assert isinstance(result, str)
    return result


def parse_page(text: str) -> etree._Element:
    """The page as lxml reads it; any parser error fails the test."""
    parser = etree.HTMLParser(recover=False)
    root = etree.fromstring(text.encode(), parser)
    assert not parser.error_log, [str(error) for error in parser.error_log][:5]
    assert text.startswith("<!DOCTYPE html>\n")
    return root


class TagBalance(html.parser.HTMLParser):
    """Stricter than lxml: every non-void element is closed explicitly, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:  # `<div/>` does not close in HTML
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(tag)


def assert_balanced(text: str) -> None:
    checker = TagBalance()
    checker.feed(text)
    checker.close()
    assert checker.problems == [], checker.problems
    assert checker.stack == [], checker.stack


def attributes(root: etree._Element) -> list[tuple[str, str, str]]:
    """(element, attribute, value) for every attribute of the page, names lowercased."""
    return [
        (str(element.tag), str(name).lower(), str(value))
        for element in root.iter(etree.Element)
        for name, value in element.attrib.items()
    ]


def assert_inert(root: etree._Element) -> None:
    """No script, no event handler, no URL attribute outside http(s)/mailto/relative links."""
    assert xpath(root, "//script | //iframe | //object | //embed | //form | //base") == []
    for tag, name, value in attributes(root):
        assert not name.startswith("on"), (tag, name, value)
        assert name != "style", (tag, value)
        assert "javascript:" not in unquote(value).lower().replace("\t", ""), (tag, name, value)
        if name in URL_ATTRIBUTES:
            scheme = re.match(r"\s*([a-zA-Z][\w+.-]*):", value)
            assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")
    assert xpath(root, "//meta[@http-equiv='refresh']") == []


def remote_loads(root: etree._Element) -> list[str]:
    return [value for _, name, value in attributes(root) if name in LOADING_ATTRIBUTES]


def media_url(paper: Paper) -> str:
    assert paper.media is not None
    return urljoin(HF, paper.media.url)  # relative media paths point at huggingface.co


# -- the corpus ----------------------------------------------------------------------------------
@pytest.mark.corpus
def test_every_corpus_file_renders_one_article_per_paper(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    checked = 0
    for path, document in corpus_documents.items():
        root = parse_page(digestkit.dumps(document, "html"))
        articles = xpath(root, "//article")
        assert len(articles) == len(document.papers), path
        for article, paper in zip(articles, document.papers, strict=True):
            title = string(article, ".//h3")
            assert paper.title in title, (path, paper.line)
            assert xpath(article, ".//h3/a/@href") == [paper.url], (path, paper.line)
            if paper.media is not None:
                loads = xpath(article, ".//img/@src | .//video/@src")
                assert loads == [media_url(paper)], (path, paper.line)
                if paper.media.kind == "image":
                    assert xpath(article, ".//img/@loading") == ["lazy"]
                    assert xpath(article, ".//img/@alt")[0].strip()
                else:
                    assert xpath(article, ".//video/@preload") == ["none"]
            assert len(xpath(article, ".//ul[@class='summary']/li")) == len(paper.summary)
            checked += 1
        assert_inert(root)
    assert checked == sum(len(doc.papers) for doc in corpus_documents.values()) > 5000


@pytest.mark.corpus
def test_corpus_tags_in_titles_and_summaries_are_text(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    """The corpus has `<think>` in a title and `<EOS>` and friends in bullets: shown, not parsed."""
    shown = 0
    for document in corpus_documents.values():
        raw = [
            p for p in document.papers if "<" in p.title or any("<" in i.text for i in p.summary)
        ]
        if not raw:
            continue
        text = digestkit.dumps(document, "html")
        assert_balanced(text)
        root = parse_page(text)
        assert xpath(root, "//think | //eos | //summarizer | //mask") == []
        page_text = string(root, "//main")
        for paper in raw:
            assert paper.title in page_text
            shown += 1
    assert shown >= 5


# -- hostile input -------------------------------------------------------------------------------
HOSTILE_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(1)> <think>'
HOSTILE_BULLETS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1)) and [jump](JaVaScRiPt:alert(2))",
    "![x](javascript:alert(3)) and ![y](data:image/png;base64,iVBORw0KGgo=)",
    '<a href="javascript:alert(4)">raw link</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==)",
    "<javascript:alert(6)> and [tab](java\tscript:alert(7)) and [ent](&#106;avascript:alert(8))",
    "<think>hidden?</think> <EOS> <style>body{display:none}</style>",
    '<svg onload="alert(9)"></svg><iframe src="https://evil.example/"></iframe>',
    "[ok](https://example.org/a?b=1&c=2) and [mail](mailto:a@example.org)",
)


def hostile_document() -> DigestDocument:
    paper = Paper(
        title=HOSTILE_TITLE,
        url="javascript:alert(10)",
        media=Media(kind="image", url="javascript:alert(11)"),
        votes=3,
        authors=['<b onmouseover="alert(12)">Eve</b>', "Mallory <script>"],
        summary=[
            SummaryItem(label="<script>x</script>", text=HOSTILE_BULLETS[0]),
            *(SummaryItem(text=text) for text in HOSTILE_BULLETS[1:]),
        ],
    )
    video = Paper(
        title="V",
        url="https://arxiv.org/abs/2401.00002",
        media=Media(kind="video", url='https://cdn.example/v.mp4"onerror="alert(13)'),
    )
    return DigestDocument(digests=[DailyDigest(date=None, papers=[paper, video])])


@pytest.mark.parametrize("media", [True, False])
def test_hostile_text_and_urls_come_out_inert(media: bool) -> None:
    text = digestkit.dumps(hostile_document(), "html", media=media)
    assert_balanced(text)
    root = parse_page(text)
    assert_inert(root)
    assert "<script" not in text.lower()
    article = xpath(root, "//article")[0]
    # Shown as text, not dropped: the title, the blocked URLs, the raw tags.
    assert HOSTILE_TITLE in string(article, ".//h3")
    assert xpath(article, ".//h3//a") == []  # a javascript: paper URL is no link
    assert "javascript:alert(10)" in string(article, ".//h3")
    assert "javascript:alert(11)" in string(article, ".//*[contains(@class, 'media')]")
    assert "Mallory <script>" in string(article, ".//p[@class='authors']")
    summary = string(article, ".//ul[@class='summary']")
    for shown in ("<script>alert(1)</script>", "<think>hidden?</think>", "<EOS>", "alert(7)"):
        assert shown in summary
    # The safe links stay live; images in summaries become links, never loads.
    hrefs = xpath(article, ".//ul[@class='summary']//a/@href")
    assert hrefs == ["https://example.org/a?b=1&c=2", "mailto:a@example.org"]
    assert xpath(root, "//ul[@class='summary']//img") == []


def test_hostile_media_url_stays_inside_its_attribute() -> None:
    root = parse_page(digestkit.dumps(hostile_document(), "html"))
    video = xpath(root, "//video")[0]
    assert video.get("src") == 'https://cdn.example/v.mp4"onerror="alert(13)'
    assert video.get("onerror") is None


@given(strategies.documents())
@strategies.examples(0.5)
def test_arbitrary_text_never_yields_live_markup(document: DigestDocument) -> None:
    text = digestkit.dumps(document, "html")
    assert_balanced(text)
    root = parse_page(text)
    assert_inert(root)
    assert xpath(root, "//a//a") == []
    articles = xpath(root, "//article")
    assert len(articles) == len(document.papers)
    for article, paper in zip(articles, document.papers, strict=True):
        assert string(article, ".//h3").count(paper.title.translate(_VISIBLE)) >= 1


_VISIBLE = {c: 0x2400 + c for c in range(0x20) if c not in (9, 10, 12, 13)} | {0x7F: 0x2421}
"""Control characters are shown as Unicode control pictures (they are not allowed in HTML)."""


# -- the page ------------------------------------------------------------------------------------
def example_document() -> DigestDocument:
    return digestkit.parse_file(EXAMPLE)


def test_page_head_forbids_scripts_and_lets_only_media_load() -> None:
    root = parse_page(digestkit.dumps(example_document(), "html"))
    assert root.get("lang") == "en"
    assert xpath(root, "//meta/@charset") == ["utf-8"]
    assert "width=device-width" in xpath(root, "//meta[@name='viewport']/@content")[0]
    policy = xpath(root, "//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives
    assert directives["img-src"] == directives["media-src"] == "http: https:"
    assert "prefers-color-scheme: dark" in string(root, "//style").replace(":dark", ": dark")
    assert xpath(root, "//link | //script") == []
    assert string(root, "//title") == "Daily Papers 2024-10-21"
    articles = xpath(root, "//article")
    assert [a.get("id") for a in articles] == ["paper-2410.00001", "paper-2410.00002"]
    assert string(articles[0], ".//p[@class='meta']") == "arXiv:2410.0000142 votes"
    assert "votes unknown" in string(articles[1], ".//p[@class='meta']")
    # A name with a comma switches the separator, so "Chen, Wei" stays one name.
    assert string(articles[1], ".//p[@class='authors']") == "Jürgen Müller; Chen, Wei"
    labels = xpath(articles[0], ".//span[@class='label']/text()")
    assert labels == ["What's New", "Technical Details", "Performance Highlights"]
    assert xpath(articles[1], ".//ul[@class='summary']/li[2]/ul/li/text()") == [
        "and a nested note."
    ]


def test_no_media_loads_nothing_and_links_instead() -> None:
    document = example_document()
    root = parse_page(digestkit.dumps(document, "html", media=False))
    assert remote_loads(root) == []
    assert xpath(root, "//img | //video | //iframe | //source") == []
    policy = xpath(root, "//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "img-src" not in policy and "media-src" not in policy
    media_links = xpath(root, "//*[contains(@class, 'media')]//a/@href")
    assert media_links == [media_url(paper) for paper in document.papers]


def test_relative_media_and_paper_urls_resolve_against_hugging_face() -> None:
    paper = Paper(
        title="T", url="/papers/2401.00001", media=Media(kind="image", url="/avatars/a.svg")
    )
    root = parse_page(
        digestkit.dumps(DigestDocument(digests=[DailyDigest(date=None, papers=[paper])]), "html")
    )
    assert xpath(root, "//img/@src") == ["https://huggingface.co/avatars/a.svg"]
    assert xpath(root, "//h3/a/@href") == ["https://huggingface.co/papers/2401.00001"]
    assert xpath(root, "//article/@id") == ["paper-2401.00001"]  # the relative link's arXiv id


def test_unreadable_relative_urls_are_shown_not_linked() -> None:
    paper = Paper(title="T", url="//[abc", media=Media(kind="image", url="//a]b"))
    root = parse_page(
        digestkit.dumps(DigestDocument(digests=[DailyDigest(date=None, papers=[paper])]), "html")
    )
    assert xpath(root, "//article//a | //article//img") == []
    assert "//[abc" in string(root, "//h3")
    assert "//a]b" in string(root, "//article")


def test_several_documents_make_one_page_with_unique_ids() -> None:
    document = example_document()
    root = parse_page(digestkit.dumps([document, document], "html"))
    assert string(root, "//title") == "Daily Papers from 2024-10-21"
    ids = xpath(root, "//@id")
    assert len(ids) == len(set(ids)) == 6
    assert xpath(root, "//section/@id") == ["day-2024-10-21", "day-2024-10-21-2"]
    assert len(xpath(root, "//article")) == 4


def test_no_documents_make_an_empty_page() -> None:
    root = parse_page(digestkit.dumps([], "html"))
    assert xpath(root, "//article") == []


@pytest.mark.parametrize(
    ("options", "message"),
    [({"colour": True}, "no option 'colour'"), ({"media": "no"}, "media='no'")],
)
def test_bad_options_raise_format_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        digestkit.dumps(example_document(), "html", **options)


# -- the command line and the site -----------------------------------------------------------------
def convert(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "convert", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_cli_no_media_flag(tmp_path: Path) -> None:
    result = convert(EXAMPLE, "-o", "page.html", "--no-media", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = parse_page((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert remote_loads(root) == []
    refused = convert(EXAMPLE, "--to", "csv", "--no-media", cwd=tmp_path)
    assert refused.returncode == 2
    assert "--no-media applies to html output, not csv" in refused.stderr


def test_split_site_has_an_index_linking_every_day(tmp_path: Path) -> None:
    (tmp_path / "in" / "2024" / "10").mkdir(parents=True)
    (tmp_path / "in" / "2024" / "10" / "21.md").write_bytes(EXAMPLE.read_bytes())
    for path in DIGESTS.rglob("*.md"):
        target = tmp_path / "in" / path.relative_to(DIGESTS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    result = convert("in", "--to", "html", "--split", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == ["2024/03/05.html", "2024/03/06.html", "2024/10/21.html", "index.html"]
    index = parse_page((site / "index.html").read_text(encoding="utf-8"))
    assert remote_loads(index) == []
    days = xpath(index, "//li[@class='day']")
    assert [string(day, ".//h2") for day in days] == [
        "2024-10-21",
        "2024-03-06",
        "2024-03-05",
    ]
    # Every link resolves to an existing page and an element id on it.
    for href in xpath(index, "//a/@href"):
        page, _, fragment = href.partition("#")
        root = parse_page((site / page).read_text(encoding="utf-8"))
        assert xpath(root, f"//*[@id='{fragment}']"), href
        # ...and the page links back to the index.
        back = xpath(root, "//p[@class='nav']/a/@href")[0]
        assert (site / page).parent.joinpath(back).resolve() == (site / "index.html").resolve()
    example_day = days[0]
    assert string(example_day, ".//p[@class='count']") == "2 papers"
    # Top papers by votes: the example's 42-vote paper first, the unknown count after it.
    top = [a.get("href") for a in xpath(example_day, ".//ol[@class='top']/li/a")]
    assert top == ["2024/10/21.html#paper-2410.00001", "2024/10/21.html#paper-2410.00002"]
    # The index line counts match the pages.
    for day in days:
        page = xpath(day, ".//h2/a/@href")[0].partition("#")[0]
        root = parse_page((site / page).read_text(encoding="utf-8"))
        count = int(string(day, ".//p[@class='count']").split()[0])
        assert len(xpath(root, "//article")) == count


def test_split_refuses_an_input_that_would_overwrite_the_index(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "index.md").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "in" / "day.md").write_bytes(EXAMPLE.read_bytes())
    result = convert("in", "--to", "html", "--split", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert "index.html is already the output of the site index" in result.stderr
    assert (tmp_path / "site" / "day.html").is_file()
    index = parse_page((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert xpath(index, "//h2/a/@href") == ["day.html#day-2024-10-21"]


def test_summary_image_inside_a_link_does_not_nest_links() -> None:
    item = SummaryItem(text="[![pic](https://example.org/i.png)](https://example.org/page)")
    paper = Paper(title="T", url="https://arxiv.org/abs/2401.00001", summary=[item])
    root = parse_page(
        digestkit.dumps(DigestDocument(digests=[DailyDigest(date=None, papers=[paper])]), "html")
    )
    assert xpath(root, "//ul[@class='summary']//a/@href") == ["https://example.org/page"]
    assert string(root, "//ul[@class='summary']").strip() == "image: pic"


def test_escape_skips_translation_only_for_text_it_would_not_change() -> None:
    """`escape` translates only non-printable text: every character it maps must be one."""
    from digestkit.formats._html_text import _CONTROL_PICTURES, escape

    assert all(not chr(code).isprintable() for code in _CONTROL_PICTURES)
    assert escape("a\x00b<\x7f\ufffe") == "a\u2400b&lt;\u2421\ufffd"


@pytest.mark.corpus
def test_plain_summary_items_render_as_mistune_renders_them(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    """The writer skips mistune for plain items; on the corpus that changes no byte."""
    from digestkit.formats._html_text import escape, is_plain, summary_markdown
    from digestkit.formats.html import _unwrap_paragraph

    markdown = summary_markdown()
    texts = [
        item.text for doc in corpus_documents.values() for p in doc.papers for item in p.summary
    ]
    plain = [text for text in texts if is_plain(text)]
    assert len(plain) > 0.9 * len(texts)  # the shortcut is the common case
    assert [t for t in plain if _unwrap_paragraph(markdown(t)) != escape(t)] == []


@strategies.PROFILE
@given(strategies.one_line())
def test_plain_text_shortcut_agrees_with_mistune(text: str) -> None:
    from digestkit.formats._html_text import escape, is_plain, summary_markdown
    from digestkit.formats.html import _unwrap_paragraph

    if is_plain(text):
        assert _unwrap_paragraph(summary_markdown()(text)) == escape(text)


@pytest.mark.corpus
def test_markdown_limits_change_no_corpus_page(
    corpus_documents: dict[Path, DigestDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus summary item is within the limits, with room, and every corpus page is
    byte for byte what the writer gives without them."""
    from digestkit.formats import _html_text

    texts = [
        item.text for doc in corpus_documents.values() for p in doc.papers for item in p.summary
    ]
    assert max(map(len, texts)) * 3 < _html_text.MARKDOWN_LIMIT
    assert max(len(_html_text._MARKUP.findall(t)) for t in texts) * 2 < _html_text.MARKUP_LIMIT
    bounded = [digestkit.dumps(doc, "html") for doc in corpus_documents.values()]
    monkeypatch.setattr(_html_text, "MARKDOWN_LIMIT", 10**9)
    monkeypatch.setattr(_html_text, "MARKUP_LIMIT", 10**9)
    unbounded = [digestkit.dumps(doc, "html") for doc in corpus_documents.values()]
    assert bounded == unbounded


@pytest.mark.parametrize(
    "text",
    [
        "*a " * 2000 + "x" + " a*" * 2000,  # nested emphasis: quadratic in mistune
        "[x](" * 30 + "<script>alert(1)</script> [y](javascript:alert(1))",  # over MARKUP_LIMIT
        "x\n" + "".join("  " * i + "- x\n" for i in range(1, 100)),  # over MARKDOWN_LIMIT
    ],
)
def test_summary_beyond_the_markdown_limits_is_escaped_text(text: str) -> None:
    """Beyond the limits an item is its escaped text: as inert as rendered Markdown, and fast."""
    from digestkit.formats._html_text import escape, within_markdown_limits

    assert not within_markdown_limits(text)
    paper = Paper(
        title="T", url="https://arxiv.org/abs/2401.00001", summary=[SummaryItem(text=text)]
    )
    page = digestkit.dumps(DigestDocument(digests=[DailyDigest(date=None, papers=[paper])]), "html")
    assert f"<li>{escape(text)}</li>" in page
    root = parse_page(page)
    assert xpath(root, "//ul[@class='summary']/li//*") == []  # no element: no link, no script
    assert string(root, "//ul[@class='summary']").strip() == text.strip()
