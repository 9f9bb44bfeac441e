"""Section 1: parsing the corpus, against reading it (the floor) and mistune's bare parse."""

from __future__ import annotations

import mistune

import digestkit

from .common import CHECK_HEADER, MB, Corpus, Report, cell_rate, check_rows, summary, table, timed

# Issue 17's targets, as ratios to baselines measured in the same run.
PARSE_MISTUNE = 0.05
PARSE_FLOOR = 10


def bench_parse(report: Report, corpus: Corpus, repeat: int) -> float:
    """Returns digestkit's best parse time, the yardstick of sections 2 and 3."""
    markdown = mistune.create_markdown(renderer=None)
    texts = [path.read_bytes().decode("utf-8") for path in corpus.files]

    def floor() -> None:
        for path in corpus.files:
            path.read_bytes().decode("utf-8")

    def bare_mistune() -> None:
        for text in texts:
            markdown(text)

    def library() -> None:
        for path in corpus.files:  # one document alive at a time, as a streaming user has
            digestkit.parse_file(path)

    samples: dict[str, list[float]] = {"floor": [], "mistune": [], "digestkit": []}
    for _ in range(repeat):  # interleaved, so a slow moment hits all three alike
        samples["floor"].append(timed(floor))
        samples["mistune"].append(timed(bare_mistune))
        samples["digestkit"].append(timed(library))
    best = {name: min(values) for name, values in samples.items()}

    labels = {
        "floor": "floor: read_bytes + decode",
        "mistune": "mistune bare AST parse",
        "digestkit": "digestkit.parse_file",
    }
    rows = [
        [
            labels[name],
            f"{best[name]:.4f}",
            cell_rate(corpus.size / MB, best[name]),
            f"{best[name] / best['floor']:.1f}x",
        ]
        for name in samples
    ]
    checks = [
        report.check(
            "parse", "digestkit / mistune", best["digestkit"] / best["mistune"], PARSE_MISTUNE
        ),
        report.check("parse", "digestkit / floor", best["digestkit"] / best["floor"], PARSE_FLOOR),
    ]
    report.figures["parse"] = {
        **{name: summary(values) for name, values in samples.items()},
        "mb_per_s": {name: corpus.size / MB / best[name] for name in best},
        "ratio_mistune": checks[0].value,
        "ratio_floor": checks[1].value,
    }
    report.show(
        table(f"1. Parse (best of {repeat})", ("measure", "seconds", "MB/s", "x floor"), rows)
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
    return best["digestkit"]
