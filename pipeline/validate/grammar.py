"""A RELAX NG grammar and the Schematron it embeds: tei_all.rng (``--tei-all``) or any other
(``--schema``, such as an ODD-generated DraCor or ELTeC schema).

The grammar is compiled by libxml2 (lxml) once per process and kept: tei_all takes a few
seconds. The ``sch:pattern`` elements it embeds (tei_all has about ninety, queryBinding xslt2)
are compiled to XSLT by :mod:`.schematron` once per process, the extracted stylesheet kept in
the user's cache folder under the grammar's SHA-256. A failed assertion is TP021 (an error) or,
when its role is warning or info, TP022 (a warning), with the constraint's own message.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from .. import TEI_NS, XML_NS
from . import schematron
from .report import ERROR, WARNING, Code, Problem
from .safe_xml import SourceText

CODES = (
    Code("TP020", ERROR, "the document is not valid against the RELAX NG grammar (tei_all, or the one given)",
         "with --tei-all: the profile should have caught it, report it with the document; "
         "with --schema: correct the markup"),
    Code("TP021", ERROR, "a Schematron constraint embedded in the grammar fails",
         "the message is the constraint's own: correct the markup as it says"),
    Code("TP022", WARNING, "a Schematron constraint embedded in the grammar with role warning or info fails",
         "the message is the constraint's own: correct the markup as it says"),
)


@cache
def load(rng_path: Path) -> etree.RelaxNG:
    """The compiled grammar at ``rng_path``, once per process."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.RelaxNG(etree.parse(str(rng_path), parser))


def check(tree, source: SourceText, path: str, rng_path: Path, profile_checked: bool = True) -> list[Problem]:
    """The problems of ``tree`` against the grammar at ``rng_path`` and its embedded Schematron.

    ``profile_checked`` says the teipipe profile has checked the document too (``--tei-all``):
    a problem of the grammar is then one the profile should have caught."""
    grammar = load(rng_path)
    name = Path(rng_path).name
    problems = []
    if not grammar.validate(tree):
        advice = ("the profile should have caught this; report it together with the document" if profile_checked
                  else f"see {name} for what may stand here")
        for entry in grammar.error_log:
            message = entry.message.replace("{%s}" % TEI_NS, "").replace("{%s}" % XML_NS, "xml:").rstrip(".")
            line, column = _position(tree, source, entry)
            problems.append(Problem(path, line, column, "TP020", ERROR, f"{name}: {message}: {advice}"))
    embedded = schematron.embedded_in(Path(rng_path))
    if embedded is not None:
        try:
            findings = embedded.run(tree)
        except schematron.SchematronError as error:  # this document only; the batch goes on
            return problems + [Problem(path, 1, 1, "TP021", ERROR, f"{error}: report it together with the document")]
        for finding in findings:
            element, attribute = schematron.locate(tree, finding.location)
            line, column = source.attribute_position(element, attribute) if attribute else source.position(element)
            code, severity = ("TP022", WARNING) if finding.is_warning else ("TP021", ERROR)
            problems.append(Problem(path, line, column, code, severity,
                                    f"{name}: {finding.message} (Schematron pattern {finding.pattern}): "
                                    "correct the markup as the constraint says"))
    return problems


def _position(tree, source: SourceText, entry) -> tuple[int, int]:
    """Where libxml2's error is: the start tag of the element its path names (libxml2 gives
    the line but no column), or the line it gives."""
    try:
        found = tree.xpath(entry.path) if entry.path else []
    except etree.XPathError:
        found = []
    if found and isinstance(found[0], etree._Element) and found[0].sourceline == entry.line:
        return source.position(found[0])
    return entry.line or 1, max(entry.column, 1)
