"""What validation finds: problems, the result for one file, and the report for a batch.

Everything here is plain data (strings and numbers), so a file's result can travel from a
worker process back to the parent and be written in any output format.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """One kind of problem: a stable code, its severity, a one-line summary and what to do
    about it (``help``, as reports that describe their rules show it)."""

    code: str
    severity: str
    summary: str
    help: str = ""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place: ``path:line:column: code: severity: message``.

    ``line`` and ``column`` are 1-based; a problem that concerns the whole file has line 1 and
    column 1. The message says what is wrong and how to fix it.
    """

    path: str
    line: int
    column: int
    code: str
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code}: {self.severity}: {self.message}"


class DeclaredId(NamedTuple):
    """An xml:id and the line it is declared on, kept to check uniqueness across the corpus (a
    named tuple: a document declares dozens, so they are made cheaply)."""

    value: str
    line: int


@dataclass(frozen=True)
class FileResult:
    """The problems of one file, and the ids it declares."""

    path: str
    problems: tuple[Problem, ...] = ()
    ids: tuple[DeclaredId, ...] = ()
    #: The other files the rules read for it, each with its SHA-256 then (None: missing): what
    #: the cache (:mod:`.cache`) checks before it gives the result again.
    reads: tuple[tuple[str, str | None], ...] = field(default=(), compare=False)

    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)

    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == WARNING)

    def failed(self, strict: bool = False) -> bool:
        """True when the file has an error (or, with ``strict``, any problem at all)."""
        return any(p.severity == ERROR or strict for p in self.problems)


@dataclass
class Report:
    """The result of validating a batch of files, in the order the files were given."""

    files: list[FileResult] = field(default_factory=list)
    #: How many of the results the cache gave (:mod:`.cache`): those files were not read again.
    cached: int = 0

    @property
    def problems(self) -> list[Problem]:
        return [problem for result in self.files for problem in result.problems]

    def errors(self) -> int:
        return sum(result.errors() for result in self.files)

    def warnings(self) -> int:
        return sum(result.warnings() for result in self.files)

    def failed_files(self, strict: bool = False) -> int:
        return sum(1 for result in self.files if result.failed(strict))

    def failed(self, strict: bool = False) -> bool:
        return self.failed_files(strict) > 0

    def count_by_code(self) -> Counter:
        return Counter(problem.code for problem in self.problems)

    def summary(self, strict: bool = False) -> str:
        """One line: how many files, how many failed, how many errors and warnings."""
        total = len(self.files)
        failed = self.failed_files(strict)
        verdict = "invalid" if failed else "valid"
        return (f"{total} file{'s' if total != 1 else ''} checked, {failed} invalid: "
                f"{self.errors()} error{'s' if self.errors() != 1 else ''}, "
                f"{self.warnings()} warning{'s' if self.warnings() != 1 else ''}"
                f"{' (strict: warnings fail)' if strict and self.warnings() else ''} - {verdict}")
