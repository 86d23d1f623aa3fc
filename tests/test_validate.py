"""`teipipe validate`: every broken fixture is reported with its code at its line, in every
output format, and the encoded seeds are valid.

The fixtures in tests/fixtures/invalid/ are copies of telegram.xml (a valid document) with one
fault each; authority.xml is the authority file they point at. FIXTURES below is the table of
what each must produce: one row per fixture.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.validate import CODES, ERROR, WARNING, CheckContext, check_file, profile, validate_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "invalid"
TEI_DIR = ROOT / "tei"

#: fixture -> (code, line, severity) of the one problem it must produce; None for a valid file.
FIXTURES = {
    "telegram.xml": None,
    "authority.xml": None,
    "empty.xml": ("TP001", 1, ERROR),
    "binary.xml": ("TP002", 1, ERROR),
    "not-well-formed.xml": ("TP003", 67, ERROR),
    "xxe.xml": ("TP004", 2, ERROR),
    "billion-laughs.xml": ("TP004", 2, ERROR),
    "external-dtd.xml": ("TP005", 2, ERROR),
    "not-tei.xml": ("TP007", 2, ERROR),
    "undeclared-entity.xml": ("TP005", 69, ERROR),
    "too-deep.xml": ("TP008", 68, ERROR),
    "attribute-defaults.xml": ("TP009", 2, ERROR),
    "unknown-element.xml": ("TP010", 68, ERROR),
    "attribute-not-allowed.xml": ("TP011", 68, ERROR),
    "bad-attribute-value.xml": ("TP012", 68, ERROR),
    "text-not-allowed.xml": ("TP013", 61, ERROR),
    "dangling-local-pointer.xml": ("TP101", 55, ERROR),
    "dangling-ref.xml": ("TP102", 66, ERROR),
    "duplicate-id.xml": ("TP103", 30, ERROR),
    "id-prefix.xml": ("TP104", 30, WARNING),
    "classification-disagreement.xml": ("TP105", 54, ERROR),
    "catalogue-disagreement.xml": ("TP114", 55, WARNING),
    "unknown-stamp-wording.xml": ("TP106", 64, WARNING),
    "wrong-target-kind.xml": ("TP107", 70, ERROR),
    "date-disagrees.xml": ("TP108", 65, WARNING),
    "text-in-gap.xml": ("TP109", 68, ERROR),
    "source-digest.xml": ("TP110", 19, ERROR),
    "catref-outside-taxonomy.xml": ("TP111", 55, ERROR),
    "unknown-level.xml": ("TP112", 30, ERROR),
    "undeclared-prefix.xml": ("TP113", 68, ERROR),
}

#: Codes no fixture file shows, and where they are tested instead.
CODES_TESTED_ELSEWHERE = {
    "TP006": "test_an_unreadable_path_is_a_clean_error",
    "TP099": "a catch-all for faults of teipipe while checking one file; no document is known to raise one",
    "TP019": "a catch-all for libxml2 errors outside the known kinds; no document is known to raise one",
    "TP020": "tests/test_validate_tei_all.py::test_tei_all_problems_are_reported_when_asked",
    "TP114": "tests/test_catalogue.py::test_a_disagreement_keeps_both_and_is_a_warning (needs a catalogue)",
    "TP021": "tests/test_schematron.py::test_tei_all_runs_its_embedded_schematron_on_a_hand_edited_fixture",
    "TP022": "tests/test_schematron.py::test_schema_validates_any_tei_project_with_the_grammars_schematron_and_ids_across_files",
    "TP115": "tests/test_corrections.py::test_validate_names_an_anchor_the_source_no_longer_has",
}

BROKEN = {name: row for name, row in FIXTURES.items() if row is not None}


@pytest.fixture(scope="module")
def settings():
    return load_settings(ROOT)


@pytest.fixture(scope="module")
def context(settings):
    return CheckContext(profile=settings.schema / "teipipe.xsd", seeds=settings.seeds)


def test_the_fixture_table_lists_every_fixture_file():
    assert sorted(FIXTURES) == sorted(p.name for p in FIXTURES_DIR.iterdir() if p.suffix == ".xml")


def test_every_code_is_shown_by_a_fixture_or_tested_elsewhere():
    shown = {row[0] for row in BROKEN.values()}
    assert set(CODES) == shown | set(CODES_TESTED_ELSEWHERE)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_each_fixture_gives_exactly_its_problem(name, context):
    result = check_file(str(FIXTURES_DIR / name), context)
    found = [(p.code, p.line, p.severity) for p in result.problems]
    expected = [FIXTURES[name]] if FIXTURES[name] else []
    assert found == expected, "\n".join(str(p) for p in result.problems)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_problem_has_a_column_and_a_message_that_names_a_fix(name, context):
    (problem,) = check_file(str(FIXTURES_DIR / name), context).problems
    assert problem.column >= 1
    assert problem.path.endswith(name)
    assert CODES[problem.code].severity == problem.severity
    fix_words = ("add", "remove", "use", "correct", "move", "point", "prefix", "delete", "write",
                 "declare", "rename", "check", "fix", "run", "see")
    assert any(word in problem.message.lower() for word in fix_words), problem.message


def test_a_batch_with_broken_files_still_checks_every_file(settings):
    report = validate_paths([FIXTURES_DIR], settings)
    by_file = {Path(r.path).name: [(p.code, p.line, p.severity) for p in r.problems] for r in report.files}
    assert by_file == {name: ([row] if row else []) for name, row in FIXTURES.items()}
    assert report.failed()


def test_the_encoded_seeds_are_valid(settings):
    report = validate_paths([TEI_DIR], settings)
    assert [str(p) for p in report.problems] == []
    assert len(report.files) == len(list(TEI_DIR.glob("*.xml")))


def test_two_corpora_checked_together_may_share_ids_each_with_its_own_authority_file(tmp_path, settings):
    import shutil

    for corpus in ("first", "second"):
        shutil.copytree(TEI_DIR, tmp_path / corpus / "tei")
    report = validate_paths([tmp_path / "first" / "tei", tmp_path / "second" / "tei"], settings)
    assert len(report.files) == 2 * len(list(TEI_DIR.glob("*.xml")))
    assert [str(p) for p in report.problems] == []
    # within one corpus the same ids are still repeated ids
    document = next(p for p in sorted(TEI_DIR.glob("*.xml")) if p.name != "authority.xml")
    shutil.copy(document, tmp_path / "first" / "tei" / "copy.xml")
    report = validate_paths([tmp_path / "first" / "tei", tmp_path / "second" / "tei"], settings)
    repeated = {Path(p.path).parent.parent.name for p in report.problems if p.code == "TP103"}
    assert repeated == {"first"}


def test_an_xml_id_repeated_in_another_file_is_reported_in_both(tmp_path, settings):
    for name in ("a.xml", "b.xml"):
        (tmp_path / name).write_text((FIXTURES_DIR / "telegram.xml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "authority.xml").write_text((FIXTURES_DIR / "authority.xml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    report = validate_paths([tmp_path], settings)
    for name in ("a.xml", "b.xml"):
        result = next(r for r in report.files if r.path.endswith(name))
        repeated = [p for p in result.problems if p.code == "TP103"]
        assert {p.line for p in repeated} == {3, 25, 27, 30, 34, 36}  # TEI, taxonomies, categories
        assert all(("b.xml" if name == "a.xml" else "a.xml") in p.message for p in repeated)
        assert all(p.column > 1 for p in repeated)


def test_an_unreadable_path_is_a_clean_error(tmp_path, context):
    folder = tmp_path / "looks-like-a-file.xml"
    folder.mkdir()
    (problem,) = check_file(str(folder), context).problems
    assert problem.code == "TP006" and problem.severity == ERROR


def test_external_entities_are_never_read(context):
    """The XXE fixture points at /etc/passwd; nothing of that file reaches the report."""
    result = check_file(str(FIXTURES_DIR / "xxe.xml"), context)
    assert "root:" not in "".join(p.message for p in result.problems)


def test_the_profile_is_compiled_once_per_process(settings):
    profile.load.cache_clear()
    report = validate_paths([TEI_DIR, FIXTURES_DIR], settings)
    info = profile.load.cache_info()
    refused_while_reading = [r for r in report.files if any(p.code < "TP010" and p.code != "TP005" for p in r.problems)]
    assert info.misses == 1 and info.hits >= len(report.files) - len(refused_while_reading) - 1


# --- the command line, in every format --------------------------------------------------------------


def _problems_in(output: str, output_format: str) -> set[tuple[str, int, str]]:
    """(file name, line, code) of every problem an output mentions."""
    if output_format == "json":
        data = json.loads(output)
        return {(Path(f["path"]).name, p["line"], p["code"]) for f in data["files"] for p in f["problems"]}
    if output_format == "junit":
        root = etree.fromstring(output.encode("utf-8"))
        text = "\n".join((node.text or "") for node in root.iter("failure", "system-out"))
        return {(Path(m[0]).name, int(m[1]), m[2]) for m in re.findall(r"^(\S+?):(\d+):\d+: (TP\d+):", text, re.M)}
    if output_format == "sarif":
        (run,) = json.loads(output)["runs"]
        return {(Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name,
                 r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]}
    if output_format == "github":
        return {(Path(m[0]).name, int(m[1]), m[2])
                for m in re.findall(r"^::(?:error|warning) file=([^,]+),line=(\d+),col=\d+,title=(TP\d+)::", output, re.M)}
    return {(Path(m[0]).name, int(m[1]), m[2]) for m in re.findall(r"^(\S+?):(\d+):\d+: (TP\d+):", output, re.M)}


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "github", "sarif"])
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_command_reports_each_fixture_in_every_format(name, output_format):
    code, line, severity = BROKEN[name]
    result = CliRunner().invoke(cli, ["validate", "--format", output_format, str(FIXTURES_DIR / name)])
    assert _problems_in(result.output, output_format) == {(name, line, code)}
    assert result.exit_code == (1 if severity == ERROR else 0)


@pytest.mark.parametrize("name", sorted(n for n, row in BROKEN.items() if row[2] == WARNING))
def test_strict_makes_warnings_fail(name):
    result = CliRunner().invoke(cli, ["validate", "--strict", str(FIXTURES_DIR / name)])
    assert result.exit_code == 1


def test_the_command_exits_0_on_the_encoded_seeds():
    result = CliRunner().invoke(cli, ["validate", str(TEI_DIR)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("- valid")


def test_the_command_exits_1_on_the_fixture_folder_and_counts_every_file():
    result = CliRunner().invoke(cli, ["validate", str(FIXTURES_DIR)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"{len(FIXTURES)} files checked, ")


@pytest.mark.parametrize("arguments", [
    ["validate", "no/such/folder"],
    ["validate", "--format", "yaml", "tei"],
])
def test_usage_errors_exit_2(arguments):
    assert CliRunner().invoke(cli, arguments).exit_code == 2


def test_a_folder_without_xml_files_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "no .xml files" in result.output


def test_the_report_can_be_written_to_a_file(tmp_path):
    target = tmp_path / "report.xml"
    result = CliRunner().invoke(cli, ["validate", "--format", "junit", "-o", str(target), str(FIXTURES_DIR / "dangling-ref.xml")])
    assert result.exit_code == 1
    assert etree.parse(str(target)).getroot().tag == "testsuites"


def test_every_code_is_documented_with_its_severity():
    manual = (ROOT / "docs" / "validate.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (TP\d{3}) \| (error|warning) \|", manual, re.M))
    assert rows == {code: row.severity for code, row in CODES.items()}


def test_the_pre_commit_hook_runs_the_validate_command():
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read .pre-commit-hooks.yaml")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "teipipe-validate" and hook["entry"] == "teipipe validate"
    assert hook["language"] == "python" and re.search(hook["files"], "tei/doc.xml")


def test_a_profile_that_cannot_be_loaded_is_a_usage_error(tmp_path):
    broken = tmp_path / "broken.xsd"
    broken.write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/></xs:schema>")
    result = CliRunner().invoke(cli, ["validate", "--profile", str(broken), str(FIXTURES_DIR / "telegram.xml")])
    assert result.exit_code == 2 and "cannot load a schema" in result.output


def test_the_profile_accepts_the_encoder_output_for_the_frus_corpus(frus_dir, tmp_path, settings):
    """Thirty real documents beyond the seeds: what the encoder writes, the profile allows."""
    from pipeline.convert import convert_paths

    convert_paths([frus_dir], tmp_path, settings, None)
    report = validate_paths([tmp_path], settings)
    assert len(report.files) > 30
    assert [str(p) for p in report.problems if p.severity == ERROR] == []


def test_worker_processes_give_the_same_report_as_one_process(tmp_path, settings):
    from pipeline.validate.check import PARALLEL_FROM

    base = (FIXTURES_DIR / "telegram.xml").read_text(encoding="utf-8")
    (tmp_path / "authority.xml").write_bytes((FIXTURES_DIR / "authority.xml").read_bytes())
    for number in range(PARALLEL_FROM + 10):
        (tmp_path / f"t{number:03d}.xml").write_text(base.replace("doc-telegram", f"doc-t{number:03d}"), encoding="utf-8")
    copy_of_t006 = base.replace("doc-telegram", "doc-t006").replace("pers-stalin", "pers-nobody")
    (tmp_path / "t007.xml").write_text(copy_of_t006, encoding="utf-8")  # TP102, and TP103 with t006
    serial = validate_paths([tmp_path], settings, jobs=1)
    parallel = validate_paths([tmp_path], settings, jobs=2)
    assert parallel.files == serial.files
    assert {p.code for p in parallel.problems} == {"TP102", "TP103"}
