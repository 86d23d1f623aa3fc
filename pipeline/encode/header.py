"""The teiHeader: the file, its source and the archive's record of it, the encoding, the facts of
correspondence and the classification, and the history of the file."""

from __future__ import annotations

import datetime as _dt
import re

from .. import __version__, vocab
from ..catalogue import CatalogueRecord, agrees, level_of
from ..model import Document, Party, bracketed_text
from ..recognise.lines import office_pattern
from .context import EncodingContext, Pointers
from .elements import XML_ID, el
from .text import TextWriter

_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def title_of(document: Document) -> str:
    """The title the header gives a document: its kind, number, parties and date."""
    facts = document.facts
    kind = vocab.kind_by_id(facts.kind).label
    parts = [kind]
    if facts.number:
        parts.append(f"No. {facts.number}")
    title = " ".join(parts)
    if facts.senders:
        title += " from " + " and ".join(_party_text(p) for p in facts.senders)
    if facts.recipients:
        title += " to " + " and ".join(_party_text(p) for p in facts.recipients)
    if facts.date:
        title += ", " + _human_date(facts.date.when)
    return title


class HeaderWriter:
    """Writes the header of one document; the names in it are written by ``text``, as in the body."""

    def __init__(self, document: Document, context: EncodingContext, pointers: Pointers, text: TextWriter):
        self.doc = document
        self.ctx = context
        self.at = pointers
        self.text = text

    # --- header --------------------------------------------------------------------------------
    def write(self, root) -> None:
        """The teiHeader of the document, as the first child of ``root``."""
        facts = self.doc.facts
        header = el(root, "teiHeader")
        file_desc = el(header, "fileDesc")
        title_stmt = el(file_desc, "titleStmt")
        el(title_stmt, "title", title_of(self.doc))
        resp = el(title_stmt, "respStmt")
        el(resp, "resp", "Encoded in TEI by")
        el(resp, "name", f"teipipe {__version__}", type="software")
        for editor in self.doc.editors:
            reviewed = el(title_stmt, "respStmt")
            reviewed.set(XML_ID, self.at.local(editor.id))
            el(reviewed, "resp", "Reviewed and corrected by")
            el(reviewed, "name", editor.name)
        pub = el(file_desc, "publicationStmt")
        el(pub, "publisher", self.ctx.publisher)
        el(pub, "idno", self.at.id, type="teipipe")
        availability = el(pub, "availability", status="free")
        el(availability, "licence", self.ctx.licence, target=self.ctx.licence_url or None)
        source_desc = el(file_desc, "sourceDesc")
        bibl = el(source_desc, "bibl")
        el(bibl, "title", self.doc.source_name)
        el(bibl, "idno", self.doc.source_name, type="filename")
        el(bibl, "idno", self.doc.sha256, type="sha256")
        if facts.number:
            el(bibl, "idno", facts.number, type=facts.kind if facts.kind != "document" else "number",
               cert=facts.number_cert, source=self.at.line_source(facts.number_line))
        if not facts.date and self.catalogue_fact("date", None):
            value = self.ctx.catalogue.date
            el(bibl, "date", value, when=value if _ISO_DATE.match(value) else None, source=self.at.catalogue)
        if facts.edition_number:
            el(bibl, "idno", facts.edition_number, type="edition")
        for docid in facts.release_ids:
            el(bibl, "idno", docid, type="CIA-RDP" if docid.startswith("CIA-RDP") else "release")
        if facts.date:
            el(bibl, "date", facts.date.printed, when=facts.date.when, cert=facts.date.cert,
               source=self.at.line_source(facts.date.line))
        if facts.release:
            el(bibl, "date", facts.release.printed.replace("\n", " "), type="release", when=facts.release.when)
        if self.ctx.catalogue is not None:
            self.catalogue_bibl(source_desc, self.ctx.catalogue)
        self.encoding_desc(header)
        self.profile_desc(header)
        revision = el(header, "revisionDesc")
        for change in self.doc.changes:
            el(revision, "change", change.what, when=change.when or None, who=self.at.resp(change.who))
        el(revision, "change", f"Encoded by teipipe {__version__} from {self.doc.source_name}.",
           when=self.ctx.date, n=__version__)

    # --- the archive's catalogue record -------------------------------------------------------
    def catalogue_bibl(self, source_desc, record: CatalogueRecord) -> None:
        """The catalogue's record of the source, as the archive gives it."""
        bibl = el(source_desc, "bibl", type="catalogue")
        bibl.set(XML_ID, self.at.local("catalogue"))
        if record.title:
            el(bibl, "title", record.title)
        if record.collection:
            el(bibl, "title", record.collection, type="collection")
        if record.date:
            el(bibl, "date", record.date, when=record.date if _ISO_DATE.match(record.date) else None)
        if record.repository:
            el(bibl, "publisher", record.repository)
        if record.idno:
            el(bibl, "idno", record.idno, type="catalogue")
        if record.number:
            el(bibl, "idno", record.number, type="number")
        if record.url:
            el(bibl, "ref", record.url, target=record.url)
        if record.citation:
            el(bibl, "note", record.citation, type="citation")
        if record.rights:
            el(el(bibl, "availability"), "p", record.rights)

    def catalogue_fact(self, fact: str, text_value: str | None) -> str | None:
        """The catalogue's value of a fact where it is to be written beside (or instead of) the
        text's: where the text gives none, or gives another."""
        record = self.ctx.catalogue
        value = getattr(record, fact, "") if record is not None else ""
        if not value or (text_value and agrees(fact, text_value, value)):
            return None
        return value

    def encoding_desc(self, header) -> None:
        enc = el(header, "encodingDesc")
        app_info = el(enc, "appInfo")
        app = el(app_info, "application", ident="teipipe", version=__version__)
        el(app, "label", "teipipe")
        editorial = el(enc, "editorialDecl")
        norm = el(editorial, "normalization")
        el(norm, "p", "Line endings were normalised and trailing spaces dropped. Markdown and OCR "
                      "leftovers of PDF conversion (heading and list markers, bold, italic, struck "
                      "and superscript runs, TeX superscripts, backslash escapes) are recorded as "
                      "markup with @rend; their text is kept.")
        interp = el(editorial, "interpretation")
        el(interp, "p", "Square brackets were read as editorial interventions: omissions (gap "
                        "reason=editorial), redactions (gap reason=redacted, with the extent and "
                        "exemption code printed), comments (note), original-language terms "
                        "(foreign), identifications of pseudonyms (persName type=pseudo with "
                        "supplied reason=identification), expansions (choice/abbr/expan), "
                        "alternative names (choice/orig/reg) and supplied words (supplied). "
                        "Readings that are guesses carry @cert.")
        class_decl = el(enc, "classDecl")
        security = el(class_decl, "taxonomy")
        security.set(XML_ID, self.at.local("security"))
        el(security, "gloss", "Security classification")
        for level in vocab.markings().levels:
            category = el(security, "category")
            category.set(XML_ID, self.at.local(level.id))
            el(category, "catDesc", level.label)
        kinds = el(class_decl, "taxonomy")
        kinds.set(XML_ID, self.at.local("kind"))
        el(kinds, "gloss", "Kind of document")
        for kind in vocab.kinds():
            category = el(kinds, "category")
            category.set(XML_ID, self.at.local(kind.id))
            el(category, "catDesc", kind.label)
        prefixes = el(enc, "listPrefixDef")
        prefix = el(prefixes, "prefixDef", ident="src", matchPattern=r"line=(\d+),(\d+)",
                    replacementPattern=f"{self.ctx.source_href}#line=$1,$2")
        el(prefix, "p", "Lines of the source text (RFC 5147 line positions: line=S,E covers lines "
                        "S+1 to E).")

    def profile_desc(self, header) -> None:
        facts = self.doc.facts
        profile = el(header, "profileDesc")
        lang = el(profile, "langUsage")
        el(lang, "language", "English", ident="en")
        names = {"ru": "Russian", "ru-Latn": "Russian (romanised)", "zh": "Chinese",
                 "zh-Latn-pinyin": "Chinese (pinyin)", "ko": "Korean"}
        for code in facts.languages:
            el(lang, "language", names.get(code, code), ident=code)
        from_catalogue = {fact: self.catalogue_fact(fact, value) for fact, value in (
            ("sender", " ".join(_party_text(p) for p in facts.senders)),
            ("recipient", " ".join(_party_text(p) for p in facts.recipients)),
            ("date", facts.date.when if facts.date else None),
            ("place", facts.place))}
        if facts.senders or facts.recipients or facts.date or facts.place or facts.received or any(from_catalogue.values()):
            corresp = el(profile, "correspDesc")
            sent = el(corresp, "correspAction", type="sent")
            self.parties(sent, facts.senders, facts.resp.get("sender"), from_catalogue["sender"])
            if facts.place:
                el(sent, "placeName", facts.place, ref=self.at.ref(facts.place_ref))
            if from_catalogue["place"]:
                el(sent, "placeName", from_catalogue["place"], source=self.at.catalogue)
            if facts.date:
                el(sent, "date", facts.date.printed, when=facts.date.when, cert=facts.date.cert,
                   source=self.at.line_source(facts.date.line), resp=self.at.resp(facts.resp.get("date")))
            if from_catalogue["date"]:
                value = from_catalogue["date"]
                el(sent, "date", value, when=value if _ISO_DATE.match(value) else None, source=self.at.catalogue)
            if len(sent) == 0:
                corresp.remove(sent)
            if facts.intermediaries:
                transmitted = el(corresp, "correspAction", type="transmitted")
                for party in facts.intermediaries:
                    self.party(transmitted, party)
            if facts.recipients or facts.received or from_catalogue["recipient"]:
                received = el(corresp, "correspAction", type="received")
                self.parties(received, facts.recipients, facts.resp.get("recipient"), from_catalogue["recipient"])
                if facts.received_place:
                    el(received, "placeName", facts.received_place, ref=self.at.ref(facts.received_place_ref))
                if facts.received:
                    el(received, "date", facts.received.printed, when=facts.received.when)
            if len(corresp) == 0:
                profile.remove(corresp)
        text_class = el(profile, "textClass")
        level = facts.classification or "unmarked"
        el(text_class, "catRef", scheme="#" + self.at.local("security"), target="#" + self.at.local(level),
           cert=facts.classification_cert if facts.classification else None,
            resp=self.at.resp(facts.resp.get("classification")))
        catalogued = self.catalogue_fact("classification", facts.classification)
        if catalogued and level_of(catalogued) and level_of(catalogued) != facts.classification:
            el(text_class, "catRef", scheme="#" + self.at.local("security"),
               target="#" + self.at.local(level_of(catalogued)), source=self.at.catalogue)
        el(text_class, "catRef", scheme="#" + self.at.local("kind"), target="#" + self.at.local(facts.kind),
           cert=facts.kind_cert, resp=self.at.resp(facts.resp.get("kind")))

    def parties(self, action, parties: list[Party], resp: str | None, catalogued: str | None) -> None:
        """The senders or the recipients of a correspAction as the text names them, then as the
        catalogue does when it names them (``catalogued``)."""
        for party in parties:
            self.party(action, party, resp)
        if catalogued:
            self.catalogue_party(action, catalogued)

    def catalogue_party(self, parent, name: str) -> None:
        """A sender or recipient as the catalogue names it, marked as the catalogue's."""
        el(parent, "orgName" if office_pattern().search(name) else "persName", name, source=self.at.catalogue)

    def party(self, parent, party: Party, resp: str | None = None) -> None:
        name = {"person": "persName", "org": "orgName", "role": "persName"}[party.kind]
        element = el(parent, name, ref=self.at.ref(party.ref), cert=party.cert, source=self.at.line_source(party.line),
                     resp=self.at.resp(resp))
        if party.kind == "role":
            self.text.inlines(el(element, "roleName"), party.name, in_header=True)
            return
        if party.role:
            role = el(element, "roleName", party.role)
            role.tail = " "
        self.text.inlines(element, party.name, in_header=True)


def _party_text(party: Party) -> str:
    name = bracketed_text(party.name)
    return f"{party.role} ({name})" if party.role and name else (name or party.role)


def _human_date(when: str) -> str:
    try:
        date = _dt.date.fromisoformat(when[:10])
    except ValueError:
        return when
    return f"{date.day} {date.strftime('%B')} {date.year}"
