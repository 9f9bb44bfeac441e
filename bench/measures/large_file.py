"""Section 7: peak RSS of the commands on one large file and on one 4 times as large: a file
is read digest by digest, so memory should not follow its size."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .common import (
    CHECK_HEADER,
    MB,
    NOT_AVAILABLE,
    Check,
    Corpus,
    Report,
    check_rows,
    failure,
    peak_rss,
    table,
)

LARGE_MIN = 8 * MB  # the 1x file: past the size below which files are parsed whole
LARGE_QUICK_MIN = 5 * MB
LARGE_COPIES = 4
LARGE_CASES = (
    ("validate", ("validate",)),
    ("convert --to jsonl", ("convert", "--to", "jsonl", "-o", "large.jsonl")),
    ("convert --to csv", ("convert", "--to", "csv", "-o", "large.csv")),
)
_HEADING_URL = re.compile(rb"^(### \[.*\]\([^)\s]+)\)", re.MULTILINE)


def build_large_file(corpus: Corpus, target: Path, minimum: int) -> int:
    """The corpus as one file, repeated until it holds `minimum` bytes; each copy's paper URLs
    get a `#cN` fragment so that no copy repeats an earlier one (DK113)."""
    data = b"\n".join(path.read_bytes() for path in corpus.files)
    with target.open("wb") as out:
        copy = 0
        while out.tell() < minimum or copy == 0:
            out.write(_HEADING_URL.sub(rb"\1#c%d)" % copy, data) + b"\n")
            copy += 1
    return target.stat().st_size


def bench_large_file(
    report: Report, cli: list[str] | None, corpus: Corpus, scratch: Path, quick: bool
) -> None:
    """Peak RSS of `validate` and `convert --to jsonl|csv` on one file and on one file
    `LARGE_COPIES` times as large: read digest by digest, memory should not follow the size.
    `--quick` measures `validate` alone, on a smaller file."""
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    one, many = scratch / "large-1x.md", scratch / f"large-{LARGE_COPIES}x.md"
    size = build_large_file(corpus, one, LARGE_QUICK_MIN if quick else LARGE_MIN) if cli else 0
    if cli is not None:
        build_large_file(corpus, many, LARGE_COPIES * size)
    for label, args in LARGE_CASES[:1] if quick else LARGE_CASES:
        ratio = None
        if cli is None:
            rows.append([label, NOT_AVAILABLE])
        else:
            command, *options = (str(scratch / a) if a.startswith("large.") else a for a in args)
            runs = [peak_rss([*cli, command, str(path), *options]) for path in (one, many)]
            problem = next((p for r in runs if (p := failure(r["rc"], r["stderr"]))), None)
            if problem is None:
                ratio = runs[1]["maxrss_kib"] / runs[0]["maxrss_kib"]
                figures[label] = {
                    "bytes_1x": size,
                    "maxrss_kib_1x": runs[0]["maxrss_kib"],
                    f"maxrss_kib_{LARGE_COPIES}x": runs[1]["maxrss_kib"],
                    "seconds_1x": runs[0]["seconds"],
                    f"seconds_{LARGE_COPIES}x": runs[1]["seconds"],
                    "ratio": ratio,
                }
                rows.append(
                    [
                        label,
                        f"{runs[0]['maxrss_kib'] / 1024:.1f}",
                        f"{runs[1]['maxrss_kib'] / 1024:.1f}",
                        f"{ratio:.3f}",
                        f"{runs[0]['seconds']:.2f}",
                        f"{runs[1]['seconds']:.2f}",
                    ]
                )
            else:
                figures[label] = {"available": False, "reason": problem}
                rows.append([label, problem])
        checks.append(
            report.check("large file", f"{label}: peak {LARGE_COPIES}x / peak 1x", ratio, 1.2)
        )
    report.figures["large_file"] = figures
    report.show(
        table(
            f"7. One large file: peak RSS (MiB) of one {size / MB:.1f} MB file and one "
            f"{LARGE_COPIES}x as large",
            ("command", "1x", f"{LARGE_COPIES}x", "ratio", "s 1x", f"s {LARGE_COPIES}x"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
