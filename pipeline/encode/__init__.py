"""The document model written as TEI P5. This package is the one place that knows TEI element
names for writing.

- :mod:`.tables`: which element each block role and each span kind becomes (the rules as data);
- :mod:`.elements`: making elements, appending text, indenting, xml:ids from file names;
- :mod:`.context`: what the writer is given, and the pointers it writes;
- :mod:`.header`: the teiHeader, from the facts;
- :mod:`.text`: the body, from the divisions, blocks and spans.

docs/encoding.md explains every choice with an example.
"""

from __future__ import annotations

from lxml import etree

from ..model import Document
from .context import EncodingContext, Pointers
from .elements import XML_ID, XML_LANG, el, indent, xml_name
from .header import HeaderWriter, title_of
from .tables import BLOCK_ELEMENTS, SPAN_ELEMENTS
from .text import TextWriter

__all__ = ["BLOCK_ELEMENTS", "SPAN_ELEMENTS", "EncodingContext", "Writer", "encode", "title_of", "xml_name"]


class Writer:
    """Writes one document as a TEI tree: its header, then its text."""

    def __init__(self, document: Document, context: EncodingContext):
        self.doc = document
        self.ctx = context
        self.at = Pointers(xml_name(document.stem))
        self.text = TextWriter(document, self.at)
        self.header = HeaderWriter(document, context, self.at, self.text)

    def tree(self) -> etree._ElementTree:
        root = el(None, "TEI")
        root.set(XML_ID, self.at.id)
        root.set(XML_LANG, "en")
        self.header.write(root)
        text = el(root, "text")
        body = el(text, "body")
        div = el(body, "div", type=self.doc.facts.kind)
        self.text.division(div, self.doc.text, top_level=True)
        for enclosure in self.doc.text.enclosures:
            self.text.division(el(body, "div", type="enclosure"), enclosure, top_level=False)
        indent(root)
        return etree.ElementTree(root)


def encode(document: Document, context: EncodingContext) -> bytes:
    """The TEI document for a recognised document, as UTF-8 bytes ending in a newline."""
    tree = Writer(document, context).tree()
    declaration, _, body = etree.tostring(tree, xml_declaration=True, encoding="UTF-8").partition(b"\n")
    return declaration + b"\n" + context.xml_model.encode("utf-8") + body + b"\n"
