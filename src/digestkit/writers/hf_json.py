"""hf-json: the Hugging Face Daily Papers API shape, one array of entries for all documents.

The mapping lives in `digestkit.hf_json`; this module adapts it to the writer registry.
Entries are written one at a time, so a folder converts with memory bounded by one document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import FormatError
from ..hf_json import read_daily_papers, to_daily_papers
from ..models import DigestDocument


def write(documents: Iterable[DigestDocument], out: TextIO, **unknown: object) -> None:
    """One JSON array (indented by 2, UTF-8 text unescaped) of every paper's entry."""
    if unknown:
        raise FormatError(
            f"the hf-json format takes no option {next(iter(unknown))!r}; it has no options"
        )
    separator = "\n  "
    for document in documents:
        for entry in to_daily_papers(document):
            text = json.dumps(entry, ensure_ascii=False, indent=2)
            out.write(("[" if separator == "\n  " else "") + separator)
            out.write(text.replace("\n", "\n  "))
            separator = ",\n  "
    out.write("[]\n" if separator == "\n  " else "\n]\n")


def read(text: str) -> list[DigestDocument]:
    """One document; entry problems are its diagnostics (`read_daily_papers`)."""
    return [read_daily_papers(text)]
