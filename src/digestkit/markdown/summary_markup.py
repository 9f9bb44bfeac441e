"""Where GitHub shows summary Markdown other than as its characters: tags and tildes.

Summary text is Markdown (docs/specification.md), and digest generators write it from a
language model's plain text: `제안자(<proposer>)` and `<think>` are HTML tags that GitHub leaves
out, and `6~12개 … 3~4개` is a strikethrough on GitHub, which takes one `~` as well as two.
`validate` says so (DK124, DK125), and the HTML writer strikes text through by the same rule.
"""

from __future__ import annotations

import re
import unicodedata

from .active import find_active

_TILDES = re.compile(r"~+")


def _punctuation(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "PS"


def flanking(src: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether the delimiter run `src[start:end]` is left- and right-flanking (CommonMark)."""
    before, after = src[start - 1 : start] if start else "", src[end : end + 1]
    left = (
        bool(after)
        and not after.isspace()
        and (not _punctuation(after) or not before or before.isspace() or _punctuation(before))
    )
    right = (
        bool(before)
        and not before.isspace()
        and (not _punctuation(before) or not after or after.isspace() or _punctuation(after))
    )
    return left, right


def escaped(src: str, at: int) -> bool:
    """Whether `src[at]` follows an odd number of backslashes."""
    count = 0
    while at - count > 0 and src[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def strikethrough_close(src: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the `~` run that closes the strikethrough opened by `src[start:end]` (one or
    two `~`), as GitHub's cmark-gfm pairs them, or None when that run opens none: it must be a
    whole, left-flanking run, and a later right-flanking run of its length must meet it before
    any opener in between (a closer pairs with the nearest opener)."""
    size = end - start
    if not 0 < size <= 2 or not flanking(src, start, end)[0]:
        return None
    longer = src[end : end + 1] == "~" or (start and src[start - 1] == "~")
    if longer and not (src[end : end + 1] != "~" and escaped(src, start - 1)):
        return None  # part of a longer run
    inner: list[int] = []  # openers after this one
    for run in _TILDES.finditer(src, end):
        begin = run.start() + escaped(src, run.start())  # `\~` is text, not a delimiter
        length = run.end() - begin
        if not length:
            continue
        left, right = flanking(src, begin, run.end())
        if right and (inner[-1] if inner else size) == length:
            if not inner:
                return begin, run.end()
            inner.pop()
        elif left and not right:
            inner.append(length)
    return None


def struck_through(text: str) -> str | None:
    """The first text GitHub strikes through in summary Markdown `text` (`12개 … 3`), or None."""
    if "~" not in text:
        return None
    for run in _TILDES.finditer(text):
        begin = run.start() + escaped(text, run.start())
        if begin == run.end() or _in_code_span(text, begin):
            continue
        close = strikethrough_close(text, begin, run.end())
        if close is not None:
            return text[run.end() : close[0]]
    return None


_RAW_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*+)"  # possessive throughout: linear time on an unclosed tag
    r"(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s\"'=<>`]++|'[^']{0,500}+'|\"[^\"]{0,500}+\"))?+)*+"
    r"\s*+/?>"
)
"""A raw inline HTML open or closing tag, as CommonMark reads one (`<think>`, `</UN>`); a quoted
value is read up to 500 characters, so an unclosed quote costs no rescan of the text after it."""
GITHUB_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "h7",
        "h8",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "tt",
        "ul",
        "var",
        "wbr",
    ]
)
"""Elements GitHub's sanitizer keeps (github/markup's allow-list): other tags are left out."""


def hidden_tag(text: str) -> str | None:
    """The first raw HTML tag in summary Markdown `text` that GitHub leaves out (active HTML
    aside: it is an error, DK220-DK223), or None."""
    if "<" not in text:
        return None
    for match in _RAW_TAG.finditer(text):
        if escaped(text, match.start()) or _in_code_span(text, match.start()):
            continue
        if match[2].lower() not in GITHUB_TAGS:
            # Active HTML (`<script>`, `onerror=`) is an error already, DK220-DK223.
            return None if any(find_active(text)) else match[0]
    return None


def _in_code_span(text: str, at: int) -> bool:
    """Whether `text[at]` is inside a code span: an odd number of backticks before it on its
    line (the rule `markdown/active.py` uses; exact for the corpus)."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("`", line_start, at) % 2 == 1
