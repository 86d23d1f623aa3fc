"""Document numbers as printed: "Incoming Nº 2140/4", "Dispatch No. 1108", "Special. Nº Nº 408-410",
"OCI NO. 6417/57", "No. 81/sh" under a signature.

:func:`find` reads every number sign in a text and says, from the words before it, whether the
number is the document's own and how strongly; copy, form and reference numbers ("Copy Nº 2",
"To No. 439/sh") are never taken. The words are rows of ``vocab/numbers.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import vocab

_SIGN = r"(?:No\.?|NO\.?|N0\.?|N°|Nº|N\u00ba|№|Nr\.?|#|Number(?=[ \t.:]))"
_NUMBER = re.compile(
    r"(?<![\w])" + _SIGN + r"(?:[ \t]*+" + _SIGN + r")?[ \t]*+[:.]?[ \t]*+"
    r"(?P<n>[A-Za-z]{0,3}-?\d[\w/.-]{0,14}?)(?=[.,;:)|]?(?:\s|$))")
#: How far before a number sign its label is looked for (characters, within the line).
LABEL_WINDOW = 48
_PERIOD_WORD = re.compile(r"^(?:\(\d{2,4}\)|\d{4}|(?i:january|february|march|april|may|june|july|august|"
                          r"september|october|november|december))$")
@dataclass(frozen=True)
class NumberFound:
    number: str
    start: int
    rank: int


@cache
def _table() -> dict:
    data = vocab.number_words()
    return {"bare": int(data["bare"]), "own": {k.lower(): int(v) for k, v in data["own"].items()},
            "other": frozenset(w.lower() for w in data["other"]["words"])}


def _rank(before: str, at_line_start: bool) -> int:
    """How surely the words before a number sign make it the document's: 0 for never."""
    table = _table()
    # a year in parentheses and a month may stand between the label and the sign:
    # "Outgoing (64) January No. 879"
    words = [w.strip(".,:").lower() for w in before.split() if w.strip(".,:")
             and not _PERIOD_WORD.match(w.strip(".,:"))]
    if not words:
        return table["bare"] if at_line_start else 0
    if words[-1] in table["other"]:
        return 0
    for size in (2, 1):
        key = " ".join(words[-size:])
        if len(words) >= size and key in table["own"]:
            return table["own"][key]
    return 0


def find(text: str) -> list[NumberFound]:
    """The document numbers a text prints, in order, each with its rank. The words before a
    sign are read from a bounded window of its line, so that reading stays linear."""
    found: list[NumberFound] = []
    for m in _NUMBER.finditer(text):
        line_start = text.rfind("\n", max(0, m.start() - LABEL_WINDOW), m.start()) + 1
        window = text[max(line_start, m.start() - LABEL_WINDOW):m.start()]
        if m.start() - LABEL_WINDOW > line_start:
            window = window.split(" ", 1)[-1]  # a word cut by the window is not read
        words = window.replace("|", " ").split()[-3:]
        before = " ".join(words)
        rank = _rank(before, not before.strip())
        number = m.group("n").rstrip(".-/")
        if rank and any(ch.isdigit() for ch in number):
            found.append(NumberFound(number, m.start("n"), rank))
    return found


def best(text: str) -> NumberFound | None:
    """The document's own number among those a text prints: the highest rank, then the first."""
    found = find(text)
    return max(found, key=lambda f: (f.rank, -f.start)) if found else None
