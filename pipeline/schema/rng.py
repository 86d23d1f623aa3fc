"""The profile as a RELAX NG schema (``schema/teipipe.rng``), written from the ODD, for jing,
oXygen and TEI Publisher.

Each spec of the ODD becomes one ``define``: a data type its data (a closed ``valList`` a choice
of values, an XML Schema type with its facets as parameters), an attribute class its optional
(or required) attributes, a model class the choice of its members, a macro its content, and an
element the ``element`` pattern with its attributes and content. ``start`` is the ODD's start
element. The grammar accepts what the XML Schema of :mod:`.xsd` accepts (a test runs both over
the fixtures and ``tei/``).
"""

from __future__ import annotations

from lxml import etree

from .. import TEI_NS
from .odd import NS, RNG_NS, UNBOUNDED, Attribute, Element, OddError, Profile, occurs
from .xsd import serialise

XSD_DATATYPES = "http://www.w3.org/2001/XMLSchema-datatypes"
ANNOTATIONS_NS = "http://relaxng.org/ns/compatibility/annotations/1.0"


def _rng(_local: str, parent=None, **attributes) -> etree._Element:
    if parent is None:
        return etree.Element(f"{{{RNG_NS}}}{_local}", attributes)
    return etree.SubElement(parent, f"{{{RNG_NS}}}{_local}", attributes)


def _tag(element) -> str:
    return etree.QName(element).localname


def _documented(parent, text: str) -> None:
    if text:
        etree.SubElement(parent, f"{{{ANNOTATIONS_NS}}}documentation").text = text


def _repeated(parent, low: int, high: int | None, make) -> None:
    """``make(into)`` written into ``parent`` so that it occurs low..high times."""
    if high is UNBOUNDED:
        for _ in range(low - 1):
            make(parent)
        make(_rng("oneOrMore" if low else "zeroOrMore", parent))
        return
    for _ in range(low):
        make(parent)
    for _ in range(high - low):
        make(_rng("optional", parent))


class _Writer:
    def __init__(self, profile: Profile):
        self.profile = profile

    # --- data ----------------------------------------------------------------------------------

    def data_ref(self, parent, data_ref) -> None:
        if data_ref.get("key"):
            _rng("ref", parent, name=data_ref.get("key"))
            return
        data = _rng("data", parent, type=data_ref.get("name"))
        for facet in data_ref.findall("t:dataFacet", NS):
            _rng("param", data, name=facet.get("name")).text = facet.get("value")
        if data_ref.get("restriction"):
            _rng("param", data, name="pattern").text = data_ref.get("restriction")

    def data(self, parent, particle, where: str) -> None:
        kind = _tag(particle)
        if kind == "valList":
            choice = _rng("choice", parent)
            for item in particle.findall("t:valItem", NS):
                _rng("value", choice).text = item.get("ident")
        elif kind == "dataRef":
            self.data_ref(parent, particle)
        elif kind == "alternate":
            choice = _rng("choice", parent)
            for data_ref in particle:
                self.data_ref(choice, data_ref)
        elif kind == "list" and particle.nsmap.get(particle.prefix) == RNG_NS:
            item = particle.find("rng:oneOrMore/rng:ref", NS)
            _rng("ref", _rng("oneOrMore", _rng("list", parent)), name=item.get("name"))
        else:
            raise OddError(f"{where}: {kind} is not a data type this generator writes")

    # --- attributes --------------------------------------------------------------------------------

    def attribute(self, parent, attribute: Attribute) -> None:
        holder = parent if attribute.required else _rng("optional", parent)
        declared = _rng("attribute", holder, name=attribute.ident)
        if attribute.ident.startswith("xml:"):
            declared.set("ns", "http://www.w3.org/XML/1998/namespace")
            declared.set("name", attribute.ident[4:])
        _documented(declared, attribute.desc)
        datatype = attribute.datatype
        if datatype is None:
            _rng("text", declared)
            return
        inner = [c for c in datatype if isinstance(c.tag, str)][0]
        where = f"{self.profile.path}: attDef {attribute.ident!r}"
        if attribute.is_list:
            low, high = occurs(datatype)
            _repeated(_rng("list", declared), max(low, 1), high, lambda into: self.data(into, inner, where))
        else:
            self.data(declared, inner, where)

    def attributes(self, parent, element: Element) -> None:
        expanded = self.profile.changed_classes(element)
        referenced = set()
        for source, attribute in self.profile.attributes_of(element):
            if source is None or source in expanded:
                self.attribute(parent, attribute)
            elif source not in referenced:
                referenced.add(source)
                _rng("ref", parent, name=source)

    # --- content -------------------------------------------------------------------------------------

    def particle(self, parent, particle) -> None:
        kind = _tag(particle)
        low, high = occurs(particle)

        def make(into) -> None:
            if kind == "textNode":
                _rng("text", into)
            elif kind == "empty":
                _rng("empty", into)
            elif kind in ("elementRef", "classRef", "macroRef"):
                _rng("ref", into, name=particle.get("key"))
            elif kind in ("alternate", "sequence"):
                group = _rng("choice" if kind == "alternate" else "group", into)
                for child in particle:
                    if isinstance(child.tag, str):
                        self.particle(group, child)
            else:
                raise OddError(f"{self.profile.path}: {kind} (line {particle.sourceline}) is not a content "
                               "particle this generator writes")

        _repeated(parent, low, high, make)

    # --- the grammar --------------------------------------------------------------------------------

    def grammar(self) -> etree._Element:
        profile = self.profile
        grammar = etree.Element(f"{{{RNG_NS}}}grammar", nsmap={None: RNG_NS, "a": ANNOTATIONS_NS},
                                ns=TEI_NS, datatypeLibrary=XSD_DATATYPES)
        _documented(grammar, profile.desc)
        _rng("ref", _rng("start", grammar), name=profile.start)
        for datatype in profile.datatypes.values():
            define = _rng("define", grammar, name=datatype.ident)
            _documented(define, datatype.desc)
            particles = [c for c in datatype.content if isinstance(c.tag, str)]
            self.data(define, particles[0], f"{profile.path}: dataSpec {datatype.ident!r}")
        for att_class in profile.att_classes.values():
            define = _rng("define", grammar, name=att_class.ident)
            _documented(define, att_class.desc)
            for attribute in att_class.attributes:
                self.attribute(define, attribute)
            if not att_class.attributes:
                _rng("empty", define)
        for model in profile.model_classes.values():
            define = _rng("define", grammar, name=model.ident)
            _documented(define, model.desc)
            members = profile.members(model.ident)
            choice = _rng("choice", define) if members else _rng("notAllowed", define)
            for _, ident in members:
                _rng("ref", choice, name=ident)
        for macro in profile.macros.values():
            define = _rng("define", grammar, name=macro.ident)
            _documented(define, macro.desc)
            self.particle(define, macro.content)
        for element in profile.elements.values():
            define = _rng("define", grammar, name=element.ident)
            declared = _rng("element", define, name=element.ident)
            _documented(declared, element.desc)
            self.attributes(declared, element)
            self.particle(declared, element.content)
        return grammar


def write(profile: Profile, generated_note: str) -> bytes:
    """The RELAX NG schema of ``profile``, as the bytes of the file."""
    grammar = _Writer(profile).grammar()
    etree.indent(grammar, space="  ")
    return serialise(grammar, generated_note)
