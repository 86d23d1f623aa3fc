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


def test_a_long_stage_is_carried_on_by_new_worker_processes(pool: workers.Workers,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "CHUNKS_PER_POOL", 3)
    results = list(pool.map(process_of, iter(range(200)), 200))  # chunks of 12: 17 chunks, 6 pools
    assert [job for job, _ in results] == list(range(200))
    processes = {pid for _, pid in results}
    assert len(processes) > 4, processes
    pool.close()
    assert pool.retired == [] and pool.own is None
