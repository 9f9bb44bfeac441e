"""Diagnostics as data: one record type, one catalogue of stable codes, one exception.

Codes never change meaning once released; `docs/diagnostics.md` documents each one and a test
keeps that page and this catalogue in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How bad a finding is: errors lose or confuse data, warnings are tolerated variants."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue entry: the code's severity and a one-line summary (used by SARIF and docs).

    `layout_only`: the text this finding points at belongs to no field, so only faithful
    Markdown keeps it; canonical output (`digestkit fmt`) would drop it.
    """

    code: str
    severity: Severity
    summary: str
    layout_only: bool = False


_E, _W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("DK001", _E, "file is not UTF-8 text"),
        Rule("DK002", _E, "no digest heading `## Daily Papers (YYYY-MM-DD)` in the file"),
        Rule("DK003", _E, "input is not valid digestkit JSON or JSON Lines"),
        Rule("DK101", _W, "digest heading has no valid date"),
        Rule("DK104", _E, "digest heading's YYYY-MM-DD date is no calendar date"),
        Rule("DK102", _W, "digest date differs from the date in the file path"),
        Rule("DK103", _W, "digest section has no papers"),
        Rule("DK110", _W, "paper heading outside any digest section"),
        Rule("DK111", _E, "`###` heading is not a `### [Title](url)` paper link", layout_only=True),
        Rule("DK112", _W, "text the parser could not place", layout_only=True),
        Rule("DK113", _W, "duplicate paper: the same URL appears earlier in the document"),
        # The block-aware reader: what CommonMark's block structure hides (DK114-DK123)
        Rule("DK114", _W, "`###` paper heading inside a code block is not a paper"),
        Rule("DK115", _W, "`###` paper heading inside an HTML block or comment is not a paper"),
        Rule("DK116", _W, "`###` paper heading indented 4+ columns is code, not a paper"),
        Rule("DK117", _W, "`###` paper heading inside a blockquote or list item is not a paper"),
        Rule("DK118", _W, "`## Daily Papers` heading inside code, HTML or a container is not one"),
        Rule("DK119", _W, "`Vote:`, `Authors:` or media line inside code, HTML or a quote: unread"),
        Rule("DK120", _W, "code fence or HTML block never closed: it runs to the end of the text"),
        Rule("DK121", _W, "field line right after a summary line continues that line's text"),
        Rule("DK122", _W, "video file in an image tag `![](x.qt)`; read as the paper's video"),
        Rule("DK123", _W, "video linked with no text `[](x.mp4)`; read as the paper's video"),
        Rule("DK124", _W, "HTML tag in a summary that GitHub leaves out (`<think>`)"),
        Rule("DK125", _W, "`~` pair in a summary that GitHub strikes through (`6~12 ... 3~4`)"),
        Rule("DK201", _W, "paper has no thumbnail or video"),
        Rule("DK202", _W, "paper has no `Vote:` line"),
        Rule("DK203", _W, "paper has no authors"),
        Rule("DK204", _W, "paper has no summary bullets"),
        Rule("DK205", _W, "`Vote:` value is not a non-negative integer", layout_only=True),
        Rule("DK206", _W, "`Vote: -`: the vote count is unknown"),
        Rule("DK207", _E, "paper title is empty"),
        Rule("DK208", _W, "paper URL is not an arXiv or Hugging Face paper link"),
        Rule(
            "DK209",
            _W,
            "a media, Vote or Authors line repeats; the first one is kept",
            layout_only=True,
        ),
        Rule("DK210", _W, "a media, Vote or Authors line comes after the summary started"),
        Rule(
            "DK211", _W, "video link and embedded video point at different URLs", layout_only=True
        ),
        Rule("DK212", _W, "embedded HTML has no video, iframe or image source", layout_only=True),
        Rule("DK213", _W, "`Authors:` list literal is malformed; split on commas instead"),
        Rule(
            "DK220", _E, "active HTML element (`<script>`, `<object>`, `<base>`, ...) in the text"
        ),
        Rule("DK221", _E, "event-handler attribute (`onerror=`, `onload=`, ...) in embedded HTML"),
        Rule("DK222", _E, "`javascript:`, `vbscript:` or `data:` URL in a link, media or HTML"),
        Rule("DK223", _E, "DTD or entity declaration in embedded HTML (never expanded)"),
        Rule("DK224", _E, "a lone surrogate (U+D800-U+DFFF) in the text: replaced with U+FFFD"),
        Rule("DK301", _W, "summary label markers are unbalanced"),
        Rule("DK401", _W, "control character in text"),
        # Hugging Face Daily Papers JSON (`formats.hf_json.daily_papers.read_daily_papers`,
        # `--from hf-json`)
        Rule("DK501", _E, "HF entry is not an object with a `paper` object; entry skipped"),
        Rule("DK502", _E, "HF entry has no usable `paper.id`; entry skipped"),
        Rule("DK503", _W, "HF `paper.id` is not an arXiv id"),
        Rule("DK504", _E, "HF entry has no title"),
        Rule("DK505", _W, "HF `paper.upvotes` is missing or not a non-negative integer"),
        Rule("DK506", _W, "HF entry has no authors"),
        Rule("DK507", _W, "HF author has no usable `name`; author skipped"),
        Rule("DK508", _W, "HF entry has no `thumbnail`, `mediaUrls` or `mediaUrl`"),
        Rule("DK509", _W, "HF entry has no abstract (`paper.summary`)"),
        Rule("DK510", _W, "HF entry has no date (`paper.submittedOnDailyAt`, `publishedAt`)"),
        Rule("DK511", _W, "HF entries are featured on several days: one digest per day"),
        Rule("DK512", _E, "HF entries give no digest date: pass one"),
        Rule("DK513", _W, "HF JSON has no entries"),
        Rule("DK514", _W, "HF `paper.id` repeats an earlier entry"),
        Rule("DK515", _W, "HF field has the wrong type and is ignored"),
        Rule("DK516", _E, "HF JSON string holds an escaped lone surrogate (read as U+FFFD)"),
        Rule("DK517", _W, "HF `paper.submittedOnDailyAt` is not the day in the file name"),
        Rule("DK518", _W, "HF entries dated by `publishedAt`, which is not the day queried"),
        Rule("DK519", _E, "HF entries are strings holding objects, not objects; skipped"),
    )
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding at a 1-based `line:col`; `path` is set when the text came from a file."""

    code: str
    message: str
    line: int
    col: int = 1
    path: str | None = None

    @property
    def severity(self) -> Severity:
        """The code's severity in the catalogue (`RULES`)."""
        return RULES[self.code].severity

    @property
    def is_error(self) -> bool:
        """True for severity error: the input lost or confused data."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:" if self.path else ""
        return f"{where}{self.line}:{self.col}: {self.code} {self.message}"


def invalid_json(message: str, line: int = 1, col: int = 1) -> DigestError:
    """The error for JSON / JSON Lines input that does not read back as a document (DK003)."""
    return DigestError([Diagnostic("DK003", message, line, col)])


class DigestkitError(Exception):
    """Base of every exception digestkit raises on purpose."""


class DigestError(DigestkitError, ValueError):
    """The input is not a readable digest (strict mode, undecodable bytes, invalid JSON).

    `diagnostics` holds every finding, so a caller can report them all at once; the message
    names the first error.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error] or list(self.diagnostics)
        text = str(errors[0]) if errors else "not a readable digest"
        if len(errors) > 1:
            text += f" (and {len(errors) - 1} more errors)"
        super().__init__(text)


class FormatError(DigestkitError, ValueError):
    """An unknown output format, or options that the chosen format does not take."""
