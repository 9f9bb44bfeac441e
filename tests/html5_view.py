"""What a browser would see of a digest: the start tags an HTML5 tokenizer reads in the HTML a
CommonMark renderer makes of the text.

markdown-it-py (CommonMark, raw HTML passed on) renders the text; html5lib's tokenizer, driven
by its tree builder so that it switches state as a browser does (`<script>`, `<textarea>`,
`<title>`, ... hold raw text), reads the page. Nothing here calls digestkit, so the
differential test (`test_active_html5.py`) compares the detector with an independent view.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from html5lib import HTMLParser
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import tokenTypes
from markdown_it import MarkdownIt

from digestkit.markdown.active import ACTIVE_ELEMENTS

_MD = MarkdownIt("commonmark")
_START = {tokenTypes["StartTag"], tokenTypes["EmptyTag"]}


class Tag(NamedTuple):
    name: str
    attributes: tuple[str, ...]  # lowercase names, as the tokenizer reads them


class _RecordingTokenizer(HTMLTokenizer):  # type: ignore[misc]
    """html5lib's tokenizer, keeping every start tag it emits."""

    tags: list[Tag]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in _START:
                self.tags.append(Tag(token["name"], tuple(token["data"])))
            yield token


def html_of(text: str) -> str:
    return str(_MD.render(text))


def start_tags(page: str) -> list[Tag]:
    """Every start tag html5lib's tokenizer reads in `page`, parsed as a whole document."""
    parser = HTMLParser()
    tags: list[Tag] = []
    original = parser._parse

    def parse(stream: Any, *args: Any, **kwargs: Any) -> None:
        # `_parse` makes the tokenizer and runs the main loop; make it ours before the loop.
        def reset() -> None:
            parser.tokenizer.__class__ = _RecordingTokenizer
            parser.tokenizer.tags = tags
            type(parser).reset(parser)

        parser.reset = reset
        original(stream, *args, **kwargs)

    parser._parse = parse
    parser.parse(page)
    return tags


def event_handler_tags(tags: list[Tag]) -> int:
    """Tags with an `on...` attribute (not `on` alone), as DK221 counts them: one per tag."""
    return sum(any(a.startswith("on") and len(a) > 2 for a in tag.attributes) for tag in tags)


def active_element_tags(tags: list[Tag]) -> int:
    """Active elements and `srcdoc` attributes, as DK220 counts them: one per tag."""
    return sum(tag.name in ACTIVE_ELEMENTS or "srcdoc" in tag.attributes for tag in tags)


def browser_view(text: str) -> tuple[int, int]:
    """(DK220 count, DK221 count) of what a browser sees of `text` rendered."""
    tags = start_tags(html_of(text))
    return active_element_tags(tags), event_handler_tags(tags)
