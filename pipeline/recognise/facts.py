"""The header facts of a recognised document: kind, number, date, place, sender, recipient,
classification, precedence, release.

Each fact is taken from the most authoritative place that states it:

* kind: a heading or title line, then a kind line ("CIPHERED TELEGRAM No. 21646"), then cues in
  the text (a bulletin's "SECTION 1 (SOVIET)");
* number: the kind line, then a telegram's leading paragraph number ("107. Ref Deptel 91...");
* date: the dateline, then the heading, then a date line of the opener, then the closer, then
  the receipt, then page furniture;
* sender and recipient: a heading ("X to Y", "Memorandum From X to Y"), then the opener's
  addressee line and, when the document has no heading, its signatures;
* classification: the most restrictive marking in force (not struck out) of the opener, then
  of the whole document; struck ones only when none is in force;
* release: a release or declassification stamp anywhere.
"""

from __future__ import annotations

import functools
import re

from .. import vocab
from ..authority import Authority
from ..model import (Block, DateFact, Division, Facts, Inline, Party, Span, bracketed_text, division_blocks,
                     iter_spans, plain_text)
from . import dates, numbers
from .parts import signature_mark_name
from . import lines as L

_HEADING = re.compile(
    r"^(?:(?:No\.\s*)?(?P<edition>\d{1,4})\.?\s+)?"
    r"(?P<rest>.+)$", re.S)
_FROM_TO = re.compile(r"(?:^|\s)(?:[Ff]rom|FROM|by|BY)\s+(?P<sender>.+?)(?:\s+(?:to|TO)\s+(?P<recipient>.+?))?$")
_TRAILING_DATE = re.compile(r",\s*(?P<date>[^,]*\d{4})\.?$")


def _split_top_level(text: str, word: str) -> tuple[str, str] | None:
    """Split at the first `` word `` that is not inside brackets or parentheses, nor part of
    an office's name ("the Delegation to the Conference to the Department of State")."""
    depth = 0
    needle = f" {word} "
    offices = {w.lower() for w in vocab.people_words().get("offices_with_to", ())}
    candidates = []
    for index, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(needle, index):
            candidates.append(index)
    for index in candidates:
        last_word = text[:index].split()[-1].lower() if text[:index].split() else ""
        if last_word in offices and index != candidates[-1]:
            continue
        return text[:index], text[index + len(needle):]
    return None


def parse_heading(text: str) -> dict:
    """The facts a heading states: edition number, kind, sender, recipient, date."""
    text = " ".join(text.split())
    m = _HEADING.match(text)
    result: dict = {}
    if not m:
        return result
    if m.group("edition"):
        result["edition"] = m.group("edition")
    rest = m.group("rest").strip().rstrip(".")
    date_m = _TRAILING_DATE.search(rest)
    if date_m and dates.find_dates(date_m.group("date")):
        result["date"] = date_m.group("date").strip()
        rest = rest[: date_m.start()].strip()
    notes = re.match(r"^(?:Notes|Diary|Journal|Memoirs?|Minutes|Letter|Report|Note)\s+(?:of|by)\s+"
                     r"(?P<sender>(?!the\b)[A-Z][\w.'’ -]{1,40}?)\s+(?:on|about|concerning|regarding)\s", rest)
    if notes:
        result["sender"] = notes.group("sender")
        kind = L.kind_in(rest)
        if kind:
            result["kind"] = kind
        return result
    possessive = re.match(r"^(?P<sender>[A-Z][^']{1,60})['’]s\s+(?P<kind>.+?)\s+(?:to|for)\s+(?P<recipient>.+)$", rest)
    if possessive and L.kind_in(possessive.group("kind")):
        result.update(kind=L.kind_in(possessive.group("kind")), sender=possessive.group("sender"),
                      recipient=possessive.group("recipient"))
        return result
    kind = L.kind_in(rest)
    kind_m = L._patterns()["kind_word"].search(rest)
    if kind:
        result["kind"] = kind
    # "Memorandum From X to Y" / "Telegram from X to Y" / "Memorandum by X to Y" / "X to Y"
    body = rest
    if kind_m and kind_m.start() <= 40:
        after = rest[kind_m.end():]
        by = re.match(r"^\s*(?:,\s*)?(?:[Ff]rom|by|BY|FROM)\s+(?P<x>.+)$", after) or \
            re.match(r"^\s*of\s+(?P<x>(?:the\s+)?[A-Z][\w'’ ]{0,40}\b(?:Ministry|Embassy|Committee|Legation|"
                     r"Consulate|Department|Office)\b.*)$", after)
        if by:
            body = by.group("x")
        else:
            number = re.match(r"^\s*(?:No\.?\s*)?(?P<n>[\d/.-]+)\s*$", after)
            if number and any(ch.isdigit() for ch in number.group("n")):
                result["number"] = number.group("n")
            before_kind = rest[: kind_m.start()].strip()
            body = "" if not re.search(r"\bto\b", after) else after.strip()
            if before_kind and not body:
                return result
    split = _split_top_level(body, "to") if body else None
    if split:
        result["sender"], result["recipient"] = split[0].strip(" ,"), split[1].strip(" ,")
    elif body and re.match(r"^(?:[Ff]rom|[Bb]y|of)\s", rest[kind_m.end():].lstrip(" ,") if kind_m else ""):
        result["sender"] = body.strip(" ,")
    return result


def _office_pattern() -> re.Pattern:
    return _office_regex(tuple(vocab.people_words().get("offices", ())))


@functools.cache
def _office_regex(offices: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"^(?:(?:the|The)\s+)?(?:(?:Soviet|American|US|U\.S\.|Chinese|British|French|Korean)\s+)?"
                      + vocab.phrase_pattern(offices) + r"(?![\w'’])", re.I)




def party(text: str, authority: Authority, inlines: list[Inline] | None = None) -> Party:
    """A sender or recipient as printed: "The Consul General at Madras (Carter)",
    "the Secretary of State", "Soviet Ambassador P.I. Ivanov"."""
    # a footnote call printed against the last word ("to the Agency1") is not part of the name
    printed = re.sub(r"(?<=[a-z])\s?\d{1,2}$", "", " ".join(text.split()))
    name_inlines: list[Inline] = inlines if inlines is not None else [printed]
    m = re.match(r"^(?P<role>.+?)\s*\((?P<name>[^()]+)\)$", printed)
    if m and re.match(r"^(?:to|for|attn\.?)\s", m.group("name"), re.I):
        # "the Ministry of Trade (to comrade Deputy Minister A. Petrescu; ...)":
        # the person the office's message is for; "VYSHINSKY (for the Politburo)": the person
        # named, who is to pass it on
        if not L.office_pattern().search(m.group("role")):
            return party(m.group("role"), authority)
        first = re.split(r"\s*;\s*", m.group("name"))[0]
        first = re.sub(r"^(?:to|for|attn\.?)\s+(?:(?:comrades?|cde\.?|mr\.|mrs\.)\s+)?", "", first, flags=re.I)
        return party(first, authority)
    if m:
        name = m.group("name")
        ref = authority.ref_for(name, "person")
        return Party([name], "person", ref, role=m.group("role"))
    bare = re.sub(r"^(?:the|The)\s+", "", printed)
    # an office of several words, alone (a role) or before its holder's name
    office = _office_pattern().match(bare)
    if office:
        rest = bare[office.end():].strip(" ,")
        if not rest or bare[office.end():].lstrip().startswith(",") or authority.lookup(rest, "place"):
            # the office alone, or with the place where it sits ("To Secretary of State,
            # Washington"): a role; a place is never its holder
            return Party(name_inlines, "role", None)
        if re.match(r"^(?:[A-Z][\w'’.-]*\s?){1,4}$", rest) and not L.office_pattern().search(rest):
            return Party([rest], "person", authority.ref_for(rest, "person"), role=bare[:office.end()].strip())
    known_org = authority.lookup(bare, "org")
    if known_org:
        return Party(name_inlines, "org", known_org)
    known = authority.lookup(bare, "person")
    if known:
        return Party(name_inlines, "person", known)
    roles = L._patterns()["roles"]
    org_words = re.compile(r"\b(?:Department|Embassy|Consulate|Agency|Station|Office|Committee|Board|Council|"
                           r"Staff|Chiefs|Mission|Legation|Government|Ministry|Directorate|Headquarters)\b")
    if org_words.search(bare) and not re.match(r"^(?:Secretary|Director|Chairman|Ambassador|Consul|Chargé)\b", bare):
        return Party(name_inlines, "org", authority.ref_for(bare, "org") if "[" not in bare else None)
    # a person named after a role: "Soviet Ambassador N.V. Roshchin", "Director of Central
    # Intelligence Smith"
    tail = re.search(r"(?P<name>(?:[A-Z]\.\s?){0,6}(?:[A-Z]\.?\s?)?[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?)$", bare)
    if tail and roles.search(bare[: tail.start()]) and not L.known_place(tail.group("name")) and not re.search(r"\b(?:of|for|to|the|and|in)\s+$", bare[: tail.start()]):
        name = tail.group("name").strip()
        return Party([name], "person", authority.ref_for(name, "person"), role=bare[: tail.start()].strip())
    if roles.search(bare):
        return Party(name_inlines, "role", None)
    if "[" in printed:
        return Party(name_inlines, "person", None)
    return Party(name_inlines, "person", authority.ref_for(bare, "person"))


def _first(blocks, role: str) -> Block | None:
    return next((b for b in blocks if b.role == role), None)


def _spans(blocks, kind: str):
    for block in blocks:
        for span in iter_spans(block.inlines):
            if span.kind == kind:
                yield block, span


def extract(division: Division, authority: Authority) -> Facts:
    facts = Facts()
    top = division.opener
    headings = [b for b in top if b.role == "heading"]
    # a file-number line above the heading ("611.61/2–1453: Telegram") gives the kind only
    files = [b for b in headings if L.FILE_LINE.match(b.text.strip())]
    heading_text = " ".join(b.text for b in headings if b not in files)
    heading = parse_heading(heading_text) if heading_text else {}
    if files and not heading.get("kind") and L.kind_in(files[0].text):
        heading["kind"] = L.kind_in(files[0].text)
    everything = list(division_blocks(division))

    # kind
    kind_block = _first(top, "kind-line")
    if heading.get("kind"):
        facts.kind = heading["kind"]
    elif kind_block is not None:
        facts.kind = L.kind_in(kind_block.text) or "document"
    else:
        for kind in vocab.kinds():
            if kind.cues and any(c.match(b.text.strip()) for b in everything for c in kind.cues):
                facts.kind, facts.kind_cert = kind.id, "medium"
                break
    if facts.kind == "document" and kind_block is None and heading.get("kind") is None:
        facts.kind_cert = facts.kind_cert or "low"

    # numbers
    facts.edition_number = heading.get("edition")
    for _, span in _spans(top, "number"):
        if span.attrs.get("type") == "document":
            facts.number_printed = plain_text(span.children).strip()
            facts.number = _normalise_number(facts.number_printed)
            break
    if facts.number is None and heading.get("number"):
        facts.number = facts.number_printed = heading["number"]
    if facts.number is None:
        for _, span in _spans(everything, "number"):
            if span.attrs.get("type") == "telegram":
                facts.number = facts.number_printed = plain_text(span.children)
                break

    _own_number(facts, top, division.closer)

    # classification, precedence, handling
    in_top = [s for _, s in _spans(top, "marking")]
    anywhere = [s for _, s in _spans(everything, "marking")]
    # The markings of the opener, unless every one is struck out and one in force is printed
    # further on; struck ones only when no marking is in force.
    markings = ([s for s in in_top if not s.attrs.get("struck")] or [s for s in anywhere if not s.attrs.get("struck")]
                or in_top or anywhere)
    if markings:
        # The most restrictive marking that is not struck out; struck ones when all are.
        levels = vocab.markings()

        def weight(span: Span) -> tuple[int, int]:
            level = levels.level_by_id(span.attrs.get("level", ""))
            return (0 if span.attrs.get("struck") else 1, level.rank if level else -9)

        chosen = max(markings, key=weight)
        facts.classification = chosen.attrs.get("level")
        facts.classification_printed = plain_text(chosen.children)
    if facts.classification is None:
        _source_note_classification(facts, everything)
    if facts.classification is None:
        _trailing_marking(facts, top)
    facts.precedence = _unique(plain_text(s.children) for _, s in _spans(top, "precedence"))
    facts.handling = _unique(plain_text(s.children) for _, s in _spans(top, "handling"))

    # dates and places
    dateline = _first(top, "dateline")
    facts.date = _date_in(dateline)
    place = _first_span(dateline, "place") if dateline else None
    if facts.date is None and heading.get("date"):
        when = dates.when(heading["date"])
        if when:
            facts.date = DateFact(when[0], heading["date"])
    if facts.date is None:
        facts.date = _date_in(_first(top, "date"))
    if facts.date is None:
        closer_dates = [b for b in division.closer if b.role == "dateline"]
        facts.date = _date_in(closer_dates[0]) if closer_dates else None
        if facts.date is None:
            for block in division.closer:
                facts.date = facts.date or _date_in(block)
    received = _first(top, "received")
    receipt = next((s for _, s in _spans(top, "receipt")), None)
    if received is not None:
        facts.received = _date_in(received)
        rplace = _first_span(received, "place")
        if rplace is not None and re.search(r"\b(?:from|From|FROM)\b", received.text):
            place = place or rplace
    elif receipt is not None:
        stamped = next((s for s in iter_spans(receipt.children) if s.kind == "date"), None)
        if stamped is not None:
            facts.received = DateFact(stamped.attrs["when"], plain_text(stamped.children))
    if facts.date is None and facts.received is not None:
        facts.date = DateFact(facts.received.when, facts.received.printed, cert="medium")
    if facts.date is None:
        # a date among the page furniture of the opening pages only: later ones date the pages
        # of an enclosure, a later note or a stamp
        for block in everything[:12]:
            if block.role == "furniture" and block.first_line <= 40:
                found = _date_in(block)
                if found:
                    facts.date = DateFact(found.when, found.printed, cert="medium", line=found.line)
                    break
    from_line = _first(top, "from")
    if from_line is not None:
        for span in iter_spans(from_line.inlines):
            if span.kind == "place" and place is None:
                place = span
            elif span.kind in ("person", "org", "role") and not facts.senders and not heading.get("sender"):
                facts.senders.append(Party(list(span.children), span.kind, span.attrs.get("ref")))
    if place is not None:
        facts.place = plain_text(place.children)
        facts.place_ref = place.attrs.get("ref")

    # release
    for _, span in _spans(everything, "release"):
        if span.attrs.get("when"):
            facts.release = DateFact(span.attrs["when"], plain_text(span.children))
        for docid in (s for s in iter_spans(span.children) if s.kind == "docid"):
            facts.release_ids.append(plain_text(docid.children))
        break

    # sender and recipient
    if heading.get("sender"):
        facts.senders.append(party(heading["sender"], authority))
    if heading.get("recipient"):
        facts.recipients.append(party(heading["recipient"], authority))
    if not facts.recipients and kind_block is not None:
        facts.recipients.extend(_named_parties(kind_block.inlines))
    if not facts.recipients:
        for block in top:
            if block.role != "addressee":
                continue
            facts.recipients.extend(_named_parties(block.inlines) or _addressed(block, authority))
            where = _first_span(block, "place")
            if where is not None and facts.received_place is None and facts.recipients:
                facts.received_place = plain_text(where.children)
                facts.received_place_ref = where.attrs.get("ref")
            _person_below_office(facts, top, block, authority)
            if facts.recipients:
                lead = re.match(r"^(?P<place>[A-Z][\w'’ -]{1,30}),\s+to\s+(?P<who>[^.]+)\.", block.text.strip())
                if lead and "pass" in block.text.lower():
                    facts.intermediaries.append(party(lead.group("who"), authority))
                break
    # Signers are the senders unless a heading names the document: an editor's heading ("9.
    # Memorandum for the Record", "X to Y") says who sent it, or deliberately does not.
    names_document = bool(heading.get("sender") or heading.get("recipient") or
                          (heading.get("kind") and heading.get("edition")))
    if not facts.senders and not names_document:
        for block in division.closer:
            if block.role == "signature":
                facts.senders.extend(_named_parties(block.inlines))
    _headnote_facts(facts, top or everything[:1], authority)
    if not facts.senders and not names_document:
        facts.senders.extend(_first_person(division))
    if not facts.recipients:
        # a form that prints the addressee's name over the sender's ("Krajewski" / "From: ...")
        for before, block in zip(top, top[1:]):
            if block.role == "from" and before.role == "line" and L.is_name_line(before.text):
                addressee = party(before.text.strip(), authority)
                addressee.cert, addressee.line = "medium", before.first_line
                facts.recipients.append(addressee)
                break
    if not facts.senders and not names_document:
        # a covering letter signed in the middle of the text, before what it encloses
        for block in division_blocks(division):
            if block.role == "paragraph" and signature_mark_name(block.inlines) is not None:
                start, end, _ = signature_mark_name(block.inlines)
                name = re.sub(r"\[[^\]]*\]", "", bracketed_text(block.inlines[start:end])).strip(" ()")
                if "," in name:
                    name = name.rsplit(",", 1)[-1].strip()
                signer = party(name, authority)
                signer.cert, signer.line = "medium", block.first_line
                facts.senders.append(signer)
                break
    if not facts.senders and not names_document and top and top[0].role == "letterhead" \
            and _OFFICE_LETTERHEAD.search(top[0].text) and len(top[0].text.split()) <= 12 and not division.closer:
        # the office whose letterhead the message bears, where nobody signs it
        office = " ".join(top[0].text.split()).rstrip(".")
        facts.senders.append(Party([office], "org", authority.lookup(office, "org"), cert="medium",
                                   line=top[0].first_line))

    # languages of the text
    facts.languages = _unique(s.attrs["lang"] for b in everything for s in iter_spans(b.inlines)
                              if s.kind == "foreign" and s.attrs.get("lang") not in (None, "und"))
    return facts


_HONOURED = re.compile(r"^(?:Comrades?|Cdes?\.?|Mr\.|Mrs\.|Messrs\.|Tov\.)\s+(?P<name>[A-Z][\w.'’ -]{1,40})$")


def _person_below_office(facts: Facts, top: list[Block], block: Block, authority: Authority) -> None:
    """An address to an office over several lines, the person's name on the last ("To the
    Minister of Trade" / "of the People's Republic" / "Comrade Lebedev"): the person is the
    recipient, the office his role."""
    if not facts.recipients or facts.recipients[-1].kind == "person" and not facts.recipients[-1].role \
            and not L._patterns()["roles"].search(plain_text(facts.recipients[-1].name)):
        return
    at = top.index(block)
    for below in top[at + 1:at + 4]:
        if below.role not in ("line", "letterhead", "salutation"):
            return
        m = _HONOURED.match(below.text.strip())
        if m:
            office = facts.recipients.pop()
            found = party(m.group("name"), authority)
            found.role = found.role or plain_text(office.name).strip()
            found.line = below.first_line
            facts.recipients.append(found)
            return


_TO_LEAD = re.compile(r"^\W{0,2}(?:(?P<place>[A-Z][\w'’ -]{1,30})[.,]\s+)?(?:To|TO|to)\b(?:\s+the\b(?=\]))?\]?:?\s*")
_TO_WHOM = re.compile(r"\bto\s+whom\s+(?P<who>.+?)(?:\s+Copy\b.*)?$", re.I)


def _addressed(block: Block, authority: Authority) -> list[Party]:
    """The addressee of an address line whose names the markup did not mark ("To Com[rade] P.
    Orlov", "to where PRAGUE to whom THE AMBASSADOR"): the line without its "To" and
    final stop, as printed, read with medium certainty."""
    text = " ".join(block.text.split())
    whom = _TO_WHOM.search(text)
    if whom:
        who = whom.group("who")
    else:
        lead = _TO_LEAD.match(text)
        if not lead:
            return []
        who = text[lead.end():]
    who = who.strip(" .:;,")
    if not who or len(who.split()) > 30 or not any(ch.isupper() for ch in who):
        return []
    found = party(who, authority)
    found.cert, found.line = "medium", block.first_line
    return [found]


_OFFICE_LETTERHEAD = re.compile(r"\b(?:Legation|Embassy|Consulate|Mission)\b", re.I)

#: An editor's headnote: "[The following is an excerpt of a report by A. Orlov in Vienna to P.
#: Sokolov, sent on 3 May 1955]".
_HEADNOTE = re.compile(
    r"^(?:The following is|This is|Below is)\s+(?:an?\s+)?(?:(?:excerpt|extract|summary|translation)\s+"
    r"(?:of|from)\s+)?(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:by|from)\s+(?P<sender>[A-Z][^,;]{1,120}?)\s+to\s+"
    r"(?P<recipient>[A-Z][^,;]{1,120})(?:,\s*(?:sent|dated|written)\s+(?:on\s+)?(?P<date>[^,\]]{4,40}))?(?:[.,].*)?$")


def _headnote_facts(facts: Facts, top: list[Block], authority: Authority) -> None:
    """What an editor's bracketed headnote says of the document it introduces, where the
    document itself does not say it; read with medium certainty."""
    for block in top[:3]:
        comment = next((s for s in iter_spans(block.inlines) if s.kind == "comment"), None)
        if comment is None or plain_text(block.inlines).strip() != plain_text(comment.children).strip():
            continue
        m = _HEADNOTE.match(" ".join(plain_text(comment.children).split()))
        if not m:
            continue
        if not facts.senders:
            facts.senders = _headnote_parties(m.group("sender"), authority, block.first_line)
        if not facts.recipients:
            facts.recipients = _headnote_parties(m.group("recipient"), authority, block.first_line)
        if facts.date is None and m.group("date"):
            found = dates.when(m.group("date"))
            if found:
                facts.date = DateFact(found[0], m.group("date")[found[1]:found[2]], cert="medium", line=block.first_line)
        return


#: The writer naming himself as the text begins: "I, Orlov, met the minister ...".
_FIRST_PERSON = re.compile(r"^I,\s+(?P<name>[A-Z][\w'’-]+(?:\s[A-Z][\w'’.-]+){0,2}),\s")


def _first_person(division: Division) -> list[Party]:
    first = next((b for b in division.body if isinstance(b, Block) and b.role == "paragraph"), None)
    if first is None:
        return []
    m = _FIRST_PERSON.match(first.text)
    if not m:
        return []
    return [Party([m.group("name")], "person", None, cert="medium", line=first.first_line)]


def _headnote_parties(text: str, authority: Authority, line: int) -> list[Party]:
    text = re.sub(r"\s+in\s+[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?$", "", text.strip())  # "... in Berlin"
    parties = []
    for name in re.split(r"\s+and\s+|,\s*", text):
        if name.strip():
            found = party(name.strip(), authority)
            found.cert, found.line = "medium", line
            parties.append(found)
    return parties


class _NoAuthority:
    """An authority file that knows nobody and adds nobody: for reading a name's kind only."""

    def lookup(self, name, kind=None):
        return None

    def ref_for(self, name, kind, add=True):
        return None


_NO_AUTHORITY = _NoAuthority()


def _named_parties(inlines: list[Inline]) -> list[Party]:
    """The people named in a line: a pseudonym with the identification after it
    ("FILIPPOV [STALIN]") is one party, named as printed."""
    parties: list[Party] = []
    items = list(inlines)
    for index, item in enumerate(items):
        if not isinstance(item, Span):
            continue
        if item.kind == "pseudonym":
            name: list[Inline] = [item]
            rest = items[index + 1:index + 3]
            if len(rest) == 2 and isinstance(rest[0], str) and not rest[0].strip() and \
                    isinstance(rest[1], Span) and rest[1].kind == "identification":
                name += rest
            elif rest and isinstance(rest[0], Span) and rest[0].kind == "identification":
                name.append(rest[0])
            parties.append(Party(name, "person", item.attrs.get("ref")))
        elif item.kind in ("person", "org"):
            kind = item.kind
            if kind == "person" and not item.attrs.get("ref"):
                # an office named as the addressee ("To Secretary of State"): a role, no person
                read = party(plain_text(item.children), _NO_AUTHORITY)
                kind = "role" if read.kind == "role" else kind
            parties.append(Party(list(item.children), kind, item.attrs.get("ref")))
        elif item.kind == "role":
            parties.append(Party(list(item.children), "role", None))
    return parties


#: An edition's source note: "Source: Department of State, Central Files, 611.00/3-0456. Secret;
#: Priority." The classification is the first word after the citation.
_SOURCE_NOTE = re.compile(r"^(?:\d{1,2}\.\s+|\(\d{1,2}\)\s*|\[\d{1,2}\]\s*)?Source:\s")
_NOTE_LEVEL = re.compile(r"\.\s+(?P<level>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})\s*[;.]")


def _source_note_classification(facts: Facts, blocks: list[Block]) -> None:
    levels = vocab.markings()
    for block in blocks:
        text = " ".join(block.text.split())
        if not _SOURCE_NOTE.match(text):
            continue
        for m in _NOTE_LEVEL.finditer(text):
            level = levels.level_for(m.group("level"))
            if level is not None:
                facts.classification = level.id
                facts.classification_printed = m.group("level")
                return
        return


def _trailing_marking(facts: Facts, top: list[Block]) -> None:
    """A grade printed at the end of a letterhead line, its own column lost in the copy
    ("Embassy of the USSR" / "in Finland Secret")."""
    levels = vocab.markings()
    wordings = sorted((w for level in levels.levels for w in level.wordings if w.isascii()), key=len, reverse=True)
    pattern = re.compile(r"(?:^|\s)(?P<level>" + "|".join(re.escape(w) for w in wordings) + r")\.?$", re.I)
    for block in top[:6]:
        if block.role not in ("letterhead", "line", "heading"):
            continue
        for line in block.text.split("\n"):
            m = pattern.search(line.strip())
            if m and (m.group("level").istitle() or m.group("level").isupper()):
                level = levels.level_for(m.group("level"))
                if level is not None:
                    facts.classification = level.id
                    facts.classification_printed = m.group("level")
                    facts.classification_cert = "medium"
                    return


_DATELINE_REFERENCE = re.compile(r"(?<![\w-])(?P<n>[A-Z]{1,2}-\d{3,6}(?:/\d{1,4})?)(?![\w-])")


def _own_number(facts: Facts, top: list[Block], closer: list[Block]) -> None:
    """The number a document prints as its own, by the words before the sign ("Outgoing Nº",
    "Dispatch No.", "Special. Nº"): a labelled number of the opening lines is preferred to a
    bare one; without any, a bare number under the signature ("No. 81/sh")."""
    def candidates(blocks):
        for order, block in enumerate(blocks):
            for found in numbers.find(block.text):
                yield (found.rank, -order, -found.start), found, block

    best = max(candidates(top), key=lambda c: c[0], default=None)
    if best is not None and best[1].rank >= 2:
        facts.number = facts.number_printed = best[1].number
        facts.number_line = best[2].first_line
        return
    if facts.number is None:
        best = max(candidates(closer), key=lambda c: c[0], default=None)
        if best is not None:
            facts.number = facts.number_printed = best[1].number
            facts.number_line = best[2].first_line
    if facts.number is None:
        # an outgoing reference printed in the dateline between date and place ("4 December
        # 1946 L-15470 Baku")
        for block in top:
            if block.role in ("dateline", "date"):
                m = _DATELINE_REFERENCE.search(block.text)
                if m:
                    facts.number = facts.number_printed = m.group("n")
                    facts.number_line, facts.number_cert = block.first_line, "medium"
                    return


def _normalise_number(printed: str) -> str:
    """"NM-BM-0 4784" -> "4784"; "25348" -> "25348"; "4/8737" and "066.808" stay."""
    groups = re.findall(r"\d(?:[\d/]|\.(?=\d))*", printed)
    return groups[-1] if groups else printed


def _date_in(block: Block | None) -> DateFact | None:
    if block is None:
        return None
    # a date inside an editor's note ("[handwritten in the corner: 5 September 1946]") dates the
    # note, not the document
    span = next((s for s in _spans_outside_notes(block.inlines) if s.kind == "date"), None)
    printed = block.text
    if printed.count("]") > printed.count("[") and printed.rstrip().endswith("]"):
        return None  # the end of a note opened on the lines above ("hand corner: 5 September 1946]")
    if span is None:
        # a date that a bracket cuts ("7 January [1950]"): read from the text, less sure
        if block.role not in ("dateline", "date"):
            return None
        found = dates.when(block.text)
        if not found:
            return None
        return DateFact(found[0], block.text[found[1]:found[2]], cert="medium", line=block.first_line)
    return DateFact(span.attrs["when"], plain_text(span.children), line=block.first_line)


def _spans_outside_notes(inlines: list[Inline]):
    for item in inlines:
        if isinstance(item, Span) and item.kind != "comment":
            yield item
            yield from _spans_outside_notes(item.children)


def _first_span(block: Block, kind: str) -> Span | None:
    return next((s for s in iter_spans(block.inlines) if s.kind == kind), None)


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = " ".join(value.split())
        if value and value.upper() not in (v.upper() for v in seen):
            seen.append(value)
    return seen
