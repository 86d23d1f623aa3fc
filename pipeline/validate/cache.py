"""What ``teipipe validate`` found in each file, kept by content, so that checking a corpus again
checks only the files that changed (as ruff's and black's caches do).

The cache is one SQLite file, ``.teipipe-cache/validate.sqlite`` at the top of the project, with
one entry per file path. An entry is used again only when its key is the same: a digest of the
validator's version (its code, the profile and the vocabularies), of what the command was asked
to check (the profile, tei_all or another grammar, the seeds and review folders) and of the
file's bytes. It also holds the SHA-256 of every other file the rules read for the file (the
authority file its pointers lead into, its source in ``seeds/``, its review file): when one of
those changed, or appeared, or went, the file is checked again. What only the whole batch shows
(an xml:id declared in two files) is worked out afresh every time from the ids the entries keep.

A result that reports a fault of teipipe (TP099) is never kept. A cache that cannot be read is
started afresh; one that cannot be written is done without, and the check is the same.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from .report import DeclaredId, FileResult, Problem
from .rules import sha256_of
from .safe_xml import MAX_BYTES, read_at_most

#: The cache's folder, at the top of the project.
FOLDER = ".teipipe-cache"
NAME = "validate.sqlite"
#: The layout of an entry: a cache of another layout is started afresh.
FORMAT = 1


class ResultCache:
    """The results kept for one kind of check (``fingerprint``) in the cache file at ``path``."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.hits = 0  # results given again
        self._new: list[tuple[str, str, str]] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = self._open()
        except sqlite3.DatabaseError:  # not a database, or another layout: start afresh
            path.unlink(missing_ok=True)
            self.connection = self._open()

    @classmethod
    def for_check(cls, folder: Path, schema: Path, profile: Path | None, tei_all: Path | None,
                  grammar: Path | None, seeds: Path | None, review: Path | None) -> "ResultCache":
        """The cache in ``folder`` for a check with these settings (those of :class:`CheckContext`,
        and ``schema``, the folder whose profile the validator's version includes)."""
        from ..manifest import file_digest, key, validator_version  # (not loaded by a run without the cache)

        fingerprint = key(FORMAT, validator_version(schema),
                          *[None if p is None else [str(p), file_digest(p)] for p in (profile, tei_all, grammar)],
                          None if seeds is None else str(seeds), None if review is None else str(review))
        return cls(folder / NAME, fingerprint)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(str(self.path), timeout=10)
        connection.execute("PRAGMA journal_mode=WAL")  # a run reading it does not hold up one writing
        connection.execute("CREATE TABLE IF NOT EXISTS result (path TEXT PRIMARY KEY, key TEXT, result TEXT)")
        connection.execute("SELECT path, key, result FROM result LIMIT 1").fetchall()
        return connection

    def _key(self, path: str, data: bytes) -> str:
        from ..manifest import digest, key

        return key(self.fingerprint, path, digest(data))

    def get(self, path: str, data: bytes) -> FileResult | None:
        """The result kept for the file at ``path`` with the bytes ``data``, if it still holds."""
        try:
            row = self.connection.execute("SELECT result FROM result WHERE path = ? AND key = ?",
                                          (path, self._key(path, data))).fetchone()
        except sqlite3.Error:  # another process holds it, say: the file is checked
            return None
        if row is None:
            return None
        kept = json.loads(row[0])
        reads = tuple((read, sha) for read, sha in kept["reads"])
        if any(sha256_of(Path(read)) != sha for read, sha in reads):
            return None  # a file the rules read for it changed
        self.hits += 1
        return FileResult(path, tuple(Problem(path, *problem) for problem in kept["problems"]),
                          tuple(DeclaredId(*declared) for declared in kept["ids"]), reads)

    def put(self, path: str, data: bytes, result: FileResult) -> None:
        """Keep ``result`` for the file at ``path`` with the bytes ``data``."""
        if any(problem.code == "TP099" for problem in result.problems):
            return
        kept = {"problems": [[p.line, p.column, p.code, p.severity, p.message] for p in result.problems],
                "ids": [[d.value, d.line] for d in result.ids], "reads": [list(read) for read in result.reads]}
        self._new.append((path, self._key(path, data), json.dumps(kept, separators=(",", ":"))))

    @property
    def kept(self) -> int:
        """How many results this run keeps."""
        return len(self._new)

    def close(self) -> None:
        """Write the results kept, in one short transaction (other runs may use the cache at
        the same time), and let the file go."""
        try:
            with self.connection:
                self.connection.executemany("INSERT OR REPLACE INTO result VALUES (?, ?, ?)", self._new)
        finally:
            self.connection.close()


def readable_bytes(path: str) -> bytes | None:
    """The bytes of the file at ``path`` when it is a regular file teipipe reads (not too large);
    None otherwise (:func:`check_file` then reads it, and reports why it cannot)."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES:
            return None
        data = read_at_most(path, status.st_size)
    except OSError:
        return None
    return data if len(data) <= MAX_BYTES else None
