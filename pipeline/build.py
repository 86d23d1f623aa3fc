"""``teipipe build``: from ``seeds/`` to ``tei/`` to ``build/``, doing only the work that is due.

:func:`build` runs four stages over the corpus:

1. **encode** every seed whose source, encoder or header settings changed since the last build
   (or whose TEI file is missing) into ``tei/<stem>.xml``, and write ``tei/authority.xml``;
2. **check** every TEI file whose bytes, validator or seed changed, or whose pointers into the
   authority file now lead elsewhere, and every document against the others (ids unique across
   the corpus);
3. **render** every valid document whose TEI or stylesheets changed: the reading and review
   pages in ``build/html/`` and the reading and diplomatic texts in ``build/text/``;
4. **index**: ``index.html`` (and the stylesheet) when the set of documents or any of them
   changed.

What "changed" means is decided against the manifest, ``build/manifest.sqlite`` (:mod:`pipeline.manifest`).

**Editors' work is the master copy.** A TEI file that is not what the encoder last wrote there
has been edited by hand: it is kept, checked and rendered as it is, and the build reports that
the seed and the edition have diverged. ``force=True`` encodes it again, after saving the edited
file as ``tei/<stem>.xml.<digest>.bak``. A TEI file without a seed is an edition of its own,
checked and rendered too.

**Nothing half-done.** Every file is written to a temporary file and renamed into place
(:mod:`pipeline.atomic`). The manifest records a document's stage only once that stage's
outputs are in place, and is saved every few seconds and at the end of each stage, after the
outputs are flushed to the disk. A build that is stopped (Ctrl-C, a killed process) leaves each
output whole, old or new, and the next build does what is left.

**Parallel, and the same.** The per-document work is done by the pure functions of
:mod:`pipeline.executor`, on worker processes (``jobs``) or on any ``concurrent.futures``
executor given as ``executor``; the build writes every file itself, in document order. Its
output does not depend on the number of workers, and ``tei/`` is byte for byte what ``teipipe
convert`` writes (see :mod:`pipeline.executor` for how the authority file is kept so).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import asdict, astuple, dataclass, field, replace
from pathlib import Path

from lxml import etree

from . import executor as work
from . import schema
from .atomic import NAME_MAX, remove_leftovers, write_atomic
from .authority import build_authority_tree
from .config import Settings
from . import catalogue
from .convert import collect_sources, encoding_context, review_for, review_text
from .corrections import ReviewError
from .names import BatchNames
from .manifest import (
    MANIFEST_NAME,
    FileDigests,
    Manifest,
    Records,
    Store,
    Versions,
    digest,
    key,
)
from .build_report import BuildReport, Progress, ProgressPrinter, _shown, summary  # noqa: F401
from .build_state import _as_left, _left, snapshot, unchanged  # noqa: F401
from .workers import CHUNK, PARALLEL_FROM, Workers  # noqa: F401
from .registers import names_key, registers_stage
from .render import AUTHORITY_NAME, CSS_NAME, IndexRow, RenderError, index_parts, page_name
from .source import SourceError, read_source_bytes, stem_of
from .validate import CheckContext, check_file
from .validate.check import PROFILE_FILE, repeated_across_files
from .validate.report import ERROR, Problem
from .validate.rules import KnownFiles, targets_beside, targets_in_file

STAGES = ("encode", "check", "render", "index")

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
    for document in documents:
        document.seed_digest = digests.digest(document.seed) if document.seed else None
        document.tei_digest = digests.digest(document.tei)
    return documents


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


def _stage(name: str, progress: Progress | None, results: Iterable, total: int) -> Iterator:
    if progress:
        progress(name, 0, total)
    for done, result in enumerate(results, 1):
        yield result
        if progress:
            progress(name, done, total)


# ------------------------------------------------------------------------------------ the build

def build(settings: Settings, *, jobs: int | None = None, force: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          cluster: str | None = None, scheduler: str | None = None) -> BuildReport:
    """Bring ``tei/`` and ``build/`` up to date with ``seeds/`` and return what was done.

    ``jobs`` is the number of worker processes (default ``settings.jobs``; 0: one per core);
    ``executor`` is any ``concurrent.futures.Executor`` to run the per-document work on instead
    (the caller starts and stops it; its workers need the package installed and see this
    machine's files). ``cluster`` names another engine to run it on (default
    ``settings.executor``): ``"dask"`` is a ``dask.distributed`` cluster, the one whose scheduler
    is at ``scheduler`` (default ``settings.scheduler``), or a local one of ``jobs`` worker
    processes started for the build when there is no address (:mod:`pipeline.cluster`); its
    workers get the bytes they need and share no file system with the build. ``force``
    re-encodes TEI files that were edited by hand, keeping a backup of each. ``progress`` is
    called as ``progress(stage, done, total)`` while a stage runs.
    """
    started = time.perf_counter()
    versions = Versions.of(settings.schema, settings.transforms)
    report = None if force else unchanged(settings, versions)
    if report is not None:
        report.times["total"] = time.perf_counter() - started
        return report
    report = BuildReport()
    if settings.catalogue is not None:
        try:
            report.warnings.extend(catalogue.cached(settings.catalogue).warnings)
        except (catalogue.CatalogueError, OSError) as exc:
            report.errors.append(str(exc) if isinstance(exc, catalogue.CatalogueError)
                                 else f"{settings.catalogue}: error: cannot be read: {exc.strerror or exc}")
            return report
    manifest_path = settings.build / MANIFEST_NAME
    try:
        settings.build.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # the build folder itself cannot be made
        report.errors.append(f"{_shown(Path(error.filename or settings.build))}: error: {error.strerror or error}")
        return report
    try:
        store = Store(manifest_path)
        unsaved = None
    except OSError as error:  # the build is done all the same, its records kept in memory
        store = Store(":memory:")
        unsaved = (f"{_shown(manifest_path)}: error: cannot be written: {error.strerror or error}; "
                   "what this build did will be done again by the next")
    manifest = Manifest(store)
    digests = FileDigests(store)
    if digests.last:  # a build that stops half-way leaves no state to trust
        digests.last = {}
        store.set_meta("last", {})
        store.commit()
    checkpoints = Checkpoints(manifest, manifest_path)
    if unsaved:
        checkpoints.errors.append(unsaved)
    run = Run(settings, manifest, versions, digests, checkpoints, report, force, progress)
    workers_wanted = settings.jobs if jobs is None else jobs
    run.toolkit = work.Toolkit.of(settings.schema, settings.transforms, _read(settings.authority))
    cluster = settings.executor if cluster is None else cluster
    finished = False
    try:
        run.workers = Workers.for_build(executor, workers_wanted or os.cpu_count() or 1, run.toolkit,
                                        cluster, scheduler or settings.scheduler or None)
        for folder in (settings.tei, settings.build, *(settings.build / Path(v).parent for v in work.VIEWS.values())):
            remove_leftovers(folder)  # of a build that was killed while writing
        documents = scan(settings, manifest, digests, report)
        report.documents = len(documents)
        report.times["scan"] = time.perf_counter() - started
        for stage in (encode_stage, check_stage, render_stage, index_stage, registers_stage):
            began = time.perf_counter()
            stage(run, documents)
            report.times[stage.__name__.removesuffix("_stage")] = time.perf_counter() - began
        forget_removed(settings, documents, manifest, report)
        report.unchanged = [d.stem for d in documents if not d.worked]
        digests.settle([settings.authority, *(d.seed for d in documents if d.seed), *(d.tei for d in documents)])
        digests.prune()
        finished = True
    except OSError as error:  # the build folder itself cannot be made or read
        report.errors.append(f"{_shown(Path(error.filename or settings.build))}: error: "
                             f"{error.strerror or error}")
    finally:
        if run.workers is not None:
            run.workers.close(cancel=not finished)
        checkpoints.changed |= not report.did_nothing
        checkpoints.save()
    report.errors += checkpoints.errors
    try:
        left = _left(settings, versions, documents, run) if finished and not (report.failures or report.errors) else {}
        if left != digests.last:
            digests.last = left
            digests.changed = True
        try:
            digests.save()
        except (OSError, sqlite3.Error):
            pass  # only a shortcut for the next build, which reads the files instead
    finally:
        store.close()
    report.times["total"] = time.perf_counter() - started
    return report


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


def encode_stage(run: Run, documents: list[Document]) -> None:
    """Encode what is due, in document order, against one authority; then write the authority file."""
    settings, report = run.settings, run.report
    try:
        authority = work.editors_authority(run.toolkit.authority)
    except etree.XMLSyntaxError as error:  # kept as it is: it may hold reviewed entries
        line, column = error.position
        report.errors.append(f"{_shown(settings.authority)}:{line}:{column}: error: the authority file cannot be "
                             f"read ({error.msg}); nothing was encoded: repair it or move it away, then build again")
        return
    authority_digest = run.digests.digest(settings.authority)
    seeded = [d for d in documents if d.seed is not None]
    jobs: dict[str, work.EncodeJob] = {}
    due: list[Document] = []
    for document in seeded:
        review = review_for(settings, document.seed)
        job = work.EncodeJob(document.stem, document.seed, encoding_context(settings, document.seed),
                             None, run.workers.toolkit, review=review,
                             review_digest=run.digests.digest(review) if review else None)
        jobs[document.stem] = job
        encoded = document.record.get("encoded") or {}
        edited = document.tei_digest != encoded.get("tei")
        if (encoded.get("key") != _encoding_key(run.versions, document, job) or document.tei_digest is None
                or (run.force and edited)):
            due.append(document)
    # The authority the last build left is the one its documents make again when none of them
    # changed and it starts from the same entries: then their names need not be replayed.
    started_from = key(run.versions.encoder, settings.publisher, [asdict(entry) for entry in authority.entries.values()])
    sequence = key(started_from, [[d.stem, (d.record.get("encoded") or {}).get("key")] for d in seeded])
    replayed = due or run.manifest.authority.get("key") != sequence \
        or run.manifest.authority.get("written") != authority_digest
    # With workers, every due document is first encoded on them against the authority as found
    # plus the names added by then; the loop below keeps each result whose lookups replay to the
    # same answers (executor.py).
    in_parallel = run.workers.parallel(len(due))
    added = _Additions(authority)
    handed_out = (replace(_with_seed(jobs[d.stem]), added=added.now()) for d in due)
    speculative = run.workers.map(work.encode_document, handed_out, len(due)) if in_parallel else iter(())
    due_stems = {d.stem for d in due}
    for document in _stage("encode", run.progress if due else None, seeded, len(seeded)):
        job = jobs[document.stem]
        encoded = document.record.get("encoded") or {}
        result = None
        if document.stem in due_stems:
            result = next(speculative) if in_parallel else None
            if result is None or not work.replay(authority, result.names):
                result = work.encode_with(_with_seed(job), authority)
        elif replayed and not work.replay(authority, encoded.get("names", [])):
            result = work.encode_with(_with_seed(job), authority)  # a name it met now means something else
        if result is not None:
            _keep_encoding(run, document, job, result)
            run.checkpoints.recorded()
        else:
            report.warnings += encoded.get("review_warnings", [])  # they stand until the editor acts
            if document.tei_digest != encoded.get("tei"):
                report.diverged.append(document.stem)
    if replayed:
        data = schema.with_xml_model(etree.tostring(build_authority_tree(authority, settings.publisher),
                                                    xml_declaration=True, encoding="UTF-8", pretty_print=True),
                                     settings)
        written = digest(data)
        if authority_digest != written:
            try:
                write_atomic(settings.authority, data, durable=False)
            except OSError as error:
                report.errors.append(f"{_shown(settings.authority)}: error: cannot be written: "
                                     f"{error.strerror or error}")
                run.checkpoints.save()
                return
            run.digests.forget(settings.authority)
            report.authority = True
        sequence = key(started_from, [[d.stem, (d.record.get("encoded") or {}).get("key")] for d in seeded])
        run.manifest.authority = {"key": sequence, "written": written}
        run.checkpoints.recorded()
    run.checkpoints.save()


def _with_seed(job: work.EncodeJob) -> work.EncodeJob:
    """The job with its seed's bytes and its review file's, or why they cannot be read."""
    try:
        data = read_source_bytes(job.seed)
        review = review_text(job.review) if job.review is not None else None
    except (SourceError, ReviewError) as error:
        return replace(job, refused=error.describe())
    return replace(job, data=data, review_text=review)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


class _Additions:
    """The names an authority added (:func:`executor.additions`), made again only when it has
    added or taken back some since."""

    def __init__(self, authority) -> None:
        self.authority = authority
        self.made: tuple = ()
        self.when: tuple = (0, None)

    def now(self) -> tuple:
        added = self.authority.added
        when = (len(added), next(reversed(added), None))
        if when != self.when:
            self.made, self.when = work.additions(self.authority), when
        return self.made


def _encoding_key(versions: Versions, document: Document, job: work.EncodeJob) -> str:
    return key(versions.encoder, document.seed_digest, asdict(job.context), job.review_digest)


def _keep_encoding(run: Run, document: Document, job: work.EncodeJob, result: work.Encoded) -> None:
    """Put the encoder's output in place, unless the TEI file there was edited by hand."""
    report = run.report
    document.worked = True
    report.warnings += result.warnings
    if result.error:
        report.failures.append(result.error)
        document.failed = True
        return
    encoded = document.record.get("encoded") or {}
    current = document.tei_digest
    by_encoder = current is None or current == result.digest or current == encoded.get("tei")
    record = {"key": key(run.versions.encoder, result.seed, asdict(job.context), job.review_digest),
              "seed": result.seed, "tei": result.digest, "names": [_shared(call) for call in result.names]}
    review_warnings = [w for w in result.warnings if job.review and w.startswith(_shown(job.review) + ":")]
    if review_warnings:
        record["review_warnings"] = review_warnings
    if not by_encoder and not run.force:
        record["tei"] = encoded.get("tei")  # still what the encoder last wrote there
        document.record["encoded"] = record
        document.recorded()
        report.diverged.append(document.stem)
        return
    try:
        if not by_encoder:
            backup = document.tei.with_name(backup_name(document.tei.name, current))
            write_atomic(backup, document.tei.read_bytes())
            report.replaced[document.stem] = backup
        # The file is replaced only if it is still what the build saw: an editor's save made
        # while the build ran is kept, and reported.
        if current != result.digest and not write_atomic(document.tei, result.tei, durable=False, if_digest=current):
            run.digests.forget(document.tei)
            document.tei_digest = run.digests.digest(document.tei)
            report.replaced.pop(document.stem, None)
            record["tei"] = encoded.get("tei")
            document.record["encoded"] = record
            document.recorded()
            report.diverged.append(document.stem)
            return
    except OSError as error:
        report.failures.append(f"{_shown(document.tei)}: error: cannot be written: {error.strerror or error}")
        document.failed = True
        return
    if current != result.digest:
        run.digests.forget(document.tei)
        document.tei_digest = result.digest
    document.record["encoded"] = record
    document.recorded()
    report.converted.append(document.stem)


def backup_name(name: str, edited: str) -> str:
    """``<name>.<digest>.bak``, the copy ``--force`` keeps of an edited file (12 characters of
    its digest), with ``<name>`` shortened when the whole would be longer than a file name may be."""
    room = NAME_MAX - len(os.fsencode(name)) - len(".bak") - 1
    if room >= 12:
        return f"{name}.{edited[:12]}.bak"
    stem = os.fsencode(name)[:NAME_MAX - 12 - len(".bak") - 2].decode("utf-8", "ignore")
    return f"{stem}~.{edited[:12]}.bak"


def check_stage(run: Run, documents: list[Document]) -> None:
    """Validate what is due; then check ids across the corpus."""
    settings, report = run.settings, run.report
    context = CheckContext(profile=settings.schema / PROFILE_FILE,
                           seeds=settings.seeds if settings.seeds.is_dir() else None,
                           review=settings.review if settings.review.is_dir() else None)
    present = [d for d in documents if not d.failed and d.tei_digest is not None]
    targets = _Targets(settings.tei)
    due = []
    for document in present:
        checked = document.record.get("checked") or {}
        if checked.get("key") != _check_key(run.versions, document) \
                or targets.kinds(checked.get("links", {})) != checked.get("links"):
            due.append(document)
    by_stem = {d.stem: d for d in due}
    if run.workers.elsewhere:  # workers without the corpus's files: tell them what the rules read
        run.workers.provide(run.toolkit.knowing(KnownFiles(
            settings.seeds.name if context.seeds else None, {},
            {AUTHORITY_NAME: targets_in_file(settings.authority)}, _review_files(context.review))))
    jobs = (work.CheckJob(d.stem, d.tei, _read(d.tei), run.workers.toolkit, context.seeds,
                          (d.seed.name, d.seed_digest) if d.seed else None, context.review) for d in due)
    for result in _stage("check", run.progress, run.workers.map(work.check_document, jobs, len(due)), len(due)):
        document = by_stem[result.stem]
        if result.elsewhere is not None:  # it needs a file the workers do not know
            result = work.check_document(work.CheckJob(result.stem, document.tei, _read(document.tei),
                                                       run.toolkit.key, context.seeds, review=context.review))
        document.record["checked"] = {"key": _check_key(run.versions, document), "problems": result.problems,
                                      "ids": result.ids, "links": targets.kinds(result.links)}
        document.recorded()
        document.worked = True
        report.checked.append(document.stem)
        run.checkpoints.recorded()
    problems: dict[str, list[Problem]] = defaultdict(list)
    for document in present:
        checked = document.record["checked"]
        if checked["problems"]:
            problems[document.stem] = [Problem(_shown(document.tei), *problem) for problem in checked["problems"]]
    for stem, added in _clashing_ids(present, context).items():
        problems[stem] = sorted(problems[stem] + added, key=lambda p: (p.line, p.column, p.code))
    for document in present:
        found = problems.get(document.stem, [])
        document.valid = not any(p.severity == ERROR for p in found)
        if not document.valid:
            report.invalid.append(document.stem)
            run.standing += [[document.stem, *astuple(p)[1:]] for p in found]
        if not document.valid or document.stem in by_stem:
            report.problems += found
    run.checkpoints.save()


def _review_files(folder: Path | None) -> frozenset[str]:
    """The names of the review files in ``folder`` (none when there is no folder)."""
    try:
        return frozenset(entry.name for entry in os.scandir(folder) if entry.name.endswith(".toml")) \
            if folder is not None else frozenset()
    except OSError:
        return frozenset()


def _check_key(versions: Versions, document: Document) -> str:
    return key(versions.validator, document.tei_digest, document.seed_digest)


class _Targets:
    """Where the pointers into other files lead now, each file read once per stage."""

    def __init__(self, tei: Path) -> None:
        self.tei = tei
        self.files: dict[str, dict[str, str] | None] = {}

    def kinds(self, links: Iterable[str]) -> dict[str, str | None]:
        """Each pointer with the kind of element it leads to now (None: nowhere)."""
        found = {}
        for link in links:
            file, _, fragment = link.partition("#")
            if file not in self.files:
                self.files[file] = targets_beside(self.tei, file)
            found[link] = (self.files[file] or {}).get(fragment)
        return found


def _clashing_ids(documents: list[Document], context: CheckContext) -> dict[str, list[Problem]]:
    """TP103 for ids declared in more than one file. The records keep only the ids that could
    clash (a document's own id, and ids outside its prefix); the few documents that might clash
    are checked again in full, and compared as ``teipipe validate`` compares a corpus."""
    owners: dict[str, list[str]] = defaultdict(list)  # a document's own id -> stems
    claims: dict[str, set[str]] = defaultdict(set)  # an id outside its document's prefix -> stems
    for document in documents:
        own, *others = document.record["checked"]["ids"] or [""]
        if own:
            owners[own].append(document.stem)
        for value in others:
            claims[value].add(document.stem)
    suspects: set[str] = set()
    for own, stems in owners.items():  # the same own id, or one inside another's prefix
        inside = {s for prefix in _dotted_prefixes(own) for s in owners.get(prefix, ())}
        if len(stems) > 1 or inside:
            suspects |= set(stems) | inside
    for value, stems in claims.items():  # an id claimed twice, or inside a document's prefix
        inside = {s for prefix in [value, *_dotted_prefixes(value)] for s in owners.get(prefix, ())}
        if len(stems) > 1 or inside:
            suspects |= stems | inside
    if not suspects:
        return {}
    by_stem = {d.stem: d for d in documents}
    alone = [check_file(str(by_stem[stem].tei), context) for stem in sorted(suspects)]
    added: dict[str, list[Problem]] = {}
    for stem, before, after in zip(sorted(suspects), alone, repeated_across_files(alone)):
        shown = _shown(by_stem[stem].tei)
        new = [Problem(shown, *astuple(p)[1:]) for p in after.problems if p not in before.problems]
        if new:
            added[stem] = new
    return added


def _dotted_prefixes(value: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``: the ids whose prefix ``value`` lies under."""
    parts = value.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def render_stage(run: Run, documents: list[Document]) -> None:
    """Render every valid document whose TEI or stylesheets changed, keeping what the index
    shows of it; take away the pages of the documents that can no longer be rendered."""
    settings, report = run.settings, run.report
    due = []
    for document in documents:
        rendered = document.record.get("rendered") or {}
        if document.failed or document.tei_digest is None or not document.valid:
            report.skipped.append(document.stem)
            if rendered:
                _delete_outputs(settings, rendered)
                del document.record["rendered"]
                document.recorded()
                document.worked = True
                run.checkpoints.changed = True
        elif rendered.get("key") != _render_key(run.versions, document) or "row" not in rendered \
                or not _present(settings, rendered):
            due.append(document)
    by_stem = {d.stem: d for d in due}
    jobs = (work.RenderJob(d.stem, d.tei, _read(d.tei) or b"", run.workers.toolkit, settings.build) for d in due)
    for result in _stage("render", run.progress, run.workers.map(work.render_document, jobs, len(due)), len(due)):
        document = by_stem[result.stem]
        document.worked = True
        if result.error:
            report.failures.append(f"{_shown(document.tei)}: error: cannot be rendered: {result.error}")
            report.skipped.append(document.stem)
            document.valid = False  # keeps it out of the index
            _delete_outputs(settings, document.record.pop("rendered", {}))
            document.recorded()
            run.checkpoints.changed = True
            continue
        outputs = {}
        try:
            for relative, data in result.outputs.items():
                write_atomic(settings.build / relative, data, durable=False)
                outputs[relative] = [len(data), digest(data)]
        except OSError as error:
            report.failures.append(f"{_shown(settings.build / relative)}: error: cannot be written: "
                                   f"{error.strerror or error}")
            report.skipped.append(document.stem)
            document.valid = False  # keeps it out of the index
            document.record.pop("rendered", None)
            document.recorded()
            run.checkpoints.changed = True
            continue
        facts = result.facts
        document.record["rendered"] = {"key": _render_key(run.versions, document), "outputs": outputs,
                                       "row": facts and {"page": page_name(document.tei),
                                                         "facts": dict(zip(facts, _shared(facts.values())))}}
        if result.names is not None:  # read with the pages: the registers stage need not read the TEI again
            document.record["named"] = {"key": names_key(run.versions, document.tei_digest), "names": result.names}
        document.recorded()
        report.rendered.append(document.stem)
        run.checkpoints.recorded()
    run.checkpoints.save()


def _render_key(versions: Versions, document: Document) -> str:
    return key(versions.renderer, document.tei_digest)


def _present(settings: Settings, record: dict) -> bool:
    """Every output of a record is there, with the size recorded."""
    folder = str(settings.build)
    for relative, (size, _) in record.get("outputs", {}).items():
        try:
            if os.stat(f"{folder}/{relative}").st_size != size:
                return False
        except OSError:
            return False
    return True


def _delete_outputs(settings: Settings, record: dict) -> None:
    for relative in record.get("outputs", {}):
        (settings.build / relative).unlink(missing_ok=True)


def index_stage(run: Run, documents: list[Document]) -> None:
    """``index.html`` and ``teipipe.css`` beside the reading pages and the review pages, made
    from the rows the render stage kept: no document is read."""
    settings, report, manifest = run.settings, run.report, run.manifest
    listed = sorted((d for d in documents if d.valid and not d.failed and d.tei_digest is not None),
                    key=lambda d: d.tei.name)
    index_key = key(run.versions.renderer, [[d.stem, d.tei_digest] for d in listed])
    if manifest.index.get("key") == index_key and _present(settings, manifest.index):
        return
    if run.progress:
        run.progress("index", 0, 1)
    rows = (IndexRow(**row) for row in (d.record["rendered"]["row"] for d in listed) if row)
    try:
        page = bytearray()  # a large index is made in parts, and kept as bytes alone
        for part in index_parts(rows, transforms=settings.transforms):
            page += part.encode("utf-8")
    except RenderError as error:
        report.failures.append(f"error: {error}")
        return
    css = (settings.transforms / CSS_NAME).read_bytes()
    outputs = {}
    try:
        for folder in ("html", "html/review"):
            for name, data in (("index.html", page), (CSS_NAME, css)):
                write_atomic(settings.build / folder / name, data, durable=False)
                outputs[f"{folder}/{name}"] = [len(data), digest(data)]
    except OSError as error:
        report.errors.append(f"{_shown(settings.build / folder / name)}: error: cannot be written: "
                             f"{error.strerror or error}")
        return
    manifest.index = {"key": index_key, "outputs": outputs}
    report.index = True
    if run.progress:
        run.progress("index", 1, 1)
    run.checkpoints.changed = True
    run.checkpoints.save()


def forget_removed(settings: Settings, documents: list[Document], manifest: Manifest,
                   report: BuildReport) -> None:
    """Take away the outputs and records of documents that have neither a seed nor a TEI file."""
    present = {d.stem for d in documents}
    for stem in sorted(set(manifest.documents) - present):
        _delete_outputs(settings, manifest.documents.pop(stem).get("rendered") or {})
        report.removed.append(stem)


def _shared(values: Iterable) -> list:
    """``values`` with each string shared with its equals in other records (the same names and
    facts recur from document to document): a large manifest takes less memory."""
    return [sys.intern(value) if isinstance(value, str) else value for value in values]
