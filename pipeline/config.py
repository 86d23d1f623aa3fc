"""Project settings: the ``[tool.teipipe]`` table of ``pyproject.toml``, as one frozen object.

Every command reads the settings once and passes the object down; options given on the command
line override single fields with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    root: Path
    seeds: Path
    tei: Path
    build: Path
    schema: Path
    transforms: Path
    publisher: str = "teipipe project"
    licence: str = "CC BY 4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    jobs: int = 0  # 0: one worker per core
    # Where `teipipe build` runs the per-document work: "" (worker processes of this machine) or
    # "dask" (a dask.distributed cluster: the one at `scheduler`, or a local one started for it).
    executor: str = ""
    scheduler: str = ""
    # Who deposits the corpus (bag-info.txt of `teipipe deposit`); the publisher when empty.
    organization: str = ""
    contact_name: str = ""
    contact_email: str = ""
    # The archive's catalogue records of the sources (CSV or JSON Lines; docs/encoding.md).
    catalogue: Path | None = None

    @property
    def authority(self) -> Path:
        return self.tei / "authority.xml"


_PATH_FIELDS = ("seeds", "tei", "build", "schema", "transforms")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding a pyproject.toml with [tool.teipipe];
    the folder above the installed package otherwise."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if "teipipe" in data.get("tool", {}):
                return folder
    return Path(__file__).resolve().parent.parent


def load_settings(start: Path | None = None) -> Settings:
    root = find_root(start)
    table: dict = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("teipipe", {})
    known = {f.name for f in fields(Settings)}
    values: dict = {}
    for name in known - {"root"}:
        if name in table:
            values[name] = table[name]
    for name in _PATH_FIELDS:
        values[name] = (root / values.get(name, name)).resolve()
    if values.get("catalogue"):
        values["catalogue"] = (root / values["catalogue"]).resolve()
    else:
        values.pop("catalogue", None)
    return Settings(root=root, **values)


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an int, or None when unset or malformed."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None
