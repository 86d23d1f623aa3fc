"""Project settings: ``teipipe.toml``, or the ``[tool.teipipe]`` table of ``pyproject.toml``, as
one frozen object.

A project is found as black and ruff find theirs: from the working folder (or the folder the
given paths have in common) upwards, the first folder with a ``teipipe.toml`` or a
``pyproject.toml`` holding ``[tool.teipipe]`` is the project's root. Nothing found is
:class:`NoProject`; the package's own folder is never a project. Every command reads the
settings once and passes the object down; options given on the command line override single
fields with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .resources import SCHEMA, TRANSFORMS


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
    # Where the HTML edition is published (`teipipe export cmif` links the letters and the
    # register entries there); empty: relative links.
    edition_url: str = ""

    @property
    def authority(self) -> Path:
        return self.tei / "authority.xml"

    @property
    def review(self) -> Path:
        """The editors' review files (review/<stem>.toml, pipeline/corrections.py)."""
        return self.root / "review"


_PATH_FIELDS = ("seeds", "tei", "build", "schema", "transforms")
#: The profile and the stylesheets are the package's own unless the settings name other folders.
_SHIPPED = {"schema": SCHEMA, "transforms": TRANSFORMS}


#: The file of a project that holds nothing but teipipe's settings, at its top level.
SETTINGS_FILE = "teipipe.toml"


class NoProject(Exception):
    """No folder at or above the start holds teipipe's settings."""

    def __init__(self, start: Path):
        super().__init__(f"no teipipe project in {start} or any folder above it (no {SETTINGS_FILE} and no "
                         "pyproject.toml with [tool.teipipe]): run the command inside a project, or make "
                         "one with `teipipe init`")
        self.start = start


class BadSettings(Exception):
    """A settings file that cannot be read as TOML."""


def settings_table(folder: Path) -> dict | None:
    """teipipe's settings in ``folder``: all of teipipe.toml, or [tool.teipipe] of pyproject.toml;
    None when the folder has neither."""
    for name in (SETTINGS_FILE, "pyproject.toml"):
        candidate = folder / name
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            if name == SETTINGS_FILE:
                raise BadSettings(f"{candidate}: cannot be read as TOML: {error}") from error
            continue  # a broken pyproject.toml of some other tool is not ours to judge
        if name == SETTINGS_FILE:
            return data
        tool = data.get("tool", {})
        if isinstance(tool, dict) and isinstance(tool.get("teipipe"), dict):
            return tool["teipipe"]
    return None


def start_of(paths=()) -> Path:
    """Where the search for settings starts: the folder the given paths have in common, or the
    working folder when none are given (as black and ruff do)."""
    if not paths:
        return Path.cwd().resolve()
    folders = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent for p in paths]
    return Path(os.path.commonpath(folders))


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working folder) holding a
    teipipe.toml or a pyproject.toml with [tool.teipipe]; None when there is none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if settings_table(folder) is not None:
            return folder
    return None


def settings_from(root: Path, table: dict) -> Settings:
    """The settings of the project at ``root`` from its table; folders relative to ``root``.
    The profile and the stylesheets are the package's own unless the table names others."""
    known = {f.name for f in fields(Settings)}
    values: dict = {name: table[name] for name in known - {"root"} if name in table}
    for name in _PATH_FIELDS:
        if name in values:
            values[name] = (root / values[name]).resolve()
        elif name in _SHIPPED:
            values[name] = _SHIPPED[name]
        else:
            values[name] = (root / name).resolve()
    if values.get("catalogue"):
        values["catalogue"] = (root / values["catalogue"]).resolve()
    else:
        values.pop("catalogue", None)
    return Settings(root=root, **values)


def load_settings(start: Path | None = None) -> Settings:
    """The settings of the project at or above ``start``. Raises :class:`NoProject` when there is
    none: the package's own folder is never taken for a project."""
    root = find_root(start)
    if root is None:
        raise NoProject((start or Path.cwd()).resolve())
    return settings_from(root, settings_table(root) or {})


def settings_or_defaults(start: Path | None = None) -> Settings:
    """The project's settings when there is a project at or above ``start``; otherwise the
    defaults, with folders relative to the working folder (for commands that were given every
    path they need)."""
    try:
        return load_settings(start)
    except NoProject:
        return settings_from(Path.cwd().resolve(), {})


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an int, or None when unset or malformed."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None
