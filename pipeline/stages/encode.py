"""The encode stage: every seed whose source, encoder, header settings or review file changed
(or whose TEI file is missing) encoded into ``tei/<stem>.xml`` against one authority, and
``tei/authority.xml`` written. An edited TEI file is kept unless the build is forced."""

from __future__ import annotations

import os
from dataclasses import asdict, fields, replace

from lxml import etree

from .. import executor as work
from .. import schema
from ..additions import Blocks
from ..atomic import NAME_MAX, write_atomic
from ..authority import build_authority_tree
from ..build_report import _shown
from ..convert import encoding_context, resolved_in, review_for, review_text
from ..corrections import ReviewError
from ..encode.context import EncodingContext
from ..manifest import Versions, digest, key
from ..source import SourceError, read_source_bytes
from ..steps import Steps, added_entries
from .run import Document, Run, shared, stage_progress


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
    model = schema.xml_model(settings)  # the same for every document: the folders' places
    folders: dict = {}  # each seeds folder, resolved once
    keys: list[list] = []  # each seed's encoding key as the last build recorded it, in order
    for document in seeded:
        try:
            resolved = resolved_in(document.seed, folders)
        except (OSError, RuntimeError):
            resolved = None  # as encoding_context and review_for find it themselves
        review = review_for(settings, document.seed, resolved)
        job = work.EncodeJob(document.stem, document.seed, encoding_context(settings, document.seed, model, resolved),
                             None, run.workers.toolkit, review=review,
                             review_digest=run.digests.digest(review) if review else None)
        jobs[document.stem] = job
        encoded = document.record.get("encoded") or {}
        keys.append([document.stem, encoded.get("key")])
        edited = document.tei_digest != encoded.get("tei")
        if (encoded.get("key") != _encoding_key(run.versions, document, job) or document.tei_digest is None
                or (run.force and edited)):
            due.append(document)
    # The authority the last build left is the one its documents make again when none of them
    # changed and it starts from the same entries: then their names need not be replayed.
    started_from = key(run.versions.encoder, settings.publisher, [asdict(entry) for entry in authority.entries.values()])
    sequence = key(started_from, keys)
    replayed = due or run.manifest.authority.get("key") != sequence \
        or run.manifest.authority.get("written") != authority_digest
    # With workers, every due document is first encoded on them against the authority as found
    # plus the names added by then; the loop below keeps each result whose lookups replay to the
    # same answers (executor.py).
    in_parallel = run.workers.parallel(len(due))
    added = Blocks(authority)
    handed_out = (replace(_with_seed(jobs[d.stem]), added=added.now()) for d in due)
    speculative = run.workers.map(work.encode_document, handed_out, len(due)) if in_parallel else iter(())
    due_stems = {d.stem for d in due}
    last = run.manifest.authority
    steps = Steps(authority, last.get("steps") if last.get("started") == started_from else None, last.get("added"),
                  {d.stem for d in seeded})
    taken: list[list] = []  # this build's steps
    for document in stage_progress("encode", run.progress if due else None, seeded, len(seeded)):
        job = jobs[document.stem]
        encoded = document.record.get("encoded") or {}
        result = None
        if document.stem in due_stems:
            result = next(speculative) if in_parallel else None
            if result is None or not work.replay(authority, result.names):
                result = work.encode_with(_with_seed(job), authority)
            steps.done(document.stem)
        elif replayed and not steps.skip(document.stem, encoded.get("key")):
            if not work.replay(authority, document.record.get("lookups") or []):
                result = work.encode_with(_with_seed(job), authority)  # a name it met now means something else
            steps.done(document.stem)
        if result is not None:
            _keep_encoding(run, document, job, result)
            run.checkpoints.recorded()
        else:
            report.warnings += encoded.get("review_warnings", [])  # they stand until the editor acts
            if document.tei_digest != encoded.get("tei"):
                report.diverged.append(document.stem)
        if replayed:
            taken.append([document.stem, (document.record.get("encoded") or {}).get("key"), len(authority.added)])
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
        sequence = key(started_from, [step[:2] for step in taken])  # every seed's key, as now recorded
        run.manifest.authority = {"key": sequence, "written": written, "started": started_from, "steps": taken,
                                  "added": added_entries(authority)}
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


def _encoding_key(versions: Versions, document: Document, job: work.EncodeJob) -> str:
    return key(versions.encoder, document.seed_digest, _context_fields(job.context), job.review_digest)


def _context_fields(context: EncodingContext) -> dict:
    """``asdict(context)``, without copying the fields that hold text."""
    values = {field.name: getattr(context, field.name) for field in fields(context)}
    if context.catalogue is not None:
        values["catalogue"] = asdict(context.catalogue)
    return values


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
    record = {"key": key(run.versions.encoder, result.seed, _context_fields(job.context), job.review_digest),
              "seed": result.seed, "tei": result.digest}
    lookups = [shared(call) for call in result.names]  # a part of its own: read only to replay them
    review_warnings = [w for w in result.warnings if job.review and w.startswith(_shown(job.review) + ":")]
    if review_warnings:
        record["review_warnings"] = review_warnings
    if not by_encoder and not run.force:
        record["tei"] = encoded.get("tei")  # still what the encoder last wrote there
        document.record["encoded"], document.record["lookups"] = record, lookups
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
            document.record["encoded"], document.record["lookups"] = record, lookups
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
    document.record["encoded"], document.record["lookups"] = record, lookups
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
