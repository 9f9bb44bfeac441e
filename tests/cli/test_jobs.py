"""`--jobs N`: worker processes change nothing a user sees but the wall time.

Every check runs the same command with `--jobs 1` (in process) and `--jobs 2` and compares
stdout, stderr and the exit code byte for byte: on the corpus, and on a folder mixing good
files with every kind of bad input, so that failures inside a worker are reported as they are
in process. Interrupting a run stops its workers and leaves no temporary output.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from digestkit.cli import jobs as _jobs
from digestkit.cli.files import Input

from ..conftest import default_signal_dispositions
from .test_cli import COMMAND, DAY5, DAY6, UNTIDY, closed_pipe_run, run

pytestmark = pytest.mark.corpus

COMMANDS = {
    "validate text": ("validate", "--format", "text"),
    "validate json": ("validate", "--format", "json"),
    "validate github": ("validate", "--format", "github"),
    "validate sarif": ("validate", "--format", "sarif"),
    "convert jsonl": ("convert", "--to", "jsonl"),
    "convert csv": ("convert", "--to", "csv"),
    "convert json": ("convert", "--to", "json"),
    "fmt --check": ("fmt", "--check"),
}


def same_with_any_jobs(*args: object, cwd: Path | None = None) -> None:
    one, two = run(*args, "--jobs", "1", cwd=cwd), run(*args, "--jobs", "2", cwd=cwd)
    assert (two.returncode, two.stderr) == (one.returncode, one.stderr)
    assert two.stdout == one.stdout
    assert b"Traceback" not in one.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_the_corpus_gives_the_same_output_with_workers(name: str, corpus: list[Path]) -> None:
    command, *options = COMMANDS[name]
    same_with_any_jobs(command, corpus[0].parents[2], *options)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good digests (some untidy, some with errors) around one of every bad input."""
    folder = tmp_path_factory.mktemp("mixed")
    for n in range(24):
        source = UNTIDY if n % 5 == 0 else DAY5 if n % 2 else DAY6
        (folder / f"{n:02d}.md").write_bytes(source.read_bytes())
    bad = {
        "03.md": b"\xff\xfe not text",
        "07.md": b"## Daily Papers (2024-03-05)\n\x00\n",
        "11.md": b"",
        "13.md": b"# notes, no digest here\n",
        "17.md": b"## Daily Papers (2024-03-05)\n\n### Not a paper link\n",
        "19.md": b"## Daily Papers (2024-03-05)\n\n### [T](https://arxiv.org/abs/2401.00001)\n"
        b"Vote: lots\n",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", COMMANDS)
def test_bad_inputs_in_workers_are_reported_as_in_process(name: str, mixed: Path) -> None:
    command, *options = COMMANDS[name]
    same_with_any_jobs(command, mixed, mixed / "missing.md", *options)


def test_fail_fast_and_fmt_rewrites_are_the_same_with_workers(mixed: Path, tmp_path: Path) -> None:
    same_with_any_jobs("convert", mixed, "--to", "jsonl", "--fail-fast")
    same_with_any_jobs("fmt", mixed, "--diff")
    trees = []
    for jobs in ("1", "2"):
        copy = tmp_path / jobs
        shutil.copytree(mixed, copy)
        result = run("fmt", copy, "--jobs", jobs)
        assert result.returncode == 1
        trees.append({p.name: p.read_bytes() for p in sorted(copy.iterdir())})
    assert trees[0] == trees[1]
    assert trees[0]["00.md"] != UNTIDY.read_bytes()  # it was reformatted, in both runs


def test_workers_do_the_work() -> None:
    # Each worker waits at its first input until the other has started, so one that starts
    # first cannot take every chunk on a loaded machine (it did once, with the suite on 2 cores).
    global _BOTH_STARTED
    _BOTH_STARTED = multiprocessing.get_context("fork").Barrier(2, timeout=60)
    try:
        pids = list(_jobs.map_inputs(_pid, list(range(40)), 2))
    finally:
        _BOTH_STARTED = None
    assert pids[0] == os.getpid()  # the first input is read in process, importing the reader
    assert os.getpid() not in pids[1:]
    assert len(set(pids[1:])) == 2
    assert list(_jobs.map_inputs(_pid, list(range(40)), 1)) == [os.getpid()] * 40


_BOTH_STARTED: Any = None
"""A barrier the forked workers inherit (test_workers_do_the_work)."""
_PARENT = os.getpid()
_waited = False


def _pid(_: object) -> int:
    global _waited
    if _BOTH_STARTED is not None and os.getpid() != _PARENT and not _waited:
        _waited = True
        _BOTH_STARTED.wait()
    return os.getpid()


def test_default_is_the_cores_for_many_files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_jobs, "cores", lambda: 2)
    files = [Input(f"{n}.md", Path(f"{n}.md"), Path(f"{n}.md")) for n in range(16)]
    stdin = Input("<stdin>", None, Path("stdin"))
    assert _jobs.count(None, files) == 2
    assert _jobs.count(None, files[:15]) == 1  # a pre-commit hook's few files: no workers
    assert _jobs.count(3, files[:2]) == 3
    assert _jobs.count(4, [*files, stdin]) == 1
    monkeypatch.setattr(_jobs, "cores", lambda: 1)
    assert _jobs.count(None, files) == 1


def test_jobs_must_be_positive() -> None:
    for value in ("0", "-1", "two"):
        result = run("validate", DAY5, "--jobs", value)
        assert result.returncode == 2
        assert b"expected a positive integer" in result.stderr


# -- interrupted runs ---------------------------------------------------------------------------


def _blocked_run(folder: Path, out: Path) -> subprocess.Popen[bytes]:
    """A `convert --jobs 2` whose last input is a FIFO nobody writes: a worker waits on it
    while the parent holds the temporary output open."""
    for n in range(20):
        (folder / f"{n:02d}.md").write_bytes(DAY5.read_bytes())
    os.mkfifo(folder / "99.md")
    process = subprocess.Popen(
        [*COMMAND, "convert", str(folder), "--to", "jsonl", "-o", str(out), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a shell job has
        preexec_fn=default_signal_dispositions,
    )
    deadline = time.monotonic() + 60
    while not list(out.parent.glob(f".{out.name}.*.tmp")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return process


def _nobody_reads(fifo: Path) -> bool:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # ENXIO: no process has it open for reading
        return True
    return False


@pytest.mark.parametrize(
    ("how", "code"),
    [("SIGTERM to the command", 143), ("Ctrl-C to its process group", 130)],
)
def test_an_interrupted_run_stops_its_workers_and_cleans_up(
    how: str, code: int, tmp_path: Path
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out.jsonl"
    folder.mkdir()
    process = _blocked_run(folder, out)
    if how.startswith("SIGTERM"):
        process.send_signal(signal.SIGTERM)
    else:
        os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == code
    assert process.stderr is not None and b"Traceback" not in process.stderr.read()
    process.stderr.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no output, no .tmp
    assert _nobody_reads(folder / "99.md")  # the worker that waited on it is gone


def test_a_closed_pipe_stops_the_workers(corpus: list[Path]) -> None:
    folder = str(corpus[0].parents[2])
    assert closed_pipe_run("convert", folder, "--to", "jsonl", "--jobs", "2") == (141, b"")


def test_two_inputs_need_no_workers() -> None:
    same_with_any_jobs("validate", DAY5, DAY6)


def test_stopping_workers_mid_result_leaves_no_thread_waiting() -> None:
    # A worker killed while it writes a result leaves half a message in the result pipe; the
    # pool's manager thread then waited for the rest forever, and the interpreter hung at exit
    # joining it (a `convert --jobs 2` whose reader closed the pipe, once in CI). Here the half
    # message is written by hand, so the case is certain, not a race.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    assert pool.submit(int, "1").result() == 1  # workers and the manager thread are running
    manager: Any = pool._executor_manager_thread  # a Thread (typeshed says otherwise)
    writer = pool._result_queue._writer  # type: ignore[attr-defined]
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"half a result")
    time.sleep(0.2)  # the manager thread now waits inside that message
    _jobs._stop(pool)
    assert manager is not None
    manager.join(timeout=30)
    assert not manager.is_alive()


def test_a_worker_signalled_before_its_initializer_dies_without_a_traceback() -> None:
    # CI once saw "Process ForkProcess-2: Traceback ... Terminated: 15": SIGTERM reached a
    # worker forked with the command's handler, before `_worker_signals` reset it. Here the
    # fork is by hand, with the handler in place, and the child signals itself at once.
    from digestkit.cli import app

    with app.signals_unwind():
        assert signal.getsignal(signal.SIGTERM) is app._terminate
        child = os.fork()
        if child == 0:  # the child must never return into pytest
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            finally:
                os._exit(3)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status), f"the child exited with {os.waitstatus_to_exitcode(status)}"
    assert os.WTERMSIG(status) == signal.SIGTERM
