"""The language an HTML page declares (`<html lang>`), and where its parts differ from it.

Screen readers pick their voice, and browsers their hyphenation and fonts, from `lang`: a
Korean digest declared `lang="en"` is read out letter by letter in an English voice. The
digests are Korean summaries of English papers, so the page takes the summaries' language,
and the English parts (paper titles, the page's own words such as `42 votes`) say `lang="en"`.

Detection is deliberately small: text whose letters (Hangul syllables and ASCII letters) are
at least `KOREAN_SHARE` Hangul is Korean (`ko`), anything else English (`en`). In the corpus
60% to 95% of a page's summary letters are Hangul (the rest are model names and English
terms), and at least 35% of any one paper's, but for the one paper whose summary is English
(0%). `--lang` (`lang=`) overrides the page's language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from ..diagnostics import FormatError

KOREAN_SHARE = 0.2
"""The share of Hangul among a text's letters from which it counts as Korean."""
DEFAULT = "en"

_ASCII_LETTERS = string.ascii_letters.encode()
# Hangul syllables (U+AC00-U+D7A3) are three bytes in UTF-8, led by 0xEA-0xED; so are the rare
# scripts of U+A000-U+ABFF (Yi, Vai, ...), which count as Hangul here. Counting bytes with
# `bytes.translate` costs next to nothing; a Unicode letter class in `re` made the writer 5x
# slower on the corpus.
_HANGUL_LEADS = bytes(range(0xEA, 0xEE))
# BCP 47 as HTML needs it: a 2-3 letter language (or 4-8 for registered ones), then subtags.
_ASCII_LETTER = re.compile("[A-Za-z]")
_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def language_of(texts: Iterable[str]) -> str | None:
    """`ko` or `en` for `texts` together, from their Hangul and ASCII letters; None when they
    hold neither."""
    text = "".join(texts)
    if text.isascii():  # English titles: no Hangul, so any letter decides
        return None if _ASCII_LETTER.search(text) is None else "en"
    data = text.encode("utf-8", "surrogatepass")
    hangul = len(data) - len(data.translate(None, _HANGUL_LEADS))
    # Each lead byte is one character that is no ASCII letter, so the text has at most
    # `len(text)` letters: a share of Hangul characters that passes the threshold against all
    # characters passes it against the letters, and they need no count (most summaries).
    if hangul and hangul >= KOREAN_SHARE * len(text):
        return "ko"
    letters = hangul + len(data) - len(data.translate(None, _ASCII_LETTERS))
    if not letters:
        return None
    return "ko" if hangul >= KOREAN_SHARE * letters else "en"


def checked_tag(value: object) -> str:
    """`value` as a language tag for `lang=` (`ko`, `en`, `pt-BR`); `FormatError` if it is none."""
    if not isinstance(value, str) or _TAG.fullmatch(value) is None:
        raise FormatError(f"html lang={value!r}; expected a language tag such as ko or en")
    return value


def attribute(language: str | None, page: str) -> str:
    """` lang="xx"` for a part whose language differs from the page's, else nothing."""
    return "" if language is None or language == page else f' lang="{language}"'
