"""The profile is a subset of tei_all: whatever `teipipe validate` accepts, the official grammar
accepts too.

Proved three ways: on every file in tei/ and every fixture the validator accepts (with lxml's
RELAX NG, and with jing where it is installed), and pair by pair on the schema itself: every
child element and every attribute the profile allows an element is one tei_all allows it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from pipeline.config import load_settings
from pipeline.validate import CheckContext, check_file, safe_xml, validate_paths

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "pipeline" / "schema" / "teipipe.xsd"
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "invalid"
RNG = "{http://relaxng.org/ns/structure/1.0}"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"


def accepted_files() -> list[Path]:
    """Every file in tei/ and in the fixtures that `teipipe validate` finds no error in.

    The two folders are separate corpora (each has its own authority file), so each is
    validated on its own."""
    settings = load_settings(ROOT)
    results = [result for folder in (ROOT / "tei", FIXTURES_DIR) for result in validate_paths([folder], settings).files]
    return [Path(result.path) for result in results if result.errors() == 0]


def test_the_accepted_files_include_the_encoded_seeds_and_the_valid_fixtures():
    names = {path.name for path in accepted_files()}
    assert {path.name for path in (ROOT / "tei").glob("*.xml")} <= names
    assert {"telegram.xml", "authority.xml", "date-disagrees.xml", "id-prefix.xml"} <= names


def test_every_accepted_file_is_valid_against_tei_all(tei_all):
    for path in accepted_files():
        tree = safe_xml.parse(str(path), path.read_bytes()).tree
        assert tei_all.validate(tree), f"{path}: {tei_all.error_log}"


def test_every_file_the_schema_alone_accepts_is_valid_against_tei_all(tei_all):
    """The schema on its own, without the rules, already accepts nothing tei_all rejects."""
    schema = etree.XMLSchema(etree.parse(str(PROFILE)))
    checked = 0
    for path in sorted([*(ROOT / "tei").glob("*.xml"), *FIXTURES_DIR.glob("*.xml")]):
        tree = safe_xml.parse(str(path), path.read_bytes()).tree
        if tree is not None and schema.validate(tree):
            checked += 1
            assert tei_all.validate(tree), f"{path}: {tei_all.error_log}"
    assert checked > len(accepted_files())  # fixtures broken only for the rules count too


def test_jing_agrees_that_every_accepted_file_is_valid(jing, tei_all_file):
    files = [str(path) for path in accepted_files()]
    done = subprocess.run([jing, str(tei_all_file), *files], capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert done.returncode == 0 and not errors, "\n".join(errors)


def test_tei_all_problems_are_reported_when_asked(tei_all_file):
    """A document the profile rejects for text in a gap is also invalid for tei_all: with
    --tei-all the official grammar's finding is reported as TP020."""
    context = CheckContext(profile=PROFILE, tei_all=tei_all_file)
    result = check_file(str(FIXTURES_DIR / "text-in-gap.xml"), context)
    assert {p.code for p in result.problems} == {"TP109", "TP020"}
    assert all(p.line == 68 for p in result.problems)


# --- the schema itself, pair by pair --------------------------------------------------------------


class TeiAll:
    """What tei_all.rng allows each element: child element names, attribute names, text."""

    def __init__(self, rng_path: Path):
        grammar = etree.parse(str(rng_path)).getroot()
        self.defines: dict[str, list] = {}
        for define in grammar.iter(RNG + "define"):
            self.defines.setdefault(define.get("name"), []).append(define)

    def allowed(self, element: str) -> tuple[set[str], set[str], bool]:
        children, attributes, text = set(), set(), [False]
        for define in self.defines["tei_" + element]:
            self._walk(define.find(RNG + "element"), set(), children, attributes, text)
        return children, attributes, text[0]

    def _walk(self, node, seen, children, attributes, text) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            kind = etree.QName(child).localname
            if kind == "element":
                children.add(child.get("name"))
            elif kind == "attribute":
                name = child.get("name")
                if name is None:
                    name_node = child.find(RNG + "name")
                    name = ("xml:" if name_node.get("ns") else "") + name_node.text
                attributes.add(name)
            elif kind == "ref":
                target = child.get("name")
                if target not in seen:
                    seen.add(target)
                    for define in self.defines.get(target, []):
                        self._walk(define, seen, children, attributes, text)
            elif kind == "text":
                text[0] = True
            else:
                self._walk(child, seen, children, attributes, text)


@pytest.fixture(scope="module")
def profile_schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(PROFILE))


def test_xmlschema_loads_the_profile_as_xsd_1_0(profile_schema):
    assert profile_schema.validity == "valid"
    assert "TEI" in {element.local_name for element in profile_schema.elements.values()}


def test_every_pair_the_profile_allows_tei_all_allows(profile_schema, tei_all_file):
    tei_all = TeiAll(tei_all_file)
    not_in_tei_all = []
    for element in profile_schema.elements.values():
        name = element.local_name
        children, attributes, text = tei_all.allowed(name)
        content = element.type
        if content.has_complex_content():
            not_in_tei_all += [f"{name} > {child.local_name}" for child in content.content.iter_elements()
                               if child.local_name not in children]
        not_in_tei_all += [f"{name} @{attribute.replace(XML_NS, 'xml:')}" for attribute in content.attributes
                           if attribute.replace(XML_NS, "xml:") not in attributes]
        if (content.has_mixed_content() or content.has_simple_content()) and not text:
            not_in_tei_all.append(f"{name} text()")
    assert not_in_tei_all == []
