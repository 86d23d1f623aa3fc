"""Which TEI element each part of the document model becomes: the encoder's rules as data.

:data:`BLOCK_ELEMENTS` names the element of each block role, :data:`SPAN_ELEMENTS` the element of
each span kind, with the attributes they always carry; :mod:`.text` adds the attributes a block
or a span brings of its own. docs/encoding.md explains every choice with an example.
"""

from __future__ import annotations

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

#: Span kind -> (element, fixed attributes). Attributes from the span are added by ``TextWriter.span``.
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

SUP_REND = {"html": "superscript html", "tex": "superscript tex", "tex-braced": "superscript tex-braced",
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
