"""The data outputs read by the programs they are for: pandas, DuckDB and polars read CSV and
JSON Lines with the calls docs/formats.md shows, and Parquet with none, and every corpus
`arxiv_id` comes back as the text the models hold (`2311.10770`, not 2311.1077); LibreOffice
reads the CSV as docs/formats.md says."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

import digestkit
from digestkit.diagnostics import FormatError
from digestkit.formats import parquet
from digestkit.models import DailyDigest, DigestDocument, Media, Paper, SummaryItem

from ..cli.test_cli import run

Corpus = dict[Path, DigestDocument]


@pytest.fixture(scope="module")
def tables(corpus_documents: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus written once as CSV, JSON Lines and Parquet into one folder."""
    folder = tmp_path_factory.mktemp("tables")
    documents = list(corpus_documents.values())
    with (folder / "papers.csv").open("w", encoding="utf-8", newline="") as handle:
        digestkit.dump(documents, handle, "csv")
    with (folder / "papers.jsonl").open("w", encoding="utf-8", newline="") as handle:
        digestkit.dump(documents, handle, "jsonl")
    with (folder / "papers.parquet").open("wb") as binary:
        digestkit.dump(documents, binary, "parquet")
    return folder


def model_ids(documents: Corpus) -> list[str]:
    """The corpus ids (every corpus paper has one)."""
    ids = [paper.arxiv_id for document in documents.values() for paper in document.papers]
    return [arxiv_id for arxiv_id in ids if arxiv_id is not None]


def rows(documents: Corpus) -> list[dict[str, Any]]:
    """What every reader should give back: the JSON Lines rows, with a real date."""
    return [
        {"date": digest.date, **paper.model_dump(mode="json")}
        | {"ai_summary": paper.ai_summary, "ai_keywords": paper.ai_keywords}  # None: still a column
        for document in documents.values()
        for digest in document.digests
        for paper in digest.papers
    ]


# -- arxiv_id as text: the documented reading calls over the corpus ---------------------------
@pytest.mark.corpus
def test_the_documented_calls_read_every_corpus_id_as_text(
    tables: Path, corpus_documents: Corpus
) -> None:
    ids = model_ids(corpus_documents)
    assert len(ids) == 5488
    csv_path, jsonl = str(tables / "papers.csv"), str(tables / "papers.jsonl")
    read: dict[str, list[Any]] = {
        "pandas csv": pd.read_csv(csv_path, dtype={"arxiv_id": str})["arxiv_id"].tolist(),
        "pandas jsonl": pd.read_json(jsonl, lines=True, dtype=False)["arxiv_id"].tolist(),
        "pandas jsonl dict": pd.read_json(jsonl, lines=True, dtype={"arxiv_id": str})[
            "arxiv_id"
        ].tolist(),
        "duckdb csv": first_column(
            f"SELECT arxiv_id FROM read_csv('{csv_path}', types={{'arxiv_id': 'VARCHAR'}})"
        ),
        "duckdb jsonl": first_column(f"SELECT arxiv_id FROM read_json('{jsonl}')"),
        "polars csv": pl.read_csv(csv_path, schema_overrides={"arxiv_id": pl.String})[
            "arxiv_id"
        ].to_list(),
        "polars jsonl": pl.read_ndjson(jsonl)["arxiv_id"].to_list(),
    }
    for reader, values in read.items():
        assert values == ids, reader


@pytest.mark.corpus
def test_the_default_calls_still_lose_ids_which_is_why_the_docs_show_the_types(
    tables: Path, corpus_documents: Corpus
) -> None:
    """CSV has no types: guessing readers see numbers (527 ids end in 0). The docs' calls are
    needed; if a reader stops guessing, this says the docs can be simpler."""
    ids = model_ids(corpus_documents)
    csv_path, jsonl = str(tables / "papers.csv"), str(tables / "papers.jsonl")
    guessed = {
        "pandas csv": pd.read_csv(csv_path)["arxiv_id"].tolist(),
        "pandas jsonl": pd.read_json(jsonl, lines=True)["arxiv_id"].tolist(),
        "duckdb csv": first_column(f"SELECT arxiv_id FROM read_csv('{csv_path}')"),
    }
    for reader, values in guessed.items():
        assert sum(str(value) != arxiv_id for value, arxiv_id in zip(values, ids, strict=True)) == (
            527
        ), reader


@pytest.mark.corpus
def test_every_csv_id_cell_is_quoted_and_reads_the_same(
    tables: Path, corpus_documents: Corpus
) -> None:
    text = (tables / "papers.csv").read_text(encoding="utf-8")
    ids = model_ids(corpus_documents)
    assert re.findall(r',"(\d{4}\.\d{4,5})",', text) == ids  # every id, quoted, in order
    assert re.search(r",\d{4}\.\d{4,5},", text) is None  # none unquoted
    assert [row["arxiv_id"] for row in csv.DictReader(io.StringIO(text, newline=""))] == ids


def test_a_paper_without_an_id_has_an_empty_unquoted_cell() -> None:
    paper = Paper(title="T", url="https://example.org/x", votes=1)
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=[paper])])
    assert digestkit.dumps(document, "csv").splitlines()[1] == (
        "2024-01-02,T,https://example.org/x,,1,,,,"
    )


# -- Parquet -----------------------------------------------------------------------------------
def test_parquet_columns_are_the_json_lines_keys() -> None:
    """The schema follows the models: a field added to `Paper` must be added here too."""
    keys = ["date", *Paper.model_fields, *Paper.model_computed_fields]
    assert list(parquet.COLUMNS) == keys == parquet.schema().names


@pytest.mark.corpus
def test_parquet_reads_back_equal_in_pandas_duckdb_and_polars(
    tables: Path, corpus_documents: Corpus
) -> None:
    expected = rows(corpus_documents)
    path = str(tables / "papers.parquet")
    assert pq.read_schema(path) == parquet.schema()
    frame = pd.read_parquet(path, dtype_backend="pyarrow")
    readers = {
        "pyarrow": pq.read_table(path).to_pylist(),
        "pandas": [_plain(record) for record in frame.to_dict("records")],
        "duckdb": duckdb_records(f"SELECT * FROM read_parquet('{path}')"),
        "polars": pl.read_parquet(path).to_dicts(),
    }
    for reader, records in readers.items():
        assert len(records) == 5488, reader
        for got, want in zip(records, expected, strict=True):
            assert got == want, reader
    # The types themselves, not only equal values: votes stay integers, ids text.
    assert str(frame["votes"].dtype) == "int64[pyarrow]"
    assert str(frame["arxiv_id"].dtype).startswith("string")
    assert pl.read_parquet(path).schema["date"] == pl.Date


def _plain(value: Any) -> Any:
    """pandas' cells as plain Python: arrays to lists, NA to None."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [_plain(item) for item in list(value)]
    if value is pd.NA or value is None or (isinstance(value, float) and value != value):
        return None
    return value


def duckdb_records(query: str) -> list[dict[str, Any]]:
    relation = duckdb.sql(query)
    assert relation is not None
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def first_column(query: str) -> list[Any]:
    return [next(iter(record.values())) for record in duckdb_records(query)]


def test_parquet_of_a_hand_made_document_keeps_nulls_and_labels(tmp_path: Path) -> None:
    papers = [
        Paper(
            title="T",
            url="https://arxiv.org/abs/2311.10770",
            media=Media(kind="video", url="https://x/v.mp4"),
            votes=0,
            authors=["A", "B"],
            summary=[SummaryItem(label="L", text="x"), SummaryItem(text="y")],
            ai_summary="s",
            ai_keywords=["k"],
        ),
        Paper(title="U", url="https://example.org/u"),
    ]
    document = DigestDocument(
        digests=[
            DailyDigest(date=None, papers=papers[1:]),
            DailyDigest(date=dt.date(2023, 11, 20), papers=papers[:1]),
        ]
    )
    target = tmp_path / "out.parquet"
    with target.open("wb") as binary:
        digestkit.dump(document, binary, "parquet")
    got = pl.read_parquet(target).to_dicts()
    assert got[0] == {
        "date": None,
        "title": "U",
        "url": "https://example.org/u",
        "media": None,
        "votes": None,
        "authors": [],
        "summary": [],
        "ai_summary": None,
        "ai_keywords": None,
        "arxiv_id": None,
    }
    assert got[1]["summary"] == [{"label": "L", "text": "x"}, {"label": None, "text": "y"}]
    assert (got[1]["votes"], got[1]["arxiv_id"], got[1]["date"]) == (
        0,
        "2311.10770",
        dt.date(2023, 11, 20),
    )
    assert pq.ParquetFile(target).num_row_groups == 1  # one per document with papers


def test_parquet_is_refused_as_text() -> None:
    document = digestkit.parse("## Daily Papers (2024-01-02)\n")
    with pytest.raises(FormatError, match="binary"):
        digestkit.dumps(document, "parquet")
    with pytest.raises(FormatError, match="binary stream"):
        digestkit.dump(document, io.StringIO(), "parquet")
    with pytest.raises(FormatError, match="no option 'indent'"):
        digestkit.dump(document, io.BytesIO(), "parquet", indent=2)


def test_convert_writes_parquet_atomically_to_a_file_and_to_a_pipe(tmp_path: Path) -> None:
    source = tmp_path / "day.md"
    source.write_text(digestkit.dumps(digestkit.parse_file(_example(tmp_path)), "markdown"))
    target = tmp_path / "out.parquet"
    result = run("convert", source, "-o", target)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    piped = subprocess.run(
        [sys.executable, "-m", "digestkit", "convert", str(source), "--to", "parquet"],
        capture_output=True,
        check=True,
    )
    assert piped.stdout == target.read_bytes() and piped.stdout.startswith(b"PAR1")
    assert pl.read_parquet(target)["arxiv_id"].to_list() == ["2410.00001", "2410.00002"]
    split = run("convert", source, "--to", "parquet", "--split", tmp_path / "site")
    assert split.returncode == 0, split.stderr
    assert (tmp_path / "site" / "day.parquet").read_bytes() == target.read_bytes()


def _example(folder: Path) -> Path:
    path = folder / "example.md"
    path.write_bytes(
        subprocess.run(
            [sys.executable, "-m", "digestkit", "example"], capture_output=True, check=True
        ).stdout
    )
    return path


def test_convert_refuses_parquet_on_a_terminal(tmp_path: Path) -> None:
    source = _example(tmp_path)
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "digestkit", "convert", str(source), "--to", "parquet"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    finally:
        os.close(secondary)
        os.close(primary)
    assert done.returncode == 2
    assert b"parquet is binary: not written to a terminal" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_missing_pyarrow_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    source = _example(tmp_path)
    target = tmp_path / "out.parquet"
    block = "import sys; sys.modules['pyarrow'] = None; from digestkit.cli import main; "
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            block + f"sys.exit(main(['convert', {str(source)!r}, '-o', {str(target)!r}]))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "pip install 'digestkit-md[parquet]'" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["example.md"]


# -- LibreOffice 7.4 (Debian's, headless): what docs/formats.md says about its CSV import ------
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no soffice (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("no LibreOffice (apt-get install libreoffice-calc-nogui)")
    return found


def libreoffice_ids(source: Path, options: str, folder: Path) -> list[str]:
    """The `arxiv_id` column as LibreOffice Calc imports `source` with these CSV filter options
    and saves it back as CSV (cells as shown). The user profile is the parent folder's, shared
    by the runs of one test: the import settings are the command's, and a fresh profile costs
    seconds to set up."""
    out = folder / "out"
    profile = (folder.parent / "profile").as_uri()
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless"]
    command += ["--infilter=Text - txt - csv (StarCalc):" + options]
    command += ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out)]
    subprocess.run([*command, str(source)], capture_output=True, timeout=300, check=True)
    saved = (out / source.name).read_text(encoding="utf-8-sig")
    return [row["arxiv_id"] for row in csv.DictReader(io.StringIO(saved, newline=""))]


@pytest.mark.heavy
@pytest.mark.corpus
def test_libreoffice_keeps_ids_with_the_documented_import_settings(
    corpus_documents: Corpus, tmp_path: Path
) -> None:
    """On the corpus papers whose id ends in 0, the ones a number loses (LibreOffice takes
    seconds per thousand rows, so not on all 5,488)."""
    digests = [
        DailyDigest(date=digest.date, papers=[p for p in digest.papers if p.url.endswith("0")])
        for document in corpus_documents.values()
        for digest in document.digests
    ]
    subset = DigestDocument(digests=[digest for digest in digests if digest.papers])
    ids = [paper.arxiv_id or "" for paper in subset.papers]
    assert len(ids) == 527 and all(arxiv_id.endswith("0") for arxiv_id in ids)
    source = tmp_path / "papers.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        digestkit.dump(subset, handle, "csv")
    # Separator `,`, quote `"`, UTF-8 (76), from line 1; column 4 (arxiv_id) as Text (2):
    assert libreoffice_ids(source, "44,34,76,1,4/2", tmp_path / "a") == ids
    # ... or "Format quoted field as text" (token 7), which keeps the quoted ids:
    assert libreoffice_ids(source, "44,34,76,1,,,true", tmp_path / "b") == ids
    # The default import reads them as numbers, a byte order mark (`--bom`) or not.
    bommed = tmp_path / "bom.csv"
    bommed.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    got = libreoffice_ids(bommed, "44,34,76,1", tmp_path / "bom")
    assert [float(value) for value in got] == [float(arxiv_id) for arxiv_id in ids]
    assert not any(a == b for a, b in zip(got, ids, strict=True))
