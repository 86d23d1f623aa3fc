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
key its names were read under and the start of its ``tp:document`` (its page and the facts of
its index row the registers show); its names are kept by their parts under a number of its own
(the XML of each ``tp:name`` is made when it is read), so that the tables stay small beside the
records.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from .render import FUNCTIONS_NS, IndexRow

#: The facts of an index row that the registers show of a document.
SUMMARY_FACTS = ("title", "date", "sort-date")
SUMMARY_START = f'<tp:registers xmlns:tp="{FUNCTIONS_NS}">'

#: A document (``id``, in the rows of its names) at its position; each name as its parts, the
#: digest of each document's names of one entry, and where each id and element is named first.
_TABLES = """
    CREATE TABLE IF NOT EXISTS mentions_document (id INTEGER PRIMARY KEY, position TEXT UNIQUE, key TEXT,
                                                  xml TEXT, sort_date TEXT, page TEXT);
    CREATE TABLE IF NOT EXISTS mentions_name (document INTEGER, number INTEGER, ref TEXT, element TEXT,
                                              anchor TEXT, words TEXT, PRIMARY KEY (document, number)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS mentions_naming (ref TEXT, document INTEGER, digest BLOB,
                                                PRIMARY KEY (ref, document)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS mentions_first (ref TEXT, element TEXT, position TEXT, number INTEGER,
                                               PRIMARY KEY (ref, element)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS mentions_name_pair ON mentions_name (ref, element);
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
        document = self.database.execute(
            "INSERT INTO mentions_document (position, key, xml, sort_date, page) VALUES (?, ?, ?, ?, ?)",
            (position, key, start, row.facts.get("sort-date") or None, row.page)).lastrowid
        self.database.executemany("INSERT INTO mentions_name VALUES (?, ?, ?, ?, ?, ?)", [
            (document, number, *name[:4]) for number, name in enumerate(names)])
        by_ref: dict[str, list[str]] = {}
        for name in names:
            by_ref.setdefault(name[0], [start]).append(name_xml(*name))
        self.database.executemany("INSERT INTO mentions_naming VALUES (?, ?, ?)", [
            (ref, document, hashlib.sha256("".join(texts).encode("utf-8")).digest()) for ref, texts in by_ref.items()])
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
        found = self.database.execute("SELECT id FROM mentions_document WHERE position = ?", (position,)).fetchone()
        if found is None:
            return
        document = found[0]
        self.count -= 1
        refs = [ref for (ref,) in self.database.execute(
            "SELECT DISTINCT ref FROM mentions_name WHERE document = ?", (document,))]
        self.database.executemany("DELETE FROM mentions_naming WHERE ref = ? AND document = ?",
                                  [(ref, document) for ref in refs])
        self.database.execute("DELETE FROM mentions_name WHERE document = ?", (document,))
        self.database.execute("DELETE FROM mentions_document WHERE id = ?", (document,))
        pairs = self.database.execute("SELECT ref, element FROM mentions_first WHERE position = ?",
                                      (position,)).fetchall()
        for ref, element in pairs:  # where each id and element it was the first to name is named first now
            first = self.database.execute(
                "SELECT d.position, n.number FROM mentions_name n JOIN mentions_document d ON d.id = n.document "
                "WHERE n.ref = ? AND n.element = ? ORDER BY d.position, n.number LIMIT 1", (ref, element)).fetchone()
            if first is None:
                self.database.execute("DELETE FROM mentions_first WHERE ref = ? AND element = ?", (ref, element))
            else:
                self.database.execute("UPDATE mentions_first SET position = ?, number = ? WHERE ref = ? AND element = ?",
                                      (*first, ref, element))

    def keys(self) -> dict[str, str | None]:
        """Each position kept, in order, with the key its names were read under."""
        return dict(self.database.execute("SELECT position, key FROM mentions_document ORDER BY position"))

    def digest_of(self, ident: str) -> str:
        """A digest of what :meth:`summaries` of ``ident`` are made from (each document naming it,
        with its names of it, in the order of its list of mentions), without making them."""
        hasher = hashlib.sha256()
        for (digest,) in self.database.execute(
                "SELECT g.digest FROM mentions_naming g JOIN mentions_document d ON d.id = g.document "
                f"WHERE g.ref = ? ORDER BY {_MENTION_ORDER}", (ident,)):
            hasher.update(digest.hex().encode("ascii"))
        return hasher.hexdigest()

    def summary(self, tail: Sequence[str] = ()) -> str:
        """The summary ``registers.xsl`` reads of every document, in order, each with its names,
        followed by ``tail`` (the authority files' TEI)."""
        rows = self.database.execute(
            "SELECT d.id, d.xml, n.ref, n.element, n.anchor, n.words FROM mentions_document d "
            "LEFT JOIN mentions_name n ON n.document = d.id ORDER BY d.position, n.number")
        parts = [SUMMARY_START]
        current = None
        for document, start, *name in rows:
            if document != current:
                if current is not None:
                    parts.append("</tp:document>")
                current = document
                parts.append(start)
            if name[0] is not None:
                parts.append(name_xml(*name))
        if current is not None:
            parts.append("</tp:document>")
        parts += tail
        parts.append("</tp:registers>")
        return "".join(parts)

    def summaries(self, ident: str, documents: int) -> Iterator[str]:
        """:meth:`summary` of the documents that name ``ident``, in parts of at most
        ``documents`` documents, in the order its list of mentions gives them."""
        rows = self.database.execute(
            "SELECT d.id, d.xml, n.ref, n.element, n.anchor, n.words FROM mentions_name n "
            f"JOIN mentions_document d ON d.id = n.document WHERE n.ref = ? ORDER BY {_MENTION_ORDER}, n.number",
            (ident,))
        parts, current, count = [SUMMARY_START], None, 0
        for document, start, *name in rows:
            if document != current:
                if current is not None:
                    parts.append("</tp:document>")
                    if count == documents:
                        yield "".join(parts) + "</tp:registers>"
                        parts, count = [SUMMARY_START], 0
                current, count = document, count + 1
                parts.append(start)
            parts.append(name_xml(*name))
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
