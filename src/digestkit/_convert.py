"""`digestkit convert`: inputs parsed lazily into one writer, or one output per input."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, NamedTuple

from ._cli_common import (
    Abort,
    BadInput,
    UsageError,
    describe,
    error,
    read_bytes,
    whole_file_problem,
)

if TYPE_CHECKING:
    from pathlib import Path, PurePath

    from ._files import Input, Outputs
    from .models import DigestDocument
    from .writers import Format


def input_format(item: Input, requested: str | None) -> str:
    """`--from`, else the input's extension (`.json`, `.jsonl`), else Markdown."""
    from .writers import format_for_path, get_format

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
    from .diagnostics import FormatError
    from .writers import format_for_path, get_format

    if args.to:
        try:
            return get_format(args.to)
        except FormatError as exc:
            raise UsageError(str(exc)) from None
    if args.output and args.output != "-":
        inferred = format_for_path(args.output)
        if inferred is None:
            raise UsageError(
                f"cannot tell the output format from {args.output!r}; give --to FORMAT"
            )
        return inferred
    if args.split and args.source_format == "hf-json":
        return get_format("markdown")  # API responses to the digest archive
    raise UsageError(
        "give the output format with --to FORMAT, or an -o file name with a "
        "known extension (.json, .jsonl, .csv, .bib, .md, .html)"
    )


class Conversion:
    """One `convert` run: reads inputs lazily, reports failures, and remembers the outcome."""

    def __init__(self, args: argparse.Namespace, inputs: list[Input], canonical: bool = False):
        self.requested_from: str | None = args.source_format
        self.canonical = canonical  # refuse what canonical Markdown would lose or change
        self.date: str | None = args.date
        self.fail_fast: bool = args.fail_fast
        self.inputs = inputs
        self.failed = 0
        self.converted = 0
        self.last_format = ""  # the format the last input was read as
        self.progress: Any = None
        if len(inputs) > 1 and sys.stderr is not None and sys.stderr.isatty():
            from tqdm import tqdm

            self.progress = tqdm(total=len(inputs), unit="file", file=sys.stderr, leave=False)

    def fail(self, message: str) -> None:
        error(message)
        self.failed += 1
        if self.fail_fast:
            raise Abort

    def read(self, item: Input) -> list[DigestDocument]:
        """The documents of one input; a bad input is reported and gives none."""
        from .diagnostics import DigestkitError

        try:
            if item.error:
                raise BadInput(item.error)
            data = read_bytes(item)
            if not data.strip():
                raise BadInput("empty file")
            documents = self._decode(item, data)
            if self.canonical:
                from ._fmt import canonical_text

                # Markdown's errors and layout-only text are what canonical output would drop;
                # other readers' errors (a skipped HF entry) were lost before any writer.
                markdown = input_format(item, self.requested_from) == "markdown"
                for document in documents:
                    canonical_text(document, refusal="not converted", layout=markdown)
        except (BadInput, DigestkitError, UnicodeDecodeError) as exc:
            self.fail(f"{item.name}: {describe(exc)}")
            return []
        problems = [diagnostic for document in documents for diagnostic in document.errors]
        if problems:  # still converted (what was recognised), but the run fails
            for diagnostic in problems:
                error(str(diagnostic))
            self.failed += 1
            if self.fail_fast:
                raise Abort
        self.converted += 1
        return documents

    def _decode(self, item: Input, data: bytes) -> list[DigestDocument]:
        fmt = input_format(item, self.requested_from)
        text = None if fmt == "markdown" else data.decode("utf-8")
        if fmt == "json" and not self.requested_from:
            from .hf_json import looks_like_daily_papers, no_json_entries

            if looks_like_daily_papers(text or ""):  # `.json` holding the API's entries
                fmt = "hf-json"
            elif no_json_entries(text or ""):
                raise BadInput(
                    "an empty JSON array: no digestkit documents, or a Daily Papers day "
                    "without papers; say which with --from json or --from hf-json"
                )
        self.last_format = fmt
        if self.date is not None and fmt != "hf-json":
            raise BadInput(f"--date applies to hf-json input, and this input is {fmt}")
        if text is None:
            from .api import parse_bytes

            document = parse_bytes(data, path=item.name)
            problem = whole_file_problem(document)
            if problem:
                raise BadInput(problem)
            return [document]
        if fmt == "hf-json":
            from .hf_json import read_daily_papers

            document = read_daily_papers(data, date=self.date, path=item.name)
            undated = next((d for d in document.errors if d.code == "DK512"), None)
            if undated is not None:  # Markdown without a digest heading would fail validate
                raise BadInput(f"{undated.code} {undated.message}")
            return [document]
        from .io_api import loads

        loaded = loads(text, fmt)
        return loaded if isinstance(loaded, list) else [loaded]

    def documents(self, items: list[Input]) -> Iterator[DigestDocument]:
        """Parsed documents, one input at a time, so memory does not grow with the input count."""
        for item in items:
            yield from self.read(item)
            if self.progress is not None:
                self.progress.update()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()


def cmd_convert(args: argparse.Namespace) -> int:
    from . import _files
    from ._files import atomic_output
    from .diagnostics import DigestkitError

    fmt = output_format(args)
    options = writer_options(args, fmt)
    if args.split and args.output:
        raise UsageError("use either -o OUT (one output) or --split DIR (one per input)")
    suffixes = [".md"]
    if args.source_format:
        from .writers import get_format

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
    run = Conversion(args, inputs, canonical=options.get("mode") == "canonical")
    try:
        if args.split:
            split(run, outputs, fmt, writer, options)
        else:
            to_stdout = args.output in (None, "-")
            documents = run.documents(inputs)
            first = next(documents, None)  # read before any output exists
            if first is None and run.failed:
                raise NothingConverted  # write nothing at all, not an empty `[]` or header
            pending = documents if first is None else itertools.chain([first], documents)
            with nullcontext(sys.stdout) if to_stdout else atomic_output(args.output) as stream:
                writer.write(pending, stream, **options)
                if run.converted == 0 and not to_stdout:
                    raise NothingConverted
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
    return 1 if run.failed else 0


class NothingConverted(Exception):
    """Every input failed: write no output, and keep an existing `-o` file as it was."""


def output_stem(relative: PurePath) -> PurePath:
    """The input's path without its extension, a two-part one (`.hf.json`) included, so that
    `day.hf.json` converts to `day.md` and back to `day.hf.json`, not `day.hf.hf.json`."""
    from .writers import FORMATS

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
    from ._files import OutputRefused, atomic_output

    assert outputs.folder is not None
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
                target.parent.mkdir(parents=True, exist_ok=True)
                page_options = options
                if index_name is not None:
                    href = index_link(target, directory, index_name)
                    page_options = {**options, "index_href": href}
                if feed_name is not None:
                    feed_href = index_link(target, directory, feed_name)
                    page_options = {**page_options, "feed_href": feed_href}
                write_if_changed(target, writer, output, page_options)
            except BrokenPipeError:
                raise
            except OSError as exc:
                run.fail(f"{target}: {describe(exc)}")
                continue
            if index_name is not None:
                entries.extend(
                    writer.index_entries(output, target.relative_to(directory).as_posix())
                )
            if feed_name is not None:
                feed.add(output)
    if index_name is not None and entries:
        try:
            with atomic_output(index) as stream:
                if feed_name is None:
                    writer.write_index(entries, stream)
                else:
                    writer.write_index(entries, stream, feed_href=feed_name)
        except OSError as exc:
            run.fail(f"{index}: {describe(exc)}")
    if feed_name is not None and entries:
        try:
            with atomic_output(feed_path) as stream:
                feed.write(stream, alternate=index_name)
        except OSError as exc:
            run.fail(f"{feed_path}: {describe(exc)}")


def split_outputs(
    item: Input, documents: list[DigestDocument], read_as: str, fmt: Format
) -> list[tuple[PurePath, list[DigestDocument]]]:
    """Where `--split` writes an input's documents: beside its relative path, or for hf-json
    read into Markdown, the digest archive's layout (`YYYY/MM/DD.md`, one file per day, as
    daily_papers_ko keeps it). Paths are relative to the `--split` folder, which claims them."""
    from pathlib import PurePath

    from .models import DigestDocument

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
    import io

    from ._files import atomic_output

    text = io.StringIO()
    writer.write(iter(documents), text, **options)
    rendered = text.getvalue().encode("utf-8")
    try:
        same_size = target.is_file() and target.stat().st_size == len(rendered)
        if same_size and target.read_bytes() == rendered:
            return False
    except OSError:
        pass  # unreadable: the write below reports what is wrong
    with atomic_output(target) as stream:
        stream.write(text.getvalue())
    return True


def index_link(target: Path, directory: Path, index_name: str) -> str:
    """The relative URL from an output page to the index in `directory` (`../../index.html`)."""
    import posixpath

    depth = len(target.relative_to(directory).parts) - 1
    return posixpath.join(*[".."] * depth, index_name) if depth else index_name
