"""Editors' corrections: the review files ``review/<stem>.toml``, and applying them at every encode.

An editor (``teipipe review``) accepts or corrects the encoder's decisions (:mod:`pipeline.decisions`).
Each act is one entry of the document's review file, plain TOML kept in git beside the seeds::

    [[entry]]
    what = "bracket"          # fact, marking, redaction, bracket, name
    action = "correct"        # accept, correct, remove (a wrong marking or redaction), add (a missed one)
    line = 12                 # the source line, 1-based (0: a header fact printed on no line)
    quote = "[STALIN]"        # the text it quotes from that line
    occurrence = 1            # the first, second... decision quoting it on that line
    field = ""                # a header fact: date, sender, recipient, classification, kind
    reading = "supplied"      # the new reading: a bracket reading, an authority id, a fact's value
    by = "A. Editor"
    when = "2026-03-01T10:00:00Z"

The anchor is the source text, never a TEI position, so that the entry holds whatever the encoder
makes of the text later. :func:`apply` is the one step the encoder calls: after recognition, before
the TEI is written, it finds each entry's decision and makes the editor's reading the document's,
marked as theirs (``Document.editors``, ``Document.changes``, ``resp`` on the span or fact). An entry
whose anchor the source no longer has is not applied and is reported as a warning naming it.

:func:`update` is how the review application writes: under a lock on the file, it reads the file
again, merges the new entries (one entry per decision: a newer one replaces an older one) and
writes the whole file atomically, so that two editors' tabs never lose each other's entries.
"""

from __future__ import annotations

import fcntl
import json
import re
import tomllib
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from . import vocab
from .atomic import write_atomic
from .decisions import FACTS, READINGS, Decision, decisions
from .model import Change, DateFact, Document, Editor, Inline, Party, Span, bracketed_text

FOLDER = "review"
ACTIONS = {"fact": ("accept", "correct"), "marking": ("accept", "remove", "add"),
           "redaction": ("accept", "correct", "remove", "add"), "bracket": ("accept", "correct"),
           "name": ("accept", "correct")}
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)?)?$")
_WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")
_AUTHORITY_ID = re.compile(r"^[A-Za-z_][\w.-]*$")


class ReviewError(Exception):
    """A review file that cannot be read, or an entry that makes no sense: names the file and the place."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.path, self.reason, self.line = Path(path), reason, line

    def describe(self) -> str:
        return f"{self.path}{f':{self.line}' if self.line else ''}: error: {self.reason}"


@dataclass
class Entry:
    what: str
    action: str
    line: int
    quote: str
    occurrence: int = 1
    field: str = ""
    reading: str = ""
    by: str = "editor"
    when: str = ""

    @property
    def key(self) -> tuple:
        """The decision it is about (as :attr:`Decision.key`): one entry per decision."""
        if self.what == "fact":
            return ("fact", self.field)
        return (self.what, self.line, self.quote, self.occurrence)

    def describe(self) -> str:
        """``the bracket “[STALIN]” on source line 12``"""
        if self.what == "fact":
            place = f" (from source line {self.line})" if self.line else ""
            return f"the header fact {self.field}{place}"
        nth = f" (occurrence {self.occurrence})" if self.occurrence > 1 else ""
        return f"the {self.what} “{self.quote}”{nth} on source line {self.line}"


def review_path(review_folder: Path, stem: str) -> Path:
    return review_folder / f"{stem}.toml"


# ------------------------------------------------------------------------------------ reading

def load(path: Path, data: bytes | None = None) -> list[Entry]:
    """The entries of a review file (none when there is no file), or of ``data`` as the bytes
    of that file when they are given (the file is not read then). Raises ReviewError."""
    try:
        text = path.read_text(encoding="utf-8") if data is None else data.decode("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(path, f"the review file cannot be read: {getattr(exc, 'strerror', None) or exc}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ReviewError(path, f"the review file is not valid TOML ({exc})", int(line.group(1)) if line else None)
    entries = []
    raw = data.get("entry", [])
    if not isinstance(raw, list):
        raise ReviewError(path, "'entry' must be an array of tables ([[entry]])")
    for number, table in enumerate(raw, 1):
        entries.append(entry_from(table, f"entry {number}", path))
    return list({entry.key: entry for entry in entries}.values())  # about one decision, the last one holds


def entry_from(table: object, where: str, path: Path | str = "review") -> Entry:
    """An entry from a table (of a file, or posted by the review application), checked for
    shape: every field of the right type, the action allowed for what it is about."""
    if not isinstance(table, dict):
        raise ReviewError(path, f"{where}: must be a table")
    known = {f.name: f for f in fields(Entry)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ReviewError(path, f"{where}: unknown field {unknown[0]!r} (known: {', '.join(known)})")
    for name in ("what", "action", "line", "quote"):
        if name not in table:
            raise ReviewError(path, f"{where}: '{name}' is missing")
    values = {}
    for name, value in table.items():
        wanted = int if name in ("line", "occurrence") else str
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise ReviewError(path, f"{where}: '{name}' must be {'a number' if wanted is int else 'text'}")
        values[name] = value
    entry = Entry(**values)
    if entry.what not in ACTIONS:
        raise ReviewError(path, f"{where}: 'what' must be one of {', '.join(ACTIONS)}, not {entry.what!r}")
    if entry.action not in ACTIONS[entry.what]:
        raise ReviewError(path, f"{where}: 'action' of a {entry.what} is one of {', '.join(ACTIONS[entry.what])}, "
                                f"not {entry.action!r}")
    if entry.line < 0 or entry.occurrence < 1 or (entry.what != "fact" and (entry.line == 0 or not entry.quote)):
        raise ReviewError(path, f"{where}: needs a source line (1 or more), the text it quotes and an occurrence of 1 or more")
    if entry.what == "fact" and entry.field not in FACTS:
        raise ReviewError(path, f"{where}: 'field' must be one of {', '.join(FACTS)}")
    if entry.when and not _WHEN.match(entry.when):
        raise ReviewError(path, f"{where}: 'when' must be a date or a UTC time like 2026-03-01T10:00:00Z")
    if not entry.by.strip():
        raise ReviewError(path, f"{where}: 'by' must name the editor")
    problem = reading_problem(entry)
    if problem:
        raise ReviewError(path, f"{where}: {problem}")
    return entry


def reading_problem(entry: Entry) -> str | None:
    """What is wrong with an entry's new reading, or None."""
    if entry.action != "correct":
        return None
    reading = entry.reading.strip()
    if entry.what in ("bracket", "redaction"):
        if reading not in READINGS:
            return f"a bracket may be read as {', '.join(READINGS)}, not {entry.reading!r}"
    elif entry.what == "name":
        if reading and not _AUTHORITY_ID.match(reading):
            return f"{entry.reading!r} is no authority id (such as pers-stalin), nor empty for none"
    elif entry.field == "date":
        if not _ISO_DATE.match(reading):
            return f"a date is written YYYY-MM-DD (or YYYY-MM, YYYY, YYYY-MM-DDThh:mm), not {entry.reading!r}"
    elif entry.field == "classification":
        levels = [level.id for level in vocab.markings().levels] + ["unmarked"]
        if reading not in levels:
            return f"a classification is one of {', '.join(levels)}, not {entry.reading!r}"
    elif entry.field == "kind":
        kinds = [kind.id for kind in vocab.kinds()]
        if reading not in kinds:
            return f"a kind is one of {', '.join(kinds)}, not {entry.reading!r}"
    elif not reading:
        return f"the new {entry.field} is empty"
    return None


# ------------------------------------------------------------------------------------ writing

def dumps(entries: list[Entry], source_name: str = "") -> str:
    """The review file for ``entries``: sorted by place, one table each, the same bytes for the same entries."""
    lines = ["# Editorial review: each entry accepts or corrects one decision of the encoder,",
             "# anchored to the source text by its line and the text it quotes (teipipe review).",
             "# docs/review.md describes the fields."]
    if source_name:
        lines.append(f"source = {_toml_string(source_name)}")
    for entry in sorted(entries, key=_order):
        lines.append("")
        lines.append("[[entry]]")
        for name, value in asdict(entry).items():
            if name in ("field", "reading") and not value and not (name == "reading" and entry.action == "correct"):
                continue
            lines.append(f"{name} = {value if isinstance(value, int) else _toml_string(value)}")
    return "\n".join(lines) + "\n"


def _order(entry: Entry) -> tuple:
    return (entry.what != "fact", entry.line, entry.quote, entry.occurrence, entry.what, entry.field)


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes, which TOML shares, and DEL escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update(path: Path, new: list[Entry], source_name: str = "", withdraw: list[tuple] = ()) -> list[Entry]:
    """Merge ``new`` into the review file at ``path`` (an entry replaces the one about the same
    decision) and take away the entries about the decisions in ``withdraw``; under a lock, reading
    the file again first, writing it atomically. Returns the entries now in the file."""
    with _locked(path):
        entries = {entry.key: entry for entry in load(path)}
        for key in withdraw:
            entries.pop(tuple(key), None)
        for entry in new:
            entries[entry.key] = entry
        kept = sorted(entries.values(), key=_order)
        write_atomic(path, dumps(kept, source_name))
        return kept


# ------------------------------------------------------------------------------------ applying

def anchored(entry: Entry, lines: list[str]) -> bool:
    """Whether the source still has the text the entry quotes, on its line."""
    if entry.what == "fact" and entry.line == 0:
        return True
    return 1 <= entry.line <= len(lines) and lines[entry.line - 1].count(entry.quote) >= entry.occurrence


def editor_id(name: str) -> str:
    """The id of an editor's respStmt (local to the document): ``editor-a-editor``."""
    return "editor-" + ("-".join(re.findall(r"[^\W_]+", name.lower())) or "anonymous")


def apply(document: Document, lines: list[str], entries: list[Entry], path: Path | str = "review") -> list[str]:
    """Make the editors' readings the document's. ``lines`` is the source text the document was
    recognised from. Returns a warning for each entry that could not be applied, naming it."""
    warnings: list[str] = []
    editors: dict[str, str] = {}
    changes: list[Change] = []
    found = {decision.key: decision for decision in decisions(document, lines)}
    for entry in sorted(entries, key=lambda e: (e.action == "add", _order(e))):
        if not anchored(entry, lines):
            warnings.append(f"{path}: warning: {entry.describe()} no longer exists in the source "
                            f"(line {entry.line} does not read “{entry.quote}”): the editor's {entry.action} "
                            f"of it is not applied; review it again")
            continue
        who = editor_id(entry.by)
        try:
            if entry.action == "add":
                what = _add(document, lines, entry, who)
            else:
                decision = found.get(entry.key)
                if decision is None:
                    raise _NotApplied(f"the encoder no longer reads a {entry.what} there")
                what = _apply_one(document, decision, entry, who)
        except _NotApplied as reason:
            warnings.append(f"{path}: warning: {entry.describe()}: {reason}; the editor's {entry.action} is not applied")
            continue
        editors.setdefault(who, entry.by)
        changes.append(Change(entry.when, who, what))
    document.editors = [Editor(ident, name) for ident, name in sorted(editors.items())]
    document.changes = sorted(changes, key=lambda c: c.when, reverse=True)
    return warnings


class _NotApplied(Exception):
    pass


def _apply_one(document: Document, decision: Decision, entry: Entry, who: str) -> str:
    """Apply one accept, correct or remove; returns what the change says."""
    if entry.what == "fact":
        return _fact(document, decision, entry, who)
    span, container = decision.span, decision.container
    assert span is not None and container is not None
    if entry.action == "accept":
        span.cert = None
        span.attrs["resp"] = who
        return f"Accepted {entry.describe()} as the encoder read it ({decision.label})."
    if entry.action == "remove":
        _replace(container, span, _as_printed(span))
        return f"Removed {entry.describe()}: it is no {entry.what}."
    if entry.what == "name":
        if entry.reading:
            span.attrs["ref"] = entry.reading
        else:
            span.attrs.pop("ref", None)
        span.cert = None
        span.attrs["resp"] = who
        return f"Corrected {entry.describe()}: authority entry {entry.reading or 'none'} (was {decision.value or 'none'})."
    _reread_bracket(decision, entry.reading, who)
    return f"Corrected {entry.describe()}: read as {READINGS[entry.reading]} (was {READINGS.get(decision.reading, decision.reading)})."


def _fact(document: Document, decision: Decision, entry: Entry, who: str) -> str:
    facts = document.facts
    field = entry.field
    facts.resp[field] = who
    if entry.action == "accept":
        if field == "date" and facts.date:
            facts.date.cert = None
        elif field == "kind":
            facts.kind_cert = None
        elif field == "classification":
            facts.classification_cert = None
        for party in facts.senders if field == "sender" else facts.recipients if field == "recipient" else []:
            party.cert = None
        return f"Accepted {entry.describe()} as the encoder read it: {decision.value or 'none'}."
    reading = entry.reading.strip()
    if field == "date":
        facts.date = DateFact(reading, facts.date.printed if facts.date else reading)
    elif field in ("sender", "recipient"):
        parties = [Party([name.strip()]) for name in reading.split(";") if name.strip()]
        if field == "sender":
            facts.senders = parties
        else:
            facts.recipients = parties
    elif field == "classification":
        facts.classification = None if reading == "unmarked" else reading
        facts.classification_cert = None
    elif field == "kind":
        facts.kind, facts.kind_cert = reading, None
        document.text.kind = reading
    return f"Corrected {entry.describe()}: {reading} (was {decision.value or 'none'})."


def _as_printed(span: Span) -> list[Inline]:
    """A span taken back to the words it printed (a bracketed one with its brackets)."""
    if span.attrs.get("bracketed"):
        return [bracketed_text([span])]
    return list(span.children)


def _index(container: list, span: Span) -> int:
    for at, item in enumerate(container):
        if item is span:
            return at
    raise _NotApplied("the decision was changed by another entry")


def _replace(container: list, old: Span, new: list[Inline]) -> None:
    at = _index(container, old)
    container[at:at + 1] = new


_ATTRS = {"supplied": {"reason": "omitted-in-original"}, "comment": {"type": "editorial"},
          "foreign": {"lang": "und"}, "unreadable": {"reason": "illegible"}}


def _reread_bracket(decision: Decision, reading: str, who: str) -> None:
    """Read a bracket another way: the bracket keeps its words; an expansion or an alternative
    takes the word before it as the abbreviation or the name as printed."""
    span, container = decision.span, decision.container
    assert span is not None and container is not None
    head: list[Inline] = []  # the words before the bracket that the old reading held
    if span.kind in ("abbreviation", "alternative"):
        bracket = next(c for c in span.children if isinstance(c, Span) and c.attrs.get("bracketed"))
        head = [bracketed_text([c]) if isinstance(c, Span) else c for c in span.children if c is not bracket]
        inner = list(bracket.children)
    else:
        inner = list(span.children)
    bracketed = {"bracketed": "true", "resp": who}
    if reading in ("expansion", "alternative"):
        word = "".join(head[:1]) if head else None
        space = "".join(head[1:]) if head else ""
        at = _index(container, span)
        if word is None:
            before = container[at - 1] if at > 0 and isinstance(container[at - 1], str) else ""
            m = re.search(r"(\S+)(\s*)$", before)
            if not m:
                raise _NotApplied(f"no word stands before the bracket to read it as {READINGS[reading]}")
            word, space = m.group(1), m.group(2)
            container[at - 1] = before[:m.start()]
        outer, first, second = ("abbreviation", "abbr", "expansion") if reading == "expansion" else \
            ("alternative", "orig", "alt")
        new = Span(outer, [Span(first, [word]), *([space] if space else []),
                           Span(second, inner, {"bracketed": "true"})], {"resp": who})
        _replace(container, span, [new])
        if at > 0 and container[at - 1] == "":
            del container[at - 1]
        return
    new = Span(reading, inner, dict(_ATTRS.get(reading, {})) | bracketed)
    _replace(container, span, [*head, new])


def _add(document: Document, lines: list[str], entry: Entry, who: str) -> str:
    """A marking or redaction the encoder missed: the quoted words on the line become one."""
    from .model import division_blocks

    for block in division_blocks(document.text):
        if not block.first_line <= entry.line <= block.last_line:
            continue
        if _wrap(block.inlines, [block.first_line], entry, who, [0]):
            return f"Marked {entry.describe()} as a {entry.what}, which the encoder missed."
    raise _NotApplied("the words are not plain text of the document there")


def _wrap(inlines: list[Inline], line: list[int], entry: Entry, who: str, seen: list[int]) -> bool:
    for at, item in enumerate(inlines):
        if isinstance(item, Span):
            if item.kind == "linebreak":
                line[0] = int(item.attrs.get("line") or line[0] + 1)
            elif item.kind not in ("redaction", "marking") and _wrap(item.children, line, entry, who, seen):
                return True
            continue
        if line[0] != entry.line:
            continue
        start = 0
        while (found := item.find(entry.quote, start)) >= 0:
            seen[0] += 1
            if seen[0] == entry.occurrence:
                attrs = {"resp": who}
                if entry.what == "marking":
                    level = vocab.markings().level_for(entry.quote)
                    attrs["level"] = level.id if level else "unknown"
                span = Span(entry.what, [entry.quote], attrs)
                pieces = [item[:found], span, item[found + len(entry.quote):]]
                inlines[at:at + 1] = [piece for piece in pieces if piece != ""]
                return True
            start = found + len(entry.quote)
    return False
