"""The build's memory: what each document was made from, and what was made of it.

``build/manifest.json`` holds one record per document (by file stem), one for the index and one
for the authority file. Every record says which inputs a stage saw, as SHA-256 digests, so that
the next build can tell what is still current:

    "documents": {
      "000_ecc5…": {
        "seed": "<digest of seeds/000_ecc5….txt>",
        "encoded": {"key": "<seed + encoder version + header settings>",
                    "tei": "<digest of what the encoder last wrote to tei/000_ecc5….xml>",
                    "names": [["ref_for", "Stalin", "person", true, "pers-stalin"], …]},
        "checked": {"key": "<tei + validator version + seed>",
                    "problems": [[line, column, code, severity, message], …],
                    "ids": ["doc-000_ecc5…"], "links": {"authority.xml#pers-stalin": "person"}},
        "rendered": {"key": "<tei + renderer version>",
                     "outputs": {"html/000_ecc5….html": [<size>, "<digest>"], …},
                     "row": {"page": "000_ecc5….html", "facts": {"title": "…", "date": "…", …}}}
      }, …},
    "index": {"key": "<renderer version + every indexed document's tei digest>", "outputs": {…}},
    "authority": {"key": "<encoder version + publisher + the entries the build started from
                          + every seed's encoding key, in order>",
                  "written": "<digest of the authority file the build left>"}

A document's ``row`` is what ``index.html`` shows of it (``index.xsl``), so that the index is
made from the records without reading any document.

Beside it, ``build/stats.json`` holds what the build knows of one machine's file system, kept
apart from the manifest, which is the same wherever the same build ran:

    {"files": {"/…/seeds/000_ecc5….txt": [<size>, <mtime_ns>, <ctime_ns>, <inode>, "<digest>"], …},
     "last": {"key": "<digest of the code, the settings and every entry's stat>", "documents": […],
              "diverged": […], "without_seed": […], "invalid": […], "problems": […]}}

``files`` lets a build know the digest of an input file without reading it (:class:`FileDigests`):
while the file's size, times and inode are the ones recorded, it is the file that was digested.
``last`` is the state a build left when a build after it would have nothing to do, with what
that build would report; a build that finds the same state says so without reading anything
else (``pipeline/build.py``).

The versions are digests of source code and data: the encoder is every module of the package
that is not the validator, the renderer or the build, with its vocabularies; the validator is
``pipeline/validate/`` with the schema folder and the vocabularies; the renderer is
``pipeline/render.py`` with the transforms folder. Changing any file of one of them makes that
stage's records stale, and only that stage's.

A record is added only after the outputs it describes are in place, and the file is written
atomically with sorted keys, so a build that was stopped half-way leaves a manifest that is true
of every output it names.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomic

MANIFEST_NAME = "manifest.json"
STATS_NAME = "stats.json"
FORMAT = 1

PACKAGE = Path(__file__).resolve().parent
#: Parts of the package that are not the encoder: changing them does not re-encode anything.
NOT_ENCODER = ("validate", "render.py", "cli.py", "build.py", "build_report.py", "build_state.py", "workers.py",
               "manifest.py", "executor.py", "atomic.py",
               "deposit.py", "header.py")
_CODE_SUFFIXES = (".py", ".toml", ".tsv")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes; None when it is missing or unreadable."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


def key(*parts: object) -> str:
    """One digest for a list of strings, digests and numbers (None allowed)."""
    return digest(json.dumps(parts, separators=(",", ":")).encode("utf-8"))


def folder_digest(root: Path, names: list[str] | None = None, exclude: tuple[str, ...] = (),
                  suffixes: tuple[str, ...] | None = None) -> str:
    """A digest of the files under ``root`` (or only of the entries ``names`` in it): their paths
    relative to ``root`` and their bytes, in path order. Hidden files and caches are left out."""
    entries = [root / name for name in names] if names is not None else [root]
    files: list[Path] = []
    for entry in entries:
        if entry.is_dir():
            files += [p for p in entry.rglob("*") if p.is_file()]
        elif entry.is_file():
            files.append(entry)
    hasher = hashlib.sha256()
    for path in sorted(files):
        relative = path.relative_to(root).as_posix()
        if (relative.split("/")[0] in exclude or "__pycache__" in relative
                or any(part.startswith(".") for part in relative.split("/"))
                or (suffixes is not None and path.suffix not in suffixes)):
            continue
        hasher.update(relative.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


@dataclass(frozen=True)
class Versions:
    """The version of each stage's code and data, as digests."""

    encoder: str
    validator: str
    renderer: str

    @classmethod
    def of(cls, schema: Path, transforms: Path) -> "Versions":
        common = folder_digest(PACKAGE, ["__init__.py", "vocab"])
        return cls(
            encoder=folder_digest(PACKAGE, exclude=NOT_ENCODER, suffixes=_CODE_SUFFIXES),
            validator=key(common, folder_digest(PACKAGE, ["validate"], suffixes=_CODE_SUFFIXES),
                          folder_digest(schema)),
            renderer=key(common, folder_digest(PACKAGE, ["render.py"]), folder_digest(transforms)),
        )


@dataclass
class Manifest:
    """The records of the last build: ``documents`` (stem -> record), ``index`` and ``authority``."""

    documents: dict[str, dict] = field(default_factory=dict)
    index: dict = field(default_factory=dict)
    authority: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        """The manifest at ``path``; an empty one when it is missing, unreadable or of another
        format (the build then starts afresh, which is always safe)."""
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        parts = [data.get(name) for name in ("documents", "index", "authority")]
        return cls(*(part if isinstance(part, dict) else {} for part in parts))

    def dumps(self) -> bytes:
        data = {"format": FORMAT, "documents": self.documents, "index": self.index, "authority": self.authority}
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"

    def save(self, path: Path) -> None:
        write_atomic(path, self.dumps())


#: How much older than the moment it is looked at a file's modification time must be for its
#: stat to stand for its bytes: any later change then gives it a newer time. (The coarsest file
#: systems keep times to 2 seconds.)
SETTLED_NS = 2_000_000_000


class FileDigests:
    """The SHA-256 of input files, read from the disk only when a file is not as recorded.

    ``files`` maps a path to ``[size, mtime_ns, ctime_ns, inode, digest]``. While a file's stat
    is the one recorded, its digest is taken from there without reading the file. A file is
    recorded only when its modification time was settled (:data:`SETTLED_NS`) at the moment it
    was looked at, so that no change can hide behind a time the file system rounds; records of
    files that were not looked at are dropped by :meth:`prune`.
    """

    def __init__(self, files: dict[str, list] | None = None, last: dict | None = None) -> None:
        self.files = files or {}
        self.last = last or {}  # the state the last build left, kept here by the build
        self.looked: set[str] = set()
        self.read = 0  # files read and digested
        self.changed = False

    @classmethod
    def load(cls, path: Path) -> "FileDigests":
        """The records saved at ``path`` (``build/stats.json``); none when it is missing or
        unreadable."""
        try:
            data = json.loads(path.read_bytes())
            files, last = data["files"], data["last"]
        except (OSError, ValueError, TypeError, KeyError):
            return cls()
        if not isinstance(files, dict) or not isinstance(last, dict) \
                or not all(isinstance(r, list) and len(r) == 5 for r in files.values()):
            return cls()
        return cls(files, last)

    def save(self, path: Path) -> None:
        """Save the records at ``path`` if they changed."""
        if self.changed:
            data = {"files": self.files, "last": self.last}
            write_atomic(path, json.dumps(data, sort_keys=True, separators=(",", ":"),
                                          ensure_ascii=False).encode("utf-8") + b"\n", durable=False)
            self.changed = False

    def digest(self, path: Path) -> str | None:
        """The digest of the file at ``path``; None when it is missing or unreadable."""
        name = str(path)
        self.looked.add(name)
        looked_at = time.time_ns()
        try:
            status = os.stat(name)
        except OSError:
            self._forget(name)
            return None
        stat = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        recorded = self.files.get(name)
        if recorded is not None and recorded[:4] == stat:
            return recorded[4]
        value = file_digest(path)
        self.read += 1
        if value is not None and stat[1] < looked_at - SETTLED_NS:
            self.files[name] = stat + [value]
            self.changed = True
        else:
            self._forget(name)
        return value

    def forget(self, path: Path) -> None:
        """``path`` was written: what was recorded of it no longer holds."""
        self._forget(str(path))

    def _forget(self, name: str) -> None:
        if self.files.pop(name, None) is not None:
            self.changed = True

    def settle(self, paths: list[Path]) -> None:
        """Look again at the files of ``paths`` not recorded (new, changed or written in this
        build), so that the next build knows them without reading them."""
        for path in paths:
            if str(path) not in self.files:
                self.digest(path)

    def prune(self) -> None:
        """Drop the records of files not looked at."""
        for name in set(self.files) - self.looked:
            self._forget(name)
