"""Input that is not what a command takes is named as such, with the exit status that says so,
and a run that fails before writing changes nothing on disk (the authority file included).

Every case runs the real command in a folder of its own outside any project. CASES is the
table: the files the folder holds, the command, the sentence the command must say and its
exit status.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SETTINGS_FILE, find_root

ROOT = Path(__file__).resolve().parent.parent
GOOD_TEI = ROOT / "tests" / "fixtures" / "invalid" / "telegram.xml"
AUTHORITY = ROOT / "tests" / "fixtures" / "invalid" / "authority.xml"

HTML = b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>a page</p></body></html>\n'
TEI_WITHOUT_NAMESPACE = b"<TEI><teiHeader/><text/></TEI>\n"
TEXT = "SECRET\n\nTELEGRAM\n\nThe meeting is put off until Monday.\n\nIVANOV\n".encode("utf-8")
DOCX = b"PK\x03\x04" + b"\x00" * 40  # the start of every ZIP container, as a .docx is
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
NO_PROJECT = "error: no teipipe project in "

#: case -> (files of the folder, arguments, words the output must hold, exit status)
CASES = {
    "render of XML that is not TEI": (
        {"pages/a.xml": HTML}, ["render", "pages", "-o", "out"],
        "error: pages/a.xml: not a TEI document (root element `html`): only TEI documents are rendered", 1),
    "render of TEI in no namespace": (
        {"pages/a.xml": TEI_WITHOUT_NAMESPACE}, ["render", "pages", "-o", "out"],
        "not a TEI document (root element `TEI` in no namespace, not http://www.tei-c.org/ns/1.0)", 1),
    "validate of XML that is not TEI": (
        {"pages/a.xml": HTML}, ["validate", "pages"],
        "pages/a.xml:2:1: TP007: error: not a TEI document (root element `html`); check that the right "
        "file was given", 1),
    "convert of a TEI file": (
        {"a.xml": GOOD_TEI.read_bytes()}, ["convert", "a.xml", "-o", "tei"],
        "a.xml: error: an XML file, not plain text; convert takes plain-text documents (.txt) and encodes "
        "them as TEI: a TEI file is checked with `teipipe validate` and rendered with `teipipe render`", 1),
    "convert of XML named .txt": (
        {"a.txt": GOOD_TEI.read_bytes()}, ["convert", "a.txt", "-o", "tei"],
        "a.txt: error: an XML file, not plain text; convert takes plain-text documents (.txt)", 1),
    "convert of a Word document": (
        {"letter.docx": DOCX}, ["convert", "letter.docx", "-o", "tei"],
        "letter.docx: error: a Word document, not plain text; convert takes plain-text documents (.txt): "
        "save the document as plain text (UTF-8) first", 1),
    "convert of a PDF": (
        {"scan.pdf": PDF}, ["convert", "scan.pdf", "-o", "tei"],
        "scan.pdf: error: a PDF document, not plain text; convert takes plain-text documents (.txt): "
        "extract the PDF's text (or OCR it) into a .txt file first", 1),
    "convert of a PDF named .txt": (
        {"scan.txt": PDF}, ["convert", "scan.txt", "-o", "tei"],
        "scan.txt: error: binary file (a PDF document); convert takes plain-text documents (.txt): "
        "extract the PDF's text (or OCR it) into a .txt file first", 1),
    "build outside a project": ({}, ["build"], NO_PROJECT, 2),
    "deposit outside a project": ({}, ["deposit", "bag"], NO_PROJECT, 2),
    "convert without -o outside a project": ({"a.txt": TEXT}, ["convert", "a.txt"], NO_PROJECT, 2),
    "validate without paths outside a project": ({}, ["validate"], NO_PROJECT, 2),
    "render without paths outside a project": ({}, ["render"], NO_PROJECT, 2),
    "settings that are not TOML": (
        {SETTINGS_FILE: b"seeds = \n"}, ["build"], "teipipe.toml: cannot be read as TOML: ", 2),
    "init over a project": (
        {SETTINGS_FILE: b'seeds = "seeds"\n'}, ["init", "."],
        "already holds teipipe.toml: teipipe init does not overwrite", 2),
    "init where pyproject.toml holds [tool.teipipe]": (
        {"pyproject.toml": b"[tool.teipipe]\n"}, ["init"],
        "already holds pyproject.toml: teipipe init does not overwrite", 2),
}


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under ``folder``, with its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def outside(tmp_path, monkeypatch) -> Path:
    """A working folder that no project holds."""
    folder = tmp_path / "work"
    folder.mkdir()
    assert find_root(folder) is None
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_input_is_named_and_nothing_on_disk_changes(case, outside):
    files, arguments, words, status = CASES[case]
    for name, data in files.items():
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_bytes(data)
    before = _files(outside)
    result = CliRunner().invoke(cli, arguments)
    assert isinstance(result.exception, (SystemExit, type(None))), result.exc_info
    assert words in result.output, result.output
    assert result.exit_code == status
    assert _files(outside) == before


def test_a_convert_that_fails_leaves_the_authority_file_as_it_was(outside):
    (outside / "tei").mkdir()
    shutil.copy(AUTHORITY, outside / "tei" / "authority.xml")
    os.utime(outside / "tei" / "authority.xml", ns=(1_000_000_000, 1_000_000_000))
    (outside / "a.pdf").write_bytes(PDF)
    (outside / "b.txt").write_bytes(b"")
    before = _files(outside)
    result = CliRunner().invoke(cli, ["convert", "a.pdf", "b.txt", "-o", "tei"])
    assert result.exit_code == 1
    assert "0 converted, 2 failed" in result.output
    assert _files(outside) == before


def test_a_convert_that_writes_a_document_writes_the_authority_file_too(outside):
    (outside / "a.txt").write_bytes(TEXT)
    (outside / "b.pdf").write_bytes(PDF)
    result = CliRunner().invoke(cli, ["convert", "a.txt", "b.pdf", "-o", "tei"])
    assert result.exit_code == 1 and "1 converted, 1 failed" in result.output
    assert sorted(p.name for p in (outside / "tei").iterdir()) == ["a.xml", "authority.xml"]


@pytest.mark.parametrize("arguments", [["validate", "tei"], ["render", "tei", "--to", "text"]])
def test_validate_and_render_of_named_paths_work_outside_a_project(outside, arguments):
    (outside / "tei").mkdir()
    shutil.copy(GOOD_TEI, outside / "tei" / "telegram.xml")
    shutil.copy(AUTHORITY, outside / "tei" / "authority.xml")
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output


def test_a_project_is_found_from_the_paths_given_and_from_the_folders_above(tmp_path, monkeypatch):
    project = tmp_path / "corpus"
    (project / "tei" / "deep").mkdir(parents=True)
    (project / SETTINGS_FILE).write_text('tei = "tei"\n', encoding="utf-8")
    assert find_root(project / "tei" / "deep") == project
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    (other / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_root(other / "sub") is None  # a pyproject.toml without [tool.teipipe] is not a project
    (other / "pyproject.toml").write_text("[tool.teipipe]\nbuild = 'out'\n", encoding="utf-8")
    assert find_root(other / "sub") == other
