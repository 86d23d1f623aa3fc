"""Writing a file so that a reader, or a process killed half-way, never sees half of it.

:func:`write_atomic` writes to a temporary file in the target's folder and renames it over the
target: the rename is atomic, so ``path`` is always either the old complete file or the new one.
A failed or interrupted write leaves no temporary file behind.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

# The permissions open() would give a new file (0o666 less the umask).
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK
#: The longest file name (bytes) the file systems in use take.
NAME_MAX = 255

#: Numbers for temporary files: unique within the process, as the process id is among processes.
_NUMBERS = itertools.count()


#: ``if_digest`` of :func:`write_atomic` when the file may hold anything.
ANYTHING = object()


def write_atomic(path: Path | str, data: bytes | str | Iterable[bytes], *, durable: bool = True,
                 if_digest=ANYTHING) -> bool:
    """Write ``data`` (text is written as UTF-8; an iterable of bytes, part after part, for a file
    too large to hold in memory) to ``path`` through a temporary file and a rename.

    ``durable`` flushes the data to the disk (fsync) before the rename, so that the new file
    survives a power cut as well. A caller writing many files can pass ``durable=False`` and call
    :func:`os.sync` once when it is done: a killed process cannot leave a half-written file
    either way. The folder is made when it is missing.

    ``if_digest`` (a SHA-256 in hex, or None for "no file") replaces the file only if it is still
    what the caller saw: its digest is taken again just before the rename, and when someone
    changed the file meanwhile it is left as it is and False is returned. True otherwise.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = _create(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, (bytes, bytearray, memoryview)):
                stream.write(data)
            else:
                for part in data:
                    stream.write(part)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if if_digest is not ANYTHING and _digest_of(path) != if_digest:
            os.unlink(temporary)
            return False
        os.replace(temporary, path)
        return True
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_unless_held(path: Path | str, data: bytes, *, durable: bool = True) -> bool:
    """:func:`write_atomic` of ``data`` to ``path``, unless the file there already holds exactly
    these bytes: then it is left as it is, with its times and its inode, and False is returned
    (a page made again the same is not written again, and a copy of the folder to a web server
    sends only the pages that changed)."""
    if holds(path, data):
        return False
    return write_atomic(path, data, durable=durable)


def holds(path: Path | str, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link to one) whose bytes are ``data``."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        return stream.read(len(data) + 1) == data


def _digest_of(path: Path) -> str | None:
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def temporary_name(name: str, number: int) -> str:
    """The name of a temporary file for ``name``: ``.<name>.<process>-<number>.tmp``, with
    ``name`` shortened (and a digest of it added) when the whole would be longer than a file
    name may be, so that any name that can be written can be written through its temporary."""
    suffix = f".{os.getpid()}-{number}.tmp"
    whole = f".{name}{suffix}"
    if len(os.fsencode(whole)) <= NAME_MAX:
        return whole
    short = os.fsencode(name)[:NAME_MAX - len(suffix) - 1 - 18].decode("utf-8", "ignore")
    return f".{short}~{hashlib.sha256(os.fsencode(name)).hexdigest()[:16]}{suffix}"


def _create(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (:func:`temporary_name`), open for writing, with the
    permissions open() gives; the folder is made if need be."""
    while True:
        temporary = f"{path.parent}/{temporary_name(path.name, next(_NUMBERS))}"
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            pass  # left by a killed process that had the same id


#: The names :func:`temporary_name` makes, and only those.
_TEMPORARY = re.compile(r"\..+\.(\d+)-\d+\.tmp", re.DOTALL)


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files that :func:`write_atomic` left in ``folder`` when its process
    was killed: files named as :func:`temporary_name` names them, by a process that is no longer
    running. Any other file (``.draft.v2.tmp``) is left alone. Returns what was deleted."""
    removed = []
    try:
        candidates = list(Path(folder).glob(".*.tmp"))
    except OSError:
        return removed
    for path in candidates:
        match = _TEMPORARY.fullmatch(path.name)
        if match and not _running(int(match.group(1))) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    """Whether a process of that id is running (and is not this one)."""
    if pid == os.getpid() or pid <= 0:
        return pid == os.getpid()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
