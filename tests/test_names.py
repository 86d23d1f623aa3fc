"""The names in the running text: people, places and organisations tagged and linked.

* short invented texts, each with the names it must (and must not) tag;
* FRUS's own markup of ../shared/corpus/frus-dev: at least 90 % of the people it tags in the
  text are tagged by us at the same place (tests/frus_names.py says what "same place" means);
* the seeds and ../shared/corpus/archive-dev: the names pinned in tests/names_pinned.toml are
  tagged and point where they should, and no tagged person, in any document, is a place, a
  role or an office (tests/names_check.py).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from lxml import etree

from pipeline import TEI_NS
from pipeline.authority import Authority, read_entries
from pipeline.config import load_settings
from pipeline.convert import convert_paths, convert_text
from pipeline.encode import EncodingContext

from .conftest import ROOT, SEEDS, SHARED
from .frus_names import compare, report
from .names_check import person_problems

T = f"{{{TEI_NS}}}"
ARCHIVE = SHARED / "corpus" / "archive-dev"
PINNED = tomllib.loads((Path(__file__).parent / "names_pinned.toml").read_text(encoding="utf-8"))["document"]

# (sentence, names tagged in it: (element, text, authority id or None, cert, roleName or None))
CASES = [
    ("We will report to Comrade FILIPPOV about this proposal and the course taken by us.",
     [("persName", "FILIPPOV", "pers-stalin", None, None)]),
    ("After a long study Comrade KIM IL SUNG agreed with the proposal of the delegation.",
     [("persName", "KIM IL SUNG", "pers-kim-il-sung", None, None)]),
    ("The views of Mao Tse-tung and of Chou En-lai's deputies were reported from Peiping.",
     [("persName", "Mao Tse-tung", "pers-mao-zedong", None, None),
      ("persName", "Chou En-lai", "pers-zhou-enlai", None, None),
      ("placeName", "Peiping", "place-beijing", None, None)]),
    ("The telegram of Vyshinskii was handed to Vasil'yev and to SHTYKOV in Pyongyang.",
     [("persName", "Vyshinskii", "pers-vyshinsky", None, None),
      ("persName", "Vasil'yev", "pers-vasiliev", None, None),
      ("persName", "SHTYKOV", "pers-shtykov", None, None),
      ("placeName", "Pyongyang", "place-pyongyang", None, None)]),
    ("At the meeting General Smith asked whether the Board had been told of it.",
     [("persName", "General Smith", "pers-smith-walter-bedell", None, "General")]),
    ("Mr. Ordway of the Embassy agreed, and later Ordway wrote to the Department about it.",
     [("persName", "Ordway", "pers-ordway", "low", None), ("persName", "Ordway", "pers-ordway", "low", None)]),
    ("Comrade Lieutenant General Petrenko will arrive with the delegation next week.",
     [("persName", "Lieutenant General Petrenko", "pers-petrenko", "low", "Lieutenant General")]),
    ("The question was put to the General Assembly and to the Security Council of the United Nations.",
     [("orgName", "General Assembly", "org-un-general-assembly", None, None),
      ("orgName", "Security Council", "org-un-security-council", None, None),
      ("orgName", "United Nations", "org-united-nations", None, None)]),
    ("As President Truman Said in his message, the matter is closed for the time being.",
     [("persName", "President Truman", "pers-truman", None, "President")]),
    ("THE GENERAL WILL SEE THE MINISTER OF GENERAL MACHINE BUILDING TOMORROW MORNING.", []),
    ("The Secretary of State and the Ambassador discussed it with the Foreign Minister at length.", []),
    ("Mr. Smith of the Embassy said that he had seen the report before it was sent.",
     [("persName", "Smith", "pers-smith", "low", None)]),
    ("KUZNETSOV reported that the shipment had left for the border on the morning train.", []),
    ("The Ambassador in Moscow reported that Washington had not yet replied to the note.",
     [("placeName", "Moscow", "place-moscow", None, None), ("placeName", "Washington", "place-washington", None, None)]),
]


def _encode(text: str, authority: Authority) -> etree._Element:
    source = "Telegram\n\n" + text + "\n\nThe rest of the message is about other matters and is not given here.\n"
    data, _ = convert_text(source.encode(), "case.txt", authority, EncodingContext())
    return etree.fromstring(data)


def _names(element: etree._Element):
    for name in element.iter(T + "persName", T + "placeName", T + "orgName"):
        role = name.find(T + "roleName")
        yield (etree.QName(name).localname, " ".join("".join(name.itertext()).split()),
               (name.get("ref") or "").partition("#")[2] or None, name.get("cert"),
               role.text if role is not None else None)


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_names_in_a_sentence(text, expected):
    root = _encode(text, Authority.load())
    paragraph = next(p for p in root.iter(T + "p") if text[:20] in "".join(p.itertext()))
    assert list(_names(paragraph)) == expected
    assert "".join(paragraph.itertext()) == text  # the text itself is unchanged


def test_an_unknown_name_after_a_title_is_added_unreviewed():
    authority = Authority.load()
    _encode("Yesterday Comrade Zaitsev met the delegation at the station and gave them the letter.", authority)
    entry = authority.entries["pers-zaitsev"]
    assert entry.names == ["Zaitsev"] and not entry.reviewed


def test_an_office_with_its_city_is_a_role_and_the_city_no_person(tmp_path):
    """"To Secretary of State, Washington": Washington is a place, the office a role."""
    source = tmp_path / "address.txt"
    source.write_text("To Secretary of State, Washington\n\nThe Embassy has received the note and will reply "
                      "to it in the course of the week.\n", encoding="utf-8")
    result = convert_paths([source], tmp_path / "tei", load_settings(ROOT))
    assert result.ok
    people = [e for e in read_entries(tmp_path / "tei" / "authority.xml") if e.kind == "person"]
    assert not [e for e in people if any("Washington" in n for n in e.names)]
    root = etree.parse(str(tmp_path / "tei" / "address.xml")).getroot()
    salute = root.find(f".//{T}salute")
    assert salute.find(T + "roleName").text == "Secretary of State"
    assert salute.find(T + "placeName").get("ref") == "authority.xml#place-washington"
    assert salute.find(T + "persName") is None


def test_the_authority_file_gives_dates_of_life_and_wikidata(tmp_path):
    source = tmp_path / "one.txt"
    source.write_text("Telegram\n\nStalin received the letter and sent it on to the others.\n", encoding="utf-8")
    convert_paths([source], tmp_path / "tei", load_settings(ROOT))
    root = etree.parse(str(tmp_path / "tei" / "authority.xml")).getroot()
    stalin = root.find(f".//{T}person[@{{http://www.w3.org/XML/1998/namespace}}id='pers-stalin']")
    assert stalin.find(T + "birth").get("when") == "1878-12-18"
    assert stalin.find(T + "death").get("when") == "1953-03-05"
    assert stalin.findtext(T + "idno[@type='wikidata']") == "Q855"


# --- the development corpora ---------------------------------------------------------------


@pytest.fixture(scope="module")
def frus_encoded(frus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("frus-names")
    result = convert_paths([frus_dir], out, load_settings(ROOT))
    assert result.ok
    return out


@pytest.fixture(scope="module")
def corpora_encoded(tmp_path_factory):
    if not ARCHIVE.is_dir():
        pytest.skip("../shared/corpus/archive-dev is not beside the project")
    out = {}
    for corpus, folder in (("seeds", SEEDS), ("archive-dev", ARCHIVE)):
        target = tmp_path_factory.mktemp(corpus)
        result = convert_paths([folder], target, load_settings(ROOT))
        assert result.ok, [o.error for o in result.failed]
        out[corpus] = target
    return out


def test_at_least_ninety_percent_of_the_people_frus_tags_are_tagged_at_the_same_place(frus_encoded, frus_dir):
    result = compare(frus_encoded, frus_dir)
    print(report(result))
    assert result.total >= 60
    assert result.rate >= 0.9, report(result)


@pytest.mark.parametrize("pinned", PINNED, ids=[f"{p['corpus']}/{p['stem']}" for p in PINNED])
def test_pinned_names_are_tagged_and_linked(corpora_encoded, pinned):
    root = etree.parse(str(corpora_encoded[pinned["corpus"]] / f"{pinned['stem']}.xml")).getroot()
    found = {(text, ref) for _, text, ref, _, _ in _names(root.find(T + "text"))}
    missing = [name for name in pinned["names"] if tuple(name) not in found]
    assert not missing, f"not tagged or linked elsewhere: {missing}"


def test_no_tagged_person_is_a_place_a_role_or_an_office(corpora_encoded, frus_encoded):
    authority = Authority.load()
    problems = []
    for folder in (*corpora_encoded.values(), frus_encoded):
        for path in sorted(folder.glob("*.xml")):
            if path.name != "authority.xml":
                problems += person_problems(path, authority)
        for entry in read_entries(folder / "authority.xml"):
            if entry.kind == "person" and not entry.reviewed and authority.lookup(entry.names[0], "place"):
                problems.append(f"{folder.name}/authority.xml: {entry.id} is a place")
    assert not problems, "\n".join(problems)
