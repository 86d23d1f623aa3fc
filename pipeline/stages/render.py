"""The render stage: every valid document whose TEI or stylesheets changed, rendered four ways
(the reading and review pages, the reading and diplomatic texts), with the row the index shows
of it and the names the registers list; the pages of documents that can no longer be rendered
are taken away."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor

from .. import executor as work
from ..atomic import write_atomic, write_unless_held
from ..build_report import _shown
from ..manifest import Versions, digest, key
from ..registers import names_key
from ..render import page_name
from .run import Document, Run, delete_outputs, outputs_present, read_bytes, shared, stage_progress


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
                delete_outputs(settings, rendered)
                del document.record["rendered"]
                document.recorded()
                document.worked = True
                run.checkpoints.changed = True
        elif rendered.get("key") != _render_key(run.versions, document) or "row" not in rendered \
                or not outputs_present(settings, rendered):
            due.append(document)
    by_stem = {d.stem: d for d in due}
    jobs = (work.RenderJob(d.stem, d.tei, read_bytes(d.tei) or b"", run.workers.toolkit, settings.build) for d in due)
    results = run.workers.map(work.render_document, jobs, len(due))
    # The pages are written by threads, so that a file's creation waiting on the disk does not
    # hold up the results behind it; each document is recorded, in order, once its pages are in
    # place. A page the last build wrote with the same bytes is written only if the file no
    # longer holds them.
    pending: deque[tuple[work.Rendered, list]] = deque()
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="teipipe-writer") as writers:
        for result in stage_progress("render", run.progress, results, len(due)):
            written = (by_stem[result.stem].record.get("rendered") or {}).get("outputs") or {}
            writes = []
            for relative, data in ({} if result.error else result.outputs).items():
                sha256 = digest(data)
                write = write_unless_held if written.get(relative) == [len(data), sha256] else write_atomic
                writes.append((relative, data, sha256,
                               writers.submit(write, settings.build / relative, data, durable=False)))
            pending.append((result, writes))
            while pending and (len(pending) > IN_FLIGHT or all(write.done() for *_, write in pending[0][1])):
                result, writes = pending.popleft()
                _keep_rendering(run, by_stem[result.stem], result, writes)
        while pending:
            result, writes = pending.popleft()
            _keep_rendering(run, by_stem[result.stem], result, writes)
    run.checkpoints.save()


#: Threads writing the pages, and the most documents whose pages may be on their way at once.
WRITERS = 4
IN_FLIGHT = 64


def _keep_rendering(run: Run, document: Document, result: work.Rendered, writes: list) -> None:
    """Record a document's pages once they are written (``writes``: each page's path, bytes,
    SHA-256 and the write under way), or why it was not rendered."""
    settings, report = run.settings, run.report
    document.worked = True
    if result.error:
        report.failures.append(f"{_shown(document.tei)}: error: cannot be rendered: {result.error}")
        report.skipped.append(document.stem)
        document.valid = False  # keeps it out of the index
        delete_outputs(settings, document.record.pop("rendered", {}))
        document.recorded()
        run.checkpoints.changed = True
        return
    outputs, failed = {}, None
    for relative, data, sha256, write in writes:
        try:
            write.result()
        except OSError as error:
            failed = failed or (relative, error)
            continue
        outputs[relative] = [len(data), sha256]
    if failed is not None:
        relative, error = failed
        report.failures.append(f"{_shown(settings.build / relative)}: error: cannot be written: "
                               f"{error.strerror or error}")
        report.skipped.append(document.stem)
        document.valid = False  # keeps it out of the index
        document.record.pop("rendered", None)
        document.recorded()
        run.checkpoints.changed = True
        return
    facts = result.facts
    document.record["rendered"] = {"key": _render_key(run.versions, document), "outputs": outputs,
                                   "row": facts and {"page": page_name(document.tei),
                                                     "facts": dict(zip(facts, shared(facts.values())))}}
    if result.names is not None:  # read with the pages: the registers stage need not read the TEI again
        document.record["named"] = {"key": names_key(run.versions, document.tei_digest), "names": result.names}
    document.recorded()
    report.rendered.append(document.stem)
    run.checkpoints.recorded()


def _render_key(versions: Versions, document: Document) -> str:
    return key(versions.renderer, document.tei_digest)
