"""The document model written as TEI P5. This is the one module that knows TEI element names.

The two tables below say which element each block role and each span kind becomes; the rest of
the module walks the model and writes the header from the facts. docs/encoding.md explains
every choice with an example.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import cache

from lxml import etree


from . import TEI_NS, XML_NS, __version__, vocab
from .authority import FILE_NAME as AUTHORITY_FILE
from .catalogue import CatalogueRecord, agrees, level_of
from .recognise.lines import office_pattern
from .model import Block, Division, Document, Inline, ListBlock, Party, Quotation, Span, bracketed_text

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

#: Block role -> (element, fixed attributes).
BLOCK_ELEMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "heading": ("head", {}),
    "paragraph": ("p", {}),
    "item": ("item", {}),
    "kind-line": ("seg", {"type": "kind"}),
    "letterhead": ("seg", {"type": "letterhead"}),
    "markings": ("seg", {"type": "markings"}),
    "precedence": ("seg", {"type": "markings"}),
    "dateline": ("dateline", {}),
    "date": ("dateline", {}),
    "addressee": ("salute", {}),
    "from": ("seg", {"type": "from"}),
    "instruction": ("seg", {"type": "instruction"}),
    "received": ("seg", {"type": "received"}),
    "reference": ("seg", {"type": "reference"}),
    "subject": ("seg", {"type": "subject"}),
    "copy-entry": ("seg", {"type": "copy"}),
    "number": ("seg", {"type": "number"}),
    "line": ("seg", {"type": "line"}),
    "salutation": ("salute", {}),
    "signature": ("signed", {}),
    "signer-title": ("seg", {"type": "signer-title"}),
    "page-number": ("fw", {"type": "pageNum"}),
    "furniture": ("fw", {}),  # @type from the block's subtype
    "release": ("fw", {"type": "release"}),
}

#: Span kind -> (element, fixed attributes). Attributes from the span are added by `_span`.
SPAN_ELEMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "bold": ("hi", {"rend": "bold"}),
    "italic": ("hi", {"rend": "italic"}),
    "struck": ("del", {"rend": "strikethrough"}),
    "sup": ("hi", {}),  # rend from the notation
    "math": ("seg", {"type": "math", "rend": "tex"}),
    "escape": ("c", {"rend": "escaped"}),
    "linebreak": ("lb", {}),
    "redaction": ("gap", {"reason": "redacted"}),
    "omission": ("gap", {"reason": "editorial"}),
    "unreadable": ("gap", {}),
    "supplied": ("supplied", {}),
    "identification": ("supplied", {"reason": "identification"}),
    "pseudonym": ("persName", {"type": "pseudo"}),
    "foreign": ("foreign", {}),
    "abbreviation": ("choice", {}),
    "abbr": ("abbr", {}),
    "expansion": ("expan", {}),
    "alternative": ("choice", {}),
    "orig": ("orig", {}),
    "alt": ("reg", {"type": "alternative"}),
    "comment": ("note", {"place": "inline"}),
    "receipt": ("note", {"type": "received", "place": "inline"}),
    "marking": ("stamp", {"type": "classification"}),
    "precedence": ("seg", {"type": "precedence"}),
    "handling": ("seg", {"type": "handling"}),
    "release": ("stamp", {"type": "declassification"}),
    "docid": ("idno", {}),
    "date": ("date", {}),
    "place": ("placeName", {}),
    "person": ("persName", {}),
    "org": ("orgName", {}),
    "role": ("roleName", {}),
    "number": ("idno", {}),
    "label": ("label", {}),
}

FURNITURE_ROLES = ("page-number", "furniture", "release", "page-break")

_SUP_REND = {"html": "superscript html", "tex": "superscript tex", "tex-braced": "superscript tex-braced",
             "html-sub": "subscript html"}

#: Elements whose content is elements only: the only places where the writer adds indentation.
ELEMENT_ONLY = {
    "TEI", "teiHeader", "fileDesc", "titleStmt", "publicationStmt", "availability", "sourceDesc",
    "encodingDesc", "appInfo", "application", "editorialDecl", "classDecl", "taxonomy", "category",
    "listPrefixDef", "prefixDef", "profileDesc", "langUsage", "correspDesc", "correspAction",
    "textClass", "revisionDesc", "text", "body", "div", "opener", "closer", "postscript", "list",
    "quote", "floatingText", "standOff", "listPerson", "listPlace", "listOrg", "person", "place", "org",
    "normalization", "interpretation", "respStmt", "bibl",
}


# The characters an XML name may hold besides ASCII letters, digits, ".", "-" and "_" (XML 1.0,
# fifth edition, NameChar).
_NAME_RANGES = ((0xB7, 0xB7), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D),
                (0x203F, 0x2040), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF),
                (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF))


def _name_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in "._-"
    return any(low <= ord(ch) <= high for low, high in _NAME_RANGES)


def xml_name(stem: str) -> str:
    """A valid xml:id from a file stem: ``doc-`` plus the stem with every character an XML name
    cannot hold replaced by ``_`` (letters of any script are kept)."""
    return "doc-" + "".join(ch if _name_char(ch) else "_" for ch in stem)


_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class EncodingContext:
    """What the writer needs besides the document: publication details and where the source is."""

    publisher: str = "teipipe project"
    licence: str = "CC BY 4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    source_href: str = ""  # the source file, relative to the TEI file
    date: str | None = None  # the encoding date (from SOURCE_DATE_EPOCH), or None
    catalogue: CatalogueRecord | None = None  # the archive's record of the source, where given
    xml_model: str = ""  # the <?xml-model?> instructions the file starts with (pipeline.schema)


def _el(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    attrib = {_attribute_name(key): value for key, value in attrs.items() if value is not None}
    element = etree.SubElement(parent, T + name, attrib) if parent is not None \
        else etree.Element(T + name, attrib, nsmap={None: TEI_NS})
    if text is not None:
        element.text = text
    return element


@cache
def _attribute_name(key: str) -> str:
    """The attribute a keyword argument of :func:`_el` names: ``xml__lang`` is ``xml:lang``,
    ``type_`` is ``type``."""
    return key.replace("__", ":").rstrip("_")


def _running_text(parts) -> bool:
    """Whether ``parts`` hold running text: anything but page furniture (TEI's globals)."""
    return any(not (isinstance(p, Block) and p.role in FURNITURE_ROLES) for p in parts)


class Writer:
    def __init__(self, document: Document, context: EncodingContext):
        self.doc = document
        self.ctx = context
        self.id = xml_name(document.stem)
        self.first_block = True

    def ref(self, authority_id: str | None) -> str | None:
        return f"{AUTHORITY_FILE}#{authority_id}" if authority_id else None

    def local(self, name: str) -> str:
        return f"{self.id}.{name}"

    def resp(self, editor: str | None) -> str | None:
        """The pointer at an editor's respStmt (``Document.editors``)."""
        return "#" + self.local(editor) if editor else None

    @staticmethod
    def line_source(line: int | None) -> str | None:
        """The source line a header fact was read from, as a pointer (see listPrefixDef)."""
        return f"src:line={line - 1},{line}" if line else None

    # --- the document ------------------------------------------------------------------------
    def tree(self) -> etree._ElementTree:
        root = _el(None, "TEI")
        root.set(XML_ID, self.id)
        root.set(XML_LANG, "en")
        self.header(root)
        text = _el(root, "text")
        body = _el(text, "body")
        div = _el(body, "div", type=self.doc.facts.kind)
        self.division(div, self.doc.text, top_level=True)
        for enclosure in self.doc.text.enclosures:
            self.division(_el(body, "div", type="enclosure"), enclosure, top_level=False)
        _indent(root)
        return etree.ElementTree(root)

    # --- header --------------------------------------------------------------------------------
    def header(self, root) -> None:
        facts = self.doc.facts
        header = _el(root, "teiHeader")
        file_desc = _el(header, "fileDesc")
        title_stmt = _el(file_desc, "titleStmt")
        _el(title_stmt, "title", self.title())
        resp = _el(title_stmt, "respStmt")
        _el(resp, "resp", "Encoded in TEI by")
        _el(resp, "name", f"teipipe {__version__}", type="software")
        for editor in self.doc.editors:
            reviewed = _el(title_stmt, "respStmt")
            reviewed.set(XML_ID, self.local(editor.id))
            _el(reviewed, "resp", "Reviewed and corrected by")
            _el(reviewed, "name", editor.name)
        pub = _el(file_desc, "publicationStmt")
        _el(pub, "publisher", self.ctx.publisher)
        _el(pub, "idno", self.id, type="teipipe")
        availability = _el(pub, "availability", status="free")
        _el(availability, "licence", self.ctx.licence, target=self.ctx.licence_url or None)
        source_desc = _el(file_desc, "sourceDesc")
        bibl = _el(source_desc, "bibl")
        _el(bibl, "title", self.doc.source_name)
        _el(bibl, "idno", self.doc.source_name, type="filename")
        _el(bibl, "idno", self.doc.sha256, type="sha256")
        if facts.number:
            _el(bibl, "idno", facts.number, type=facts.kind if facts.kind != "document" else "number",
                cert=facts.number_cert, source=self.line_source(facts.number_line))
        if not facts.date and self.catalogue_fact("date", None):
            value = self.ctx.catalogue.date
            _el(bibl, "date", value, when=value if _ISO_DATE.match(value) else None, source=self.catalogue_ref)
        if facts.edition_number:
            _el(bibl, "idno", facts.edition_number, type="edition")
        for docid in facts.release_ids:
            _el(bibl, "idno", docid, type="CIA-RDP" if docid.startswith("CIA-RDP") else "release")
        if facts.date:
            _el(bibl, "date", facts.date.printed, when=facts.date.when, cert=facts.date.cert,
                source=self.line_source(facts.date.line))
        if facts.release:
            _el(bibl, "date", facts.release.printed.replace("\n", " "), type="release", when=facts.release.when)
        if self.ctx.catalogue is not None:
            self.catalogue_bibl(source_desc, self.ctx.catalogue)
        self.encoding_desc(header)
        self.profile_desc(header)
        revision = _el(header, "revisionDesc")
        for change in self.doc.changes:
            _el(revision, "change", change.what, when=change.when or None, who=self.resp(change.who))
        _el(revision, "change", f"Encoded by teipipe {__version__} from {self.doc.source_name}.",
            when=self.ctx.date, n=__version__)

    # --- the archive's catalogue record -------------------------------------------------------
    @property
    def catalogue_ref(self) -> str:
        return "#" + self.local("catalogue")

    def catalogue_bibl(self, source_desc, record: CatalogueRecord) -> None:
        """The catalogue's record of the source, as the archive gives it."""
        bibl = _el(source_desc, "bibl", type="catalogue")
        bibl.set(XML_ID, self.local("catalogue"))
        if record.title:
            _el(bibl, "title", record.title)
        if record.collection:
            _el(bibl, "title", record.collection, type="collection")
        if record.date:
            _el(bibl, "date", record.date, when=record.date if _ISO_DATE.match(record.date) else None)
        if record.repository:
            _el(bibl, "publisher", record.repository)
        if record.idno:
            _el(bibl, "idno", record.idno, type="catalogue")
        if record.number:
            _el(bibl, "idno", record.number, type="number")
        if record.url:
            _el(bibl, "ref", record.url, target=record.url)
        if record.citation:
            _el(bibl, "note", record.citation, type="citation")
        if record.rights:
            _el(_el(bibl, "availability"), "p", record.rights)

    def catalogue_fact(self, fact: str, text_value: str | None) -> str | None:
        """The catalogue's value of a fact where it is to be written beside (or instead of) the
        text's: where the text gives none, or gives another."""
        record = self.ctx.catalogue
        value = getattr(record, fact, "") if record is not None else ""
        if not value or (text_value and agrees(fact, text_value, value)):
            return None
        return value

    def title(self) -> str:
        facts = self.doc.facts
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

    def encoding_desc(self, header) -> None:
        enc = _el(header, "encodingDesc")
        app_info = _el(enc, "appInfo")
        app = _el(app_info, "application", ident="teipipe", version=__version__)
        _el(app, "label", "teipipe")
        editorial = _el(enc, "editorialDecl")
        norm = _el(editorial, "normalization")
        _el(norm, "p", "Line endings were normalised and trailing spaces dropped. Markdown and OCR "
                       "leftovers of PDF conversion (heading and list markers, bold, italic, struck "
                       "and superscript runs, TeX superscripts, backslash escapes) are recorded as "
                       "markup with @rend; their text is kept.")
        interp = _el(editorial, "interpretation")
        _el(interp, "p", "Square brackets were read as editorial interventions: omissions (gap "
                         "reason=editorial), redactions (gap reason=redacted, with the extent and "
                         "exemption code printed), comments (note), original-language terms "
                         "(foreign), identifications of pseudonyms (persName type=pseudo with "
                         "supplied reason=identification), expansions (choice/abbr/expan), "
                         "alternative names (choice/orig/reg) and supplied words (supplied). "
                         "Readings that are guesses carry @cert.")
        class_decl = _el(enc, "classDecl")
        security = _el(class_decl, "taxonomy")
        security.set(XML_ID, self.local("security"))
        _el(security, "gloss", "Security classification")
        for level in vocab.markings().levels:
            category = _el(security, "category")
            category.set(XML_ID, self.local(level.id))
            _el(category, "catDesc", level.label)
        kinds = _el(class_decl, "taxonomy")
        kinds.set(XML_ID, self.local("kind"))
        _el(kinds, "gloss", "Kind of document")
        for kind in vocab.kinds():
            category = _el(kinds, "category")
            category.set(XML_ID, self.local(kind.id))
            _el(category, "catDesc", kind.label)
        prefixes = _el(enc, "listPrefixDef")
        prefix = _el(prefixes, "prefixDef", ident="src", matchPattern=r"line=(\d+),(\d+)",
                     replacementPattern=f"{self.ctx.source_href}#line=$1,$2")
        _el(prefix, "p", "Lines of the source text (RFC 5147 line positions: line=S,E covers lines "
                         "S+1 to E).")

    def profile_desc(self, header) -> None:
        facts = self.doc.facts
        profile = _el(header, "profileDesc")
        lang = _el(profile, "langUsage")
        _el(lang, "language", "English", ident="en")
        names = {"ru": "Russian", "ru-Latn": "Russian (romanised)", "zh": "Chinese",
                 "zh-Latn-pinyin": "Chinese (pinyin)", "ko": "Korean"}
        for code in facts.languages:
            _el(lang, "language", names.get(code, code), ident=code)
        from_catalogue = {fact: self.catalogue_fact(fact, value) for fact, value in (
            ("sender", " ".join(_party_text(p) for p in facts.senders)),
            ("recipient", " ".join(_party_text(p) for p in facts.recipients)),
            ("date", facts.date.when if facts.date else None),
            ("place", facts.place))}
        if facts.senders or facts.recipients or facts.date or facts.place or facts.received or any(from_catalogue.values()):
            corresp = _el(profile, "correspDesc")
            sent = _el(corresp, "correspAction", type="sent")
            for party in facts.senders:
                self.party(sent, party, facts.resp.get("sender"))
            if from_catalogue["sender"]:
                self.catalogue_party(sent, from_catalogue["sender"])
            if facts.place:
                _el(sent, "placeName", facts.place, ref=self.ref(facts.place_ref))
            if from_catalogue["place"]:
                _el(sent, "placeName", from_catalogue["place"], source=self.catalogue_ref)
            if facts.date:
                _el(sent, "date", facts.date.printed, when=facts.date.when, cert=facts.date.cert,
                    source=self.line_source(facts.date.line), resp=self.resp(facts.resp.get("date")))
            if from_catalogue["date"]:
                value = from_catalogue["date"]
                _el(sent, "date", value, when=value if _ISO_DATE.match(value) else None, source=self.catalogue_ref)
            if len(sent) == 0:
                corresp.remove(sent)
            if facts.intermediaries:
                transmitted = _el(corresp, "correspAction", type="transmitted")
                for party in facts.intermediaries:
                    self.party(transmitted, party)
            if facts.recipients or facts.received or from_catalogue["recipient"]:
                received = _el(corresp, "correspAction", type="received")
                for party in facts.recipients:
                    self.party(received, party, facts.resp.get("recipient"))
                if from_catalogue["recipient"]:
                    self.catalogue_party(received, from_catalogue["recipient"])
                if facts.received_place:
                    _el(received, "placeName", facts.received_place, ref=self.ref(facts.received_place_ref))
                if facts.received:
                    _el(received, "date", facts.received.printed, when=facts.received.when)
            if len(corresp) == 0:
                profile.remove(corresp)
        text_class = _el(profile, "textClass")
        level = facts.classification or "unmarked"
        _el(text_class, "catRef", scheme="#" + self.local("security"), target="#" + self.local(level),
            cert=facts.classification_cert if facts.classification else None,
            resp=self.resp(facts.resp.get("classification")))
        catalogued = self.catalogue_fact("classification", facts.classification)
        if catalogued and level_of(catalogued) and level_of(catalogued) != facts.classification:
            _el(text_class, "catRef", scheme="#" + self.local("security"),
                target="#" + self.local(level_of(catalogued)), source=self.catalogue_ref)
        _el(text_class, "catRef", scheme="#" + self.local("kind"), target="#" + self.local(facts.kind),
            cert=facts.kind_cert, resp=self.resp(facts.resp.get("kind")))

    def catalogue_party(self, parent, name: str) -> None:
        """A sender or recipient as the catalogue names it, marked as the catalogue's."""
        _el(parent, "orgName" if office_pattern().search(name) else "persName", name, source=self.catalogue_ref)

    def party(self, parent, party: Party, resp: str | None = None) -> None:
        name = {"person": "persName", "org": "orgName", "role": "persName"}[party.kind]
        element = _el(parent, name, ref=self.ref(party.ref), cert=party.cert, source=self.line_source(party.line),
                      resp=self.resp(resp))
        if party.kind == "role":
            self.inlines(_el(element, "roleName"), party.name, in_header=True)
            return
        if party.role:
            role = _el(element, "roleName", party.role)
            role.tail = " "
        self.inlines(element, party.name, in_header=True)

    # --- text ----------------------------------------------------------------------------------
    def division(self, container, division: Division, top_level: bool) -> None:
        group = None
        opener, body, closer = division.opener, division.body, division.closer
        running = _running_text(body)
        if closer and not running:
            # TEI allows a closer only after running text; with none, the closing lines (signed,
            # dateline, salute) stand in the opener, which may hold them too, in their order.
            opener, body, closer = [*opener, *body, *closer], [], []
        for block in opener:
            if block.role == "heading":
                group = None
                self.block(container, block)
                continue
            if group is None:
                group = _el(container, "opener")
            self.block(group, block)
        self.parts(container, body)
        if closer:
            element = _el(container, "closer")
            for block in closer:
                self.block(element, block)
        if division.postscript:
            # Page furniture may stand after a closer on its own; anything else needs a postscript,
            # which TEI allows only after running text: with none, it is the running text.
            furniture = all(isinstance(p, Block) and p.role in FURNITURE_ROLES for p in division.postscript)
            if furniture or not running:
                self.parts(container, division.postscript)
            else:
                self.parts(_el(container, "postscript"), division.postscript)

    def parts(self, container, parts) -> None:
        for part in parts:
            if isinstance(part, Block):
                self.block(container, part)
            elif isinstance(part, ListBlock):
                listing = _el(container, "list", type=part.type)
                for item in part.items:
                    self.block(listing, item)
            elif isinstance(part, Quotation):
                quote = _el(container, "quote")
                if part.embedded is not None:
                    floating = _el(quote, "floatingText", type=part.embedded.kind)
                    body = _el(floating, "body")
                    self.division(body, part.embedded, top_level=False)
                else:
                    self.parts(quote, part.parts)

    def block(self, container, block: Block) -> None:
        if block.role == "page-break":
            _el(container, "pb")
            return
        extra = self.doc.leading_blank if self.first_block else block.blank_before - 1
        self.first_block = False
        if extra > 0 and block.join == "paragraph":
            _el(container, "space", dim="vertical", quantity=str(extra), unit="line")
        name, attrs = BLOCK_ELEMENTS[block.role]
        if container.tag == T + "list":
            name, attrs = "item", {}
        element = _el(container, name, **attrs)
        if block.role == "furniture":
            element.set("type", block.subtype or "furniture")
        if block.n and name in ("item", "p"):
            element.set("n", block.n)
        rend = []
        if block.indent:
            rend.append(f"indent({block.indent})")
        if block.heading_level:
            rend.append(f"heading({block.heading_level})")
        if block.bullet:
            rend.append(f"bullet({block.bullet})")
        if block.join != "paragraph":
            rend.append(block.join)
        if rend:
            element.set("rend", " ".join(rend))
        if block.cert:
            element.set("cert", block.cert)
        element.set("source", f"src:line={block.first_line - 1},{block.last_line}")
        self.inlines(element, block.inlines)

    def inlines(self, element, inlines: list[Inline], in_header: bool = False) -> None:
        for item in inlines:
            if isinstance(item, str):
                _append_text(element, item)
            else:
                self.span(element, item, in_header)

    def span(self, parent, span: Span, in_header: bool = False) -> None:
        name, fixed = SPAN_ELEMENTS[span.kind]
        if span.attrs.get("in_desc"):
            name = "hi"
        element = _el(parent, name, **fixed)
        attrs = span.attrs
        if span.kind == "sup":
            element.set("rend", _SUP_REND[attrs.get("notation", "html")])
        if span.kind == "linebreak":
            element.set("n", attrs.get("line", ""))
            return
        rend = ["brackets"] if attrs.get("bracketed") else []
        if rend:
            element.set("rend", " ".join([element.get("rend", ""), *rend]).strip())
        if span.kind in ("redaction", "omission", "unreadable"):
            self.gap(element, span)
        else:
            if span.kind == "supplied":
                element.set("reason", attrs.get("reason", "omitted-in-original"))
            elif span.kind == "foreign":
                element.set(XML_LANG, attrs.get("lang", "und"))
            elif span.kind == "comment":
                element.set("type", attrs.get("type", "editorial"))
            elif span.kind in ("release", "date") and attrs.get("when"):
                element.set("when", attrs["when"])
            elif span.kind == "marking":
                level = attrs.get("level")
                if level and level != "unknown":
                    element.set("ana", "#" + self.local(level))
            elif span.kind in ("number", "docid"):
                element.set("type", attrs.get("type", "document"))
            if span.kind in ("pseudonym", "person", "place", "org") and attrs.get("ref"):
                element.set("ref", self.ref(attrs["ref"]))
            if span.kind == "identification" and attrs.get("ref"):
                inner = Span("person", list(span.children), {"ref": attrs["ref"]})
                self.span(element, inner, in_header)
            else:
                self.inlines(element, span.children, in_header)
        if span.cert:
            element.set("cert", span.cert)
        if attrs.get("resp"):
            element.set("resp", self.resp(attrs["resp"]))

    def gap(self, element, span: Span) -> None:
        attrs = span.attrs
        if span.kind == "unreadable":
            element.set("reason", attrs.get("reason", "illegible"))
        for key, attribute in (("quantity", "quantity"), ("unit", "unit"), ("at_most", "atMost"),
                               ("at_least", "atLeast")):
            if attrs.get(key):
                element.set(attribute, attrs[key])
        wording = bracketed_text(span.children)  # "[[]]": the inner brackets are its wording
        if not wording:
            return
        desc = _el(element, "desc")
        if attrs.get("exemption") and wording.strip() == attrs["exemption"]:
            desc.set("type", "exemption")
        self.inlines(desc, [_desc_safe(c) for c in span.children])


def _desc_safe(item: Inline) -> Inline:
    """``desc`` holds limited content: formatting is kept (a struck run or an escape as ``hi``,
    since ``del`` and ``c`` may not stand there), other spans become their text as printed."""
    if not isinstance(item, Span):
        return item
    if item.kind in ("struck", "escape"):
        return Span(item.kind, [_desc_safe(c) for c in item.children], {"in_desc": "true"})
    if item.kind in ("bold", "italic", "sup"):
        item.children = [_desc_safe(c) for c in item.children]
        return item
    return bracketed_text([item])


def _append_text(element, text: str) -> None:
    # element[-1] reaches the last child directly, where len(element) would count every child
    # (and make a paragraph of many lines quadratic).
    try:
        last = element[-1]
    except IndexError:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _party_text(party: Party) -> str:
    name = bracketed_text(party.name)
    return f"{party.role} ({name})" if party.role and name else (name or party.role)


def _human_date(when: str) -> str:
    try:
        date = _dt.date.fromisoformat(when[:10])
    except ValueError:
        return when
    return f"{date.day} {date.strftime('%B')} {date.year}"


#: The element-only elements by their tags (every element the writer makes is in the TEI namespace).
_ELEMENT_ONLY_TAGS = frozenset(T + name for name in ELEMENT_ONLY)


def _indent(element, level: int = 0) -> None:
    """Indent the children of element-only elements; mixed content is never touched."""
    if element.tag not in _ELEMENT_ONLY_TAGS:
        return
    children = list(element)
    if not children or (element.text and element.text.strip()) \
            or any(child.tail and child.tail.strip() for child in children):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in children:
        child.tail = pad
        if child.tag in _ELEMENT_ONLY_TAGS:
            _indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level


def encode(document: Document, context: EncodingContext) -> bytes:
    """The TEI document for a recognised document, as UTF-8 bytes ending in a newline."""
    tree = Writer(document, context).tree()
    declaration, _, body = etree.tostring(tree, xml_declaration=True, encoding="UTF-8").partition(b"\n")
    return declaration + b"\n" + context.xml_model.encode("utf-8") + body + b"\n"
