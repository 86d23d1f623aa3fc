"""What a bag says of its documents: the rules table (``data/schema/rules.json``), the inventory
(``data/inventory.json`` and ``.csv``), the validation record (``data/validation-report.json``)
and the labels of ``bag-info.txt``."""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import __version__
from ..config import Settings, source_date_epoch
from ..header import read_header
from ..validate import Report, grammar, safe_xml
from ..validate import profile as profile_module
from ..validate import rules as rules_module
from ..validate.check import PROFILE_FILE
from .layout import RENDERING_ROLES, REPORT_FILE, Entry
from .report import DepositReport

#: Inventory columns describing a document, before the columns of its files.
INVENTORY_FACTS = ("stem", "id", "number", "number_type", "kind", "title", "date", "classification",
                   "release", "senders", "recipients", "redactions", "valid")


@dataclass
class Document:
    """A document of the bag: its stem, its source and TEI file in the project, and the payload
    entries of its files by role (``tei``, ``source``, ``html``, ``review_html``…)."""

    stem: str
    seed: Path | None = None
    tei: Path | None = None
    files: dict[str, Entry] = field(default_factory=dict)


def rules_table() -> dict:
    """Every code the validator reports, with its severity, summary and, for the coded rules,
    the message written for each finding: the content of ``data/schema/rules.json``."""
    layers = (("reading", safe_xml.CODES), ("profile", profile_module.CODES), ("tei_all", grammar.CODES),
              ("rules", rules_module.RULES))
    codes = []
    for layer, rows in layers:
        for row in rows:
            entry = {"code": row.code, "severity": row.severity, "layer": layer, "summary": row.summary}
            if isinstance(row, rules_module.Rule):
                entry["message"] = row.message
            codes.append(entry)
    codes.sort(key=lambda entry: entry["code"])
    return {"validator": f"teipipe {__version__}", "profile": PROFILE_FILE, "codes": codes}


def facts_of(tei: Path) -> dict | None:
    try:
        return read_header(tei).as_dict()
    except (etree.LxmlError, OSError, ValueError):
        return None


def inventory_row(document: Document, facts: dict | None, valid: bool) -> dict:
    facts = facts or {}
    row = {name: facts.get(name) for name in INVENTORY_FACTS}
    row["stem"] = document.stem
    row["valid"] = valid
    row["files"] = {role: {"path": entry.path, "sha256": entry.digests["sha256"]}
                    for role, entry in sorted(document.files.items(), key=lambda item: _role_order(item[0]))}
    return row


def _role_order(role: str) -> tuple:
    known = ("tei", "source", *RENDERING_ROLES.values())
    return (known.index(role), role) if role in known else (len(known), role)


def roles_of(documents: list[Document]) -> list[str]:
    return sorted({role for d in documents for role in d.files} | {"tei", "source"}, key=_role_order)


def inventory_csv(rows: list[dict], roles: list[str]) -> bytes:
    """The inventory as CSV (RFC 4180): the facts, then a path and a SHA-256 column per file."""
    columns = [*INVENTORY_FACTS, *(name for role in roles for name in (role, f"{role}_sha256"))]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for name in INVENTORY_FACTS:
            value = row[name]
            if isinstance(value, list):
                value = "; ".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            cells.append("" if value is None else str(value))
        for role in roles:
            file = row["files"].get(role) or {}
            cells += [file.get("path", ""), file.get("sha256", "")]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def validation_record(validation: Report, report: DepositReport) -> dict:
    return {
        "valid": report.valid,
        "summary": validation.summary(),
        "documents": report.documents,
        "valid_documents": report.valid_documents,
        "build_failures": report.failures,
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "code": p.code,
                      "severity": p.severity, "message": p.message} for p in validation.problems],
    }


def bag_info(settings: Settings, report: DepositReport) -> dict[str, str]:
    epoch = source_date_epoch()
    day = (_dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).date() if epoch is not None
           else _dt.date.today())
    invalid = report.documents - report.valid_documents
    publisher = settings.organization or settings.publisher
    info = {
        "Source-Organization": publisher,
        "Contact-Name": settings.contact_name,
        "Contact-Email": settings.contact_email,
        "External-Description": (
            f"{report.documents} archival documents edited as TEI P5 by {settings.publisher}, with "
            "their source texts, the schema and rules they were validated against, HTML and "
            "plain-text renderings, and an inventory (data/inventory.csv)."),
        "Bagging-Date": day.isoformat(),
        "Bag-Size": _size(report.payload_bytes),
        "Payload-Oxum": f"{report.payload_bytes}.{report.payload_files}",
        "Bag-Software-Agent": f"teipipe {__version__}",
        "Teipipe-Documents": str(report.documents),
        "Teipipe-Valid-Documents": str(report.valid_documents),
        "Teipipe-Redactions": str(report.redactions),
        "Teipipe-Validation": ("valid" if report.valid else
                               f"invalid: {invalid} of {report.documents} documents do not validate"
                               + (f", {len(report.failures)} build failures" if report.failures else "")
                               + f"; see {REPORT_FILE}"),
    }
    return {label: " ".join(str(value).split()) for label, value in info.items() if str(value).strip()}


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"
