"""Fuzzing the encoder: arbitrary text and mutated seeds never break it.

Every input ends in one of two outcomes (tests/fuzz/oracle.py): a clean refusal, a SourceError
whose one-line message names the file; or a TEI document that is well-formed, valid against
tei_all and keeps every word of the source in order. Each test runs 500 generated inputs
besides its explicit examples, which are inputs that once broke the encoder; the count of inputs
really run is recorded and printed in the "examples run" section of the report.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import SEEDS
from .fuzz.oracle import check_conversion

SEED_BYTES = tuple(path.read_bytes() for path in sorted(SEEDS.glob("*.txt")))

FUZZ_SETTINGS = settings(max_examples=500, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of the documents the encoder reads, and of the ways they break: markdown and OCR
# leftovers, brackets, dates, markings, names, numbers, quotation marks, XML's special
# characters, control characters and odd white space.
FRAGMENTS = (
    "**", "*", "~~", "$", "^", "^{th}", "<sup>", "</sup>", "<sub>", "\\_", "\\", "## ", "- ", "1. ", "a) ",
    "[", "]", "[...]", "[[", "]]", "[name deleted]", "[1 line not declassified]", "[illegible]", "[delo]",
    "FILIPPOV [STALIN]", "PVO [Anti-aircraft Defense]", "[Translator's comment: ", "[Received ",
    "July 13, 1951", "13.7.51", "1951-07-13", "21:00", "1:23 p. m.", "1753Z", "SECRET", "TOP SECRET",
    "~~SECRET~~", "S E C R E T", "(S) ", "PRIORITY", "CIPHERED TELEGRAM No. ", "Copy No 1 - to ",
    "To Comrade ", "Pass to ", "Signed: ", "Moscow, ", "I. Ivanov", "Mao Zedong", "25X1", "(b)(1)", "…",
    ". . . .", "APPROVED FOR RELEASE DATE: 16-Dec-2009", '"', "“", "”", "'", "<", ">", "&", "]]>", "&amp;",
    "<!--", "\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\ufeff", "\ufffe", "\u00a0", "\u2028",
    "\t", " ", "   ", "\n", "\n\n", "\r", "\r\n", "Совершенно секретно", "毛泽东", "é", "e\u0301",
)

family_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6), st.sampled_from(FRAGMENTS)),
    max_size=80).map("".join)

any_text = st.one_of(st.text(max_size=300), family_text)


@st.composite
def mutated_seed(draw) -> bytes:
    """A seed with a few bytes or pieces deleted, repeated, replaced or inserted."""
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 400)))
        operation = draw(st.sampled_from(["delete", "repeat", "byte", "fragment", "text"]))
        if operation == "delete":
            del data[start:end]
        elif operation == "repeat":
            data[end:end] = data[start:end] * draw(st.integers(1, 3))
        elif operation == "byte":
            data[start:start] = bytes([draw(st.integers(0, 255))])
        elif operation == "fragment":
            data[start:start] = draw(st.sampled_from(FRAGMENTS)).encode("utf-8")
        else:
            data[start:start] = draw(st.text(max_size=20)).encode("utf-8")
    return bytes(data)


def test_any_text_gives_valid_tei_or_a_named_error(tei_all, record_property):
    outcomes: list[str] = []

    @FUZZ_SETTINGS
    @given(text=any_text)
    @example(text="")
    @example(text="\x00")
    @example(text="a\x01<&]]>\x0bb")
    @example(text="[[...]\n\n[a [b] c\n\nstart [across\n\nparagraphs] end")
    @example(text="a**b**c ~~d~~ $8^{th}$ 38<sup>th</sup> \\_")
    @example(text="[Translator's comment:    **]]>")  # a column that starts inside a bracket
    @example(text="[" + "1" * 400 + " lines deleted]")  # an extent too large for a float
    @example(text="[" + "1" * 300 + " lines deleted]")
    @example(text="[[]] and []")  # empty brackets inside brackets
    @example(text=":\r0.\rAA")  # opening lines and a signature with no running text between
    @example(text="To Comrade FI\u00a0LIPPOV [Stalin]")  # a name parted by a no-break space, then its identification
    def run(text: str) -> None:
        outcomes.append(check_conversion(text.encode("utf-8"), grammar=tei_all))

    run()
    record_property("examples", len(outcomes))
    assert len(outcomes) >= 500
    assert "encoded" in outcomes and "refused" in outcomes


def test_mutated_seeds_give_valid_tei_or_a_named_error(tei_all, record_property):
    outcomes: list[str] = []

    @FUZZ_SETTINGS
    @given(data=mutated_seed())
    @example(data=b"north of the 38<sup>th<\x01/sup> parallel\n")  # a control character inside a tag
    def run(data: bytes) -> None:
        outcomes.append(check_conversion(data, name="mutated.txt", grammar=tei_all))

    run()
    record_property("examples", len(outcomes))
    assert len(outcomes) >= 500
    assert "encoded" in outcomes
