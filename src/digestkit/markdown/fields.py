"""One-line field readers: headings, media, Vote and Authors values.

Each returns plain values (and a problem message where the input is off), never models or
diagnostics, so `build` stays the only place that decides severity and position.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from .escaping import balanced_parentheses, decode_escapes, read_destination, unescape

if TYPE_CHECKING:
    from lxml import html as lxml_html

DIGEST_CONTENT = re.compile(r"Daily Papers[ \t]*(?:\((?P<date>[^()]*)\))?")
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<dest><(?:[^<>\\\n]|\\.)*>|\S+)\)[ \t]*")
WATCH = re.compile(
    r"\[Watch Video\](?:\((?P<dest><(?:[^<>\\\n]|\\.)*>|\S+)\)|(?P<bare>[^\s()]+))[ \t]*"
)
EMPTY_LINK = re.compile(r"\[\]\((?P<dest><(?:[^<>\\\n]|\\.)*>|\S+)\)[ \t]*")
VIDEO_EXTENSIONS = ("mp4", "webm", "mov", "qt", "m4v", "ogv")
"""File name endings of videos (`.qt` is QuickTime, as `.mov`: 15 corpus papers, W07)."""
VIDEO_FILE = re.compile(rf"\.(?:{'|'.join(VIDEO_EXTENSIONS)})(?:[?#]\S*)?", re.IGNORECASE)
"""How a media URL names a video file (`![](x.qt)`, `[](x.mp4)` in early generator runs)."""
_WHITESPACE = re.compile(r"\s")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Heading(NamedTuple):
    title: str
    url: str


def paper_heading(
    line: str, definitions: Callable[[], dict[str, str]] | None = None
) -> Heading | None:
    """`### [Title](url)` as CommonMark reads it: the heading's content must be exactly one link.

    The link text ends at its matching `]` (backslash escapes and code spans hold brackets); the
    destination may be `<...>`, hold balanced parentheses and escapes, and be followed by a link
    title; `[Title][ref]`, `[Title][]` and `[Title]` resolve through `definitions` (called only
    then). `url` is the destination a browser follows (escapes and entities undone); the title
    stays raw Markdown, only the writer's escapes undone (`markdown.escaping`). Headings with plain
    text and URLs (all but a few) take a fast path of string methods."""
    body = _atx_content(line)
    if len(body) < 2 or body[0] != "[":
        return None
    if body[-1] == ")":
        cut = body.find("](")
        if cut >= 1:
            title, url = body[1:cut], body[cut + 2 : -1]
            if not _TEXT_SPECIAL.search(title) and not _URL_SPECIAL.search(url):
                return Heading(title, url)
    return _link(body, definitions)


def _atx_content(line: str) -> str:
    """An ATX heading's content: no indent, opening `#`s, closing sequence or edge blanks."""
    body = line.lstrip(" ")
    body = body[len(body) - len(body.lstrip("#")) :].strip(" \t")
    if body.endswith("#"):
        bare = body.rstrip("#")
        if not bare or bare[-1] in " \t":
            body = bare.rstrip(" \t")
    return body


_TEXT_SPECIAL = re.compile(r"[\[\]`\\<&]")
_URL_SPECIAL = re.compile(r"[\s()<>\\&\"']")


def _link(body: str, definitions: Callable[[], dict[str, str]] | None) -> Heading | None:
    end = _text_end(body)
    if end < 0:
        return None
    text, rest = body[1:end], body[end + 1 :]
    if _NESTED_LINK.search(_CODE_SPAN.sub("", text)):
        return None  # a link inside the text is the link; the outer brackets are text
    url: str | None
    if rest[:1] == "(":
        url = _inline_destination(rest)
        if url is None and rest[-1] == ")" and "](" not in rest and not _WHITESPACE.search(rest):
            # An unbalanced `)` in a plain URL, as the writer writes one: kept as written
            # (CommonMark ends the link at the first `)`; docs/specification.md).
            return Heading(unescape(text) if "\\" in text or "&" in text else text, rest[1:-1])
    else:
        label = text if rest in ("", "[]") else _label(rest)
        found = definitions() if definitions is not None and label is not None else {}
        url = found.get(normalize_label(label)) if label is not None else None
    if url is None:
        return None
    return Heading(unescape(text) if "\\" in text or "&" in text else text, url)


_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_NESTED_LINK = re.compile(r"(?<!\\)\][(\[]")


def _text_end(body: str) -> int:
    """The index of the `]` closing the link text opened at 0, or -1."""
    depth, index, n = 0, 0, len(body)
    while index < n:
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            run = len(body) - len(body[index:].lstrip("`")) - index
            closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(body, index + run)
            index = closing.end() if closing else index + run
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _label(rest: str) -> str | None:
    match = _FULL_REFERENCE.fullmatch(rest)
    return match[1] if match else None


_FULL_REFERENCE = re.compile(r"\[((?:[^\[\]\\]|\\.){1,999})\]")


def _inline_destination(rest: str) -> str | None:
    """`(dest "title")` making up all of `rest`: the destination, undone, or None."""
    match = _INLINE.fullmatch(rest)
    if match is None:
        return None
    url = match["angled"] if match["angled"] is not None else match["raw"] or ""
    if match["angled"] is None and not balanced_parentheses(
        url.replace("\\(", "").replace("\\)", "")
    ):
        return None
    return decode_escapes(url)


_INLINE = re.compile(
    r"\([ \t]*(?:<(?P<angled>(?:[^<>\\\n]|\\.)*)>|(?P<raw>(?:[^\s\\\x00-\x1f]|\\.)+?))?"
    r"(?:[ \t]+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*\)"
)


def normalize_label(label: str) -> str:
    """CommonMark's label matching: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


_DEFINITION = re.compile(
    r" {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(?:<((?:[^<>\\\n]|\\.)*)>|(\S+))"
    r"(?:[ \t]+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*"
)
_PARAGRAPH_KINDS = frozenset({"text", "vote", "authors", "image", "watch", "html"})


def definitions(lines: list[str], kinds: list[str]) -> dict[str, str]:
    """One-line link reference definitions outside code, HTML and containers (the first of a
    label wins); a definition cannot interrupt a paragraph, so it follows a non-text line."""
    found: dict[str, str] = {}
    previous = "blank"  # the kind of the line before, a definition counting as none
    for line, kind in zip(lines, kinds, strict=True):
        match = _DEFINITION.fullmatch(line) if kind in ("text", "watch") else None
        if match and previous not in _PARAGRAPH_KINDS and match[1].strip():
            url = match[2] if match[2] is not None else match[3]
            found.setdefault(normalize_label(match[1]), decode_escapes(url))
            previous = "blank"
        else:
            previous = kind
    return found


def digest_date(line: str) -> tuple[dt.date | None, str | None]:
    """The heading's date, or None and why not (an ATX `##` line or a setext heading's text)."""
    content = _atx_content(line) if line.lstrip(" ")[:1] == "#" else line.strip(" \t")
    match = DIGEST_CONTENT.fullmatch(content)
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
    """`![alt](url)` or `![alt](<url>)`."""
    match = IMAGE.fullmatch(line)
    return _media_url(read_destination(match["dest"])) if match else None


def empty_link_url(line: str) -> str | None:
    """`[](url)`: early runs linked the video with no text."""
    match = EMPTY_LINK.fullmatch(line)
    return _media_url(read_destination(match["dest"])) if match else None


def _media_url(url: str | None) -> str | None:
    """`url` if a `Media` can hold it: not empty and without whitespace. `<a b>` and `<>` are
    CommonMark destinations, but no media URL (the line is then reported, never a crash)."""
    return url if url and not _WHITESPACE.search(url) else None


def paper_url(heading: Heading | None) -> Heading | None:
    """`heading` if a `Paper` can hold its URL (no whitespace, no `](`: `models.Url`)."""
    return heading if heading is None or _PAPER_URL.fullmatch(heading.url) else None


_PAPER_URL = re.compile(r"(?:[^\s\]]|\][^\s(])*\]?")


def is_video_file(url: str) -> bool:
    path_end = VIDEO_FILE.search(url)
    return path_end is not None and path_end.end() == len(url)


def watch_url(line: str) -> str | None:
    match = WATCH.fullmatch(line)
    if match is None:
        return None
    return _media_url(read_destination(match["dest"])) if match["dest"] else match["bare"]


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


GENERATOR_VIDEO = re.compile(
    r'<div><video controls src="([!#-%\'-;=?-~]+)" muted="false"></video></div>'
)
"""The generator's video embed, its URL printable ASCII without quotes, `&`, `<` or `>`: the
characters lxml gives back as they are."""


def html_media(html: str) -> HtmlMedia | None:
    """The first `<video src>`, `<source src>`, `<iframe src>` or `<img src>` in an HTML block.

    lxml is imported here, on first use: most digests hold no HTML, and the CLI starts faster.
    The generator's own embed (every HTML block of the corpus but one) is read by a regex,
    a tenth of lxml's time, with lxml's answer (`tests/markdown/test_fields.py` compares them).
    """
    own = GENERATOR_VIDEO.fullmatch(html)
    if own is not None:
        return HtmlMedia("video", own[1])
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
