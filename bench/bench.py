"""digestkit's benchmark: speed and memory as ratios against baselines measured in the same run.

Seconds depend on the machine; a ratio against a floor measured in the same process a moment
earlier (reading the files, mistune's bare parse, `import pydantic`) mostly does not, so every
target is a ratio. Every target prints its verdict and its margin. Run
`python bench/bench.py [--corpus PATH] [--quick] [--files N] [--json] [--check]`;
bench/README.md explains each figure and target.

This file is the runner: the arguments, the order of the sections, the summary and the exit
code. Each section's measure is a module of bench/measures/ (run as a script, this folder is on
`sys.path`, so `measures` imports as a package).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import digestkit
from measures.common import (
    CHECK_HEADER,
    MB,
    QUICK_STEP,
    Report,
    check_rows,
    cli_command,
    compile_package,
    default_corpus,
    link_copies,
    load_corpus,
    table,
)
from measures.cores import bench_cores
from measures.hf_json import bench_hf_json
from measures.large_file import bench_large_file
from measures.memory import COPIES, bench_memory
from measures.model_memory import bench_model_memory
from measures.parse import bench_parse
from measures.startup import bench_startup
from measures.writers import bench_writers


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=default_corpus(),
        help="folder of YYYY/MM/DD.md digests (default: $DIGESTKIT_CORPUS or ../shared/corpus)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"every {QUICK_STEP}th file, 3 repetitions, smaller memory cases: verdicts in "
        "under 30 s, to run before every submission",
    )
    parser.add_argument(
        "--files", type=int, help="only N files spread over the years (a smoke test of the script)"
    )
    parser.add_argument("--repeat", type=int, help="repetitions per timing (default 5, quick 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object, no tables")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target fails")
    parser.add_argument(
        "--json-file",
        type=Path,
        help="also write the JSON object to this file (tables still print)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    startup_runs = 5 if args.quick else 15
    report = Report(as_json=args.json)
    corpus = load_corpus(args.corpus, args.quick, args.files)
    report.figures["corpus"] = {
        "path": str(corpus.root),
        "files": len(corpus.files),
        "bytes": corpus.size,
        "papers": corpus.papers,
        "quick": args.quick,
        "python": sys.version.split()[0],
        "digestkit": digestkit.__version__,
    }
    report.show(
        f"digestkit {digestkit.__version__} benchmark: {len(corpus.files)} files, "
        f"{corpus.size / MB:.2f} MB, {corpus.papers} papers from {corpus.root}"
        f" (Python {sys.version.split()[0]}; MB = 10^6 bytes)\n"
    )

    parse_seconds = bench_parse(report, corpus, repeat)
    bench_writers(report, corpus, parse_seconds, repeat)
    compile_package()
    cli = cli_command()
    with tempfile.TemporaryDirectory(prefix="digestkit-bench-") as tmp:
        scratch = Path(tmp)
        views = {n: link_copies(corpus, scratch / f"x{n}", n) for n in (1, COPIES)}
        bench_startup(report, cli, views[1], parse_seconds, startup_runs, repeat)
        bench_memory(report, cli, views, scratch)
        bench_hf_json(report, cli, scratch, args.quick, repeat)
        bench_cores(report, cli, views[1], parse_seconds, min(repeat, 3))
        bench_large_file(report, cli, corpus, scratch, args.quick)
    bench_model_memory(report, corpus, args.quick)

    failed = [c for c in report.checks if c.verdict == "FAIL"]
    report.figures["summary"] = {
        "checks": [{**asdict(c), "verdict": c.verdict, "margin": c.margin} for c in report.checks],
        "passed": sum(c.verdict == "PASS" for c in report.checks),
        "failed": len(failed),
        "not_measured": sum(c.verdict == "n/a" for c in report.checks),
    }
    figures = json.dumps(report.figures, indent=2)
    if args.json_file:
        args.json_file.write_text(figures + "\n", encoding="utf-8")
    if args.json:
        print(figures)
    else:
        rows = [
            [c.section, *row]
            for c, row in zip(report.checks, check_rows(report.checks), strict=True)
        ]
        totals = report.figures["summary"]
        report.show(
            table(
                f"Summary: {totals['passed']} of {len(rows)} targets met, "
                f"{totals['failed']} FAIL, {totals['not_measured']} not measured",
                ("section", *CHECK_HEADER),
                rows,
                left=2,
            )
        )
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
