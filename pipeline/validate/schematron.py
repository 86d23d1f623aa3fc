"""ISO Schematron: compiled to XSLT 3.0 here, run with saxonche, each schema once per process.

:func:`compile_xslt` turns a Schematron (a ``sch:schema``, or the ``sch:pattern`` elements
embedded in a RELAX NG grammar such as tei_all.rng) into one XSLT 3.0 stylesheet. It handles
the parts of Schematron that teipipe's rules and the TEI's grammars use: ``ns``, ``let`` (of the
schema, a pattern or a rule), ``pattern``, ``rule``, ``assert``, ``report``, ``name``,
``value-of``, ``emph`` and ``diagnostics``; an abstract rule or pattern, ``extends``, phases and
``include`` are refused with a clear error. Each pattern is one mode: within a pattern a node is
checked by the first rule whose context matches it, as Schematron says.

The stylesheet writes one line per failed assertion or successful report: the assert's
``@id`` (teipipe's rules give their code there), its ``@role``, the pattern's id, where the node
is (a path of positions, ``/*[1]/*[2]/@when``, which :mod:`lxml` evaluates on the same document)
and the message. :func:`for_file` and :func:`embedded_in` give a :class:`Schematron` ready to
run; the Schematron embedded in a grammar is extracted once per grammar version and kept in the
user's cache folder under the grammar's SHA-256.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from ..atomic import write_atomic

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
RESULT_NS = "urn:x-teipipe:schematron"
SCH = {"sch": SCH_NS}

#: Bump when the stylesheets this module writes change: the cached ones are then written again.
COMPILER_VERSION = "3"

#: The roles that make a finding a warning; any other role (or none) makes it an error.
WARNING_ROLES = frozenset({"warning", "warn", "info", "information", "nonfatal-warning"})


class SchematronError(ValueError):
    """A Schematron that cannot be compiled or run; the message names the file and the reason."""


@dataclass(frozen=True)
class Finding:
    """One failed assertion or successful report."""

    id: str  # the assert's or report's @id ('' when it has none)
    role: str
    pattern: str
    location: str  # /*[1]/*[3]/@when
    message: str

    @property
    def is_warning(self) -> bool:
        return self.role.lower() in WARNING_ROLES


# --- compiling --------------------------------------------------------------------------------------


def _xsl(_local: str, parent=None, **attributes) -> etree._Element:
    if parent is None:
        return etree.Element(f"{{{XSL_NS}}}{_local}", attributes)
    return etree.SubElement(parent, f"{{{XSL_NS}}}{_local}", attributes)


def _local(element) -> str:
    return etree.QName(element).localname


class _Compiler:
    def __init__(self, source: str, namespaces: dict[str, str], diagnostics: dict[str, etree._Element]):
        self.source = source
        self.namespaces = namespaces
        self.diagnostics = diagnostics

    def refuse(self, element, what: str):
        raise SchematronError(f"{self.source}: line {element.sourceline}: {what} is not supported by "
                              "teipipe's Schematron compiler")

    def let(self, parent, let) -> None:
        if let.get("value") is None:
            self.refuse(let, "a let without @value")
        _xsl("variable", parent, name=let.get("name"), select=let.get("value"))

    def message(self, parent, element) -> None:
        """The text of an assert, report or diagnostic, with name and value-of evaluated."""
        if element.text:
            _xsl("text", parent).text = element.text
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == f"{{{SCH_NS}}}name":
                _xsl("value-of", parent, select=f"name({child.get('path', '.')})")
            elif child.tag == f"{{{SCH_NS}}}value-of":
                _xsl("value-of", parent, select=child.get("select"), separator=" ")
            else:  # emph, dir, span, foreign markup: their text
                self.message(parent, child)
            if child.tail:
                _xsl("text", parent).text = child.tail

    def check(self, template, check, pattern_id: str) -> None:
        test = check.get("test")
        is_assert = _local(check) == "assert"
        condition = _xsl("if", template, test=f"not({test})" if is_assert else f"boolean({test})")
        fields = [check.get("id", ""), check.get("role", ""), pattern_id]
        literals = ", ".join("'" + field.replace("'", "''") + "'" for field in fields)
        _xsl("value-of", condition, select=f"({literals}, tp:path(.))", separator="\t")
        _xsl("text", condition).text = "\t"
        message = _xsl("variable", condition, name="message")
        self.message(message, check)
        for ident in check.get("diagnostics", "").split():
            if ident not in self.diagnostics:
                raise SchematronError(f"{self.source}: line {check.sourceline}: no diagnostic {ident!r}")
            _xsl("text", message).text = " "
            self.message(message, self.diagnostics[ident])
        _xsl("value-of", condition, select="normalize-space($message)")
        _xsl("text", condition).text = "\n"

    def pattern(self, stylesheet, pattern, number: int) -> tuple[str, str]:
        """The templates of one pattern, in a mode of its own; returns the mode and the
        expression that selects the nodes its rules may match."""
        if pattern.get("abstract") == "true" or pattern.get("is-a"):
            self.refuse(pattern, "an abstract pattern")
        pattern_id = pattern.get("id") or f"pattern-{number}"
        mode = f"tp:p{number}"
        rules = pattern.findall("sch:rule", SCH)
        for index, rule in enumerate(rules):
            if rule.get("abstract") == "true" or rule.find("sch:extends", SCH) is not None:
                self.refuse(rule, "an abstract rule")
            template = _xsl("template", stylesheet, match=rule.get("context"), mode=mode,
                            priority=str(len(rules) - index))
            # A dynamic error (a cast of a bad value, say) is reported at the node, and the
            # other rules and patterns still run.
            attempt = _xsl("try", template)
            for let in [*pattern.findall("sch:let", SCH), *rule.findall("sch:let", SCH)]:
                self.let(attempt, let)
            for check in rule:
                if isinstance(check.tag, str) and _local(check) in ("assert", "report") and check.tag.startswith(f"{{{SCH_NS}}}"):
                    self.check(attempt, check, pattern_id)
            failed = _xsl("catch", attempt)
            literal = pattern_id.replace("'", "''")
            _xsl("value-of", failed, separator="\t", select=(
                f"('', 'error', '{literal}', tp:path(.), 'the constraint cannot be evaluated here: ' "
                "|| normalize-space($err:description))"))
            _xsl("text", failed).text = "\n"
        _xsl("template", stylesheet, match="node()|@*", mode=mode, priority="-1000")
        return mode, " | ".join(_candidates(rule.get("context")) for rule in rules) or "()"


def _candidates(context: str) -> str:
    """An expression for the nodes a rule context (an XSLT pattern) may match: the pattern
    itself when it is one absolute path, else the pattern from every node of the document
    (an absolute branch of a union still selects from the root)."""
    if context.lstrip().startswith("/") and "|" not in context:
        return f"({context})"
    return f"(//({context}))"


def _path_function(stylesheet) -> None:
    function = _xsl("function", stylesheet, name="tp:path", **{"as": "xs:string"})
    _xsl("param", function, name="node", **{"as": "node()"})
    _xsl("sequence", function, select=(
        "string-join(for $e in $node/ancestor-or-self::* return "
        "concat('/*[', count($e/preceding-sibling::*) + 1, ']'), '')"
        " || (if ($node instance of attribute()) then concat('/@', "
        "if (namespace-uri($node)) then concat('{', namespace-uri($node), '}', local-name($node)) "
        "else local-name($node)) else '')"))


def compile_xslt(patterns: list, namespaces: dict[str, str], source: str, lets: list = (),
                 diagnostics: dict | None = None) -> str:
    """The XSLT 3.0 stylesheet that runs ``patterns`` (``sch:pattern`` elements); ``namespaces``
    are the prefixes of the ``sch:ns`` declarations, ``lets`` the schema's ``sch:let``."""
    nsmap = {"xsl": XSL_NS, "xs": "http://www.w3.org/2001/XMLSchema", "tp": RESULT_NS,
             "err": "http://www.w3.org/2005/xqt-errors"}
    for prefix, uri in namespaces.items():
        if prefix not in nsmap:
            nsmap[prefix] = uri
    stylesheet = etree.Element(f"{{{XSL_NS}}}stylesheet", nsmap=nsmap, version="3.0")
    stylesheet.set("exclude-result-prefixes", "#all")
    _xsl("output", stylesheet, method="text", encoding="UTF-8")
    _xsl("global-context-item", stylesheet, use="required", **{"as": "document-node()"})
    _path_function(stylesheet)
    compiler = _Compiler(source, namespaces, diagnostics or {})
    for let in lets:  # the schema's: global, evaluated once per document
        compiler.let(stylesheet, let)
    main = _xsl("template", stylesheet, match="/")
    for number, pattern in enumerate(patterns, start=1):
        # Each pattern visits only the nodes its rules may match; of those, a node is checked
        # by the first rule that matches it (the rules' priorities say which).
        mode, candidates = compiler.pattern(stylesheet, pattern, number)
        _xsl("apply-templates", main, select=candidates, mode=mode)
    etree.indent(stylesheet, space="  ")
    return etree.tostring(stylesheet, encoding="unicode")


def _namespaces(tree) -> dict[str, str]:
    return {ns.get("prefix"): ns.get("uri") for ns in tree.iter(f"{{{SCH_NS}}}ns")}


def compile_schema(tree, source: str) -> str:
    """The stylesheet of a Schematron document (``sch:schema``)."""
    root = tree.getroot()
    if root.tag != f"{{{SCH_NS}}}schema":
        raise SchematronError(f"{source}: not an ISO Schematron schema (its root is {root.tag})")
    for unsupported in ("include", "phase", "extends"):
        found = root.find(f".//sch:{unsupported}", SCH)
        if found is not None:
            raise SchematronError(f"{source}: line {found.sourceline}: sch:{unsupported} is not supported "
                                  "by teipipe's Schematron compiler")
    binding = root.get("queryBinding", "xslt")
    if binding.lower() not in ("xslt2", "xslt3", "xpath2", "xpath3", "xpath31"):
        raise SchematronError(f"{source}: queryBinding {binding!r}: teipipe runs xslt2 and xslt3 Schematron")
    diagnostics = {d.get("id"): d for d in root.iterfind("sch:diagnostics/sch:diagnostic", SCH)}
    return compile_xslt(root.findall("sch:pattern", SCH), _namespaces(tree), source,
                        root.findall("sch:let", SCH), diagnostics)


def compile_embedded(tree, source: str) -> str:
    """The stylesheet of the Schematron a RELAX NG grammar embeds (every ``sch:pattern`` in it,
    wherever it stands, in document order)."""
    return compile_xslt(list(tree.iter(f"{{{SCH_NS}}}pattern")), _namespaces(tree), source)


# --- running --------------------------------------------------------------------------------------------


class Schematron:
    """A compiled Schematron, run on documents parsed by lxml."""

    def __init__(self, xslt: str, source: str):
        from ..render import _saxon, _xslt  # one Saxon processor per process, shared with rendering
        from saxonche import PySaxonApiError

        self.source = source
        self.pattern_count = xslt.count('priority="-1000"')
        self._saxon = _saxon()
        try:
            self._executable = _xslt().compile_stylesheet(stylesheet_text=xslt)
        except PySaxonApiError as error:
            raise SchematronError(f"{source}: the Schematron does not compile: {error}") from error

    def run(self, tree) -> list[Finding]:
        """The findings on ``tree`` (an lxml tree); its locations are paths into that tree."""
        from saxonche import PySaxonApiError

        text = etree.tostring(tree.getroot(), encoding="unicode")
        try:
            document = self._saxon.parse_xml(xml_text=text)
            output = self._executable.transform_to_string(xdm_node=document) or ""
        except PySaxonApiError as error:
            raise SchematronError(f"{self.source}: the Schematron failed on a document: {error}") from error
        findings = []
        for line in output.splitlines():
            if line:
                ident, role, pattern, location, message = line.split("\t", 4)
                findings.append(Finding(ident, role, pattern, location, message))
        return findings


def locate(tree, location: str):
    """(element, attribute name or None) for a location a Schematron finding gives."""
    attribute = None
    if "/@" in location:
        location, attribute = location.rsplit("/@", 1)
        if attribute.startswith("{http://www.w3.org/XML/1998/namespace}"):
            attribute = "xml:" + attribute.split("}", 1)[1]
    found = tree.xpath(location) if location else []
    return (found[0] if found else tree.getroot()), attribute


def _parse(path: Path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.parse(str(path), parser)
    except (OSError, etree.XMLSyntaxError) as error:
        raise SchematronError(f"{path}: cannot read it: {error}") from error


@cache
def for_file(path: Path) -> Schematron:
    """The Schematron document at ``path``, compiled once per process."""
    return Schematron(compile_schema(_parse(path), str(path)), str(path))


def cache_folder() -> Path:
    """Where compiled Schematron is kept between runs: $XDG_CACHE_HOME/teipipe/schematron."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teipipe" / "schematron"


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def processor_started() -> bool:
    """Whether this process has started its XSLT processor (which a fork does not carry over)."""
    from .. import render

    return render._processor is not None


@cache
def embedded_in(grammar: Path) -> Schematron | None:
    """The Schematron the RELAX NG grammar at ``grammar`` embeds, compiled once per process;
    None when it embeds none."""
    xslt = extract_embedded(grammar)
    return Schematron(xslt, str(grammar)) if xslt else None


@cache
def extract_embedded(grammar: Path) -> str:
    """The XSLT of the Schematron the grammar embeds ('' when none), extracted once per grammar
    version: it is kept in :func:`cache_folder` under the grammar's SHA-256."""
    digest = _digest(grammar)
    cached = cache_folder() / f"{digest}-{COMPILER_VERSION}.xsl"
    xslt = None
    if cached.is_file():
        xslt = cached.read_text(encoding="utf-8")
    else:
        tree = _parse(grammar)
        if next(tree.iter(f"{{{SCH_NS}}}pattern"), None) is None:
            xslt = ""
        else:
            xslt = compile_embedded(tree, str(grammar))
        try:
            write_atomic(cached, xslt)
        except OSError:
            pass  # a read-only home: extract again next time
    return xslt
