"""What :func:`~pipeline.deposit.deposit` and :func:`~pipeline.deposit.verify` report: the
errors that stop a bag from being written, a fault of a bag, and the report of a deposit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build_report import BuildReport
from ..validate import Problem


class DepositError(Exception):
    """The bag could not be written; nothing was left at OUT."""


class DestinationError(DepositError):
    """OUT cannot take a bag: it exists (without ``force``), or it holds part of the project."""


@dataclass(frozen=True)
class Fault:
    """One thing wrong with a bag: ``BAG/path: error: reason``. ``path`` is relative to the bag,
    with ``/`` between folders; it is empty for a fault of the bag as a whole."""

    bag: str
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.bag.rstrip('/')}/{self.path}" if self.path else self.bag
        return f"{where}: error: {self.reason}"


@dataclass
class DepositReport:
    """What :func:`deposit` did. ``problems`` are the errors found in the documents (in the bag's
    terms, ``data/tei/…``, once the payload was laid out); ``failures`` the build's errors that
    concern no check (a source that could not be encoded, a page that could not be rendered)."""

    out: Path
    build: BuildReport | None = None
    written: bool = False
    documents: int = 0
    valid_documents: int = 0
    redactions: int = 0
    payload_files: int = 0
    payload_bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.written else 1
