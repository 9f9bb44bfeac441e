"""Differential test: digestkit reads the papers a CommonMark renderer (markdown-it-py) shows.

Same (date, title, url) sequence and the same Vote and Authors values, on the corpus, on the
block-structure fixtures and on generated documents that mix digests with fences, HTML blocks,
comments, quotes, lists, indentation and every line ending. Titles are compared as the text a
reader sees (digestkit keeps a title's Markdown source: docs/specification.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit.diagnostics import RULES
from digestkit.markdown import fields

from ..commonmark_reference import _MD, plain, read
from ..conftest import FIXTURES, corpus_files
from ..strategies import PROFILE, commonmark_documents

BLOCK_FIXTURES = sorted((FIXTURES / "blocks").glob("*.md"))


def _title_text(title: str) -> str:
    """The text CommonMark shows for a title's Markdown source."""
    tokens = _MD.parseInline(f"[{title}](x)")[0].children or []
    return plain(tokens[1:-1]) if tokens and tokens[0].type == "link_open" else title


def ours(text: str) -> list[dict[str, Any]]:
    document = digestkit.parse(text)
    found = []
    for digest in document.digests:
        layout = digest._layout
        if layout is None or layout.heading is None:
            continue  # DK110: a paper outside any digest section, which CommonMark has no rule for
        for paper in digest.papers:
            authors = _authors_line(paper)
            found.append(
                {
                    "date": digest.date.isoformat() if digest.date else None,
                    "title": _title_text(paper.title),
                    "url": unquote(paper.url),
                    "votes": paper.votes,
                    "authors": authors,
                }
            )
    return found


def _authors_line(paper: digestkit.Paper) -> list[str] | None:
    return list(paper.authors) or None


def theirs(text: str) -> list[dict[str, Any]]:
    found = []
    for paper in read(text):
        line = paper["authors"]
        authors = fields.authors("Authors: " + line)[0] if line is not None else None
        found.append(
            {
                "date": paper["date"],
                "title": paper["title"],
                "url": paper["url"],
                "votes": paper["votes"],
                "authors": authors or None,
            }
        )
    return found


def assert_same(text: str) -> None:
    assert ours(text) == theirs(text)


@pytest.mark.corpus
def test_the_corpus_reads_as_commonmark_shows_it() -> None:
    files = corpus_files()
    assert len(files) == 357
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        mine = ours(text)
        assert mine == theirs(text), path
        total += len(mine)
    assert total == 5488


@pytest.mark.parametrize("path", BLOCK_FIXTURES, ids=lambda path: path.name)
def test_block_fixtures_read_as_commonmark_shows_them(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    assert theirs(text), "the fixture shows papers"
    assert_same(text)


def test_fixtures_cover_every_construct() -> None:
    names = {path.stem for path in BLOCK_FIXTURES}
    assert {"fences", "html", "containers", "setext", "links", "media", "endings"} <= names


@PROFILE
@given(st.data())
def test_generated_documents_read_as_commonmark_shows_them(data: st.DataObject) -> None:
    text = data.draw(commonmark_documents())
    assert_same(text)
    document = digestkit.parse(text)
    assert digestkit.dumps(document, "markdown") == text  # faithful output stays byte-exact


@PROFILE
@given(st.data())
def test_fmt_writes_what_commonmark_read(data: st.DataObject) -> None:
    """Canonical output (what `fmt` writes when it does not refuse the file) shows CommonMark the
    same papers, dates, votes and authors as the document it was parsed from."""
    text = data.draw(commonmark_documents())
    document = digestkit.parse(text)
    refused = any(
        RULES[d.code].layout_only or RULES[d.code].severity.value == "error"
        for d in document.diagnostics
    )
    if not refused:
        assert theirs(digestkit.dumps(document, "markdown", mode="canonical")) == theirs(text)
