"""Classify every line by one ordered rule table, then settle CommonMark's block structure.

Pure and dumb: no models, no diagnostics. A new template era is a new row here. Rules are tried
in order and the first that matches the line wins, through one compiled alternation (dispatch on
the group that matched), so the hot loop is a single C-level regex call per line.

Block structure (markdown-it-py's block rules are the model) is a second, small state machine
that runs only when a document holds a line that can open or close a block (a fence, an HTML
block, a quote, a setext underline or thematic break, an indented heading): lines CommonMark
shows as code, HTML, quoted or nested text are relabelled so no reader takes them for a
heading or a field. Everything else keeps its first kind, so ordinary digests pay one C-level
set test for it.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

LINE_RULES: Final[tuple[tuple[str, str], ...]] = (
    ("blank", r"[ \t]*$"),  # the two most frequent kinds first: a miss costs one char test
    ("underline", r"(?:=+|-{2,})[ \t]*$"),  # a setext underline, or `---` a thematic break
    ("thematic", r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"),  # before bullet
    ("bullet", r"[-*+](?:[ \t]|$)"),  # a top-level list item
    ("digest", r"##[ \t]+Daily Papers\b"),  # `## Daily Papers (YYYY-MM-DD)`; date checked later
    ("paper", r"###(?:[ \t]|$)"),  # `### [Title](url)`; the link is checked later
    ("heading", r"#{1,6}(?:[ \t]|$)"),  # any other ATX heading
    ("image", r"!\["),  # `![](url)`
    ("watch", r"\[Watch Video\]"),  # `[Watch Video](url)` and the broken `[Watch Video]url`
    ("emptylink", r"\[\]\("),  # `[](x.mp4)`: early runs linked the video with no text
    ("html", r"<[A-Za-z/!?]"),  # `<div><video …>`, `<video>`, `<iframe>`, `<!-- -->`
    ("vote", r"Vote:"),
    ("authors", r"Authors:"),
    ("ordered", r"\d{1,9}[.)](?:[ \t]|$)"),  # an ordered list item
    ("fence", r"(?:`{3,}|~{3,})"),  # a code fence; its info string is checked later
    ("quote", r">"),
    ("shallow", r" {1,3}(?:#{1,6}(?:[ \t]|$)|[<>]|```|~~~|Vote:|Authors:|!\[|\[Watch Video\])"),
    ("deep", r"(?: {4}| {0,3}\t)[ \t]*(?:###(?:[ \t]|$)|##[ \t]+Daily Papers\b)"),
    ("indented", r"[ \t]"),  # nested list or indented continuation
)
"""(kind, pattern) in priority order; a line no rule matches is `text`. Where patterns overlap,
the earlier wins: blank before indented, digest before paper before heading. A bullet is not a
thematic break (`* * *`). `shallow` is a block start indented 1-3 spaces and `deep` a heading
indented as code: the block pass decides what they are (`nested`: indented text that is no
paragraph, so no lazy line continues it).

Patterns look only at how a line starts: the field readers check the rest. That keeps the scan
from reading long lines to their end (a summary bullet runs to 1,300 characters)."""


# The same rules, factored by a line's first character: one alternative per first character,
# each holding, in table order, what is left of the rules a line starting with it can match.
# Every alternative starts with a literal or a character class, so the regex engine skips one on
# a single character test (its branch shortcut), and a bullet line is not tried as a thematic
# break's repeated group first. Each rule ends with an empty group: `lastindex` names the kind.
# `tests/markdown/test_fast_paths.py` checks this reads every line as `LINE_RULES` does.
_SPACE_LEAD = r"(?:#{1,6}(?:[ \t]|$)|[<>]|```|~~~|Vote:|Authors:|!\[|\[Watch Video\])"
_DEEP_LEAD = r"[ \t]*(?:###(?:[ \t]|$)|##[ \t]+Daily Papers\b)"
_BY_FIRST: Final[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = (
    (
        " ",
        (
            ("blank", r"[ \t]*$"),
            ("shallow", r" {0,2}" + _SPACE_LEAD),
            ("deep", r"(?: {3}| {0,2}\t)" + _DEEP_LEAD),
            ("indented", ""),
        ),
    ),
    ("\t", (("blank", r"[ \t]*$"), ("deep", _DEEP_LEAD), ("indented", ""))),
    (
        "-",
        (
            ("underline", r"-+[ \t]*$"),
            ("thematic", r"[ \t]*(?:-[ \t]*){2,}$"),
            ("bullet", r"(?:[ \t]|$)"),
        ),
    ),
    (
        "#",
        (
            ("digest", r"#[ \t]+Daily Papers\b"),
            ("paper", r"##(?:[ \t]|$)"),
            ("heading", r"#{0,5}(?:[ \t]|$)"),
        ),
    ),
    ("!", (("image", r"\["),)),
    ("V", (("vote", "ote:"),)),
    ("A", (("authors", "uthors:"),)),
    ("\\[", (("watch", r"Watch Video\]"), ("emptylink", r"\]\("))),
    ("<", (("html", "[A-Za-z/!?]"),)),
    ("=", (("underline", r"=*[ \t]*$"),)),
    ("\\*", (("thematic", r"[ \t]*(?:\*[ \t]*){2,}$"), ("bullet", r"(?:[ \t]|$)"))),
    ("_", (("thematic", r"[ \t]*(?:_[ \t]*){2,}$"),)),
    ("\\+", (("bullet", r"(?:[ \t]|$)"),)),
    (r"\d", (("ordered", r"\d{0,8}[.)](?:[ \t]|$)"),)),
    ("`", (("fence", "`{2,}"),)),
    ("~", (("fence", "~{2,}"),)),
    (">", (("quote", ""),)),
    ("$", (("blank", ""),)),  # the empty line
)
_KIND_OF_GROUP: Final = ("text", *(kind for _, rules in _BY_FIRST for kind, _ in rules))
_MATCH = re.compile(
    "|".join(
        f"{first}(?:{'|'.join(f'{rest}()' for _, rest in rules)})" for first, rules in _BY_FIRST
    )
).match


BLOCK_KINDS: Final = frozenset({"html", "underline", "fence", "quote", "shallow", "deep"})
"""Kinds that can open a block or change what a neighbour is: only documents holding one run
the block pass."""
NOTED_KINDS: Final = frozenset(
    {"paper", "digest", "vote", "authors", "image", "watch", "emptylink"}
)
"""Kinds a reader would have taken as a heading or field: when the block pass hides one it
leaves a note, so the document walk can say so."""
_PARAGRAPH = frozenset({"text", "vote", "authors", "image", "watch", "emptylink", "html"})
_LAZY = _PARAGRAPH - {"html"} | {"indented", "nested", "deep", "ordered"}
_ITEM = frozenset({"bullet", "ordered"})


class Note(NamedTuple):
    """A line the block pass relabelled: what it looked like and what CommonMark sees instead
    (`code`, `html`, `comment`, `quote`, `item`, `indent`, `setext`; `unclosed` marks a fence or
    HTML block that runs to the end of the text)."""

    line: int  # 0-based
    kind: str
    context: str


def classify(lines: list[str]) -> tuple[list[str], list[Note]]:
    """The kind of each line (lines without their line ending) and the block pass's notes."""
    # Every alternative ends with a group, so a match always has a `lastindex`.
    # An empty line (two in five) is `blank` without the regex call.
    kind_of_group = _KIND_OF_GROUP
    kinds: list[str] = [
        "blank"
        if not line
        else kind_of_group[match.lastindex]  # type: ignore[index]
        if (match := _MATCH(line))
        else "text"
        for line in lines
    ]
    notes: list[Note] = []
    if not BLOCK_KINDS.isdisjoint(kinds):
        try:
            _blocks(lines, kinds, notes)
        finally:
            _MEMOS.pop((id(kinds), "paragraph"), None)
            _MEMOS.pop((id(kinds), "item"), None)
    return kinds, notes


def kind_of(line: str) -> str:
    """The kind one line has on its own (the rule table, no block context)."""
    match = _MATCH(line)
    return _KIND_OF_GROUP[match.lastindex or 0] if match else "text"


# -- the block pass ----------------------------------------------------------------------------
def _blocks(lines: list[str], kinds: list[str], notes: list[Note]) -> None:
    n = len(kinds)
    index = 0
    while index < n:
        kind = kinds[index]
        if kind not in BLOCK_KINDS:
            index += 1
            continue
        line = lines[index]
        if kind == "shallow":
            stripped = line.lstrip(" ")
            width = _item_width(lines, kinds, index)
            if width and len(line) - len(stripped) >= width:
                kinds[index] = "nested"  # a block start nested in a list item
                _note(notes, index, kind_of(stripped), "item")
                index += 1
                continue
            kind = kinds[index] = kind_of(stripped)
            if kind not in BLOCK_KINDS:
                index += 1
                continue
        if kind == "deep":
            kinds[index] = "nested"
            width = _item_width(lines, kinds, index)
            inside = width and len(line.expandtabs(4)) - len(line.lstrip(" \t")) >= width
            notes.append(Note(index, kind_of(line.lstrip(" \t")), "item" if inside else "indent"))
            index += 1
        elif kind == "fence":
            index = _fence(lines, kinds, notes, index)
        elif kind == "html":
            index = _html(lines, kinds, notes, index)
        elif kind == "quote":
            index = _quote(lines, kinds, notes, index)
        elif kind == "underline":
            index = _underline(lines, kinds, notes, index)
        else:  # a `shallow` line that turned out a thematic break
            index += 1


def _note(notes: list[Note], index: int, kind: str, context: str) -> None:
    if kind in NOTED_KINDS:
        notes.append(Note(index, kind, context))


def _seen(lines: list[str], kinds: list[str], index: int) -> str:
    """What a line would read as at the left margin (1-3 spaces of indent do not count)."""
    kind = kinds[index]
    return kind_of(lines[index].lstrip(" ")) if kind == "shallow" else kind


_MEMOS: dict[tuple[int, str], dict[int, int]] = {}


def _memo(kinds: list[str], name: str) -> dict[int, int]:
    """Answers found while walking back, for the pass over `kinds` under way: so a run of
    100,000 nested lines, or of inline-HTML lines, costs linear time, not quadratic."""
    return _MEMOS.setdefault((id(kinds), name), {})


def _paragraph_start(kinds: list[str], index: int) -> int:
    """The first line of the top-level paragraph that line `index` would continue, or -1."""
    start = index - 1
    if start < 0 or kinds[start] not in _PARAGRAPH:
        return -1
    while start > 0 and kinds[start - 1] in _PARAGRAPH:
        if start - 1 in _memo(kinds, "paragraph"):
            start = _memo(kinds, "paragraph")[start - 1]
            break
        start -= 1
    _memo(kinds, "paragraph")[index - 1] = start
    if start > 0 and kinds[start - 1] in ("bullet", "ordered", "indented", "nested"):
        return -1  # lazy text of a list item
    return start


def _item_width(lines: list[str], kinds: list[str], index: int) -> int:
    """The content column of the list item line `index` could belong to, or 0. Walking back,
    blank and indented lines may be the item's; a text line only as lazy continuation (no blank
    before it); anything else ends the search."""
    widths = _memo(kinds, "item")
    for back in range(index - 1, -1, -1):
        kind = kinds[back]
        if back in widths and kind in ("nested", "indented", "blank"):
            widths[index] = widths[back]
            return widths[back]
        if kind in _ITEM:
            widths[index] = _marker_width(lines[back])
            return widths[index]
        if kind in _PARAGRAPH:
            if back == 0 or kinds[back - 1] == "blank":
                return 0
        elif kind not in ("blank", "indented", "nested"):
            return 0
    return 0


_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])([ \t]*)")


def _marker_width(line: str) -> int:
    match = _MARKER.match(line)
    if match is None:
        return 0
    marker, spaces = match.start(1), len(match[1].expandtabs(4))
    if match.end() == len(line) or spaces > 4:
        return marker + 1
    return marker + spaces


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")


def _fence(lines: list[str], kinds: list[str], notes: list[Note], index: int) -> int:
    match = _FENCE.match(lines[index])
    assert match is not None
    fence, info = match.groups()
    if fence[0] == "`" and "`" in info:  # inline code, not a fence
        kinds[index] = "text"
        return index + 1
    close = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    kinds[index] = "code"
    for inside in range(index + 1, len(kinds)):
        if close.match(lines[inside]):
            kinds[inside] = "code"
            return inside + 1
        _note(notes, inside, _seen(lines, kinds, inside), "code")
        kinds[inside] = "code"
    notes.append(Note(index, "fence", "unclosed"))
    return len(kinds)


_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
    "header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|"
    "param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_ATTRIBUTE = (
    r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"
    r"(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
)
_HTML_STARTS: Final = (
    # (start, end or None for "a blank line", can interrupt a paragraph, the lines' kind)
    (
        re.compile(r"<(?:script|pre|style|textarea)(?=\s|>|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
        True,
        "htmlblock",
    ),
    (re.compile(r"<!--"), re.compile(r"-->"), True, "comment"),
    (re.compile(r"<\?"), re.compile(r"\?>"), True, "htmlblock"),
    (re.compile(r"<![A-Za-z]"), re.compile(r">"), True, "htmlblock"),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>"), True, "htmlblock"),
    (re.compile(rf"</?(?:{_BLOCK_NAMES})(?=\s|/?>|$)", re.I), None, True, "htmlblock"),
    (
        re.compile(
            rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"
        ),
        None,
        False,
        "htmlblock",
    ),
)


def _html(lines: list[str], kinds: list[str], notes: list[Note], index: int) -> int:
    """An HTML block: the first line keeps `htmlblock` (or `comment`), the rest are `htmlcont`
    (or `comment`). A line that opens no block is inline HTML in a paragraph: `html`."""
    text = lines[index].lstrip(" ")
    found = next((entry for entry in _HTML_STARTS if entry[0].match(text)), None)
    if found is None:
        kinds[index] = "html"
        return index + 1
    _, end, interrupts, kind = found
    if not interrupts and _paragraph_start(kinds, index) >= 0:
        kinds[index] = "html"
        return index + 1
    kinds[index] = kind
    context = "comment" if kind == "comment" else "html"
    rest = "comment" if kind == "comment" else "htmlcont"
    if end is not None and end.search(text):
        return index + 1
    for inside in range(index + 1, len(kinds)):
        if end is None and kinds[inside] == "blank":
            return inside
        _note(notes, inside, _seen(lines, kinds, inside), context)
        kinds[inside] = rest
        if end is not None and end.search(lines[inside]):
            return inside + 1
    if end is not None:
        notes.append(Note(index, kind, "unclosed"))
    return len(kinds)


_QUOTE_MARKERS = re.compile(r"(?: {0,3}> ?)+")


def _quote(lines: list[str], kinds: list[str], notes: list[Note], index: int) -> int:
    """A blockquote: its `>` lines and the lazy lines continuing a quoted paragraph."""
    lazy = False
    for inside in range(index, len(kinds)):
        line, kind = lines[inside], kinds[inside]
        if kind == "shallow" and line.lstrip(" ")[:1] == ">":
            kind = "quote"
        if kind == "quote":
            markers = _QUOTE_MARKERS.match(line)
            assert markers is not None
            content = kind_of(line[markers.end() :].lstrip(" "))
            _note(notes, inside, content, "quote")
            lazy = content in _PARAGRAPH or content in _ITEM
        elif lazy and (
            kind in _LAZY
            or (kind == "shallow" and _seen(lines, kinds, inside) in _LAZY)
            or (kind == "underline" and "=" in line)
        ):
            _note(notes, inside, _seen(lines, kinds, inside), "quote")
        else:
            return inside
        kinds[inside] = "quote"
    return len(kinds)


_DAILY = re.compile(r" {0,3}Daily Papers\b")


def _underline(lines: list[str], kinds: list[str], notes: list[Note], index: int) -> int:
    """`===` or `---` under a paragraph makes it a setext heading (a `Daily Papers (…)` line
    underlined with `---` is a digest heading); otherwise `---` is a break and `===` text."""
    start = _paragraph_start(kinds, index)
    line = lines[index].strip(" \t")
    if start < 0:
        kinds[index] = "text" if line[0] == "=" or len(line) < 3 else "thematic"
        return index + 1
    digest = start == index - 1 and line[0] == "-" and _DAILY.match(lines[start])
    for inside in range(start, index):
        if not (digest and inside == start):
            _note(notes, inside, kinds[inside], "setext")
        kinds[inside] = "underline"
    kinds[start] = "digest" if digest else "setext"
    kinds[index] = "underline"
    return index + 1
