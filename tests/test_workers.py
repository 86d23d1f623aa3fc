"""The build's own pool of worker processes (pipeline/workers.py): results come back in the order
of the jobs, and a long stage is carried on by new worker processes after CHUNKS_PER_POOL chunks,
so that no process keeps growing with the corpus."""

from __future__ import annotations

import os

import pytest

from pipeline import executor, workers
from pipeline.config import SCHEMA, TRANSFORMS


def process_of(job: int) -> tuple[int, int]:
    return job, os.getpid()


@pytest.fixture()
def pool():
    toolkit = executor.Toolkit.of(SCHEMA, TRANSFORMS, None)
    running = workers.Workers(None, 2, toolkit)
    yield running
    running.close()


def test_the_results_come_in_the_order_of_the_jobs(pool: workers.Workers) -> None:
    results = list(pool.map(process_of, iter(range(200)), 200))
    assert [job for job, _ in results] == list(range(200))
    assert os.getpid() not in {pid for _, pid in results}


def test_the_workers_leave_ctrl_c_to_the_build(pool: workers.Workers) -> None:
    """A terminal sends Ctrl-C to every process of the command: a worker struck while it sends a
    result would leave half of it in the pipe, so the workers ignore it (the build stops them)."""
    import signal
    import time

    processes = {pid for _, pid in pool.map(process_of, iter(range(64)), 64)}
    for pid in processes:
        os.kill(pid, signal.SIGINT)
    time.sleep(0.3)
    results = list(pool.map(process_of, iter(range(64)), 64))
    assert [job for job, _ in results] == list(range(64))
    assert {pid for _, pid in results} <= processes  # the same processes, still at work


def test_a_long_stage_is_carried_on_by_new_worker_processes(pool: workers.Workers,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "CHUNKS_PER_POOL", 3)
    results = list(pool.map(process_of, iter(range(200)), 200))  # chunks of 12: 17 chunks, 6 pools
    assert [job for job, _ in results] == list(range(200))
    processes = {pid for _, pid in results}
    assert len(processes) > 4, processes
    pool.close()
    assert pool.retired == [] and pool.own is None


def test_a_chunk_of_documents_is_rendered_view_by_view_with_the_results_of_one_by_one(tmp_path) -> None:
    """The workers render a chunk view by view across its documents (executor.IN_CHUNKS): the
    same pages, facts, names and errors as each document rendered alone, a broken document
    among them included."""
    from pathlib import Path

    toolkit = executor.Toolkit.of(SCHEMA, TRANSFORMS, None)
    tei = Path(__file__).resolve().parent.parent / "tei"
    documents = [(path, path.read_bytes()) for path in sorted(tei.glob("*.xml")) if path.name != "authority.xml"]
    documents.insert(2, (tei / "broken.xml", b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>"))
    documents.insert(4, (tei / "other.xml", b"<html><body>not TEI</body></html>"))
    jobs = [executor.RenderJob(path.stem, path, data, toolkit, tmp_path / "build") for path, data in documents]
    in_a_chunk = executor.run_all(executor.render_document, jobs)
    one_by_one = [executor.render_document(job) for job in jobs]
    assert in_a_chunk == one_by_one
    assert [result.error is not None for result in in_a_chunk] == [False, False, True, False, True, False, False]
    assert all(len(result.outputs) == 4 and result.facts and result.names
               for result in in_a_chunk if result.error is None)
