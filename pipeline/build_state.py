"""The state a build leaves: one digest of everything a build depends on, so that a build that
finds the same state knows it has nothing to do without loading the manifest (the manifest's
store keeps it, :mod:`pipeline.manifest`)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from array import array
from dataclasses import asdict
from pathlib import Path

from .build_report import BuildReport, _shown
from .config import Settings
from .manifest import MANIFEST_NAME, PACKAGE, SETTLED_NS, Store, Versions, folder_digest
from .outputs import VIEWS
from .validate.report import Problem


def snapshot(settings: Settings, versions: Versions) -> tuple[str, bool]:
    """What a build depends on, as one digest: the versions of the stages, the whole package
    (the build's own code too), the settings, and the name, size, times and inode of every entry
    of ``seeds/``, ``tei/``, ``review/``, the build folder and its output folders. Also whether every seed and
    TEI file was settled (:data:`SETTLED_NS`), so that a later change to any of them must change
    the digest."""
    looked_at = time.time_ns()
    hasher = hashlib.sha256(json.dumps([asdict(versions), folder_digest(PACKAGE),
                                        {k: str(v) for k, v in asdict(settings).items()},
                                        os.environ.get("SOURCE_DATE_EPOCH")]).encode("utf-8"))
    if settings.catalogue is not None:  # the catalogue's records go into every header
        try:
            status = os.stat(settings.catalogue)
            hasher.update(f"catalogue\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}\n".encode("ascii"))
        except OSError:
            hasher.update(b"catalogue\0?\n")
    settled = True
    outputs = sorted({str(Path(v).parent) for v in VIEWS.values()})
    for folder, inputs in ((settings.seeds, True), (settings.tei, True), (settings.review, True), (settings.build, False),
                           *((settings.build / output, False) for output in outputs)):
        hasher.update(os.fsencode(folder) + b"\n")
        # In the order the folder lists them: the same while the folder does not change (and
        # another order only makes the digest another, and the build look at every file).
        names: list[str] = []
        numbers = array("q")
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not inputs and entry.name.startswith(MANIFEST_NAME):
                        continue  # the build's own records, which it writes after it looks
                    names.append(entry.name)
                    try:
                        status = entry.stat()
                    except OSError:  # a link to nothing
                        numbers.extend((-1, -1, -1, -1, -1))
                        continue
                    numbers.extend((status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
                                    entry.is_symlink()))
        except OSError:
            continue
        hasher.update("\0".join(names).encode("utf-8", "surrogateescape") + b"\n")
        hasher.update(numbers.tobytes())
        if inputs and names and max(numbers[1::5]) >= looked_at - SETTLED_NS:
            settled = False
    return hasher.hexdigest(), settled


def unchanged(settings: Settings, versions: Versions | None = None) -> BuildReport | None:
    """The report of a build that would find everything as the last build left it, found
    without loading the manifest or any stage's code; None when there is work to do (or no
    manifest)."""
    started = time.perf_counter()
    path = settings.build / MANIFEST_NAME
    if not path.is_file():
        return None
    versions = versions or Versions.of(settings.schema, settings.transforms)
    store = Store(path)
    try:
        last = store.meta("last", {})
    finally:
        store.close()
    if not last or last.get("key") != snapshot(settings, versions)[0]:
        return None
    report = _as_left(last, settings)
    report.times["total"] = time.perf_counter() - started
    return report


def _left(settings: Settings, versions: Versions, documents: list, run) -> dict:
    """The state a build that has done its work leaves, with what a build after it would
    report; nothing when a seed or TEI file may still be changing."""
    key, settled = snapshot(settings, versions)
    if not settled:
        return {}
    report = run.report
    warnings = [w for d in documents for w in ((d.record.get("encoded") or {}).get("review_warnings") or [])]
    return {"key": key, "documents": [d.stem for d in documents], "diverged": report.diverged,
            "without_seed": report.without_seed, "invalid": report.invalid, "problems": run.standing,
            "warnings": warnings}


def _as_left(left: dict, settings: Settings) -> BuildReport:
    """The report of a build that finds everything as the last build left it."""
    report = BuildReport(documents=len(left["documents"]), unchanged=list(left["documents"]),
                         diverged=left["diverged"], without_seed=left["without_seed"], invalid=left["invalid"],
                         warnings=list(left.get("warnings", [])))
    report.problems = [Problem(_shown(settings.tei / f"{stem}.xml"), *problem) for stem, *problem in left["problems"]]
    return report
