"""Recognising a document: from the paragraphs of a source to the document model.

:func:`recognise` is the one entry point; the modules beside it each handle one concern:
``markdown`` (leftover markup in a line), ``brackets`` (what brackets mean), ``dates``
(printed dates and times), ``lines`` (what one paragraph is), ``structure`` (the parts of a
document) and ``facts`` (what the header says).
"""

from __future__ import annotations

from ..authority import Authority
from ..model import Block, Document, ListBlock, Span
from ..source import Source
from . import facts as _facts
from .structure import Recogniser


def recognise(source: Source, authority: Authority) -> Document:
    recogniser = Recogniser(authority)
    paras = recogniser.read_paragraphs(source.paragraphs)
    leading = paras[0].blank_before if paras else 0
    if paras:
        paras[0].blank_before = 1
    division = recogniser.division(paras)
    facts = _facts.extract(division, authority)
    if facts.kind == "telegram" and facts.number is None:
        number = _telegram_number(division)
        if number:
            facts.number = facts.number_printed = number
    division.kind = facts.kind
    return Document(stem=source.stem, source_name=source.name, sha256=source.sha256, facts=facts,
                    text=division, leading_blank=leading, warnings=list(source.warnings))


def _telegram_number(division) -> str | None:
    """A State Department telegram opens its text with its number: "107. Ref Deptel 91 ...".
    That number is not a list label when the next numbered paragraph does not continue it."""
    if not division.body:
        return None
    first = division.body[0]
    following = None
    if isinstance(first, ListBlock):
        block = first.items[0]
        following = first.items[1].n if len(first.items) > 1 else None
    elif isinstance(first, Block) and first.role == "paragraph":
        block = first
    else:
        return None
    text = block.text.lstrip()
    from .lines import frus_number

    number = frus_number(text)
    if number is None or number == "1" or (following and following.isdigit() and int(following) == int(number) + 1):
        return None
    if not isinstance(block.inlines[0], str):
        return None
    head = block.inlines[0]
    at = head.find(number)
    block.inlines[0:1] = [x for x in (head[:at], Span("number", [number], {"type": "telegram"}),
                                      head[at + len(number):]) if x != ""]
    block.role = "paragraph"
    block.n = ""
    if isinstance(first, ListBlock):
        first.items.pop(0)
        if len(first.items) == 1:
            only = first.items[0]
            only.role = "paragraph"
            division.body[0:1] = [block, only]
        elif not first.items:
            division.body[0:1] = [block]
        else:
            division.body.insert(0, block)
    return number
