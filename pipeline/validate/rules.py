"""The rules the grammar cannot say, each with a stable code.

Every rule is one row of :data:`RULES`: its code, severity, a one-line summary, the message
written for each finding (a template filled from the finding's fields, naming the fix) and the
function that finds the problems. A check function takes a :class:`Document` and yields
:class:`Finding` objects; it never formats messages or computes line numbers itself.

To add a rule: write a ``check_…`` function and add a row. Its code is the next free TP1xx;
codes are never reused, so CI configurations and documentation that cite them stay right.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from .. import TEI_NS, XML_NS, vocab
from . import printed_dates
from .profile import Profile
from .report import ERROR, WARNING, Problem
from .safe_xml import SourceText

NS = {"t": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"

#: URI schemes that are real protocols, not private prefixes to be declared in listPrefixDef.
KNOWN_SCHEMES = frozenset({"http", "https", "urn", "mailto", "ftp", "file", "data", "doi", "info", "tag"})

#: What a pointer from (element, attribute) must lead to, where that is fixed.
EXPECTED_TARGETS = {
    ("persName", "ref"): {"person"},
    ("placeName", "ref"): {"place"},
    ("orgName", "ref"): {"org"},
    ("affiliation", "ref"): {"org"},
    ("catRef", "target"): {"category"},
    ("catRef", "scheme"): {"taxonomy"},
    ("keywords", "scheme"): {"taxonomy"},
}

_ATTRIBUTES_WITH_EXPECTED_TARGETS = {attribute for _, attribute in EXPECTED_TARGETS}

_ALL_IDS = etree.XPath("//@xml:id", namespaces={"xml": XML_NS})
_SECURITY_CATREFS = etree.XPath(
    "/t:TEI/t:teiHeader/t:profileDesc/t:textClass/t:catRef"
    "[substring(@scheme, string-length(@scheme) - 8) = '.security']", namespaces=NS)
_OUTER_DELS = etree.XPath(".//t:del[not(ancestor::t:del)]", namespaces=NS)
_SOURCE_BIBL = etree.XPath("/t:TEI/t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl", namespaces=NS)
_PREFIX_IDENTS = etree.XPath("/t:TEI/t:teiHeader/t:encodingDesc/t:listPrefixDef//t:prefixDef/@ident",
                             namespaces=NS)
_CATREFS = etree.XPath("/t:TEI/t:teiHeader/t:profileDesc/t:textClass/t:catRef", namespaces=NS)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")

_TEI, _TEXT, _STAMP, _GAP, _TAXONOMY, _CATEGORY, _CLASS_DECL, _FLOATING_TEXT, _DIV, _DEL, _IDNO = (
    f"{{{TEI_NS}}}{name}" for name in ("TEI", "text", "stamp", "gap", "taxonomy", "category", "classDecl",
                                      "floatingText", "div", "del", "idno"))
#: The elements whose @when is compared with the date they print (TP108).
_DATED_TAGS = frozenset(f"{{{TEI_NS}}}{name}" for name in ("date", "stamp", "birth", "death"))
#: What XPath's normalize-space() removes: XML's whitespace, not all of Unicode's.
_XML_SPACE = " \t\r\n"


def local_name(element) -> str:
    tag = element.tag
    return tag[tag.index("}") + 1:] if tag.startswith("{") else tag


@lru_cache(maxsize=1024)
def _expected_targets(tag: str, attribute: str) -> set[str] | None:
    """What a pointer in ``attribute`` of an element named ``tag`` must lead to (:data:`EXPECTED_TARGETS`)."""
    return EXPECTED_TARGETS.get((tag[tag.index("}") + 1:] if tag.startswith("{") else tag, attribute))


class Pointer(NamedTuple):
    """One URI of a pointer attribute, taken apart once: ``#id`` (local), ``file#id`` (into
    another file, such as ``authority.xml#pers-stalin``) or ``prefix:rest`` (a URI scheme or a
    private prefix such as ``src:line=4,5``)."""

    element: etree._Element
    attribute: str
    uri: str
    scheme: str | None  # "src", "https"…
    file: str | None  # "authority.xml"
    fragment: str | None  # the id after "#", for a local pointer or one into another file

    @classmethod
    def read(cls, element, attribute: str, uri: str) -> "Pointer":
        if uri[0] == "#":
            return cls(element, attribute, uri, None, None, uri[1:])
        scheme = _SCHEME.match(uri) if ":" in uri else None
        if scheme:
            return cls(element, attribute, uri, scheme.group(1).lower(), None, None)
        file_part, _, fragment = uri.partition("#")
        return cls(element, attribute, uri, None, file_part or None, fragment or None)

    @property
    def is_local(self) -> bool:
        return self.file is None and self.scheme is None and self.fragment is not None

    @property
    def into_file(self) -> bool:
        return self.file is not None and self.fragment is not None


class NotKnownHere(Exception):
    """A rule needs a file that :class:`KnownFiles` does not tell of: check the document where
    the files are."""


@dataclass(frozen=True)
class KnownFiles:
    """What the rules would read from other files, given instead of the files: the SHA-256 of
    sources by file name, in a folder named ``seeds_name`` (TP110), and the ids of the files
    pointed at by name relative to the document (``authority.xml``: xml:id -> element name, or
    None for a file that is missing or not well-formed), and the names of the review files
    (``<stem>.toml``, which TP115 reads with the source). A rule that needs a file not named
    here, or a review file, raises :class:`NotKnownHere`."""

    seeds_name: str | None = "seeds"  # None: there are no sources to compare with
    digests: dict[str, str | None] = field(default_factory=dict)
    targets: dict[str, dict[str, str] | None] = field(default_factory=dict)
    reviews: frozenset[str] = frozenset()  # the names of the editors' review files (TP115)


class Document:
    """A parsed document with the indexes the rules share, built once.

    One walk of the elements in Python collects what most rules need (the ids, the pointers
    taken apart and sorted by kind, the elements with a printed date), and one walk in libxml2
    the few elements some rules look at by name (gaps, stamps): a rule then reads its lists
    instead of searching the tree again."""

    def __init__(self, path: Path, tree, source: SourceText, profile: Profile, seeds: Path | None,
                 review: Path | None = None, known: KnownFiles | None = None):
        self.path = path
        self.tree = tree
        self.root = root = tree.getroot()
        self.source = source
        self.profile = profile
        self.seeds = seeds
        self.review = review  # the editors' review files (review/<stem>.toml)
        self.known = known
        self.id = root.get(XML_ID, "")
        #: xml:id -> the elements that declare it, in document order.
        self.ids: dict[str, list[etree._Element]] = {}
        #: Every URI of a pointer attribute (profile.pointer_attributes), in document order,
        #: and the same sorted by kind: ``#id``, ``file#id`` and ``prefix:rest``.
        self.pointers: list[Pointer] = []
        self.local_pointers: list[Pointer] = []
        self.file_pointers: list[Pointer] = []
        self.prefixed_pointers: list[Pointer] = []
        #: The elements whose @when TP108 compares with the date they print, in document order.
        self.dated: list[etree._Element] = []
        #: The security taxonomies of the classification declarations (TP112), in document order.
        self.security_taxonomies: list[etree._Element] = []
        self._index(root, profile.pointer_attributes)
        self._files: dict[str, dict[str, str] | None] = {}
        self._levels: dict = {}
        self._stamps: list | None = None
        self._gaps: list | None = None
        self._source_bibls: list | None = None
        #: Every other file the rules read for this document, with its SHA-256 then (None: it
        #: was missing): the document's result holds as long as they stay the same.
        self.reads: dict[str, str | None] = {}

    def _index(self, root, names: frozenset[str]) -> None:
        """One walk of the elements (lxml's ``items()`` costs less per element than libxml2's
        XPath walks, one per attribute name, would)."""
        ids, pointers = self.ids, self.pointers
        local, into_file, prefixed = self.local_pointers, self.file_pointers, self.prefixed_pointers
        scheme_of = _SCHEME.match
        new = tuple.__new__  # Pointer(...) without its Python-level __new__: dozens per document
        for element in root.iter(etree.Element):
            items = element.items()
            if not items:
                continue
            for name, value in items:
                if name in names:
                    for uri in value.split():  # Pointer.read, inlined, and each sorted by kind
                        if uri[0] == "#":
                            pointer = new(Pointer, (element, name, uri, None, None, uri[1:]))
                            local.append(pointer)
                        else:
                            scheme = scheme_of(uri) if ":" in uri else None
                            if scheme:
                                pointer = new(Pointer, (element, name, uri, scheme.group(1).lower(), None, None))
                                prefixed.append(pointer)
                            else:
                                file_part, _, fragment = uri.partition("#")  # uri[0] is not "#"
                                pointer = new(Pointer, (element, name, uri, None, file_part, fragment or None))
                                if fragment:
                                    into_file.append(pointer)
                        pointers.append(pointer)
                    if name == "when" and element.tag in _DATED_TAGS:  # a profile could make it a pointer
                        self.dated.append(element)
                elif name == XML_ID:
                    if value in ids:
                        ids[value].append(element)
                    else:
                        ids[value] = [element]
                    if value.endswith(".security") and element.tag == _TAXONOMY and _in_class_decl(element):
                        self.security_taxonomies.append(element)
                elif name == "when" and element.tag in _DATED_TAGS:
                    self.dated.append(element)

    def depends_on(self, path: Path) -> None:
        """Note that a rule read (or looked for) the file at ``path``."""
        name = str(path)
        if name not in self.reads:
            self.reads[name] = sha256_of(name)

    def targets_in(self, file: str) -> dict[str, str] | None:
        """xml:id -> element name in ``file`` (relative to this document), or None when it is
        missing or unreadable."""
        if file not in self._files:
            if self.known is not None:
                if file not in self.known.targets:
                    raise NotKnownHere(file)
                self._files[file] = self.known.targets[file]
            elif _beside(file):
                where = self.path.parent / file
                self._files[file] = targets_in_file(where)
                self.depends_on(where)
            else:
                self._files[file] = None
        return self._files[file]

    @property
    def repeated_ids(self) -> frozenset[str]:
        return frozenset(value for value, elements in self.ids.items() if len(elements) > 1)

    @property
    def has_text(self) -> bool:
        return self.root.tag == _TEI and next(self.root.iterchildren(_TEXT), None) is not None

    @property
    def classification_stamps(self) -> list:
        """The classification stamps of the text outside embedded documents, in document order:
        ``/TEI/text//stamp[@type='classification']``, neither in a floatingText nor in an
        enclosure."""
        if self._stamps is None:
            self._collect_by_name()
        return self._stamps

    @property
    def gaps_with_text(self) -> list:
        """The gaps with a text node that is not blank (XML's whitespace), in document order."""
        if self._gaps is None:
            self._collect_by_name()
        return self._gaps

    def _collect_by_name(self) -> None:
        root = self.root
        self._stamps, self._gaps = [], []
        for element in root.iter(_STAMP, _GAP):
            if element.tag == _GAP:
                if any(text.strip(_XML_SPACE) for text in (element.text, *(child.tail for child in element)) if text):
                    self._gaps.append(element)
            elif element.get("type") == "classification" and root.tag == _TEI:
                above = list(element.iterancestors())
                if len(above) >= 2 and above[-2].tag == _TEXT and not any(
                        a.tag == _FLOATING_TEXT or (a.tag == _DIV and a.get("type") == "enclosure") for a in above):
                    self._stamps.append(element)

    @property
    def source_bibls(self) -> list:
        """``/TEI/teiHeader/fileDesc/sourceDesc/bibl``."""
        if self._source_bibls is None:
            self._source_bibls = _SOURCE_BIBL(self.tree)
        return self._source_bibls

    def stamp_level(self, stamp) -> str | None:
        """:func:`_stamp_level` of ``stamp``, worked out once per stamp."""
        if stamp not in self._levels:
            self._levels[stamp] = _stamp_level(self, stamp)
        return self._levels[stamp]

    def level_of_category(self, category_id: str) -> str:
        """``secret`` for the category ``doc-000_….secret``."""
        prefix = self.id + "."
        return category_id[len(prefix):] if category_id.startswith(prefix) else category_id.rsplit(".", 1)[-1]


def _in_class_decl(element) -> bool:
    return any(above.tag == _CLASS_DECL for above in element.iterancestors())


@dataclass(frozen=True)
class Finding:
    """A problem found by a rule: where (an element, optionally one of its attributes) and the
    fields that fill the rule's message."""

    element: etree._Element
    attribute: str | None = None
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str
    message: str
    check: Callable[[Document], Iterable[Finding]]
    help: str = ""  # what to do about it, in general (the message says it for the case at hand)


# --- the checks ---------------------------------------------------------------------------------


def check_local_pointers(doc: Document) -> Iterator[Finding]:
    ids = doc.ids
    for pointer in doc.local_pointers:
        if pointer.fragment not in ids:
            yield Finding(pointer.element, pointer.attribute, {"uri": pointer.uri, "attribute": pointer.attribute})


def check_file_pointers(doc: Document) -> Iterator[Finding]:
    for pointer in doc.file_pointers:
        file_part, fragment = pointer.file, pointer.fragment
        ids = doc._files[file_part] if file_part in doc._files else doc.targets_in(file_part)
        if ids is None:
            yield Finding(pointer.element, pointer.attribute,
                          {"uri": pointer.uri, "reason": f"{file_part} is missing or is not readable XML "
                                                        f"beside {doc.path.name}"})
        elif fragment not in ids:
            yield Finding(pointer.element, pointer.attribute,
                          {"uri": pointer.uri, "reason": f"{file_part} has no xml:id {fragment!r}"})


def check_repeated_ids(doc: Document) -> Iterator[Finding]:
    for value, elements in doc.ids.items():
        if len(elements) == 1:
            continue
        first_line = elements[0].sourceline
        for element in elements[1:]:
            yield Finding(element, "xml:id", {"id": value, "where": f"line {first_line} of this document"})


def check_id_prefix(doc: Document) -> Iterator[Finding]:
    if not doc.id or not doc.has_text:
        return
    prefix = doc.id + "."
    for value, elements in doc.ids.items():
        if value != doc.id and not value.startswith(prefix):
            yield Finding(elements[0], "xml:id", {"id": value, "prefix": prefix})


def check_classification(doc: Document) -> Iterator[Finding]:
    stamps = doc.classification_stamps
    if not stamps:
        return
    unstruck = [stamp for stamp in stamps if not _is_struck(stamp)]
    # The markings in force are the unstruck ones; a document whose markings are all struck
    # through is compared with those. A marking that cannot be read is TP106's business.
    compared = [(stamp, level) for stamp in (unstruck or stamps) if (level := doc.stamp_level(stamp))]
    if not compared:
        return
    levels = sorted({level for _, level in compared})

    def stamped() -> str:  # (written only for a finding)
        printed = "; ".join(f"{' '.join(''.join(s.itertext()).split())!r} (line {s.sourceline})" for s, _ in compared)
        return f"the {'unstruck ' if unstruck else ''}classification stamps read {printed}"

    catrefs = [c for c in _SECURITY_CATREFS(doc.tree) if not _from_catalogue(doc, c)]
    if not catrefs:
        yield Finding(compared[0][0], None, {
            "header": "no security classification",
            "stamps": stamped(),
            "fix": "add a catRef with @scheme pointing at the .security taxonomy"})
        return
    for catref in catrefs:
        header = [doc.level_of_category(uri[1:]) for uri in catref.get("target", "").split() if uri.startswith("#")]
        if header and not set(header) & set(levels):
            yield Finding(catref, "target", {
                "header": f"the classification {' '.join(header)!r}",
                "stamps": stamped(),
                "fix": f"point catRef/@target at #{doc.id}.{levels[0]}" + (" (or another stamped level)" if len(levels) > 1 else "")
                       + ", or correct the stamp"})


def _from_catalogue(doc: Document, element) -> bool:
    """Whether a header element states what the archive's catalogue says (@source pointing at
    the document's catalogue record)."""
    return f"#{doc.id}.catalogue" in (element.get("source") or "").split()


_CATALOGUE_FACTS = etree.XPath(
    "/t:TEI/t:teiHeader/t:profileDesc//t:correspAction/*[@source] | "
    "/t:TEI/t:teiHeader/t:profileDesc/t:textClass/t:catRef[@source] | "
    "/t:TEI/t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl[not(@type)]/*[@source]", namespaces=NS)
_FACT_NAMES = {"persName": "sender or recipient", "orgName": "sender or recipient", "date": "date",
               "placeName": "place", "catRef": "classification", "idno": "number"}


def _fact_text(element) -> str:
    if local_name(element) == "catRef":
        return element.get("target", "").rsplit(".", 1)[-1]
    return element.get("when") or " ".join("".join(element.itertext()).split())


def check_catalogue_agrees(doc: Document) -> Iterator[Finding]:
    if "source" in doc.profile.pointer_attributes:  # then a fact from the catalogue is a pointer of ours
        record = f"{doc.id}.catalogue"
        if not any(p.fragment == record and p.attribute == "source" for p in doc.local_pointers):
            return
    for element in _CATALOGUE_FACTS(doc.tree):
        if not _from_catalogue(doc, element):
            continue
        parent, name = element.getparent(), local_name(element)
        names = {"persName", "orgName"} if name in ("persName", "orgName") else {name}
        texts = [e for e in parent if isinstance(e.tag, str) and local_name(e) in names and not _from_catalogue(doc, e)
                 and e.get("type") != "release"
                 and (name != "catRef" or (e.get("scheme") == element.get("scheme")
                                           and not e.get("target", "").endswith(".unmarked")))]
        if texts:
            yield Finding(element, None, {"fact": _FACT_NAMES.get(name, name), "catalogue": _fact_text(element),
                                          "text": "; ".join(_fact_text(e) for e in texts)})


def check_stamp_wording(doc: Document) -> Iterator[Finding]:
    for stamp in doc.classification_stamps:
        if doc.stamp_level(stamp) is None:
            yield Finding(stamp, None, {"text": " ".join("".join(stamp.itertext()).split())})


def check_target_kinds(doc: Document) -> Iterator[Finding]:
    ids, files = doc.ids, doc._files
    element = tag = None
    for pointer in doc.pointers:
        if pointer.attribute not in _ATTRIBUTES_WITH_EXPECTED_TARGETS or pointer.scheme:
            continue
        if pointer.element is not element:  # the pointers of one element come together
            element, tag = pointer.element, pointer.element.tag
        expected = _expected_targets(tag, pointer.attribute)
        if expected is None or pointer.fragment is None:
            continue
        if pointer.file is None:  # #id
            found = ids.get(pointer.fragment)
            kind = local_name(found[0]) if found else None
        else:
            targets = files[pointer.file] if pointer.file in files else doc.targets_in(pointer.file)
            kind = (targets or {}).get(pointer.fragment)
        if kind is not None and kind not in expected:
            yield Finding(pointer.element, pointer.attribute, {
                "uri": pointer.uri, "kind": kind, "expected": " or ".join(sorted(expected))})


def check_printed_dates(doc: Document) -> Iterator[Finding]:
    for element in doc.dated:
        when = element.get("when")
        dates = printed_dates.find_dates("".join(element.itertext()))
        if len(dates) != 1:  # no date printed, or several: nothing unambiguous to compare
            continue
        if printed_dates.agrees(dates[0], when) is False:
            yield Finding(element, "when", {"when": when, "printed": dates[0].text})


def check_gap_text(doc: Document) -> Iterator[Finding]:
    for gap in doc.gaps_with_text:
        text = " ".join(" ".join(gap.xpath("text()")).split())
        yield Finding(gap, None, {"text": text})


def check_source_digest(doc: Document) -> Iterator[Finding]:
    if doc.seeds is None if doc.known is None else doc.known.seeds_name is None:
        return
    for bibl in doc.source_bibls:
        digest = _idno(bibl, "sha256")
        name = _idno(bibl, "filename")
        name = None if name is None else name.text or ""  # (findtext)
        if digest is None or not name:
            continue
        base = Path(name.strip()).name  # the base name only: never leave seeds/
        if doc.known is not None:
            if base not in doc.known.digests:
                raise NotKnownHere(base)
            actual, folder = doc.known.digests[base], doc.known.seeds_name
        else:
            source = doc.seeds / base
            actual, folder = sha256_of(source), doc.seeds.name
            doc.depends_on(source)
        if actual is not None and actual != (digest.text or "").strip().lower():
            yield Finding(digest, None, {"file": f"{folder}/{base}", "actual": actual,
                                         "recorded": (digest.text or "").strip()})


def _idno(bibl, kind: str):
    """``bibl.find("t:idno[@type=kind]")``, without ElementPath."""
    return next((idno for idno in bibl.iterchildren(_IDNO) if idno.get("type") == kind), None)


def check_review_anchors(doc: Document) -> Iterator[Finding]:
    """Each entry of the document's review file must quote text its source still has."""
    if doc.known is not None:  # the review files and the sources are where the build is
        for bibl in doc.source_bibls:
            name = (bibl.findtext("t:idno[@type='filename']", namespaces=NS) or "").strip()
            if name.lower().endswith(".txt") and f"{Path(name).name[:-4]}.toml" in doc.known.reviews:
                raise NotKnownHere(f"{Path(name).name[:-4]}.toml")
        return
    if doc.seeds is None or doc.review is None:
        return
    from ..corrections import ReviewError, anchored, load, review_path  # (loaded only when there are reviews)

    for bibl in doc.source_bibls:
        element = bibl.find("t:idno[@type='filename']", NS)
        name = (element.text or "").strip() if element is not None else ""
        if not name.lower().endswith(".txt"):
            continue
        review = review_path(doc.review, Path(name).name[:-4])
        doc.depends_on(review)
        doc.depends_on(doc.seeds / Path(name).name)
        try:
            entries = load(review)
            text = (doc.seeds / Path(name).name).read_text(encoding="utf-8")
        except (ReviewError, OSError, UnicodeDecodeError):
            continue  # the encoder reports a review file it cannot read; TP110 a missing source
        from ..source import normalise

        lines = normalise(text)[0].split("\n")
        for entry in entries:
            if not anchored(entry, lines):
                yield Finding(element, None, {"file": f"{doc.review.name}/{review.name}", "entry": entry.describe(),
                                              "line": entry.line, "quote": entry.quote})


def check_catref_taxonomy(doc: Document) -> Iterator[Finding]:
    for catref in _CATREFS(doc.tree):
        scheme = catref.get("scheme", "")
        taxonomy = doc.ids.get(scheme[1:]) if scheme.startswith("#") else None
        if not taxonomy:
            continue  # TP101 or TP102 reports the pointer
        for uri in catref.get("target", "").split():
            category = doc.ids.get(uri[1:]) if uri.startswith("#") else None
            if category and local_name(category[0]) == "category" and taxonomy[0] not in category[0].iterancestors():
                yield Finding(catref, "target", {"uri": uri, "scheme": scheme})


def check_security_levels(doc: Document) -> Iterator[Finding]:
    if not doc.security_taxonomies:
        return
    known = doc.profile.vocabulary("teipipe.classificationLevel")
    for taxonomy in doc.security_taxonomies:
        for category in taxonomy.iterchildren(_CATEGORY):
            level = doc.level_of_category(category.get(XML_ID, ""))
            if level not in known:
                yield Finding(category, "xml:id", {"level": level, "known": ", ".join(known)})


def check_uri_prefixes(doc: Document) -> Iterator[Finding]:
    if not doc.prefixed_pointers:
        return
    declared = {str(ident) for ident in _PREFIX_IDENTS(doc.tree)}
    for pointer in doc.prefixed_pointers:
        scheme = pointer.scheme
        if scheme and scheme not in declared and scheme not in KNOWN_SCHEMES:
            yield Finding(pointer.element, pointer.attribute, {"uri": pointer.uri, "prefix": scheme})


# --- helpers --------------------------------------------------------------------------------------


def _is_struck(stamp) -> bool:
    """True when all the text of a stamp is struck through (inside del)."""
    if next(stamp.iterdescendants(_DEL), None) is None:
        return False
    struck = "".join(text for deleted in _OUTER_DELS(stamp) for text in deleted.itertext())
    return bool(struck.strip()) and "".join(struck.split()) == "".join("".join(stamp.itertext()).split())


@lru_cache(maxsize=1)
def _level_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """A pattern for every printed wording of a classification level, and wording -> level id."""
    by_wording = {}
    for level in vocab.markings().levels:
        for wording in level.wordings:
            by_wording[" ".join(wording.lower().replace("-", " ").split())] = level.id
    pattern = re.compile(r"(?<!\w)" + vocab.phrase_pattern(by_wording) + r"(?!\w)")
    return pattern, by_wording


def _stamp_level(doc: Document, stamp) -> str | None:
    """The level a classification stamp prints, or, when its wording is not known, the level
    the encoder or an editor recorded in @ana."""
    pattern, by_wording = _level_pattern()
    text = " ".join("".join(stamp.itertext()).lower().replace("-", " ").split())
    match = pattern.search(text)
    if match:
        return by_wording[" ".join(match.group().split())]
    for uri in stamp.get("ana", "").split():
        if uri.startswith("#") and uri[1:] in doc.ids:
            return doc.level_of_category(uri[1:])
    return None


#: The largest file a pointer or a header may make the validator read (an authority file, a source).
MAX_REFERENCED_FILE = 64 * 1024 * 1024


#: While a batch is checked in a thread (:func:`one_batch`), its ``stats``: file name ->
#: :func:`_stat_key`, each file the rules read looked at once for the whole batch.
_batch = threading.local()


@contextmanager
def one_batch():
    """Within this block, each file the rules read (the authority file, a source) is looked at
    once by this thread: the documents it checks meanwhile see one version of it."""
    outer = getattr(_batch, "stats", None)
    if outer is None:
        _batch.stats = {}
    try:
        yield
    finally:
        _batch.stats = outer


def _stat_key(path: Path | str) -> tuple[str, int, int] | None:
    """What identifies a version of a file, or None unless it is a regular file of a sane size.

    A pointer in an untrusted document may name any path ("/dev/zero#x"): only regular files
    are read, so a device, a pipe or a huge file cannot stall the validator."""
    name = str(path)
    memo = getattr(_batch, "stats", None)
    if memo is not None and name in memo:
        return memo[name]
    try:
        status = os.stat(name)
    except (OSError, ValueError):
        key = None
    else:
        key = (name, status.st_mtime_ns, status.st_size) if stat.S_ISREG(status.st_mode) and \
            status.st_size <= MAX_REFERENCED_FILE else None
    if memo is not None:
        memo[name] = key
    return key


def targets_beside(folder: Path, file: str) -> dict[str, str] | None:
    """:func:`targets_in_file` for ``file`` in ``folder``, the folder of the document pointing
    at it. Only a file of that folder is read: a pointer to another folder (``/etc/x.xml``,
    ``../x.xml``, ``sub/x.xml``) leads nowhere, so that checking a document (in a bag, say)
    never reads a file outside its folder."""
    return targets_in_file(folder / file) if _beside(file) else None


def _beside(file: str) -> bool:
    """Whether ``file`` names a file of the document's own folder."""
    return bool(file) and file not in (".", "..") and not any(c in file for c in "/\\\0")


def targets_in_file(path: Path) -> dict[str, str] | None:
    """xml:id -> element name for the XML file at ``path`` (the authority file), read once per
    version of the file; None when it is missing or not well-formed."""
    key = _stat_key(path)
    return None if key is None else _targets_in_file(key)


@lru_cache(maxsize=64)
def _targets_in_file(key: tuple[str, int, int]) -> dict[str, str] | None:
    from .safe_xml import parse  # a file pointed at is as untrusted as any other

    try:
        data = Path(key[0]).read_bytes()
    except OSError:
        return None
    parsed = parse(key[0], data)
    if parsed.tree is None:
        return None
    return {str(value): local_name(value.getparent()) for value in _ALL_IDS(parsed.tree)}


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a file in hex, computed once per version of the file; None when absent."""
    key = _stat_key(path)
    return None if key is None else _sha256_of(key)


@lru_cache(maxsize=4096)
def _sha256_of(key: tuple[str, int, int]) -> str | None:
    try:
        return hashlib.sha256(Path(key[0]).read_bytes()).hexdigest()
    except OSError:
        return None


# --- the table --------------------------------------------------------------------------------------

RULES = (
    Rule("TP101", ERROR, "a pointer into the document does not resolve",
         "{attribute}={uri!r} points at no xml:id in this document: add the id, or correct the pointer",
         check_local_pointers,
         "add the id, or correct the pointer"),
    Rule("TP102", ERROR, "a pointer into another file (the authority file) does not resolve",
         "{uri!r} does not resolve: {reason}; add the entry to that file, or correct the pointer",
         check_file_pointers,
         "add the entry to that file, or correct the pointer"),
    Rule("TP103", ERROR, "an xml:id is declared twice, in one document or across the corpus",
         "xml:id {id!r} is already declared at {where}: ids must be unique across the corpus; "
         "rename one of them (and the pointers to it)",
         check_repeated_ids,
         "rename one of them (and the pointers to it)"),
    Rule("TP104", WARNING, "an xml:id does not start with the document's id",
         "xml:id {id!r} does not start with {prefix!r}: prefix it, so that it stays unique across the corpus",
         check_id_prefix,
         "prefix it with the document's id and a dot"),
    Rule("TP105", ERROR, "the header's security classification disagrees with the classification stamps",
         "the header gives {header} but {stamps}: {fix}",
         check_classification,
         "point catRef/@target at the stamped level, or correct the stamp"),
    Rule("TP106", WARNING, "a classification stamp's wording names no known level",
         "the classification stamp {text!r} names no known level: add its wording to "
         "pipeline/vocab/markings.toml, or give the level in @ana",
         check_stamp_wording,
         "add the wording to pipeline/vocab/markings.toml, or give the level in @ana"),
    Rule("TP107", ERROR, "a pointer leads to the wrong kind of element",
         "{uri!r} leads to a <{kind}>, but this attribute must lead to a <{expected}>: point it at the right entry",
         check_target_kinds,
         "point it at the right entry"),
    Rule("TP108", WARNING, "@when disagrees with the date printed in the element",
         "@when={when!r} does not fit the printed date {printed!r} under any reading: correct @when "
         "(or, if the original misprints the date, confirm it and ignore this warning)",
         check_printed_dates,
         "correct @when (an original may misprint a date: hence a warning)"),
    Rule("TP109", ERROR, "a gap holds text",
         "the gap holds the text {text!r}: a gap may hold only desc; move the printed form into "
         "<desc> inside the gap",
         check_gap_text,
         "move the printed form into desc inside the gap"),
    Rule("TP110", ERROR, "the source's SHA-256 in the header does not match the file in seeds/",
         "{file} has SHA-256 {actual}, the header records {recorded}: the source changed since it was "
         "encoded; run teipipe convert again (or restore the source)",
         check_source_digest,
         "run teipipe convert again, or restore the source"),
    Rule("TP111", ERROR, "a catRef points at a category outside the taxonomy named by its @scheme",
         "target {uri!r} is not a category of the taxonomy {scheme!r}: point @target at one of its "
         "categories, or correct @scheme",
         check_catref_taxonomy,
         "point @target at one of its categories, or correct @scheme"),
    Rule("TP112", ERROR, "a category of the security taxonomy names no known classification level",
         "the security category {level!r} is no known classification level: use one of {known} "
         "(pipeline/schema/teipipe.xsd, teipipe.classificationLevel)",
         check_security_levels,
         "use a level of teipipe.classificationLevel"),
    Rule("TP113", ERROR, "a pointer uses a private URI prefix that listPrefixDef does not declare",
         "{uri!r} uses the prefix {prefix!r}:, which no prefixDef in the header declares: declare it "
         "in encodingDesc/listPrefixDef, or correct the pointer",
         check_uri_prefixes,
         "declare the prefix in encodingDesc/listPrefixDef, or correct the pointer"),
    Rule("TP114", WARNING, "the archive's catalogue and the text disagree on a header fact",
         "the catalogue gives the {fact} {catalogue!r}, the text {text!r}: both are kept; check the "
         "source and correct the catalogue or the text's reading",
         check_catalogue_agrees,
         "check the source, and correct the catalogue or the text's reading"),
    Rule("TP115", WARNING, "an editor's correction is anchored to source text that is no longer there",
         "{file}: {entry} no longer exists in the source (line {line} does not read “{quote}”): the "
         "editor's entry is not applied",
         check_review_anchors,
         "review the document again (teipipe review), or edit the entry in review/<stem>.toml"),
)

CODES = RULES


def run_rules(doc: Document, path: str) -> list[Problem]:
    """The problems every rule finds in ``doc``, located in its source."""
    problems = []
    for rule in RULES:
        for finding in rule.check(doc):
            if finding.attribute:
                line, column = doc.source.attribute_position(finding.element, finding.attribute)
            else:
                line, column = doc.source.position(finding.element)
            problems.append(Problem(path, line, column, rule.code, rule.severity,
                                    rule.message.format(**finding.fields)))
    return problems
