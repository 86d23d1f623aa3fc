"""Checking one file, and a batch of files.

:func:`check_file` is the whole work for one file and a pure function of its arguments (the
compiled schemas it uses are cached per process), so a parallel build can call it in worker
processes. :func:`validate_paths` runs it over a batch and then checks what only the batch as
a whole can show: xml:ids declared in more than one file.
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from . import profile as profile_module
from . import rules, safe_xml, teiall
from .report import ERROR, DeclaredId, FileResult, Problem, Report

PROFILE_FILE = "teipipe.xsd"

#: Below this many files a batch is checked in this process: starting workers would cost more.
PARALLEL_FROM = 200


@dataclass(frozen=True)
class CheckContext:
    """Everything :func:`check_file` needs besides the file: plain data, so it pickles."""

    profile: Path  # schema/teipipe.xsd
    seeds: Path | None = None  # where the sources are, to compare their SHA-256 (rule TP110)
    tei_all: Path | None = None  # tei_all.rng, to validate against the official grammar too
    #: What a process without the corpus's files knows of them, in their stead (a worker on
    #: another machine): the rules read no other file then (:class:`rules.KnownFiles`).
    known: rules.KnownFiles | None = None


def check_file(path: str, context: CheckContext, data: bytes | None = None) -> FileResult:
    """Well-formedness, the profile, the rules and (optionally) tei_all for the file at ``path``,
    or for ``data`` as the bytes of that file when they are given (the file is not read then)."""
    try:
        if data is None:
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise OSError(f"{path} is not a regular file")
            data = Path(path).read_bytes()
    except OSError as exc:
        return FileResult(path, (Problem(path, 1, 1, "TP006", ERROR,
                                         f"cannot read the file: {exc.strerror or exc}; check the path "
                                         "and its permissions"),))
    parsed = safe_xml.parse(path, data)
    if parsed.tree is None:
        return FileResult(path, tuple(parsed.problems))

    profile = profile_module.load(context.profile)
    document = rules.Document(Path(path), parsed.tree, parsed.source, profile, context.seeds, context.known)
    problems = list(parsed.problems)
    problems += profile.check(parsed.tree, parsed.source, path, document.repeated_ids)
    problems += rules.run_rules(document, path)
    if context.tei_all is not None:
        problems += teiall.check(parsed.tree, parsed.source, path, context.tei_all)
    problems.sort(key=lambda p: (p.line, p.column, p.code))
    declared = tuple(DeclaredId(value, elements[0].sourceline or 1) for value, elements in document.ids.items())
    return FileResult(path, tuple(problems), declared)


def collect_files(paths) -> list[str]:
    """The XML files named by ``paths``: files as given, folders searched for ``*.xml``
    (hidden folders skipped), each file once, in a stable order."""
    found: list[str] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            found += [str(p) for p in sorted(given.rglob("*.xml"))
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(given).parts)]
        elif given.exists():
            found.append(str(given))
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return list(dict.fromkeys(found))


def repeated_across_files(results: list[FileResult]) -> list[FileResult]:
    """The results with TP103 added wherever an xml:id is declared in more than one file."""
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for result in results:
        for declared in result.ids:
            where[declared.value].append((result.path, declared.line))
    shared = {value: places for value, places in where.items() if len({path for path, _ in places}) > 1}
    if not shared:
        return results
    added: dict[str, list[Problem]] = defaultdict(list)
    for value, places in shared.items():
        for path, line in places:
            elsewhere = [f"{p}:{l}" for p, l in places if p != path]
            others = ", ".join(elsewhere[:3]) + (f" and {len(elsewhere) - 3} more" if len(elsewhere) > 3 else "")
            column = _column_of_id(path, line, value)
            added[path].append(Problem(path, line, column, "TP103", ERROR,
                                       f"xml:id {value!r} is also declared in {others}: ids must be unique "
                                       "across the corpus; rename one of them (and the pointers to it)"))
    return [FileResult(r.path, tuple(sorted(r.problems + tuple(added[r.path]), key=lambda p: (p.line, p.column, p.code))),
                       r.ids) if r.path in added else r for r in results]


def _column_of_id(path: str, line: int, value: str) -> int:
    """The column of ``xml:id="value"`` on a line of a file (1 when it cannot be found)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").split("\n")[line - 1]
    except (OSError, IndexError):
        return 1
    for quote in ('"', "'"):
        index = text.find(f"xml:id={quote}{value}{quote}")
        if index >= 0:
            return index + 1
    return 1


def check_files(files: list[str], context: CheckContext, jobs: int = 1) -> list[FileResult]:
    """:func:`check_file` for each file, in order; in ``jobs`` worker processes for a large batch."""
    profile_module.load(context.profile)  # fail early on a broken profile; workers inherit it
    if context.tei_all is not None:
        teiall.load(context.tei_all)
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        return [check_file(path, context) for path in files]
    chunk = max(1, min(256, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(check_file, files, repeat(context), chunksize=chunk))


def validate_paths(paths, settings, tei_all: Path | None = None, profile: Path | None = None,
                   jobs: int | None = None) -> Report:
    """Validate the XML files under ``paths`` (files or folders) and return the report.

    ``settings`` gives the profile (``settings.schema / "teipipe.xsd"``, unless ``profile`` is
    given), the seeds folder for rule TP110 and the number of worker processes
    (``settings.jobs``, 0 for one per core, unless ``jobs`` is given); ``tei_all`` is the path
    of tei_all.rng, to validate against the official grammar as well.
    """
    context = CheckContext(
        profile=Path(profile) if profile else Path(settings.schema) / PROFILE_FILE,
        seeds=Path(settings.seeds) if Path(settings.seeds).is_dir() else None,
        tei_all=Path(tei_all) if tei_all else None,
    )
    workers = settings.jobs if jobs is None else jobs
    results = check_files(collect_files(paths), context, workers or os.cpu_count() or 1)
    return Report(repeated_across_files(results))
