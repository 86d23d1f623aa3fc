"""Every recogniser runs in time linear in the length of its input: no pattern of the encoder
backtracks catastrophically, and no step goes back over the text once per line or paragraph.

Each case is a text made to provoke one recogniser (runs of markers it pairs, brackets it
matches, digits it reads as dates, words it reads as names, white space its patterns skip...).
The text is encoded end to end with ``convert_text`` at a size n and at 4n. Linear work takes
about four times as long on the larger text, quadratic work sixteen times: the test asserts that
the ratio stays under 6. It times nothing absolutely: n is first doubled until the smaller text
takes long enough to time, each time is the best of several runs with the garbage collector
off, and a ratio over the bound is measured a second time before it counts, so that another
process on the machine cannot fail the test. The ratios are printed with ``pytest -v``.

A line-sized case is placed at the top of a document, in its body and at its end (``everywhere``),
so that the recognisers of the opener, the body and the closer all read it.
"""

from __future__ import annotations

import gc
import time

import pytest

from pipeline.authority import Authority
from pipeline.convert import convert_text
from pipeline.encode import EncodingContext

GROWTH = 4
BOUND = 6.0
MIN_SECONDS = 0.02
RUNS = 3
CONTEXT = EncodingContext(source_href="linear.txt")

PROSE = "The delegation arrived in the city today and the talks began at once."


def everywhere(line: str) -> str:
    """``line`` as the first paragraph, a paragraph of the body and the last paragraph."""
    return f"{line}\n\n{PROSE}\n\n{line}\n\n{PROSE}\n\n{line}\n"


# (id, text of size n): the id names the recogniser and what provokes it.
CASES = {
    # markdown and OCR leftovers (recognise/markdown.py)
    "markdown/unpaired-bold": lambda n: everywhere("**a " * n),
    "markdown/unpaired-italic": lambda n: everywhere("x*" * n),
    "markdown/struck-runs": lambda n: everywhere("~~a " * n),
    "markdown/tex-dollars": lambda n: everywhere("$x^" * n),
    "markdown/html-superscripts": lambda n: everywhere("<sup>" * n + "x" + "</sup>a" * n),
    "markdown/escapes": lambda n: everywhere("x" + "\\_" * n),
    "markdown/nested-unclosed": lambda n: everywhere("**a *b ~~c " * n),
    "markdown/heading-markers": lambda n: "## a\n" * n,
    # brackets (recognise/brackets.py)
    "brackets/unclosed": lambda n: everywhere("x" + "[" * n),
    "brackets/unclosed-words": lambda n: everywhere("[a " * n),
    "brackets/unopened": lambda n: everywhere("a] " * n),
    "brackets/deeply-nested": lambda n: everywhere("[[" * n + "a" + "]" * n),
    "brackets/doubled": lambda n: everywhere("[[a] " * n),
    "brackets/names-before": lambda n: everywhere("Ivan Petrov [Ivan Petrovich] " * n),
    "brackets/pseudonyms": lambda n: everywhere("FILIPPOV [STALIN] " * n),
    "brackets/acronyms": lambda n: everywhere("PVO [Anti-aircraft Defense] " * n),
    "brackets/redactions": lambda n: everywhere("[1 line not declassified] " * n),
    "brackets/long-extent": lambda n: everywhere("[" + "1" * n + " lines deleted]"),
    "brackets/romanised-words": lambda n: everywhere("[xiaiaiaiaiaiaiaiaiaiaiab] " * n),
    "brackets/across-paragraphs": lambda n: "[a\n\nb] " * n,
    # dates and times (recognise/dates.py)
    "dates/digits": lambda n: everywhere("1 " * n),
    "dates/dotted-numbers": lambda n: everywhere("1." * n),
    "dates/slashed-numbers": lambda n: everywhere("1/" * n),
    "dates/months": lambda n: everywhere("July 13, " * n),
    "dates/times": lambda n: everywhere("1:1 " * n),
    "dates/datelines": lambda n: "Moscow, July 13, 1951\n\n" * n,
    # markings (recognise/lines.py)
    "markings/repeated": lambda n: everywhere("SECRET " * n),
    "markings/then-text": lambda n: everywhere("SECRET " * n + "x"),
    "markings/unfinished-phrase": lambda n: everywhere("TOP " * n + "SECRET"),
    "markings/struck": lambda n: everywhere("~~SECRET~~ " * n),
    "markings/letter-spaced": lambda n: everywhere("S E C R E T  " * n + "x"),
    "markings/paragraphs": lambda n: "SECRET\n\n" * n,
    # kind lines and numbers (recognise/lines.py)
    "kind-lines/spaces": lambda n: everywhere("CIPHERED TELEGRAM No" + " " * n + "x"),
    "kind-lines/tabs": lambda n: everywhere("Telegram No." + "\t" * n + "x"),
    "numbers/spaces": lambda n: everywhere("No." + " " * n + "x"),
    "numbers/long-digit-word": lambda n: everywhere("1" * n + "x"),
    # names, signatures and headings (recognise/lines.py, structure.py, facts.py)
    "names/initials": lambda n: everywhere("A." * n),
    "names/spaced-initials": lambda n: everywhere("A. " * n),
    "names/capitalised-words": lambda n: everywhere("Ivan " * n),
    "names/signature-paragraphs": lambda n: "Text.\n\n" + "I. Ivanov\n\n" * n,
    "signatures/label-and-spaces": lambda n: everywhere("Signed" + " " * n + "x\ny"),
    "signatures/number-and-name": lambda n: everywhere("1" * n + " I. Ivanov"),
    "headings/sender-initials": lambda n: everywhere("Memorandum from " + "A." * n + " to B"),
    "headings/sender-after-role": lambda n: everywhere("Telegram from The Ambassador " + "A." * n + "Smith"),
    # addressees and copy lists (recognise/structure.py)
    "addressees/spaces": lambda n: everywhere("To a" + " " * n + "b"),
    "addressees/pass-verbs": lambda n: everywhere("To x. " + "pass," * n),
    "copies/spaces": lambda n: everywhere("Copy" + " " * n + "x"),
    "copies/entries": lambda n: everywhere("Copy No 1 - to a; " * n),
    # omission marks (recognise/brackets.py)
    "omissions/dots": lambda n: everywhere("x" + "." * n),
    "omissions/spaced-dots": lambda n: everywhere("x" + ". " * n),
    "omissions/ellipses": lambda n: everywhere("x" + "…" * n),
    "omissions/bracketed": lambda n: everywhere("x" + "[...] " * n),
    # lines printed in columns (recognise/lines.py, structure.py)
    "columns/wide-gaps": lambda n: everywhere("a   " * n),
    "columns/narrow-gaps": lambda n: everywhere("a  " * n),
    "columns/markings": lambda n: everywhere("SECRET   " * n),
    "columns/mixed-gaps": lambda n: everywhere("a b  c   " * n),
    # quotations (recognise/structure.py)
    "quotations/marks": lambda n: everywhere("x" + '"' * n),
    "quotations/pairs": lambda n: everywhere('"a" ' * n),
    "quotations/unclosed-paragraphs": lambda n: '"a\n\n' * n,
    "quotations/unclosed-curly-paragraphs": lambda n: "“a\n\n" * n,
    # very long words
    "words/letters": lambda n: everywhere("a" * n),
    "words/capitals": lambda n: everywhere("A" * n),
    "words/mixed": lambda n: everywhere("aA1." * n),
    "words/hyphenated": lambda n: everywhere("a-" * n),
    "words/long-space-run": lambda n: everywhere("a" + " " * n + "b"),
    # paragraphs and lines (source.py, recognise/structure.py, encode/)
    "paragraphs/many-short": lambda n: "a\n\n" * n,
    "paragraphs/one-of-many-lines": lambda n: "a\n" * n,
    "paragraphs/carriage-returns": lambda n: "a\r" * n,
    "paragraphs/numbered": lambda n: "1. a\n\n" * n,
    "paragraphs/lettered": lambda n: "a) b\n\n" * n,
    "paragraphs/page-numbers": lambda n: "Text text text.\n\n- 1 -\n\n" * n,
    "paragraphs/closing-formulas": lambda n: "Text.\n\n" + "I am,\n\n" * n,
    "paragraphs/blank-lines": lambda n: "a" + "\n" * n + "b",
    # exemption codes and release stamps (recognise/brackets.py, lines.py)
    "exemptions/codes": lambda n: everywhere("25X1 " * n),
    "exemptions/foia": lambda n: everywhere("(b)(1)" * n),
    "release/repeated-words": lambda n: everywhere("approved for release " * n),
    "release/stamps": lambda n: "Approved For Release 2009/12/16 : CIA-RDP79T00975A000500010001-0\n\n" * n,
    # characters XML cannot hold or must escape (source.py, encode/)
    "source/control-and-xml-characters": lambda n: everywhere("a\x01<&]]>" * n),
}


def encoding_time(text: str, runs: int = RUNS) -> float:
    """The best of ``runs`` times to encode ``text`` (a fresh authority each time, the garbage
    collector off)."""
    data = text.encode("utf-8")
    best = float("inf")
    for _ in range(runs):
        authority = Authority.load(None)
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            convert_text(data, "linear.txt", authority, CONTEXT)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def growth(make, n: int) -> float:
    return encoding_time(make(GROWTH * n)) / encoding_time(make(n))


@pytest.mark.slow
@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_encoding_time_grows_linearly(make, record_property):
    n = 16
    while encoding_time(make(n), runs=1) < MIN_SECONDS:
        n *= 2
    ratio = growth(make, n)
    if ratio >= BOUND:  # a second look, in case another process took the machine
        ratio = min(ratio, growth(make, n))
    record_property("growth", f"time({GROWTH}n)/time(n) = {ratio:.2f} at n = {n}")
    assert ratio < BOUND, (f"encoding {GROWTH} times the text took {ratio:.1f} times as long (n = {n}): "
                           "the work grows faster than the text")
