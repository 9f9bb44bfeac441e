"""The reference reader of the differential test: what a CommonMark renderer shows.

markdown-it-py in CommonMark mode parses the text; a paper is a top-level `<h3>` whose content
is one link, inside a top-level `<h2>` reading `Daily Papers (...)`, and a digest ends at the
next top-level h1/h2. Vote and Authors come from the top-level paragraphs' lines up to the next
h1-h3 (the first of each is the paper's). Nothing here calls digestkit's reader.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark")
_DAILY = re.compile(r"Daily Papers\b[ \t]*(?:\((?P<date>[^()]*)\))?")
_DIGEST = re.compile(r"Daily Papers\b")  # digestkit's digest rule; the date is checked apart
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain(children: list[Token]) -> str:
    """The text a reader sees in an inline run (markup dropped, code spans as their text)."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.children:
            parts.append(plain(child.children))
    return "".join(parts)


def _paper(inline: Token) -> tuple[str, str] | None:
    children = inline.children or []
    if len(children) < 2 or children[0].type != "link_open" or children[-1].type != "link_close":
        return None
    if any(child.type == "link_open" for child in children[1:]):
        return None
    href = str(children[0].attrGet("href") or "")
    return plain(children[1:-1]), unquote(href)


def read(text: str) -> list[dict[str, Any]]:
    """Papers in order: date (ISO text or None), title (plain text), url, votes, authors line."""
    tokens = _MD.parse(text)
    papers: list[dict[str, Any]] = []
    in_digest, date, current = False, None, None
    for position, token in enumerate(tokens):
        if token.level != 0:
            continue
        if token.type == "heading_open":
            inline = tokens[position + 1]
            if token.tag in ("h1", "h2"):
                match = _DAILY.fullmatch(inline.content) if token.tag == "h2" else None
                in_digest = bool(match) or (
                    token.tag == "h2" and inline.content.startswith("Daily Papers")
                )
                raw = match["date"] if match else None
                date = raw.strip() if raw and _DATE.fullmatch(raw.strip()) else None
                current = None
            elif token.tag == "h3":
                found = _paper(inline) if in_digest else None
                current = None
                if found:
                    current = {
                        "date": date,
                        "title": found[0],
                        "url": found[1],
                        "votes": None,
                        "vote_seen": False,
                        "authors": None,
                    }
                    papers.append(current)
        elif token.type == "paragraph_open" and current is not None:
            for line in tokens[position + 1].content.split("\n"):
                if line.startswith("Vote:") and not current["vote_seen"]:
                    current["vote_seen"] = True
                    value = line[5:].strip(" \t")
                    ok = value.isascii() and value.isdigit() and len(value) <= 18
                    current["votes"] = int(value) if ok else None
                elif line.startswith("Authors:") and current["authors"] is None:
                    current["authors"] = line[8:].strip(" \t")
    return papers
