"""The output formats: JUnit XML that CI dashboards read, JSON of the documented shape, GitHub
annotations capped per code, and text lines a compiler user recognises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from pipeline.config import load_settings
from pipeline.validate import ERROR, WARNING, FileResult, Problem, Report, validate_paths, write
from pipeline.validate.formats import GITHUB_ANNOTATIONS_PER_CODE

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


def test_github_annotations_stop_after_ten_per_code_and_count_the_rest():
    output = write(_report_with(GITHUB_ANNOTATIONS_PER_CODE + 3), "github")
    annotations = [line for line in output.splitlines() if line.startswith("::error ")]
    assert len(annotations) == GITHUB_ANNOTATIONS_PER_CODE
    assert annotations[0] == "::error file=a.xml,line=1,col=5,title=TP101::problem 1"
    assert output.splitlines()[-1].endswith("; 3 more not annotated (TP101: 3)")


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
