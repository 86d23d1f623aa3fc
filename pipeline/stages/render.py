"""The render stage: every valid document whose TEI or stylesheets changed, rendered four ways
(the reading and review pages, the reading and diplomatic texts), with the row the index shows
of it and the names the registers list; the pages of documents that can no longer be rendered
are taken away."""

from __future__ import annotations

from .. import executor as work
from ..atomic import write_atomic
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
    for result in stage_progress("render", run.progress, run.workers.map(work.render_document, jobs, len(due)), len(due)):
        document = by_stem[result.stem]
        document.worked = True
        if result.error:
            report.failures.append(f"{_shown(document.tei)}: error: cannot be rendered: {result.error}")
            report.skipped.append(document.stem)
            document.valid = False  # keeps it out of the index
            delete_outputs(settings, document.record.pop("rendered", {}))
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
                                                         "facts": dict(zip(facts, shared(facts.values())))}}
        if result.names is not None:  # read with the pages: the registers stage need not read the TEI again
            document.record["named"] = {"key": names_key(run.versions, document.tei_digest), "names": result.names}
        document.recorded()
        report.rendered.append(document.stem)
        run.checkpoints.recorded()
    run.checkpoints.save()


def _render_key(versions: Versions, document: Document) -> str:
    return key(versions.renderer, document.tei_digest)
