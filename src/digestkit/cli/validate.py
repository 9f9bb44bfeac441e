"""`digestkit validate`: diagnostics of every input in one report, exit code for CI."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from .common import BadInput, UsageError, describe, error, plural, read_bytes

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from .files import Input


def selected_codes(values: list[str] | None) -> tuple[str, ...] | None:
    """Codes or code prefixes from repeatable, comma-separated `--select`/`--ignore` values."""
    if not values:
        return None
    from ..diagnostics import RULES

    codes = tuple(
        code.strip().upper() for value in values for code in value.split(",") if code.strip()
    )
    for code in codes:
        if not any(known.startswith(code) for known in RULES):
            raise UsageError(f"unknown diagnostic code {code!r} (see docs/diagnostics.md)")
    return codes


def cmd_validate(args: argparse.Namespace) -> int:
    from ..report import FORMATS
    from . import files as _files
    from . import jobs as _jobs

    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    select, ignore = selected_codes(args.select), selected_codes(args.ignore)
    found: list[Diagnostic] = []
    unreadable = checked = 0
    hf_json = args.source_format == "hf-json"
    items = _files.expand(args.paths, [".json"] if hf_json else [".md"])
    job = functools.partial(check, hf_json=hf_json, select=select, ignore=ignore)
    for item, (diagnostics, problem) in zip(
        items, _jobs.map_inputs(job, items, _jobs.count(args.jobs, items)), strict=True
    ):
        if problem is not None:
            error(f"{item.name}: {problem}")
            unreadable += 1
            continue
        checked += 1
        found.extend(diagnostics)
    sys.stdout.write(FORMATS[fmt](found))
    errors = sum(1 for d in found if d.is_error)
    warnings = len(found) - errors
    if fmt in ("text", "github") and not args.quiet:
        summary = (
            f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(checked, 'file')}"
        )
        if unreadable:
            summary += f"; {plural(unreadable, 'file')} could not be read"
        print(summary, file=sys.stderr)
    failed = unreadable or errors or (args.strict and warnings)
    return 1 if failed else 0


def check(
    item: Input,
    hf_json: bool,
    select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
) -> tuple[list[Diagnostic], str | None]:
    """One input's wanted diagnostics, or why it could not be read. Runs in a worker process
    under `--jobs`; a large Markdown file is read digest by digest (`iterparse`)."""
    from ..diagnostics import DigestError

    try:
        if item.error:
            raise BadInput(item.error)
        if hf_json:
            from ..formats.hf_json.daily_papers import read_daily_papers

            data = read_bytes(item)
            diagnostics = read_daily_papers(data, path=item.name).diagnostics
        elif item.path is not None:
            from ..markdown.stream import iterparse

            try:
                diagnostics = [d for part in iterparse(item.path) for d in part.diagnostics]
            except OSError as exc:
                raise BadInput(describe(exc)) from None
        else:
            from ..api import parse_bytes

            diagnostics = parse_bytes(read_bytes(item), path=item.name).diagnostics
    except BadInput as exc:
        return [], str(exc)
    except DigestError as exc:  # not UTF-8, binary, invalid JSON: still a finding
        diagnostics = [replace(d, path=d.path or item.name) for d in exc.diagnostics]
    return [d for d in diagnostics if wanted(d.code, select, ignore)], None


def wanted(code: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> bool:
    if select is not None and not code.startswith(select):
        return False
    return ignore is None or not code.startswith(ignore)
