"""`ascii=True`: non-ASCII characters as TeX that every common reader decodes to the same text.

Accented Latin letters are built from their Unicode decomposition, one TeX accent per combining
mark, on the plain letter: `{\\'i}`, not pylatexenc's `{\\'\\i}`, which biber decodes to a
dotless i (U+0131) plus a combining accent (pdflatex then stops at U+0301) and pandoc and Zotero
read differently.
pylatexenc supplies everything else (`{\\ss}`, `{\\L}`, symbols). A symbol pylatexenc writes as
`\\ensuremath{...}` (Greek letters) becomes `$...$` in text, which LaTeX, biber, pandoc and
citation-js all read as math; citation-js keeps `\\ensuremath` as text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pylatexenc.latexencode import unicode_to_latex

# Combining mark -> TeX accent; the letter accents take their argument in braces (`\v{c}`).
ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
_ENSUREMATH = re.compile(r"\{\\ensuremath\{(.*)\}\}", re.DOTALL)
_ASCII_LETTER = re.compile(r"[A-Za-z]")

Piece = tuple[str, bool]  # (TeX, is math without its `$`)


def _accented(char: str) -> str | None:
    """`{\\'i}` for í, `{\\v{c}}` for č: an ASCII letter and accents TeX and biber both know."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not _ASCII_LETTER.fullmatch(base) or any(m not in ACCENTS for m in marks):
        return None
    tex = base
    for mark in marks:  # NFD puts marks below before marks above: the inner accent first
        accent = ACCENTS[mark]
        tex = f"\\{accent}{{{tex}}}" if accent.isalpha() or len(tex) > 1 else f"\\{accent}{tex}"
    return "{" + tex + "}"


@cache
def char_tex(char: str) -> Piece:
    """One non-ASCII character as TeX; a character without a TeX form (Hangul) stays as it is."""
    accented = _accented(char)
    if accented is not None:
        return accented, False
    tex = str(
        unicode_to_latex(
            char,
            non_ascii_only=True,
            replacement_latex_protection="braces-almost-all",
            unknown_char_policy="keep",
            unknown_char_warning=False,
        )
    )
    math = _ENSUREMATH.fullmatch(tex)
    return (math.group(1), True) if math else (tex, False)


def text_pieces(text: str) -> list[Piece]:
    """Text as TeX pieces; consecutive math characters share one piece (`$\\alpha\\beta$`)."""
    pieces: list[Piece] = []
    plain = []
    for char in text:
        if char.isascii():
            plain.append(char)
            continue
        tex, math = char_tex(char)
        if not math:
            plain.append(tex)
            continue
        if plain:
            pieces.append(("".join(plain), False))
            plain = []
        if pieces and pieces[-1][1]:
            pieces[-1] = (_join_math(pieces[-1][0], tex), True)
        else:
            pieces.append((tex, True))
    if plain:
        pieces.append(("".join(plain), False))
    return pieces


def text(value: str) -> str:
    """Text with every non-ASCII character as TeX, math characters as `$...$`."""
    if value.isascii():
        return value
    return "".join(f"${tex}$" if math else tex for tex, math in text_pieces(value))


def math(segment: str) -> str:
    """A `$...$` segment with its non-ASCII characters as TeX (`$π$` -> `${\\pi}$`)."""
    if segment.isascii():
        return segment
    out = []
    for char in segment:
        if char.isascii():
            out.append(char)
        else:
            tex, is_math = char_tex(char)
            out.append("{" + tex + "}" if is_math else tex)
    return "".join(out)


def _join_math(left: str, right: str) -> str:
    """`\\alpha` + `\\beta`; a space where TeX would read two control words as one name."""
    return left + " " + right if left[-1:].isalpha() and right[:1].isalpha() else left + right
