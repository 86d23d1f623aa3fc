"""Reading a source file: bytes to normalised text, split into paragraphs with their line numbers.

What is normalised, and how (each step is documented in docs/errors.md and docs/encoding.md):

* the encoding: UTF-8 (a BOM is dropped), UTF-16 or UTF-32 with a BOM, or the encoding named
  with ``--encoding``; anything else is refused with a :class:`SourceError` naming the place of
  the first bad byte;
* line endings: CRLF and CR become LF;
* trailing spaces and tabs at the end of each line are dropped;
* characters XML cannot hold (C0 controls other than tab and newline, U+FFFE, U+FFFF) are
  dropped, each with a warning naming its line and column; a form feed is treated as a line
  break.

A file that starts like an image, a PDF or a ZIP archive, or has NUL bytes (and no UTF-16/32
BOM), is binary; a file named or starting like XML, Word, PDF or HTML is not plain text; a file
with no words is empty: all are errors for that file only, saying what convert takes.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024  # larger files are refused rather than read into memory


class SourceError(Exception):
    """A source file that cannot be encoded; carries the file, the place and the reason."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        place = ""
        if self.line is not None:
            place = f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{self.path}{place}: error: {self.reason}"


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank lines. ``blank_before`` counts the blank lines in front of it."""

    lines: tuple[str, ...]
    first_line: int
    blank_before: int

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1


@dataclass(frozen=True)
class Source:
    path: Path
    stem: str
    name: str
    sha256: str
    encoding: str
    text: str  # the normalised text
    paragraphs: tuple[Paragraph, ...]
    warnings: tuple[str, ...]


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: What to do with the documents most often given instead of their text.
TAKES = "convert takes plain-text documents (.txt)"
_AS_TEXT = {
    "xml": f"{TAKES} and encodes them as TEI: a TEI file is checked with `teipipe validate` "
           "and rendered with `teipipe render`",
    "word": f"{TAKES}: save the document as plain text (UTF-8) first",
    "pdf": f"{TAKES}: extract the PDF's text (or OCR it) into a .txt file first",
    "html": f"{TAKES}: save the page as plain text first",
    "image": "only plain text can be encoded: OCR the image into a .txt file first",
}

#: Names that say a file is not plain text, refused before it is read.
_NOT_TEXT_SUFFIXES = {
    ".xml": ("an XML file", "xml"), ".tei": ("an XML file", "xml"),
    ".docx": ("a Word document", "word"), ".doc": ("a Word document", "word"),
    ".odt": ("an OpenDocument text", "word"), ".rtf": ("an RTF document", "word"),
    ".pdf": ("a PDF document", "pdf"),
    ".html": ("an HTML page", "html"), ".htm": ("an HTML page", "html"),
}

# The first bytes of the binary files most often found among scans and their text: refused by
# name, before any decoding is tried.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "image"),
    (b"\xff\xd8\xff", "a JPEG image", "image"),
    (b"GIF87a", "a GIF image", "image"),
    (b"GIF89a", "a GIF image", "image"),
    (b"II*\x00", "a TIFF image", "image"),
    (b"MM\x00*", "a TIFF image", "image"),
    (b"%PDF-", "a PDF document", "pdf"),
    (b"PK\x03\x04", "a ZIP archive (or a word-processor document)", "word"),
)

#: How the text of an XML file begins (after white space): such a file is refused as XML.
_XML_STARTS = ("<?xml", "<TEI", "<!DOCTYPE", "<teiCorpus")

# Characters that may not appear in XML 1.0 (form feed is handled before this).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was read in."""
    for signature, kind, advice in _SIGNATURES:  # whatever encoding is named
        if data.startswith(signature):
            raise SourceError(path, f"binary file ({kind}); {_AS_TEXT[advice]}")
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise SourceError(path, f"unknown encoding {encoding!r} given with --encoding") from None
        except UnicodeDecodeError as exc:
            line, column = _place_of_byte(data, exc.start)
            raise SourceError(path, f"not valid {encoding}: byte 0x{data[exc.start]:02X} cannot be decoded",
                              line, column) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"starts with a {name} byte-order mark but is not valid {name} "
                                        f"(at byte {exc.start})") from None
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line, column = _place_of_byte(data, offset)
        raise SourceError(path, "binary file (NUL byte); only plain text can be encoded", line, column)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        line, column = _place_of_byte(data, exc.start)
        raise SourceError(
            path,
            f"not UTF-8 (byte 0x{data[exc.start]:02X}); if the file is in another encoding, "
            f"name it with --encoding (for example --encoding cp1251 or --encoding latin-1)",
            line, column,
        ) from None


def _place_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def normalise(text: str) -> tuple[str, list[str]]:
    """Line endings to LF, trailing white space dropped, non-XML characters dropped.

    Returns the text and the warnings (``line:column: warning: ...``).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    warnings: list[str] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _NOT_XML.search(line):
            for match in _NOT_XML.finditer(line):
                warnings.append(f"{index + 1}:{match.start() + 1}: warning: dropped control character "
                                f"U+{ord(match.group()):04X}")
            line = _NOT_XML.sub("", line)
        lines[index] = line.rstrip(" \t\u00a0")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines), warnings


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split normalised text into paragraphs, keeping line numbers and blank-line counts."""
    result: list[Paragraph] = []
    current: list[str] = []
    first = 0
    blanks = 0
    blank_before = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() == "":
            if current:
                result.append(Paragraph(tuple(current), first, blank_before))
                current = []
                blanks = 0
            blanks += 1
            continue
        if not current:
            first = number
            blank_before = blanks
        current.append(line)
    if current:
        result.append(Paragraph(tuple(current), first, blank_before))
    return tuple(result)


def stem_of(path: Path) -> str:
    return path.name[:-4] if path.name.lower().endswith(".txt") else path.stem


def read_source(path: str | Path, encoding: str | None = None) -> Source:
    """Read and normalise one source file. Raises :class:`SourceError` for a file it refuses."""
    return source_from_bytes(read_source_bytes(path), Path(path), encoding)


def read_source_bytes(path: str | Path) -> bytes:
    """The bytes of one source file, for :func:`source_from_bytes`. Raises :class:`SourceError`
    for a file that is not a readable regular file of a sane size."""
    path = Path(path)
    not_text = _NOT_TEXT_SUFFIXES.get(path.suffix.lower())
    if not_text is not None:
        kind, advice = not_text
        raise SourceError(path, f"{kind}, not plain text; {_AS_TEXT[advice]}")
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise SourceError(path, "is a folder, not a text file")
        if not stat.S_ISREG(status.st_mode):  # a pipe or a device: reading it could wait for ever
            raise SourceError(path, "is not a regular file (a pipe, socket or device); only text files can be encoded")
        size = status.st_size
        if size > MAX_BYTES:
            raise SourceError(path, f"file too large ({size} bytes; the limit is {MAX_BYTES})")
        data = path.read_bytes()
    except SourceError:
        raise
    except IsADirectoryError:
        raise SourceError(path, "is a folder, not a text file") from None
    except OSError as exc:
        raise SourceError(path, f"cannot be read: {exc.strerror or exc}") from None
    return data


def source_from_bytes(data: bytes, path: str | Path, encoding: str | None = None) -> Source:
    path = Path(path)
    if not data:
        raise SourceError(path, "empty file: there is no text to encode")
    raw, used = decode(data, path, encoding)
    if raw.lstrip("\ufeff \t\r\n").startswith(_XML_STARTS):
        raise SourceError(path, f"an XML file, not plain text; {_AS_TEXT['xml']}")
    text, warnings = normalise(raw)
    if not text.strip():
        raise SourceError(path, "the file holds only white space: there is no text to encode")
    if not any(ch.isalnum() for ch in text):
        raise SourceError(path, "the file holds no letters or digits: there is no text to encode")
    return Source(
        path=path,
        stem=stem_of(path),
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=used,
        text=text,
        paragraphs=paragraphs(text),
        warnings=tuple(f"{path}:{w}" for w in warnings),
    )
