"""Section 8: tracemalloc's peak and kept bytes of one `digestkit.parse_bytes` call, per paper
and per input byte."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import digestkit

from .common import CHECK_HEADER, MB, Corpus, Report, check_rows, table

MINIMAL_PAPERS = 100_000
PAPER_BYTES = 3000
CORPUS_BYTES_PER_BYTE = 15


def minimal_digest(count: int) -> bytes:
    """One digest of `count` papers, each a heading, media, Vote, Authors and one bullet."""
    papers = (
        f"### [Paper {i}](https://arxiv.org/abs/2401.{i:05d})\n![](https://x.org/{i}.png)\n"
        f"Vote: {i}\nAuthors: ['A B']\n\n- ***What's New***: text {i}\n\n"
        for i in range(count)
    )
    return ("## Daily Papers (2024-01-02)\n\n" + "".join(papers)).encode()


def traced_parse(data: bytes) -> tuple[int, int, int]:
    """tracemalloc's (retained, peak) bytes of parsing `data` as one file, and its papers."""
    gc.collect()
    tracemalloc.start()
    try:
        document = digestkit.parse_bytes(data)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return retained, peak, len(document.papers)


def bench_model_memory(report: Report, corpus: Corpus, quick: bool) -> None:
    count = MINIMAL_PAPERS // 10 if quick else MINIMAL_PAPERS
    cases = {
        f"{count} minimal papers": minimal_digest(count),
        "corpus joined": b"".join(path.read_bytes() for path in corpus.files),
    }
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    per_paper: dict[str, float] = {}
    per_byte: dict[str, float] = {}
    for name, data in cases.items():
        retained, peak, papers = traced_parse(data)
        per_paper[name], per_byte[name] = peak / max(papers, 1), peak / len(data)
        figures[name] = {
            "bytes": len(data),
            "papers": papers,
            "retained": retained,
            "peak": peak,
            "peak_per_paper": per_paper[name],
            "peak_per_byte": per_byte[name],
            "retained_per_paper": retained / max(papers, 1),
            "retained_per_byte": retained / len(data),
        }
        rows.append(
            [
                name,
                f"{len(data) / MB:.2f}",
                f"{retained / max(papers, 1):.0f}",
                f"{per_paper[name]:.0f}",
                f"{retained / len(data):.1f}",
                f"{per_byte[name]:.1f}",
            ]
        )
        del data
    first, joined = cases
    checks = [
        report.check("model", "minimal: peak bytes/paper", per_paper[first], PAPER_BYTES),
        report.check("model", "corpus: peak bytes/byte", per_byte[joined], CORPUS_BYTES_PER_BYTE),
    ]
    report.figures["model_memory"] = figures
    header = ("input", "MB", "kept B/paper", "peak B/paper", "kept B/B", "peak B/B")
    report.show(table("8. Model memory: tracemalloc of one parse_bytes call", header, rows))
    report.show(table("", CHECK_HEADER, check_rows(checks)))
