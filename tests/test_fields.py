"""The one-line field readers against the grammar they implement."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digestkit import fields

from .strategies import PROFILE

# Pieces that make headings hard: brackets, link openers, angle URLs, blanks, NBSP.
PIECES = st.sampled_from(["[", "]", "(", ")", "](", "<", ">", " ", "\t", "\xa0", "a", "x y", "#"])


def _grammar(line: str) -> tuple[str, str] | None:
    match = fields.PAPER_HEADING.fullmatch(line)
    if match is None:
        return None
    return match["title"], match["angled"] if match["angled"] is not None else match["url"]


@PROFILE
@given(st.sampled_from(["### ", "###\t", "###  "]), st.lists(PIECES, max_size=12))
def test_paper_heading_follows_the_documented_grammar(prefix: str, pieces: list[str]) -> None:
    line = prefix + "".join(pieces)
    found = fields.paper_heading(line)
    assert (tuple(found) if found else None) == _grammar(line)


def test_paper_heading_splits_at_the_last_link_opener() -> None:
    assert fields.paper_heading("### [A [IDK] B](https://arxiv.org/abs/1)") == (
        "A [IDK] B",
        "https://arxiv.org/abs/1",
    )
    assert fields.paper_heading("### [a](b](c)") == ("a](b", "c")
    assert fields.paper_heading("### [t](<u>)") == ("t", "u")
    assert fields.paper_heading("### [t](a b)") is None
    assert fields.paper_heading("### Title") is None
