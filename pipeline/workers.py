"""Where the build's per-document work runs: in the build process, on a pool of worker
processes, on any ``concurrent.futures`` executor, or on a ``dask.distributed`` cluster
(:mod:`pipeline.cluster`); in chunks, a few at a time, results in order.

Every job names the build's toolkit (:class:`executor.Toolkit`) by its key. Each place the work
runs gets the toolkit once: this process registers it, a worker process of the pool installs it
when it starts, a cluster installs it on every worker, those that join later too.
"""

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
#: The engines ``cluster=`` names.
CLUSTERS = ("dask",)
#: The build's own pool of worker processes is replaced by a new one after this many chunks: the
#: XSLT processor's heap grows with the documents a process has rendered, so that a long build
#: would otherwise hold more memory the longer it runs. (Python 3.11's ``max_tasks_per_child``
#: can leave a pool waiting forever, CPython issue 115634.) The old pool finishes its chunks.
CHUNKS_PER_POOL = 2000


class Workers:
    """Runs per-document work: in this process, on the executor given, on a pool of ``jobs``
    worker processes started the first time a stage has enough documents for it, or on a
    cluster."""

    def __init__(self, executor: Executor | None, jobs: int, toolkit: work.Toolkit, cluster=None) -> None:
        self.executor = executor
        self.jobs = jobs
        self.cluster = cluster  # a pipeline.cluster.Cluster, or None
        self.own: ProcessPoolExecutor | None = None
        self.handed_out = 0  # chunks handed to the pool ``own``
        self.retired: list[ProcessPoolExecutor] = []  # earlier pools, finishing their chunks
        self.current = toolkit
        work.register(toolkit)
        if cluster is not None:
            self.executor = cluster.executor
            self.jobs = cluster.workers()
            cluster.provide(toolkit)

    @classmethod
    def for_build(cls, executor: Executor | None, jobs: int, toolkit: work.Toolkit,
                  cluster: str | None = None, scheduler: str | None = None) -> "Workers":
        """The workers of a build: ``cluster`` names an engine (:data:`CLUSTERS`; "" or None:
        worker processes of this machine)."""
        if not cluster:
            return cls(executor, jobs, toolkit)
        if cluster not in CLUSTERS:
            raise ValueError(f"unknown executor {cluster!r}; expected one of {', '.join(CLUSTERS)}")
        from .cluster import Cluster

        return cls(None, jobs, toolkit, Cluster.start(scheduler, jobs))

    @property
    def toolkit(self) -> str:
        """What a job names its toolkit by."""
        return self.current.key

    @property
    def elsewhere(self) -> bool:
        """Whether the work runs where this machine's files cannot be read."""
        return self.cluster is not None

    def provide(self, toolkit: work.Toolkit) -> None:
        """Make ``toolkit`` the one jobs name from now on, and give it to every worker."""
        work.register(toolkit)
        if self.cluster is not None:
            self.cluster.provide(toolkit)
        elif self.own is not None and toolkit.key != self.current.key:
            raise RuntimeError("a pool of worker processes keeps the toolkit it started with")
        self.current = toolkit

    def parallel(self, count: int) -> bool:
        """Whether ``count`` documents are worth handing to other processes."""
        return count >= PARALLEL_FROM and (self.executor is not None or self.jobs > 1)

    def map(self, function: Callable, jobs: Iterable, count: int) -> Iterator:
        """``function(job)`` for each of the ``count`` jobs, in order, as each becomes ready. The
        jobs are taken from ``jobs`` only as they are handed out, so a job can depend on the
        results taken before it."""
        if not self.parallel(count):
            return map(function, jobs)
        submit = self.executor.submit if self.executor is not None else self._submit_to_own
        workers = self.jobs if self.executor is None or self.cluster is not None else max(self.jobs, 1)
        size = max(1, min(CHUNK, count // (workers * 8)))
        chunks = iter(lambda: list(islice(jobs, size)), [])
        return (result for chunk in _in_order(submit, chunks, function, window=workers * 4) for result in chunk)

    def _submit_to_own(self, function: Callable, *arguments) -> Future:
        """Submit to the build's own pool, started on first use and again after
        :data:`CHUNKS_PER_POOL` chunks."""
        if self.own is not None and self.handed_out >= CHUNKS_PER_POOL:
            self.own.shutdown(wait=False)  # its chunks still run; then its processes end
            self.retired.append(self.own)
            self.own = None
        if self.own is None:
            # "spawn": workers start clean, without the state of this process (an XSLT
            # processor does not survive a fork).
            self.own = ProcessPoolExecutor(self.jobs, multiprocessing.get_context("spawn"),
                                           initializer=work.warm_up, initargs=(self.current,))
            self.handed_out = 0
        self.handed_out += 1
        return self.own.submit(function, *arguments)

    def close(self, cancel: bool = False) -> None:
        """Let the chunks under way finish (and with ``cancel``, drop those not begun), then end
        the worker processes and the cluster."""
        pools = [*self.retired, *([self.own] if self.own is not None else [])]
        self.retired, self.own = [], None
        for pool in pools:
            _shut_down(pool, cancel)
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _shut_down(pool: ProcessPoolExecutor, cancel: bool) -> None:
    try:
        pool.shutdown(wait=True, cancel_futures=cancel)
    except RuntimeError:
        # Ctrl-C struck while the pool was starting the thread that feeds its processes, and
        # the pool cannot wait for a thread that never ran: its processes, waiting for work
        # that will not come, are stopped by the command (pipeline.lifeline.stop_workers).
        if not cancel:
            raise


def _in_order(submit: Callable[..., Future], chunks: Iterator[list], function: Callable, window: int) -> Iterator[list]:
    """Submit ``work.run_all(function, chunk)`` for the chunks, at most ``window`` at a time, and
    yield the results in order: memory stays flat however long the list. A chunk is taken from
    ``chunks`` when the results before it have been used, to keep ``window`` chunks in flight."""
    pending: deque[Future] = deque()
    try:
        for chunk in islice(chunks, window):
            pending.append(submit(work.run_all, function, chunk))
        while pending:
            yield pending.popleft().result()
            for chunk in islice(chunks, 1):
                pending.append(submit(work.run_all, function, chunk))
    finally:
        for future in pending:
            future.cancel()
