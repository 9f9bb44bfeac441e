"""bench/bench.py runs end to end in `--quick` mode (on 5 files): every section prints, every
target has a verdict and a margin, and `--check` decides the exit code from the verdicts it
printed. One run serves every test (`--check --json-file`: the tables on stdout, the figures
in the file), since each run costs about 15 s of CPU. Timings are never asserted here."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import CORPUS, ROOT

pytestmark = [pytest.mark.corpus, pytest.mark.heavy]

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


@dataclass(frozen=True)
class BenchRun:
    run: subprocess.CompletedProcess[str]
    report: dict[str, Any]


@pytest.fixture(scope="module")
def bench_run(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> BenchRun:
    """The one run, shared by pytest-xdist's workers through a lock in the session's folder
    (each worker has its own module scope; the first to take the lock runs the bench)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    saved = shared / "bench-smoke.json"
    with (shared / "bench-smoke.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            figures = shared / "bench-figures.json"
            run = run_bench("--check", "--json-file", str(figures))
            assert run.returncode in (0, 1), run.stderr
            kept = [run.returncode, run.stdout, run.stderr, figures.read_text(encoding="utf-8")]
            saved.write_text(json.dumps(kept), encoding="utf-8")
    returncode, stdout, stderr, figures_text = json.loads(saved.read_text(encoding="utf-8"))
    run = subprocess.CompletedProcess(BENCH.name, returncode, stdout, stderr)
    return BenchRun(run, json.loads(figures_text))


def failed_in_table(out: str) -> int:
    summary = [line for line in out[out.find("Summary:") :].splitlines()[3:] if line.strip()]
    return sum(line.split()[-2] == "FAIL" for line in summary)


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


def test_quick_run_prints_every_section(bench_run: BenchRun) -> None:
    run = bench_run.run
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
    # `--check`: exit 1 exactly when the printed table has a FAIL
    assert run.returncode == (1 if failed_in_table(out) else 0), run.stderr


def test_json_figures_and_check_exit_code(bench_run: BenchRun) -> None:
    run, report = bench_run.run, bench_run.report
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
    for label in ("validate", "fmt --check"):  # Amdahl's bound from the one-file run
        cores = report["cores"][label]
        fixed, serial = cores["jobs_fixed"]["best"], cores["jobs_1"]["best"]
        assert 0.5 < cores["best_possible_ratio"] == pytest.approx(0.5 + fixed / serial / 2)
    assert report["startup"]["validate_one_file"]["best"] > 0
    hf = report["hf_json"]
    assert hf["entries"] > 0 and hf["mb_per_s"] > 0 and hf["validate"]["bytes_per_byte"] > 0
    assert {check["verdict"] for check in checks} <= VERDICTS
    failed = sum(check["verdict"] == "FAIL" for check in checks)
    assert report["summary"]["failed"] == failed
    assert run.returncode == (1 if failed else 0), run.stderr
    assert failed_in_table(run.stdout) == failed  # the file and the tables are of one run
