"""Tests of the ``teipipe render`` command: its wiring, its exit codes, its default folders, and
that two separate runs write the same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.render import CSS_NAME, render_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "render"


def run_in_new_process(*args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, check=False)


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_render_html_writes_pages_index_registers_and_css(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", str(FIXTURES), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "rendered 2 document(s)" in result.output
    assert sorted(files(tmp_path)) == ["bulletin.html", "index.html", "organisations.html", "persons.html",
                                       "places.html", CSS_NAME, "telegram.html"]


def test_render_text_views(tmp_path: Path) -> None:
    for view in ("reading", "diplomatic"):
        result = CliRunner().invoke(cli, ["render", str(FIXTURES / "telegram.xml"), "--to", "text",
                                          "--view", view, "-o", str(tmp_path / view)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / view / "telegram.txt").read_text(encoding="utf-8") == \
            render_document(FIXTURES / "telegram.xml", "text", view)


def test_two_runs_in_separate_processes_write_the_same_bytes(tmp_path: Path) -> None:
    for run in ("first", "second"):
        for to, view in (("html", "reading"), ("html", "review"), ("text", "reading"), ("text", "diplomatic")):
            result = run_in_new_process("render", str(FIXTURES), "--to", to, "--view", view,
                                        "-o", str(tmp_path / run / f"{to}-{view}"))
            assert result.returncode == 0, result.stderr
    first, second = files(tmp_path / "first"), files(tmp_path / "second")
    assert len(first) == 2 * 4 + 2 * 5  # pages, plus index.html, the 3 registers and the CSS for each HTML view
    assert first == second
    base = os.path.relpath(FIXTURES.resolve(), (tmp_path / "first" / "html-review").resolve()) + "/"
    assert first["html-review/telegram.html"].decode() == render_document(FIXTURES / "telegram.xml", "html", "review",
                                                                          source_base=base)


def test_a_failing_document_is_named_and_the_exit_code_is_1(tmp_path: Path) -> None:
    broken = tmp_path / "in" / "zz_broken.xml"
    broken.parent.mkdir()
    broken.write_text("not xml at all", encoding="utf-8")
    result = run_in_new_process("render", str(FIXTURES / "telegram.xml"), str(broken), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "zz_broken.xml" in result.stderr
    assert (tmp_path / "out" / "telegram.html").is_file()
    assert "1 failed" in result.stdout


def test_a_view_the_output_does_not_have_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", str(FIXTURES), "--to", "html", "--view", "diplomatic",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "no view 'diplomatic'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_default_input_and_output_come_from_the_settings(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "tei").mkdir()
    for name in ("telegram.xml", "bulletin.xml"):
        (tmp_path / "tei" / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.teipipe]\nbuild = "out"\ntransforms = "{(ROOT / "pipeline" / "transforms").as_posix()}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for to, view, folder in (("html", "reading", "out/html"), ("html", "review", "out/html/review"),
                             ("text", "diplomatic", "out/text/diplomatic")):
        result = CliRunner().invoke(cli, ["render", "--to", to, "--view", view])
        assert result.exit_code == 0, result.output
        assert {path.stem for path in (tmp_path / folder).glob("*.*") if path.name != CSS_NAME} \
            >= {"telegram", "bulletin"}
