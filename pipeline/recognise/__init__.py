"""Recognising a document: from the paragraphs of a source to the document model.

:func:`recognise` is the one entry point; the modules beside it each handle one concern:
``markdown`` (leftover markup in a line), ``brackets`` (what brackets mean), ``dates``
(printed dates and times), ``lines`` (what one paragraph is), ``structure`` (the parts of a
document) and ``facts`` (what the header says).
"""

from __future__ import annotations

from ..authority import Authority
from ..model import Block, DateFact, Document, ListBlock, Party, Span
from ..source import Source
from . import cable as _cable
from . import cover as _cover
from . import facts as _facts
from . import lines as _lines
from . import names as _names
from .structure import Recogniser


def recognise(source: Source, authority: Authority) -> Document:
    _lines.forget_lines()
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
    cable = _cable.read(source_lines(source))
    if cable.is_cable:
        _apply_cable(facts, cable, authority)
    else:
        _apply_cover(facts, source.text, authority)
    division.kind = facts.kind
    _names.mark_names(division, facts, authority)
    return Document(stem=source.stem, source_name=source.name, sha256=source.sha256, facts=facts,
                    text=division, leading_blank=leading, warnings=list(source.warnings))


def source_lines(source: Source) -> list[tuple[int, str]]:
    """Every line of the source with its 1-based number (blank lines included)."""
    numbered: list[tuple[int, str]] = []
    for paragraph in source.paragraphs:
        while len(numbered) + 1 < paragraph.first_line:
            numbered.append((len(numbered) + 1, ""))
        numbered.extend((paragraph.first_line + i, text) for i, text in enumerate(paragraph.lines))
    return numbered


def _apply_cable(facts, found: _cable.CableFacts, authority: Authority) -> None:
    """A cable's routing lines state its date, sender, addressees and number: they are the
    cable's own record of them and replace what the running text suggested."""
    if not found.is_cable:
        return
    facts.kind = "telegram"
    facts.kind_cert = None
    facts.date = DateFact(found.date.value, found.date.printed, line=found.date.line)
    facts.senders = [Party([found.sender.printed], "org", authority.ref_for(found.sender.printed, "org"),
                           line=found.sender.line)]
    if found.sender_place:
        facts.place = found.sender_place.printed
        facts.place_ref = None
    if found.recipients:
        facts.recipients = [Party([r.printed], "org", authority.ref_for(r.printed, "org"), line=r.line)
                            for r in found.recipients]
        facts.intermediaries = []
    if found.number:
        facts.number, facts.number_printed, facts.number_line = found.number.value, found.number.printed, \
            found.number.line
    if found.classification and facts.classification is None:
        facts.classification = found.classification.value
        facts.classification_printed = found.classification.printed


def source_paragraph_lines(text: str) -> list[str]:
    """The non-blank lines of a text."""
    return [line for line in text.split("\n") if line.strip()]


def _apply_cover(facts, text: str, authority: Authority) -> None:
    """What a report's cover prints fills the facts that no dateline, heading or addressee
    line gave."""
    release_year = int(facts.release.when[:4]) if facts.release else None
    found = _cover.read(text, release_year, facts.edition_number)
    if facts.date is None and found.date is not None:
        facts.date = DateFact(found.date.value, found.date.printed, cert=found.date.cert, line=found.date.line)
    if not facts.senders and found.issuer is not None:
        facts.senders = [Party([found.issuer.printed], "org", authority.ref_for(found.issuer.value, "org"),
                               cert=found.issuer.cert, line=found.issuer.line)]
    if facts.number is None and found.number is not None:
        facts.number = facts.number_printed = found.number.value
        facts.number_line, facts.number_cert = found.number.line, found.number.cert
    if facts.classification is None and found.classification is not None:
        facts.classification = found.classification.value
        facts.classification_printed = found.classification.printed
        facts.classification_cert = found.classification.cert
    if not facts.senders and found.signer is not None and len(source_paragraph_lines(text)) <= 3:
        signer = _facts.party(found.signer.printed, authority)
        signer.cert, signer.line = found.signer.cert, found.signer.line
        facts.senders = [signer]
    if not facts.recipients and found.addressee is not None:
        who = found.addressee.printed
        facts.recipients = [_facts.party(who, authority)]
        facts.recipients[0].cert, facts.recipients[0].line = found.addressee.cert, found.addressee.line


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
