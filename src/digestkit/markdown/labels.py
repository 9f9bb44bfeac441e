"""Split a summary bullet into its bold label and its text.

The canonical shapes `**Label**: text` and `***Label***: text` (every labelled bullet of the
corpus but one) are recognised by one regex. Anything else that opens with an emphasis delimiter
goes to mistune's inline parser, which decides by CommonMark rules whether the bullet starts with
a strong/emphasis lead-in followed by a colon. A test checks both paths agree with mistune on
every bullet of the corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

CANONICAL_LABEL = re.compile(r"(\*\*\*?)([^*\s](?:[^*\n]*[^*\s])?)\1:[ \t]*")
_DELIMITER_RUN = re.compile(r"[*_]+")
_LEAD_IN = re.compile(r"[*_]+[^:\n]*:[*_]*")
MAX_LEAD_IN = 500
"""Longer lead-ins are not labels. mistune's inline parser costs some 3 us per character of a
delimiter-heavy lead-in (`*a*a*a...:` of 200 kB took 0.6 s, over 100x a scan of as much
ordinary text); real labels are a few words (the corpus's longest non-canonical one has 22
characters), and canonical `***Label***:` lead-ins of any length never reach mistune."""


class Labelled(NamedTuple):
    label: str | None
    text: str
    balanced: bool  # False when the markers are unbalanced, e.g. `***Label*:`


def split_label(text: str) -> Labelled:
    """`***What's New***: x` -> ("What's New", "x", True); plain text -> (None, text, True)."""
    if not text or text[0] not in "*_":
        return Labelled(None, text, True)
    match = CANONICAL_LABEL.match(text)
    if match:
        return Labelled(match.group(2), text[match.end() :], True)
    return _split_with_mistune(text)


@lru_cache(maxsize=1)
def _inline_parser() -> Any:
    import mistune

    return mistune.create_markdown(renderer=None)


def _plain(nodes: list[dict[str, Any]]) -> str | None:
    """The text of a strong/emphasis subtree made only of text, or None."""
    parts: list[str] = []
    for node in nodes:
        if node["type"] == "text":
            parts.append(node["raw"])
        elif node["type"] in ("strong", "emphasis"):
            inner = _plain(node["children"])
            if inner is None:
                return None
            parts.append(inner)
        else:
            return None
    return "".join(parts)


def _split_with_mistune(text: str) -> Labelled:
    # Only the lead-in up to the first colon can be a label; what follows is the item's text
    # and must not pair its own `**` with the lead-in's delimiters.
    lead_in = _LEAD_IN.match(text)
    if lead_in is None or lead_in.end() > MAX_LEAD_IN:
        return Labelled(None, text, True)
    tokens = _inline_parser()(lead_in.group())
    if not tokens or tokens[0]["type"] != "paragraph":
        return Labelled(None, text, True)
    nodes = tokens[0]["children"]
    balanced = True
    if nodes and nodes[0]["type"] == "text" and _DELIMITER_RUN.fullmatch(nodes[0]["raw"]):
        # `***Label*:`: CommonMark leaves the surplus stars as text before the emphasis.
        nodes, balanced = nodes[1:], False
    if not nodes or nodes[0]["type"] not in ("strong", "emphasis"):
        return Labelled(None, text, True)
    label = _plain(nodes[0]["children"])
    after = "".join(node.get("raw", "") for node in nodes[1:] if node["type"] == "text")
    if label is None or len(nodes) != (2 if after else 1):
        return Labelled(None, text, True)
    if label.endswith(":") and not after:  # `**Label:** text`
        label = label[:-1]
    elif after != ":":
        return Labelled(None, text, True)
    label = label.strip()
    if not label or "*" in label or "\n" in label:
        return Labelled(None, text, True)
    # The text keeps its Markdown, so cut the source right after the lead-in mistune found.
    lead_in = re.match(rf"[*_]+[ \t]*{re.escape(label)}[ \t]*:?[*_]+:?[ \t]*", text)
    if lead_in is None:  # the label had inner markup, e.g. `**A *b***:`; keep the bullet whole
        return Labelled(None, text, True)
    return Labelled(label, text[lead_in.end() :], balanced)
