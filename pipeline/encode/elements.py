"""Making the tree: TEI elements with their attributes, text appended after the last child,
indentation of element-only content, and xml:ids made from file names."""

from __future__ import annotations

from functools import cache

from lxml import etree

from .. import TEI_NS, XML_NS
from .tables import ELEMENT_ONLY

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

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


def el(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    """A TEI element ``name`` under ``parent`` (the root, in the TEI namespace, when None), with
    ``text`` and the attributes given as keywords (one given None is left out)."""
    attrib = {_attribute_name(key): value for key, value in attrs.items() if value is not None}
    element = etree.SubElement(parent, T + name, attrib) if parent is not None \
        else etree.Element(T + name, attrib, nsmap={None: TEI_NS})
    if text is not None:
        element.text = text
    return element


@cache
def _attribute_name(key: str) -> str:
    """The attribute a keyword argument of :func:`el` names: ``xml__lang`` is ``xml:lang``,
    ``type_`` is ``type``."""
    return key.replace("__", ":").rstrip("_")


def append_text(element, text: str) -> None:
    """Add ``text`` at the end of ``element``: to its text, or to its last child's tail."""
    # element[-1] reaches the last child directly, where len(element) would count every child
    # (and make a paragraph of many lines quadratic).
    try:
        last = element[-1]
    except IndexError:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


#: The element-only elements by their tags (every element the writer makes is in the TEI namespace).
_ELEMENT_ONLY_TAGS = frozenset(T + name for name in ELEMENT_ONLY)


def indent(element, level: int = 0) -> None:
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
            indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level
