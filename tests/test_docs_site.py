"""The site's pages cannot drift from the code: the nav lists every page, the API page every
public name, the library guide every model field, the output reference every CSV column, and the
CLI reference every command and option the argparse parser defines."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import digestkit
from digestkit.cli import build_parser
from digestkit.formats.csv_format import COLUMNS

from .conftest import ROOT

DOCS = ROOT / "docs"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the first heading line containing `heading`, up to a heading of the same
    or a higher level."""
    match = re.search(rf"^(#+) [^\n]*{re.escape(heading)}[^\n]*$", text, re.MULTILINE)
    assert match is not None, f"no heading with {heading!r}"
    level = len(match.group(1))
    end = re.search(rf"^#{{1,{level}}} ", text[match.end() :], re.MULTILINE)
    return text[match.end() : match.end() + end.start() if end else len(text)]


def first_column(table_text: str) -> list[str]:
    """The backticked names in the first column of the first Markdown table in the text."""
    rows = [line for line in table_text.split("\n") if line.startswith("|")][2:]
    return [name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])]


def test_nav_lists_every_page_once() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.findall(r"^\s+- [^:\n]+: (\S+\.md)\s*$", config, re.MULTILINE)
    pages = sorted(path.name for path in DOCS.glob("*.md"))
    assert len(nav) == len(set(nav)), "a page is listed twice in mkdocs.yml"
    assert sorted(nav) == pages, "add each docs/*.md page to the nav in mkdocs.yml"


def test_api_reference_renders_every_public_name() -> None:
    rendered = set(re.findall(r"^::: digestkit\.(\w+)$", page("api.md"), re.MULTILINE))
    assert rendered == set(digestkit.__all__) - {"__version__"}


MODELS = [
    digestkit.DigestDocument,
    digestkit.DailyDigest,
    digestkit.Paper,
    digestkit.Media,
    digestkit.SummaryItem,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_library_guide_documents_every_model_field(model: type[BaseModel]) -> None:
    documented = first_column(section(page("library.md"), f"`{model.__name__}`"))
    public_properties = [
        name
        for klass in model.__mro__
        if issubclass(klass, BaseModel)
        for name, value in vars(klass).items()
        if isinstance(value, property) and not name.startswith(("_", "model_", "__"))
    ]
    fields = [*model.model_fields, *model.model_computed_fields]
    expected = fields + [name for name in public_properties if name not in fields]
    assert sorted(documented) == sorted(set(expected))
    assert documented[: len(model.model_fields)] == list(model.model_fields), "field order"


def test_output_reference_lists_the_csv_columns_in_order() -> None:
    documented = first_column(section(page("formats.md"), "CSV"))
    assert documented == list(COLUMNS)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name: sub for action in actions for name, sub in action.choices.items()}


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [
        option
        for action in parser._actions
        for option in action.option_strings
        if option not in {"-h", "--help"}
    ]


def test_cli_reference_documents_every_top_level_option() -> None:
    text = page("cli.md")
    for option in [*option_strings(build_parser()), "--help"]:
        assert f"`{option}" in text, option


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_cli_reference_documents_every_command_and_its_options(name: str) -> None:
    """Each command has a `## ... `digestkit NAME` ...` section naming each of its options."""
    text = section(page("cli.md"), f"`digestkit {name}`")
    missing = [o for o in option_strings(subcommands()[name]) if f"`{o}" not in text]
    assert not missing, f"docs/cli.md, section of `digestkit {name}`: undocumented {missing}"


def test_section_helper_stops_at_the_next_heading_of_its_level(tmp_path: Path) -> None:
    text = "# A\n\n## `digestkit x`\n\nabc\n\n### sub\n\ndef\n\n## `digestkit y`\n\nghi\n"
    assert section(text, "`digestkit x`") == "\n\nabc\n\n### sub\n\ndef\n\n"


# -- tables: the site shows `|` where GitHub does ------------------------------------------------
def _hooks() -> Any:
    """tools/mkdocs_hooks.py, the module mkdocs.yml names under `hooks:`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "tools/mkdocs_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rendered_cells(markdown_text: str) -> list[str]:
    """The table cells of a page as Python-Markdown (the site's renderer) writes them."""
    import markdown

    html = markdown.markdown(markdown_text, extensions=["tables"])
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.DOTALL)


def test_site_hook_is_configured() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^hooks:\n  - tools/mkdocs_hooks\.py$", config, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(path.name for path in DOCS.glob("*.md")))
def test_site_tables_show_pipes_without_backslash(name: str) -> None:
    """GFM needs `\\|` for a pipe in a table cell's code; the site must show it as `|`."""
    text = page(name)
    cells = _rendered_cells(_hooks().on_page_markdown(text, page=None, config=None, files=None))
    assert not [cell for cell in cells if "\\|" in cell]
    # and no cell lost its pipe: every `\|` of a table row is one `|` in the rendered cells
    escaped = sum(line.count("\\|") for line in text.split("\n") if line.startswith("|"))
    assert sum(cell.count("|") for cell in cells) >= escaped


def test_without_the_hook_the_backslash_shows() -> None:
    """The check above can fail: Python-Markdown alone keeps `\\|` in the library guide."""
    cells = _rendered_cells(page("library.md")) + _rendered_cells(page("cli.md"))
    assert len([cell for cell in cells if "\\|" in cell]) >= 10


def test_hook_leaves_fences_and_text_outside_tables_alone() -> None:
    text = "`a \\| b`\n\n```\n| `x \\| y` |\n```\n| `p \\| q` | r \\| s |\n"
    assert _hooks().unescape_table_pipes(text) == (
        "`a \\| b`\n\n```\n| `x \\| y` |\n```\n| `p | q` | r \\| s |\n"
    )
