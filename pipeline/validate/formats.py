"""A validation report written for a reader: text, JSON, JUnit XML, GitHub annotations or SARIF.

Each writer takes a :class:`~pipeline.validate.report.Report` and returns the whole output as
one string. ``strict`` makes warnings count as failures, as ``teipipe validate --strict`` does.
docs/validate.md shows each format with an example.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from .. import __version__
from .report import ERROR, Report

#: How many annotations of each kind (error, warning) GitHub shows for one step; the github
#: format writes no more, and counts the rest in its summary line.
GITHUB_ANNOTATIONS_PER_KIND = 10
#: How many problems the step summary lists (GitHub takes up to 1 MiB of it).
SUMMARY_ROWS = 1000

JSON_FORMAT_VERSION = 1


def write_text(report: Report, strict: bool = False) -> str:
    """One line per problem (``path:line:column: code: severity: message``), then the summary."""
    lines = [str(problem) for problem in report.problems]
    lines.append(report.summary(strict))
    return "\n".join(lines) + "\n"


def write_json(report: Report, strict: bool = False) -> str:
    """The report as one JSON object; its shape is documented in docs/validate.md."""
    data = {
        "version": JSON_FORMAT_VERSION,
        "tool": f"teipipe {__version__}",
        "summary": {
            "files": len(report.files),
            "invalid_files": report.failed_files(strict),
            "errors": report.errors(),
            "warnings": report.warnings(),
            "strict": strict,
            "valid": not report.failed(strict),
            "by_code": dict(sorted(report.count_by_code().items())),
        },
        "files": [
            {
                "path": result.path,
                "valid": not result.failed(strict),
                "errors": result.errors(),
                "warnings": result.warnings(),
                "problems": [
                    {"line": p.line, "column": p.column, "code": p.code, "severity": p.severity,
                     "message": p.message}
                    for p in result.problems
                ],
            }
            for result in report.files
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML_CHARS.sub("\ufffd", text)


def write_junit(report: Report, strict: bool = False) -> str:
    """JUnit XML: one testcase per file, failing with one failure that lists its problems.

    Warnings that do not fail (without ``strict``) are written to the testcase's system-out.
    """
    tests, failures = str(len(report.files)), str(report.failed_files(strict))
    counts = {"tests": tests, "failures": failures, "errors": "0", "skipped": "0"}
    suites = etree.Element("testsuites", name="teipipe validate", **counts)
    suite = etree.SubElement(suites, "testsuite", name="teipipe validate", **counts)
    for result in report.files:
        case = etree.SubElement(suite, "testcase", classname="teipipe.validate", name=result.path,
                                file=result.path)
        failing = [p for p in result.problems if p.severity == ERROR or strict]
        passing = [p for p in result.problems if p not in failing]
        if failing:
            codes = ", ".join(sorted({p.code for p in failing}))
            failure = etree.SubElement(case, "failure", type=failing[0].code,
                                       message=_xml_safe(f"{len(failing)} problem{'s' if len(failing) != 1 else ''}: {codes}"))
            failure.text = _xml_safe("\n".join(str(p) for p in failing))
        if passing:
            etree.SubElement(case, "system-out").text = _xml_safe("\n".join(str(p) for p in passing))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report, strict: bool = False) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…,col=…,title=CODE::message``).

    GitHub shows at most ten error and ten warning annotations of a step, and drops the rest:
    the first ten of each are written, and the summary line counts the others, which the step
    summary (:func:`github_step_summary`) lists."""
    shown: Counter = Counter()
    lines = []
    for problem in report.problems:
        command = "error" if problem.severity == ERROR or strict else "warning"
        if shown[command] >= GITHUB_ANNOTATIONS_PER_KIND:
            continue
        shown[command] += 1
        lines.append(f"::{command} file={_escape_property(problem.path)},line={problem.line},"
                     f"col={problem.column},title={problem.code}::{_escape_data(problem.message)}")
    summary = report.summary(strict)
    hidden = len(report.problems) - sum(shown.values())
    if hidden:
        summary += (f"; {hidden} more not annotated (GitHub shows {GITHUB_ANNOTATIONS_PER_KIND} errors and "
                    f"{GITHUB_ANNOTATIONS_PER_KIND} warnings per step): every problem is in the step summary")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def github_step_summary(report: Report, strict: bool = False) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the verdict, then a table of every problem (up to
    :data:`SUMMARY_ROWS`; the count of the others after it)."""
    lines = ["## teipipe validate", "", f"**{_cell(report.summary(strict))}**", ""]
    problems = report.problems
    if problems:
        lines += ["| file | line | column | code | severity | message |", "|---|---:|---:|---|---|---|"]
        for problem in problems[:SUMMARY_ROWS]:
            severity = ERROR if problem.severity == ERROR or strict else problem.severity
            lines.append(f"| {_cell(problem.path)} | {problem.line} | {problem.column} | {problem.code} | "
                         f"{severity} | {_cell(problem.message)} |")
        if len(problems) > SUMMARY_ROWS:
            lines += ["", f"… and {len(problems) - SUMMARY_ROWS} more: run `teipipe validate` to see them all."]
    return "\n".join(lines) + "\n\n"


SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str, base: Path) -> dict:
    """A SARIF artifactLocation: relative to ``base`` (the working folder) when it lies there."""
    resolved = Path(path).resolve()
    try:
        relative = resolved.relative_to(base)
    except ValueError:
        return {"uri": resolved.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "SRCROOT"}


def write_sarif(report: Report, strict: bool = False) -> str:
    """SARIF 2.1.0: one run of teipipe, every code as a rule (its summary and what to do), every
    problem as a result located by line and column (in Unicode code points, as all formats)."""
    from . import CODES  # the table of every layer's codes, assembled by the package

    base = Path.cwd().resolve()
    index = {code: number for number, code in enumerate(CODES)}
    rules = [{
        "id": code.code,
        "shortDescription": {"text": code.summary},
        "help": {"text": code.help or code.summary},
        "defaultConfiguration": {"level": code.severity},
    } for code in CODES.values()]
    results = []
    for problem in report.problems:
        results.append({
            "ruleId": problem.code,
            "ruleIndex": index[problem.code],
            "level": "error" if problem.severity == ERROR or strict else "warning",
            "message": {"text": problem.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(problem.path, base),
                "region": {"startLine": problem.line, "startColumn": problem.column},
            }}],
        })
    data = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "teipipe", "version": __version__, "rules": rules}},
            "originalUriBaseIds": {"SRCROOT": {"uri": base.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


WRITERS = {"text": write_text, "json": write_json, "junit": write_junit, "github": write_github,
           "sarif": write_sarif}


def write(report: Report, format: str = "text", strict: bool = False) -> str:
    """The report in ``format`` (one of :data:`WRITERS`)."""
    return WRITERS[format](report, strict)
