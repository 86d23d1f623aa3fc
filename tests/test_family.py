"""Documents of the family beyond the seeds: the layouts of other archives and releases.

Each fixture in tests/fixtures/family is a short document in one archive's style (a Wilson
Center-style translation, a CIA CREST release, a State Department incoming telegram, a
memorandum for the record); each row pins what the header must say about it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.authority import Authority
from pipeline.convert import convert_file
from pipeline.encode import EncodingContext
from pipeline.header import read_header

FIXTURES = Path(__file__).parent / "fixtures" / "family"

EXPECTED = {
    "wilson_translation": dict(kind="telegram", classification="top-secret", date="1951-07-15",
                               number="4581", senders=["Mao Zedong"], recipients=["Filippov [Stalin]"],
                               redactions=0),
    "cia_crest_bulletin": dict(kind="bulletin", classification="top-secret", date="1953-03-12",
                               number=None, senders=[], recipients=[], redactions=3, release="2003-02-27"),
    "state_incoming_telegram": dict(kind="telegram", classification="confidential", date="1953-06-03",
                                    number="1645", senders=["BOHLEN"], recipients=["Secretary of State"],
                                    redactions=0),
    "soviet_record_of_conversation": dict(kind="memorandum-of-conversation", classification="top-secret",
                                          date="1950-11-14", number=None,
                                          senders=["the Journal of V. M. Molotov"], recipients=[], redactions=0),
    "chinese_telegram_translation": dict(kind="telegram", classification="top-secret", date="1950-10-13",
                                         number=None, senders=["Mao Zedong"], recipients=["Peng Dehuai"],
                                         redactions=0),
    "cia_letter_spaced_marking": dict(kind="bulletin", classification="secret", date="1952-04-09", number=None,
                                      senders=["CENTRAL INTELLIGENCE AGENCY"], recipients=[], redactions=4, release="2004-07-08"),
    "memorandum_for_the_president": dict(kind="memorandum", classification="top-secret", date="1962-12-03",
                                         number=None, senders=["Director of Central Intelligence"],
                                         recipients=["THE PRESIDENT"], redactions=1),
    "memorandum_for_the_record": dict(kind="memorandum", classification="secret", date=None, number=None,
                                      senders=["John Doe"], recipients=[], redactions=4),
}


@pytest.fixture(scope="module")
def encoded():
    authority = Authority.load(None)
    return {stem: etree.fromstring(convert_file(FIXTURES / f"{stem}.txt", authority, EncodingContext())[0])
            for stem in EXPECTED}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_header_facts(stem, encoded):
    expected = EXPECTED[stem]
    facts = read_header(encoded[stem])
    assert facts.kind == expected["kind"]
    assert facts.classification == expected["classification"]
    assert (facts.date[:10] if facts.date else None) == expected["date"]
    assert facts.number == expected["number"]
    assert facts.senders == expected["senders"]
    assert facts.recipients == expected["recipients"]
    assert facts.redactions == expected["redactions"]
    if "release" in expected:
        assert facts.release == expected["release"]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_valid_against_tei_all(stem, encoded, tei_all):
    assert tei_all.validate(etree.ElementTree(encoded[stem])), str(tei_all.error_log.last_error)


def test_the_highest_unstruck_marking_classifies_the_document(encoded):
    # LIMITED OFFICIAL USE above SECRET SECURITY INFORMATION: the document is Secret.
    assert read_header(encoded["memorandum_for_the_record"]).classification == "secret"


def test_bracket_conventions_of_a_translation(encoded):
    root = encoded["wilson_translation"]
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    notes = {n.get("type") for n in root.iterfind(".//t:text//t:note", ns)}
    assert notes == {"translator", "handwritten"}
    foreign = [f.text for f in root.iterfind(".//t:text//t:foreign", ns)]
    assert foreign == ["vne ocheredi", "delo"]
    alternative = root.find(".//t:text//t:choice/t:reg[@type='alternative']", ns)
    assert alternative.text == "Kao Kang"


def test_editorial_remarks_and_romanised_terms(encoded):
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    remark = encoded["soviet_record_of_conversation"].find(".//t:text//t:note[@type='editorial']", ns)
    assert remark.text == "not printed"
    term = encoded["chinese_telegram_translation"].find(".//t:text//t:foreign", ns)
    assert (term.text, term.get("{http://www.w3.org/XML/1998/namespace}lang")) == ("sulian kongjun", "zh-Latn-pinyin")


def test_documents_with_several_release_stamps_render(encoded, tmp_path):
    from pipeline.render import render_document

    for stem in ("cia_crest_bulletin", "cia_letter_spaced_marking"):
        path = tmp_path / f"{stem}.xml"
        path.write_bytes(etree.tostring(encoded[stem]))
        assert "Approved for release" in render_document(path, to="html")
