"""Diagnostics out, one function per format, chosen by name (like flake8's formatter registry).

* `text`: `path:line:col: CODE message`, the line ruff, flake8 and yamllint's `parsable` print.
* `json`: a list of `{path, line, col, code, severity, message}` objects (schema in the docs).
* `github`: workflow commands, so GitHub Actions annotates the lines of a pull request.
* `sarif`: SARIF 2.1.0 for code scanning (`github/codeql-action/upload-sarif`).

Every function takes the diagnostics of a whole run and returns the text to print. No format
passes on a control character from the file (a terminal would obey an escape sequence in a
title): text and github show it as `\\xNN`, JSON and SARIF as a `\\uNNNN` escape, which
decodes back to the same message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from ._version import __version__
from .diagnostics import RULES, Diagnostic, Severity

Reporter = Callable[[Sequence[Diagnostic]], str]

# C0 controls, DEL, C1 controls (U+009B is a CSI to some terminals), and the bidirectional
# overrides and isolates, which reorder what a terminal shows ("Trojan Source").
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # json escapes C0 itself


def printable(value: str, keep: str = "") -> str:
    """`value` with every control character but those in `keep` shown as an escape
    (`\\x1b`, `\\u202e`)."""
    if not _CONTROLS.search(value):
        return value
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _visible(m), value)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_escaped(dumped: str) -> str:
    """`json.dumps` output with the controls it leaves raw (DEL, C1, bidi) as `\\u` escapes:
    they can only occur inside strings, so the JSON stays valid and decodes the same."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def text(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(f"{_line(d)}\n" for d in diagnostics)


def json_list(diagnostics: Sequence[Diagnostic]) -> str:
    import json  # here: the text and github reports (a pre-commit hook's) need no json

    records = [
        {
            "path": d.path,
            "line": d.line,
            "col": d.col,
            "code": d.code,
            "severity": d.severity.value,
            "message": d.message,
        }
        for d in diagnostics
    ]
    return json_escaped(json.dumps(records, ensure_ascii=False, indent=2)) + "\n"


def github(diagnostics: Sequence[Diagnostic]) -> str:
    """`::error file=…,line=…,col=…,title=digestkit (CODE)::message` per diagnostic.

    GitHub keeps only 10 annotations of each kind per step, but prints every command's message
    in the log: the message therefore repeats the `path:line:col: CODE` text line (as ruff does).
    """
    lines = []
    for d in diagnostics:
        properties = {"line": str(d.line), "col": str(d.col), "title": f"digestkit ({d.code})"}
        if d.path is not None:
            properties = {"file": printable(d.path), **properties}
        joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
        command = "error" if d.is_error else "warning"
        # CR and LF stay for `_escape_data`: GitHub shows them as line breaks, not commands.
        message = _escape_data(_line(d, keep="\r\n"))
        lines.append(f"::{command} {joined}::{message}\n")
    return "".join(lines)


def _escape_data(value: str) -> str:
    """actions/toolkit `escapeData`: the message part of a workflow command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """actions/toolkit `escapeProperty`: `:` and `,` would end a property early."""
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """One SARIF 2.1.0 run. Every catalogued rule is listed, so `ruleIndex` is stable across
    runs; paths under the working directory become relative URIs against `%SRCROOT%`."""
    import json

    codes = sorted(RULES)
    index = {code: position for position, code in enumerate(codes)}
    rules = [_rule(code) for code in codes]
    root = Path.cwd()
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _level(d.severity),
            "message": {"text": d.message},
        }
        region = {"startLine": d.line, "startColumn": d.col}
        if d.path is not None:
            location = {"artifactLocation": _artifact(d.path, root), "region": region}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "digestkit",
                        "informationUri": DOCS_URL.rsplit("diagnostics/", 1)[0],
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_escaped(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"


DOCS_URL = "https://digestkit.readthedocs.io/en/latest/diagnostics/"
"""The diagnostics page of the documentation site (docs/diagnostics.md); each code's section is
`#dknnn`, the anchor MkDocs (and GitHub) make of its `### DKnnn` heading."""


def help_uri(code: str) -> str:
    return f"{DOCS_URL}#{code.lower()}"


def _rule(code: str) -> dict[str, Any]:
    """A SARIF `reportingDescriptor`, with the `fullDescription` and `help` that GitHub code
    scanning requires (SARIF Multitool rule GH2012) and a `helpUri` to the code's example."""
    rule = RULES[code]
    uri = help_uri(code)
    kind = "error" if rule.severity is Severity.ERROR else "warning"
    full = f"{rule.summary} ({kind} {code} of digestkit's digest Markdown checks)."
    return {
        "id": code,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "helpUri": uri,
        "help": {
            "text": f"{full} An example and how to fix it: {uri}",
            "markdown": f"{full}\n\n[An example of {code} and how to fix it]({uri})",
        },
        "defaultConfiguration": {"level": _level(rule.severity)},
    }


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _artifact(path: str, root: Path) -> dict[str, str]:
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(root)
    except ValueError:  # outside the working directory: no base can hold it
        return {"uri": absolute.as_uri()}
    return {"uri": quote(PurePath(relative).as_posix()), "uriBaseId": "%SRCROOT%"}


def _line(d: Diagnostic, keep: str = "") -> str:
    """`path:line:col: CODE message`; text read from standard input has the path `-`. Control
    characters are escaped, so the line is one line and inert on a terminal."""
    return printable(str(d) if d.path is not None else f"-:{d}", keep)


FORMATS: dict[str, Reporter] = {"text": text, "json": json_list, "github": github, "sarif": sarif}
