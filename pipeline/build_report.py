"""What one build did (:class:`BuildReport`), and telling the user: the progress of each stage
and the closing summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .validate.report import Problem

Progress = Callable[[str, int, int], None]  # (stage, documents done, documents to do)


@dataclass
class BuildReport:
    """What one build did, document by document (file stems), and how long each stage took."""

    documents: int = 0
    converted: list[str] = field(default_factory=list)  # the encoder ran and its TEI is in tei/
    unchanged: list[str] = field(default_factory=list)  # no stage had anything to do
    diverged: list[str] = field(default_factory=list)  # the TEI was edited by hand: kept
    replaced: dict[str, Path] = field(default_factory=dict)  # --force: stem -> backup of the edit
    without_seed: list[str] = field(default_factory=list)  # a TEI file with no seed
    checked: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not rendered: not converted, or invalid
    removed: list[str] = field(default_factory=list)  # gone from seeds/ and tei/: outputs deleted
    index: bool = False  # index.html was rendered
    authority: bool = False  # tei/authority.xml was written
    failures: list[str] = field(default_factory=list)  # documents that failed to convert or render
    problems: list[Problem] = field(default_factory=list)  # of the documents checked, and the invalid
    warnings: list[str] = field(default_factory=list)  # the encoder's
    errors: list[str] = field(default_factory=list)  # not tied to a document
    times: dict[str, float] = field(default_factory=dict)

    @property
    def did_nothing(self) -> bool:
        return not (self.converted or self.checked or self.rendered or self.index or self.authority
                    or self.removed or self.replaced)

    @property
    def ok(self) -> bool:
        return not (self.failures or self.invalid or self.errors)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1



# ------------------------------------------------------------------------------------ telling the user

class ProgressPrinter:
    """Shows how a stage advances: a bar redrawn in place on a terminal, a line for every tenth
    of the work otherwise (logs of CI stay short)."""

    WIDTH = 30

    def __init__(self, stream: TextIO = sys.stderr, terminal: bool | None = None) -> None:
        self.stream = stream
        self.terminal = stream.isatty() if terminal is None else terminal
        self.shown = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total == 0:
            return
        if self.terminal:
            filled = self.WIDTH * done // total
            self.stream.write(f"\r{stage:<7} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        tenth = 10 * done // total
        if done == 0:
            self.shown = -1
        if tenth != self.shown:
            self.shown = tenth
            self.stream.write(f"{stage}: {done}/{total}\n")
            self.stream.flush()


def summary(report: BuildReport) -> list[str]:
    """The closing lines: what each stage did and how long it took, then the totals."""
    times = report.times
    if report.did_nothing:
        return [f"nothing to do: {report.documents} documents unchanged ({times.get('total', 0):.2f} s)"
                + (f"; {len(report.invalid)} invalid" if report.invalid else "")
                + (f"; {len(report.diverged)} diverged" if report.diverged else "")]
    lines = [
        f"encode  {len(report.converted)} converted, {len(report.diverged)} diverged"
        + (f", {len(report.replaced)} replaced" if report.replaced else "")
        + (", authority.xml written" if report.authority else "") + f"  ({times.get('encode', 0):.2f} s)",
        f"check   {len(report.checked)} checked, {len(report.invalid)} invalid  ({times.get('check', 0):.2f} s)",
        f"render  {len(report.rendered)} rendered, {len(report.skipped)} skipped  ({times.get('render', 0):.2f} s)",
        f"index   {'written' if report.index else 'unchanged'}  ({times.get('index', 0):.2f} s)",
        f"{report.documents} documents: {len(report.converted)} converted, {len(report.unchanged)} unchanged, "
        f"{len(report.invalid)} invalid, {len(report.rendered)} rendered, {len(report.skipped)} skipped"
        + (f", {len(report.failures)} failed" if report.failures else "")
        + f" ({times.get('total', 0):.2f} s)",
    ]
    return lines


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when under it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
