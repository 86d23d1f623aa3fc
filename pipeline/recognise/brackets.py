"""Square brackets: what an editor, translator or declassifier put in them.

Brackets mean different things, and each reading gets its own span (see docs/encoding.md):

=================  ==========================================  ===============================
convention         example                                     span
=================  ==========================================  ===============================
omission           ``[...]``                                   omission
redaction          ``[name deleted]``, ``[25X1]``              redaction (extent, exemption)
unreadable         ``[illegible]``, ``[signature]``            unreadable
comment            ``[Translator's comment: ...]``             comment (type from the label)
receipt            ``[Received March 3—9:40 a. m.]``           receipt (with its date)
original term      ``[delo]``, ``[*vne ocherednaia*]``         foreign (language)
identification     ``FILIPPOV [STALIN]``                       pseudonym + identification
expansion          ``PVO [Anti-aircraft Defense]``             abbreviation (abbr + expansion)
alternative name   ``Ri Geon-yeong [Ri Gon Yong]``             alternative (orig + alt)
supplied text      ``[them]``, ``[Washington,]``               supplied
=================  ==========================================  ===============================

The conventions are tried in that order; the first that fits wins, and a reading that is a
guess carries ``cert``. The wordings come from ``vocab/brackets.toml`` and
``vocab/redactions.toml``. Matching pairs brackets with a stack in one pass; a bracket without
a partner stays text.
"""

from __future__ import annotations

import math
import re
from functools import cache

from .. import vocab
from ..authority import Authority
from ..model import Inline, Span, plain_text

# --- tables compiled from the vocabularies ------------------------------------------------------


@cache
def _tables() -> dict:
    red = vocab.redactions()
    br = vocab.brackets()
    units = red["units"]
    unit_words = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    number_words = "|".join(sorted(red["numbers"], key=len, reverse=True))
    comment_labels = sorted(br["comment"], key=len, reverse=True)
    return {
        "redaction": re.compile(r"\b" + vocab.phrase_pattern(red["redaction"]["wordings"]) + r"\b", re.I),
        "exemption": re.compile(r"(?:" + "|".join(red["exemption"]["patterns"]) + r")"),
        "exemption_token": re.compile(r"(?<![\w(.])(?:" + "|".join(red["exemption"]["patterns"]) + r")(?![\w)])"),
        "omission": re.compile(r"(?:" + "|".join(red["omission"]["patterns"]) + r")"),
        "extent": re.compile(
            r"(?P<less>less than |more than |about |approximately )?"
            r"(?P<num>(?<!\d)\d+(?:[.,]\d+)?(?:\s?½)?|½|" + number_words + r")\s+"
            r"(?P<unit>" + unit_words + r")s?\b", re.I),
        "bare_unit": re.compile(r"^(?P<unit>" + unit_words + r")s?\b", re.I),
        "units": units,
        "numbers": red["numbers"],
        "unreadable": {k.lower(): v for k, v in red["unreadable"].items()},
        "comment": [(label, br["comment"][label]) for label in comment_labels],
        "receipt": tuple(br["receipt"]["labels"]),
        "foreign_terms": {k.lower(): v for k, v in br["foreign"]["terms"].items()},
        "foreign_clusters": {lang: [re.compile(p) for p in pats] for lang, pats in br["foreign"]["clusters"].items()},
        "foreign_scripts": {lang: re.compile(p) for lang, p in br["foreign"]["scripts"].items()},
        "foreign_syllables": {
            lang: frozenset(initial + final for initial in ["", *table["initials"]] for final in table["finals"])
            for lang, table in br["foreign"].get("syllables", {}).items()},
        "foreign_distinctive": {lang: re.compile(table["distinctive"])
                                for lang, table in br["foreign"].get("syllables", {}).items()},
        "remark": tuple(br["remark"]["starts"]),
    }


# --- the parts of a bracket reading --------------------------------------------------------------

_NAME_BEFORE = re.compile(
    r"(?P<name>(?:[A-Z][\w'’.-]*\s){0,2}[A-Z][\w'’.-]*)(?P<space>\s?)$")
_CAPS_NAME_BEFORE = re.compile(r"(?P<name>(?:[A-Z][A-Z'’.-]+\s){0,2}[A-Z][A-Z'’.-]+)(?P<space>\s?)$")
_ACRONYM_BEFORE = re.compile(r"(?<![\w(])(?P<name>[A-Z][A-Z0-9]{1,5}(?:\([a-z]\))?)(?P<space>\s?)$")
_NAME_WORDS = re.compile(r"^(?:[A-Z][\w'’.-]*)(?:\s+(?:or\s+)?[A-Z][\w'’.-]*){0,3}$")
_LOWER_WORDS = re.compile(r"^[a-z][a-z' -]*$")

# Brackets nested deeper than this are read as text; names before a bracket are looked for in
# this many characters. Both bounds keep the reading linear in the length of the text.
_MAX_DEPTH = 4
_LOOK_BEHIND = 80


def _number(raw: str, numbers: dict) -> float | None:
    raw = raw.strip().lower().replace(",", ".")
    if raw in numbers:
        return float(numbers[raw])
    half = 0.5 if "½" in raw else 0.0
    raw = raw.replace("½", "").strip()
    try:
        value = (float(raw) if raw else 0.0) + half
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # hundreds of digits are not an extent


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def redaction_attrs(text: str) -> dict[str, str]:
    """The extent and exemption code stated in a redaction's wording."""
    t = _tables()
    attrs: dict[str, str] = {}
    m = t["extent"].search(text)
    if m:
        value = _number(m.group("num"), t["numbers"])
        unit = t["units"][m.group("unit").lower()]
        if value is not None:
            qualifier = (m.group("less") or "").strip().lower()
            if qualifier == "less than":
                attrs["at_most"] = _fmt(value)
            elif qualifier == "more than":
                attrs["at_least"] = _fmt(value)
            else:
                attrs["quantity"] = _fmt(value)
            attrs["unit"] = unit
    else:
        m = t["bare_unit"].search(text.strip())
        if m and not text.strip().lower().startswith(m.group("unit").lower() + "s"):
            attrs["quantity"] = "1"
            attrs["unit"] = t["units"][m.group("unit").lower()]
    code = t["exemption"].search(text)
    if code:
        attrs["exemption"] = code.group()
    return attrs


def is_redaction(text: str) -> bool:
    t = _tables()
    stripped = text.strip()
    return bool(t["redaction"].search(stripped)) or bool(t["exemption"].fullmatch(stripped))


def foreign_language(text: str) -> tuple[str, str | None] | None:
    """The language of an original-language term and the certainty of that reading."""
    t = _tables()
    key = " ".join(text.lower().split())
    if key in t["foreign_terms"]:
        return t["foreign_terms"][key], None
    for lang, script in t["foreign_scripts"].items():
        if script.search(text):
            return lang, None
    words = key.split()
    if text[:1].isupper():
        return None  # a capitalised bracket is a name or a phrase, not an original-language term
    if not words or len(words) > 4 or not all(w.replace("'", "").replace("-", "").isalpha() for w in words):
        return None
    for lang, clusters in t["foreign_clusters"].items():
        if any(c.search(w) for w in words for c in clusters):
            return lang, "medium"
    for lang, syllables in t["foreign_syllables"].items():
        if t["foreign_distinctive"][lang].search(key) and all(len(w) <= 24 and _syllabic(w, syllables) for w in words):
            return lang, "medium"
    return None


def _syllabic(word: str, syllables: frozenset[str]) -> bool:
    """Whether ``word`` is a run of syllables from the set. Read left to right, keeping every
    position a run of syllables can end at: a pattern such as ``(?:initial?final)+`` would try
    every way of cutting the word, which grows exponentially with its length."""
    longest = max(map(len, syllables), default=0)
    ends = {0}
    for start in range(len(word)):
        if start in ends:
            ends.update(start + size for size in range(1, longest + 1) if word[start:start + size] in syllables)
    return len(word) > 0 and len(word) in ends


def _similar(a: str, b: str) -> bool:
    """Two names that look like spellings of each other (share a word or a first syllable)."""
    wa = {w.lower().strip(".,") for w in re.split(r"[\s-]+", a) if w}
    wb = {w.lower().strip(".,") for w in re.split(r"[\s-]+", b) if w}
    if wa & wb:
        return True
    return a[:2].lower() == b[:2].lower()


_BRACKET = re.compile(r"[\[\]]")


class BracketReader:
    """Reads the brackets of one run of inlines, with the authority file for names."""

    def __init__(self, authority: Authority):
        self.authority = authority

    # The entry point: a run of inlines with bracket characters in its strings.
    def read(self, inlines: list[Inline]) -> list[Inline]:
        # Flatten into a sequence of single characters (str) and atomic spans.
        out: list[Inline] = []
        stack: list[int] = []  # positions in `out` of unmatched "[" characters
        for item in inlines:
            if isinstance(item, Span):
                if item.kind not in ("math", "escape"):
                    item.children = self.read(item.children)
                out.append(item)
                continue
            start = 0
            for m in _BRACKET.finditer(item):
                index, ch = m.start(), m.group()
                if ch == "[" and len(stack) < _MAX_DEPTH:
                    if index > start:
                        out.append(item[start:index])
                    stack.append(len(out))
                    out.append("[")
                    start = index + 1
                elif ch == "]" and stack:
                    if index > start:
                        out.append(item[start:index])
                    open_at = stack.pop()
                    content = out[open_at + 1:]
                    del out[open_at:]
                    self._replace(out, content)
                    start = index + 1
            if start < len(item):
                out.append(item[start:])
        return _merge_strings(out)

    def _replace(self, out: list[Inline], content: list[Inline]) -> None:
        """Append the reading of one bracket (whose content is ``content``) to ``out``; may
        take the name or acronym just before the bracket out of ``out``."""
        content = _merge_strings(content)
        text = plain_text(content).strip()
        t = _tables()
        lower = text.lower()
        bracketed = {"bracketed": "true"}

        if not text:
            # "[ ]", "[    ]": a blank left where something was cut out of the released copy
            out.append(Span("redaction", content, dict(bracketed), cert="low"))
            return
        if t["omission"].fullmatch(text):
            out.append(Span("omission", content, dict(bracketed)))
            return
        if is_redaction(text):
            attrs = redaction_attrs(text) | bracketed
            out.append(Span("redaction", content, attrs))
            return
        if lower.rstrip(".") in t["unreadable"]:
            out.append(Span("unreadable", content, {"reason": t["unreadable"][lower.rstrip(".")]} | bracketed))
            return
        for label, note_type in t["comment"]:
            if lower.startswith(label) and (len(lower) == len(label) or lower[len(label)] in ":. "):
                if note_type == "illegible" and len(lower) <= len(label) + 1:
                    out.append(Span("unreadable", content, {"reason": "illegible"} | bracketed))
                else:
                    out.append(Span("comment", content, {"type": note_type} | bracketed))
                return
        if lower.startswith(t["remark"]):
            out.append(Span("comment", content, {"type": "editorial"} | bracketed))
            return
        if any(lower.startswith(label) for label in t["receipt"]):
            from .lines import mark_dates

            out.append(Span("receipt", mark_dates(content), dict(bracketed)))
            return
        italic_only = len(content) == 1 and isinstance(content[0], Span) and content[0].kind == "italic"
        foreign = foreign_language(text)
        if foreign or (italic_only and _LOWER_WORDS.match(text)):
            lang, cert = foreign or ("und", "low")
            out.append(Span("foreign", content, {"lang": lang} | bracketed, cert=cert))
            return
        before = out[-1] if out and isinstance(out[-1], str) else ""
        if before and self._name_reading(out, before[-_LOOK_BEHIND:], content, text):
            return
        cert = "low" if "?" in text or len(text.split()) > 6 else None
        if len(text.split()) > 8:
            out.append(Span("comment", content, {"type": "editorial"} | bracketed, cert="medium"))
            return
        out.append(Span("supplied", content, {"reason": "omitted-in-original"} | bracketed, cert=cert))

    def _name_reading(self, out: list[Inline], before: str, content: list[Inline], text: str) -> bool:
        """An identification, expansion or alternative name attached to the word(s) before the
        bracket. Takes those words out of ``out`` and appends the combined span. A bracket may
        give several names ("FENG XI [FYN SI; Stalin]": another transliteration and the
        person); the one the authority file knows decides, else the last."""
        names = [part.strip() for part in re.split(r"\s*[;,]\s*", text) if part.strip()]
        if len(names) > 1 and all(_NAME_WORDS.match(n) for n in names):
            text = next((n for n in reversed(names) if self.authority.lookup(n, "person")), names[-1])
        if not _NAME_WORDS.match(text):
            acronym = _ACRONYM_BEFORE.search(before)
            if acronym and len(text.split()) >= 1 and not text.isupper() and text[:1].isalpha():
                self._attach(out, before, acronym, Span("abbreviation"), "abbr", "expansion", content,
                             cert=None if _initials_match(acronym.group("name"), text) else "medium")
                return True
            return False
        # The bracket holds a name; after an acronym it is the acronym's expansion.
        acronym = _ACRONYM_BEFORE.search(before)
        if acronym and not text.isupper() and len(text.split()) >= 2 \
                and self.authority.lookup(acronym.group("name")) is None:
            self._attach(out, before, acronym, Span("abbreviation"), "abbr", "expansion", content,
                         cert=None if _initials_match(acronym.group("name"), text) else "medium")
            return True
        for pattern in (_CAPS_NAME_BEFORE, _NAME_BEFORE):
            m = pattern.search(before)
            if not m:
                continue
            name = m.group("name")
            if name.lower() in {"to", "the", "and", "of", "for", "from", "comrade", "cde."}:
                continue
            name = _strip_honorific(name)
            if not name:
                continue
            # the name as printed: its words may be parted by any white space (a no-break space)
            m = re.search("(?P<name>" + r"\s+".join(map(re.escape, name.split())) + r")(?P<space>\s?)$", before)
            if m is None:
                continue
            person = self.authority.person_for_pseudonym(name)
            if person is not None:
                self._attach(out, before, m, None, "pseudonym", "identification", content,
                             ref=person, target_ref=person)
                return True
            known = self.authority.lookup(name)
            if known is not None and self.authority.lookup(text) == known:
                self._attach(out, before, m, Span("alternative"), "orig", "alt", content, cert=None)
                return True
            if name.isupper() and len(name) > 2 and not _similar(name, text):
                target = self.authority.lookup(text)
                self._attach(out, before, m, None, "pseudonym", "identification", content,
                             ref=target, target_ref=target, cert="low")
                return True
            if pattern is _NAME_BEFORE and not name.isupper():
                self._attach(out, before, m, Span("alternative"), "orig", "alt", content,
                             cert=None if _similar(name, text) else "medium")
                return True
        return False

    @staticmethod
    def _attach(out, before, match, wrapper, first_kind, second_kind, content, cert=None, ref=None, target_ref=None):
        name = match.group("name")
        space = match.group("space")
        full = out.pop()
        head = full[: len(full) - len(before) + match.start("name")]
        if head:
            out.append(head)
        first = Span(first_kind, [name])
        second = Span(second_kind, content, {"bracketed": "true"}, cert=cert if wrapper is None else None)
        if first_kind == "pseudonym":
            if ref:
                first.attrs["ref"] = ref
            if target_ref:
                second.attrs["ref"] = target_ref
            out.append(first)
            if space:
                out.append(space)
            out.append(second)
            return
        wrapper.children = [first] + ([space] if space else []) + [second]
        wrapper.cert = cert
        out.append(wrapper)


def _strip_honorific(name: str) -> str:
    words = name.split()
    words_table = vocab.people_words()
    skip = {h.lower() for h in words_table["honorifics"]} | {w.lower() for w in words_table["lead_words"]}
    while words and words[0].lower().rstrip(":") in skip:
        words.pop(0)
    return " ".join(words)


def _initials_match(acronym: str, expansion: str) -> bool:
    letters = "".join(ch for ch in acronym if ch.isupper())
    initials = "".join(w[0].upper() for w in re.split(r"[\s-]+", expansion) if w and w[0].isalpha())
    return bool(letters) and (initials.startswith(letters) or letters in initials)


def _merge_strings(items: list[Inline]) -> list[Inline]:
    merged: list[Inline] = []
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += item
                continue
        merged.append(item)
    return merged


# --- unbracketed marks ---------------------------------------------------------------------------


def _editorial_dots(text: str, m: re.Match) -> bool:
    """Whether unbracketed dots are an editor's omission mark: an ellipsis character or spaced
    full stops (". . ."), standing apart from the words. Three dots run together ("disappear
    ..."), a leader of five or more dots, and dots wedged between letters by OCR are
    punctuation."""
    dots = m.group()
    if set(dots) == {"."}:
        return False
    if dots.count(".") >= 5:
        return False
    before = text[m.start() - 1:m.start()]
    after = text[m.end():m.end() + 1]
    return not (before.isalnum() and after.isalnum())


@cache
def _unbracketed_marks() -> re.Pattern:
    t = _tables()
    return re.compile(r"(?P<om>" + t["omission"].pattern + r")|(?P<ex>" + t["exemption_token"].pattern + r")")


def read_unbracketed(inlines: list[Inline]) -> list[Inline]:
    """Omission marks (``…``, ``. . . .``) and exemption codes (``25X1``) printed without
    brackets, in the strings of a run of inlines."""
    finder = _unbracketed_marks()
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span):
            if item.kind not in ("math", "escape", "redaction", "omission", "date", "release", "docid"):
                item.children = read_unbracketed(item.children)
            out.append(item)
            continue
        position = 0
        for m in finder.finditer(item):
            if m.group("om") and not _editorial_dots(item, m):
                continue  # punctuation: a voice trailing off, leader dots, OCR noise
            if m.start() > position:
                out.append(item[position:m.start()])
            if m.group("om"):
                out.append(Span("omission", [m.group()]))
            else:
                out.append(Span("redaction", [m.group()], {"exemption": m.group()}))
            position = m.end()
        if position < len(item):
            out.append(item[position:])
    return _merge_strings(out)
