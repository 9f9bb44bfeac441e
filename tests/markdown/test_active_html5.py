"""DK220 and DK221 against a browser's view: an error fires exactly when an HTML5 tokenizer
(html5lib) reads an active element or an `on...` attribute in the page a CommonMark renderer
(markdown-it-py) makes of the text (`tests/html5_view.py`).

Both directions matter: an error on prose (`a<b relation on sets, where b>c`) makes `validate`
fail a good digest, and a missed tag is a live script in a reader's viewer. Counts are compared,
one per tag, as the detector reports them.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit.markdown.active import find_active

from ..html5_view import browser_view
from ..strategies import PROFILE


def detector_view(text: str) -> tuple[int, int]:
    """(DK220 count, DK221 count) of `find_active`, one per tag (the `<` a finding lies in)."""
    tags: dict[str, set[int]] = {"DK220": set(), "DK221": set()}
    for finding in find_active(text):
        if finding.code in tags:
            tags[finding.code].add(text.rfind("<", 0, finding.offset + 1))
    return len(tags["DK220"]), len(tags["DK221"])


FIXTURES = {
    # prose that only looks like a tag
    "relation": ("- the a<b relation on sets, where b>c\n", (0, 0)),
    "abstract": ("- a > <former architecture that relies on language modeling\n", (0, 0)),
    "less than": ("- x <y and z> onset\n", (0, 0)),
    "no space before attribute": ("- a <a/onclick=x>b</a>\n", (0, 0)),
    # real tags, inline and as blocks
    "script inline": ("- x <script>alert(1)</script>\n", (1, 0)),
    "handler inline": ("- a <img src=x onerror=y> b\n", (0, 1)),
    "self-closing": ("a <img title='x' onload=y/>\n", (0, 1)),
    "bare attribute": ("x <a onclick>\n", (0, 1)),
    "quoted >": ('<img onerror="a>b">\n', (0, 1)),
    "block": ("<div>\n<img onerror=x>\n</div>\n", (0, 1)),
    "slash attribute in a block": ("<div>\n<a/onclick=x>\n</div>\n", (0, 1)),
    "unquoted in a block": ("<div>\n<img src=x onerror=alert(1)>\n</div>\n", (0, 1)),
    "several": ("- <img onerror=a> and <b onmouseover=b> <object>\n", (1, 2)),
    # tags split across lines
    "split": ("<img src=x\nonerror=alert(1)>\n", (0, 1)),
    "split in a paragraph": ("a <img src=x\nonerror=y> b\n", (0, 1)),
    "split by a blank line": ("a <img src=x\n\nonerror=y> b\n", (0, 0)),
    "split by a quote line": ("a <a onclick=x\n>y\n", (0, 0)),
    # comments and CDATA-ish text
    "comment block": ("<!-- <script> -->\n", (0, 0)),
    "comment inline": ("a <!-- <img onerror=x> --> b\n", (0, 0)),
    "unclosed comment inline": ("a <!-- b <img onerror=x>\n", (0, 1)),
    "cdata": ("a <![CDATA[ <img onerror=x> ]]>\n", (0, 0)),
    "cdata ends at the first >": ("a <![CDATA[ > <img onerror=x> ]]>\n", (0, 1)),
    # raw text elements hold text
    "textarea": ("<textarea><img onerror=x></textarea>\n", (0, 0)),
    "script holds text": ("- <script>var a = '<img onerror=x>'</script>\n", (1, 0)),
    # code is shown, not run
    "code span": ("a `<script>` b\n", (0, 0)),
    "double backticks": ("`` a ` <script> ``\n", (0, 0)),
    "unmatched backtick": ("a ` <script>\n", (1, 0)),
    "code span across lines": ("a `x\ny <script>` b\n", (0, 0)),
    "an HTML block line cuts a code span": ("a `x\n<script>` b\n", (1, 0)),
    "fenced code": ("```\n<script>\n```\n", (0, 0)),
    "indented code": ("    <script>\n", (0, 0)),
    "escaped": ("\\<script>\n", (0, 0)),
    "link destination": ("[x](<a onclick=y>)\n", (0, 0)),
}


@pytest.mark.parametrize("text, expected", FIXTURES.values(), ids=FIXTURES.keys())
def test_fixtures_agree_with_the_html5_tokenizer(text: str, expected: tuple[int, int]) -> None:
    assert browser_view(text) == expected  # the fixture says what a browser sees ...
    assert detector_view(text) == expected  # ... and the detector agrees


def test_validate_reports_the_fixtures_as_the_detector_does() -> None:
    text = "## Daily Papers (2024-01-01)\n\n### [T](https://arxiv.org/abs/2401.00001)\n\n"
    for body, (active, handlers) in FIXTURES.values():
        codes = [d.code for d in digestkit.parse(text + body).diagnostics]
        assert (codes.count("DK220"), codes.count("DK221")) == (active, handlers), body


# Pieces of Markdown and HTML whose combinations make a renderer and a tokenizer disagree with a
# naive scan: tags of both codes, raw text elements, comments, code, escapes and block starts.
PIECES = (
    "<script>", "</script>", "<img src=x onerror=y>", "<a onclick=x>", "<a/onclick=x>",
    "<b onmouseover=a>", "<object>", "<iframe srcdoc=x>", "<textarea>", "</textarea>", "<title>",
    "</title>", "<div>", "</div>", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<!x", ">",
    "<", "`", "``", "\\", "\n", "\n\n", "- ", "> ", "    ", "```", "# ", " on ", "a<b", "b>c",
    '"', "'", "=", " ", "x", "onerror=y", " title='", "](", "[x](<", "&lt;", "*",
)  # fmt: skip


@PROFILE
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_generated_text_agrees_with_the_html5_tokenizer(text: str) -> None:
    assert detector_view(text) == browser_view(text)
