"""The work the build hands out, one document at a time: encode, check, render.

Each function here is a pure function of its job (paths and settings, which pickle) and returns
plain data (bytes to write, problems, digests); none of them writes a file. So they can run in
this process, in worker processes, or on any other ``concurrent.futures`` executor (such as
Dask's ``Client.get_executor()``) without changing the result. Whatever a worker compiles or
loads (schemas, stylesheets, the authority file) is cached per process and keyed by what it was
made from; :func:`warm_up` fills those caches when a worker starts.

**The authority file and parallel encoding.** Encoding a document looks names up in the
authority file and adds the ones it does not know (:meth:`Authority.ref_for`), so in
``teipipe convert`` each document sees the names the documents before it added. A worker
cannot see all of those: it encodes against the authority the build starts from plus the names
the build had added when it handed the job out (``EncodeJob.added``), undoes the document's own
additions afterwards (:meth:`Authority.rollback`), and returns the log of every lookup it made
with its answer (:class:`NameLog`). The build then replays the logs in document order against
one authority (:func:`replay`): where every answer is the same, the worker's TEI is exactly what
the sequential encoder would have written, and the replay has added that document's names;
where an answer differs (a name that a document still in flight added), the build encodes that
document again against the authority as it stands. The result is byte for byte the sequential
one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .authority import FILE_NAME as AUTHORITY_FILE
from .authority import Authority, read_entries, seed_entries
from .convert import convert_file
from .corrections import ReviewError
from .encode import EncodingContext
from .lifeline import die_with_parent
from .manifest import digest
from .render import (
    IndexRow,
    RenderError,
    index_facts,
    page_name,
    parse_document,
    render_node,
    stylesheet,
)
from .source import SourceError
from .validate import CheckContext, check_file
from .validate import profile as validate_profile
from .validate.report import ERROR

#: Every rendering of a document: (output, view) -> its path under the build folder.
VIEWS = {
    ("html", "reading"): "html/{stem}.html",
    ("html", "review"): "html/review/{stem}.html",
    ("text", "reading"): "text/{stem}.txt",
    ("text", "diplomatic"): "text/diplomatic/{stem}.txt",
}


# ------------------------------------------------------------------------------------ encode

class NameLog:
    """An authority that records every lookup made through it, with its answer.

    It offers the three lookups the recognisers use. The log is a list of JSON-ready lists,
    ``[method, *arguments, answer]``."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.calls: list[list] = []

    @property
    def entries(self):
        """The entries, read by the name pass for the reviewed names it looks for: they come
        from the seed and the authority file the job starts from, the same in every worker."""
        return self.authority.entries

    def lookup(self, name: str, kind: str | None = None, surname: bool = True) -> str | None:
        answer = self.authority.lookup(name, kind, surname)
        self.calls.append(["lookup", name, kind, surname, answer])
        return answer

    def ref_for(self, name: str, kind: str, add: bool = True, surname: bool = True) -> str | None:
        answer = self.authority.ref_for(name, kind, add, surname)
        self.calls.append(["ref_for", name, kind, add, surname, answer])
        return answer

    def person_for_pseudonym(self, name: str) -> str | None:
        answer = self.authority.person_for_pseudonym(name)
        self.calls.append(["person_for_pseudonym", name, answer])
        return answer


def replay(authority: Authority, calls: list[list]) -> bool:
    """Make the logged lookups again. True when every answer is the one logged: the document's
    encoding against ``authority`` is then the logged one, and its names have been added. False
    otherwise, and ``authority`` is left as it was."""
    mark = authority.mark()
    for method, *arguments, answer in calls:
        if method not in ("lookup", "ref_for", "person_for_pseudonym") \
                or getattr(authority, method)(*arguments) != answer:
            authority.rollback(mark)
            return False
    return True


#: A name the build's authority added, as a worker adds it again: (kind, id, name).
Addition = tuple[str, str, str]


@dataclass(frozen=True)
class EncodeJob:
    stem: str
    seed: Path
    context: EncodingContext
    tei: Path  # the folder whose authority.xml the worker starts from
    authority: str | None  # the digest of that authority.xml, None when there is none
    added: tuple[Addition, ...] = ()  # the names the build had added by then, in order
    review: Path | None = None  # the editors' review file of the document (review/<stem>.toml)
    review_digest: str | None = None  # its digest, part of what the encoding depends on


def additions(authority: Authority) -> tuple[Addition, ...]:
    """The names ``authority`` added (:meth:`Authority.ref_for`), in order, for a job."""
    return tuple((entry.kind, entry.id, entry.names[0]) for entry in authority.added.values())


@dataclass
class Encoded:
    """One document encoded: the TEI, its digest, the lookups made; or why it failed."""

    stem: str
    seed: str | None = None  # digest of the source bytes that were encoded
    tei: bytes | None = None
    digest: str | None = None
    names: list[list] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def encode_with(job: EncodeJob, authority: Authority) -> Encoded:
    """Encode the document against ``authority``, which keeps the names the document adds."""
    log = NameLog(authority)
    try:
        data, document = convert_file(job.seed, log, job.context, review=job.review)  # type: ignore[arg-type]
    except (SourceError, ReviewError) as exc:
        return Encoded(job.stem, error=exc.describe())
    except RecursionError:
        return Encoded(job.stem, error=f"{job.seed}: error: the text is nested too deeply to encode")
    return Encoded(job.stem, document.sha256, data, digest(data), log.calls, list(document.warnings))


def encode_document(job: EncodeJob) -> Encoded:
    """Encode the document against the authority file as the build found it, with the names the
    build had added (``job.added``); the document's own additions are undone after."""
    authority = base_authority(job.tei, job.authority)
    mark = _add(authority, job.added)
    try:
        return encode_with(job, authority)
    finally:
        authority.rollback(mark)


def _add(authority: Authority, added: tuple[Addition, ...]) -> int:
    """Make ``added`` the additions of ``authority`` and return its mark. The names a worker
    added for the job before are kept when they begin the list, as they do while one build
    hands out its jobs; each name is added as the build added it, by :meth:`Authority.ref_for`."""
    present = list(authority.added)
    if present != [ident for _, ident, _ in added[:len(present)]]:
        authority.rollback(0)
        present = []
    for kind, ident, name in added[len(present):]:
        if authority.ref_for(name, kind) != ident:  # not the build's authority: encode without
            authority.rollback(0)  # them, and the build's replay will tell
            break
    return authority.mark()


def editors_authority(tei: Path) -> Authority:
    """What every build starts from: the vocabulary, and the entries of ``tei/authority.xml``
    that editors wrote or touched. The entries the encoder added and nobody has changed since
    (unreviewed, one name, nothing else) are left out: the build adds them again as it meets
    their names, so that its output depends on the seeds and the editors' entries alone, and a
    second build finds nothing to do."""
    entries = {entry.id: entry for entry in seed_entries()}
    if (tei / AUTHORITY_FILE).is_file():
        for entry in read_entries(tei / AUTHORITY_FILE):
            if entry.reviewed or len(entry.names) != 1 or entry.pseudonyms or entry.wikidata or entry.note:
                entries[entry.id] = entry
    return Authority(list(entries.values()))


@lru_cache(maxsize=2)
def base_authority(tei: Path, version: str | None) -> Authority:
    """:func:`editors_authority`, loaded once per process and version of the file."""
    return editors_authority(tei)


# ------------------------------------------------------------------------------------ check

#: A pointer into another file, ``authority.xml#pers-stalin``, anywhere in the bytes.
_LINK = re.compile(rb'([^\s"\'<>#=]+\.xml)#([^\s"\'<>]+)')
_NOT_IN_FILE_NAME = frozenset(b' \t\n\r\x0b\x0c"\'<>#=')
_ROOT_ID = re.compile(rb'<(?:[\w.-]+:)?TEI\b[^>]*?\sxml:id\s*=\s*["\']([^"\']+)["\']')


@dataclass(frozen=True)
class CheckJob:
    stem: str
    tei: Path
    context: CheckContext


@dataclass
class Checked:
    """What validating one document found.

    ``ids`` is the document's own id first (or "" when it has none), then every id it declares
    that is neither that id nor starts with it and a dot: all that can clash with another file
    when every document keeps to its own prefix. ``links`` are the pointers into other files."""

    stem: str
    problems: list[list] = field(default_factory=list)  # [line, column, code, severity, message]
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(problem[3] == ERROR for problem in self.problems)


def check_document(job: CheckJob) -> Checked:
    result = check_file(str(job.tei), job.context)
    problems = [[p.line, p.column, p.code, p.severity, p.message] for p in result.problems]
    try:
        data = job.tei.read_bytes()
    except OSError:
        return Checked(job.stem, problems)
    root = _ROOT_ID.search(data[:4096])
    own = root.group(1).decode("utf-8", "replace") if root else ""
    ids = [own] + sorted({d.value for d in result.ids if d.value != own and not d.value.startswith(own + ".")}
                         if own else {d.value for d in result.ids})
    return Checked(job.stem, problems, ids, links_in(data))


def links_in(data: bytes) -> list[str]:
    """The pointers into other files (:data:`_LINK`) in ``data``, sorted, each once: what
    ``_LINK.findall`` finds, tried only where a file name ending in ``.xml#`` starts."""
    found = set()
    position = 0
    while (at := data.find(b".xml#", position)) >= 0:
        start = at
        while start > position and data[start - 1] not in _NOT_IN_FILE_NAME:
            start -= 1
        match = _LINK.match(data, start)
        if match:
            found.add((match.group(1) + b"#" + match.group(2)).decode("utf-8", "replace"))
            position = match.end()
        else:
            position = at + 5
    return sorted(found)


# ------------------------------------------------------------------------------------ render

@dataclass(frozen=True)
class RenderJob:
    stem: str
    tei: Path
    transforms: Path
    build: Path | None = None  # the build folder: the review pages link from there to the sources


@dataclass
class Rendered:
    stem: str
    outputs: dict[str, bytes] = field(default_factory=dict)  # path under the build folder -> bytes
    row: IndexRow | None = None  # what index.html shows of it
    error: str | None = None


def render_document(job: RenderJob) -> Rendered:
    """Every view of the document (:data:`VIEWS`) and its row of the index, from one parse of it."""
    try:
        node = parse_document(job.tei)
        outputs = {}
        for to, view in VIEWS:
            relative = VIEWS[(to, view)].format(stem=job.stem)
            base = ""
            if job.build is not None:
                base = os.path.relpath(job.tei.parent, (job.build / relative).parent).replace(os.sep, "/") + "/"
            outputs[relative] = render_node(node, to, view, job.tei, transforms=job.transforms,
                                            source_base=base).encode("utf-8")
        facts = index_facts(node, job.tei, transforms=job.transforms)
    except RenderError as error:
        return Rendered(job.stem, error=str(error))
    return Rendered(job.stem, outputs, None if facts is None else IndexRow(page_name(job.tei), facts))


# ------------------------------------------------------------------------------------ workers

def warm_up(schema: Path, transforms: Path, tei: Path, authority: str | None) -> None:
    """Compile the profile and the stylesheets and load the authority, once per worker; the
    worker ends when the build's process does (:mod:`pipeline.lifeline`)."""
    die_with_parent()
    validate_profile.load(schema)
    for name in ("html", "text", "index"):
        stylesheet(name, transforms)
    base_authority(tei, authority)


def run_all(function, jobs: list) -> list:
    """``function(job)`` for each of a chunk of jobs: one round trip to a worker for many."""
    return [function(job) for job in jobs]
