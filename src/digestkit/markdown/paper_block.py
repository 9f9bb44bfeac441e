"""Read the lines of one paper block (heading to next heading) into field values and chunks.

Meta lines (media, Vote, Authors) are accepted in any order; summary items follow CommonMark's
list-item continuation (indented lines, and lazy lines right after an item), with one digest
convention: a non-indented ordered-list line right after an item also continues it, as the
generator meant (`… 구성됩니다:` followed by `1) …`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

from ..diagnostics import Diagnostic
from ..models import SummaryItem, label_valid, parsed_items
from . import fields, shaped, summary_markup
from .active import script_scheme
from .labels import CANONICAL_LABEL, split_label
from .layout import Role, Spans
from .shaped import STOP_KINDS

META_KINDS = frozenset({"image", "watch", "emptylink", "html", "htmlblock", "vote", "authors"})
_CONTINUATION_KINDS = frozenset({"text", "indented", "nested", "ordered"})
_INDENTED = frozenset({"indented", "nested"})
_LAZY_KINDS = META_KINDS - {"htmlblock"}
"""Field lines that, right after a summary line, CommonMark reads as more of its text."""
_BLOCK_TEXT = {
    "code": "code block",
    "quote": "blockquote",
    "htmlcont": "HTML block",
    "thematic": "thematic break",
    "underline": "setext underline",
    "comment": "HTML comment",
}
"""Lines of blocks the block pass settled, kept verbatim and reported like any unplaced line
(canonical output leaves them out, so `fmt` refuses the file)."""

PLAIN_BULLET = re.compile(r"- (?![ \t])(?:(\*\*\*?)([^*\s](?:[^*\n]*[^*\s])?)\1:[ \t]*)?")
"""`- text` or `- ***Label***: text` (`CANONICAL_LABEL` after the marker)."""


class PaperBlock:
    """Accumulates one paper: `consume` reads its lines, `close` gives the values to validate."""

    def __init__(
        self,
        lines: list[str],
        kinds: list[str],
        start: int,
        heading: fields.Heading,
        report: list[Diagnostic],
        path: str | None,
        line_codes: str = "",
    ):
        """`lines` are content lines (no `\\r`); indices are 0-based line numbers; `line_codes`
        is `codes(kinds)`, shared by the document's blocks."""
        self.lines, self.kinds, self.start = lines, kinds, start
        self.report, self.path = report, path
        self.values: dict[str, Any] = {
            "title": heading.title,
            "url": heading.url,
            "media": None,
            "votes": None,
            "authors": [],
            "summary": [],
        }
        self.chunks: list[list[Any]] = [["heading", start, start + 1]]
        self.seen: set[str] = set()
        self.items: list[list[str | None]] = []  # per summary item: label, then its text lines
        self.odd: set[int] = set()  # items whose label mistune read: pydantic checks those
        self.shape: tuple[int, ...] | None = None  # `_BLOCK`'s run lengths, while it holds
        self.codes = line_codes
        self.item_open = False
        self.lazy = False  # whether a lazy line would continue the open item's paragraph
        self.blanks: list[int] = []  # blank lines whose role depends on what follows
        self.markup = True  # whether an item may hold `<` or `~` (DK124, DK125)

    # -- diagnostics -------------------------------------------------------------------------
    def _warn(self, code: str, message: str, index: int, col: int = 1) -> None:
        self.report.append(Diagnostic(code, message, index + 1, col, self.path))

    # -- chunks ------------------------------------------------------------------------------
    def _chunk(self, role: Role, start: int, stop: int) -> None:
        last = self.chunks[-1]
        if role in ("gap", "summary") and last[0] == role and last[2] == start:
            last[2] = stop
        else:
            self.chunks.append([role, start, stop])

    def _settle_blanks(self, role: Role) -> None:
        if self.blanks:
            self._chunk(role, self.blanks[0], self.blanks[-1] + 1)
            self.blanks.clear()

    # -- lines -------------------------------------------------------------------------------
    def consume(self, index: int) -> int:
        """Read lines from `index` up to the next heading; return the index of that heading.

        The per-line work is inlined here: this loop runs for 9 of every 10 corpus lines.
        """
        kinds, lines, n, blanks = self.kinds, self.lines, len(self.kinds), self.blanks
        while index < n:
            kind = kinds[index]
            if kind == "blank":
                blanks.append(index)
                index += 1
            elif kind == "bullet":
                if blanks:
                    self._settle_blanks("summary" if self.items else "gap")
                self._bullet(index, lines[index])
                index += 1
            elif kind in META_KINDS and not (self.lazy and not blanks and kind in _LAZY_KINDS):
                index = self._meta(index, kind)
            elif kind in STOP_KINDS:
                return index
            elif (
                self.item_open and kind in _CONTINUATION_KINDS and (not blanks or kind in _INDENTED)
            ):
                self._continue_item(index)
                self.lazy = kind != "nested"
                index += 1
            elif kind in META_KINDS:  # lazy: right after a summary line, it is more of its text
                self._warn(
                    "DK121",
                    "field line right after a summary bullet continues its text; "
                    "put a blank line before it",
                    index,
                )
                self._continue_item(index)
                index += 1
            elif kind in _BLOCK_TEXT:
                if lines[index].strip(" \t"):
                    self.unplaced(index, f"{_BLOCK_TEXT[kind]} outside the summary list")
                else:
                    self.keep_verbatim(index)
                index += 1
            else:
                self.unplaced(index, "text outside the summary list")
                index += 1
        return index

    def read_whole(self, match: re.Match[str], shape: re.Match[str]) -> None:
        """Read a block `one_step` matched in one step: the state it leaves is what `consume`
        would leave line by line (values, trailing blank lines pending, the last item open;
        chunks built from `shape` when needed, `_unshape`)."""
        lines, start = self.lines, self.start
        image, vote, authors = shape.end(1), shape.end(2), shape.end(3)
        values = self.values
        values["media"] = {"kind": "image", "url": match[3]}
        values["votes"] = int(match[4])  # what `fields.vote` reads from 1-18 ASCII digits
        values["authors"] = self._authors(authors, lines[authors])
        self.seen.update(("media", "vote", "authors"))
        first, last = shape.span(5)
        joined = "\n".join(lines[first:last])
        self.markup = "<" in joined or "~" in joined  # labels too: a superset of the item texts
        bullets = shaped.ITEMS.findall(joined)
        if len(bullets) == self.codes.count("-", first, last):  # every bullet is a plain one
            self.items = [[label or None, text] for _, label, text in bullets]
        else:
            self._bullets(first, last)
        self.item_open = self.lazy = True
        stop = shape.end()
        self.blanks.extend(range(last, stop))
        self.shape = (image - start - 1, vote - image - 1, authors - vote - 1)
        self.shape += (first - authors - 1, last - first)
        self.chunks = []

    def _bullets(self, first: int, last: int) -> None:
        """The items of a one-step block's bullets, one line at a time."""
        lines, codes, items = self.lines, self.codes, self.items
        for index in range(first, last):
            if codes[index] == "-":
                line = lines[index]
                bullet = PLAIN_BULLET.match(line)
                text = line[bullet.end() :] if bullet else ""
                if bullet is None or (bullet[2] is None and text[:1] in ("*", "_")):
                    items.append(self._item(index, line))
                else:
                    items.append([bullet[2], text])

    def _unshape(self) -> None:
        """The chunks of a block `_whole` read, for a line that follows it in the block."""
        if self.shape is not None:
            spans, start = self._shape_spans(0), self.start
            self.chunks = [[role, start + a, start + b] for role, a, b in spans]
            self.shape = None
            self.markup = True  # lines read after it may add items or text

    def _shape_spans(self, trailing: int) -> Spans:
        assert self.shape is not None
        return shaped.spans((*self.shape, trailing))

    def keep_verbatim(self, index: int) -> None:
        """Append a line that belongs to no field (an orphan heading's block) as it is."""
        self._unshape()
        self._settle_blanks("gap")
        self.item_open = self.lazy = False
        self.chunks.append(["gap", index, index + 1])

    def unplaced(self, index: int, why: str) -> None:
        """Keep a line the paper cannot use verbatim, and say so."""
        self.keep_verbatim(index)
        self._warn("DK112", f"{why}: `{self.lines[index][:60]}`", index)

    def _meta(self, index: int, kind: str) -> int:
        """A media, Vote or Authors line: the first of each kind is the paper's; later ones are
        kept verbatim with a warning."""
        line = self.lines[index]
        if line[:1] == " ":
            line = line.lstrip(" ")  # a block start indented 1-3 spaces
        stop = index + 1
        value: Any
        if kind == "vote":
            role: Role = "vote"
            value = self._vote(index, line)
        elif kind == "authors":
            role = "authors"
            value = self._authors(index, line)
        else:
            role = "media"
            value, stop = self._media(index, line, kind)
            if value is None:
                return stop
        if role in self.seen:
            self._settle_blanks("gap")
            self.item_open = self.lazy = False  # a field line ends the summary item, kept or not
            self.chunks.append(["gap", index, stop])
            self._warn("DK209", f"second {role} line; the first one is kept", index)
            return stop
        if self.items:
            self._warn("DK210", f"{role} line after the summary bullets", index)
            self.item_open = self.lazy = False
        self.seen.add(role)
        blanks = self.blanks
        if blanks:  # _settle_blanks("gap"), inlined for the common case
            self.chunks.append(["gap", blanks[0], blanks[-1] + 1])
            blanks.clear()
        self.chunks.append([role, index, stop])
        self.values["votes" if role == "vote" else role] = value
        return stop

    def _authors(self, index: int, line: str) -> list[str]:
        names, malformed = fields.authors(line)
        if "\\" in line and line.isprintable():  # escapes may decode to controls
            self._decoded_controls(index, names)
        if malformed:
            self._warn(
                "DK213", "`Authors:` list literal does not parse; split on commas", index, 10
            )
        return names

    def _decoded_controls(self, index: int, names: list[str]) -> None:
        """DK401 for a control character that an escape in a list literal decoded
        (`['\\x00']`): the raw-text scan cannot see it, and `fmt` writes it escaped again."""
        for name in names:
            control = next((char for char in name if not char.isprintable()), None)
            if control is not None and unicodedata.category(control) == "Cc":
                self._warn(
                    "DK401", f"control character U+{ord(control):04X} in an author name", index
                )
                return

    def _vote(self, index: int, line: str) -> int | None:
        votes, raw = fields.vote(line)
        if votes is None:
            col = len(line) - len(line[len("Vote:") :].lstrip(" \t")) + 1  # the value's column
            if raw == "-":
                self._warn("DK206", "`Vote: -` gives no count; votes is None", index, col)
            else:
                self._warn("DK205", f"`Vote: {raw}` is not a non-negative integer", index, col)
        return votes

    def _media(self, index: int, line: str, kind: str) -> tuple[dict[str, str] | None, int]:
        if kind == "image":
            url = fields.image_url(line)
            if url is None:
                self.unplaced(index, "image without a usable URL")
                return None, index + 1
            if fields.is_video_file(url):  # the generator routed only `.mp4` to its template
                self._warn("DK122", "video file in an image tag; read as the paper's video", index)
                return {"kind": "video", "url": url}, index + 1
            return {"kind": "image", "url": url}, index + 1
        if kind == "emptylink":
            url = fields.empty_link_url(line)
            if url is None or not fields.is_video_file(url):
                self.unplaced(index, "link with no text")
                return None, index + 1
            self._warn("DK123", "video linked with no text `[](…)`; read as the video", index)
            return {"kind": "video", "url": url}, index + 1
        if kind == "watch":
            url = fields.watch_url(line)
            if url is None:
                self.unplaced(index, "`[Watch Video]` without a URL")
                return None, index + 1
            if line[13:14] != "(" and (scheme := script_scheme(url)):  # the bare form
                self._warn("DK222", f"`{scheme}` media URL", index)
            stop = index + 1
            kinds = self.kinds
            if stop < len(kinds) and kinds[stop] in ("html", "htmlblock"):
                embed_start, stop = stop, self._html_stop(stop)
                embed = fields.html_media("\n".join(self.lines[embed_start:stop]))
                if embed is not None and embed.url != url:
                    self._warn("DK211", f"video link {url} but embed {embed.url}", embed_start)
            return {"kind": "video", "url": url}, stop
        stop = self._html_stop(index)
        found = fields.html_media("\n".join(self.lines[index:stop]))
        if found is None:
            self._settle_blanks("gap")
            self._chunk("gap", index, stop)
            self._warn("DK212", "HTML block has no video, iframe or image source", index)
            return None, stop
        return {"kind": found.kind, "url": found.url}, stop

    def _html_stop(self, index: int) -> int:
        """Where the HTML starting at `index` ends: an HTML block at the end the block pass
        found, inline HTML with its paragraph (the next blank or structural line)."""
        kinds, stop = self.kinds, index + 1
        if kinds[index] == "htmlblock":  # to its end, or its first blank line: after that
            # the block's lines (a `<pre>` or comment's) are reported one by one
            while stop < len(kinds) and kinds[stop] == "htmlcont" and self.lines[stop].strip():
                stop += 1
            return stop
        while stop < len(kinds) and kinds[stop] in ("html", "indented", "text"):
            stop += 1
        return stop

    def _bullet(self, index: int, line: str) -> None:
        self.items.append(self._item(index, line))
        self.item_open = self.lazy = True
        last = self.chunks[-1]
        if last[0] == "summary" and last[2] == index:  # the common case, inlined
            last[2] = index + 1
        else:
            self.chunks.append(["summary", index, index + 1])

    def _item(self, index: int, line: str) -> list[str | None]:
        """A bullet line's [label, text]."""
        # The text starts after the marker and its spaces (CommonMark); `- x`, the usual case,
        # takes a single slice.
        if line[1:2] == " " and line[2:3] not in (" ", "\t"):
            text = line[2:]
        else:
            text = line[1:].lstrip(" \t")
        label = None
        if text and (text[0] == "*" or text[0] == "_"):
            match = CANONICAL_LABEL.match(text)  # split_label's fast path, inlined
            if match:
                label, text = match.group(2), text[match.end() :]
            else:
                label, text, balanced = split_label(text)
                self.odd.add(len(self.items))
                if not balanced:
                    self._warn("DK301", f"label `{label}` has unbalanced `*` markers", index, 3)
        return [label, text]

    def _continue_item(self, index: int) -> None:
        text = self.items[-1]
        for blank in self.blanks:
            text.append(_dedent(self.lines[blank]))
        self._settle_blanks("summary")
        text.append(_dedent(self.lines[index]))
        self._chunk("summary", index, index + 1)

    # -- result ------------------------------------------------------------------------------
    def close(self) -> dict[str, Any]:
        """Finish the block: the paper's values as a dict ready for model validation (summary
        items already built, but those whose label mistune read)."""
        if self.shape is None:
            self._settle_blanks("gap")
        values, heading = self.values, self.start
        summary: list[SummaryItem | dict[str, Any]] = [*parsed_items(self.items)]
        # A label mistune read is checked here, and by pydantic if this check refuses it.
        self.odd = {odd for odd in self.odd if not label_valid(self.items[odd][0])}
        for odd in self.odd:
            summary[odd] = {"label": self.items[odd][0], "text": summary[odd].text}  # type: ignore[union-attr]
        values["summary"] = summary
        for number, entry in enumerate(summary if self.markup else ()):
            text = entry["text"] if isinstance(entry, dict) else entry.text
            # Rare (4 corpus items in 1,000); items past 5,000 characters (the corpus's longest
            # has 1,279) are not checked, so a pathological item costs no extra scans.
            if ("<" in text or "~" in text) and len(text) <= 5_000:
                self._github_markup(number, text)
        if "media" not in self.seen:
            self._warn("DK201", "paper has no thumbnail or video", heading)
        if "vote" not in self.seen:
            self._warn("DK202", "paper has no `Vote:` line", heading)
        if not values["authors"]:
            self._warn("DK203", "paper has no authors", heading)
        if not self.items:
            self._warn("DK204", "paper has no summary bullets", heading)
        if not values["title"]:
            self._warn("DK207", "paper title is empty", heading, 5)
        return values

    def _github_markup(self, number: int, text: str) -> None:
        """DK124 and DK125 at the item's bullet line: summary Markdown that GitHub shows other
        than as its characters (a tag it leaves out, a `~` pair it strikes through)."""
        tag, struck = summary_markup.hidden_tag(text), summary_markup.struck_through(text)
        if tag is None and struck is None:
            return
        chunks: Any = self.chunks
        if self.shape is not None:  # read in one step: the chunks are its shape's
            chunks = [(role, self.start + a, self.start + b) for role, a, b in self._shape_spans(0)]
        bullets = (
            index
            for role, start, stop in chunks
            if role == "summary"
            for index in range(start, stop)
            if self.kinds[index] == "bullet"
        )
        index = next(itertools.islice(bullets, number, None))
        if tag is not None:
            self._warn(
                "DK124", f"GitHub leaves the HTML tag `{tag[:40]}` out; write `\\{tag[:40]}`", index
            )
        if struck is not None:
            self._warn(
                "DK125", f"GitHub strikes `{struck[:40]}` through between `~`; write `\\~`", index
            )

    def spans(self) -> Spans:
        """The chunks relative to the heading line, once closed."""
        if self.shape is not None:
            blanks = self.blanks
            return self._shape_spans(blanks[-1] + 1 - blanks[0] if blanks else 0)
        start = self.start
        return tuple([(role, a - start, b - start) for role, a, b in self.chunks])


def _dedent(line: str) -> str:
    """Continuation lines lose the two columns of the `- ` marker, as CommonMark reads them."""
    return line[2:] if line.startswith("  ") else line
