"""The index stage: ``index.html`` and the stylesheet beside the reading pages and the review
pages, made from the rows the render stage kept, when the set of documents or any of them
changed."""

from __future__ import annotations

from ..atomic import write_atomic
from ..build_report import _shown
from ..manifest import digest, key
from ..render import CSS_NAME, IndexRow, RenderError, index_parts
from .run import Document, Run, outputs_present


def index_stage(run: Run, documents: list[Document]) -> None:
    """``index.html`` and ``teipipe.css`` beside the reading pages and the review pages, made
    from the rows the render stage kept: no document is read."""
    settings, report, manifest = run.settings, run.report, run.manifest
    listed = sorted((d for d in documents if d.valid and not d.failed and d.tei_digest is not None),
                    key=lambda d: d.tei.name)
    index_key = key(run.versions.renderer, [[d.stem, d.tei_digest] for d in listed])
    if manifest.index.get("key") == index_key and outputs_present(settings, manifest.index):
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
    # the register pages' record stays: they are made from the names, which have keys of their own
    manifest.index = {"key": index_key, "outputs": outputs,
                      **({"registers": manifest.index["registers"]} if "registers" in manifest.index else {})}
    report.index = True
    if run.progress:
        run.progress("index", 1, 1)
    run.checkpoints.changed = True
    run.checkpoints.save()
