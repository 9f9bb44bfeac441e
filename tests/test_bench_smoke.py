"""bench/bench.py runs end to end in `--quick` mode: every section prints, and `--check` decides
the exit code from the verdicts it printed. Timings are never asserted here."""

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
    "6. Model memory",
    "Summary:",
)
WRITERS = ("json", "jsonl", "csv", "bibtex", "markdown faithful", "markdown canonical", "html")
VERDICTS = {"PASS", "FAIL"}  # every part exists now: a figure "not available" is a failure


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--corpus", str(CORPUS), *args],
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
    assert len(summary) == 10  # two targets per section but the writers
    assert all(line.split()[-1] in VERDICTS for line in summary), summary


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
    assert len(checks) == 10
    hf = report["hf_json"]
    assert hf["entries"] > 0 and hf["mb_per_s"] > 0 and hf["validate"]["bytes_per_byte"] > 0
    assert {check["verdict"] for check in checks} <= VERDICTS
    failed = sum(check["verdict"] == "FAIL" for check in checks)
    assert report["summary"]["failed"] == failed
    assert run.returncode == (1 if failed else 0), run.stderr
