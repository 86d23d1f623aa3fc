"""Hostile files and bad days: what an attacker or an unlucky user does to the TEI, the build and
the output folders, and what teipipe does about it.

Each test is a row of docs/errors.md ("TEI files: validate, render, build and deposit" and
"Names, editors' saves and writing"): it makes its fixture in a temporary project, runs the real
command, and asserts the message, the exit status and that nothing was lost or leaked. For the XXE cases the secret's text must be absent from every
output, and a local HTTP server started by the test (on 127.0.0.1) must receive no request.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from pipeline.atomic import remove_leftovers, temporary_name, write_atomic, write_unless_held
from pipeline.build import build
from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.manifest import digest
from pipeline.validate import CheckContext, check_file

from .conftest import ROOT, TEI
from .test_build import files, make_project

SECRET = "THE-SECRET-WORDS-OF-THE-HOST"
GOOD_TEI = sorted(p for p in TEI.glob("*.xml") if p.name != "authority.xml")[0]


# ------------------------------------------------------------------------------------ fixtures

class Recorder(BaseHTTPRequestHandler):
    """Answers every request with the secret, and records it."""

    requests: list[str]

    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(SECRET.encode("ascii"))

    def log_message(self, *arguments) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 that gives the secret to whoever asks: (its address,
    the requests it received)."""
    requests: list[str] = []
    handler = type("Handler", (Recorder,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def hostile_tei(name: str, doctype: str = "", in_paragraph: str = "") -> bytes:
    """The project's first TEI document under the id ``doc-<name>``, with ``doctype`` before the
    root and ``in_paragraph`` at the start of the first paragraph of the text."""
    text = GOOD_TEI.read_text(encoding="utf-8").replace(f"doc-{GOOD_TEI.stem}", f"doc-{name}")
    text = text.replace("<TEI ", doctype + "\n<TEI ", 1)
    body = text.index("<text")
    paragraph = re.compile(r"<p\b[^>]*>").search(text, body)
    text = text[:paragraph.end()] + in_paragraph + text[paragraph.end():]
    return text.encode("utf-8")


def hostile_cases(secret: Path, url: str) -> dict[str, tuple[bytes, str]]:
    """name -> (the document, the code validate and render give it)."""
    return {
        "xxe-file": (hostile_tei("xxe-file", f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
                                 "&xxe;"), "TP004"),
        "xxe-http": (hostile_tei("xxe-http", f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{url}/entity">]>', "&xxe;"),
                     "TP004"),
        "parameter-entity": (hostile_tei("parameter-entity",
                                         f'<!DOCTYPE TEI [<!ENTITY % dtd SYSTEM "{url}/dtd"> %dtd;]>'), "TP004"),
        "external-dtd": (hostile_tei("external-dtd", f'<!DOCTYPE TEI SYSTEM "{url}/tei.dtd">'), "TP005"),
        "undeclared-entity": (hostile_tei("undeclared-entity", '<!DOCTYPE TEI SYSTEM "nothing.dtd">', "&x;"),
                              "TP005"),
        "attribute-default": (hostile_tei("attribute-default",
                                          '<!DOCTYPE TEI [<!ATTLIST p rend CDATA "heading(1)">]>'), "TP009"),
    }


def everything_written(*folders: Path) -> str:
    """The text of every file under ``folders``."""
    return "\n".join(path.read_bytes().decode("utf-8", "replace")
                     for folder in folders if folder.exists() for path in sorted(folder.rglob("*")) if path.is_file())


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the project, built once, the working folder of the test."""
    folder = make_project(tmp_path / "project")
    monkeypatch.chdir(folder)
    assert build(load_settings(folder), jobs=1).exit_code == 0
    return folder


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------------------ 1. XXE

def test_hostile_doctypes_are_refused_by_validate_render_and_build_alike_and_leak_nothing(
        project: Path, secret_file: Path, server) -> None:
    url, requests = server
    cases = hostile_cases(secret_file, url)
    hostile = project / "hostile"
    hostile.mkdir()
    for name, (data, _) in cases.items():
        (hostile / f"{name}.xml").write_bytes(data)
        (project / "tei" / f"{name}.xml").write_bytes(data)

    code, out, _ = run("validate", "hostile")
    assert code == 1
    for name, (_, expected) in cases.items():
        assert re.search(rf"^hostile/{name}\.xml:\d+:\d+: {expected}: error: ", out, re.M), (name, out)

    code, out, err = run("render", "hostile", "-o", "rendered")
    assert code == 1 and f"rendered 0 document(s) to rendered, {len(cases)} failed" in out
    for name, (_, expected) in cases.items():
        assert re.search(rf"^error: hostile/{name}\.xml: {expected} at line \d+, column \d+: ", err, re.M), (name, err)
        assert not (project / "rendered" / f"{name}.html").exists()

    report = build(load_settings(project), jobs=1)
    assert report.exit_code == 1
    assert sorted(report.invalid) == sorted(cases) and sorted(report.skipped) == sorted(cases)
    codes = {Path(p.path).stem: p.code for p in report.problems}
    assert codes == {name: expected for name, (_, expected) in cases.items()}
    for name in cases:
        assert not list((project / "build").rglob(f"{name}.*"))
    assert len(report.rendered) == 0 and len(list((project / "build" / "html").glob("0*.html"))) == 5

    written = everything_written(project / "build", project / "rendered")
    assert SECRET not in written and "heading(1)" not in written
    assert requests == []


def test_an_xinclude_is_never_followed(project: Path, secret_file: Path, server) -> None:
    url, requests = server
    include = (f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret_file.as_uri()}" parse="text"/>'
               f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/include" parse="text"/>')
    (project / "xinclude").mkdir()
    (project / "xinclude" / "xinclude.xml").write_bytes(hostile_tei("xinclude", in_paragraph=include))
    code, out, _ = run("validate", "xinclude")
    assert code == 1 and re.search(r"^xinclude/xinclude\.xml:\d+:\d+: TP010: error: .*XInclude\}include", out, re.M), out
    run("render", "xinclude", "-o", "rendered")
    run("render", "xinclude", "--to", "text", "--view", "diplomatic", "-o", "diplomatic")
    assert SECRET not in everything_written(project / "rendered", project / "diplomatic")
    assert requests == []


# ------------------------------------------------------------------------------------ 2. names

def test_a_source_named_authority_is_refused_and_the_authority_file_kept(project: Path) -> None:
    authority = (project / "tei" / "authority.xml").read_bytes()
    for name in ("authority.txt", "Authority.txt"):
        (project / "seeds" / name).write_text("SECRET\n\nTo Comrade Ivanov.\n\nA report.\n", encoding="utf-8")

    code, _, err = run("convert", "seeds", "-o", "converted")
    assert code == 1
    for name in ("authority.txt", "Authority.txt"):
        assert (f"seeds/{name}: error: the name is reserved: it would write {name[:-4]}.xml, the authority "
                "file of the corpus; rename the source") in err.splitlines()
    assert b"<listPerson" in (project / "converted" / "authority.xml").read_bytes()

    for force in (False, True):
        report = build(load_settings(project), jobs=1, force=force)
        assert report.exit_code == 1
        assert [line for line in report.failures if "reserved" in line] == [
            f"{project}/seeds/{name}: error: the name is reserved: it would write {name[:-4]}.xml, the authority "
            "file of the corpus; rename the source" for name in ("Authority.txt", "authority.txt")]
        assert (project / "tei" / "authority.xml").read_bytes() == authority
        assert not report.replaced and not list((project / "tei").glob("authority.xml.*"))
    code, out, _ = run("validate", "tei")
    assert code == 0, out


def test_two_sources_with_the_same_id_are_told_apart(project: Path) -> None:
    text = "SECRET\n\nTo Comrade Ivanov.\n\nA report of {}.\n"
    (project / "seeds" / "a b.txt").write_text(text.format("one"), encoding="utf-8")
    (project / "seeds" / "a_b.txt").write_text(text.format("two"), encoding="utf-8")
    message = (f"seeds/a_b.txt: error: would have the document id doc-a_b, as seeds/a b.txt has: ids must be "
               "unique; rename one of the two sources")
    code, _, err = run("convert", "seeds", "-o", "converted")
    assert code == 1 and message in err.splitlines()
    assert (project / "converted" / "a b.xml").is_file() and not (project / "converted" / "a_b.xml").exists()

    report = build(load_settings(project), jobs=1)
    assert report.exit_code == 1
    assert f"{project}/{message}".replace("seeds/a b.txt has", f"{project}/seeds/a b.txt has") in report.failures
    assert "a b" in report.rendered and not (project / "tei" / "a_b.xml").exists()


# ------------------------------------------------------------------------------------ 3. an editor's save

def test_an_edit_saved_while_the_build_runs_is_kept_and_reported(project: Path) -> None:
    stem = sorted(p.stem for p in (project / "seeds").glob("*.txt"))[1]
    seed, tei = project / "seeds" / f"{stem}.txt", project / "tei" / f"{stem}.xml"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA line added to the source.\n", encoding="utf-8")
    edited = tei.read_bytes().replace(b"</TEI>", b"<!-- an editor's note --></TEI>")

    def editor_saves(stage: str, done: int, total: int) -> None:
        if stage == "encode" and done == 0:  # after the build looked at tei/, before it writes
            tei.write_bytes(edited)

    report = build(load_settings(project), jobs=1, progress=editor_saves)
    assert tei.read_bytes() == edited
    assert report.diverged == [stem] and stem not in report.converted
    code, out, err = run("build")
    assert f"tei/{stem}.xml: diverged from its seed" in err
    # the edit was made of the source as it was: the check says so, and the build fails
    assert code == 1 and re.search(rf"^tei/{stem}\.xml:\d+:\d+: TP110: error: ", err, re.M)
    assert tei.read_bytes() == edited


# ------------------------------------------------------------------------------------ 4. one file, one failure

def test_a_document_that_cannot_be_validated_fails_alone(project: Path) -> None:
    data = b'<!DOCTYPE TEI SYSTEM "nothing.dtd"><TEI xmlns="http://www.tei-c.org/ns/1.0">&x;</TEI>'
    (project / "tei" / "entity.xml").write_bytes(data)
    code, out, _ = run("validate", "tei")
    assert code == 1 and "Traceback" not in out
    assert "tei/entity.xml:1:77: TP005: error: the entity &x; is declared nowhere in the file" in out
    assert "7 files checked, 1 invalid" in out
    report = build(load_settings(project), jobs=1)
    assert report.exit_code == 1 and report.invalid == ["entity"]
    assert (project / "build" / "html" / "index.html").is_file() and len(report.skipped) == 1
    code, _, err = run("deposit", "-q", str(project.parent / "bag"))
    assert code == 1 and "Traceback" not in err
    assert "tei/entity.xml:1:77: TP005: error: the entity &x; is declared nowhere in the file" in err
    assert "nothing was written" in err and not (project.parent / "bag").exists()


def test_an_output_that_cannot_be_written_fails_alone(project: Path) -> None:
    stem = sorted(p.stem for p in (project / "seeds").glob("*.txt"))[2]
    page = project / "build" / "html" / f"{stem}.html"
    page.unlink()
    page.mkdir()  # a folder where the page goes: writing it fails as a full disk would
    (project / "seeds" / f"{stem}.txt").write_text("SECRET\n\nA changed report.\n", encoding="utf-8")
    code, _, err = run("build", "-q")
    assert code == 1 and "Traceback" not in err
    assert f"build/html/{stem}.html: error: cannot be written: Is a directory" in err
    code, _, err = run("build", "-q")  # and again: the failure is not forgotten
    assert code == 1 and f"build/html/{stem}.html: error: cannot be written: Is a directory" in err


def test_a_tei_file_that_cannot_be_written_fails_alone(project: Path) -> None:
    stem = sorted(p.stem for p in (project / "seeds").glob("*.txt"))[3]
    tei = project / "tei" / f"{stem}.xml"
    tei.unlink()
    tei.mkdir()  # a folder where the TEI file goes
    code, _, err = run("build", "-q")
    assert code == 1 and "Traceback" not in err
    assert f"tei/{stem}.xml: error: cannot be written: Is a directory" in err
    others = sorted(p.stem for p in (project / "seeds").glob("*.txt") if p.stem != stem)
    assert all((project / "build" / "html" / f"{other}.html").is_file() for other in others)


def test_an_authority_file_that_cannot_be_read_stops_encoding_and_is_kept(project: Path, secret_file: Path) -> None:
    authority = project / "tei" / "authority.xml"
    data = authority.read_bytes().replace(b"<TEI ", f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>\n<TEI '
                                          .encode("utf-8"), 1)
    authority.write_bytes(data)
    (project / "seeds" / "new.txt").write_text("SECRET\n\nA new report.\n", encoding="utf-8")
    code, _, err = run("build", "-q")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"^tei/authority\.xml:\d+:\d+: error: the authority file cannot be read \(TP004: the DOCTYPE "
                     r"declares entities \(x\);.*\); nothing was encoded: repair it or move it away, then build again$",
                     err, re.M), err
    assert authority.read_bytes() == data and not (project / "tei" / "new.xml").exists()
    assert SECRET not in everything_written(project / "build", project / "tei")


def test_a_manifest_that_cannot_be_saved_is_an_error_not_a_traceback(project: Path) -> None:
    manifest = project / "build" / "manifest.sqlite"
    manifest.unlink()
    manifest.mkdir()
    (project / "seeds" / "new.txt").write_text("SECRET\n\nA new report.\n", encoding="utf-8")
    code, _, err = run("build", "-q")
    assert code == 1 and "Traceback" not in err
    assert "build/manifest.sqlite: error: cannot be written: Is a directory" in err
    assert (project / "build" / "html" / "new.html").is_file()


def test_a_source_with_a_name_of_250_bytes_is_converted_built_and_rendered(project: Path) -> None:
    stem = "report-" + "ы" * 119 + "-x"  # 7 + 238 + 2 = 247 bytes, 251 with .txt
    assert len(os.fsencode(f"{stem}.txt")) == 251
    (project / "seeds" / f"{stem}.txt").write_text("SECRET\n\nA report with a long name.\n", encoding="utf-8")
    code, _, err = run("convert", f"seeds/{stem}.txt", "-o", "converted")
    assert code == 0, err
    report = build(load_settings(project), jobs=1)
    assert report.exit_code == 0, report.failures
    assert (project / "build" / "html" / "review" / f"{stem}.html").is_file()
    assert (project / "build" / "text" / "diplomatic" / f"{stem}.txt").is_file()
    assert len(os.fsencode(temporary_name(f"{stem}.html", 12))) <= 255
    tei = project / "tei" / f"{stem}.xml"
    tei.write_bytes(tei.read_bytes().replace(b"</TEI>", b"<!-- edited --></TEI>"))
    report = build(load_settings(project), jobs=1, force=True)
    assert report.exit_code == 0 and len(os.fsencode(report.replaced[stem].name)) <= 255
    assert b"<!-- edited -->" in report.replaced[stem].read_bytes() and b"<!-- edited -->" not in tei.read_bytes()


# ------------------------------------------------------------------------------------ 7. smaller ones

def test_the_leftover_clean_up_deletes_only_names_the_build_makes(project: Path) -> None:
    mine = [project / "tei" / ".draft.v2.tmp", project / "build" / ".notes.tmp",
            project / "tei" / ".x.xml.1-2.tmp"]  # process 1 runs: not a leftover of a killed build
    for path in mine:
        path.write_text("an editor's file\n", encoding="utf-8")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    leftover = project / "tei" / f".report.xml.{dead}-7.tmp"
    leftover.write_text("half a file", encoding="utf-8")
    (project / "seeds" / "new.txt").write_text("SECRET\n\nA new report.\n", encoding="utf-8")
    assert build(load_settings(project), jobs=1).exit_code == 0
    assert all(path.read_text(encoding="utf-8") == "an editor's file\n" for path in mine)
    assert not leftover.exists()
    assert remove_leftovers(project / "tei") == []


def test_an_edit_detected_at_the_moment_of_writing_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "x.xml"
    target.write_bytes(b"old")
    assert not write_atomic(target, b"new", if_digest=digest(b"something else"))
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.xml"]
    assert write_atomic(target, b"new", if_digest=digest(b"old")) and target.read_bytes() == b"new"


def test_a_file_is_written_again_unless_it_holds_the_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"<p>same</p>")
    inode = target.stat().st_ino
    assert not write_unless_held(target, b"<p>same</p>") and target.stat().st_ino == inode
    assert write_unless_held(target, b"<p>sane</p>") and target.read_bytes() == b"<p>sane</p>"  # same size
    assert write_unless_held(target, b"<p>sane</p>!") and target.read_bytes() == b"<p>sane</p>!"
    (tmp_path / "elsewhere.html").write_bytes(b"<p>linked</p>")
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "elsewhere.html")
    assert write_unless_held(link, b"<p>linked</p>")  # a link is replaced by the file, as write_atomic does
    assert not link.is_symlink() and link.read_bytes() == b"<p>linked</p>"
    assert write_unless_held(tmp_path / "new" / "page.html", b"new") and (tmp_path / "new" / "page.html").is_file()


def test_render_refuses_to_write_into_the_folder_of_its_sources(project: Path) -> None:
    before = files(project / "seeds"), files(project / "tei")
    for folder in ("seeds", "tei", "schema"):
        code, _, err = run("render", "--to", "text", "-o", folder)
        assert code == 2 and f"{folder}: is {project / folder}, a folder of documents, sources, schemas" in err
    code, _, err = run("render", "tei", "-o", "tei/")
    assert code == 2
    assert (files(project / "seeds"), files(project / "tei")) == before


def test_the_review_summary_counts_what_it_names(project: Path) -> None:
    # a document without a date or classification: facts missing from its header
    (project / "seeds" / "bare.txt").write_text("[illegible] words [name deleted] and [?] more.\n", encoding="utf-8")
    assert build(load_settings(project), jobs=1).exit_code == 0
    seen_missing = False
    for page in sorted((project / "build" / "html" / "review").glob("*.html")):
        if page.name in ("index.html", "persons.html", "places.html", "organisations.html"):
            continue  # the pages of the corpus, not of a document
        tree = lxml.html.parse(str(page))
        summary = " ".join(tree.xpath("string(//p[@class='summary'])").split())
        match = re.fullmatch(r"(\d+) decisions?, (\d+) to check first, (\d+) reviewed\.", summary)
        assert match, summary
        decisions, first, reviewed = int(match[1]), int(match[2]), int(match[3])
        entries = tree.xpath("//ol[@class='decisions']/li")
        # every entry is counted, the facts missing from the header among them
        assert decisions == len(entries)
        assert first <= decisions and reviewed <= decisions
        seen_missing |= any("missing" in e.get("class").split() for e in entries)
    assert seen_missing


# ------------------------------------------------------------------------------------ processes

def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _build_process(project: Path, *arguments: str) -> subprocess.Popen:
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "build", "-q", *arguments], cwd=project,
                            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    folder = make_project(tmp_path / "project", documents=40)
    main = _build_process(folder, "-j", "2")
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and main.poll() is None:
        workers = [pid for pid in _children(main.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "the build started no workers"
    main.send_signal(signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def test_a_build_killed_again_and_again_still_gets_done(tmp_path: Path, record_property) -> None:
    """Each build is killed after the time a build that finds nothing to do takes, and a fifth
    of the time the whole build takes, both measured here and now (so that a machine slowed by
    other work slows all three alike): the build gets done only if it saves its progress during a
    stage, early and often."""
    folder = make_project(tmp_path / "project", documents=150)
    clean = make_project(tmp_path / "clean", documents=150)
    began = time.monotonic()
    assert build(load_settings(clean), jobs=1).exit_code == 0
    whole = time.monotonic() - began
    idle = make_project(tmp_path / "idle", documents=0)
    began = time.monotonic()
    assert _build_process(idle, "-j", "1").wait(timeout=120) == 0
    interval = time.monotonic() - began + max(0.6, whole / 5)
    for attempt in range(80):
        process = _build_process(folder, "-j", "1")
        try:
            process.wait(timeout=interval)
            break
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
    else:
        pytest.fail(f"the build never finished between two kills ({interval:.1f} s apart)")
    record_property("kills", attempt)
    assert process.returncode == 0
    assert attempt >= 3, "the build was hardly ever killed: the corpus is too small to show anything"
    assert files(folder / "tei") == files(clean / "tei") and files(folder / "build") == files(clean / "build")


# ------------------------------------------------------------------------------------ the profile

def test_a_profile_without_classification_levels_reports_instead_of_crashing(tmp_path: Path) -> None:
    profile = (ROOT / "pipeline" / "schema" / "teipipe.xsd").read_text(encoding="utf-8")
    start = profile.index('<xs:simpleType name="teipipe.classificationLevel"')
    end = profile.index("</xs:simpleType>", start) + len("</xs:simpleType>")
    text = profile[:start] + profile[end:]
    text = text.replace('type="teipipe.classificationLevel"', 'type="xs:string"')
    (tmp_path / "teipipe.xsd").write_text(text, encoding="utf-8")
    for schema in (ROOT / "pipeline" / "schema").glob("*.xsd"):
        if schema.name != "teipipe.xsd":
            (tmp_path / schema.name).write_bytes(schema.read_bytes())
    result = check_file(str(GOOD_TEI), CheckContext(profile=tmp_path / "teipipe.xsd"))
    assert {p.code for p in result.problems} <= {"TP112"} and result.problems
    assert all("no known classification level" in p.message for p in result.problems)
