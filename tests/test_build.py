"""teipipe build: incremental, safe for hand-edited TEI, the same with any number of workers.

Each test builds a copy of the project (its seeds, or a generated corpus of a few dozen) in a
temporary folder and reads the build's report: what it says it did is what it did.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.authority import Authority
from pipeline.build import build
from pipeline.config import load_settings
from pipeline.convert import convert_paths
from pipeline.executor import links_in, replay
from pipeline.manifest import MANIFEST_NAME, Manifest
from pipeline.render import index_row, render_index
from tests.outputs import make_project

ROOT = Path(__file__).resolve().parent.parent


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes; the manifest (a database,
    whose bytes depend on the order of its writes) as its records, without what the build knows
    of its input files' stats, which are of one file system (inodes, times)."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and not p.name.startswith(MANIFEST_NAME)}
    for manifest in sorted(folder.rglob(MANIFEST_NAME)):
        found[manifest.relative_to(folder).as_posix()] = json.dumps(records(manifest), sort_keys=True).encode()
    return found


def records(manifest: Path) -> dict:
    """The manifest's records, read from a copy (reading the build's own would change it)."""
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("", "-wal"):
            if Path(f"{manifest}{suffix}").is_file():
                shutil.copy(f"{manifest}{suffix}", f"{folder}/{MANIFEST_NAME}{suffix}")
        return Manifest.load(Path(folder) / MANIFEST_NAME).dump()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def stems(project: Path) -> list[str]:
    return sorted(p.name[:-4] for p in (project / "seeds").glob("*.txt"))


# ------------------------------------------------------------------------------------ incremental

def test_a_first_build_encodes_checks_and_renders_everything(project: Path) -> None:
    report = build(load_settings(project), jobs=1)
    everything = stems(project)
    assert report.exit_code == 0
    assert sorted(report.converted) == sorted(report.checked) == sorted(report.rendered) == everything
    assert report.index and report.authority
    for stem in everything:
        for output in (f"html/{stem}.html", f"html/review/{stem}.html", f"text/{stem}.txt",
                       f"text/diplomatic/{stem}.txt"):
            assert (project / "build" / output).is_file()
    for output in ("html/index.html", "html/teipipe.css", "html/review/index.html", "html/review/teipipe.css"):
        assert (project / "build" / output).is_file()


def test_a_second_build_with_nothing_changed_does_no_work(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    before = files(project)
    report = build(settings, jobs=1)
    assert report.did_nothing
    assert (report.converted, report.checked, report.rendered, report.index) == ([], [], [], False)
    assert sorted(report.unchanged) == stems(project)
    assert files(project) == before


def test_changing_one_seed_rebuilds_that_document_and_the_index(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    changed = stems(project)[2]
    seed = project / "seeds" / f"{changed}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    report = build(settings, jobs=1)
    assert report.converted == report.checked == report.rendered == [changed]
    assert report.index
    assert sorted(report.unchanged) == sorted(set(stems(project)) - {changed})
    assert "One more paragraph." in (project / "build" / "text" / f"{changed}.txt").read_text(encoding="utf-8")


def test_changing_a_stylesheet_renders_again_without_encoding_or_checking(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    css = project / "transforms" / "teipipe.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* wider margins */\n", encoding="utf-8")
    report = build(settings, jobs=1)
    assert report.converted == report.checked == []
    assert sorted(report.rendered) == stems(project)
    assert report.index
    assert (project / "build" / "html" / "teipipe.css").read_bytes() == css.read_bytes()


def test_pages_rendered_again_the_same_are_left_as_they_were(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    pages = [project / "build" / output for stem in stems(project) for output in (
        f"html/{stem}.html", f"html/review/{stem}.html", f"text/{stem}.txt", f"text/diplomatic/{stem}.txt")]
    expected = {page: page.read_bytes() for page in pages}
    tampered = pages[5]  # edited by hand, its size kept: written again, with the bytes it should hold
    tampered.write_bytes(expected[tampered][:-1] + (b"#" if expected[tampered][-1:] != b"#" else b"%"))
    stats = {page: (page.stat().st_ino, page.stat().st_mtime_ns) for page in pages}
    stylesheet = project / "transforms" / "text.xsl"  # a comment: every page is made again, the same
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "<!-- a note for the editors -->\n",
                          encoding="utf-8")
    report = build(settings, jobs=1)
    assert sorted(report.rendered) == stems(project)
    assert {page: page.read_bytes() for page in pages} == expected
    assert [page for page in pages if (page.stat().st_ino, page.stat().st_mtime_ns) != stats[page]] == [tampered]
    assert build(settings, jobs=1).did_nothing


def test_a_deleted_output_is_made_again(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[0]
    (project / "build" / "text" / "diplomatic" / f"{stem}.txt").unlink()
    report = build(settings, jobs=1)
    assert report.converted == report.checked == []
    assert report.rendered == [stem]
    assert (project / "build" / "text" / "diplomatic" / f"{stem}.txt").is_file()


def test_a_removed_document_takes_its_pages_with_it(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[1]
    (project / "seeds" / f"{stem}.txt").unlink()
    (project / "tei" / f"{stem}.xml").unlink()
    report = build(settings, jobs=1)
    assert report.removed == [stem]
    assert not list((project / "build").rglob(f"{stem}.*"))
    assert stem not in (project / "build" / "html" / "index.html").read_text(encoding="utf-8")


def test_a_tei_file_without_a_seed_is_checked_and_rendered(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[0]
    (project / "seeds" / f"{stem}.txt").unlink()
    report = build(settings, jobs=1)
    assert report.without_seed == [stem]
    assert report.exit_code == 0
    assert (project / "build" / "html" / f"{stem}.html").is_file()


# ------------------------------------------------------------------------------------ what a build reads

_opened: list[str] | None = None


def _note_opens(event: str, arguments: tuple) -> None:
    if event == "open" and _opened is not None and isinstance(arguments[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(arguments[0]))


sys.addaudithook(_note_opens)  # (an audit hook stays for the whole run: it only notes while asked)


@contextmanager
def opened() -> Iterator[list[str]]:
    """The files this process opens by the interpreter's functions inside the block."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def documents_read(paths: list[str], project: Path) -> set[str]:
    """The seeds and TEI documents of ``project`` among ``paths`` (not the authority file)."""
    folders = {(project / "seeds").resolve(), (project / "tei").resolve()}
    return {Path(p).name for p in paths if Path(p).resolve().parent in folders and Path(p).name != "authority.xml"
            and not Path(p).name.startswith(".")}


def age(project: Path) -> None:
    """Make the seeds and the TEI files an hour old, as in a project that was not just built:
    a build trusts what it recorded of a file only when the file was not changing as it looked."""
    past = time.time() - 3600
    for folder in ("seeds", "tei"):
        for path in (project / folder).iterdir():
            os.utime(path, (past, past))


def test_a_build_with_nothing_changed_reads_no_seed_and_no_document(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    age(project)
    build(settings, jobs=1)  # digests every file once more, and records their stats
    with opened() as paths:
        report = build(settings, jobs=1)
    assert report.did_nothing
    assert documents_read(paths, project) == set()
    # A file the build does not know in an output folder: the build looks at every document's
    # records, and still reads none.
    (project / "build" / "html" / "notes.txt").write_text("for the editors\n", encoding="utf-8")
    with opened() as paths:
        report = build(settings, jobs=1)
    assert report.did_nothing and "scan" in report.times
    assert documents_read(paths, project) == set()


def test_a_build_that_finds_everything_as_it_was_left_reports_what_a_full_look_reports(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    invalid, edited = stems(project)[:2]
    tei = project / "tei" / f"{invalid}.xml"
    tei.write_text(tei.read_text(encoding="utf-8").replace("<body>", "<body bogus=\"1\">", 1), encoding="utf-8")
    edit(project / "tei" / f"{edited}.xml")
    age(project)
    build(settings, jobs=1)  # checks both again, and leaves its state
    with opened() as paths:
        again = build(settings, jobs=1)
    assert "scan" not in again.times  # it found the state the last build left
    assert documents_read(paths, project) == set()
    forget_the_file_system(project)
    looked = build(settings, jobs=1)  # looks at every document
    assert "scan" in looked.times and looked.did_nothing
    assert looked.invalid == [invalid] and looked.diverged == [invalid, edited] and looked.exit_code == 1
    assert again.did_nothing and again.exit_code == 1
    assert (again.documents, again.unchanged, again.invalid, again.diverged, again.problems) == \
        (looked.documents, looked.unchanged, looked.invalid, looked.diverged, looked.problems)


def forget_the_file_system(project: Path) -> None:
    """Take away what the build knows of the files' stats and the state it left."""
    connection = sqlite3.connect(project / "build" / MANIFEST_NAME)
    with connection:
        connection.execute("DELETE FROM files")
        connection.execute("DELETE FROM meta WHERE name = 'last'")
    connection.close()


def test_changing_one_seed_reads_that_document_only(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    age(project)
    build(settings, jobs=1)
    changed = stems(project)[2]
    seed = project / "seeds" / f"{changed}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    with opened() as paths:
        report = build(settings, jobs=1)
    assert report.converted == report.rendered == [changed] and report.index
    assert documents_read(paths, project) == {f"{changed}.txt", f"{changed}.xml"}  # the index reads none


def test_an_edit_that_keeps_the_size_and_the_time_of_a_file_is_seen(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    age(project)
    build(settings, jobs=1)
    stem = stems(project)[1]
    seed = project / "seeds" / f"{stem}.txt"
    before = seed.stat()
    text = seed.read_bytes()
    at = text.index(b"e")
    seed.write_bytes(text[:at] + b"a" + text[at + 1:])
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert seed.stat().st_size == before.st_size and seed.stat().st_mtime_ns == before.st_mtime_ns
    report = build(settings, jobs=1)
    assert report.converted == [stem]


def test_the_manifest_keeps_what_the_index_shows_of_each_document(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    manifest = records(project / "build" / MANIFEST_NAME)
    teis = sorted((project / "tei").glob("0*.xml"))
    for tei in teis:
        assert manifest["documents"][tei.stem]["rendered"]["row"] == dataclasses.asdict(index_row(tei))
    index = (project / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert index == render_index(teis, transforms=project / "transforms")


def test_pointers_into_other_files_are_found_anywhere_in_the_bytes() -> None:
    data = (b'<persName ref="authority.xml#pers-x"/> <ptr target="a.xml#b.xml#c"/> x.xml# '
            b'=other.xml#place-y "authority.xml#pers-x"')
    assert links_in(data) == ["a.xml#b.xml#c", "authority.xml#pers-x", "other.xml#place-y"]


# ------------------------------------------------------------------------------------ editors' work

def edit(tei: Path) -> bytes:
    """An editor's correction of the first paragraph; returns the edited bytes."""
    text = tei.read_text(encoding="utf-8")
    at = text.index("<body>") + len("<body>")
    tei.write_text(text[:at] + "<p>Editor's note: checked against the original.</p>" + text[at:], encoding="utf-8")
    return tei.read_bytes()


def test_a_hand_edited_tei_file_is_kept_checked_rendered_and_reported(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[3]
    tei = project / "tei" / f"{stem}.xml"
    edited = edit(tei)
    report = build(settings, jobs=1)
    assert tei.read_bytes() == edited
    assert report.diverged == [stem]
    assert report.checked == report.rendered == [stem]
    assert "Editor's note" in (project / "build" / "html" / f"{stem}.html").read_text(encoding="utf-8")
    # The seed changes as well: the edition is still the master copy.
    seed = project / "seeds" / f"{stem}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA late addition.\n", encoding="utf-8")
    report = build(settings, jobs=1)
    assert tei.read_bytes() == edited
    assert report.diverged == [stem]
    assert report.converted == []


def test_force_encodes_an_edited_file_again_and_keeps_a_backup(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[3]
    tei = project / "tei" / f"{stem}.xml"
    encoded = tei.read_bytes()
    edited = edit(tei)
    report = build(settings, jobs=1, force=True)
    assert tei.read_bytes() == encoded
    backup = report.replaced[stem]
    assert backup.parent == tei.parent and backup.name.startswith(tei.name) and backup.suffix == ".bak"
    assert backup.read_bytes() == edited
    assert report.converted == [stem] and report.diverged == []


def test_tei_files_committed_without_a_manifest_are_recognised_as_the_encoders(project: Path) -> None:
    settings = load_settings(project)
    convert_paths([project / "seeds"], project / "tei", settings)
    before = files(project / "tei")
    report = build(settings, jobs=1)
    assert report.diverged == []
    assert files(project / "tei") == before


# ------------------------------------------------------------------------------------ problems

def test_an_invalid_document_fails_the_build_and_is_not_published(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    stem = stems(project)[0]
    tei = project / "tei" / f"{stem}.xml"
    tei.write_text(tei.read_text(encoding="utf-8").replace("<body>", "<body bogus=\"1\">", 1), encoding="utf-8")
    report = build(settings, jobs=1)
    assert report.invalid == [stem] and report.exit_code == 1
    assert report.skipped == [stem]
    assert any(p.code == "TP011" and p.path.endswith(f"{stem}.xml") for p in report.problems)
    assert not (project / "build" / "html" / f"{stem}.html").exists()
    assert stem not in (project / "build" / "html" / "index.html").read_text(encoding="utf-8")
    # Nothing changes, and the build still fails: a no-op build does not forget a fault.
    again = build(settings, jobs=1)
    assert again.did_nothing and again.invalid == [stem] and again.exit_code == 1


def test_a_seed_that_cannot_be_encoded_fails_the_build(project: Path) -> None:
    (project / "seeds" / "empty.txt").write_bytes(b"")
    report = build(load_settings(project), jobs=1)
    assert report.exit_code == 1
    assert any("empty.txt" in line for line in report.failures)
    assert len(report.rendered) == len(stems(project)) - 1


def test_an_id_declared_in_two_files_makes_both_invalid(project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    first, second = stems(project)[:2]
    copy = project / "tei" / "copy.xml"
    copy.write_bytes((project / "tei" / f"{first}.xml").read_bytes())
    report = build(settings, jobs=1)
    assert sorted(report.invalid) == sorted([first, "copy"])
    assert any(p.code == "TP103" and p.path.endswith("copy.xml") for p in report.problems)
    copy.unlink()
    report = build(settings, jobs=1)
    assert report.invalid == [] and report.exit_code == 0
    assert first in report.rendered and second not in report.rendered


# ------------------------------------------------------------------------------------ the same bytes

def test_any_number_of_workers_gives_the_same_tree_as_convert(tmp_path: Path) -> None:
    one = make_project(tmp_path / "one", documents=40)
    two = make_project(tmp_path / "two", documents=40)
    converted = make_project(tmp_path / "converted", documents=40)
    assert build(load_settings(one), jobs=1).exit_code == 0
    report = build(load_settings(two), jobs=2)
    assert report.exit_code == 0 and len(report.rendered) == 40
    assert files(one) == files(two)
    convert_paths([converted / "seeds"], converted / "tei", load_settings(converted))
    assert files(converted / "tei") == files(one / "tei")


def test_the_manifest_is_a_database_of_one_record_per_document_in_parts_and_a_build_writes_only_what_changed(
        project: Path) -> None:
    settings = load_settings(project)
    build(settings, jobs=1)
    connection = sqlite3.connect(project / "build" / MANIFEST_NAME)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    def rows() -> dict[tuple[str, str], str]:
        return {(stem, part): value for stem, part, value in connection.execute("SELECT stem, part, value FROM documents")}

    before = rows()
    assert sorted({stem for stem, _ in before}) == stems(project)
    assert {part for _, part in before} == {"encoded", "lookups", "checked", "rendered", "named"}
    assert all(json.loads(before[stem, "rendered"])["outputs"] for stem in stems(project))
    changed = stems(project)[2]
    seed = project / "seeds" / f"{changed}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    written: list[str] = []
    original = Manifest.save

    def save(manifest: Manifest, path=None) -> None:
        written.extend(manifest.documents.dirty)
        original(manifest, path)

    Manifest.save = save  # type: ignore[method-assign]
    try:
        assert build(settings, jobs=1).converted == [changed]
    finally:
        Manifest.save = original  # type: ignore[method-assign]
    assert set(written) == {changed}
    after = rows()
    assert {stem for stem, part in before.keys() | after.keys() if before.get((stem, part)) != after.get((stem, part))} \
        == {changed}
    connection.close()


def test_the_library_takes_an_executor(project: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    reference = make_project(project.parent / "reference")
    build(load_settings(reference), jobs=1)
    with ThreadPoolExecutor(1) as executor:
        report = build(load_settings(project), executor=executor)
    assert report.exit_code == 0
    assert files(project / "tei") == files(reference / "tei")
    assert files(project / "build") == files(reference / "build")


def test_replaying_a_lookup_whose_answer_changed_fails_and_leaves_the_authority_as_it_was() -> None:
    authority = Authority.load(None)
    before = set(authority.entries)
    calls = [["ref_for", "Ivan Petrovsky", "person", True, "pers-ivan-petrovsky"],
             ["lookup", "Petrovsky", "person", None]]  # made before anyone had added the name
    assert replay(authority, calls[:1])  # adds him
    assert set(authority.entries) == before | {"pers-ivan-petrovsky"}
    authority.rollback(0)
    assert set(authority.entries) == before
    # Once he is known, the surname alone finds him: the second answer is no longer None.
    assert not replay(authority, calls)
    assert set(authority.entries) == before


# ------------------------------------------------------------------------------------ interrupted

def run_build(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "build", *arguments], cwd=project,
                          env=_environment(), capture_output=True, text=True)


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_a_killed_build_always_recovers_to_the_same_tree(tmp_path: Path) -> None:
    """Stop a build (SIGKILL, or SIGINT as Ctrl-C) when a given share of its outputs exist,
    build again, and compare every file with an uninterrupted build."""
    import signal

    reference = make_project(tmp_path / "reference", documents=36)
    before = len(files(reference))
    assert run_build(reference, "--jobs", "2", "--quiet").returncode == 0
    expected = files(reference)
    assert not [name for name in expected if name.endswith(".tmp")]
    outputs = len(expected) - before
    stopped_midway = 0
    for number, share in enumerate((0.05, 0.25, 0.5, 0.75, 0.95)):
        project = make_project(tmp_path / f"killed-{number}", documents=36)
        process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "build", "--jobs", "2", "--quiet"],
                                   cwd=project, env=_environment(), start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and sum(1 for p in project.rglob("*") if p.is_file()) - before < share * outputs:
            time.sleep(0.005)
        if process.poll() is None:
            stop = signal.SIGKILL if number % 2 else signal.SIGINT
            os.killpg(process.pid, stop)
            stopped_midway += 1
            # Ctrl-C ends the build and its workers too, even a pool caught while it starts: 130
            # from teipipe, the signal itself when it lands outside the build, or 0 when the build
            # was done just before the signal came.
            ended = {0, 130, -signal.SIGINT} if stop == signal.SIGINT else {0, -signal.SIGKILL}
            assert process.wait(timeout=60) in ended
        process.wait()
        finish = run_build(project, "--jobs", "2", "--quiet")
        assert finish.returncode == 0, finish.stderr
        assert files(project) == expected, f"after a stop with {share:.0%} of the outputs written"
    assert stopped_midway >= 3  # the stops land while the build is writing its outputs


def test_the_command_summarises_says_when_there_is_nothing_to_do_and_is_silent_when_asked(project: Path) -> None:
    first = run_build(project, "--jobs", "1")
    assert first.returncode == 0
    assert "5 documents: 5 converted, 0 unchanged, 0 invalid, 5 rendered, 0 skipped" in first.stdout
    assert first.stdout.splitlines()[0].startswith("encode ")
    second = run_build(project, "--quiet")
    assert second.returncode == 0 and second.stdout == "" and second.stderr == ""
    third = run_build(project)
    assert third.stdout.startswith("nothing to do: 5 documents unchanged")
    assert run_build(project, "--jobs", "-1").returncode == 2


def test_the_command_ends_by_saying_where_the_edition_is(project: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    monkeypatch.chdir(project)
    for _ in range(2):  # a build that does everything, then one that finds nothing to do
        result = CliRunner().invoke(cli, ["build", "-j", "1"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1] == "the edition: build/html/index.html"
