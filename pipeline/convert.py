"""Converting source texts to TEI: one document at a time, and whole batches.

:func:`convert_text` is the pure core (source bytes in, TEI bytes out); :func:`convert_paths`
runs a batch: every input is tried, a bad input becomes an error naming the file and the place,
the others are still written, each output is written atomically, and the authority file is
updated with the names the batch met.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import catalogue, corrections, schema
from .atomic import write_atomic
from .authority import FILE_NAME as AUTHORITY_FILE
from .authority import Authority, build_authority_tree
from .config import Settings, settings_or_defaults, source_date_epoch
from .encode import EncodingContext, encode
from .model import Document
from .recognise import recognise
from .names import BatchNames
from .source import SourceError, read_source, source_from_bytes, stem_of


@dataclass
class Outcome:
    """What happened to one input."""

    source: Path
    output: Path | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # errors not tied to one input
    warnings: list[str] = field(default_factory=list)  # warnings not tied to one input

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors


def resolved_in(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, each folder resolved once for a batch (``folders`` keeps them): a
    file that is not a symbolic link is its folder's resolved path and its name. Raises
    OSError or RuntimeError as ``resolve`` does for a link that leads round in a loop."""
    if path.is_symlink():
        return path.resolve()
    folder = path.parent
    if folder not in folders:
        folders[folder] = folder.resolve()
    return folders[folder] / path.name


def encoding_context(settings: Settings, source: Path, xml_model: str | None = None,
                     resolved: Path | None = None) -> EncodingContext:
    """What the writer needs to encode ``source`` in the project of ``settings``; ``xml_model``
    is :func:`pipeline.schema.xml_model` of the settings and ``resolved`` the source's resolved
    path, when the caller has them (a batch asks once for all its sources)."""
    epoch = source_date_epoch()
    date = _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).date().isoformat() if epoch is not None else None
    # The source is named relative to the project's TEI folder when it lies in the project, so
    # that the same source gives the same bytes wherever the output is written; by its file
    # name otherwise.
    resolved = source.resolve() if resolved is None else resolved
    if resolved.is_relative_to(settings.root):
        href = os.path.relpath(resolved, settings.tei)
    else:
        href = source.name
    record = catalogue.cached(settings.catalogue).record_for(source) if settings.catalogue else None
    return EncodingContext(settings.publisher, settings.licence, settings.licence_url,
                           href.replace(os.sep, "/"), date, record,
                           schema.xml_model(settings) if xml_model is None else xml_model)


def convert_text(data: bytes, name: str, authority: Authority, context: EncodingContext,
                 encoding: str | None = None, review: ReviewText | None = None) -> tuple[bytes, Document]:
    """Encode one source (its bytes and file name) as TEI, with the editors' corrections of
    ``review`` (the bytes of its review file) applied. Raises SourceError for a refused file,
    or ReviewError for a review file that cannot be read."""
    source = source_from_bytes(data, Path(name), encoding)
    document = recognise(source, authority)
    if review is not None:
        _apply_review(document, source, corrections.load(review.path, review.data), review.shown)
    return encode(document, context), document


def convert_file(path: Path, authority: Authority, context: EncodingContext,
                 encoding: str | None = None, review: Path | None = None) -> tuple[bytes, Document]:
    """Encode the source at ``path``, with the editors' corrections of the review file
    ``review`` (pipeline/corrections.py) applied. Raises SourceError, or ReviewError for a
    review file that cannot be read."""
    source = read_source(path, encoding)
    document = recognise(source, authority)
    if review is not None:
        _apply_review(document, source, corrections.load(review), _shown(review))
    return encode(document, context), document


@dataclass(frozen=True)
class ReviewText:
    """A review file as :func:`convert_text` applies it: its path (named in errors), its bytes,
    and its name in warnings (:func:`review_text`)."""

    path: Path
    data: bytes
    shown: str


def review_text(review: Path) -> ReviewText:
    """The review file at ``review``, read (none is no correction). Raises ReviewError when it
    cannot be read."""
    try:
        return ReviewText(review, review.read_bytes(), _shown(review))
    except FileNotFoundError:  # gone since it was found: no corrections, as corrections.load has it
        return ReviewText(review, b"", _shown(review))
    except OSError as exc:
        raise corrections.ReviewError(review, f"the review file cannot be read: {exc.strerror or exc}") from None


def _apply_review(document: Document, source, entries: list, shown: str) -> None:
    document.warnings += corrections.apply(document, source.text.split("\n"), entries, shown)


def review_for(settings: Settings, source: Path, resolved: Path | None = None) -> Path | None:
    """The review file of a source of the project (review/<stem>.toml), when there is one
    (``resolved``: the source's resolved path, when the caller has it)."""
    try:
        inside = (source.resolve() if resolved is None else resolved).is_relative_to(settings.root)
    except (OSError, RuntimeError):
        return None
    review = corrections.review_path(settings.review, stem_of(source))
    return review if inside and review.is_file() else None


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def collect_sources(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The .txt files named or inside the folders named (sorted), and errors for paths that
    cannot be read."""
    found: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt" and not p.name.startswith("."))
            except OSError as exc:
                errors.append(f"{path}: error: folder cannot be read: {exc.strerror or exc}")
                continue
            found.extend(entries)
        elif path.exists():
            found.append(path)
        else:
            errors.append(f"{path}: error: {_why_unusable(path)}")
    unique: list[Path] = []
    seen: set[Path] = set()
    folders: dict[Path, Path] = {}
    for path in found:
        try:
            key = resolved_in(path, folders)
        except (OSError, RuntimeError):  # a symbolic link that points back at itself
            errors.append(f"{path}: error: {_why_unusable(path)}")
            continue
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, errors


def _why_unusable(path: Path) -> str:
    """Why a path named on the command line is neither a file nor a folder."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            return f"cannot be read: {exc.strerror or exc}"  # a loop, or a file where a folder should be
    return "no such file or folder"


def output_name(stem: str) -> str:
    return f"{stem}.xml"


def convert_paths(paths: list[Path], out_dir: Path, settings: Settings | None = None,
                  encoding: str | None = None) -> BatchReport:
    """Convert every source under ``paths`` into ``out_dir`` and update the authority file there."""
    settings = settings or settings_or_defaults()
    report = BatchReport()
    sources, errors = collect_sources(paths)
    report.errors.extend(errors)
    if settings.catalogue is not None:
        try:
            records = catalogue.cached(settings.catalogue)
        except (catalogue.CatalogueError, OSError) as exc:
            report.errors.append(str(exc) if isinstance(exc, catalogue.CatalogueError)
                                 else f"{settings.catalogue}: error: cannot be read: {exc.strerror or exc}")
            return report
        report.warnings.extend(records.warnings)
        report.warnings.extend(records.unmatched(sources))
    problem = _unwritable(out_dir)
    if problem:
        report.errors.append(f"{out_dir}: error: {problem}")
        return report
    try:
        authority = Authority.load(out_dir)
    except etree.XMLSyntaxError as exc:  # kept as it is: it may hold reviewed entries
        line, column = exc.position
        report.errors.append(f"{out_dir / AUTHORITY_FILE}:{line}:{column}: error: the authority file is not "
                             f"well-formed XML ({exc.msg}); repair it or move it away, then convert again")
        return report
    except OSError as exc:
        report.errors.append(f"{out_dir / AUTHORITY_FILE}: error: the authority file cannot be read: "
                             f"{exc.strerror or exc}")
        return report
    names = BatchNames()
    model = schema.xml_model(settings)
    for path in sources:
        outcome = Outcome(path)
        report.outcomes.append(outcome)
        stem = stem_of(path)
        outcome.error = names.claim(path, stem)
        if outcome.error:
            continue
        try:
            data, document = convert_file(path, authority, encoding_context(settings, path, model), encoding,
                                          review_for(settings, path))
        except (SourceError, corrections.ReviewError) as exc:
            outcome.error = exc.describe()
            continue
        except RecursionError:
            outcome.error = f"{path}: error: the text is nested too deeply to encode"
            continue
        except Exception as exc:  # a fault of the encoder must not stop the batch
            outcome.error = f"{path}: error: the encoder failed on this text ({type(exc).__name__}: {exc}); please report it"
            continue
        target = out_dir / output_name(stem)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)  # only once there is something to write
            write_atomic(target, data)
        except OSError as exc:
            outcome.error = f"{target}: error: cannot be written: {exc.strerror or exc}"
            continue
        outcome.output = target
        outcome.document = document
        outcome.warnings = list(document.warnings)
    if any(o.ok for o in report.outcomes):  # a batch that wrote no document changes nothing
        tree = build_authority_tree(authority, settings.publisher)
        data = schema.with_xml_model(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True),
                                     settings)
        try:
            if _bytes_of(out_dir / AUTHORITY_FILE) != data:
                write_atomic(out_dir / AUTHORITY_FILE, data)
        except OSError as exc:
            report.errors.append(f"{out_dir / AUTHORITY_FILE}: error: cannot be written: {exc.strerror or exc}")
    return report


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _unwritable(out_dir: Path) -> str | None:
    """Why the output folder could not be written (it, or the nearest folder above it that
    exists, to make it in), or None: found before anything is made."""
    if out_dir.exists():
        if not out_dir.is_dir():
            return f"output folder cannot be created: {os.strerror(errno.EEXIST)}"
        return None if os.access(out_dir, os.W_OK | os.X_OK) else "output folder is not writable"
    above = out_dir.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        return f"output folder cannot be created: {os.strerror(errno.ENOTDIR)}"
    if not os.access(above, os.W_OK | os.X_OK):
        return f"output folder cannot be created: {os.strerror(errno.EACCES)}"
    return None
