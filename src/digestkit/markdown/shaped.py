"""Paper blocks of the generator's own shape, found and read in one step.

96% of the corpus's papers are an image, `Vote:`, `Authors:` and bullets with blank lines
between, up to the next heading. `one_step` finds such a block with one regex over a string of
one character per line kind and one over its first lines joined; `made.make` then makes its
paper and layout directly, without a `PaperBlock`, when nothing in it needs a reader of its own
(`tests/markdown/test_fast_paths.py` compares both ways with the line-by-line reader).
"""

from __future__ import annotations

import re

from . import fields
from .layout import Role, Spans

STOP_KINDS = frozenset({"digest", "paper", "heading", "setext"})  # the walk decides these


class _Codes(dict[str, str]):
    """One character per line kind: `x` for every kind not listed."""

    def __missing__(self, kind: str) -> str:
        return "x"


CODES = _Codes({"blank": "b", "image": "I", "vote": "V", "authors": "A", "bullet": "-"})
CODES.update(dict.fromkeys(STOP_KINDS, "$"))
CODES.update(dict.fromkeys(("html", "watch", "text", "ordered", "indented"), "x"))
"""The codes of `codes`; the kinds a digest's lines mostly have are listed, so `map` finds them
without a call to `__missing__`."""


def codes(kinds: list[str]) -> str:
    """The line kinds as one string, one character a line, for `one_step` to check (one C
    loop: `map` over the dict's lookup)."""
    return "".join(map(CODES.__getitem__, kinds))


_SHAPE = re.compile(r"(b*)I(b*)V(b*)A(b*)(-(?:b*-)*)(b*)(?=\$|$)")
"""The generator's own block after the heading (eras E3-E5, 98% of the corpus), as line codes:
image, Vote, Authors and bullets, blank lines between, up to the next heading."""
_BLOCK = re.compile(
    r"###[ \t]+\[([^\[\]`\\<&\n]+)\]\(([^\s()<>\\&\"'\]]+)\)[ \t]*\n"  # 1 title, 2 url
    r"\n*!\[[^\]\n]*\]\(([^\s()<>\\&]+)\)[ \t]*\n"  # 3 the image URL
    r"\n*Vote:[ \t]*([0-9]{1,18})[ \t]*\n\n*"  # 4 votes
)
"""The same block's lines from its heading to the one before `Authors:`, joined, when its
heading, image and Vote lines need no reader of their own (plain title and URLs, a count): one
match gives their values, the reader's fast paths' values (`fields.paper_heading`,
`image_url`, `vote`). Every run is followed by a character it cannot take, so a failed match
backtracks linearly. A join, not the text: no table of line offsets to keep (memory)."""
ITEMS = re.compile(
    r"^- (?![ \t])(?:(\*\*\*?)([^*\s](?:[^*\n]*[^*\s])?)\1:[ \t]*|(?![*_]))([^\n]*)", re.M
)
"""The same bullets in the lines of a block joined: label and text of each bullet that needs
no reader of its own (`PaperBlock._item`'s result, one C call for all of them)."""


def one_step(
    lines: list[str], line_codes: str, start: int
) -> tuple[re.Match[str], re.Match[str]] | None:
    """The `_BLOCK` and `_SHAPE` matches of the paper whose heading is line `start`, when its
    block has the generator's shape and its lines before `Authors:` are all `_BLOCK` takes
    (one C join and one match); else None. Pure: the walk decides, then `made.make` or
    `PaperBlock.read_whole` reads the matches."""
    shape = _SHAPE.match(line_codes, start + 1)
    if shape is None:
        return None
    match = _BLOCK.fullmatch("\n".join(lines[start : shape.end(3)]) + "\n")
    if match is None:
        return None
    if fields.is_video_file(match[3]):  # a video in an image tag: `_media` says so (DK122)
        return None
    return match, shape


_SPANS: dict[tuple[int, ...], Spans] = {}
"""The relative spans of each `_BLOCK` shape by its six run lengths (blank runs, bullets)."""


def spans(key: tuple[int, ...]) -> Spans:
    """The relative spans of a `_BLOCK` block from its run lengths (one shared tuple each):
    blanks before the image, the Vote and the Authors line and the bullets, the bullets' lines
    and the blanks after."""
    found = _SPANS.get(key)
    if found is not None:
        return found
    chunks: list[tuple[Role, int, int]] = [("heading", 0, 1)]
    at = 1
    roles: tuple[Role, ...] = ("media", "vote", "authors", "summary")
    for role, blanks in zip(roles, key, strict=False):
        if blanks:
            chunks.append(("gap", at, at + blanks))
            at += blanks
        width = key[4] if role == "summary" else 1
        chunks.append((role, at, at + width))
        at += width
    if len(key) > 5 and key[5]:
        chunks.append(("gap", at, at + key[5]))
    found = _SPANS[key] = tuple(chunks)
    return found
