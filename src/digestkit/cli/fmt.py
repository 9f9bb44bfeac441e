"""`digestkit fmt`: rewrite digests in canonical form, verified to read back as the same data."""

from __future__ import annotations

import argparse
import functools
import itertools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from .common import (
    BadInput,
    describe,
    error,
    note,
    plural,
    read_bytes,
    whole_file_problem,
)

if TYPE_CHECKING:
    from ..models import DigestDocument
    from .files import Input


def cmd_fmt(args: argparse.Namespace) -> int:
    from . import files as _files
    from . import jobs as _jobs

    failed = changed = unchanged = 0
    items = _files.expand(args.paths)
    job = functools.partial(reformat, newline=args.newline, bom=args.bom, diff=args.diff)
    outcomes = _jobs.map_inputs(job, items, _jobs.count(args.jobs, items))
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome.problem is not None:
            error(f"{item.name}: {outcome.problem}")
            failed += 1
            continue
        if item.is_stdin and not (args.check or args.diff):
            assert outcome.text is not None
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.text.encode("utf-8"))
            continue
        if not outcome.changed:
            unchanged += 1
            continue
        changed += 1
        if args.diff:
            assert outcome.diff is not None
            sys.stdout.write(outcome.diff)
        if not (args.check or args.diff):
            assert item.path is not None and outcome.text is not None
            try:
                with _files.atomic_output(item.path) as stream:
                    stream.write(outcome.text)
            except BrokenPipeError:
                raise
            except OSError as exc:
                error(f"{item.name}: {describe(exc)}")
                failed += 1
                changed -= 1
                continue
        if not args.quiet:
            note(f"{'would reformat' if args.check or args.diff else 'reformatted'} {item.name}")
    dry = args.check or args.diff
    if (changed or unchanged) and not args.quiet:  # a lone failure stays one line
        note(summary(changed, unchanged, failed, dry))
    return 1 if failed or (dry and changed) else 0


class Reformatted(NamedTuple):
    """What formatting one input gives: the reason it was refused, or whether it changes, the
    canonical text (when it changes, or for standard input) and the diff (with `--diff`)."""

    problem: str | None
    changed: bool = False
    text: str | None = None
    diff: str | None = None


def reformat(item: Input, newline: str, bom: str, diff: bool) -> Reformatted:
    """Format one input without writing anything (a worker process's part under `--jobs`)."""
    from ..api import parse_bytes
    from ..diagnostics import DigestError

    try:
        if item.error:
            raise BadInput(item.error)
        data = read_bytes(item)
        document = parse_bytes(data, path=item.name)
        finish = functools.partial(encode_like, data=data, newline=newline, bom=bom)
        text = canonical_text(document, finish)
    except (BadInput, DigestError) as exc:
        return Reformatted(describe(exc))
    changed = text.encode("utf-8") != data
    if not (changed or item.is_stdin):
        return Reformatted(None)
    shown = unified_diff(data.decode("utf-8"), text, item.name) if diff and changed else None
    return Reformatted(None, changed, text, shown)


def summary(changed: int, unchanged: int, failed: int, dry: bool) -> str:
    """black's closing line: `2 files reformatted, 1 file left unchanged, 1 file failed to
    reformat` (`would be ...` for --check and --diff); parts that are zero are left out, as
    black does, unless nothing at all happened."""
    would = "would be " if dry else ""
    parts = []
    if changed:
        parts.append(f"{plural(changed, 'file')} {would}reformatted")
    if unchanged:
        parts.append(f"{plural(unchanged, 'file')} {would}left unchanged")
    if failed:
        parts.append(f"{plural(failed, 'file')} {'would fail' if dry else 'failed'} to reformat")
    return ", ".join(parts)


def encode_like(text: str, data: bytes, newline: str = "keep", bom: str = "keep") -> str:
    """The canonical text (LF, no BOM) in the source's line endings and BOM, unless asked
    otherwise. `keep` takes the style of the source's first line break, as black does."""
    first_break = data.find(b"\n")
    keeps_crlf = first_break > 0 and data[first_break - 1] == 0x0D
    if newline == "crlf" or (newline == "keep" and keeps_crlf):
        text = text.replace("\n", "\r\n")
    # canonical() itself writes a BOM when the preamble starts with U+FEFF; that one stays.
    had_bom = data.startswith(b"\xef\xbb\xbf")
    if (bom == "add" or (bom == "keep" and had_bom)) and not text.startswith("\ufeff"):
        text = "\ufeff" + text
    elif bom == "remove" and text.startswith("\ufeff") and not text.startswith("\ufeff\ufeff"):
        text = text[1:]
    return text


def canonical_text(
    document: DigestDocument,
    finish: Callable[[str], str] | None = None,
    refusal: str = "not reformatted",
    layout: bool = True,
) -> str:
    """The canonical Markdown of `document` (passed through `finish`, which sets line endings
    and BOM), refused with `BadInput` when it would lose or change data.

    The one rule for `fmt` and `convert --to md --canonical`: text only the layout keeps, and
    errors, are refused with every line that has them; then the output must read back as the
    same data, or the papers whose values would change are named with their lines.
    `layout=False` skips the first check, for documents that were not read from Markdown.
    """
    from ..api import parse
    from ..formats.markdown import canonical

    if layout:
        refuse_unformattable(document, refusal)
    text = canonical(document)
    if finish is not None:
        text = finish(text)
    again = parse(text)
    if again != document:
        raise BadInput(
            f"{refusal}: {changed_parts(document, again)} would read back as other data in "
            "the canonical form, which cannot hold it as it is (a stray CR, for one)"
        )
    return text


def refuse_unformattable(document: DigestDocument, refusal: str = "not reformatted") -> None:
    """Errors, and warnings about text only the layout keeps, would be lost by reformatting."""
    from ..diagnostics import RULES

    problem = whole_file_problem(document)
    if problem:
        raise BadInput(problem)
    lost = [d for d in document.diagnostics if d.is_error or RULES[d.code].layout_only]
    if lost:
        them = "it" if len(lost) == 1 else "them"
        shown = "; ".join(f"line {d.line}: {d.message} ({d.code})" for d in lost[:3])
        if len(lost) > 3:  # one line still: the first few in full, then where the rest are
            rest = [str(d.line) for d in lost[3:]]
            more = ", ".join(rest[:20]) + (", ..." if len(rest) > 20 else "")
            shown += f"; and {len(rest)} more, at lines {more}"
        raise BadInput(
            f"{refusal}: {shown}; the canonical form cannot keep {them}, so fix {them} first"
        )


def changed_parts(before: DigestDocument, after: DigestDocument) -> str:
    """Where two readings of a document differ: the papers (with their heading lines in
    `before`), else the digest or the text around them."""
    places: list[str] = []
    for digest, other in itertools.zip_longest(before.digests, after.digests):
        if digest is None or other is None or digest == other:
            continue
        for paper, again in itertools.zip_longest(digest.papers, other.papers):
            if paper is not None and paper != again:
                where = f"line {paper.line}" if paper.line else repr(paper.title)
                places.append(f"the paper at {where}")
        if not places:
            places.append(f"the digest of {digest.date or 'no date'}")
    if not places:
        places.append("the text around the digests")
    return ", ".join(places)


def unified_diff(before: str, after: str, name: str) -> str:
    """A unified diff that splits on `\\n` only (form feeds stay inside their line)."""
    import difflib

    lines = difflib.unified_diff(keep_ends(before), keep_ends(after), name, name)
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def keep_ends(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines
