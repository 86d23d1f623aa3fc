"""The document model: what the recognisers found, before any TEI is written.

A document is a tree of *blocks* (one per source paragraph, or per part of a paragraph where one
source line holds two parts) grouped into the zones of a document (heading, opener, body,
closer, postscript), and each block holds a list of *inlines*: plain strings and :class:`Span`
nodes (a redaction, a bracketed identification, a date, a bold run...). Every block knows the
source lines it came from and every decision carries a certainty, so that the review view can
point back at the source and list the uncertain decisions first.

The model speaks of what things are ("redaction", "identification", "marking"), not of TEI
element names; :mod:`pipeline.encode` is the one place that maps them to TEI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# --- inlines -------------------------------------------------------------------------------------

#: Kinds of inline span. Attributes each kind may carry are listed beside it.
SPAN_KINDS = {
    "bold": (),  # **text**
    "italic": (),  # *text*
    "struck": (),  # ~~text~~
    "sup": ("notation",),  # <sup>x</sup> (notation=html), ^x / ^{x} inside $...$ (tex, tex-braced)
    "math": (),  # $...$ from PDF conversion
    "escape": (),  # a markdown backslash escape: the child is the escaped character
    "linebreak": ("line",),  # a line break inside a paragraph; line = the source line it opens
    "redaction": ("quantity", "unit", "at_most", "at_least", "exemption", "bracketed"),
    "omission": ("bracketed",),  # an editor's omission mark
    "unreadable": ("reason", "bracketed"),  # [illegible], [signature]
    "supplied": ("reason", "bracketed"),  # [them]: a word the editor supplied
    "identification": ("ref", "bracketed"),  # FILIPPOV [STALIN]: the STALIN part
    "pseudonym": ("ref",),  # FILIPPOV [STALIN]: the FILIPPOV part
    "foreign": ("lang", "bracketed"),  # [delo]
    "abbreviation": (),  # PVO [Anti-aircraft Defense]: the whole; children: abbr, space, expansion
    "abbr": (),
    "expansion": ("bracketed",),
    "alternative": (),  # Ri Geon-yeong [Ri Gon Yong]: the whole; children: orig, space, alt
    "orig": (),
    "alt": ("bracketed",),
    "comment": ("type", "bracketed"),  # [Translator's comment: ...]
    "receipt": ("bracketed",),  # [Received March 3—9:40 a. m.]: its date is a date span
    "marking": ("level", "struck"),  # a security classification as printed
    "precedence": (),  # URGENT, PRIORITY
    "handling": (),  # SECURITY INFORMATION, EYES ONLY
    "release": ("when", "form"),  # APPROVED FOR RELEASE DATE: 16-Dec-2009
    "docid": ("type",),  # CIA-RDP79T00975A000500010001-0
    "date": ("when",),
    "place": ("ref",),
    "person": ("ref",),
    "org": ("ref",),
    "role": (),  # a title or office before a name, inside the person span ("General Smith")
    "number": ("type",),  # a document or telegram number as printed
    "label": (),  # a heading inside a line ("Copies to:")
}


@dataclass
class Span:
    """An inline node: a kind from :data:`SPAN_KINDS`, its attributes and its children."""

    kind: str
    children: list["Inline"] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    cert: str | None = None  # "low" or "medium" where the encoder guessed; None when sure

    def __post_init__(self) -> None:
        if self.kind not in SPAN_KINDS:
            raise ValueError(f"unknown span kind {self.kind!r}")


Inline = Union[str, Span]


def plain_text(inlines: list[Inline], brackets: bool = False) -> str:
    """The text of a run of inlines as a reader sees it (markup markers not included); with
    ``brackets``, the brackets of bracketed spans are shown, as printed."""
    out: list[str] = []
    for item in inlines:
        if isinstance(item, str):
            out.append(item)
        elif item.kind == "linebreak":
            out.append("\n")
        else:
            inner = plain_text(item.children, brackets)
            out.append(f"[{inner}]" if brackets and item.attrs.get("bracketed") else inner)
    return "".join(out)


def bracketed_text(inlines: list[Inline]) -> str:
    """The text as printed, brackets included."""
    return plain_text(inlines, brackets=True)


def iter_spans(inlines: list[Inline]):
    """Every span in a run of inlines, depth first, in document order."""
    for item in inlines:
        if isinstance(item, Span):
            yield item
            yield from iter_spans(item.children)


# --- blocks --------------------------------------------------------------------------------------

#: What a block is. The encoder maps each role to one TEI element.
BLOCK_ROLES = (
    "heading",  # a title line or section heading
    "paragraph",
    "item",  # an item of a list (n = its label)
    "kind-line",  # "CIPHERED TELEGRAM No. 21646", "Telegram"
    "letterhead",  # "SECOND CHIEF DIRECTORATE OF THE GENERAL STAFF ..."
    "markings",  # a classification line: marking, precedence, handling
    "precedence",  # a line with only a precedence ("URGENT", "Priority")
    "dateline",  # place and date of sending
    "date",  # a date alone on its line
    "addressee",  # "To FILIPPOV [STALIN]"
    "from",  # "From Beijing", "FROM: Moscow"
    "instruction",  # "Read the following to Kim Il Sung:"
    "received",  # "Received from Beijing on 11: 55 on 7 October, 1950."
    "reference",  # "In response to Your no. 4676"
    "subject",  # "SUBJECT" / "Subject: ..."
    "copy-entry",  # one entry of a copy or distribution list inside the opener
    "number",  # "No. 2318" alone on its line
    "line",  # a short opener line that fits no other role
    "salutation",  # "With greetings!" before a signature
    "signature",  # "Signed: Filippov", "ROSHCHIN"
    "signer-title",  # "Director of Central Intelligence"
    "page-number",  # a stray page number
    "furniture",  # other page furniture: a footer marking, an office code, a stray mark
    "release",  # a release or declassification stamp
    "page-break",  # where a page ended (after page furniture); holds no text
)


@dataclass
class Block:
    """One source paragraph (or one part of it)."""

    role: str
    inlines: list[Inline]
    first_line: int  # 1-based number of the first source line
    last_line: int
    blank_before: int = 1  # blank source lines before it (1 is the normal paragraph break)
    join: str = "paragraph"  # how it follows the previous block: paragraph, next-line, run-on
    heading_level: int = 0  # number of '#' of a markdown heading marker
    bullet: str = ""  # a markdown list bullet ("-") before it
    indent: int = 0  # spaces before a heading marker or bullet
    n: str = ""  # the label of a numbered item or paragraph
    cert: str | None = None
    subtype: str = ""  # e.g. the kind of page furniture ("footer", "mark")

    def __post_init__(self) -> None:
        if self.role not in BLOCK_ROLES:
            raise ValueError(f"unknown block role {self.role!r}")

    @property
    def text(self) -> str:
        return plain_text(self.inlines)


@dataclass
class ListBlock:
    """Consecutive numbered or lettered paragraphs, or the entries of a copy list."""

    type: str  # "ordered", "distribution"
    items: list[Block]


@dataclass
class Division:
    """A document, or a document embedded in another (a telegram quoted in a telegram)."""

    kind: str  # a kind id from vocab/kinds.toml
    heading: list[Block] = field(default_factory=list)
    opener: list[Block] = field(default_factory=list)
    body: list["BodyPart"] = field(default_factory=list)
    closer: list[Block] = field(default_factory=list)
    postscript: list["BodyPart"] = field(default_factory=list)
    # documents a covering letter encloses, signed off before them ("[Signature] (P. Orlov)" /
    # "Secret" / "2 May 1957" / the enclosed record)
    enclosures: list["Division"] = field(default_factory=list)


@dataclass
class Quotation:
    """Paragraphs quoted from another text; ``embedded`` when they form a document of their own."""

    parts: list["BodyPart"] = field(default_factory=list)
    embedded: Division | None = None


BodyPart = Union[Block, ListBlock, Quotation]


# --- header facts --------------------------------------------------------------------------------


@dataclass
class Party:
    """A sender or recipient: a person or an organisation, as printed and as identified."""

    name: list[Inline]  # as printed (may hold a redaction)
    kind: str = "person"  # person, org, role
    ref: str | None = None  # authority id
    role: str = ""  # the office, where printed ("Consul General at Calcutta")
    cert: str | None = None
    line: int | None = None  # the source line that names it, where known


@dataclass
class DateFact:
    when: str  # ISO 8601: a date, or a date-time with seconds
    printed: str
    cert: str | None = None
    line: int | None = None  # the source line that prints it, where known


@dataclass
class Facts:
    """What the header says about the document."""

    kind: str = "document"
    kind_cert: str | None = None
    number: str | None = None  # normalised document number
    number_printed: str | None = None
    number_line: int | None = None
    number_cert: str | None = None
    edition_number: str | None = None  # the number of the document in a published edition
    date: DateFact | None = None
    received: DateFact | None = None
    place: str | None = None
    place_ref: str | None = None
    received_place: str | None = None
    received_place_ref: str | None = None
    senders: list[Party] = field(default_factory=list)
    recipients: list[Party] = field(default_factory=list)
    intermediaries: list[Party] = field(default_factory=list)
    classification: str | None = None  # level id
    classification_printed: str | None = None
    classification_cert: str | None = None
    precedence: list[str] = field(default_factory=list)
    handling: list[str] = field(default_factory=list)
    release: DateFact | None = None
    release_ids: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # xml:lang values used in the text
    # facts an editor set or confirmed (date, sender, recipient, classification) -> the editor's id
    resp: dict[str, str] = field(default_factory=dict)


@dataclass
class Editor:
    """Someone who reviewed the document: an id local to it and the name they gave."""

    id: str
    name: str


@dataclass
class Change:
    """One change an editor made or confirmed: when (ISO 8601), who (an editor's id), what."""

    when: str
    who: str
    what: str


@dataclass
class Document:
    """A recognised document: its source, its header facts and its text."""

    stem: str
    source_name: str
    sha256: str
    facts: Facts
    text: Division
    leading_blank: int = 0  # blank lines before the first paragraph
    warnings: list[str] = field(default_factory=list)
    editors: list[Editor] = field(default_factory=list)  # from the review file (pipeline/corrections.py)
    changes: list[Change] = field(default_factory=list)  # newest first


# --- walking a division --------------------------------------------------------------------------


def division_blocks(division: Division):
    """Every block of a division in document order, embedded documents included."""
    yield from division.opener
    yield from _part_blocks(division.body)
    yield from division.closer
    yield from _part_blocks(division.postscript)


def _part_blocks(parts):
    for part in parts:
        if isinstance(part, Block):
            yield part
        elif isinstance(part, ListBlock):
            yield from part.items
        elif isinstance(part, Quotation):
            if part.embedded is not None:
                yield from division_blocks(part.embedded)
            else:
                yield from _part_blocks(part.parts)
