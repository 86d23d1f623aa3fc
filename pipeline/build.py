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
Each stage is a module of :mod:`pipeline.stages`; the registers of names follow the index
(:mod:`pipeline.stages.registers`). This module starts the run and ends it.

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
import time
from concurrent.futures import Executor
from pathlib import Path

from . import catalogue
from . import executor as work
from .atomic import remove_leftovers
from .build_report import BuildReport, Progress, _shown, summary
from .build_state import _left, unchanged
from .config import Settings
from .manifest import MANIFEST_NAME, FileDigests, Manifest, Store, Versions
from .stages.check import check_stage
from .stages.encode import encode_stage
from .stages.index import index_stage
from .stages.registers import registers_stage
from .stages.render import render_stage
from .stages.run import Checkpoints, Run, forget_removed, read_bytes, scan
from .workers import Workers

__all__ = ["BuildReport", "Progress", "build", "summary"]

STAGES = ("encode", "check", "render", "index")


def build(settings: Settings, *, jobs: int | None = None, force: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          cluster: str | None = None, scheduler: str | None = None, looked: bool = False) -> BuildReport:
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
    called as ``progress(stage, done, total)`` while a stage runs. ``looked`` says that the
    caller has just asked :func:`pipeline.build_state.unchanged` and found work to do.
    """
    started = time.perf_counter()
    versions = Versions.of(settings.schema, settings.transforms)
    report = None if force or looked else unchanged(settings, versions)
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
    run.toolkit = work.Toolkit.of(settings.schema, settings.transforms, read_bytes(settings.authority))
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
        try:
            store.give_back_free_pages()
        except sqlite3.Error:
            pass  # the file stays larger than it need be, and the next build tries again
    finally:
        store.close()
    report.times["total"] = time.perf_counter() - started
    return report
