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


def test_embedded_html_entities_are_never_expanded_or_fetched() -> None:
    # A billion-laughs bomb and an external entity: libxml2's HTML parser (hardened, no
    # network) reads the declarations as junk and leaves `&d;` / `&e;` as literal text.
    levels = ['<!ENTITY a "' + "A" * 10 + '">']
    for name, below in zip("bcdefgh", "abcdefg", strict=True):
        levels.append(f'<!ENTITY {name} "' + f"&{below};" * 10 + '">')
    bomb = f'<!DOCTYPE x [{"".join(levels)}]><div><video src="v.mp4">&h;</video></div>'
    assert fields.html_media(bomb) == fields.HtmlMedia("video", "v.mp4")
    external = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><video src="&e;">'
    found = fields.html_media(external)
    assert found is not None and "root:" not in found.url
    from lxml import html as lxml_html

    tree = lxml_html.fragment_fromstring(bomb, parser=fields._html_parser(), create_parent=True)
    assert len(lxml_html.tostring(tree)) < 2 * len(bomb)  # nothing expanded
