"""Fuzzing the readers of TEI: hostile documents never break validate, render or build.

Each generated document is the project's first TEI file made hostile: an XML declaration naming
some encoding, a DOCTYPE (entities internal and external, parameter entities, an external DTD,
attribute defaults, a small "billion laughs"), entity and character references, XInclude,
CDATA, markup out of place, deep nesting, a huge text node, the whole re-encoded or with bytes
flipped. Every outcome must be a report or a clean error, never an exception:

* ``check_file`` (validate) returns the file's problems;
* ``render_views`` (render) returns the four renderings or raises RenderError; when validate
  refuses the file while reading it (TP001 to TP009), render refuses it with the same code;
* at the end one ``build`` of every generated document (as TEI files without seeds) reports
  each of them as rendered, invalid or failed.

Nothing leaks: the secret a file entity points at is in no output, and the local HTTP server
the entities and DTDs point at receives no request. At least 500 documents are generated (the
count is recorded and printed in the "recorded by the tests" section of the report).
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.build import build
from pipeline.config import load_settings
from pipeline.render import RenderError, render_views
from pipeline.validate import CheckContext, check_file

from .conftest import ROOT
from .test_bad_days import GOOD_TEI, SECRET, everything_written, secret_file, server  # noqa: F401  (fixtures)
from .test_build import make_project

FUZZ_SETTINGS = settings(max_examples=500, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])
CHECK = CheckContext(profile=ROOT / "pipeline" / "schema" / "teipipe.xsd")
VIEWS = (("html", "reading"), ("html", "review"), ("text", "reading"), ("text", "diplomatic"))
READING_CODES = {f"TP00{n}" for n in (1, 2, 3, 4, 5, 6, 8, 9)}  # TP007 (not TEI) is found after reading
BASE = GOOD_TEI.read_text(encoding="utf-8").split("\n", 1)[1]  # without its XML declaration

DECLARATIONS = ('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>', "",
                '<?xml version="1.0"?>',
                '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0" encoding="UTF-16"?>',
                '<?xml version="1.0" encoding="Shift_JIS"?>', '<?xml version="1.0" encoding="klingon"?>',
                '<?xml version="1.1"?>', '<?xml version="2.0"?>', '<?xml encoding="UTF-8"?>')


def doctypes(secret: str, url: str) -> tuple[str, ...]:
    laughs = ('<!DOCTYPE TEI [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    return ("", "<!DOCTYPE TEI>", "<!DOCTYPE TEI [ ]>", '<!DOCTYPE TEI [<!ENTITY x "expanded">]>',
            f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{secret}">]>', f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{url}/e">]>',
            f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}/p"> %p;]>', f'<!DOCTYPE TEI SYSTEM "{url}/tei.dtd">',
            f'<!DOCTYPE TEI PUBLIC "-//X//DTD X//EN" "{url}/public.dtd">', '<!DOCTYPE TEI SYSTEM "nothing.dtd">',
            '<!DOCTYPE TEI [<!ATTLIST p rend CDATA "heading(1)">]>', "<!DOCTYPE TEI [<!ELEMENT TEI ANY>]>",
            laughs, f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{secret}"><!ATTLIST p n CDATA "&xxe;">]>')


def inserts(secret: str, url: str) -> tuple[str, ...]:
    """Pieces that keep the document well-formed (when the DOCTYPE declares what they use)."""
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{}" parse="text"/>'
    return ("&x;", "&xxe;", "&c;", "&amp;", "&lt;", "&#65;", include.format(secret), include.format(f"{url}/i"),
            "<![CDATA[<p>&xxe;</p>]]>", "<?pi data?>", "<!-- a comment -->", "\u202e", "\x7f", "é", "毛泽东",
            '<ref target="/etc/passwd#x">x</ref>', '<persName ref="../../authority.xml#pers-x">X</persName>',
            '<persName ref="/tmp/authority.xml#pers-x">X</persName>', '<TEI xmlns="http://www.tei-c.org/ns/1.0"/>',
            '<hi xmlns:a="urn:a" a:b="c">x</hi>', '<hi rend="bold">x</hi>', '<gap reason="redacted">x</gap>')


#: Pieces that break the document.
BREAKING = ("&undefined;", "&", "&#;", "&#0;", "&#xD800;", "&#x110000;", "]]>", "<", "<hi>", "</p>", "<p>",
            "\x00", "\ufffe", "\x1b", '<hi rend="bold" rend="italic">x</hi>', "<" + "x" * 300 + "/>")


@st.composite
def hostile_tei(draw, secret: str, url: str) -> bytes:
    piece = st.one_of(st.sampled_from(inserts(secret, url)), st.sampled_from(inserts(secret, url)),
                      st.sampled_from(inserts(secret, url)), st.sampled_from(BREAKING))
    text = BASE
    body = text.index("<text")
    paragraph = re.compile(r"<p\b[^>]*>").search(text, body).end()
    pieces = draw(st.lists(piece, max_size=4))
    depth = draw(st.sampled_from([0, 0, 0, 1, 10, 255, 256, 257, 400]))
    huge = draw(st.sampled_from([0, 0, 0, 1000, 100_000, 2_000_000]))
    inner = "".join(pieces) + '<hi rend="bold">' * depth + "x" * huge + "</hi>" * depth
    text = text[:paragraph] + inner + text[paragraph:]
    for addition in draw(st.lists(piece, max_size=2)):  # between two tags, anywhere
        boundaries = [m.end() for m in re.finditer(">", text[:paragraph + len(inner) + 20_000])]
        at = boundaries[draw(st.integers(0, len(boundaries) - 1))]
        text = text[:at] + addition + text[at:]
    doctype = draw(st.one_of(st.just(""), st.sampled_from(doctypes(secret, url))))
    document = draw(st.sampled_from(DECLARATIONS)) + "\n" + doctype + "\n" + text
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "utf-8-sig"]))
    data = document.encode(encoding, errors="replace")
    if draw(st.integers(0, 7)) == 0:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if draw(st.integers(0, 30)) == 0:
        data = data[:draw(st.integers(0, len(data)))]  # cut short
    return data


def reading_code(problems) -> str | None:
    """The code with which validate refused the file while reading it, if it did."""
    return next((p.code for p in problems if p.code in READING_CODES), None)


def test_hostile_tei_gives_reports_or_clean_errors_in_validate_render_and_build(
        tmp_path, secret_file, server, record_property):  # noqa: F811  (fixtures)
    url, requests = server
    secret = secret_file.as_uri()
    documents: list[bytes] = []
    folder = tmp_path / "one"
    folder.mkdir()

    @FUZZ_SETTINGS
    @given(data=hostile_tei(secret, url))
    @example(data=BASE.replace("<TEI ", f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{secret}">]>\n<TEI ', 1)
             .replace("</TEI>", "&xxe;</TEI>").encode("utf-8"))
    @example(data=BASE.replace("<p>", "<p>" + "y" * 11_000_000, 1).encode("utf-8"))  # a huge text node
    @example(data=b'<!DOCTYPE TEI SYSTEM "nothing.dtd"><TEI xmlns="http://www.tei-c.org/ns/1.0">&x;</TEI>')
    @example(data=BASE.replace("<TEI ", '<!DOCTYPE TEI [<!ATTLIST p rend CDATA "heading(1)">]>\n<TEI ', 1)
             .encode("utf-8"))
    @example(data=b"")
    @example(data=b"\xff\xfe\x00\x00")
    def run(data: bytes) -> None:
        documents.append(data)
        path = folder / "fuzz.xml"
        path.write_bytes(data)
        result = check_file(str(path), CHECK)
        assert all(p.path == str(path) and p.line >= 1 and p.column >= 1 for p in result.problems)
        refused = reading_code(result.problems)
        try:
            renderings = render_views(path, VIEWS)
        except RenderError as error:
            assert error.path == path and "\n" not in error.message
            if refused:
                assert error.message.startswith(f"{refused} at line "), (refused, error.message)
            else:
                assert not re.match(r"TP00\d ", error.message), error.message
            return
        assert refused is None, f"render accepted what validate refused with {refused}"
        assert all(SECRET not in text for text in renderings.values())

    run()
    record_property("examples", len(documents))
    assert len(documents) >= 500

    project = make_project(tmp_path / "project", documents=0)
    stems = []
    for number, data in enumerate(documents):
        if len(data) > 1_000_000:
            continue  # the huge ones were rendered above; the build need not read them all again
        stems.append(f"fuzz-{number:04d}")
        (project / "tei" / f"{stems[-1]}.xml").parent.mkdir(exist_ok=True)
        (project / "tei" / f"{stems[-1]}.xml").write_bytes(data)
    report = build(load_settings(project), jobs=1)
    outcome = set(report.rendered) | set(report.invalid) | set(report.skipped)
    assert set(stems) <= outcome
    assert report.exit_code == (0 if set(stems) <= set(report.rendered) else 1)
    assert SECRET not in everything_written(project / "build")
    assert requests == []
