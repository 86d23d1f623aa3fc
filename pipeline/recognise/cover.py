"""The cover of a report, bulletin or memorandum: what it says of the document when no dateline,
heading or addressee line says it.

Scanned reports reach us as OCR, often as one long line or as short broken lines, with release
and review stamps printed over every page. Their cover still prints the facts: the date of
issue, the issuing office, the addressee ("MEMORANDUM FOR: ...", "PREPARED FOR THE NATIONAL
SECURITY COUNCIL"). :func:`read` looks for them in the *cover zone*, the text before the first
run of running prose, after blanking out every stamp: a stamp's date is the release or review
date, never the document's. A date later than the release date is no document date either.

The wordings (stamps, issuers, addressee lines) are rows of ``vocab/cover.toml``.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import cache

from .. import vocab
from ..vocab.guard import Alternatives, Guarded
from . import dates

#: How much of the text the cover may take at most (characters).
COVER_LIMIT = 2500
#: How many lines of a text a date on a line of its own is looked for in, past the cover.
DATE_LINES = 80
#: How many lines of a text a number alone on its line is looked for in.
NUMBER_LINES = 60
_NUMBER_LINE = re.compile(r"^(?:No\.|NO\.|Nº|N°|№)\s?(?P<n>\d[\d/.-]{0,12}\d)$")
#: How far a signature mark is looked for in a text run into one line (characters).
SIGNER_LIMIT = 20000
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass
class Found:
    printed: str
    line: int  # 1-based
    value: str = ""
    cert: str | None = None


@dataclass
class CoverFacts:
    date: Found | None = None
    issuer: Found | None = None
    addressee: Found | None = None
    classification: Found | None = None  # value: a level id
    number: Found | None = None
    signer: Found | None = None  # "/s/ Name" in a text run into one line


@cache
def _rules() -> dict:
    data = vocab.cover_rules()
    flags = re.I | re.M
    return {
        "stamp": Alternatives(data["stamps"], flags),
        "undated": Alternatives(data.get("undated_stamps", ("(?!)",)), flags),
        "reach": int(data["stamp_reach"]),
        "issuers": [(row["name"], Guarded(row["pattern"], flags)) for row in data["issuer"]],
        "addressees": [Guarded(row["pattern"], flags) for row in data["addressee"]],
        "signers": [Guarded(row["pattern"], re.M) for row in data.get("signer", ())],
        "edits": int(data["fuzzy_edits"]),
        "min_letters": int(data["fuzzy_min_letters"]),
    }


def cover_zone(text: str) -> int:
    """Where the cover ends: at the first run of ten words of which seven or more are in lower
    case (running prose), or at :data:`COVER_LIMIT`."""
    recent: deque[tuple[int, bool]] = deque()  # the last ten words: where each starts, whether in lower case
    lower = 0
    for m in _WORD.finditer(text[:COVER_LIMIT]):
        is_lower = m.group()[0].islower()
        recent.append((m.start(), is_lower))
        lower += is_lower
        if len(recent) > 10:
            lower -= recent.popleft()[1]
        if len(recent) == 10 and lower >= 7:
            return next(start for start, low in recent if low)
    return min(len(text), COVER_LIMIT)


def blank_stamps(text: str) -> str:
    """The text with every stamp, up to and including the first date after its start, replaced
    by spaces (offsets are kept)."""
    rules = _rules()
    out = list(text)
    for m in rules["undated"].finditer(text):
        for i in range(m.start(), m.end()):
            if out[i] != "\n":
                out[i] = " "
    position = 0
    for m in rules["stamp"].finditer(text):
        if m.start() < position:
            continue
        # a stamp's date is on the line its wording ends on
        after = text[m.end():m.end() + rules["reach"]].split("\n", 1)[0]
        window = text[m.start():m.end()] + after
        found = _first_date_like(window)
        end = m.start() + (found if found is not None else len(m.group()))
        for i in range(m.start(), min(end, len(out))):
            if out[i] != "\n":
                out[i] = " "
        position = end
    return "".join(out)


_DATE_LIKE = re.compile(r"\d{4}\s?/\s?\d{1,2}\s?/\s?\d{1,2}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|"
                        r"[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}-[A-Za-z]{3}-\d{4}|\d{1,2}/\d{1,2}/\d{2,4}")


def _first_date_like(window: str) -> int | None:
    m = _DATE_LIKE.search(window)
    return m.end() if m else None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read(text: str, release_year: int | None = None, edition: str | None = None) -> CoverFacts:
    """The cover facts of a source text (lines joined by newlines). ``edition``: the number an
    edition gives the document, which is not its own."""
    facts = CoverFacts()
    blanked = blank_stamps(text[:COVER_LIMIT * 2])
    zone_end = cover_zone(blanked)
    cover = blanked[:zone_end]
    for found in dates.find_dates(cover):
        if found.date.year < 1900 or (release_year and found.date.year > release_year):
            continue
        if _in_range(cover, found.start, found.end):
            continue
        line_start = cover.rfind("\n", 0, found.start) + 1
        line_end = cover.find("\n", found.end)
        line_text = cover[line_start:line_end if line_end >= 0 else len(cover)]
        alone = len(_WORD.findall(line_text)) <= 4
        facts.date = Found(text[found.start:found.end], _line_of(text, found.start), found.iso,
                           None if alone else "medium")
        break
    if facts.date is None and release_year is not None:
        # a released scan: past the cover, a date on a line of its own on the first pages (a
        # routing slip or a title page before the cover proper)
        offset = 0
        for line in blanked.split("\n")[:DATE_LINES]:
            found = dates.find_dates(line)
            if found and len(_WORD.findall(line)) <= 6 and not _in_range(line, found[0].start, found[0].end) \
                    and not (release_year and found[0].date.year > release_year) and found[0].date.year >= 1900:
                facts.date = Found(line[found[0].start:found[0].end], _line_of(text, offset + found[0].start),
                                   found[0].iso, "medium")
                break
            offset += len(line) + 1
    for name, pattern in _rules()["issuers"]:
        m = pattern.search(cover)
        if m:
            facts.issuer = Found(" ".join(text[m.start():m.end()].split()), _line_of(text, m.start()), name,
                                 cert="medium")
            break
    for pattern in _rules()["addressees"]:
        m = pattern.search(cover)
        if m:
            who = " ".join(m.group("who").split()).strip(" ,.;")
            facts.addressee = Found(who, _line_of(text, m.start("who")), cert="medium")
            break
    facts.classification = _classification(cover, text)
    for pattern in _rules()["signers"]:
        m = pattern.search(text, 0, SIGNER_LIMIT)
        if m:
            facts.signer = Found(m.group("who"), _line_of(text, m.start("who")), cert="medium")
            break
    from . import numbers

    own = [n for n in numbers.find(cover) if n.rank >= 2]
    if own:
        first = max(own, key=lambda n: (n.rank, -n.start))
        facts.number = Found(first.number, _line_of(text, first.start), first.number, "medium")
    elif release_year is not None and (labelled := [n for n in numbers.find(blanked) if n.rank >= 3]):
        # a released scan: a labelled number past the cover ("CIA CONTROL N0. 1886" on a
        # control sheet)
        first = max(labelled, key=lambda n: (n.rank, -n.start))
        facts.number = Found(first.number, _line_of(text, first.start), first.number, "medium")
    else:
        # a number alone on its line on one of the first pages ("No. 0140/68")
        for number, line in enumerate(blanked.split("\n")[:NUMBER_LINES], start=1):
            m = _NUMBER_LINE.match(line.strip())
            if m and m.group("n") != edition:
                facts.number = Found(m.group("n"), number, m.group("n"), "medium")
                break
    return facts


_RANGE_BEFORE = re.compile(r"[-–—]\s{0,2}$|\bto\s$|\buntil\s$")
_RANGE_AFTER = re.compile(r"^\s{0,2}[-–—]\s{0,2}\d")


def _in_range(text: str, start: int, end: int) -> bool:
    """Whether a date is one end of a range ("23 October - 4 November 1956"): the period a
    document covers, not its date."""
    return bool(_RANGE_BEFORE.search(text[max(0, start - 4):start]) or _RANGE_AFTER.match(text[end:end + 6]))


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two short words, or limit + 1 when it is larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:  # no later row is smaller
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _near_level(letters: str, shapes, rules: dict, tail: bool):
    """The level whose name ``letters`` is, allowing for OCR damage; None when none is near."""
    for level, shape in shapes:
        if letters == shape:
            return level
    for level, shape in shapes:
        near = len(letters) >= 6 and _edits(letters, shape, rules["edits"]) <= rules["edits"]
        if near or (tail and shape.endswith(letters) and len(shape) > len(letters)):
            return level
    return None


def _classification(cover: str, text: str) -> Found | None:
    """The highest classification the cover prints: a marking alone on its line, a marking in
    capitals among other words (medium certainty), or a damaged banner (low certainty)."""
    from . import lines as L

    rules = _rules()
    levels = vocab.markings().levels
    shapes = [(level, word.upper().replace(" ", "").replace("-", "")) for level in levels
              for word in level.wordings if word.isascii()]
    best: tuple[int, Found] | None = None

    def consider(level_id: str, printed: str, offset: int, cert: str | None) -> None:
        nonlocal best
        level = vocab.markings().level_by_id(level_id)
        if level is None:
            return
        rank = (level.rank, {None: 2, "medium": 1, "low": 0}[cert])
        if best is None or rank > best[0]:
            best = (rank, Found(printed, _line_of(text, offset), level.id, cert))

    offset = 0
    for line in cover.split("\n"):
        stripped = line.strip()
        matches = L.markings_only(stripped) if stripped else None
        if matches:
            for m in matches:
                if m.group("level"):
                    found = vocab.markings().level_for(m.group("level"))
                    if found:
                        consider(found.id, stripped, offset, None)
        else:
            for m in L._patterns()["marking"].finditer(line):
                if m.group("level") and (m.group().isupper() or (" " in m.group() and m.group().istitle())):
                    found = vocab.markings().level_for(m.group("level"))
                    if found:
                        consider(found.id, m.group(), offset + m.start(), "medium")
            # a damaged banner: a capitalised word (or two) on a short line, or after "CLASSIFICATION"
            short = len(stripped.split()) <= 3
            tokens = list(re.finditer(r"(?<![\w])[A-Z0-9-]{2,}(?![\w])", line))
            labelled = "CLASSIFICATION" in line
            for index, token in enumerate(tokens):
                label = re.search(r"CLASSIFICATION\s*$", line[:token.start()]) if labelled else None
                if not (short or label):
                    continue
                pair = tokens[index + 1] if index + 1 < len(tokens) else None
                candidates = [(token.group(), token.end())]
                if pair is not None and line[token.end():pair.start()].strip() == "":
                    candidates.insert(0, (line[token.start():pair.end()], pair.end()))
                for printed, _ in candidates:
                    letters = re.sub(r"[^A-Z0-9]", "", printed).replace("0", "O")
                    if len(letters) < rules["min_letters"] or letters.isdigit():
                        continue
                    level = _near_level(letters, shapes, rules, tail=label is not None)
                    if level is not None:
                        consider(level.id, printed, offset + token.start(), "low")
                        break
        offset += len(line) + 1
    return best[1] if best else None
