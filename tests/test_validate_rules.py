"""The rules in detail: printed dates and their readings, classification stamps, pointers, and
the profile's own documentation and vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline import vocab
from pipeline.validate import CheckContext, check_file, profile, rules
from pipeline.validate.printed_dates import agrees, find_dates

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "pipeline" / "schema" / "teipipe.xsd"
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "invalid"
BASE = (FIXTURES_DIR / "telegram.xml").read_text(encoding="utf-8")


def problems_after(tmp_path: Path, old: str, new: str, count: int = 1) -> list[tuple[str, int]]:
    """(code, line) of every problem in the base fixture after replacing ``old`` by ``new``."""
    assert BASE.count(old) == count
    document = tmp_path / "telegram.xml"
    document.write_text(BASE.replace(old, new), encoding="utf-8")
    (tmp_path / "authority.xml").write_bytes((FIXTURES_DIR / "authority.xml").read_bytes())
    result = check_file(str(document), CheckContext(profile=PROFILE))
    return [(p.code, p.line) for p in result.problems]


# --- printed dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, when, expected", [
    ("7 October 1950", "1950-10-07", True),
    ("7 October, 1950", "1950-10-07", True),
    ("July 13, 1951", "1951-07-13", True),
    ("21 Jan 52", "1952-01-21", True),
    ("16-Dec-2009", "2009-12-16", True),
    ("2009/12/16", "2009-12-16", True),
    ("7.10.50", "1950-10-07", True),
    ("18.7.1952", "1952-07-18", True),
    ("3:00, 15.7.52", "1952-07-15T03:00:00", True),
    ("October 1950", "1950-10", True),
    ("7 October 1950", "1950-10", True),  # @when less precise than the print
    ("7 October 1950", "1950-10-08", False),
    ("7.10.50", "1950-07-10", False),  # dots: day first
    ("7/10/50", "1950-07-10", True),  # slashes: either way
    ("7/10/50", "1950-10-07", True),
    ("7/10/50", "1950-10-08", False),
    ("21 Jan 52", "1953-01-21", False),
])
def test_a_printed_date_agrees_with_when_under_some_reading(printed, when, expected):
    (date,) = find_dates(printed)
    assert agrees(date, when) is expected


@pytest.mark.parametrize("text", ["11: 55", "No. 2318", "31.2.50", "7-9 October", "version 0.1.0"])
def test_text_without_an_unambiguous_date_reads_as_none(text):
    assert find_dates(text) == []


def test_a_time_alone_in_when_is_not_compared():
    (date,) = find_dates("7 October 1950")
    assert agrees(date, "11:55:00") is None


def test_a_date_element_with_two_printed_dates_is_not_compared(tmp_path):
    assert problems_after(tmp_path, '<date when="1951-03-02">2.3.51</date></dateline>',
                          '<date when="1951-03-09">2.3.51 or 3.3.51</date></dateline>') == []


def test_the_release_stamp_date_is_compared_too(tmp_path):
    assert problems_after(tmp_path, 'when="2009-12-16"', 'when="2009-12-17"') == [("TP108", 72)]


# --- classification -------------------------------------------------------------------------------

def test_when_every_marking_is_struck_the_header_is_compared_with_the_struck_ones(tmp_path):
    found = problems_after(tmp_path, '<stamp type="classification" source="src:line=1,2">Top Secret.</stamp>',
                           '<stamp type="classification" source="src:line=1,2"><del>Top Secret.</del></stamp>')
    assert found == []  # the struck Top Secret agrees with the header
    found = problems_after(tmp_path, 'target="#doc-telegram.top-secret"', 'target="#doc-telegram.secret"')
    assert found == [("TP105", 54)]  # the unstruck Top Secret is in force, not the struck SECRET


def test_a_stamp_of_an_embedded_document_does_not_classify_the_document(tmp_path):
    embedded = ('<quote><floatingText type="telegram"><body><opener><stamp type="classification">Confidential'
                '</stamp></opener><p>Embedded.</p></body></floatingText></quote>\n        <closer>')
    assert problems_after(tmp_path, "<closer>", embedded) == []


def test_a_stamp_read_from_ana_when_its_wording_is_unknown(tmp_path):
    found = problems_after(tmp_path, '>Top Secret.</stamp>', ' ana="#doc-telegram.top-secret">TS</stamp>')
    assert found == []


def test_stamps_without_a_security_catref_in_the_header(tmp_path):
    found = problems_after(tmp_path, '<catRef scheme="#doc-telegram.security" target="#doc-telegram.top-secret"/>', "")
    assert found == [("TP105", 64)]


def test_the_classification_levels_of_the_profile_are_those_of_the_vocabulary():
    levels = profile.load(PROFILE).vocabulary("teipipe.classificationLevel")
    assert set(levels) == {level.id for level in vocab.markings().levels}


# --- pointers -------------------------------------------------------------------------------------

def test_a_pointer_into_a_missing_file_names_the_file(tmp_path):
    document = tmp_path / "telegram.xml"
    document.write_text(BASE, encoding="utf-8")  # no authority.xml beside it
    result = check_file(str(document), CheckContext(profile=PROFILE))
    assert {p.code for p in result.problems} == {"TP102"}
    assert all("authority.xml is missing" in p.message for p in result.problems)


def test_absolute_uris_and_declared_prefixes_are_not_resolved(tmp_path):
    assert problems_after(tmp_path, 'ref="authority.xml#pers-stalin"', 'ref="https://www.wikidata.org/wiki/Q855"') == []


def test_the_pointer_attributes_are_read_from_the_profile():
    assert {"ref", "target", "scheme", "source", "ana", "resp", "corresp"} <= profile.load(PROFILE).pointer_attributes


# --- the profile documents every part ------------------------------------------------------------

def test_every_named_part_of_the_profile_is_documented():
    xs = "{http://www.w3.org/2001/XMLSchema}"
    schema = etree.parse(str(PROFILE)).getroot()
    undocumented = [
        f"{etree.QName(part).localname} {part.get('name')}"
        for part in schema
        if isinstance(part.tag, str) and part.get("name")
        and not (part.findtext(f"{xs}annotation/{xs}documentation") or "").strip()
    ]
    assert undocumented == []


def test_a_bad_value_of_a_named_type_gets_the_type_documentation_as_hint(tmp_path):
    document = tmp_path / "telegram.xml"
    document.write_text(BASE.replace('when="1951-03-02">2.3.51</date></dateline>',
                                     'when="1951-02-30">2.3.51</date></dateline>'), encoding="utf-8")
    (tmp_path / "authority.xml").write_bytes((FIXTURES_DIR / "authority.xml").read_bytes())
    problems = check_file(str(document), CheckContext(profile=PROFILE)).problems
    (bad_value,) = [p for p in problems if p.code == "TP012"]
    assert "Write an ISO 8601 date that exists" in bad_value.message
    assert {p.code for p in problems} == {"TP012", "TP108"}  # and it is not the printed date either


def test_rules_have_unique_codes_and_messages_that_fill():
    codes = [rule.code for rule in rules.RULES]
    assert len(codes) == len(set(codes)) and codes == sorted(codes)


# --- untrusted input --------------------------------------------------------------------------------

def test_xinclude_is_never_processed(tmp_path):
    found = problems_after(tmp_path, "and a code",
                           'and <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/> a code')
    assert found == [("TP010", 68)]  # an element the profile does not know, and nothing included


def test_a_pointer_to_a_device_is_not_read(tmp_path):
    found = problems_after(tmp_path, 'ref="authority.xml#pers-stalin"', 'ref="/dev/zero#x"')
    assert found == [("TP102", 66)]
