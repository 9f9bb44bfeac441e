"""The writer registry: a format name maps to a module imported only when that format is used.

A writer module exposes `write(documents, out, **options)`, taking an iterable of documents and
writing them to a text stream as one output. Writers consume the iterable lazily, so a folder
converts with memory bounded by one document (plus what the format must remember, such as the
BibTeX keys already used). A reader module also exposes `read(text) -> list[DigestDocument]`.
"""

from __future__ import annotations

import importlib
import os.path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO, cast

# Every command imports this module while building its `--help` (the format list), so it stays
# light: no dataclasses or pathlib, and `FormatError` is imported only to be raised.

if TYPE_CHECKING:
    from ..models import DigestDocument


class WriterModule(Protocol):
    def write(self, documents: Iterable[DigestDocument], out: TextIO, **options: Any) -> None: ...


class ReaderModule(Protocol):
    def read(self, text: str) -> list[DigestDocument]: ...


class Format(NamedTuple):
    name: str
    extension: str
    module: str
    description: str
    readable: bool = False
    binary: bool = False  # written as bytes: no `dumps`, no terminal

    def writer(self) -> WriterModule:
        return cast(WriterModule, importlib.import_module(self.module))

    def reader(self) -> ReaderModule:
        if not self.readable:
            from ..diagnostics import FormatError

            raise FormatError(
                f"digestkit cannot read {self.name}; it reads "
                + ", ".join(f.name for f in FORMATS.values() if f.readable)
            )
        return cast(ReaderModule, importlib.import_module(self.module))


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format(
            "json",
            ".json",
            "digestkit.formats.json_format",
            "the document model as JSON (an array for several documents)",
            readable=True,
        ),
        Format(
            "jsonl",
            ".jsonl",
            "digestkit.formats.jsonl",
            "JSON Lines: one paper per line with its digest date",
            readable=True,
        ),
        Format("csv", ".csv", "digestkit.formats.csv_format", "RFC 4180 CSV, one row per paper"),
        Format(
            "bibtex",
            ".bib",
            "digestkit.formats.bibtex",
            "BibTeX @misc entries in arXiv's shape, keys unique across the output",
        ),
        Format(
            "markdown",
            ".md",
            "digestkit.formats.markdown",
            "digest Markdown: faithful to the source, or canonical",
            readable=True,
        ),
        Format(
            "hf-json",
            ".hf.json",
            "digestkit.formats.hf_json",
            "Hugging Face Daily Papers API JSON (docs/hf-json.md)",
            readable=True,
        ),
        Format(
            "parquet",
            ".parquet",
            "digestkit.formats.parquet",
            "Apache Parquet, one row per paper with the models' types (the parquet extra)",
            binary=True,
        ),
        Format(
            "html",
            ".html",
            "digestkit.formats.html",
            "a standalone HTML page (no scripts); --split adds an index.html",
        ),
        Format(
            "csl-json",
            ".csl.json",
            "digestkit.formats.csl_json",
            "CSL-JSON items for pandoc --citeproc, Zotero and citation-js",
        ),
        Format(
            "ris",
            ".ris",
            "digestkit.formats.ris",
            "RIS records for Zotero, EndNote and Mendeley (CRLF lines)",
        ),
        Format(
            "atom",
            ".atom",
            "digestkit.formats.atom",
            "an Atom feed for feed readers: one entry per paper (or per day)",
        ),
    )
}
ALIASES = {"md": "markdown", "bib": "bibtex", "ndjson": "jsonl"}


def get_format(name: str) -> Format:
    """The format called `name` (or an alias); `FormatError` lists the known names otherwise."""
    key = ALIASES.get(name.lower(), name.lower())
    try:
        return FORMATS[key]
    except KeyError:
        from ..diagnostics import FormatError

        known = ", ".join([*FORMATS, *ALIASES])
        raise FormatError(f"unknown format {name!r}; choose one of: {known}") from None


def format_for_path(path: str) -> Format | None:
    """The format a file name's extension implies, if any (`out.bib` -> bibtex)."""
    suffix = os.path.splitext(path)[1].lower()  # noqa: PTH122 (pathlib costs start-up time)
    for fmt in FORMATS.values():  # two-part extensions first: `day.hf.json` is hf-json
        if fmt.extension.count(".") > 1 and path.lower().endswith(fmt.extension):
            return fmt
    for fmt in FORMATS.values():
        if fmt.extension == suffix:
            return fmt
    return {".markdown": FORMATS["markdown"], ".ndjson": FORMATS["jsonl"]}.get(suffix)
