"""The check stage: every TEI file whose bytes, validator or seed changed, or whose pointers into
the authority file now lead elsewhere, checked by the profile and the rules; then every document
against the others (ids unique across the corpus)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path

from .. import executor as work
from ..build_report import _shown
from ..manifest import Versions, key
from ..render import AUTHORITY_NAME
from ..validate import CheckContext, check_file
from ..validate.check import PROFILE_FILE, repeated_across_files
from ..validate.report import ERROR, Problem
from ..validate.rules import KnownFiles, targets_beside, targets_in_file
from .run import Document, Run, read_bytes, stage_progress


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
    jobs = (work.CheckJob(d.stem, d.tei, read_bytes(d.tei), run.workers.toolkit, context.seeds,
                          (d.seed.name, d.seed_digest) if d.seed else None, context.review) for d in due)
    for result in stage_progress("check", run.progress, run.workers.map(work.check_document, jobs, len(due)), len(due)):
        document = by_stem[result.stem]
        if result.elsewhere is not None:  # it needs a file the workers do not know
            result = work.check_document(work.CheckJob(result.stem, document.tei, read_bytes(document.tei),
                                                       run.toolkit.key, context.seeds, review=context.review))
        document.record["checked"] = {"key": _check_key(run.versions, document), "problems": result.problems,
                                      "ids": result.ids, "links": targets.kinds(result.links)}
        document.recorded()
        document.worked = True
        report.checked.append(document.stem)
        run.checkpoints.recorded()
    problems: dict[str, list[Problem]] = defaultdict(list)
    ids: list[tuple[Document, list[str]]] = []  # each document with the ids its record keeps
    for document in present:
        checked = document.record["checked"]
        if checked["problems"]:
            problems[document.stem] = [Problem(_shown(document.tei), *problem) for problem in checked["problems"]]
        ids.append((document, checked["ids"]))
    for stem, added in _clashing_ids(ids, context).items():
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


def _clashing_ids(documents: list[tuple[Document, list[str]]],
                  context: CheckContext) -> dict[str, list[Problem]]:
    """TP103 for ids declared in more than one file, of ``documents`` each with the ids its record
    keeps: only those that could clash (its own id, and ids outside its prefix); the few documents
    that might clash are checked again in full, and compared as ``teipipe validate`` compares a
    corpus."""
    owners: dict[str, list[str]] = defaultdict(list)  # a document's own id -> stems
    claims: dict[str, set[str]] = defaultdict(set)  # an id outside its document's prefix -> stems
    for document, kept in documents:
        own, *others = kept or [""]
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
    by_stem = {d.stem: d for d, _ in documents}
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
