"""Writing a file so that a reader, or a process killed half-way, never sees half of it.

:func:`write_atomic` writes to a temporary file in the target's folder and renames it over the
target: the rename is atomic, so ``path`` is always either the old complete file or the new one.
A failed or interrupted write leaves no temporary file behind.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

# The permissions open() would give a new file (0o666 less the umask).
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK

#: Numbers for temporary files: unique within the process, as the process id is among processes.
_NUMBERS = itertools.count()


def write_atomic(path: Path | str, data: bytes | str, *, durable: bool = True) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path`` through a temporary file and a rename.

    ``durable`` flushes the data to the disk (fsync) before the rename, so that the new file
    survives a power cut as well. A caller writing many files can pass ``durable=False`` and call
    :func:`os.sync` once when it is done: a killed process cannot leave a half-written file
    either way. The folder is made when it is missing.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = _create(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _create(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (``.<name>.<process>-<number>.tmp``), open for
    writing, with the permissions open() gives; the folder is made if need be."""
    while True:
        temporary = f"{path.parent}/.{path.name}.{os.getpid()}-{next(_NUMBERS)}.tmp"
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            pass  # left by a killed process that had the same id


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files that :func:`write_atomic` left in ``folder`` when its process
    was killed (``.<name>.<process>-<number>.tmp``); returns them."""
    removed = []
    try:
        candidates = list(Path(folder).glob(".*.tmp"))
    except OSError:
        return removed
    for path in candidates:
        if path.is_file() and path.name.count(".") >= 3:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
