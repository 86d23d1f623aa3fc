"""Dates as the documents print them, read to compare with ``@when`` (rule TP108).

This reader is deliberately separate from the encoder's (``pipeline/recognise/dates.py``): a
check that reused the encoder's reading would agree with the encoder's mistakes. It is also
more cautious. A printed date can have several readings ("7/10/50" is 7 October or 10 July
1950; "21 Jan 52" does not say its century), and :func:`agrees` accepts ``@when`` when any
reading fits. Dotted numeric dates ("7.10.50", "18.7.1952") are read day first, as they are
written in the Soviet and Chinese documents of the corpus; slashed ones both ways.

Forms read: "7 October 1950", "7 October, 1950", "21 Jan 52", "16-Dec-2009", "July 13, 1951",
"October 1950", "1951-07-13", "2009/12/16", "7.10.50", "18.7.1952", "7/10/50".
"""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9

_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"\d{4}|\d{2}"
#: Not inside a longer number or a range such as "7-9 October".
_START = r"(?<![\w\-–/.])"
_END = r"(?![\w/]|\.\d)"

DATE_PATTERN = re.compile(
    _START + "(?:"
    + rf"(?P<d1>{_DAY})[\s-]+(?P<m1>{_MONTH}),?[\s-]+(?P<y1>{_YEAR})"  # 7 October 1950, 16-Dec-2009
    + rf"|(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),?\s+(?P<y2>{_YEAR})"  # July 13, 1951
    + rf"|(?P<m6>{_MONTH}),?\s+(?P<y6>\d{{4}})"  # October 1950
    + r"|(?P<y3>\d{4})[-/](?P<n3>\d{1,2})[-/](?P<d3>\d{1,2})"  # 1951-07-13, 2009/12/16
    + rf"|(?P<d4>\d{{1,2}})\.(?P<n4>\d{{1,2}})\.(?P<y4>{_YEAR})"  # 7.10.50, 18.7.1952
    + rf"|(?P<a5>\d{{1,2}})/(?P<b5>\d{{1,2}})/(?P<y5>{_YEAR})"  # 7/10/50
    + ")" + _END,
    re.IGNORECASE,
)

_DIGIT = re.compile(r"\d").search

_WHEN = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


class Reading(NamedTuple):
    """One possible meaning of a printed date. ``day`` is None for "October 1950"."""

    year: int
    month: int
    day: int | None
    century_printed: bool  # False for a two-digit year ("21 Jan 52")

    def fits(self, year: int, month: int | None, day: int | None) -> bool:
        """Whether a normalised date (with month and day where it has them) fits this reading."""
        if (year if self.century_printed else year % 100) != self.year:
            return False
        if month is not None and month != self.month:
            return False
        return day is None or self.day is None or day == self.day


class PrintedDate(NamedTuple):
    """A date expression found in a text, with all its readings."""

    text: str
    readings: tuple[Reading, ...]


#: The days of each month in a common year.
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _reading(year: str, month: int, day: str | None) -> Reading | None:
    day_number = int(day.rstrip("stndrhSTNDRH")) if day else None  # 7, 7th, 21st
    if not 1 <= month <= 12:
        return None
    if day_number is not None:
        # A two-digit year does not say whether it is a leap year: allow 29 February.
        last_day = 29 if month == 2 and (len(year) == 2 or calendar.isleap(int(year))) else _DAYS[month]
        if not 1 <= day_number <= last_day:
            return None
    return Reading(int(year), month, day_number, len(year) == 4)


def find_dates(text: str) -> list[PrintedDate]:
    """Every date expression in ``text`` that has at least one valid reading."""
    found = []
    if not _DIGIT(text):  # every form has digits
        return found
    for match in DATE_PATTERN.finditer(text):
        candidates: list[Reading | None]
        branch = match.lastgroup  # the last group of the form that matched (the groups do not nest)
        if branch == "y1":
            day, month, year = match.group("d1", "m1", "y1")
            candidates = [_reading(year, MONTHS[month.lower().rstrip(".")], day)]
        elif branch == "y2":
            month, day, year = match.group("m2", "d2", "y2")
            candidates = [_reading(year, MONTHS[month.lower().rstrip(".")], day)]
        elif branch == "y6":
            month, year = match.group("m6", "y6")
            candidates = [_reading(year, MONTHS[month.lower().rstrip(".")], None)]
        elif branch == "d3":
            year, month, day = match.group("y3", "n3", "d3")
            candidates = [_reading(year, int(month), day)]
        elif branch == "y4":
            day, month, year = match.group("d4", "n4", "y4")
            candidates = [_reading(year, int(month), day)]
        else:
            first, second, year = match.group("a5", "b5", "y5")
            candidates = [_reading(year, int(first), second), _reading(year, int(second), first)]
        readings = tuple(dict.fromkeys(r for r in candidates if r is not None)) if len(candidates) > 1 else \
            (() if candidates[0] is None else (candidates[0],))
        if readings:
            found.append(PrintedDate(match.group(), readings))
    return found


def agrees(printed: PrintedDate, when: str) -> bool | None:
    """Whether ``when`` fits some reading of ``printed``; None when ``when`` holds no date
    (a time of day alone), so there is nothing to compare."""
    match = _WHEN.match(when)
    if match is None:
        return None
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    for reading in printed.readings:
        if reading.fits(year, month, day):
            return True
    return False
