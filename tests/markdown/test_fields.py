"""The one-line field readers against the grammar they implement."""

from __future__ import annotations

import re
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from digestkit.markdown import fields

from ..commonmark_reference import _MD, plain
from ..strategies import PROFILE

# Pieces that make headings hard: brackets, link openers, angle URLs, blanks, NBSP.
PIECES = st.sampled_from(["[", "]", "(", ")", "](", "<", ">", " ", "\t", "\xa0", "a", "x y", "#"])


def _commonmark(line: str) -> tuple[str, str] | None:
    """What markdown-it-py shows for the heading: (link text, unquoted href) if it is one link."""
    tokens = _MD.parse(line)
    if len(tokens) < 2 or tokens[0].type != "heading_open" or tokens[0].tag != "h3":
        return None
    children = tokens[1].children or []
    if len(children) < 2 or children[0].type != "link_open" or children[-1].type != "link_close":
        return None
    if any(child.type == "link_open" for child in children[1:]):
        return None
    return plain(children[1:-1]), unquote(str(children[0].attrGet("href")))


def _shown_title(title: str) -> str:
    tokens = _MD.parseInline(f"[{title}](x)")[0].children or []
    return plain(tokens[1:-1]) if tokens and tokens[0].type == "link_open" else title


@PROFILE
@given(st.sampled_from(["### ", "###\t", "###  ", " ### "]), st.lists(PIECES, max_size=12))
def test_paper_heading_reads_the_link_commonmark_shows(prefix: str, pieces: list[str]) -> None:
    line = prefix + "".join(pieces)
    found = fields.paper_heading(line)
    shown = _commonmark(line)
    if found is None or shown is None:
        assert found is None and (shown is None or " " in shown[1] or "](" in shown[1]), line
        return
    assert (_shown_title(found.title), unquote(found.url)) == shown, line


def test_paper_heading_reads_commonmark_links() -> None:
    assert fields.paper_heading("### [A [IDK] B](https://arxiv.org/abs/1)") == (
        "A [IDK] B",
        "https://arxiv.org/abs/1",
    )
    assert fields.paper_heading("### [a](b](c)") is None  # `[a](b` is a link, then text
    assert fields.paper_heading("### [t](<u>)") == ("t", "u")
    assert fields.paper_heading("### [t](<a b>)") == ("t", "a b")  # the destination, unencoded
    assert fields.paper_heading("### [t](a b)") is None
    assert fields.paper_heading("### [t](u 'title') ##") == ("t", "u")
    assert fields.paper_heading("### [t][r]", lambda: {"r": "u"}) == ("t", "u")
    assert fields.paper_heading("### [t][missing]", dict) is None
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


@PROFILE
@given(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7F), min_size=1, max_size=30),
    st.sampled_from(["", " ", "https://cdn-uploads.huggingface.co/production/uploads/"]),
)
def test_the_generators_video_embed_reads_as_lxml_reads_it(url: str, prefix: str) -> None:
    html = f'<div><video controls src="{prefix}{url}" muted="false"></video></div>'
    fast = fields.html_media(html)
    saved = fields.GENERATOR_VIDEO
    fields.GENERATOR_VIDEO = re.compile(r"(?!)")  # never matches: lxml reads it
    try:
        assert fast == fields.html_media(html)
    finally:
        fields.GENERATOR_VIDEO = saved
