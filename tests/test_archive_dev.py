"""The real archival texts of ../shared/corpus/archive-dev (Wilson Center translations, CIA CREST
OCR, State Department cables, FRUS web pages), scored against their answer keys by
tests/archive_gold.py, and checked to stay valid and lossless.

The floors are the rates the encoder reaches today: a change that reads fewer facts right
fails here. No more than 2 % of the dates the headers claim may be wrong. (Run
``python -m tests.archive_gold ../shared/corpus/archive-dev`` for the table and every miss.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from .archive_gold import FACTS, Score, format_scores, score_folder
from .conftest import SHARED

ARCHIVE_DEV = SHARED / "corpus" / "archive-dev"

#: The share of the facts each text prints that the headers must give right.
FLOORS = {"date": 0.92, "classification": 0.89, "sender": 0.94, "recipient": 0.93, "number": 0.91,
          "redactions": 0.94, "omissions": 1.0, "signatures": 0.94, "release": 1.0}
MAX_WRONG_DATES = 0.02


@pytest.fixture(scope="module")
def archive_dev() -> Path:
    if not any(ARCHIVE_DEV.glob("gold-*.json")):
        pytest.skip("the archive development corpus (../shared/corpus/archive-dev) is not beside the project")
    return ARCHIVE_DEV


@pytest.fixture(scope="module")
def scored(archive_dev, tmp_path_factory) -> tuple[dict[str, Score], Path]:
    out = tmp_path_factory.mktemp("archive-dev")
    return score_folder(archive_dev, tei_dir=out), out


def total(scores: dict[str, Score]) -> Score:
    result = Score()
    for score in scores.values():
        result.add(score)
    return result


def test_every_fact_has_a_floor():
    assert set(FLOORS) == set(FACTS)


@pytest.mark.parametrize("fact", FACTS)
def test_facts_read_right(scored, fact):
    scores, _ = scored
    result = total(scores)
    assert result.rate(fact) >= FLOORS[fact], format_scores(scores)


def test_almost_no_claimed_date_is_wrong(scored):
    scores, _ = scored
    result = total(scores)
    assert result.wrong_date_rate <= MAX_WRONG_DATES, result.dates_wrong


def test_no_fact_is_invented_where_the_text_prints_none(scored):
    """Facts the text does not print are left out: at most the omission marks the keys count
    differently (an unbracketed ellipsis is an omission in FRUS's convention)."""
    scores, _ = scored
    result = total(scores)
    invented = {fact: n for fact, n in result.invented.items() if n and fact != "omissions"}
    assert not invented, format_scores(scores)


def test_valid_against_tei_all_and_lossless(scored, archive_dev, tei_all):
    from pipeline.render import render_document

    def normalise(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")

    _, out = scored
    invalid, lossy = [], []
    for source in sorted(archive_dev.glob("*.txt")):
        encoded = out / f"{source.stem}.xml"
        if not tei_all.validate(etree.parse(str(encoded))):
            invalid.append(f"{source.name}: {tei_all.error_log.last_error}")
        rendered = render_document(encoded, to="text", view="diplomatic")
        if normalise(rendered) != normalise(source.read_text(encoding="utf-8")):
            lossy.append(source.name)
    assert not invalid and not lossy, (invalid, lossy)
