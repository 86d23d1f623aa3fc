"""Schematron: teipipe's compiler, schema/teipipe.sch, and the Schematron embedded in a grammar.

* on every rule fixture (and on tei/), schema/teipipe.sch and the Python rules report the same
  codes at the same elements, for the rules the Schematron says;
* the compiler follows Schematron's rules (first matching rule per pattern, lets, diagnostics,
  roles) and refuses what it does not handle;
* `teipipe validate --tei-all` runs tei_all's embedded Schematron, and `--schema FILE.rng`
  validates TEI that is not ours against any grammar and its Schematron, with every output
  format and the xml:ids checked across files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline.cli import cli
from pipeline.schema import odd
from pipeline.validate import profile as profile_module
from pipeline.validate import rules, safe_xml, schematron
from pipeline.validate.schematron import SchematronError

ROOT = Path(__file__).resolve().parent.parent
SCHEMATRON = ROOT / "pipeline" / "schema" / "teipipe.sch"
PROFILE = ROOT / "pipeline" / "schema" / "teipipe.xsd"
FIXTURES = ROOT / "tests" / "fixtures" / "invalid"
TELEGRAM = FIXTURES / "telegram.xml"
TEI_ALL = ROOT.parent / "shared" / "tei" / "tei_all.rng"
needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason=f"{TEI_ALL} is not there (the TEI's tei_all.rng)")

#: The codes schema/teipipe.sch says; the others need more than one file or the encoder's vocabularies.
SCHEMATRON_CODES = {"TP101", "TP103", "TP104", "TP107", "TP109", "TP111", "TP112", "TP113"}

#: More rule fixtures: telegram.xml with one edit each (old text, new text).
EDITS = {
    "scheme-at-a-category": ('scheme="#doc-telegram.security"', 'scheme="#doc-telegram.secret"'),
    "name-at-a-category": ('<persName ref="authority.xml#pers-ivanov">Ivanov',
                           '<persName ref="#doc-telegram.kind #nowhere">Ivanov'),
    "two-prefixes": ('source="src:line=3,4"', 'source="seed:3 https://example.org/x Other:4"'),
    "repeated-ancestor-id": ('<category xml:id="doc-telegram.secret">', '<category xml:id="doc-telegram.security">'),
    "empty-pointer": ('target="#doc-telegram.telegram"', 'target="# #doc-telegram.telegram"'),
}


def rule_fixtures() -> list[tuple[str, etree._ElementTree]]:
    found = []
    for path in sorted([*FIXTURES.glob("*.xml"), *(ROOT / "tei").glob("*.xml")]):
        parsed = safe_xml.parse(str(path), path.read_bytes())
        if parsed.tree is not None and not any(p.code in ("TP004", "TP005") for p in parsed.problems):
            found.append((path.name, parsed.tree))
    text = TELEGRAM.read_text(encoding="utf-8")
    for name, (old, new) in EDITS.items():
        assert old in text, name
        found.append((name, safe_xml.parse(name, text.replace(old, new, 1).encode("utf-8")).tree))
    return found


def path_of(element) -> str:
    """The path of positions the Schematron's locations use: /*[1]/*[3]."""
    steps = []
    while element is not None:
        steps.append(f"/*[{sum(1 for _ in element.itersiblings(etree.Element, preceding=True)) + 1}]")
        element = element.getparent()
    return "".join(reversed(steps))


def python_findings(name: str, tree) -> set[tuple[str, str]]:
    document = rules.Document(Path(FIXTURES / name), tree, None, profile_module.load(PROFILE), None)
    found = set()
    for rule in rules.RULES:
        if rule.code in SCHEMATRON_CODES:
            for finding in rule.check(document):
                if rule.code == "TP107" and not finding.fields["uri"].startswith("#"):
                    continue  # a pointer into another file: Python only
                found.add((rule.code, path_of(finding.element)))
    return found


def schematron_findings(tree) -> set[tuple[str, str]]:
    return {(finding.id, finding.location.split("/@")[0]) for finding in schematron.for_file(SCHEMATRON).run(tree)}


def test_the_schematron_and_the_python_rules_report_the_same_codes_at_the_same_elements():
    shown = set()
    for name, tree in rule_fixtures():
        expected = python_findings(name, tree)
        assert schematron_findings(tree) == expected, name
        shown |= {code for code, _ in expected}
    assert shown == SCHEMATRON_CODES  # every code the Schematron says is shown by some fixture


def test_every_assert_carries_a_code_a_role_and_a_fix():
    tree = etree.parse(str(SCHEMATRON))
    ns = {"sch": schematron.SCH_NS}
    checks = tree.xpath("//sch:assert | //sch:report", namespaces=ns)
    assert {check.get("id") for check in checks} == SCHEMATRON_CODES
    fixes = {d.get("id") for d in tree.xpath("//sch:diagnostic", namespaces=ns)}
    for check in checks:
        assert check.get("role") in ("error", "warning")
        assert check.get("diagnostics") in fixes
    assert tree.getroot().get("queryBinding") == "xslt3"


def test_the_schematron_knows_the_profiles_pointer_attributes_and_levels():
    text = SCHEMATRON.read_text(encoding="utf-8")
    pointers = profile_module.load(PROFILE).pointer_attributes
    for context in re.findall(r'context="(@ref[^"]*)"', text):
        assert {name.strip().lstrip("@") for name in context.split("|")} == pointers
    levels = odd.read(ROOT / "pipeline" / "schema" / "teipipe.odd").datatypes["teipipe.classificationLevel"]
    values = [item.get("ident") for item in levels.content.iter(f"{{{odd.TEI_NS}}}valItem")]
    assert "value=\"(" + ", ".join(f"'{v}'" for v in values) + ")\"" in text


def compiled(body: str, binding: str = "xslt3") -> schematron.Schematron:
    document = (f'<sch:schema xmlns:sch="{schematron.SCH_NS}" queryBinding="{binding}">'
                f'<sch:ns prefix="t" uri="urn:t"/>{body}</sch:schema>')
    tree = etree.fromstring(document.encode()).getroottree()
    return schematron.Schematron(schematron.compile_schema(tree, "test.sch"), "test.sch")


SAMPLE = etree.fromstring(b'<a xmlns="urn:t"><b n="1"/><b n="2">x</b><c/></a>').getroottree()


def test_in_a_pattern_only_the_first_matching_rule_checks_a_node():
    checker = compiled("""
      <sch:pattern id="p">
        <sch:rule context="t:b[@n='1']"><sch:report id="first" test="true()">first</sch:report></sch:rule>
        <sch:rule context="t:b"><sch:report id="second" test="true()">second <sch:value-of select="@n"/></sch:report></sch:rule>
      </sch:pattern>
      <sch:pattern id="q">
        <sch:rule context="t:b"><sch:let name="n" value="number(@n)"/>
          <sch:assert id="small" role="warning" test="$n lt 2" diagnostics="d">too big: <sch:name/></sch:assert></sch:rule>
      </sch:pattern>
      <sch:diagnostics><sch:diagnostic id="d">Use <sch:emph>1</sch:emph>.</sch:diagnostic></sch:diagnostics>""")
    findings = checker.run(SAMPLE)
    assert [(f.id, f.location, f.message) for f in findings] == [
        ("first", "/*[1]/*[1]", "first"), ("second", "/*[1]/*[2]", "second 2"),
        ("small", "/*[1]/*[2]", "too big: b Use 1.")]
    assert findings[2].is_warning and not findings[0].is_warning
    element, attribute = schematron.locate(SAMPLE, "/*[1]/*[2]/@n")
    assert element.get("n") == "2" and attribute == "n"


def test_a_dynamic_error_is_reported_at_its_node_and_the_other_checks_still_run():
    checker = compiled("""
      <sch:pattern id="casts"><sch:rule context="t:b">
        <sch:assert id="number" test="xs:integer(@n) gt 0">n must be positive</sch:assert></sch:rule></sch:pattern>
      <sch:pattern id="other"><sch:rule context="t:c"><sch:report id="c" test="true()">a c</sch:report></sch:rule></sch:pattern>""")
    tree = etree.fromstring(b'<a xmlns="urn:t"><b n="x"/><b n="2"/><c/></a>').getroottree()
    findings = [(f.id, f.pattern, f.location, f.message) for f in checker.run(tree)]
    assert findings[0][:3] == ("", "casts", "/*[1]/*[1]") and "cannot be evaluated here" in findings[0][3]
    assert "x" in findings[0][3]  # the processor's own words name the value
    assert findings[1:] == [("c", "other", "/*[1]/*[3]", "a c")]


@pytest.mark.parametrize("body, refused", [
    ('<sch:pattern abstract="true" id="a"><sch:rule context="*"/></sch:pattern>', "an abstract pattern"),
    ('<sch:pattern><sch:rule abstract="true" id="r" context="*"/></sch:pattern>', "an abstract rule"),
    ('<sch:phase id="x"/><sch:pattern><sch:rule context="*"/></sch:pattern>', "sch:phase"),
    ('<sch:pattern><sch:rule context="*"><sch:assert test="(">x</sch:assert></sch:rule></sch:pattern>', "does not compile"),
])
def test_what_the_compiler_does_not_handle_is_refused_with_the_file(body, refused):
    with pytest.raises(SchematronError, match=refused) as raised:
        compiled(body)
    assert "test.sch" in str(raised.value)


def test_a_query_binding_other_than_xslt_is_refused():
    with pytest.raises(SchematronError, match="queryBinding 'exslt'"):
        compiled('<sch:pattern><sch:rule context="*"/></sch:pattern>', "exslt")


# --- a grammar's embedded Schematron: --schema and --tei-all --------------------------------------

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{id}">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>A letter with a poem</title></titleStmt>
      <publicationStmt><p>Unpublished.</p></publicationStmt>
      <sourceDesc><p>Written for a test.</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <div type="letter">
        <opener><dateline><date {date}>3 May 1921</date></dateline></opener>
        <p>Dear friend, here are the lines I promised:</p>
        <lg type="stanza" xml:id="{id}.stanza">
          <l n="1">The river keeps its counsel in the night,</l>
          <l n="2">and carries every lantern out of sight.</l>
        </lg>
        <closer><signed>Yours, A.</signed></closer>
      </div>
    </body>
  </text>
</TEI>
"""

#: A small grammar of our own with a Schematron rule, so that --schema is tested without tei_all.
GRAMMAR = """<grammar xmlns="http://relaxng.org/ns/structure/1.0" xmlns:sch="http://purl.oclc.org/dsdl/schematron"
         ns="urn:notes" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <sch:ns prefix="n" uri="urn:notes"/>
  <start><element name="notes"><oneOrMore><ref name="note"/></oneOrMore></element></start>
  <define name="note">
    <element name="note">
      <optional><attribute name="xml:id"><data type="ID"/></attribute></optional>
      <optional><attribute name="when"><data type="date"/></attribute></optional>
      <text/>
    </element>
    <sch:pattern id="notes-dated">
      <sch:rule context="n:note"><sch:assert test="@when" role="warning">a note should be dated</sch:assert>
        <sch:report test="contains(., 'TODO')">a note still says TODO</sch:report></sch:rule>
    </sch:pattern>
  </define>
</grammar>
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "teipipe" / "schematron"


def notes_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.xml").write_text('<notes xmlns="urn:notes">\n  <note xml:id="n1" when="1950-10-07">fine</note>\n'
                                  '  <note xml:id="n2">TODO: date it</note>\n</notes>\n', encoding="utf-8")
    (folder / "b.xml").write_text('<notes xmlns="urn:notes">\n  <note xml:id="n1" when="1950-13-07">bad date</note>\n'
                                  '</notes>\n', encoding="utf-8")
    (folder / "c.xml").write_text('<notes xmlns="urn:notes"><note when="2001-01-01">ok</note></notes>\n', encoding="utf-8")
    return folder


def test_schema_validates_any_tei_project_with_the_grammars_schematron_and_ids_across_files(tmp_path, cache):
    grammar = tmp_path / "notes.rng"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    corpus = notes_corpus(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["validate", "--schema", str(grammar), "--format", "json", str(corpus)])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    problems = {(Path(f["path"]).name, p["line"], p["column"], p["code"]) for f in report["files"] for p in f["problems"]}
    assert problems == {("a.xml", 3, 3, "TP022"), ("a.xml", 3, 3, "TP021"), ("a.xml", 2, 9, "TP103"),
                        ("b.xml", 2, 9, "TP103"), ("b.xml", 2, 3, "TP020")}
    messages = [p["message"] for f in report["files"] for p in f["problems"]]
    assert any("a note should be dated" in m and "notes-dated" in m for m in messages)
    assert report["files"][2]["valid"]
    assert sorted(p.name for p in cache.iterdir()) == [f"{schematron._digest(grammar)}-{schematron.COMPILER_VERSION}.xsl"]
    for output_format in ("text", "junit", "github"):
        written = CliRunner().invoke(cli, ["validate", "--schema", str(grammar), "--format", output_format, str(corpus)])
        assert written.exit_code == 1 and "a note still says TODO" in written.output, output_format


def test_schema_in_worker_processes_gives_the_same_report(tmp_path, cache, monkeypatch):
    from pipeline.config import load_settings
    from pipeline.validate import check, validate_paths

    grammar = tmp_path / "notes.rng"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    corpus = notes_corpus(tmp_path / "corpus")
    settings = load_settings(ROOT)
    alone = validate_paths([corpus], settings, grammar=grammar, jobs=1)
    monkeypatch.setattr(check, "PARALLEL_FROM", 1)
    parallel = validate_paths([corpus], settings, grammar=grammar, jobs=2)
    assert parallel.problems == alone.problems and len(alone.problems) == 5


def test_schema_and_profile_together_are_a_usage_error(tmp_path):
    grammar = tmp_path / "notes.rng"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--schema", str(grammar), "--profile", str(PROFILE), str(TELEGRAM)])
    assert result.exit_code == 2


@needs_tei_all
def test_a_letter_outside_the_profile_passes_tei_all_and_fails_its_schematron_when_broken(tmp_path, cache):
    good = tmp_path / "letter.xml"
    good.write_text(LETTER.format(id="letter", date='when="1921-05-03"'), encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(LETTER.format(id="broken", date='when="1921-05-03" notBefore="1921-05-01"'), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(good)]).exit_code == 1  # lg and l are not in the profile
    passed = runner.invoke(cli, ["validate", "--schema", str(TEI_ALL), str(good)])
    assert passed.exit_code == 0, passed.output
    failed = runner.invoke(cli, ["validate", "--schema", str(TEI_ALL), str(broken)])
    assert failed.exit_code == 1
    line = next(line for line in failed.output.splitlines() if "TP021" in line)
    assert line.startswith(f"{broken}:13:27: TP021: error: tei_all.rng: The @when attribute cannot be used with "
                           "any other att.datable.w3c attributes."), line


@needs_tei_all
def test_tei_all_runs_its_embedded_schematron_on_a_hand_edited_fixture(tmp_path, cache):
    edited = tmp_path / "telegram.xml"
    text = TELEGRAM.read_text(encoding="utf-8")
    edited.write_text(text.replace('<date when="1951-03-02">2.3.51</date></dateline>', '<date when="1951-03-02" notBefore="1951-03-01">2.3.51</date></dateline>', 1),
                      encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != text
    (tmp_path / "authority.xml").write_bytes((FIXTURES / "authority.xml").read_bytes())
    assert CliRunner().invoke(cli, ["validate", str(tmp_path)]).exit_code == 0  # the profile allows both
    result = CliRunner().invoke(cli, ["validate", "--tei-all", str(TEI_ALL), str(tmp_path)])
    assert result.exit_code == 1
    line_number = next(n for n, line in enumerate(edited.read_text(encoding="utf-8").splitlines(), 1) if "notBefore" in line)
    line = next(line for line in result.output.splitlines() if "TP021" in line)
    assert re.match(rf"{re.escape(str(edited))}:{line_number}:\d+: TP021: error: tei_all.rng: The @when attribute "
                    r"cannot be used with any other att.datable.w3c attributes", line), line
