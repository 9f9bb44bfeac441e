"""The digest-Markdown reader: bytes in, models, layout and diagnostics out.

`source` decodes the bytes and splits the lines, `scan` gives every line a kind (and settles
CommonMark's block structure), `build` walks the document's regions, and `paper_block` reads
each paper with the one-line readers of `fields` and `labels` (`shaped` finds a block of the
generator's own shape and `made` makes its paper directly). `layout` keeps the trivia the
Markdown writer needs to give a file back byte for byte; `active`, `live_html` and
`summary_markup` find what a renderer would show other than as text; `stream` reads a large
file digest by digest; `escaping` is the Markdown escaping the reader undoes and the writers
apply. `digestkit.parse` (in `api`) is the way in.
"""
