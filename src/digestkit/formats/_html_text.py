"""Text and URLs made safe for HTML, and summary Markdown rendered with mistune.

Everything a digest holds is untrusted text written by a language model: titles contain
`<think>`, summaries `<EOS>`, and a hostile file could hold `<script>` or `javascript:` links.
So every text is escaped, every URL that becomes an attribute passes a scheme allow-list, and
mistune renders summaries with raw HTML escaped and links and images checked the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urljoin

import mistune

from ..markdown.active import browser_url
from ..markdown.summary_markup import strikethrough_close

SITE = "https://huggingface.co/"
"""Relative media and paper URLs (`/avatars/x.svg`) come from Hugging Face pages (FORMAT.md)."""

MEDIA_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_WEB = ("https:", "http:")
_WEB_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Characters that are not allowed raw in HTML text or attributes (C0 controls other than TAB,
# LF, FF and CR; DEL; and the noncharacters U+FFFE/U+FFFF) are shown as visible stand-ins, so
# the page stays well-formed and nothing disappears silently.
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if code not in (9, 10, 12, 13)}
_CONTROL_PICTURES.update({0x7F: 0x2421, 0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD})


_MARKUP_CHARACTERS = re.compile("[&<>\"']")
_ASCII_UNSAFE = re.compile("[&<>\"'\x00-\x1f\x7f]")  # an ASCII text's unprintable and markup


def escape(value: str) -> str:
    """`value` as HTML text or attribute content: markup characters escaped, controls visible."""
    # `str.translate` with a mapping costs some 40 ns a character; `isprintable` (False for
    # every character the mapping changes) skips it for nearly all text, in C. Most texts have
    # no markup character either, and one search costs less than `html.escape`'s five replaces.
    # `isascii` answers in O(1); then one search finds controls and markup alike.
    if value.isascii() and _ASCII_UNSAFE.search(value) is None:
        return value
    if value.isprintable():
        if _MARKUP_CHARACTERS.search(value) is None:
            return value
    else:
        value = value.translate(_CONTROL_PICTURES)
    return html.escape(value, quote=True)


def safe_url(url: str, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """`url` as an absolute URL when its scheme is in `schemes`, else None.

    Relative URLs are resolved against huggingface.co, where the digests' relative media paths
    point; `javascript:`, `data:`, `file:` and every other scheme give None.
    """
    if schemes >= _WEB_SCHEMES and url.startswith(_WEB) and url.isprintable() and url[-1] != " ":
        # Nearly every URL: nothing for `browser_url` to remove (no control, no TAB or line
        # break, no space at the end) and an http(s) scheme, which every allow-list has.
        return url
    cleaned = browser_url(url)  # the scheme as the browser will read it
    if not cleaned or cleaned.startswith("#"):
        return None
    match = _SCHEME.match(cleaned)
    if match is None:
        try:
            cleaned = urljoin(SITE, cleaned)
        except ValueError:  # `//[abc`: a host urllib cannot read is no URL to link to
            return None
        match = _SCHEME.match(cleaned)
    if match is None or match.group(1).lower() not in schemes:
        return None
    return cleaned


_IMAGE_LINK = re.compile(r'<a class="summary-image" href="[^"]*">(.*?)</a>')


class SummaryRenderer(mistune.HTMLRenderer):
    """mistune's HTML renderer with raw HTML escaped, links limited to http(s) and mailto, and
    images turned into links: a summary may load nothing, so `--no-media` pages load nothing."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def text(self, text: str) -> str:
        # Entity references are Markdown (`&copy;` is ©): resolve them, then escape everything.
        return escape(html.unescape(text))

    def codespan(self, text: str) -> str:
        return super().codespan(text.translate(_CONTROL_PICTURES))

    def block_code(self, code: str, info: str | None = None) -> str:
        code = code.translate(_CONTROL_PICTURES)
        return super().block_code(code, info)

    def escape_raw(self, value: str) -> str:
        return escape(value)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        text = _IMAGE_LINK.sub(r"\1", text)  # `[![alt](img)](url)`: links do not nest
        target = safe_url(url)
        if target is None:
            return f'{text} <code class="blocked-url">{escape(url)}</code>'
        return f'<a href="{escape(target)}">{text}</a>'

    def image(self, text: str, url: str, title: str | None = None) -> str:
        label = f"image: {text}" if text else "image"
        target = safe_url(url, MEDIA_SCHEMES)
        if target is None:
            return f'{label} <code class="blocked-url">{escape(url)}</code>'
        return f'<a class="summary-image" href="{escape(target)}">{label}</a>'

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        # A `#` line inside a bullet is not a page heading: keep the page outline intact.
        return f'<p class="summary-heading">{text}</p>\n'


# Text in which Markdown finds nothing to do: one line, no character that opens inline markup
# (escapes, code, emphasis, links, images, HTML, entities), nothing at the start that opens a
# block (heading, quote, list, thematic break, code, fence, HTML, link definition), no control
# or line-separator character, no whitespace at either end (which Markdown would drop). Digits
# open an ordered list only when a `.` or `)` follows them (`3D` does not). That is 98% of
# corpus items; a test checks that mistune renders each of them as its escaped text.
_PLAIN_START = r"(?:[^\s#>+\-*_=0-9`~<\[\\&!|]|[0-9]+(?![0-9.)]))"
_PLAIN_REST = r"\\`*_\[\]<>!&~\x00-\x1f\x7f\x85\u2028\u2029"
_PLAIN = re.compile(rf"{_PLAIN_START}[^{_PLAIN_REST}]*(?<!\s)")
# The characters of `_PLAIN_REST` that are printable: a printable item (no control, line
# separator or noncharacter) holding none of them is plain if its start and end are.
_OPENERS = tuple("\\`*_[]<>!&~")
_PLAIN_HEAD = re.compile(_PLAIN_START)


def is_plain(text: str) -> bool:
    """Whether summary Markdown `text` renders as nothing but its escaped self."""
    return _PLAIN.fullmatch(text) is not None


# Text that holds markup characters Markdown still leaves alone: brackets without a `](`
# (no link: an item has no link definition, whose `[` would start it), one `~` (strikethrough
# needs a closing run) and `&`s that start no character reference. A fifth of the corpus items
# `is_plain` refuses (`[CLS]`, `2~4초`, `R&D`); a test checks them against mistune.
_INERT_REST = r"\\`*_<>!\x00-\x1f\x7f\x85\u2028\u2029"  # `_PLAIN_REST` but `[]~&`
_INERT = re.compile(rf"{_PLAIN_START}[^{_INERT_REST}]*(?<!\s)")


def is_inert(text: str) -> bool:
    """Whether `text`, which `is_plain` refused, still renders as its escaped self."""
    return (
        "](" not in text
        and text.count("~") < 2
        and _INERT.fullmatch(text) is not None
        and ("&" not in text or html.unescape(text) == text)
    )


def escape_plain_lines(texts: list[str], joined: str) -> list[str] | None:
    """The escaped `texts` (joined by line feeds in `joined`) when each is plain and printable,
    else None. Then no `&<>` needs escaping and no control a picture: only the quotes change.
    Some C scans for the whole summary instead of a regex walking every character."""
    for character in _OPENERS:
        if character in joined:
            return None
    head = _PLAIN_HEAD.match
    for text in texts:
        if not text.isprintable() or head(text) is None or text[-1] == " ":
            return None
    return joined.replace('"', "&quot;").replace("'", "&#x27;").split("\n")


# mistune's inline parser is quadratic on nested emphasis (`*a *a ... a* a*`: 22 s for 40 kB)
# and slow on dense link syntax (`[x](` repeated: 10 us a byte, 20 times ordinary text), so an
# item is handed to it only within these bounds; beyond them it is shown as escaped text, which
# is as inert. Corpus maxima: 1,279 characters, 48 markup characters in one item.
MARKDOWN_LIMIT = 5_000
"""Characters of one summary item that mistune renders at most."""
MARKUP_LIMIT = 100
"""Inline markup characters (`_MARKUP`) of one summary item that mistune renders at most."""
_MARKUP = re.compile(r"[\\`*_\[\]()<>!&~]")


def within_markdown_limits(text: str) -> bool:
    """Whether summary Markdown `text` is small enough to render as Markdown in bounded time."""
    return len(text) <= MARKDOWN_LIMIT and len(_MARKUP.findall(text)) <= MARKUP_LIMIT


# -- GitHub's strikethrough -------------------------------------------------------------------
# GitHub (cmark-gfm) strikes text through between runs of one or two `~` of the same length,
# which open and close like emphasis: `6~12개, 3~4개` strikes `12개, 3` through. mistune's own
# plugin knows only `~~`, so this rule follows GitHub's (`summary_markup`); a test checks it
# against cmark-gfm on every corpus item with a `~` and on generated text.
def _parse_strikethrough(inline: Any, match: re.Match[str], state: Any) -> int | None:
    if state.depth >= inline.max_nested_level:
        return None
    close = strikethrough_close(state.src, match.start(), match.end())
    if close is None:
        return None
    content = state.copy()
    content.src = state.src[match.end() : close[0]]
    state.append_token({"type": "strikethrough", "children": inline.render(content)})
    return close[1]


def _strikethrough(md: mistune.Markdown) -> None:
    md.inline.register("strikethrough", r"~~?(?!~)", _parse_strikethrough, before="link")
    if md.renderer is not None:
        md.renderer.register("strikethrough", lambda renderer, text: f"<del>{text}</del>")


def summary_markdown() -> Callable[[str], str]:
    """A fresh Markdown-to-HTML converter for summary items (built once per writer call)."""
    return cast(
        Callable[[str], str],
        mistune.create_markdown(renderer=SummaryRenderer(), plugins=[_strikethrough]),
    )
