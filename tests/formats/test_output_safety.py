"""Output safety: hostile text stays text in every output that a renderer or tool reads.

Markdown is checked with mistune as the renderer's stand-in (what a viewer would build from the
output), BibTeX with two independent parsers, CSV against the spreadsheet trigger list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import mistune
import pybtex.database
import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit import DailyDigest, DigestDocument, Media, Paper, SummaryItem
from digestkit.formats.csv_format import FORMULA_START
from digestkit.markdown.escaping import escape, unescape

from ..strategies import PROFILE, author_names, one_line, titles

URL = "https://arxiv.org/abs/2401.00001"
HOSTILE_TITLES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "x](javascript:alert(1)) [y",
    "![x](javascript:alert(1))",
    "<https://evil.example>",
    "`](` code `",
    "a\\",
    "\\\\",  # found by the long profile: an odd backslash run before `]` broke the link
    "\\<\\",
    "\\<think\\>",
    "&lt;script&gt;",
    "[IDK]",
]
_AST = mistune.create_markdown(renderer=None)


def document(title: str, authors: list[str]) -> DigestDocument:
    paper = Paper(
        title=title,
        url=URL,
        media=Media(kind="video", url="javascript:alert(1)"),
        authors=authors,
        summary=[SummaryItem(text="text")],
    )
    return DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=[paper])])


def nodes(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for token in tokens:
        found.append(token)
        found.extend(nodes(token.get("children") or []))
    return found


def assert_renders_inert(title: str, authors: list[str]) -> None:
    """The canonical Markdown, as a CommonMark renderer reads it: the heading holds exactly one
    link, to the paper, whose text is the title; the Authors paragraph is plain text; no raw
    HTML or code span anywhere; and it reads back to the same data."""
    doc = document(title, authors)
    text = digestkit.dumps(doc, "markdown", mode="canonical")
    tokens = _AST(text)
    assert isinstance(tokens, list)
    heading = next(t for t in tokens if t["type"] == "heading" and t["attrs"]["level"] == 3)
    links = [n for n in nodes([heading]) if n["type"] == "link"]
    assert [link["attrs"]["url"] for link in links] == [URL]
    shown = "".join(n.get("raw", "") for n in nodes(links) if n["type"] == "text")
    if not any(char in title for char in "\\&*_~"):
        # These are written as character references, which mistune's AST keeps raw; that they
        # render as the title is checked through markdown-it-py (test_markdown_commonmark.py).
        assert shown == title
    everything = nodes(tokens)
    assert not [n for n in everything if n["type"] in ("inline_html", "block_html", "codespan")]
    assert [n["type"] for n in everything if n["type"] in ("link", "image")] == ["link", "link"]
    assert digestkit.parse(text).papers == doc.papers


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_stay_text_in_markdown(title: str) -> None:
    assert_renders_inert(title, [title.replace("\\", "") or "x"])


@PROFILE
@given(titles().map(str.strip).filter(bool), st.lists(author_names(), max_size=3))
def test_any_title_and_names_render_as_text(title: str, authors: list[str]) -> None:
    assert_renders_inert(title, authors)


@PROFILE
@given(one_line())
def test_escape_is_inverted_exactly(text: str) -> None:
    assert unescape(escape(text)) == text


def test_tex_backslashes_in_raw_titles_are_kept() -> None:
    """Only digestkit's own escapes are undone: TeX the generator wrote raw stays as it is."""
    for raw in ["$\\{x_i\\}$", "Q\\&A", "$\\sim$", "a\\\\b", "50\\%"]:
        line = f"## Daily Papers (2024-01-02)\n\n### [{raw}]({URL})\n\nAuthors: {raw}\n"
        (paper,) = digestkit.parse(line).papers
        assert (paper.title, paper.authors) == (raw, [raw])


def test_a_script_media_url_never_becomes_live_html() -> None:
    text = digestkit.dumps(document("T", ["A"]), "markdown", mode="canonical")
    assert "<video" not in text and "[Watch Video](javascript:alert(1))" in text
    assert digestkit.parse(text).papers[0].media == Media(kind="video", url="javascript:alert(1)")
    codes = {d.code for d in digestkit.parse(text).diagnostics}
    assert "DK222" in codes


# -- BibTeX ------------------------------------------------------------------------------------
@PROFILE
@given(st.text(alphabet="{}\\%$#&_^~ aZ", min_size=1, max_size=30).map(str.strip).filter(bool))
def test_bibtex_stays_balanced_and_parseable_whatever_the_title(title: str) -> None:
    bib = digestkit.dumps(document(title, ["A {B} \\C %D"]), "bibtex")
    depth = 0
    for index, char in enumerate(bib):
        if char in "{}" and (index == 0 or bib[index - 1] != "\\"):
            depth += 1 if char == "{" else -1
            assert depth >= 0, bib
    assert depth == 0, bib
    (entry,) = pybtex.database.parse_string(bib, "bibtex").entries.values()
    assert len(entry.persons["author"]) == 1
    assert not any(line.lstrip().startswith("%") for line in bib.splitlines())


# -- CSV ---------------------------------------------------------------------------------------
# OWASP "CSV Injection" and ASVS 1.2.10, plus the full-width forms some spreadsheet locales
# read as the ASCII ones.
TRIGGERS = "=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20"


def test_excel_safe_covers_every_formula_trigger() -> None:
    assert set(FORMULA_START) == set(TRIGGERS)
    for trigger in TRIGGERS:
        cell = f"{trigger}cmd|'/c calc'!A1"
        doc = document("T", ["A"])
        doc.papers[0].summary = [SummaryItem(text=cell)]  # the one free-text cell
        safe = digestkit.dumps(doc, "csv", excel_safe=True)
        assert f"'{trigger}cmd" in safe
        assert f",{trigger}cmd" not in safe and f'"{trigger}cmd' not in safe
