"""Checking a bag: :func:`verify` reads its structure, its manifests and tag manifests, every
checksum, Payload-Oxum, missing and stray files, and checks every TEI document against teipipe's
own profile and rules (:func:`validate_payload`)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import bagit
from lxml import etree

from ..schema import SCHEMA_FILES
from ..validate import ERROR, CheckContext, Report
from ..validate import profile as profile_module
from ..validate.check import PROFILE_FILE, check_files, repeated_across_files
from .describe import rules_table
from .layout import BAG_INFO, PAYLOAD, REPORT_FILE, RULES_FILE, TAG_FILES, json_bytes
from .report import Fault

#: The largest tag file read (bytes): bagit.txt and bag-info.txt are a few lines.
MAX_TAG_FILE = 1024 * 1024
_MANIFEST_LINE = re.compile(r"^([0-9A-Fa-f]+)[ \t]+(\S.*)$")


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
        from ..config import settings_or_defaults

        schema = settings_or_defaults().schema  # outside a project, teipipe's own profile
    shown = str(bag)
    bag = Path(bag)
    if not (bag.exists() or bag.is_symlink()):
        return [Fault(shown, "", "no such folder")]
    if not bag.is_dir():
        return [Fault(shown, "", "not a folder: a bag is a folder holding bagit.txt")]
    faults = verify_package(bag, shown)
    faults += _verify_documents(bag, shown, allow_invalid, jobs, Path(schema))
    if not faults:
        with quiet_bagit():
            try:
                bagit.Bag(str(bag)).validate()
            except bagit.BagError as error:
                faults.append(Fault(shown, "", f"bagit-python finds the bag invalid: {error}"))
    return faults


@contextmanager
def quiet_bagit() -> Iterator[None]:
    """bagit-python logs each finding; its verdict is reported here instead."""
    logger = logging.getLogger("bagit")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def verify_package(bag: Path, shown: str) -> list[Fault]:
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
    own[RULES_FILE] = json_bytes(rules_table())
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
