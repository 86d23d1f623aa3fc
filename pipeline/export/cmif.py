"""``teipipe export cmif``: the corpus as a CMIF file, for correspSearch.

The Correspondence Metadata Interchange Format (CMIF, of the TEI Correspondence SIG) is a TEI
document whose ``profileDesc`` holds one ``correspDesc`` per letter; correspSearch harvests such
files and finds the letters of many editions by the authority URIs of their senders, recipients
and places. Each document of the corpus gives one ``correspDesc``:

* ``@ref`` the document's page in the edition (``<edition URL><stem>.html``), ``@key`` its
  ``xml:id``, ``@source`` the ``bibl`` of the edition in ``sourceDesc``;
* ``correspAction[@type='sent']`` and ``[@type='received']`` with the ``persName`` and
  ``orgName`` of the header's correspondence description (a role or a bare name becomes a
  ``persName``), its ``placeName`` and its ``date``: each name by the authority file's main name,
  ``@ref`` the Wikidata entity (``http://www.wikidata.org/entity/Q…``) when the entry has one,
  otherwise the entry in the edition's register (``<edition URL>persons.html#pers-…``); a side
  without names is ``persName`` "Unknown", as CMIF asks. Dates are CMIF's YYYY-MM-DD, YYYY-MM or
  YYYY (the day of a date and time);
* CMIF v2's ``note`` of the entities the text names (``cmif:mentionsPerson``,
  ``cmif:mentionsPlace``, ``cmif:mentionsOrganization``), from :func:`pipeline.registers.names_in`.

The file is deterministic: documents in file-name order, and the publication date is
SOURCE_DATE_EPOCH when it is set, otherwise the last change of the TEI files it is made of. A
document that cannot be read is reported with its file and place and left out; the others are
exported, and the report's exit code says that something failed.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from .. import TEI_NS, XML_NS
from ..atomic import write_atomic
from ..authority import Entry, read_entries
from ..registers import names_in, register_of
from ..render import AUTHORITY_NAME, document_paths, page_name
from ..validate import safe_xml

T = f"{{{TEI_NS}}}"
CMIF_VOCABULARY = "https://lod.academy/cmif/vocab/terms/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
#: CMIF's licence: correspSearch takes files under CC BY 4.0 only.
LICENCE = "This file is licensed under the terms of the Creative-Commons-License CC-BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: What the text names, by register, as CMIF v2 says it.
MENTIONS = {"persons": "cmif:mentionsPerson", "places": "cmif:mentionsPlace",
            "organisations": "cmif:mentionsOrganization"}
#: A date CMIF takes: YYYY-MM-DD, YYYY-MM or YYYY, at the start of a TEI date or date and time.
_CMIF_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:$|T)")
_DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")
_PARTIES = ("persName", "orgName", "name", "roleName")


@dataclass
class CmifReport:
    """What :func:`export_cmif` wrote, and what it could not export."""

    out: Path
    exported: list[Path] = field(default_factory=list)  # the documents, each one correspDesc
    errors: list[str] = field(default_factory=list)  # documents left out, or nothing written
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.written and not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


@dataclass(frozen=True)
class Edition:
    """Who publishes the CMIF file and where the edition is."""

    publisher: str
    title: str = ""  # of the index of letters; made from the publisher when empty
    url: str = ""  # the edition's pages (index.html, the documents, the registers); '' : relative links
    file_url: str = ""  # the CMIF file itself; made from ``url`` when empty
    editor: str = ""  # the person to ask about the file
    email: str = ""


def export_cmif(paths, out: Path, edition: Edition) -> CmifReport:
    """Write the CMIF file of the TEI documents ``paths`` (files or folders, the authority file
    left out) to ``out``. Pointers into the authority file are read from ``authority.xml``
    beside each document. Nothing is written when no document could be read."""
    out = Path(out)
    report = CmifReport(out)
    documents = document_paths(paths)
    entries: dict[Path, dict[str, Entry] | None] = {}
    correspondence = []
    for path in documents:
        folder = path.parent
        if folder not in entries:
            entries[folder] = _authority(folder / AUTHORITY_NAME, report)
        parsed = safe_xml.read(path)
        if parsed.tree is None or safe_xml.not_tei(parsed.tree.getroot()) is not None:
            if parsed.tree is None:
                problem = parsed.problems[0]
                where, why = f"{problem.line}:{problem.column}", f"{problem.code} {problem.message}"
            else:
                where, why = "1:1", safe_xml.not_tei(parsed.tree.getroot())
            report.errors.append(f"{path}:{where}: error: not exported: {why}")
            continue
        correspondence.append(_corresp_desc(path, parsed.tree.getroot(), entries[folder] or {}, edition, report))
        report.exported.append(path)
    if not correspondence:
        if not documents:
            report.errors.append(f"{out}: error: nothing written: no TEI documents in "
                                 f"{', '.join(str(p) for p in paths)}")
        else:
            report.errors.append(f"{out}: error: nothing written: no document could be read")
        return report
    tree = _cmif(correspondence, edition, _published(report.exported, entries))
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_atomic(out, data)
    report.written = True
    return report


def _authority(path: Path, report: CmifReport) -> dict[str, Entry] | None:
    if not path.is_file():
        return None
    try:
        return {entry.id: entry for entry in read_entries(path)}
    except (OSError, etree.XMLSyntaxError) as error:
        line, column = getattr(error, "position", (0, 0))
        report.errors.append(f"{path}:{line}:{column}: error: the authority file cannot be read ({error}); "
                             "the names of the documents beside it are exported without authority URIs")
        return None


def entity_uri(entry: Entry, register: str, edition: Edition) -> str:
    """The URI correspSearch knows an entry by: its Wikidata entity, else its register entry."""
    if entry.wikidata:
        return WIKIDATA_ENTITY + entry.wikidata.strip().rsplit("/", 1)[-1]
    return f"{edition.url}{register}.html#{entry.id}"


def cmif_date(date: etree._Element) -> dict[str, str]:
    """The dating attributes of a TEI date that CMIF takes, each as YYYY-MM-DD, YYYY-MM or YYYY."""
    found = {}
    for name in _DATE_ATTRIBUTES:
        match = _CMIF_DATE.match((date.get(name) or "").strip())
        if match:
            found[name] = match.group(1)
    return found


def _words(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _resolved(element: etree._Element, entries: dict[str, Entry], path: Path, report: CmifReport) -> Entry | None:
    """The authority entry a name points at; a pointer to none is reported."""
    from ..registers import authority_ids

    for ident in authority_ids(element):
        if ident in entries:
            return entries[ident]
        report.warnings.append(f"{path}:{element.sourceline}: warning: {element.get('ref')} is not in the "
                               "authority file: exported without an authority URI")
    return None


def _corresp_desc(path: Path, root: etree._Element, entries: dict[str, Entry], edition: Edition,
                  report: CmifReport) -> etree._Element:
    desc = etree.Element(T + "correspDesc")
    ident = root.get(f"{{{XML_NS}}}id")
    if ident:
        desc.set("key", ident)
    desc.set("ref", edition.url + page_name(path))
    desc.set("source", "#" + bibl_id(edition))
    actions = root.findall(f"{T}teiHeader/{T}profileDesc/{T}correspDesc/{T}correspAction")
    for kind in ("sent", "received"):
        action = etree.SubElement(desc, T + "correspAction", type=kind)
        theirs = [a for a in actions if a.get("type") == kind]
        parties = [c for a in theirs for c in a if isinstance(c.tag, str) and etree.QName(c).localname in _PARTIES]
        for party in parties:
            entry = _resolved(party, entries, path, report)
            element = "orgName" if etree.QName(party).localname == "orgName" or (entry and entry.kind == "org") \
                else "persName"
            name = etree.SubElement(action, T + element)
            if entry is not None:
                name.set("ref", entity_uri(entry, register_of(etree.QName(party).localname, entry.id), edition))
            name.text = (entry.names[0] if entry is not None and entry.names else _words(party)) or "Unknown"
        if not parties:
            etree.SubElement(action, T + "persName").text = "Unknown"
        for place in (p for a in theirs for p in a.iterfind(f"{T}placeName")):
            entry = _resolved(place, entries, path, report)
            element = etree.SubElement(action, T + "placeName")
            if entry is not None:
                element.set("ref", entity_uri(entry, "places", edition))
            element.text = (entry.names[0] if entry is not None and entry.names else _words(place)) or "Unknown"
        dated = next((d for a in theirs for d in a.iterfind(f"{T}date") if cmif_date(d)), None)
        if dated is not None:
            etree.SubElement(action, T + "date", cmif_date(dated))
    mentioned: dict[str, etree._Element] = {}
    for ident, element_name, anchor, _ in names_in(root):
        if anchor.startswith("header-") or ident in mentioned or ident not in entries:
            continue
        entry = entries[ident]
        register = register_of(element_name, ident)
        ref = etree.Element(T + "ref", type=MENTIONS[register], target=entity_uri(entry, register, edition))
        ref.text = entry.names[0] if entry.names else ident
        mentioned[ident] = ref
    if mentioned:
        note = etree.SubElement(desc, T + "note")
        note.extend(mentioned.values())
    return desc


def bibl_id(edition: Edition) -> str:
    """The id of the edition's ``bibl``: a UUID made from its publisher and address, as CMIF
    recommends (with a prefix, since an XML id cannot start with a digit)."""
    return "edition-" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{edition.url}\0{edition.publisher}"))


def _published(documents: list[Path], entries: dict) -> str:
    """The time of the file: SOURCE_DATE_EPOCH when set, else the last change of its inputs."""
    from ..config import source_date_epoch

    epoch = source_date_epoch()
    if epoch is None:
        inputs = documents + [folder / AUTHORITY_NAME for folder in entries if (folder / AUTHORITY_NAME).is_file()]
        epoch = max(int(os.stat(p).st_mtime) for p in inputs)
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cmif(correspondence: list[etree._Element], edition: Edition, published: str) -> etree._ElementTree:
    root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    header = etree.SubElement(root, T + "teiHeader")
    file_desc = etree.SubElement(header, T + "fileDesc")
    title_stmt = etree.SubElement(file_desc, T + "titleStmt")
    etree.SubElement(title_stmt, T + "title").text = edition.title or f"Letters and telegrams of {edition.publisher}"
    editor = etree.SubElement(title_stmt, T + "editor")
    editor.text = edition.editor or edition.publisher
    if edition.email:
        etree.SubElement(editor, T + "email").text = edition.email
    publication = etree.SubElement(file_desc, T + "publicationStmt")
    publisher = etree.SubElement(publication, T + "publisher")
    if edition.url:
        etree.SubElement(publisher, T + "ref", target=edition.url).text = edition.publisher
    else:
        publisher.text = edition.publisher
    etree.SubElement(publication, T + "idno", type="url").text = edition.file_url or f"{edition.url}cmif.xml"
    etree.SubElement(publication, T + "date", when=published)
    availability = etree.SubElement(publication, T + "availability")
    etree.SubElement(availability, T + "licence", target=LICENCE_URL).text = LICENCE
    source = etree.SubElement(file_desc, T + "sourceDesc")
    bibl = etree.SubElement(source, T + "bibl", type="online")
    bibl.set(f"{{{XML_NS}}}id", bibl_id(edition))
    bibl.text = edition.title or f"Letters and telegrams of {edition.publisher}"
    if edition.url:
        bibl.text += ", "
        etree.SubElement(bibl, T + "ref", target=edition.url).text = edition.url
    encoding = etree.SubElement(header, T + "encodingDesc")
    prefixes = etree.SubElement(encoding, T + "listPrefixDef")
    prefix = etree.SubElement(prefixes, T + "prefixDef", ident="cmif", matchPattern="([A-Za-z]+)",
                              replacementPattern=CMIF_VOCABULARY + "$1")
    etree.SubElement(prefix, T + "p").text = "The terms of the CMIF vocabulary."
    profile = etree.SubElement(header, T + "profileDesc")
    profile.extend(correspondence)
    body = etree.SubElement(etree.SubElement(root, T + "text"), T + "body")
    etree.SubElement(body, T + "p")
    return etree.ElementTree(root)
