"""Where the build's per-document work runs: in the build process, on a pool of worker
processes, or on any ``concurrent.futures`` executor; in chunks, a few at a time, in order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import islice

from . import executor as work

#: Below this many documents a stage runs in this process: starting workers would cost more.
PARALLEL_FROM = 16
#: The most documents handed to a worker at once.
CHUNK = 16


class Workers:
    """Runs per-document work: in this process, on the executor given, or on a pool of ``jobs``
    worker processes started the first time a stage has enough documents for it."""

    def __init__(self, executor: Executor | None, jobs: int, warm_up: tuple) -> None:
        self.executor = executor
        self.jobs = jobs
        self.warm_up = warm_up
        self.own: ProcessPoolExecutor | None = None

    def parallel(self, count: int) -> bool:
        """Whether ``count`` documents are worth handing to other processes."""
        return count >= PARALLEL_FROM and (self.executor is not None or self.jobs > 1)

    def map(self, function: Callable, jobs: Iterable, count: int) -> Iterator:
        """``function(job)`` for each of the ``count`` jobs, in order, as each becomes ready. The
        jobs are taken from ``jobs`` only as they are handed out, so a job can depend on the
        results taken before it."""
        if not self.parallel(count):
            return map(function, jobs)
        if self.executor is None and self.own is None:
            # "spawn": workers start clean, without the state of this process (an XSLT
            # processor does not survive a fork).
            self.own = ProcessPoolExecutor(self.jobs, multiprocessing.get_context("spawn"),
                                           initializer=work.warm_up, initargs=self.warm_up)
        executor = self.executor or self.own
        workers = self.jobs if self.executor is None else max(self.jobs, 1)
        size = max(1, min(CHUNK, count // (workers * 8)))
        chunks = iter(lambda: list(islice(jobs, size)), [])
        return (result for chunk in _in_order(executor, chunks, function, window=workers * 4) for result in chunk)

    def close(self, cancel: bool = False) -> None:
        if self.own is not None:
            self.own.shutdown(wait=True, cancel_futures=cancel)
            self.own = None


def _in_order(executor: Executor, chunks: Iterator[list], function: Callable, window: int) -> Iterator[list]:
    """Submit ``work.run_all(function, chunk)`` for the chunks, at most ``window`` at a time, and
    yield the results in order: memory stays flat however long the list. A chunk is taken from
    ``chunks`` when the results before it have been used, to keep ``window`` chunks in flight."""
    pending: deque[Future] = deque()
    try:
        for chunk in islice(chunks, window):
            pending.append(executor.submit(work.run_all, function, chunk))
        while pending:
            yield pending.popleft().result()
            for chunk in islice(chunks, 1):
                pending.append(executor.submit(work.run_all, function, chunk))
    finally:
        for future in pending:
            future.cancel()


