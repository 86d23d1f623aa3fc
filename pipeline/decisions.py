"""The decisions of a recognised document, each anchored in its source text.

A decision is something the encoder decided and an editor may accept or correct: a
classification marking, a redaction, the reading of a bracket, a name and its authority entry,
a header fact. Each is anchored to the source, not to the TEI: the source line it is on (1-based)
and the text it quotes from that line (for a bracket, the bracket as printed: ``[STALIN]``),
with ``occurrence`` telling apart two decisions that quote the same text on the same line.
A header fact quotes the words it was read from and the first line that prints them (line 0
and no quote when no line does).

:func:`decisions` lists them in source order, the header facts first; the review application
shows them and :mod:`pipeline.corrections` finds the one an editor's entry names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field

from .model import Document, Facts, Inline, Span, bracketed_text, division_blocks

#: What a decision can be, in the order the review lists them.
WHATS = ("fact", "marking", "redaction", "bracket", "name")

#: Bracket readings an editor may choose, with the words the review shows for each.
READINGS = {
    "supplied": "supplied word",
    "identification": "identification",
    "expansion": "expansion",
    "alternative": "alternative name",
    "comment": "editorial comment",
    "foreign": "original-language term",
    "omission": "omission",
    "unreadable": "unreadable",
    "redaction": "redaction",
}

#: Span kinds that stand for a bracket of their own (its children are the words inside).
BRACKET_SPANS = ("omission", "unreadable", "supplied", "identification", "foreign", "comment", "receipt")

#: Span kinds that are names, each with an authority entry or none.
NAME_SPANS = ("person", "place", "org", "pseudonym")

#: The header facts an editor may correct, with their labels.
FACTS = {"date": "date", "sender": "sender", "recipient": "recipient", "classification": "classification",
         "kind": "kind of document"}


@dataclass
class Decision:
    what: str  # one of WHATS
    reading: str  # what the encoder read: a span kind, a bracket reading, a fact's name
    line: int  # 1-based source line; 0 for a fact printed on no line
    quote: str  # the text it quotes from that line
    occurrence: int = 1  # among the decisions quoting the same text on the same line
    cert: str | None = None  # low, medium; None when the encoder was sure
    value: str = ""  # a name's authority id, a fact's value, a marking's level
    words: str = ""  # what a reader reads
    field: str = ""  # a fact's name
    resp: str | None = None  # the editor's id, once reviewed
    span: Span | None = _field(default=None, repr=False)  # the node in the model
    container: list | None = _field(default=None, repr=False)  # the list that holds it

    @property
    def key(self) -> tuple:
        """What tells it apart from the others: a fact by its name, the others by their anchor."""
        if self.what == "fact":
            return ("fact", self.field)
        return (self.what, self.line, self.quote, self.occurrence)

    @property
    def label(self) -> str:
        if self.what == "bracket":
            return f"bracket: {READINGS.get(self.reading, self.reading)}"
        if self.what == "name":
            return {"person": "person", "place": "place", "org": "organisation", "pseudonym": "pseudonym"}[self.reading]
        if self.what == "fact":
            return f"header: {FACTS.get(self.field, self.field)}"
        return self.what

    @property
    def uncertain(self) -> bool:
        return self.cert in ("low", "medium")


def decisions(document: Document, lines: list[str]) -> list[Decision]:
    """Every decision of ``document``, whose source text is ``lines`` (without line ends)."""
    found = _fact_decisions(document.facts, lines)
    for block in division_blocks(document.text):
        _walk(block.inlines, [block.first_line], found)
    seen: dict[tuple, int] = {}
    for decision in found:
        if decision.what == "fact":
            continue
        if 1 <= decision.line <= len(lines) and decision.quote not in lines[decision.line - 1]:
            decision.quote = _as_in_source(decision.quote, lines[decision.line - 1])
        where = (decision.line, decision.quote)
        seen[where] = decision.occurrence = seen.get(where, 0) + 1
    return found


_MARKUP = re.compile(r"[*_~\\`]")
_BRACKETS = re.compile(r"\[[^\[\]\n]{0,500}\]")


def _as_in_source(quote: str, line: str) -> str:
    """The text of ``line`` that a quote stands for when the line prints it with markdown
    markers (``[*delo*]`` for ``[delo]``); the quote itself when none does."""
    wanted = _MARKUP.sub("", quote)
    for match in _BRACKETS.finditer(line):
        if _MARKUP.sub("", match.group()) == wanted:
            return match.group()
    return quote


def _quote(inlines: list[Inline]) -> str:
    """The printed text of a run of inlines, up to its first line break."""
    return bracketed_text(inlines).split("\n", 1)[0].strip()


def _walk(inlines: list[Inline], line: list[int], found: list[Decision]) -> None:
    for item in inlines:
        if not isinstance(item, Span):
            continue
        kind = item.kind
        here = line[0]
        resp = item.attrs.get("resp")
        if kind == "linebreak":
            line[0] = int(item.attrs.get("line") or line[0] + 1)
            continue
        if kind == "marking":
            found.append(Decision("marking", kind, here, _quote([item]), cert=item.cert,
                                  value=item.attrs.get("level", ""), words=bracketed_text([item]), resp=resp,
                                  span=item, container=inlines))
        elif kind == "redaction":
            found.append(Decision("redaction", kind, here, _quote([item]), cert=item.cert,
                                  words=bracketed_text([item]), resp=resp, span=item, container=inlines))
        elif kind in ("abbreviation", "alternative"):
            bracket = next((c for c in item.children if isinstance(c, Span) and c.attrs.get("bracketed")), None)
            if bracket is not None:
                found.append(Decision("bracket", "expansion" if kind == "abbreviation" else "alternative", here,
                                      _quote([bracket]), cert=item.cert, words=bracketed_text([item]), resp=resp,
                                      span=item, container=inlines))
        elif kind in BRACKET_SPANS and item.attrs.get("bracketed"):
            found.append(Decision("bracket", kind, here, _quote([item]), cert=item.cert,
                                  value=item.attrs.get("ref", ""), words=bracketed_text([item]), resp=resp,
                                  span=item, container=inlines))
        elif kind in NAME_SPANS:
            found.append(Decision("name", kind, here, _quote([item]), cert=item.cert, value=item.attrs.get("ref", ""),
                                  words=bracketed_text([item]), resp=resp, span=item, container=inlines))
        _walk(item.children, line, found)


def _fact_decisions(facts: Facts, lines: list[str]) -> list[Decision]:
    """The header facts, each with the first source line that prints the words it was read from."""
    found = []

    def add(name: str, value: str, printed: str, cert: str | None, line: int | None = None) -> None:
        line, quote = _printed_on(printed, lines, line)
        found.append(Decision("fact", name, line, quote, cert=cert, value=value, words=printed or value,
                              field=name, resp=facts.resp.get(name)))

    if facts.date:
        add("date", facts.date.when, facts.date.printed, facts.date.cert, facts.date.line)
    else:
        add("date", "", "", "low")
    for name, parties in (("sender", facts.senders), ("recipient", facts.recipients)):
        if parties:
            printed = [bracketed_text(p.name) or p.role for p in parties]
            add(name, "; ".join(printed), printed[0],
                next((p.cert for p in parties if p.cert), None), parties[0].line)
        else:
            add(name, "", "", "low")  # not found: the editor should look
    add("classification", facts.classification or "unmarked", facts.classification_printed or "",
        facts.classification_cert if facts.classification else None)
    add("kind", facts.kind, "", facts.kind_cert)
    return found


def _printed_on(printed: str, lines: list[str], line: int | None = None) -> tuple[int, str]:
    """The line that prints a fact (the one the recogniser names, when it prints the words) and
    the words as that line prints them; (0, "") when no line does."""
    first = (printed or "").split("\n")[0].strip()
    if not first:
        return 0, ""
    candidates = [line] if line and 1 <= line <= len(lines) else []
    for number in [*candidates, *range(1, len(lines) + 1)]:
        text = lines[number - 1]
        if first in text:
            return number, first
        spaced = " ".join(first.split())
        if spaced in " ".join(text.split()) and spaced in text:
            return number, spaced
    return 0, ""
