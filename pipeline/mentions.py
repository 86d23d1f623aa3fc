"""Who names which entry, kept for the register pages: every document's index row and its names
(:func:`pipeline.registers.names_in`), as the XML the register stylesheet reads.

A register lists, for each entry of the authority file, the documents that name it and the
passages; a corpus of a hundred thousand documents names some millions of times, so the
mentions live in SQLite rather than in memory. :class:`Mentions` is either a temporary database
of its own (``teipipe render``, tests) or tables of the build's manifest
(``build/manifest.sqlite``), where they stay from build to build: a build that changes one
document replaces that document's rows and reads no other record's names.

Each document is kept under a *position*, the text its documents are ordered by (the build:
its TEI file's name; a temporary database: the order the documents were added in), with the
key its names were read under, the start of its ``tp:document`` (its page and the facts of its
index row the registers show), and each name as its ``tp:name``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from .render import FUNCTIONS_NS, IndexRow

#: The facts of an index row that the registers show of a document.
SUMMARY_FACTS = ("title", "date", "sort-date")
SUMMARY_START = f'<tp:registers xmlns:tp="{FUNCTIONS_NS}">'

_TABLES = """
    CREATE TABLE IF NOT EXISTS mentions_document (position TEXT PRIMARY KEY, key TEXT, xml TEXT,
                                                  sort_date TEXT, page TEXT);
    CREATE TABLE IF NOT EXISTS mentions_name (position TEXT, number INTEGER, ref TEXT, element TEXT, xml TEXT,
                                              PRIMARY KEY (position, number));
    CREATE TABLE IF NOT EXISTS mentions_naming (position TEXT, ref TEXT, digest TEXT, PRIMARY KEY (position, ref));
    CREATE TABLE IF NOT EXISTS mentions_first (ref TEXT, element TEXT, position TEXT, number INTEGER,
                                               PRIMARY KEY (ref, element));
    CREATE INDEX IF NOT EXISTS mentions_name_pair ON mentions_name (ref, element, position, number);
"""
#: The index the queries of one entry's documents read; a temporary database makes it once it is filled.
_INDEXES = """
    CREATE INDEX IF NOT EXISTS mentions_naming_ref ON mentions_naming (ref, position);
"""
#: The documents of one entry, in the order of its list of mentions: by sort date, the undated
#: last, then by page (SQLite compares text as Unicode code points, as the stylesheet's sort does).
_MENTION_ORDER = "coalesce(d.sort_date, '9999'), d.page, d.position"


def document_start(row: IndexRow) -> str:
    """The start of a document's ``tp:document``: its page and the facts the registers show."""
    return f"<tp:document page={attribute(row.page)}>" + "".join(
        f'<tp:fact name="{name}">{escape(row.facts[name])}</tp:fact>' for name in SUMMARY_FACTS if row.facts.get(name))


def name_xml(ident: str, element: str, anchor: str, words: str) -> str:
    """A name as ``tp:name``: the id it points at, its element, its anchor and its words."""
    return (f"<tp:name ref={attribute(ident)} element={attribute(element)} "
            f"anchor={attribute(anchor)}>{escape(words)}</tp:name>")


def escape(text: str) -> str:
    """``text`` as the content of an element (a carriage return kept as one)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attribute(value: str) -> str:
    """``value`` quoted as an attribute, read back as it is (white space other than spaces kept)."""
    return '"' + (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
                  .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")) + '"'


class Mentions:
    """The documents' index rows and names, in SQLite: a temporary database (on disk, removed
    when closed) filled with ``documents`` in order, or, with ``connection``, the tables kept in
    that database (the manifest's), which :meth:`put` and :meth:`remove` bring up to date and
    whose changes are committed with it."""

    def __init__(self, documents: Iterable[tuple[IndexRow, Sequence[Sequence[str]]]] = (),
                 connection: sqlite3.Connection | None = None) -> None:
        self.temporary = connection is None
        self.database = sqlite3.connect("") if connection is None else connection
        self.database.executescript(_TABLES)
        if not self.temporary:
            self.database.executescript(_INDEXES)
        self.count = self.database.execute("SELECT count(*) FROM mentions_document").fetchone()[0]
        self.add(documents)

    def add(self, documents: Iterable[tuple[IndexRow, Sequence[Sequence[str]]]]) -> None:
        """Keep the documents' index rows and names (:func:`names_in`), after those kept before."""
        for row, names in documents:
            self.put(f"{self.count:012d}", row, names)

    def put(self, position: str, row: IndexRow, names: Sequence[Sequence[str]], key: str | None = None) -> None:
        """Keep a document at ``position`` (in place of what was kept there) with its index row
        and names, read under ``key``."""
        self.remove(position)
        self.count += 1
        start = document_start(row)
        self.database.execute("INSERT INTO mentions_document VALUES (?, ?, ?, ?, ?)", (
            position, key, start, row.facts.get("sort-date") or None, row.page))
        xml = [name_xml(*name) for name in names]
        self.database.executemany("INSERT INTO mentions_name VALUES (?, ?, ?, ?, ?)", [
            (position, number, name[0], name[1], text) for number, (name, text) in enumerate(zip(names, xml))])
        by_ref: dict[str, list[str]] = {}
        for name, text in zip(names, xml):
            by_ref.setdefault(name[0], [start]).append(text)
        self.database.executemany("INSERT INTO mentions_naming VALUES (?, ?, ?)", [
            (position, ref, hashlib.sha256("".join(texts).encode("utf-8")).hexdigest())
            for ref, texts in by_ref.items()])
        first: dict[tuple[str, str], int] = {}
        for number, name in enumerate(names):
            first.setdefault((name[0], name[1]), number)
        self.database.executemany(
            "INSERT INTO mentions_first VALUES (?, ?, ?, ?) ON CONFLICT (ref, element) DO UPDATE SET "
            "position = excluded.position, number = excluded.number WHERE excluded.position < position "
            "OR (excluded.position = position AND excluded.number < number)",
            [(ref, element, position, number) for (ref, element), number in first.items()])

    def remove(self, position: str) -> None:
        """Forget the document at ``position`` (nothing when none is kept there)."""
        if not self.database.execute("DELETE FROM mentions_document WHERE position = ?", (position,)).rowcount:
            return
        self.count -= 1
        pairs = self.database.execute("SELECT ref, element FROM mentions_first WHERE position = ?",
                                      (position,)).fetchall()
        self.database.execute("DELETE FROM mentions_name WHERE position = ?", (position,))
        self.database.execute("DELETE FROM mentions_naming WHERE position = ?", (position,))
        for ref, element in pairs:  # where each id and element it was the first to name is named first now
            found = self.database.execute(
                "SELECT position, number FROM mentions_name WHERE ref = ? AND element = ? "
                "ORDER BY position, number LIMIT 1", (ref, element)).fetchone()
            if found is None:
                self.database.execute("DELETE FROM mentions_first WHERE ref = ? AND element = ?", (ref, element))
            else:
                self.database.execute("UPDATE mentions_first SET position = ?, number = ? WHERE ref = ? AND element = ?",
                                      (*found, ref, element))

    def keys(self) -> dict[str, str | None]:
        """Each position kept, in order, with the key its names were read under."""
        return dict(self.database.execute("SELECT position, key FROM mentions_document ORDER BY position"))

    def _indexed(self) -> None:
        if self.temporary:
            self.database.executescript(_INDEXES)

    def digest_of(self, ident: str) -> str:
        """A digest of what :meth:`summaries` of ``ident`` are made from (each document naming it,
        with its names of it, in the order of its list of mentions), without making them."""
        self._indexed()
        hasher = hashlib.sha256()
        for (digest,) in self.database.execute(
                "SELECT g.digest FROM mentions_naming g JOIN mentions_document d ON d.position = g.position "
                f"WHERE g.ref = ? ORDER BY {_MENTION_ORDER}", (ident,)):
            hasher.update(digest.encode("ascii"))
        return hasher.hexdigest()

    def summary(self, tail: Sequence[str] = ()) -> str:
        """The summary ``registers.xsl`` reads of every document, in order, each with its names,
        followed by ``tail`` (the authority files' TEI)."""
        rows = self.database.execute(
            "SELECT d.position, d.xml, n.xml FROM mentions_document d "
            "LEFT JOIN mentions_name n ON n.position = d.position ORDER BY d.position, n.number")
        parts = [SUMMARY_START]
        current = None
        for position, document, name in rows:
            if position != current:
                if current is not None:
                    parts.append("</tp:document>")
                current = position
                parts.append(document)
            if name is not None:
                parts.append(name)
        if current is not None:
            parts.append("</tp:document>")
        parts += tail
        parts.append("</tp:registers>")
        return "".join(parts)

    def summaries(self, ident: str, documents: int) -> Iterator[str]:
        """:meth:`summary` of the documents that name ``ident``, in parts of at most
        ``documents`` documents, in the order its list of mentions gives them."""
        self._indexed()
        rows = self.database.execute(
            "SELECT d.position, d.xml, n.xml FROM mentions_name n JOIN mentions_document d ON d.position = n.position "
            f"WHERE n.ref = ? ORDER BY {_MENTION_ORDER}, n.number", (ident,))
        parts, current, count = [SUMMARY_START], None, 0
        for position, document, name in rows:
            if position != current:
                if current is not None:
                    parts.append("</tp:document>")
                    if count == documents:
                        yield "".join(parts) + "</tp:registers>"
                        parts, count = [SUMMARY_START], 0
                current, count = position, count + 1
                parts.append(document)
            parts.append(name)
        if current is not None:
            parts.append("</tp:document>")
        yield "".join(parts) + "</tp:registers>"

    def named(self) -> list[list[str]]:
        """Each id the documents point at, once for each element that points at it, as names
        (``[id, element, "", ""]``) in the order first met."""
        return [[ref, element, "", ""] for ref, element in self.database.execute(
            "SELECT ref, element FROM mentions_first ORDER BY position, number")]

    def close(self) -> None:
        """Remove a temporary database (tables kept in another database stay)."""
        if self.temporary:
            self.database.close()
