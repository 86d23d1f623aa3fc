"""The profile's ODD is the one source of its schemas.

* the files generated from schema/teipipe.odd (teipipe.xsd, teipipe.rng, docs/profile.md) are
  what the ODD gives, and `teipipe schema build --check` fails when one is not;
* the generated XML Schema accepts and rejects exactly what the hand-written schema it
  replaced did (tests/fixtures/schema/teipipe-handwritten.xsd), on every fixture, on tei/ and on
  a few thousand mutations of them;
* jing with the generated RELAX NG schema agrees with the XML Schema on the same documents;
* the ODD itself is a valid TEI document (against tei_all, where it is available).
"""

from __future__ import annotations

import copy
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline import TEI_NS, XML_NS, schema
from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.schema import odd
from pipeline.validate import safe_xml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "pipeline" / "schema"
HANDWRITTEN = ROOT / "tests" / "fixtures" / "schema" / "teipipe-handwritten.xsd"
TEI_ALL = ROOT.parent / "shared" / "tei" / "tei_all.rng"

#: Mutations per document: each deletes, renames, duplicates an element, or adds an attribute or text.
MUTATIONS = 150


def documents() -> list[tuple[str, etree._ElementTree]]:
    """Every XML fixture and TEI file that parses safely (the hostile ones are refused before
    any schema sees them), by name."""
    found = []
    for path in sorted([*ROOT.glob("tests/fixtures/**/*.xml"), *(ROOT / "tei").glob("*.xml")]):
        parsed = safe_xml.parse(str(path), path.read_bytes())
        if parsed.tree is not None and not any(p.code in ("TP004", "TP005") for p in parsed.problems):
            found.append((str(path.relative_to(ROOT)), parsed.tree))
    return found


def mutants(count: int = MUTATIONS) -> list[tuple[str, etree._ElementTree]]:
    """Documents a little wrong, or a little different, in a fixed pseudo-random way."""
    chance = random.Random(15)
    originals = documents()
    names = sorted({etree.QName(e).localname for _, t in originals for e in t.iter() if isinstance(e.tag, str)})
    attributes = ["type", "n", "when", "ref", "reason", "unit", "rend", "target", "scheme", "foo",
                  f"{{{XML_NS}}}lang", "cert", "notBefore", "place", "quantity", "level", "status"]
    values = ["x", "1950-10-07", "#a", "redacted", "line", "3", "secret", "high", "a b", "", "1950-02-30", "-1"]
    made = []
    for name, tree in originals:
        for number in range(count):
            mutant = copy.deepcopy(tree)
            element = chance.choice([e for e in mutant.iter() if isinstance(e.tag, str)])
            operation = chance.randrange(5)
            if operation == 0 and element.getparent() is not None:
                element.getparent().remove(element)
            elif operation == 1:
                element.tag = f"{{{TEI_NS}}}{chance.choice(names)}"
            elif operation == 2:
                element.set(chance.choice(attributes), chance.choice(values))
            elif operation == 3 and element.getparent() is not None:
                element.addnext(copy.deepcopy(element))
            else:
                element.text = (element.text or "") + "text"
            made.append((f"{name} mutation {number}", mutant))
    return made


@pytest.fixture(scope="module")
def generated():
    return schema.generate(SCHEMA / schema.ODD_FILE)


def test_the_generated_files_are_what_the_odd_gives(generated):
    for name, data in generated.items():
        path = SCHEMA / name if name.startswith("teipipe") else ROOT / name
        assert path.read_bytes() == data, f"{path} differs from what schema/teipipe.odd gives: run teipipe schema build"


def test_schema_build_check_fails_when_a_generated_file_differs_from_the_odd(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(SCHEMA, project / "schema")
    (project / "docs").mkdir()
    (project / "pyproject.toml").write_text('[tool.teipipe]\nschema = "schema"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    runner = CliRunner()
    first = runner.invoke(cli, ["schema", "build", "--check"])
    assert first.exit_code == 1 and "docs/profile.md: differs from what" in first.output  # not built yet
    assert runner.invoke(cli, ["schema", "build"]).exit_code == 0
    assert runner.invoke(cli, ["schema", "build", "--check"]).exit_code == 0
    odd_file = project / "schema" / "teipipe.odd"
    odd_file.write_text(odd_file.read_text(encoding="utf-8").replace('<valItem ident="seal"/>', ""), encoding="utf-8")
    stale = runner.invoke(cli, ["schema", "build", "--check"])
    assert stale.exit_code == 1
    assert "teipipe.xsd: differs" in stale.output and "teipipe.rng: differs" in stale.output
    assert runner.invoke(cli, ["schema", "build"]).exit_code == 0
    assert '"seal"' not in (project / "schema" / "teipipe.xsd").read_text(encoding="utf-8")


@pytest.mark.parametrize("broken, message", [
    ('<elementRef key="catDesc" maxOccurs="unbounded"/>', "elementRef 'nonesuch'"),
    ('<memberOf key="teipipe.att.global"/>', "is a member of 'teipipe.att.nonesuch'"),
])
def test_an_odd_that_refers_to_no_spec_is_refused_with_the_file_and_the_name(tmp_path, broken, message):
    source = (SCHEMA / schema.ODD_FILE).read_text(encoding="utf-8")
    assert broken in source
    replacement = broken.replace("catDesc", "nonesuch").replace("teipipe.att.global", "teipipe.att.nonesuch")
    broken_odd = tmp_path / "broken.odd"
    broken_odd.write_text(source.replace(broken, replacement, 1), encoding="utf-8")
    with pytest.raises(odd.OddError, match=message) as raised:
        schema.generate(broken_odd)
    assert str(broken_odd) in str(raised.value)


def test_the_generated_xsd_accepts_and_rejects_exactly_what_the_hand_written_one_did(generated):
    handwritten = etree.XMLSchema(etree.parse(str(HANDWRITTEN)))
    current = etree.XMLSchema(etree.parse(str(SCHEMA / schema.XSD_FILE)))
    verdicts = {True: 0, False: 0}
    differences = []
    for name, tree in documents() + mutants():
        before, after = handwritten.validate(tree), current.validate(tree)
        verdicts[after] += 1
        if before != after:
            differences.append(f"{name}: hand-written {before}, generated {after}")
    assert not differences, "\n".join(differences[:20])
    assert verdicts[True] > 100 and verdicts[False] > 1000, verdicts  # the mutations test both ways


@pytest.mark.skipif(shutil.which("jing") is None, reason="jing is not installed (apt-get install jing)")
def test_jing_with_the_generated_rng_agrees_with_the_xsd(tmp_path):
    xsd = etree.XMLSchema(etree.parse(str(SCHEMA / schema.XSD_FILE)))
    expected = {}
    for number, (name, tree) in enumerate(documents() + mutants(40)):
        path = tmp_path / f"{number:05d}.xml"
        path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
        expected[str(path)] = (name, xsd.validate(tree))
    run = subprocess.run(["jing", str(SCHEMA / schema.RNG_FILE), *expected], capture_output=True, text=True)
    rejected = {line.split(":", 1)[0] for line in run.stdout.splitlines() if ": error:" in line}
    differences = [f"{name}: XSD {'accepts' if valid else 'rejects'}, jing {'rejects' if path in rejected else 'accepts'}"
                   for path, (name, valid) in expected.items() if valid == (path in rejected)]
    assert not differences, "\n".join(differences[:20])
    assert rejected and len(rejected) < len(expected)


def test_lxml_compiles_the_generated_rng_and_agrees_with_the_xsd():
    rng = etree.RelaxNG(etree.parse(str(SCHEMA / schema.RNG_FILE)))
    xsd = etree.XMLSchema(etree.parse(str(SCHEMA / schema.XSD_FILE)))
    for name, tree in documents():
        assert rng.validate(tree) == xsd.validate(tree), name


@pytest.mark.skipif(not TEI_ALL.is_file(), reason=f"{TEI_ALL} is not there (the TEI's tei_all.rng)")
def test_the_odd_is_a_valid_tei_document_for_tei_all_and_its_schematron():
    from pipeline.validate import validate_paths

    report = validate_paths([SCHEMA / schema.ODD_FILE], load_settings(ROOT), grammar=TEI_ALL, jobs=1)
    assert not report.problems, "\n".join(map(str, report.problems))


def test_every_element_of_the_odd_is_documented_and_in_the_reference_page(generated):
    profile = odd.read(SCHEMA / schema.ODD_FILE)
    page = generated[str(schema.REFERENCE_FILE)].decode("utf-8")
    for element in profile.elements.values():
        assert element.desc, f"elementSpec {element.ident} has no desc"
        assert f"\n### {element.ident}\n" in page
    for datatype in profile.datatypes.values():
        assert datatype.desc and f"\n### {datatype.ident}\n" in page


def test_the_xml_model_instructions_resolve_from_the_tei_folder():
    settings = load_settings(ROOT)
    for href in schema.xml_model_hrefs(settings):
        assert (settings.tei / href).resolve().is_file(), href
    for path in sorted(settings.tei.glob("*.xml")):
        assert path.read_bytes().split(b"\n")[1:3] == schema.xml_model(settings).encode().split(b"\n")[:2], path
