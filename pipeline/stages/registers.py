"""The registers stage: ``persons.html``, ``places.html`` and ``organisations.html`` beside the
reading pages and the review pages (:mod:`pipeline.registers`), made again only when the
authority file or a listed document changed.

The documents' names are kept in the manifest's own tables (:class:`pipeline.mentions.Mentions`),
each document's under the key of its TEI: a build brings them up to date document by document
(the names the render stage read with the pages, or the TEI read again for them), so that a
build which changed one document reads the names of that document alone. The record's
``named`` part keeps the key, and the names only until they are in the tables."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..atomic import write_atomic
from ..build_report import _shown
from ..manifest import key
from ..mentions import Mentions
from ..registers import (FOLDERS, REGISTERS, KeptLists, RegisterError, mentions_job, names_job, names_key, register_pages,
                         registers_version)
from ..render import IndexRow
from .run import Document, Run


def registers_stage(run: Run, documents: list[Document]) -> None:
    """The register pages of the build, from the names the manifest keeps: those of each
    document whose TEI changed are put in first."""
    settings, manifest, report = run.settings, run.manifest, run.report
    listed = sorted((d for d in documents if d.valid and not d.failed and d.tei_digest is not None
                     and (d.record.get("rendered") or {}).get("row")), key=lambda d: d.tei.name)
    mentions = Mentions(connection=manifest.store.connection)
    held = mentions.keys()
    wanted = {d.tei.name for d in listed}
    for position in held.keys() - wanted:  # no longer listed: deleted, invalid, failed
        mentions.remove(position)
    due = [d for d in listed if held.get(d.tei.name) != names_key(run.versions, d.tei_digest)]
    to_read = []
    for document in due:
        named = document.record.get("named") or {}
        if named.get("key") == names_key(run.versions, document.tei_digest) and "names" in named:
            _put(mentions, document, named["names"], run)  # read with the pages
        else:
            to_read.append(document)
    for document, names in zip(to_read, run.workers.map(names_job, (_job(d) for d in to_read), len(to_read))):
        if isinstance(names, str):
            report.failures.append(names)
            mentions.remove(document.tei.name)
            document.record.pop("named", None)
            document.recorded()
            continue
        _put(mentions, document, names, run)
    version = registers_version(run.versions)
    pages_key = key(version, run.digests.digest(settings.authority), sorted(mentions.keys().items()))
    kept = manifest.index.get("registers") or {}
    if kept.get("key") == pages_key and _present(settings.build, kept):
        return
    if run.progress:
        run.progress("registers", 0, 1)
    outputs = {}
    # The lists of mentions the last build wrote: those made from the same documents are copied.
    recorded = kept.get("outputs") or {}
    lists = KeptLists(version, kept.get("lists"), {
        register: (settings.build / FOLDERS[0] / f"{register}.html",
                   (recorded.get(f"{FOLDERS[0]}/{register}.html") or [0, None])[1]) for register in REGISTERS})

    def make_mentions(jobs, count):
        for html, error in run.workers.map(mentions_job, ((run.workers.toolkit, *job) for job in jobs), count):
            if error is not None:
                raise RegisterError(error)
            yield html

    try:
        for name, parts in register_pages(mentions, [settings.authority], transforms=settings.transforms,
                                          make_mentions=make_mentions, kept=lists):
            first, *others = [settings.build / folder / name for folder in FOLDERS]
            written = _Measured(parts)
            write_atomic(first, written, durable=False)
            for other in others:  # the same page beside the review pages: a copy of the first
                write_atomic(other, _chunks_of(first), durable=False)
            for folder in FOLDERS:
                outputs[f"{folder}/{name}"] = [written.size, written.hexdigest()]
    except RegisterError as error:
        report.failures.append(str(error))
        return
    except OSError as error:
        report.errors.append(f"{_shown(Path(error.filename or settings.build))}: error: cannot be written: "
                             f"{error.strerror or error}")
        return
    manifest.index["registers"] = {"key": pages_key, "outputs": outputs, "lists": lists.noted}
    if run.progress:
        run.progress("registers", 1, 1)
    run.checkpoints.changed = True
    run.checkpoints.save()


def _put(mentions: Mentions, document: Document, names: list, run: Run) -> None:
    """Keep a document's names in the manifest's tables, and only their key in its record."""
    named_key = names_key(run.versions, document.tei_digest)
    mentions.put(document.tei.name, IndexRow(**document.record["rendered"]["row"]), names, named_key)
    document.record["named"] = {"key": named_key}
    document.recorded()
    run.checkpoints.recorded()  # (a commit now and then keeps the write-ahead log small)


def _job(document: Document) -> tuple[Path, bytes | str]:
    try:
        return document.tei, document.tei.read_bytes()
    except OSError as error:
        return document.tei, f"{_shown(document.tei)}: error: cannot be read: {error.strerror or error}"


class _Measured:
    """The parts of a file as they go by, with their size and SHA-256 counted."""

    def __init__(self, parts: Iterable[bytes]) -> None:
        self.parts = parts
        self.size = 0
        self.sha256 = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            self.size += len(part)
            self.sha256.update(part)
            yield part

    def hexdigest(self) -> str:
        return self.sha256.hexdigest()


def _chunks_of(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        while chunk := stream.read(size):
            yield chunk


def _present(build: Path, record: dict) -> bool:
    for relative, (size, _) in record.get("outputs", {}).items():
        try:
            if os.stat(build / relative).st_size != size:
                return False
        except OSError:
            return False
    return bool(record.get("outputs"))
