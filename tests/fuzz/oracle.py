"""What every conversion must satisfy, whatever its input.

:func:`check_conversion` runs :func:`pipeline.convert.convert_text` on some bytes and accepts
exactly two outcomes:

* the input is refused with a :class:`~pipeline.source.SourceError` whose message is one line,
  ``name: error: reason`` or ``name:line:column: error: reason``;
* a TEI document comes back that is well-formed, has ``TEI`` as its root, is valid against
  tei_all when a compiled grammar is given, and keeps every word of the source, in order.

The source is the text as the encoder reads it (:func:`pipeline.source.normalise`: line
endings unified, control characters dropped with a warning). A *word* is a maximal run of
letters and digits (``str.isalnum``). Markdown and OCR markers that
the encoder turns into markup (``**``, ``~~``, ``$``, ``^``, ``\\``, ``#``) are not letters or
digits, so they are never words; the tag names of ``<sup>`` and ``<sub>`` are, and are taken out
of the source before it is split. The TEI side is the text content of ``<text>`` with everything
but letters and digits removed, and each source word must be found in it after the previous
one. Words may so be split or joined by markup (``a**b**c`` is written ``a<hi>b</hi>c``), but
none may be lost, changed or moved.

The fuzz tests (tests/test_fuzz.py) and the atheris target (tests/fuzz/fuzz_convert.py) share it.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.authority import Authority
from pipeline.convert import convert_text
from pipeline.encode import EncodingContext
from pipeline.source import SourceError, decode, normalise

TEI_NS = "http://www.tei-c.org/ns/1.0"
CONTEXT = EncodingContext(source_href="fuzz.txt")

# A letter or digit is what str.isalnum accepts: a word character of ``re`` other than "_".
_WORD = re.compile(r"[^\W_]+")
_NOT_WORD = re.compile(r"[\W_]+")
_MARKUP_TAGS = re.compile(r"</?(?:sup|sub)>", re.IGNORECASE)
_ERROR_LINE = re.compile(r"^(?P<name>.+?)(?::\d+(?::\d+)?)?: error: \S.*$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def words(text: str) -> list[str]:
    """The maximal runs of letters and digits of ``text``."""
    return _WORD.findall(text)


def source_words(text: str) -> list[str]:
    """The words of a source text, without the tag names of ``<sup>`` and ``<sub>``."""
    return words(_MARKUP_TAGS.sub(" ", text))


def missing_word(source: str, tei_text: str) -> str | None:
    """The first source word not found, in order, in the letters and digits of ``tei_text``
    (None when every word is there)."""
    stream = _NOT_WORD.sub("", tei_text)
    position = 0
    for word in source_words(source):
        found = stream.find(word, position)
        if found < 0:
            return word
        position = found + len(word)
    return None


def text_content(root: etree._Element) -> str:
    """The text content of the document's ``<text>`` element."""
    text = root.find(f"{{{TEI_NS}}}text")
    assert text is not None, "the TEI document has no <text>"
    return "".join(text.itertext())


def check_conversion(data: bytes, name: str = "fuzz.txt", grammar: etree.RelaxNG | None = None) -> str:
    """Convert ``data`` and check the outcome; returns ``"refused"`` or ``"encoded"``.

    Raises AssertionError (with the reason) when the outcome is neither a clean refusal nor a
    valid TEI document that keeps the words of the source."""
    try:
        tei, _ = convert_text(data, name, Authority.load(None), CONTEXT)
    except SourceError as error:
        message = error.describe()
        assert "\n" not in message, f"the error message spans lines: {message!r}"
        match = _ERROR_LINE.match(message)
        assert match and match.group("name") == name, f"the error does not name the file: {message!r}"
        return "refused"
    root = etree.fromstring(tei, _PARSER)  # raises XMLSyntaxError when not well-formed
    assert root.tag == f"{{{TEI_NS}}}TEI", f"the root is {root.tag}, not TEI"
    if grammar is not None:
        assert grammar.validate(etree.ElementTree(root)), f"not valid against tei_all: {grammar.error_log.last_error}"
    # The words of the text as the encoder reads it: control characters, which XML cannot hold,
    # are dropped (with a warning), so "<\x01/sup>" is the tag "</sup>".
    source, _ = normalise(decode(data, name)[0])
    lost = missing_word(source, text_content(root))
    assert lost is None, f"the word {lost!r} of the source is not in the TEI text, in order"
    return "encoded"
