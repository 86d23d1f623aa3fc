"""Who is named where: the registers of persons, places and organisations of the HTML edition.

A document names an entry of the authority file with an element that points at it,
``<persName ref="authority.xml#pers-stalin">FILIPPOV</persName>``: in the header's
correspondence description (the sender, the recipient, their places) and anywhere in the text.
:func:`names_in` finds every such name of a document with the anchor its page gives it
(``tp:name-anchor`` of ``common.xsl``: the element's path), so that a register can link to the
very place; a name inside another name that points at the same entry is the same passage and
is left out.

``registers.xsl`` makes the three pages (``persons.html``, ``places.html``,
``organisations.html``) from a summary of the documents (:func:`summary`): their index rows
(title, date) and their names, with the authority file itself. The pages list every entry of
the authority file, named or not, and every id the documents point at that it does not hold.

The build's registers stage (:mod:`pipeline.stages.registers`) keeps each document's names in
the manifest (:mod:`pipeline.mentions`), read again only when its TEI changed, and writes the
pages again only when the authority file or a document changed; ``teipipe render`` writes them
beside the index (:func:`write_registers`).
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from html import unescape
from pathlib import Path

from lxml import etree
from saxonche import PySaxonApiError

from . import TEI_NS
from .atomic import write_atomic
from .build_report import _shown
from .manifest import PACKAGE, folder_digest, key
from .mentions import SUMMARY_START, Mentions, document_start, name_xml
from .render import (
    ANCHOR_ATTRIBUTE,
    AUTHORITY_NAME,
    GENERATOR,
    CSS_NAME,
    IndexRow,
    RenderError,
    _error_message,
    _saxon,
    _set_parameters,
    stylesheet,
)
from .validate import safe_xml

#: The registers, in the order the pages link to each other; each is ``<name>.html``.
REGISTERS = ("persons", "places", "organisations")
#: The register of each kind of name (``tp:register-pages`` of ``common.xsl`` is the same table);
#: another element (name, rs) goes by the prefix of the id it points at.
REGISTER_OF = {"persName": "persons", "placeName": "places", "geogName": "places", "orgName": "organisations"}
_BY_PREFIX = (("place-", "places"), ("org-", "organisations"))
#: The elements of the text that name someone or something.
NAME_ELEMENTS = frozenset({"persName", "placeName", "orgName", "geogName", "name", "roleName"})
#: The names of a sender or recipient the page's header facts show (``tp:party-names``).
PARTY_ELEMENTS = frozenset({"persName", "orgName", "name", "roleName"})

_T = f"{{{TEI_NS}}}"
_NAME_TAGS = [_T + name for name in sorted(NAME_ELEMENTS)]
_ANY_NAME_TAGS = ["{*}" + name for name in sorted(NAME_ELEMENTS)]  # in any namespace or none
_POINTER = AUTHORITY_NAME + "#"


class RegisterError(Exception):
    """A register that could not be made; the message names the file and the reason."""


# ------------------------------------------------------------------------------------ who is named where

def authority_ids(element: etree._Element) -> list[str]:
    """The ids of the authority file's entries ``element`` points at (``@ref``)."""
    return [token[len(_POINTER):] for token in (element.get("ref") or "").split()
            if token.startswith(_POINTER) and len(token) > len(_POINTER)]


def register_of(element_name: str, ident: str) -> str:
    """The register (``persons``, ``places``, ``organisations``) a name of ``element_name``
    pointing at ``ident`` belongs to."""
    if element_name in REGISTER_OF:
        return REGISTER_OF[element_name]
    return next((register for prefix, register in _BY_PREFIX if ident.startswith(prefix)), "persons")


def _local(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]


class _Steps:
    """Each element's step in a path: its name and its position among its siblings of that
    name (``persName2``), counted once per parent, so that a document's paths take time in
    proportion to its size however many siblings its names have."""

    def __init__(self) -> None:
        self.steps: dict[etree._Element, str] = {}  # it keeps the elements, so each is found again

    def __call__(self, element: etree._Element) -> str:
        if element not in self.steps:
            counts: dict[str, int] = {}
            for sibling in element.getparent():
                if isinstance(sibling.tag, str):
                    counts[sibling.tag] = counts.get(sibling.tag, 0) + 1
                    self.steps[sibling] = f"{_local(sibling)}{counts[sibling.tag]}"
        return self.steps[element]

    def path(self, element: etree._Element, top: etree._Element) -> str:
        """The steps from ``top`` (excluded) down to ``element``: ``body1-div1-p3-persName2``
        (``tp:anchor`` of ``common.xsl``)."""
        steps = []
        while element is not None and element is not top:
            steps.append(self(element))
            element = element.getparent()
        return "-".join(reversed(steps))


def _words(element: etree._Element) -> str:
    """The words of an element on one line (``tp:words``): line breaks read as spaces."""
    return " ".join("".join(_texts(element)).split())


def _texts(element: etree._Element) -> Iterable[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_T}lb":
            yield " "
        elif isinstance(child.tag, str):
            yield from _texts(child)
        if child.tail:
            yield child.tail


def names_in(root: etree._Element, marked: bool = False) -> list[list[str]]:
    """Every name of a TEI document that points at the authority file, in the order of its page
    (the header's names first), as ``[id, element, anchor, words]``. With ``marked``, the tree
    went through :func:`mark_anchors` (the renderer's parse does that), and each name's anchor
    is read from it instead of being worked out again; a file's own attributes are never read."""
    found: list[list[str]] = []
    steps = _Steps()
    if marked:
        def anchor_of(element, top, prefix=""):
            return element.get(ANCHOR_ATTRIBUTE)
    else:
        def anchor_of(element, top, prefix=""):
            return prefix + steps.path(element, top)
    correspondence = root.find(f"{_T}teiHeader/{_T}profileDesc/{_T}correspDesc")
    if correspondence is not None:
        actions = correspondence.findall(f"{_T}correspAction")
        shown: list[etree._Element] = []
        for kind in ("sent", "received"):  # the first of each, as the header facts show them
            first = next((action for action in actions if action.get("type") == kind), None)
            if first is not None:
                shown += [c for c in first if isinstance(c.tag, str) and _local(c) in PARTY_ELEMENTS]
        shown += [place for action in actions for place in action.iterfind(f"{_T}placeName")]
        top = correspondence.getparent()
        found += [[ident, _local(element), anchor_of(element, top, "header-"), _words(element)]
                  for element in shown for ident in authority_ids(element)]
    text = root.find(f"{_T}text")
    if text is not None:
        for element in text.iter(*_NAME_TAGS):
            ids = authority_ids(element)
            if not ids:
                continue
            around = {ident for ancestor in element.iterancestors(*_ANY_NAME_TAGS) for ident in authority_ids(ancestor)}
            anchor = anchor_of(element, text)
            found += [[ident, _local(element), anchor, _words(element)] for ident in ids if ident not in around]
    return found


def mark_anchors(root: etree._Element) -> None:
    """Give every name of a TEI document that points at the authority file, in the header's
    correspondence description and in the text, its anchor in the document's page as
    ``tp:anchor`` (:data:`render.ANCHOR_ATTRIBUTE`): the path :func:`names_in` gives it, which
    ``tp:name-anchor`` of ``common.xsl`` then reads instead of working it out again. The anchors
    a page carries and those the registers link to are so made by the same code."""
    steps = _Steps()
    correspondence = root.find(f"{_T}teiHeader/{_T}profileDesc/{_T}correspDesc")
    if correspondence is not None:
        top = correspondence.getparent()
        for element in correspondence.iter(*_NAME_TAGS):
            if authority_ids(element):
                element.set(ANCHOR_ATTRIBUTE, "header-" + steps.path(element, top))
    text = root.find(f"{_T}text")
    if text is not None:
        for element in text.iter(*_NAME_TAGS):
            if authority_ids(element):
                element.set(ANCHOR_ATTRIBUTE, steps.path(element, text))


def names_of(tei_path: Path | str, data: bytes | None = None) -> list[list[str]]:
    """:func:`names_in` of the TEI file at ``tei_path`` (or of its bytes ``data``), read by the
    safe parser; raises :class:`RegisterError` naming the file when it cannot be read."""
    parsed = safe_xml.read(tei_path) if data is None else safe_xml.parse(str(tei_path), data)
    if parsed.tree is None:
        problem = parsed.problems[0]
        raise RegisterError(f"{tei_path}:{problem.line}:{problem.column}: error: {problem.code} {problem.message}")
    return names_in(parsed.tree.getroot())


# ------------------------------------------------------------------------------------ the pages

def summary(documents: Iterable[tuple[IndexRow, Sequence[Sequence[str]]]], authorities: Sequence[Path]) -> str:
    """What ``registers.xsl`` makes the pages of: one ``tp:document`` per document (its page,
    the facts of its index row, its names) and the TEI of each authority file (an entry in more
    than one counts as in the first). A file that is missing adds no entries; one that cannot be
    read raises :class:`RegisterError`."""
    parts = [SUMMARY_START]
    for row, names in documents:
        parts.append(document_start(row))
        parts += [name_xml(*name) for name in names]
        parts.append("</tp:document>")
    parts += _authority_xml(authorities)
    parts.append("</tp:registers>")
    return "".join(parts)


def _authority_xml(authorities: Sequence[Path]) -> list[str]:
    parts = []
    for authority in authorities:
        if not authority.exists():
            continue
        parsed = safe_xml.read(authority)
        if parsed.tree is None:
            problem = parsed.problems[0]
            raise RegisterError(f"{_shown(authority)}:{problem.line}:{problem.column}: error: the authority file "
                                f"cannot be read for the registers ({problem.code} {problem.message})")
        parts.append(etree.tostring(parsed.tree.getroot(), encoding="unicode"))
    return parts


#: Above this many documents a page is made in parts (``$part`` of registers.xsl), so that no
#: transformation holds every document's names.
DOCUMENTS_AT_ONCE = 500
_MENTIONS = re.compile(r'<tp-mentions data-id="([^"]*)"></tp-mentions>')


#: What makes the mentions of entries: given (register, id, summary of the documents naming it)
#: for each entry in turn, it yields the HTML of each list of mentions, in order.
MentionsMaker = Callable[[Iterator[tuple[str, str, str]], int], Iterator[str]]


def register_pages(mentions: Mentions, authorities: Sequence[Path], *, transforms: Path | None = None,
                   at_once: int | None = None, make_mentions: MentionsMaker | None = None,
                   kept: KeptLists | None = None) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each register page of the documents kept in ``mentions`` and of the authority files, as
    its name (``persons.html``…) and its bytes in parts: one transformation of every document
    when there are at most ``at_once`` (:data:`DOCUMENTS_AT_ONCE`), else the page made around
    the place of each entry's mentions, and each entry's mentions made from the documents that
    name it alone, by ``make_mentions`` (in this process unless another is given: the build
    hands them to its workers). Both ways give the same bytes. With ``kept`` (the lists the last
    build wrote, :class:`KeptLists`), a list made from the same summary is copied from the page
    written then instead of being made again, and where each list now lies is noted in it.
    Raises :class:`RegisterError`."""
    at_once = DOCUMENTS_AT_ONCE if at_once is None else at_once
    make_mentions = make_mentions or (lambda jobs, count: (mentions_html(*job, transforms) for job in jobs))
    try:
        executable = stylesheet("registers", transforms)
        if mentions.count <= at_once:
            node = _parse(mentions.summary(_authority_xml(authorities)))
            for register in REGISTERS:
                yield f"{register}.html", iter([_transform(executable, node, register=register).encode("utf-8")])
            return
        node = _parse(summary([(IndexRow("", {}), mentions.named())], authorities))
        for register in REGISTERS:
            page = _transform(executable, node, register=register, part="page")
            yield f"{register}.html", _put_together(page, mentions, register, make_mentions, kept)
    except RenderError as error:
        raise RegisterError(str(error)) from error


#: The most documents one list of mentions is made from at once: an entry named in more is
#: made in parts, each its documents' items of the list, put together inside one list.
DOCUMENTS_PER_MENTIONS = 1000
_LIST_START = '<ul class="mentions">'
_LIST_END = "</ul>"


class KeptLists:
    """The lists of mentions of the register pages a build wrote, so that the next build copies
    each list whose summary (the documents naming the entry, their rows and names) and
    stylesheets are the same instead of making it again: for each register and entry, the
    list's key and its place in the page (byte offset and length). ``lists`` is what the last
    build noted (its pages are used only when they are still what it wrote: ``pages``, each
    page's file and SHA-256); :attr:`noted` fills up with the lists of the pages being written."""

    def __init__(self, version: str, lists: dict | None = None, pages: dict[str, tuple[Path, str]] | None = None):
        self.version = version
        self.lists = lists or {}
        self.pages = pages or {}
        self.noted: dict[str, dict[str, list]] = {}

    def key(self, register: str, ident: str, mentions: Mentions) -> str:
        """The key of the list of ``ident`` in ``register``, made from the documents of ``mentions``."""
        return key(self.version, register, ident, DOCUMENTS_PER_MENTIONS, mentions.digest_of(ident))

    def reusable(self, register: str) -> tuple[dict[str, list], Path] | None:
        """The lists the last build wrote in the page of ``register`` and that page, when the
        page is still the one it wrote; None otherwise."""
        lists, (path, sha256) = self.lists.get(register), self.pages.get(register, (None, None))
        if not lists or path is None:
            return None
        try:
            with open(path, "rb") as stream:
                if hashlib.file_digest(stream, "sha256").hexdigest() != sha256:
                    return None
        except OSError:
            return None
        return lists, path


def _put_together(page: str, mentions: Mentions, register: str, make_mentions: MentionsMaker,
                  kept: KeptLists | None = None) -> Iterator[bytes]:
    places = list(_MENTIONS.finditer(page))
    idents = [unescape(place.group(1)) for place in places]
    reusable = kept.reusable(register) if kept is not None else None
    old, old_page = reusable if reusable is not None else ({}, None)
    keys = [kept.key(register, ident, mentions) for ident in idents] if kept is not None else [None] * len(idents)
    # the lists as the last build made them, from the same documents: copied from its page
    copied = {index for index, ident in enumerate(idents) if old and (old.get(ident) or [None])[0] == keys[index]}
    parts: deque[tuple[int, bool, bool]] = deque()  # for each job: its place, and whether it is its first and last part

    def jobs() -> Iterator[tuple[str, str, str]]:
        for index, ident in enumerate(idents):
            if index in copied:
                continue
            summaries = mentions.summaries(ident, DOCUMENTS_PER_MENTIONS)
            summary_text, first = next(summaries), True
            for following in summaries:
                parts.append((index, first, False))
                yield register, ident, summary_text
                summary_text, first = following, False
            parts.append((index, first, True))
            yield register, ident, summary_text

    noted = kept.noted.setdefault(register, {}) if kept is not None else {}
    made = iter(make_mentions(jobs(), len(places) - len(copied)))
    start, position = 0, 0  # in the page made around the lists (text), in the bytes written
    with open(old_page, "rb") if copied else nullcontext() as previous:
        for index, place in enumerate(places):
            before = page[start:place.start()].encode("utf-8")
            yield before
            position += len(before)
            start = place.end()
            length = 0
            if index in copied:
                _, offset, length = old[idents[index]]
                previous.seek(offset)
                data = previous.read(length)
                if len(data) != length:
                    raise RegisterError(f"registers: {old_page} is shorter than when it was written")
                yield data
            else:
                while True:
                    html = next(made)
                    _, first, last = parts.popleft()
                    if not (first and last):  # one of several parts: its items, inside the one list
                        if not (html.startswith(_LIST_START) and html.endswith(_LIST_END)):
                            raise RegisterError(f"registers: registers.xsl made no list of mentions for "
                                                f"{place.group(1)}")
                        html = html[len(_LIST_START) if not first else 0:len(html) - len(_LIST_END) if not last
                                    else len(html)]
                    data = html.encode("utf-8")
                    length += len(data)
                    yield data
                    if last:
                        break
            noted[idents[index]] = [keys[index], position, length]
            position += length
    yield page[start:].encode("utf-8")


def mentions_html(register: str, ident: str, summary_text: str, transforms: Path | None = None) -> str:
    """The list of the mentions of ``ident`` in ``register`` (``$part`` 'mentions' of
    registers.xsl), from the summary of the documents that name it."""
    return _transform(stylesheet("registers", transforms), _parse(summary_text),
                      register=register, part="mentions", id=ident)


def _parse(text: str):
    try:
        return _saxon().parse_xml(xml_text=text, encoding="UTF-8")
    except PySaxonApiError as error:
        raise RegisterError(f"registers: {_error_message(error)}") from error


def _transform(executable, node, **parameters: str) -> str:
    _set_parameters(executable, generator=GENERATOR, css=CSS_NAME, **parameters)
    try:
        return executable.transform_to_string(xdm_node=node) or ""
    except PySaxonApiError as error:
        raise RegisterError(f"registers: {_error_message(error)}") from error


def render_registers(documents: Iterable[tuple[IndexRow, Sequence[Sequence[str]]]], authorities: Sequence[Path], *,
                     transforms: Path | None = None, at_once: int | None = None) -> dict[str, bytes]:
    """The register pages, ``{"persons.html": bytes, …}``, of the documents (their index rows
    and :func:`names_in`) and the authority files (:func:`register_pages`)."""
    mentions = Mentions(documents)
    try:
        return {name: b"".join(parts) for name, parts in
                register_pages(mentions, authorities, transforms=transforms, at_once=at_once)}
    finally:
        mentions.close()


def write_registers(out_dir: Path, documents: Iterable[tuple[IndexRow, Sequence[Sequence[str]]]],
                    authorities: Sequence[Path], *, transforms: Path | None = None) -> list[Path]:
    """Write the register pages into ``out_dir``, each part by part; the paths written."""
    written = []
    mentions = Mentions(documents)
    try:
        for name, parts in register_pages(mentions, authorities, transforms=transforms):
            write_atomic(out_dir / name, parts, durable=False)
            written.append(out_dir / name)
    finally:
        mentions.close()
    return written


# ------------------------------------------------------------------------------------ in the build

#: This module's own code and the mentions': the names the manifest keeps depend on them.
_OWN = folder_digest(PACKAGE, ["registers.py", "mentions.py"])
#: The folders of the build the register pages are written to: beside the reading pages and
#: beside the review pages, as the index is.
FOLDERS = ("html", "html/review")


def registers_version(versions) -> str:
    """The version of the register pages: the renderer's, with this module's code and the mentions'."""
    return key(versions.renderer, _OWN)


def names_key(versions, tei_digest: str) -> str:
    """What a document's names are kept by: :func:`registers_version` and the digest of its TEI
    (the render stage, which reads the names with the pages, and the registers stage keep them
    alike)."""
    return key(registers_version(versions), tei_digest)


def names_job(job: tuple[Path, bytes | str]) -> list[list[str]] | str:
    """The names of a document given as (its path, its bytes), or why they could not be read:
    the build's workers read no file."""
    tei, data = job
    if isinstance(data, str):
        return data
    try:
        return names_of(tei, data)
    except RegisterError as error:
        return str(error)


def mentions_job(job: tuple[str, str, str, str]) -> tuple[str | None, str | None]:
    """:func:`mentions_html` for (the build's toolkit, register, id, summary) on the build's
    workers, with the stylesheets of the toolkit they were given: (the HTML, None), or (None,
    why it could not be made)."""
    from .executor import installed

    toolkit, register, ident, summary_text = job
    try:
        return mentions_html(register, ident, summary_text, installed(toolkit).transforms), None
    except RegisterError as error:
        return None, str(error)


