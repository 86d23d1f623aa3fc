"""Hostile and broken input: the encoder and the command line hold, say what is wrong, and lose
nothing.

Each test is one row of docs/errors.md. The input is converted with ``teipipe convert`` in a
batch beside a good telegram (tests/fixtures/hostile/good.txt), and the batch must end in one
of two ways for it:

* a TEI document, well-formed and valid against tei_all, that keeps every word of its source in
  order (the exit status stays 0);
* one error line that names the file, ``file: error: reason`` or
  ``file:line:column: error: reason``, no output for it, and exit status 1.

Either way the good telegram is written and valid, and the output folder holds only complete
XML files. The small inputs are committed in tests/fixtures/hostile/ (made by make_fixtures.py
there); the large ones are made in a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from pipeline.cli import cli
from pipeline.convert import output_name
from pipeline.source import stem_of

from .fixtures.hostile import make_fixtures
from .fuzz.oracle import TEI_NS, missing_word, text_content

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
T = f"{{{TEI_NS}}}"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass
class Batch:
    """One run of ``teipipe convert``: its result, its input and output folders."""

    result: Result
    inputs: Path
    out: Path

    def errors_for(self, source: Path) -> list[str]:
        """The error lines that name ``source`` (with or without a line and column)."""
        pattern = re.compile(re.escape(str(source)) + r"(?::\d+:\d+)?: error: \S.*")
        return [line for line in self.result.stderr.splitlines() if pattern.fullmatch(line)]

    def refused(self, source: Path, reason: str) -> str:
        """Check that ``source`` failed alone with one error line matching ``reason``; returns it."""
        lines = self.errors_for(source)
        assert len(lines) == 1, f"expected one error line for {source}:\n{self.result.stderr}"
        assert re.search(reason, lines[0]), lines[0]
        assert self.result.exit_code == 1, self.result.output
        assert not (self.out / output_name(stem_of(source))).exists()
        return lines[0]

    def tei(self, source: Path) -> etree._Element:
        """The TEI document written for ``source``."""
        path = self.out / output_name(stem_of(source))
        assert path.is_file(), f"{path} was not written:\n{self.result.output}"
        return etree.parse(str(path), PARSER).getroot()


@pytest.fixture
def convert(tmp_path, tei_all):
    """``convert(*sources, options=(), extra=(), out=None, where=tmp_path, good=True, clean=True)``: run
    ``teipipe convert`` on the folder ``where/in`` holding good.txt and the given sources
    (fixture names, or (name, bytes) pairs), plus the ``extra`` paths, into ``out`` (default
    ``where/out``).

    Then check what holds for every batch: the command did not crash; unless ``clean`` is false,
    the output folder holds complete XML files only (no temporary or partial files); unless
    ``good`` is false, the good telegram was written and is valid."""

    def run(*sources: str | tuple[str, bytes], options: tuple[str, ...] = (), extra: tuple[Path, ...] = (),
            out: Path | None = None, where: Path = tmp_path, good: bool = True, clean: bool = True) -> Batch:
        inputs = where / "in"
        inputs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / "good.txt", inputs / "good.txt")
        for source in sources:
            name, data = source if isinstance(source, tuple) else (source, (FIXTURES / source).read_bytes())
            (inputs / name).write_bytes(data)
        out = out or where / "out"
        result = CliRunner().invoke(cli, ["convert", str(inputs), *map(str, extra), "-o", str(out), *options])
        assert isinstance(result.exception, (SystemExit, type(None))), result.exc_info
        for path in out.iterdir() if clean and out.is_dir() else ():
            assert path.suffix == ".xml" and not path.name.startswith("."), f"stray output {path.name}"
            if path.is_file():
                etree.parse(str(path), PARSER)  # complete and well-formed
        if good:
            assert tei_all.validate(etree.parse(str(out / "good.xml"), PARSER)), tei_all.error_log.last_error
        return Batch(result, inputs, out)

    return run


@pytest.fixture(scope="session")
def permissions_hold(tmp_path_factory) -> None:
    """Skip unless file permissions stop this process (they do not stop root, or a process with
    the capability to override them)."""
    probe = tmp_path_factory.mktemp("permissions") / "locked"
    probe.mkdir()
    probe.chmod(0)
    try:
        os.listdir(probe)
    except PermissionError:
        return
    finally:
        probe.chmod(0o755)
    pytest.skip("permissions do not stop this process (it runs as root); the tests with a path that "
                "runs through a file stand in for this one")


@pytest.fixture
def check_tei(tei_all):
    """``check_tei(batch, source, text)``: the TEI written for ``source`` is valid against tei_all
    and keeps every word of ``text`` (the source as decoded) in order."""

    def check(batch: Batch, source: Path, text: str) -> etree._Element:
        root = batch.tei(source)
        assert tei_all.validate(etree.ElementTree(root)), tei_all.error_log.last_error
        lost = missing_word(text, text_content(root))
        assert lost is None, f"{source.name}: the word {lost!r} is missing from the TEI"
        return root

    return check


# --- empty, blank and binary files ---------------------------------------------------------------


def test_an_empty_file_is_refused(convert):
    batch = convert("empty.txt")
    batch.refused(batch.inputs / "empty.txt", r": error: empty file: there is no text to encode$")
    assert "1 converted, 1 failed" in batch.result.stdout


def test_a_file_of_white_space_only_is_refused(convert):
    batch = convert("whitespace-only.txt")
    batch.refused(batch.inputs / "whitespace-only.txt", r": error: the file holds only white space")


def test_a_file_with_nul_bytes_is_refused_as_binary_at_the_first_nul(convert):
    batch = convert("nul-bytes.txt")
    line = batch.refused(batch.inputs / "nul-bytes.txt", r"binary file \(NUL byte\)")
    assert line.startswith(f"{batch.inputs / 'nul-bytes.txt'}:9:19: error: ")


def test_an_image_is_refused_as_binary_whatever_its_name(convert):
    png = (FIXTURES / "image.png").read_bytes()
    batch = convert(("scan.txt", png), extra=(FIXTURES / "image.png",))
    batch.refused(batch.inputs / "scan.txt", r": error: binary file \(a PNG image\)")
    batch.refused(FIXTURES / "image.png", r": error: binary file \(a PNG image\)")
    assert "1 converted, 2 failed" in batch.result.stdout


# --- encodings -----------------------------------------------------------------------------------


def test_utf16_with_a_byte_order_mark_is_read(convert, check_tei):
    batch = convert("utf16-bom.txt")
    assert batch.result.exit_code == 0, batch.result.output
    source = batch.inputs / "utf16-bom.txt"
    root = check_tei(batch, source, source.read_bytes().decode("utf-16"))
    assert "Москва" in text_content(root)


def test_windows_1251_is_refused_with_a_message_naming_the_encoding_option(convert):
    batch = convert("cp1251.txt")
    line = batch.refused(batch.inputs / "cp1251.txt", r":1:1: error: not UTF-8 \(byte 0xD1\)")
    assert "--encoding cp1251" in line


def test_windows_1251_is_read_when_named_with_the_encoding_option(convert, check_tei):
    batch = convert("cp1251.txt", options=("--encoding", "cp1251"))
    assert batch.result.exit_code == 0, batch.result.output
    source = batch.inputs / "cp1251.txt"
    root = check_tei(batch, source, source.read_bytes().decode("cp1251"))
    assert "ШИФРТЕЛЕГРАММА" in text_content(root)


def test_latin1_is_refused_with_a_message_naming_the_encoding_option(convert):
    batch = convert("latin1.txt")
    line = batch.refused(batch.inputs / "latin1.txt", r":1:3: error: not UTF-8 \(byte 0xC8\)")
    assert "--encoding latin-1" in line


def test_latin1_is_read_when_named_with_the_encoding_option(convert, check_tei):
    batch = convert("latin1.txt", options=("--encoding", "latin-1"))
    assert batch.result.exit_code == 0, batch.result.output
    source = batch.inputs / "latin1.txt"
    root = check_tei(batch, source, source.read_bytes().decode("latin-1"))
    assert "Genève" in text_content(root)


def test_an_unknown_encoding_name_is_an_error_for_each_file(convert):
    batch = convert(("other.txt", b"Another telegram."), options=("--encoding", "klingon"), good=False)
    for name in ("good.txt", "other.txt"):
        batch.refused(batch.inputs / name, r": error: unknown encoding 'klingon' given with --encoding$")


def test_mixed_line_endings_are_read_as_line_feeds(convert, tmp_path, check_tei):
    mixed = (FIXTURES / "mixed-line-endings.txt").read_bytes()
    unix = mixed.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    first = convert(("letter.txt", mixed), where=tmp_path / "mixed")
    second = convert(("letter.txt", unix), where=tmp_path / "unix")
    assert first.result.exit_code == second.result.exit_code == 0
    root = check_tei(first, first.inputs / "letter.txt", unix.decode())
    same = second.tei(second.inputs / "letter.txt")
    assert etree.tostring(root.find(f"{T}text")) == etree.tostring(same.find(f"{T}text"))
    assert len(root.findall(f".//{T}lb")) == 3  # the paragraph of four lines keeps its line breaks


# --- size ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_text_of_20_mb_is_encoded(convert, check_tei):
    data = make_fixtures.large_text(20_000_000)
    batch = convert(("large.txt", data))
    assert batch.result.exit_code == 0, batch.result.output
    check_tei(batch, batch.inputs / "large.txt", data.decode())


def test_a_single_line_of_1_mb_is_encoded(convert, check_tei):
    data = make_fixtures.long_line(1_000_000)
    batch = convert(("long-line.txt", data))
    assert batch.result.exit_code == 0, batch.result.output
    check_tei(batch, batch.inputs / "long-line.txt", data.decode())


# --- brackets and XML's special characters -------------------------------------------------------


def test_unbalanced_nested_and_cross_paragraph_brackets_are_kept(convert, check_tei):
    batch = convert("brackets.txt")
    assert batch.result.exit_code == 0, batch.result.output
    source = (FIXTURES / "brackets.txt").read_text()
    root = check_tei(batch, batch.inputs / "brackets.txt", source)
    # Every bracket is either printed as text or recorded by rend="brackets" on the element that
    # stands for the pair: none is lost, none is invented.
    text = text_content(root)
    pairs = [e for e in root.find(f"{T}text").iter() if "brackets" in (e.get("rend") or "").split()]
    assert source.count("[") == text.count("[") + len(pairs)
    assert source.count("]") == text.count("]") + len(pairs)
    # A bracket that opens in one paragraph and closes in the next is text in both.
    assert "[that runs on" in text and "next paragraph]" in text


def test_xml_special_characters_are_escaped(convert, check_tei):
    batch = convert("xml-specials.txt")
    assert batch.result.exit_code == 0, batch.result.output
    source = batch.inputs / "xml-specials.txt"
    root = check_tei(batch, source, source.read_text())
    text = text_content(root)
    for printed in ("a < b && c > d", "]]> closes", "<!-- not a comment -->", "<?pi?>", "&amp; &#x41; <p>."):
        assert printed in text  # as text: no comment, processing instruction or element came of it


def test_control_characters_are_dropped_with_a_warning_naming_their_place(convert, check_tei):
    batch = convert("xml-specials.txt")
    source = batch.inputs / "xml-specials.txt"
    warnings = [line for line in batch.result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [f"{source}:{place}: warning: dropped control character {code}" for place, code in (
        ("5:20", "U+0001"), ("5:27", "U+001B"), ("5:34", "U+0008"), ("5:54", "U+000B"), ("6:25", "U+FFFE"))]
    text = text_content(check_tei(batch, source, source.read_text()))
    assert not re.search("[\x01\x08\x0b\x0c\x1b\ufffe]", text)
    assert "\x7f" in text and "\x85" in text  # allowed in XML 1.0: kept
    assert batch.result.exit_code == 0


# --- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["telegram with spaces.txt", "Шифртелеграмма.txt", "1951-07-13 report.txt"],
                         ids=["spaces", "non-ascii-letters", "leading-digits"])
def test_odd_file_names_are_encoded_under_the_same_name(convert, check_tei, name):
    batch = convert(name)
    assert batch.result.exit_code == 0, batch.result.output
    source = batch.inputs / name
    root = check_tei(batch, source, source.read_text())
    assert (batch.out / (name[:-4] + ".xml")).is_file()
    assert root.get("{http://www.w3.org/XML/1998/namespace}id").startswith("doc-")
    assert root.findtext(f".//{T}sourceDesc//{T}idno[@type='filename']") == name


# --- folders -------------------------------------------------------------------------------------


def test_a_folder_that_cannot_be_read_is_reported_and_the_batch_goes_on(convert, tmp_path, permissions_hold):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("A telegram nobody can read.")
    locked.chmod(0)
    try:
        batch = convert(extra=(locked,))
    finally:
        locked.chmod(0o755)
    assert batch.errors_for(locked) == [f"{locked}: error: folder cannot be read: Permission denied"]
    assert batch.result.exit_code == 1 and (batch.out / "good.xml").is_file()


def test_a_file_that_cannot_be_read_is_refused(convert, tmp_path, permissions_hold):
    locked = tmp_path / "in" / "locked.txt"
    locked.parent.mkdir()
    locked.write_text("A telegram nobody can read.")
    locked.chmod(0)
    try:
        batch = convert()
    finally:
        locked.chmod(0o644)
    batch.refused(locked, r": error: cannot be read: Permission denied$")


def test_a_folder_path_through_a_file_is_reported_and_the_batch_goes_on(convert, tmp_path):
    blocked = tmp_path / "a-file" / "sources"
    (tmp_path / "a-file").write_text("not a folder")
    batch = convert(extra=(blocked,))
    assert batch.errors_for(blocked) == [f"{blocked}: error: cannot be read: Not a directory"]
    assert batch.result.exit_code == 1 and (batch.out / "good.xml").is_file()
    assert "1 converted, 0 failed, 1 other error" in batch.result.stdout


def test_a_missing_source_is_reported_and_the_batch_goes_on(convert, tmp_path):
    missing = tmp_path / "no-such.txt"
    batch = convert(extra=(missing,))
    assert batch.errors_for(missing) == [f"{missing}: error: no such file or folder"]
    assert batch.result.exit_code == 1 and (batch.out / "good.xml").is_file()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links are not available here")
def test_a_symbolic_link_that_loops_is_reported_and_the_batch_goes_on(convert, tmp_path):
    (tmp_path / "in").mkdir()
    loop = tmp_path / "in" / "loop.txt"
    loop.symlink_to(loop)
    batch = convert()
    assert batch.errors_for(loop) == [f"{loop}: error: cannot be read: Too many levels of symbolic links"]
    assert batch.result.exit_code == 1 and (batch.out / "good.xml").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are not available here")
def test_a_pipe_among_the_sources_is_refused_without_waiting_for_it(convert, tmp_path):
    (tmp_path / "in").mkdir()
    pipe = tmp_path / "in" / "pipe.txt"
    os.mkfifo(pipe)
    batch = convert()
    batch.refused(pipe, r": error: is not a regular file")


def test_a_folder_named_like_a_text_file_is_refused(convert, tmp_path):
    (tmp_path / "in" / "folder.txt").mkdir(parents=True)
    batch = convert()
    batch.refused(batch.inputs / "folder.txt", r": error: is a folder, not a text file$")


# --- the output ----------------------------------------------------------------------------------


def test_an_output_folder_that_cannot_be_created_is_reported(convert, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "tei"
    batch = convert(out=out, good=False)
    assert batch.result.exit_code == 1
    assert f"{out}: error: output folder cannot be created: Not a directory" in batch.result.stderr.splitlines()
    assert not out.exists()


def test_a_read_only_output_folder_is_reported(convert, tmp_path, permissions_hold):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        batch = convert(out=out, good=False)
    finally:
        out.chmod(0o755)
    assert batch.result.exit_code == 1
    assert f"{out}: error: output folder is not writable" in batch.result.stderr.splitlines()
    assert list(out.iterdir()) == []


def test_an_output_that_cannot_be_replaced_fails_alone(convert, tmp_path):
    (tmp_path / "out" / "blocked.xml").mkdir(parents=True)  # a folder where the TEI file should go
    batch = convert(("blocked.txt", (FIXTURES / "good.txt").read_bytes()))
    target = batch.out / "blocked.xml"
    assert batch.errors_for(target) == [f"{target}: error: cannot be written: Is a directory"]
    assert batch.result.exit_code == 1 and (batch.out / "good.xml").is_file()


def test_a_failing_file_leaves_its_earlier_output_untouched(convert, tmp_path):
    earlier = convert(("letter.txt", (FIXTURES / "good.txt").read_bytes()), where=tmp_path / "first")
    before = (earlier.out / "letter.xml").read_bytes()
    later = convert(("letter.txt", b"\x00 now broken"), out=earlier.out, where=tmp_path / "second")
    assert len(later.errors_for(later.inputs / "letter.txt")) == 1 and later.result.exit_code == 1
    assert (earlier.out / "letter.xml").read_bytes() == before


def test_a_broken_authority_file_stops_the_batch_and_is_kept(convert, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "authority.xml").write_text("<TEI><listPerson>")  # cut short
    batch = convert(out=out, good=False, clean=False)  # the broken file is the test's
    assert batch.result.exit_code == 1
    [line] = [line for line in batch.result.stderr.splitlines() if " error: " in line]
    assert re.fullmatch(re.escape(str(out / "authority.xml")) + r":\d+:\d+: error: the authority file is not "
                        r"well-formed XML .*; repair it or move it away, then convert again", line)
    assert (out / "authority.xml").read_text() == "<TEI><listPerson>"
    assert not (out / "good.xml").exists()


# --- the whole batch -----------------------------------------------------------------------------


def test_a_batch_of_every_hostile_file_writes_the_good_ones_and_names_each_bad_one(convert):
    names = sorted(make_fixtures.SMALL)
    batch = convert(*names)
    refused = {"empty.txt", "whitespace-only.txt", "nul-bytes.txt", "cp1251.txt", "latin1.txt"}
    encoded = {name for name in names if name.endswith(".txt")} - refused
    for name in refused:
        assert len(batch.errors_for(batch.inputs / name)) == 1, name
    assert sorted(p.name for p in batch.out.glob("*.xml")) == sorted(
        [name[:-4] + ".xml" for name in encoded] + ["authority.xml"])
    assert batch.result.exit_code == 1
    assert f"{len(encoded)} converted, {len(refused)} failed" in batch.result.stdout


def test_the_committed_fixtures_are_those_the_script_makes():
    for name, data in make_fixtures.SMALL.items():
        assert (FIXTURES / name).read_bytes() == data, f"{name}: run tests/fixtures/hostile/make_fixtures.py"
