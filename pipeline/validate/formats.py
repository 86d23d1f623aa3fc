"""A validation report written for a reader: text, JSON, JUnit XML or GitHub annotations.

Each writer takes a :class:`~pipeline.validate.report.Report` and returns the whole output as
one string. ``strict`` makes warnings count as failures, as ``teipipe validate --strict`` does.
docs/validate.md shows each format with an example.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from lxml import etree

from .. import __version__
from .report import ERROR, Report

#: How many annotations per code the github format writes; the rest are counted in the summary.
GITHUB_ANNOTATIONS_PER_CODE = 10

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
    """GitHub Actions workflow commands (``::error file=…,line=…,col=…,title=CODE::message``),
    the first ten per code, then the summary with the count of the rest."""
    shown: Counter = Counter()
    hidden: Counter = Counter()
    lines = []
    for problem in report.problems:
        if shown[problem.code] >= GITHUB_ANNOTATIONS_PER_CODE:
            hidden[problem.code] += 1
            continue
        shown[problem.code] += 1
        command = "error" if problem.severity == ERROR or strict else "warning"
        lines.append(f"::{command} file={_escape_property(problem.path)},line={problem.line},"
                     f"col={problem.column},title={problem.code}::{_escape_data(problem.message)}")
    summary = report.summary(strict)
    if hidden:
        rest = ", ".join(f"{code}: {count}" for code, count in sorted(hidden.items()))
        summary += f"; {sum(hidden.values())} more not annotated ({rest})"
    lines.append(summary)
    return "\n".join(lines) + "\n"


WRITERS = {"text": write_text, "json": write_json, "junit": write_junit, "github": write_github}


def write(report: Report, format: str = "text", strict: bool = False) -> str:
    """The report in ``format`` (one of :data:`WRITERS`)."""
    return WRITERS[format](report, strict)
