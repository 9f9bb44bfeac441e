"""`--jobs`: a command's inputs handled in worker processes, the results taken in input order.

Workers only compute (parse, check, render); the parent prints, counts and writes, exactly as
it does for results computed in process, so output order, outputs and exit codes are the same
for any number of jobs. At most two chunks per worker are in flight, so results waiting for
the parent stay bounded, as the in-process run's memory does. On Ctrl-C, SIGTERM and the other
terminating signals the parent stops the workers (which ignore SIGINT and die at once on the
rest) and unwinds as usual, removing any temporary output.

Like `cli.app`, imported only by the commands that use it.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from .files import Input

T = TypeVar("T")
R = TypeVar("R")

FILES_PER_WORKER = 8
"""Below this many named files per core, a run stays in process: starting workers and moving
results costs more than small runs save."""
CHUNKS_PER_WORKER = 4
"""Chunks each worker gets over a run: enough to even out files of different sizes."""
MAX_CHUNK = 16


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def count(requested: int | None, items: Sequence[Input]) -> int:
    """The number of processes to use: `--jobs` if given, else the machine's cores when there
    are enough files to pay for them. Standard input is read in process only (1)."""
    if any(item.is_stdin for item in items):
        return 1
    if requested is not None:
        return requested
    files = sum(1 for item in items if item.path is not None)
    available = cores()
    return available if available > 1 and files >= FILES_PER_WORKER * available else 1


def map_inputs(function: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """`map(function, items)`, computed by `jobs` worker processes when jobs > 1. `function`
    must be picklable (a module-level function or a `functools.partial` of one)."""
    if jobs <= 1 or len(items) < 2:
        yield from map(function, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # The first input is read here: that imports what reading needs (pydantic, the reader,
    # the writer), which forked workers then start with instead of importing it each.
    first = function(items[0])
    rest = items[1:]
    jobs = min(jobs, len(rest))
    size = max(1, min(MAX_CHUNK, len(rest) // (jobs * CHUNKS_PER_WORKER)))
    chunks = iter([list(rest[i : i + size]) for i in range(0, len(rest), size)])
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_worker_signals)
    pending: deque[Future[list[R]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, function, chunk))
            if len(pending) >= 2 * jobs:
                break
        yield first
        while pending:
            results = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_run_chunk, function, following))
            yield from results
    except BrokenProcessPool:
        _stop(pool)
        raise OSError("a worker process ended abruptly (out of memory?); try --jobs 1") from None
    except BaseException:  # Ctrl-C, a signal, `--fail-fast`, a closed pipe: stop now
        _stop(pool)
        raise
    pool.shutdown()


def _run_chunk(function: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [function(item) for item in chunk]


def _context() -> BaseContext | None:
    """`fork` on Linux: workers start in milliseconds with the parent's modules imported (the
    parent runs no threads yet). Elsewhere the platform's default."""
    if sys.platform.startswith("linux"):
        import multiprocessing

        return multiprocessing.get_context("fork")
    return None


def _worker_signals() -> None:
    """Ctrl-C reaches the whole process group: the parent alone handles it. Terminating
    signals get their default action back, so stopping a worker is immediate."""
    from .app import TERMINATING

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in TERMINATING:
        if signal.getsignal(signum) not in (signal.SIG_IGN, None):
            signal.signal(signum, signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now, without waiting for the chunks they are working on."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public way yet
    results = getattr(pool, "_result_queue", None)  # gone from the pool after its shutdown
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        if process.is_alive():
            process.terminate()
    for process in workers:
        process.join(timeout=5)
    # A worker ended while writing a result leaves half a message in the result pipe, and the
    # pool's manager thread waits for the rest, which the pipe's other writer, this process,
    # would never send: the interpreter then hangs at exit, joining that thread. With the
    # workers gone, closing our end of it makes the read end, and the thread with it.
    if all(not process.is_alive() for process in workers):
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with suppress(OSError):
                writer.close()
