"""How many of the people FRUS tags in the text of its documents we tag at the same place.

FRUS's own markup of each document of ``../shared/corpus/frus-dev/tei/`` tags people with
``persName``. An occurrence counts as found when our encoding of the same document tags a
person (``persName``, a pseudonym included) **at the same place**:

* the same name: the last word of FRUS's name is a word of ours ("General Smith" and "General
  Smith"; "Joyce" and "Joyce" after "Mr.");
* the same words around it: the two words after the name, or the two words before it, are the
  same in both texts (words are compared in lower case, punctuation ignored);
* in order: occurrences are matched in document order, each of ours at most once.

The text compared is the document's text without its footnotes (FRUS's ``note`` elements, which
the plain-text rendering does not print). ``python -m tests.frus_names ENCODED_DIR`` prints the
report.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .conftest import FRUS

_WORD = re.compile(r"[^\W_]+")


@dataclass
class Occurrence:
    name: list[str]  # its words
    before: list[str]  # the two words before it
    after: list[str]  # the two words after it
    printed: str


def _tokens(root, skip: set[str]) -> tuple[list[str], list[tuple[int, int, str]]]:
    """The words of a text and the word ranges of its persName elements."""
    words: list[str] = []
    names: list[tuple[int, int, str]] = []

    def walk(element, inside: bool) -> None:
        local = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if local in skip:
            return
        start = len(words)
        is_name = local == "persName" and not inside
        if element.text:
            words.extend(_WORD.findall(element.text.lower()))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, inside or is_name)
            if child.tail:
                words.extend(_WORD.findall(child.tail.lower()))
        if is_name:
            # the tail is not part of the name: it was added after the children
            end = start + len(_WORD.findall("".join(element.itertext()).lower()))
            names.append((start, end, " ".join("".join(element.itertext()).split())))

    walk(root, False)
    return words, names


def occurrences(root, skip: set[str]) -> list[Occurrence]:
    words, names = _tokens(root, skip)
    return [Occurrence(words[s:e], words[max(0, s - 2):s], words[e:e + 2], printed) for s, e, printed in names if e > s]


def frus_occurrences(path: Path) -> list[Occurrence]:
    root = etree.parse(str(path), etree.XMLParser(recover=True)).getroot()
    return occurrences(root, {"note"})


def our_occurrences(path: Path) -> list[Occurrence]:
    root = etree.parse(str(path)).getroot()
    body = root.find("{http://www.tei-c.org/ns/1.0}text")
    return occurrences(body, set())


def same_place(theirs: Occurrence, ours: Occurrence) -> bool:
    return theirs.name[-1] in ours.name and (theirs.after == ours.after or theirs.before == ours.before)


@dataclass
class NameComparison:
    total: int = 0
    found: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.found / self.total if self.total else 1.0


def compare(encoded: Path, frus_dir: Path = FRUS) -> NameComparison:
    result = NameComparison()
    for reference in sorted((frus_dir / "tei").glob("*.xml")):
        theirs = frus_occurrences(reference)
        ours = our_occurrences(encoded / reference.name)
        position = 0
        for occurrence in theirs:
            result.total += 1
            match = next((i for i in range(position, len(ours)) if same_place(occurrence, ours[i])), None)
            if match is None:
                result.misses.append(f"{reference.stem}: {occurrence.printed!r} "
                                     f"(… {' '.join(occurrence.before)} [{' '.join(occurrence.name)}] "
                                     f"{' '.join(occurrence.after)} …)")
            else:
                result.found += 1
                position = match + 1
    return result


def report(result: NameComparison) -> str:
    lines = [f"persName occurrences of FRUS found at the same place: {result.found}/{result.total} "
             f"({result.rate:.0%})"]
    lines += ["  missed: " + miss for miss in result.misses]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(compare(Path(sys.argv[1]))))
