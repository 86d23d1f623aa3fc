"""The profile as an XML Schema 1.0 (``schema/teipipe.xsd``), written from the ODD.

How each spec of the ODD becomes XML Schema:

* a ``dataSpec``             a named ``xs:simpleType`` (a closed ``valList`` restricts
                             ``xs:NCName``; an ``alternate`` is a union; ``rng:list`` a list of at
                             least one item), documented with its ``desc``;
* an attribute ``classSpec`` an ``xs:attributeGroup``;
* a model ``classSpec``      an ``xs:group``: the choice of its members;
* a ``macroSpec``            its content, written where it is used;
* an ``elementSpec``         an ``xs:element`` with its complex type: text only becomes simple
                             content, text among elements mixed content. Its attribute classes
                             are attribute group references, unless the element changes one of
                             their attributes: then that class's attributes are written out.

The attributes of the XML namespace (``xml:id``, ``xml:lang``) are references into
``schema/xml.xsd``, which the schema imports so that it loads without the network.
"""

from __future__ import annotations

from lxml import etree

from .. import TEI_NS
from .odd import NS, RNG_NS, UNBOUNDED, Attribute, Element, OddError, Profile, occurs

XS = "http://www.w3.org/2001/XMLSchema"
XML_SCHEMA_FILE = "xml.xsd"

#: What a valList's values must be, in the XML Schema.
ENUMERATION_BASE = "xs:NCName"


def _xs(_local: str, parent=None, **attributes) -> etree._Element:
    attributes = {k: v for k, v in attributes.items() if v is not None}
    if parent is None:
        return etree.Element(f"{{{XS}}}{_local}", attributes)
    return etree.SubElement(parent, f"{{{XS}}}{_local}", attributes)


def _documented(parent, text: str) -> None:
    if text:
        _xs("documentation", _xs("annotation", parent)).text = text


def _tag(element) -> str:
    return etree.QName(element).localname


def _set_occurs(target, low: int, high: int | None) -> None:
    if low != 1:
        target.set("minOccurs", str(low))
    if high != 1:
        target.set("maxOccurs", "unbounded" if high is UNBOUNDED else str(high))


class _Writer:
    def __init__(self, profile: Profile):
        self.profile = profile

    # --- data types ---------------------------------------------------------------------------

    def type_name(self, data_ref) -> str:
        if data_ref.get("key"):
            if data_ref.get("key") not in self.profile.datatypes:
                raise OddError(f"{self.profile.path}: dataRef {data_ref.get('key')!r} names no dataSpec")
            return data_ref.get("key")
        return f"xs:{data_ref.get('name')}"

    def restriction(self, parent, data_ref) -> None:
        """``parent`` restricted to the XML Schema type of ``data_ref`` and its facets."""
        restriction = _xs("restriction", parent, base=self.type_name(data_ref))
        for facet in data_ref.findall("t:dataFacet", NS):
            _xs(facet.get("name"), restriction, value=facet.get("value"))
        if data_ref.get("restriction"):
            _xs("pattern", restriction, value=data_ref.get("restriction"))

    def simple_content(self, simple_type, particle, where: str) -> None:
        kind = _tag(particle)
        if kind == "valList":
            restriction = _xs("restriction", simple_type, base=ENUMERATION_BASE)
            for item in particle.findall("t:valItem", NS):
                _xs("enumeration", restriction, value=item.get("ident"))
        elif kind == "dataRef":
            if particle.get("restriction") or particle.find("t:dataFacet", NS) is not None:
                self.restriction(simple_type, particle)
            else:  # a plain reference: a restriction that adds nothing
                _xs("restriction", simple_type, base=self.type_name(particle))
        elif kind == "alternate":
            _xs("union", simple_type, memberTypes=" ".join(self.type_name(d) for d in particle))
        elif kind == "list" and particle.nsmap.get(particle.prefix) == RNG_NS:
            item = particle.find("rng:oneOrMore/rng:ref", NS)
            self.list_of(simple_type, item.get("name"))
        else:
            raise OddError(f"{where}: {kind} is not a data type this generator writes")

    def list_of(self, simple_type, item_type: str) -> None:
        restriction = _xs("restriction", simple_type)
        _xs("list", _xs("simpleType", restriction), itemType=item_type)
        _xs("minLength", restriction, value="1")

    def data_type(self, schema, datatype) -> None:
        simple_type = _xs("simpleType", schema, name=datatype.ident)
        _documented(simple_type, datatype.desc)
        particles = [c for c in datatype.content if isinstance(c.tag, str)]
        if len(particles) != 1:
            raise OddError(f"{self.profile.path}: dataSpec {datatype.ident!r}: its content must be one particle")
        self.simple_content(simple_type, particles[0], f"{self.profile.path}: dataSpec {datatype.ident!r}")

    # --- attributes -----------------------------------------------------------------------------

    def attribute(self, parent, attribute: Attribute) -> None:
        use = "required" if attribute.required else None
        if attribute.ident.startswith("xml:"):
            _xs("attribute", parent, ref=attribute.ident, use=use)
            return
        declared = _xs("attribute", parent, name=attribute.ident, use=use)
        datatype = attribute.datatype
        if datatype is None:
            declared.set("type", "xs:string")
            return
        inner = [c for c in datatype if isinstance(c.tag, str)][0]
        simple = _tag(inner) == "dataRef" and not inner.get("restriction") and inner.find("t:dataFacet", NS) is None
        if attribute.is_list:
            self.list_of(_xs("simpleType", declared), self.type_name(inner))
        elif simple:
            declared.set("type", self.type_name(inner))
        else:
            self.simple_content(_xs("simpleType", declared), inner, f"{self.profile.path}: attDef {attribute.ident!r}")

    def attributes(self, parent, element: Element) -> None:
        expanded = self.profile.changed_classes(element)
        for source, attribute in self.profile.attributes_of(element):
            if source is None or source in expanded:
                self.attribute(parent, attribute)
            elif not parent.findall(f"{{{XS}}}attributeGroup[@ref='{source}']"):
                _xs("attributeGroup", parent, ref=source)

    # --- content ---------------------------------------------------------------------------------

    def particle(self, particle) -> etree._Element | None:
        """The XML Schema particle for a pure ODD one; None for text (mixed content says it)."""
        kind = _tag(particle)
        low, high = occurs(particle)
        if kind == "textNode":
            return None
        if kind == "elementRef":
            made = _xs("element", ref=particle.get("key"))
        elif kind == "classRef":
            made = _xs("group", ref=particle.get("key"))
        elif kind == "macroRef":
            made = self.particle(self.profile.macros[particle.get("key")].content)
            return made if (low, high) == (1, 1) else self.wrapped(made, low, high)
        elif kind in ("alternate", "sequence"):
            made = _xs("choice" if kind == "alternate" else "sequence")
            for child in particle:
                if isinstance(child.tag, str) and (translated := self.particle(child)) is not None:
                    made.append(translated)
            if kind == "alternate" and len(made) == 1 and not made[0].get("minOccurs") and not made[0].get("maxOccurs"):
                made = made[0]  # a choice of one: the one, repeated as the choice was
        else:
            raise OddError(f"{self.profile.path}: {kind} (line {particle.sourceline}) is not a content "
                           "particle this generator writes")
        _set_occurs(made, low, high)
        return made

    @staticmethod
    def wrapped(made, low: int, high: int | None):
        sequence = _xs("sequence")
        sequence.append(made)
        _set_occurs(sequence, low, high)
        return sequence

    def element(self, schema, element: Element) -> None:
        declared = _xs("element", schema, name=element.ident)
        _documented(declared, element.desc)
        complex_type = _xs("complexType", declared)
        content = self.expanded(element.content)
        kind = _tag(content)
        if self.text_only(content):
            extension = _xs("extension", _xs("simpleContent", complex_type), base="xs:string")
            self.attributes(extension, element)
            return
        if kind != "empty":
            if any(_tag(node) == "textNode" for node in content.iter(f"{{{TEI_NS}}}*")):
                complex_type.set("mixed", "true")
            particle = self.particle(content)
            if _tag(particle) == "element":
                particle = self.wrapped(particle, 1, 1)
            complex_type.append(particle)
        self.attributes(complex_type, element)

    def expanded(self, particle):
        """The particle, with a content that is only a macro replaced by the macro's content."""
        while _tag(particle) == "macroRef" and occurs(particle) == (1, 1):
            particle = self.profile.macros[particle.get("key")].content
        return particle

    @staticmethod
    def text_only(particle) -> bool:
        kind = _tag(particle)
        if kind == "textNode":
            return True
        children = [c for c in particle if isinstance(c.tag, str)]
        return kind == "alternate" and len(children) == 1 and _tag(children[0]) == "textNode"

    # --- the schema --------------------------------------------------------------------------------

    def schema(self) -> etree._Element:
        profile = self.profile
        schema = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS, None: TEI_NS},
                               targetNamespace=TEI_NS, elementFormDefault="qualified",
                               attributeFormDefault="unqualified", version="1.0")
        schema.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        _documented(schema, profile.desc)
        _xs("import", schema, namespace="http://www.w3.org/XML/1998/namespace", schemaLocation=XML_SCHEMA_FILE)
        for datatype in profile.datatypes.values():
            self.data_type(schema, datatype)
        for att_class in profile.att_classes.values():
            group = _xs("attributeGroup", schema, name=att_class.ident)
            _documented(group, att_class.desc)
            for attribute in att_class.attributes:
                self.attribute(group, attribute)
        for model in profile.model_classes.values():
            group = _xs("group", schema, name=model.ident)
            _documented(group, model.desc)
            choice = _xs("choice", group)
            for kind, ident in profile.members(model.ident):
                _xs("element" if kind == "element" else "group", choice, ref=ident)
        for element in profile.elements.values():
            self.element(schema, element)
        return schema


def write(profile: Profile, generated_note: str) -> bytes:
    """The XML Schema of ``profile``, as the bytes of the file."""
    schema = _Writer(profile).schema()
    etree.indent(schema, space="  ")
    return serialise(schema, generated_note)


def serialise(root, note: str) -> bytes:
    """A generated file: the XML declaration, the note that says where it comes from, the root."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(etree.Comment(note), encoding="UTF-8")
            + b"\n" + etree.tostring(root, encoding="UTF-8") + b"\n")
