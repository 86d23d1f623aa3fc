"""Reading our TEI back into the facts that ``gold.json`` of the FRUS development corpus records,
and comparing them. Used by the regression test and printable as a report:

    python -m tests.frus_gold TEI_DIR GOLD_JSON
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.header import read_header

NS = {"t": "http://www.tei-c.org/ns/1.0"}
FACTS = ("date", "classification", "sender", "recipient", "number")
COUNTS = ("redaction_gaps", "omission_marks", "bracketed_insertions", "signatures")


def _norm(value: str | None) -> str:
    if not value:
        return ""
    value = value.lower().replace("’", "'")
    value = re.sub(r"^(the)\s+", "", value.strip())
    value = re.sub(r"[^\w\[\] ]+", " ", value)
    return " ".join(value.split())


def read_facts(path: Path) -> dict:
    """Our facts for one document, in gold.json's terms."""
    facts = read_header(path)
    body = etree.parse(str(path)).getroot().find(".//t:text", NS)
    return {
        "date": facts.date[:10] if facts.date else None,
        "classification": facts.classification.replace("-", " ").upper() if facts.classification else None,
        "sender": facts.senders,
        "recipient": facts.recipients,
        "number": facts.number if facts.number_type == "telegram" else None,
        # gold.json counts the dateline and the body, not the heading
        "redaction_gaps": len([g for g in body.iterfind(".//t:gap[@reason='redacted']", NS)
                               if not any(etree.QName(a).localname == "head" for a in g.iterancestors())]),
        "omission_marks": facts.omissions,
        # brackets other than gaps (supplied words, notes, terms, expansions...), outside the heading
        "bracketed_insertions": len([e for e in body.iter() if isinstance(e.tag, str)
                                     and "brackets" in (e.get("rend") or "").split()
                                     and etree.QName(e).localname != "gap"
                                     and not any(etree.QName(a).localname == "head" for a in e.iterancestors())]),
        "signatures": [" ".join("".join(p.itertext()).split())
                       for p in body.iterfind(".//t:closer/t:signed//t:persName", NS)],
    }


def _party_matches(ours: list[str], gold: dict, key: str) -> bool:
    printed, name = gold.get(key), gold.get(f"{key}_name")
    if not printed and not name:
        return not ours
    if not ours:
        return False
    for candidate in ours:
        c = _norm(candidate)
        for wanted in (printed, name):
            w = _norm(wanted)
            if w and (c == w or (len(c) > 3 and c in w) or (len(w) > 3 and w in c)):
                return True
    return False


@dataclass
class Comparison:
    total: int = 0
    hits: dict = field(default_factory=lambda: {k: 0 for k in FACTS + COUNTS})
    misses: list = field(default_factory=list)

    def rate(self, key: str) -> float:
        return self.hits[key] / self.total if self.total else 0.0


def compare(tei_dir: Path, gold_path: Path) -> Comparison:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = Comparison()
    for record in gold["documents"]:
        stem = record["file"][:-4]
        ours = read_facts(tei_dir / f"{stem}.xml")
        result.total += 1
        checks = {
            "date": ours["date"] == record["date"],
            "classification": ours["classification"] == record["classification"],
            "sender": _party_matches(ours["sender"], record, "sender"),
            "recipient": _party_matches(ours["recipient"], record, "recipient"),
            "number": (ours["number"] or None) == record["telegram_number"],
            "redaction_gaps": ours["redaction_gaps"] == record["redaction_gaps"],
            "omission_marks": ours["omission_marks"] == record["omission_marks"],
            "bracketed_insertions": ours["bracketed_insertions"] == record["bracketed_insertions"],
            "signatures": [_norm(x) for x in ours["signatures"]] == [_norm(x) for x in record["signatures"]],
        }
        gold_values = {"date": record["date"], "classification": record["classification"],
                       "sender": record["sender"], "recipient": record["recipient"],
                       "number": record["telegram_number"], "redaction_gaps": record["redaction_gaps"],
                       "omission_marks": record["omission_marks"],
                       "bracketed_insertions": record["bracketed_insertions"], "signatures": record["signatures"]}
        for key, ok in checks.items():
            if ok:
                result.hits[key] += 1
            else:
                result.misses.append((stem, key, ours[key], gold_values[key]))
    return result


def report(result: Comparison) -> str:
    lines = [f"{key}: {result.hits[key]}/{result.total} ({result.rate(key):.0%})" for key in FACTS + COUNTS]
    lines += [f"miss {stem} {key}: ours={ours!r} gold={gold!r}" for stem, key, ours, gold in result.misses]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(compare(Path(sys.argv[1]), Path(sys.argv[2]))))
