"""`digestkit convert`: inputs parsed lazily into one writer, or one output per input."""

from __future__ import annotations

import argparse
import functools
import io
import itertools
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from .common import (
    Abort,
    BadInput,
    UsageError,
    describe,
    error,
    note,
    plural,
    read_bytes,
    whole_file_problem,
)

if TYPE_CHECKING:
    from pathlib import Path, PurePath

    from ..formats import Format
    from ..models import DigestDocument
    from .files import Input, Outputs


def input_format(item: Input, requested: str | None) -> str:
    """`--from`, else the input's extension (`.json`, `.jsonl`), else Markdown."""
    from ..formats import format_for_path, get_format

    if requested:
        return get_format(requested).name
    inferred = None if item.is_stdin else format_for_path(item.name)
    return inferred.name if inferred and inferred.readable else "markdown"


_GIVEN: Any = object()


class WriterOption(NamedTuple):
    """A format option on the command line: the format that takes it, the flag as users type
    it, the writer's keyword, and the value to pass (by default the flag's own value)."""

    owner: str
    flag: str
    keyword: str
    value: object = _GIVEN


WRITER_OPTIONS: dict[str, WriterOption] = {  # by argparse dest
    "indent": WriterOption("json", "--indent", "indent"),
    "compact": WriterOption("json", "--compact", "indent", None),
    "bom": WriterOption("csv", "--bom", "bom"),
    "excel_safe": WriterOption("csv", "--excel-safe", "excel_safe"),
    "ascii": WriterOption("bibtex", "--ascii", "ascii"),
    "protect": WriterOption("bibtex", "--protect", "protect"),
    "raw_math": WriterOption("bibtex", "--raw-math", "raw_math"),
    "canonical": WriterOption("markdown", "--canonical", "mode", "canonical"),
    "no_media": WriterOption("html", "--no-media", "media", False),
    "lang": WriterOption("html", "--lang", "lang"),
    "abstract": WriterOption("csl-json", "--abstract", "abstract"),
    "atom_entry": WriterOption("atom", "--atom-entry", "entry"),
    "limit": WriterOption("atom", "--limit", "limit"),
}


def writer_options(args: argparse.Namespace, fmt: Format) -> dict[str, Any]:
    """The options given on the command line, checked against the output format."""
    options: dict[str, Any] = {}
    given: dict[str, str] = {}  # keyword -> the flag that set it
    for dest, option in WRITER_OPTIONS.items():
        value = getattr(args, dest)
        if value is None or value is False:
            continue
        if option.owner != fmt.name:
            raise UsageError(f"{option.flag} applies to {option.owner} output, not {fmt.name}")
        if option.keyword in given:
            raise UsageError(f"use either {given[option.keyword]} or {option.flag}")
        given[option.keyword] = option.flag
        options[option.keyword] = value if option.value is _GIVEN else option.value
    return options


def output_format(args: argparse.Namespace) -> Format:
    from ..diagnostics import FormatError
    from ..formats import format_for_path, get_format

    if args.to:
        try:
            return get_format(args.to)
        except FormatError as exc:
            raise UsageError(str(exc)) from None
    if args.output and args.output != "-":
        inferred = format_for_path(args.output)
        if inferred is None:
            raise UsageError(
                f"cannot tell the output format from {args.output!r}; give --to FORMAT, or "
                f"an -o file name with a known extension ({known_extensions()})"
            )
        return inferred
    if args.split and args.source_format == "hf-json":
        return get_format("markdown")  # API responses to the digest archive
    raise UsageError(
        "give the output format with --to FORMAT, or an -o file name with a "
        f"known extension ({known_extensions()})"
    )


class Examined(NamedTuple):
    """What reading one input gave: its documents, or the reason it failed (`problem`); the
    error diagnostics to print, and the format it was read as."""

    documents: list[DigestDocument]
    problem: str | None = None
    errors: tuple[str, ...] = ()
    read_as: str = ""


class Reader(NamedTuple):
    """How `convert` reads an input: picklable, so worker processes read the same way."""

    requested_from: str | None
    canonical: bool  # refuse what canonical Markdown would lose or change
    date: str | None

    def examine(self, item: Input) -> Examined:
        """The documents of one input, or why it cannot be converted; prints nothing."""
        from ..diagnostics import DigestkitError

        read_as = ""
        try:
            if item.error:
                raise BadInput(item.error)
            data = read_bytes(item)
            if not data.strip():
                raise BadInput("empty file")
            read_as, documents = self.decode(item, data)
            if self.canonical:
                from .fmt import canonical_text

                # Markdown's errors and layout-only text are what canonical output would drop;
                # other readers' errors (a skipped HF entry) were lost before any writer.
                markdown = input_format(item, self.requested_from) == "markdown"
                for document in documents:
                    canonical_text(document, refusal="not converted", layout=markdown)
        except (BadInput, DigestkitError, UnicodeDecodeError) as exc:
            return Examined([], describe(exc), read_as=read_as)
        errors = tuple(str(d) for document in documents for d in document.errors)
        return Examined(documents, None, errors, read_as)

    def decode(self, item: Input, data: bytes) -> tuple[str, list[DigestDocument]]:
        fmt = input_format(item, self.requested_from)
        text = None if fmt == "markdown" else data.decode("utf-8")
        if fmt == "json" and not self.requested_from:
            from ..formats.hf_json.daily_papers import looks_like_daily_papers, no_json_entries

            if looks_like_daily_papers(text or ""):  # `.json` holding the API's entries
                fmt = "hf-json"
            elif no_json_entries(text or ""):
                raise BadInput(
                    "an empty JSON array: no digestkit documents, or a Daily Papers day "
                    "without papers; say which with --from json or --from hf-json"
                )
        if self.date is not None and fmt != "hf-json":
            raise BadInput(f"--date applies to hf-json input, and this input is {fmt}")
        if text is None:
            from ..api import parse_bytes

            document = parse_bytes(data, path=item.name)
            problem = whole_file_problem(document)
            if problem:
                raise BadInput(problem)
            return fmt, [document]
        if fmt == "hf-json":
            from ..formats.hf_json.daily_papers import read_daily_papers

            document = read_daily_papers(data, date=self.date, path=item.name)
            undated = next((d for d in document.errors if d.code == "DK512"), None)
            if undated is not None:  # Markdown without a digest heading would fail validate
                raise BadInput(f"{undated.code} {undated.message}")
            return fmt, [document]
        from ..io_api import loads

        loaded = loads(text, fmt)
        return fmt, loaded if isinstance(loaded, list) else [loaded]


def known_extensions() -> str:
    """The output extensions `-o` is read by, from the writer registry: `.json, .hf.json, ...`."""
    from ..formats import FORMATS

    return ", ".join(fmt.extension for fmt in FORMATS.values())


class Conversion:
    """One `convert` run: reads inputs lazily, reports failures, and remembers the outcome."""

    def __init__(self, args: argparse.Namespace, inputs: list[Input], canonical: bool = False):
        self.reader = Reader(args.source_format, canonical, args.date)
        self.fail_fast: bool = args.fail_fast
        self.inputs = inputs
        self.failed = 0
        self.converted = 0
        self.quiet: bool = args.quiet
        self.verbose: bool = args.verbose
        self.written = 0  # outputs written, and outputs that already held their text
        self.unchanged = 0
        self.last_format = ""  # the format the last input was read as
        self.streaming = False  # large Markdown files read digest by digest (`iterparse`)
        self.progress: Any = None
        if len(inputs) > 1 and not self.quiet and sys.stderr is not None and sys.stderr.isatty():
            from tqdm import tqdm

            self.progress = tqdm(total=len(inputs), unit="file", file=sys.stderr, leave=False)

    def fail(self, message: str) -> None:
        error(message)
        self.failed += 1
        if self.fail_fast:
            raise Abort

    def read(self, item: Input) -> list[DigestDocument]:
        """The documents of one input; a bad input is reported and gives none."""
        return self.report(item, self.reader.examine(item))

    def report(self, item: Input, examined: Examined) -> list[DigestDocument]:
        """Print what went wrong with one input, count it, and pass its documents on."""
        self.last_format = examined.read_as
        if examined.problem is not None:
            self.fail(f"{item.name}: {examined.problem}")
            return []
        if examined.errors:  # still converted (what was recognised), but the run fails
            for line in examined.errors:
                error(line)
            self.failed += 1
            if self.fail_fast:
                raise Abort
        self.converted += 1
        return examined.documents

    def documents(self, items: list[Input]) -> Iterator[DigestDocument]:
        """Parsed documents, one input at a time, so memory does not grow with the input count."""
        for item in items:
            if self.streams(item):
                yield from self.stream(item)
            else:
                yield from self.read(item)
            self.advance()

    def streams(self, item: Input) -> bool:
        """Whether to read this input digest by digest: a large Markdown file, when the output
        format streams too and nothing needs the whole file first."""
        from ..markdown import stream

        if not self.streaming or item.path is None or item.error or self.reader.date:
            return False
        if input_format(item, self.reader.requested_from) != "markdown":
            return False
        try:
            return item.path.stat().st_size >= stream.WHOLE_BELOW
        except OSError:
            return False  # `read` reports it

    def stream(self, item: Input) -> Iterator[DigestDocument]:
        """`read` for one large file, its digests passed on as they are parsed. Each part's
        errors are printed as it comes; the run fails for them as for a whole file's."""
        from ..diagnostics import DigestkitError
        from ..markdown.stream import iterparse

        assert item.path is not None
        parts = iterparse(item.path)
        try:
            first = next(parts)
        except (OSError, DigestkitError):
            first = None
        if first is None or whole_file_problem(first):
            parts.close()
            yield from self.read(item)  # one part anyway: reported as `read` reports it
            return
        self.last_format = "markdown"
        errors = False
        try:
            for part in itertools.chain([first], parts):
                for diagnostic in part.errors:
                    error(str(diagnostic))
                    errors = True
                yield part
        except OSError as exc:  # the file went unreadable half-way
            self.fail(f"{item.name}: {describe(exc)}")
            return
        if errors:
            self.failed += 1
        self.converted += 1

    def rendered(self, fmt: Format, options: dict[str, Any], jobs: int) -> Iterator[str]:
        """Each document's output, rendered by `jobs` worker processes (`FRAGMENTS`), each
        input reported as `read` reports it, in input order."""
        from . import jobs as _jobs

        job = functools.partial(render_input, self.reader, fmt.name, options)
        for item, (examined, texts) in zip(
            self.inputs, _jobs.map_inputs(job, self.inputs, jobs), strict=True
        ):
            self.report(item, examined)
            self.advance()
            yield from texts

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.update()

    def wrote(self, target: Path | str, changed: bool = True) -> None:
        """An output done: counted, and with `--verbose` listed (`wrote PATH`), as black lists
        `reformatted PATH`; unchanged outputs are only counted."""
        if changed:
            self.written += 1
            if self.verbose:
                note(f"wrote {target}")
        else:
            self.unchanged += 1

    def summary(self) -> str:
        """`--verbose`'s closing line: `2 files written, 1 file left unchanged, 1 input failed`."""
        parts = [f"{plural(self.written, 'file')} written"]
        if self.unchanged:
            parts.append(f"{plural(self.unchanged, 'file')} left unchanged")
        if self.failed:
            parts.append(f"{plural(self.failed, 'input')} failed")
        return ", ".join(parts)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()


FRAGMENTS = frozenset({"jsonl", "csv", "json"})
"""Output formats whose documents worker processes render apart (`--jobs`): JSON Lines and
CSV are their documents' outputs one after another (after CSV's header), JSON an array of
them. The others remember what came before (BibTeX keys, the Markdown separators, one HTML
page) and run in process."""


def render_input(
    reader: Reader, fmt: str, options: dict[str, Any], item: Input
) -> tuple[Examined, list[str]]:
    """One input read and each of its documents rendered (a worker process's part)."""
    examined = reader.examine(item)
    documents = examined.documents
    if fmt == "json":
        from ..formats.json_format import dumps_document

        texts = [dumps_document(document, options.get("indent", 2)) for document in documents]
    else:
        prefix = render(fmt, [], options)
        texts = []
        for document in documents:
            text = render(fmt, [document], options)
            assert text.startswith(prefix), f"{fmt} output does not start with its header"
            texts.append(text[len(prefix) :])
    return examined._replace(documents=[]), texts


def render(fmt: str, documents: list[DigestDocument], options: dict[str, Any]) -> str:
    import io

    from ..formats import get_format

    out = io.StringIO()
    get_format(fmt).writer().write(iter(documents), out, **options)
    return out.getvalue()


def write_rendered(fmt: str, texts: Iterator[str], out: TextIO, options: dict[str, Any]) -> None:
    """What the writer writes for the documents `render_input` rendered as `texts`."""
    if fmt == "json":
        from ..formats.json_format import write_texts

        write_texts(texts, out, options.get("indent", 2))
        return
    out.write(render(fmt, [], options))  # CSV's header (and BOM)
    for text in texts:
        out.write(text)


def cmd_convert(args: argparse.Namespace) -> int:
    from ..diagnostics import DigestkitError
    from . import files as _files
    from .files import atomic_output

    fmt = output_format(args)
    options = writer_options(args, fmt)
    if args.split and args.output:
        raise UsageError("use either -o OUT (one output) or --split DIR (one per input)")
    if args.quiet and args.verbose:
        raise UsageError("use either -q/--quiet or -v/--verbose")
    if args.split:
        from .split_folder import check_folder

        unwritable = check_folder(args.split)  # one line for the run, before any input is read
        if unwritable is not None:
            error(unwritable)
            return 1
    suffixes = [".md"]
    if args.source_format:
        from ..formats import get_format

        # Directories are searched by the extension's last part: `--from hf-json` finds `*.json`.
        suffixes = ["." + get_format(args.source_format).extension.rsplit(".", 1)[-1]]
    outputs = _files.Outputs(args.split)
    if args.output and args.output != "-":
        outputs.claim(args.output, "-o")
    # What this run writes is no input of it: a re-run must not read its own output back.
    inputs = [item for item in _files.expand(args.inputs, suffixes) if not outputs.is_output(item)]
    if args.split and any(item.is_stdin for item in inputs):
        raise UsageError("--split needs named inputs: standard input has no file name")
    writer = fmt.writer()
    to_stdout = args.output in (None, "-")
    terminal = to_stdout and sys.stdout is not None and sys.stdout.isatty()
    if fmt.binary and not args.split and terminal:
        raise UsageError(
            f"{fmt.name} is binary: not written to a terminal; give -o FILE{fmt.extension} "
            "or redirect standard output"
        )
    jobs = 1
    if fmt.name in FRAGMENTS and not args.split:
        from . import jobs as _jobs

        jobs = _jobs.count(args.jobs, inputs)
    run = Conversion(args, inputs, canonical=options.get("mode") == "canonical")
    run.streaming = fmt.name in ("jsonl", "csv") and not args.fail_fast
    try:
        if args.split:
            split(run, outputs, fmt, writer, options)
        else:
            parts: Iterator[Any] = (
                run.rendered(fmt, options, jobs) if jobs > 1 else run.documents(inputs)
            )
            first = next(parts, None)  # read before any output exists
            if first is None and run.failed:
                raise NothingConverted  # write nothing at all, not an empty `[]` or header
            pending = parts if first is None else itertools.chain([first], parts)
            with nullcontext(sys.stdout) if to_stdout else atomic_output(args.output) as stream:
                if jobs > 1:
                    write_rendered(fmt.name, pending, stream, options)
                else:
                    target = binary_stream(stream) if fmt.binary else stream
                    writer.write(pending, target, **options)
                if run.converted == 0 and not to_stdout:
                    raise NothingConverted
            if not to_stdout:
                run.wrote(args.output)
    except (Abort, NothingConverted):
        pass
    except _files.OutputRefused as exc:  # the site index itself cannot be placed
        error(str(exc))
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:  # the output cannot be written (split reports its own)
        error(f"{args.output or '<stdout>'}: {describe(exc)}")
        return 1
    except DigestkitError as exc:
        error(describe(exc))
        return 1
    finally:
        run.close()
    if run.verbose:
        note(run.summary())
    return 1 if run.failed else 0


def binary_stream(stream: Any) -> Any:
    """The byte stream under a text stream (standard output, `atomic_output`'s file), for a
    binary format; the text layer is flushed first so that nothing is reordered."""
    stream.flush()
    return stream.buffer


class NothingConverted(Exception):
    """Every input failed: write no output, and keep an existing `-o` file as it was."""


def output_stem(relative: PurePath) -> PurePath:
    """The input's path without its extension, a two-part one (`.hf.json`) included, so that
    `day.hf.json` converts to `day.md` and back to `day.hf.json`, not `day.hf.hf.json`."""
    from ..formats import FORMATS

    name = relative.name.lower()
    for fmt in FORMATS.values():
        if fmt.extension.count(".") > 1 and name.endswith(fmt.extension):
            return relative.with_name(relative.name[: -len(fmt.extension)])
    return relative.with_suffix("")


def split(
    run: Conversion, outputs: Outputs, fmt: Format, writer: Any, options: dict[str, Any]
) -> None:
    """One output per input under the `outputs` folder, mirroring the inputs' relative paths (or
    the archive's `YYYY/MM/DD.md` days for hf-json read into Markdown: `split_outputs`).

    Every output path is claimed from `outputs` before it is written: one that would land
    outside the folder, or on another input's output, is refused for that input. An output
    that already holds exactly the new text is left untouched.

    A writer module with a site index (`INDEX_NAME`, `index_entries`, `write_index`: html) gets
    each output's index entries as it is written, then writes the index beside the outputs; each
    output is given `index_href`, its relative link to the index. One with a site feed
    (`FEED_NAME`, `site_feed`: html) gets each output's documents too, writes the feed beside
    the index, and gives every page and the index `feed_href`, their link to it.
    """
    from .files import OutputRefused
    from .split_folder import WriteFailures, make_parents

    assert outputs.folder is not None
    failures = WriteFailures(outputs.given)
    directory = outputs.given
    index_name: str | None = getattr(writer, "INDEX_NAME", None)
    entries: list[Any] = []
    if index_name is not None:
        index = outputs.claim(index_name, "the site index")
    feed_name: str | None = getattr(writer, "FEED_NAME", None)
    if feed_name is not None:
        feed_path = outputs.claim(feed_name, "the site feed")
        feed = writer.site_feed()
    for item in run.inputs:
        documents = run.read(item)
        if run.progress is not None:
            run.progress.update()
        for relative, output in split_outputs(item, documents, run.last_format, fmt):
            try:
                target = outputs.claim(relative, item.name)
            except OutputRefused as exc:
                run.fail(f"{item.name}: {exc}")
                continue
            try:
                make_parents(target)
                page_options = options
                if index_name is not None:
                    href = index_link(target, directory, index_name)
                    page_options = {**options, "index_href": href}
                if feed_name is not None:
                    feed_href = index_link(target, directory, feed_name)
                    page_options = {**page_options, "feed_href": feed_href}
                run.wrote(target, write_if_changed(target, writer, output, page_options))
            except BrokenPipeError:
                raise
            except OSError as exc:
                if failures.first(target, exc):  # the rest of its kind: one line at the end
                    error(f"{target}: {describe(exc)}")
                run.failed += 1
                if run.fail_fast:
                    raise Abort from None
                continue
            if index_name is not None:
                entries.extend(
                    writer.index_entries(output, target.relative_to(directory).as_posix())
                )
            if feed_name is not None:
                feed.add(output)
    for line in failures.lines():
        error(line)
    if index_name is not None and entries:
        try:
            text = io.StringIO()
            if feed_name is None:
                writer.write_index(entries, text)
            else:
                writer.write_index(entries, text, feed_href=feed_name)
            run.wrote(index, write_text_if_changed(index, text.getvalue()))
        except OSError as exc:
            run.fail(f"{index}: {describe(exc)}")
    if feed_name is not None and entries:
        try:
            text = io.StringIO()
            feed.write(text, alternate=index_name)
            run.wrote(feed_path, write_text_if_changed(feed_path, text.getvalue()))
        except OSError as exc:
            run.fail(f"{feed_path}: {describe(exc)}")


def split_outputs(
    item: Input, documents: list[DigestDocument], read_as: str, fmt: Format
) -> list[tuple[PurePath, list[DigestDocument]]]:
    """Where `--split` writes an input's documents: beside its relative path, or for hf-json
    read into Markdown, the digest archive's layout (`YYYY/MM/DD.md`, one file per day, as
    daily_papers_ko keeps it). Paths are relative to the `--split` folder, which claims them."""
    from pathlib import PurePath

    from ..models import DigestDocument

    if not documents:
        return []
    if read_as == "hf-json" and fmt.name == "markdown":
        return [
            (
                PurePath(f"{digest.date:%Y}", f"{digest.date:%m}", f"{digest.date:%d}.md"),
                [DigestDocument(digests=[digest])],
            )
            for document in documents
            for digest in document.digests
            if digest.date is not None
        ]
    stem = output_stem(item.relative)
    return [(stem.with_name(stem.name + fmt.extension), documents)]


def write_if_changed(
    target: Path, writer: Any, documents: list[DigestDocument], options: dict[str, Any]
) -> bool:
    """Write the documents to `target` unless it already holds exactly that text, so that
    re-running over an archive rewrites (and touches) only what changed. True if written."""
    binary = getattr(writer, "BINARY", False)
    buffer: io.StringIO | io.BytesIO = io.BytesIO() if binary else io.StringIO()
    writer.write(iter(documents), buffer, **options)
    return write_text_if_changed(target, buffer.getvalue())


def write_text_if_changed(target: Path, text: str | bytes) -> bool:
    """Write `text` to `target` atomically unless it already holds exactly that. True if written."""
    from .files import atomic_output

    rendered = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        same_size = target.is_file() and target.stat().st_size == len(rendered)
        if same_size and target.read_bytes() == rendered:
            return False
    except OSError:
        pass  # unreadable: the write below reports what is wrong
    with atomic_output(target) as stream:
        if isinstance(text, bytes):
            binary_stream(stream).write(text)
        else:
            stream.write(text)
    return True


def index_link(target: Path, directory: Path, index_name: str) -> str:
    """The relative URL from an output page to the index in `directory` (`../../index.html`)."""
    import posixpath

    depth = len(target.relative_to(directory).parts) - 1
    return posixpath.join(*[".."] * depth, index_name) if depth else index_name
