"""Digest Markdown out: faithful (byte for byte where unchanged) or canonical (the E5 template).

Faithful output follows tomlkit: every chunk whose field is unchanged since parsing is given back
raw, an edited field is re-rendered alone in canonical form, a field that became empty loses its
line, and a field that appeared gets one in the template's position. Canonical output ignores
layout entirely, which `digestkit fmt` relies on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Literal, TextIO

from ..api import parse
from ..diagnostics import FormatError
from ..markdown.active import script_scheme
from ..markdown.escaping import destination, escape
from ..markdown.layout import FIELD_ROLES, ROLE_INDEX, Role, freeze
from ..models import DailyDigest, DigestDocument, Paper

Mode = Literal["faithful", "canonical"]

_CONTROL = re.compile(r"[\x00-\x08\n-\x1f\x7f]")
"""Control characters (TAB aside) that a name in the comma form would write raw."""
_UNWRITABLE = re.compile(r"[\x00\ud800-\udfff]")
"""NUL makes the file binary (the reader refuses it); a lone surrogate is no UTF-8 at all."""


# -- canonical templates ---------------------------------------------------------------------
def heading_line(paper: Paper) -> str:
    """Titles are escaped so that a renderer shows the title's text (no HTML, link, code span,
    emphasis or entity), and the URL so that it stays the link's one destination."""
    return f"### [{escape(paper.title)}]({destination(paper.url)})\n"


def media_lines(paper: Paper) -> str:
    media = paper.media
    if media is None:
        return ""
    url = destination(media.url)
    if media.kind == "image":
        return f"![]({url})\n"
    if script_scheme(media.url):  # validate reports it (DK222); no live HTML carries it
        return f"[Watch Video]({url})\n"
    embed = html.escape(media.url, quote=True)
    return (
        f'[Watch Video]({url})\n<div><video controls src="{embed}" muted="false"></video></div>\n'
    )


def vote_line(paper: Paper) -> str:
    return "" if paper.votes is None else f"Vote: {paper.votes}\n"


def authors_line(paper: Paper) -> str:
    names = paper.authors
    if not names:
        return ""
    joined = ", ".join(names)
    # A `, ` inside a name is one more than the separators (`, ` cannot overlap itself), and
    # the separators hold no control character: the whole line answers for every name.
    if (
        joined.count(", ") >= len(names)
        or _CONTROL.search(joined)
        or (joined.startswith("[") and joined.endswith("]"))
    ):
        # Comma-joining would split these names apart again: use the list form, which the
        # generator also wrote and which reads back exactly. `repr` writes a control character
        # or a lone surrogate as an escape (`'\\x00'`), so the file never holds one raw. Its
        # own brackets stay as they are (they form no link); the names inside it are escaped
        # after `repr`, which would otherwise double the escapes' backslashes.
        return f"Authors: [{escape(repr(list(names))[1:-1])}]\n"
    return f"Authors: {escape(joined)}\n"


def summary_lines(paper: Paper) -> str:
    lines = []
    for item in paper.summary:
        text, label = item.text, item.label
        lead = "-" if label is None else f"- ***{label}***:"
        if "\n" not in text:  # most items: one line, no split
            lines.append(f"{lead} {text}\n" if text else lead + "\n")
            continue
        first, *rest = text.split("\n")
        lines.append(f"{lead} {first}\n" if first else lead + "\n")
        lines.extend(f"  {line}\n" if line else "\n" for line in rest)
    return "".join(lines)


_RENDER = {
    "heading": heading_line,
    "media": media_lines,
    "vote": vote_line,
    "authors": authors_line,
    "summary": summary_lines,
}


def canonical_paper(paper: Paper) -> str:
    blocks = [text for text in (render(paper) for render in _RENDER.values()) if text]
    return "\n".join(blocks) + "\n"


def digest_heading_line(digest: DailyDigest) -> str:
    """The heading line. A heading whose date could not be read is kept as it was written
    (there is no date to render); papers found outside any section have none."""
    if digest.date is not None:
        return f"## Daily Papers ({digest.date.isoformat()})\n"
    layout = digest._layout
    if layout is not None and layout.heading is not None:
        # A `\r` left at the end (`\r\r\n` in the source) would read back as a CRLF ending.
        line = layout.source.content[layout.heading].rstrip("\r")
        if not line.lstrip(" ").startswith("#"):  # a setext heading: its underline is not kept
            line = "## " + line.strip(" \t")
        return line + "\n"
    return ""


def digest_heading(digest: DailyDigest) -> str:
    """The heading and the blank line the template puts after it."""
    line = digest_heading_line(digest)
    return line + "\n" if line else ""


def _writable(text: str) -> str:
    """`text`, if a digest file can hold it; else `FormatError` naming the character. No writer
    may emit what the reader refuses: NUL makes `parse_file` refuse the file as binary, and a
    lone surrogate (from a `\\ud800` escape in JSON) cannot be encoded at all."""
    if "\x00" not in text:  # one memchr, and UTF-8 encoding in C: half the regex's time
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return text
    match = _UNWRITABLE.search(text)
    if match is None:
        return text
    before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()][-40:]
    raise FormatError(
        f"cannot write U+{ord(match[0]):04X} to Markdown (after `{before}`): no digest file "
        "can hold it; remove it from the document"
    )


def canonical(document: DigestDocument) -> str:
    # A preamble that itself starts with U+FEFF needs a BOM before it, or reading the output
    # back would take that character for the BOM and drop it.
    parts = ["\ufeff" if document.preamble.startswith("\ufeff") else "", document.preamble]
    for digest in document.digests:
        parts.append(digest_heading(digest))
        parts.extend(canonical_paper(paper) for paper in digest.papers)
        parts.append(digest.epilogue)
    return _writable("".join(parts))


# -- faithful ----------------------------------------------------------------------------------
def faithful_paper(paper: Paper) -> str:
    layout = paper._layout
    if layout is None:
        return _writable(canonical_paper(paper))
    now = freeze(paper)
    if now == layout.snapshot:
        return layout.source.raw(layout.start, layout.start + layout.spans[-1][2])
    chunks = layout.chunks
    pieces: list[tuple[Role, str]] = []
    replaced: set[Role] = set()
    for chunk in chunks:
        role: Role = chunk[0]
        if role == "gap" or now[ROLE_INDEX[role]] == layout.snapshot[ROLE_INDEX[role]]:
            pieces.append((role, layout.raw(chunk)))
        elif role not in replaced:  # a field split over chunks is re-rendered once
            replaced.add(role)
            pieces.append((role, _RENDER[role](paper)))
    _drop_emptied(pieces)
    _insert_new(pieces, paper)
    _close_html_blocks(pieces)
    return _writable("".join(text for _, text in pieces))


def _close_html_blocks(pieces: list[tuple[Role, str]]) -> None:
    """A re-rendered `<div>` embed needs a blank line after it: CommonMark's HTML block runs to
    the next blank line and would swallow a glued `Authors:` line (issue 12)."""
    for index in range(len(pieces) - 1, 0, -1):
        role, text = pieces[index - 1]
        follower = pieces[index][1]
        if role == "media" and text.endswith("</div>\n") and follower[:1] not in ("\n", "\r"):
            pieces.insert(index, ("gap", "\n"))


def _drop_emptied(pieces: list[tuple[Role, str]]) -> None:
    """Remove fields rendered empty, with the blank line that separated them."""
    index = 0
    while index < len(pieces):
        role, text = pieces[index]
        if role != "gap" and not text:
            del pieces[index]
            if index < len(pieces) and pieces[index][0] == "gap" and not pieces[index][1].strip():
                del pieces[index]
        else:
            index += 1


def _insert_new(pieces: list[tuple[Role, str]], paper: Paper) -> None:
    """Give a field that had no line at parse time one, where the template puts it."""
    present = {role for role, _ in pieces}
    for order, role in enumerate(FIELD_ROLES):
        text = _RENDER[role](paper)
        if role in present or not text:
            continue
        earlier = set(FIELD_ROLES[:order])
        at = max((i for i, (r, _) in enumerate(pieces) if r in earlier), default=-1) + 1
        pieces[at:at] = [("gap", "\n"), (role, text)] if at else [(role, text), ("gap", "\n")]
        present.add(role)


def faithful(document: DigestDocument) -> str:
    layout = document._layout
    parts = ["\ufeff" if layout and layout.bom else "", document.preamble]
    for digest in document.digests:
        dlayout = digest._layout
        if dlayout is None:
            parts.append(digest_heading(digest))
        else:
            if dlayout.heading is not None and digest.date == dlayout.date:
                parts.append(dlayout.source.raw(dlayout.heading, dlayout.heading + 1))
            else:  # the date was edited; a removed date leaves the papers outside any section
                parts.append(digest_heading_line(digest) if digest.date else "")
            parts.append(dlayout.source.raw(*dlayout.head))
        parts.extend(faithful_paper(paper) for paper in digest.papers)
        parts.append(digest.epilogue)
    text = "".join(parts) if layout else _writable("".join(parts))
    if layout and not layout.final_newline and text.endswith("\n"):
        text = text[:-1]  # the source ended without a newline; the model's text blocks add one
    return text


# -- the writer and reader interface -----------------------------------------------------------
def render(document: DigestDocument, mode: Mode = "faithful") -> str:
    if mode == "faithful":
        return faithful(document)
    if mode == "canonical":
        return canonical(document)
    raise FormatError(f"unknown Markdown mode {mode!r}; choose faithful or canonical")


def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    mode: Mode = "faithful",
    **unknown: object,
) -> None:
    """Write documents one after another; each is separated from the next by a blank line."""
    if unknown:
        raise FormatError(
            f"the markdown format takes no option {next(iter(unknown))!r}; its only option is mode"
        )
    previous = ""
    for document in documents:
        text = render(document, mode)
        if previous and not previous.endswith("\n\n"):
            out.write("\n" if previous.endswith("\n") else "\n\n")
        out.write(text)
        previous = text or previous


def read(text: str) -> list[DigestDocument]:
    return [parse(text)]
