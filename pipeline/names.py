"""The names a batch writes: one TEI file and one document id per source, none of them taken twice.

Every source ``<stem>.txt`` becomes ``<stem>.xml`` with the id ``doc-<stem>`` (each character an
XML name cannot hold written ``_``). :class:`BatchNames` hands these out in the order of the
batch and refuses a source whose file or id is already taken, naming both sources:

* ``authority.txt`` would write ``authority.xml``, the authority file, so that stem is reserved
  (in any case of letters, for file systems that do not tell ``Authority.xml`` from it);
* two sources of the same name in different folders would write the same file;
* ``a b.txt`` and ``a_b.txt`` write different files but would both be ``doc-a_b``.

``teipipe convert`` and ``teipipe build`` both use it, so they refuse the same sources.
"""

from __future__ import annotations

from pathlib import Path

from .authority import FILE_NAME as AUTHORITY_FILE
from .encode import xml_name

#: Stems no source may have: the files they would write belong to the project.
RESERVED_STEMS = frozenset({Path(AUTHORITY_FILE).stem.casefold()})


class BatchNames:
    """The output files and ids taken so far in one batch."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}  # stem -> source
        self.ids: dict[str, Path] = {}  # document id -> source

    def claim(self, source: Path, stem: str) -> str | None:
        """Take ``stem``'s file and id for ``source``; or, when either is taken or reserved, the
        error line (``source: error: reason``) and nothing is taken."""
        output = f"{stem}.xml"
        if stem.casefold() in RESERVED_STEMS:
            return (f"{source}: error: the name is reserved: it would write {output}, the authority file of "
                    "the corpus; rename the source")
        if stem in self.files:
            return f"{source}: error: has the same name as {self.files[stem]}; both would write {output}"
        ident = xml_name(stem)
        if ident in self.ids:
            return (f"{source}: error: would have the document id {ident}, as {self.ids[ident]} has: ids must be "
                    "unique; rename one of the two sources")
        self.files[stem] = source
        self.ids[ident] = source
        return None
