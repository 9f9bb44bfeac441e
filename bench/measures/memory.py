"""Section 4: peak RSS of `digestkit convert` on the corpus once and on copies of it: a
streaming command's memory should not follow the input's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import CHECK_HEADER, NOT_AVAILABLE, Check, Report, check_rows, failure, peak_rss, table

# Formats converted in the memory section, and whether the 1.2x target applies (BibTeX must
# remember every key it has used, so it may grow; its growth is reported without a target).
MEMORY_CASES: tuple[tuple[str, bool], ...] = (("jsonl", True), ("csv", True), ("bibtex", False))
COPIES = 4


def convert_rss(cli: list[str], source: Path, fmt: str, out: Path) -> dict[str, Any]:
    result = peak_rss([*cli, "convert", str(source), "--to", fmt, "-o", str(out)])
    problem = failure(result["rc"], result["stderr"])
    if problem is None and not (out.exists() and out.stat().st_size):
        problem = f"exit {result['rc']}: wrote no output"
    result["problem"] = problem
    result["output_bytes"] = out.stat().st_size if out.exists() else 0
    return result


def bench_memory(
    report: Report, cli: list[str] | None, views: dict[int, Path], scratch: Path
) -> None:
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    base_kib: int | None = None
    if cli is not None:
        base_kib = int(peak_rss([*cli, "--version"])["maxrss_kib"])
        figures["version_maxrss_kib"] = base_kib
        rows.append(["digestkit --version", f"{base_kib / 1024:.1f}", "", "", "", ""])
    for fmt, targeted in MEMORY_CASES:
        runs = (
            {}
            if cli is None
            else {
                copies: convert_rss(cli, view, fmt, scratch / f"out{copies}.{fmt}")
                for copies, view in views.items()
            }
        )
        problem = (
            NOT_AVAILABLE
            if cli is None
            else next((r["problem"] for r in runs.values() if r["problem"]), None)
        )
        ratio = None
        if problem is None:
            one, many = runs[1], runs[COPIES]
            ratio = many["maxrss_kib"] / one["maxrss_kib"]
            figures[fmt] = {
                "maxrss_kib_1x": one["maxrss_kib"],
                f"maxrss_kib_{COPIES}x": many["maxrss_kib"],
                "ratio": ratio,
                "seconds_1x": one["seconds"],
                f"seconds_{COPIES}x": many["seconds"],
                "growth_kib": many["maxrss_kib"] - one["maxrss_kib"],
                "output_ratio": many["output_bytes"] / one["output_bytes"],
            }
            growth = figures[fmt]["growth_kib"] / 1024
            rows.append(
                [
                    f"convert --to {fmt}",
                    f"{one['maxrss_kib'] / 1024:.1f}",
                    f"{many['maxrss_kib'] / 1024:.1f}",
                    f"{ratio:.3f}",
                    f"{growth:+.1f}",
                    f"{figures[fmt]['output_ratio']:.2f}",
                ]
            )
        else:
            figures[fmt] = {"available": False, "reason": problem}
            rows.append([f"convert --to {fmt}", problem])
        if targeted:
            checks.append(report.check("memory", f"{fmt}: peak {COPIES}x / peak 1x", ratio, 1.2))
    report.figures["memory"] = figures
    report.show(
        table(
            f"4. Streaming memory: peak RSS of `digestkit convert` (MiB), corpus 1x vs {COPIES}x",
            ("command", "1x", f"{COPIES}x", f"{COPIES}x/1x", "growth", "out x"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
