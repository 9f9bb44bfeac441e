"""`digestkit fmt`: rewrite digests in canonical form, verified to read back as the same data."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ._cli_common import (
    BadInput,
    describe,
    error,
    plural,
    read_bytes,
    whole_file_problem,
)

if TYPE_CHECKING:
    from .models import DigestDocument


def cmd_fmt(args: argparse.Namespace) -> int:
    from . import _files
    from .api import parse, parse_bytes
    from .diagnostics import DigestError
    from .writers.markdown import canonical

    failed = changed = unchanged = 0
    for item in _files.expand(args.paths):
        try:
            if item.error:
                raise BadInput(item.error)
            data = read_bytes(item)
            document = parse_bytes(data, path=item.name)
            refuse_unformattable(document)
            text = encode_like(canonical(document), data, args.newline, args.bom)
            if parse(text) != document:
                raise BadInput(
                    "not reformatted: the canonical form would not read back as the "
                    "same data (please report this as a digestkit bug)"
                )
        except (BadInput, DigestError) as exc:
            error(f"{item.name}: {describe(exc)}")
            failed += 1
            continue
        new = text.encode("utf-8")
        if item.is_stdin and not (args.check or args.diff):
            sys.stdout.flush()
            sys.stdout.buffer.write(new)
            continue
        if new == data:
            unchanged += 1
            continue
        changed += 1
        if args.diff:
            sys.stdout.write(unified_diff(data.decode("utf-8"), text, item.name))
        if args.check:
            print(f"would reformat {item.name}", file=sys.stderr)
        if not (args.check or args.diff):
            assert item.path is not None
            try:
                with _files.atomic_output(item.path) as stream:
                    stream.write(text)
            except BrokenPipeError:
                raise
            except OSError as exc:
                error(f"{item.name}: {describe(exc)}")
                failed += 1
                changed -= 1
    dry = args.check or args.diff
    if changed or unchanged:
        verb = "would be reformatted" if dry else "reformatted"
        print(f"{plural(changed, 'file')} {verb}, {unchanged} already formatted", file=sys.stderr)
    return 1 if failed or (dry and changed) else 0


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


def refuse_unformattable(document: DigestDocument) -> None:
    """Errors, and warnings about text only the layout keeps, would be lost by reformatting."""
    from .diagnostics import RULES

    problem = whole_file_problem(document)
    if problem:
        raise BadInput(problem)
    for diagnostic in document.diagnostics:
        if diagnostic.is_error or RULES[diagnostic.code].layout_only:
            raise BadInput(
                f"not reformatted: line {diagnostic.line}: {diagnostic.message} "
                f"({diagnostic.code}); the canonical form cannot keep it, so fix it first"
            )


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
