"""The markup of a line's parts, by the role of the line: the marking words of a classification
line, the place and date of a dateline, the names of an address or a signature, the date and
records id of a release stamp, the number of a kind line.

:func:`annotate_role` is the entry point; the structure recogniser calls it once per block, after
deciding the block's role.
"""

from __future__ import annotations

import re

from .. import vocab
from ..authority import Authority
from ..model import Inline, Span, bracketed_text, plain_text
from . import dates
from . import lines as L


def number_and_name(text: str) -> re.Match | None:
    # The number is bounded (at most 40 characters each side of its last digit): an unbounded
    # one is matched again from every digit of a long word.
    m = re.match(r"^(?P<number>(?:No\.?|N°|Nº|№|Nr\.?)?\s?\S{0,40}\d[\w/:-]{0,40})\s++(?P<name>.+)$", text.strip())
    if m and L.is_name_line(m.group("name")) and any(ch.isdigit() for ch in m.group("number")):
        return m
    return None



_PLACE_START = re.compile(r"^(?P<lead>\W{0,2})(?P<place>[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*){0,3})(?=,)")
_FROM_PLACE = re.compile(r"\b(?:[Ff]rom|FROM)\s+(?P<place>[A-Z][\w'’]*(?:\s(?!(?:Received|RECEIVED|On|At)\b)[A-Z][\w'’]*){0,2})")
# "Pass [this] to NAME": the scan from one verb stops at the next verb, so that each stretch of
# text is read once (the names found are the same).
_PASS_TO_NAMES = re.compile(r"\b(?:[Pp]ass|[Dd]eliver|[Hh]and)\b(?:(?!\b(?:[Pp]ass|[Dd]eliver|[Hh]and)\b)[^.])*?"
                            r"\bto\s+(?:(?:Comrades?|Cdes?\.|Cde)\s+)?(?P<names>[A-Z][^.:;]+)")
_MAX_ADDRESS = 500  # characters
_TO_NAMES = re.compile(r"^(?P<lead>\W{0,2}(?:To|TO|Dear|Esteemed|Respected|Comrades?|Cdes?\.):?\s+(?:(?:Comrades?|Cdes?\.?|Tov\.|Mr\.|Messrs\.)\s+)?)(?P<names>[^.!:;]+?)(?P<tail>[.!:;]?\s*)$")


def annotate_role(role: str, inlines: list[Inline], authority: Authority) -> list[Inline]:
    """Mark up the parts of a line of the given role (markings, dates, places, names)."""
    if role in ("markings", "precedence", "furniture"):
        inlines = L.mark_markings(inlines)
        if role == "furniture":
            inlines = L.mark_dates(inlines)
        return inlines
    if role in ("dateline", "date"):
        inlines = L.mark_markings(inlines) if L.markings_only(plain_text(inlines)) is None and any(
            L.markings_only(w) for w in plain_text(inlines).split()[:2]) else inlines
        inlines = L.mark_dates(inlines)
        return _mark_place_start(inlines, authority) if role == "dateline" else inlines
    if role == "received":
        inlines = L.mark_dates(inlines)
        return _mark_first(inlines, _FROM_PLACE, "place", authority)
    if role == "release":
        return _mark_release(inlines)
    if role == "kind-line":
        return _mark_kind_number(inlines, authority)
    if role == "number":
        return _mark_first(inlines, re.compile(r"(?P<place>\d[\w/-]*)"), "number", authority)
    if role == "addressee":
        return _mark_addressee(inlines, authority)
    if role == "from":
        return _mark_from(inlines, authority)
    if role == "signature":
        return _mark_signature(inlines, authority)
    return inlines


def _mark_first(inlines: list[Inline], pattern: re.Pattern, kind: str, authority: Authority) -> list[Inline]:
    done = False

    def make(m: re.Match) -> Span | None:
        nonlocal done
        if done:
            return None
        done = True
        value = m.group("place")
        span = Span(kind, [m.group()])  # trimmed to the named group by _trim_to_group
        if kind == "place":
            ref = authority.ref_for(value, "place")
            if ref:
                span.attrs["ref"] = ref
        elif kind == "number":
            span.attrs["type"] = "document"
        return span

    return _trim_to_group(L.annotate(inlines, pattern, make), pattern)


def _trim_to_group(inlines: list[Inline], pattern: re.Pattern) -> list[Inline]:
    """After annotating whole matches, keep only the named group inside each new span."""
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span) and item.kind in ("place", "number") and len(item.children) == 1 \
                and isinstance(item.children[0], str):
            m = pattern.search(item.children[0])
            if m and m.group("place") != item.children[0]:
                text = item.children[0]
                start, end = m.span("place")
                if start:
                    out.append(text[:start])
                item.children = [text[start:end]]
                out.append(item)
                if end < len(text):
                    out.append(text[end:])
                continue
        out.append(item)
    return out


_PLACE_BEFORE_DATE = re.compile(r"(?:^|(?<=\s))(?P<place>[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*){0,3}),\s*$")


def _place_span(place: str, authority: Authority) -> Span:
    span = Span("place", [place])
    ref = authority.ref_for(place, "place")
    if ref:
        span.attrs["ref"] = ref
    return span


def _mark_place_start(inlines: list[Inline], authority: Authority) -> list[Inline]:
    """The place before the date of a dateline ("Washington, July 13, 1951", "TOP SECRET
    CALCUTTA, July 14, 1951", "[Washington,] May 14, 1951")."""
    out = list(inlines)
    for index, item in enumerate(out):
        following = out[index + 1:index + 3]
        before_date = any(isinstance(f, Span) and f.kind == "date" for f in following)
        if not before_date:
            continue
        if isinstance(item, Span) and item.kind == "supplied":
            text = plain_text(item.children)
            place = text.rstrip(", ").strip()
            if place and len(place.split()) <= 4 and place[:1].isupper() and all(isinstance(c, str) for c in item.children):
                rest = text[len(place):]
                item.children = [_place_span(place, authority)] + ([rest] if rest else [])
            return out
        if isinstance(item, str):
            m = _PLACE_BEFORE_DATE.search(item)
            if m and not L.markings_only(m.group("place")):
                place = m.group("place")
                pieces = [item[: m.start("place")], _place_span(place, authority), item[m.end("place"):]]
                out[index:index + 1] = [p for p in pieces if p != ""]
            return out
    return out


def mark_release(inlines: list[Inline]) -> list[Inline]:
    """Every release stamp printed in the strings of a run of inlines, as a release span with its
    date and records id: a page of CIA OCR prints one on every page, often run into the text."""
    out: list[Inline] = []
    for item in inlines:
        if not isinstance(item, str):
            out.append(item)
            continue
        position = 0
        for form, m in L.release_stamps(item):
            if m.start() > position:
                out.append(item[position:m.start()])
            out.append(_release_span(form, m))
            position = m.end()
        if position < len(item):
            out.append(item[position:])
    return out


def _release_span(form: str, m: re.Match) -> Span:
    attrs = {"form": form}
    if m.groupdict().get("date"):
        when = dates.parse_date(m.group("date"))
        if when:
            attrs["when"] = when
    text = m.group()
    docid = m.groupdict().get("docid")
    if docid:
        at = text.rfind(docid)
        children = [x for x in (text[:at], Span("docid", [docid], {"type": "CIA-RDP" if docid.startswith("CIA-RDP") else "release"}),
                                text[at + len(docid):]) if x != ""]
    else:
        children = [text]
    return Span("release", children, attrs)


def _mark_release(inlines: list[Inline]) -> list[Inline]:
    if any(isinstance(i, Span) and i.kind == "release" for i in inlines):
        return inlines
    text = plain_text(inlines)
    found = L.release_match(text)
    if not found:
        return inlines
    form, m = found
    attrs = {"form": form}
    if m.groupdict().get("date"):
        from . import dates as D

        when = D.parse_date(m.group("date"))
        if when:
            attrs["when"] = when
    docid = m.groupdict().get("docid")
    if docid:
        inlines = L.annotate(inlines, re.compile(re.escape(docid)), lambda mm: Span("docid", [mm.group()], {"type": "CIA-RDP" if docid.startswith("CIA-RDP") else "release"}))
    return [Span("release", inlines, attrs)]


def _mark_kind_number(inlines: list[Inline], authority: Authority) -> list[Inline]:
    text = plain_text(inlines)
    m = L.kind_line(text)
    if m and m.group("who") and len(inlines) == 1 and isinstance(inlines[0], str):
        start = text.find(m.group("who"), m.start("who"))
        who = m.group("who")
        inlines = [text[:start], _name_span(who, authority)] + ([text[start + len(who):]] if text[start + len(who):] else [])
    if not m or not m.group("number"):
        return inlines
    number = m.group("number").strip()
    pattern = re.compile(re.escape(number) + r"$")
    return L.annotate(inlines, pattern, lambda mm: Span("number", [mm.group()], {"type": "document"}))


def _mark_addressee(inlines: list[Inline], authority: Authority) -> list[Inline]:
    if any(isinstance(i, Span) and i.kind == "pseudonym" for i in inlines):
        return inlines
    if len(inlines) != 1 or not isinstance(inlines[0], str):
        return inlines
    text = inlines[0]
    if len(text) > _MAX_ADDRESS:
        return inlines  # not an address; the patterns below need a line of bounded length
    m = _TO_NAMES.match(text)
    target = None
    if m:
        target = (m.start("names"), m.end("names"))
    else:
        p = _PASS_TO_NAMES.search(text)
        if p:
            target = (p.start("names"), p.end("names"))
    if target is None:
        return inlines
    start, end = target
    names_text = text[start:end]
    out: list[Inline] = [text[:start]] if start else []
    for piece in re.split(r"((?<!\s)\s+and\s+|,\s*)", names_text):
        if piece and piece[:1].isupper() and len(piece.split()) <= 6:
            out.append(_name_span(piece, authority))
        elif piece:
            out.append(piece)
    if end < len(text):
        out.append(text[end:])
    return [i for i in out if i != ""]


_OFFICE = re.compile(r"\b(?:Department|Embassy|Consulate|Agency|Station|Office|Committee|Board|Council|"
                     r"Ministry|Directorate|Headquarters|Mission|Legation|Government|Staff)\b", re.I)


def _cable_office(text: str) -> bool:
    """A cable's address: the Department or a post ("SECSTATE WASHDC", "AMEMBASSY BONN", "ALL
    EUROPEAN DIPLOMATIC POSTS"), an office, never a person."""
    words = [w.strip(".,").upper() for w in text.split()]
    cable = vocab.cable_words()
    return bool(words) and (words[0] in cable["department"] | cable["posts"] or "POSTS" in words)


def _facts_party(text: str):
    from .facts import _NO_AUTHORITY, party

    return party(text, _NO_AUTHORITY)


def _name_span(text: str, authority: Authority) -> Span:
    """A person, or an office or organisation, named in an address or from line. Offices and
    roles ("Secretary of State") are linked when the authority file knows them, never added; a
    place ("To Secretary of State, Washington") is a place, never a person."""
    place = authority.lookup(text, "place")
    if place is not None and authority.lookup(text, "person") is None:
        return Span("place", [text], {"ref": place})
    if _cable_office(text):
        ref = authority.lookup(text, "org")
        return Span("org", [text], {"ref": ref} if ref else {})
    if _OFFICE.search(text):
        ref = authority.lookup(text, "org") or authority.lookup(re.sub(r"^(?:the|The)\s+", "", text), "org")
        return Span("org", [text], {"ref": ref} if ref else {})
    if L._patterns()["roles"].search(text):
        ref = authority.lookup(text, "person")
        if ref is None and _facts_party(text).kind == "role":
            return Span("role", [text])  # an office, not its holder: "To Secretary of State"
        return Span("person", [text], {"ref": ref} if ref else {})
    ref = authority.ref_for(text, "person")
    return Span("person", [text], {"ref": ref} if ref else {})


def _mark_from(inlines: list[Inline], authority: Authority) -> list[Inline]:
    """"From Beijing", "FROM: Moscow", "From the Soviet Ambassador": a place when the authority
    file knows it as one (or it is a single capitalised word), a sender otherwise."""
    if len(inlines) != 1 or not isinstance(inlines[0], str):
        return inlines
    text = inlines[0]
    m = L._FROM.match(text)
    if not m:
        return inlines
    who = m.group("who").rstrip(" .")
    start = m.start("who")
    if authority.lookup(who, "place") or re.fullmatch(r"[A-Z][\w'’-]+", who):
        span = _place_span(who, authority)
    else:
        span = _name_span(who, authority)
    rest = text[start + len(who):]
    return [text[:start], span] + ([rest] if rest else [])


def signature_mark_name(inlines: list[Inline]) -> tuple[int, int, bool] | None:
    """A signature printed as a mark and a name: "[Signature] (S. Chervonenko)", "Ambassador ...
    [Signature] V[asily]. Pisarev", "..., Colonel Kacharava [signed]". Returns the range of
    inlines (start, end) that hold the name, or None."""
    mark = next((i for i, item in enumerate(inlines) if isinstance(item, Span) and item.kind == "unreadable"
                 and item.attrs.get("reason") == "signature"), None)
    if mark is None:
        return None
    after = inlines[mark + 1:]
    words = re.sub(r"\[[^\]]*\]", "", bracketed_text(after)).strip()
    if words and L.is_name_line(words.strip("()").strip()) and not any(
            isinstance(i, Span) and i.kind in ("linebreak", "unreadable") for i in after):
        return mark + 1, len(inlines), True
    before = inlines[:mark]
    if not after or not bracketed_text(after).strip():
        if before and isinstance(before[-1], str):
            name = re.split(r",\s*", before[-1].rstrip())[-1].strip()
            if name and L.is_name_line(name) and (len(before[-1].split()) > len(name.split()) or len(before) == 1):
                return mark - 1, mark, False
    return None


def _wrap_name(inlines: list[Inline], start: int, end: int, whole: bool, authority: Authority) -> list[Inline]:
    """Wrap inlines[start:end] in a name span, leaving spaces and parentheses around it outside;
    with ``whole`` false, only the name after the last comma of inlines[start] (a string)."""
    part = list(inlines[start:end])
    lead: list[Inline] = []
    trail: list[Inline] = []
    if not whole:
        text = part[0]
        name = re.split(r",\s*", text.rstrip())[-1].strip()
        at = text.rstrip().rfind(name)
        lead, part, trail = [text[:at]], [name], [text[at + len(name):]]
    else:
        if isinstance(part[0], str):
            head = part[0]
            stripped = head.lstrip(" (")
            lead, part[0] = [head[:len(head) - len(stripped)]], stripped
        if isinstance(part[-1], str):
            tail = part[-1]
            stripped = tail.rstrip(" )")
            trail, part[-1] = [tail[len(stripped):]], stripped
    part = [p for p in part if p != ""]
    name = re.sub(r"\[[^\]]*\]", "", bracketed_text(part)).strip()
    kind = "org" if _OFFICE.search(name) else "person"
    ref = authority.ref_for(name, kind) if kind == "person" else authority.lookup(name, "org")
    span = Span(kind, part, {"ref": ref} if ref else {})
    return [i for i in inlines[:start] + lead + [span] + trail + inlines[end:] if i != ""]


def _mark_signature(inlines: list[Inline], authority: Authority) -> list[Inline]:
    marked = signature_mark_name(inlines)
    if marked is not None:
        return _wrap_name(inlines, *marked, authority)
    if any(isinstance(i, Span) and i.kind in ("pseudonym", "redaction", "unreadable") for i in inlines):
        return inlines
    breaks = [i for i, item in enumerate(inlines) if isinstance(item, Span) and item.kind == "linebreak"]
    if breaks:  # a name with the signer's titles on the lines below it
        return _mark_signature(inlines[: breaks[0]], authority) + inlines[breaks[0]:]
    if not all(isinstance(i, str) for i in inlines):
        # a signature made of formatting runs or holding brackets: mark the whole run
        office = bool(_OFFICE.search(plain_text(inlines)))
        return L.mark_names(inlines, authority, kind="org" if office else "person", add=not office)
    text = "".join(inlines)
    m = L.signed_line(text)
    if m:
        return _name_at(text, m.start("name"), len(text.rstrip()), authority)
    m = number_and_name(text)
    if m and dates.find_dates(m.group("number")):
        # a date before the name ("25/X/62 A. DOBRYNIN")
        out = _name_at(text, m.start("name"), len(text.rstrip()), authority)
        head = out[0] if isinstance(out[0], str) else ""
        return L.mark_dates([head]) + out[1:] if head else out
    if m:
        out = _name_at(text, m.start("name"), len(text.rstrip()), authority)
        number = m.group("number")
        head = out[0] if isinstance(out[0], str) else ""
        rest = head[len(number):] if head.startswith(number) else head
        return [Span("number", [number], {"type": "outgoing"})] + ([rest] if rest else []) + out[1:]
    m = L.salutation(text)
    if m:
        rest_start = len(text) - len(text.lstrip()) + (1 if text.lstrip().startswith(('"', "“")) else 0) + m.end()
        n = re.compile(r"\s*(?P<name>[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,3})").match(text, rest_start)
        if n:
            out = [text[: n.start("name")]]
            name = n.group("name").rstrip(".")
            ref = authority.ref_for(name, "person")
            span = Span("person", [name], {"ref": ref} if ref else {})
            out.append(span)
            tail = text[n.start("name") + len(name):]
            return out + L.mark_dates([tail]) if tail else out
    stripped = text.strip().rstrip('"”')
    start = text.find(stripped)
    return _name_at(text, start, start + len(stripped), authority)


def _name_at(text: str, start: int, end: int, authority: Authority) -> list[Inline]:
    name = text[start:end].strip().rstrip('"”')
    if re.search(r"[^\W\d_]{2}\.$", name):
        name = name[:-1]  # the full stop after a signature ("Terebin.") is not part of the name
    if name.startswith("(") and name.endswith(")"):
        name = name[1:-1].strip()
        start = text.find(name, start)
    end = start + len(name)
    if _OFFICE.search(name) and not L._patterns()["roles"].search(name):
        # an office signs: "Embassy in Hungary", "[Chinese] Foreign Ministry"
        ref = authority.lookup(name, "org")
        span = Span("org", [name], {"ref": ref} if ref else {})
    else:
        ref = authority.ref_for(name, "person")
        span = Span("person", [name], {"ref": ref} if ref else {})
    out: list[Inline] = []
    if start:
        out.append(text[:start])
    out.append(span)
    if end < len(text):
        out.append(text[end:])
    return out
