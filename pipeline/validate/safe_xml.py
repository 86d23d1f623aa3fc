"""Reading untrusted XML without being harmed by it, and finding where things are in it.

This is the one parser of TEI in teipipe: validation, rendering, the build and the deposit all
read documents through :func:`parse` (or :func:`read`), and the XSLT processor is handed the
tree parsed here, serialised without its DOCTYPE (:func:`serialise`), never a file to read.

The parser expands no entity beyond the five predefined ones, loads no DTD, applies no
attribute default, reaches no network and does no XInclude. A document whose DOCTYPE declares
entities (the "billion laughs" and the XXE attacks both need one) is refused with TP004 before
anything in it is used; one that names an external DTD, or uses an entity nobody declared, with
TP005; one whose DOCTYPE declares attribute defaults or elements (which other tools would apply)
with TP009; an empty or a binary file is refused with TP001 or TP002 before parsing. libxml2's
own limits on the size of a text node are lifted (a 20 MB telegram is one long text node)
and teipipe's are applied instead: :data:`MAX_BYTES` for a file and :data:`MAX_DEPTH` for the
nesting of elements (TP008).

:class:`SourceText` turns an element into the line and column of its start tag, for messages.
"""

from __future__ import annotations

import os
import re
import stat
import threading
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from .. import TEI_NS
from .report import ERROR, Code, Problem

CODES = (
    Code("TP001", ERROR, "the file is empty", "write a TEI document into it, or delete it"),
    Code("TP002", ERROR, "the file is binary, not XML text", "check that the right file was given"),
    Code("TP003", ERROR, "the file is not well-formed XML", "fix the markup at the line and column given"),
    Code("TP004", ERROR, "the DOCTYPE declares entities (refused: entity expansion, XXE)",
         "remove the DOCTYPE; write the characters themselves"),
    Code("TP005", ERROR, "the DOCTYPE refers to an external DTD (not loaded here; other tools would)",
         "remove the DOCTYPE"),
    Code("TP006", ERROR, "the file cannot be read", "check the path and its permissions"),
    Code("TP007", ERROR, "the file is XML but not a TEI document (its root element is not TEI)",
         "check that the right file was given; a TEI document's root is TEI in the TEI namespace"),
    Code("TP008", ERROR, "the file is larger or nested deeper than teipipe reads",
         "check that it is the right file; split it, or remove the nesting"),
    Code("TP009", ERROR, "the DOCTYPE declares attribute defaults or elements (not applied here; other tools would)",
         "remove the DOCTYPE; write the attributes where they apply"),
    Code("TP099", ERROR, "the document could not be checked (a fault of teipipe)",
         "report it with the file"),
)

#: The largest TEI file read (bytes): the TEI of the largest source convert accepts (64 MB),
#: with room for its markup.
MAX_BYTES = 256 * 1024 * 1024
#: The deepest nesting of elements read; teipipe's own documents stay far below it.
MAX_DEPTH = 256
_TOO_DEEP = etree.XPath("(/*" + "/*" * MAX_DEPTH + ")[1]")

#: Byte-order marks of the UTF-16 and UTF-32 encodings, whose text legitimately holds NUL bytes.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

#: How far into a file to look for NUL bytes before calling it binary.
_BINARY_SNIFF = 8192

#: libxml2 reports a repeated xml:id while parsing; rule TP103 reports it with a better message.
_ID_REDEFINED = "DTD_ID_REDEFINED"


_parsers = threading.local()


def _parser() -> etree.XMLParser:
    """A parser that trusts nothing, one per thread: making one costs a third of parsing a
    document, and lxml clears a parser's error log when it starts on the next document."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,  # no entity expansion beyond the predefined ones
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=True,  # no limit on a text node's size: MAX_BYTES and MAX_DEPTH are the limits
        recover=True,  # so that a repeated xml:id does not stop parsing; fatal errors are reported
        remove_comments=False,
        remove_pis=False,
    )


@dataclass
class Parsed:
    """A parsed document and its source, or the problems that stopped parsing."""

    tree: etree._ElementTree | None
    source: "SourceText"
    problems: list[Problem]


def read(path: str | os.PathLike) -> Parsed:
    """Read and parse the file at ``path`` safely; a file that cannot be read is TP006."""
    name = str(path)
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{name} is not a regular file")
        if status.st_size > MAX_BYTES:
            return Parsed(None, SourceText(b""), [_too_large(name, status.st_size)])
        data = read_at_most(name, status.st_size)
    except OSError as exc:
        return Parsed(None, SourceText(b""), [Problem(name, 1, 1, "TP006", ERROR,
                                                      f"cannot read the file: {exc.strerror or exc}; check "
                                                      "the path and its permissions")])
    return parse(name, data)


def read_at_most(name: str, size: int) -> bytes:
    """The bytes of the regular file ``name`` of ``size`` bytes (when it was looked at), at most
    :data:`MAX_BYTES` + 1 of them (a file that grew meanwhile is read no further). Read with
    the system's calls: a buffered ``read(MAX_BYTES + 1)`` would first set aside that much memory,
    and cost more than parsing a small document."""
    descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        want = min(size, MAX_BYTES) + 1
        data = os.read(descriptor, want)
        if len(data) < want:  # the whole file: a regular file reads short only at its end
            return data
        chunks, left = [data], MAX_BYTES + 1 - len(data)
        while left > 0 and (chunk := os.read(descriptor, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _too_large(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, "TP008", ERROR, f"the file is too large ({size} bytes; teipipe reads TEI files "
                                               f"of up to {MAX_BYTES} bytes): check that it is the right file, or split "
                                               "the document")


def parse(path: str, data: bytes) -> Parsed:
    """Parse ``data`` (the bytes of the file at ``path``) safely."""
    source = SourceText(data)
    if len(data) > MAX_BYTES:
        return Parsed(None, source, [_too_large(path, len(data))])
    if not data or data.isspace():  # (not data.strip(), without copying the data)
        return Parsed(None, source, [Problem(path, 1, 1, "TP001", ERROR,
                                             "the file is empty: write a TEI document into it or delete it")])
    if not data.startswith(_WIDE_BOMS) and data.find(b"\x00", 0, _BINARY_SNIFF) >= 0:
        return Parsed(None, source, [Problem(path, 1, 1, "TP002", ERROR,
                                             "the file holds NUL bytes: it is binary, not XML text; "
                                             "check that the right file was given")])

    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:  # raised even in recover mode when nothing could be read
        root = None
        fallback = (exc.lineno or 1, exc.offset or 1, str(exc.msg))
    else:
        fallback = (1, 1, "no root element")
    tree = root.getroottree() if root is not None else None

    entity_problem = _entity_declarations(path, tree, data)
    if entity_problem is not None:
        return Parsed(None, source, [entity_problem])

    fatal = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR and e.type_name != _ID_REDEFINED]
    if fatal or tree is None:
        first = fatal[0] if fatal else None
        line, column, message = (first.line, first.column, first.message) if first else fallback
        return Parsed(None, source, [Problem(path, max(line, 1), max(column, 1), "TP003", ERROR,
                                             f"not well-formed: {message.strip()}; fix the markup at this place")])

    too_deep = _TOO_DEEP(tree)
    if too_deep:
        line, column = source.position(too_deep[0])
        return Parsed(None, source, [Problem(path, line, column, "TP008", ERROR,
                                             f"elements are nested more than {MAX_DEPTH} deep here: teipipe does "
                                             "not read a document nested so deeply; check that it is the right "
                                             "file, or remove the needless levels")])
    declared = _other_declarations(tree, data)
    if declared:
        line, column = source.position_of_bytes(b"<!DOCTYPE")
        return Parsed(None, source, [Problem(path, line, column, "TP009", ERROR,
                                             f"the DOCTYPE declares {declared}: teipipe does not apply them, but "
                                             "other tools reading the file would, and would read another "
                                             "document; remove the DOCTYPE (TEI documents need none)")])
    entity = next(tree.getroot().iter(etree.Entity), None)
    if entity is not None:
        line, column = source.position_of_bytes(f"&{entity.name};".encode("utf-8"))
        return Parsed(None, source, [Problem(path, line, column, "TP005", ERROR,
                                             f"the entity &{entity.name}; is declared nowhere in the file (an "
                                             "external DTD would have to say what it is, and teipipe loads "
                                             "none): write the characters themselves and remove the DOCTYPE")])

    problems = []
    if tree.docinfo.system_url or tree.docinfo.public_id:
        line, column = source.position_of_bytes(b"<!DOCTYPE")
        problems.append(Problem(path, line, column, "TP005", ERROR,
                                "the DOCTYPE names an external DTD: teipipe does not load it, but other "
                                "tools reading the file would; remove the DOCTYPE (TEI documents need none)"))
    return Parsed(tree, source, problems)


def not_tei(root) -> str | None:
    """Why the element ``root`` does not start a TEI document, or None when it does: the
    sentence every command says of XML that is not TEI."""
    name = etree.QName(root)
    if name.namespace == TEI_NS and name.localname == "TEI":
        return None
    if name.localname == "TEI":
        where = f"in the namespace {name.namespace}" if name.namespace else "in no namespace"
        return (f"not a TEI document (root element `TEI` {where}, not {TEI_NS}): "
                f'declare xmlns="{TEI_NS}" on it')
    return f"not a TEI document (root element `{name.localname}`)"


def not_tei_problem(path: str, tree, source: "SourceText") -> Problem | None:
    """TP007 when the parsed document is XML but not TEI."""
    why = not_tei(tree.getroot())
    if why is None:
        return None
    line, column = source.position(tree.getroot())
    return Problem(path, line, column, "TP007", ERROR, f"{why}; check that the right file was given")


def root_of_file(path) -> etree._Element | None:
    """The root element of the XML file at ``path``, read safely and no further than its start
    tag; None when the file cannot be read that far."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                          load_dtd=False, no_network=True, huge_tree=False):
            return element
    except (OSError, etree.XMLSyntaxError):
        return None
    return None


def _entity_declarations(path: str, tree, data: bytes) -> Problem | None:
    """TP004 when the document declares entities in an internal DTD subset.

    The declarations were read but never expanded (``resolve_entities=False``); refusing the
    document keeps any later step from expanding them.
    """
    declared = []
    if tree is not None and tree.docinfo.internalDTD is not None:
        declared = [entity.name for entity in tree.docinfo.internalDTD.iterentities()]
    doctype = data.find(b"<!DOCTYPE")
    if not declared and (doctype < 0 or data.find(b"<!ENTITY", doctype) < 0):
        return None
    line, column = SourceText(data).position_of_bytes(b"<!DOCTYPE")
    names = ", ".join(declared[:5]) + (" …" if len(declared) > 5 else "")
    what = f"entities ({names})" if declared else "entities"
    return Problem(path, line, column, "TP004", ERROR,
                   f"the DOCTYPE declares {what}; they are not expanded and the document is refused: "
                   "remove the DOCTYPE and write the characters themselves")


def _other_declarations(tree, data: bytes) -> str:
    """What the internal DTD subset declares besides entities (attribute lists, elements), as
    words; empty when it declares nothing else. (libxml2 keeps an attribute list of an element
    that is not declared out of reach of lxml, so the bytes are searched too.)"""
    doctype = data.find(b"<!DOCTYPE")
    if tree.docinfo.internalDTD is None or doctype < 0:
        return ""
    kinds = [words for declaration, words in ((b"<!ATTLIST", "attribute defaults"), (b"<!ELEMENT", "elements"))
             if data.find(declaration, doctype) >= 0]
    return " and ".join(kinds)


def serialise(tree: etree._ElementTree) -> str:
    """The document as text for another XML processor: the root element with the comments and
    processing instructions around it, without the XML declaration and the DOCTYPE (so that the
    other processor has no DTD to load and no entity or attribute default to apply)."""
    root = tree.getroot()
    before = [etree.tostring(node, encoding="unicode", with_tail=False)
              for node in reversed(list(root.itersiblings(preceding=True)))]
    after = [etree.tostring(node, encoding="unicode", with_tail=False) for node in root.itersiblings()]
    return "\n".join([*before, etree.tostring(root, encoding="unicode", with_tail=False), *after])


class SourceText:
    """The text of a document, split into lines on demand, to locate elements in it.

    libxml2 records for each element the line where its start tag *ends*; the column is found
    by looking for the start tag on that line (or, for a tag spread over lines, above it).
    Locating is only done for problems, so the lines are decoded lazily.
    """

    def __init__(self, data: bytes):
        self.data = data

    @cached_property
    def lines(self) -> list[str]:
        return self.data.decode("utf-8", errors="replace").split("\n")

    def position_of_bytes(self, needle: bytes) -> tuple[int, int]:
        """Line and column of the first occurrence of ``needle`` (1, 1 when absent)."""
        index = self.data.find(needle)
        if index < 0:
            return 1, 1
        line_start = self.data.rfind(b"\n", 0, index) + 1
        line = self.data.count(b"\n", 0, index) + 1
        column = len(self.data[line_start:index].decode("utf-8", errors="replace")) + 1
        return line, column

    def position(self, element) -> tuple[int, int]:
        """Line and column of the start tag of ``element``."""
        end_line = element.sourceline or 1
        qname = etree.QName(element).localname
        if element.prefix:
            qname = f"{element.prefix}:{qname}"
        start_tag = re.compile("<" + re.escape(qname) + r"(?=[\s/>]|$)")
        if 1 <= end_line <= len(self.lines):
            starts = [m.start() for m in start_tag.finditer(self.lines[end_line - 1])]
            rank = _rank_on_line(element, end_line)
            if rank < len(starts):
                return end_line, starts[rank] + 1
            for line in range(end_line - 1, max(0, end_line - 40), -1):
                starts = [m.start() for m in start_tag.finditer(self.lines[line - 1])]
                if starts:
                    return line, starts[-1] + 1
        return end_line, 1

    def attribute_position(self, element, attribute: str) -> tuple[int, int]:
        """Line and column of ``attribute`` (a name such as ``ref`` or ``xml:id``) in the start tag."""
        line, column = self.position(element)
        pattern = re.compile(r"(?<=\s)" + re.escape(attribute) + r"\s*=")
        for number in range(line, min(line + 20, len(self.lines)) + 1):
            text = self.lines[number - 1]
            found = pattern.search(text, column - 1 if number == line else 0)
            if found:
                return number, found.start() + 1
            if ">" in text[(column - 1 if number == line else 0):]:
                break
        return line, column


def _rank_on_line(element, line: int) -> int:
    """How many elements of the same name end their start tag earlier on the same line."""
    rank = 0
    for other in element.getroottree().getroot().iter(element.tag):
        if other is element:
            return rank
        if other.sourceline == line:
            rank += 1
    return rank
