"""The encoded corpus is current, deterministic, conformant to tei_all and free of markdown."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pipeline.config import load_settings
from pipeline.convert import convert_paths

from .conftest import ROOT, SEEDS, TEI

TEI_FILES = sorted(TEI.glob("*.xml"))
MARKERS = re.compile(r"##|\*\*|~~|<sup>|\$")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """The seeds encoded now, into a fresh folder."""
    out = tmp_path_factory.mktemp("tei")
    report = convert_paths([SEEDS], out, load_settings(ROOT))
    assert report.ok, [o.error for o in report.failed] + report.errors
    return out


def test_every_seed_has_a_committed_encoding():
    assert sorted(p.stem for p in SEEDS.glob("*.txt")) == sorted(p.stem for p in TEI_FILES if p.stem != "authority")


def test_committed_encoding_is_current(fresh, monkeypatch):
    for path in TEI_FILES:
        assert (fresh / path.name).read_bytes() == path.read_bytes(), f"{path.name} is stale: run teipipe convert seeds -o tei"


def test_conversion_is_byte_identical_on_a_second_run(fresh, tmp_path):
    convert_paths([SEEDS], tmp_path, load_settings(ROOT))
    convert_paths([SEEDS], tmp_path, load_settings(ROOT))
    for path in sorted(fresh.glob("*.xml")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_source_date_epoch_sets_the_revision_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    convert_paths([SEEDS / "000_ecc5558849b28d12.txt"], tmp_path, load_settings(ROOT))
    root = etree.parse(str(tmp_path / "000_ecc5558849b28d12.xml")).getroot()
    change = root.find(".//{http://www.tei-c.org/ns/1.0}revisionDesc/{http://www.tei-c.org/ns/1.0}change")
    assert change.get("when") == "2023-11-14"


@pytest.mark.parametrize("path", TEI_FILES, ids=lambda p: p.name)
def test_valid_against_tei_all(path, tei_all):
    document = etree.parse(str(path))
    assert tei_all.validate(document), str(tei_all.error_log)


def test_valid_against_tei_all_with_jing(jing, tei_all_file):
    result = subprocess.run([jing, str(tei_all_file), *map(str, TEI_FILES)], capture_output=True, text=True)
    errors = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if "error" in line]
    assert result.returncode == 0 and not errors, "\n".join(errors)


@pytest.mark.parametrize("path", TEI_FILES, ids=lambda p: p.name)
def test_no_markdown_or_ocr_marker_left_as_text(path):
    root = etree.parse(str(path)).getroot()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for text in (element.text, element.tail):
            assert not (text and MARKERS.search(text)), f"{path.name}: marker left in {text!r}"
