"""What the encoder reads from each bundled seed: one row per seed, pinned.

Each row says the document's date, classification, sender, recipient and number as the header
records them, and how many gaps and editorial brackets of each kind the text holds.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from pipeline.authority import Authority
from pipeline.convert import convert_file
from pipeline.encode import EncodingContext
from pipeline.header import read_header

from .conftest import SEEDS

NS = {"t": "http://www.tei-c.org/ns/1.0"}

EXPECTED = {
    "000_ecc5558849b28d12": dict(
        kind="telegram", date="1950-10-11", classification=None, number="4784",
        senders=["Filippov", "Zhou Enlai"], recipients=["Mao Zedong"],
        gaps={"editorial": 1}, brackets={"gap/editorial": 1}),
    "001_8d93ff1ab614c208": dict(
        kind="telegram", date="1950-10-12", classification="top-secret", number="75511",
        senders=["Fyn Si"], recipients=["Shtykov", "Vasil'yev"],
        gaps={}, brackets={"supplied/omitted-in-original": 1, "foreign/ru-Latn": 1}),
    "002_7785087b46a9ac2f": dict(
        kind="telegram", date="1950-10-07", classification="top-secret", number="25348",
        senders=["Soviet Ambassador N.V. Roshchin"], recipients=["Stalin"],
        gaps={}, brackets={"foreign/ru-Latn": 1, "supplied/identification": 1}),
    "003_2e647f7a671e9afb": dict(
        kind="telegram", date="1952-07-18", classification=None, number="21646",
        senders=["MAO ZEDONG"], recipients=["FILIPPOV [Stalin]"],
        gaps={"editorial": 1},
        brackets={"supplied/identification": 1, "reg/alternative": 3, "expan/": 2,
                  "supplied/omitted-in-original": 1, "gap/editorial": 1}),
    "004_59ef3454e874c2d8": dict(
        kind="bulletin", date="1952-01-21", classification="secret", number=None,
        senders=[], recipients=[],
        gaps={"redacted": 5}, brackets={"gap/redacted": 5}),  # the text prints "[redacted]" five times
}


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> dict[str, etree._ElementTree]:
    authority = Authority.load(None)
    out = {}
    for stem in EXPECTED:
        data, _ = convert_file(SEEDS / f"{stem}.txt", authority, EncodingContext())
        out[stem] = etree.ElementTree(etree.fromstring(data))
    return out


def bracket_kinds(tree) -> Counter:
    """Elements made from a bracket in the source, by element and reason/type/language."""
    counts: Counter = Counter()
    for element in tree.getroot().find("t:text", NS).iter():
        if not isinstance(element.tag, str) or "brackets" not in (element.get("rend") or "").split():
            continue
        name = etree.QName(element).localname
        qualifier = element.get("reason") or element.get("type") or element.get(
            "{http://www.w3.org/XML/1998/namespace}lang") or ""
        counts[f"{name}/{qualifier}"] += 1
    return counts


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_header_facts(stem, encoded):
    expected = EXPECTED[stem]
    facts = read_header(encoded[stem])
    assert facts.kind == expected["kind"]
    assert (facts.date or "")[:10] == expected["date"]
    assert facts.classification == expected["classification"]
    assert facts.number == expected["number"]
    assert facts.senders == expected["senders"]
    assert facts.recipients == expected["recipients"]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_gaps_and_brackets(stem, encoded):
    expected = EXPECTED[stem]
    gaps = Counter(g.get("reason") for g in encoded[stem].getroot().iterfind("t:text//t:gap", NS))
    assert dict(gaps) == expected["gaps"]
    assert dict(bracket_kinds(encoded[stem])) == expected["brackets"]


def test_cia_bulletin_markings_and_release(encoded):
    root = encoded["004_59ef3454e874c2d8"].getroot()
    struck = root.findall(".//t:text//t:stamp[@type='classification']/t:del[@rend='strikethrough']", NS)
    assert [s.text for s in struck] == ["SECRET", "SECRET"]
    release = root.find(".//t:text//t:stamp[@type='declassification']", NS)
    assert release.get("when") == "2009-12-16"
    assert read_header(root).release == "2009-12-16"


def test_pseudonym_is_identified_and_linked(encoded):
    root = encoded["002_7785087b46a9ac2f"].getroot()
    pseudo = root.find(".//t:text//t:persName[@type='pseudo']", NS)
    assert pseudo.text == "FILIPPOV"
    assert pseudo.get("ref") == "authority.xml#pers-stalin"
    identification = pseudo.getnext()
    assert etree.QName(identification).localname == "supplied"
    assert identification.get("reason") == "identification"
    assert "".join(identification.itertext()) == "STALIN"


def test_expansion_of_an_abbreviation(encoded):
    root = encoded["003_2e647f7a671e9afb"].getroot()
    choices = root.findall(".//t:text//t:choice[t:abbr]", NS)
    pairs = [(c.findtext("t:abbr", namespaces=NS), c.findtext("t:expan", namespaces=NS)) for c in choices]
    assert ("PVO", "Anti-aircraft Defense") in pairs
    assert ("VVS", "Air Force") in pairs


def test_embedded_telegrams_are_floating_texts(encoded):
    root = encoded["003_2e647f7a671e9afb"].getroot()
    embedded = root.findall(".//t:text//t:quote/t:floatingText", NS)
    assert len(embedded) == 2
    signers = ["".join(f.find(".//t:closer//t:persName", NS).itertext()) for f in embedded]
    assert signers == ["MAO ZEDONG", "KIM IL SUNG"]


def test_numbered_paragraphs_become_list_items(encoded):
    root = encoded["001_8d93ff1ab614c208"].getroot()
    items = root.findall(".//t:text//t:list[@type='ordered']/t:item", NS)
    assert [i.get("n") for i in items] == ["1", "2", "3", "4", "5", "6", "7"]
