"""What a teipipe bag holds, and the bytes of its manifests and tag files.

The names of the tag files and of the payload files teipipe writes, the checksum algorithms,
and :class:`Entry`, a payload file as the manifests list it. :mod:`.write` lays a bag out with
these; :mod:`.verification` reads one against them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

PAYLOAD = "data"
ALGORITHMS = ("sha256", "sha512")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
#: The tag files every teipipe bag has.
TAG_FILES = ("bagit.txt", BAG_INFO, *(f"manifest-{a}.txt" for a in ALGORITHMS),
             *(f"tagmanifest-{a}.txt" for a in ALGORITHMS))
RULES_FILE = "data/schema/rules.json"
REPORT_FILE = "data/validation-report.json"
INVENTORY_JSON = "data/inventory.json"
INVENTORY_CSV = "data/inventory.csv"

#: What each folder of renderings holds, as the inventory names it.
RENDERING_ROLES = {"html": "html", "html/review": "review_html", "text": "text",
                   "text/diplomatic": "diplomatic_text"}


@dataclass(frozen=True)
class Entry:
    """A payload file as the manifests describe it."""

    path: str  # relative to the bag: data/…
    size: int
    digests: dict  # algorithm -> hex digest


def entry_of(relative: str, data: bytes) -> Entry:
    """The entry of the file at ``relative`` (to the bag) holding ``data``."""
    return Entry(relative, len(data), {a: hashlib.new(a, data).hexdigest() for a in ALGORITHMS})


def entry(bag: Path, relative: str) -> Entry:
    """The entry of a file already in the bag."""
    return entry_of(relative, (bag / relative).read_bytes())


def write_new(path: Path, data: bytes) -> None:
    """Write a file of the bag, which must not be there yet (the bag is a new folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as stream:
        stream.write(data)


def put(bag: Path, relative: str, data: bytes) -> Entry:
    """Write ``data`` at ``relative`` in the bag and return its entry."""
    write_new(bag / relative, data)
    return entry_of(relative, data)


def manifest_bytes(entries: list[Entry], algorithm: str) -> bytes:
    """Manifest lines, ``checksum  path``, sorted by path (the form sha256sum -c reads too)."""
    return "".join(f"{e.digests[algorithm]}  {e.path}\n" for e in sorted(entries, key=lambda e: e.path)).encode()


def tag_lines(info: dict[str, str]) -> bytes:
    """A tag file (bag-info.txt): ``Label: value`` lines in the order of the labels."""
    return "".join(f"{label}: {value}\n" for label, value in sorted(info.items())).encode("utf-8")


def json_bytes(value) -> bytes:
    """A JSON file of the payload: indented, UTF-8, ending with a newline."""
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
