"""Writing a bag: :func:`deposit` brings the build up to date, lays out the payload in a temporary
folder beside OUT, validates the documents, writes the inventory, the manifests and the tag
files, checks the result, and renames it into place."""

from __future__ import annotations

import os
import posixpath
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import bagit

from ..atomic import FILE_MODE
from ..build import Progress, build
from ..config import Settings
from ..convert import collect_sources
from ..manifest import MANIFEST_NAME, Manifest
from ..render import AUTHORITY_NAME
from ..schema import SCHEMA_FILES
from ..source import stem_of
from ..validate import ERROR
from .describe import (Document, bag_info, facts_of, inventory_csv, inventory_row, roles_of, rules_table,
                       validation_record)
from .layout import (ALGORITHMS, BAG_INFO, BAGIT_TXT, INVENTORY_CSV, INVENTORY_JSON, PAYLOAD, RENDERING_ROLES,
                     REPORT_FILE, RULES_FILE, TAG_FILES, Entry, entry, json_bytes, manifest_bytes, put, tag_lines,
                     write_new)
from .report import DepositError, DepositReport, DestinationError, Fault
from .verification import quiet_bagit, validate_payload, verify_package

#: The permissions mkdir would give the bag's folder (mkdtemp alone gives 0o700).
_DIR_MODE = FILE_MODE | (FILE_MODE & 0o444) >> 2

# Characters that RFC 8493 makes a manifest percent-encode; bagit-python reads only some of them
# back, so such names are refused rather than written.
_UNSAFE_NAME = re.compile(r"[\r\n%]")


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
    facts = {d.stem: facts_of(bag / d.files["tei"].path) if "tei" in d.files else None for d in documents}
    valid = {d.stem for d in documents if facts[d.stem] is not None and d.stem not in failed}
    report.documents = len(documents)
    report.valid_documents = len(valid)
    report.redactions = sum(f["redactions"] for f in facts.values() if f is not None)

    entries.append(put(bag, RULES_FILE, json_bytes(rules_table())))
    entries.append(put(bag, REPORT_FILE, json_bytes(validation_record(validation, report))))
    rows = [inventory_row(d, facts[d.stem], d.stem in valid) for d in documents]
    roles = roles_of(documents)
    entries.append(put(bag, INVENTORY_JSON, json_bytes({"documents": rows})))
    entries.append(put(bag, INVENTORY_CSV, inventory_csv(rows, roles)))
    entries.sort(key=lambda e: e.path)
    report.payload_files = len(entries)
    report.payload_bytes = sum(e.size for e in entries)

    for algorithm in ALGORITHMS:
        write_new(bag / f"manifest-{algorithm}.txt", manifest_bytes(entries, algorithm))
    write_new(bag / "bagit.txt", BAGIT_TXT)
    write_new(bag / BAG_INFO, tag_lines(bag_info(settings, report)))
    tag_entries = [entry(bag, name) for name in sorted(TAG_FILES) if not name.startswith("tagmanifest-")]
    for algorithm in ALGORITHMS:
        write_new(bag / f"tagmanifest-{algorithm}.txt", manifest_bytes(tag_entries, algorithm))

    faults = verify_package(bag, str(bag))
    if not faults:
        with quiet_bagit():
            try:
                bagit.Bag(str(bag)).validate()
            except bagit.BagError as error:
                faults.append(Fault(str(bag), "", f"bagit-python finds the bag invalid: {error}"))
    if faults:
        raise DepositError("the bag failed its own check:\n" + "\n".join(map(str, faults)))
    report.written = True


def _lay_out_payload(settings: Settings, bag: Path) -> tuple[list[Document], list[Entry]]:
    """Copy the documents, sources, schema and renderings into ``bag/data``; the documents in
    order of their stems, each with the payload entries of its own files."""
    documents: dict[str, Document] = {}
    entries: list[Entry] = []
    seeds, _ = collect_sources([settings.seeds]) if settings.seeds.is_dir() else ([], [])
    for seed in seeds:
        document = documents.setdefault(stem_of(seed), Document(stem_of(seed)))
        if document.seed is None:
            document.seed = seed
        else:  # a second source of the same name (the build reports it): kept, but of no document
            entries.append(_copy(seed, bag, f"{PAYLOAD}/seeds/{seed.name}"))
    if settings.tei.is_dir():
        for tei in sorted(settings.tei.glob("*.xml")):
            if tei.name != AUTHORITY_NAME and tei.is_file():
                documents.setdefault(tei.stem, Document(tei.stem)).tei = tei
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


def _copy_rendering(settings: Settings, bag: Path, relative: str, recorded) -> Entry:
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


def _copy(source: Path, bag: Path, relative: str) -> Entry:
    if _UNSAFE_NAME.search(relative):
        raise DepositError(f"{source}: a file name holding %, CR or LF cannot be deposited; rename the file")
    try:
        data = source.read_bytes()
    except OSError as error:
        raise DepositError(f"{source}: cannot be read: {error.strerror or error}") from error
    return put(bag, relative, data)


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
