"""The build's memory: what each document was made from, and what was made of it.

``build/manifest.json`` holds one record per document (by file stem) and one for the index.
Every record says which inputs a stage saw, as SHA-256 digests, so that the next build can tell
what is still current:

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
                     "outputs": {"html/000_ecc5….html": "<digest>", …}}
      }, …},
    "index": {"key": "<renderer version + every indexed document's tei digest>", "outputs": {…}}

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
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomic

MANIFEST_NAME = "manifest.json"
FORMAT = 1

PACKAGE = Path(__file__).resolve().parent
#: Parts of the package that are not the encoder: changing them does not re-encode anything.
NOT_ENCODER = ("validate", "render.py", "cli.py", "build.py", "manifest.py", "executor.py", "atomic.py",
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
    """The records of the last build: ``documents`` (stem -> record) and ``index``."""

    documents: dict[str, dict] = field(default_factory=dict)
    index: dict = field(default_factory=dict)

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
        documents = data.get("documents")
        index = data.get("index")
        return cls(documents if isinstance(documents, dict) else {}, index if isinstance(index, dict) else {})

    def dumps(self) -> bytes:
        data = {"format": FORMAT, "documents": self.documents, "index": self.index}
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"

    def save(self, path: Path) -> None:
        write_atomic(path, self.dumps())
