"""Renderings of the TEI: HTML pages, the corpus index and plain text, through XSLT 3.0.

Everything a reader sees comes from the TEI alone, by the stylesheets in ``pipeline/transforms/`` run
with saxonche (SaxonC-HE):

    html.xsl   one page per document; view ``reading`` (the edition) or ``review`` (every
               encoder decision highlighted and listed, uncertain ones first)
    text.xsl   plain text; view ``reading`` or ``diplomatic`` (the source text again, exactly)
    index.xsl  ``index.html``, a table of all documents, made from what it shows of each one
               (:func:`index_row`), so that it never needs every document at once
    registers.xsl  ``persons.html``, ``places.html``, ``organisations.html``: the authority
               file's entries and where the documents name them (:mod:`pipeline.registers`)
    teipipe.css  the one stylesheet of every page, copied next to them

Each stylesheet is compiled once per process and kept in a module-level cache; rendering many
documents applies the same compiled executable to each. Outputs are deterministic (no run date,
a fixed generator line) and written atomically.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from saxonche import (
    PySaxonApiError,
    PySaxonProcessor,
    PyXdmNode,
    PyXdmValue,
    PyXslt30Processor,
    PyXsltExecutable,
)

from . import __version__
from .atomic import write_atomic  # noqa: F401  (part of this module's API)
from .resources import TRANSFORMS
from .validate import safe_xml
from .validate.safe_xml import not_tei

CSS_NAME = "teipipe.css"
GENERATOR = f"teipipe {__version__}"
AUTHORITY_NAME = "authority.xml"

#: the views of each output format; the first is the default
VIEWS: dict[str, tuple[str, ...]] = {"html": ("reading", "review"), "text": ("reading", "diplomatic")}
#: file suffix of each output format
SUFFIXES = {"html": ".html", "text": ".txt"}
_STYLESHEETS = {"html": "html.xsl", "text": "text.xsl", "index": "index.xsl", "registers": "registers.xsl"}
#: The namespace of the stylesheets' functions (tp:), and of the index's summary.
FUNCTIONS_NS = "urn:x-teipipe:render"
INDEX_FACTS = f"{{{FUNCTIONS_NS}}}index-facts"


class RenderError(Exception):
    """A document that could not be rendered; the message names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


@dataclass
class RenderReport:
    """What :func:`render_corpus` wrote and what failed, one entry per input document."""

    out_dir: Path
    written: list[Path] = field(default_factory=list)
    failed: list[RenderError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------- compiled stylesheets

_processor: PySaxonProcessor | None = None
_compiler: PyXslt30Processor | None = None
_executables: dict[Path, PyXsltExecutable] = {}
#: The compiled stylesheet for (folder as given, name), the folder absolute (or None, the
#: package's): found without resolving the path again (a `stat` of each of its folders) for
#: every transformation.
_by_folder: dict[tuple[Path | None, str], PyXsltExecutable] = {}


def _saxon() -> PySaxonProcessor:
    global _processor
    if _processor is None:
        _processor = PySaxonProcessor(license=False)
    return _processor


def _xslt() -> PyXslt30Processor:
    # One compiler for the process: the executables it makes must not outlive it.
    global _compiler
    if _compiler is None:
        _compiler = _saxon().new_xslt30_processor()
    return _compiler


def stylesheet(name: str, transforms: Path | None = None) -> PyXsltExecutable:
    """The compiled stylesheet for ``name`` ('html', 'text' or 'index'), compiled on first use."""
    known = transforms is None or transforms.is_absolute()
    executable = _by_folder.get((transforms, name)) if known else None
    if executable is not None:
        return executable
    path = ((transforms or TRANSFORMS) / _STYLESHEETS[name]).resolve()
    executable = _executables.get(path)
    if executable is None:
        try:
            executable = _xslt().compile_stylesheet(stylesheet_file=str(path))
        except PySaxonApiError as error:
            raise RenderError(path, f"stylesheet does not compile: {error}") from error
        _executables[path] = executable
    if known:
        _by_folder[(transforms, name)] = executable
    return executable


# The values last given to each executable: saxonche does not keep them alive by itself, and a
# value freed while it is still set crashes the next transformation.
_parameter_values: dict[int, list] = {}


#: String values made once and kept (which keeps them alive): the parameters that are the same
#: for every document (the view, the generator line, the stylesheet's name, a source folder).
_strings: dict[str, object] = {}
_MAX_STRINGS = 1024


def _string_value(value: str):
    xdm = _strings.get(value)
    if xdm is None:
        xdm = _saxon().make_string_value(value)
        if len(_strings) < _MAX_STRINGS:
            _strings[value] = xdm
    return xdm


def _set_parameters(executable: PyXsltExecutable, **parameters: str | Sequence[str] | PyXdmValue) -> None:
    """Give ``executable`` these parameters (and no others): strings, sequences of strings, or
    values the processor made (a map :func:`index_facts_value` gave)."""
    saxon = _saxon()
    executable.clear_parameters()
    values = []
    for name, value in parameters.items():
        if isinstance(value, str):
            xdm = _string_value(value)
        elif isinstance(value, PyXdmValue):
            xdm = value
        else:
            xdm = saxon.empty_sequence()
            for item in value:
                xdm.add_xdm_item(saxon.make_string_value(item))
        executable.set_parameter(name, xdm)
        values.append(xdm)
    _parameter_values[id(executable)] = values


def _check_view(to: str, view: str | None) -> str:
    if to not in VIEWS:
        raise ValueError(f"unknown output {to!r}; expected one of {', '.join(VIEWS)}")
    view = view or VIEWS[to][0]
    if view not in VIEWS[to]:
        raise ValueError(f"--to {to} has no view {view!r}; expected one of {', '.join(VIEWS[to])}")
    return view


# ---------------------------------------------------------------- one document

def render_document(tei_path: Path | str, to: str = "html", view: str | None = None, *,
                    transforms: Path | None = None, source_base: str = "") -> str:
    """One TEI document as an HTML page (``to='html'``) or plain text (``to='text'``).
    ``source_base`` leads from the page's folder to the TEI file's (for links to the source)."""
    view = _check_view(to, view)
    tei_path = Path(tei_path)
    return render_node(parse_document(tei_path), to, view, tei_path, transforms=transforms, source_base=source_base)


#: Where each element of a document starts in its TEI file: an attribute the review view shows.
LINE_ATTRIBUTE = f"{{{FUNCTIONS_NS}}}line"
#: The anchor in its page of a name that points at the authority file (registers.mark_anchors).
ANCHOR_ATTRIBUTE = f"{{{FUNCTIONS_NS}}}anchor"


def parse_document(tei_path: Path | str) -> PyXdmNode:
    """The TEI document at ``tei_path``, parsed once for any number of renderings.

    The file is read by teipipe's safe parser (:mod:`pipeline.validate.safe_xml`), which refuses
    what ``teipipe validate`` refuses while reading (an entity declaration, a DTD, a file too
    large or too deep) with the same code; XML that is not TEI is refused too (the stylesheets
    would make an empty page of it). Every element of the header's profile and of the text
    carries its line in the file (tp:line), and every name that points at the authority file
    its anchor in the page (tp:anchor, :func:`registers.mark_anchors`). The XSLT processor gets the tree parsed here, as
    text without a DOCTYPE, and never reads a file, a DTD or an entity itself."""
    tei_path = Path(tei_path)
    return _for_rendering(safe_xml.read(tei_path), tei_path)


def parse_xml(data: bytes, name: Path | str) -> PyXdmNode:
    """A TEI document given as its bytes, parsed as :func:`parse_document` parses its file;
    ``name`` is the file named in errors."""
    return _for_rendering(safe_xml.parse(str(name), data), name)


def parse_xml_and_tree(data: bytes, name: Path | str) -> tuple[PyXdmNode, etree._ElementTree]:
    """:func:`parse_xml`, and the tree the safe parser read (each element with its line, as
    ``tp:line``), for what else is read of the document in the same pass."""
    parsed = safe_xml.parse(str(name), data)
    return _for_rendering(parsed, name), parsed.tree


def _for_rendering(parsed: safe_xml.Parsed, name: Path | str) -> PyXdmNode:
    """The document the safe parser read, with each element's line, as the XSLT processor's tree."""
    if parsed.problems:
        problem = parsed.problems[0]
        raise RenderError(name, f"{problem.code} at line {problem.line}, column {problem.column}: {problem.message}")
    why = not_tei(parsed.tree.getroot())
    if why is not None:
        raise RenderError(name, f"{why}: only TEI documents are rendered")
    for element in parsed.tree.iterfind(".//{*}profileDesc//*"):
        element.set(LINE_ATTRIBUTE, str(element.sourceline))
    for element in parsed.tree.iterfind(".//{*}text//*"):
        element.set(LINE_ATTRIBUTE, str(element.sourceline))
    from .registers import mark_anchors  # it renders through this module

    mark_anchors(parsed.tree.getroot())
    try:
        return _saxon().parse_xml(xml_text=safe_xml.serialise(parsed.tree), encoding="UTF-8")
    except PySaxonApiError as error:
        raise RenderError(name, _error_message(error)) from error


def render_node(node: PyXdmNode, to: str, view: str | None, name: Path | str, *,
                transforms: Path | None = None, source_base: str = "", facts: PyXdmValue | None = None) -> str:
    """A parsed document (:func:`parse_document`) rendered as :func:`render_document` renders
    its file; ``name`` is the file named in errors. ``facts``, the document's
    :func:`index_facts_value` when the caller has it, spares the stylesheet working out the
    header facts and the counts again (the page is the same)."""
    executable = stylesheet(to, transforms)
    extra: dict[str, str | PyXdmValue] = {"source-base": source_base} if to == "html" else {}
    if facts is not None:
        extra["index-facts"] = facts
    _set_parameters(executable, view=_check_view(to, view), generator=GENERATOR, css=CSS_NAME, **extra)
    try:
        result = executable.transform_to_string(xdm_node=node)
    except PySaxonApiError as error:
        raise RenderError(name, _error_message(error)) from error
    if result is None:
        raise RenderError(name, "the transformation produced no output")
    return result


def render_views(tei_path: Path | str, views: Iterable[tuple[str, str]], *,
                 transforms: Path | None = None) -> dict[tuple[str, str], str]:
    """Several renderings of one document, ``{(to, view): text}``, from a single parse of it
    and one reading of its facts (:func:`index_facts_value`). Each is the same text
    :func:`render_document` gives."""
    node = parse_document(tei_path)
    facts = index_facts_value(node, tei_path, transforms=transforms)
    return {(to, view): render_node(node, to, view, tei_path, transforms=transforms, facts=facts)
            for to, view in views}


# ---------------------------------------------------------------- the index

@dataclass(frozen=True)
class IndexRow:
    """What ``index.html`` shows of one document: its page (beside the index) and its facts
    (``tp:index-facts`` of ``index.xsl``: the header facts and the number of redactions)."""

    page: str
    facts: dict[str, str]


def page_name(tei_path: Path | str) -> str:
    """The page of a TEI file as the index links to it: the last step of the file's URI, with
    ``.html`` for ``.xml``."""
    return Path(tei_path).resolve().as_uri().rsplit("/", 1)[-1].removesuffix(".xml") + ".html"


def index_facts(node: PyXdmNode, name: Path | str, *, transforms: Path | None = None) -> dict[str, str] | None:
    """What the index shows of a parsed document (:func:`parse_document`), as strings; None
    when it is not a TEI document. ``name`` is the file named in errors."""
    return facts_of(index_facts_value(node, name, transforms=transforms))


def index_facts_value(node: PyXdmNode, name: Path | str, *,
                      transforms: Path | None = None) -> PyXdmValue | None:
    """``tp:index-facts`` of a parsed document as the processor's map, or None when it is not a
    TEI document: read as strings by :func:`facts_of`, and handed as it is to the document's
    renderings (:func:`render_node`), which then take the facts and the counts from it instead
    of working them out again in every view."""
    executable = stylesheet("index", transforms)
    _set_parameters(executable)
    try:
        value = executable.call_function_returning_value(INDEX_FACTS, [node])
    except PySaxonApiError as error:
        raise RenderError(name, _error_message(error)) from error
    return None if value is None or value.size == 0 else value


def facts_of(value: PyXdmValue | None) -> dict[str, str] | None:
    """The map :func:`index_facts_value` gave, as strings."""
    if value is None:
        return None
    facts = value.head.get_map_value()
    return {key.string_value: facts.get(key).head.string_value for key in facts.keys()}


def index_row(tei_path: Path | str, *, transforms: Path | None = None) -> IndexRow | None:
    """The row of the TEI file at ``tei_path``; None when it is not a TEI document."""
    facts = index_facts(parse_document(tei_path), tei_path, transforms=transforms)
    return None if facts is None else IndexRow(page_name(tei_path), facts)


def index_summary(rows: Iterable[IndexRow]) -> str:
    """The summary ``index.xsl`` makes the page of: one ``tp:document`` per row, in order."""
    parts = [f'<tp:documents xmlns:tp="{FUNCTIONS_NS}">']
    for row in rows:
        parts.append(f"<tp:document page={quoteattr(row.page)}>")
        for name, value in sorted(row.facts.items()):
            parts.append(f"<tp:fact name={quoteattr(name)}>{escape(value, _CARRIAGE_RETURN)}</tp:fact>")
        parts.append("</tp:document>")
    parts.append("</tp:documents>")
    return "".join(parts)


#: Kept as it is in the text of an element (a parser would read a bare one as a line feed).
_CARRIAGE_RETURN = {"\r": "&#13;"}


#: The rows of ``index.html`` made in one transformation at most: the processor then holds
#: a part of a large table at a time, not the whole.
ROWS_PER_PART = 2000
_EMPTY_BODY = "<tbody></tbody>"


def render_rows(rows: Iterable[IndexRow], *, title: str = "Documents", transforms: Path | None = None) -> str:
    """``index.html`` for the rows (:func:`index_row`): one table row each, linking to its page."""
    return "".join(index_parts(rows, title=title, transforms=transforms))


def index_parts(rows: Iterable[IndexRow], *, title: str = "Documents", transforms: Path | None = None,
                rows_per_part: int | None = None) -> Iterator[str]:
    """``index.html`` for the rows, in parts whose text put together is the page. The rows are
    put in the order of ``index.xsl`` (by sort date, undated last, then by page) and made
    at most ``rows_per_part`` at a time, inside the page made around an empty table."""
    return (text for _, text in index_chunks(rows, title=title, transforms=transforms, rows_per_part=rows_per_part))


def index_chunks(rows: Iterable[IndexRow], *, title: str = "Documents", transforms: Path | None = None,
                 rows_per_part: int | None = None,
                 kept: Callable[[str], str | None] | None = None) -> Iterator[tuple[str | None, str]]:
    """:func:`index_parts` as (key, text): the key of each part of the table's rows (a digest
    of the rows it was made from and of the title), None for the rest of the page. ``kept``
    gives the text made before for a key, or None: a part it gives is not made again.

    Where a part ends is decided by its rows, not by their number: after a row whose page's
    digest falls in one of ``rows_per_part // 2`` (and after ``rows_per_part`` rows at most), so
    that a row added, changed or taken away changes the part it is in and leaves the others as
    they were. (The rows of the table do not depend on their neighbours: any cut gives the
    same page.)"""
    rows_per_part = rows_per_part or ROWS_PER_PART
    ordered = sorted(rows, key=lambda row: (row.facts.get("sort-date", "9999"), row.page))
    if len(ordered) <= rows_per_part:
        yield None, _transform_index(index_summary(ordered), title=title, transforms=transforms)
        return
    redactions = sum(int(row.facts["redactions"]) for row in ordered if "redactions" in row.facts)
    page = _transform_index(index_summary([]), transforms=transforms, title=title, part="page",
                            documents_count=len(ordered), redactions_count=redactions)
    before, found, after = page.partition(_EMPTY_BODY)
    if not found:
        raise RenderError("index.html", "index.xsl made no empty table body to put the rows in")
    yield None, before + "<tbody>"
    for part in _cut(ordered, rows_per_part):
        summary_text = index_summary(part)
        part_key = hashlib.sha256(f"{title}\0{summary_text}".encode("utf-8")).hexdigest()
        made = kept(part_key) if kept is not None else None
        yield part_key, made if made is not None else _transform_index(summary_text, transforms=transforms,
                                                                        title=title, part="rows")
    yield None, "</tbody>" + after


def _cut(ordered: list[IndexRow], most: int) -> Iterator[list[IndexRow]]:
    """The rows in parts of at most ``most``, each ending where its last row says (:func:`index_chunks`)."""
    every = max(most // 2, 1)
    part: list[IndexRow] = []
    for row in ordered:
        part.append(row)
        if len(part) == most or int.from_bytes(hashlib.sha256(row.page.encode("utf-8")).digest()[:8], "big") % every == 0:
            yield part
            part = []
    if part:
        yield part


def _transform_index(summary_text: str, *, transforms: Path | None, **parameters) -> str:
    try:
        summary = _saxon().parse_xml(xml_text=summary_text, encoding="UTF-8")
        executable = stylesheet("index", transforms)
        saxon = _saxon()
        executable.clear_parameters()
        values = []
        for name, value in {**parameters, "generator": GENERATOR, "css": CSS_NAME}.items():
            xdm = saxon.make_integer_value(value) if isinstance(value, int) else saxon.make_string_value(value)
            executable.set_parameter(name.replace("_", "-"), xdm)
            values.append(xdm)
        _parameter_values[id(executable)] = values
        result = executable.transform_to_string(xdm_node=summary)
    except PySaxonApiError as error:
        raise RenderError("index.html", _error_message(error)) from error
    return result or ""


def render_index(tei_paths: Iterable[Path | str], *, title: str = "Documents",
                 transforms: Path | None = None) -> str:
    """``index.html`` for the documents: one table row each, linking to ``<stem>.html``. Each
    document is parsed in turn for its row, and let go."""
    rows = []
    for path in tei_paths:
        try:
            row = index_row(path, transforms=transforms)
        except RenderError as error:
            raise RenderError("index.html", str(error)) from error
        if row is not None:
            rows.append(row)
    return render_rows(rows, title=title, transforms=transforms)


def _error_message(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:3]) or type(error).__name__


# ---------------------------------------------------------------- a whole corpus

def document_paths(paths: Iterable[Path | str]) -> list[Path]:
    """The TEI documents named by ``paths``: files as given, folders as their ``*.xml`` files
    (the authority file left out), in name order, each once."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.glob("*.xml")) if p.name != AUTHORITY_NAME)
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def default_out_dir(build: Path, to: str, view: str | None = None) -> Path:
    """Where the command writes by default: build/html, build/html/review, build/text,
    build/text/diplomatic."""
    view = _check_view(to, view)
    base = build / to
    return base if view == VIEWS[to][0] else base / view


class OutputFolderError(ValueError):
    """The output folder is one whose files rendering would overwrite: nothing was written."""


def check_out_dir(out_dir: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that is one of ``protected`` (the folders of the documents, the
    sources, the schema, the stylesheets): renderings written there would replace their files."""
    try:
        target = out_dir.resolve()
    except (OSError, RuntimeError):
        return
    for folder in protected:
        try:
            if folder.resolve() == target:
                raise OutputFolderError(f"{out_dir}: is {folder}, a folder of documents, sources, schemas or "
                                        "stylesheets: rendering there would overwrite its files; choose "
                                        "another output folder")
        except (OSError, RuntimeError):
            continue


def render_corpus(paths: Iterable[Path | str], out_dir: Path | str, to: str = "html",
                  view: str | None = None, *, transforms: Path | None = None,
                  protected: Iterable[Path | str] = ()) -> RenderReport:
    """Render every document in ``paths`` into ``out_dir`` as ``<stem>.html`` or ``<stem>.txt``.

    A document that fails (not TEI, not well-formed, refused by the safe parser) is reported and
    the others still render. HTML output also gets ``index.html`` (of the documents that
    rendered), the registers of the names they point at in the authority files beside them
    (:mod:`pipeline.registers`) and a copy of ``teipipe.css``. When every document fails, nothing is written.
    Raises :class:`OutputFolderError`, writing nothing, when ``out_dir`` is the folder of one of
    the documents or one of the folders ``protected``.
    """
    view = _check_view(to, view)
    out_dir = Path(out_dir)
    documents = document_paths(paths)
    check_out_dir(out_dir, [p.parent for p in documents] + [Path(p) for p in protected])
    report = RenderReport(out_dir)
    rendered: list[Path] = []
    for tei_path in documents:
        target = out_dir / (tei_path.stem + SUFFIXES[to])
        try:
            base = os.path.relpath(tei_path.resolve().parent, out_dir.resolve()).replace(os.sep, "/") + "/"
            page = render_document(tei_path, to, view, transforms=transforms, source_base=base)
        except RenderError as error:
            report.failed.append(error)
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, page, durable=False)
        rendered.append(tei_path)
        report.written.append(target)
    if report.failed and not rendered:
        return report  # nothing rendered: nothing written, not even an empty index
    out_dir.mkdir(parents=True, exist_ok=True)
    if to == "html":
        from . import registers  # it renders through this module

        try:
            index = render_index(rendered, transforms=transforms)
        except RenderError as error:
            report.failed.append(error)
        else:
            write_atomic(out_dir / "index.html", index, durable=False)
            report.written.append(out_dir / "index.html")
        try:
            named = [(index_row(path, transforms=transforms), registers.names_of(path)) for path in rendered]
            folders = list(dict.fromkeys(path.parent for path in rendered))
            report.written += registers.write_registers(out_dir, [(row, names) for row, names in named if row],
                                                        [folder / AUTHORITY_NAME for folder in folders],
                                                        transforms=transforms)
        except (RenderError, registers.RegisterError) as error:
            report.failed.append(error if isinstance(error, RenderError) else RenderError("registers", str(error)))
        css = (transforms or TRANSFORMS) / CSS_NAME
        write_atomic(out_dir / CSS_NAME, css.read_bytes(), durable=False)
        report.written.append(out_dir / CSS_NAME)
    return report
