"""docs/diagnostics.md documents exactly the catalogue's codes, with the catalogue's severities."""

from __future__ import annotations

import re

from digestkit.diagnostics import RULES

from .conftest import ROOT


def test_every_code_is_documented_with_its_severity() -> None:
    text = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| (DK\d{3}) \| (error|warning) \|", text, re.MULTILINE))
    assert documented == {code: rule.severity.value for code, rule in RULES.items()}
    listed = re.search(r"layout-only codes: ([^.]*)\.", text)
    assert listed is not None
    assert set(listed.group(1).split(", ")) == {c for c, r in RULES.items() if r.layout_only}
