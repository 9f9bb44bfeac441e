"""The `digestkit` command line: argparse wiring only; the work lives in the library.

Start-up time matters (`validate` runs in pre-commit hooks), so this module imports argparse and
little else: each command imports what it needs when it runs. Exit codes: 0 success, 1 a file
failed or has errors, 2 usage error, 130 interrupted, 141 output pipe closed (`| head`), 128+N
ended by signal N (SIGHUP 129, SIGTERM 143), after removing any temporary output.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from .._version import __version__

if TYPE_CHECKING:
    pass

Handler = Callable[[argparse.Namespace], int]


# -- schema, example ---------------------------------------------------------------------------
def cmd_schema(args: argparse.Namespace) -> int:
    from ..schema import schema_text

    sys.stdout.write(schema_text())
    return 0


def cmd_example(args: argparse.Namespace) -> int:
    from importlib.resources import files

    data = (files("digestkit") / "examples" / "daily-papers.md").read_bytes()
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    return 0


# -- the parser --------------------------------------------------------------------------------
class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def add_command(commands: Any, name: str, handler: str, **texts: str) -> argparse.ArgumentParser:
    """A subcommand whose `handler` ("module:function") runs it; `texts` are help/description/
    epilog, each command's epilog giving examples."""
    sub: argparse.ArgumentParser = commands.add_parser(name, formatter_class=HelpFormatter, **texts)
    sub.set_defaults(handler=handler, parser=sub)
    sub.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP[name])
    return sub


QUIET_HELP = {
    "convert": "no progress bar and no --verbose list; errors and warnings still print",
    "validate": "no summary line on stderr; findings and errors still print",
    "fmt": "no `reformatted PATH` lines and no summary; errors still print",
    "diff": "print no differences: the exit code tells (as `git diff --quiet`)",
    "schema": "accepted for symmetry: schema prints nothing but the schema",
    "example": "accepted for symmetry: example prints nothing but the digest",
}
"""`-q/--quiet` on every command (what it silences differs; docs/cli.md, "Quiet and verbose")."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digestkit",
        formatter_class=HelpFormatter,
        description="Parse, validate and convert Daily Papers digest Markdown.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"digestkit {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    commands.required = True
    add_convert(commands)
    add_validate(commands)
    add_fmt(commands)
    add_diff(commands)
    add_command(
        commands,
        "schema",
        "app:cmd_schema",
        help="print the JSON Schema of the JSON output",
        description="Print the JSON Schema (draft 2020-12) of `convert --to json`.",
        epilog="example:\n  digestkit schema > digest.schema.json",
    )
    add_command(
        commands,
        "example",
        "app:cmd_example",
        help="print the example digest shipped with digestkit",
        description="Print a small example digest, to try the other commands on.",
        epilog="example:\n  digestkit example | digestkit convert - --to csv",
    )
    return parser


EPILOG = """\
examples:
  digestkit example | digestkit convert - --to csv
  digestkit convert paper_logs/ -o papers.bib
  digestkit validate paper_logs/ --strict
  digestkit fmt --check paper_logs/
  digestkit diff 2025/01/02.md daily_papers.json

exit codes: 0 success, 1 a file failed or has errors, 2 usage error.
Run `digestkit COMMAND --help` for a command's options.
"""


def add_convert(commands: Any) -> None:
    from ..formats import ALIASES, FORMATS

    names = ", ".join(FORMATS)
    name_width = max(len(fmt.name) for fmt in FORMATS.values())
    extension_width = max(len(fmt.extension) for fmt in FORMATS.values())
    listing = "\n".join(  # columns as wide as their longest entry (`.hf.json`)
        f"  {fmt.name:<{name_width}}  {fmt.extension:<{extension_width}}  {fmt.description}"
        for fmt in FORMATS.values()
    )
    sub = add_command(
        commands,
        "convert",
        "convert:cmd_convert",
        help="convert digests to JSON, CSV, BibTeX...",
        description="Convert digests to another format. Several inputs go into one output,\n"
        "unless --split writes one output per input.",
        epilog=f"""\
formats (--to, or inferred from the -o file's extension):
{listing}
  aliases: {", ".join(f"{alias}={name}" for alias, name in ALIASES.items())}

inputs: files, directories (searched for *.md, recursively, in sorted order), globs
(quote them: 'logs/2024/**/*.md'), or - for standard input. A bad input is reported on
stderr and skipped; the run then exits with 1. Parse errors are reported too (warnings are
not: use `digestkit validate`), and the rest of the file is still converted.

examples:
  digestkit example | digestkit convert - --to csv
  digestkit convert paper_logs/ -o papers.json --indent 2
  digestkit convert 'paper_logs/2025/*/*.md' --to bibtex --ascii > 2025.bib
  digestkit convert paper_logs/ --split out/ --to jsonl
  digestkit convert paper_logs/ --split site/ --to html   # pages + site/index.html
  digestkit convert papers.json -o papers.md        # JSON back to Markdown
  curl -s 'https://huggingface.co/api/daily_papers?date=2025-01-02' |
    digestkit convert --from hf-json - --to md       # Hugging Face API JSON to a digest
""",
    )
    sub.add_argument(
        "inputs",
        nargs="+",
        type=path_argument,
        metavar="INPUT",
        help="digest file, directory, glob, or - for stdin",
    )
    sub.add_argument("-t", "--to", metavar="FORMAT", help=f"output format: {names}")
    sub.add_argument(
        "-o",
        "--output",
        type=path_argument,
        metavar="OUT",
        help="output file, written atomically (a FIFO or device: in place); - or absent: stdout",
    )
    readable = [fmt.name for fmt in FORMATS.values() if fmt.readable]
    sub.add_argument(
        "-f",
        "--from",
        dest="source_format",
        metavar="FORMAT",
        choices=readable + [alias for alias, name in ALIASES.items() if name in readable],
        help=f"input format: {', '.join(readable)} (default: from the input's extension, "
        "else markdown; a .json file holding Daily Papers API JSON is read as hf-json)",
    )
    sub.add_argument(
        "--date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="hf-json input: the digest date (default: each entry's submittedOnDailyAt, else a "
        "YYYY-MM-DD.json file name, else its publishedAt)",
    )
    sub.add_argument(
        "--split",
        type=path_argument,
        metavar="DIR",
        help="write one output per input under DIR (input stem + format "
        "extension, mirroring the folders of directory inputs)",
    )
    sub.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first bad input; no output file is written",
    )
    add_jobs(sub)
    sub.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list each output written (`wrote PATH`) and end with a summary, on stderr",
    )
    group = sub.add_argument_group("format options")
    group.add_argument(
        "--indent", type=non_negative, metavar="N", help="json: indent by N spaces (default: 2)"
    )
    group.add_argument(
        "--compact",
        action="store_true",
        default=None,
        help="json: no indentation, no newlines inside an output",
    )
    group.add_argument(
        "--bom",
        action="store_true",
        default=None,
        help="csv: start with a UTF-8 byte order mark (for Excel)",
    )
    group.add_argument(
        "--excel-safe",
        action="store_true",
        default=None,
        help="csv: prefix ' to cells starting with = + - @ TAB CR (formula injection)",
    )
    group.add_argument(
        "--ascii",
        action="store_true",
        default=None,
        help="bibtex: write non-ASCII letters as TeX accents and Greek as $math$: for pdflatex "
        "(with bibtex or biber; \\usepackage[T1]{fontenc}); the UTF-8 default suits lualatex/"
        "xelatex with biber, pandoc and Zotero",
    )
    group.add_argument(
        "--protect",
        choices=["words", "none", "title"],
        help="bibtex: brace-protect capitalised words, nothing, or the title",
    )
    group.add_argument(
        "--raw-math",
        action="store_true",
        default=None,
        help="bibtex: pass title math to LaTeX verbatim, any command included (trusted input)",
    )
    group.add_argument(
        "--canonical",
        action="store_true",
        default=None,
        help="markdown: write the canonical template instead of the source's own layout",
    )
    group.add_argument(
        "--no-media",
        action="store_true",
        default=None,
        help="html: no thumbnails or videos, only links to them (the page loads nothing)",
    )
    group.add_argument(
        "--lang",
        type=language_tag,
        metavar="TAG",
        help="html: the page's language (<html lang>), e.g. ko or en (default: detected, ko "
        "when Hangul makes up 20%% of the summaries' letters, else en)",
    )
    group.add_argument(
        "--abstract",
        action="store_true",
        default=None,
        help="csl-json: add each paper's summary as its abstract",
    )
    group.add_argument(
        "--atom-entry",
        choices=["paper", "day"],
        help="atom: one feed entry per paper (default) or per digest day",
    )
    group.add_argument(
        "--limit", type=positive, metavar="N", help="atom: only the newest N digest days"
    )


def path_argument(value: str) -> str:
    """A path that is not empty: `Path("")` is the current folder, and an unset variable
    (`digestkit fmt "$DIR"`) must not rewrite every digest in it."""
    if not value:
        raise argparse.ArgumentTypeError("empty path (an unset variable?)")
    return value


def iso_date(value: str) -> str:
    """A `YYYY-MM-DD` argument, checked here so that a typo is a usage error."""
    import datetime

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None
    return value


def add_jobs(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "-j",
        "--jobs",
        type=positive,
        metavar="N",
        help="worker processes for many files (default: the machine's cores when there are "
        "enough files; 1: in process); output and exit code are the same for any N",
    )


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def language_tag(value: str) -> str:
    """A `--lang` tag, checked here so that a typo is a usage error (imported only when given)."""
    from ..diagnostics import FormatError
    from ..formats._html_lang import checked_tag

    try:
        return checked_tag(value)
    except FormatError:
        raise argparse.ArgumentTypeError(
            f"expected a language tag such as ko or en, got {value!r}"
        ) from None


def non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value!r}")
    return number


def add_validate(commands: Any) -> None:
    sub = add_command(
        commands,
        "validate",
        "validate:cmd_validate",
        help="check digests; report problems",
        description="Check digests and report every problem as `path:line:col: CODE message`\n"
        "(or as JSON, GitHub annotations or SARIF).",
        epilog="""\
The default format is github when GITHUB_ACTIONS=true (inside GitHub Actions), else text.
Text and github formats end with a summary line on stderr. Codes: docs/diagnostics.md.
Exit codes: 0 no errors (warnings allowed), 1 errors found (or warnings, with --strict) or
a file could not be read, 2 usage error.

examples:
  digestkit validate paper_logs/
  digestkit validate 2024/10/18.md --format json
  digestkit validate paper_logs/ --format sarif > digestkit.sarif
  digestkit validate paper_logs/ --strict --ignore DK202,DK206
  digestkit validate --from hf-json daily_papers.json
""",
    )
    sub.add_argument(
        "paths",
        nargs="+",
        type=path_argument,
        metavar="PATH",
        help="digest file, directory, glob, or - for stdin",
    )
    sub.add_argument(
        "-f",
        "--from",
        dest="source_format",
        choices=["markdown", "md", "hf-json"],
        help="input format: markdown (default) or hf-json (Daily Papers API JSON; "
        "directories are searched for *.json)",
    )
    sub.add_argument(
        "--format",
        choices=["text", "json", "github", "sarif"],
        help="output format (default: github in GitHub Actions, else text)",
    )
    sub.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    sub.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="report only these codes or prefixes (comma-separated; e.g. DK1,DK205)",
    )
    sub.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="do not report these codes or prefixes (comma-separated)",
    )
    add_jobs(sub)


def add_fmt(commands: Any) -> None:
    sub = add_command(
        commands,
        "fmt",
        "fmt:cmd_fmt",
        help="rewrite digests in canonical form",
        description="Rewrite digests in the canonical template, in place and atomically, and\n"
        "only when they change. The result is parsed again and must hold the same data,\n"
        "and files with text the template cannot hold are refused: formatting never\n"
        "loses a line.",
        epilog="""\
exit codes: 0 done, 1 a file was refused or unreadable (or, with --check/--diff, would
change), 2 usage error.

examples:
  digestkit fmt paper_logs/
  digestkit fmt --check paper_logs/        # in CI: list files that would change
  digestkit fmt --diff 2024/10/18.md       # show the changes, write nothing
  digestkit example | digestkit fmt -      # stdin to stdout
""",
    )
    sub.add_argument(
        "paths",
        nargs="+",
        type=path_argument,
        metavar="PATH",
        help="digest file, directory, glob, or - (stdin to stdout)",
    )
    sub.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list files that would change and exit 1 if any",
    )
    sub.add_argument(
        "--diff", action="store_true", help="write nothing; print a unified diff of the changes"
    )
    sub.add_argument(
        "--newline",
        choices=("keep", "lf", "crlf"),
        default="keep",
        help="line endings: keep the file's (its first line break's), or write LF or CRLF "
        "(default: keep)",
    )
    sub.add_argument(
        "--bom",
        choices=("keep", "add", "remove"),
        default="keep",
        help="UTF-8 byte order mark: keep the file's, add or remove it (default: keep)",
    )
    add_jobs(sub)


def add_diff(commands: Any) -> None:
    from ..formats import ALIASES, FORMATS

    readable = [fmt.name for fmt in FORMATS.values() if fmt.readable]
    choices = readable + [alias for alias, name in ALIASES.items() if name in readable]
    sub = add_command(
        commands,
        "diff",
        "diff:cmd_diff",
        help="compare two digests paper by paper",
        description="Compare digest A with digest B paper by paper (matched by arXiv id, then\n"
        "URL, then title): papers removed (-), fields changed (~), papers added (+).\n"
        "A and B may be Markdown, digestkit JSON, JSON Lines or Daily Papers API JSON.",
        epilog="""\
Input formats come from --from-a/--from-b, else the extension (.md, .jsonl, .hf.json), else
the content: a JSON array of objects with a "paper" object is Daily Papers API JSON (hf-json),
other JSON is digestkit JSON, anything else Markdown.
Fields compared by default: title, url, votes, authors (as a set of names), media, date.
Exit codes (as diff(1)): 0 no differences, 1 differences, 2 trouble (an input could not be
read, or a usage error).

examples:
  digestkit diff 2025/01/02.md daily_papers.json
  digestkit diff old.md new.md --format json
  curl -s 'https://huggingface.co/api/daily_papers?date=2025-01-02' |
    digestkit diff 2025/01/02.md - --fields votes
""",
    )
    sub.add_argument(
        "a", type=path_argument, metavar="A", help="the first digest (a file, or - for stdin)"
    )
    sub.add_argument(
        "b", type=path_argument, metavar="B", help="the second digest (a file, or - for stdin)"
    )
    sub.add_argument("--from-a", choices=choices, metavar="FORMAT", help="A's format")
    sub.add_argument("--from-b", choices=choices, metavar="FORMAT", help="B's format")
    sub.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default text)"
    )
    sub.add_argument(
        "--fields",
        metavar="LIST",
        help="comma-separated fields to compare, from title, url, votes, authors, media, "
        "summary, date (default: all but summary)",
    )
    sub.add_argument(
        "--author-order", action="store_true", help="authors in another order are a change too"
    )
    sub.add_argument(
        "--date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="hf-json input: the digest date (default: each entry's submittedOnDailyAt, else a "
        "YYYY-MM-DD.json file name, else its publishedAt)",
    )


# -- main --------------------------------------------------------------------------------------
def utf8_stdio() -> None:
    """UTF-8 output whatever the locale (Windows pipes default to cp1252), and no newline
    translation, so output bytes are the same on every platform. PYTHONIOENCODING wins.

    Standard output on a file descriptor is replaced by one whose writes are complete or raise
    (`cli.files.FullWriteIO`): otherwise a pipe closed mid-write (`| head -1`) loses the rest of
    the output silently and the run exits 0 instead of 141.
    """
    keep_encoding = bool(os.environ.get("PYTHONIOENCODING"))
    for stream, newline in ((sys.stdout, ""), (sys.stderr, None)):
        if isinstance(stream, io.TextIOWrapper):
            if keep_encoding:
                stream.reconfigure(newline=newline)
            else:
                stream.reconfigure(encoding="utf-8", newline=newline)
    stdout = sys.stdout
    # `python -u` and PYTHONUNBUFFERED put the text layer right on the raw file, which loses a
    # short write the same way.
    raw = isinstance(stdout, io.TextIOWrapper) and type(stdout.buffer) is io.FileIO
    if type(stdout) is io.TextIOWrapper and (raw or type(stdout.buffer) is io.BufferedWriter):
        from .files import text_stream

        try:
            fd = stdout.fileno()
        except (OSError, ValueError):
            return
        stdout.flush()
        sys.stdout = text_stream(fd, stdout.encoding, stdout.errors or "strict", not raw)


class Terminated(BaseException):
    """A terminating signal arrived: unwinds like KeyboardInterrupt, so that every `with`
    block (a temporary output's above all) cleans up, and the run exits with 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# Signals whose default action ends the process and that a program can catch; SIGINT keeps
# Python's KeyboardInterrupt, SIGPIPE stays ignored (a closed pipe is a BrokenPipeError).
TERMINATING = tuple(
    getattr(signal, name)
    for name in (
        "SIGHUP",
        "SIGTERM",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGVTALRM",
        "SIGPROF",
        "SIGXCPU",
        "SIGPOLL",
        "SIGPWR",
        "SIGBREAK",
    )
    if hasattr(signal, name)
)


def _terminate(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _HANDLING[0]:
        # A `--jobs` worker forked before its initializer gave the signals back their default
        # action (`jobs._worker_signals`): it dies as that default would, with no traceback.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    SIGNALLED.append(signum)
    raise Terminated(signum)


_HANDLING = [os.getpid()]
"""The process whose command `signals_unwind` runs: the only one `Terminated` may unwind."""


SIGNALLED: list[int] = []
"""The terminating signals that arrived: a library that calls back into Python (pydantic's
serializer) may hand `Terminated` on wrapped in its own error, which must still end the run as
the signal."""


@contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn terminating signals into `Terminated` for the duration of a command. A signal that
    is ignored (`nohup` ignores SIGHUP) stays ignored; the old handlers come back after."""
    previous: dict[int, Any] = {}
    _HANDLING[0] = os.getpid()
    try:
        for signum in TERMINATING:
            if signal.getsignal(signum) == signal.SIG_DFL:
                previous[signum] = signal.signal(signum, _terminate)
    except ValueError:  # not the main thread: signals cannot be handled here
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def resolve(handler: str) -> Handler:
    """`"module:function"` -> the command function; its module is imported only when it runs."""
    module, _, name = handler.partition(":")
    function: Handler = getattr(importlib.import_module(f".{module}", __package__), name)
    return function


def _warnings_as_messages() -> None:
    """A writer's data-loss warnings (`HfJsonLossWarning`) as one `digestkit: warning:` line."""
    import warnings

    default = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *rest: Any, **kw: Any) -> None:
        if category.__name__ == "HfJsonLossWarning":
            print(f"digestkit: warning: {message}", file=sys.stderr)
        else:
            default(message, category, *rest, **kw)

    warnings.showwarning = show


PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"


def no_pydantic_plugins() -> None:
    """The command runs without pydantic plugins unless the user chose otherwise (docs/cli.md,
    "Start-up time"): looking for them reads every installed distribution's entry points when
    pydantic first builds a model's validator (`convert` to JSON does; a parse builds none),
    and a plugin (an observability hook) would see every model built. Only the command sets
    this: the library never changes a user's environment. A user who wants plugins sets the
    variable themselves (even empty)."""
    os.environ.setdefault(PLUGINS_VARIABLE, "__all__")


def main(argv: list[str] | None = None) -> int:
    no_pydantic_plugins()  # before any command imports pydantic
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else 2
    utf8_stdio()
    _warnings_as_messages()
    subparser: argparse.ArgumentParser = args.parser
    from .common import UsageError, describe, error

    try:
        with signals_unwind():
            code = resolve(args.handler)(args)
            sys.stdout.flush()
    except Terminated as exc:
        return 128 + exc.signum
    except UsageError as exc:
        subparser.print_usage(sys.stderr)
        print(f"{subparser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter's final
        # flush from complaining about the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except UnicodeEncodeError as exc:  # only with a PYTHONIOENCODING that is not UTF-8
        error(f"cannot write this text as {exc.encoding}; set PYTHONIOENCODING=utf-8")
        return 1
    except OSError as exc:  # the last line of defence for user mistakes: one line, no traceback
        error(f"{exc.filename}: {describe(exc)}" if exc.filename else describe(exc))
        return 1
    except Exception as exc:
        from ..diagnostics import DigestkitError

        if SIGNALLED:  # `Terminated`, wrapped by a library it was raised through
            return 128 + SIGNALLED[-1]
        if not isinstance(exc, DigestkitError):
            raise  # a bug: the traceback is what a bug report needs
        error(describe(exc))
        return 1
    return code
