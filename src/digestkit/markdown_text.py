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

# A run of backslashes, and what follows it: a markup character or the end of the text.
_RUN = re.compile(r"(\\*)([<\[\]`]|\Z)")
_ESCAPED_RUN = re.compile(r"(\\+)([<\[\]`]|\Z)")


def escape(text: str) -> str:
    """`text` with a backslash before each `<`, `[`, `]` and backtick, and the backslashes
    right before one of those or at the end doubled (CommonMark pairs backslashes from the
    left, so an even run stays text). `unescape` inverts it exactly."""
    return _RUN.sub(_escape_run, text)


def _escape_run(match: re.Match[str]) -> str:
    return match[1] * 2 + ("\\" + match[2] if match[2] else "")


def unescape(text: str) -> str:
    r"""Undo `escape`: an odd run of backslashes before `<`, `[`, `]` or a backtick, and an even
    run at the end, are what `escape` writes; any other backslash is text (TeX such as `\{`)."""
    return _ESCAPED_RUN.sub(_unescape_run, text) if "\\" in text else text


def _unescape_run(match: re.Match[str]) -> str:
    run, after = match[1], match[2]
    if after and len(run) % 2 == 1:
        return run[: len(run) // 2] + after
    if not after and len(run) % 2 == 0:
        return run[: len(run) // 2]
    return match[0]  # not of `escape`'s making: raw text
