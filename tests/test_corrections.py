"""The editors' review files (pipeline/corrections.py): reading and writing them, applying each
kind of entry to a document, merging two writers, refusing malformed files, and the warnings for
an anchor the source no longer has. Fixture texts are written here."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline import TEI_NS, corrections
from pipeline.authority import Authority
from pipeline.cli import cli
from pipeline.convert import convert_text
from pipeline.corrections import Entry, ReviewError
from pipeline.decisions import decisions
from pipeline.encode import EncodingContext, encode
from pipeline.recognise import recognise
from pipeline.source import source_from_bytes

ROOT = Path(__file__).resolve().parent.parent
NS = {"t": TEI_NS}

TEXT = """SECRET

To FILIPPOV [STALIN]

1. The convoy left Antung [Andong] at night with the PVO [Anti-aircraft Defense] units and the [missing] supplies.

2. The names of the officers were withheld by the censor Ivanov.

Signed: ROSHCHIN
"""


def document_of(text: str = TEXT):
    source = source_from_bytes(text.encode("utf-8"), Path("fixture.txt"))
    return recognise(source, Authority.load(None)), source.text.split("\n")


def apply(entries: list[Entry], text: str = TEXT) -> tuple[etree._Element, list[str]]:
    document, lines = document_of(text)
    warnings = corrections.apply(document, lines, entries)
    return etree.fromstring(encode(document, EncodingContext(source_href="fixture.txt"))), warnings


def entry(what: str, action: str, line: int, quote: str, **more) -> Entry:
    return Entry(what, action, line, quote, by="Ann Editor", when="2024-01-02T03:04:05Z", **more)


def test_the_decisions_are_anchored_in_the_source() -> None:
    document, lines = document_of()
    found = {(d.what, d.reading, d.line, d.quote) for d in decisions(document, lines)}
    assert ("marking", "marking", 1, "SECRET") in found
    assert ("bracket", "identification", 3, "[STALIN]") in found
    assert ("bracket", "expansion", 5, "[Anti-aircraft Defense]") in found
    assert ("name", "pseudonym", 3, "FILIPPOV") in found
    for decision in decisions(document, lines):
        assert decision.line == 0 or decision.quote in lines[decision.line - 1]


# Each case: the entry, and an XPath that must find exactly one element carrying the editor's @resp.
CASES = {
    "bracket read as a comment": (entry("bracket", "correct", 5, "[missing]", reading="comment"),
                                  "//t:note[@type='editorial'][. = 'missing']"),
    "expansion read as a supplied word": (entry("bracket", "correct", 5, "[Anti-aircraft Defense]", reading="supplied"),
                                          "//t:supplied[. = 'Anti-aircraft Defense']"),
    "supplied word read as an expansion": (entry("bracket", "correct", 5, "[missing]", reading="expansion"),
                                           "//t:choice[t:abbr = 'the'][t:expan = 'missing']"),
    "accepted identification": (entry("bracket", "accept", 3, "[STALIN]"), "//t:text//t:supplied[@reason='identification']"),
    "wrong marking taken back": (entry("marking", "remove", 1, "SECRET"), None),
    "missed redaction": (entry("redaction", "add", 7, "Ivanov"), "//t:gap[@reason='redacted'][t:desc = 'Ivanov']"),
    "name without authority entry": (entry("name", "correct", 3, "FILIPPOV", reading=""),
                                     "//t:text//t:persName[@type='pseudo'][not(@ref)]"),
    "header date": (entry("fact", "correct", 0, "", field="date", reading="1951-03-02"),
                    "//t:correspAction[@type='sent']/t:date[@when='1951-03-02']"),
    "header sender": (entry("fact", "correct", 0, "", field="sender", reading="Roshchin; Zhou Enlai"),
                      "//t:correspAction[@type='sent']/t:persName[. = 'Zhou Enlai']"),
}


@pytest.mark.parametrize("name", CASES)
def test_each_kind_of_entry_is_applied_and_marked_as_the_editors(name: str) -> None:
    given, xpath = CASES[name]
    tei, warnings = apply([given])
    assert warnings == []
    resp = "#doc-fixture.editor-ann-editor"
    assert tei.xpath("//t:respStmt[@xml:id='doc-fixture.editor-ann-editor']/t:name/text()", namespaces=NS) == ["Ann Editor"]
    change = tei.xpath("//t:revisionDesc/t:change[@who]", namespaces=NS)
    assert len(change) == 1 and change[0].get("when") == "2024-01-02T03:04:05Z" and change[0].get("who") == resp
    if xpath:
        found = tei.xpath(xpath, namespaces=NS)
        assert len(found) == 1 and found[0].get("resp") == resp and found[0].get("cert") is None
    else:
        assert not tei.xpath("//t:text//t:stamp", namespaces=NS)
        assert "SECRET" in "".join(tei.xpath("//t:text//text()", namespaces=NS))


def test_the_same_entries_give_the_same_bytes_and_the_file_round_trips(tmp_path: Path) -> None:
    entries = [given for name, (given, _) in CASES.items() if name != "supplied word read as an expansion"]
    path = tmp_path / "review" / "fixture.toml"
    corrections.update(path, entries, "fixture.txt")
    first = path.read_bytes()
    assert corrections.load(path) == sorted(entries, key=corrections._order)
    corrections.update(path, list(reversed(entries)), "fixture.txt")
    assert path.read_bytes() == first
    tricky = entry("redaction", "add", 7, 'say "x" \\ \u007f\ttab')
    corrections.update(path, [tricky])
    assert tricky in corrections.load(path)


def test_two_writers_keep_each_others_entries(tmp_path: Path) -> None:
    path = tmp_path / "fixture.toml"
    errors = []

    def write(number: int) -> None:
        try:
            corrections.update(path, [entry("redaction", "add", number, f"word{number}")])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(e.line for e in corrections.load(path)) == list(range(1, 21))
    assert not list(tmp_path.glob(".*.tmp"))


BAD_FILES = {
    "not TOML": ("[[entry]\nwhat = 1", "not valid TOML"),
    "unknown field": ('[[entry]]\nwhat = "bracket"\naction = "accept"\nline = 3\nquote = "[x]"\ncolour = "red"', "unknown field 'colour'"),
    "unknown action": ('[[entry]]\nwhat = "marking"\naction = "correct"\nline = 1\nquote = "SECRET"', "'action' of a marking is one of accept, remove, add"),
    "unknown reading": ('[[entry]]\nwhat = "bracket"\naction = "correct"\nline = 3\nquote = "[x]"\nreading = "guess"', "a bracket may be read as"),
    "line as text": ('[[entry]]\nwhat = "bracket"\naction = "accept"\nline = "3"\nquote = "[x]"', "'line' must be a number"),
    "bad date": ('[[entry]]\nwhat = "fact"\naction = "correct"\nline = 0\nquote = ""\nfield = "date"\nreading = "March"', "YYYY-MM-DD"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_malformed_review_file_is_refused_with_its_name_and_place(name: str, tmp_path: Path) -> None:
    text, message = BAD_FILES[name]
    path = tmp_path / "fixture.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewError) as raised:
        corrections.load(path)
    assert message in raised.value.describe() and str(path) in raised.value.describe()


def test_an_entry_whose_anchor_is_gone_is_reported_not_applied() -> None:
    changed = TEXT.replace("[missing]", "[lost]")
    tei, warnings = apply([entry("bracket", "correct", 5, "[missing]", reading="comment"),
                           entry("bracket", "accept", 3, "[STALIN]")], changed)
    assert len(warnings) == 1 and "“[missing]” on source line 5 no longer exists" in warnings[0]
    assert len(tei.xpath("//t:revisionDesc/t:change[@who]", namespaces=NS)) == 1
    moved = apply([entry("bracket", "correct", 5, "the", reading="comment")])[1]
    assert "the encoder no longer reads a bracket there" in moved[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "fixture.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "review").mkdir()
    corrections.update(tmp_path / "review" / "fixture.toml",
                       [entry("bracket", "correct", 5, "[missing]", reading="comment")], "fixture.txt")
    return tmp_path


def test_convert_applies_the_review_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["convert", "seeds", "-o", "tei", "-q"])
    assert result.exit_code == 0, result.output
    tei = etree.parse(str(project / "tei" / "fixture.xml"))
    assert tei.xpath("//t:note[@resp][. = 'missing']", namespaces=NS)
    (project / "review" / "fixture.toml").write_text("[[entry]\n", encoding="utf-8")
    broken = CliRunner().invoke(cli, ["convert", "seeds", "-o", "tei", "-q"])
    assert broken.exit_code == 1 and "review/fixture.toml:1: error: the review file is not valid TOML" in broken.output


def test_validate_names_an_anchor_the_source_no_longer_has(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    assert CliRunner().invoke(cli, ["convert", "seeds", "-o", "tei", "-q"]).exit_code == 0
    clean = CliRunner().invoke(cli, ["validate", "tei"])
    assert clean.exit_code == 0 and "TP115" not in clean.output
    seed = project / "seeds" / "fixture.txt"
    seed.write_text(TEXT.replace("[missing]", "[lost]"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["convert", "seeds", "-o", "tei", "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["validate", "tei"])
    assert result.exit_code == 0  # a warning
    assert "TP115: warning: review/fixture.toml: the bracket “[missing]” on source line 5 no longer exists" in result.output


def test_convert_text_without_a_review_file_is_unchanged() -> None:
    data, _ = convert_text(TEXT.encode("utf-8"), "fixture.txt", Authority.load(None), EncodingContext())
    assert b"resp=" not in data and b"respStmt xml:id" not in data
