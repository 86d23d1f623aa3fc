"""Regression against the FRUS development corpus: 30 real documents with gold facts.

Every document must encode to tei_all-valid TEI, and at least 90 % of each header fact (date,
classification, sender, recipient, telegram number) and of each count (redaction gaps, omission
marks, other bracketed insertions) and of the signatures must match gold.json. The report, misses included, is printed with ``-s`` or on failure.
"""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.config import load_settings
from pipeline.convert import convert_paths

from .conftest import ROOT
from .frus_gold import COUNTS, FACTS, compare, report


@pytest.fixture(scope="module")
def encoded(frus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("frus")
    result = convert_paths([frus_dir], out, load_settings(ROOT))
    assert result.ok, [o.error for o in result.failed] + result.errors
    return out


def test_every_document_is_valid_against_tei_all(encoded, tei_all):
    invalid = {}
    for path in sorted(encoded.glob("frus*.xml")):
        if not tei_all.validate(etree.parse(str(path))):
            invalid[path.name] = str(tei_all.error_log.last_error)
    assert len(list(encoded.glob("frus*.xml"))) == 30
    assert not invalid, invalid


@pytest.mark.parametrize("fact", FACTS + COUNTS)
def test_at_least_ninety_percent_match_the_gold(encoded, frus_dir, fact):
    result = compare(encoded, frus_dir / "gold.json")
    print(report(result))
    assert result.rate(fact) >= 0.9, report(result)


def test_nothing_of_the_source_is_lost(encoded, frus_dir):
    """The diplomatic rendering of each encoded document gives back its source text."""
    from pipeline.render import render_document

    def normalise(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")

    differing = []
    for source in sorted(frus_dir.glob("*.txt")):
        rendered = render_document(encoded / f"{source.stem}.xml", to="text", view="diplomatic")
        if normalise(rendered) != normalise(source.read_text(encoding="utf-8")):
            differing.append(source.name)
    assert not differing
