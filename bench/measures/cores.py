"""Section 6: the multi-file commands with `--jobs 2` against `--jobs 1` (wall and CPU time),
and `validate` against its start-up + parse budget."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import CHECK_HEADER, NOT_AVAILABLE, Check, Report, check_rows, probe, summary, table

# (label, command arguments before the corpus folder, after it)
CORES_CASES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("validate", ("validate",), ()),
    ("convert --to jsonl", ("convert",), ("--to", "jsonl")),
    ("convert --to csv", ("convert",), ("--to", "csv")),
    ("fmt --check", ("fmt", "--check"), ()),
)
VALIDATE_PARSES = 1.3  # issue 17: validate of the corpus <= start-up + 1.3 x parse


def run_quiet_cpu(command: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and the CPU seconds (user + system) of the command and its workers: on a
    machine whose cores are all busy the wall time cannot halve, but the CPU time shows what
    the workers cost on top of the work itself."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start  # not `run_quiet`, which gives CPU seconds
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, used


def bench_cores(
    report: Report, cli: list[str] | None, corpus_view: Path, parse_seconds: float, repeat: int
) -> None:
    """Wall time of each multi-file command with `--jobs 2` against `--jobs 1`, interleaved,
    and `validate` against its budget of start-up + 1.3 x parse (section 3's start-up)."""
    from digestkit.cli.jobs import cores

    rows: list[list[str]] = []
    figures: dict[str, Any] = {"cores": cores()}
    checks: list[Check] = []
    startup = report.figures.get("startup", {}).get("version", {}).get("best")
    budget = None if startup is None else startup + VALIDATE_PARSES * parse_seconds
    for label, before, after in CORES_CASES:
        command = None if cli is None else [*cli, *before, str(corpus_view), *after]
        problem = NOT_AVAILABLE if command is None else probe([*command, "--jobs", "2"])
        if cores() < 2:
            problem = f"{NOT_AVAILABLE} (one core)"
        ratio = None
        if command is not None and problem is None:
            samples: dict[str, list[float]] = {"1": [], "2": [], "default": []}
            cpu: dict[str, list[float]] = {"1": [], "2": [], "default": []}
            for _ in range(repeat):
                for jobs in samples:
                    extra = [] if jobs == "default" else ["--jobs", jobs]
                    wall, used = run_quiet_cpu([*command, *extra])
                    samples[jobs].append(wall)
                    cpu[jobs].append(used)
            best = {jobs: min(values) for jobs, values in samples.items()}
            ratio = best["2"] / best["1"]
            cpu_ratio = min(cpu["2"]) / min(cpu["1"])
            figures[label] = {
                **{f"jobs_{jobs}": summary(values) for jobs, values in samples.items()},
                **{f"cpu_jobs_{jobs}": summary(values) for jobs, values in cpu.items()},
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
            }
            seconds = [f"{best[jobs]:.4f}" for jobs in ("1", "2", "default")]
            rows.append([label, *seconds, f"{ratio:.3f}", f"{cpu_ratio:.3f}"])
            if label == "validate" and budget is not None:
                for jobs in ("1", "default"):
                    figures[label][f"ratio_budget_jobs_{jobs}"] = best[jobs] / budget
        else:
            figures[label] = {"available": False, "reason": problem}
            rows.append([label, str(problem)])
        checks.append(report.check("cores", f"{label}: --jobs 2 / --jobs 1", ratio, 0.6))
    validate = figures.get("validate", {})
    for jobs in ("1", "default"):
        name = "" if jobs == "default" else " --jobs 1"
        checks.append(
            report.check(
                "cores",
                f"validate{name} / (start-up + {VALIDATE_PARSES:g} x parse)",
                validate.get(f"ratio_budget_jobs_{jobs}"),
                1.0,
            )
        )
    report.figures["cores"] = figures
    report.show(
        table(
            f"6. Both cores: wall seconds over the corpus on {cores()} cores (best of {repeat})",
            ("command", "--jobs 1", "--jobs 2", "default", "2 / 1", "CPU 2 / 1"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
