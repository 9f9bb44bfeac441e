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


def one_file_view(corpus_view: Path) -> Path:
    """A folder beside the view holding its first digest only: a command run on it costs what
    every run costs whatever its input (start-up and imports), the part no worker can share."""
    first = min(corpus_view.rglob("*.md"))
    folder = corpus_view.parent / f"{corpus_view.name}-one"
    link = folder / first.relative_to(corpus_view)
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(first.resolve())
    return folder


def best_ratio(fixed: float, serial: float, workers: int = 2) -> float:
    """The least `--jobs N / --jobs 1` wall ratio a command can reach (Amdahl): every process
    pays the `fixed` part itself, and only the rest of the `serial` run divides among workers."""
    return (fixed + (serial - fixed) / workers) / serial


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
    one_file = one_file_view(corpus_view)
    for label, before, after in CORES_CASES:
        command = None if cli is None else [*cli, *before, str(corpus_view), *after]
        fixed_command = None if cli is None else [*cli, *before, str(one_file), *after]
        problem = NOT_AVAILABLE if command is None else probe([*command, "--jobs", "2"])
        if cores() < 2:
            problem = f"{NOT_AVAILABLE} (one core)"
        ratio = None
        if command is not None and problem is None:
            assert fixed_command is not None
            samples: dict[str, list[float]] = {"1": [], "2": [], "default": [], "fixed": []}
            cpu: dict[str, list[float]] = {"1": [], "2": [], "default": [], "fixed": []}
            for _ in range(repeat):
                for jobs in samples:
                    extra = ["--jobs", "1"] if jobs == "fixed" else []
                    extra = extra if jobs in ("default", "fixed") else ["--jobs", jobs]
                    run = fixed_command if jobs == "fixed" else command
                    wall, used = run_quiet_cpu([*run, *extra])
                    samples[jobs].append(wall)
                    cpu[jobs].append(used)
            best = {jobs: min(values) for jobs, values in samples.items()}
            ratio = best["2"] / best["1"]
            cpu_ratio = min(cpu["2"]) / min(cpu["1"])
            bound = best_ratio(best["fixed"], best["1"])
            figures[label] = {
                **{f"jobs_{jobs}": summary(values) for jobs, values in samples.items()},
                **{f"cpu_jobs_{jobs}": summary(values) for jobs, values in cpu.items()},
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
                "best_possible_ratio": bound,
            }
            seconds = [f"{best[jobs]:.4f}" for jobs in ("1", "2", "default", "fixed")]
            rows.append([label, *seconds, f"{ratio:.3f}", f"{bound:.3f}", f"{cpu_ratio:.3f}"])
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
            (
                "command",
                "--jobs 1",
                "--jobs 2",
                "default",
                "1 file",
                "2 / 1",
                "best 2 / 1",
                "CPU 2 / 1",
            ),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
