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


def _rows_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The summaries of the index's parts of rows made from now on (they are made as before:
    the call is only noted)."""
    from pipeline import render

    made: list[str] = []
    transform = render._transform_index

    def noting(summary_text, **parameters):
        if parameters.get("part") == "rows":
            made.append(summary_text)
        return transform(summary_text, **parameters)

    monkeypatch.setattr(render, "_transform_index", noting)
    return made


@pytest.mark.parametrize("tampered", [False, True])
def test_after_one_edit_the_index_is_made_again_only_where_its_rows_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tampered: bool) -> None:
    """The other parts of the rows are copied from the page the last build wrote, when it is
    still that page: the same bytes as the index of a build from scratch."""
    import re
    import shutil

    from pipeline import render

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(render, "ROWS_PER_PART", 8)
    made = _rows_made(monkeypatch)
    project = make_project(tmp_path / "generated", CORPORA["generated"])
    assert build(load_settings(project), jobs=1).exit_code == 0
    all_parts = len(made)
    assert all_parts > 5
    tei = sorted((project / "tei").glob("0*.xml"))[30]  # an editor retitles a document
    tei.write_text(re.sub(r"(<title(?: [^>]*)?>)[^<]+", r"\1A title of the editor's", tei.read_text(encoding="utf-8"),
                          count=1), encoding="utf-8")
    index = project / "build" / "html" / "index.html"
    if tampered:
        index.write_bytes(index.read_bytes().replace(b"</body>", b"<p>added by hand</p></body>"))
    made.clear()
    assert build(load_settings(project), jobs=1).exit_code == 0
    assert (len(made), all_parts) == (all_parts, all_parts) if tampered else 1 <= len(made) <= 2, (len(made), all_parts)
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("build"))
    assert build(load_settings(clean), jobs=1).exit_code == 0
    for folder in ("html", "html/review"):
        assert (clean / "build" / folder / "index.html").read_bytes() == (project / "build" / folder / "index.html").read_bytes()
