"""The start tags a browser reads in a digest rendered by a CommonMark renderer.

`active.find_active` asks this module only when its cheap scan finds a tag that would be an
error (DK220, DK221) somewhere in the text, so ordinary digests never pay for it. Then it reads
the text as a renderer and a browser would, in three steps:

1. Blocks: fenced and indented code is shown, not run; HTML blocks are passed on raw; the other
   lines form inline runs (paragraphs, headings, list items), which end at a blank line or at a
   line that starts another block.
2. Inlines, per run (CommonMark 6): backslash escapes, code spans (a backtick string closed by
   one of the same length), link destinations `](<...>)`, autolinks, and raw HTML: open and
   closing tags (whitespace inside holds at most one line break), comments, processing
   instructions, declarations and CDATA. Anything else with `<` is shown as text.
3. The HTML5 tokenizer over what is passed on, in order: a comment ends at `-->` or `--!>`;
   `<!...`, `<?...` and `</` without a name are bogus comments that end at the first `>` (so
   `<![CDATA[ > <img onerror=x>` holds a live tag); the text of `<script>`, `<style>`,
   `<textarea>`, `<title>`, ... up to its end tag is text, even across Markdown blocks; a tag's
   attributes are read as HTML5 reads them (`<a/onclick=x>` has `onclick`).

Containers are approximated: quote and list markers are stripped from a line's start, and list
content columns are tracked for indented code. Foreign content (`<svg>`, `<math>`), where
CDATA is real, is read like HTML. Every search is linear: each marker is looked for at most
once past any position (`_Finder`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
"""Elements whose content the tokenizer reads as text up to their end tag (`<plaintext>`: to
the end of the page)."""


class LiveTag(NamedTuple):
    offset: int  # of the `<`
    name: str  # lowercase
    attributes: list[tuple[str, str, int]]  # (lowercase name, value, offset of the name)


# -- step 1: blocks ----------------------------------------------------------------------------
_CONTAINER = re.compile(r"(?:[ \t]*+(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*+")
_ITEM = re.compile(r"[ \t]*+(?:>[ \t]?)*+([ \t]*+)([-+*]|\d{1,9}[.)])([ \t]++|$)")
_QUOTES = re.compile(r"(?:[ \t]{0,3}+>[ \t]?)*+")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}+|~{3,}+)(.*)")
_INTERRUPTS = re.compile(  # a line that ends a paragraph (before containers are stripped)
    r"[ \t]{0,3}+(?:>|#{1,6}(?:[ \t]|$)|`{3}|~{3}|[-+*](?:[ \t]|$)|1[.)](?:[ \t]|$)"
    r"|(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$)"
)
_ATX = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")


class Line(NamedTuple):
    start: int
    end: int  # of the content, before `\n`
    body: int  # where the content starts, after container markers


def _lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for line in text.split("\n"):
        stop = offset + len(line)
        markers = _CONTAINER.match(line)
        assert markers is not None
        lines.append(Line(offset, stop, offset + markers.end()))
        offset = stop + 1
    return lines


def _indent(text: str, start: int, end: int) -> int:
    """Columns of spaces and tabs from `start` (tabs to the next multiple of 4)."""
    column = 0
    for char in text[start:end]:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


# -- the reader --------------------------------------------------------------------------------
class LiveHtml:
    """The live start tags of `text`, computed once: `tags()`."""

    def __init__(
        self,
        text: str,
        block_kind: Callable[[str], str | None],
        interrupts: Callable[[str], bool],
    ):
        self.text = text
        self.block_kind = block_kind  # a line's HTML block end marker (`active._block_kind`)
        self.interrupts = interrupts  # whether that block may end a paragraph (kinds 1-6)
        self.blocks: list[tuple[int, int]] = []

    def tags(self) -> list[LiveTag]:
        runs = list(self._runs())  # also finds the HTML blocks
        regions = [(start, min(stop, len(self.text)), "block") for start, stop in self.blocks]
        for run_start, run_end in runs:
            regions += _inline(self.text, run_start, run_end)
        regions.sort()
        return list(_tokenize(self.text, regions))

    def _runs(self) -> Iterator[tuple[int, int]]:
        """Inline runs outside code and HTML blocks, as (start, end) offsets; the HTML blocks
        go to `blocks` as (start, stop) offsets."""
        text = self.text
        fence: str | None = None
        html_end: str | None = None  # in an HTML block: its end marker, "" for a blank line
        html_start = 0
        run_start, run_end = -1, 0
        item_columns: list[int] = []  # content columns of open list items
        previous_blank, previous_paragraph = True, False
        depth = 0  # quote markers at the start of the open HTML block or fence
        for line in _lines(text):
            content = text[line.body : line.end]
            blank = not content.strip(" \t")
            quotes = _QUOTES.match(text, line.start, line.end)
            assert quotes is not None
            quoted = text.count(">", line.start, quotes.end())
            if (html_end is not None or fence is not None) and quoted < depth:
                if html_end is not None:  # a line outside the quote ends the block
                    self.blocks.append((html_start, line.start))
                html_end = fence = None
            if html_end is not None:  # inside an HTML block: does this line end it?
                if html_end == "" and blank:
                    self.blocks.append((html_start, line.start))
                    html_end = None
                elif html_end and html_end in content.lower():
                    self.blocks.append((html_start, line.end + 1))
                    html_end = None
                    previous_blank, previous_paragraph = False, False
                    continue
                else:
                    continue
            if fence is not None:  # inside fenced code: does this line close it?
                close = _FENCE.fullmatch(content)
                if (
                    close
                    and close[1][0] == fence[0]
                    and len(close[1]) >= len(fence)
                    and not close[2].strip(" \t")
                ):
                    fence = None
                previous_blank, previous_paragraph = blank, False
                continue
            item, code = None, False
            if not blank:
                indent = _indent(text, quotes.end(), line.end)
                if quotes.end() > line.start:  # quoted: lists outside do not count
                    base = 0
                else:
                    while item_columns and indent < item_columns[-1] and previous_blank:
                        item_columns.pop()
                    base = item_columns[-1] if item_columns else 0
                code = indent >= base + 4 and not previous_paragraph
                if indent < base + 4:
                    item = _ITEM.match(text, line.start, line.end)
            if item is not None:
                column = _indent(text, line.start, item.start(2)) + len(item[2])
                spaces = _indent(text, item.end(2), item.end())
                column += spaces if 1 <= spaces <= 4 else 1
                item_columns = [c for c in item_columns if c < column] + [column]
                code = spaces > 4 and item.end() < line.end  # `-     x`: the item holds code
            body = content.lstrip(" \t")
            if not code and body[:1] == "<":
                kind = self.block_kind(body)
                if kind is not None and (kind or self.interrupts(body) or not previous_paragraph):
                    if run_start >= 0:
                        yield run_start, run_end
                        run_start = -1
                    html_start, depth = line.start, quoted
                    if kind and kind in body[1:].lower():  # ends on its first line
                        self.blocks.append((html_start, line.end + 1))
                    else:
                        html_end = kind
                    previous_blank, previous_paragraph = False, False
                    continue
            if blank or code:
                if run_start >= 0:
                    yield run_start, run_end
                    run_start = -1
                previous_blank, previous_paragraph = blank, False
                continue
            opened = _FENCE.match(content)
            if opened and not (opened[1][0] == "`" and "`" in opened[2]):
                if run_start >= 0:
                    yield run_start, run_end
                    run_start = -1
                fence, depth = opened[1], quoted
                previous_blank, previous_paragraph = False, False
                continue
            starts_block = item is not None or _INTERRUPTS.match(text, line.start, line.end)
            if run_start >= 0 and (starts_block or not previous_paragraph):
                yield run_start, run_end
                run_start = -1
            if run_start < 0:
                run_start = line.body
            run_end = line.end
            previous_blank = False
            previous_paragraph = _ATX.match(content) is None
            if not previous_paragraph:  # an ATX heading is a run of its own
                yield run_start, run_end
                run_start = -1
        if html_end is not None:
            self.blocks.append((html_start, len(text)))
        if run_start >= 0:
            yield run_start, run_end


# -- step 2: inlines ---------------------------------------------------------------------------
_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_SPECIAL = re.compile(r"[\\`<\]]")
_WS = r"(?:[ \t]*+\n?[ \t]*+)"  # whitespace with at most one line break
# markdown-it's raw HTML grammar (`markdown_it.common.html_re`), every quantifier possessive.
_OPEN_TAG = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*+(?:\s++[a-zA-Z_:][a-zA-Z0-9:._-]*+"
    r"(?:\s*+=\s*+(?:[^\"'=<>`\x00-\x20]++|'[^']*+'|\"[^\"]*+\"))?+)*+\s*+/?>"
)
_COMMENT = re.compile(r"<!---?>|<!--(?:[^-]|-[^-]|--[^>])*+-->")
_COMMENT_STOP = re.compile(r"(?:[^-]|-[^-]|--[^>])*+")  # where a comment's body stops
_CLOSE_TAG = re.compile(r"</[A-Za-z][A-Za-z0-9-]*+\s*+>")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*+"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]++@[A-Za-z0-9](?:[A-Za-z0-9-.]*+[A-Za-z0-9])?)>"
)
_DECLARATION = re.compile(r"<![A-Za-z][^>]*+>")
_DESTINATION = re.compile(  # `](<dest> "title")`: the `<...>` is a destination, not HTML
    rf"\]\({_WS}<(?:[^\n<>\\]|\\.)*+>"
    rf"(?:{_WS}(?:\"(?:[^\"\\]|\\.)*+\"|'(?:[^'\\]|\\.)*+'|\((?:[^()\\]|\\.)*+\)))?+{_WS}\)"
)


def _inline(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """The raw HTML pieces of the inline run `text[start:end]`."""
    closers = _Backticks(text, start, end)
    finder = _Finder(text, end)
    position = start
    while True:
        match = _SPECIAL.search(text, position, end)
        if match is None:
            return
        at = match.start()
        char = text[at]
        position = at + 1
        if char == "\\":
            if at + 1 < end and text[at + 1] in _ESCAPABLE:
                position = at + 2
        elif char == "`":
            run = at
            while position < end and text[position] == "`":
                position += 1
            close = closers.closing(at, position - run)
            if close >= 0:
                position = close
        elif char == "]":
            destination = _DESTINATION.match(text, at, end)
            if destination is not None and text.rfind("[", start, at) >= 0:
                position = destination.end()
        else:  # `<`
            piece = _raw_html(text, at, end, finder)
            if piece is not None:
                if piece[2] != "autolink":
                    yield piece
                position = piece[1]


def _raw_html(text: str, at: int, end: int, finder: _Finder) -> tuple[int, int, str] | None:
    following = text[at + 1 : at + 2]
    if _letter(following):
        autolink = _AUTOLINK.match(text, at, end)
        if autolink is not None:
            return at, autolink.end(), "autolink"
        match = _OPEN_TAG.match(text, at, end)
        return (at, match.end(), "tag") if match else None
    if following == "/":
        match = _CLOSE_TAG.match(text, at, end)
        return (at, match.end(), "tag") if match else None
    if text.startswith("<!--", at):
        if at < finder.no_comment_before:
            return None  # an earlier attempt read past here and found no end
        match = _COMMENT.match(text, at, end)
        if match is None:
            finder.no_comment_before = _COMMENT_STOP.match(text, at + 4, end).end()  # type: ignore[union-attr]
            return None
        return at, match.end(), "comment"
    if following == "?":
        close = finder.next("?>", at + 2)
        return (at, close + 2, "bogus") if close >= 0 else None
    if text.startswith("<![CDATA[", at):
        close = finder.next("]]>", at + 9)
        return (at, close + 3, "bogus") if close >= 0 else None
    if following == "!":
        match = _DECLARATION.match(text, at, end)
        return (at, match.end(), "bogus") if match else None
    return None


class _Finder:
    """`str.find` for a few markers, remembering each answer: the next `-->` past a position
    is searched once, however many comment openings precede it."""

    def __init__(self, text: str, end: int):
        self.text, self.end = text, end
        self.found: dict[str, int] = {}
        self.no_comment_before = -1  # a comment starting before this offset has no end

    def next(self, marker: str, position: int) -> int:
        known = self.found.get(marker)
        if known is None or (known >= 0 and known < position):
            known = self.text.find(marker, position, self.end)
            self.found[marker] = known
        return known  # -1 also means none after any later position


class _Backticks:
    """Closing backtick strings of a run: the next string of the same length after an opener."""

    def __init__(self, text: str, start: int, end: int):
        self.runs: dict[int, list[int]] = {}  # length -> end offsets of the strings, in order
        self.cursor: dict[int, int] = {}
        for match in re.finditer(r"`++", text[start:end]):
            self.runs.setdefault(len(match.group()), []).append(start + match.end())

    def closing(self, opener: int, length: int) -> int:
        """The end of the string closing a span opened by the `length` backticks at `opener`,
        or -1 (the backticks are then literal)."""
        ends = self.runs.get(length, [])
        index = self.cursor.get(length, 0)
        while index < len(ends) and ends[index] - length <= opener:
            index += 1
        self.cursor[length] = index
        return ends[index] if index < len(ends) else -1


# -- step 3: the HTML5 tokenizer ---------------------------------------------------------------
_COMMENT_END = re.compile(r"--!?>")
_BOGUS_END = re.compile(">")


def _tokenize(text: str, regions: list[tuple[int, int, str]]) -> Iterator[LiveTag]:
    """Start tags in the live regions, read in order as one stream by an HTML5 tokenizer."""
    # While `until` is set the tokenizer is in a comment, a bogus comment or raw text: it reads
    # on, through later regions, to the pattern (the end tag of raw text is then read as a tag).
    until: tuple[re.Pattern[str], bool] | None = None
    for start, stop, kind in regions:
        position = start
        if until is None and kind == "comment":
            if text.startswith(("<!-->", "<!--->"), start):
                position = text.index(">", start) + 1
            else:
                inner = _COMMENT_END.search(text, start + 4, stop)
                position = inner.end() if inner else stop
        elif until is None and kind == "bogus":
            position = text.index(">", start) + 1
        while position < stop:
            if until is not None:
                pattern, keep = until
                found = pattern.search(text, position, stop)
                if found is None:
                    position = stop
                    break
                position = found.start() if keep else found.end()
                until = None
                continue
            lt = text.find("<", position, stop)
            if lt < 0:
                break
            position = lt + 1
            following = text[lt + 1 : lt + 2]
            if text.startswith("<!--", lt):
                if text.startswith(("<!-->", "<!--->"), lt):
                    position = text.index(">", lt) + 1
                else:
                    until, position = (_COMMENT_END, False), lt + 4
            elif following in ("!", "?") or (
                following == "/" and not _letter(text[lt + 2 : lt + 3])
            ):
                until = (_BOGUS_END, False)
            elif _letter(following):
                tag, position = _start_tag(text, lt, stop)
                if tag.name in RAW_TEXT:
                    until = (re.compile(rf"</{tag.name}[\s/>]", re.IGNORECASE), True)
                elif tag.name == "plaintext":
                    until = (re.compile(r"(?!)"), True)
                yield tag
            elif following == "/":
                _, position = _start_tag(text, lt, stop)  # an end tag: read, not kept
        if until is not None and until[0] is _BOGUS_END and kind == "block":
            until = None  # the renderer's next tag (`<p>`) ends it


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _start_tag(text: str, lt: int, stop: int) -> tuple[LiveTag, int]:
    """A start tag at `lt` as the HTML5 tokenizer reads it (within its region, which ends at
    `stop`), and the offset after it. One regex reads the whole tag; attributes are split only
    when one could matter (`on...`, `srcdoc`)."""
    match = _TAG.match(text, lt, stop)
    assert match is not None
    attributes: list[tuple[str, str, int]] = []
    if _MATTERS.search(text, match.start(2), match.end(2)):
        for attribute in _ATTRIBUTE.finditer(text, match.start(2), match.end(2)):
            value = next((group for group in attribute.groups()[1:] if group is not None), "")
            attributes.append((attribute[1].lower(), value, attribute.start(1)))
    return LiveTag(lt, match[1].lower(), attributes), match.end()


_VALUE_TEXT = r"(?:\s*+=\s*+(?:\"([^\"]*+)\"?|'([^']*+)'?|([^\s>]*+)))?+"
_ATTRIBUTE = re.compile(rf"[\s/]*+([^\s/>][^\s/>=]*+){_VALUE_TEXT}")
_TAG = re.compile(rf"</?+([^\s/>]*+)((?:[\s/]*+[^\s/>][^\s/>=]*+{_VALUE_TEXT})*+)[\s/]*+>?")
_MATTERS = re.compile(r"(?i)on|srcdoc")
