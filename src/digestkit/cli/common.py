"""What the command modules share: error lines, input reading and the exceptions that steer
a run. Like `cli.app`, it imports the library only inside functions, for start-up time."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import DigestDocument
    from .files import Input


class UsageError(Exception):
    """A mistake in the command line itself: reported by argparse with exit code 2."""


class BadInput(Exception):
    """One input cannot be used; the message is the reason, the caller names the file."""


class Abort(Exception):
    """`--fail-fast`: stop at the first failed input and leave the output untouched."""


def error(message: str) -> None:
    """One line on stderr; `tqdm.write` keeps it clear of a progress bar when one is shown.
    Control characters from file names and contents are escaped (see `report.printable`)."""
    from ..report import printable

    line = f"digestkit: error: {printable(message)}"
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None:
        tqdm.tqdm.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)


def note(message: str) -> None:
    """A line about the run on stderr (`reformatted PATH`, a summary): what `-q` silences.
    Control characters are escaped as in `error`."""
    from ..report import printable

    line = printable(message)
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None:
        tqdm.tqdm.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)


def describe(exc: BaseException) -> str:
    """The reason part of an error line, without a traceback's noise."""
    from ..diagnostics import DigestError

    if isinstance(exc, DigestError) and exc.diagnostics:
        first = exc.diagnostics[0]
        return f"{first.message} ({first.code}, line {first.line}, column {first.col})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (invalid byte 0x{exc.object[exc.start]:02x})"
    return str(exc) or type(exc).__name__


def whole_file_problem(document: DigestDocument) -> str | None:
    """Why the file as a whole is not a digest (empty, no digest heading), if it is not."""
    for diagnostic in document.errors:
        if diagnostic.code == "DK002":
            return diagnostic.message
    return None


def read_bytes(item: Input) -> bytes:
    from .files import read_bytes as read

    try:
        return read(item)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise BadInput(describe(exc)) from None


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
