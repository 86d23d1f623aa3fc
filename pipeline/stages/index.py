"""The index stage: ``index.html`` and the stylesheet beside the reading pages and the review
pages, made from the rows the render stage kept, when the set of documents or any of them
changed. A large index is made in parts of rows (:func:`pipeline.render.index_chunks`); the
parts made from the same rows as the last build's are copied from the page it wrote."""

from __future__ import annotations

import hashlib
from contextlib import ExitStack

from ..atomic import write_atomic
from ..build_report import _shown
from ..manifest import digest, key
from ..render import CSS_NAME, IndexRow, RenderError, index_chunks
from .run import Document, Run, outputs_present

#: Where the page is read from again, and which of its outputs it is.
_PAGE = "html/index.html"


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
    parts = manifest.index.get("parts") or {}
    places: dict[str, list[int]] = {}
    try:
        with ExitStack() as stack:
            kept = _kept_parts(settings.build / _PAGE, parts, (manifest.index.get("outputs") or {}).get(_PAGE),
                               run.versions.renderer, stack)
            page = bytearray()  # a large index is made in parts, and kept as bytes alone
            for part_key, text in index_chunks(rows, transforms=settings.transforms, kept=kept):
                data = text.encode("utf-8")
                if part_key is not None:
                    places[part_key] = [len(page), len(data)]
                page += data
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
                      **({"parts": {"version": run.versions.renderer, "places": places}} if places else {}),
                      **({"registers": manifest.index["registers"]} if "registers" in manifest.index else {})}
    report.index = True
    if run.progress:
        run.progress("index", 1, 1)
    run.checkpoints.changed = True
    run.checkpoints.save()


def _kept_parts(path, parts: dict, recorded: list | None, version: str, stack: ExitStack):
    """What gives the text of a part of the rows the last build wrote into the page at ``path``
    (by the part's key), when that page is still what it wrote with this renderer; None
    otherwise."""
    places = parts.get("places") or {}
    if not places or parts.get("version") != version or not recorded:
        return None
    try:
        stream = stack.enter_context(open(path, "rb"))
        if hashlib.file_digest(stream, "sha256").hexdigest() != recorded[1]:
            return None
    except OSError:
        return None

    def kept(part_key: str) -> str | None:
        place = places.get(part_key)
        if place is None:
            return None
        stream.seek(place[0])
        data = stream.read(place[1])
        return data.decode("utf-8") if len(data) == place[1] else None

    return kept
