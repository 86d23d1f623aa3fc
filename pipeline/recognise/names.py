"""The names in the running text: people, places and organisations, linked to the authority file.

One pass over each string of a block finds, with one compiled pattern:

* a **title or form of address** and the capitalised name after it ("Comrade KIM IL SUNG",
  "General Smith", "Mr. Barrett"): a person even when the authority file does not know the
  name; an unknown one is added to the authority file as an entry not yet reviewed and tagged
  with ``cert="low"``. A title of rank or office (``rank`` in vocab/titles.toml) belongs with the
  name and becomes its role (roleName); a form of address (``address``) stays outside it;
* a **known name** in any of its forms: every name, variant and pseudonym of the reviewed
  entries of the authority file (vocab/persons.toml, places.toml, organisations.toml and the
  entries an editor reviewed in tei/authority.xml), in capitals or not, with or without hyphens
  and full stops, before a possessive "'s";
* in a heading, a **name in parentheses after an office** ("The Consul General at Madras
  (Hollis) to the Secretary of State"), the way editions name the holder of an office;
* a **name already met in the document**: the surname of a person its header names, or a name
  met after a title earlier in the text ("Mr. Ordway ... Ordway").

The known names are compiled into a trie of characters written as one regular expression, so
that at each position of the text at most the length of the longest name is read: the pass is
linear in the text. A place is never made a person, a title or office alone never a name.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from ..authority import Authority, name_key
from ..model import Division, Facts, Inline, Span, division_blocks
from .. import vocab
from . import lines as L

#: Block roles whose names are marked by the recognisers of their own line (addresses,
#: signatures, datelines) or that hold no running text.
SKIPPED_ROLES = frozenset({"addressee", "signature", "from", "dateline", "date", "received", "markings",
                           "precedence", "furniture", "page-number", "release", "page-break", "kind-line",
                           "number"})

# A name's words: letters and digits, with apostrophes inside ("Vasil'yev").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Between the words of a name: spaces, hyphens, full stops (or nothing: "Tse-tung", "Tsetung").
_SEPARATOR = r"[\s.\-‐]{0,3}"
# A capitalised word of a name after a title; initials ("A. Ya.") and short first names ("Jos.").
_NAME_WORD = r"(?:[A-Z][a-z]{0,3}\.|[A-Z][^\W\d_'’]*(?:['’-][^\W\d_]+)*['’]?)"
# Between the words of a name after a title: a space, or nothing after a full stop ("I.V.").
_NAME_JOIN = r"(?:\s|(?<=\.))"
_POSSESSIVE = re.compile(r"['’][sS]?$")  # "Ordway's", "Hollis'": the possessive is no part of the name
_PARTICLES = frozenset({"de", "van", "von", "der", "da", "la", "le", "al", "bin", "ibn", "of", "the"})


def _variants(name: str, kind: str) -> list[str]:
    """A name and the spellings derived from it: Russian surnames in -sky also in -skii, -skiy,
    -ski (and the reverse)."""
    out = [name]
    if kind == "person":
        for ending, others in (("sky", ("skii", "skiy", "ski")), ("skii", ("sky", "skiy")),
                               ("skiy", ("sky", "skii"))):
            if name.lower().endswith(ending):
                out.extend(name[: -len(ending)] + other for other in others)
    return out


def _key(text: str) -> str:
    """A form reduced to its letters: case, spaces, hyphens, full stops and apostrophes ignored."""
    return "".join(_TOKEN.findall(text.lower().replace("’", "'"))).replace("'", "")


def _trie_pattern(forms: list[str]) -> str:
    """One regular expression for many forms, as a trie: the forms' letters with flexible
    separators between words, longest continuation first."""
    trie: dict = {}
    for form in forms:
        node = trie
        tokens = _TOKEN.findall(form.lower().replace("’", "'"))
        for index, token in enumerate(tokens):
            if index:
                node = node.setdefault(" ", {})
            for ch in token:
                node = node.setdefault("'" if ch == "'" else ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = []
        for key in sorted(k for k in node if k):
            if key == " ":
                head = _SEPARATOR
            elif key == "'":
                head = "['’]"
            else:
                head = re.escape(key)
            branches.append(head + emit(node[key]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@dataclass(frozen=True)
class Known:
    id: str
    kind: str  # person, place, org
    pseudonym: bool = False


@dataclass
class NameMatcher:
    """The one pattern of the name pass and the table from each form's key to its entry."""

    pattern: re.Pattern
    known_only: re.Pattern  # the known names alone, for what follows a title that names none
    known: dict[str, Known | None]  # None: a form two entries share, never tagged
    rank: frozenset[str]  # title keys that are a role
    not_names: frozenset[str]
    prefixes: frozenset[str]  # keys of the first words of known names of several words ("Kim Il")
    address_prefix: re.Pattern  # the forms of address at the start of a run of titles

    @classmethod
    def build(cls, authority: Authority) -> "NameMatcher":
        seed = vocab.authority_seed()
        identified_only = {_key(n) for n in seed.get("identified_only", [])}
        known: dict[str, Known | None] = {}
        forms: list[str] = []

        def add(form: str, found: Known) -> None:
            key = _key(form)
            if len(key) < 2:
                return
            if key in known and known[key] != found:
                known[key] = None
            else:
                known[key] = found
            forms.append(form)

        for entry in authority.entries.values():
            if not entry.reviewed:
                continue
            for name in entry.names:
                for form in _variants(name, entry.kind):
                    add(form, Known(entry.id, entry.kind))
            for name in entry.pseudonyms:
                if _key(name) not in identified_only:
                    add(name, Known(entry.id, "person", pseudonym=True))
        titles = vocab.titles()
        address = [t for t in titles["address"]]
        rank = [t for t in titles["rank"]]
        title_alternation = vocab.phrase_pattern(address + rank)
        words = vocab.people_words()
        not_names = {w.lower() for w in titles["not_names"]} | {w.lower() for w in words["office_words"]} \
            | {w.lower() for w in words["function_words"]} | {_key(t) for t in address + rank}
        trie = _trie_pattern(forms) or "(?!)"
        # every branch starts with a capital (or the parenthesis of a name): the other word
        # starts are passed over at once
        pattern = re.compile(
            r"(?<![^\W_])(?=[A-Z\u00C0-\u00DE(])(?:"
            r"(?P<title>(?i:" + title_alternation + r")(?:\s{1,3}(?i:" + title_alternation + r")){0,2})\s{1,3}"
            r"(?P<titled>" + _NAME_WORD + r"(?:" + _NAME_JOIN + _NAME_WORD + r"){0,2})(?![^\W_])"
            r"|(?P<known>(?i:" + trie + r"))(?![^\W_])"
            r"|\((?P<paren>[A-Z][\w'’-]+(?:\s[A-Z][\w'’.-]+){0,2})\)"
            r"|(?:(?<=From )|(?<=to ))(?P<holder>" + _NAME_WORD + r"(?:" + _NAME_JOIN + _NAME_WORD + r"){1,3})(?=\s(?:of|at)\s)"
            r"|(?P<word>[A-Z][\w'’-]{2,30})(?![^\W_])"
            r")")
        known_only = re.compile(r"(?<![^\W_])(?P<known>(?i:" + trie + r"))(?![^\W_])")
        prefixes = {_key(" ".join(words[:n])) for form in forms
                    for words in [_TOKEN.findall(form)] for n in range(1, len(words))}
        address_prefix = re.compile(r"^(?:(?i:" + vocab.phrase_pattern(address) + r")\s{1,3})*")
        return cls(pattern, known_only, known, frozenset(_key(t) for t in rank), frozenset(not_names),
                   frozenset(prefixes), address_prefix)


_MATCHERS: "weakref.WeakKeyDictionary[Authority, NameMatcher]" = weakref.WeakKeyDictionary()


def matcher_for(authority: Authority) -> NameMatcher:
    """The matcher of an authority's reviewed entries, built once per authority (once per
    authority behind a build's log of lookups, pipeline/executor.py NameLog)."""
    base = getattr(authority, "authority", authority)
    found = _MATCHERS.get(base)
    if found is None:
        found = _MATCHERS[base] = NameMatcher.build(base)
    return found


@dataclass
class _Pass:
    """The name pass over one document."""

    matcher: NameMatcher
    authority: Authority
    local: dict[str, str] = field(default_factory=dict)  # key of a surname met -> person id
    role: str = ""

    def reviewed(self, entry_id: str) -> bool:
        entry = self.authority.entries.get(entry_id)
        return entry is not None and entry.reviewed

    def person_span(self, children: list[Inline], entry_id: str | None) -> Span:
        span = Span("person", children, {"ref": entry_id} if entry_id else {})
        if entry_id is None or not self.reviewed(entry_id):
            span.cert = "low"
        return span

    def remember(self, name: str, entry_id: str) -> None:
        words = _TOKEN.findall(name)
        if words and len(words[-1]) >= 3 and words[-1][:1].isupper():
            self.local.setdefault(_key(words[-1]), entry_id)

    def not_a_name(self, name: str, words_too: bool = True) -> bool:
        """A place, an office, or (with ``words_too``) words that follow a title but name no one."""
        words = name.split()
        return (words_too and any(w.strip(".,'’").lower() in self.matcher.not_names for w in words[:1] + words[-1:])) \
            or self.authority.lookup(name, "place") is not None or L.office_pattern().search(name) is not None

    def make(self, m: re.Match) -> Span | list[Inline] | None:
        if m.group("title") is not None:
            return self.titled(m)
        if m.group("known") is not None:
            return self.known(m)
        if m.group("paren") is not None:
            return self.parenthesised(m)
        if m.group("holder") is not None:
            return self.holder(m)
        return self.word(m)

    def titled(self, m: re.Match) -> Span | list[Inline] | None:
        title, printed = m.group("title"), m.group("titled")
        if re.search(r"\b(?:of|of the)\s+$", m.string[max(0, m.start() - 8):m.start()]):
            return self.known_text(m.group())  # "Ministry of General Machine Building": no title
        words = _POSSESSIVE.sub("", printed).split(" ")
        for index, word in enumerate(words[1:], start=1):
            if word.strip(".,'’").lower() in self.matcher.not_names:
                words = words[:index]  # "Hollis General Brandt": a name ends at the next title
                break
        while words and (words[-1].strip(".,'’").lower() in self.matcher.not_names or words[-1].endswith(".")):
            words.pop()  # "President Truman Said": the name ends before the word that is none
        name = " ".join(words).rstrip()
        rest = printed[len(name):]
        found = self.matcher.known.get(_key(name)) if name else None
        # "Comrade Lieutenant General": the forms of address, then the titles of rank
        address = self.matcher.address_prefix.match(title + " ").group()[:len(title)]
        rank = title[len(address):].strip()
        unknown_in_capitals = m.group().isupper() and bool(rank)
        if not name or (found is not None and found.kind != "person") or (found is None and (
                self.not_a_name(name) or unknown_in_capitals or _key(name) in self.matcher.prefixes)):
            # a place, an office or no name after the title ("General Assembly", "Ambassador
            # to"); in capitals, a rank before an unknown word is as often a sentence as a name
            # ("GENERAL WILL SEE"), while forms of address ("MR.", "COMRADE") still name a person
            return self.known_text(m.group())
        if found is not None:
            ref = found.id
        else:
            # a surname alone is the known person's after a rank ("General Marshall"), not
            # after a form of address, which anyone is given ("Mr. Smith")
            ref = self.authority.ref_for(name, "person", surname=bool(rank) or len(name.split()) > 1)
        if ref is None:
            return None
        self.remember(name, ref)
        gap = m.group()[len(title):m.start("titled") - m.start()]
        tail = _annotate([rest], self) if rest else []
        if found is not None and found.pseudonym:
            return [title + gap, Span("pseudonym", [name], {"ref": ref})] + tail
        if rank:
            before = title[: len(title) - len(title[len(address):].lstrip())]
            person = self.person_span([Span("role", [title[len(before):]]), gap, name], ref)
            return [piece for piece in (before, person) if piece] + tail
        return [title + gap, self.person_span([name], ref)] + tail

    def known_text(self, text: str) -> list[Inline] | None:
        """A title and what follows it that together are a known name ("General Staff",
        "General Assembly"), or that hold one after the title ("Ambassador Moscow"): the known
        name found in the text."""
        out: list[Inline] = []
        position = 0
        for k in self.matcher.known_only.finditer(text):
            span = self.known(k)
            if span is None:
                continue
            out.extend([text[position:k.start()], span])
            position = k.end()
        if not out:
            return None
        out.append(text[position:])
        return [piece for piece in out if piece != ""]

    def known(self, m: re.Match) -> Span | None:
        text = m.group("known")
        found = self.matcher.known.get(_key(text))
        if found is None or not _capitalised(text):
            return None
        if found.pseudonym:
            return Span("pseudonym", [text], {"ref": found.id})
        if found.kind == "person":
            self.remember(text, found.id)
            return self.person_span([text], found.id)
        return Span(found.kind, [text], {"ref": found.id})

    def parenthesised(self, m: re.Match) -> list[Inline] | None:
        """"(Hollis)" after an office in a heading: the holder of the office."""
        name = m.group("paren")
        if self.role != "heading":
            return None
        before = m.string[max(0, m.start() - 80):m.start()]
        if not (L._patterns()["roles"].search(before) or L.office_pattern().search(before)):
            return None
        span = self.holder_span(name, after_word=False)
        return ["(", span, ")"] if span is not None else None

    def holder(self, m: re.Match) -> Span | None:
        """"Memorandum From J. Hollis of the Office ...": in a heading, a name between
        "From" or "to" and the office it holds."""
        if self.role != "heading":
            return None
        return self.holder_span(m.group("holder"))

    def holder_span(self, name: str, after_word: bool = True) -> Span | None:
        """The holder of an office named in a heading; ``after_word`` when the name follows a
        word ("to") rather than standing in parentheses, where words that name no one are
        refused too ("to the Chief")."""
        found = self.matcher.known.get(_key(name))
        if found is not None and found.kind != "person":
            return None
        if found is None and (self.not_a_name(name, words_too=False)
                              or (after_word and name.split()[0].lower() in self.matcher.not_names)):
            return None
        ref = found.id if found is not None else self.authority.ref_for(name, "person")
        if ref is None:
            return None
        self.remember(name, ref)
        return self.person_span([name], ref)

    def word(self, m: re.Match) -> Span | None:
        """A surname met earlier in the document (in its header or after a title)."""
        text = m.group("word")
        name = _POSSESSIVE.sub("", text)
        ref = self.local.get(_key(name))
        if ref is None or not _capitalised(name):
            return None
        return [self.person_span([name], ref)] + ([text[len(name):]] if len(text) > len(name) else [])


def _capitalised(text: str) -> bool:
    """A name as names are printed: in capitals, or each word capitalised (particles aside)."""
    if text.isupper():
        return True
    words = text.split()
    return bool(words) and all(w[:1].isupper() or w.lower() in _PARTICLES for w in words) and text[:1].isupper()


def _annotate(inlines: list[Inline], run: _Pass) -> list[Inline]:
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span):
            if item.kind in L.FORMATTING or item.kind == "comment":
                item.children = _annotate(item.children, run)
            out.append(item)
            continue
        position = 0
        for m in run.matcher.pattern.finditer(item):
            made = run.make(m)
            if made is None:
                continue
            if m.start() > position:
                out.append(item[position:m.start()])
            out.extend(made if isinstance(made, list) else [made])
            position = m.end()
        if position < len(item):
            out.append(item[position:])
    return [piece for piece in out if piece != ""]


def mark_names(division: Division, facts: Facts, authority: Authority) -> None:
    """Tag the names in the running text of a document (its blocks other than addresses,
    signatures, datelines and page furniture), after its header facts are read."""
    run = _Pass(matcher_for(authority), authority)
    for party in facts.senders + facts.recipients + facts.intermediaries:
        if party.kind == "person" and party.ref:
            run.remember(name_key("".join(p for p in party.name if isinstance(p, str))).title(), party.ref)
    for block in _blocks(division):
        if block.role in SKIPPED_ROLES:
            continue
        run.role = block.role
        block.inlines = _annotate(block.inlines, run)


def _blocks(division: Division):
    yield from division.heading
    yield from division_blocks(division)
    for enclosure in division.enclosures:
        yield from _blocks(enclosure)
