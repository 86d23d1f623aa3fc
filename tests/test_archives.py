"""The layouts of the archives our users hold, each in a document written here in that layout
(tests/fixtures/archives): State Department cables as cable archives print them, CIA CREST OCR
run into one line or broken into short lines, Wilson Center translations (ciphered telegrams
with copy lists and incoming numbers, forms with To/From/Date lines, pages printing a paragraph
per line, offices signing), FRUS web pages and editors' headnotes.

Each row pins what the header must say, and what it must not: a fact the text does not print
is left out. Every fixture is also checked to be valid TEI whose diplomatic text is the source.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.authority import Authority
from pipeline.convert import convert_file
from pipeline.encode import EncodingContext
from pipeline.header import read_header

FIXTURES = Path(__file__).parent / "fixtures" / "archives"
NS = {"t": "http://www.tei-c.org/ns/1.0"}

# kind, classification, date (ISO, to the minute where printed), number, senders, recipients,
# redactions, omissions, signatures
EXPECTED = {
    "cable_plusd_embassy": dict(
        kind="telegram", classification="secret", date="1977-03-03T14:10:00Z", number="5117",
        senders=["AMEMBASSY VIENNA"], recipients=["SECSTATE WASHDC"], redactions=0, omissions=0,
        signatures=["WHITMAN"]),
    "cable_plusd_department": dict(
        kind="telegram", classification="confidential", date="1977-03-15T23:18:00Z", number="61554",
        senders=["SECSTATE WASHDC"], recipients=["AMEMBASSY TOKYO"], redactions=0, omissions=0, signatures=[]),
    "crest_one_line": dict(
        kind="document", classification="top-secret", date="1953-08-14", number=None,
        senders=["CENTRAL INTELLIGENCE AGENCY"], recipients=[], redactions=3, omissions=0, signatures=[]),
    "crest_broken_lines": dict(
        kind="memorandum", classification="confidential", date="1958-03-11", number="2281/58",
        senders=[], recipients=["Director of Central Intelligence"], redactions=1, omissions=0, signatures=[]),
    "wilson_ciphered_telegram": dict(
        kind="telegram", classification="top-secret", date="1951-06-12", number="615-616",
        senders=["ROSHCHIN"], recipients=["FILIPPOV"], redactions=0, omissions=0, signatures=["ROSHCHIN"]),
    "wilson_form_telegram": dict(
        kind="telegram", classification=None, date="1967-04-03", number="041.117",
        senders=["the Hungarian Embassy in Hanoi"], recipients=["Deputy Foreign Minister Ferenc Puja"],
        redactions=0, omissions=0, signatures=["Ferenc Kovacs"]),
    "wilson_single_newline": dict(
        kind="document", classification=None, date="1952-05-07", number="112/sh", senders=["Petrov"],
        recipients=["Comrade V. M. Molotov"], redactions=0, omissions=0, signatures=["Petrov"]),
    "wilson_offices_sign": dict(
        kind="document", classification=None, date="1961-08-14", number="2204",
        senders=["Chinese People's Institute of Foreign Affairs", "Ministry of Foreign Affairs"],
        recipients=["the Chinese Embassy in Indonesia"], redactions=0, omissions=1,
        signatures=["Chinese People's Institute of Foreign Affairs", "Ministry of Foreign Affairs"]),
    "wilson_covering_letter": dict(
        kind="document", classification="secret", date="1956-03-09", number="141", senders=["V. Ivanov"],
        recipients=["the Deputy Minister of Foreign Affairs of the USSR Fedorenko"], redactions=0, omissions=0,
        signatures=["V. Ivanov"]),
    "frus_web_page": dict(
        kind="telegram", classification="top-secret", date="1953-02-14T16:00:00", number="1204",
        senders=["The Ambassador in the Soviet Union Bohlen"], recipients=["the Secretary of State"],
        redactions=0, omissions=0, signatures=["Bohlen"]),
    "editor_headnote": dict(
        kind="document", classification=None, date="1956-10-21T21:40:00", number=None,
        senders=["A. Orlov", "B. Kuzmin"], recipients=["N. S. Khrushchev"], redactions=0, omissions=0,
        signatures=[]),
}


@pytest.fixture(scope="module")
def encoded() -> dict[str, etree._Element]:
    authority = Authority.load(None)
    return {stem: etree.fromstring(convert_file(FIXTURES / f"{stem}.txt", authority, EncodingContext())[0])
            for stem in EXPECTED}


def signatures(root) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in root.iterfind(".//t:closer/t:signed/*", NS)
            if etree.QName(e).localname in ("persName", "orgName")]


def test_every_fixture_has_a_row():
    assert sorted(p.stem for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_header_facts(stem, encoded):
    expected = EXPECTED[stem]
    facts = read_header(encoded[stem])
    assert facts.kind == expected["kind"]
    assert facts.classification == expected["classification"]
    assert facts.date == expected["date"]
    assert facts.number == expected["number"]
    assert facts.senders == expected["senders"]
    assert facts.recipients == expected["recipients"]
    assert facts.redactions == expected["redactions"]
    assert facts.omissions == expected["omissions"]
    assert signatures(encoded[stem]) == expected["signatures"]


def test_a_release_stamp_is_the_release_never_the_document_date(encoded):
    for stem in ("crest_one_line", "crest_broken_lines"):
        facts = read_header(encoded[stem])
        assert facts.release and facts.date and facts.release[:4] > facts.date[:4]


def test_every_release_stamp_of_a_page_is_marked(encoded):
    stamps = encoded["crest_one_line"].xpath("//t:text//t:stamp[@type='declassification']", namespaces=NS)
    assert len(stamps) == 3 and all(s.get("when") == "2004-11-30" for s in stamps)


def test_exemption_codes_are_redactions_carrying_their_code(encoded):
    gaps = encoded["crest_one_line"].xpath("//t:text//t:gap[@reason='redacted']", namespaces=NS)
    assert len(gaps) == 3 and all("25X1" in "".join(g.itertext()) for g in gaps)


def test_damaged_banner_is_read_with_low_certainty(encoded):
    catref = encoded["crest_broken_lines"].xpath(
        "//t:textClass/t:catRef[contains(@scheme, '.security')]", namespaces=NS)[0]
    assert catref.get("target").endswith(".confidential") and catref.get("cert") == "low"


def test_header_facts_keep_their_source_line(encoded):
    root = encoded["cable_plusd_embassy"]
    date = root.find(".//t:sourceDesc/t:bibl/t:date", NS)
    assert date.get("source") == "src:line=5,6"  # "O 031410Z MAR 77" is line 6
    sender = root.find(".//t:correspAction[@type='sent']/t:orgName", NS)
    assert sender.get("source") == "src:line=6,7"


def test_guessed_facts_carry_cert(encoded):
    date = encoded["editor_headnote"].find(".//t:sourceDesc/t:bibl/t:date", NS)
    assert date.get("cert") == "medium"


def test_a_day_without_a_year_is_no_header_date(tmp_path):
    source = tmp_path / "partial.txt"
    source.write_text("To Comrade Ivanov\n\nOn 5 May the delegation arrived.\n\nPetrov\n\n5 May\n", encoding="utf-8")
    root = etree.fromstring(convert_file(source, Authority.load(None), EncodingContext())[0])
    assert read_header(root).date is None


def normalise(text: str) -> str:
    """The source as the diplomatic view gives it back: LF line endings, no white space at the end
    of a line, no blank lines at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_valid_and_lossless(stem, encoded, tei_all, tmp_path):
    from pipeline.render import render_document

    root = encoded[stem]
    assert tei_all.validate(etree.ElementTree(root)), str(tei_all.error_log)
    path = tmp_path / f"{stem}.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    rendered = render_document(path, to="text", view="diplomatic")
    assert normalise(rendered) == normalise((FIXTURES / f"{stem}.txt").read_text(encoding="utf-8"))


# --- names are not roles -----------------------------------------------------------------------

def party(text: str):
    from pipeline.recognise.facts import party as read_party

    return read_party(text, Authority.load(None))


@pytest.mark.parametrize("printed, kind, name, role", [
    ("Director of Central Intelligence Smith", "person", "Smith", "Director of Central Intelligence"),
    ("Director of Central Intelligence", "role", "Director of Central Intelligence", ""),
    ("the Secretary of State", "role", "the Secretary of State", ""),
    ("Soviet Ambassador N.V. Roshchin", "person", "N.V. Roshchin", "Soviet Ambassador"),
    ("Office of Current Intelligence", "org", "Office of Current Intelligence", ""),
    ("Ministry of Foreign Affairs", "org", "Ministry of Foreign Affairs", ""),
    ("the Embassy in the Soviet Union", "org", "the Embassy in the Soviet Union", ""),
])
def test_roles_offices_and_names(printed, kind, name, role):
    found = party(printed)
    assert (found.kind, "".join(x for x in found.name if isinstance(x, str)), found.role) == (kind, name, role)


def test_a_role_never_gets_an_authority_id():
    assert party("Director of Central Intelligence").ref is None
    assert party("the Secretary of State").ref is None


def test_a_place_in_an_address_is_a_place(tmp_path):
    source = tmp_path / "address.txt"
    source.write_text("SECRET\n\nTo Secretary of State, Washington\n\nThe situation is unchanged.\n\nKENNAN\n",
                      encoding="utf-8")
    authority = Authority.load(None)
    root = etree.fromstring(convert_file(source, authority, EncodingContext())[0])
    received = root.find(".//t:correspAction[@type='received']", NS)
    assert received.find("t:placeName", NS).text == "Washington"
    assert received.find("t:persName/t:roleName", NS).text == "Secretary of State"
    assert not [p for p in root.iterfind(".//t:persName", NS) if "".join(p.itertext()) == "Washington"]
    assert authority.lookup("Washington", "person") is None


def test_a_covering_letter_and_its_enclosure(encoded):
    """The letter signed in the middle of the text encloses what follows: a div of its own, whose
    marking and date are the enclosure's, not the letter's."""
    root = encoded["wilson_covering_letter"]
    divs = root.findall(".//t:body/t:div", NS)
    assert [d.get("type") for d in divs] == ["document", "enclosure"]
    assert divs[0].find("t:closer", NS) is not None
    assert divs[1].find(".//t:date", NS).get("when") == "1956-03-06"
