"""digestkit: parse, validate and convert Daily Papers digest Markdown."""

from ._version import __version__
from .api import parse, parse_file
from .diagnostics import Diagnostic, DigestError, DigestkitError, FormatError, Severity
from .io_api import dump, dumps, load, loads
from .models import DailyDigest, DigestDocument, Media, Paper, SummaryItem

__all__ = [
    "DailyDigest",
    "Diagnostic",
    "DigestDocument",
    "DigestError",
    "DigestkitError",
    "FormatError",
    "Media",
    "Paper",
    "Severity",
    "SummaryItem",
    "__version__",
    "dump",
    "dumps",
    "load",
    "loads",
    "parse",
    "parse_file",
]
