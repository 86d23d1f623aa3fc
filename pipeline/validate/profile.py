"""The teipipe profile of TEI (``pipeline/schema/teipipe.xsd``, generated from ``pipeline/schema/teipipe.odd``):
compiled once, applied to many documents.

Validation uses libxml2's XML Schema 1.0 validator through ``lxml.etree.XMLSchema``: it is a
complete XSD 1.0 implementation in C and validates a document in well under a millisecond.
``xmlschema`` (pure Python) loads the same file in the tests, which prove it is a correct
XSD 1.0 schema, and is the tool to explore it interactively; it is about a hundred times slower
per document, which is why the command does not validate with it (docs/validate.md has figures).

libxml2's messages are turned into problems with a code per kind (TP010 to TP019), the TEI
namespace is dropped from element names, and the documentation of the data type at fault,
written in the schema's ``xs:annotation``, is added as the hint for the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from .. import TEI_NS, XML_NS
from .report import ERROR, Code, Problem
from .safe_xml import SourceText

XS = "http://www.w3.org/2001/XMLSchema"

CODES = (
    Code("TP010", ERROR, "an element is not allowed here, or a required element is missing",
         "see the element's documentation in pipeline/schema/teipipe.xsd"),
    Code("TP011", ERROR, "an attribute is not allowed here, or a required attribute is missing",
         "remove or rename it, or add the required one"),
    Code("TP012", ERROR, "a value is not allowed: not in the vocabulary, or not of the right type",
         "use a value the profile allows: the message lists them or quotes the type's documentation"),
    Code("TP013", ERROR, "text is not allowed in this element",
         "delete it, or move it into an element that holds text"),
    Code("TP019", ERROR, "another violation of the profile", "see pipeline/schema/teipipe.xsd"),
)

#: libxml2 error types (by prefix) -> code. The first matching row wins.
_CODE_OF_ERROR = (
    ("SCHEMAV_ELEMENT_CONTENT", "TP010"),
    ("SCHEMAV_CVC_ELT_1", "TP010"),
    ("SCHEMAV_CVC_COMPLEX_TYPE_2_4", "TP010"),
    ("SCHEMAV_CVC_COMPLEX_TYPE_3_2", "TP011"),
    ("SCHEMAV_CVC_COMPLEX_TYPE_4", "TP011"),
    ("SCHEMAV_CVC_COMPLEX_TYPE_2_1", "TP013"),
    ("SCHEMAV_CVC_COMPLEX_TYPE_2_3", "TP013"),
    ("SCHEMAV_CVC_DATATYPE", "TP012"),
    ("SCHEMAV_CVC_ENUMERATION", "TP012"),
    ("SCHEMAV_CVC_PATTERN", "TP012"),
    ("SCHEMAV_CVC_LENGTH", "TP012"),
    ("SCHEMAV_CVC_MIN", "TP012"),
    ("SCHEMAV_CVC_MAX", "TP012"),
    ("SCHEMAV_CVC_TOTALDIGITS", "TP012"),
    ("SCHEMAV_CVC_FRACTIONDIGITS", "TP012"),
    ("SCHEMAV_CVC_ATTRIBUTE_3", "TP012"),
    ("SCHEMAV_CVC_TYPE_3", "TP012"),
    ("SCHEMAV_CVC_ELT_5", "TP012"),
)

#: What to do about each kind, after libxml2's own words.
_ADVICE = {
    "TP010": "see docs/profile.md and docs/encoding.md for what may stand here",
    "TP011": "remove or rename the attribute, or add the one that is required",
    "TP012": "use a value the profile allows",
    "TP013": "delete the text or move it into an element that may hold text",
    "TP019": "see docs/profile.md (the profile, from pipeline/schema/teipipe.odd)",
}

_ATTRIBUTE_IN_MESSAGE = re.compile(r"attribute '([^']+)'")
_TYPE_IN_MESSAGE = re.compile(r"type '(teipipe\.[\w.]+)'")
_VALUE_IN_MESSAGE = re.compile(r": '([^']*)' is not a valid value")


@dataclass(frozen=True)
class Profile:
    """The compiled schema and what the rules read from it."""

    path: Path
    schema: etree.XMLSchema
    hints: dict[str, str]  # simple type name -> its documentation, the hint for a bad value
    pointer_attributes: frozenset[str]  # attributes whose values are pointers
    pointer_values: etree.XPath  # selects every pointer attribute of a document
    vocabularies: dict[str, tuple[str, ...]]  # simple type name -> its enumerated values

    def vocabulary(self, type_name: str) -> tuple[str, ...]:
        """The closed list of values of a named simple type, such as ``teipipe.gapReason``
        (none when the profile does not define it)."""
        return self.vocabularies.get(type_name, ())

    def check(self, tree, source: SourceText, path: str, repeated_ids: frozenset[str] = frozenset()) -> list[Problem]:
        """The problems of ``tree`` against the profile.

        ``repeated_ids`` are the xml:ids that occur more than once in the document: rule TP103
        reports them, so libxml2's own complaint about them is left out, and so is its
        complaint about text in a gap (rule TP109).
        """
        if self.schema.validate(tree):
            return []
        problems: dict[tuple, Problem] = {}
        for entry in self.schema.error_log:
            code = next((c for prefix, c in _CODE_OF_ERROR if entry.type_name.startswith(prefix)), "TP019")
            message = _plain_names(entry.message)
            element = _element_at(tree, entry.path)
            if _reported_by_rules(code, message, element, repeated_ids):
                continue
            attribute = _ATTRIBUTE_IN_MESSAGE.search(message)
            if element is None:
                line, column = entry.line or 1, 1
            elif attribute and code in ("TP011", "TP012"):
                line, column = source.attribute_position(element, attribute.group(1))
            else:
                line, column = source.position(element)
            key = (line, column, code, attribute.group(1) if attribute else None)
            if key not in problems:  # libxml2 reports a bad list item twice: once is enough
                problems[key] = Problem(path, line, column, code, ERROR, self._with_advice(code, message))
        return list(problems.values())

    def _with_advice(self, code: str, message: str) -> str:
        message = message.rstrip(".")
        named_type = _TYPE_IN_MESSAGE.search(message)
        if code == "TP012" and named_type and self.hints.get(named_type.group(1)):
            return f"{message}: {self.hints[named_type.group(1)]}"
        return f"{message}: {_ADVICE[code]}"


def _plain_names(message: str) -> str:
    """libxml2's message with ``{TEI namespace}p`` written as ``p`` and the xml: prefix restored."""
    message = message.replace("{%s}" % TEI_NS, "").replace("{%s}" % XML_NS, "xml:")
    return re.sub(r"Element '([^']+)'", r"<\1>", message).strip()


def _element_at(tree, xpath: str | None):
    if not xpath:
        return None
    try:
        found = tree.xpath(xpath)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _reported_by_rules(code: str, message: str, element, repeated_ids: frozenset[str]) -> bool:
    if element is None:
        return False
    if code == "TP013" and element.tag == f"{{{TEI_NS}}}gap":
        return True  # TP109: a gap holds text
    if code == "TP012" and "attribute 'xml:id'" in message:
        value = _VALUE_IN_MESSAGE.search(message)
        return bool(value) and value.group(1) in repeated_ids  # TP103: a repeated xml:id
    return False


@cache
def load(xsd_path: Path) -> Profile:
    """The profile at ``xsd_path``, compiled once per process."""
    document = etree.parse(str(xsd_path), etree.XMLParser(resolve_entities=False, no_network=True))
    schema = etree.XMLSchema(document)
    ns = {"xs": XS}
    hints = {}
    vocabularies = {}
    for simple_type in document.iterfind("xs:simpleType[@name]", ns):
        name = simple_type.get("name")
        documentation = simple_type.findtext("xs:annotation/xs:documentation", default="", namespaces=ns)
        hints[name] = " ".join(documentation.split())
        values = simple_type.xpath("xs:restriction/xs:enumeration/@value", namespaces=ns)
        if values:
            vocabularies[name] = tuple(values)
    pointer_types = {"teipipe.pointer", "teipipe.pointers"}
    pointer_attributes = frozenset(
        attribute.get("name") for attribute in document.iter(f"{{{XS}}}attribute")
        if attribute.get("type") in pointer_types
    )
    pointer_values = etree.XPath(" | ".join(f"//@{name}" for name in sorted(pointer_attributes)))
    return Profile(Path(xsd_path), schema, hints, pointer_attributes, pointer_values, vocabularies)
