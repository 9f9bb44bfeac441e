"""SARIF as GitHub code scanning takes it: every rule with the `fullDescription`, `help` and
`helpUri` GitHub's rule set (the SARIF Multitool's GH rules) requires, each link landing on a
section of docs/diagnostics.md, and the Multitool itself when it is installed (.ci/run does)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from digestkit import report
from digestkit.diagnostics import RULES, Diagnostic

from .conftest import ROOT

DIAGNOSTICS_PAGE = ROOT / "docs" / "diagnostics.md"
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def rules_of(log_text: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = json.loads(log_text)["runs"][0]["tool"]["driver"]["rules"]
    return rules


def heading_anchors(page: Path) -> set[str]:
    """The anchors MkDocs' toc extension (and GitHub) give the page's headings outside code:
    lowercased, punctuation but `-` and `_` dropped, spaces as `-`."""
    anchors, fence = set(), None
    for line in page.read_text(encoding="utf-8").splitlines():
        opening = re.match(r"(`{3,}|~{3,})", line)
        if opening and (fence is None or line.startswith(fence)):
            fence = None if fence else opening.group(1)
            continue
        heading = re.match(r"#{1,6} (.+)", line)
        if fence is None and heading:
            slug = re.sub(r"[^\w\s-]", "", heading.group(1).strip().lower())
            anchors.add(re.sub(r"[-\s]+", "-", slug))
    return anchors


def test_every_rule_has_the_metadata_github_requires() -> None:
    rules = rules_of(report.sarif([]))
    assert [rule["id"] for rule in rules] == sorted(RULES)
    for rule in rules:
        code = rule["id"]
        assert RULES[code].summary in rule["fullDescription"]["text"]
        assert rule["fullDescription"]["text"].endswith(".")
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        assert rule["helpUri"] in rule["help"]["text"]
        assert f"]({rule['helpUri']})" in rule["help"]["markdown"]
        uri = urlsplit(rule["helpUri"])
        assert uri.scheme == "https" and uri.netloc and uri.fragment == code.lower()


def test_every_help_uri_lands_on_a_heading_of_the_diagnostics_page() -> None:
    anchors = heading_anchors(DIAGNOSTICS_PAGE)
    for rule in rules_of(report.sarif([])):
        assert urlsplit(rule["helpUri"]).fragment in anchors, rule["id"]
    # The page is the site's `diagnostics/` (MkDocs' directory URLs), and the site's root the
    # tool's information URI.
    assert "Diagnostics: diagnostics.md" in MKDOCS and "use_directory_urls: false" not in MKDOCS
    assert urlsplit(report.DOCS_URL).path.endswith("/diagnostics/")
    driver = json.loads(report.sarif([]))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] + "diagnostics/" == report.DOCS_URL


def test_the_anchor_rule_matches_the_headings_it_reads() -> None:
    anchors = heading_anchors(DIAGNOSTICS_PAGE)
    assert {"dk001", "dk206", "examples-and-fixes", "diagnostic-codes"} <= anchors
    assert "daily-papers-2025-01-06" not in anchors  # an example inside a fence


# -- the SARIF Multitool (npm @microsoft/sarif-multitool), GitHub's rule set ------------------
def multitool() -> str | None:
    found = os.environ.get("DIGESTKIT_SARIF_MULTITOOL") or shutil.which("sarif-multitool")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true but no SARIF Multitool (.ci/run installs it; DIGESTKIT_SARIF_MULTITOOL)"
        )
    return found


def offline() -> list[str]:
    """`unshare --net` when it works: some Multitool rules fetch URIs, and tests stay offline."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0:
        return [unshare, "--net"]
    pytest.skip("no network namespace (unshare --net) to keep the SARIF Multitool offline")


def test_the_sarif_multitool_finds_no_github_rule_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = multitool()
    if tool is None:
        pytest.skip("no SARIF Multitool (npm install @microsoft/sarif-multitool)")
    monkeypatch.chdir(tmp_path)
    diagnostics = [
        Diagnostic("DK207", "paper title is empty", 3, 5, str(tmp_path / "2025" / "01.md")),
        Diagnostic("DK206", "`Vote: -`", 9, 1, str(tmp_path / "day one.md")),
    ]
    (tmp_path / "digestkit.sarif").write_text(report.sarif(diagnostics), encoding="utf-8")
    command = [*offline(), tool, "validate", "digestkit.sarif", "--rule-kind", "Gh"]
    command += ["--level", "Error;Warning", "--log", "ForceOverwrite", "-o", "result.sarif"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "result.sarif").read_text(encoding="utf-8-sig"))
    (run,) = result["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert [r["message"] for r in run["results"]] == []
    # The same check fails on a rule without the metadata, as digestkit's rules had.
    log = json.loads(report.sarif(diagnostics))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        del rule["fullDescription"], rule["help"]
    (tmp_path / "digestkit.sarif").write_text(json.dumps(log), encoding="utf-8")
    subprocess.run(command, capture_output=True, text=True, timeout=300)
    result = json.loads((tmp_path / "result.sarif").read_text(encoding="utf-8-sig"))
    found = {r["ruleId"] for r in result["runs"][0]["results"]}
    assert found == {"GH2012"} and len(result["runs"][0]["results"]) == 2 * len(RULES)
