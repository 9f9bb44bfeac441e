"""MkDocs hooks: the site renders the docs' Markdown the way GitHub does.

GitHub (GFM) splits a table row at every `|`, inside code spans too, so a pipe in a cell's
code must be written `\\|`; GitHub then shows `|`. Python-Markdown's tables extension does not
split inside code spans and keeps the backslash, so the site showed `int \\| None`. This hook
turns `\\|` inside the code spans of table rows back into `|` before the page is rendered: the
sources stay right for GitHub, and the site shows what GitHub shows.
"""

from __future__ import annotations

import re
from typing import Any

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def unescape_table_pipes(markdown: str) -> str:
    """`markdown` with `\\|` in the code spans of table rows written `|` (outside fences)."""
    lines = markdown.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None and line.lstrip().startswith("|") and "\\|" in line:
            lines[number] = _CODE_SPAN.sub(
                lambda span: span.group(1) + span.group(2).replace("\\|", "|") + span.group(1),
                line,
            )
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """The MkDocs event: runs on every page's Markdown before it is converted to HTML."""
    return unescape_table_pipes(markdown)
