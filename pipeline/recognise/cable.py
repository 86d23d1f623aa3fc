"""State Department telegrams as cable archives print them.

A cable opens with lines of its own layout, each a header fact::

    CONFIDENTIAL                              the classification banner
    PAGE 01 LIMA 00417 091530Z                page line: post, number, time of the page
    ACTION NEA-12 / INFO OCT-01 ...           routing inside the Department
    O R 091502Z MAY 75                        precedence prosigns and date-time group
    FM AMEMBASSY LIMA                         the sender
    TO SECSTATE WASHDC IMMEDIATE 2211         the addressees, each with precedence and serial
    INFO AMEMBASSY QUITO                      addressees for information
    C O N F I D E N T I A L BERN 1234         the classification line, with post and number
    E.O. 11652: GDS / TAGS: / SUBJECT:        the text's own heading lines

:func:`read` finds these lines among the source's lines (by their shape alone; the words are in
``vocab/cable.toml``) and returns what they state. The first date-time group before the first
``FM`` line is the cable's: "121311Z NOV 79" is 12 November 1979, 13:11 UTC. Lines of a
telegram quoted inside the cable ("QUOTE", "BEGINS:") come after and are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .. import vocab
from . import lines as L

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
#: a date-time group: day, hours, minutes, Z, month, two-digit year ("121311Z NOV 79", "121215 Z APR 73")
DTG = re.compile(r"(?<![\w])(?P<day>[0-3]\d)(?P<hh>[0-2]\d)(?P<mm>[0-5]\d)\s?Z\s{1,3}(?P<mon>"
                 + "|".join(_MONTHS) + r")\s{1,3}(?P<yy>\d\d)(?![\w])")
_PROSIGNS = re.compile(r"(?:[ZOPR](?:\s[ZOPR]){0,2})?")
_FM = re.compile(r"^FM\s+(?P<who>[A-Z][A-Z0-9/ .,'()-]{1,80}?)\s*$")
_TO = re.compile(r"^TO\s+(?P<who>[A-Z][A-Z0-9/ .,'()-]{1,80}?)\s*$")
_INFO = re.compile(r"^INFO\s+(?P<who>[A-Z][A-Z0-9/ .,'()-]{1,80}?)\s*$")
_PAGE = re.compile(r"^PAGE\s+\d{2}\b\s*(?P<rest>.{0,80})$")
_POST_NUMBER = re.compile(r"^(?:SECTION\s+\d{1,2}\s+OF\s+\d{1,2}\s+)?(?P<post>[A-Z][A-Z .]{1,30}?)\s+"
                          r"(?P<n>\d{3,6})(?![\d/])")
#: lines that end an address list
_HEADING_LINE = re.compile(r"^(?:E\.?\s?O\.?\s|TAGS\b|SUBJ|REF\b|SUMMARY\b|QUOTE\b|BEGIN|PAGE\s\d|"
                           r"DRAFTED\b|APPROVED\b|CLEARED\b|ORIGIN\b|ACTION\b|DISTRIBUTION\b)")


@cache
def _words() -> dict:
    return vocab.cable_words()


@dataclass
class Found:
    """One fact a cable line states: its value as printed, its (1-based) line."""

    printed: str
    line: int
    value: str = ""


@dataclass
class CableFacts:
    date: Found | None = None  # value: ISO date-time
    sender: Found | None = None  # printed: the post as printed ("AMEMBASSY TEHRAN")
    sender_place: Found | None = None
    recipients: list[Found] = field(default_factory=list)
    number: Found | None = None  # printed: "TEHRAN 2362"; value: "2362"
    classification: Found | None = None  # value: a level id

    @property
    def is_cable(self) -> bool:
        return self.date is not None and self.sender is not None


def _addressee(text: str) -> str:
    """An address line without its precedence word and serial number:
    "SECSTATE WASHDC IMMEDIATE 1828" -> "SECSTATE WASHDC"."""
    words = text.split()
    precedence = _words()["precedence"]
    while words and (words[-1].isdigit() or words[-1] in precedence or words[-1] == "POUCH"):
        words.pop()
    return " ".join(words)


def post_place(printed: str) -> str | None:
    """The place of a post: "AMEMBASSY TEHRAN" -> "TEHRAN", "USMISSION OECD PARIS" -> "PARIS";
    None for the Department ("SECSTATE WASHDC")."""
    words = printed.split()
    if not words or words[0] in _words()["department"]:
        return None
    if words[0] in _words()["posts"] and len(words) > 1:
        return " ".join(words[-2:]) if words[-2] in _words()["two_word_places"] else words[-1]
    return None


def _classification_line(text: str) -> tuple[str, str] | None:
    """A classification line with the post and number after it: ("confidential", "TEHRAN 2362")."""
    spaced = re.match(r"^(?P<letters>(?:[A-Z] ){3,}[A-Z])(?:\s+(?P<rest>.*))?$", text)
    if spaced:
        level = vocab.markings().level_for(spaced.group("letters").replace(" ", "").lower())
        rest = spaced.group("rest") or ""
    else:
        m = L._patterns()["marking"].match(text)
        if not m or not m.group("level"):
            return None
        level = vocab.markings().level_for(m.group("level"))
        rest = text[m.end():].strip()
    if level is None:
        return None
    return level.id, rest


def read(lines: list[tuple[int, str]]) -> CableFacts:
    """The facts of a cable's opening lines. ``lines``: (1-based number, text) of the source."""
    facts = CableFacts()
    index_fm = next((i for i, (_, t) in enumerate(lines[:80]) if _FM.match(t.strip())), None)
    if index_fm is None:
        return facts
    number_fm, text_fm = lines[index_fm]
    # the date-time group: on the line before FM, alone with its prosigns
    for number, text in reversed(lines[max(0, index_fm - 3):index_fm]):
        m = DTG.search(text)
        if m and _PROSIGNS.fullmatch(text[:m.start()].strip()):
            month = _MONTHS.index(m.group("mon")) + 1
            year = 1900 + int(m.group("yy")) if int(m.group("yy")) >= 40 else 2000 + int(m.group("yy"))
            iso = f"{year:04d}-{month:02d}-{m.group('day')}T{m.group('hh')}:{m.group('mm')}:00Z"
            if _valid_day(year, month, int(m.group("day"))):
                facts.date = Found(m.group(), number, iso)
            break
    if facts.date is None:
        return facts
    sender = _addressee(_FM.match(text_fm.strip()).group("who"))
    facts.sender = Found(sender, number_fm)
    place = post_place(sender)
    if place:
        facts.sender_place = Found(place, number_fm)
    # the addressees: TO and the lines after it; INFO ones only when there is no TO
    action: list[Found] = []
    info: list[Found] = []
    current: list[Found] | None = None
    end = index_fm + 1
    for end in range(index_fm + 1, min(len(lines), index_fm + 60)):
        number, raw = lines[end]
        text = raw.strip()
        to, also = _TO.match(text), _INFO.match(text)
        if to:
            current = action
            text = to.group("who")
        elif also:
            current = info
            text = also.group("who")
        elif current is None or _HEADING_LINE.match(text) or _classification_line(text) or \
                L.markings_only(text) or not re.match(r"^[A-Z][A-Z0-9/ .,'()-]{1,80}$", text):
            break
        who = _addressee(text)
        if who:
            current.append(Found(who, number))
    facts.recipients = action or info
    # the classification line after the addresses, with post and number; else the page line
    for number, raw in lines[end:end + 4]:
        found = _classification_line(raw.strip())
        if found:
            level, rest = found
            facts.classification = Found(raw.strip(), number, level)
            m = _POST_NUMBER.match(rest)
            if m:
                facts.number = Found(f"{m.group('post').strip()} {m.group('n')}", number, m.group("n").lstrip("0"))
            break
    if facts.number is None:
        for number, raw in lines[:index_fm]:
            m = _PAGE.match(raw.strip())
            if m:
                rest = m.group("rest").strip() or (lines[number][1].strip() if number < len(lines) else "")
                post = _POST_NUMBER.match(rest)
                if post:
                    facts.number = Found(f"{post.group('post').strip()} {post.group('n')}", number,
                                         post.group("n").lstrip("0"))
                break
    return facts


def _valid_day(year: int, month: int, day: int) -> bool:
    import datetime as _dt

    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True
