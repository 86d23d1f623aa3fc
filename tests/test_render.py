"""Tests of pipeline/render.py and the stylesheets in transforms/.

Every test runs on the hand-made fixtures in tests/fixtures/render/ (TEI written by hand after
docs/encoding.md, each with the source text it encodes) and on the encoder's output in tei/ for
every seed in seeds/. What a page must show is read from the TEI with lxml, not through the
stylesheets under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from pipeline import TEI_NS
from pipeline.render import (
    CSS_NAME,
    GENERATOR,
    RenderError,
    default_out_dir,
    document_paths,
    render_corpus,
    render_document,
    render_index,
    stylesheet,
    write_atomic,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "render"
NS = {"tei": TEI_NS}

#: (TEI document, the source text it encodes): the fixtures, then every seed with its encoding
FIXTURE_PAIRS = [(FIXTURES / f"{stem}.xml", FIXTURES / f"{stem}.txt") for stem in ("telegram", "bulletin")]
SEED_PAIRS = [(ROOT / "tei" / f"{seed.stem}.xml", seed) for seed in sorted((ROOT / "seeds").glob("*.txt"))]
PAIRS = FIXTURE_PAIRS + SEED_PAIRS
DOCUMENTS = [tei_path for tei_path, _ in PAIRS]


def stem(path: Path) -> str:
    return path.stem


def normalise(text: str) -> str:
    """The source as the diplomatic view must give it back: LF line endings, no white space at the
    end of a line, no blank lines at the end, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n") + "\n"


def words(text: str) -> str:
    return " ".join(text.split())


def existing(path: Path) -> Path:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `teipipe convert seeds -o tei`"
    return path


def tei(path: Path) -> etree._Element:
    return etree.parse(str(existing(path))).getroot()


def redaction_gaps(root: etree._Element) -> list[etree._Element]:
    return root.xpath("tei:text//tei:gap[@reason='redacted']", namespaces=NS)


def decisions(root: etree._Element) -> list[etree._Element]:
    """The elements the review view must list, as the issue names them."""
    return root.xpath(
        "tei:text//*[@cert or self::tei:stamp or self::tei:gap or self::tei:supplied"
        " or self::tei:persName[@type='pseudo'] or self::tei:foreign or self::tei:choice"
        " or self::tei:note or self::tei:hi or self::tei:del or self::tei:date[@when]"
        " or self::tei:fw]", namespaces=NS)


def header_value(root: etree._Element, xpath: str) -> str:
    return words(root.xpath(f"string(({xpath})[1])", namespaces=NS))


def page(tei_path: Path, view: str = "reading") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(render_document(existing(tei_path), "html", view))


# ---------------------------------------------------------------- diplomatic text

@pytest.mark.parametrize("tei_path, source", PAIRS, ids=[stem(s) for _, s in PAIRS])
def test_diplomatic_text_is_the_source(tei_path: Path, source: Path) -> None:
    rendered = render_document(existing(tei_path), "text", "diplomatic")
    expected = normalise(source.read_text(encoding="utf-8-sig"))
    assert normalise(rendered) == expected
    assert rendered.endswith("\n") and "\r" not in rendered


def test_diplomatic_view_writes_back_every_leftover() -> None:
    text = render_document(FIXTURES / "telegram.xml", "text", "diplomatic")
    for leftover in ("## CIPHERED", "~~SECRET~~", "**From BEIJING**", "[*vne ocherednaia*]",
                     "8<sup>th</sup>", "$N^o$", "$8^{th}$", r"\_\_", "\n  An indented", "\n\n\n\"To Comrade"):
        assert leftover in text


# ---------------------------------------------------------------- reading text

@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_reading_text_resolves_markup(tei_path: Path) -> None:
    root = tei(tei_path)
    text = render_document(tei_path, "text", "reading")
    assert text.startswith(header_value(root, "tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"))
    assert text.count("[redacted") == len(redaction_gaps(root))
    for marker in ("## ", "**", "~~", "<sup>", "$"):
        assert marker not in text


def test_reading_text_keeps_editorial_brackets() -> None:
    text = render_document(FIXTURES / "telegram.xml", "text", "reading")
    assert "To FILIPPOV [STALIN]" in text
    assert "PVO [Anti-aircraft Defense]" in text
    assert "[redacted: 1 paragraph (3 lines) not declassified; 3 lines]" in text
    assert "[redacted: 25X1]" in text
    assert "Date:           2 March 1951\n" in text


# ---------------------------------------------------------------- HTML pages

def assert_html5(html: str) -> lxml.html.HtmlElement:
    """A standalone HTML5 page: doctype, lang, charset, title, the generator line, the stylesheet."""
    assert re.match(r"<!DOCTYPE html>", html, re.IGNORECASE)
    document = lxml.html.document_fromstring(html)
    assert document.get("lang")
    assert document.xpath("head/meta[@charset='utf-8']")
    assert words(document.findtext("head/title") or "")
    assert document.xpath("head/meta[@name='generator']/@content") == [GENERATOR]
    assert document.xpath("head/link[@rel='stylesheet']/@href") == [CSS_NAME]
    ids = document.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are not unique"
    return document


def test_html_is_conforming_html5_syntax() -> None:
    html5lib = pytest.importorskip("html5lib", reason="html5lib (a test dependency) is not installed")
    parser = html5lib.HTMLParser(strict=True)
    for tei_path in DOCUMENTS:
        for view in ("reading", "review"):
            parser.parse(render_document(existing(tei_path), "html", view))
    parser.parse(render_index(DOCUMENTS))


@pytest.mark.parametrize("view", ["reading", "review"])
@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_page_is_html5_with_header_facts(tei_path: Path, view: str) -> None:
    root = tei(tei_path)
    document = assert_html5(render_document(tei_path, "html", view))
    header = document.xpath("//header[@class='facts']")[0]
    facts = {words(div.findtext("dt")): words(div.find("dd").text_content()) for div in header.iter("div")}
    title = header_value(root, "tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title")
    assert words(document.findtext("head/title")) == title
    assert words(header.findtext("h1")) == title
    correspondence = "tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction"
    for action, label in (("sent", "Sender"), ("received", "Recipient")):
        names = root.xpath(f"{correspondence}[@type='{action}'][1]/*[self::tei:persName or self::tei:orgName]",
                           namespaces=NS)
        if names:
            assert facts[label] == "; ".join(words(name.xpath("string()")) for name in names)
    number = header_value(root, "tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:idno[@type='number']")
    if number:
        assert facts["Number"] == number
    when = header_value(root, f"{correspondence}[@type='sent']//tei:date/@when")
    if when:
        assert facts["Date"]
    gaps = redaction_gaps(root)
    if gaps:
        assert facts["Redactions"] == str(len(gaps))


@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_one_redaction_block_per_redaction(tei_path: Path) -> None:
    gaps = redaction_gaps(tei(tei_path))
    blocks = page(tei_path).find_class("redaction")
    assert len(blocks) == len(gaps)
    for block in blocks:
        assert block.get("title", "").startswith("Redacted")
        assert words(block.text_content())


@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_no_markdown_or_ocr_markers_in_the_page(tei_path: Path) -> None:
    text = page(tei_path).xpath("string(//div[@class='text'])")
    for marker in ("##", "**", "~~", "<sup>", "</sup>", "$", "\\_"):
        assert marker not in text


@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_classification_banner(tei_path: Path) -> None:
    stamps = tei(tei_path).xpath("tei:text//tei:stamp[@type='classification']", namespaces=NS)
    banners = page(tei_path).find_class("banner")
    if not stamps:
        assert banners == []
        return
    assert len(banners) == 2  # top and bottom of the page
    struck = [stamp for stamp in stamps if stamp.xpath(".//tei:del", namespaces=NS)]
    assert bool(banners[0].xpath(".//del")) == bool(struck)
    assert words(banners[0].text_content()).startswith(words(stamps[0].xpath("string()")))


def test_editorial_additions_are_bracketed_and_set_apart() -> None:
    document = page(FIXTURES / "telegram.xml")
    additions = {words(e.text_content()) for e in document.find_class("editorial")}
    assert {"[STALIN]", "[Anti-aircraft Defense]", "[them]", "[vne ocherednaia]"} <= additions
    assert document.xpath("//blockquote[@class='quote']//p[@class='salute']")
    assert [words(li.text_content()) for li in document.xpath("//div[@class='list distribution']//li")] \
        == ["1 - cde. Stalin", "2 - cde. Molotov"]
    assert document.xpath("//p[@class='fw footer']//br")


@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_every_bracket_of_the_source_and_every_addition_is_bracketed(tei_path: Path) -> None:
    root = tei(tei_path)
    bracketed = root.xpath(
        "tei:text//*[self::tei:supplied or self::tei:expan or self::tei:reg or self::tei:corr"
        " or self::tei:note or self::tei:gap[not(@reason='redacted')]"
        " or (contains(concat(' ', normalize-space(@rend), ' '), ' brackets ')"
        "     and not(self::tei:gap[@reason='redacted']))]", namespaces=NS)
    opening = [span for span in page(tei_path).find_class("bracket") if span.text == "["]
    assert len(opening) == len(bracketed)


# ---------------------------------------------------------------- review view

@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_review_lists_every_decision_linked_to_its_place(tei_path: Path) -> None:
    root = tei(tei_path)
    document = page(tei_path, "review")
    entries = document.xpath("//aside[@class='review-panel']//li")
    targets = [entry.xpath("string(a/@href)") for entry in entries]
    missing = [target for target in targets if target.startswith("#missing-")]
    in_header = root.xpath("tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction/*[self::tei:persName"
                           " or self::tei:orgName or self::tei:placeName or self::tei:date]"
                           " | tei:teiHeader/tei:profileDesc/tei:textClass/tei:catRef", namespaces=NS)
    assert targets.count("#facts") == len(in_header)
    assert len(entries) - len(missing) == len(decisions(root)) + len(in_header)
    for target in targets:
        assert target.startswith("#") and len(document.xpath(f"//*[@id='{target[1:]}']")) == 1
    assert len(document.find_class("decision")) == len(decisions(root))
    summary = words(document.xpath("string(//aside[@class='review-panel']/p[@class='summary'])"))
    assert summary.startswith(f"{len(entries)} decisions, ")  # the count is the list's


def test_review_labels_say_what_each_decision_is() -> None:
    labels = {words(entry.findtext("a/span[@class='what']"))
              for path in DOCUMENTS for entry in page(path, "review").xpath("//ol[@class='decisions']/li")}
    assert {"expansion", "alternative name", "identification", "redaction", "header: sender",
            "header: date", "header: classification"} <= labels
    assert "choice" not in labels


@pytest.mark.parametrize("tei_path", DOCUMENTS, ids=stem)
def test_review_puts_uncertain_decisions_first(tei_path: Path) -> None:
    document = page(tei_path, "review")
    order = {"low": 0, "medium": 1, "guessed": 2, "missing": 3, "sure": 4}
    ranks = [order[words(entry.findtext("span[@class='cert']"))]
             for entry in document.xpath("//aside[@class='review-panel']//li")]
    assert ranks == sorted(ranks)


def test_review_shows_the_source_line_of_each_decision() -> None:
    document = page(FIXTURES / "telegram.xml", "review")
    entries = document.xpath("//aside[@class='review-panel']//li")
    first = entries[0]
    assert first.xpath("string(a/@href)") == "#body1-div1-p1-supplied1"
    assert words(first.findtext("span[@class='cert']")) == "low"
    assert words(first.findtext("span[@class='where']")) == "telegram.txt, line 15"
    where = {entry.xpath("string(a/@href)"): words(entry.findtext("span[@class='where']") or "")
             for entry in entries}
    assert where["#body1-div1-opener1-stamp1"] == "telegram.txt, line 5"
    assert where["#body1-div1-quote1-floatingText1-body1-p1-date1"] == "telegram.txt, line 25"
    assert where["#body1-div1-fw2-stamp1"] == "telegram.txt, line 35"


#: A document's own prefixDef patterns, and the source link of the telegram's first decision
#: (its block's @source is "src:line=14,15") through each: teipipe's pattern, another of the same
#: meaning, teipipe's to another file, and one that does not match (no link: the pointer is not
#: resolved).
PREFIX_PATTERNS = [
    (r"line=(\d+),(\d+)", "../seeds/telegram.txt#line=$1,$2", "../seeds/telegram.txt#line=14,15"),
    (r"line=([0-9]+),([0-9]+)", "../seeds/telegram.txt#line=$1,$2", "../seeds/telegram.txt#line=14,15"),
    (r"line=(\d+),(\d+)", "../sources/other.txt#line=$1,$2", "../sources/other.txt#line=14,15"),
    (r"lines=(\d+)", "../seeds/telegram.txt#line=$1", None),
]


@pytest.mark.parametrize("pattern, replacement, link", PREFIX_PATTERNS)
def test_source_links_go_through_the_documents_own_pattern(tmp_path: Path, pattern: str, replacement: str,
                                                          link: str | None) -> None:
    root = tei(FIXTURES / "telegram.xml")
    prefix = root.find(".//tei:prefixDef[@ident='src']", NS)
    prefix.set("matchPattern", pattern)
    prefix.set("replacementPattern", replacement)
    changed = tmp_path / "telegram.xml"
    changed.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    first = page(changed, "review").xpath("//aside[@class='review-panel']//li")[0]
    assert first.xpath("string(a/@href)") == "#body1-div1-p1-supplied1"
    assert first.xpath("a[@class='source-link']/@href") == ([link] if link else [])


def test_review_reports_missing_header_facts() -> None:
    document = page(FIXTURES / "bulletin.xml", "review")
    entries = document.xpath("//aside[@class='review-panel']//li")
    assert [e.xpath("string(a/@href)") for e in entries[:3]] == \
        ["#body1-div1-p3-supplied1", "#missing-date", "#missing-sender"]
    assert words(document.get_element_by_id("missing-date").text_content()) == "not recorded"
    assert not page(FIXTURES / "bulletin.xml").xpath("//*[@id='missing-date']")


def test_reading_view_has_no_review_marks() -> None:
    document = page(FIXTURES / "telegram.xml")
    assert not document.find_class("decision")
    assert not document.xpath("//aside")


# ---------------------------------------------------------------- index

def test_index_lists_every_document() -> None:
    documents = [existing(tei_path) for tei_path in DOCUMENTS]
    index = assert_html5(render_index(documents))
    rows = index.xpath("//table[@class='documents']/tbody/tr")
    assert len(rows) == len(documents)
    by_page = {row.xpath("string(td[@class='title']/a/@href)"): row for row in rows}
    assert set(by_page) == {f"{path.stem}.html" for path in documents}
    for path in documents:
        row = by_page[f"{path.stem}.html"]
        assert row.xpath("string(td[@class='redactions'])") == str(len(redaction_gaps(tei(path))))
    headings = [words(th.text_content()) for th in index.xpath("//thead//th")]
    assert headings == ["Date", "Document", "Kind", "Number", "Sender", "Recipient", "Classification",
                        "Redactions", "Decisions", "Uncertain", "Reviewed"]
    for path in documents:  # the index counts what the review page lists
        row = by_page[f"{path.stem}.html"]
        review = page(path, "review")
        assert row.xpath("string(td[@class='decisions'])") == \
            str(len(review.xpath("//aside[@class='review-panel']/ol[@class='decisions']/li")))
        assert row.xpath("string(td[@class='reviewed'])") == str(len(review.find_class("reviewed")))
    assert index.xpath("//script")  # sorting is an enhancement: the rows above are all in the HTML


def test_index_rows_are_in_date_order() -> None:
    index = lxml.html.document_fromstring(render_index([FIXTURES / "bulletin.xml", FIXTURES / "telegram.xml"]))
    dates = index.xpath("//tbody/tr/td[@class='date']/@data-sort")
    assert dates == ["1951-03-02", ""]  # undated documents last


# ---------------------------------------------------------------- determinism, the corpus, errors

@pytest.mark.parametrize("to, view", [("html", "reading"), ("html", "review"), ("text", "reading"),
                                      ("text", "diplomatic")])
def test_rendering_twice_gives_the_same_bytes(to: str, view: str) -> None:
    for tei_path in map(existing, DOCUMENTS):
        assert render_document(tei_path, to, view).encode() == render_document(tei_path, to, view).encode()
    assert render_index(DOCUMENTS) == render_index(DOCUMENTS)


def test_each_stylesheet_is_compiled_once() -> None:
    assert stylesheet("html") is stylesheet("html")
    assert stylesheet("text") is not stylesheet("html")


def test_render_corpus_writes_pages_index_registers_and_css(tmp_path: Path) -> None:
    report = render_corpus([FIXTURES], tmp_path / "html", "html", "reading")
    assert report.ok
    names = sorted(path.name for path in (tmp_path / "html").iterdir())
    assert names == ["bulletin.html", "index.html", "organisations.html", "persons.html", "places.html",
                     CSS_NAME, "telegram.html"]
    assert (tmp_path / "html" / CSS_NAME).read_bytes() == (ROOT / "pipeline" / "transforms" / CSS_NAME).read_bytes()
    report = render_corpus([FIXTURES / "telegram.xml"], tmp_path / "text", "text", "diplomatic")
    assert [path.name for path in report.written] == ["telegram.txt"]


def test_a_broken_document_is_reported_and_the_others_render(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>", encoding="utf-8")
    report = render_corpus([FIXTURES / "telegram.xml", broken, FIXTURES / "bulletin.xml"],
                           tmp_path / "out", "html")
    assert [error.path for error in report.failed] == [broken]
    assert "broken.xml" in str(report.failed[0])
    assert (tmp_path / "out" / "telegram.html").is_file() and (tmp_path / "out" / "bulletin.html").is_file()
    assert not (tmp_path / "out" / "broken.html").exists()
    index = lxml.html.parse(str(tmp_path / "out" / "index.html"))
    assert len(index.xpath("//tbody/tr")) == 2
    with pytest.raises(RenderError, match="broken.xml"):
        render_document(broken, "text")


def test_unknown_output_or_view_is_refused() -> None:
    with pytest.raises(ValueError):
        render_document(FIXTURES / "telegram.xml", "html", "diplomatic")
    with pytest.raises(ValueError):
        render_document(FIXTURES / "telegram.xml", "pdf")


def test_document_paths_expand_folders_without_the_authority_file(tmp_path: Path) -> None:
    for name in ("b.xml", "a.xml", "authority.xml", "notes.txt"):
        (tmp_path / name).write_text("<x/>", encoding="utf-8")
    assert document_paths([tmp_path, tmp_path / "a.xml"]) == [tmp_path / "a.xml", tmp_path / "b.xml"]


def test_default_output_folders() -> None:
    build = Path("build")
    assert default_out_dir(build, "html") == build / "html"
    assert default_out_dir(build, "html", "review") == build / "html" / "review"
    assert default_out_dir(build, "text", "diplomatic") == build / "text" / "diplomatic"


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new – ü")
    assert target.read_text(encoding="utf-8") == "new – ü"
    assert [path.name for path in tmp_path.iterdir()] == ["page.html"]
