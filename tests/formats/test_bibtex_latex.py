"""The .bib compiled for real: Debian's `bibtex` and `pdflatex` (plainnat, which prints the URL
through its `\\texttt` fallback when url.sty is absent) on hostile titles, names and URLs.

pdflatex runs with `-recorder`, so its `.fls` lists every file TeX opened for reading or writing;
a secret file's marker must appear in neither the log nor the (uncompressed) PDF, no file beyond
LaTeX's own outputs may appear, and each run must end within a timeout.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import digestkit
from digestkit import DailyDigest, DigestDocument, Paper
from digestkit.formats._bibtex_math import CONTROL_WORDS

Corpus = dict[Path, DigestDocument]

TIMEOUT = 60  # seconds per TeX run; a clean run of these documents takes well under one
MARKER = "7391046285"  # digits: no kerning or ligature splits them in the PDF's text strings
OWN_OUTPUTS = {"t.tex", "refs.bib", "t.aux", "t.log", "t.pdf", "t.bbl", "t.blg", "t.fls"}
DOCUMENT = r"""\documentclass{article}
\usepackage{amsmath,amssymb}
\usepackage{natbib}
\pdfcompresslevel=0
\pdfobjcompresslevel=0
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""


def tex_tools() -> None:
    absent = [tool for tool in ("pdflatex", "bibtex") if shutil.which(tool) is None]
    if absent:
        message = f"no TeX: {', '.join(absent)} missing (Debian: texlive-latex-base)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Compiled:
    log: str
    pdf: bytes
    bbl: str
    opened: list[str]  # every file the `.fls` records, read or written
    files: set[str]  # what the working folder holds afterwards


def run(command: list[str], cwd: Path) -> None:
    try:
        subprocess.run(command, cwd=cwd, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{command[0]} did not terminate within {TIMEOUT} s")


def compile_bib(bib: str, folder: Path) -> Compiled:
    """pdflatex, bibtex, pdflatex: the usual cycle, citing every entry of `bib`."""
    folder.mkdir()
    (folder / "t.tex").write_text(DOCUMENT)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-recorder", "t.tex"]
    run(latex, folder)
    run(["bibtex", "t"], folder)
    run(latex, folder)
    fls = (folder / "t.fls").read_text(errors="replace")
    return Compiled(
        log=(folder / "t.log").read_text(errors="replace"),
        pdf=(folder / "t.pdf").read_bytes(),
        bbl=(folder / "t.bbl").read_text(errors="replace"),
        opened=[line.split(" ", 1)[1] for line in fls.splitlines() if " " in line],
        files={path.name for path in folder.iterdir()},
    )


def hostile_document(secret: Path) -> DigestDocument:
    """Each way found to make TeX read a file, write one or loop, in the fields a .bib carries."""
    s = str(secret)
    titles = [
        f"Read $\\input{{{s}}}$ here",
        "Write $\\immediate\\openout5=pwned.tex \\immediate\\write5{x}\\immediate\\closeout5$ it",
        f"Caret $^^5cinput^^7b{s}^^7d$ notation",
        f"Csname $\\csname input\\endcsname{{{s}}}$ variant",
        "Loop $\\def\\x{\\x}\\x$ forever",
        f"Wrapped $\\mathcal{{\\input{{{s}}}}}$ in allowed math",
        f"Case-changed $\\INPUT{{{s}}}$ by the style",  # plainnat lowercases titles
        f"Openin $\\openin1={s} \\read1 to\\x \\x$ read",
        f"Catcode $\\catcode`\\Q=0 Qinput{{{s}}}$ change",
        f"Text \\input{{{s}}} outside math",
        f"Control symbol $\\^^5cinput{{{s}}}$ too",
    ]
    papers = [
        Paper(title=title, url=f"https://arxiv.org/abs/2405.{index:05d}", authors=["Ada Lovelace"])
        for index, title in enumerate(titles)
    ]
    papers.append(
        Paper(
            title="Hostile names and link",
            url=f"https://example.org/^^5cinput^^7b{s}^^7d",
            authors=[f"\\input{{{s}}}", f"$\\input{{{s}}}$ Name", f"^^5cinput^^7b{s}^^7d"],
        )
    )
    return DigestDocument(digests=[DailyDigest(date=dt.date(2024, 5, 6), papers=papers)])


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(MARKER + "\n")
    return path


def assert_inert(compiled: Compiled, secret: Path) -> None:
    assert MARKER not in compiled.log
    assert MARKER.encode() not in compiled.pdf
    assert str(secret) not in compiled.opened
    assert compiled.files <= OWN_OUTPUTS, compiled.files - OWN_OUTPUTS
    assert not any(name.endswith("pwned.tex") for name in compiled.opened)


def test_hostile_bib_compiles_inert(tmp_path: Path, secret: Path) -> None:
    tex_tools()
    bib = digestkit.dumps(hostile_document(secret), "bibtex")
    compiled = compile_bib(bib, tmp_path / "latex")
    assert compiled.pdf.startswith(b"%PDF")
    assert compiled.bbl.count("\\bibitem") == 12  # every entry reached the document
    assert_inert(compiled, secret)


def test_the_check_sees_a_file_read_into_the_pdf(tmp_path: Path, secret: Path) -> None:
    """The same harness with `raw_math=True` (math passed through): the file is read and
    printed, so the checks above can fail."""
    tex_tools()
    document = hostile_document(secret)
    document.digests[0].papers[:] = document.digests[0].papers[:1]  # `\input`: no loop
    compiled = compile_bib(digestkit.dumps(document, "bibtex", raw_math=True), tmp_path / "raw")
    assert str(secret) in compiled.opened
    assert MARKER.encode() in compiled.pdf


def test_every_allowed_name_and_its_case_changes_are_defined_or_allowed(tmp_path: Path) -> None:
    """Every allow-listed control word exists in LaTeX with amsmath and amssymb (no typo passes
    as safe), and the lower- and uppercase forms BibTeX's `change.case$` can make of it are
    allowed too or undefined, so no style can turn allowed math into a command."""
    tex_tools()
    variants = {form for name in CONTROL_WORDS for form in (name.lower(), name.upper())}
    checks = "".join(
        f"\\ifdefined\\{name}\\typeout{{DEFINED:{name}}}\\else\\typeout{{UNDEFINED:{name}}}\\fi\n"
        for name in sorted(CONTROL_WORDS | variants)
    )
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "n.tex").write_text(
        "\\documentclass{article}\\usepackage{amsmath,amssymb}\n"
        f"\\begin{{document}}\n{checks}\\end{{document}}\n"
    )
    run(["pdflatex", "-interaction=nonstopmode", "n.tex"], folder)
    log = (folder / "n.log").read_text()
    defined = set(re.findall(r"^DEFINED:(\w+)$", log, re.MULTILINE))
    undefined = set(re.findall(r"^UNDEFINED:(\w+)$", log, re.MULTILINE))
    assert defined | undefined == CONTROL_WORDS | variants
    assert CONTROL_WORDS - defined == set()
    assert (variants - CONTROL_WORDS) & defined == set()


@pytest.mark.corpus
def test_corpus_math_compiles_unchanged(tmp_path: Path, corpus_documents: Corpus) -> None:
    """The corpus titles with math, compiled with case protection: every segment reaches the
    .bbl as the digest has it, and LaTeX knows every command in it."""
    tex_tools()
    papers = [
        paper
        for document in corpus_documents.values()
        for digest in document.digests
        for paper in digest.papers
        if re.search(r"\$[^$]*\$", paper.title) and paper.title.count("$") % 2 == 0
    ]
    assert len(papers) >= 18  # the corpus has 18 titles with balanced math
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 5, 6), papers=papers)])
    compiled = compile_bib(
        digestkit.dumps(document, "bibtex", protect="title"), tmp_path / "corpus"
    )
    assert compiled.bbl.count("\\bibitem") == len(papers)
    bbl = " ".join(compiled.bbl.split())  # bibtex wraps long lines
    for paper in papers:
        for segment in re.findall(r"\$[^$]*\$", paper.title):
            assert " ".join(segment.split()) in bbl, segment
    assert "Undefined control sequence" not in compiled.log
