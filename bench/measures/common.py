"""What every measure shares: timing, subprocess probes, tables, the corpus, the command
line, and the `Report` the runner prints. A figure or helper two sections use lives here."""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import digestkit

ROOT = Path(__file__).resolve().parents[2]  # the checkout: bench/measures/common.py
DIGEST_GLOB = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9].md"
MB = 1_000_000
QUICK_STEP = 4  # --quick parses every 4th corpus file: all eras, a quarter of the time
NOT_AVAILABLE = "not available"

# Runs a command in a fresh interpreter and reports that command's own peak RSS: the getrusage
# maximum of RUSAGE_CHILDREN covers only this wrapper's children, so runs cannot mask each other.
RSS_WRAPPER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, timeout=600)
    rc, stderr = run.returncode, run.stderr[-2000:]
except subprocess.TimeoutExpired:
    rc, stderr = -1, "timed out after 600 s"
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - start, "stderr": stderr,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


@dataclass
class Check:
    """One target: `value <= limit` passes; `value is None` means it could not be measured."""

    section: str
    name: str
    value: float | None
    limit: float

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        return "PASS" if self.value <= self.limit else "FAIL"

    @property
    def margin(self) -> float | None:
        """How far below its limit the value is, as a share of the limit: +0.25 passes with a
        quarter to spare, -0.10 fails by a tenth."""
        if self.value is None:
            return None
        return (self.limit - self.value) / self.limit


@dataclass
class Report:
    """Everything measured, printed as tables as it comes or dumped as one JSON object."""

    as_json: bool
    figures: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    def show(self, text: str) -> None:
        if not self.as_json:
            print(text, flush=True)

    def check(self, section: str, name: str, value: float | None, limit: float) -> Check:
        self.checks.append(Check(section, name, value, limit))
        return self.checks[-1]


# --- measuring -------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """CPU seconds one call takes, after a full collection so earlier garbage is not billed to
    it. CPU time, not wall time: on a loaded machine waiting for a core is not the code's cost.
    The collector stays on: users run with it on, and digestkit builds many objects."""
    gc.collect()
    start = time.process_time()
    action()
    return time.process_time() - start


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Best (used for every ratio), median and the raw samples."""
    return {"best": min(samples), "median": statistics.median(samples), "samples": list(samples)}


def run_quiet(command: Sequence[str]) -> float:
    """CPU seconds (user + system) of `command`, like `timed`: the children's rusage grows by
    exactly this run's, since each run is waited for before the next."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def probe(command: Sequence[str], findings_ok: bool = True) -> str | None:
    """None when `command` ran normally, otherwise a one-line reason. With `findings_ok`,
    exit 1 counts as normal (the CLI's "found problems in the input", not breakage)."""
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{type(error).__name__}: {error}"
    return failure(run.returncode, run.stderr, findings_ok)


def failure(returncode: int, stderr: str, findings_ok: bool = True) -> str | None:
    normal = (0, 1) if findings_ok else (0,)
    if returncode in normal and "Traceback (most recent call last)" not in stderr:
        return None
    lines = stderr.strip().splitlines()
    return f"exit {returncode}: {lines[-1] if lines else 'no message'}"[:100]


def peak_rss(command: Sequence[str]) -> dict[str, Any]:
    """Run `command` under `RSS_WRAPPER`; its exit code, seconds and peak RSS in KiB."""
    wrapper = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(wrapper.stdout)
    return result


# --- formatting ------------------------------------------------------------------------------


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """An aligned plain-text table: the first `left` columns left-aligned, the others
    right-aligned; a row shorter than the header (a "not available" line) is left as it is."""
    full = [row for row in (header, *rows) if len(row) == len(header)]
    widths = [max(len(row[i]) for row in full) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        return "  " + "  ".join(cells).rstrip()

    rule = "  " + "-" * (sum(widths) + 2 * (len(widths) - 1))
    head = [title] if title else []
    return "\n".join([*head, line(header), rule, *(line(row) for row in rows), ""])


def check_rows(checks: Sequence[Check]) -> list[list[str]]:
    return [
        [c.name, cell_num(c.value), f"<= {c.limit:g}", c.verdict, _margin(c.margin)] for c in checks
    ]


CHECK_HEADER = ("target", "ratio", "limit", "verdict", "margin")


def _margin(margin: float | None) -> str:
    return "-" if margin is None else f"{margin:+.0%}"


def cell_num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def cell_rate(amount: float, seconds: float | None) -> str:
    return "-" if not seconds else f"{amount / seconds:,.1f}"


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: list[Path]
    size: int  # bytes
    papers: int


def default_corpus() -> Path:
    return Path(os.environ.get("DIGESTKIT_CORPUS", ROOT.parent / "shared" / "corpus"))


def load_corpus(root: Path, quick: bool, count: int | None = None) -> Corpus:
    """The digests under `root`: all, every `QUICK_STEP`th with `quick`, or `count` of them
    spread over the years (so every era of the format is in a sample)."""
    files = sorted(root.glob(DIGEST_GLOB))
    if not files:
        raise SystemExit(f"bench: no digest files (YYYY/MM/DD.md) under {root}")
    if count is not None:
        step = max(1, len(files) // count)
        files = files[::step][:count]
    elif quick:
        files = files[::QUICK_STEP]
    size = sum(path.stat().st_size for path in files)
    papers = sum(len(digestkit.parse_file(path).papers) for path in files)
    return Corpus(root, files, size, papers)


def link_copies(corpus: Corpus, target: Path, copies: int) -> Path:
    """`copies` copies of the corpus as symlinks, each in its own subfolder c0, c1, ..."""
    for copy in range(copies):
        for path in corpus.files:
            link = target / f"c{copy}" / path.relative_to(corpus.root)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
    return target


# --- the command line ------------------------------------------------------------------------


def compile_package() -> None:
    """Bytecode for digestkit's modules, as an installed package has it (pip compiles at install
    time): under PYTHONDONTWRITEBYTECODE=1 a checkout would recompile every module in every
    timed command, 15% of `validate`'s instructions on the quick corpus and all of them outside
    the parse the budget allows for. Written to the checkout's __pycache__ (git ignores it)."""
    import compileall

    compileall.compile_dir(Path(digestkit.__file__).parent, quiet=2)


def cli_command() -> list[str] | None:
    """The installed console script (next to this interpreter first), else `python -m`."""
    script = Path(sys.executable).with_name("digestkit")
    candidates: list[list[str]] = []
    if script.exists():
        candidates.append([str(script)])
    elif found := shutil.which("digestkit"):
        candidates.append([found])
    candidates.append([sys.executable, "-m", "digestkit"])
    for command in candidates:
        if probe([*command, "--version"], findings_ok=False) is None:
            return command
    return None
