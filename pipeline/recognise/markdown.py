"""Markdown and OCR leftovers inside a line: ``**bold**``, ``*italic*``, ``~~struck~~``,
``<sup>th</sup>``, ``$N^o$`` and ``$8^{th}$``, and backslash escapes such as ``\\_``.

Markers become spans of the document model; their text stays. A marker that has no partner on
the same line (a lone ``*`` as a footnote sign, a ``$`` before an amount) stays text. The scan
finds every marker with one regular expression and pairs them left to right, so it is linear in
the length of the line.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from ..model import Inline, Span

# A marker token. Order matters: "**" before "*". HTML tags are markup in lower case only: the
# diplomatic text writes them back so, and ``<SUP>`` stays text, as the source spelt it.
_TOKEN = re.compile(r"\\[\\`*_{}\[\]()#+\-.!~|<>$]|\*\*|\*|~~|<(/?)(sup|sub)>|\$")

# Pair kinds: the opener's type -> (span kind, attributes).
_PAIRS = {
    "**": ("bold", {}),
    "*": ("italic", {}),
    "~~": ("struck", {}),
    "sup": ("sup", {"notation": "html"}),
    "sub": ("sup", {"notation": "html-sub"}),
    "$": ("math", {}),
}

# A TeX superscript inside $...$: ^x or ^{xy}.
_TEX_SUP = re.compile(r"\^(?:\{(?P<braced>[^{}$]{1,12})\}|(?P<bare>[^\s{}$^]))")

_MAX_MATH = 24


def _token_type(match: re.Match) -> str:
    text = match.group()
    if text.startswith("\\"):
        return "escape"
    if match.group(2):
        return match.group(2).lower()
    return text


def _closing_ok(kind: str, line: str, open_end: int, close_start: int) -> bool:
    content = line[open_end:close_start]
    if not content:
        return False
    if kind == "$":
        return len(content) <= _MAX_MATH and "^" in content and not any(c.isspace() for c in content)
    if kind in ("sup", "sub"):
        return len(content) <= 40
    return not content[0].isspace() and not content[-1].isspace()


def _pairs(line: str) -> tuple[list[tuple[int, int, int, int, str]], dict[int, int]]:
    """Matched marker pairs (open start, open end, close start, close end, type) and the
    positions of escapes (start -> end)."""
    tokens = [(m.start(), m.end(), _token_type(m), m.group(1) == "/") for m in _TOKEN.finditer(line)]
    escapes = {start: end for start, end, kind, _ in tokens if kind == "escape"}
    pairs: list[tuple[int, int, int, int, str]] = []
    # For each type, pair each opener with the next token of the same type.
    by_type: dict[str, list[tuple[int, int, bool]]] = {}
    for start, end, kind, closing in tokens:
        if kind != "escape":
            by_type.setdefault(kind, []).append((start, end, closing))
    for kind, occurrences in by_type.items():
        index = 0
        while index + 1 < len(occurrences):
            o_start, o_end, o_closing = occurrences[index]
            c_start, c_end, c_closing = occurrences[index + 1]
            html = kind in ("sup", "sub")
            if html and (o_closing or not c_closing):
                index += 1
                continue
            if not html and line[o_end:o_end + 1].isspace():
                index += 1
                continue
            if _closing_ok(kind, line, o_end, c_start):
                pairs.append((o_start, o_end, c_start, c_end, kind))
                index += 2
            else:
                index += 1
    # Drop pairs that cross another pair (keep the one that opens first).
    pairs.sort()
    kept: list[tuple[int, int, int, int, str]] = []
    stack: list[tuple[int, int, int, int, str]] = []
    for pair in pairs:
        while stack and stack[-1][3] <= pair[0]:
            stack.pop()
        if stack and pair[3] > stack[-1][2]:
            continue  # crosses the enclosing pair
        kept.append(pair)
        stack.append(pair)
    escapes = {s: e for s, e in escapes.items() if not any(p[0] <= s < p[1] or p[2] <= s < p[3] for p in kept)}
    return kept, escapes


def _math_children(content: str) -> list[Inline]:
    out: list[Inline] = []
    position = 0
    for m in _TEX_SUP.finditer(content):
        if m.start() > position:
            out.append(content[position:m.start()])
        if m.group("braced") is not None:
            out.append(Span("sup", [m.group("braced")], {"notation": "tex-braced"}))
        else:
            out.append(Span("sup", [m.group("bare")], {"notation": "tex"}))
        position = m.end()
    if position < len(content):
        out.append(content[position:])
    return out


def parse_markdown(line: str) -> list[Inline]:
    """The inlines of one line of text, with markdown and OCR markers turned into spans."""
    pairs, escapes = _pairs(line)
    if not pairs and not escapes:
        return [line] if line else []

    escape_starts = sorted(escapes)

    def next_escape(cursor: int, upto: int) -> int | None:
        index = bisect_left(escape_starts, cursor)
        if index < len(escape_starts) and escape_starts[index] < upto:
            return escape_starts[index]
        return None

    def build(start: int, end: int, inner: list[tuple[int, int, int, int, str]]) -> list[Inline]:
        out: list[Inline] = []
        position = start
        index = 0
        buffer: list[str] = []

        def flush_text(upto: int) -> None:
            nonlocal position
            cursor = position
            while cursor < upto:
                nxt = next_escape(cursor, upto)
                if nxt is None:
                    buffer.append(line[cursor:upto])
                    break
                buffer.append(line[cursor:nxt])
                if buffer and "".join(buffer):
                    out.append("".join(buffer))
                buffer.clear()
                out.append(Span("escape", [line[nxt + 1:escapes[nxt]]]))
                cursor = escapes[nxt]
            if buffer and "".join(buffer):
                out.append("".join(buffer))
            buffer.clear()
            position = upto

        while index < len(inner):
            o_start, o_end, c_start, c_end, kind = inner[index]
            nested = []
            index += 1
            while index < len(inner) and inner[index][0] < c_start:
                nested.append(inner[index])
                index += 1
            flush_text(o_start)
            span_kind, attrs = _PAIRS[kind]
            if kind == "$":
                children = _math_children(line[o_end:c_start])
            else:
                children = build(o_end, c_start, nested)
            out.append(Span(span_kind, children, dict(attrs)))
            position = c_end
        flush_text(end)
        return out

    return build(0, len(line), pairs)
