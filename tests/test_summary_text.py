"""One rule for summary text: the models hold summary Markdown; plain text is escaped into it.

A `.md` file's summary bullets are Markdown, and the reader keeps their source. Plain text (Hugging
Face's abstract) is escaped by `escape_block` as it is read, so a Markdown writer shows exactly
that text on GitHub (cmark-gfm, through `cmarkgfm`) and in CommonMark with GitHub's
strikethrough and tables (markdown-it-py); hf-json writes the plain text back (`unescape_block`).
"""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import digestkit
import digestkit.formats.hf_json.daily_papers
from digestkit import DailyDigest, DigestDocument, Paper, SummaryItem
from digestkit.formats._html_text import summary_markdown
from digestkit.formats.hf_json.daily_papers import read_daily_papers
from digestkit.markdown.escaping import escape_block, unescape_block

from .strategies import PROFILE, author_names, one_line, titles

_MD = MarkdownIt("commonmark").enable(["strikethrough", "table"])
ISSUE_15 = [
    "제안자(<proposer>), 비평가(<critic>)",  # tags GitHub drops
    "<think> 단계를 거쳐 6~12개의 답을 만들고 3~4개를 고릅니다",  # one `~`: GitHub strikes through
    "a*b*c and A*B*C",
    "AT&amp;T &copy; &#42; &#x2A;",
    "# x",
    "- x",
    "+ x\n* y\n> z\n1. one\n2) two\n= setext\n---",
    "a\\b \\* \\\\ \\` ends in \\",
    "`code` ``x`` ~~gone~~ $x^2$ | a | b |",
    "[link](https://x.org) ![img](y.png) <https://x.org> [^1] [ ] x",
    "snake_case _em_ __strong__ x_ _y",
    "<!-- note --> <div>block</div>",
]


def tidy(text: str) -> str:
    """What the Hugging Face reader keeps of an abstract: whitespace runs collapsed in each
    line, blank lines dropped."""
    return "\n".join(line for line in (" ".join(part.split()) for part in text.split("\n")) if line)


def bullet(markdown: str) -> str:
    """`markdown` as a digest summary item (continuation lines indented), as the writer does."""
    return "- " + markdown.replace("\n", "\n  ") + "\n"


def markdown_it_text(document: str) -> str:
    """The text markdown-it-py shows for the document's one list item; any markup fails."""
    tokens = _MD.parse(document)
    assert [t.type for t in tokens] == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ], document
    pieces = []
    for child in tokens[3].children or []:
        assert child.type in ("text", "softbreak"), (child.type, document)
        pieces.append(child.content if child.type == "text" else "\n")
    return "".join(pieces)


_AUTOLINK = re.compile(r'<a href="[^"]*">|</a>')  # GitHub links bare URLs; the text stays


def github_text(document: str) -> str:
    """The text GitHub's cmark-gfm (tables, strikethrough, autolinks, raw HTML kept) shows for
    the document's one list item; any other markup fails."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(document, options=Options.CMARK_OPT_UNSAFE)
    match = re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>\n", rendered, re.DOTALL)
    assert match is not None, rendered
    inner = _AUTOLINK.sub("", match[1])
    assert "<" not in inner, rendered  # no tag: no emphasis, strikethrough, code, HTML, list
    return html.unescape(inner)


def shown(markdown: str) -> str:
    """The text both renderers show for `markdown` as a summary bullet (they must agree)."""
    document = bullet(markdown)
    text = markdown_it_text(document)
    assert github_text(document) == text
    return text


_plain_lines = st.lists(one_line().map(tidy).filter(bool), min_size=1, max_size=4)
plain_texts = st.one_of(
    _plain_lines.map("\n".join),
    st.lists(st.sampled_from(ISSUE_15), min_size=1, max_size=3).map(" ".join).map(tidy),
)


@pytest.mark.parametrize("text", ISSUE_15)
def test_issue_15_texts_show_as_written(text: str) -> None:
    text = tidy(text)
    assert shown(escape_block(text)) == text
    assert unescape_block(escape_block(text)) == text


def test_unescaped_the_issue_texts_are_markup_on_github() -> None:
    """The failures escaping prevents (so the test above can fail): GitHub drops `<proposer>`
    and strikes `6~12 ... 3~4` through."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(bullet(ISSUE_15[1]))
    assert "<del>" in rendered and "think" not in rendered
    assert "proposer" not in cmarkgfm.github_flavored_markdown_to_html(bullet(ISSUE_15[0]))


def test_plain_text_is_left_alone() -> None:
    """Most abstracts hold nothing to escape; intraword `_` forms no emphasis."""
    for text in ("A model that plans, in 3 steps (fast).", "snake_case 2.5x", "R&D, 50% - 3"):
        assert escape_block(text) == text
    assert shown("snake_case 2.5x") == "snake_case 2.5x"


@PROFILE
@given(plain_texts)
@example("a\\\nb")  # a backslash at a line end would be a hard line break
@example("1.\n2)\n#\n=")
def test_any_plain_text_shows_as_itself_and_unescapes_back(text: str) -> None:
    markdown = escape_block(text)
    assert shown(markdown) == text
    assert unescape_block(markdown) == text


_ANY = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")  # no file holds these


def _entry(summary: str) -> dict[str, Any]:
    return {
        "paper": {
            "id": "2501.00001",
            "title": "T",
            "authors": [{"name": "A B"}],
            "upvotes": 1,
            "summary": summary,
            "submittedOnDailyAt": "2025-01-02T00:00:00.000Z",
        },
        "thumbnail": "https://x.org/t.png",
    }


@PROFILE
@given(plain_texts | st.text(_ANY, max_size=30).map(tidy).filter(bool))
def test_an_abstract_goes_through_markdown_and_back_as_its_text(abstract: str) -> None:
    """HF JSON -> models -> Markdown (canonical and faithful) shows the abstract; that Markdown
    read back and written as hf-json gives the abstract again, with no loss warning."""
    document = read_daily_papers([_entry(abstract)])
    assert not document.diagnostics
    for mode in ("canonical", "faithful"):
        markdown = digestkit.dumps(document, "markdown", mode=mode)
        item = markdown.rstrip("\n").split("\n\n")[-1]  # the paper's last block
        assert item.startswith("- ")
        assert shown(item[2:].replace("\n  ", "\n")) == abstract
    again = digestkit.parse(markdown)
    assert again.papers == document.papers
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = json.loads(digestkit.dumps(again, "hf-json"))
    assert not [w for w in caught if "escaped" in str(w.message)]
    assert written[0]["paper"]["summary"] == written[0]["summary"] == abstract


def test_summary_markdown_from_a_digest_is_kept_and_its_markup_said_lost_in_hf_json() -> None:
    """A `.md` summary is Markdown: the reader keeps it byte for byte, hf-json writes the text
    its escapes spell, and says that markup (`**b**`) reads back as escaped text."""
    source = (
        "## Daily Papers (2025-01-02)\n\n### [T](https://arxiv.org/abs/2501.00001)\n\n"
        "- **b** 6\\~12 &amp; `a\\_b`\n"
    )
    document = digestkit.parse(source)
    assert document.papers[0].summary[0].text == "**b** 6\\~12 &amp; `a\\_b`"
    assert digestkit.dumps(document, "markdown") == source
    with pytest.warns(
        digestkit.formats.hf_json.daily_papers.HfJsonLossWarning, match="reads back escaped"
    ):
        written = json.loads(digestkit.dumps(document, "hf-json"))
    assert written[0]["summary"] == "**b** 6~12 & `a\\_b`"
    back = read_daily_papers(written).papers[0].summary[0].text
    assert unescape_block(back) == "**b** 6~12 & `a\\_b`"
    assert shown(back) == "**b** 6~12 & `a\\_b`"


# -- the HTML writer strikes text through where GitHub does ------------------------------------
def _struck(rendered: str) -> str:
    """The text with `\x01`/`\x02` where `<del>` opens and closes, and no other tag: raw HTML
    (`<think>`), which GitHub omits and digestkit's page shows as text, is left out of both."""
    marked = rendered.replace("<del>", "\x01").replace("</del>", "\x02")
    return re.sub(r"<[^>\n]*>", "", html.unescape(re.sub(r"<[^>]*>", "", marked)))


def _agree(markdown: str) -> None:
    ours = summary_markdown()(markdown)
    github = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    assert _struck(ours) == _struck(github), (markdown, ours, github)


def test_the_issue_15_tildes_strike_through_in_html_as_on_github() -> None:
    rendered = summary_markdown()(ISSUE_15[1])
    assert "6<del>12개의 답을 만들고 3</del>4개를" in rendered
    _agree(ISSUE_15[1])
    assert "<del>" not in summary_markdown()(escape_block(ISSUE_15[1]))


@pytest.mark.corpus
def test_corpus_tildes_strike_through_as_on_github(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    items = [
        item.text
        for document in corpus_documents.values()
        for paper in document.papers
        for item in paper.summary
        if "~" in item.text
    ]
    assert len(items) == 57  # FORMAT.md counts no `~` in titles; these are the bullets with one
    for text in items:
        _agree(text)


_TILDE_PIECES = ["~", " ~~ab~~ ", "a", "12", " ", "(", ")", "é", ".", "\\~", "。"]


@PROFILE
@given(
    st.lists(st.sampled_from(_TILDE_PIECES), max_size=14)
    .map(lambda pieces: "".join(pieces).strip())  # an item's text has no space at its ends
    .filter(lambda text: "~~" not in text.replace("~~ab~~", "").replace("\\~", ""))
)
def test_tildes_strike_through_as_on_github(text: str) -> None:
    """Single `~` between words, numbers and punctuation, and `~~x~~`. Glued runs (`~a~~~b`)
    and `~` beside emphasis (`a~*~*`) are left out: there cmark-gfm's delimiter matching has
    cases this rule does not copy."""
    _agree(text)


# -- titles and names say the same on GitHub ---------------------------------------------------
def _github_inline(pattern: str, rendered: str) -> str:
    match = re.search(pattern, rendered, re.DOTALL)
    assert match is not None, rendered
    inner = _AUTOLINK.sub("", match[1])
    assert "<" not in inner, rendered
    return html.unescape(inner)


@PROFILE
@given(titles(), st.lists(author_names(), min_size=1, max_size=3))
@example("6~12 and 3~4", ["A~B", "C~D"])  # one `~` each, two in the line: GitHub pairs them
@example("x ~y~ | z", ["a*b", "c*d", "x_y_", "_z"])
def test_titles_and_names_show_on_github_as_the_model_says(title: str, authors: list[str]) -> None:
    """The writer's title and name escapes hold for GitHub's strikethrough and tables too."""
    paper = Paper(title=title, url="https://arxiv.org/abs/2401.00001", authors=authors)
    paper.summary = [SummaryItem(text="t")]
    document = DigestDocument(digests=[DailyDigest(date=None, papers=[paper])])
    markdown = digestkit.dumps(document, "markdown", mode="canonical")
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    assert _github_inline(r"<h3><a href=\"[^\"]*\">(.*?)</a></h3>", rendered) == title
    joined = ", ".join(authors)
    if "Authors: [" not in markdown:  # the comma form; the list form writes `repr` escapes
        assert _github_inline(r"<p>Authors: (.*?)</p>", rendered) == joined


# -- validate says where GitHub shows summary Markdown otherwise (DK124, DK125) -----------------
@pytest.mark.corpus
def test_dk124_and_dk125_say_where_github_drops_a_tag_or_strikes_through(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    """On every corpus item: DK125 exactly where cmark-gfm writes `<del>`, DK124 only where it
    passes a raw tag on (which GitHub's sanitizer then drops unless it allows the element)."""
    reported = {"DK124": 0, "DK125": 0}
    for document in corpus_documents.values():
        lines = {(d.code, d.line) for d in document.diagnostics}
        for paper in document.papers:
            assert paper.line is not None
            bullet = paper.line - 1  # the item lines are the bullets after the heading
            source = paper._layout.source.content  # type: ignore[union-attr]
            starts = [i for i in range(bullet, len(source)) if source[i].startswith("- ")]
            for item, start in zip(paper.summary, starts, strict=False):
                github = cmarkgfm.github_flavored_markdown_to_html(
                    item.text, options=Options.CMARK_OPT_UNSAFE
                )
                struck = ("DK125", start + 1) in lines
                assert struck == ("<del>" in github), item.text
                reported["DK125"] += struck
                if ("DK124", start + 1) in lines:
                    reported["DK124"] += 1
                    raw = re.sub(r"</?(p|del|code|em|strong|a)\b[^>]*>", "", github)
                    assert "<" in raw.replace("&lt;", ""), item.text
    assert reported == {"DK124": 10, "DK125": 2}
