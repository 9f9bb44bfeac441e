"""Every example in README.md and docs/*.md runs and shows its real output (tests/docs_runner.py).

A changed behaviour breaks the page that shows it: the failure names the page and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT
from .docs_runner import display, read_blocks, run_page

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=display)
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    failures = run_page(page, tmp_path)
    assert not failures, "\n\n".join(failures)


def test_readme_and_index_show_working_examples() -> None:
    """The pages people read first must show digestkit working, not just describe it."""
    for page in (ROOT / "README.md", ROOT / "docs" / "index.md"):
        languages = {b.language for b in read_blocks(page) if not b.skipped}
        assert {"console", "pycon"} <= languages, display(page)
