"""What the package ships besides its code: the profile (``schema/``), the stylesheets and CSS
(``transforms/``) and the encoding rules (``vocab/``), found through :mod:`importlib.resources`
so that an installed wheel reads its own copy, never a source tree."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(name: str) -> Path:
    """The folder or file ``name`` of the installed package, as a path on disk."""
    location = files(__package__).joinpath(name)
    if not isinstance(location, Path):
        raise RuntimeError(f"teipipe's {name} is not on disk ({location}): install the package "
                           "as files (pip install), not inside a zip archive")
    return location


SCHEMA = shipped("schema")
TRANSFORMS = shipped("transforms")
