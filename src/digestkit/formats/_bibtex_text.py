"""BibTeX field text: TeX escaping, case protection, name safety and citation keys.

Titles are raw Unicode with the occasional piece of TeX math (`Synth$^2$`), so a title is split
into balanced `$...$` segments that pass through verbatim, and everything else is escaped so that
it decodes back to the same text. Math passes only when LaTeX may safely run it (`_bibtex_math`),
unless the caller trusts the input (`raw_math`). BibTeX counts braces without regard to
backslashes, so the output must stay brace-balanced lexically, not just in TeX's eyes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from . import _bibtex_ascii
from ._bibtex_ascii import Piece
from ._bibtex_math import unsafe_token

Protect = Literal["words", "none", "title"]

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "$": r"\$",
    # Raw `<` `>` `|` print as `¡` `¿` `—` in LaTeX's default OT1 encoding; inside math they stay.
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_TEXT = str.maketrans(_ESCAPES)
# `\{` still counts as a brace for BibTeX's own parser: unbalanced braces need brace-free macros.
_TEXT_UNBALANCED = str.maketrans({**_ESCAPES, "{": r"\textbraceleft{}", "}": r"\textbraceright{}"})
_SPECIAL = re.compile(r"[\\{}&%#_^~$<>|]")

_MATH_WORDS = re.compile(r"\s+|(?:\$[^$]*\$|[^\s$])+")
_TEXT_WORDS = re.compile(r"\s+|\S+")
_MATH = re.compile(r"\$[^$]*\$")
_DIGIT = re.compile(r"\d")
_PUNCTUATED = re.compile(r"([(\[\"']*)(.+?)([)\]\"'.,:;!?]*)", re.DOTALL)

_COMMAND = re.compile(r"\\[A-Za-z]+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_PLAIN_NAME = re.compile(r"[^\\{}&%#_^~$<>|,]*")  # nothing to escape or brace
_AND_OR_OTHERS = re.compile(r"(?<!\S)(?:[Aa][Nn][Dd]|others)(?!\S)")

# Skipped when picking the key's title word (a short list: the key only needs to be readable).
_STOPWORDS = (
    "a an the of on in for and or to with via is are do does can from by at as into onto over "
    "under about towards toward through beyond without within between versus vs be we you our "
    "your it its this that these those how what why when where which who not no all"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def braces_balanced(text: str) -> bool:
    """True when every `}` closes an earlier `{` and none stays open (BibTeX's rule)."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def math_segments(title: str, raw_math: bool = False) -> list[str] | None:
    """The title's `$...$` segments when they can pass through verbatim, else None.

    An odd number of `$` means currency (`Earn $1 Million`), math with unbalanced braces would
    break the entry, and math with a control sequence off the allow-list (unless `raw_math`)
    could read or write files or hang LaTeX: in each case the whole title is treated as text.
    """
    if "$" not in title or title.count("$") % 2:
        return None
    segments = _MATH.findall(title)
    if not all(braces_balanced(s) for s in segments):
        return None
    if not raw_math and any(unsafe_token(s) is not None for s in segments):
        return None
    return segments


def _group(text: str) -> str:
    """Brace `text` as a case-protected group. A group whose first character is a backslash is a
    BibTeX "special character" whose letters still change case, so such content gets `{}` first."""
    return "{{}" + text + "}" if text.startswith("\\") else "{" + text + "}"


def _protect_word(word: str) -> str:
    """`{LLaMA}:` rather than `{LLaMA:}`: punctuation around a word stays outside its braces."""
    match = _PUNCTUATED.fullmatch(word)
    if match is None:
        return _group(word)
    lead, core, trail = match.groups()
    return lead + _group(core) + trail


def _needs_protection(word: str) -> bool:
    """An uppercase letter after the first letter (`LLaMA`, `mPLUG`, `(SL`), a digit among
    letters (`Qwen2`, `3D`), or a lone capital other than the article `A` (the pronoun and
    numeral `I`, `I'm`, `Plan B`): the words a style's sentence-casing would damage. Bare
    numbers have no case to protect."""
    if word.isalpha():  # most words: no digit, and the first letter is the first character
        tail = word[1:]
        return tail.lower() != tail if tail else word.isupper() and word != "A"
    for index, char in enumerate(word):
        if char.isalpha():
            tail = word[index + 1 :]
            if tail.lower() != tail or _DIGIT.search(word) is not None:
                return True
            return char.isupper() and char != "A" and not tail[:1].isalpha()
    return False


# A title word other than the four fifths of them (`Learning`, `for`) that need no protection:
# only these are looked at one by one.
_UNCOMMON_WORD = re.compile(r"(?<!\S)(?![A-Z]?[a-z]+(?!\S))\S+")


def _protected(match: re.Match[str]) -> str:
    word = match.group()
    return _protect_word(word) if _needs_protection(word) else word


def escape_title(
    title: str, protect: Protect = "words", ascii: bool = False, raw_math: bool = False
) -> str:
    """The title as a BibTeX field value (without the outer braces).

    Math is braced too unless `protect="none"`: styles lowercase it like text (`$L_2$` would
    print as `$l_2$`)."""
    if _SPECIAL.search(title) is None and (not ascii or title.isascii()):
        # Most titles: nothing to escape or transliterate, and no math (`$` is special).
        if protect != "words":
            return _group(title) if protect == "title" and title else title
        return _UNCOMMON_WORD.sub(_protected, title)
    math = math_segments(title, raw_math)
    outside = _MATH.sub("", title) if math else title
    table = _TEXT if braces_balanced(_braces_only(outside)) else _TEXT_UNBALANCED
    words = (_MATH_WORDS if math else _TEXT_WORDS).findall(title)
    parts = []
    for word in words:
        if word.isspace():
            parts.append(_bibtex_ascii.text(word) if ascii else word)  # NBSP becomes `~`
            continue
        # Math counts as a digit: a word joined to math is a name (`Synth$^2$`, `$\nabla^2$DFT`).
        text_only = _MATH.sub("0", word) if math else word
        pieces = _word_pieces(word, table, math is not None, ascii)
        if protect == "words" and _needs_protection(text_only):
            parts.append(_protect_word(_join(pieces, brace_math=False)))
        else:
            parts.append(_join(pieces, brace_math=protect == "words"))
    value = "".join(parts)
    return _group(value) if protect == "title" and value else value


def _braces_only(text: str) -> str:
    return "".join(c for c in text if c in "{}") if "{" in text or "}" in text else ""


def _word_pieces(word: str, table: dict[int, str], has_math: bool, ascii: bool) -> list[Piece]:
    """The word as TeX pieces: escaped text, and math (without its `$`): the title's own
    segments verbatim, and with `ascii` the characters only math can write (Greek)."""
    if not _SPECIAL.search(word) and (not ascii or word.isascii()):
        return [(word, False)]
    pieces: list[Piece] = []

    def add_text(text: str) -> None:
        escaped = text.translate(table) if _SPECIAL.search(text) else text
        if ascii:
            pieces.extend(_bibtex_ascii.text_pieces(escaped))
        elif escaped:
            pieces.append((escaped, False))

    last = 0
    for match in _MATH.finditer(word) if has_math and "$" in word else ():
        add_text(word[last : match.start()])
        segment = _bibtex_ascii.math(match.group()) if ascii else match.group()
        pieces.append((segment[1:-1], True))
        last = match.end()
    add_text(word[last:])
    return pieces


def _join(pieces: list[Piece], brace_math: bool) -> str:
    """The pieces as TeX; math in `$...$` (braced if `brace_math`), never two `$` in a row."""
    out = []
    previous_math = False
    for tex, is_math in pieces:
        if is_math:
            if brace_math:
                out.append("{$" + tex + "$}")
            else:
                out.append(("{}" if previous_math else "") + "$" + tex + "$")
        else:
            out.append(tex)
        previous_math = is_math
    return "".join(out)


def escape_name(name: str, ascii: bool = False) -> str:
    """One author for a BibTeX `author` list: escaped, and braced where BibTeX would misread it
    (a comma means "Last, First"; a standalone `and` or `others` is a separator; BibTeX splits
    names at hyphens too, so the `weon` of `Jee-weon Jung` would be a "von" part, printed
    `Jee weon Jung` and cited as `weon Jung`: such a word is braced whole)."""
    if (
        _PLAIN_NAME.fullmatch(name)
        and not _AND_OR_OTHERS.search(name)
        and (not ascii or name.isascii())
        and not _hyphen_lower(name)
    ):
        return name  # the common case
    table = _TEXT if braces_balanced(_braces_only(name)) else _TEXT_UNBALANCED
    words = []
    for word in name.split(" "):
        escaped = word.translate(table) if _SPECIAL.search(word) else word
        if ascii:
            escaped = _bibtex_ascii.text(escaped)
        words.append(_group(escaped) if _hyphen_lower(word) else escaped)
    escaped = " ".join(words)
    if "," in escaped:
        return _group(escaped)
    if _AND_OR_OTHERS.search(escaped):
        escaped = _AND_OR_OTHERS.sub(lambda m: "{" + m.group() + "}", escaped)
    return escaped


def _hyphen_lower(text: str) -> bool:
    """A hyphenated word BibTeX and citation-js split wrongly: BibTeX splits names at hyphens and
    takes a lowercase part for a "von" (`Jee-weon`, `al-Hassan`) and drops an empty one (`-H.`);
    citation-js moves a part that starts with an accented letter (`Charles-Étienne`)."""
    return "-" in text and any(
        len(parts) > 1 and any(not part[:1].isascii() or not part[:1].isupper() for part in parts)
        for parts in (word.split("-") for word in text.split())
    )


def fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: `Łukasz Hofstätter` -> `ukaszhofstatter`."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_KEY.sub("", text.lower())


def key_word(title: str) -> str:
    """The first title word that says something, for the citation key; math and TeX command
    names are skipped (`$\\nabla^2$DFT` gives `dft`)."""
    text = _MATH.sub("", title) if math_segments(title, raw_math=True) else title
    if "\\" in text:
        text = _COMMAND.sub("", text)
    for token in text.split():
        word = fold(token)
        if word and word not in STOPWORDS:
            return word
    return "paper"


def key_family(authors: list[str]) -> str:
    """The first author's family name (the last whitespace token), folded; `anon` if none."""
    tokens = authors[0].split() if authors else []
    return (fold(tokens[-1]) if tokens else "") or "anon"
