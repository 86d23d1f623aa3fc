"""The text: divisions, their openers and closers, blocks, lists, quotations and the inline
markup of each line, as the tables of :mod:`.tables` name them."""

from __future__ import annotations

from ..model import Block, Division, Document, Inline, ListBlock, Quotation, Span, bracketed_text
from .context import Pointers
from .elements import T, XML_LANG, append_text, el
from .tables import BLOCK_ELEMENTS, FURNITURE_ROLES, SPAN_ELEMENTS, SUP_REND


def _running_text(parts) -> bool:
    """Whether ``parts`` hold running text: anything but page furniture (TEI's globals)."""
    return any(not (isinstance(p, Block) and p.role in FURNITURE_ROLES) for p in parts)


class TextWriter:
    """Writes the body of one document (and the names of its header)."""

    def __init__(self, document: Document, pointers: Pointers):
        self.doc = document
        self.at = pointers
        self.first_block = True

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
                group = el(container, "opener")
            self.block(group, block)
        self.parts(container, body)
        if closer:
            element = el(container, "closer")
            for block in closer:
                self.block(element, block)
        if division.postscript:
            # Page furniture may stand after a closer on its own; anything else needs a postscript,
            # which TEI allows only after running text: with none, it is the running text.
            furniture = all(isinstance(p, Block) and p.role in FURNITURE_ROLES for p in division.postscript)
            if furniture or not running:
                self.parts(container, division.postscript)
            else:
                self.parts(el(container, "postscript"), division.postscript)

    def parts(self, container, parts) -> None:
        for part in parts:
            if isinstance(part, Block):
                self.block(container, part)
            elif isinstance(part, ListBlock):
                listing = el(container, "list", type=part.type)
                for item in part.items:
                    self.block(listing, item)
            elif isinstance(part, Quotation):
                quote = el(container, "quote")
                if part.embedded is not None:
                    floating = el(quote, "floatingText", type=part.embedded.kind)
                    body = el(floating, "body")
                    self.division(body, part.embedded, top_level=False)
                else:
                    self.parts(quote, part.parts)

    def block(self, container, block: Block) -> None:
        if block.role == "page-break":
            el(container, "pb")
            return
        extra = self.doc.leading_blank if self.first_block else block.blank_before - 1
        self.first_block = False
        if extra > 0 and block.join == "paragraph":
            el(container, "space", dim="vertical", quantity=str(extra), unit="line")
        name, attrs = BLOCK_ELEMENTS[block.role]
        if container.tag == T + "list":
            name, attrs = "item", {}
        element = el(container, name, **attrs)
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
                append_text(element, item)
            else:
                self.span(element, item, in_header)

    def span(self, parent, span: Span, in_header: bool = False) -> None:
        name, fixed = SPAN_ELEMENTS[span.kind]
        if span.attrs.get("in_desc"):
            name = "hi"
        element = el(parent, name, **fixed)
        attrs = span.attrs
        if span.kind == "sup":
            element.set("rend", SUP_REND[attrs.get("notation", "html")])
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
                    element.set("ana", "#" + self.at.local(level))
            elif span.kind in ("number", "docid"):
                element.set("type", attrs.get("type", "document"))
            if span.kind in ("pseudonym", "person", "place", "org") and attrs.get("ref"):
                element.set("ref", self.at.ref(attrs["ref"]))
            if span.kind == "identification" and attrs.get("ref"):
                inner = Span("person", list(span.children), {"ref": attrs["ref"]})
                self.span(element, inner, in_header)
            else:
                self.inlines(element, span.children, in_header)
        if span.cert:
            element.set("cert", span.cert)
        if attrs.get("resp"):
            element.set("resp", self.at.resp(attrs["resp"]))

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
        desc = el(element, "desc")
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
