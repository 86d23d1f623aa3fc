"""The work the build hands out, one document at a time: encode, check, render.

Each function here is a pure function of its job and returns plain data (bytes to write,
problems, digests); none of them writes or reads a file of the corpus: a job carries the bytes
of its document (the seed, the TEI). So they can run in this process, in worker processes, or on
the workers of a cluster that share no file system with the build (:mod:`pipeline.cluster`),
without changing the result.

What every job of a build needs besides its document is its :class:`Toolkit`: the schema and
the stylesheets (as folders on this machine, or shipped as bytes), the authority file the build
started from, and what the check rules would read from other files. A worker installs a toolkit
once (:func:`install`): it compiles the profile and the stylesheets and loads the authority, and
keeps them for every job that names that toolkit by its key.

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

import functools
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from .additions import AddedNames
from .additions import apply as apply_additions
from .authority import FILE_NAME as AUTHORITY_FILE
from .authority import Authority, read_entries, seed_entries
from .convert import ReviewText, convert_text
from .corrections import ReviewError
from .encode import EncodingContext
from .lifeline import tie_to_parent
from .manifest import digest, folder_digest
from .outputs import VIEWS
from .registers import names_in
from .render import RenderError, facts_of, index_facts_value, parse_xml_and_tree, render_node, stylesheet
from .source import SourceError
from .validate import CheckContext, check_file
from .validate import profile as validate_profile
from .validate.check import PROFILE_FILE
from .validate.report import ERROR
from .validate.rules import KnownFiles, NotKnownHere

#: Every rendering of a document: (output, view) -> its path under the build folder.


# ------------------------------------------------------------------------------------ the toolkit

@dataclass(frozen=True)
class Toolkit:
    """What every job of a build needs besides its document.

    ``schema`` and ``transforms`` are the folders of the profile and of the stylesheets on this
    machine; ``files``, when set, holds their files instead (``{"schema/teipipe.xsd": bytes,
    …}``), for workers that do not see this machine's folders (:meth:`shipped`). ``authority``
    is the bytes of ``tei/authority.xml`` as the build found it (None: there is none). ``known``
    is what the check rules would read from other files, for workers without them (None: they
    read the files, which they see). ``key`` names the toolkit: a digest of all of it."""

    schema: Path
    transforms: Path
    authority: bytes | None
    files: dict[str, bytes] | None = None
    known: KnownFiles | None = None
    key: str = ""

    @classmethod
    def of(cls, schema: Path, transforms: Path, authority: bytes | None) -> "Toolkit":
        return cls(schema, transforms, authority)._keyed()

    def shipped(self) -> "Toolkit":
        """The same toolkit (the same key) with the files of its folders in it."""
        files = {f"{name}/{path.relative_to(folder).as_posix()}": path.read_bytes()
                 for name, folder in (("schema", self.schema), ("transforms", self.transforms))
                 for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}
        return replace(self, files=files)

    def knowing(self, known: KnownFiles | None) -> "Toolkit":
        """The same toolkit, with what the check rules would read from other files."""
        return replace(self, known=known)._keyed()

    def _keyed(self) -> "Toolkit":
        """The toolkit with its key: a digest of the contents of its folders, of the authority
        and of what it knows of other files."""
        hasher = hashlib.sha256(repr((folder_digest(self.schema), folder_digest(self.transforms),
                                      self.known)).encode("utf-8"))
        hasher.update(b"\0none" if self.authority is None else b"\1" + self.authority)
        return replace(self, key=hasher.hexdigest())


@dataclass
class Installed:
    """A toolkit as a worker uses it: its folders on this machine and the authority loaded."""

    toolkit: Toolkit
    schema: Path
    transforms: Path
    authority: Authority | None  # None: the authority file cannot be read
    folder: str | None = None  # the temporary folder holding a shipped toolkit's files


#: The toolkits installed in this process, by key; the last few only.
_installed: dict[str, Installed] = {}
KEEP_TOOLKITS = 3
#: How many toolkits this process has installed (compiled) since it started.
installs = 0


def install(toolkit: Toolkit) -> Installed:
    """Make ``toolkit`` ready in this process, once: write a shipped toolkit's files into a
    temporary folder, compile the profile and the stylesheets, load the authority."""
    ready = _installed.get(toolkit.key)
    if ready is not None:
        return ready
    folder = None
    schema, transforms = toolkit.schema, toolkit.transforms
    if toolkit.files is not None:
        folder = tempfile.mkdtemp(prefix="teipipe-toolkit-")
        for name, data in toolkit.files.items():
            target = Path(folder, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        schema, transforms = Path(folder, "schema"), Path(folder, "transforms")
    validate_profile.load(schema / PROFILE_FILE)
    for name in ("html", "text", "index"):
        stylesheet(name, transforms)
    try:
        authority = editors_authority(toolkit.authority)
    except etree.XMLSyntaxError:  # the build reports it, and gives out no encoding to do
        authority = None
    ready = Installed(toolkit, schema, transforms, authority, folder)
    _installed[toolkit.key] = ready
    global installs
    installs += 1
    while len(_installed) > KEEP_TOOLKITS:
        _forget(next(iter(_installed)))
    return ready


#: Toolkits this process may be asked for, installed on first use (the build's own process).
_registered: dict[str, Toolkit] = {}


def register(toolkit: Toolkit) -> None:
    """Let jobs in this process name ``toolkit`` by its key; it is installed when first used."""
    _registered[toolkit.key] = toolkit
    while len(_registered) > KEEP_TOOLKITS:
        del _registered[next(iter(_registered))]


def installed(toolkit: Toolkit | str) -> Installed:
    """The toolkit a job names: by itself (installed now if need be), or by its key (installed
    before, as a cluster's workers are when they join, or registered: :func:`register`)."""
    if isinstance(toolkit, Toolkit):
        return install(toolkit)
    ready = _installed.get(toolkit)
    if ready is None and toolkit in _registered:
        ready = install(_registered[toolkit])
    if ready is None:
        raise RuntimeError(f"this worker has not been given the build's toolkit {toolkit[:12]}")
    return ready


def uninstall(key: str) -> None:
    """Let the toolkit ``key`` go, with the files of a shipped one."""
    _forget(key)


def _forget(key: str) -> None:
    gone = _installed.pop(key, None)
    if gone is not None and gone.folder is not None:
        shutil.rmtree(gone.folder, ignore_errors=True)


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


@dataclass(frozen=True)
class EncodeJob:
    stem: str
    seed: Path  # named in errors
    context: EncodingContext
    data: bytes | None  # the seed's bytes; None when it could not be read (``refused`` says why)
    toolkit: Toolkit | str  # whose authority the worker starts from
    added: AddedNames = AddedNames()  # the names the build had added by then, in order
    refused: str | None = None
    review: Path | None = None  # the editors' review file of the document (review/<stem>.toml)
    review_digest: str | None = None  # its digest, part of what the encoding depends on
    review_text: ReviewText | None = None  # its bytes, as the job is handed out


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
    if job.data is None:
        return Encoded(job.stem, error=job.refused)
    try:
        data, document = convert_text(job.data, str(job.seed), log, job.context,  # type: ignore[arg-type]
                                      review=job.review_text)
    except (SourceError, ReviewError) as exc:
        return Encoded(job.stem, error=exc.describe())
    except RecursionError:
        return Encoded(job.stem, error=f"{job.seed}: error: the text is nested too deeply to encode")
    return Encoded(job.stem, document.sha256, data, digest(data), log.calls, list(document.warnings))


def encode_document(job: EncodeJob) -> Encoded:
    """Encode the document against the authority file as the build found it, with the names the
    build had added (``job.added``); the document's own additions are undone after. (Should the
    worker's authority not take those names as the build did, the document is encoded without
    them, and the build's replay tells.)"""
    authority = installed(job.toolkit).authority
    apply_additions(authority, job.added)
    mark = authority.mark()
    try:
        return encode_with(job, authority)
    finally:
        authority.rollback(mark)


def editors_authority(data: bytes | None) -> Authority:
    """What every build starts from: the vocabulary, and the entries of ``tei/authority.xml``
    (``data``, its bytes; None when there is none) that editors wrote or touched. The entries the
    encoder added and nobody has changed since (unreviewed, one name, nothing else) are left out:
    the build adds them again as it meets their names, so that its output depends on the seeds
    and the editors' entries alone, and a second build finds nothing to do."""
    entries = {entry.id: entry for entry in seed_entries()}
    if data is not None:
        for entry in read_entries(Path(AUTHORITY_FILE), data):
            if entry.reviewed or len(entry.names) != 1 or entry.pseudonyms or entry.wikidata or entry.note:
                entries[entry.id] = entry
    return Authority(list(entries.values()))


# ------------------------------------------------------------------------------------ check

#: A pointer into another file, ``authority.xml#pers-stalin``, anywhere in the bytes.
_LINK = re.compile(rb'([^\s"\'<>#=]+\.xml)#([^\s"\'<>]+)')
_NOT_IN_FILE_NAME = frozenset(b' \t\n\r\x0b\x0c"\'<>#=')
_ROOT_ID = re.compile(rb'<(?:[\w.-]+:)?TEI\b[^>]*?\sxml:id\s*=\s*["\']([^"\']+)["\']')


@dataclass(frozen=True)
class CheckJob:
    stem: str
    tei: Path  # named in problems; pointers into other files are relative to it
    data: bytes | None  # its bytes; None when it could not be read
    toolkit: Toolkit | str
    seeds: Path | None  # the folder of the sources (rule TP110), on this machine
    seed: tuple[str, str | None] | None = None  # its own seed's file name and digest, for a worker elsewhere
    review: Path | None = None  # the folder of the editors' review files (rule TP115), on this machine


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
    elsewhere: str | None = None  # a file the worker does not know: check the document where it is

    @property
    def valid(self) -> bool:
        return not any(problem[3] == ERROR for problem in self.problems)


def check_document(job: CheckJob) -> Checked:
    ready = installed(job.toolkit)
    known = ready.toolkit.known
    if known is not None and job.seed is not None:
        known = replace(known, digests={job.seed[0]: job.seed[1]})
    context = CheckContext(profile=ready.schema / PROFILE_FILE, seeds=None if known else job.seeds,
                           review=None if known else job.review, known=known)
    try:
        result = check_file(str(job.tei), context, job.data)
    except NotKnownHere as missing:
        return Checked(job.stem, elsewhere=str(missing))
    problems = [[p.line, p.column, p.code, p.severity, p.message] for p in result.problems]
    data = job.data
    if data is None:
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
    tei: Path  # named in errors
    data: bytes
    toolkit: Toolkit | str
    build: Path | None = None  # the build folder: the review pages link from there to the sources


@dataclass
class Rendered:
    stem: str
    outputs: dict[str, bytes] = field(default_factory=dict)  # path under the build folder -> bytes
    facts: dict[str, str] | None = None  # what index.html shows of it (None: not a TEI document)
    error: str | None = None
    names: list[list[str]] | None = None  # its names for the registers (registers.names_in)


def render_document(job: RenderJob) -> Rendered:
    """Every view of the document (:data:`VIEWS`), what the index shows of it and the names the
    registers list, from one parse; the facts are read first and handed to every view
    (:func:`render.index_facts_value`), which then need not work them out again."""
    transforms = installed(job.toolkit).transforms
    try:
        node, tree = parse_xml_and_tree(job.data, job.tei)
        names = names_in(tree.getroot(), marked=True)  # parse_xml_and_tree marked it
        facts = index_facts_value(node, job.tei, transforms=transforms)
        outputs = {}
        for to, view in VIEWS:
            relative = VIEWS[(to, view)].format(stem=job.stem)
            outputs[relative] = render_node(node, to, view, job.tei, transforms=transforms, facts=facts,
                                            source_base=_source_base(job, relative)).encode("utf-8")
    except RenderError as error:
        return Rendered(job.stem, error=str(error))
    return Rendered(job.stem, outputs, facts_of(facts), names=names)


def render_documents(jobs: list[RenderJob]) -> list[Rendered]:
    """:func:`render_document` of each job, the same results, made view by view across the jobs:
    each stylesheet applied to every document in turn costs the XSLT processor less than the
    four stylesheets applied to each document in turn. The workers render a chunk this way."""
    results: list[Rendered] = []
    parsed = []  # for each job: its parse and its facts, or None once it failed
    for job in jobs:
        try:
            node, tree = parse_xml_and_tree(job.data, job.tei)
            names = names_in(tree.getroot(), marked=True)  # parse_xml_and_tree marked it
            facts = index_facts_value(node, job.tei, transforms=installed(job.toolkit).transforms)
        except RenderError as error:
            results.append(Rendered(job.stem, error=str(error)))
            parsed.append(None)
            continue
        results.append(Rendered(job.stem, {}, facts_of(facts), names=names))
        parsed.append((node, facts))
    for to, view in VIEWS:
        for number, (job, done) in enumerate(zip(jobs, parsed)):
            if done is None:
                continue
            node, facts = done
            relative = VIEWS[(to, view)].format(stem=job.stem)
            try:
                results[number].outputs[relative] = render_node(
                    node, to, view, job.tei, transforms=installed(job.toolkit).transforms, facts=facts,
                    source_base=_source_base(job, relative)).encode("utf-8")
            except RenderError as error:
                results[number] = Rendered(job.stem, error=str(error))
                parsed[number] = None
    return results


def _source_base(job: RenderJob, relative: str) -> str:
    """The path from the folder of the page ``relative`` (under the build folder) to the TEI
    file's, for the review page's links to the sources ("" without a build folder)."""
    if job.build is None:
        return ""
    folder, start = job.tei.parent, (job.build / relative).parent
    if folder.is_absolute() and start.is_absolute():
        return _relative_folder(folder, start)
    return os.path.relpath(folder, start).replace(os.sep, "/") + "/"


@functools.lru_cache(maxsize=64)
def _relative_folder(folder: Path, start: Path) -> str:
    """The absolute ``folder`` relative to the absolute ``start``, with a "/" after it: the same
    few pairs of folders for every document of a build, worked out once each
    (``os.path.relpath`` asks the system for the working folder every time)."""
    return os.path.relpath(folder, start).replace(os.sep, "/") + "/"


#: The functions whose jobs a worker does a chunk at a time, by a function of the whole chunk.
IN_CHUNKS = {render_document: render_documents}


# ------------------------------------------------------------------------------------ workers

def warm_up(toolkit: Toolkit) -> None:
    """Install the build's toolkit when a worker of the build's own pool starts
    (:func:`install`); the worker ends when the build's process does (:mod:`pipeline.lifeline`)."""
    tie_to_parent()
    install(toolkit)


def run_all(function, jobs: list) -> list:
    """``function(job)`` for each of a chunk of jobs: one round trip to a worker for many (by
    the function of :data:`IN_CHUNKS` that does the whole chunk, where there is one)."""
    in_chunks = IN_CHUNKS.get(function)
    return in_chunks(jobs) if in_chunks is not None else [function(job) for job in jobs]
