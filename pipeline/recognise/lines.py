"""What one paragraph is: a classification line, a dateline, an addressee, a signature...

:func:`classify` gives a paragraph's role from its text alone (the structure recogniser decides
which roles count where); :func:`annotate_role` marks up the parts of a line of that role (the
marking, the date, the place, the names). The wordings come from the vocabularies; the patterns
here only say where in a line they stand.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache, wraps

from .. import vocab
from ..authority import Authority
from ..model import Inline, Span, plain_text
from ..vocab import guard
from . import dates

# --- patterns ------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"^[\s.,;:/—–-]*$")
_NUMBER_SIGN = r"(?:No\.?|NO\.?|N°|N\u00ba|№|Nr\.?|Nos\.?|#)"
LABEL = re.compile(r"^(?P<indent>\s*)(?P<label>\(?(?P<n>\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)](?:\s|$))")
_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_NAME_TOKEN = r"(?:[" + _UPPER + r"](?:[^\W\d_]|['’-])*\.?|[A-Z]\.(?:[A-Z]\.)*|Jr\.?|Sr\.?)"
_NAME_LINE = re.compile(r"^(?:" + _NAME_TOKEN + r")(?:[ ,]{1,2}" + _NAME_TOKEN + r"){0,4}$")
_PAGE_NUMBER = re.compile(r"^(?:-\s?\d{1,4}\s?-|\d{1,4}|(?:Page|PAGE|p\.)\s*\d{1,4}(?:\s+of\s+\d{1,4})?)$")
_FRUS_NUMBER = re.compile(r"^(?P<n>\d{1,6})\.\s+\S")


@cache
def _patterns() -> dict:
    marks = vocab.markings()
    level_words = [w for level in marks.levels for w in level.wordings]
    kinds = [w for kind in vocab.kinds() for w in kind.wordings]
    words = vocab.people_words()
    return {
        "marking": guard.Guarded(
            r"(?<![\w])(?:(?P<level>" + vocab.phrase_pattern(level_words) + r")|(?P<precedence>"
            + vocab.phrase_pattern(marks.precedence) + r")|(?P<handling>" + vocab.phrase_pattern(marks.handling)
            + r"))(?![\w])", re.I),
        "kind_line": guard.Guarded(
            r"^(?P<kind>" + vocab.phrase_pattern(kinds) + r")(?:\s*+(?P<sign>" + _NUMBER_SIGN + r"))?\s*+[:.]?\s*+"
            r"(?P<number>[\w/:.\- ]{0,30}\d[\w/:.\- ]{0,10})?"
            r"(?:\s*+\b(?:for|to)\b:?\s++(?P<who>[^.;]{2,80}))?\s*+$", re.I),
        "kind_word": guard.Guarded(r"(?<![\w])(?P<kind>" + vocab.phrase_pattern(kinds) + r")(?![\w])", re.I),
        "salutation": guard.Guarded(r"^(?P<salute>" + vocab.phrase_pattern(words["salutations"]) + r")\s*[!.,]", re.I),
        "signed": guard.Guarded(r"^(?P<label>" + vocab.phrase_pattern(words["signature_labels"]) + r")\s*+:?\s*+(?P<name>\S.*)$", re.I),
        "roles": guard.Guarded(r"(?<![\w])" + vocab.phrase_pattern(words["roles"]) + r"(?![\w])", re.I),
        "routing": {w.lower() for w in words["routing"]},
    }


# --- inline annotation ---------------------------------------------------------------------------

FORMATTING = ("bold", "italic", "struck", "sup")


def annotate(inlines: list[Inline], pattern: re.Pattern, make) -> list[Inline]:
    """Apply ``make(match) -> Span | None`` to every match of ``pattern`` in the strings of a run of
    inlines (descending into bold, italic and struck runs, never into other spans)."""
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span):
            if item.kind in FORMATTING:
                item.children = annotate(item.children, pattern, make)
            out.append(item)
            continue
        position = 0
        for m in pattern.finditer(item):
            span = make(m)
            if span is None:
                continue
            if m.start() > position:
                out.append(item[position:m.start()])
            out.append(span)
            position = m.end()
        if position < len(item):
            out.append(item[position:])
    return out


def lift_struck_markings(inlines: list[Inline]) -> list[Inline]:
    """``~~SECRET~~`` is a struck marking: a struck run holding only a marking becomes the
    marking, flagged struck, holding the struck run."""
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span) and item.kind == "struck":
            inner = [c for c in item.children if not (isinstance(c, str) and not c.strip())]
            if len(inner) == 1 and isinstance(inner[0], Span) and inner[0].kind == "marking":
                marking = inner[0]
                item.children = [c if c is not marking else plain_text(marking.children) for c in item.children]
                marking.children = [item]
                marking.attrs["struck"] = "true"
                out.append(marking)
                continue
        if isinstance(item, Span):
            item.children = lift_struck_markings(item.children)
        out.append(item)
    return out


def _marking_span(m: re.Match) -> Span:
    if m.group("level"):
        level = vocab.markings().level_for(m.group("level"))
        return Span("marking", [m.group()], {"level": level.id if level else "unknown"})
    if m.group("precedence"):
        return Span("precedence", [m.group()])
    return Span("handling", [m.group()])


_LETTER_SPACED = re.compile(r"^\s*(?:\w ){2,}\w(?:\s{2,}(?:\w ){1,}\w)*\s*[.]?$")


def despaced(text: str) -> str | None:
    """A typewriter's letter-spaced line ("S E C R E T", "T O P  S E C R E T") as words, or
    None when the line is not letter-spaced."""
    if not _LETTER_SPACED.match(text):
        return None
    return " ".join(word.replace(" ", "") for word in re.split(r"\s{2,}", text.strip()))


def markings_only(text: str) -> list[re.Match] | None:
    """The marking words of a line made of nothing else (separators and brackets aside), or
    None when the line says anything more. A letter-spaced line is read as its words."""
    found = _markings_only(text)
    return None if found is None else list(found)


#: The longest text whose answers are remembered (:func:`per_document`).
_REMEMBERED_LENGTH = 400
_REMEMBERING: list = []


def per_document(function):
    """``function`` of a line's text, its answers remembered until :func:`forget_lines`: the
    recognisers ask the same questions of the same line again and again. Answers must not be
    changed by the caller (tuples, matches); a text longer than :data:`_REMEMBERED_LENGTH`
    is asked afresh."""
    remembering = lru_cache(maxsize=4096)(function)
    _REMEMBERING.append(remembering)

    @wraps(function)
    def answer(text: str):
        return remembering(text) if len(text) <= _REMEMBERED_LENGTH else function(text)

    return answer


def forget_lines() -> None:
    """Forget the answers :func:`per_document` remembered: a new document begins."""
    for remembering in _REMEMBERING:
        remembering.cache_clear()


@per_document
def _markings_only(text: str) -> tuple[re.Match, ...] | None:
    """:func:`markings_only`, once per line of a document."""
    spaced = despaced(text)
    if spaced is not None:
        text = spaced
    matches = []
    position = 0
    for m in _patterns()["marking"].finditer(text):  # given up at the first words that are no marking
        if not _SEPARATORS.match(_unbracketed(text[position:m.start()])):
            return None
        matches.append(m)
        position = m.end()
    if not matches or not _SEPARATORS.match(_unbracketed(text[position:])):
        return None
    return tuple(matches)


def _unbracketed(text: str) -> str:
    """The text without its bracketed parts (each "[" up to the next "]"). A loop rather than a
    pattern, which would scan to the end of the text again from every unclosed "["."""
    parts: list[str] = []
    position = 0
    while (start := text.find("[", position)) >= 0 and (end := text.find("]", start)) >= 0:
        parts.append(text[position:start])
        position = end + 1
    parts.append(text[position:])
    return "".join(parts)


@cache
def _portion_pattern() -> re.Pattern:
    codes = "|".join(sorted(vocab.markings().portion, key=len, reverse=True))
    return re.compile(r"^(?P<indent>\s*)\((?P<code>" + codes + r")(?P<caveat>(?:/{1,2}[A-Z]{2,12})*)\)(?=\s)")


def mark_portion(inlines: list[Inline]) -> list[Inline]:
    """A portion marking at the head of a paragraph: "(S) The Soviets ..." becomes a marking."""
    if not inlines or not isinstance(inlines[0], str):
        return inlines
    m = _portion_pattern().match(inlines[0])
    if not m:
        return inlines
    marks = vocab.markings()
    if m.group("code") in marks.portion_caveat_only and not m.group("caveat"):
        return inlines
    span = Span("marking", [m.group()[len(m.group("indent")):]], {"level": marks.portion[m.group("code")]})
    head = [m.group("indent")] if m.group("indent") else []
    rest = inlines[0][m.end():]
    return head + [span] + ([rest] if rest else []) + inlines[1:]


def mark_markings(inlines: list[Inline]) -> list[Inline]:
    text = plain_text(inlines)
    spaced = despaced(text)
    if spaced is not None:
        matches = markings_only(spaced)
        if matches and len(matches) == 1:
            span = _marking_span(matches[0])
            span.children = inlines
            return [span]
    return lift_struck_markings(annotate(inlines, _patterns()["marking"], _marking_span))


def mark_dates(inlines: list[Inline], first_only: bool = True) -> list[Inline]:
    """Mark the date (with its time of day) in a dateline-like run of inlines."""
    done = False

    def make(m: re.Match) -> Span | None:
        nonlocal done
        if done and first_only:
            return None
        found = dates.when(m.group())
        if not found:
            return None
        done = True
        return Span("date", [m.group()], {"when": found[0]})

    return annotate(inlines, _DATE_WITH_TIME, make)


# A date with an optional time before or after it; built from the date grammar.
_DATE_WITH_TIME = re.compile(
    r"(?:(?:" + dates.TIME_PATTERN.pattern + r"),?\s{0,3}(?:on\s)?)?(?:" + dates.DATE_PATTERN.pattern
    + r")(?:[,\s—–-]{0,3}(?:" + dates.TIME_PATTERN.pattern.replace("(?P<", "(?P<t_") + r"))?"
)


def mark_names(inlines: list[Inline], authority: Authority, kind: str = "person", add: bool = True) -> list[Inline]:
    """Wrap a run that is a name (a signer, an addressee) in a name span with its authority id."""
    text = plain_text(inlines).strip()
    if not text:
        return inlines
    ref = authority.ref_for(text, kind, add=add)
    span = Span(kind, inlines)
    if ref:
        span.attrs["ref"] = ref
    return [span]


# --- roles of a paragraph ------------------------------------------------------------------------


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


@per_document
def release_stamps(text: str) -> tuple[tuple[str, re.Match], ...]:
    """Every release stamp printed in ``text``, in order, not overlapping: each form's matches
    are found in one pass, then merged."""
    read = guard.lowered(text)
    found = sorted(((m.start(), -m.end(), form.name, m) for form in vocab.release_forms()
                    if not form.pattern.cannot_match(text, read)
                    for m in form.pattern.compiled.finditer(text)), key=lambda x: (x[0], x[1]))
    chosen: list[tuple[str, re.Match]] = []
    end = -1
    for start, negative_end, name, m in found:
        if start >= end:
            chosen.append((name, m))
            end = -negative_end
    return tuple(chosen)


def release_only(text: str) -> bool:
    """A paragraph that is release stamps and little else (an office code, a page number)."""
    joined = " ".join(text.split())
    stamps = release_stamps(joined)
    if not stamps:
        return False
    rest, position = [], 0
    for _, m in stamps:
        rest.append(joined[position:m.start()])
        position = m.end()
    rest.append(joined[position:])
    return len(" ".join(rest).split()) <= 4


def release_match(text: str) -> tuple[str, re.Match] | None:
    joined = " ".join(text.split())
    for form in vocab.release_forms():
        m = form.pattern.search(joined)
        if m:
            return form.name, m
    return None


def kind_line(text: str) -> re.Match | None:
    m = _patterns()["kind_line"].match(text.strip().strip("*").strip())
    return m


def kind_in(text: str) -> str | None:
    """The kind id of the first kind word in ``text`` (longest wording wins)."""
    m = _patterns()["kind_word"].search(text)
    if not m:
        return None
    kind = vocab.kind_for(m.group("kind"))
    return kind.id if kind else None


def label_of(text: str) -> str | None:
    """The label of a numbered or lettered paragraph ("1", "a", "iv"), or None."""
    stripped = text.lstrip()
    if stripped.startswith("- "):
        stripped = stripped[2:].lstrip()
    if _portion_pattern().match(stripped):
        return None  # "(S) ..." is a portion marking, not the label of item S
    m = LABEL.match(stripped)
    if not m:
        return None
    return m.group("n")


def words(text: str) -> list[str]:
    return text.split()


def is_prose(text: str) -> bool:
    """A paragraph of running text (rather than a line of a letterhead, opener or closer)."""
    w = words(text)
    if 5 <= len(w) <= 10 and not _VERBS.search(text) and _ORG_WORDS.search(text) and \
            sum(1 for x in w if x[:1].isupper()) * 2 > len(w):
        return False  # an office's name with a full stop after it
    if len(w) >= 12:
        # a long letterhead ("Second Directorate of the Main Staff of the Naval Forces of the
        # Republic") is no sentence: capitalised words, no verb, no final stop
        capitals = sum(1 for x in w if x[:1].isupper() or x[:1].isdigit())
        return not (len(w) <= 20 and capitals * 2 >= len(w) and not _VERBS.search(text)
                    and not text.rstrip().endswith((".", "?", "!", ";", ":")))
    return len(w) >= 5 and text.rstrip().rstrip('"”').endswith((".", "?", "!", ";")) and any(x.islower() for x in w[1:])


# A signature with a full stop after it ("Terebin.", "FENG XI."): one or two capitalised words.
_SIGNED_NAME_STOP = re.compile(r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?\.$")


#: A file-number line above a document ("611.61/2–1453: Telegram", "761.93/7–745: Telegram").
FILE_LINE = re.compile(r"^\d{2,4}(?:\.\d+)*[A-Z]?/\d[\d–/.-]*(?::\s*\w+(?:\s\w+){0,3})?$")


@cache
def office_pattern() -> re.Pattern:
    """The words that make a name an office or an institution (vocab/people.toml)."""
    return re.compile(r"\b" + vocab.phrase_pattern(vocab.people_words()["office_words"]) + r"\b", re.I)


@cache
def _place_names() -> frozenset[str]:
    return frozenset(" ".join(name.lower().split()) for row in vocab.authority_seed().get("place", ())
                     for name in row.get("names", ()))


def known_place(text: str) -> bool:
    """A line that is only the name of a place the authority seed knows ("Pyongyang")."""
    return " ".join(text.strip().strip(".,").lower().split()) in _place_names()


def signer_phrase(text: str) -> bool:
    lowered = text.strip().lower()
    return any(lowered.startswith(p) for p in vocab.people_words().get("signer_phrases", ()))


@cache
def function_words() -> frozenset[str]:
    return frozenset(w.lower() for w in vocab.people_words().get("function_words", ()))


@per_document
def is_name_line(text: str) -> bool:
    """A line that reads as a signature: one to five name words, not a marking or a routing
    word, and not ending in a full stop unless after an initial."""
    t = text.strip().strip('"”').replace("[", "").replace("]", "")  # "H[arry] S. T[ruman]"
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()  # a name in parentheses under a signature: "(A. PUZANOV)"
    if not t or len(t) > 60:
        return False
    if t.endswith(".") and not re.search(r"(?:\b[A-Z]|Jr|Sr)\.$", t) and not _SIGNED_NAME_STOP.match(t):
        return False
    if not _NAME_LINE.match(t) or sum(ch.isalpha() for ch in t) < 2:
        return False
    first = t.split()[0].lower().rstrip(".:,")
    if first in _patterns()["routing"]:
        return False
    edges = (t.split()[0].lower().rstrip(":,"), t.split()[-1].lower().rstrip(":,"))  # "A." is an initial
    if any(word in function_words() for word in edges):
        return False  # "OF THE GUARDS", "RECOMMENDATION THAT": a line cut from a sentence
    if markings_only(t) or kind_line(t):
        return False
    if is_page_number(t):
        return False
    return True


def is_signer_title(text: str) -> bool:
    t = text.strip()
    return len(t.split()) <= 10 and not t.endswith(".") and bool(_patterns()["roles"].search(t)) and t[:1].isupper()


def signed_line(text: str) -> re.Match | None:
    return _patterns()["signed"].match(text.strip())


def salutation(text: str) -> re.Match | None:
    return _patterns()["salutation"].match(text.strip().lstrip('"“'))


def frus_number(text: str) -> str | None:
    m = _FRUS_NUMBER.match(text)
    return m.group("n") if m else None


_ADDRESSEE = re.compile(r"^\W{0,2}(?:To|TO|Attention|ATTENTION|Addressee|ADDRESSEE)\b:?\s*(?P<who>\S.*)$"
                        r"|^\W{0,2}to\s+(?P<honoured>(?:Comrades?|Cdes?\.?|Generalissimo|Marshal|General|Mr\.|Mrs\.|"
                        r"Messrs\.|Premier|Chairman|President|Ambassador|Minister|the)\s+[A-Z].{1,70})$"
                        r"|^\W{0,2}to\s+(?P<short>[A-Z][\w'’.-]+(?:\s+[\w\[\]'’.-]+){0,4})$"
                        r"|^\W{0,2}(?:Dear|Comrades?|Cdes?\.|Esteemed|Respected)\s+(?P<greeted>[^.]{2,70})[:,!]$")
_FROM = re.compile(r"^\W{0,2}(?:From|FROM|Sender|SENDER|Originator|ORIGINATOR)\b:?\s*(?P<who>\S.*)$")
# A header field printed as "LABEL: value" ("Control: 1234", "NO: 1645, June 3, 7 p.m.").
FIELD = re.compile(r"^\s*(?P<label>[A-Z][A-Za-z'’.]*(?: [A-Z][A-Za-z'’.]*){0,2}):\s+\S")
_PASS_TO = re.compile(r"\b(?:[Pp]ass|[Dd]eliver|[Hh]and|[Tt]ransmit)\b[^.]*?\bto\s+(?P<who>[^.:;]+)")
_PLACE_TO = re.compile(r"^(?P<place>[A-Z][\w'’ -]{1,30})(?:,\s+to|[.,]\s+To)\s+(?P<who>[^.;]+)")
# The line that says when (and from where) a message was sent: "Dispatched from Havana on ...".
_SENT = re.compile(r"^\W{0,2}(?:Sent|SENT|Dispatched|Despatched|Transmitted|Date|DATE)\b:?")
_INSTRUCTION = re.compile(r"^(?:Read|Pass|Deliver|Transmit|Hand|Show|Communicate)\b[^.]{0,80}\bto\b[^.]{0,60}[:.]$")
_RECEIVED = re.compile(r"^\W{0,2}(?:(?:Received|Rec'd|Recd)\b|From\s+\S[^,]{0,40}?\s+(?:Received|Rec'd)\b)", re.I)
_REFERENCE = re.compile(r"^(?:In (?:response|reply|answer) to\b|Re:|Ref:|Reference:|Reftel\b|Your\s+(?:No|no|telegram|tel)\b|To\s+No\.?\s?\d)")
_SUBJECT = re.compile(r"^(?:SUBJECT|Subject|SUBJ)\s*(?::|$)")
_COPIES = re.compile(r"^(?:Copies|Copy|COPIES|COPY|Distribution|DISTRIBUTION|Cc|CC)\b(?:\s+(?:to|To))?\s*:?|^\d{1,2}\.?\s*-\s*(?:cde\.?|Cde\.?|comrade|Comrade|to\b)|^(?:One|Two|Three|\d+) cop(?:y|ies) (?:printed|sent|made)")
_VERBS = re.compile(r"\b(?:is|was|were|are|be|been|have|has|had|will|would|said|says|I|we|you|he|she|they)\b")
_NUMBER_LINE = re.compile(r"^" + _NUMBER_SIGN + r"\s*+:?\s*+\d[\w/-]*[.,]?(?:\s.{0,40})?\"?$")
_ORG_WORDS = re.compile(r"\b(?:Directorate|DIRECTORATE|Administration|ADMINISTRATION|Ministry|MINISTRY|General Staff|GENERAL STAFF|Department|DEPARTMENT|Committee|COMMITTEE|Agency|AGENCY|Embassy|EMBASSY|Office|OFFICE|Legation|LEGATION|Consulate|CONSULATE)\b")


@per_document
def opener_role(text: str) -> str | None:
    """The role of a paragraph in a document's opening lines, or None for running text."""
    t = text.strip()
    if not t:
        return None
    if release_only(t):
        return "release"
    if markings_only(t):
        matches = markings_only(t)
        return "markings" if any(m.group("level") for m in matches) else "precedence"
    if kind_line(t):
        return "kind-line"
    if _RECEIVED.match(t):
        return "received"
    if _FROM.match(t) and len(words(t)) <= 12 and not _VERBS.search(t):
        return "from"
    if _SUBJECT.match(t):
        return "subject"
    if _COPIES.match(t):
        return "copy-entry"
    if _REFERENCE.match(t) and len(words(t)) <= 15:
        return "reference"
    if _INSTRUCTION.match(t):
        return "instruction"
    if (_ADDRESSEE.match(t) and len(words(t)) <= 15) or (_PLACE_TO.match(t) and len(words(t)) <= 20) \
            or (re.match(r"^\W{0,2}(?:To|TO):\s", t) and len(words(t)) <= 40) \
            or (_ADDRESSEE.match(t) and t.endswith(":") and len(words(t)) <= 30) \
            or (re.search(r"\bto\s+whom\s+[A-Z]", t) and len(words(t)) <= 15):
        return "addressee"
    if re.match(r"^\|.*\|$", t):
        return "line"  # a row of a table of form fields: "| Outgoing Nº 417 | Form Nº 3 |"
    if len(words(t)) <= 3 and re.search(r"(?:\bNo\.|\bNº|:)$", t):
        return "line"  # a form field left empty: "Response No.", "Subject:"
    if _SENT.match(t) and dates.when(t) and len(words(t)) <= 20:
        return "dateline"
    if _NUMBER_LINE.match(t):
        return "number"
    found = dates.when(t)
    if found:
        value, start, end = found
        rest = _unbracketed(t[:start] + " " + t[end:])
        if len(words(rest)) <= 6 and not _VERBS.search(rest):
            return "dateline" if t[:start].strip(" ,[") else "date"
    if is_prose(t):
        return None
    w = words(t)
    if len(w) <= 10 and _ORG_WORDS.search(t) and not _VERBS.search(t):
        return "letterhead"  # "The Legation of the Republic of Austria."
    upper = sum(1 for ch in t if ch.isupper())
    letters = sum(1 for ch in t if ch.isalpha())
    if (letters and upper / letters > 0.8 and len(words(t)) >= 2) or _ORG_WORDS.search(t):
        return "letterhead"
    if len(words(t)) <= 8 and not t.endswith((".", ";")):
        return "line"
    if len(w) <= 25 and not t.endswith((".", ";", ",")) and not _VERBS.search(t) \
            and sum(1 for x in w if x[:1].isupper()) * 2 >= len(w):
        return "line"  # a title in capitals: "On the Opening of the New Trade Mission in the Capital"
    return None


def split_columns(text: str) -> list[tuple[int, str]]:
    """A line printed in columns ("SECRET PRIORITY          MADRAS, March 2, 1952") as its
    parts with their offsets; one part for an ordinary line."""
    parts = [(m.start(), m.group()) for m in re.finditer(r"\S(?:.*?\S)?(?=\s{3,}|$)", text)]
    return parts if len(parts) > 1 else [(0, text)]
