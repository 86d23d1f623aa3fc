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

import re

from .. import vocab
from ..authority import Authority
from ..model import Block, DateFact, Division, Facts, Inline, Party, Span, division_blocks, iter_spans, plain_text
from . import dates
from . import lines as L

_HEADING = re.compile(
    r"^(?:(?:No\.\s*)?(?P<edition>\d{1,4})\.?\s+)?"
    r"(?P<rest>.+)$", re.S)
_FROM_TO = re.compile(r"(?:^|\s)(?:[Ff]rom|FROM|by|BY)\s+(?P<sender>.+?)(?:\s+(?:to|TO)\s+(?P<recipient>.+?))?$")
_TRAILING_DATE = re.compile(r",\s*(?P<date>[^,]*\d{4})\.?$")


def _split_top_level(text: str, word: str) -> tuple[str, str] | None:
    """Split at the first `` word `` that is not inside brackets or parentheses."""
    depth = 0
    needle = f" {word} "
    for index, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(needle, index):
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
        by = re.match(r"^\s*(?:,\s*)?(?:[Ff]rom|by|BY|FROM)\s+(?P<x>.+)$", after)
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
    elif body and re.match(r"^(?:[Ff]rom|[Bb]y)\s", rest[kind_m.end():].lstrip(" ,") if kind_m else ""):
        result["sender"] = body.strip(" ,")
    return result


def _party(text: str, authority: Authority, inlines: list[Inline] | None = None) -> Party:
    """A sender or recipient as printed: "The Consul General at Calcutta (Wilson)",
    "the Secretary of State", "Soviet Ambassador N.V. Roshchin"."""
    printed = " ".join(text.split())
    name_inlines: list[Inline] = inlines if inlines is not None else [printed]
    m = re.match(r"^(?P<role>.+?)\s*\((?P<name>[^()]+)\)$", printed)
    if m:
        name = m.group("name")
        ref = authority.ref_for(name, "person")
        return Party([name], "person", ref, role=m.group("role"))
    bare = re.sub(r"^(?:the|The)\s+", "", printed)
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
    if tail and roles.search(bare[: tail.start()]):
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
    heading_text = " ".join(b.text for b in headings)
    heading = parse_heading(heading_text) if heading_text else {}
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
        for block in everything:
            if block.role == "furniture":
                found = _date_in(block)
                if found:
                    facts.date = DateFact(found.when, found.printed, cert="medium")
                    break
    from_line = _first(top, "from")
    if from_line is not None:
        for span in iter_spans(from_line.inlines):
            if span.kind == "place" and place is None:
                place = span
            elif span.kind in ("person", "org") and not facts.senders and not heading.get("sender"):
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
        facts.senders.append(_party(heading["sender"], authority))
    if heading.get("recipient"):
        facts.recipients.append(_party(heading["recipient"], authority))
    if not facts.recipients and kind_block is not None:
        facts.recipients.extend(_named_parties(kind_block.inlines))
    if not facts.recipients:
        for block in top:
            if block.role != "addressee":
                continue
            facts.recipients.extend(_named_parties(block.inlines))
            if facts.recipients:
                lead = re.match(r"^(?P<place>[A-Z][\w'’ -]{1,30}),\s+to\s+(?P<who>[^.]+)\.", block.text.strip())
                if lead and "pass" in block.text.lower():
                    facts.intermediaries.append(_party(lead.group("who"), authority))
                break
    # Signers are the senders unless a heading names the document: an editor's heading ("9.
    # Memorandum for the Record", "X to Y") says who sent it, or deliberately does not.
    names_document = bool(heading.get("sender") or heading.get("recipient") or
                          (heading.get("kind") and heading.get("edition")))
    if not facts.senders and not names_document:
        for block in division.closer:
            if block.role == "signature":
                facts.senders.extend(_named_parties(block.inlines))

    # languages of the text
    facts.languages = _unique(s.attrs["lang"] for b in everything for s in iter_spans(b.inlines)
                              if s.kind == "foreign" and s.attrs.get("lang") not in (None, "und"))
    return facts


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
            parties.append(Party(list(item.children), item.kind, item.attrs.get("ref")))
    return parties


def _normalise_number(printed: str) -> str:
    """"NM-BM-0 4784" -> "4784"; "25348" -> "25348"; "4/8737" stays."""
    groups = re.findall(r"\d[\d/]*", printed)
    return groups[-1] if groups else printed


def _date_in(block: Block | None) -> DateFact | None:
    if block is None:
        return None
    span = _first_span(block, "date")
    if span is None:
        return None
    return DateFact(span.attrs["when"], plain_text(span.children))


def _first_span(block: Block, kind: str) -> Span | None:
    return next((s for s in iter_spans(block.inlines) if s.kind == kind), None)


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = " ".join(value.split())
        if value and value.upper() not in (v.upper() for v in seen):
            seen.append(value)
    return seen
