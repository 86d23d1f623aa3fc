"""The zones of a document: heading, opener, body, closer, postscript, quotations, lists and page
furniture. (The markup inside each line, once its role is known, is :mod:`.parts`.)

The source's paragraphs are first read one by one (markdown, brackets, unbracketed marks), then
grouped:

1. quotations that run over several paragraphs (from a paragraph that opens a quotation mark to
   the one that closes it) are set apart and read as documents of their own when they have an
   opener or a closer;
2. the *top* of the document is the run of opening paragraphs: headings, letterhead, markings,
   kind and number, dateline, addressee, reference, receipt, copy list, up to the first running
   text;
3. the *closer* is the last run of signature-like paragraphs (signatures, signers' titles,
   closing dates and numbers) at the end; what follows it is the postscript;
4. in between, numbered paragraphs become lists, stray page numbers and repeated markings become
   page furniture, and the rest are paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..authority import Authority
from ..model import Block, BodyPart, bracketed_text, Division, Inline, ListBlock, Quotation, Span, plain_text
from ..source import Paragraph
from . import lines as L
from .brackets import BracketReader, read_unbracketed
from .markdown import parse_markdown
from .parts import annotate_role, mark_release, number_and_name, signature_mark_name

_EDITION_NUMBER = re.compile(r"^(?:No\.\s*)?\d{1,4}\.?$")
_HEADING_MARK = re.compile(r"^(?P<indent>\s*)(?P<hashes>#{1,6})\s+")
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<bullet>[-*•])\s+(?=\S)")
_OPEN_QUOTES = ('"', "“")
_CLOSE_QUOTES = ('"', "”")


@dataclass
class Line:
    """One source line after its prefix markers are read."""

    number: int
    text: str  # the line without its heading or bullet marker
    heading_level: int = 0
    bullet: str = ""
    indent: str = ""  # spaces before a heading or bullet marker


@dataclass
class Para:
    """A paragraph being recognised: its lines, its text and later its role."""

    lines: list[Line]
    blank_before: int
    join: str = "paragraph"
    role: str | None = None
    inlines: list[Inline] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.lines[0].number

    @property
    def last_line(self) -> int:
        return self.lines[-1].number

    @property
    def text(self) -> str:
        """The text as printed (brackets included, markdown markers not)."""
        return bracketed_text(self.inlines)

    @property
    def heading_level(self) -> int:
        return self.lines[0].heading_level

    @property
    def bullet(self) -> str:
        return self.lines[0].bullet


@dataclass
class QuoteGroup:
    paras: list[Para]


def _read_line(number: int, raw: str) -> Line:
    line = Line(number, raw)
    m = _HEADING_MARK.match(raw)
    if m:
        line.heading_level = len(m.group("hashes"))
        line.indent = m.group("indent")
        line.text = raw[m.end():]
        return line
    m = _BULLET.match(raw)
    if m and L.label_of(raw[m.end():]) is not None:
        line.bullet = m.group("bullet")
        line.indent = m.group("indent")
        line.text = raw[m.end():]
    return line


class Recogniser:
    """Groups the paragraphs of one source into a :class:`Division`."""

    def __init__(self, authority: Authority):
        self.authority = authority
        self.brackets = BracketReader(authority)

    # --- reading paragraphs --------------------------------------------------------------------
    def read_paragraphs(self, paragraphs: tuple[Paragraph, ...]) -> list[Para]:
        paras: list[Para] = []
        for paragraph in paragraphs:
            lines = [_read_line(paragraph.first_line + i, raw) for i, raw in enumerate(paragraph.lines)]
            blank = paragraph.blank_before
            # A paragraph whose later lines carry their own heading marker, bullet or label is a
            # stack of one-line blocks.
            split = len(lines) > 1 and (
                any(ln.heading_level or ln.bullet or L.label_of(ln.text) is not None for ln in lines[1:])
                or all(L.FIELD.match(ln.text) for ln in lines)
                or _unwrapped(lines) or _signature_stack(lines) or _marking_stack(lines))
            groups = [[ln] for ln in lines] if split else [lines]
            for g_index, group in enumerate(groups):
                para = Para(group, blank if g_index == 0 else 0, "paragraph" if g_index == 0 else "next-line")
                para.inlines = self.read_inlines(group)
                paras.append(para)
        return paras

    def read_inlines(self, lines: list[Line]) -> list[Inline]:
        inlines: list[Inline] = []
        for index, line in enumerate(lines):
            if index:
                inlines.append(Span("linebreak", [], {"line": str(line.number)}))
                if line.indent:
                    inlines.append(line.indent)
            inlines.extend(parse_markdown(line.text))
        inlines = self.brackets.read(inlines)
        return mark_release(L.mark_portion(read_unbracketed(inlines)))

    # --- the whole document --------------------------------------------------------------------
    def division(self, paras: list[Para], kind: str = "document", quoted: bool = False) -> Division:
        """``quoted``: the paragraphs are the inside of a quotation (its first paragraph opens
        the quotation mark that encloses them all)."""
        split = None if quoted else _enclosure_start(paras)
        if split is not None:
            main = self.division(paras[:split], kind)
            main.enclosures.append(self.division(paras[split:], "document"))
            return main
        items = self._group_quotes(paras, start=1 if quoted else 0)
        division = Division(kind=kind)
        index = self._top(items, division)
        end = self._closer(items, index, division)
        division.body = self._body(items[index:end])
        if not division.body and division.closer:
            # TEI wants running text before a closer: with none, the signature lines stay among
            # the opening lines, and what followed them is the text.
            division.opener.extend(division.closer)
            division.closer = []
            division.body, division.postscript = division.postscript, []
        return division

    def _group_quotes(self, paras: list[Para], start: int = 0) -> list[Para | QuoteGroup]:
        items: list[Para | QuoteGroup] = list(paras[:start])
        # Where quotations close, found once: looking ahead from every opening paragraph would
        # be quadratic in a text of many paragraphs that open quotations and never close them.
        closing = [j for j, para in enumerate(paras) if j >= start and _closes_quote(para.text.strip())]
        index = start
        while index < len(paras):
            para = paras[index]
            text = para.text.strip()
            if text.startswith(_OPEN_QUOTES) and _opens_quote(text):
                after = bisect_right(closing, index)
                close = closing[after] if after < len(closing) else None
                if close is not None:
                    items.append(QuoteGroup(paras[index:close + 1]))
                    index = close + 1
                    continue
            items.append(para)
            index += 1
        return items

    # --- top -------------------------------------------------------------------------------------
    def _top(self, items: list, division: Division) -> int:
        index = 0
        while index < len(items):
            item = items[index]
            if not isinstance(item, Para):
                break
            # the first line of substance: file-number lines and edition numbers may stand
            # above a document's heading ("711.61/4–2648: Telegram" / "No. 198" / heading)
            first = all(L.FILE_LINE.match(b.text.strip()) or (b.role == "heading" and _EDITION_NUMBER.match(b.text.strip()))
                        for b in division.opener)
            blocks = self._top_blocks(item, first=first)
            if blocks is None:
                break
            division.opener.extend(blocks)
            index += 1
        self._edition_or_own_number(division)
        return index

    def _edition_or_own_number(self, division: Division) -> None:
        """"No. 1443" above a document is the number an edition gives it when an editor's
        heading follows; over a dateline or the text it is the document's own number."""
        opener = division.opener
        for position, block in enumerate(opener):
            if block.role == "heading" and _EDITION_NUMBER.match(block.text.strip()):
                following = opener[position + 1] if position + 1 < len(opener) else None
                if following is None or following.role != "heading":
                    block.role = "number"
                    block.inlines = annotate_role("number", block.inlines, self.authority)
                return

    def _top_blocks(self, para: Para, first: bool) -> list[Block] | None:
        text = para.text.strip()
        if (first or para.heading_level or _bold_only(para)) and _looks_like_title(para, first):
            return [self._block(para, "heading")]
        if first and re.match(r"^(?:No\.\s*)?\d{1,4}\.?$", text):
            return [self._block(para, "heading")]  # the number of the document in an edition
        role = L.opener_role(text)
        if not first and not para.heading_level and role in (None, "line", "letterhead") \
                and L.label_of(text) is not None:
            return None  # a numbered paragraph opens the text
        if para.heading_level and role in (None, "letterhead", "line"):
            role = "heading"
        elif role in (None, "line", "letterhead") and L.kind_in(text) and _looks_like_title(para, True):
            role = "heading"
        if role in (None, "line") and L.label_of(text) is not None:
            return None
        if role in (None, "line"):
            parts = L.split_columns(text) if len(para.lines) == 1 else []
            if len(parts) > 1 and all(L.opener_role(p) for _, p in parts):
                blocks = self._column_blocks(para, parts)
                if blocks is not None:
                    return blocks
        if role is None:
            return None
        return [self._block(para, role)]

    def _column_blocks(self, para: Para, parts: list[tuple[int, str]]) -> list[Block] | None:
        """One source line printed as columns: one block per column, the later ones run-on.
        None when a column would start inside a bracket or a formatting run."""
        indent = len(para.text) - len(para.text.lstrip())  # the parts are offsets in the stripped text
        pieces = _split_inlines(para.inlines, [indent + offset for offset, _ in parts[1:]])
        if len(pieces) != len(parts):
            return None
        blocks = []
        for number, ((_, part_text), piece) in enumerate(zip(parts, pieces, strict=True)):
            sub = Para(para.lines, para.blank_before if number == 0 else 0,
                       para.join if number == 0 else "run-on", inlines=piece)
            blocks.append(self._block(sub, L.opener_role(part_text) or "line"))
        return blocks

    # --- closer ----------------------------------------------------------------------------------
    def _closer(self, items: list, start: int, division: Division) -> int:
        """Find the closer among the trailing paragraphs; fill the division's closer and
        postscript; return where the body ends."""
        end = _notes_start(items, start)
        tail_start = end
        while tail_start > start:
            item = items[tail_start - 1]
            if not isinstance(item, Para) or not (_closer_like(item) or _postscript_like(item)
                                                  or _office_line(item.text.strip())):
                break
            tail_start -= 1
        tail = items[tail_start:end]
        offices = {i for i, p in enumerate(tail) if _office_signature(tail, i)}
        signature = next((i for i, p in enumerate(tail) if _signature_like(p) or i in offices), None)
        if signature is None:
            return len(items)
        first = signature
        while first > 0 and _closer_like(tail[first - 1]) and not _postscript_only(tail[first - 1]):
            first -= 1
        if _continues_sentence(items, tail_start + first):
            return len(items)
        last = signature
        while last + 1 < len(tail) and (last + 1 in offices or (
                _closer_like(tail[last + 1]) and not _postscript_only(tail[last + 1]))):
            last += 1
        for index in range(first, last + 1):
            para = tail[index]
            division.closer.append(self._block(para, "signature" if index in offices else _closer_role(para)))
        division.postscript = self._body(tail[last + 1:] + items[end:])
        return tail_start + first

    # --- body ------------------------------------------------------------------------------------
    def _body(self, items: list) -> list[BodyPart]:
        parts: list[BodyPart] = []
        pending: list[Block] = []  # list items being gathered
        pending_type = ""
        in_furniture = False
        page_number_seen = False

        def flush() -> None:
            nonlocal pending, pending_type
            if not pending:
                return
            if len(pending) == 1 and pending_type == "ordered":
                block = pending[0]
                block.role = "paragraph"
                parts.append(block)
            else:
                parts.append(ListBlock(pending_type, pending))
            pending = []
            pending_type = ""

        for item in items:
            if isinstance(item, QuoteGroup):
                flush()
                in_furniture = False
                parts.append(self._quotation(item))
                continue
            text = item.text.strip()
            role = self._body_role(item, text, in_furniture)
            was_furniture = in_furniture
            in_furniture = role in ("furniture", "page-number", "release")
            if was_furniture and not in_furniture and page_number_seen:
                flush()
                parts.append(Block("page-break", [], item.first_line, item.first_line, blank_before=0))
            if in_furniture and not was_furniture:
                page_number_seen = False
            page_number_seen = page_number_seen or role == "page-number"
            if role == "item":
                block = self._block(item, "item")
                if pending_type not in ("", "ordered"):
                    flush()
                pending.append(block)
                pending_type = "ordered"
                continue
            if role == "copy-entry":
                if pending_type not in ("", "distribution"):
                    flush()
                pending.extend(self._copy_blocks(item))
                pending_type = "distribution"
                continue
            flush()
            parts.append(self._block(item, role))
        flush()
        return parts

    def _body_role(self, para: Para, text: str, in_furniture: bool) -> str:
        if L.is_page_number(text):
            return "page-number"
        if L.release_only(text):
            return "release"
        if L.markings_only(text):
            return "furniture"
        if in_furniture and not L.is_prose(text) and len(text.split()) <= 4 and not text.endswith("."):
            return "furniture"
        if len(text) <= 2 and not text.isdigit():
            return "furniture"
        if L.label_of(text) is not None:
            return "item"
        if re.match(r"^(?:Copies|Copy|COPIES|Distribution)\b.{0,20}\b(?:to|No|N°)\b|^Copy\s", text) or \
                re.match(r"^(?:One|Two|Three|\d+) cop(?:y|ies) (?:printed|sent|made)", text):
            return "copy-entry"
        return "paragraph"

    def _copy_blocks(self, para: Para) -> list[Block]:
        """A copy list: one item per entry; entries printed on one line ("Copy No 1 - to ...;
        Copy No 2 - to ...") become run-on items."""
        text = para.text
        offsets = [m.start() for m in re.finditer(r"(?<=;)\s+(?=Copy\b)", text)]
        pieces = _split_inlines(para.inlines, offsets) if offsets else [para.inlines]
        blocks = []
        for number, piece in enumerate(pieces):
            sub = Para(para.lines, para.blank_before if number == 0 else 0,
                       para.join if number == 0 else "run-on", inlines=piece)
            block = self._block(sub, "item")
            # Without "No", the number is looked for from the start of a run of spaces only.
            m = re.search(r"(?:N\s*o|N°|No\.?|№|(?<!\s))\s*(\d{1,3})\s*[-–]", plain_text(piece))
            block.n = m.group(1) if m else str(number + 1)
            blocks.append(block)
        return blocks

    def _quotation(self, group: QuoteGroup) -> Quotation:
        paras = group.paras
        first = paras[0].text.strip().lstrip('"“')
        last = paras[-1]
        embedded = L.opener_role(first) in ("addressee", "markings", "kind-line", "dateline") or (
            _signature_like(last) and len(paras) > 2)
        if embedded:
            division = self.division(paras, kind="telegram", quoted=True)
            return Quotation(embedded=division)
        return Quotation(parts=self._body(paras))

    # --- blocks ----------------------------------------------------------------------------------
    def _block(self, para: Para, role: str) -> Block:
        inlines = annotate_role(role, para.inlines, self.authority)
        block = Block(role=role, inlines=inlines, first_line=para.first_line, last_line=para.last_line,
                      blank_before=para.blank_before, join=para.join, heading_level=para.heading_level,
                      bullet=para.bullet)
        block.indent = len(para.lines[0].indent)
        if role == "item":
            block.n = L.label_of(plain_text(inlines)) or ""
        elif role == "paragraph":
            block.n = ""
        if role == "line":
            block.cert = "low"
        if role in ("furniture",):
            block.subtype = _furniture_type(plain_text(inlines))
        return block


# --- helpers -------------------------------------------------------------------------------------


def _opens_quote(text: str) -> bool:
    straight = text.count('"')
    if text.startswith("“"):
        return text.count("“") > text.count("”")
    return straight % 2 == 1


def _closes_quote(text: str) -> bool:
    stripped = text.rstrip()
    if not stripped.endswith(_CLOSE_QUOTES):
        return False
    if stripped.endswith("”"):
        return stripped.count("”") > stripped.count("“")
    return stripped.count('"') % 2 == 1


def _bold_only(para: Para) -> bool:
    spans = [i for i in para.inlines if not (isinstance(i, str) and not i.strip())]
    return bool(spans) and all(isinstance(i, Span) and i.kind == "bold" for i in spans)


def _looks_like_title(para: Para, first: bool) -> bool:
    """A heading that names the document: "Telegram from X to Y, date", "X to Y",
    "19. Memorandum From X to Y", "No. 7 / The Ambassador in Norway (Carter) to ..."."""
    text = para.text.strip()
    if len(text.split()) > 40 or L.markings_only(text) or L.kind_line(text):
        return False
    if re.search(r"[a-z]{3}[.!?]\s+\S", text):
        return False  # more than one sentence: running text, not a title
    if len(text.split()) > 6 and L._VERBS.search(text):
        return False  # a sentence ("I have been studying the report by ..."), not a title
    if L.FIELD.match(text) and not re.match(r"^(?:No\.\s*)?\d", text):
        return False  # a form's field ("Sent: See the telegram title")
    if text.endswith((".", ";", ":")) and not re.search(r"\d{4}\.$|\)\.$", text) and not _bold_only(para):
        return False
    if L.opener_role(text) in ("addressee", "received", "reference", "copy-entry", "subject", "instruction", "release"):
        return False
    if re.match(r"^(?:No\.\s*)?\d{1,4}\.?\s*$", para.lines[0].text.strip()) and len(para.lines) > 1:
        return True
    return bool(re.search(r"\s(?:to|from|From|by)\s", text)) or (
        L.kind_in(text) is not None and len(text.split()) >= 2)




def _office_line(text: str) -> bool:
    """A line naming an office and nothing else: capitalised words, no verb, no final stop."""
    words = text.split()
    if not 2 <= len(words) <= 14 or "\n" in text or text.rstrip().endswith((".", ":", ";", ",")):
        return False
    if not L.office_pattern().search(text) or L._VERBS.search(text):
        return False
    capitals = sum(1 for w in words if w.lstrip("[(")[:1].isupper())
    return capitals * 2 > len(words)


def _office_signature(tail: list, index: int) -> bool:
    """An office signing at the end of a message: its name on a line of its own, over the
    closing date or over another signing office ("Embassy in Austria" / "10:00, 3 May 1955")."""
    item = tail[index]
    if not isinstance(item, Para) or not _office_line(item.text.strip()):
        return False
    for following in tail[index + 1:index + 3]:
        if not isinstance(following, Para):
            return False
        text = following.text.strip()
        if L.opener_role(text) in ("date", "dateline"):
            return True
        if not _office_line(text):
            return False
    return False


def _signature_like(item) -> bool:
    if not isinstance(item, Para):
        return False
    text = item.text.strip()
    if L.known_place(text):
        return False  # a place never becomes a person
    if L.signed_line(text) or L.is_name_line(text):
        return True
    if number_and_name(text):
        return True
    if L.salutation(text) and _after_salutation_has_name(text):
        return True
    spans = [s for s in item.inlines if isinstance(s, Span)]
    only_redaction = len(spans) == 1 and spans[0].kind == "redaction" and not "".join(
        i for i in item.inlines if isinstance(i, str)).strip()
    if only_redaction and "name" in plain_text(spans[0].children).lower():
        return True
    if len(text.split()) <= 25 and signature_mark_name(item.inlines) is not None:
        return True
    if len(spans) == 1 and spans[0].kind == "unreadable" and spans[0].attrs.get("reason") == "signature" \
            and not "".join(i for i in item.inlines if isinstance(i, str)).strip():
        return True
    lines = text.split("\n")
    if len(lines) > 1 and L.is_name_line(lines[0]) and all(L.is_signer_title(x) or L.is_name_line(x) for x in lines[1:]):
        return True
    return any(s.kind == "pseudonym" for s in item.inlines if isinstance(s, Span)) and len(text.split()) <= 6


#: A line longer than this is a paragraph of its own: the text was not wrapped by hand.
UNWRAPPED_LINE = 110


def _unwrapped(lines: list[Line]) -> bool:
    """A page that prints one paragraph per line without blank lines between them: a line
    longer than any typewriter's, and lines that end where their sentences end."""
    long = [ln for ln in lines if len(ln.text) > UNWRAPPED_LINE]
    if not long:
        return False
    return all(ln.text.rstrip().endswith((".", "!", "?", ":", '"', "”", ")", "]")) for ln in long[:-1] or long)


def _marking_stack(lines: list[Line]) -> bool:
    """Marking lines over one another ("top secret   niact" / "us urgent"): short lines, the
    first of them a marking."""
    return len(lines) <= 4 and all(len(ln.text.split()) <= 8 for ln in lines) and \
        any(L.markings_only(L.split_columns(ln.text.strip())[0][1]) for ln in lines)


def _signature_stack(lines: list[Line]) -> bool:
    """A signer's name over a closing date or number ("Kuznetsov" / "16.XII.1947"): each line
    a closing line of its own."""
    texts = [ln.text.strip() for ln in lines]
    if len(texts) > 4 or any(len(t) > 60 for t in texts):
        return False
    first = texts[0].rstrip(".")
    if not (L.is_name_line(first) or L.signed_line(first)):
        return False
    return all(L.opener_role(t) in ("date", "dateline", "number") for t in texts[1:])


def _enclosure_start(paras: list[Para]) -> int | None:
    """Where an enclosure begins: after a covering letter's signature in the middle of the text
    (a signature mark, or a signer's name under his title), the enclosed document's own opening
    lines — a classification line or a date line, after at most one number line — followed by
    its text. None when the text encloses nothing."""
    for index in range(2, len(paras) - 3):
        para = paras[index]
        text = para.text.strip()
        if not (signature_mark_name(para.inlines) or (L.is_name_line(text) and text.startswith("("))):
            continue
        if not any(L.is_prose(p.text.strip()) for p in paras[:index]):
            continue
        following = index + 1
        # the covering letter's own closing lines: its date, its number
        while following < min(len(paras), index + 3) and _closes_letter(paras[following]):
            following += 1
        start = following
        while following < len(paras) - 2 and _bracket_only(paras[following]):
            following += 1  # a note over the enclosure ("[handwritten:]")
        if following >= len(paras) - 2:
            continue
        opening = paras[following].text.strip()
        if opening.startswith("[") or (start == index + 1 and following > start):
            continue  # an editor's note under the signature ("[handwritten in the corner: ...]")
        role = L.opener_role(opening)
        if (role in ("markings", "date", "dateline") or opening.startswith(("Dear ", "Esteemed "))) and any(
                L.is_prose(p.text.strip()) and not _is_footnote(p.text.strip())
                for p in paras[following + 1:following + 4]):
            return start
    return None


def _closes_letter(para: Para) -> bool:
    text = para.text.strip()
    return L.opener_role(text) in ("date", "number") or bool(re.match(r"^(?:No\.|Nº|N°|№)\s?\S", text))


def _bracket_only(para: Para) -> bool:
    text = para.text.strip()
    return text.startswith("[") and text.endswith("]") and text.count("[") == 1


def _notes_start(items: list, start: int) -> int:
    """Where the edition's footnotes begin: the first footnote paragraph ("[1] ...") that
    follows a closing line; the end of the items when there is none. What follows the first
    note (the rest of the notes, text they quote) is not part of the document's closer."""
    for index in range(max(start, 1), len(items)):
        item = items[index]
        if isinstance(item, Para) and (_is_footnote(item.text.strip()) or _indented_note(item)) \
                and _closer_like(items[index - 1]):
            return index
    return len(items)


def _indented_note(item: Para) -> bool:
    """An edition's footnote printed indented with its number ("  1. Source: ...")."""
    first = item.lines[0].text
    return first[:1] == " " and bool(re.match(r"^\s+\d{1,2}\.\s+\S", first)) and len(item.text.split()) >= 4


def _continues_sentence(items: list, index: int) -> bool:
    """Whether the paragraph at ``index`` is the next line of a sentence left open: a line
    that follows without a blank line a line not ending in a stop ("...THAT THEY DESIRE TO" /
    "STAY", a text cut off mid-sentence) is not a signature."""
    if index <= 0 or index >= len(items):
        return False
    item, before = items[index], items[index - 1]
    if not isinstance(item, Para) or not isinstance(before, Para) or item.join != "next-line" \
            or item.blank_before:
        return False
    if _closer_like(before) or _office_line(before.text.strip()):
        return False
    last = before.text.rstrip()
    if not last or last.endswith((".", "!", "?", ":", ";", '"', "”", "’", "'", ")", "]", "—")):
        return False
    # a line that stops at a word no sentence ends with, or at a hyphen or comma, goes on below
    return last.endswith(("-", ",")) or last.split()[-1].lower() in L.function_words()


def _after_salutation_has_name(text: str) -> bool:
    m = L.salutation(text)
    rest = text.strip().lstrip('"“')[m.end():] if m else ""
    return bool(re.search(r"[A-Z][A-Z]+(?:\s+[A-Z][A-Z]+)*", rest))


def _closer_like(item) -> bool:
    if not isinstance(item, Para):
        return False
    text = item.text.strip()
    if _signature_like(item) or L.is_signer_title(text):
        return True
    if L.signer_phrase(text) and len(text.split()) <= 25:
        return True  # "on behalf of the Central Committee ..." under a signature
    if L.known_place(text):
        return True  # the place of signing, on a line of its own under the signature
    if re.match(r"^For\s+(?:the\s+)?[A-Z].{0,80}:$", text, re.S):
        return True
    if len(text.split()) <= 8 and L.opener_role(text) in ("date", "number", "dateline"):
        return True
    if len(text.split()) <= 8 and text.rstrip().endswith(",") and not L.label_of(text):
        return True  # a closing formula: "I am waiting for your instructions,"
    return False


def _postscript_like(item) -> bool:
    if not isinstance(item, Para):
        return False
    text = item.text.strip()
    if _postscript_only(item):
        return True
    return len(text.split()) <= 10 and not L.label_of(text)


#: A footnote of the edition after the text: "[1] In fact ...", "(2) ...", "1 The Russian text ...".
_FOOTNOTE = re.compile(r"^(?:\[\d{1,2}\]|\(\d{1,2}\)|\d{1,2}\s(?=[A-Z\"“]))\s?\S")


def _is_footnote(text: str) -> bool:
    return bool(_FOOTNOTE.match(text)) and len(text.split()) >= 6 and L.opener_role(text) not in ("date", "dateline")


def _postscript_only(item) -> bool:
    """Paragraphs that follow a signature without being part of it: copy lists, omission marks,
    page furniture."""
    text = item.text.strip()
    if L.is_page_number(text) or L.release_only(text) or L.markings_only(text):
        return True
    spans = [s for s in item.inlines if isinstance(s, Span)]
    if spans and all(s.kind == "omission" for s in spans) and not "".join(
            i for i in item.inlines if isinstance(i, str)).strip():
        return True
    if _is_footnote(text):
        return True
    return bool(re.match(r"^(?:Copies|Copy|One cop|Distribution)", text))


def _closer_role(para: Para) -> str:
    text = para.text.strip()
    first_line = text.split("\n")[0]
    if len(L._patterns()["roles"].findall(first_line)) >= 2 and L.is_signer_title(first_line):
        return "signer-title"  # "Rear Admiral, USN": titles, though they read like a name
    if L.is_signer_title(first_line) and len(first_line.split()) >= 3 and \
            re.search(r"\b(?:of|in|to|for|at|the)\b", first_line, re.I) and not L.signed_line(first_line) \
            and signature_mark_name(para.inlines) is None:
        return "signer-title"  # "USSR AMBASSADOR IN THE DPRK": an office, though in capitals
    if _signature_like(para):
        return "signature"
    if L.is_signer_title(text) or text.endswith(":"):
        return "signer-title"
    role = L.opener_role(text)
    if role in ("date", "dateline") or L.known_place(text):
        return "dateline"
    if role == "number":
        return "number"
    if L.signer_phrase(text):
        return "signer-title"
    return "salutation"


def _furniture_type(text: str) -> str:
    if L.markings_only(text):
        return "marking"
    if len(text.strip()) <= 2:
        return "mark"
    return "furniture"


def _split_inlines(inlines: list[Inline], offsets: list[int]) -> list[list[Inline]]:
    """Cut a run of inlines at character offsets of its text as printed (:func:`bracketed_text`,
    brackets included). Cuts fall in strings: a cut inside a span is not made."""
    pieces: list[list[Inline]] = [[]]
    position = 0
    cuts = list(offsets)
    for item in inlines:
        if isinstance(item, str):
            start = 0
            while cuts and position + len(item) > cuts[0] >= position:
                cut = cuts.pop(0) - position
                if cut > start:
                    pieces[-1].append(item[start:cut])
                pieces.append([])
                start = cut
            if start < len(item):
                pieces[-1].append(item[start:])
            position += len(item)
        else:
            length = len(bracketed_text([item]))
            while cuts and cuts[0] < position + length and cuts[0] >= position:
                cuts.pop(0)  # a cut inside a span is not made
            pieces[-1].append(item)
            position += length
    return pieces
