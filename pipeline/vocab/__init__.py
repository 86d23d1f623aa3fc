"""The encoding rules written as data.

Every wording the recognisers know (classification levels, precedence and handling words,
redaction and release forms, bracket conventions, kinds of document, names) lives in the TOML
files beside this module. This module reads them once and offers them as frozen objects with
their regular expressions compiled. Nothing here decides anything: it only loads tables.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..resources import shipped
from .guard import Guarded

HERE: Path = shipped("vocab")


def _load(name: str) -> dict:
    return tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))


def phrase_pattern(phrases) -> str:
    """An alternation of literal phrases, longest first, whole words, spaces flexible."""
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    parts = [r"\s+".join(re.escape(w) for w in p.split()) for p in ordered]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    rank: int
    wordings: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    wordings: tuple[str, ...]
    cues: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class ReleaseForm:
    name: str
    pattern: Guarded


@dataclass(frozen=True)
class Markings:
    levels: tuple[Level, ...]
    precedence: tuple[str, ...]
    handling: tuple[str, ...]
    portion: dict  # portion-marking code -> level id
    portion_caveat_only: tuple[str, ...]

    def level_for(self, wording: str) -> Level | None:
        key = " ".join(wording.lower().replace("-", " ").split())
        for level in self.levels:
            if key in {" ".join(w.replace("-", " ").split()) for w in level.wordings}:
                return level
        return None

    def level_by_id(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


@cache
def markings() -> Markings:
    data = _load("markings")
    levels = tuple(
        Level(row["id"], row["label"], int(row["rank"]), tuple(row["wordings"])) for row in data["level"]
    )
    portion = dict(data.get("portion", {}))
    caveat_only = tuple(portion.pop("with_caveat_only", ()))
    return Markings(levels, tuple(data["precedence"]["wordings"]), tuple(data["handling"]["wordings"]),
                    portion, caveat_only)


@cache
def kinds() -> tuple[Kind, ...]:
    data = _load("kinds")
    return tuple(
        Kind(row["id"], row["label"], tuple(row.get("wordings", ())),
             tuple(re.compile(c) for c in row.get("cues", ())))
        for row in data["kind"]
    )


def kind_by_id(kind_id: str) -> Kind:
    return next(k for k in kinds() if k.id == kind_id)


def kind_for(wording: str) -> Kind | None:
    key = " ".join(wording.lower().split())
    for kind in kinds():
        if key in kind.wordings:
            return kind
    return None


@cache
def redactions() -> dict:
    return _load("redactions")


@cache
def release_forms() -> tuple[ReleaseForm, ...]:
    return tuple(ReleaseForm(row["name"], Guarded(row["pattern"])) for row in _load("release")["stamp"])


@cache
def brackets() -> dict:
    return _load("brackets")


@cache
def people_words() -> dict:
    return _load("people")


#: The files of the authority seed, by the kind of entry they list.
AUTHORITY_FILES = {"person": "persons", "place": "places", "org": "organisations"}


@cache
def authority_seed() -> dict:
    """The seed of the authority file: ``{"person": [...], "place": [...], "org": [...]}`` from
    persons.toml, places.toml and organisations.toml, and ``identified_only``: pseudonyms read
    as such only where the text identifies them."""
    seed: dict = {}
    for kind, name in AUTHORITY_FILES.items():
        data = _load(name)
        seed[kind] = data.get(kind, [])
        seed.setdefault("identified_only", []).extend(data.get("identified_only", []))
    return seed


@cache
def titles() -> dict:
    """Titles and forms of address before a name (titles.toml)."""
    return _load("titles")


@cache
def cable_words() -> dict:
    """The words of a cable's address lines, as sets."""
    return {key: frozenset(value) for key, value in _load("cable").items()}


@cache
def cover_rules() -> dict:
    return _load("cover")


@cache
def number_words() -> dict:
    return _load("numbers")
