"""Checking TEI documents: well-formedness, the teipipe profile, the coded rules, tei_all.

The layers, in the order a file goes through them (one module each):

* :mod:`.safe_xml`  reads untrusted XML safely (no entities, DTDs, network or XInclude) and
  locates elements in the source for messages. Codes TP001 to TP009, and TP099 for a fault of teipipe.
* :mod:`.profile`   validates against ``pipeline/schema/teipipe.xsd``, compiled once. Codes TP010 to TP019.
* :mod:`.rules`     the rules the grammar cannot say, one row per rule. Codes TP101 and up.
* :mod:`.grammar`   a RELAX NG grammar and the Schematron it embeds: tei_all (``--tei-all``)
  or any other (``--schema``, instead of the profile). Codes TP020 to TP022.
* :mod:`.schematron` ISO Schematron compiled to XSLT 3.0 and run with saxonche (the grammars'
  embedded Schematron, and ``schema/teipipe.sch``).
* :mod:`.check`     runs the layers on one file (a pure function) and on a batch.
* :mod:`.cache`     keeps each file's result by its content, so that a batch checked again is
  checked only where it changed.
* :mod:`.report` and :mod:`.formats`  the results, and how they are written.

Use::

    from pipeline.config import load_settings
    from pipeline.validate import validate_paths, write

    report = validate_paths(["tei"], load_settings())
    print(write(report, "text"), end="")
    exit_code = 1 if report.failed() else 0
"""

from __future__ import annotations

import importlib

from .report import ERROR, WARNING, Code, FileResult, Problem, Report

#: Names this package offers from its modules, each loaded when first asked for: a command that
#: needs only the report (a build with nothing to do) does not load the validators.
_FROM = {"CheckContext": "check", "check_file": "check", "collect_files": "check", "validate_paths": "check",
         "WRITERS": "formats", "write": "formats"}
_MODULES = ("cache", "check", "formats", "grammar", "profile", "rules", "safe_xml", "schematron", "printed_dates")


def __getattr__(name: str):
    if name in _FROM:
        return getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "CODES":
        global CODES
        from . import grammar, profile, rules, safe_xml

        CODES = {row.code: Code(row.code, row.severity, row.summary, row.help)
                 for row in (*safe_xml.CODES, *profile.CODES, *grammar.CODES, *rules.CODES)}
        return CODES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CODES", "ERROR", "WARNING", "WRITERS", "CheckContext", "Code", "FileResult", "Problem", "Report",
    "check_file", "collect_files", "validate_paths", "write",
]
