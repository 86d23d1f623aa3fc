"""The official TEI grammar (``tei_all.rng``, RELAX NG), when the user asks for it.

Compiling tei_all takes about six seconds, so it is compiled once per process and kept. The
grammar is not part of the project: the user names the file (``--tei-all FILE``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from .. import TEI_NS, XML_NS
from .report import ERROR, Code, Problem
from .safe_xml import SourceText

CODES = (Code("TP020", ERROR, "the document is not valid against the official tei_all grammar",
              "the profile should have caught it: report it with the document"),)


@cache
def load(rng_path: Path) -> etree.RelaxNG:
    """The compiled grammar at ``rng_path``, once per process."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.RelaxNG(etree.parse(str(rng_path), parser))


def check(tree, source: SourceText, path: str, rng_path: Path) -> list[Problem]:
    grammar = load(rng_path)
    if grammar.validate(tree):
        return []
    problems = []
    for entry in grammar.error_log:
        message = entry.message.replace("{%s}" % TEI_NS, "").replace("{%s}" % XML_NS, "xml:").rstrip(".")
        problems.append(Problem(path, entry.line or 1, max(entry.column, 1), "TP020", ERROR,
                                f"tei_all: {message}: the profile should have caught this; "
                                "report it together with the document"))
    return problems
