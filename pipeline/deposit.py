"""``teipipe deposit``: the corpus as a BagIt bag (RFC 8493) that an archive can ingest and verify.

:func:`deposit` brings the build up to date (:func:`pipeline.build.build`, which does no work when
the build is current) and writes a bag::

    OUT/
      bagit.txt                  BagIt-Version 1.0, UTF-8 tag files
      bag-info.txt               who deposited what, when; counts of documents and redactions
      manifest-sha256.txt        a checksum of every payload file, in each algorithm
      manifest-sha512.txt
      tagmanifest-sha256.txt     a checksum of every tag file above
      tagmanifest-sha512.txt
      data/
        tei/                     the TEI documents and authority.xml, the people, places and
                                 organisations they point at
        seeds/                   the source texts the documents were encoded from
        schema/                  the profile: teipipe.odd (its source), teipipe.xsd (and
                                 xml.xsd, which it imports), teipipe.rng and teipipe.sch (which
                                 each TEI file names in <?xml-model?>), and rules.json, the
                                 rule codes and messages of the validator
        html/, text/             the renderings: reading and review pages, the index,
                                 reading and diplomatic texts
        inventory.json, inventory.csv   one row per document: ids, title, dates, classification,
                                 and the SHA-256 of each of its files
        validation-report.json   what validation found in data/tei/ when the bag was made

Only a corpus that validates is packed; ``allow_invalid`` packs an invalid one too, and the
problems are recorded in ``validation-report.json`` and in ``bag-info.txt``. The bag is written
into a temporary folder beside OUT, checked, and renamed into place: OUT is never half-written.
Files, manifest lines and bag-info lines are in sorted order and nothing in the bag depends on
the time except Bagging-Date (``SOURCE_DATE_EPOCH`` when set), so the same inputs give the same
bytes.

:func:`verify` checks a bag: its structure, every checksum of every manifest and tag manifest,
Payload-Oxum, missing and stray files, and every TEI document against the schema and the rules
shipped inside the bag. It returns one :class:`Fault` per thing that is wrong. docs/deposit.md
explains the package to an archivist.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import logging
import os
import posixpath
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import bagit
from lxml import etree

from . import __version__
from .atomic import FILE_MODE
from .build import BuildReport, Progress, build
from .config import Settings, source_date_epoch
from .convert import collect_sources
from .header import read_header
from .manifest import MANIFEST_NAME, Manifest
from .render import AUTHORITY_NAME
from .source import stem_of
from .schema import SCHEMA_FILES
from .validate import ERROR, CheckContext, Problem, Report, grammar, safe_xml
from .validate import profile as profile_module
from .validate import rules as rules_module
from .validate.check import PROFILE_FILE, check_files, repeated_across_files

PAYLOAD = "data"
ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
#: The tag files every teipipe bag has.
TAG_FILES = ("bagit.txt", BAG_INFO, *(f"manifest-{a}.txt" for a in ALGORITHMS),
             *(f"tagmanifest-{a}.txt" for a in ALGORITHMS))
RULES_FILE = "data/schema/rules.json"
REPORT_FILE = "data/validation-report.json"
INVENTORY_JSON = "data/inventory.json"
INVENTORY_CSV = "data/inventory.csv"

#: What each folder of renderings holds, as the inventory names it.
RENDERING_ROLES = {"html": "html", "html/review": "review_html", "text": "text",
                   "text/diplomatic": "diplomatic_text"}
#: Inventory columns describing a document, before the columns of its files.
INVENTORY_FACTS = ("stem", "id", "number", "number_type", "kind", "title", "date", "classification",
                   "release", "senders", "recipients", "redactions", "valid")
#: The permissions mkdir would give the bag's folder (mkdtemp alone gives 0o700).
_DIR_MODE = FILE_MODE | (FILE_MODE & 0o444) >> 2

# Characters that RFC 8493 makes a manifest percent-encode; bagit-python reads only some of them
# back, so such names are refused rather than written.
_UNSAFE_NAME = re.compile(r"[\r\n%]")
#: The largest tag file read (bytes): bagit.txt and bag-info.txt are a few lines.
MAX_TAG_FILE = 1024 * 1024
_MANIFEST_LINE = re.compile(r"^([0-9A-Fa-f]+)[ \t]+(\S.*)$")


# ------------------------------------------------------------------------------------ results

class DepositError(Exception):
    """The bag could not be written; nothing was left at OUT."""


class DestinationError(DepositError):
    """OUT cannot take a bag: it exists (without ``force``), or it holds part of the project."""


@dataclass(frozen=True)
class Fault:
    """One thing wrong with a bag: ``BAG/path: error: reason``. ``path`` is relative to the bag,
    with ``/`` between folders; it is empty for a fault of the bag as a whole."""

    bag: str
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.bag.rstrip('/')}/{self.path}" if self.path else self.bag
        return f"{where}: error: {self.reason}"


@dataclass
class DepositReport:
    """What :func:`deposit` did. ``problems`` are the errors found in the documents (in the bag's
    terms, ``data/tei/…``, once the payload was laid out); ``failures`` the build's errors that
    concern no check (a source that could not be encoded, a page that could not be rendered)."""

    out: Path
    build: BuildReport | None = None
    written: bool = False
    documents: int = 0
    valid_documents: int = 0
    redactions: int = 0
    payload_files: int = 0
    payload_bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.written else 1


# ------------------------------------------------------------------------------------ writing

@dataclass(frozen=True)
class _Entry:
    """A payload file as the manifests describe it."""

    path: str  # relative to the bag: data/…
    size: int
    digests: dict  # algorithm -> hex digest


@dataclass
class _Document:
    stem: str
    seed: Path | None = None
    tei: Path | None = None
    files: dict = field(default_factory=dict)  # role -> _Entry


def deposit(settings: Settings, out: Path | str, allow_invalid: bool = False, force: bool = False, *,
            jobs: int | None = None, progress: Progress | None = None) -> DepositReport:
    """Build the corpus of ``settings`` (incrementally) and write it as a BagIt bag at ``out``.

    Raises :class:`DestinationError` when ``out`` exists and ``force`` is false, when ``out``
    exists, is not empty and is not a bag (``force`` replaces only a bag), or when ``out`` is
    or holds a folder of the project; :class:`DepositError` when a file cannot be copied or the
    bag fails its own check. When the corpus does not validate and ``allow_invalid`` is false,
    nothing is written and the report says why. ``jobs`` and ``progress`` are passed to
    :func:`pipeline.build.build`.
    """
    out = Path(os.path.abspath(out))
    _check_destination(settings, out, force)
    jobs = settings.jobs if jobs is None else jobs
    built = build(settings, jobs=jobs, progress=progress)
    report = DepositReport(out=out, build=built, failures=built.failures + built.errors)
    if not built.ok and not allow_invalid:
        report.problems = [p for p in built.problems if p.severity == ERROR]
        return report
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".deposit", dir=out.parent))
    try:
        _write_bag(settings, temporary, report, allow_invalid, jobs)
        if not report.written:
            shutil.rmtree(temporary)
            return report
        _put_in_place(temporary, out, force)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return report


def _check_destination(settings: Settings, out: Path, force: bool) -> None:
    resolved = out.resolve()
    folders = {"project": settings.root, "seeds": settings.seeds, "tei": settings.tei,
               "build": settings.build, "schema": settings.schema, "transforms": settings.transforms}
    for name, folder in folders.items():
        folder = Path(folder).resolve()
        if folder.is_relative_to(resolved):
            raise DestinationError(f"{out}: holds the {name} folder ({folder}): choose another place for the bag")
        if name in ("seeds", "tei", "schema", "transforms") and resolved.is_relative_to(folder):
            raise DestinationError(f"{out}: lies inside the {name} folder: choose another place for the bag")
    if not (out.exists() or out.is_symlink()):
        return
    if not force:
        raise DestinationError(f"{out}: already exists: pass --force to replace it")
    if out.is_dir() and not out.is_symlink() and any(out.iterdir()) and not (out / "bagit.txt").is_file():
        raise DestinationError(f"{out}: exists and is not a bag: --force replaces only a bag; "
                               "move the folder away or choose another name")


def _write_bag(settings: Settings, bag: Path, report: DepositReport, allow_invalid: bool,
               jobs: int | None) -> None:
    """Lay out the payload in ``bag``, check the documents, and (when they may be packed) write
    the tag files. Sets ``report.written`` when the bag is complete and has passed its check."""
    documents, entries = _lay_out_payload(settings, bag)
    validation = validate_payload(bag, jobs=jobs)
    report.problems = [p for p in validation.problems if p.severity == ERROR]
    if report.problems and not allow_invalid:
        return
    failed = {Path(p.path).stem for p in report.problems}
    facts = {d.stem: _facts(bag / d.files["tei"].path) if "tei" in d.files else None for d in documents}
    valid = {d.stem for d in documents if facts[d.stem] is not None and d.stem not in failed}
    report.documents = len(documents)
    report.valid_documents = len(valid)
    report.redactions = sum(f["redactions"] for f in facts.values() if f is not None)

    entries.append(_put(bag, RULES_FILE, _json_bytes(rules_table())))
    entries.append(_put(bag, REPORT_FILE, _json_bytes(_validation_record(validation, report))))
    rows = [_inventory_row(d, facts[d.stem], d.stem in valid) for d in documents]
    roles = _roles(documents)
    entries.append(_put(bag, INVENTORY_JSON, _json_bytes({"documents": rows})))
    entries.append(_put(bag, INVENTORY_CSV, _inventory_csv(rows, roles)))
    entries.sort(key=lambda e: e.path)
    report.payload_files = len(entries)
    report.payload_bytes = sum(e.size for e in entries)

    for algorithm in ALGORITHMS:
        _write(bag / f"manifest-{algorithm}.txt", _manifest(entries, algorithm))
    _write(bag / "bagit.txt", BAGIT_TXT)
    _write(bag / BAG_INFO, _tag_lines(_bag_info(settings, report)))
    tag_entries = [_entry(bag, name) for name in sorted(TAG_FILES) if not name.startswith("tagmanifest-")]
    for algorithm in ALGORITHMS:
        _write(bag / f"tagmanifest-{algorithm}.txt", _manifest(tag_entries, algorithm))

    faults = _verify_package(bag, str(bag))
    if not faults:
        with _quiet_bagit():
            try:
                bagit.Bag(str(bag)).validate()
            except bagit.BagError as error:
                faults.append(Fault(str(bag), "", f"bagit-python finds the bag invalid: {error}"))
    if faults:
        raise DepositError("the bag failed its own check:\n" + "\n".join(map(str, faults)))
    report.written = True


def _lay_out_payload(settings: Settings, bag: Path) -> tuple[list[_Document], list[_Entry]]:
    """Copy the documents, sources, schema and renderings into ``bag/data``; the documents in
    order of their stems, each with the payload entries of its own files."""
    documents: dict[str, _Document] = {}
    entries: list[_Entry] = []
    seeds, _ = collect_sources([settings.seeds]) if settings.seeds.is_dir() else ([], [])
    for seed in seeds:
        document = documents.setdefault(stem_of(seed), _Document(stem_of(seed)))
        if document.seed is None:
            document.seed = seed
        else:  # a second source of the same name (the build reports it): kept, but of no document
            entries.append(_copy(seed, bag, f"{PAYLOAD}/seeds/{seed.name}"))
    if settings.tei.is_dir():
        for tei in sorted(settings.tei.glob("*.xml")):
            if tei.name != AUTHORITY_NAME and tei.is_file():
                documents.setdefault(tei.stem, _Document(tei.stem)).tei = tei
    manifest = Manifest.load(settings.build / MANIFEST_NAME)
    ordered = [documents[stem] for stem in sorted(documents)]
    for document in ordered:
        if document.seed is not None:
            document.files["source"] = _copy(document.seed, bag, f"{PAYLOAD}/seeds/{document.seed.name}")
        if document.tei is not None:
            document.files["tei"] = _copy(document.tei, bag, f"{PAYLOAD}/tei/{document.tei.name}")
        rendered = (manifest.documents.get(document.stem) or {}).get("rendered") or {}
        for relative, recorded in sorted((rendered.get("outputs") or {}).items()):
            entry = _copy_rendering(settings, bag, relative, recorded)
            document.files[_role(relative)] = entry
        entries += document.files.values()
    if settings.authority.is_file():
        entries.append(_copy(settings.authority, bag, f"{PAYLOAD}/tei/{AUTHORITY_NAME}"))
    for relative, recorded in sorted((manifest.index.get("outputs") or {}).items()):
        entries.append(_copy_rendering(settings, bag, relative, recorded))
    for name in SCHEMA_FILES:  # the ODD, the schemas generated from it, the Schematron
        if (Path(settings.schema) / name).is_file():
            entries.append(_copy(Path(settings.schema) / name, bag, f"{PAYLOAD}/schema/{name}"))
    return ordered, entries


def _copy_rendering(settings: Settings, bag: Path, relative: str, recorded) -> _Entry:
    """A rendering recorded in the build manifest, copied only if it is what the build wrote."""
    if relative.startswith("/") or posixpath.normpath(relative) != relative or ".." in relative.split("/"):
        raise DepositError(f"{settings.build / MANIFEST_NAME}: records the output {relative!r}, which is "
                           "not a path inside the build folder; delete the manifest and build again")
    entry = _copy(settings.build / relative, bag, f"{PAYLOAD}/{relative}")
    expected = recorded[-1] if isinstance(recorded, (list, tuple)) and recorded else recorded
    if isinstance(expected, str) and expected != entry.digests["sha256"]:
        raise DepositError(f"{settings.build / relative}: changed after the build wrote it; "
                           "run teipipe build (or delete the file) and deposit again")
    return entry


def _role(relative: str) -> str:
    folder = relative.rpartition("/")[0]
    return RENDERING_ROLES.get(folder, folder.replace("/", "_") or "rendering")


def _copy(source: Path, bag: Path, relative: str) -> _Entry:
    if _UNSAFE_NAME.search(relative):
        raise DepositError(f"{source}: a file name holding %, CR or LF cannot be deposited; rename the file")
    try:
        data = source.read_bytes()
    except OSError as error:
        raise DepositError(f"{source}: cannot be read: {error.strerror or error}") from error
    return _put(bag, relative, data)


def _put(bag: Path, relative: str, data: bytes) -> _Entry:
    _write(bag / relative, data)
    return _entry_of(relative, data)


def _entry(bag: Path, relative: str) -> _Entry:
    return _entry_of(relative, (bag / relative).read_bytes())


def _entry_of(relative: str, data: bytes) -> _Entry:
    return _Entry(relative, len(data), {a: hashlib.new(a, data).hexdigest() for a in ALGORITHMS})


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as stream:
        stream.write(data)


def _manifest(entries: list[_Entry], algorithm: str) -> bytes:
    """Manifest lines, ``checksum  path``, sorted by path (the form sha256sum -c reads too)."""
    return "".join(f"{e.digests[algorithm]}  {e.path}\n" for e in sorted(entries, key=lambda e: e.path)).encode()


def _tag_lines(info: dict[str, str]) -> bytes:
    return "".join(f"{label}: {value}\n" for label, value in sorted(info.items())).encode("utf-8")


def _json_bytes(value) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _put_in_place(temporary: Path, out: Path, force: bool) -> None:
    """Rename the finished bag to ``out``; an old bag there (``force``) is removed only after."""
    os.chmod(temporary, _DIR_MODE)
    os.sync()
    old = None
    if out.exists() or out.is_symlink():
        if not force:
            raise DestinationError(f"{out}: appeared while the bag was written: pass --force to replace it")
        old = out.with_name(f".{out.name}.{secrets.token_hex(6)}.replaced")
        os.rename(out, old)
    try:
        os.rename(temporary, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


# ------------------------------------------------------------------------------------ what the bag says

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


def _facts(tei: Path) -> dict | None:
    try:
        return read_header(tei).as_dict()
    except (etree.LxmlError, OSError, ValueError):
        return None


def _inventory_row(document: _Document, facts: dict | None, valid: bool) -> dict:
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


def _roles(documents: list[_Document]) -> list[str]:
    return sorted({role for d in documents for role in d.files} | {"tei", "source"}, key=_role_order)


def _inventory_csv(rows: list[dict], roles: list[str]) -> bytes:
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


def _validation_record(validation: Report, report: DepositReport) -> dict:
    return {
        "valid": report.valid,
        "summary": validation.summary(),
        "documents": report.documents,
        "valid_documents": report.valid_documents,
        "build_failures": report.failures,
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "code": p.code,
                      "severity": p.severity, "message": p.message} for p in validation.problems],
    }


def _bag_info(settings: Settings, report: DepositReport) -> dict[str, str]:
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


# ------------------------------------------------------------------------------------ checking

def validate_payload(bag: Path | str, jobs: int | None = None, profile: Path | None = None) -> Report:
    """Every TEI file of ``bag/data/tei`` checked against the profile ``profile`` (by default
    the bag's own copy, ``bag/data/schema/teipipe.xsd``), with the sources of ``bag/data/seeds``
    and the authority file beside the documents; paths and messages name files relative to the
    bag (``data/tei/…``). ``jobs`` worker processes check a large bag (None or 0: one per core).
    Raises what loading the schema raises (OSError, ``etree.XMLSchemaParseError``,
    ``etree.XMLSyntaxError``)."""
    bag = Path(os.path.abspath(bag))
    data = bag / PAYLOAD
    profile = profile or data / "schema" / PROFILE_FILE
    # The compiled profile is cached by path; a bag's schema can change under the same path.
    profile_module.load.cache_clear()
    seeds = data / "seeds"
    context = CheckContext(profile=profile, seeds=seeds if seeds.is_dir() and not seeds.is_symlink() else None)
    # A link leads out of the bag (and is a fault of its own): only the bag's own files are read.
    tei = data / "tei"
    files = sorted(str(p) for p in tei.glob("*.xml") if not p.is_symlink()) \
        if tei.is_dir() and not tei.is_symlink() and not data.is_symlink() else []
    results = repeated_across_files(check_files(files, context, jobs or os.cpu_count() or 1))
    prefix = str(bag) + os.sep

    def relative(text: str) -> str:
        return text.replace(prefix, "")

    return Report([replace(result, path=relative(result.path), problems=tuple(
        replace(p, path=relative(p.path), message=relative(p.message)) for p in result.problems))
        for result in results])


def verify(bag: Path | str, *, allow_invalid: bool = False, jobs: int | None = None,
           schema: Path | None = None) -> list[Fault]:
    """Every fault of the bag at ``bag``; an empty list when it is whole and valid.

    Checks the structure (bagit.txt, bag-info.txt, data/, the manifests and tag manifests in
    both algorithms), every checksum of every manifest, that no listed file is missing and no
    file is stray, Payload-Oxum, and every TEI document of data/tei against teipipe's own
    profile (``schema``, by default the schema folder of the project) and every rule of
    teipipe. A bag cannot certify itself: the copies of the schema and of the rules it ships
    (data/schema/) are compared with teipipe's own, and a difference is a fault. With
    ``allow_invalid``, the problems that the bag's validation report already records are not
    faults (the bag was packed with them on purpose); anything else still is. ``jobs`` worker
    processes check the documents of a large bag (None or 0: one per core). When teipipe finds
    nothing, bagit-python validates the bag as well, as a second opinion.
    """
    if schema is None:
        from .config import settings_or_defaults

        schema = settings_or_defaults().schema  # outside a project, teipipe's own profile
    shown = str(bag)
    bag = Path(bag)
    if not (bag.exists() or bag.is_symlink()):
        return [Fault(shown, "", "no such folder")]
    if not bag.is_dir():
        return [Fault(shown, "", "not a folder: a bag is a folder holding bagit.txt")]
    faults = _verify_package(bag, shown)
    faults += _verify_documents(bag, shown, allow_invalid, jobs, Path(schema))
    if not faults:
        with _quiet_bagit():
            try:
                bagit.Bag(str(bag)).validate()
            except bagit.BagError as error:
                faults.append(Fault(shown, "", f"bagit-python finds the bag invalid: {error}"))
    return faults


@contextmanager
def _quiet_bagit() -> Iterator[None]:
    """bagit-python logs each finding; its verdict is reported here instead."""
    logger = logging.getLogger("bagit")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _verify_package(bag: Path, shown: str) -> list[Fault]:
    """The BagIt layer: structure, manifests, checksums, Payload-Oxum, missing and stray files."""
    faults: list[Fault] = []

    def fault(path: str, reason: str) -> None:
        faults.append(Fault(shown, path, reason))

    declaration = _read_tags(bag, "bagit.txt", fault)
    if declaration is not None:
        version = declaration.get("BagIt-Version")
        if version not in ("0.97", "1.0"):
            fault("bagit.txt", f"BagIt-Version is {version!r}: expected 1.0 (or 0.97)")
        encoding = declaration.get("Tag-File-Character-Encoding")
        if (encoding or "").upper() != "UTF-8":
            fault("bagit.txt", f"Tag-File-Character-Encoding is {encoding!r}: expected UTF-8")
    info = _read_tags(bag, BAG_INFO, fault)
    if not (bag / PAYLOAD).is_dir() or (bag / PAYLOAD).is_symlink():
        fault(PAYLOAD, "missing: the payload folder data/ is not in the bag")

    payload, tags = _files_on_disk(bag, fault)
    manifests = _read_manifests(bag, "manifest-", fault, payload=True)
    tag_manifests = _read_manifests(bag, "tagmanifest-", fault, payload=False)
    for name in TAG_FILES:
        if name.startswith(("manifest-", "tagmanifest-")) and not (bag / name).is_file():
            fault(name, "missing: every teipipe bag has manifests and tag manifests in SHA-256 and SHA-512")
    _compare(bag, manifests, payload, fault, "payload")
    _compare(bag, tag_manifests, tags - {n for n in tags if n.startswith("tagmanifest-")}, fault, "tag")

    if info is not None:
        oxum = info.get("Payload-Oxum")
        size = sum(os.lstat(bag / p).st_size for p in payload)
        if oxum is None:
            fault(BAG_INFO, "Payload-Oxum is missing")
        elif not re.fullmatch(r"\d+\.\d+", oxum):
            fault(BAG_INFO, f"Payload-Oxum {oxum!r} is not of the form BYTES.FILES")
        elif oxum != f"{size}.{len(payload)}":
            octets, count = oxum.split(".")
            fault(BAG_INFO, f"Payload-Oxum says {octets} bytes in {count} files, but the payload holds "
                            f"{size} bytes in {len(payload)} files")
    return faults


def _read_tags(bag: Path, name: str, fault) -> dict[str, str] | None:
    """The labels of a tag file (the first value of each), or None when it cannot be read. The
    file is read in one pass, in time linear in its size, up to :data:`MAX_TAG_FILE` bytes."""
    try:
        with open(bag / name, "rb") as stream:
            data = stream.read(MAX_TAG_FILE + 1)
        if len(data) > MAX_TAG_FILE:
            fault(name, f"is larger than {MAX_TAG_FILE} bytes, far more than any bag's tag file holds: "
                        "not read")
            return None
    except FileNotFoundError:
        fault(name, "missing: every bag has it")
        return None
    except OSError as error:
        fault(name, f"cannot be read: {error.strerror or error}")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        fault(name, "begins with a byte-order mark, which BagIt forbids")
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        fault(name, f"is not UTF-8: {error}")
        return None
    values: dict[str, list[str]] = {}  # label -> the parts of its first value
    parts: list[str] | None = None  # of the value being read, when it is a label's first
    label = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line[0] in " \t" and label is not None:  # a folded line continues the value
            if parts is not None:
                parts.append(line.strip())
            continue
        if ":" not in line:
            fault(name, f"line {number} is not 'Label: value': {' '.join(line.split())[:200]!r}")
            continue
        label, _, value = line.partition(":")
        label = label.strip()
        parts = None
        if label not in values:
            parts = values[label] = [value.strip()]
    return {label: " ".join(parts) for label, parts in values.items()}


def _files_on_disk(bag: Path, fault) -> tuple[set[str], set[str]]:
    """The regular files of the payload and the tag files, as paths relative to the bag."""
    payload: set[str] = set()
    tags: set[str] = set()
    for folder, folders, names in os.walk(bag):
        folders.sort()
        for name in sorted(names) + [d for d in folders if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            relative = Path(path).relative_to(bag).as_posix()
            mode = os.lstat(path).st_mode
            if not stat.S_ISREG(mode):
                fault(relative, "not a regular file (a link or a device): a bag holds files only")
                continue
            (payload if relative.startswith(f"{PAYLOAD}/") else tags).add(relative)
    return payload, tags


def _read_manifests(bag: Path, prefix: str, fault, payload: bool) -> dict[str, dict[str, str]]:
    """manifest name -> {path: checksum} for each (tag) manifest of the bag."""
    found: dict[str, dict[str, str]] = {}
    for manifest in sorted(bag.glob(f"{prefix}*.txt")):
        algorithm = manifest.name[len(prefix):-4]
        if algorithm not in hashlib.algorithms_guaranteed:
            fault(manifest.name, f"names an unknown checksum algorithm {algorithm!r}")
            continue
        entries: dict[str, str] = {}
        try:
            text = manifest.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fault(manifest.name, f"cannot be read as UTF-8 text: {error}")
            found[manifest.name] = entries
            continue
        width = hashlib.new(algorithm).digest_size * 2
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            match = _MANIFEST_LINE.match(line)
            if not match or len(match.group(1)) != width:
                fault(manifest.name, f"line {number} is not '<{algorithm} checksum> <path>': {line!r}")
                continue
            path = re.sub(r"%(0[AaDd]|25)", lambda m: chr(int(m.group(1), 16)), match.group(2))
            if (path.startswith("/") or posixpath.normpath(path) != path or ".." in path.split("/")
                    or path.startswith(f"{PAYLOAD}/") != payload):
                where = "inside data/" if payload else "outside data/"
                fault(manifest.name, f"line {number}: {path!r} is not a safe path {where}")
                continue
            if path in entries:
                fault(manifest.name, f"line {number}: {path} is listed twice")
                continue
            entries[path] = match.group(1).lower()
        found[manifest.name] = entries
    return found


def _compare(bag: Path, manifests: dict[str, dict[str, str]], present: set[str], fault, kind: str) -> None:
    """Missing, stray and changed files, one fault per file."""
    listed = sorted(set().union(*manifests.values())) if manifests else []
    for path in listed:
        naming = [name for name, entries in manifests.items() if path in entries]
        if path not in present:
            if (bag / path).is_dir() and not (bag / path).is_symlink():
                fault(path, f"a folder, where {_and(naming)} lists a file")
            elif not (bag / path).is_symlink() and not (bag / path).exists():
                fault(path, f"missing: listed in {_and(naming)} but not in the bag")
            continue  # anything else was reported as not a regular file
        unlisted = [name for name in manifests if name not in naming]
        if unlisted:
            fault(path, f"not listed in {_and(unlisted)}")
        algorithms = {name: name.split("-", 1)[1][:-4] for name in naming}
        digests = _digests(bag / path, set(algorithms.values()))
        if digests is None:
            fault(path, "cannot be read")
            continue
        wrong = [name for name in naming if digests[algorithms[name]] != manifests[name][path]]
        if wrong:
            fault(path, f"checksum does not match {_and(wrong)}: the file changed after it was bagged")
    if manifests:
        for path in sorted(present - set(listed)):
            fault(path, f"stray file: in the bag but in no {'tag ' if kind == 'tag' else ''}manifest")


def _digests(path: Path, algorithms: set[str]) -> dict[str, str] | None:
    hashers = {a: hashlib.new(a) for a in algorithms}
    try:
        with open(path, "rb") as stream:
            while block := stream.read(1 << 20):
                for hasher in hashers.values():
                    hasher.update(block)
    except OSError:
        return None
    return {a: h.hexdigest() for a, h in hashers.items()}


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verify_documents(bag: Path, shown: str, allow_invalid: bool, jobs: int | None, schema: Path) -> list[Fault]:
    """The TEI layer: the bag's copies of the schema and the rules are teipipe's own, and each
    document is valid against teipipe's own profile and rules."""
    faults: list[Fault] = []
    if not (bag / PAYLOAD / "tei").is_dir():
        return [Fault(shown, f"{PAYLOAD}/tei", "missing: the bag holds no TEI documents")]
    faults += _compare_shipped(bag, shown, schema)
    try:
        report = validate_payload(bag, jobs=jobs, profile=schema / PROFILE_FILE)
    except (OSError, etree.LxmlError) as error:
        return faults + [Fault(shown, "", f"teipipe's own profile {schema / PROFILE_FILE} cannot be loaded: {error}")]
    accepted = _recorded_problems(bag) if allow_invalid else set()
    for problem in report.problems:
        if problem.severity != ERROR:
            continue
        if (problem.path, problem.line, problem.column, problem.code) in accepted:
            continue
        faults.append(Fault(shown, problem.path, f"{problem.code} at line {problem.line}, column "
                                                 f"{problem.column}: {problem.message}"))
    return faults


def _compare_shipped(bag: Path, shown: str, schema: Path) -> list[Fault]:
    """A fault for each file of data/schema/ that is not teipipe's own (the profile's files of
    ``schema``, :data:`SCHEMA_FILES`, and the rules of :func:`rules_table`), and for each of those
    the bag lacks."""
    own = {f"{PAYLOAD}/schema/{name}": (schema / name).read_bytes() for name in SCHEMA_FILES
           if (schema / name).is_file()}
    own[RULES_FILE] = _json_bytes(rules_table())
    faults = []
    folder = bag / PAYLOAD / "schema"
    shipped = sorted(p.name for p in folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
    for name in shipped:
        relative = f"{PAYLOAD}/schema/{name}"
        path = bag / relative
        if relative not in own:
            faults.append(Fault(shown, relative, "is not part of teipipe's profile: a bag ships teipipe's own "
                                                 "schemas and rules, and nothing else in data/schema/"))
            continue
        try:
            same = path.is_file() and not path.is_symlink() and path.stat().st_size == len(own[relative]) \
                and path.read_bytes() == own[relative]
        except OSError:
            same = False
        if not same:
            faults.append(Fault(shown, relative, "differs from teipipe's own copy: the bag was made with another "
                                                 "profile or rules, or the file was changed; the documents were "
                                                 "checked against teipipe's own"))
    for relative in sorted(set(own) - {f"{PAYLOAD}/schema/{name}" for name in shipped}):
        faults.append(Fault(shown, relative, "missing: every teipipe bag ships the profile and the rules its "
                                             "documents were checked against"))
    return faults


def _recorded_problems(bag: Path) -> set[tuple]:
    try:
        record = json.loads((bag / REPORT_FILE).read_bytes())
        return {(p["path"], p["line"], p["column"], p["code"]) for p in record["problems"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
