"""The command line: every command documents itself; exit codes say what happened."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import cli

from .conftest import SEEDS


def test_top_level_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("convert", "validate", "render"):
        assert command in result.output


def test_convert_help_explains_sources_output_and_exit_status():
    result = CliRunner().invoke(cli, ["convert", "--help"])
    assert result.exit_code == 0
    assert "SOURCE" in result.output and "--output" in result.output and "Exit status" in result.output


def test_convert_without_sources_is_a_usage_error():
    assert CliRunner().invoke(cli, ["convert"]).exit_code == 2


def test_convert_writes_one_document_per_source_and_the_authority_file(tmp_path):
    result = CliRunner().invoke(cli, ["convert", str(SEEDS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == sorted(
        [p.stem + ".xml" for p in SEEDS.glob("*.txt")] + ["authority.xml"])
    assert "5 converted, 0 failed" in result.output


def test_a_bad_file_fails_alone_and_sets_exit_code_1(tmp_path):
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"\xff\xfe\x00\x00broken")  # not UTF-8
    good = tmp_path / "in" / "good.txt"
    good.write_text("TOP SECRET\n\nThe text of a short telegram.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (tmp_path / "out" / "good.xml").is_file()
    assert not (tmp_path / "out" / "bad.xml").exists()
    assert "bad.txt" in result.output and "error:" in result.output
