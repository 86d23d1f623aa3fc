"""The build's memory: what each document was made from, and what was made of it.

``build/manifest.sqlite`` is one SQLite database (write-ahead log). Its table ``documents``
holds one record per document (by file stem), a row for each of its parts (what each stage
recorded: ``encoded``, ``lookups``, ``checked``, ``rendered``, ``named``), as JSON; ``meta`` holds one for
the index and one for the authority file. Every record says which inputs a stage saw, as SHA-256 digests, so
that the next build can tell what is still current:

    documents["000_ecc5…"] = {
        "encoded": {"key": "<seed + encoder version + header settings>", "seed": "<digest>",
                    "tei": "<digest of what the encoder last wrote to tei/000_ecc5….xml>"},
        "lookups": [["ref_for", "Stalin", "person", true, "pers-stalin"], …],
        "checked": {"key": "<tei + validator version + seed>",
                    "problems": [[line, column, code, severity, message], …],
                    "ids": ["doc-000_ecc5…"], "links": {"authority.xml#pers-stalin": "person"}},
        "rendered": {"key": "<tei + renderer version>",
                     "outputs": {"html/000_ecc5….html": [<size>, "<digest>"], …},
                     "row": {"page": "000_ecc5….html", "facts": {"title": "…", "date": "…", …}}}}
    meta["index"] = {"key": "<renderer version + every indexed document's tei digest>", "outputs": {…}}
    meta["authority"] = {"key": "<encoder version + publisher + the entries the build started from
                                  + every seed's encoding key, in order>",
                         "written": "<digest of the authority file the build left>",
                         "started": "<the entries it started from>",
                         "steps": [["000_ecc5…", "<encoding key>", <entries added by then>], …],
                         "added": [["person", "pers-n-v-kuznetsov", ["N.V. Kuznetsov"]], …]}

A document's ``row`` is what ``index.html`` shows of it (``index.xsl``), so that the index is
made from the records without reading any document. The names a document gives the registers are kept
in tables of their own (``mentions_*``, :mod:`pipeline.mentions`), under the key its ``named``
part records.

The same store keeps what the build knows of one machine's file system, apart from the
records, which are the same wherever the same build ran: the table ``files`` (a path, its
size, modification and change times, inode and digest) lets a build know the digest of an
input file without reading it (:class:`FileDigests`): while the file's stat is the one
recorded, it is the file that was digested. ``meta["last"]`` is the state a build left when a
build after it would have nothing to do, with what that build would report; a build that finds
the same state says so without reading anything else (``pipeline/build_state.py``).

The versions are digests of source code and data: the encoder is every module of the package
that is not the validator, the renderer or the build, with its vocabularies; the validator is
``pipeline/validate/`` with the schema folder and the vocabularies; the renderer is
``pipeline/render.py`` with the transforms folder. Changing any file of one of them makes that
stage's records stale, and only that stage's.

**Scale and safety.** A build reads a record when it needs it and keeps what it read up to a
bound (:class:`Records`: the last thousand asked for as they are, those before as their JSON,
up to 48 MiB); it writes a record only when it changed, so a build that changes one document
writes one record, whatever the size of the corpus. Every change goes into one open
transaction, committed at each checkpoint of the build once the outputs it names are flushed
to the disk: a build killed at any moment leaves the database as its last commit left it, true
of every output it names."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.sqlite"
FORMAT = 7

PACKAGE = Path(__file__).resolve().parent
#: Parts of the package that are not the encoder: changing them does not re-encode anything.
NOT_ENCODER = ("validate", "render.py", "cli.py", "build.py", "build_report.py", "build_state.py", "stages",
               "workers.py", "cluster.py", "outputs.py", "manifest.py", "executor.py", "atomic.py", "deposit",
               "header.py", "schema", "transforms", "review", "registers.py", "mentions.py", "steps.py", "additions.py",
               "export")
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
        return cls(
            encoder=folder_digest(PACKAGE, exclude=NOT_ENCODER, suffixes=_CODE_SUFFIXES),
            validator=validator_version(schema),
            renderer=key(_common(), folder_digest(PACKAGE, ["render.py"]), folder_digest(transforms)),
        )


def _common() -> str:
    return folder_digest(PACKAGE, ["__init__.py", "vocab"])


def validator_version(schema: Path) -> str:
    """The validator's version with the profile in ``schema``: its code, the vocabularies and
    the profile's files."""
    return key(_common(), folder_digest(PACKAGE, ["validate"], suffixes=_CODE_SUFFIXES), folder_digest(schema))


class Store:
    """``build/manifest.sqlite``: one SQLite database (write-ahead log) holding the manifest and
    what the build knows of the file system. Every change goes into one open transaction, which
    :meth:`commit` ends: a process killed before that leaves the database as the last commit
    left it. A database that cannot be read, or of another format, is started afresh; one that
    cannot be made (a folder in its place, a folder that may not be written) raises OSError."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        if str(path) != ":memory:" and os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        try:
            self.connection = self._open(path)
        except sqlite3.DatabaseError:
            try:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                self.connection = self._open(path)
            except sqlite3.Error as error:
                raise OSError(errno.EIO, str(error), str(path)) from error

    @staticmethod
    def _open(path: Path | str) -> sqlite3.Connection:
        connection = sqlite3.connect(str(path), timeout=60)
        try:
            connection.execute("PRAGMA synchronous=FULL")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables >= {"meta", "documents", "files"}:
                found = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
                if found is not None and json.loads(found[0]) == FORMAT:
                    return connection  # as the last build left it: nothing to write
            connection.execute("PRAGMA journal_mode=WAL")  # kept in the file
            for table in tables:
                connection.execute(f'DROP TABLE "{table}"')
            # Pages a build frees (records rewritten, names replaced) are given back to the file
            # system by :meth:`give_back_free_pages`: the file must be made so before its tables.
            connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
            connection.execute("VACUUM")  # (a file of tables of before: empty now, so at once)
            connection.executescript(_SCHEMA)
            connection.execute("INSERT INTO meta VALUES ('format', ?)", (json.dumps(FORMAT),))
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection

    @classmethod
    def at(cls, folder: Path) -> "Store":
        """The store of a build folder; one in memory when the folder does not exist."""
        return cls(folder / MANIFEST_NAME if folder.is_dir() else ":memory:")

    def meta(self, name: str, default=None):
        row = self.connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, name: str, value) -> None:
        self.connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, _dumps(value)))

    def commit(self) -> None:
        self.connection.commit()

    def give_back_free_pages(self) -> int:
        """Shrink the file by the pages no table uses any more (SQLite keeps them for later
        rows otherwise), in a transaction of its own after the last commit; the number given back.
        Nothing is done while a transaction is open: a script would commit it, whatever it holds."""
        if self.connection.in_transaction:
            return 0
        free = self.connection.execute("PRAGMA freelist_count").fetchone()[0]
        if free:  # (run as a script: the module's execute() would step it once, freeing one page)
            self.connection.executescript("PRAGMA incremental_vacuum;")
        return free

    def close(self) -> None:
        self.connection.close()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (stem TEXT NOT NULL, part TEXT NOT NULL, value TEXT NOT NULL,
                                      PRIMARY KEY (stem, part));
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                                  ctime_ns INTEGER, inode INTEGER, digest TEXT) WITHOUT ROWID;
"""


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: The JSON of a part the store holds that was not read from it yet ("" is no JSON value).
UNREAD = ""


class Record(MutableMapping):
    """A document's record: its parts (``encoded``, ``checked``…), each kept as the JSON the
    store holds and decoded only when first asked for, since a stage reads the part it keeps and
    seldom the others. A part the record was read without (:data:`UNREAD`) is read from the
    store when asked for, through the records it came from. Parts set, read or taken away are
    written back when the record is (:class:`Records`); parts never read are left as they are in
    the store. A record made from a whole mapping (:meth:`replacing`) replaces every part of the
    stored one when written."""

    __slots__ = ("_json", "_values", "_removed", "_whole", "_records", "_stem")

    def __init__(self, stored: dict[str, str] | None = None, records: "Records | None" = None,
                 stem: str = "") -> None:
        self._json = stored or {}  # part -> its JSON as the store holds it (while it stays so)
        self._values: dict = {}  # part -> its value, read or set (and perhaps changed in place)
        self._removed: set[str] | None = None  # parts taken away since the record was read
        self._whole = False  # every stored part is to be replaced by these
        self._records = records  # where the parts not read yet are read from, as ``stem``'s
        self._stem = stem

    @classmethod
    def replacing(cls, parts: Mapping) -> "Record":
        """A record of ``parts``, which replace the stored record whole when it is written."""
        record = cls()
        record._values = dict(parts.items())
        record._whole = True
        return record

    def __getitem__(self, part: str):
        try:
            return self._values[part]
        except KeyError:
            text = self._json[part]
            if self._records is not None:
                text = self._records._decoding(self, part, text)
            value = self._values[part] = json.loads(text)
            return value

    def __setitem__(self, part: str, value) -> None:
        self._json.pop(part, None)
        self._values[part] = value
        if self._removed:
            self._removed.discard(part)

    def __delitem__(self, part: str) -> None:
        if part not in self:
            raise KeyError(part)
        self._values.pop(part, None)
        self._json.pop(part, None)
        if self._removed is None:
            self._removed = set()
        self._removed.add(part)

    def __contains__(self, part: object) -> bool:
        return part in self._values or part in self._json

    def __iter__(self):
        return iter(sorted(self._values.keys() | self._json.keys()))

    def __len__(self) -> int:
        return len(self._values.keys() | self._json.keys())

    def __repr__(self) -> str:
        return f"Record({dict(self)!r})"

    def stored_size(self) -> int:
        """The characters of the JSON it keeps."""
        return sum(map(len, self._json.values()))

    def shrink(self) -> None:
        """Let go of the values decoded from JSON it still keeps (unchanged since, as the
        record was not marked changed): they are decoded again if asked for."""
        stored = self._json
        self._values = {part: value for part, value in self._values.items() if part not in stored}

    def read_whole(self) -> None:
        """Read every part not read yet, so that the record no longer needs the store."""
        for part, text in list(self._json.items()):
            if text == UNREAD and part not in self._values:
                self[part]


class Records:
    """The documents' records (stem -> :class:`Record`), read from the store when asked for and
    kept a while, so that memory does not follow the corpus: the last :data:`HOT` asked for as
    they are, with the values decoded from them, and those asked for before as the JSON the
    store holds, up to :data:`KEPT_BYTES` of it, to be decoded again without a query. Records
    are read :data:`AHEAD` to a query, each with the parts decoded since the last such query (a
    stage reads the parts it keeps, record after record), and a part left out is read when it
    is first asked for, with the same part of the next records. A record changed in place must
    be marked (:meth:`changed`) before another is asked for; changed records go to the store
    when they leave the last :data:`HOT` and at :meth:`flush`."""

    #: How many of the records asked for last are kept with their values: a record's values
    #: take several times the memory of its JSON (about 19 KiB a generated document's, while a
    #: build writes it, against 2.3 KiB of JSON).
    HOT = 1024
    #: How much of the JSON of records asked for before is kept, counting :data:`PER_RECORD`
    #: for each record's own objects: 48 MiB keep every record of a corpus of 10,000
    #: generated documents, so that each stage finds them without a query.
    KEPT_BYTES = 48 << 20
    PER_RECORD = 1024
    #: How many records are read from the store at once, in the order :meth:`read_ahead` gives.
    AHEAD = 256

    def __init__(self, store: Store) -> None:
        self.store = store
        self.hot: OrderedDict[str, Record] = OrderedDict()
        self.cold: OrderedDict[str, tuple[Record, int]] = OrderedDict()  # stem -> record, its size
        self.cold_bytes = 0
        self.dirty: set[str] = set()
        self.gone: set[str] = set()  # stems the store is known to hold no record of
        self.written = 0  # records written to the store by this process
        self._order: list[str] = []
        self._place: dict[str, int] = {}
        self._decoded: set[str] = set()  # the parts decoded since records were last read

    def read_ahead(self, stems: list[str]) -> None:
        """The order the records will be asked for (the documents'): a record not at hand is
        read with the next few of that order in one query, not one query each."""
        self._order = list(stems)
        self._place = {stem: place for place, stem in enumerate(self._order)}

    def __getitem__(self, stem: str) -> Record:
        record = self.hot.get(stem)
        if record is not None:
            self.hot.move_to_end(stem)
            return record
        kept = self.cold.pop(stem, None)
        if kept is not None:
            self.cold_bytes -= kept[1]
            return self._keep(stem, kept[0])
        if stem in self.gone:
            raise KeyError(stem)
        place = self._place.get(stem)
        wanted = [stem] if place is None else [
            s for s in self._order[place:place + self.AHEAD] if s not in self.hot and s not in self.cold
            and s not in self.gone]
        found: dict[str, dict[str, str]] = {s: {} for s in wanted}
        parts = sorted(self._decoded)
        self._decoded = set()
        for start in range(0, len(wanted), 500):  # (SQLite's limit on the values of a query)
            batch = wanted[start:start + 500]
            for found_stem, part, value in self.store.connection.execute(
                    f"SELECT stem, part, CASE WHEN part IN ({','.join('?' * len(parts))}) THEN value ELSE '' END "
                    f"FROM documents WHERE stem IN ({','.join('?' * len(batch))})", parts + batch):
                found[found_stem][part] = value
        for other, stored in found.items():
            if other == stem:
                continue
            if stored:
                self._cool(other, Record(stored, self, other))
            else:
                self.gone.add(other)
        if not found[stem]:
            self.gone.add(stem)
            raise KeyError(stem)
        return self._keep(stem, Record(found[stem], self, stem))

    def _decoding(self, record: Record, part: str, text: str) -> str:
        """The JSON of ``part`` of ``record`` (one of these records), read from the store if it
        was not (:data:`UNREAD`) with the same part of the next records of the order kept here
        that lack it."""
        self._decoded.add(part)
        if text != UNREAD:
            return text
        stem = record._stem
        place = self._place.get(stem)
        lacking = {stem: record}
        if place is not None:
            for other in self._order[place + 1:place + self.AHEAD]:
                kept = self.hot.get(other)
                if kept is None and other in self.cold:
                    kept = self.cold[other][0]
                if kept is not None and kept._json.get(part) == UNREAD:
                    lacking[other] = kept
        batch = list(lacking)
        for found_stem, value in self.store.connection.execute(
                f"SELECT stem, value FROM documents WHERE part = ? AND stem IN ({','.join('?' * len(batch))})",
                [part] + batch):
            lacking[found_stem]._json[part] = value
            if found_stem in self.cold:
                kept, size = self.cold[found_stem]
                self.cold[found_stem] = (kept, size + len(value))
                self.cold_bytes += len(value)
        text = record._json.get(part, UNREAD)
        if text == UNREAD:  # the store no longer holds it
            record._json.pop(part, None)
            raise KeyError(part)
        return text

    def get(self, stem: str, default=None):
        try:
            return self[stem]
        except KeyError:
            return default

    def setdefault(self, stem: str, default: Mapping) -> Record:
        """The record of ``stem``; when there is none, a new one of the parts of ``default``
        (kept, and written once marked changed)."""
        try:
            return self[stem]
        except KeyError:
            self.gone.discard(stem)
            return self._keep(stem, Record.replacing(default))

    def __setitem__(self, stem: str, record: Mapping) -> None:
        self.gone.discard(stem)
        self._forget(stem)
        self._keep(stem, Record.replacing(record))
        self.dirty.add(stem)

    def changed(self, stem: str) -> None:
        """The record of ``stem`` (the last one asked for, or one of the few before) was changed."""
        if stem not in self.hot:
            raise KeyError(f"{stem}: its record was let go before it was marked as changed")
        self.dirty.add(stem)

    def pop(self, stem: str, *default):
        try:
            record = self[stem]
        except KeyError:
            if default:
                return default[0]
            raise
        record.read_whole()  # it is about to leave the store
        del self.hot[stem]
        self.dirty.discard(stem)
        self.gone.add(stem)
        self.store.connection.execute("DELETE FROM documents WHERE stem = ?", (stem,))
        return record

    def __contains__(self, stem: str) -> bool:
        return self.get(stem) is not None

    def __iter__(self):
        """The stems recorded, in order."""
        self.flush()
        return iter([row[0] for row in self.store.connection.execute(
            "SELECT DISTINCT stem FROM documents ORDER BY stem")])

    def __len__(self) -> int:
        self.flush()
        return self.store.connection.execute("SELECT count(DISTINCT stem) FROM documents").fetchone()[0]

    def _keep(self, stem: str, record: Record) -> Record:
        self.hot[stem] = record
        while len(self.hot) > self.HOT:
            self._cool(*self.hot.popitem(last=False))
        return record

    def _cool(self, stem: str, record: Record) -> None:
        """Keep ``record`` as JSON only, written first if it changed; let go of the records
        kept longest while their JSON is more than :data:`KEPT_BYTES`."""
        if stem in self.dirty:
            self._write(stem, record)
        if record._whole:  # never written: the store holds nothing of it
            return
        if record._values:
            record.shrink()
        size = record.stored_size() + self.PER_RECORD
        self.cold[stem] = (record, size)
        self.cold_bytes += size
        while self.cold_bytes > self.KEPT_BYTES:
            self.cold_bytes -= self.cold.popitem(last=False)[1][1]

    def _forget(self, stem: str) -> None:
        self.hot.pop(stem, None)
        kept = self.cold.pop(stem, None)
        if kept is not None:
            self.cold_bytes -= kept[1]

    def _write(self, stem: str, record: Record) -> None:
        """Put a record in the store by the parts read, set or taken away (the others are as
        they were; none when it replaces the record whole); it keeps the JSON written."""
        self.dirty.discard(stem)
        connection = self.store.connection
        if record._whole:
            connection.execute("DELETE FROM documents WHERE stem = ?", (stem,))
            record._whole = False
        elif record._removed:
            connection.executemany("DELETE FROM documents WHERE stem = ? AND part = ?",
                                   [(stem, part) for part in sorted(record._removed)])
        record._removed = None
        rows = [(stem, part, _dumps(value)) for part, value in sorted(record._values.items())]
        connection.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", rows)
        record._json.update((part, text) for _, part, text in rows)
        self.written += 1

    def flush(self) -> None:
        """Put every changed record in the store's open transaction."""
        for stem in sorted(self.dirty):
            self._write(stem, self.hot[stem])


class Manifest:
    """The records of the builds: ``documents`` (stem -> record, :class:`Records`), ``index``
    and ``authority``, in the build folder's store (:class:`Store`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.documents = Records(store)
        self.index: dict = store.meta("index", {})
        self.authority: dict = store.meta("authority", {})

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        """The manifest of the build folder of ``path`` (``build/manifest.sqlite``); an empty
        one when there is none or it cannot be read (the build then starts afresh, which is
        always safe)."""
        return cls(Store.at(Path(path).parent))

    def save(self, path: Path | None = None) -> None:
        """Commit what was recorded: after it, a killed process loses none of it."""
        self.documents.flush()
        self.store.set_meta("index", self.index)
        self.store.set_meta("authority", self.authority)
        self.store.commit()

    def dump(self) -> dict:
        """Every record, as one plain value (for tests and inspection)."""
        self.documents.flush()
        documents: dict[str, dict] = {}
        for stem, part, value in self.store.connection.execute(
                "SELECT stem, part, value FROM documents ORDER BY stem, part"):
            documents.setdefault(stem, {})[part] = json.loads(value)
        return {"documents": documents, "index": self.index, "authority": self.authority}


#: How much older than the moment it is looked at a file's modification time must be for its
#: stat to stand for its bytes: any later change then gives it a newer time. (The coarsest file
#: systems keep times to 2 seconds.)
SETTLED_NS = 2_000_000_000


class FileDigests:
    """The SHA-256 of input files, read from the disk only when a file is not as recorded.

    The store's ``files`` table maps a path to its size, modification and change times, inode
    and digest. While a file's stat is the one recorded, its digest is taken from there without
    reading the file. A file is recorded only when its modification time was settled
    (:data:`SETTLED_NS`) at the moment it was looked at, so that no change can hide behind a time
    the file system rounds; records of files that were not looked at are dropped by
    :meth:`prune`. ``last`` is the state the last build left (kept here by the build).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.last: dict = store.meta("last", {})
        self.looked: set[str] = set()
        self.unrecorded: set[str] = set()  # looked at, and not recorded
        self.updates: dict[str, tuple | None] = {}  # path -> new record, or None: forget it
        self.read = 0  # files read and digested
        self.changed = False
        self._order: list[str] = []
        self._place: dict[str, int] = {}
        self._ahead: dict[str, tuple | None] = {}  # rows read with another's, not asked for yet

    def read_ahead(self, paths: list[Path]) -> None:
        """The order the files will be looked at: a file's row is read from the store with the
        next few of that order in one query, not one query each."""
        self._order = [str(path) for path in paths]
        self._place = {name: place for place, name in enumerate(self._order)}

    @classmethod
    def load(cls, store: Store) -> "FileDigests":
        return cls(store)

    def save(self, path: Path | None = None) -> None:
        """Put the changed records and ``last`` in the store, and commit."""
        connection = self.store.connection
        connection.executemany("DELETE FROM files WHERE path = ?",
                               [(name,) for name, row in self.updates.items() if row is None])
        connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                               [(name, *row) for name, row in self.updates.items() if row is not None])
        self.updates = {}
        if self.changed:
            self.store.set_meta("last", self.last)
            self.changed = False
        self.store.commit()

    def _recorded(self, name: str) -> tuple | None:
        if name in self.updates:
            return self.updates[name]
        if name in self._ahead:
            return self._ahead.pop(name)
        place = self._place.get(name)
        if place is None:
            return self.store.connection.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, digest FROM files WHERE path = ?", (name,)).fetchone()
        batch = self._order[place:place + Records.AHEAD]
        self._ahead = dict.fromkeys(batch)
        for path, *row in self.store.connection.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM files "
                f"WHERE path IN ({','.join('?' * len(batch))})", batch):
            self._ahead[path] = tuple(row)
        return self._ahead.pop(name)

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
        stat = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        recorded = self._recorded(name)
        if recorded is not None and tuple(recorded[:4]) == stat:
            self.unrecorded.discard(name)
            return recorded[4]
        value = file_digest(path)
        self.read += 1
        if value is not None and stat[1] < looked_at - SETTLED_NS:
            self.updates[name] = (*stat, value)
            self.unrecorded.discard(name)
        else:
            self._forget(name)
        return value

    def forget(self, path: Path) -> None:
        """``path`` was written: what was recorded of it no longer holds."""
        self._forget(str(path))

    def _forget(self, name: str) -> None:
        self.unrecorded.add(name)
        if self._recorded(name) is not None:
            self.updates[name] = None

    def settle(self, paths: list[Path]) -> None:
        """Look again at the files of ``paths`` not recorded (new, changed or written in this
        build), so that the next build knows them without reading them."""
        for path in paths:
            if str(path) in self.unrecorded:
                self.digest(path)

    def prune(self) -> None:
        """Drop the records of files not looked at."""
        stale = [(name,) for (name,) in self.store.connection.execute("SELECT path FROM files")
                 if name not in self.looked]
        self.store.connection.executemany("DELETE FROM files WHERE path = ?", stale)
        for (name,) in stale:
            self.updates.pop(name, None)
