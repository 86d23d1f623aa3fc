"""Checking one file, and a batch of files.

:func:`check_file` is the whole work for one file and a pure function of its arguments (the
compiled schemas it uses are cached per process), so a parallel build can call it in worker
processes. :func:`validate_paths` runs it over a batch and then checks what only the batch as
a whole can show: xml:ids declared in more than one file.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from . import profile as profile_module
from . import rules, safe_xml
from .report import ERROR, DeclaredId, FileResult, Problem, Report

if TYPE_CHECKING:
    from .cache import ResultCache

# The grammars (and Schematron), the cache and the worker processes are loaded when a check
# needs them: a run of the profile and the rules in one process starts without them.

PROFILE_FILE = "teipipe.xsd"

#: Below this many files a batch is checked in this process: starting workers would cost more.
PARALLEL_FROM = 200
#: The most files handed to a worker at once.
CHUNK = 32


@dataclass(frozen=True)
class CheckContext:
    """Everything :func:`check_file` needs besides the file: plain data, so it pickles."""

    profile: Path | None  # pipeline/schema/teipipe.xsd; None to check against ``grammar`` alone
    seeds: Path | None = None  # where the sources are, to compare their SHA-256 (rule TP110)
    tei_all: Path | None = None  # tei_all.rng, to validate against the official grammar too
    review: Path | None = None  # the editors' review files, whose anchors must still exist (TP115)
    grammar: Path | None = None  # any RELAX NG grammar, instead of the profile (--schema)
    #: What a process without the corpus's files knows of them, in their stead (a worker on
    #: another machine): the rules read no other file then (:class:`rules.KnownFiles`).
    known: rules.KnownFiles | None = None

    @property
    def grammars(self) -> tuple[tuple[Path, bool], ...]:
        """The RELAX NG grammars to check, each with whether the profile is checked too."""
        return tuple((path, self.profile is not None) for path in (self.tei_all, self.grammar) if path is not None)


def check_file(path: str, context: CheckContext, data: bytes | None = None) -> FileResult:
    """Well-formedness, the profile, the rules and (optionally) tei_all for the file at ``path``,
    or for ``data`` as the bytes of that file when they are given (the file is not read then).

    Whatever the file holds, the answer is its problems: a fault met while checking it is
    reported as TP099 for this file alone. (A rule that needs a file ``context.known`` does not
    tell of raises :class:`rules.NotKnownHere`: the file is to be checked where the files are.)"""
    parsed = safe_xml.read(path) if data is None else safe_xml.parse(path, data)
    if parsed.tree is None:
        return FileResult(path, tuple(parsed.problems))
    problems = list(parsed.problems)
    try:
        if context.profile is not None:
            not_tei = safe_xml.not_tei_problem(path, parsed.tree, parsed.source)
            if not_tei is not None:  # the profile and the rules would only repeat it in libxml2's words
                return FileResult(path, tuple(problems) + (not_tei,))
            profile = profile_module.load(context.profile)
            document = rules.Document(Path(path), parsed.tree, parsed.source, profile, context.seeds,
                                      review=context.review, known=context.known)
            problems += profile.check(parsed.tree, parsed.source, path, document.repeated_ids)
            problems += rules.run_rules(document, path)
            ids = document.ids
            reads = tuple(sorted(document.reads.items()))
        else:  # another project's TEI: of our rules, only the ids' uniqueness
            ids = ids_of(parsed.tree)
            problems += repeated_in_file(ids, parsed.source, path)
            reads = ()
        for rng_path, profile_checked in context.grammars:
            from . import grammar as grammar_module

            problems += grammar_module.check(parsed.tree, parsed.source, path, rng_path, profile_checked)
        new = tuple.__new__  # DeclaredId(...) without its Python-level __new__: dozens per document
        declared = tuple([new(DeclaredId, (value, elements[0].sourceline or 1)) for value, elements in ids.items()])
    except rules.NotKnownHere:
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001  (one file's fault stays its own)
        return FileResult(path, (Problem(path, 1, 1, "TP099", ERROR,
                                         f"the document could not be checked ({type(exc).__name__}: "
                                         f"{' '.join(str(exc).split())[:200]}); this is a fault of teipipe: "
                                         "please report it with the file"),))
    problems.sort(key=lambda p: (p.line, p.column, p.code))
    return FileResult(path, tuple(problems), declared, reads)


def ids_of(tree) -> dict[str, list]:
    """xml:id -> the elements that declare it, in document order."""
    ids: dict[str, list] = {}
    for value in rules._ALL_IDS(tree):
        ids.setdefault(str(value), []).append(value.getparent())
    return ids


def repeated_in_file(ids: dict[str, list], source, path: str) -> list[Problem]:
    """TP103 for each xml:id declared more than once in one document."""
    rule = next(rule for rule in rules.RULES if rule.code == "TP103")
    problems = []
    for value, elements in ids.items():
        for element in elements[1:]:
            line, column = source.attribute_position(element, "xml:id")
            problems.append(Problem(path, line, column, rule.code, rule.severity, rule.message.format(
                id=value, where=f"line {elements[0].sourceline} of this document")))
    return problems


def collect_files(paths) -> list[str]:
    """The XML files named by ``paths``: files as given, folders searched for ``*.xml``
    (hidden folders skipped), each file once, in a stable order."""
    found: list[str] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            skip = len(given.parts)
            found += [str(p) for p in sorted(given.rglob("*.xml"), key=lambda p: p.parts)  # as paths compare
                      if not any(part.startswith(".") for part in p.parts[skip:]) and p.is_file()]
        elif given.exists():
            found.append(str(given))
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return list(dict.fromkeys(found))


AUTHORITY_FILE = "authority.xml"


def corpus_of(path: str, _known: dict | None = None) -> Path:
    """The corpus a file belongs to: the nearest folder at or above it that holds an authority
    file (one per corpus), or its own folder when none does."""
    given = os.path.dirname(path)  # the folder as named: resolved once for all its files
    if _known is not None and given in _known:
        return _known[given]
    folder = Path(path).resolve().parent
    if _known is not None and folder in _known:
        _known[given] = _known[folder]
        return _known[folder]
    found = next((above for above in (folder, *folder.parents) if (above / AUTHORITY_FILE).is_file()), folder)
    if _known is not None:
        _known[folder] = _known[given] = found
    return found


def repeated_across_files(results: list[FileResult]) -> list[FileResult]:
    """The results with TP103 added wherever an xml:id is declared in more than one file of the
    same corpus (:func:`corpus_of`): unrelated corpora checked together may share ids."""
    where: dict[Path, dict[str, list[tuple[str, int]]]] = {}  # corpus -> xml:id -> (path, line)
    known: dict = {}
    for result in results:
        if not result.ids:
            continue
        corpus = corpus_of(result.path, known)
        in_corpus = where.get(corpus)
        if in_corpus is None:
            in_corpus = where[corpus] = {}
        path = result.path
        for value, line in result.ids:
            places = in_corpus.get(value)
            if places is None:
                in_corpus[value] = [(path, line)]
            else:
                places.append((path, line))
    shared = {(corpus, value): places for corpus, in_corpus in where.items() for value, places in in_corpus.items()
              if len(places) > 1 and len({path for path, _ in places}) > 1}  # (most ids: one place)
    if not shared:
        return results
    added: dict[str, list[Problem]] = defaultdict(list)
    for (_, value), places in shared.items():
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


def check_files(files: list[str], context: CheckContext, jobs: int = 1,
                cache: ResultCache | None = None) -> list[FileResult]:
    """:func:`check_file` for each file, in order; in ``jobs`` worker processes for a large batch.
    With a ``cache``, a file whose result it keeps (and that still holds) is not checked again,
    and the results of the others are kept in it."""
    if context.profile is not None:
        profile_module.load(context.profile)  # fail early on a broken profile; workers inherit it
    for rng_path, _ in context.grammars:
        from . import grammar as grammar_module, schematron

        grammar_module.load(rng_path)  # workers inherit the compiled grammar
        schematron.extract_embedded(rng_path)  # into the cache folder, for every worker to compile
    with rules.one_batch():  # the authority file and the sources looked at once for the batch
        if cache is None:
            return _check_all(files, [None] * len(files), context, jobs)
        from .cache import readable_bytes

        datas = [readable_bytes(path) for path in files]
        results = [None if data is None else cache.get(path, data) for path, data in zip(files, datas)]
        due = [index for index, result in enumerate(results) if result is None]
        for index, result in zip(due, _check_all([files[i] for i in due], [datas[i] for i in due], context, jobs)):
            results[index] = result
            if datas[index] is not None:
                cache.put(files[index], datas[index], result)
        return results


def _check_all(files: list[str], datas: list[bytes | None], context: CheckContext, jobs: int) -> list[FileResult]:
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        return [check_file(path, context, data) for path, data in zip(files, datas)]
    # Small chunks: the workers finish together (a large last chunk keeps one of them busy alone).
    chunk = max(1, min(CHUNK, len(files) // (jobs * 8)))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..lifeline import tie_to_parent

    # A forked worker inherits the compiled grammars; an XSLT processor does not survive a fork,
    # so once this process has started one, workers are spawned clean instead.
    schematron = sys.modules.get(f"{__package__}.schematron")
    method = "spawn" if schematron is not None and schematron.processor_started() else "fork"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=tie_to_parent)
    try:
        return list(pool.map(check_file, files, repeat(context), datas, chunksize=chunk))
    finally:  # (interrupted: the chunks under way finish, those not begun are dropped)
        pool.shutdown(wait=True, cancel_futures=True)


def validate_paths(paths, settings, tei_all: Path | None = None, profile: Path | None = None,
                   jobs: int | None = None, grammar: Path | None = None, cache: Path | None = None) -> Report:
    """Validate the XML files under ``paths`` (files or folders) and return the report.

    ``settings`` gives the profile (``settings.schema / "teipipe.xsd"``, unless ``profile`` is
    given), the seeds folder for rule TP110 and the number of worker processes
    (``settings.jobs``, 0 for one per core, unless ``jobs`` is given); ``tei_all`` is the path
    of tei_all.rng, to validate against the official grammar (and its Schematron) as well.
    ``grammar`` is a RELAX NG grammar to validate against (with the Schematron it embeds)
    instead of the profile and its rules: TEI that is not teipipe's, of any project; only the
    xml:ids' uniqueness (in each file and across the batch) is checked besides. ``cache`` is a
    folder to keep each file's result in by its content (:mod:`.cache`), so that a file checked
    before with the same bytes, settings and validator is not checked again; a cache that cannot
    be written is done without.
    """
    context = CheckContext(
        profile=None if grammar else Path(profile) if profile else Path(settings.schema) / PROFILE_FILE,
        seeds=Path(settings.seeds) if Path(settings.seeds).is_dir() and not grammar else None,
        tei_all=Path(tei_all) if tei_all else None,
        review=settings.review if getattr(settings, "review", None) and settings.review.is_dir() else None,
        grammar=Path(grammar) if grammar else None,
    )
    workers = settings.jobs if jobs is None else jobs
    kept = _open_cache(cache, settings, context)
    try:
        results = check_files(collect_files(paths), context, workers or os.cpu_count() or 1, kept)
    finally:
        if kept is not None:
            _close_cache(kept)
    return Report(repeated_across_files(results), cached=kept.hits if kept is not None else 0)


def _open_cache(folder: Path | None, settings, context: CheckContext) -> ResultCache | None:
    if folder is None:
        return None
    import sqlite3

    from .cache import ResultCache

    try:
        return ResultCache.for_check(Path(folder), Path(settings.schema), context.profile, context.tei_all,
                                     context.grammar, context.seeds, context.review)
    except (OSError, sqlite3.Error) as error:
        _cache_warning(folder, error)
        return None


def _close_cache(cache: ResultCache) -> None:
    import sqlite3

    try:
        cache.close()
    except (OSError, sqlite3.Error) as error:
        _cache_warning(cache.path, error)


def _cache_warning(where, error: Exception) -> None:
    print(f"teipipe: warning: the cache {where} cannot be used ({error}): the files are checked without it",
          file=sys.stderr)
