"""The authority file: the people, places and organisations that documents name.

``tei/authority.xml`` is a TEI document whose ``standOff`` holds a ``listPerson``, a
``listPlace`` and a ``listOrg``. It is seeded from ``vocab/persons.toml``, ``vocab/places.toml`` and
``vocab/organisations.toml`` (names, pseudonyms, variant spellings, Wikidata ids, dates of life) and grows as documents are encoded: a sender, recipient or
signer the file does not know yet is added, marked as not yet reviewed. Entries an editor has
written or corrected by hand in ``tei/authority.xml`` are kept as they are and are used for
matching.

Documents point at entries with ``@ref="authority.xml#pers-stalin"``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from . import TEI_NS, XML_NS, vocab

FILE_NAME = "authority.xml"
PREFIX = {"person": "pers-", "place": "place-", "org": "org-"}
LIST_OF = {"person": "listPerson", "place": "listPlace", "org": "listOrg"}
NAME_OF = {"person": "persName", "place": "placeName", "org": "orgName"}


@dataclass
class Entry:
    kind: str  # person, place, org
    id: str  # xml:id, with its prefix
    names: list[str]
    pseudonyms: list[str] = field(default_factory=list)
    wikidata: str | None = None
    note: str | None = None
    reviewed: bool = True
    birth: str | None = None  # ISO date or year
    death: str | None = None


def name_key(name: str) -> str:
    """A name reduced for matching: case, accents, honorifics and punctuation ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace(".", " ").replace(",", " ")
    words = text.split()
    honorifics = _honorifics()
    while words and words[0] in honorifics:
        words.pop(0)
    return " ".join(words)


@cache
def _honorifics() -> frozenset[str]:
    return frozenset(h.rstrip(".") for h in vocab.people_words()["honorifics"])


def slug(name: str) -> str:
    key = name_key(name)
    key = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    return key or "unnamed"


class Authority:
    """The entries, with indexes from name keys to ids."""

    def __init__(self, entries: list[Entry]):
        self.entries: dict[str, Entry] = {}
        self._names: dict[str, str] = {}
        self._pseudonyms: dict[str, str] = {}
        self._surnames: dict[str, set[str]] = {}
        self.added: dict[str, Entry] = {}
        for entry in entries:
            self._index(entry)

    def _index(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for name in entry.names:
            self._names.setdefault(name_key(name), entry.id)
            if entry.kind == "person":
                parts = name_key(name).split()
                if parts:
                    self._surnames.setdefault(parts[-1], set()).add(entry.id)
        for name in entry.pseudonyms:
            self._pseudonyms.setdefault(name_key(name), entry.id)

    def _is_place(self, key: str) -> bool:
        found = self._names.get(key)
        return found is not None and self.entries[found].kind == "place"

    # --- lookups ---------------------------------------------------------------------------
    def person_for_pseudonym(self, name: str) -> str | None:
        """The id of the person who used ``name`` as a pseudonym."""
        return self._pseudonyms.get(name_key(name))

    def lookup(self, name: str, kind: str | None = None, surname: bool = True) -> str | None:
        """The id of the entry named ``name`` (its main or a variant name, a pseudonym, or, with
        ``surname``, an unambiguous surname of a person)."""
        key = name_key(name)
        if not key:
            return None
        found = self._names.get(key) or self._pseudonyms.get(key)
        if found is None and surname and (kind in (None, "person")):
            parts = key.split()
            if parts and self._is_place(parts[-1]):
                return None  # "... Washington": a place is never a person's surname
            candidates = self._surnames.get(parts[-1], set()) if parts else set()
            if len(candidates) == 1 and (len(parts) == 1 or len(parts[-1]) > 3):
                found = next(iter(candidates))
        if found is not None and kind is not None and self.entries[found].kind != kind:
            return None
        return found

    def ref_for(self, name: str, kind: str, add: bool = True, surname: bool = True) -> str | None:
        """The id for ``name``, adding an unreviewed entry when it is not known yet."""
        found = self.lookup(name, kind, surname)
        if found is not None or not add:
            return found
        key = name_key(name)
        if not key or not any(ch.isalpha() for ch in key):
            return None
        if kind == "person" and self._is_place(key.split()[-1]):
            return None  # places never become persons ("To Secretary of State, Washington")
        new_id = PREFIX[kind] + slug(name)
        if new_id in self.entries:  # same slug, other kind or spelling: make it unique
            number = 2
            while f"{new_id}-{number}" in self.entries:
                number += 1
            new_id = f"{new_id}-{number}"
        self.restore(Entry(kind, new_id, [" ".join(name.split())], reviewed=False))
        return new_id

    def restore(self, entry: Entry) -> None:
        """Add ``entry`` as :meth:`ref_for` added it, in an earlier run that made the same
        lookups in the same order."""
        self._index(entry)
        self.added[entry.id] = entry

    def mark(self) -> int:
        """A point to come back to with :meth:`rollback`: how many entries were added so far."""
        return len(self.added)

    def rollback(self, mark: int) -> None:
        """Forget the entries :meth:`ref_for` added since ``mark`` (newest first), so that one
        authority can serve document after document as if each were the first."""
        while len(self.added) > mark:
            entry_id, entry = self.added.popitem()  # the newest
            del self.entries[entry_id]
            for name in entry.names:
                key = name_key(name)
                if self._names.get(key) == entry_id:
                    del self._names[key]
                parts = key.split()
                if entry.kind == "person" and parts:
                    candidates = self._surnames.get(parts[-1], set())
                    candidates.discard(entry_id)
                    if not candidates:
                        self._surnames.pop(parts[-1], None)

    # --- loading and writing ---------------------------------------------------------------
    @classmethod
    def load(cls, tei_dir: Path | None = None) -> "Authority":
        """The seed vocabulary, merged with the entries of ``tei_dir/authority.xml`` if present."""
        entries = seed_entries()
        if tei_dir is not None and (tei_dir / FILE_NAME).is_file():
            existing = read_entries(tei_dir / FILE_NAME)
            by_id = {e.id: e for e in entries}
            for entry in existing:
                by_id[entry.id] = entry
            entries = list(by_id.values())
        return cls(entries)


def seed_entries() -> list[Entry]:
    data = vocab.authority_seed()
    entries: list[Entry] = []
    for kind in ("person", "place", "org"):
        for row in data.get(kind, []):
            entries.append(Entry(kind, PREFIX[kind] + row["id"], list(row["names"]),
                                 list(row.get("pseudonyms", [])), row.get("wikidata"), row.get("note"),
                                 birth=row.get("birth"), death=row.get("death")))
    return entries


def read_entries(path: Path, data: bytes | None = None) -> list[Entry]:
    """The entries of an authority file (names, pseudonyms, Wikidata ids): the file at ``path``,
    or ``data`` as its bytes when they are given. The file is read by the safe parser of every
    TEI file (:mod:`pipeline.validate.safe_xml`); one it refuses raises ``etree.XMLSyntaxError``
    with the place and the reason (OSError when it cannot be read)."""
    from .validate import safe_xml

    parsed = safe_xml.read(path) if data is None else safe_xml.parse(str(path), data)
    if parsed.tree is None:
        problem = parsed.problems[0]
        if problem.code == "TP006":
            raise OSError(problem.message)
        raise etree.XMLSyntaxError(f"{problem.code}: {problem.message}", 0, problem.line, problem.column, str(path))
    root = parsed.tree.getroot()
    ns = {"t": TEI_NS}
    entries: list[Entry] = []
    for kind in ("person", "place", "org"):
        for element in root.iterfind(f".//t:{kind}", ns):
            ident = element.get(f"{{{XML_NS}}}id")
            if not ident:
                continue
            names, pseudonyms = [], []
            for name in element.iterfind(f"t:{NAME_OF[kind]}", ns):
                text = " ".join("".join(name.itertext()).split())
                (pseudonyms if name.get("type") == "pseudonym" else names).append(text)
            wikidata = element.findtext("t:idno[@type='wikidata']", namespaces=ns)
            note = element.findtext("t:note[@type='description']", namespaces=ns)
            reviewed = element.find("t:note[@type='status']", ns) is None
            birth = element.find("t:birth", ns)
            death = element.find("t:death", ns)
            entries.append(Entry(kind, ident, names, pseudonyms, wikidata, note, reviewed,
                                 birth.get("when") if birth is not None else None,
                                 death.get("when") if death is not None else None))
    return entries


def build_authority_tree(authority: Authority, publisher: str) -> etree._ElementTree:
    """The authority file as a TEI document: every entry, in id order within each list."""
    T = f"{{{TEI_NS}}}"
    root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    root.set(f"{{{XML_NS}}}id", "authority")
    root.set(f"{{{XML_NS}}}lang", "en")
    header = etree.SubElement(root, T + "teiHeader")
    file_desc = etree.SubElement(header, T + "fileDesc")
    title_stmt = etree.SubElement(file_desc, T + "titleStmt")
    etree.SubElement(title_stmt, T + "title").text = "Authority file: people, places and organisations"
    pub = etree.SubElement(file_desc, T + "publicationStmt")
    etree.SubElement(pub, T + "publisher").text = publisher
    source = etree.SubElement(file_desc, T + "sourceDesc")
    etree.SubElement(source, T + "p").text = (
        "Compiled by teipipe from its vocabulary of names and from the senders, recipients and "
        "signers of the encoded documents. Entries marked as not reviewed were added automatically.")
    stand_off = etree.SubElement(root, T + "standOff")
    for kind in ("person", "place", "org"):
        entries = sorted((e for e in authority.entries.values() if e.kind == kind), key=lambda e: e.id)
        if not entries:
            continue
        listing = etree.SubElement(stand_off, T + LIST_OF[kind])
        for entry in entries:
            element = etree.SubElement(listing, T + kind)
            element.set(f"{{{XML_NS}}}id", entry.id)
            for index, name in enumerate(entry.names):
                name_el = etree.SubElement(element, T + NAME_OF[kind])
                name_el.set("type", "main" if index == 0 else "variant")
                name_el.text = name
            for name in entry.pseudonyms:
                name_el = etree.SubElement(element, T + NAME_OF[kind])
                name_el.set("type", "pseudonym")
                name_el.text = name
            for event, when in (("birth", entry.birth), ("death", entry.death)):
                if when:
                    etree.SubElement(element, T + event).set("when", when)
            if entry.wikidata:
                idno = etree.SubElement(element, T + "idno")
                idno.set("type", "wikidata")
                idno.text = entry.wikidata
            if entry.note:
                note = etree.SubElement(element, T + "note")
                note.set("type", "description")
                note.text = entry.note
            if not entry.reviewed:
                note = etree.SubElement(element, T + "note")
                note.set("type", "status")
                note.text = "Added from the documents; not yet reviewed."
    return etree.ElementTree(root)
