"""Reading the profile's ODD (``schema/teipipe.odd``) into the parts the generators need.

The ODD is a TEI document whose ``schemaSpec`` holds the whole profile, self-contained:

* ``moduleRef``      the TEI modules used and, in ``@include``, the elements taken from each;
* ``dataSpec``       a named data type: a closed ``valList``, a ``dataRef`` to an XML Schema type
                     (with ``@restriction`` as its pattern and ``dataFacet`` children as facets),
                     an ``alternate`` of such types (a union), or an embedded RELAX NG
                     ``rng:list`` of one type (a list of one or more items);
* ``classSpec``      an attribute class (``type="atts"``, its ``attDef`` elements) or a model
                     class (``type="model"``, whose members say ``memberOf`` it);
* ``macroSpec``      a content model shared by several elements, in pure ODD;
* ``attDef``         an attribute: its ``datatype`` (a ``dataRef``; with ``maxOccurs`` a list
                     of one or more) or, as TEI writes it, a closed ``valList`` of its own;
* ``elementSpec``    one element: its documentation, the classes it is a member of (attribute
                     classes give it their attributes, model classes place it in content
                     models), its ``content`` in pure ODD and its own ``attList``. An ``attDef``
                     with ``mode="change"`` or ``mode="delete"`` alters an attribute the element
                     has from a class.

Every spec's ``desc`` is its documentation; ``remarks`` say why the profile chose what it did.
Nothing here knows XML Schema or RELAX NG: :mod:`.xsd`, :mod:`.rng` and :mod:`.reference`
write those from the :class:`Profile` this module reads.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import TEI_NS

RNG_NS = "http://relaxng.org/ns/structure/1.0"
NS = {"t": TEI_NS, "rng": RNG_NS}
UNBOUNDED = None  # maxOccurs="unbounded"


class OddError(ValueError):
    """The ODD cannot be turned into schemas; the message names the file and the spec."""


def _tag(element) -> str:
    return etree.QName(element).localname


def _text(element) -> str:
    """The normalised text of a documentation element, or ''."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def occurs(element) -> tuple[int, int | None]:
    """(minOccurs, maxOccurs) of a pure ODD particle; maxOccurs None for unbounded."""
    low = int(element.get("minOccurs", "1"))
    high = element.get("maxOccurs", "1")
    return low, (UNBOUNDED if high == "unbounded" else int(high))


@dataclass(frozen=True)
class Attribute:
    ident: str  # "type", or "xml:id"
    required: bool
    datatype: etree._Element | None  # the <datatype> element
    desc: str = ""

    @property
    def is_list(self) -> bool:
        return self.datatype is not None and occurs(self.datatype)[1] != 1


@dataclass(frozen=True)
class AttClass:
    ident: str
    desc: str
    remarks: str
    attributes: tuple[Attribute, ...]


@dataclass(frozen=True)
class ModelClass:
    ident: str
    desc: str
    remarks: str
    member_of: tuple[str, ...]


@dataclass(frozen=True)
class DataType:
    ident: str
    desc: str
    remarks: str
    content: etree._Element  # the <content> element


@dataclass(frozen=True)
class Macro:
    ident: str
    desc: str
    remarks: str
    content: etree._Element  # the one particle inside <content>


@dataclass(frozen=True)
class Element:
    ident: str
    module: str
    desc: str
    remarks: str
    classes: tuple[str, ...]  # attribute and model classes, in the order given
    content: etree._Element  # the one particle inside <content>: textNode, empty, alternate…
    changes: dict = field(default_factory=dict)  # attribute ident -> its attDef with mode change/delete
    attributes: tuple[Attribute, ...] = ()  # its own attributes


@dataclass
class Profile:
    """The profile as the ODD gives it, every spec in the order of the file."""

    path: Path
    ident: str
    start: str
    title: str
    desc: str
    modules: dict[str, tuple[str, ...]]  # module -> elements included
    datatypes: dict[str, DataType]
    att_classes: dict[str, AttClass]
    model_classes: dict[str, ModelClass]
    macros: dict[str, Macro]
    elements: dict[str, Element]

    def members(self, class_ident: str) -> list[tuple[str, str]]:
        """The members of a model class, as ("element", ident) and ("class", ident) pairs:
        elements in the order of the ODD, then classes."""
        found = [("element", e.ident) for e in self.elements.values() if class_ident in e.classes]
        found += [("class", c.ident) for c in self.model_classes.values() if class_ident in c.member_of]
        return found

    def attributes_of(self, element: Element) -> list[tuple[str | None, Attribute]]:
        """The attributes of an element, each with the class it comes from (None for its own),
        after the element's changes and deletions."""
        found = []
        for ident in element.classes:
            if ident in self.att_classes:
                for attribute in self.att_classes[ident].attributes:
                    change = element.changes.get(attribute.ident)
                    if change is None:
                        found.append((ident, attribute))
                    elif change.get("mode") != "delete":
                        found.append((ident, _changed(attribute, change)))
        return found + [(None, attribute) for attribute in element.attributes]

    def changed_classes(self, element: Element) -> set[str]:
        """The attribute classes of ``element`` whose attributes it changes or deletes."""
        return {ident for ident in element.classes if ident in self.att_classes
                and any(a.ident in element.changes for a in self.att_classes[ident].attributes)}


def _changed(attribute: Attribute, change) -> Attribute:
    usage = change.get("usage")
    datatype = change.find("t:datatype", NS)
    return Attribute(attribute.ident, attribute.required if usage is None else usage == "req",
                     attribute.datatype if datatype is None else datatype,
                     _text(change.find("t:desc", NS)) or attribute.desc)


def _attribute(att_def) -> Attribute:
    datatype = att_def.find("t:datatype", NS)
    closed = att_def.find("t:valList[@type='closed']", NS)
    if datatype is None and closed is not None:  # TEI's way: the closed list is the attribute's datatype
        datatype = etree.Element(f"{{{TEI_NS}}}datatype")
        datatype.append(copy.deepcopy(closed))
    return Attribute(att_def.get("ident"), att_def.get("usage") == "req", datatype,
                     _text(att_def.find("t:desc", NS)))


def _particle(spec, where: str):
    content = spec.find("t:content", NS)
    if content is None:
        raise OddError(f"{where}: no <content>")
    children = [c for c in content if isinstance(c.tag, str)]
    if len(children) != 1:
        raise OddError(f"{where}: <content> must hold one particle (an alternate, a sequence…), "
                       f"not {len(children)}")
    return children[0]


def read(path: Path) -> Profile:
    """The profile of the ODD at ``path``; :class:`OddError` names what is wrong with it."""
    path = Path(path)
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                      remove_comments=True))
    except (OSError, etree.XMLSyntaxError) as error:
        raise OddError(f"{path}: cannot read the ODD: {error}") from error
    specs = tree.findall(".//t:schemaSpec", NS)
    if len(specs) != 1:
        raise OddError(f"{path}: the ODD must hold exactly one schemaSpec, not {len(specs)}")
    schema = specs[0]
    title = _text(tree.find("t:teiHeader/t:fileDesc/t:titleStmt/t:title", NS))
    profile = Profile(path, schema.get("ident"), schema.get("start", "TEI"), title,
                      _text(schema.find("t:desc", NS)), {}, {}, {}, {}, {}, {})
    for spec in schema:
        if not isinstance(spec.tag, str):
            continue
        kind, ident = _tag(spec), spec.get("ident") or spec.get("key")
        where = f"{path}: {kind} {ident!r}"
        desc, remarks = _text(spec.find("t:desc", NS)), _text(spec.find("t:remarks", NS))
        member_of = tuple(m.get("key") for m in spec.findall("t:classes/t:memberOf", NS))
        if kind == "moduleRef":
            profile.modules[ident] = tuple(spec.get("include", "").split())
        elif kind == "dataSpec":
            content = spec.find("t:content", NS)
            if content is None:
                raise OddError(f"{where}: no <content>")
            profile.datatypes[ident] = DataType(ident, desc, remarks, content)
        elif kind == "classSpec" and spec.get("type") == "atts":
            profile.att_classes[ident] = AttClass(ident, desc, remarks, tuple(
                _attribute(a) for a in spec.findall("t:attList/t:attDef", NS)))
        elif kind == "classSpec" and spec.get("type") == "model":
            profile.model_classes[ident] = ModelClass(ident, desc, remarks, member_of)
        elif kind == "macroSpec":
            profile.macros[ident] = Macro(ident, desc, remarks, _particle(spec, where))
        elif kind == "elementSpec":
            changes, own = {}, []
            for att_def in spec.findall("t:attList/t:attDef", NS):
                if att_def.get("mode") in ("change", "delete"):
                    changes[att_def.get("ident")] = att_def
                else:
                    own.append(_attribute(att_def))
            profile.elements[ident] = Element(ident, spec.get("module", ""), desc, remarks, member_of,
                                              _particle(spec, where), changes, tuple(own))
        elif kind not in ("desc", "remarks"):
            raise OddError(f"{where}: not a spec this profile's generator knows")
    _check(profile)
    return profile


def _check(profile: Profile) -> None:
    """References resolve and every element belongs to the module that includes it."""
    where = profile.path
    included = {e: m for m, elements in profile.modules.items() for e in elements}
    for element in profile.elements.values():
        if included.get(element.ident) != element.module:
            raise OddError(f"{where}: elementSpec {element.ident!r} has module {element.module!r}, but "
                           f"moduleRef {included.get(element.ident)!r} includes it")
        for ident in element.classes:
            if ident not in profile.att_classes and ident not in profile.model_classes:
                raise OddError(f"{where}: elementSpec {element.ident!r} is a member of {ident!r}, "
                               "which no classSpec defines")
        for attribute in element.changes:
            if not any(a.ident == attribute for _, a in profile.attributes_of(
                    Element(element.ident, element.module, "", "", element.classes, element.content))):
                raise OddError(f"{where}: elementSpec {element.ident!r} changes the attribute "
                               f"{attribute!r}, which none of its classes gives it")
    missing = set(included) - set(profile.elements)
    if missing:
        raise OddError(f"{where}: moduleRef includes {', '.join(sorted(missing))}, which no elementSpec defines")
    known = {"elementRef": profile.elements, "classRef": profile.model_classes, "macroRef": profile.macros}
    particles = [e.content for e in profile.elements.values()] + [m.content for m in profile.macros.values()]
    for particle in particles:
        for reference in particle.iter(*(f"{{{TEI_NS}}}{name}" for name in known)):
            if reference.get("key") not in known[_tag(reference)]:
                raise OddError(f"{where}: {_tag(reference)} {reference.get('key')!r} (line "
                               f"{reference.sourceline}) names no spec of the profile")
    if profile.start not in profile.elements:
        raise OddError(f"{where}: the start element {profile.start!r} has no elementSpec")
