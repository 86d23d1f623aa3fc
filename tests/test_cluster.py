"""teipipe build on a dask.distributed cluster: a real LocalCluster of two worker processes,
started by the test, gives the tree that one process gives, byte for byte; its workers read no
file of the project; a worker killed in the middle of the build changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from pipeline.build import build  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from tests.test_build import files, make_project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 40

_opened: list[str] = []


def _watch_opens(folder: str) -> int:
    """On a worker: note every file it opens under ``folder`` from now on."""
    def hook(event: str, arguments: tuple) -> None:
        if event == "open" and isinstance(arguments[0], (str, os.PathLike)) and os.fspath(arguments[0]).startswith(folder):
            _opened.append(os.fspath(arguments[0]))
    sys.addaudithook(hook)
    return os.getpid()


def _opens() -> list[str]:
    return list(_opened)


def _installs() -> int:
    """On a worker: how many toolkits it has installed (compiled) since it started."""
    from pipeline import executor

    return executor.installs


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield local, client


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    project = make_project(tmp_path_factory.mktemp("reference") / "project", documents=DOCUMENTS)
    assert build(load_settings(project), jobs=1).exit_code == 0
    return files(project)


def test_a_build_on_a_cluster_is_the_build_of_one_process_and_reads_no_file_there(tmp_path: Path, cluster,
                                                                                  reference) -> None:
    local, client = cluster
    project = make_project(tmp_path / "project", documents=DOCUMENTS)
    client.run(_watch_opens, str(project))
    before = client.run(_installs)
    report = build(load_settings(project), cluster="dask", scheduler=local.scheduler_address)
    assert report.exit_code == 0 and len(report.converted) == len(report.rendered) == DOCUMENTS
    assert files(project) == reference
    assert client.run(_opens) == {address: [] for address in client.run(os.getpid)}
    # Each worker compiled the build's two toolkits (the second knows the authority file as the
    # encode stage left it), each once, whatever the number of its jobs.
    assert {address: count - before[address] for address, count in client.run(_installs).items()} \
        == {address: 2 for address in before}


def _with_reviews(project: Path) -> Path:
    """Review files for two of the project's documents: one correcting the header's date, one
    whose entry quotes text its source no longer has (a warning of the encoder and TP115)."""
    from pipeline import corrections

    first, second = sorted((project / "seeds").glob("*.txt"))[:2]
    (project / "review").mkdir()
    for seed, entry in ((first, corrections.Entry("fact", "correct", 0, "", field="date", reading="1950-01-02",
                                                  by="Ann Editor", when="2024-01-02T03:04:05Z")),
                        (second, corrections.Entry("redaction", "add", 1, "WORDS NOT IN THE SOURCE",
                                                   by="Ann Editor", when="2024-01-02T03:04:05Z"))):
        (project / "review" / f"{seed.stem}.toml").write_text(corrections.dumps([entry], seed.name), encoding="utf-8")
    return project


def test_the_editors_review_files_reach_the_build_on_a_cluster(tmp_path: Path, cluster) -> None:
    local, client = cluster
    alone = _with_reviews(make_project(tmp_path / "alone", documents=DOCUMENTS))
    expected = build(load_settings(alone), jobs=1)
    project = _with_reviews(make_project(tmp_path / "project", documents=DOCUMENTS))
    client.run(_watch_opens, str(project))
    report = build(load_settings(project), cluster="dask", scheduler=local.scheduler_address)
    first = sorted((project / "tei").glob("0*.xml"))[0]
    assert b'when="1950-01-02"' in first.read_bytes()
    assert [(p.line, p.code, p.message) for p in report.problems] \
        == [(p.line, p.code, p.message) for p in expected.problems]
    assert "TP115" in [p.code for p in report.problems]
    assert report.warnings == [w.replace("/alone/", "/project/") for w in expected.warnings]
    assert any("no longer exists in the source" in w for w in report.warnings)
    # the records name the review files as the warnings do, relative to the working folder
    assert files(project) == {name: data.replace(b"/alone/", b"/project/") if name.endswith(".sqlite") else data
                              for name, data in files(alone).items()}
    assert client.run(_opens) == {address: [] for address in client.run(os.getpid)}


def test_a_worker_killed_in_the_middle_of_the_build_changes_nothing(tmp_path: Path, cluster, reference) -> None:
    local, client = cluster
    project = make_project(tmp_path / "project", documents=DOCUMENTS)
    killed: list[tuple[str, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "render" and done == total // 4 and not killed:
            address, pid = sorted(client.run(os.getpid).items())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append((stage, done))

    report = build(load_settings(project), cluster="dask", scheduler=local.scheduler_address, progress=progress)
    assert killed and killed[0][1] < DOCUMENTS
    assert report.exit_code == 0 and len(report.rendered) == DOCUMENTS
    assert files(project) == reference
    client.wait_for_workers(2, timeout=60)  # the nanny started another


def test_the_command_starts_a_local_cluster_without_an_address(tmp_path: Path, reference) -> None:
    project = make_project(tmp_path / "project", documents=DOCUMENTS)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--executor", "dask", "--jobs", "2",
                           "--quiet"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert files(project) == reference


def test_a_scheduler_without_the_dask_executor_is_a_usage_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--scheduler", "tcp://127.0.0.1:1"],
                          cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and "--executor dask" in done.stderr
