"""The authority's steps through the last build (pipeline/steps.py): after a few seeds changed,
the build replays the names of no other document while its authority is the last build's, and
replays them again once it is not; either way it writes what a build from scratch writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import executor
from pipeline.build import build
from pipeline.config import load_settings
from tests.outputs import make_project
from tests.test_build import files

DOCUMENTS = 24


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "project", documents=DOCUMENTS)
    assert build(load_settings(project), jobs=1).ok
    return project


def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents' names the build replays from now on (each call is only noted)."""
    calls: list[int] = []
    real = executor.replay

    def noting(authority, names):
        calls.append(len(names))
        return real(authority, names)

    monkeypatch.setattr(executor, "replay", noting)
    return calls


def same_as_from_scratch(project: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("build", "tei"))
    assert build(load_settings(clean), jobs=1).ok
    for folder in ("tei", "build"):
        assert files(project / folder) == files(clean / folder), folder


def seed(project: Path, number: int) -> Path:
    return sorted((project / "seeds").glob("*.txt"))[number]


def first_naming(project: Path, words: str) -> int:
    """The number of the first seed whose text holds ``words``."""
    return next(n for n in range(DOCUMENTS) if words in seed(project, n).read_text(encoding="utf-8"))


def test_a_seed_edited_without_new_names_replays_no_other_document(built: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = replays(monkeypatch)
    edited = seed(built, DOCUMENTS // 2)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more paragraph of plain words.\n", encoding="utf-8")
    report = build(load_settings(built), jobs=1)
    assert report.ok and report.converted == [edited.stem]
    assert calls == []
    same_as_from_scratch(built, tmp_path)


def test_a_seed_that_no_longer_names_whom_it_named_first_has_the_later_documents_replayed(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = replays(monkeypatch)
    number = first_naming(built, "Kuznetsov")
    edited = seed(built, number)
    edited.write_text(edited.read_text(encoding="utf-8").replace("Kuznetsov", "Petrovsky"), encoding="utf-8")
    assert build(load_settings(built), jobs=1).ok
    assert 0 < len(calls) <= DOCUMENTS - number - 1  # those after it, not those before
    same_as_from_scratch(built, tmp_path)


@pytest.mark.parametrize("change", ["removed", "added"])
def test_a_seed_removed_or_added_gives_what_a_build_from_scratch_gives(built: Path, tmp_path: Path, change: str) -> None:
    number = first_naming(built, "Kuznetsov")
    if change == "removed":
        gone = seed(built, number)
        gone.unlink()
        (built / "tei" / f"{gone.stem}.xml").unlink()
    else:
        shutil.copy(seed(built, number), built / "seeds" / "000000_a-new-first-seed.txt")
    assert build(load_settings(built), jobs=1).ok
    same_as_from_scratch(built, tmp_path)
