"""The build writes today's bytes: every output of the seeds and of a generated corpus has the
digest recorded in tests/fixtures/outputs/ (tests/outputs.py says how they were made), with one
process and with two."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.config import load_settings
from tests.outputs import CORPORA, FIXTURES, digests, make_project


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("corpus", list(CORPORA))
def test_the_build_writes_the_recorded_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             corpus: str, jobs: int) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_project(tmp_path / corpus, CORPORA[corpus])
    report = build(load_settings(project), jobs=jobs)
    assert report.exit_code == 0, report.failures + report.errors
    expected = (FIXTURES / f"{corpus}.sha256").read_text(encoding="utf-8").splitlines()
    found = digests(project).splitlines()
    assert [line.split()[1] for line in found] == [line.split()[1] for line in expected]
    changed = [line.split()[1] for line, before in zip(found, expected) if line != before]
    assert changed == [], f"{len(changed)} outputs differ from the recorded bytes"


def test_an_index_made_in_parts_is_the_index_made_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import render

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(render, "ROWS_PER_PART", 7)
    project = make_project(tmp_path / "generated", CORPORA["generated"])
    assert build(load_settings(project), jobs=1).exit_code == 0
    expected = [line for line in (FIXTURES / "generated.sha256").read_text(encoding="utf-8").splitlines()
                if "index.html" in line]
    assert [line for line in digests(project).splitlines() if "index.html" in line] == expected
