"""The cache of `teipipe validate` (pipeline/validate/cache.py): a second run over the same files
checks only what changed, and reports exactly what a run without the cache reports, whatever
changed in between: a TEI file, the authority file its pointers lead into, its source, a review
file, another file declaring the same ids, the profile."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.validate import validate_paths
from pipeline.validate.cache import FOLDER, NAME

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """The bundled seeds and their TEI, in a project of their own, with a folder for review files."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.teipipe]\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    shutil.copytree(ROOT / "tei", folder / "tei")
    (folder / "review").mkdir()
    for path in (*folder.glob("seeds/*"), *folder.glob("tei/*")):
        path.chmod(0o644)
    return folder


def validate(project: Path, cache: bool = True, profile: Path | None = None):
    settings = load_settings(project)
    return validate_paths([settings.tei], settings, jobs=1, profile=profile,
                          cache=project / FOLDER if cache else None)


def found(report) -> list[tuple]:
    return [(p.path, p.line, p.column, p.code, p.message) for p in report.problems]


def first_document(project: Path) -> Path:
    return sorted((project / "tei").glob("0*.xml"))[0]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} has no {old!r}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def point_nowhere(project: Path) -> None:
    edit(first_document(project), 'ref="authority.xml#', 'ref="authority.xml#nobody-')


def change_a_seed(project: Path) -> None:
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA line added since.\n", encoding="utf-8")


def drop_authority_entries(project: Path) -> None:
    authority = project / "tei" / "authority.xml"
    edit(authority, 'xml:id="pers-', 'xml:id="gone-', count=-1)


def touch_the_authority_file(project: Path) -> None:
    authority = project / "tei" / "authority.xml"
    authority.write_bytes(authority.read_bytes())


def add_a_stale_review(project: Path) -> None:
    from pipeline import corrections

    seed = sorted((project / "seeds").glob("*.txt"))[0]
    entry = corrections.Entry("redaction", "add", 1, "WORDS NOT IN THE SOURCE", by="Ann Editor",
                              when="2024-01-02T03:04:05Z")
    (project / "review" / f"{seed.stem}.toml").write_text(corrections.dumps([entry], seed.name), encoding="utf-8")


def copy_a_document(project: Path) -> None:
    shutil.copy(first_document(project), project / "tei" / "copy.xml")


def nothing(project: Path) -> None:
    pass


#: What changes between the two runs, the code the second run must report because of it (None:
#: no new problem), and how many files the second run takes from the cache (of 6).
CASES: dict[str, tuple[Callable[[Path], None], str | None, int]] = {
    "nothing changed": (nothing, None, 6),
    "a TEI file points at an entry the authority file lacks": (point_nowhere, "TP102", 5),
    "a source changed since it was encoded": (change_a_seed, "TP110", 5),
    "entries left the authority file": (drop_authority_entries, "TP102", 0),
    "the authority file written again with the same bytes": (touch_the_authority_file, None, 6),
    "a review file whose entry the source does not have": (add_a_stale_review, "TP115", 5),
    "a second file declares the same ids": (copy_a_document, "TP103", 6),
}


@pytest.mark.parametrize("change, code, cached", CASES.values(), ids=CASES.keys())
def test_a_second_run_reports_what_a_run_without_the_cache_reports(
        project: Path, change: Callable[[Path], None], code: str | None, cached: int) -> None:
    first = validate(project)
    assert first.cached == 0 and (project / FOLDER / NAME).is_file()
    before = {p.code for p in first.problems}
    change(project)
    again = validate(project)
    assert found(again) == found(validate(project, cache=False))
    assert again.cached == cached
    if code is not None:
        assert code in {p.code for p in again.problems} - before


def test_another_profile_uses_nothing_kept_for_the_first(project: Path, tmp_path: Path) -> None:
    validate(project)
    profile = tmp_path / "schema"
    shutil.copytree(ROOT / "pipeline" / "schema", profile)
    again = validate(project, profile=profile / "teipipe.xsd")
    assert again.cached == 0 and found(again) == found(validate(project, cache=False))


def test_a_cache_that_is_not_a_database_is_started_afresh(project: Path) -> None:
    (project / FOLDER).mkdir()
    (project / FOLDER / NAME).write_bytes(b"not a database")
    assert found(validate(project)) == found(validate(project, cache=False))
    assert validate(project).cached == 6
    with sqlite3.connect(project / FOLDER / NAME) as connection:
        assert connection.execute("SELECT count(*) FROM result").fetchone() == (6,)


def test_a_cache_that_cannot_be_made_is_done_without(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / FOLDER).write_text("a file where the folder would be", encoding="utf-8")
    report = validate(project)
    assert found(report) == found(validate(project, cache=False)) and report.cached == 0
    assert f"the cache {project / FOLDER} cannot be used" in capsys.readouterr().err


def test_the_command_keeps_the_cache_in_the_project_unless_told_not_to(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    assert CliRunner().invoke(cli, ["validate", "--no-cache", "tei"]).exit_code == 0
    assert not (project / FOLDER).exists()
    first = CliRunner().invoke(cli, ["validate", "tei"])
    second = CliRunner().invoke(cli, ["validate", "tei"])
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    assert (project / FOLDER / NAME).is_file()


def test_outside_a_project_no_cache_is_written(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "loose"
    shutil.copytree(ROOT / "tei", folder)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["validate", "loose"]).exit_code == 0
    assert not (tmp_path / FOLDER).exists() and not (folder / FOLDER).exists()
