"""Classify every line by one ordered rule table. Pure and dumb: no models, no diagnostics.

A new template era is a new row here. Rules are tried in order and the first that matches the
line wins, through one compiled alternation (dispatch on `match.lastgroup`), so the hot
loop is a single C-level regex call per line.
"""

from __future__ import annotations

import re
from typing import Final

LINE_RULES: Final[tuple[tuple[str, str], ...]] = (
    ("blank", r"[ \t]*$"),  # the two most frequent kinds first: a miss costs one char test
    ("bullet", r"[-*+](?:[ \t]|$)"),  # a top-level list item
    ("digest", r"##[ \t]+Daily Papers\b"),  # `## Daily Papers (YYYY-MM-DD)`; date checked later
    ("paper", r"###(?:[ \t]|$)"),  # `### [Title](url)`; the link is checked later
    ("heading", r"#{1,6}(?:[ \t]|$)"),  # any other ATX heading
    ("image", r"!\["),  # `![](url)`
    ("watch", r"\[Watch Video\]"),  # `[Watch Video](url)` and the broken `[Watch Video]url`
    ("html", r"<[A-Za-z/!]"),  # `<div><video …>`, `<video>`, `<iframe>`, `<source>`
    ("vote", r"Vote:"),
    ("authors", r"Authors:"),
    ("indented", r"[ \t]"),  # nested list or indented continuation
)
"""(kind, pattern) in priority order; a line no rule matches is `text`. Where patterns overlap,
the earlier wins: blank before indented, digest before paper before heading.

Patterns look only at how a line starts: the field readers check the rest. That keeps the scan
from reading long lines to their end (a summary bullet runs to 1,300 characters)."""

_LINE = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in LINE_RULES))
_MATCH = _LINE.match


def classify(lines: list[str]) -> list[str]:
    """The kind of each line (lines without their `\\r`)."""
    kinds: list[str] = []
    append = kinds.append
    for line in lines:
        match = _MATCH(line)
        append(match.lastgroup or "text" if match else "text")
    return kinds
