"""Catalogue records: what an archive's catalogue says of each source file.

Archives keep a catalogue record beside every text: its title, date, sender and recipient as
catalogued, the repository, collection and shelf mark, the address of its page, the citation
to give and the rights it is under. A catalogue file holds one row per source file, as CSV (a
header row naming the columns) or as JSON Lines (one object per line), with the columns of
:data:`COLUMNS`; ``file`` names the source file (its name, or a path ending in it).

:func:`load` reads a file into a :class:`Catalogue`; a column it does not know is reported as a
warning naming it, a row without a file name or a file named twice is an error naming the line.
The encoder writes a record's facts into the header (``encode``), marking those it took from the
catalogue; where the catalogue and the text disagree both are kept and the validator warns.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

#: The columns a catalogue file may have, in the order the documentation lists them.
COLUMNS = ("file", "title", "date", "sender", "recipient", "place", "classification", "number",
           "repository", "collection", "idno", "url", "citation", "rights")
#: The facts a catalogue and a text may both state, compared by the validator.
COMPARED = ("date", "sender", "recipient", "classification", "number")
#: Catalogue files larger than this are refused (bytes): a catalogue is text, one row a file.
MAX_BYTES = 200 * 1024 * 1024


class CatalogueError(Exception):
    """A catalogue file that cannot be read; the message names the file and the line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path, self.reason, self.line = Path(path), reason, line
        place = f":{line}" if line else ""
        super().__init__(f"{path}{place}: error: {reason}")


@dataclass(frozen=True)
class CatalogueRecord:
    """One row: every value as the catalogue gives it, empty where it gives none."""

    file: str
    title: str = ""
    date: str = ""
    sender: str = ""
    recipient: str = ""
    place: str = ""
    classification: str = ""
    number: str = ""
    repository: str = ""
    collection: str = ""
    idno: str = ""
    url: str = ""
    citation: str = ""
    rights: str = ""
    line: int = 0  # where the row is in the catalogue file

    @property
    def name(self) -> str:
        """The source file's name the row is for."""
        return self.file.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass
class Catalogue:
    path: Path
    records: dict[str, CatalogueRecord] = field(default_factory=dict)  # by source file name
    warnings: list[str] = field(default_factory=list)

    def record_for(self, source: Path | str) -> CatalogueRecord | None:
        return self.records.get(Path(source).name)

    def unmatched(self, sources: list[Path]) -> list[str]:
        """Warnings for the rows that name no file among ``sources``."""
        names = {Path(s).name for s in sources}
        return [f"{self.path}:{record.line}: warning: the catalogue has a row for {record.file!r}, which is not "
                f"among the sources" for name, record in sorted(self.records.items()) if name not in names]


def _rows(path: Path, text: str):
    """(line, row dict) of a CSV or JSON Lines file."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise CatalogueError(path, f"not a JSON object: {exc.msg} (column {exc.colno})", number) from None
            if not isinstance(row, dict):
                raise CatalogueError(path, "each line must be a JSON object", number)
            yield number, row
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise CatalogueError(path, f"not CSV: {exc}", reader.line_num) from None


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_value(v) for v in value if _value(v))
    return " ".join(str(value).split())


def load(path: Path | str) -> Catalogue:
    """Read a catalogue file (``.csv``; ``.jsonl``, ``.ndjson`` or ``.json`` for JSON Lines)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CatalogueError(path, f"the catalogue is {size} bytes, more than the {MAX_BYTES} allowed")
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(path, f"not UTF-8 (byte {exc.start})") from None
    catalogue = Catalogue(path)
    unknown: dict[str, int] = {}
    known = {f.name for f in fields(CatalogueRecord)} - {"line"}
    for number, row in _rows(path, text):
        for column in row:
            if column is not None and str(column).strip() not in known and str(column).strip():
                unknown.setdefault(str(column).strip(), number)
        values = {str(k).strip(): _value(v) for k, v in row.items() if k is not None and str(k).strip() in known}
        if not values.get("file"):
            raise CatalogueError(path, "the row names no file (column 'file')", number)
        record = CatalogueRecord(**values, line=number)
        if record.name in catalogue.records:
            raise CatalogueError(path, f"{record.name!r} has a row already (line "
                                 f"{catalogue.records[record.name].line})", number)
        catalogue.records[record.name] = record
    for column, number in unknown.items():
        catalogue.warnings.append(f"{path}:{number}: warning: unknown column {column!r} ignored "
                                  f"(columns: {', '.join(COLUMNS)})")
    return catalogue


_cache: dict[tuple[str, int, int], Catalogue] = {}


def cached(path: Path) -> Catalogue:
    """:func:`load`, once per file version per process."""
    status = os.stat(path)
    key = (str(Path(path).resolve()), status.st_size, status.st_mtime_ns)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load(path)
    return _cache[key]


# --- comparing the catalogue with the text ------------------------------------------------------

#: The letters archives catalogue classification levels with.
LEVEL_LETTERS = {"TS": "top-secret", "S": "secret", "C": "confidential", "R": "restricted",
                 "LOU": "limited-official-use", "U": "unclassified"}


def level_of(value: str) -> str | None:
    """A catalogued classification as a level id: "S", "Secret", "TOP SECRET" -> ids."""
    from . import vocab

    value = value.strip()
    if not value:
        return None
    if value.upper() in LEVEL_LETTERS:
        return LEVEL_LETTERS[value.upper()]
    level = vocab.markings().level_for(value)
    return level.id if level else None


def _words(value: str) -> set[str]:
    import re
    import unicodedata

    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return {w for w in re.findall(r"[^\W\d_]{3,}", value)} - {"the", "and", "for", "comrade", "cde"}


def _digits(value: str) -> list[str]:
    import re

    return [run.lstrip("0") or "0" for run in re.findall(r"\d+", value)]


def agrees(fact: str, text_value: str, catalogue_value: str) -> bool:
    """Whether the text and the catalogue say the same of a fact. Dates agree when one is the
    other to the precision the catalogue gives (a catalogue may give a year, or a month);
    parties when they share a name; numbers when their figures are the same."""
    if not text_value or not catalogue_value:
        return True
    if fact == "date":
        return text_value[:len(catalogue_value)] == catalogue_value or catalogue_value[:len(text_value)] == text_value
    if fact == "classification":
        return (level_of(text_value) or text_value) == (level_of(catalogue_value) or catalogue_value)
    if fact == "number":
        ours, theirs = _digits(text_value), _digits(catalogue_value)
        return not ours or not theirs or ours[-1] == theirs[-1]
    return bool(_words(text_value) & _words(catalogue_value)) or not _words(catalogue_value)
