"""Hypothesis strategies for digestkit: models that digest Markdown can carry, and raw text.

`documents()` builds `DigestDocument`s whose canonical Markdown must read back equal. The
models accept a little more than the Markdown syntax can carry, so these strategies stay inside
the representational limits below (each one is a property of the format, not a parser bug):

* Titles are one line (no `\\n`, no `\\r`) and not empty (an empty title is error DK207).
* URLs have no whitespace and no `](`, are not wrapped in `<...>` (CommonMark's angle-bracket
  link form, which the reader unwraps) and hold no backslash escape or entity (CommonMark, and
  the reader, undo them in a link destination).
* Author names have no surrounding whitespace as Python's `str.strip()` sees it, are not `+`
  (the web page's "more authors" expander) and hold no `\\r`. Names containing `, ` are fine: the
  writer switches to the Python-list form.
* Labels have no `*`, `\\n` or `\\r` and no surrounding whitespace.
* Item text has no `\\r`, does not start with a space or TAB and does not end with a line made
  only of spaces and TABs (Markdown drops both). The first line of an unlabelled item does not
  start with `*` or `_`: such a line is read as a possible `**Label**:` lead-in.
* No text holds NUL (U+0000): no digest file can, so the Markdown writer refuses it
  (`test_markdown_commonmark.py` pins that), except in author names, which it writes escaped.
* Vote counts have at most 18 digits (`Vote:` values longer than that are not read as counts).
* The preamble starts with a `# ` heading line and the epilogue with a `## ` heading that is not
  `## Daily Papers`; no other line of theirs starts with `#` (it could open a digest or paper)
  or opens a CommonMark block that would swallow the heading written after it (`<`, a fence,
  `>`).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from digestkit import DailyDigest, DigestDocument, Media, Paper, SummaryItem

settings.register_profile(
    "digestkit",
    max_examples=60,  # the everyday run: every property, a shallow search (issue 17: < 3 min)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",  # CI runs are reproducible; local runs explore
)
settings.register_profile(
    "digestkit-long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
_PROFILES = {"long": "digestkit-long", "default": "digestkit"}
PROFILE = settings.get_profile(
    _PROFILES.get(os.environ.get("DIGESTKIT_TEST_PROFILE", ""), "")
    or os.environ.get("DIGESTKIT_HYPOTHESIS_PROFILE", "digestkit")
)
"""Apply as a decorator. `DIGESTKIT_TEST_PROFILE=long` (or the older
`DIGESTKIT_HYPOTHESIS_PROFILE=digestkit-long`) searches 2,000 examples a test instead of 60
(docs/contributing.md); CI (`CI=true`) keeps either derandomized."""
LONG = PROFILE.max_examples > settings.get_profile("digestkit").max_examples
"""True under the long profile: tests with a cheaper everyday size (tests/test_scaling.py's
memory checks) run at full size too."""


def examples(share: float) -> settings:
    """The profile with `share` of its examples (at least 10): for a test whose examples cost
    seconds each, so the default run stays under 3 minutes; the long profile scales it too."""
    return settings(PROFILE, max_examples=max(10, int(PROFILE.max_examples * share)))


# Pieces that real digests contain and that parsers trip on.
SPECIAL = (
    "[", "]", "(", ")", "[IDK]", "](", "$", r"$\alpha^2$", "*", "**", "_", "\\", "`", "^", "{",
    "}", "<think>", "</think>", "&", "&amp;", "'", '"', "#", "###", "é", "φ", "한국어", "Ü",
    "—", "\u2019", "\t", "\x0c", "\x08", "\u2028", "\u00a0", "\u2062", ":", ", ", "  ", "!", "?",
    "%", "|", "~", "- ", "1) ", "Vote: ", "Authors: ", "![](", "<video src='x'>", "+",
)  # fmt: skip

_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\n\r\x00")
_URL_CHARS = st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"])


def one_line(max_pieces: int = 8) -> st.SearchStrategy[str]:
    """A line of text without `\\n`/`\\r`, built from special pieces and arbitrary characters."""
    piece = st.one_of(st.sampled_from(SPECIAL), st.text(_CHARS, min_size=1, max_size=6))
    return st.lists(piece, max_size=max_pieces).map("".join)


def titles() -> st.SearchStrategy[str]:
    return one_line().filter(bool)


_URL_ESCAPE = re.compile(
    r"\\[!-/:-@\[-`{-~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def _plain_url(url: str) -> bool:
    """No `](`, no `<...>` wrapping, and no backslash escape or entity: CommonMark undoes those
    in a link destination (the reader too: `url` is what a browser follows)."""
    angled = url.startswith("<") and url.endswith(">")
    return "](" not in url and not angled and not _URL_ESCAPE.search(url)


def urls() -> st.SearchStrategy[str]:
    arxiv = st.builds(
        "https://arxiv.org/abs/{}.{:05d}{}".format,
        st.integers(1501, 2512).map(str),
        st.integers(0, 99999),
        st.sampled_from(["", "v1", "v12"]),
    )
    other = st.text(_URL_CHARS, min_size=1, max_size=30).filter(_plain_url)
    hosts = st.sampled_from(["https://example.org/", "/avatars/", "https://huggingface.co/p/"])
    return st.one_of(arxiv, other, st.builds(str.__add__, hosts, other))


def media() -> st.SearchStrategy[Media | None]:
    return st.one_of(
        st.none(), st.builds(Media, kind=st.sampled_from(["image", "video"]), url=urls())
    )


def author_names() -> st.SearchStrategy[str]:
    return one_line(4).filter(lambda name: name == name.strip() and name not in ("", "+"))


def labels() -> st.SearchStrategy[str]:
    return one_line(4).filter(lambda label: label == label.strip() and label and "*" not in label)


def _no_blank_last_line(text: str) -> bool:
    last = text.rsplit("\n", 1)[-1]
    return "\n" not in text or last.strip(" \t") != ""


def item_texts(*, labelled: bool) -> st.SearchStrategy[str]:
    first = one_line().filter(lambda line: not line.startswith((" ", "\t")))
    if not labelled:
        first = first.filter(lambda line: not line.startswith(("*", "_")))
    rest = st.lists(one_line(), max_size=3)
    return st.builds(lambda a, b: "\n".join([a, *b]), first, rest).filter(_no_blank_last_line)


def summary_items() -> st.SearchStrategy[SummaryItem]:
    labelled = st.builds(SummaryItem, label=labels(), text=item_texts(labelled=True))
    plain = st.builds(SummaryItem, label=st.none(), text=item_texts(labelled=False))
    return st.one_of(labelled, plain)


def papers() -> st.SearchStrategy[Paper]:
    return st.builds(
        Paper,
        title=titles(),
        url=urls(),
        media=media(),
        votes=st.one_of(st.none(), st.integers(0, 10**18 - 1)),
        authors=st.lists(author_names(), max_size=5),
        summary=st.lists(summary_items(), max_size=4),
    )


def _no_block_start(line: str) -> bool:
    """Not a heading, and nothing that opens a CommonMark block the next digest heading could
    fall into (an HTML block runs to a blank line, a fence or comment to its end)."""
    return not line.lstrip(" ").startswith(("#", "<", "```", "~~~", ">"))


def _body() -> st.SearchStrategy[str]:
    lines = st.lists(one_line().filter(_no_block_start), max_size=3)
    return lines.map(lambda ls: "".join(f"{line}\n" for line in ls))


def preambles() -> st.SearchStrategy[str]:
    heading = one_line(4).map(lambda title: f"# {title}\n")
    return st.one_of(st.just(""), st.builds(str.__add__, heading, _body()))


def epilogues() -> st.SearchStrategy[str]:
    title = one_line(4).filter(lambda t: not t.lstrip(" \t").startswith("Daily Papers"))
    heading = title.map(lambda t: f"## {t}\n")
    return st.one_of(st.just(""), st.builds(str.__add__, heading, _body()))


def digests() -> st.SearchStrategy[DailyDigest]:
    return st.builds(
        DailyDigest,
        date=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
        papers=st.lists(papers(), max_size=3),
        epilogue=epilogues(),
    )


def documents() -> st.SearchStrategy[DigestDocument]:
    return st.builds(
        DigestDocument, digests=st.lists(digests(), min_size=1, max_size=3), preamble=preambles()
    )


# Raw text for "never raises" properties: digest syntax pieces, line endings and control
# characters mixed with arbitrary characters.
TEXT_PIECES = (
    "\n", "\r\n", "\r", "\x0c", "\t", "\x00", "\ufeff", "\u2028", " ", "#", "## ", "### ",
    "## Daily Papers (2024-01-01)\n", "## Daily Papers (2024-02-30)", "## Daily Papers",
    "### [", "](", ")", "[", "]", "### [T](https://arxiv.org/abs/2401.00001)\n", "- ", "  - ",
    "- ***", "***: ", "**", "*", "_", "Vote: ", "Vote: -", "Vote: 12", "Authors: ", "['a', 'b']",
    "[', ", "+", ", ", "![](", "![](x)", "[Watch Video](", "[Watch Video]",
    '<div><video controls src="', "<video>", "<source src='x'>", "</video>", "<iframe src=x>",
    "1) ", "1. ", "é", "한", "\n\n",
)  # fmt: skip


def digest_like_text() -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.sampled_from(TEXT_PIECES),
        st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=5),
    )
    return st.lists(piece, max_size=40).map("".join)


# -- CommonMark block structure around digests (the differential test) ------------------------
_WORDS = st.text(alphabet="abcdefgh XYZ", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def _paper_lines(draw: st.DrawFn) -> list[str]:
    """One paper: its heading in one of CommonMark's spellings, then field and summary lines."""
    title = draw(_WORDS)
    url = f"https://arxiv.org/abs/2501.{draw(st.integers(0, 99999)):05d}"
    link = draw(st.sampled_from(["({})", "(<{}>)", '({} "t")', "( {} )"])).format(url)
    indent = draw(st.sampled_from(["", "", " ", "   "]))
    closing = draw(st.sampled_from(["", "", " ###", " #"]))
    lines = [f"{indent}### [{title}]{link}{closing}"]
    for field in draw(
        st.lists(st.sampled_from(["vote", "authors", "image", "bullet", "blank"]), max_size=6)
    ):
        if field == "vote":
            lines.append(f"Vote: {draw(st.integers(0, 500))}")
        elif field == "authors":
            lines.append(f"Authors: {draw(_WORDS)}, {draw(_WORDS)}")
        elif field == "image":
            lines.append("![](https://example.org/a.png)")
        elif field == "bullet":
            lines.append(f"- {draw(_WORDS)}")
        else:
            lines.append("")
    return lines


def _wrap(kind: str, lines: list[str]) -> list[str]:
    """Lines put inside a block that hides them (or, for `plain`, not)."""
    if kind == "fence":
        return ["```", *lines, "```"]
    if kind == "tilde":
        return ["~~~~ md", *lines, "~~~~"]
    if kind == "comment":
        return ["<!--", *lines, "-->"]
    if kind == "pre":
        return ["<pre>", "", *lines, "</pre>"]
    if kind == "div":
        return ['<div><video src="https://example.org/v.mp4"></video></div>', *lines[:1]]
    if kind == "quote":
        return [f"> {line}" for line in lines]
    if kind == "item":
        return ["- item", "", *(f"  {line}" if line else "" for line in lines)]
    if kind == "code":
        return [f"    {line}" if line else "" for line in lines]
    return lines


@st.composite
def _chunk(draw: st.DrawFn) -> list[str]:
    choice = draw(
        st.sampled_from(
            ["digest", "setext", "paper", "paper", "paper", "wrapped", "heading", "text"]
        )
    )
    if choice == "digest":
        return [f"## Daily Papers (2025-01-{draw(st.integers(1, 28)):02d})"]
    if choice == "setext":
        return [f"Daily Papers (2025-02-{draw(st.integers(1, 28)):02d})", "---"]
    if choice == "heading":
        return draw(st.sampled_from([["# Top"], ["## Other"], ["Other", "==="], ["#### Deep"]]))
    if choice == "text":
        return [draw(_WORDS)]
    lines = draw(_paper_lines())
    if choice == "wrapped":
        kinds = ["fence", "tilde", "comment", "pre", "div", "quote", "item", "code"]
        lines = _wrap(draw(st.sampled_from(kinds)), lines)
    return lines


@st.composite
def commonmark_documents(draw: st.DrawFn) -> str:
    """Digests mixed with fences, HTML blocks, comments, quotes, list items, indented code and
    headings, joined by blank lines, with LF, CRLF or CR endings (one kind, or mixed)."""
    chunks = draw(st.lists(_chunk(), min_size=1, max_size=8))
    lines: list[str] = []
    for chunk in chunks:
        lines.extend([*chunk, ""])
    if draw(st.booleans()) and draw(st.booleans()):
        lines.append(draw(st.sampled_from(["```", "<!--"])))  # an unclosed block at the end
    endings = draw(st.sampled_from([["\n"], ["\r\n"], ["\r"], ["\n", "\r\n", "\r"]]))
    return "".join(line + draw(st.sampled_from(endings)) for line in lines)
