"""A document as the review application shows it: its source lines, the encoder's reading with
the editors' entries applied, every decision with its state (open, accepted, corrected), and the
entries that no longer apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import corrections
from ..authority import Authority
from ..config import Settings
from ..convert import collect_sources
from ..decisions import Decision, decisions
from ..model import Document
from ..recognise import recognise
from ..source import read_source, stem_of


@dataclass
class Reviewed:
    stem: str
    seed: Path
    review: Path
    lines: list[str]
    document: Document
    decisions: list[Decision]
    entries: dict[tuple, corrections.Entry]  # by the key of the decision each is about
    warnings: list[str] = field(default_factory=list)  # entries that could not be applied

    def state(self, decision: Decision) -> str:
        entry = self.entries.get(decision.key)
        if entry is None:
            return "open"
        return "accepted" if entry.action == "accept" else "corrected"

    @property
    def counts(self) -> dict[str, int]:
        return {"decisions": len(self.decisions),
                "uncertain": sum(1 for d in self.decisions if d.uncertain and self.state(d) == "open"),
                "reviewed": sum(1 for d in self.decisions if self.state(d) != "open")}

    @property
    def title(self) -> str:
        from ..encode import title_of

        return title_of(self.document)


def seeds(settings: Settings) -> dict[str, Path]:
    """The sources of the corpus by stem, in the order the build takes them."""
    found, _ = collect_sources([settings.seeds]) if settings.seeds.is_dir() else ([], [])
    return {stem_of(path): path for path in found}


def authority(settings: Settings) -> Authority:
    return Authority.load(settings.tei)


def read(settings: Settings, stem: str, seed: Path) -> Reviewed:
    """Recognise the source afresh and apply its review file. Raises SourceError or ReviewError."""
    source = read_source(seed)
    lines = source.text.split("\n")
    document = recognise(source, authority(settings))
    review = corrections.review_path(settings.review, stem)
    entries = corrections.load(review)
    warnings = corrections.apply(document, lines, entries, f"review/{review.name}")
    return Reviewed(stem, seed, review, lines, document, decisions(document, lines),
                    {entry.key: entry for entry in entries}, warnings)

