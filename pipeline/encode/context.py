"""What the writer is given besides the document (:class:`EncodingContext`), and how it points
from one element to another, to the authority file, to an editor or to a line of the source
(:class:`Pointers`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..authority import FILE_NAME as AUTHORITY_FILE
from ..catalogue import CatalogueRecord


@dataclass(frozen=True)
class EncodingContext:
    """What the writer needs besides the document: publication details and where the source is."""

    publisher: str = "teipipe project"
    licence: str = "CC BY 4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    source_href: str = ""  # the source file, relative to the TEI file
    date: str | None = None  # the encoding date (from SOURCE_DATE_EPOCH), or None
    catalogue: CatalogueRecord | None = None  # the archive's record of the source, where given
    xml_model: str = ""  # the <?xml-model?> instructions the file starts with (pipeline.schema)


class Pointers:
    """The pointers of one document: its xml:id (``doc-<stem>``) and the ids made from it."""

    def __init__(self, document_id: str):
        self.id = document_id

    def ref(self, authority_id: str | None) -> str | None:
        """The pointer at an entry of the authority file (``authority.xml#pers-…``)."""
        return f"{AUTHORITY_FILE}#{authority_id}" if authority_id else None

    def local(self, name: str) -> str:
        """The xml:id of one of the document's own elements: ``doc-<stem>.<name>``."""
        return f"{self.id}.{name}"

    def resp(self, editor: str | None) -> str | None:
        """The pointer at an editor's respStmt (``Document.editors``)."""
        return "#" + self.local(editor) if editor else None

    @staticmethod
    def line_source(line: int | None) -> str | None:
        """The source line a header fact was read from, as a pointer (see listPrefixDef)."""
        return f"src:line={line - 1},{line}" if line else None

    @property
    def catalogue(self) -> str:
        """The pointer at the archive's catalogue record in the header."""
        return "#" + self.local("catalogue")
