"""digestkit's benchmark: speed and memory as ratios against baselines measured in the same run.

Seconds depend on the machine; a ratio against a floor measured in the same process a moment
earlier (reading the files, mistune's bare parse, `import pydantic`) mostly does not, so every
target is a ratio. Every target prints its verdict and its margin. Run
`python bench/bench.py [--corpus PATH] [--quick] [--files N] [--json] [--check]`;
bench/README.md explains each figure and target.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import mistune

import digestkit
from digestkit.hf_json import HfJsonLossWarning
from digestkit.writers import get_format

ROOT = Path(__file__).resolve().parent.parent
DIGEST_GLOB = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9].md"
MB = 1_000_000
QUICK_STEP = 4  # --quick parses every 4th corpus file: all eras, a quarter of the time
# Issue 17's targets, as ratios to baselines measured in the same run.
PARSE_MISTUNE = 0.05
PARSE_FLOOR = 10
WRITER_PARSE = 0.5
VALIDATE_PARSE = 1.3
NOT_AVAILABLE = "not available"

# (label, format name, dumps options): markdown faithful is the default mode.
WRITER_CASES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("json", "json", {}),
    ("jsonl", "jsonl", {}),
    ("csv", "csv", {}),
    ("bibtex", "bibtex", {}),
    ("markdown faithful", "markdown", {}),
    ("markdown canonical", "markdown", {"mode": "canonical"}),
    ("html", "html", {}),
    ("hf-json", "hf-json", {}),
    ("csl-json", "csl-json", {}),
    ("ris", "ris", {}),
    ("atom", "atom", {}),
)
# Formats converted in the memory section, and whether the 1.2x target applies (BibTeX must
# remember every key it has used, so it may grow; its growth is reported without a target).
MEMORY_CASES: tuple[tuple[str, bool], ...] = (("jsonl", True), ("csv", True), ("bibtex", False))
COPIES = 4
HF_MB = 53  # the case: 580 real responses merged, 53 MB
HF_QUICK_MB = 3

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
    return _failure(run.returncode, run.stderr, findings_ok)


def _failure(returncode: int, stderr: str, findings_ok: bool = True) -> str | None:
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
        [c.name, _num(c.value), f"<= {c.limit:g}", c.verdict, _margin(c.margin)] for c in checks
    ]


CHECK_HEADER = ("target", "ratio", "limit", "verdict", "margin")


def _margin(margin: float | None) -> str:
    return "-" if margin is None else f"{margin:+.0%}"


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _rate(amount: float, seconds: float | None) -> str:
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


# --- section 1: parse ------------------------------------------------------------------------


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
            _rate(corpus.size / MB, best[name]),
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


# --- section 2: writers ----------------------------------------------------------------------


def writer_missing(fmt: str) -> str | None:
    module = get_format(fmt).module
    try:
        found = importlib.util.find_spec(module) is not None
    except ImportError:
        found = False
    return None if found else NOT_AVAILABLE


def bench_writers(report: Report, corpus: Corpus, parse_seconds: float, repeat: int) -> None:
    documents = [digestkit.parse_file(path) for path in corpus.files]
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    for label, fmt, options in WRITER_CASES:
        problem = writer_missing(fmt)
        samples: list[float] = []
        size = 0
        if problem is None:
            # hf-json warns what the API format cannot hold (HfJsonLossWarning), a message per
            # count, so the warnings registry would grow and print hundreds of lines. A user
            # who wants speed filters the category too; the timings do the same.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HfJsonLossWarning)
                try:
                    size = len(digestkit.dumps(documents, fmt, **options))
                    samples = [
                        timed(partial(digestkit.dumps, documents, fmt, **options))
                        for _ in range(repeat)
                    ]
                except Exception as error:  # a writer still being written must not stop the run
                    problem = f"error: {type(error).__name__}: {error}"[:70]
        if problem is not None:
            figures[label] = {"available": False, "reason": problem}
            rows.append([label, problem])
            checks.append(report.check("writers", f"{label} / parse", None, WRITER_PARSE))
            continue
        best = min(samples)
        figures[label] = {
            "available": True,
            **summary(samples),
            "papers_per_s": corpus.papers / best,
            "ratio_parse": best / parse_seconds,
            "output_chars": size,
        }
        rows.append(
            [
                label,
                f"{best:.4f}",
                _rate(corpus.papers, best),
                f"{best / parse_seconds:.2f}",
                f"{size / MB:.2f}",
            ]
        )
        checks.append(
            report.check("writers", f"{label} / parse", best / parse_seconds, WRITER_PARSE)
        )
    report.figures["writers"] = figures
    report.show(
        table(
            f"2. Writers: digestkit.dumps over {len(documents)} documents (best of {repeat})",
            ("format", "seconds", "papers/s", "x parse", "M chars"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))


# --- section 3: CLI start-up -----------------------------------------------------------------


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
    rows: list[list[str]] = []
    figures: dict[str, Any] = {"command": cli}
    startup: float | None = None
    validate: float | None = None
    pydantic_samples: list[float] = []
    cli_samples: list[float] = []
    for _ in range(runs):  # interleaved, best of `runs`
        pydantic_samples.append(run_quiet(baseline))
        if cli is not None:
            cli_samples.append(run_quiet([*cli, "--version"]))
    figures["import_pydantic"] = summary(pydantic_samples)
    rows.append(["python -c 'import pydantic'", f"{min(pydantic_samples):.4f}"])
    if cli is None:
        rows.append(["digestkit --version", NOT_AVAILABLE])
    else:
        startup = min(cli_samples)
        figures["version"] = summary(cli_samples)
        rows.append([f"{describe(cli)} --version", f"{startup:.4f}"])

    validate_command = None if cli is None else [*cli, "validate", str(corpus_view)]
    problem = NOT_AVAILABLE if validate_command is None else probe(validate_command)
    if validate_command is not None and problem is None:
        samples = [run_quiet(validate_command) for _ in range(repeat)]
        validate = min(samples)
        figures["validate"] = summary(samples)
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
    rows.append([f"budget: start-up + {VALIDATE_PARSE:g} x parse", _num(budget, 4)])

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


# --- section 4: streaming memory -------------------------------------------------------------


def convert_rss(cli: list[str], source: Path, fmt: str, out: Path) -> dict[str, Any]:
    result = peak_rss([*cli, "convert", str(source), "--to", fmt, "-o", str(out)])
    problem = _failure(result["rc"], result["stderr"])
    if problem is None and not (out.exists() and out.stat().st_size):
        problem = f"exit {result['rc']}: wrote no output"
    result["problem"] = problem
    result["output_bytes"] = out.stat().st_size if out.exists() else 0
    return result


def bench_memory(
    report: Report, cli: list[str] | None, views: dict[int, Path], scratch: Path
) -> None:
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    base_kib: int | None = None
    if cli is not None:
        base_kib = int(peak_rss([*cli, "--version"])["maxrss_kib"])
        figures["version_maxrss_kib"] = base_kib
        rows.append(["digestkit --version", f"{base_kib / 1024:.1f}", "", "", "", ""])
    for fmt, targeted in MEMORY_CASES:
        runs = (
            {}
            if cli is None
            else {
                copies: convert_rss(cli, view, fmt, scratch / f"out{copies}.{fmt}")
                for copies, view in views.items()
            }
        )
        problem = (
            NOT_AVAILABLE
            if cli is None
            else next((r["problem"] for r in runs.values() if r["problem"]), None)
        )
        ratio = None
        if problem is None:
            one, many = runs[1], runs[COPIES]
            ratio = many["maxrss_kib"] / one["maxrss_kib"]
            figures[fmt] = {
                "maxrss_kib_1x": one["maxrss_kib"],
                f"maxrss_kib_{COPIES}x": many["maxrss_kib"],
                "ratio": ratio,
                "seconds_1x": one["seconds"],
                f"seconds_{COPIES}x": many["seconds"],
                "growth_kib": many["maxrss_kib"] - one["maxrss_kib"],
                "output_ratio": many["output_bytes"] / one["output_bytes"],
            }
            growth = figures[fmt]["growth_kib"] / 1024
            rows.append(
                [
                    f"convert --to {fmt}",
                    f"{one['maxrss_kib'] / 1024:.1f}",
                    f"{many['maxrss_kib'] / 1024:.1f}",
                    f"{ratio:.3f}",
                    f"{growth:+.1f}",
                    f"{figures[fmt]['output_ratio']:.2f}",
                ]
            )
        else:
            figures[fmt] = {"available": False, "reason": problem}
            rows.append([f"convert --to {fmt}", problem])
        if targeted:
            checks.append(report.check("memory", f"{fmt}: peak {COPIES}x / peak 1x", ratio, 1.2))
    report.figures["memory"] = figures
    report.show(
        table(
            f"4. Streaming memory: peak RSS of `digestkit convert` (MiB), corpus 1x vs {COPIES}x",
            ("command", "1x", f"{COPIES}x", f"{COPIES}x/1x", "growth", "out x"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))


# --- section 5: hf-json reading --------------------------------------------------------------


def default_hf_api() -> Path:
    return Path(os.environ.get("DIGESTKIT_HF_API", ROOT.parent / "shared" / "hf-api"))


def build_hf_case(source: Path, target: Path, megabytes: int) -> tuple[int, int]:
    """One JSON array of `megabytes` MB from the real responses in `source`, repeated with a
    new arXiv id and days shifted per copy (so no entry repeats one before it), written as the
    API writes it (indented by 2). Returns (bytes, entries)."""
    responses = [json.loads(path.read_bytes()) for path in sorted(source.glob("*.json"))]
    if not responses:
        raise FileNotFoundError(f"no *.json responses in {source}")
    entries = 0
    with target.open("w", encoding="utf-8") as out:
        out.write("[")
        copy = 0
        while out.tell() < megabytes * MB:
            for response in responses:
                for entry in response:
                    entries += 1
                    out.write(("," if entries > 1 else "") + "\n  ")
                    shifted = _shifted(entry, copy, entries)
                    text = json.dumps(shifted, ensure_ascii=False, indent=2)
                    out.write(text.replace("\n", "\n  "))
            copy += 1
        out.write("\n]\n")
    return target.stat().st_size, entries


def _shifted(entry: dict[str, Any], copy: int, number: int) -> dict[str, Any]:
    import datetime as dt

    def shift(value: Any) -> Any:
        if not isinstance(value, str) or len(value) < 10:
            return value
        try:
            day = dt.date.fromisoformat(value[:10]) + dt.timedelta(days=copy)
        except ValueError:
            return value
        return day.isoformat() + value[10:]

    paper = dict(entry["paper"])
    paper["id"] = f"{24 + copy // 12 % 70:02d}{copy % 12 + 1:02d}.{number % 100_000:05d}"
    for key in ("publishedAt", "submittedOnDailyAt"):
        if key in paper:
            paper[key] = shift(paper[key])
    shifted = dict(entry, paper=paper)
    if "publishedAt" in entry:
        shifted["publishedAt"] = shift(entry["publishedAt"])
    return shifted


def bench_hf_json(
    report: Report, cli: list[str] | None, scratch: Path, quick: bool, repeat: int
) -> None:
    """Reading merged API responses: MB/s in process, and peak RSS of `validate` per input
    byte (above `digestkit --version`, the fixed cost), against the issue's targets."""
    from digestkit.hf_json import read_daily_papers

    size_mb = HF_QUICK_MB if quick else HF_MB
    case = scratch / "merged.hf.json"
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    rate = per_byte = None
    try:
        size, entries = build_hf_case(default_hf_api(), case, size_mb)
    except (OSError, ValueError) as error:
        figures = {"available": False, "reason": f"{type(error).__name__}: {error}"}
        rows.append(["hf-json read", NOT_AVAILABLE])
    else:
        data = case.read_bytes()
        floor = [timed(lambda: json.loads(data)) for _ in range(repeat)]
        read = [timed(lambda: read_daily_papers(data, path=str(case))) for _ in range(repeat)]
        del data
        rate = size / MB / min(read)
        figures = {
            "bytes": size,
            "entries": entries,
            "json_loads": summary(floor),
            "read": summary(read),
            "mb_per_s": rate,
            "ratio_json_loads": min(read) / min(floor),
        }
        rows.append(["json.loads (floor)", f"{min(floor):.3f}", _rate(size / MB, min(floor)), ""])
        rows.append(["read_daily_papers", f"{min(read):.3f}", f"{rate:.1f}", ""])
        if cli is not None:
            base = int(peak_rss([*cli, "--version"])["maxrss_kib"])
            run = peak_rss([*cli, "validate", "--from", "hf-json", str(case)])
            problem = _failure(run["rc"], run["stderr"])
            if problem is None:
                per_byte = (run["maxrss_kib"] - base) * 1024 / size
                figures["validate"] = {
                    "maxrss_kib": run["maxrss_kib"],
                    "version_maxrss_kib": base,
                    "seconds": run["seconds"],
                    "bytes_per_byte": per_byte,
                    "total_bytes_per_byte": run["maxrss_kib"] * 1024 / size,
                }
                rows.append(
                    [
                        "validate --from hf-json (peak RSS)",
                        f"{run['seconds']:.3f}",
                        _rate(size / MB, run["seconds"]),
                        f"{per_byte:.2f}",
                    ]
                )
            else:
                figures["validate"] = {"available": False, "reason": problem}
                rows.append(["validate --from hf-json", problem])
    report.figures["hf_json"] = figures
    checks = [
        report.check("hf-json", "20 MB/s / read MB/s", None if rate is None else 20 / rate, 1.0),
        report.check("hf-json", "validate RSS bytes per input byte", per_byte, 5.0),
    ]
    report.show(
        table(
            f"5. hf-json read: {size_mb} MB of merged API responses"
            + (f", {figures['entries']} entries" if "entries" in figures else ""),
            ("step", "seconds", "MB/s", "bytes/byte"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))


# --- section 6: both cores --------------------------------------------------------------------
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
    from digestkit._jobs import cores

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


# --- section 7: one large file ------------------------------------------------------------------
LARGE_MIN = 8 * MB  # the 1x file: past the size below which files are parsed whole
LARGE_QUICK_MIN = 5 * MB
LARGE_COPIES = 4
LARGE_CASES = (
    ("validate", ("validate",)),
    ("convert --to jsonl", ("convert", "--to", "jsonl", "-o", "large.jsonl")),
    ("convert --to csv", ("convert", "--to", "csv", "-o", "large.csv")),
)
_HEADING_URL = re.compile(rb"^(### \[.*\]\([^)\s]+)\)", re.MULTILINE)


def build_large_file(corpus: Corpus, target: Path, minimum: int) -> int:
    """The corpus as one file, repeated until it holds `minimum` bytes; each copy's paper URLs
    get a `#cN` fragment so that no copy repeats an earlier one (DK113)."""
    data = b"\n".join(path.read_bytes() for path in corpus.files)
    with target.open("wb") as out:
        copy = 0
        while out.tell() < minimum or copy == 0:
            out.write(_HEADING_URL.sub(rb"\1#c%d)" % copy, data) + b"\n")
            copy += 1
    return target.stat().st_size


def bench_large_file(
    report: Report, cli: list[str] | None, corpus: Corpus, scratch: Path, quick: bool
) -> None:
    """Peak RSS of `validate` and `convert --to jsonl|csv` on one file and on one file
    `LARGE_COPIES` times as large: read digest by digest, memory should not follow the size.
    `--quick` measures `validate` alone, on a smaller file."""
    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    checks: list[Check] = []
    one, many = scratch / "large-1x.md", scratch / f"large-{LARGE_COPIES}x.md"
    size = build_large_file(corpus, one, LARGE_QUICK_MIN if quick else LARGE_MIN) if cli else 0
    if cli is not None:
        build_large_file(corpus, many, LARGE_COPIES * size)
    for label, args in LARGE_CASES[:1] if quick else LARGE_CASES:
        ratio = None
        if cli is None:
            rows.append([label, NOT_AVAILABLE])
        else:
            command, *options = (str(scratch / a) if a.startswith("large.") else a for a in args)
            runs = [peak_rss([*cli, command, str(path), *options]) for path in (one, many)]
            problem = next((p for r in runs if (p := _failure(r["rc"], r["stderr"]))), None)
            if problem is None:
                ratio = runs[1]["maxrss_kib"] / runs[0]["maxrss_kib"]
                figures[label] = {
                    "bytes_1x": size,
                    "maxrss_kib_1x": runs[0]["maxrss_kib"],
                    f"maxrss_kib_{LARGE_COPIES}x": runs[1]["maxrss_kib"],
                    "seconds_1x": runs[0]["seconds"],
                    f"seconds_{LARGE_COPIES}x": runs[1]["seconds"],
                    "ratio": ratio,
                }
                rows.append(
                    [
                        label,
                        f"{runs[0]['maxrss_kib'] / 1024:.1f}",
                        f"{runs[1]['maxrss_kib'] / 1024:.1f}",
                        f"{ratio:.3f}",
                        f"{runs[0]['seconds']:.2f}",
                        f"{runs[1]['seconds']:.2f}",
                    ]
                )
            else:
                figures[label] = {"available": False, "reason": problem}
                rows.append([label, problem])
        checks.append(
            report.check("large file", f"{label}: peak {LARGE_COPIES}x / peak 1x", ratio, 1.2)
        )
    report.figures["large_file"] = figures
    report.show(
        table(
            f"7. One large file: peak RSS (MiB) of one {size / MB:.1f} MB file and one "
            f"{LARGE_COPIES}x as large",
            ("command", "1x", f"{LARGE_COPIES}x", "ratio", "s 1x", f"s {LARGE_COPIES}x"),
            rows,
        )
    )
    report.show(table("", CHECK_HEADER, check_rows(checks)))


# --- main ------------------------------------------------------------------------------------


# --- section 6: model memory ----------------------------------------------------------------

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
    if args.json:
        print(json.dumps(report.figures, indent=2))
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
