"""The guarded patterns (pipeline/vocab/guard.py) answer as the patterns themselves.

A guarded pattern says "no match" without running the regular expression when the text holds
none of the words every match contains. These tests check the words found for patterns of
every shape, the table of letters case-insensitive matching takes for ASCII ones against every
character, and the answers of each guarded pattern of the vocabularies against the plain
pattern on the lines and paragraphs of the seeds, of generated documents and of the
development corpora beside the project.
"""

from __future__ import annotations

import re
import sys

import pytest

from pipeline import vocab
from pipeline.recognise import cover, lines
from pipeline.vocab.guard import LOOKALIKES, Alternatives, Guarded, lowered

from .conftest import ROOT, SEEDS, SHARED

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import vary  # noqa: E402


NEEDED = [
    # (pattern, flags, the words of which every match holds one)
    (r"declassified", 0, ("declassified",)),
    (r"(?i:APPROVED\s+for)\s+release", 0, ("approved",)),
    (r"\bnext\s+review\s+date\b", re.I, ("review",)),
    (r"x?abc", 0, ("abc",)),
    (r"(?:abcd)?efg", 0, ("efg",)),
    (r"(?:abcd)?ef", 0, ()),  # too short a word: always tried
    (r"(?:abcd)+", 0, ("abcd",)),
    (r"(?:abcd){0,2}", 0, ()),
    # (re's parser takes the letters all branches begin with out of them)
    (r"(?:stamp|seal|signature)", 0, ("eal", "ignature", "tamp")),
    (r"(?:stamp|copy|signature)", 0, ("copy", "signature", "stamp")),
    (r"(?:stamp|seal|x)", 0, ()),  # one branch needs no word
    (r"(?:stamp|[0-9]+)", 0, ()),
    (r"pre(?:stamp|seal)", 0, ("pres",)),
    (r"(?:stamp|copy)(?:\s+date)?", 0, ("copy", "stamp")),
    (r"(?<![\w])secret(?![\w])", re.I, ("secret",)),
    (r"sov[eé]rshenno", 0, ("rshenno",)),
    (r"\u0441\u0435\u043a\u0440\u0435\u0442", 0, ()),  # no ASCII word
    (r"e\.o\.\s12958", 0, ("12958",)),
]


@pytest.mark.parametrize(("pattern", "flags", "words"), NEEDED)
def test_the_words_every_match_holds(pattern, flags, words):
    assert Guarded(pattern, flags).words == words


def test_the_lookalikes_are_every_letter_matched_as_ascii():
    """Every character other than ASCII that a case-insensitive pattern of an ASCII character
    matches is in the table, read as that character."""
    others = "".join(chr(code) for code in range(128, 0x110000) if not 0xD800 <= code < 0xE000)
    found: dict[str, set[str]] = {}
    for code in range(128):
        for m in re.compile(re.escape(chr(code)), re.I).finditer(others):
            found.setdefault(m.group(), set()).add(chr(code).lower())
    assert {char: "".join(sorted(ascii_)) for char, ascii_ in found.items()} == LOOKALIKES


@pytest.mark.parametrize("text", ["ſanitized copy", "DECLASSİFİED", "Kİlometre", "plain text"])
def test_lookalikes_are_read_as_ascii(text):
    assert lowered(text) == text.translate(str.maketrans(LOOKALIKES)).lower()
    pattern = Guarded(r"\b(?:sanitized|declassified|kilometre)\b", re.I)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in pattern.compiled.finditer(text)]


def _guarded() -> list[tuple[str, Guarded | Alternatives]]:
    found: list[tuple[str, Guarded | Alternatives]] = [(f"release {f.name}", f.pattern) for f in vocab.release_forms()]
    rules = cover._rules()
    found += [("cover stamp", rules["stamp"]), ("cover undated stamp", rules["undated"])]
    found += [(f"cover issuer {name}", pattern) for name, pattern in rules["issuers"]]
    found += [(f"cover addressee {number}", pattern) for number, pattern in enumerate(rules["addressees"])]
    found += [(f"cover signer {number}", pattern) for number, pattern in enumerate(rules["signers"])]
    found += [(f"lines {name}", pattern) for name, pattern in lines._patterns().items() if isinstance(pattern, Guarded)]
    return found


def _texts() -> list[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    sources += [vary(text, number) for number, text in enumerate(sources * 4)]
    for folder in (SHARED / "corpus" / "archive-dev", SHARED / "corpus" / "frus-dev"):
        sources += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.glob("*.txt"))]
    texts = set()
    for source in sources:
        texts.update(source.split("\n"))
        texts.update(" ".join(paragraph.split()) for paragraph in source.split("\n\n"))
        texts.add(source[:5000])
    # the stamps with lookalike letters in them, and a few made up
    texts.update({"Approved For Releaſe 2003/01/29 : CIA-RDP79T00975A000500010001-0",
                  "DECLASSİFİED Authority NND 12345", "SANİTİZED COPY approved for release 2001/02/03",
                  "TOP SECRET", "~~SECRET~~ NOFORN", "review completed", "25X1 [Redacted]",
                  "DECLASSIFIED E.O. 12958, Sec. 3.6", "Approved for Release Date: 12-Jan-2009",
                  "Declassified/Released US Department of State EO Systematic Review 30 JUN 2005",
                  "APPROVED FOR RELEASE: 2008/05/12 C01234567", "DECLASSIFIED Authority NND 959 By NARA Date 5/5/05",
                  "Sanitized Copy Approved for Release 2010/06/09 : CIA-RDP80-00809A000600010001-1",
                  "DATE DOCUMENT RECEIVED", "NEXT REVIEW DATE: 2010", "no change in class.", "class. changed to: TS"})
    return sorted(texts)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


@pytest.mark.parametrize(("name", "pattern"), _guarded(), ids=[name for name, _ in _guarded()])
def test_guarded_patterns_answer_as_the_patterns(name, pattern, texts):
    plain = re.compile(pattern.pattern, pattern.flags)
    assert any(plain.search(text) for text in texts) or name.startswith(("lines", "cover")), f"{name} met no text"
    for text in texts:
        if isinstance(pattern, Alternatives):  # a match is the same text, whichever alternatives are left
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)], (name, text)
            continue
        expected = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in pattern.finditer(text)] == expected, (name, text)
        assert bool(pattern.search(text)) == bool(expected), (name, text)
        matched, plainly = pattern.match(text), plain.match(text)
        assert (matched and matched.span()) == (plainly and plainly.span()), (name, text)


@pytest.mark.parametrize(("patterns", "text"), [
    ([r"(stamp)x", r"(seal) \1"], "seal seal"),  # \1 is the seal of the second alternative
    ([r"(?P<w>stamp) (?P=w)", r"seal"], "stamp stamp seal"),
    ([r"review\s+completed", r"no\s+change"], "Review completed. No change."),
])
def test_alternatives_answer_as_the_whole_alternation(patterns, text):
    alternation = Alternatives(patterns, re.I)
    plain = re.compile(alternation.pattern, re.I)
    assert [m.span() for m in alternation.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert alternation.whole == ("\\1" in "".join(patterns) or "(?P=" in "".join(patterns))
