"""Each diagnostic format against its own specification: the text line, the JSON schema in
tests/data, the GitHub workflow command syntax and escaping, and the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from digestkit import report
from digestkit.diagnostics import RULES, Diagnostic

DATA = Path(__file__).resolve().parent / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif-2.1.0.schema.json").read_text(encoding="utf-8"))
DIAGNOSTICS_SCHEMA = json.loads((DATA / "diagnostics.schema.json").read_text(encoding="utf-8"))

# Workflow command syntax (docs.github.com "Workflow commands for GitHub Actions"):
# `::error file={name},line={line},col={col},title={title}::{message}`, one line each.
_PROPERTY = r"[a-zA-Z]+=[^,:\r\n]*"
GITHUB_LINE = re.compile(
    rf"^::(?P<command>error|warning) (?P<properties>{_PROPERTY}(?:,{_PROPERTY})*)"
    r"::(?P<message>[^\r\n]*)$"
)

SAMPLE = [
    Diagnostic("DK205", "`Vote: abc` is not a non-negative integer", 7, 1, "2024/01/02.md"),
    Diagnostic("DK111", "`###` heading is not a paper link", 12, 1, "2024/01/02.md"),
    Diagnostic("DK401", "control character U+000C in text", 30, 18, "logs/2024/01/03.md"),
]


def unescape(value: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, plain)
    return value


def test_the_registry_names_the_four_formats() -> None:
    assert sorted(report.FORMATS) == ["github", "json", "sarif", "text"]


def test_text_is_one_ruff_style_line_per_diagnostic() -> None:
    assert report.text(SAMPLE).splitlines() == [
        "2024/01/02.md:7:1: DK205 `Vote: abc` is not a non-negative integer",
        "2024/01/02.md:12:1: DK111 `###` heading is not a paper link",
        "logs/2024/01/03.md:30:18: DK401 control character U+000C in text",
    ]
    assert report.text([]) == ""


def test_json_matches_its_schema_and_keeps_every_field() -> None:
    records = json.loads(report.json_list(SAMPLE))
    jsonschema.Draft202012Validator(DIAGNOSTICS_SCHEMA).validate(records)
    assert records[1] == {
        "path": "2024/01/02.md",
        "line": 12,
        "col": 1,
        "code": "DK111",
        "severity": "error",
        "message": "`###` heading is not a paper link",
    }
    assert [r["severity"] for r in records] == ["warning", "error", "warning"]
    assert json.loads(report.json_list([])) == []


def test_json_schema_rejects_what_it_should() -> None:
    validator = jsonschema.Draft202012Validator(DIAGNOSTICS_SCHEMA)
    good = json.loads(report.json_list(SAMPLE[:1]))[0]
    for broken in (
        {**good, "line": 0},
        {**good, "code": "E501"},
        {**good, "severity": "info"},
        {k: v for k, v in good.items() if k != "message"},
        {**good, "extra": 1},
    ):
        assert not validator.is_valid([broken]), broken


def test_github_lines_follow_the_workflow_command_syntax() -> None:
    lines = report.github(SAMPLE).splitlines()
    assert len(lines) == 3
    parsed = [GITHUB_LINE.match(line) for line in lines]
    assert all(parsed), lines
    first = parsed[0]
    assert first is not None
    assert first["command"] == "warning"
    properties = dict(item.split("=", 1) for item in first["properties"].split(","))
    assert properties == {
        "file": "2024/01/02.md",
        "line": "7",
        "col": "1",
        "title": "digestkit (DK205)",
    }
    # The message repeats the location, so the log is complete beyond GitHub's annotation cap.
    assert (
        unescape(first["message"]) == "2024/01/02.md:7:1: DK205 `Vote: abc` is not a "
        "non-negative integer"
    )
    assert [m["command"] for m in parsed if m] == ["warning", "error", "warning"]


def test_github_escapes_data_and_properties() -> None:
    tricky = Diagnostic("DK112", "50% done\r\nnext: a, b", 3, 2, "odd,name:1.md")
    (line,) = report.github([tricky]).splitlines()
    match = GITHUB_LINE.match(line)
    assert match is not None, line
    properties = dict(item.split("=", 1) for item in match["properties"].split(","))
    assert properties["file"] == "odd%2Cname%3A1.md"
    assert unescape(properties["file"]) == "odd,name:1.md"
    message = match["message"]
    assert "\n" not in message and "\r" not in message
    assert "50%25 done%0D%0Anext: a, b" in message  # data escapes % CR LF only
    assert unescape(message) == "odd,name:1.md:3:2: DK112 50% done\r\nnext: a, b"


def sarif_log(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(report.sarif(diagnostics))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


def test_sarif_validates_against_the_official_schema() -> None:
    log = sarif_log(SAMPLE)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "digestkit"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == sorted(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
        assert rule["defaultConfiguration"]["level"] == RULES[rule["id"]].severity.value
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["DK205", "DK111", "DK401"]
    for result, diagnostic in zip(results, SAMPLE, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == diagnostic.severity.value
        assert result["message"]["text"] == diagnostic.message
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (diagnostic.line, diagnostic.col)
    assert sarif_log([])["runs"][0]["results"] == []


def test_sarif_uris_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inside = str(tmp_path / "logs" / "2024" / "01" / "02.md")  # absolute, but under the cwd
    outside = str(tmp_path.parent / "elsewhere.md")
    spaced = str(Path("my logs", "x.md"))
    log = sarif_log([Diagnostic("DK202", "m", 1, 1, path) for path in (inside, outside, spaced)])
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    assert locations[0] == {"uri": "logs/2024/01/02.md", "uriBaseId": "%SRCROOT%"}
    assert locations[1] == {"uri": Path(outside).as_uri()}
    assert locations[2] == {"uri": "my%20logs/x.md", "uriBaseId": "%SRCROOT%"}


def test_sarif_schema_is_the_real_one() -> None:
    """Guard the vendored schema itself: a stub would let any output pass."""
    assert SARIF_SCHEMA["id"].endswith("sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"results": []}]})  # no tool
    assert not validator.is_valid({"version": "2.0.0", "runs": []})
    log = json.loads(report.sarif(SAMPLE))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(log)
