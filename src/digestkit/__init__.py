"""digestkit: parse, validate and convert Daily Papers digest Markdown.

Names are imported on first use (PEP 562), so `digestkit --version` and other light commands do
not pay for pydantic's model machinery; `from digestkit import parse` works as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .api import parse, parse_bytes, parse_file
    from .diagnostics import Diagnostic, DigestError, DigestkitError, FormatError, Severity
    from .diff import DigestDiff, diff_documents
    from .formats.hf_json.daily_papers import read_daily_papers, to_daily_papers
    from .io_api import dump, dumps, load, loads
    from .markdown.stream import iterparse
    from .models import DailyDigest, DigestDocument, Media, Paper, SummaryItem

_SOURCES = {
    "parse": "api",
    "parse_bytes": "api",
    "parse_file": "api",
    "iterparse": "markdown.stream",
    "dump": "io_api",
    "dumps": "io_api",
    "load": "io_api",
    "loads": "io_api",
    "Diagnostic": "diagnostics",
    "DigestError": "diagnostics",
    "DigestkitError": "diagnostics",
    "FormatError": "diagnostics",
    "Severity": "diagnostics",
    "DailyDigest": "models",
    "DigestDocument": "models",
    "Media": "models",
    "Paper": "models",
    "SummaryItem": "models",
    "read_daily_papers": "formats.hf_json.daily_papers",
    "to_daily_papers": "formats.hf_json.daily_papers",
    "DigestDiff": "diff",
    "diff_documents": "diff",
}

__all__ = [
    "DailyDigest",
    "Diagnostic",
    "DigestDiff",
    "DigestDocument",
    "DigestError",
    "DigestkitError",
    "FormatError",
    "Media",
    "Paper",
    "Severity",
    "SummaryItem",
    "__version__",
    "diff_documents",
    "dump",
    "dumps",
    "iterparse",
    "load",
    "loads",
    "parse",
    "parse_bytes",
    "parse_file",
    "read_daily_papers",
    "to_daily_papers",
]


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module 'digestkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
