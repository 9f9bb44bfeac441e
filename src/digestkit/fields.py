"""One-line field readers: headings, media, Vote and Authors values.

Each returns plain values (and a problem message where the input is off), never models or
diagnostics, so `build` stays the only place that decides severity and position.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from typing import TYPE_CHECKING, NamedTuple

from .markdown_text import read_destination, unescape

if TYPE_CHECKING:
    from lxml import html as lxml_html

DIGEST_HEADING = re.compile(r"##[ \t]+Daily Papers[ \t]*(?:\((?P<date>[^()]*)\))?[ \t]*")
# Greedy title: titles are raw and may hold `[`, `]`, `(` and `)`, so the link starts at the
# last `](` of the line. `<url>` is CommonMark's form for URLs with unusual characters.
PAPER_HEADING = re.compile(
    r"###[ \t]+\[(?P<title>.*)\]\((?:<(?P<angled>[^<>\s]*)>|(?P<url>\S*))\)[ \t]*"
)
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<url>\S+)\)[ \t]*")
WATCH = re.compile(r"\[Watch Video\](?:\((?P<url>\S+)\)|(?P<bare>[^\s()]+))[ \t]*")
_WHITESPACE = re.compile(r"\s")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Heading(NamedTuple):
    title: str
    url: str


def paper_heading(line: str) -> Heading | None:
    """`### [Title](url)`, split at the last `](` (titles are raw and may hold `](`-free brackets
    and parentheses); backslash escapes in the title are undone (`markdown_text`).
    Equivalent to `PAPER_HEADING.fullmatch`, which documents the grammar, but string methods
    avoid the regex's backtracking from the end of every heading."""
    body = line[3:].strip(" \t")  # the scanner guarantees `###` and a blank after it
    cut = body.rfind("](")
    if cut < 1 or body[0] != "[" or body[-1] != ")":
        return None
    raw_url = body[cut + 2 : -1]
    if _WHITESPACE.search(raw_url):
        return None
    url = read_destination(raw_url)  # `<...>`, backslash escapes and entities decoded
    if url is None:
        return None
    title = body[1:cut]
    return Heading(unescape(title) if "\\" in title or "&" in title else title, url)


def digest_date(line: str) -> tuple[dt.date | None, str | None]:
    """The heading's date, or None and why not."""
    match = DIGEST_HEADING.fullmatch(line)
    raw = match["date"] if match else None
    if raw is None:
        return None, "expected `## Daily Papers (YYYY-MM-DD)`"
    if not _ISO_DATE.fullmatch(raw.strip()):
        return None, f"`{raw}` is not a YYYY-MM-DD date"
    try:
        return dt.date.fromisoformat(raw.strip()), None
    except ValueError:
        return None, f"`{raw}` is not a real date"


def vote(line: str) -> tuple[int | None, str]:
    """(votes, raw value): votes is None unless the value is a non-negative integer."""
    value = line[len("Vote:") :].strip(" \t")  # the scanner guarantees the prefix
    # More than 18 digits is no vote count (and `int()` refuses 4,300+ digit strings).
    valid = value.isascii() and value.isdigit() and len(value) <= 18
    return (int(value) if valid else None), value


def authors(line: str) -> tuple[list[str], bool]:
    """`Authors: A, B` or the Python-list form `Authors: ['A', 'B']`; `+` is not an author.

    Returns the names and whether a list literal was malformed (then split on commas)."""
    value = line[len("Authors:") :].strip(" \t")  # the scanner guarantees the prefix
    if "\\" in value or "&" in value:
        value = unescape(value)  # the writer escapes the whole value
    if value.startswith("[") and value.endswith("]"):
        if _SIMPLE_LIST.fullmatch(value):  # quoted names, no escapes: the generator's own repr
            return _clean(value[2:-2].split("', '"), careful=True), False
        parsed = _literal(value) if len(value) <= LITERAL_LIMIT else None
        if isinstance(parsed, list) and all(isinstance(name, str) for name in parsed):
            one_line = [
                " ".join(name.split()) if "\n" in name or "\r" in name else name for name in parsed
            ]
            return _clean(one_line, careful=True), False
        return _clean(_COMMA.split(value[1:-1].replace("'", "")), careful=True), True
    # Whitespace next to a separator needs the regex split. Plain substring tests find ASCII
    # spaces, and `isprintable()` is False for any other whitespace (TAB, NBSP, ...); all three
    # run in C, where a regex search for `\s, |, \s` cost more than the rest of the line's work.
    if ",  " in value or " , " in value or not value.isprintable():
        return _clean(_COMMA_SPACE.split(value)), False
    return _clean(value.split(", ")), False  # the common case: C-level split


def _literal(value: str) -> object:
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


LITERAL_LIMIT = 100_000
"""Longer list literals that are not the generator's simple repr are split on commas unread:
Python's parser builds a tree first, ~90 bytes and 0.2 us per character (a malformed 2 MB list
took 200 MB and 7x the time of ordinary text). The corpus's longest `Authors:` line is far
shorter, and simple lists of any length take the regex path above."""
_SIMPLE_LIST = re.compile(r"\['[^'\\\n]*'(?:, '[^'\\\n]*')*\]")
_COMMA_SPACE = re.compile(r"\s*, \s*")
_COMMA = re.compile(r"\s*,\s*")


def _clean(names: list[str], *, careful: bool = False) -> list[str]:
    """Drop `+` and empty items, strip names. The comma form's caller has already made sure no
    separator touches whitespace, so only the ends need a look there (663 names occur on one
    line); quoted names (`careful`) can hold anything and are stripped one by one."""
    if careful or (names and (names[0] != names[0].strip() or names[-1] != names[-1].strip())):
        names = [name.strip() for name in names]
    if "+" in names or "" in names:
        names = [name for name in names if name not in ("+", "")]
    return names


def image_url(line: str) -> str | None:
    match = IMAGE.fullmatch(line)
    return read_destination(match["url"]) if match else None


def watch_url(line: str) -> str | None:
    match = WATCH.fullmatch(line)
    if match is None:
        return None
    return read_destination(match["url"]) if match["url"] else match["bare"]


def _html_parser() -> lxml_html.HTMLParser:
    """A hardened parser: no network access (no DTD or entity fetches), lxml's huge-tree limits
    kept on, comments and processing instructions dropped. libxml2's HTML parser never expands
    entities declared in the text (a test pins that), so entity bombs stay inert. A new one per
    block: lxml parsers must not be shared between threads, and HTML blocks are rare."""
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(
        no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )


class HtmlMedia(NamedTuple):
    kind: str  # "video" or "image"
    url: str


def html_media(html: str) -> HtmlMedia | None:
    """The first `<video src>`, `<source src>`, `<iframe src>` or `<img src>` in an HTML block.

    lxml is imported here, on first use: most digests hold no HTML, and the CLI starts faster.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        fragments = lxml_html.fragments_fromstring(html, parser=_html_parser())
    except (etree.ParserError, ValueError):
        return None
    for fragment in fragments:
        if not isinstance(fragment, lxml_html.HtmlElement):
            continue
        for element in fragment.iter("video", "source", "iframe", "img"):
            src = (element.get("src") or "").strip()
            if src and not any(ch.isspace() for ch in src):
                return HtmlMedia("image" if element.tag == "img" else "video", src)
    return None
