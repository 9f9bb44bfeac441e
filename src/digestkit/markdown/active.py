"""Find active content: what a browser would run if a digest's Markdown were rendered as HTML.

digestkit never renders or runs HTML, but the people who read digests do, through Markdown
viewers that pass raw HTML on. So `validate` flags, wherever it occurs in the text: active
elements (`<script>`, `<object>`, `<base>`, ...), event-handler attributes (`onerror=`), script
or data URLs (in HTML attributes, Markdown links and images, autolinks and link definitions),
and DTD declarations (entity bombs; no parser of digestkit expands them).

Two passes over the text, each jumping in C between the places that matter (a regex between
the `<` of tags with attributes, declarations and autolinks; one led by `]` between link
targets that are not plain web URLs): only the rare candidates reach Python, so the check costs
about 3% of a parse. A tag or line that repeats a finding gets one, counting the rest.
Text inside a code span (an odd number of backticks before it on its line) is shown, not run,
and is skipped.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .live_html import RAW_TEXT, LiveHtml, LiveTag

ACTIVE_ELEMENTS = frozenset(
    {"script", "object", "embed", "applet", "base", "form", "meta", "link", "style"}
    | {"frame", "frameset", "noscript", "template", "portal"}
)
"""Elements that run code, load a document, or redirect or restyle the page around them."""

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "data", "background", "cite"}
    | {"codebase", "dynsrc", "lowsrc", "longdesc", "manifest", "ping", "srcset", "xlink:href"}
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
"""`data:` too: a `data:text/html` URL is a whole page, and digest media are never inline."""

# A tag: `<name` then quoted or plain attribute text up to the closing `>` (a `>` inside quotes
# does not close it), or a declaration (a DOCTYPE only with the `[...]` subset that declares
# entities). The alternatives start with distinct characters and every quantifier is
# possessive, so the engine keeps no backtracking state: time and memory are linear in the tag.
_TAG = re.compile(
    r"<(?:(?P<declaration>!(?i:ENTITY|ATTLIST|ELEMENT)\b|!(?i:DOCTYPE)[^>\[]*\[)"
    r"|(?P<name>[A-Za-z][^\s/>]*)(?P<attrs>(?:[^'\">]++|\"[^\"]*+\"?|'[^']*+'?)*+))"
)
# Where the tag scan stops: a `<` that opens neither a closing tag (the browser runs none) nor
# a plain element without attributes (`<div>`, `<script>`). Real text is mostly made of those,
# so the engine skips them in C (a file of 100,000 nested `<div>` costs what its size does);
# whether a plain one is a watched element is one search of its own.
_CANDIDATE = re.compile(r"<(?!/|[A-Za-z][A-Za-z0-9-]*+>)")
_WATCHED_NAMES = "|".join(sorted(ACTIVE_ELEMENTS | RAW_TEXT))
_WATCHED_PLAIN = re.compile(rf"<(?i:{_WATCHED_NAMES})>")
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\s\"'>/=]+)(?:\s*=\s*(?P<value>\"[^\"]*\"?|'[^']*'?|[^\s>]*))?"
)
# A link destination `](url` or definition `]: url` that does not start like an ordinary web or
# relative URL: a corpus file has thousands of `](https://...`, and only the rest are examined.
_DESTINATION = re.compile(r"\](?:\(|:)\s*<?(?!\s*(?:https?://|/|#|\.))(?P<url>[^\s)>]*)")


class Finding(NamedTuple):
    code: str
    message: str
    offset: int  # into the text


def script_scheme(url: str) -> str | None:
    """The dangerous scheme a URL has after the normalisations a browser or Markdown renderer
    applies (entities decoded, TAB/CR/LF removed, leading controls and spaces stripped, any
    case), or None."""
    if url.startswith(("http", "/", "#")):
        return None  # the common case, decided without work
    if ":" not in url and "&" not in url:
        return None  # no scheme, and no character reference that could spell its colon
    normal = browser_url(html.unescape(url) if "&" in url else url).lower()
    return next((scheme for scheme in SCRIPT_SCHEMES if normal.startswith(scheme)), None)


def browser_url(url: str) -> str:
    """`url` as a browser reads it before looking at its scheme (WHATWG URL parsing: TAB, CR
    and LF removed anywhere, C0 controls and spaces stripped at both ends), so `java\tscript:`
    is `javascript:`. The HTML writer's allow-list reads schemes the same way."""
    return url.translate(_IGNORED_ANYWHERE).strip(_C0_AND_SPACE)


_IGNORED_ANYWHERE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def find_active(text: str) -> Iterator[Finding]:
    """Every active construct in `text` (tags and declarations first, then links; each pass in
    text order)."""
    if "<" in text:  # one C search (3 files in 4 have no `<`): every tag scan starts at one
        yield from _tags(text, CodeSpans(text), HtmlBlocks(text))
    yield from _link_targets(text)


def _link_targets(text: str) -> Iterator[Finding]:
    """DK222 of link targets, one finding per line with how many more: a line of 100,000
    `javascript:` links is one problem to fix and one line to read, as a tag's are."""
    code = CodeSpans(text)
    problems = (
        (("DK222", f"`{scheme}` URL as a link target"), match.start("url"))
        for match in _DESTINATION.finditer(text)
        if (scheme := script_scheme(match["url"]))
        and not code.inside(match.start())
        and not _escaped(text, match.start())
    )
    line_end = -1

    def end_of_line(problem: tuple[tuple[str, str], int]) -> int:
        nonlocal line_end
        if problem[1] > line_end:  # asked in increasing order: each line end is found once
            line_end = text.find("\n", problem[1])
            line_end = len(text) if line_end < 0 else line_end
        return line_end

    for _, line in itertools.groupby(problems, key=end_of_line):
        for code_, message, offset in _first_of_each(line, "on this line"):
            yield Finding(code_, message, offset)


def _escaped(text: str, offset: int) -> bool:
    """Whether the character at `offset` follows an odd run of backslashes: Markdown shows it
    as text (`\\<script>`, `\\](`), which is how digestkit's own writer escapes titles."""
    run = offset
    while run > 0 and text[run - 1] == "\\":
        run -= 1
    return (offset - run) % 2 == 1


def _tags(text: str, code: CodeSpans, blocks: HtmlBlocks) -> Iterator[Finding]:
    findings: list[Finding] = []
    # Whether some tag could be a DK220/DK221 error: then ask `live_html`. Decided before the
    # code-span and escape tests, which `live_html` makes exactly.
    live = _WATCHED_PLAIN.search(text) is not None
    for match, raw in _tag_matches(text, blocks):
        live = live or _could_be_live(match)
        start = match.start()
        if code.inside(start) or (not raw and _escaped(text, start)):
            continue  # shown as text: a backslash escapes only outside raw HTML
        if match["name"] and ":" not in match["name"] and not match["attrs"].strip():
            continue  # no attribute, no autolink: nothing for this scan to judge
        findings += _tag(text, match)
    if live:
        # Elements and handlers are errors only where a browser reads a tag: as the HTML5
        # tokenizer reads what a CommonMark renderer passes on (`live_html`).
        reader = LiveHtml(text, _block_kind, lambda body: _BLOCK_START.match(body) is not None)
        for tag in reader.tags():
            findings += _live_findings(tag)
        findings.sort(key=lambda finding: finding.offset)
    yield from findings


_LIVE_CODES = frozenset({"DK220", "DK221"})


def _tag_matches(text: str, blocks: HtmlBlocks) -> Iterator[tuple[re.Match[str], bool]]:
    """Each tag, declaration or autolink as its reader sees it, in text order, with whether
    it stands in an HTML block. There (raw) the browser's tokenizer reads everything, an
    unclosed quote running on to its match. Inline, a renderer passes on only what CommonMark's
    grammar completes and shows the rest as text (`a<b relation on sets, where b>c`; `<a
    title="x` with a live tag after it), so the engine jumps in C from one complete tag to the
    next and an incomplete one hides nothing."""
    if _CANDIDATE.search(text) is None:
        return  # no tag to judge (every inline candidate is one): the blocks are not needed
    position = 0
    for block_start, block_stop in [*blocks.spans(), (len(text), len(text))]:
        while (found := _INLINE_CANDIDATE.search(text, position, block_start)) is not None:
            start = found.start()
            match = (
                _DECLARATION.match(text, start)
                if text.startswith("<!", start)
                else _INLINE_TAG.match(text, start) or _AUTOLINK.match(text, start)
            )
            assert match is not None  # the candidate's lookahead is these patterns
            position = match.end()
            yield match, False
        position = max(position, block_start)
        while (found := _CANDIDATE.search(text, position, block_stop)) is not None:
            match = _TAG.match(text, found.start())
            position = match.end() if match else found.start() + 1
            if match is not None:
                yield match, True
        position = max(position, block_stop)


def _could_be_live(match: re.Match[str]) -> bool:
    """Whether the tag the cheap pattern found could be an active element or carry an event
    handler or `srcdoc`, wherever it stands (code, escapes and context not considered)."""
    if not match["name"]:
        return False
    if "<" in match.group()[1:]:
        return True  # another tag may start inside this one (`a<b<script>`): ask
    name = match["name"].lower()
    if name in ACTIVE_ELEMENTS or name in RAW_TEXT:
        return True
    return any(
        (attribute.startswith("on") and len(attribute) > 2) or attribute == "srcdoc"
        for attribute in (found.lower() for found, _ in _ATTRIBUTE.findall(match["attrs"]))
    )


def _live_findings(tag: LiveTag) -> Iterator[Finding]:
    """DK220 and DK221 of a tag a browser reads: one finding per code, with how many more."""
    if tag.name in ACTIVE_ELEMENTS:
        yield Finding("DK220", f"`<{tag.name}>` element in embedded HTML", tag.offset)
    problems = (
        (problem, offset)
        for name, value, offset in tag.attributes
        if (problem := _attribute(name, value)) is not None and problem[0] in _LIVE_CODES
    )
    for code, message, offset in _first_of_each(problems):
        yield Finding(code, message, offset)


def _tag(text: str, match: re.Match[str]) -> Iterator[Finding]:
    start = match.start()
    if match.groupdict().get("declaration"):
        keyword = match["declaration"][1:].split(None, 1)[0].rstrip("[")
        yield Finding("DK223", f"`<!{keyword}` declaration in embedded HTML (not expanded)", start)
        return
    name = match["name"].lower()
    if ":" in name:  # an autolink `<scheme:...>`, which a renderer makes a link
        scheme = script_scheme(match.group()[1:].rstrip(">"))
        in_link = text[max(0, start - 64) : start].rstrip().endswith("](")  # seen as a link
        if scheme and not in_link:
            yield Finding("DK222", f"`{scheme}` autolink", start)
        return
    yield from _attributes(match["attrs"], match.start("attrs"))


def _attributes(attrs: str, base: int) -> Iterator[Finding]:
    """A tag's first finding of each code, with how many more it has: a tag with 100,000
    `on...` attributes is one problem to fix and one line to read. `findall` reads the
    attributes in C; only the first finding of a code is located again."""
    problems = (
        (problem, index)
        for index, (name, value) in enumerate(_ATTRIBUTE.findall(attrs))
        if (problem := _attribute(name.lower(), value)) is not None
        and problem[0] not in _LIVE_CODES  # the live-HTML view judges elements and handlers
    )
    for code, message, index in _first_of_each(problems):
        located = next(itertools.islice(_ATTRIBUTE.finditer(attrs), index, None))
        yield Finding(code, message, base + located.start())


def _first_of_each(
    problems: Iterable[tuple[tuple[str, str], int]], where: str = "in this tag"
) -> Iterator[tuple[str, str, int]]:
    """The first problem of each code with its position, its message saying how many more of
    that code there are `where` (a tag, a line): one line per code however many repeat it."""
    first: dict[str, tuple[int, str]] = {}
    more: dict[str, int] = {}
    for (code, message), position in problems:
        if code in first:
            more[code] = more.get(code, 0) + 1
        else:
            first[code] = (position, message)
    for code, (position, message) in first.items():
        extra = more.get(code, 0)
        if extra:
            message += f" (and {extra:,} more {where})"
        yield code, message, position


def _attribute(name: str, value: str) -> tuple[str, str] | None:
    if name.startswith("on") and len(name) > 2:  # `on` alone is no event (`on sets`)
        return "DK221", f"event-handler attribute `{name}`"
    if name == "srcdoc":
        return "DK220", "`srcdoc` attribute: an embedded HTML document"
    if name in URL_ATTRIBUTES and value:
        scheme = script_scheme(value.strip("\"'"))
        if scheme:
            return "DK222", f"`{scheme}` URL in `{name}`"
    return None


# CommonMark's open tag (spec 6.6), the only inline `<...>` a renderer passes on as HTML. Every
# quantifier is possessive: linear time whatever follows the `<`.
_INLINE_TAG = re.compile(
    r"<(?P<name>[A-Za-z][A-Za-z0-9-]*+)"
    r"(?P<attrs>(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+"
    r"(?:\s*+=\s*+(?:[^\s\"'=<>`]++|'[^']*+'|\"[^\"]*+\"))?+)*+)\s*+/?>"
)
_AUTOLINK = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*+)(?P<attrs>)>")
_DECLARATION = re.compile(
    r"<(?P<declaration>!(?i:ENTITY|ATTLIST|ELEMENT)\b|!(?i:DOCTYPE)[^>\[]*\[)"
)
# The `<` of an inline tag with attributes, an autolink or a declaration: the three patterns
# above as one lookahead (a plain `<b>` has nothing to judge and is skipped, as `_CANDIDATE`
# skips it in raw HTML).
_INLINE_LOOKAHEAD = "|".join(
    re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)[1:]  # unnamed, after the `<`
    for pattern in (_INLINE_TAG, _AUTOLINK, _DECLARATION)
)
_INLINE_CANDIDATE = re.compile(rf"<(?!/|[A-Za-z][A-Za-z0-9-]*+>)(?={_INLINE_LOOKAHEAD})")
_CONTAINERS = re.compile(r"(?:[ \t]*+(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*+[ \t]*+")
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
    "header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|"
    "param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
# HTML block starts 1-6 (spec 4.6; kind 7, a complete tag alone on its line, is tested apart).
# Kinds 1-5 end at a marker (`_BLOCK_END`, `</script>`), kinds 6 and 7 at a blank line.
_BLOCK_START = re.compile(
    r"(?i:<(?P<raw>script|pre|style|textarea)(?:[\s>]|$)|(?P<comment><!--)|(?P<pi><\?)"
    r"|(?P<cdata><!\[CDATA\[)|(?P<decl><![A-Za-z])"
    rf"|</?(?:{_BLOCK_NAMES})(?:\s|/?>|$))"
)
_BLOCK_END = {"comment": "-->", "pi": "?>", "cdata": "]]>", "decl": ">"}
_CLOSING_TAG = re.compile(r"</[A-Za-z][A-Za-z0-9-]*+\s*+>")


class HtmlBlocks:
    """The CommonMark HTML blocks of a text, whose lines a renderer passes on raw (so a
    browser tokenizes every tag in them). Lines are stripped of quote and list markers and
    any indentation first, which finds a block in a list item and errs towards raw HTML where
    the container rules are subtler. Computed when first asked: most texts have no tag to judge."""

    def __init__(self, text: str):
        self.text = text
        self.ranges: list[tuple[int, int]] | None = None

    def spans(self) -> list[tuple[int, int]]:
        """The blocks as (start, stop) offsets, in text order."""
        if self.ranges is None:
            self.ranges = self._find()
        return self.ranges

    def _find(self) -> list[tuple[int, int]]:
        text, ranges = self.text, []
        offset, end_marker, block_start = 0, "", -1
        while offset <= len(text):
            if block_start < 0:  # outside a block only a line with a `<` can start one
                bracket = text.find("<", offset)
                if bracket < 0:
                    break
                offset = text.rfind("\n", offset, bracket) + 1 or offset
            end = text.find("\n", offset)
            line = text[offset : end if end >= 0 else len(text)]
            stop = offset + len(line) + 1
            if block_start >= 0:  # inside a block: does this line end it?
                if (end_marker and end_marker in line.lower()) or (
                    not end_marker and not line.strip()
                ):
                    ranges.append((block_start, stop))
                    block_start = -1
                offset = stop
                continue
            if "<" in line:
                body = line[_CONTAINERS.match(line).end() :]  # type: ignore[union-attr]
                kind = _block_kind(body)
                if kind is not None:
                    end_marker = kind
                    block_start = offset
                    if end_marker and end_marker in body[1:]:  # ends on its first line
                        ranges.append((block_start, stop))
                        block_start = -1
            offset = stop
        if block_start >= 0:
            ranges.append((block_start, len(text) + 1))
        return ranges


def _block_kind(body: str) -> str | None:
    """The end marker of the HTML block `body` starts (`""` for one ending at a blank line),
    or None when it starts none."""
    if body[:1] != "<":
        return None
    match = _BLOCK_START.match(body)
    if match is not None:
        if match["raw"]:
            return f"</{match['raw'].lower()}>"
        return next((_BLOCK_END[kind] for kind in _BLOCK_END if match[kind]), "")
    tag = _INLINE_TAG.match(body) or _CLOSING_TAG.match(body)
    return "" if tag is not None and not body[tag.end() :].strip() else None


class CodeSpans:
    """Whether an offset lies in a backtick code span: an odd number of backticks before it on
    its line (a heuristic: digests have no fenced code, and their code spans stay on one line).

    Asked in increasing order, as the scans do, it reads the text once in all: a 5 MB line with
    100,000 tags costs no more than the line."""

    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.ticks = 0  # backticks between the current line's start and `position`

    def inside(self, offset: int) -> bool:
        if offset < self.position:  # not in order: start over
            self.position = self.ticks = 0
        newline = self.text.rfind("\n", self.position, offset)
        if newline >= 0:
            self.ticks = self.text.count("`", newline + 1, offset)
        else:
            self.ticks += self.text.count("`", self.position, offset)
        self.position = offset
        return self.ticks % 2 == 1
