"""Author names split into given and family parts, only where the split is safe.

A digest writes each author as one string in `Given Family` order (arXiv's order). Citation
formats want the parts, but a wrong split is worse than none: `Diego de las Casas` is family
`de las Casas`, `Juan Luis Gonzalez Bello` may have two family names, `Gemini Team` has none.
So a name is split only when every word is a capitalised name or an initial and the last word
is the family name; anything else (particles, organisations, suffixes, one word, punctuation)
stays whole, for CSL's `literal` and RIS's single-field names.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A capitalised name word: letters (with marks), inner hyphens and apostrophes (`Jean-Luc`,
# `O'Neil`); an initial: one capital with an optional period, hyphenated initials (`C.-Y.`).
_LETTERS = r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*"  # letters and combining marks, a letter first
_WORD = re.compile(rf"{_LETTERS}(?:['\u2019-]{_LETTERS})*")
_INITIAL = re.compile(r"[^\W\d_]\.?(?:-[^\W\d_]\.?)*")
_MAX_FULL_GIVEN = 1  # given-name words that are not initials (more: a double family name?)
_ORGANISATION = "Team Group Lab Labs Research Inc Inc. Ltd Ltd. Corporation Collaboration"
_SUFFIXES = "Jr Jr. Sr Sr. II III IV"
_NOT_PERSON = frozenset(f"{_ORGANISATION} Consortium Project Institute {_SUFFIXES}".split(" "))


class NameParts(NamedTuple):
    given: str
    family: str


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() and not (len(word) > 1 and word.isupper())  # `AI`, `NVIDIA`: no


# The common case, `Ada Lovelace` in ASCII, decided by one regex (the rule below agrees).
_SIMPLE = re.compile(r"([A-Z][a-z]+(?:-[A-Z]?[a-z]+)*) ([A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*)")


def split_name(name: str) -> NameParts | None:
    """`Ada Lovelace` -> (`Ada`, `Lovelace`), `Vincent Y. F. Tan` -> (`Vincent Y. F.`, `Tan`);
    None when the name cannot be split safely: one word, more than one non-initial word before
    the family name, a lowercase particle, an all-caps word, digits or punctuation, an
    organisation word (`Team`, `Lab`, ...) or a suffix (`Jr.`, `III`)."""
    simple = _SIMPLE.fullmatch(name)
    if simple is not None:
        given_, family_ = simple.groups()
        person = given_ not in _NOT_PERSON and family_ not in _NOT_PERSON
        return NameParts(given_, family_) if person else None
    words = name.split(" ")
    if len(words) < 2 or any(word in _NOT_PERSON for word in words):
        return None
    *given, family = words
    if _WORD.fullmatch(family) is None or not _capitalised(family):
        return None
    full_words = 0
    for word in given:
        if _INITIAL.fullmatch(word) is not None and word[0].isupper():
            continue
        if _WORD.fullmatch(word) is None or not _capitalised(word):
            return None
        full_words += 1
    if full_words > _MAX_FULL_GIVEN:
        return None
    return NameParts(" ".join(given), family)
