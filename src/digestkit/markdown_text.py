"""Titles and author names in Markdown: escaped where raw text would form markup.

The generator writes titles and names raw, and raw text can form HTML (`<img onerror=...>`),
links (`](javascript:...)`) or code spans when a viewer renders the digest. digestkit's writer
puts a backslash before `<`, `[`, `]` and backticks (and doubles a backslash that would
otherwise be read as such an escape), so a viewer shows the text as text. The reader undoes
exactly these escapes and no others: raw titles keep TeX such as `$\\{x_i\\}$` or `\\&` verbatim,
as the generator wrote them. No corpus title or name contains one of these escapes (a test
checks), so reading them this way changes none of them.
"""

from __future__ import annotations

import re

_SPECIAL = "<[]`"
_TO_ESCAPE = re.compile(r"\\(?=[<\[\]`]|$)|[<\[\]`]")
_ESCAPED = re.compile(r"\\(\\)(?=\\[<\[\]`]|$)|\\([<\[\]`])")


def escape(text: str) -> str:
    """`text` with the markup-forming characters escaped; `unescape` inverts it exactly."""
    return _TO_ESCAPE.sub(r"\\\g<0>", text)


def unescape(text: str) -> str:
    """Undo `escape`: `\\<`, `\\[`, `\\]`, a backslash-escaped backtick, and `\\\\` before one
    of those or at the end. Other backslashes are text."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda match: match[1] or match[2], text)
