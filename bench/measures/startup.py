"""Section 3: the command line's start-up against `import pydantic`, and `validate` of the
corpus against start-up plus its parse time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .common import (
    CHECK_HEADER,
    NOT_AVAILABLE,
    Report,
    cell_num,
    check_rows,
    probe,
    run_quiet,
    summary,
    table,
)

VALIDATE_PARSE = 1.3


def describe(cli: list[str]) -> str:
    return "digestkit" if len(cli) == 1 else "python -m digestkit"


def bench_startup(
    report: Report,
    cli: list[str] | None,
    corpus_view: Path,
    parse_seconds: float,
    runs: int,
    repeat: int,
) -> None:
    baseline = [sys.executable, "-c", "import pydantic"]
    # What every command that makes a model imports (`pydantic` alone imports almost nothing).
    models_base = [sys.executable, "-c", "import pydantic.main"]
    rows: list[list[str]] = []
    figures: dict[str, Any] = {"command": cli}
    startup: float | None = None
    validate: float | None = None
    pydantic_samples: list[float] = []
    base_samples: list[float] = []
    cli_samples: list[float] = []
    for _ in range(runs):  # interleaved, best of `runs`
        pydantic_samples.append(run_quiet(baseline))
        base_samples.append(run_quiet(models_base))
        if cli is not None:
            cli_samples.append(run_quiet([*cli, "--version"]))
    figures["import_pydantic"] = summary(pydantic_samples)
    figures["import_pydantic_main"] = summary(base_samples)
    rows.append(["python -c 'import pydantic'", f"{min(pydantic_samples):.4f}"])
    rows.append(["python -c 'import pydantic.main' (BaseModel)", f"{min(base_samples):.4f}"])
    if cli is None:
        rows.append(["digestkit --version", NOT_AVAILABLE])
    else:
        startup = min(cli_samples)
        figures["version"] = summary(cli_samples)
        rows.append([f"{describe(cli)} --version", f"{startup:.4f}"])

    validate_command = None if cli is None else [*cli, "validate", str(corpus_view)]
    problem = NOT_AVAILABLE if validate_command is None else probe(validate_command)
    if validate_command is not None and problem is None:
        assert cli is not None
        one_file = min(corpus_view.rglob("*.md"))
        samples, one_samples = [], []
        for _ in range(repeat):
            samples.append(run_quiet(validate_command))
            one_samples.append(run_quiet([*cli, "validate", str(one_file)]))
        validate = min(samples)
        figures["validate"] = summary(samples)
        figures["validate_one_file"] = summary(one_samples)
        rows.append(["digestkit validate <one corpus file>", f"{min(one_samples):.4f}"])
        rows.append(["digestkit validate <corpus>", f"{validate:.4f}"])
    else:
        figures["validate"] = {"available": False, "reason": problem}
        rows.append(
            [
                "digestkit validate <corpus>",
                f"{NOT_AVAILABLE} ({problem})" if problem != NOT_AVAILABLE else NOT_AVAILABLE,
            ]
        )
    budget = None if startup is None else startup + VALIDATE_PARSE * parse_seconds
    rows.append([f"budget: start-up + {VALIDATE_PARSE:g} x parse", cell_num(budget, 4)])
    # The budget leaves (1.3 - 1) x parse for all validate does besides parsing: the imports.
    allowance = (VALIDATE_PARSE - 1) * parse_seconds
    rows.append([f"of it, besides the parse: {VALIDATE_PARSE - 1:.1g} x parse", f"{allowance:.4f}"])

    checks = [
        report.check(
            "startup",
            "digestkit --version / import pydantic",
            None if startup is None else startup / min(pydantic_samples),
            1.3,
        ),
        report.check(
            "startup",
            f"validate / (start-up + {VALIDATE_PARSE:g} x parse)",
            None if validate is None or budget is None else validate / budget,
            1.0,
        ),
    ]
    figures["ratio_startup"] = checks[0].value
    figures["ratio_validate_budget"] = checks[1].value
    report.figures["startup"] = figures
    report.show(
        table(
            f"3. CLI start-up (best of {runs}; validate best of {repeat})",
            ("measure", "seconds"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))
