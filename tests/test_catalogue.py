"""Catalogue records: an archive's catalogue beside the texts, read from CSV or JSON Lines and
merged into each header; where catalogue and text disagree both are kept and TP114 warns."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from pipeline import catalogue
from pipeline.config import load_settings
from pipeline.convert import convert_paths
from pipeline.header import read_header
from pipeline.validate import validate_paths

from .conftest import ROOT, SHARED

NS = {"t": "http://www.tei-c.org/ns/1.0"}
TEXT = """SECRET

Moscow, 3 May 1951

To Comrade Ivanov

The delegation arrives on Friday.

Petrov
"""


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = sorted({key for row in rows for key in row}, key=lambda c: (c != "file", c))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "letter.txt").write_text(TEXT, encoding="utf-8")
    (folder / "note.txt").write_text("A note without date, sender or recipient.\n", encoding="utf-8")
    return folder


def convert_with(sources: Path, catalogue_file: Path, out: Path):
    settings = dataclasses.replace(load_settings(ROOT), catalogue=catalogue_file)
    return convert_paths([sources], out, settings)


# --- reading --------------------------------------------------------------------------------------

def test_csv_and_json_lines_give_the_same_records(tmp_path: Path):
    row = {"file": "letter.txt", "title": "Letter", "date": "1951-05-03", "sender": "Petrov"}
    from_csv = catalogue.load(write_csv(tmp_path / "c.csv", [row]))
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps(row) + "\n", encoding="utf-8")
    from_json = catalogue.load(jsonl)
    assert dataclasses.replace(from_csv.records["letter.txt"], line=0) == \
        dataclasses.replace(from_json.records["letter.txt"], line=0)
    assert from_csv.records["letter.txt"].sender == "Petrov"


def test_an_unknown_column_is_a_warning_that_names_it(tmp_path: Path):
    loaded = catalogue.load(write_csv(tmp_path / "c.csv", [{"file": "a.txt", "shelf": "B 12"}]))
    assert len(loaded.warnings) == 1 and "unknown column 'shelf'" in loaded.warnings[0]


def test_a_row_without_a_file_is_an_error_naming_the_line(tmp_path: Path):
    path = write_csv(tmp_path / "c.csv", [{"file": "a.txt", "title": "A"}, {"file": "", "title": "B"}])
    with pytest.raises(catalogue.CatalogueError, match=r"c\.csv:3: error: the row names no file"):
        catalogue.load(path)


def test_a_file_named_twice_is_an_error(tmp_path: Path):
    path = write_csv(tmp_path / "c.csv", [{"file": "a.txt"}, {"file": "dir/a.txt"}])
    with pytest.raises(catalogue.CatalogueError, match="has a row already"):
        catalogue.load(path)


def test_bad_json_is_an_error_naming_the_line(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"file": "a.txt"}\n{"file": \n', encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=r"c\.jsonl:2: error: not a JSON object"):
        catalogue.load(path)


# --- merging ------------------------------------------------------------------------------------

def test_the_record_goes_into_the_header(sources: Path, tmp_path: Path):
    row = {"file": "note.txt", "title": "Note on the delegation", "date": "1951-05-04", "sender": "Petrov",
           "recipient": "Ivanov", "place": "Moscow", "classification": "S", "number": "77",
           "repository": "Archive of Foreign Policy", "collection": "Fond 59", "idno": "op. 3, d. 12",
           "url": "https://archive.example/records/12", "citation": "AVP, f. 59, op. 3, d. 12",
           "rights": "Public domain"}
    report = convert_with(sources, write_csv(tmp_path / "c.csv", [row]), tmp_path / "tei")
    assert report.ok
    root = etree.parse(str(tmp_path / "tei" / "note.xml")).getroot()
    record = root.find(".//t:sourceDesc/t:bibl[@type='catalogue']", NS)
    ref = "#" + record.get("{http://www.w3.org/XML/1998/namespace}id")
    assert record.findtext("t:title", namespaces=NS) == "Note on the delegation"
    assert record.findtext("t:title[@type='collection']", namespaces=NS) == "Fond 59"
    assert record.findtext("t:publisher", namespaces=NS) == "Archive of Foreign Policy"
    assert record.findtext("t:idno[@type='catalogue']", namespaces=NS) == "op. 3, d. 12"
    assert record.find("t:ref", NS).get("target") == "https://archive.example/records/12"
    assert record.findtext("t:note[@type='citation']", namespaces=NS) == "AVP, f. 59, op. 3, d. 12"
    assert record.findtext("t:availability/t:p", namespaces=NS) == "Public domain"
    # the text states none of these: the catalogue's facts stand, marked as the catalogue's
    sent = root.find(".//t:correspAction[@type='sent']", NS)
    assert [(e.text, e.get("source")) for e in sent.iterfind("t:persName", NS)] == [("Petrov", ref)]
    assert sent.find("t:date", NS).get("when") == "1951-05-04" and sent.find("t:date", NS).get("source") == ref
    assert sent.find("t:placeName", NS).get("source") == ref
    assert root.find(".//t:correspAction[@type='received']/t:persName", NS).get("source") == ref
    catrefs = root.findall(".//t:textClass/t:catRef", NS)
    assert any(c.get("target", "").endswith(".secret") and c.get("source") == ref for c in catrefs)
    assert validate_paths([tmp_path / "tei"], load_settings(ROOT)).errors() == 0


def test_where_they_agree_the_text_alone_states_the_fact(sources: Path, tmp_path: Path):
    row = {"file": "letter.txt", "date": "1951-05-03", "sender": "Petrov", "classification": "Secret"}
    convert_with(sources, write_csv(tmp_path / "c.csv", [row]), tmp_path / "tei")
    root = etree.parse(str(tmp_path / "tei" / "letter.xml")).getroot()
    assert not root.xpath("//t:profileDesc//*[@source and contains(@source, 'catalogue')]", namespaces=NS)
    report = validate_paths([tmp_path / "tei"], load_settings(ROOT))
    assert not [p for p in report.problems if p.code == "TP114"]


def test_a_disagreement_keeps_both_and_is_a_warning(sources: Path, tmp_path: Path):
    row = {"file": "letter.txt", "date": "1951-05-13", "sender": "Sidorov", "classification": "TS"}
    convert_with(sources, write_csv(tmp_path / "c.csv", [row]), tmp_path / "tei")
    root = etree.parse(str(tmp_path / "tei" / "letter.xml")).getroot()
    sent = root.find(".//t:correspAction[@type='sent']", NS)
    assert [d.get("when") for d in sent.iterfind("t:date", NS)] == ["1951-05-03", "1951-05-13"]
    assert ["".join(p.itertext()) for p in sent.iterfind("t:persName", NS)] == ["Petrov", "Sidorov"]
    assert read_header(root).date == "1951-05-03"  # the text's reading stays the header's
    report = validate_paths([tmp_path / "tei"], load_settings(ROOT))
    warnings = sorted(p.message for p in report.problems if p.code == "TP114")
    assert len(warnings) == 3 and report.errors() == 0
    assert any("the date '1951-05-13', the text '1951-05-03'" in w for w in warnings)


def test_convert_warns_of_rows_for_files_it_was_not_given(sources: Path, tmp_path: Path):
    path = write_csv(tmp_path / "c.csv", [{"file": "letter.txt"}, {"file": "missing.txt"}])
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "convert", str(sources), "-o",
                             str(tmp_path / "tei"), "--catalogue", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert "'missing.txt', which is not among the sources" in result.stderr


def test_an_unreadable_catalogue_stops_convert_before_writing(sources: Path, tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"file,title\n\xff\xfe,x\n")
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "convert", str(sources), "-o",
                             str(tmp_path / "tei"), "--catalogue", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "c.csv: error: not UTF-8" in result.stderr
    assert not (tmp_path / "tei").exists() or not any((tmp_path / "tei").iterdir())


def test_the_archive_catalogue_goes_into_every_header(tmp_path: Path):
    """archive-dev's catalogue records as a catalogue file: every header carries them, and
    every date the catalogue and the text disagree on is a TP114 warning."""
    folder = SHARED / "corpus" / "archive-dev"
    golds = sorted(folder.glob("gold-*.json"))
    if not golds:
        pytest.skip("the archive development corpus (../shared/corpus/archive-dev) is not beside the project")
    rows = []
    for gold in golds:
        for record in json.loads(gold.read_text(encoding="utf-8"))["documents"]:
            found = record["catalogue"]
            rows.append({"file": record["file"], "title": found.get("title") or "", "date": found.get("date") or "",
                         "url": found.get("url") or "",
                         "citation": found.get("archive_citation") or found.get("citation") or ""})
    convert_with(folder, write_csv(tmp_path / "catalogue.csv", rows), tmp_path / "tei")
    disagreeing = 0
    for row in rows:
        root = etree.parse(str(tmp_path / "tei" / (Path(row["file"]).stem + ".xml"))).getroot()
        record = root.find(".//t:sourceDesc/t:bibl[@type='catalogue']", NS)
        assert record is not None and (record.findtext("t:title", namespaces=NS) or "") == " ".join(row["title"].split())
        if row["url"]:
            assert record.find("t:ref", NS).get("target") == row["url"]
        text_date = read_header(root).date
        if row["date"] and text_date and not text_date.startswith(row["date"]):
            disagreeing += 1
    report = validate_paths([tmp_path / "tei"], load_settings(ROOT))
    assert report.errors() == 0
    assert len([p for p in report.problems if p.code == "TP114" and "the date" in p.message]) == disagreeing > 0
