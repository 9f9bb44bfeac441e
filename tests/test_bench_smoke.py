"""bench/bench.py runs end to end in `--quick` mode (on 5 files): every section prints, every
target has a verdict and a margin, and `--check` decides the exit code from the verdicts it
printed. Timings are never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CORPUS, ROOT

pytestmark = pytest.mark.corpus

BENCH = ROOT / "bench" / "bench.py"
SECTIONS = (
    "1. Parse",
    "2. Writers",
    "3. CLI start-up",
    "4. Streaming memory",
    "5. hf-json read",
    "6. Both cores",
    "7. One large file",
    "8. Model memory",
    "Summary:",
)
WRITERS = (
    "json",
    "jsonl",
    "csv",
    "bibtex",
    "markdown faithful",
    "markdown canonical",
    "html",
    "hf-json",
    "csl-json",
    "ris",
    "atom",
)
VERDICTS = {"PASS", "FAIL"}  # every part exists now: a figure "not available" is a failure
TARGETS = 17 + len(WRITERS)  # two a timed section, six for both cores, one large file, one a writer


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    """`--quick` on 5 files, each timing once (`--repeat 1`): the figures are not asserted, so
    repeating them buys nothing here and halves the test's cost."""
    quick = ("--quick", "--repeat", "1", "--files", "5", "--corpus", str(CORPUS))
    return subprocess.run(
        [sys.executable, str(BENCH), *quick, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_quick_run_prints_every_section(corpus: list[Path]) -> None:
    run = run_bench()
    assert run.returncode == 0, run.stderr
    out = run.stdout
    positions = [out.find(title) for title in SECTIONS]
    assert -1 not in positions, out
    assert positions == sorted(positions), out
    assert "5 files" in out
    writers = out[out.find("2. Writers") : out.find("3. CLI start-up")]
    for label in WRITERS:
        assert any(line.strip().startswith(label) for line in writers.splitlines()), label
    summary = [line for line in out[out.find("Summary:") :].splitlines()[3:] if line.strip()]
    assert len(summary) == TARGETS
    assert all(line.split()[-2] in VERDICTS for line in summary), summary
    for line in summary:  # the margin: how far below (+) or above (-) its limit a ratio is
        cells = line.split()
        ratio, limit, margin = float(cells[-5]), float(cells[-3]), float(cells[-1].rstrip("%"))
        # Rounding: the margin to 1%, the ratio to 3 decimals (0.0005 of it is 1% of a 0.05 limit)
        slack = 1 + 100 * 0.0005 / limit
        assert margin == pytest.approx(100 * (limit - ratio) / limit, abs=slack), line


def test_json_figures_and_check_exit_code(corpus: list[Path]) -> None:
    run = run_bench("--json", "--check")
    report: dict[str, Any] = json.loads(run.stdout)
    assert report["corpus"]["files"] == 5
    assert report["corpus"]["papers"] > 0
    parse = report["parse"]
    best = {name: parse[name]["best"] for name in ("floor", "mistune", "digestkit")}
    assert all(seconds > 0 for seconds in best.values())
    assert parse["ratio_mistune"] == pytest.approx(best["digestkit"] / best["mistune"])
    assert parse["ratio_floor"] == pytest.approx(best["digestkit"] / best["floor"])
    assert set(report["writers"]) == set(WRITERS)
    assert all(report["writers"][label]["available"] is True for label in WRITERS)
    checks = report["summary"]["checks"]
    assert len(checks) == TARGETS
    assert all(
        check["margin"] == pytest.approx((check["limit"] - check["value"]) / check["limit"])
        for check in checks
    )
    hf = report["hf_json"]
    assert hf["entries"] > 0 and hf["mb_per_s"] > 0 and hf["validate"]["bytes_per_byte"] > 0
    assert {check["verdict"] for check in checks} <= VERDICTS
    failed = sum(check["verdict"] == "FAIL" for check in checks)
    assert report["summary"]["failed"] == failed
    assert run.returncode == (1 if failed else 0), run.stderr
