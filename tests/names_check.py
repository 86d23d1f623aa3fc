"""What a tagged person may not be: a place, a role or an office (used by tests/test_names.py)."""

from __future__ import annotations

import re

from lxml import etree

from pipeline import TEI_NS, vocab
from pipeline.authority import Authority
from pipeline.recognise.lines import office_pattern

T = f"{{{TEI_NS}}}"


def _role_words() -> set[str]:
    words = vocab.people_words()
    titles = vocab.titles()
    found: set[str] = set()
    for phrase in words["roles"] + words["offices"] + words["honorifics"] + titles["address"] + titles["rank"] \
            + words["function_words"]:
        found.update(w.strip(".").lower() for w in phrase.split())
    return found


def person_problem(element: etree._Element, authority: Authority) -> str | None:
    """Why a persName is not a person's name, or None when it may be one. Its roleName (the
    title before the name) is left out: "<roleName>General</roleName> Smith" is Smith."""
    ref = element.get("ref") or ""
    if ref and "#pers-" not in ref:
        return f"points at {ref}, not a person"
    parts = [element.text or ""]
    for child in element:
        if etree.QName(child).localname != "roleName":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    name = " ".join("".join(parts).split()).strip(" ,.")
    if not name:
        return None if len(element) else "empty"
    if authority.lookup(name, "place") is not None:
        return f"{name!r} is a place"
    if office_pattern().search(name):
        return f"{name!r} is an office or institution"
    cable = vocab.cable_words()
    words = [w.strip(".,()").lower() for w in name.split()]
    if words[0].upper() in cable["department"] | cable["posts"] or "posts" in words:
        return f"{name!r} is a cable address"
    if all(w in _role_words() for w in words if w):
        return f"{name!r} is a role"
    return None


def person_problems(path, authority: Authority) -> list[str]:
    """Every persName of a TEI file that is no person, with its line."""
    tree = etree.parse(str(path))
    out = []
    for element in tree.iter(T + "persName"):
        if element.get("type") == "pseudo":
            continue
        problem = person_problem(element, authority)
        if problem:
            out.append(f"{path.name}:{element.sourceline}: {problem}")
    return out
