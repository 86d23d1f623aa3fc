"""A compiled pattern that first asks whether the text holds a word every match must contain.

Most lines hold no release stamp and no review stamp, yet the regular-expression engine tries
each of those patterns at every position of every line. :class:`Guarded` finds, once, the
words (runs of ASCII letters and signs) that every match of the pattern contains, and answers
"no match" at once for a text that holds none of them, which a substring search on the text
in lower case tells many times faster than the engine. The answers are always those of the
pattern itself: the few letters that case-insensitive matching takes for ASCII ones ("ſ" for
"s") are read as those, and a pattern whose every match need not contain any word it finds
is always tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the parser the re module compiles with (Python 3.11 and later)
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

#: Words shorter than this are too common to be worth the test.
SHORTEST = 3
#: The characters other than ASCII that case-insensitive matching takes for an ASCII letter
#: (tests/test_guard.py checks this against every character).
LOOKALIKES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_READ_AS_ASCII = str.maketrans(LOOKALIKES)


def lowered(text: str) -> str:
    """``text`` in lower case, as the words of :class:`Guarded` are looked for in it."""
    if not text.isascii() and any(letter in text for letter in LOOKALIKES):
        text = text.translate(_READ_AS_ASCII)
    return text.lower()


class Guarded:
    """``re.compile(pattern, flags)`` with the same ``search``, ``match``, ``finditer`` and ``findall``,
    quicker on texts that cannot match. ``words`` holds the words of which every match
    contains one (in lower case), or is empty when no such set was found."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.compiled = re.compile(pattern, flags)
        self.pattern = pattern
        self.flags = self.compiled.flags
        needed = _needed(_parser.parse(pattern, flags)) or set()
        # a word that holds another is found only where the other is: the other says enough
        self.words: tuple[str, ...] = tuple(sorted(word for word in needed
                                                   if not any(other in word for other in needed - {word})))

    def cannot_match(self, text: str, read: str | None = None) -> bool:
        """True when no match is possible in ``text`` (``read``: its :func:`lowered`, when
        the caller has it)."""
        if not self.words:
            return False
        read = lowered(text) if read is None else read
        return not any(map(read.__contains__, self.words))

    def search(self, text: str, *bounds: int) -> re.Match | None:
        return None if self.cannot_match(text) else self.compiled.search(text, *bounds)

    def match(self, text: str, *bounds: int) -> re.Match | None:
        return self.compiled.match(text, *bounds)  # tried at one place only: the test would cost more

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match]:
        return iter(()) if self.cannot_match(text) else self.compiled.finditer(text, *bounds)

    def findall(self, text: str, *bounds: int) -> list:
        return [] if self.cannot_match(text) else self.compiled.findall(text, *bounds)

    def __repr__(self) -> str:
        return f"Guarded({self.pattern!r}, words={self.words!r})"


def _needed(items) -> set[str] | None:
    """Words of which every match of the parsed sequence ``items`` contains at least one, or
    None. The runs of literal ASCII characters in the sequence each qualify, and so does a
    group or a repetition of at least one whose own contents qualify; of an alternation, the
    words of all its branches together, when each branch has some. The best of these (the
    fewest words, then the longest shortest word) is taken."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def close() -> None:
        if len(run) >= SHORTEST:
            candidates.append({"".join(run)})
        run.clear()

    for op, argument in items:
        if op is _c.LITERAL and argument < 128:
            run.append(chr(argument).lower())
            continue
        close()
        inner: set[str] | None = None
        if op is _c.SUBPATTERN:
            inner = _needed(argument[-1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) and argument[0] >= 1:
            inner = _needed(argument[2])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            inner = _needed(argument)
        elif op is _c.BRANCH:
            branches = [_needed(branch) for branch in argument[1]]
            if all(branches):
                inner = set().union(*branches)  # type: ignore[arg-type]
        if inner:
            candidates.append(inner)
    close()
    if not candidates:
        return None
    return min(candidates, key=lambda words: (len(words), -min(map(len, words))))


class Alternatives:
    """``re.compile("|".join(f"(?:{p})" for p in patterns), flags)``, whose ``finditer``
    leaves out, for each text, the alternatives that cannot match in it (:class:`Guarded`):
    an alternative that matches nowhere in the text changes no match of the others. The
    alternation of each set of alternatives left is compiled once."""

    def __init__(self, patterns, flags: int = 0) -> None:
        self.alternatives = tuple(Guarded(f"(?:{p})", flags) for p in patterns)
        self.flags = flags
        self.pattern = "|".join(alternative.pattern for alternative in self.alternatives)
        self._compiled: dict[tuple[int, ...], re.Pattern] = {}
        # a reference to a group by its number would point elsewhere once alternatives before
        # it are left out: such alternations are always tried whole
        self.whole = _refers_to_groups(_parser.parse(self.pattern, flags))

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match]:
        read = lowered(text)
        left = tuple(index for index, alternative in enumerate(self.alternatives)
                     if self.whole or not alternative.cannot_match(text, read))
        if not left:
            return iter(())
        if left not in self._compiled:
            self._compiled[left] = re.compile("|".join(self.alternatives[i].pattern for i in left), self.flags)
        return self._compiled[left].finditer(text, *bounds)


def _refers_to_groups(items) -> bool:
    """Whether a parsed pattern refers back to a group (``\\1``, ``(?P=name)``, ``(?(1)...)``)."""
    for op, argument in items:
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return True
        nested = argument if isinstance(argument, (list, tuple)) else ()
        for part in nested:
            if isinstance(part, _parser.SubPattern) and _refers_to_groups(part):
                return True
            if isinstance(part, list) and any(_refers_to_groups(branch) for branch in part
                                              if isinstance(branch, _parser.SubPattern)):
                return True
    return False
