"""One run of the build, as every stage sees it: the documents of the corpus with their
records (:class:`Document`, :func:`scan`), what the stages share (:class:`Run`), and the saving
of the manifest as the stages go (:class:`Checkpoints`)."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import executor as work
from ..build_report import BuildReport, Progress, _shown
from ..config import Settings
from ..convert import collect_sources
from ..manifest import FileDigests, Manifest, Records, Versions
from ..names import BatchNames
from ..render import AUTHORITY_NAME
from ..source import stem_of
from ..workers import Workers

#: How often the manifest is saved during a stage, at least (seconds) ...
CHECKPOINT_EVERY = 5.0
#: ... after a first save this soon after the build starts recording, the pause doubling from
#: save to save: a build killed again and again still keeps some of its work each time.
FIRST_CHECKPOINT = 0.25
#: ... and the pause between two saves is at least this many times what a save takes, so that
#: saving a large manifest stays a small part of a build.
SAVING_SHARE = 20

# ------------------------------------------------------------------------------------ the corpus

@dataclass
class Document:
    """One document of the corpus as the build sees it: its files and its manifest record."""

    stem: str
    seed: Path | None
    tei: Path
    records: Records  # where its record is kept
    seed_digest: str | None = None
    tei_digest: str | None = None  # of the file in tei/ now
    failed: bool = False  # the encoder failed: nothing further is done with it
    valid: bool = False
    worked: bool = False  # some stage did something for it in this build

    @property
    def record(self) -> dict:
        """Its manifest record (read from the store when it is not at hand)."""
        return self.records.setdefault(self.stem, {})

    def recorded(self) -> None:
        """Its record was changed: the manifest must save it."""
        self.records.changed(self.stem)


def scan(settings: Settings, manifest: Manifest, digests: FileDigests, report: BuildReport) -> list[Document]:
    """The documents: every seed, in the order ``teipipe convert`` takes them, then every TEI
    file without a seed, by name, with the digest of each seed and TEI file (read only when the
    file is not as the manifest records it)."""
    documents: list[Document] = []
    stems = BatchNames()
    seeds: list[Path] = []
    if settings.seeds.is_dir():
        seeds, errors = collect_sources([settings.seeds])
        report.errors += errors
    for seed in seeds:
        stem = stem_of(seed)
        refused = stems.claim(seed, stem)
        if refused:
            report.failures.append(refused)
            continue
        documents.append(Document(stem, seed, settings.tei / f"{stem}.xml", manifest.documents))
    if settings.tei.is_dir():
        for tei in sorted(settings.tei.glob("*.xml")):
            if tei.name != AUTHORITY_NAME and tei.stem not in stems.files:
                documents.append(Document(tei.stem, None, tei, manifest.documents))
                report.without_seed.append(tei.stem)
    manifest.documents.read_ahead([d.stem for d in documents])
    digests.read_ahead([path for d in documents for path in ((d.seed, d.tei) if d.seed else (d.tei,))])
    for document in documents:
        document.seed_digest = digests.digest(document.seed) if document.seed else None
        document.tei_digest = digests.digest(document.tei)
    return documents


def forget_removed(settings: Settings, documents: list[Document], manifest: Manifest,
                   report: BuildReport) -> None:
    """Take away the outputs and records of documents that have neither a seed nor a TEI file."""
    present = {d.stem for d in documents}
    for stem in sorted(set(manifest.documents) - present):
        delete_outputs(settings, manifest.documents.pop(stem).get("rendered") or {})
        report.removed.append(stem)


# ------------------------------------------------------------------------------------ saving as it goes

class Checkpoints:
    """Saves the manifest now and then during a stage, and at its end, when something was
    recorded since the last save. The outputs recorded are flushed to the disk first, so the
    manifest never names work that a power cut could undo. Saving a large manifest takes a
    while, so the pause between two saves grows with it: saving stays a small part of a build."""

    def __init__(self, manifest: Manifest, path: Path) -> None:
        self.manifest = manifest
        self.path = path
        self.last = time.monotonic()
        self.every = FIRST_CHECKPOINT
        self.changed = False
        self.errors: list[str] = []  # saves that failed (a full disk, a folder that may not be written)

    def recorded(self) -> None:
        """Something was recorded; save if the last save is long enough ago."""
        self.changed = True
        if time.monotonic() - self.last >= self.every:
            self.save()

    def save(self) -> None:
        """Save what was recorded (nothing when nothing was)."""
        if not self.changed:
            return
        began = time.monotonic()
        os.sync()
        try:
            self.manifest.save(self.path)
        except (OSError, sqlite3.Error) as error:
            # The outputs are in place but not recorded: the next build does their work again.
            if not self.errors:
                self.errors.append(f"{_shown(self.path)}: error: cannot be written: "
                                   f"{getattr(error, 'strerror', None) or error}; "
                                   "what this build did will be done again by the next")
            self.last = time.monotonic()
            return
        self.last = time.monotonic()
        self.every = max(min(2 * self.every, CHECKPOINT_EVERY), SAVING_SHARE * (self.last - began))
        self.changed = False


# ------------------------------------------------------------------------------------ what the stages share

@dataclass
class Run:
    """What every stage of one build works with."""

    settings: Settings
    manifest: Manifest
    versions: Versions
    digests: FileDigests
    checkpoints: Checkpoints
    report: BuildReport
    force: bool
    progress: Progress | None
    workers: Workers = None  # type: ignore[assignment]
    toolkit: work.Toolkit = None  # type: ignore[assignment]
    standing: list[list] = field(default_factory=list)  # [stem, *problem] of the invalid documents


def stage_progress(name: str, progress: Progress | None, results: Iterable, total: int) -> Iterator:
    """``results``, telling ``progress`` how far the stage ``name`` is as each is taken."""
    if progress:
        progress(name, 0, total)
    for done, result in enumerate(results, 1):
        yield result
        if progress:
            progress(name, done, total)


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a file, or None when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def shared(values: Iterable) -> list:
    """``values`` with each string shared with its equals in other records (the same names and
    facts recur from document to document): a large manifest takes less memory."""
    return [sys.intern(value) if isinstance(value, str) else value for value in values]


def delete_outputs(settings: Settings, record: dict) -> None:
    """Delete the outputs a record names."""
    for relative in record.get("outputs", {}):
        (settings.build / relative).unlink(missing_ok=True)


def outputs_present(settings: Settings, record: dict) -> bool:
    """Every output of a record is there, with the size recorded."""
    folder = str(settings.build)
    for relative, (size, _) in record.get("outputs", {}).items():
        try:
            if os.stat(f"{folder}/{relative}").st_size != size:
                return False
        except OSError:
            return False
    return True
