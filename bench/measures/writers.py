"""Section 2: every writer's `digestkit.dumps` over the parsed corpus, against its parse time."""

from __future__ import annotations

import importlib.util
import warnings
from functools import partial
from typing import Any

import digestkit
from digestkit.formats import get_format
from digestkit.formats.hf_json.daily_papers import HfJsonLossWarning

from .common import (
    CHECK_HEADER,
    MB,
    NOT_AVAILABLE,
    Check,
    Corpus,
    Report,
    cell_rate,
    check_rows,
    summary,
    table,
    timed,
)

WRITER_PARSE = 0.5

# (label, format name, dumps options): markdown faithful is the default mode.
WRITER_CASES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("json", "json", {}),
    ("jsonl", "jsonl", {}),
    ("csv", "csv", {}),
    ("bibtex", "bibtex", {}),
    ("markdown faithful", "markdown", {}),
    ("markdown canonical", "markdown", {"mode": "canonical"}),
    ("html", "html", {}),
    ("hf-json", "hf-json", {}),
    ("csl-json", "csl-json", {}),
    ("ris", "ris", {}),
    ("atom", "atom", {}),
)


def writer_missing(fmt: str) -> str | None:
    module = get_format(fmt).module
    try:
        found = importlib.util.find_spec(module) is not None
    except ImportError:
        found = False
    return None if found else NOT_AVAILABLE


def bench_writers(report: Report, corpus: Corpus, parse_seconds: float, repeat: int) -> None:
    documents = [digestkit.parse_file(path) for path in corpus.files]
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    for label, fmt, options in WRITER_CASES:
        problem = writer_missing(fmt)
        samples: list[float] = []
        size = 0
        if problem is None:
            # hf-json warns what the API format cannot hold (HfJsonLossWarning), a message per
            # count, so the warnings registry would grow and print hundreds of lines. A user
            # who wants speed filters the category too; the timings do the same.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HfJsonLossWarning)
                try:
                    size = len(digestkit.dumps(documents, fmt, **options))
                    samples = [
                        timed(partial(digestkit.dumps, documents, fmt, **options))
                        for _ in range(repeat)
                    ]
                except Exception as error:  # a writer still being written must not stop the run
                    problem = f"error: {type(error).__name__}: {error}"[:70]
        if problem is not None:
            figures[label] = {"available": False, "reason": problem}
            rows.append([label, problem])
            checks.append(report.check("writers", f"{label} / parse", None, WRITER_PARSE))
            continue
        best = min(samples)
        figures[label] = {
            "available": True,
            **summary(samples),
            "papers_per_s": corpus.papers / best,
            "ratio_parse": best / parse_seconds,
            "output_chars": size,
        }
        rows.append(
            [
                label,
                f"{best:.4f}",
                cell_rate(corpus.papers, best),
                f"{best / parse_seconds:.2f}",
                f"{size / MB:.2f}",
            ]
        )
        checks.append(
            report.check("writers", f"{label} / parse", best / parse_seconds, WRITER_PARSE)
        )
    report.figures["writers"] = figures
    report.show(
        table(
            f"2. Writers: digestkit.dumps over {len(documents)} documents (best of {repeat})",
            ("format", "seconds", "papers/s", "x parse", "M chars"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
