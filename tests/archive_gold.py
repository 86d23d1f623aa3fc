"""Scoring the encoder against answer keys of real archival texts: any folder of ``.txt`` sources
with ``gold-*.json`` files beside them (the archive-dev corpus of ``../shared`` is one).

Each gold record states what the text itself prints (``text``: date, classification, sender,
recipient, number, redactions, omissions, signatures). The folder is encoded into a scratch
folder, the facts are read back out of each TEI header, and every fact is compared:

    python -m tests.archive_gold FOLDER [--gold gold-wilson.json ...] [--misses]

A fact the gold file leaves ``null`` is a hit only when our header leaves it out too: a fact that
the text does not print and that we claim anyway is a miss (and, for dates, a *wrong claim*).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.config import load_settings
from pipeline.convert import convert_paths
from pipeline.header import _text as printed_text
from pipeline.header import read_header

NS = {"t": "http://www.tei-c.org/ns/1.0"}
FACTS = ("date", "classification", "sender", "recipient", "number", "redactions", "omissions", "signatures",
         "release")

#: our classification level ids in the gold files' letters
LEVEL_LETTERS = {"top-secret": "TS", "secret": "S", "confidential": "C", "limited-official-use": "LOU",
                 "restricted": "R", "unclassified": "U"}

#: the gold files' conventional party names, and the forms of them a header may print
PARTY_ALIASES = {
    "cia": ("cia", "central intelligence", "office of current intelligence", "office of national estimates",
            "directorate of intelligence", "foreign documents division", "office of research and reports",
            "cig", "the director"),
    "secstate": ("secstate", "secretary of state", "department of state", "department", "state department",
                 "secretary"),
    "president": ("president",),
}


def fold(value: str | None) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed; brackets dropped too."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKD", re.sub(r"[\[\]]", "", value))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower().replace("’", "'")
    value = re.sub(r"[^\w ]+", " ", value)
    return " ".join(value.split())


def digit_runs(value: str | None) -> list[str]:
    """The numbers of a document number, leading zeros dropped: "TEHRAN 02362" -> ["2362"]."""
    return [run.lstrip("0") or "0" for run in re.findall(r"\d+", value or "")]


@dataclass
class Ours:
    date: str | None
    classification: str | None
    senders: list[str]
    recipients: list[str]
    number: str | None
    redactions: int
    omissions: int
    signatures: list[str]
    release: str | None = None


def read_ours(path: Path) -> Ours:
    facts = read_header(path)
    root = etree.parse(str(path)).getroot()
    signatures = [printed_text(e)
                  for signed in root.iterfind(".//t:text//t:closer/t:signed", NS)
                  for e in signed if etree.QName(e).localname in ("persName", "orgName")]
    return Ours(
        date=facts.date[:10] if facts.date else None,
        classification=LEVEL_LETTERS.get(facts.classification or ""),
        senders=facts.senders, recipients=facts.recipients,
        number=facts.number, redactions=facts.redactions, omissions=facts.omissions,
        signatures=signatures, release=facts.release[:10] if facts.release else None,
    )


def party_matches(ours: list[str], printed: str | None, surname: str | None) -> bool:
    """Whether our parties name the gold party: its one-word surname (or conventional name)
    as a word of one of ours, or its printed form."""
    if not surname and not printed:
        return not ours
    if not ours:
        return False
    # a value spread over several lines is joined with "; " in the key: each part counts
    wanted = [fold(w) for w in (surname, *(printed or "").split("; ")) if w]
    key = fold(surname)
    wanted += [fold(a) for a in PARTY_ALIASES.get(key, ())]
    for candidate in map(fold, ours):
        words = f" {candidate} "
        for w in wanted:
            # the key's printed form may carry the label around the name ("[To the] ...")
            if w and (f" {w} " in words or candidate == w or (len(candidate.split()) >= 3 and f" {candidate} " in f" {w} ")):
                return True
    return False


def number_matches(ours: str | None, gold: str | None) -> bool:
    if not gold:
        return not ours
    ours_runs, gold_runs = digit_runs(ours), digit_runs(gold)
    if not ours_runs:
        return False
    # a prefix such as a year printed before the number may be left out
    return ours_runs == gold_runs[-len(ours_runs):] and ours_runs[-1] == gold_runs[-1]


def signatures_match(ours: list[str], gold: list[str]) -> bool:
    return [fold(x) for x in ours] == [fold(x) for x in gold]


@dataclass
class Score:
    """Per fact: ``printed`` documents whose text prints it, ``found`` of them that we read right,
    ``invented`` documents whose text prints none that we give one anyway, ``agree`` documents
    where we and the key agree (a fact rightly left out included)."""

    printed: dict = field(default_factory=lambda: {k: 0 for k in FACTS})
    found: dict = field(default_factory=lambda: {k: 0 for k in FACTS})
    invented: dict = field(default_factory=lambda: {k: 0 for k in FACTS})
    agree: dict = field(default_factory=lambda: {k: 0 for k in FACTS})
    documents: int = 0
    misses: list = field(default_factory=list)  # (file, fact, ours, gold)
    dates_claimed: int = 0
    dates_wrong: list = field(default_factory=list)

    def rate(self, fact: str) -> float:
        """The share of the printed facts read right."""
        return self.found[fact] / self.printed[fact] if self.printed[fact] else 1.0

    @property
    def wrong_date_rate(self) -> float:
        return len(self.dates_wrong) / self.dates_claimed if self.dates_claimed else 0.0

    def add(self, other: "Score") -> None:
        for k in FACTS:
            for table in ("printed", "found", "invented", "agree"):
                getattr(self, table)[k] += getattr(other, table)[k]
        self.documents += other.documents
        self.misses += other.misses
        self.dates_claimed += other.dates_claimed
        self.dates_wrong += other.dates_wrong


def score_record(record: dict, ours: Ours) -> Score:
    text = record["text"]
    score = Score(documents=1)
    name = record["file"]
    redactions = (text.get("redactions") or {}).get("count", 0)
    checks = {
        "date": (ours.date == text.get("date"), ours.date, text.get("date")),
        "classification": (ours.classification == text.get("classification_level"), ours.classification,
                           text.get("classification_level")),
        "sender": (party_matches(ours.senders, text.get("sender"), text.get("sender_surname")), ours.senders,
                   text.get("sender_surname") or text.get("sender")),
        "recipient": (party_matches(ours.recipients, text.get("recipient"), text.get("recipient_surname")),
                      ours.recipients, text.get("recipient_surname") or text.get("recipient")),
        "number": (number_matches(ours.number, text.get("number")), ours.number, text.get("number")),
        "redactions": (ours.redactions == redactions, ours.redactions, redactions),
        "omissions": (ours.omissions == (text.get("omissions") or 0), ours.omissions, text.get("omissions") or 0),
        "signatures": (signatures_match(ours.signatures, text.get("signed") or []), ours.signatures,
                       text.get("signed") or []),
        "release": (ours.release == text.get("release_date"), ours.release, text.get("release_date")),
    }
    for fact, (ok, got, wanted) in checks.items():
        if wanted:
            score.printed[fact] += 1
            score.found[fact] += ok
        elif got:
            score.invented[fact] += 1
        score.agree[fact] += ok
        if not ok:
            score.misses.append((name, fact, got, wanted))
    if ours.date:
        score.dates_claimed += 1
        if ours.date != text.get("date"):
            score.dates_wrong.append((name, ours.date, text.get("date")))
    return score


def score_folder(folder: Path, gold_files: list[Path] | None = None,
                 tei_dir: Path | None = None) -> dict[str, Score]:
    """Encode ``folder`` (into ``tei_dir``, or a scratch folder) and score it, per gold file."""
    gold_files = gold_files or sorted(folder.glob("gold-*.json"))
    with tempfile.TemporaryDirectory() as scratch:
        out = tei_dir or Path(scratch)
        report = convert_paths([folder], out, load_settings(Path(__file__).parent))
        failed = {o.source.name: o.error for o in report.outcomes if not o.ok}
        scores: dict[str, Score] = {}
        for gold_path in gold_files:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            score = Score()
            for record in gold["documents"]:
                if record["file"] in failed:
                    raise RuntimeError(failed[record["file"]])
                score.add(score_record(record, read_ours(out / f"{Path(record['file']).stem}.xml")))
            scores[gold_path.name] = score
        return scores


def format_scores(scores: dict[str, Score], misses: bool = True) -> str:
    """A table: per fact and gold file, found/printed and the rate, then the facts invented (given
    where the text prints none) and the agreement over all documents; then every miss."""
    total = Score()
    for score in scores.values():
        total.add(score)
    columns = [*scores, "all"]
    table = [*scores.values(), total]
    width = 16
    lines = ["read right where printed".ljust(18) + "".join(c.removesuffix(".json").rjust(width) for c in columns)]
    for fact in FACTS:
        lines.append(fact.ljust(18) + "".join(f"{s.found[fact]:>3}/{s.printed[fact]:<3} {s.rate(fact):>5.0%}".rjust(width)
                                              for s in table))
    lines.append("invented (where none printed), agreement over all documents")
    for fact in FACTS:
        lines.append(fact.ljust(18) + "".join(f"{s.invented[fact]:>3}  {s.agree[fact]:>3}/{s.documents:<3}".rjust(width)
                                              for s in table))
    lines.append("dates claimed wrong".ljust(18) + "".join(
        f"{len(s.dates_wrong):>3}/{s.dates_claimed:<3} {s.wrong_date_rate:>5.0%}".rjust(width) for s in table))
    if misses:
        lines += [f"miss {fact:<14} {name}: ours={got!r} gold={wanted!r}"
                  for name, fact, got, wanted in sorted(total.misses, key=lambda m: (m[1], m[0]))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--gold", type=Path, action="append", help="a gold file (default: every gold-*.json)")
    parser.add_argument("--tei", type=Path, help="keep the TEI in this folder")
    parser.add_argument("--quiet", action="store_true", help="rates only, no misses")
    args = parser.parse_args(argv)
    print(format_scores(score_folder(args.folder, args.gold, args.tei), misses=not args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
