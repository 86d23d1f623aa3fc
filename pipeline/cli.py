"""The ``teipipe`` command line: a thin Click layer over the library.

Each command parses its options, calls one library function and maps the report it gets back to
an exit code: 0 when everything succeeded, 1 when any input failed, 2 for a usage error.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from . import __version__
from .config import BadSettings, NoProject, Settings, find_root, load_settings, settings_or_defaults, start_of


def interrupted() -> None:
    """Ctrl-C: stop the worker processes, say so, and exit with 130 (128 + SIGINT), as shells do.
    Nothing is half-written; the next run goes on from what is there."""
    from .lifeline import INTERRUPTED, INTERRUPTED_MESSAGE, stop_workers

    stop_workers()
    click.echo(INTERRUPTED_MESSAGE, err=True)
    sys.exit(INTERRUPTED)


class Commands(click.Group):
    """The command group. Ctrl-C while a command runs ends it with :func:`interrupted` (Click's
    own handling would say "Aborted!" and exit 1), and within
    :data:`~pipeline.lifeline.GRACE` seconds whatever it is waiting for
    (:func:`~pipeline.lifeline.ending_after_interrupt`). A command that takes Ctrl-C as its
    way to stop (``review``) catches it itself."""

    def invoke(self, ctx: click.Context):
        from .lifeline import ending_after_interrupt

        with ending_after_interrupt():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                interrupted()


def usage_error(message: str) -> None:
    """Say what is wrong with how the command was called, and exit with status 2."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def project_settings(start: Path | None = None) -> Settings:
    """The settings of the project at or above ``start`` (the working folder); exit 2 without one."""
    try:
        return load_settings(start)
    except (NoProject, BadSettings) as error:
        usage_error(str(error))
        raise  # not reached


def settings_for_paths(paths) -> Settings:
    """For a command given its input paths: the settings of the project that holds them (found
    from the folder they have in common), or the defaults when they lie in none."""
    try:
        return settings_or_defaults(start_of(paths))
    except BadSettings as error:
        usage_error(str(error))
        raise  # not reached


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when it lies inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teipipe")
def cli() -> None:
    """teipipe turns plain-text archival documents (ciphered telegrams, intelligence bulletins,
    diplomatic cables) into TEI P5 XML, validates it, and renders it as HTML and plain text.

    \b
    Typical use:
      teipipe init my-corpus           start a project: settings, seeds/, tei/, CI files
      teipipe convert seeds -o tei     encode every .txt file in seeds/ into tei/
      teipipe validate tei             check the TEI against the profile, the rules and tei_all
      teipipe schema build             write the profile's XSD and RELAX NG from its ODD
      teipipe render tei --to html     write the HTML edition
      teipipe build                    all of the above, incrementally
      teipipe review                   accept or correct the encoder's decisions in the browser
      teipipe deposit OUT              the corpus as a BagIt bag for an archive
      teipipe export cmif OUT.xml      the letters' metadata for correspSearch
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--to", "to", type=click.Choice(["html", "text"]), default="html", show_default=True,
              help="HTML pages (with index.html, the registers and teipipe.css) or plain text.")
@click.option("--view", type=click.Choice(["reading", "review", "diplomatic"]), default="reading",
              show_default=True, help="html: reading or review; text: reading or diplomatic.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: build/html, build/html/review, build/text, "
                   "build/text/diplomatic].")
def render(paths: tuple[Path, ...], to: str, view: str, output: Path | None) -> None:
    """Render TEI documents (files or folders; default: the tei folder of the project) through XSLT.

    HTML pages come with index.html, the registers of the persons, places and organisations the
    documents name (persons.html, places.html, organisations.html, from the authority.xml beside
    the documents) and teipipe.css.

    Outside a project, name the documents; the output then goes to build/ in the working folder
    unless -o says where. A file that is not a TEI document is reported as such, and so is a
    document that cannot be read safely (an entity declaration, a DTD, a file too large: what
    teipipe validate refuses while reading, with the same code); the others are still written.
    The output folder may not be the folder of the documents, of the sources, of the schema or
    of the stylesheets (exit status 2).

    Exit status: 0 when every document rendered, 1 when any failed, 2 for a usage error.
    """
    from .render import VIEWS, OutputFolderError, default_out_dir, render_corpus

    if view not in VIEWS[to]:
        raise click.UsageError(f"--to {to} has no view {view!r} (use {' or '.join(VIEWS[to])})")
    settings = settings_for_paths(paths) if paths else project_settings()
    out_dir = output or default_out_dir(settings.build, to, view)
    try:
        report = render_corpus(paths or (settings.tei,), out_dir, to, view, transforms=settings.transforms,
                               protected=(settings.seeds, settings.tei, settings.schema, settings.transforms))
    except OutputFolderError as error:
        raise click.UsageError(str(error)) from error
    for error in report.failed:
        click.echo(f"error: {error}", err=True)
    from .registers import REGISTERS

    pages_of_the_corpus = {"index.html", *(f"{register}.html" for register in REGISTERS)}
    documents = [path for path in report.written if path.suffix in (".html", ".txt")
                 and path.name not in pages_of_the_corpus]
    click.echo(f"rendered {len(documents)} document(s) to {out_dir}"
               + (f", {len(report.failed)} failed" if report.failed else ""))
    raise SystemExit(0 if report.ok else 1)


@cli.command()
# Paths are checked by the batch, not here: a missing or unreadable one fails alone.
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the TEI files (default: the tei folder of [tool.teipipe]).")
@click.option("--encoding", default=None, metavar="NAME",
              help="Read the sources in this encoding (e.g. cp1251, latin-1) instead of UTF-8.")
@click.option("--catalogue", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="The archive's catalogue records of the sources: CSV or JSON Lines, one row per "
                   "source file (columns file, title, date, sender, recipient, place, classification, "
                   "number, repository, collection, idno, url, citation, rights). Default: catalogue "
                   "of [tool.teipipe].")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def convert(sources: tuple[Path, ...], out_dir: Path | None, encoding: str | None, catalogue: Path | None,
            quiet: bool) -> None:
    """Encode plain-text documents as TEI P5.

    Each SOURCE is a plain-text file (.txt) or a folder of them. Every document is written to
    OUTPUT/<name>.xml, and the authority file OUTPUT/authority.xml is updated with the people,
    places and organisations the documents name. A file that cannot be encoded (XML, Word or PDF,
    not text, not UTF-8, empty) is reported with its name and place; the others are still
    written. When nothing could be encoded, nothing is written (nor the authority file).
    Without -o the output is the tei folder of the project.

    Exit status: 0 when every file was encoded, 1 when any failed, 2 for a usage error.
    """
    if out_dir is None:
        settings = project_settings()
    else:
        try:
            settings = load_settings()
        except NoProject:  # the defaults, with the output folder named
            settings = dataclasses.replace(settings_or_defaults(), tei=out_dir.resolve())
        except BadSettings as error:
            usage_error(str(error))
    if catalogue is not None:
        settings = dataclasses.replace(settings, catalogue=catalogue.resolve())
    from .convert import convert_paths

    report = convert_paths(list(sources), out_dir or settings.tei, settings, encoding)
    for warning in report.warnings:
        click.echo(warning, err=True)
    for outcome in report.outcomes:
        for warning in outcome.warnings:
            click.echo(warning, err=True)
        if outcome.error:
            click.echo(outcome.error, err=True)
        elif not quiet:
            click.echo(f"{outcome.source} -> {outcome.output}")
    for error in report.errors:
        click.echo(error, err=True)
    if not quiet:
        done = sum(1 for o in report.outcomes if o.ok)
        others = len(report.errors)
        click.echo(f"{done} converted, {len(report.failed)} failed"
                   + (f", {others} other error{'s' if others != 1 else ''}" if others else ""))
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "junit", "github", "sarif"]),
              default="text", show_default=True,
              help="text: file:line:column: code: message; json; junit (JUnit XML); github "
                   "(workflow annotations, and a table in $GITHUB_STEP_SUMMARY when it is set); "
                   "sarif (SARIF 2.1.0, for code scanning).")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--tei-all", "tei_all", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="Also validate against this tei_all.rng (the official TEI grammar) and the "
                                   "Schematron it embeds.")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="The profile to validate with [default: the profile shipped with teipipe].")
@click.option("--schema", "grammar", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.rng",
              help="Validate against this RELAX NG grammar and the Schematron it embeds instead of the "
                   "teipipe profile and rules (TEI of any project; xml:ids are still checked across files).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE instead of standard output.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes for large batches [default: jobs of [tool.teipipe]; 0: one per core].")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Inside a project, keep each file's result in .teipipe-cache/ by its content, and check "
                   "again only the files that changed (or whose authority file, source or review file did).")
def validate(paths: tuple[Path, ...], output_format: str, strict: bool, tei_all: Path | None,
             profile: Path | None, grammar: Path | None, output: Path | None, jobs: int | None,
             cache: bool) -> None:
    """Check TEI documents (files or folders; default: the tei folder of the project):
    well-formedness, the teipipe profile, the coded rules (TP101…) and, with --tei-all, the
    official grammar and the Schematron it embeds. Outside a project, name the files or folders
    to check.

    \b
      teipipe validate tei/                              the profile and the rules
      teipipe validate --tei-all tei_all.rng tei/        and tei_all with its Schematron
      teipipe validate --schema tei_all.rng corpus/      another project's TEI: the grammar,
                                                         its Schematron and xml:id uniqueness

    Exit status: 0 when every file is valid, 1 when any is invalid, 2 for a usage error.
    docs/validate.md lists the codes and the output formats.
    """
    import os

    from lxml import etree

    from .validate import collect_files, validate_paths, write
    from .validate.formats import github_step_summary
    from .validate.schematron import SchematronError

    if grammar and profile:
        raise click.UsageError("--schema validates without the profile: leave out --profile")
    settings = settings_for_paths(paths) if paths else project_settings()
    targets = paths or (settings.tei,)
    files = collect_files(targets)
    if not files:
        raise click.UsageError(f"no .xml files in {', '.join(str(t) for t in targets)}")
    from .validate.cache import FOLDER

    project = find_root(start_of(paths))
    cache_folder = project / FOLDER if cache and project is not None else None
    try:
        report = validate_paths(files, settings, tei_all=tei_all, profile=profile, jobs=jobs, grammar=grammar,
                                cache=cache_folder)
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError, etree.RelaxNGParseError,
            SchematronError) as exc:
        raise click.UsageError(f"cannot load a schema: {exc}") from exc
    text = write(report, output_format, strict)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as summary:
            summary.write(github_step_summary(report, strict))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(report.summary(strict))
    else:
        click.echo(text, nl=False)
    sys.exit(1 if report.failed(strict) else 0)


@cli.group()
def schema() -> None:
    """The profile's schemas: schema/teipipe.odd is their one source."""


@schema.command("build")
@click.option("--check", is_flag=True,
              help="Write nothing; fail when a generated file differs from what the ODD gives.")
def schema_build(check: bool) -> None:
    """Write teipipe.xsd, teipipe.rng (in the schema folder) and docs/profile.md from teipipe.odd.

    The ODD (TEI's format for a customisation) is the profile: edit it, then run this command.
    schema/xml.xsd (the xml: attributes) and schema/teipipe.sch (the Schematron rules) are
    written by hand.

    Exit status: 0 when the files were written or (--check) are up to date; 1 when (--check) one
    differs from the ODD, or the ODD cannot be read.
    """
    from .resources import SCHEMA
    from .schema import OddError, build as build_schemas

    settings = project_settings()
    shipped = Path(settings.schema).resolve() == SCHEMA.resolve()
    if shipped and not check and not SCHEMA.resolve().is_relative_to(settings.root):
        usage_error(f"the profile in {SCHEMA} is the one teipipe ships, not this project's: copy it into the "
                    "project and name that folder with `schema` in the settings, then build it there")
    try:
        report = build_schemas(settings, check=check)
    except OddError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for path in report.stale:
        click.echo(f"{path}: differs from what {settings.schema / 'teipipe.odd'} gives; run teipipe schema build",
                   err=True)
    for path in report.written:
        click.echo(f"wrote {path}")
    if not check and not report.written:
        click.echo("the generated files are up to date")
    sys.exit(1 if report.stale else 0)


@cli.command()
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes [default: jobs of [tool.teipipe]; 0: one per core].")
@click.option("--force", is_flag=True,
              help="Re-encode TEI files edited by hand (each edit is kept as tei/<name>.xml.<digest>.bak).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no progress, no summary.")
@click.option("--executor", "engine", type=click.Choice(["local", "dask"]), default=None,
              help="Where the per-document work runs: worker processes of this machine (local), or a "
                   "dask.distributed cluster (dask) [default: executor of [tool.teipipe], else local].")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --executor dask: the cluster's scheduler (tcp://host:8786) [default: scheduler of "
                   "[tool.teipipe]; none: a local cluster of --jobs worker processes is started].")
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), help="Folder of the sources.")
@click.option("--tei", type=click.Path(file_okay=False, path_type=Path), help="Folder of the TEI files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the renderings and the manifest [default: build].")
@click.option("--publisher", help="Publisher named in each TEI header.")
@click.option("--licence", help="Licence named in each TEI header.")
@click.option("--licence-url", help="Address of that licence.")
def build(jobs: int | None, force: bool, quiet: bool, engine: str | None, scheduler: str | None,
          seeds: Path | None, tei: Path | None, out: Path | None,
          publisher: str | None, licence: str | None, licence_url: str | None) -> None:
    """Encode, check and render the whole corpus, doing only what changed since the last build.

    seeds/ -> tei/ (and tei/authority.xml) -> build/html (pages, review pages, index) and
    build/text (reading and diplomatic texts). Defaults come from [tool.teipipe] of
    pyproject.toml. A TEI file edited by hand is kept, checked and rendered as it is; the build
    reports that it has diverged from its seed (--force re-encodes it). docs/build.md explains
    the manifest (build/manifest.sqlite) and what happens after an interrupted build.

    With --executor dask the work runs on a dask.distributed cluster whose workers need the
    teipipe package but no shared file system (docs/build.md: on Slurm, on Kubernetes).

    Exit status: 0 when every document converted, is valid and rendered; 1 when any failed to
    convert, is invalid or failed to render; 2 for a usage error.
    """
    import dataclasses

    from .build_report import ProgressPrinter, summary
    from .build_state import unchanged

    settings = project_settings()
    overrides = {name: value for name, value in (("publisher", publisher), ("licence", licence),
                                                  ("licence_url", licence_url)) if value is not None}
    overrides |= {name: value.resolve() for name, value in (("seeds", seeds), ("tei", tei), ("build", out))
                  if value is not None}
    if engine is not None:
        overrides["executor"] = "" if engine == "local" else engine
    if scheduler is not None:
        overrides["scheduler"] = scheduler
    settings = dataclasses.replace(settings, **overrides)
    if settings.scheduler and settings.executor != "dask":
        raise click.UsageError("--scheduler is the address of a dask cluster: it needs --executor dask")
    if settings.executor not in ("", "dask"):
        raise click.UsageError(f"executor = {settings.executor!r} in [tool.teipipe]: expected \"dask\" or none")
    # With nothing to do, the stages' code (the encoder, the XSLT processor) is not even loaded.
    report = None if force else unchanged(settings)
    if report is None:
        from .build import build as run_build

        report = run_build(settings, jobs=jobs, force=force, progress=None if quiet else ProgressPrinter(),
                           looked=not force)
    for problem in report.problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem), err=True)
    for line in report.failures + report.errors:
        click.echo(line, err=True)
    if not quiet:
        for warning in report.warnings:
            click.echo(warning, err=True)
        for stem in report.diverged:
            click.echo(f"{settings.tei / stem}.xml: diverged from its seed: the TEI was edited by hand and "
                       "is kept (teipipe build --force re-encodes it, keeping a backup)", err=True)
        for stem, backup in report.replaced.items():
            click.echo(f"{settings.tei / stem}.xml: re-encoded; the edited file is kept as {backup}", err=True)
        for line in summary(report):
            click.echo(line)
        index = settings.build / "html" / "index.html"
        if index.is_file():
            click.echo(f"the edition: {shown(index)}")
    sys.exit(report.exit_code)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 to serve on (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open the review in a web browser.")
@click.option("--editor", default=None, metavar="NAME",
              help="The name recorded with each entry [default: git's user.name, or the login name].")
def review(port: int, no_browser: bool, editor: str | None) -> None:
    """Review the encoder's decisions in the browser: accept or correct each one.

    Serves a local web application on 127.0.0.1 (and opens it, unless --no-browser): per
    document the source beside the reading, line by line, and every decision (markings,
    redactions, bracket readings, names and their authority entries, header facts) with filters
    by kind, certainty and state and keys to move (j, k, n) and act (a, c). Each acceptance or
    correction is written to review/<stem>.toml, anchored to the source text; convert and build
    apply those files at every encode. docs/review.md shows the workflow. Stop with Ctrl-C.
    """
    from .review.app import serve

    settings = load_settings()
    if not settings.seeds.is_dir():
        raise click.UsageError(f"no seeds folder at {settings.seeds}")
    try:
        serve(settings, port=port, open_browser=not no_browser, editor=editor or _editor_name(),
              echo=lambda line: click.echo(line) or sys.stdout.flush())
    except OSError as exc:
        raise click.UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        pass


def _editor_name() -> str:
    import getpass
    import subprocess

    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "editor"


@cli.command()
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--verify", is_flag=True,
              help="Check the bag OUT instead of writing one: its structure, every checksum, missing "
                   "and stray files, the bag's copies of the schema and rules against teipipe's own, and "
                   "every TEI document against teipipe's own schema and rules.")
@click.option("--allow-invalid", is_flag=True,
              help="Pack a corpus that does not validate, recording its problems in "
                   "data/validation-report.json and bag-info.txt. With --verify: accept the problems "
                   "the bag records.")
@click.option("--force", is_flag=True, help="Replace an existing bag at OUT (never a folder that is not a bag).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes [default: jobs of [tool.teipipe]; 0: one per core].")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no progress, no summary.")
def deposit(target: Path, verify: bool, allow_invalid: bool, force: bool, jobs: int | None, quiet: bool) -> None:
    """Write the corpus as a BagIt bag (RFC 8493) at OUT, or check a bag with --verify.

    \b
      teipipe deposit OUT              build (incrementally), then write the bag OUT
      teipipe deposit --verify OUT     check the bag OUT: one line per fault

    In data/ the bag holds the TEI documents and the authority file (tei/), the source texts
    (seeds/), the schema and the rules they were validated against (schema/), the HTML and text
    renderings (html/, text/), an inventory of the documents (inventory.csv, inventory.json) and
    the validation report. manifest-sha256.txt and manifest-sha512.txt cover every file of data/,
    the tag manifests every tag file. bag-info.txt takes Source-Organization, Contact-Name and
    Contact-Email from organization, contact_name and contact_email of [tool.teipipe] (the
    publisher when no organization is set); Bagging-Date is the day of SOURCE_DATE_EPOCH when it
    is set. The bag is written beside OUT and renamed into place when complete. Only a corpus
    that validates is packed, unless --allow-invalid. docs/deposit.md describes the package.

    Exit status: 0 when the bag was written, or (--verify) is whole and valid; 1 when the corpus
    does not validate and nothing was written, or the bag has faults; 2 for a usage error (OUT
    exists without --force, or does not exist with --verify).
    """
    from .deposit import DepositError, DestinationError, deposit as write_bag, verify as check_bag

    if verify:
        if force:
            raise click.UsageError("--force writes a bag; --verify only reads one")
        if not (target.exists() or target.is_symlink()):
            raise click.UsageError(f"{target}: no such bag")
        faults = check_bag(target, allow_invalid=allow_invalid, jobs=jobs, schema=load_settings().schema)
        for fault in faults:
            click.echo(str(fault))
        if faults:
            click.echo(f"{target}: {len(faults)} fault{'s' if len(faults) != 1 else ''}", err=True)
        elif not quiet:
            click.echo(f"{target}: the bag is whole and every document is valid")
        sys.exit(1 if faults else 0)

    from .build_report import ProgressPrinter

    settings = project_settings()
    try:
        report = write_bag(settings, target, allow_invalid=allow_invalid, force=force, jobs=jobs,
                           progress=None if quiet else ProgressPrinter())
    except DestinationError as error:
        raise click.UsageError(str(error)) from error
    except DepositError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for line in report.failures:
        click.echo(line, err=True)
    if not report.written:
        click.echo(f"error: the corpus does not validate; nothing was written to {target} (fix the "
                   "documents, or pass --allow-invalid to pack them with their problems recorded)", err=True)
    elif not quiet:
        click.echo(f"{target}: {report.documents} documents ({report.valid_documents} valid), "
                   f"{report.redactions} redactions; {report.payload_files} files, {report.payload_bytes} bytes"
                   + ("" if report.valid else "; packed with the problems above, recorded in "
                                              "data/validation-report.json"))
    sys.exit(report.exit_code)


@cli.group()
def export() -> None:
    """The corpus in the formats of other services."""


@export.command("cmif")
@click.argument("out", metavar="OUT.xml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tei", "tei", type=click.Path(exists=True, path_type=Path), multiple=True,
              help="TEI files or folders to export [default: the tei folder of the project].")
@click.option("--edition-url", metavar="URL",
              help="Where the HTML edition is published [default: edition_url of the settings; "
                   "none: relative links].")
@click.option("--url", "file_url", metavar="URL",
              help="Where this CMIF file is published [default: cmif.xml under the edition URL].")
@click.option("--title", default="", help="Title of the index of letters [default: made from the publisher].")
def export_cmif(out: Path, tei: tuple[Path, ...], edition_url: str | None, file_url: str | None, title: str) -> None:
    """Write the corpus as a CMIF file (correspSearch's Correspondence Metadata Interchange
    Format) to OUT.xml.

    One correspDesc per document: its sender and recipient, their places and the dates of the
    header, each person, organisation and place by its Wikidata entity when the authority file
    has one and by its entry in the edition's registers otherwise; and (CMIF v2) the entities
    the text names. The publisher, the contact and the edition's address come from the settings
    (publisher, contact_name, contact_email, edition_url). The date of the file is
    SOURCE_DATE_EPOCH when set, else the last change of the TEI files. A document that cannot
    be read is reported with its file and left out; the others are exported.

    Exit status: 0 when every document was exported, 1 when any was not (or nothing was
    written), 2 for a usage error.
    """
    from .export.cmif import Edition, export_cmif as export

    settings = settings_for_paths(tei) if tei else project_settings()
    url = settings.edition_url if edition_url is None else edition_url
    if url and not url.endswith("/"):
        url += "/"
    edition = Edition(publisher=settings.publisher, title=title, url=url, file_url=file_url or "",
                      editor=settings.contact_name, email=settings.contact_email)
    report = export(tei or (settings.tei,), out, edition)
    for warning in report.warnings:
        click.echo(warning, err=True)
    for error in report.errors:
        click.echo(error, err=True)
    if report.written:
        click.echo(f"exported {len(report.exported)} document(s) to {shown(out)}"
                   + (f", {len(report.errors)} not exported" if report.errors else "")
                   + ("" if url else " (no edition URL: the letters and the register entries are linked relatively)"))
    raise SystemExit(report.exit_code)


@cli.command()
@click.argument("folder", metavar="[DIR]", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--action", default=None, metavar="OWNER/REPO@REF",
              help="The teipipe GitHub Action the workflow uses [default: the release of this teipipe].")
def init(folder: Path, action: str | None) -> None:
    """Start a corpus project in DIR (default: the working folder).

    \b
    Writes:
      teipipe.toml                    the settings (folders, publisher, licence, depositor)
      seeds/README.md                 what to put in seeds/: the plain-text sources
      tei/README.md                   tei/ receives their TEI encoding
      .gitignore                      build/ and deposit/ are not committed
      .pre-commit-config.yaml         teipipe validate on every commit
      .github/workflows/teipipe.yml   teipipe validate in GitHub Actions, with annotations

    Nothing is overwritten: when any of these files exists, nothing is written.

    Exit status: 0 when the project was written, 2 when DIR already holds one of its files.
    """
    from .scaffold import ACTION, ProjectExists, init_project

    try:
        written = init_project(folder, action or ACTION)
    except ProjectExists as error:
        usage_error(str(error))
    except OSError as error:
        click.echo(f"error: {folder}: cannot be written: {error.strerror or error}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {shown(path)}")
    click.echo(f"next: put .txt files in {shown(folder / 'seeds')}, then run `teipipe build` in {shown(folder) or '.'}")


def main() -> None:
    """The ``teipipe`` program. Before its command runs (the command line being read) and once
    it is done, Ctrl-C ends the process at once with 130: no work is under way."""
    import signal

    from .lifeline import end_now

    signal.signal(signal.SIGINT, lambda number, frame: end_now())
    cli(prog_name="teipipe")


if __name__ == "__main__":
    main()
