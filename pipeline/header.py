"""Reading the facts back out of an encoded TEI document.

The encoder writes the facts into the header; the deposit inventory, the tests and the reports
read them back with :func:`read_header`, so that every consumer agrees on where each fact lives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from . import TEI_NS, XML_NS

NS = {"t": TEI_NS}


@dataclass
class HeaderFacts:
    id: str
    title: str
    kind: str | None
    classification: str | None  # a level id, or None when unmarked
    date: str | None  # ISO date or date-time of sending
    senders: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    number: str | None = None
    number_type: str | None = None
    release: str | None = None
    source_file: str | None = None
    source_sha256: str | None = None
    redactions: int = 0
    omissions: int = 0
    uncertain: int = 0  # elements of the text with @cert

    def as_dict(self) -> dict:
        return asdict(self)


def _text(element) -> str:
    """The text of an element as printed: brackets that the markup records are shown."""
    def walk(node) -> str:
        inner = (node.text or "") + "".join(walk(child) + (child.tail or "") for child in node
                                            if isinstance(child.tag, str))
        return f"[{inner}]" if "brackets" in (node.get("rend") or "").split() else inner

    return " ".join(walk(element).split())


def _category(root, scheme_suffix: str) -> str | None:
    for cat in root.iterfind(".//t:textClass/t:catRef", NS):
        if (cat.get("scheme") or "").endswith(scheme_suffix):
            return (cat.get("target") or "").rsplit(".", 1)[-1] or None
    return None


def read_header(source: str | Path | etree._ElementTree | etree._Element) -> HeaderFacts:
    if isinstance(source, (str, Path)):
        from .validate import safe_xml  # the one parser of TEI

        parsed = safe_xml.read(source)
        if parsed.tree is None:
            problem = parsed.problems[0]
            raise ValueError(f"{source}:{problem.line}:{problem.column}: {problem.code}: {problem.message}")
        root = parsed.tree.getroot()
    elif isinstance(source, etree._ElementTree):
        root = source.getroot()
    else:
        root = source
    level = _category(root, ".security")
    sent = root.find(".//t:correspDesc/t:correspAction[@type='sent']", NS)
    received = root.find(".//t:correspDesc/t:correspAction[@type='received']", NS)

    def parties(action) -> list[str]:
        if action is None:
            return []
        return [_text(e) for e in action if etree.QName(e).localname in ("persName", "orgName")]

    date = root.find(".//t:sourceDesc/t:bibl/t:date[@when]", NS)
    if date is not None and date.get("type") == "release":
        date = None
    release = root.find(".//t:sourceDesc/t:bibl/t:date[@type='release']", NS)
    number = None
    number_type = None
    for idno in root.iterfind(".//t:sourceDesc/t:bibl/t:idno", NS):
        if idno.get("type") not in ("filename", "sha256", "edition", "CIA-RDP", "release"):
            number, number_type = idno.text, idno.get("type")
            break
    text = root.find("t:text", NS)
    gaps = list(text.iterfind(".//t:gap", NS)) if text is not None else []
    return HeaderFacts(
        id=root.get(f"{{{XML_NS}}}id", ""),
        title=_text(root.find(".//t:titleStmt/t:title", NS)) if root.find(".//t:titleStmt/t:title", NS) is not None else "",
        kind=_category(root, ".kind"),
        classification=None if level in (None, "unmarked") else level,
        date=date.get("when") if date is not None else None,
        senders=parties(sent),
        recipients=parties(received),
        number=number,
        number_type=number_type,
        release=release.get("when") if release is not None else None,
        source_file=root.findtext(".//t:sourceDesc/t:bibl/t:idno[@type='filename']", namespaces=NS),
        source_sha256=root.findtext(".//t:sourceDesc/t:bibl/t:idno[@type='sha256']", namespaces=NS),
        redactions=sum(1 for g in gaps if g.get("reason") == "redacted"),
        omissions=sum(1 for g in gaps if g.get("reason") == "editorial"),
        uncertain=len(text.xpath(".//*[@cert]")) if text is not None else 0,
    )
