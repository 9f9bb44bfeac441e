"""Text in Markdown: escaped so that a CommonMark renderer shows exactly the model's text.

The generator writes titles and names raw, and raw text can form markup when a viewer renders
the digest: HTML (`<img onerror=...>`), links (`](javascript:...)`), code spans, emphasis
(`A*B*C`), entities (`AT&amp;T`) or backslash escapes (`\\{`). `escape` puts a backslash before
what would be read as markup, so the rendered text is the model's text; `unescape`, used by the
reader, undoes exactly these escapes and no others, so raw titles keep TeX such as `$\\{x_i\\}$`
verbatim, as the generator wrote it. No corpus title or name contains one of these escapes (a
test checks every one), so reading them this way changes none of them.

Link destinations (paper URL, media URL) get the same treatment: `destination` writes a URL so
that it stays one destination whatever it holds (`x.png)<script>`), and `read_destination`
decodes what CommonMark decodes there (the angle-bracket form, backslash escapes, entities).
"""

from __future__ import annotations

import html.entities
import re
from typing import Any

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKSLASHED = frozenset("<[]`")
"""Escaped with a backslash wherever they occur: they open HTML, autolinks, links, images and
code spans, and TeX never puts a backslash before them."""
_REFERENCES = {"*": "&#42;", "_": "&#95;", "~": "&#126;", "\\": "&#92;", "&": "&amp;"}
"""Written as character references, which CommonMark never reads as markup: TeX writes `\\_`,
`\\&`, `\\\\` and `\\~` raw, so a backslash escape of these would be ambiguous on reading."""
_PAIRED = "*_~"
"""Emphasis (and GitHub's strikethrough) needs an opener and a closer of the same character: a
title with one `*` (`Beyond A*`) forms none, so these are escaped only when they repeat."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)")
"""Anything shaped like a character reference (a superset of those CommonMark decodes)."""
_WRITER_ESCAPE = re.compile(r"\\([<\[\]`])|&(?:#42|#95|#126|#92|amp|#13);")
_UNESCAPED = {"&#42;": "*", "&#95;": "_", "&#126;": "~", "&#92;": "\\", "&amp;": "&", "&#13;": "\r"}


_ESCAPE_TRIGGER = re.compile(r"[<\[\]`\\\r]")
"""`_BACKSLASHED`, a backslash or a CR: where `escape` has work whatever the rest holds."""


def escape(text: str) -> str:
    """`text` as Markdown inline content that renders as `text` itself (one line: titles and
    names). `<`, `[`, `]` and backticks get a backslash; `*`, `_` and `~` when they repeat, an
    `&` that starts a character reference, and a backslash that would escape what follows it
    (ASCII punctuation, or the end) become character references, as does a CR (a line ending).
    `unescape` inverts it exactly."""
    if (
        _ESCAPE_TRIGGER.search(text) is None
        and "&" not in text
        and text.count("*") < 2
        and text.count("_") < 2
        and text.count("~") < 2
    ):
        return text  # most titles and names: one search and three counts, in C
    paired = [char for char in _PAIRED if text.count(char) > 1]
    entity_at = {match.start() for match in _ENTITY.finditer(text)} if "&" in text else set()
    if not (entity_at or paired or "\\" in text or "\r" in text or _BACKSLASHED.intersection(text)):
        return text
    out = []
    for index, char in enumerate(text):
        if char == "\r":  # a line ending in Markdown: it would end the heading
            out.append("&#13;")
        elif char in _BACKSLASHED:
            out.append("\\" + char)
        elif char in paired or index in entity_at:
            out.append(_REFERENCES[char])
        elif char == "\\":
            after = text[index + 1 : index + 2]
            out.append("&#92;" if not after or after in _ASCII_PUNCTUATION else char)
        else:
            out.append(char)
    return "".join(out)


def unescape(text: str) -> str:
    r"""Undo `escape`: a backslash before `<`, `[`, `]` or a backtick, and the references
    `&#42;`, `&#95;`, `&#126;`, `&#92;` and `&amp;`; any other backslash or reference is text
    (TeX such as `\{`, `\&` or `\\`)."""
    if "\\" not in text and "&" not in text:
        return text
    return _WRITER_ESCAPE.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    return match[1] or _UNESCAPED[match[0]]


# -- summary text: plain text as Markdown source --------------------------------------------
def escape_block(text: str) -> str:
    r"""Plain text (Hugging Face's abstract) as summary Markdown that CommonMark, with GitHub's
    extensions, shows as exactly that text: a backslash before every `<`, `[`, `]`, backtick,
    `*`, `~`, `|` and `$`; before `_` unless it sits between letters or digits (`snake_case`
    forms no emphasis); before an `&` that starts a character reference; before a backslash
    that would escape what follows it; and before what opens a block at a line start (`#`,
    `>`, `-`, `+`, `=`, the `.` or `)` of `1.`). Each line is kept as it is: text with
    whitespace at a line's ends, or blank lines, reads back without them, as Markdown drops
    them. `unescape_block` inverts it exactly."""
    return _BLOCK_ESCAPES.sub(_escape_one, text)


# One pass in C over what `escape_block` escapes: the characters escaped everywhere, a `_` not
# between letters or digits, an `&` that starts a reference, a backslash that would escape
# what follows, and the character that opens a block at a line start (after any digits).
_BLOCK_ESCAPES = re.compile(
    r"[`*\[\]<~|$]|(?<![^\W_])_|_(?![^\W_])"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)"
    r"|\\(?=\Z|\n|[!-/:-@\[-`{-~])"
    r"|^[0-9]{0,9}(?:(?<![0-9])[#>+=\-]|(?<=[0-9])[.)])",
    re.MULTILINE,
)


def _escape_one(match: re.Match[str]) -> str:
    found = match[0]
    return f"{found[:-1]}\\{found[-1]}"


_CODE_ESCAPE_OR_REFERENCE = re.compile(
    r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);|(`+)"
)


def unescape_block(markdown: str) -> str:
    """Summary Markdown as the plain text it shows, as far as escapes go: backslash escapes of
    punctuation and character references decoded, code spans kept as written (CommonMark
    decodes nothing inside them). The inverse of `escape_block`; other markup (`**bold**`)
    is left as it is."""
    if "\\" not in markdown and "&" not in markdown:
        return markdown
    out = []
    position = 0
    for match in _CODE_ESCAPE_OR_REFERENCE.finditer(markdown):
        if match.start() < position:
            continue  # inside a code span already copied
        out.append(markdown[position : match.start()])
        position = match.end()
        ticks = match[3]
        if ticks is None:
            out.append(_decode(match))
            continue
        close = re.compile(rf"(?<!`){ticks}(?!`)").search(markdown, position)
        if close is None:  # a lone run of backticks is text
            out.append(ticks)
        else:
            out.append(markdown[match.start() : close.end()])
            position = close.end()
    out.append(markdown[position:])
    return "".join(out)


# -- link destinations ---------------------------------------------------------------------
_PLAIN_URL = re.compile(r"[^<>\\\x00-\x20\x7f]*")


def balanced_parentheses(url: str) -> bool:
    """Whether CommonMark reads the parentheses of a bare destination as part of it: balanced,
    and nested at most 32 deep (markdown-it's limit)."""
    depth = 0
    for char in url:
        if char in "()":
            depth += 1 if char == "(" else -1
            if not 0 <= depth <= 32:
                return False
    return depth == 0


def destination(url: str) -> str:
    """`url` as a CommonMark link destination that is exactly `url` and nothing more: written
    as it is when it holds nothing a renderer would read (every corpus URL; balanced
    parentheses are part of a bare destination), else in the
    `<...>` form with `<`, `>`, backslashes and character references escaped, so `)` or
    `<script>` inside it cannot end the link or start HTML. `read_destination` inverts it."""
    if (
        _PLAIN_URL.fullmatch(url)
        and not ("&" in url and _ENTITY.search(url))
        and (("(" not in url and ")" not in url) or balanced_parentheses(url))
    ):
        return url
    entity_at = {match.start() for match in _ENTITY.finditer(url)} if "&" in url else set()
    out = ["<"]
    for index, char in enumerate(url):
        if char == "\\":
            after = url[index + 1 : index + 2]
            out.append("\\\\" if not after or after in _ASCII_PUNCTUATION else "\\")
        elif char in "<>" or index in entity_at:
            out.append("\\" + char)
        else:
            out.append(char)
    out.append(">")
    return "".join(out)


_ANGLED = re.compile(r"<((?:[^<>\\\n]|\\.)*)>")
_BACKSLASH_OR_REFERENCE = re.compile(
    r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);"
)


def read_destination(raw: str) -> str | None:
    """The URL a CommonMark renderer reads from a link destination: the `<...>` form unwrapped
    (None when its brackets are not balanced), backslash escapes of punctuation and character
    references decoded. A destination with neither (every corpus URL) is returned as it is."""
    if raw[:1] == "<":
        match = _ANGLED.fullmatch(raw)
        if match is None:
            return None
        raw = match[1]
    return decode_escapes(raw)


def decode_escapes(raw: str) -> str:
    """Backslash escapes of punctuation and character references decoded in one pass, as
    CommonMark reads a destination (`\\&amp;` is a literal `&` followed by `amp;`)."""
    if "\\" not in raw and "&" not in raw:
        return raw
    return _BACKSLASH_OR_REFERENCE.sub(_decode, raw)


def _decode(match: re.Match[str]) -> str:
    if match[1] is not None:
        return match[1]
    name = match[2]
    if name[0] != "#":
        return html.entities.html5.get(name + ";", match[0])
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    # CommonMark: code point 0, surrogates and values past Unicode are U+FFFD.
    return "\ufffd" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)


# -- text no file can hold ------------------------------------------------------------------
SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_surrogates(value: Any) -> Any:
    """`value` (a string, or lists and dicts of them) with each lone surrogate replaced by
    U+FFFD, or `value` itself (the same object) when it holds none. A surrogate reaches a
    `str` only from an escape (`'\\ud800'` in a list literal, `"\\ud800"` in JSON) or from a
    caller's own string: UTF-8 cannot encode one, and pydantic refuses it."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value) if SURROGATE.search(value) else value
    if isinstance(value, list):
        fixed = [without_surrogates(item) for item in value]
        return value if all(a is b for a, b in zip(fixed, value, strict=True)) else fixed
    if isinstance(value, dict):
        items = {key: without_surrogates(item) for key, item in value.items()}
        return value if all(items[key] is value[key] for key in value) else items
    return value
