"""``teipipe export cmif``: the corpus as a CMIF file for correspSearch.

The structure is checked against the documents it is made of (one correspDesc per document,
its sender, recipient, places and dates as in the document's header, every @ref an authority URI
that resolves), the file against tei_all and against CMIF's own rules, and the command against
broken input: the file named, the others exported, a non-zero exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline import TEI_NS
from pipeline.authority import read_entries
from pipeline.cli import cli
from pipeline.export.cmif import Edition, export_cmif
from pipeline.header import read_header

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "registers"
SEEDED = ROOT / "tei"
NS = {"t": TEI_NS}
URL = "https://edition.example.org/"
EDITION = Edition(publisher="teipipe project", url=URL, editor="A. Editor", email="editor@example.org")
EPOCH = "1700000000"


@pytest.fixture(autouse=True)
def source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def exported(tmp_path: Path, folder: Path, edition: Edition = EDITION) -> etree._Element:
    out = tmp_path / "cmif.xml"
    report = export_cmif([folder], out, edition)
    assert report.ok, report.errors
    return etree.parse(str(out)).getroot()


def by_key(root: etree._Element) -> dict[str, etree._Element]:
    return {desc.get("key"): desc for desc in root.iterfind(".//t:profileDesc/t:correspDesc", NS)}


def action(desc: etree._Element, kind: str) -> etree._Element:
    found = desc.findall(f"t:correspAction[@type='{kind}']", NS)
    assert len(found) == 1
    return found[0]


def parties(desc: etree._Element, kind: str) -> list[tuple[str, str, str | None]]:
    return [(etree.QName(e).localname, e.text, e.get("ref")) for e in action(desc, kind)
            if etree.QName(e).localname in ("persName", "orgName")]


FIXTURE_CASES = {
    "a person with a Wikidata id, from a place": (
        "doc-letter", "sent", [("persName", "Pavel Orlov", "http://www.wikidata.org/entity/Q4115189")],
        [("Harbor City", URL + "places.html#place-harbor-city")], {"when": "1952-05-03"}),
    "a person without one: the register entry": (
        "doc-letter", "received", [("persName", "Edith Vance", URL + "persons.html#pers-vance")], [],
        {"when": "1952-05-04"}),
    "an organisation, a month": (
        "doc-memo", "sent", [("orgName", "Ministry of Foreign Affairs", URL + "organisations.html#org-foreign-ministry")],
        [], {"when": "1952-06"}),
    "nobody named: Unknown": ("doc-memo", "received", [("persName", "Unknown", None)], [], {}),
}


@pytest.mark.parametrize("key, kind, names, places, date", FIXTURE_CASES.values(), ids=FIXTURE_CASES.keys())
def test_each_side_of_a_letter_as_cmif_says(tmp_path: Path, key: str, kind: str, names: list, places: list,
                                           date: dict) -> None:
    desc = by_key(exported(tmp_path, FIXTURES))[key]
    assert parties(desc, kind) == names
    assert [(p.text, p.get("ref")) for p in action(desc, kind).iterfind("t:placeName", NS)] == places
    dates = action(desc, kind).findall("t:date", NS)
    assert [dict(d.attrib) for d in dates] == ([date] if date else [])


def test_the_letter_is_linked_to_its_page_and_the_edition(tmp_path: Path) -> None:
    root = exported(tmp_path, FIXTURES)
    bibl = root.find(".//t:sourceDesc/t:bibl", NS)
    assert bibl.get("type") == "online"
    ident = bibl.get("{http://www.w3.org/XML/1998/namespace}id")
    for key, desc in by_key(root).items():
        assert desc.get("source") == "#" + ident
        assert desc.get("ref") == URL + key.removeprefix("doc-") + ".html"
    assert root.findtext(".//t:publicationStmt/t:idno[@type='url']", namespaces=NS) == URL + "cmif.xml"
    assert root.find(".//t:publicationStmt/t:date", NS).get("when") == "2023-11-14T22:13:20Z"
    assert root.find(".//t:licence", NS).get("target") == "https://creativecommons.org/licenses/by/4.0/"
    assert root.findtext(".//t:titleStmt/t:editor/t:email", namespaces=NS) == "editor@example.org"


def test_the_entities_the_text_names_are_noted_as_cmif_v2_mentions(tmp_path: Path) -> None:
    desc = by_key(exported(tmp_path, FIXTURES))["doc-letter"]
    mentions = [(ref.get("type"), ref.get("target")) for ref in desc.iterfind("t:note/t:ref", NS)]
    assert mentions == [
        ("cmif:mentionsPerson", URL + "persons.html#pers-vance"),
        ("cmif:mentionsPerson", "http://www.wikidata.org/entity/Q4115189"),
        ("cmif:mentionsPlace", URL + "places.html#place-harbor-city"),
        ("cmif:mentionsPlace", "http://www.wikidata.org/entity/Q13406268"),
        ("cmif:mentionsOrganization", URL + "organisations.html#org-foreign-ministry"),
        ("cmif:mentionsPerson", URL + "persons.html#pers-li-wen"),
    ]


def test_the_corpus_gives_one_correspdesc_per_document_with_the_dates_of_its_header(tmp_path: Path) -> None:
    documents = sorted(p for p in SEEDED.glob("*.xml") if p.name != "authority.xml")
    root = exported(tmp_path, SEEDED)
    descs = root.findall(".//t:profileDesc/t:correspDesc", NS)
    assert len(descs) == len(documents)
    entries = {entry.id: entry for entry in read_entries(SEEDED / "authority.xml")}
    uris = {("http://www.wikidata.org/entity/" + e.wikidata) if e.wikidata else None for e in entries.values()}
    registers = {f"{URL}{page}.html#{e.id}" for e in entries.values() for page in ("persons", "places", "organisations")}
    for path, desc in zip(documents, descs):
        facts = read_header(path)
        assert desc.get("key") == facts.id
        tei = etree.parse(str(path)).getroot()
        for kind in ("sent", "received"):
            source = tei.find(f".//t:correspDesc/t:correspAction[@type='{kind}']", NS)
            when = source.find("t:date", NS).get("when") if source is not None and source.find("t:date", NS) is not None else None
            dates = action(desc, kind).findall("t:date", NS)
            assert [d.get("when") for d in dates] == ([when[:10]] if when else []), path.name
            named = source.findall("t:persName", NS) + source.findall("t:orgName", NS) if source is not None else []
            assert len(parties(desc, kind)) == max(len(named), 1)
        for element in desc.iter():
            ref = element.get("ref") or element.get("target")
            if ref and element.tag != f"{{{TEI_NS}}}correspDesc":
                assert ref in uris or ref in registers, f"{path.name}: {ref} resolves to no entry"


def test_the_file_is_valid_against_tei_all(tmp_path: Path, tei_all) -> None:
    for folder in (FIXTURES, SEEDED):
        root = exported(tmp_path, folder)
        assert tei_all.validate(etree.ElementTree(root)), tei_all.error_log


def test_the_file_keeps_cmifs_own_rules(tmp_path: Path) -> None:
    """The rules of CMIF's Schematron: both actions in every correspDesc, @source pointing at
    the bibl, every date with a dating attribute in one of CMIF's three forms."""
    root = exported(tmp_path, SEEDED)
    bibls = {b.get("{http://www.w3.org/XML/1998/namespace}id") for b in root.iterfind(".//t:bibl", NS)}
    for desc in root.iterfind(".//t:correspDesc", NS):
        assert [a.get("type") for a in desc.iterfind("t:correspAction", NS)] == ["sent", "received"]
        assert desc.get("source")[1:] in bibls
        for action_ in desc.iterfind("t:correspAction", NS):
            assert {etree.QName(c).localname for c in action_} <= {"persName", "orgName", "placeName", "date"}
    for date in root.iterfind(".//t:correspAction/t:date", NS):
        assert date.attrib and all(len(v) in (4, 7, 10) for v in date.attrib.values())


def test_the_same_corpus_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first.xml", tmp_path / "second.xml"
    assert export_cmif([SEEDED], first, EDITION).ok
    assert export_cmif([SEEDED], second, EDITION).ok
    assert first.read_bytes() == second.read_bytes()


def test_broken_documents_are_named_and_the_others_exported(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    shutil.copytree(FIXTURES, folder)
    (folder / "broken.xml").write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<teiHeader>", encoding="utf-8")
    (folder / "other.xml").write_text("<html/>", encoding="utf-8")
    out = tmp_path / "cmif.xml"
    result = CliRunner().invoke(cli, ["export", "cmif", str(out), "--tei", str(folder), "--edition-url", URL])
    assert result.exit_code == 1
    assert f"{folder / 'broken.xml'}:" in result.output and "TP003" in result.output
    assert f"{folder / 'other.xml'}:" in result.output
    assert "exported 2 document(s)" in result.output
    assert set(by_key(etree.parse(str(out)).getroot())) == {"doc-letter", "doc-memo"}


def test_nothing_is_written_when_no_document_can_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    folder.mkdir()
    (folder / "broken.xml").write_text("<TEI", encoding="utf-8")
    out = tmp_path / "cmif.xml"
    out.write_text("kept", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "cmif", str(out), "--tei", str(folder)])
    assert result.exit_code == 1 and "nothing written" in result.output
    assert out.read_text(encoding="utf-8") == "kept"


def test_a_pointer_to_no_entry_is_reported_and_the_name_kept(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    shutil.copytree(FIXTURES, folder)
    memo = folder / "memo.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("#org-foreign-ministry", "#org-nowhere"), encoding="utf-8")
    report = export_cmif([folder], tmp_path / "cmif.xml", EDITION)
    assert report.ok
    assert any("memo.xml" in w and "org-nowhere" in w for w in report.warnings)
    desc = by_key(etree.parse(str(tmp_path / "cmif.xml")).getroot())["doc-memo"]
    assert parties(desc, "sent") == [("orgName", "FOREIGN MINISTRY", None)]


def test_the_command_reads_the_project_and_is_documented(tmp_path: Path) -> None:
    help_text = CliRunner().invoke(cli, ["export", "cmif", "--help"]).output
    for word in ("CMIF", "correspSearch", "SOURCE_DATE_EPOCH", "--edition-url", "Exit status"):
        assert word in help_text
    project = tmp_path / "project"
    shutil.copytree(FIXTURES, project / "tei")
    (project / "teipipe.toml").write_text(f'edition_url = "{URL.rstrip("/")}"\npublisher = "An Archive"\n',
                                          encoding="utf-8")
    environment = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "cmif", "out.xml"], cwd=project,
                          capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    root = etree.parse(str(project / "out.xml")).getroot()
    assert root.findtext(".//t:publicationStmt/t:publisher/t:ref", namespaces=NS) == "An Archive"
    assert len(by_key(root)) == 2 and by_key(root)["doc-letter"].get("ref") == URL + "letter.html"
