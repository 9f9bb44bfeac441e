"""The Markdown writer says what the model says, as markdown-it-py (CommonMark) renders it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Media, Paper, SummaryItem
from digestkit.formats.markdown import _writable

from ..strategies import PROFILE, author_names, titles, urls

_MD = MarkdownIt("commonmark")
_MD.normalizeLink = lambda url: url  # type: ignore[method-assign]  # compare destinations as read
_MD.validateLink = lambda url: True  # type: ignore[method-assign]
URL = "https://arxiv.org/abs/2401.00001"
HOSTILE_URLS = [
    "x.png)<script>alert(1)</script>",
    ")[x](javascript:alert(1))",
    "a\\)b",
    "a&amp;b",
    "<x>",
    "a(b",
    "a\\",
]


def document(paper: Paper) -> DigestDocument:
    return DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=[paper])])


def inline_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def check(paper: Paper) -> list[Token]:
    text = digestkit.dumps(document(paper), "markdown", mode="canonical")
    assert digestkit.dumps(document(paper), "markdown") == text  # faithful from a model
    tokens = _MD.parse(text)
    heading = next(t for i, t in enumerate(tokens) if t.type == "inline" and i > 2)
    links = [c for c in heading.children or [] if c.type == "link_open"]
    assert [link.attrs["href"] for link in links] == [paper.url]
    shown = [c for c in heading.children or [] if c.type not in ("link_open", "link_close")]
    assert all(c.type == "text" for c in shown)
    assert "".join(c.content for c in shown) == paper.title
    assert not [t for t in tokens if t.type == "html_inline"]
    assert digestkit.parse(text).papers == [paper]
    return tokens


@PROFILE
@given(titles(), st.lists(author_names(), max_size=3))
def test_titles_and_names_render_as_the_model_says(title: str, authors: list[str]) -> None:
    paper = Paper(title=title, url=URL, authors=authors, summary=[SummaryItem(text="t")])
    tokens = check(paper)
    line = next(
        (t for t in tokens if t.type == "inline" and t.content.startswith("Authors:")), None
    )
    if authors and not any(", " in name for name in authors) and line is not None:
        joined = ", ".join(authors)
        if not (joined.startswith("[") and joined.endswith("]")) and joined.isprintable():
            assert inline_text(line) == "Authors: " + joined


@pytest.mark.parametrize("title", ["A*B*C", "AT&amp;T", "$\\{x_i\\}$", "a\\", "Q\\&A", "`x`"])
def test_emphasis_entities_and_backslashes_are_text(title: str) -> None:
    check(Paper(title=title, url=URL, summary=[SummaryItem(text="t")]))


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_urls_stay_one_destination(url: str) -> None:
    # A paper URL cannot hold `](` (the model refuses it); a media URL can.
    paper = Paper(title="T", url=URL if "](" in url else url, media=Media(kind="image", url=url))
    tokens = check(paper)
    images = [c for t in tokens for c in t.children or [] if c.type == "image"]
    assert [image.attrs["src"] for image in images] == [url]


@PROFILE
@given(urls())
def test_any_url_stays_one_destination(url: str) -> None:
    test_urls_stay_one_destination(url)


def test_nul_is_never_written() -> None:
    """`Authors: ['\\x00']` reads (DK401), and `fmt` writes it escaped, never as a NUL byte."""
    text = f"## Daily Papers (2024-01-02)\n\n### [T]({URL})\n\nAuthors: ['\\x00']\n\n- t\n"
    doc = digestkit.parse(text)
    assert "DK401" in {d.code for d in doc.diagnostics}
    out = digestkit.dumps(doc, "markdown", mode="canonical")
    assert "\x00" not in out and digestkit.parse(out).papers == doc.papers
    with pytest.raises(FormatError):
        digestkit.dumps(document(Paper(title="a\x00b", url=URL)), "markdown", mode="canonical")


@given(
    st.text(
        alphabet=st.sampled_from(
            ["a", "\u00e9", "\ud55c", "\U0001f600", "\n", "\x00", "\ud800", "\udfff"]
        )
    )
)
def test_only_nul_and_lone_surrogates_are_unwritable(text: str) -> None:
    """`_writable`'s fast path (a NUL test and UTF-8 encoding) refuses what its regex finds."""
    if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
        with pytest.raises(FormatError, match="cannot write U\\+"):
            _writable(text)
    else:
        assert _writable(text) is text


def test_lone_surrogates_never_raise() -> None:
    text = f"## Daily Papers (2024-01-02)\n\n### [T\ud800]({URL})\n\nAuthors: ['\\ud800']\n"
    doc = digestkit.parse(text)
    assert [d.code for d in doc.diagnostics if d.code == "DK224"] == ["DK224", "DK224"]
    assert doc.papers[0].authors == ["\ufffd"] and doc.papers[0].title == "T\ufffd"
    with pytest.raises(digestkit.DigestError):
        digestkit.parse(text, strict=True)


def test_escaped_writer_output_validates() -> None:
    """Titles the writer escapes (`\\<script>`, `\\](`) are text, so no DK22x error."""
    paper = Paper(title="<script>x</script> x](javascript:y) [z", url=URL)
    out = digestkit.dumps(document(paper), "markdown", mode="canonical")
    assert not digestkit.parse(out).errors
