"""Printed dates and times, read into ISO 8601.

The grammar covers the forms of the family: "July 13, 1951", "13 July 1951", "7 October, 1950",
"13th of July 1951", "15.VII.51",
"21 Jan 52", "16-Dec-2009", "2009/12/16", "1951-07-13", "7.10.50", "18.7.1952", and times such as
"—8 p. m.", "1:01 p.m.", "11: 55", "21:00", "1753Z". Two-digit years are read in the twentieth
century. Every pattern is a single pass with bounded repetition, so reading is linear in the
length of the text.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}

ROMAN_MONTHS = {numeral: index for index, numeral in enumerate(
    ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"), start=1)}

_MONTH = r"(?P<{g}>(?i:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec))\.?"
_DAY = r"[“\"«]?(?P<{g}>[0-3]?\d)[”\"»]?(?:st|nd|rd|th)?"  # a day in quotes on a form: “15” January 1963
_YEAR4 = r"(?P<{g}>1[89]\d\d|20\d\d)"
_YEAR = r"\[?(?P<{g}>1[89]\d\d|20\d\d|\d\d)\]?"  # a year the editor supplied: "7 January [1950]"

DATE_PATTERN = re.compile(
    r"(?<![\w/.-])(?:"
    # July 13, 1951 / Jan 21 52
    + _MONTH.format(g="m1") + r"\s{1,3}" + _DAY.format(g="d1") + r",?\s{1,3}" + _YEAR.format(g="y1")
    + r"|" + _DAY.format(g="d2") + r"(?:\s{1,3}(?:of\s)?|-)" + _MONTH.format(g="m2") + r",?(?:\s{1,3}|-)" + _YEAR.format(g="y2")
    + r"|" + _YEAR4.format(g="y3") + r"[/-](?P<n3>[01]?\d)[/-](?P<d3>[0-3]?\d)"
    + r"|(?P<d4>[0-3]?\d)\.(?P<n4>[0-3]?\d)\.(?P<y4>1[89]\d\d|20\d\d|\d\d)"
    + r"|(?P<n5>[01]?\d)/(?P<d5>[0-3]?\d)/(?P<y5>1[89]\d\d|20\d\d|\d\d)"
    # Soviet style, the month in Roman numerals: 15.VII.51, 15 VII 1951, 15/VII/51
    + r"|(?P<d6>[0-3]?\d)[./ ]\s?(?P<r6>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)[./ ]\s?(?P<y6>1[89]\d\d|20\d\d|\d\d)"
    + r")(?![\w/])"
)

# A time of day: 11 a. m., 1:01 p.m., 22:30, 11: 55, 1753Z.
TIME_PATTERN = re.compile(
    r"(?<![\w:])(?:"
    r"(?P<h1>[01]?\d)(?::\s?(?P<mi1>[0-5]\d))?\s?(?P<ampm>[ap])\.\s?m\."
    r"|(?P<h2>[0-2]?\d):\s?(?P<mi2>[0-5]\d)"
    r"|(?P<h3>[0-2]\d)(?P<mi3>[0-5]\d)Z"
    r")(?![\w:])"
)

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date: _dt.date

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class TimeMatch:
    start: int
    end: int
    hour: int
    minute: int
    utc: bool

    @property
    def iso(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}:00" + ("Z" if self.utc else "")


def _year(raw: str) -> int:
    year = int(raw)
    return year + 1900 if year < 100 else year


def _make(year: str, month: int, day: str) -> _dt.date | None:
    try:
        return _dt.date(_year(year), month, int(day))
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every real date printed in ``text`` (impossible dates such as 30 February are skipped)."""
    found: list[DateMatch] = []
    if not _DIGIT.search(text):  # every date has a digit, which is found much sooner
        return found
    for m in DATE_PATTERN.finditer(text):
        g = m.groupdict()
        if g["m1"]:
            date = _make(g["y1"], MONTHS[g["m1"].lower()], g["d1"])
        elif g["m2"]:
            date = _make(g["y2"], MONTHS[g["m2"].lower()], g["d2"])
        elif g["y3"]:
            date = _make(g["y3"], int(g["n3"]), g["d3"])
        elif g["d4"]:
            # day.month.year; where that is no date, the American month.day.year ("11.16.1962")
            date = _make(g["y4"], int(g["n4"]), g["d4"])
            if date is None and int(g["d4"]) <= 12:
                date = _make(g["y4"], int(g["d4"]), g["n4"])
        elif g["d6"]:
            date = _make(g["y6"], ROMAN_MONTHS[g["r6"]], g["d6"])
        else:
            date = _make(g["y5"], int(g["n5"]), g["d5"])
        if date is not None:
            found.append(DateMatch(m.start(), m.end(), date))
    return found


def find_times(text: str) -> list[TimeMatch]:
    found: list[TimeMatch] = []
    if not _DIGIT.search(text):  # as every time
        return found
    for m in TIME_PATTERN.finditer(text):
        g = m.groupdict()
        if g["h1"] is not None:
            hour, minute = int(g["h1"]), int(g["mi1"] or 0)
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if g["ampm"] == "p" else 0)
            found.append(TimeMatch(m.start(), m.end(), hour, minute, False))
        elif g["h2"] is not None:
            hour, minute = int(g["h2"]), int(g["mi2"])
            if hour < 24:
                found.append(TimeMatch(m.start(), m.end(), hour, minute, False))
        else:
            hour, minute = int(g["h3"]), int(g["mi3"])
            if hour < 24:
                found.append(TimeMatch(m.start(), m.end(), hour, minute, True))
    return found


def parse_date(text: str) -> str | None:
    """The ISO date of the first date printed in ``text``, or None."""
    dates = find_dates(text)
    return dates[0].iso if dates else None


def when(text: str) -> tuple[str, int, int] | None:
    """The ``@when`` value for a dateline-like text: the first date, with the time of day when a
    time is printed next to it (within a few words). Returns (value, start, end) of the span
    that holds both, or None when no date is printed."""
    dates = find_dates(text)
    if not dates:
        return None
    date = dates[0]
    value, start, end = date.iso, date.start, date.end
    for time in find_times(text):
        if time.end <= date.start and date.start - time.end <= 6:
            start = time.start
        elif time.start >= date.end and time.start - date.end <= 4:
            end = time.end
        else:
            continue
        value = f"{date.iso}T{time.iso}"
        break
    return value, start, end
