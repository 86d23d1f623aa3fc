"""The profile's reference page (``docs/profile.md``), written from the ODD.

One section per kind of spec: the closed vocabularies and data types, the attribute classes,
the model classes with their members, the shared content models, then every element with its
documentation, its content model (in the compact notation of RELAX NG: ``,`` a sequence,
``|`` a choice, ``?`` ``*`` ``+`` how often) and its attributes.
"""

from __future__ import annotations

from lxml import etree

from .odd import NS, RNG_NS, UNBOUNDED, Profile, occurs


def _tag(element) -> str:
    return etree.QName(element).localname


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _suffix(low: int, high: int | None) -> str:
    if (low, high) == (1, 1):
        return ""
    if (low, high) == (0, 1):
        return "?"
    if high is UNBOUNDED:
        return "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
    return f"{{{low},{high}}}"


def content_model(particle) -> str:
    """A pure ODD particle in compact notation: ``(text | teipipe.model.phrase)*``."""
    kind = _tag(particle)
    suffix = _suffix(*occurs(particle))
    if kind == "textNode":
        return "text"
    if kind == "empty":
        return "empty"
    if kind in ("elementRef", "classRef", "macroRef"):
        key = particle.get("key")
        return (f"`{key}`" if kind == "elementRef" else f"[{key}](#{_anchor(key)})") + suffix
    parts = [content_model(c) for c in particle if isinstance(c.tag, str)]
    joined = (" | " if kind == "alternate" else ", ").join(parts)
    return f"({joined}){suffix}" if len(parts) > 1 or suffix else joined


def _anchor(ident: str) -> str:
    return ident.lower().replace(".", "")


def datatype_text(profile: Profile, datatype) -> str:
    """What values a data type or an attribute's datatype allows, in a few words."""
    inner = [c for c in datatype if isinstance(c.tag, str)][0]
    kind = _tag(inner)
    if kind == "valList":
        return "one of " + ", ".join(f"`{item.get('ident')}`" for item in inner.findall("t:valItem", NS))
    if kind == "dataRef":
        text = f"[{inner.get('key')}](#{_anchor(inner.get('key'))})" if inner.get("key") else f"xs:{inner.get('name')}"
        facets = [f"{f.get('name')} {f.get('value')}" for f in inner.findall("t:dataFacet", NS)]
        if inner.get("restriction"):
            facets.append(f"matching `{inner.get('restriction')}`")
        text += f" ({', '.join(facets)})" if facets else ""
    elif kind == "alternate":
        text = " or ".join(f"xs:{d.get('name')}" if d.get("name") else d.get("key") for d in inner)
    elif kind == "list" and inner.nsmap.get(inner.prefix) == RNG_NS:
        item = inner.find("rng:oneOrMore/rng:ref", NS).get("name")
        text = f"one or more [{item}](#{_anchor(item)}) separated by spaces"
    else:
        text = kind
    if datatype.tag.endswith("datatype") and occurs(datatype)[1] != 1:
        text = f"one or more of {text}, separated by spaces"
    return text


def _attribute_rows(profile: Profile, attributes) -> list[str]:
    rows = ["| attribute | required | value | documentation |", "|---|---|---|---|"]
    for source, attribute in attributes:
        value = datatype_text(profile, attribute.datatype) if attribute.datatype is not None else "text"
        origin = f" (from {source})" if source else ""
        rows.append(f"| `@{attribute.ident}`{origin} | {'yes' if attribute.required else 'no'} | "
                    f"{_cell(value)} | {_cell(attribute.desc)} |")
    return rows


def write(profile: Profile, generated_note: str) -> bytes:
    """The reference page of ``profile`` in Markdown, as the bytes of the file."""
    lines = [f"<!-- {generated_note} -->", "", f"# The profile: {profile.title or profile.ident}", "",
             profile.desc, "",
             "Modules and the elements taken from each:", ""]
    for module, elements in profile.modules.items():
        lines.append(f"- **{module}**: " + (", ".join(f"`{e}`" for e in elements) or "(its data types and classes)"))
    lines += ["", "## Data types and closed vocabularies", ""]
    for datatype in profile.datatypes.values():
        lines += [f"### {datatype.ident}", "", datatype.desc, "", f"Values: {datatype_text(profile, datatype.content)}.", ""]
        if datatype.remarks:
            lines += [datatype.remarks, ""]
    lines += ["## Attribute classes", ""]
    for att_class in profile.att_classes.values():
        members = [e.ident for e in profile.elements.values() if att_class.ident in e.classes]
        lines += [f"### {att_class.ident}", "", att_class.desc, ""]
        lines += _attribute_rows(profile, [(None, a) for a in att_class.attributes])
        lines += ["", "Members: " + (", ".join(f"`{m}`" for m in members) or "none") + ".", ""]
    lines += ["## Model classes", ""]
    for model in profile.model_classes.values():
        members = [f"`{ident}`" if kind == "element" else f"[{ident}](#{_anchor(ident)})"
                   for kind, ident in profile.members(model.ident)]
        lines += [f"### {model.ident}", "", model.desc, "", "Members: " + ", ".join(members) + ".", ""]
    lines += ["## Content models", ""]
    for macro in profile.macros.values():
        lines += [f"### {macro.ident}", "", macro.desc, "", f"Content: {content_model(macro.content)}", ""]
    lines += ["## Elements", ""]
    for element in profile.elements.values():
        lines += [f"### {element.ident}", "", element.desc, ""]
        if element.remarks:
            lines += [element.remarks, ""]
        lines += [f"Module: {element.module}. Content: {content_model(element.content)}", ""]
        models = [c for c in element.classes if c in profile.model_classes]
        if models:
            lines += ["Stands where " + ", ".join(f"[{m}](#{_anchor(m)})" for m in models) + " may.", ""]
        attributes = profile.attributes_of(element)
        if attributes:
            lines += _attribute_rows(profile, attributes) + [""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
