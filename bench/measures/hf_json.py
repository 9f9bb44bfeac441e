"""Section 5: reading merged Hugging Face Daily Papers API responses, in process (MB/s) and by
`validate --from hf-json` (peak RSS per input byte)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .common import (
    CHECK_HEADER,
    MB,
    NOT_AVAILABLE,
    ROOT,
    Report,
    cell_rate,
    check_rows,
    failure,
    peak_rss,
    summary,
    table,
    timed,
)

HF_MB = 53  # the case: 580 real responses merged, 53 MB
HF_QUICK_MB = 3


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
    byte (above the same command's on one real response, the fixed cost), against the issue's
    targets."""
    from digestkit.formats.hf_json.daily_papers import read_daily_papers

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
        rows.append(
            ["json.loads (floor)", f"{min(floor):.3f}", cell_rate(size / MB, min(floor)), ""]
        )
        rows.append(["read_daily_papers", f"{min(read):.3f}", f"{rate:.1f}", ""])
        if cli is not None:
            # The same command on the smallest real response is the fixed cost (interpreter,
            # imports: 20 MB, most of a 3 MB case's peak): what is above it grows with input.
            small = min(default_hf_api().glob("*.json"), key=lambda path: path.stat().st_size)
            base = int(peak_rss([*cli, "validate", "--from", "hf-json", str(small)])["maxrss_kib"])
            run = peak_rss([*cli, "validate", "--from", "hf-json", str(case)])
            problem = failure(run["rc"], run["stderr"])
            if problem is None:
                per_byte = (run["maxrss_kib"] - base) * 1024 / (size - small.stat().st_size)
                figures["validate"] = {
                    "maxrss_kib": run["maxrss_kib"],
                    "one_response_maxrss_kib": base,
                    "seconds": run["seconds"],
                    "bytes_per_byte": per_byte,
                    "total_bytes_per_byte": run["maxrss_kib"] * 1024 / size,
                }
                rows.append(
                    [
                        "validate --from hf-json (peak RSS)",
                        f"{run['seconds']:.3f}",
                        cell_rate(size / MB, run["seconds"]),
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
