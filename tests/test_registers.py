"""The registers of the edition: who is named where, the three register pages, the links from
each name in a document's page to its entry and from the entry back to each place, and the
build making them again only when the authority file or a document changed.

The fixtures (tests/fixtures/registers) are made up: an authority file with every kind of
entry, a letter with names in the header and in the text, a memorandum."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

from pipeline.build import build
from pipeline.config import load_settings
from pipeline.registers import REGISTERS, names_of
from pipeline.render import render_corpus
from tests.test_build import make_project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "registers"
LETTER = FIXTURES / "letter.xml"

#: Every name of the letter that points at the authority file: (id, element, anchor, words).
LETTER_NAMES = [
    ("pers-orlov", "persName", "header-correspDesc1-correspAction1-persName1", "P. A. ORLOV"),
    ("pers-vance", "persName", "header-correspDesc1-correspAction2-persName1", "Vance"),
    ("place-harbor-city", "placeName", "header-correspDesc1-correspAction1-placeName1", "HARBOR CITY"),
    ("pers-vance", "persName", "body1-div1-opener1-salute1-persName1", "Mrs. Vance"),
    ("pers-orlov", "persName", "body1-div1-p1-persName1", "SOKOL Orlov"),  # the pseudonym inside is the same passage
    ("place-harbor-city", "placeName", "body1-div1-p1-placeName1", "Harbor City"),
    ("place-north-port", "placeName", "body1-div1-p1-placeName2", "North Port"),
    ("org-foreign-ministry", "orgName", "body1-div1-p2-orgName1", "Foreign Ministry in North Port"),
    ("place-north-port", "placeName", "body1-div1-p2-orgName1-placeName1", "North Port"),
    ("pers-li-wen", "persName", "body1-div1-p2-persName1", "Li Wen"),
    ("pers-orlov", "persName", "body1-div1-closer1-signed1-persName1", "ORLOV"),
]


def test_names_of_a_document_are_every_pointer_into_the_authority_file_once_per_passage() -> None:
    assert [tuple(name) for name in names_of(LETTER)] == LETTER_NAMES


def test_a_file_that_cannot_be_read_is_named_in_the_error(tmp_path: Path) -> None:
    from pipeline.registers import RegisterError

    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"broken\.xml:1:\d+: error: TP003"):
        names_of(broken)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registers")
    report = render_corpus([FIXTURES], out, "html", "reading")
    assert report.ok, report.failed
    return out


def page(path: Path):
    return lxml.html.parse(str(path)).getroot()


def entry(site: Path, register: str, ident: str):
    found = page(site / f"{register}.html").xpath(f"//section[@id='{ident}']")
    assert len(found) == 1, f"{register}.html has no single entry {ident}"
    return found[0]


def words(element) -> str:
    return " ".join(element.text_content().split())


def test_each_register_lists_every_entry_of_its_kind(site: Path) -> None:
    expected = {"persons": {"pers-orlov", "pers-vance", "pers-nobody", "pers-li-wen"},
                "places": {"place-harbor-city", "place-north-port"},
                "organisations": {"org-foreign-ministry"}}
    for register in REGISTERS:
        listed = set(page(site / f"{register}.html").xpath("//section[contains(@class, 'entry')]/@id"))
        assert listed == expected[register]


ENTRY_CASES = {
    "main name, variants, pseudonym, dates, description, Wikidata": (
        "persons", "pers-orlov",
        ["Pavel Orlov", "Also written: P. A. Orlov; Orlov", "Pseudonyms: Sokol", "born 1901-04-12", "died 1970",
         "A made-up minister of foreign affairs.", "Wikidata: Q4115189"]),
    "not yet reviewed": ("persons", "pers-li-wen", ["Li Wen", "Not yet reviewed"]),
    "named nowhere": ("persons", "pers-nobody", ["Never Named", "Not named in the documents."]),
    "a place with a Wikidata id": ("places", "place-north-port", ["North Port", "Wikidata: Q13406268"]),
    "an organisation": ("organisations", "org-foreign-ministry", ["Ministry of Foreign Affairs", "Foreign Ministry"]),
}


@pytest.mark.parametrize("register, ident, shown", ENTRY_CASES.values(), ids=ENTRY_CASES.keys())
def test_an_entry_shows_what_the_authority_file_says(site: Path, register: str, ident: str, shown: list[str]) -> None:
    text = words(entry(site, register, ident))
    for part in shown:
        assert part in text


def test_the_wikidata_link_leads_to_the_item(site: Path) -> None:
    links = entry(site, "persons", "pers-orlov").xpath(".//p[@class='wikidata']/a/@href")
    assert links == ["https://www.wikidata.org/wiki/Q4115189"]
    assert not entry(site, "persons", "pers-vance").xpath(".//p[@class='wikidata']")


def test_an_entry_links_to_every_place_that_names_it(site: Path) -> None:
    orlov = entry(site, "persons", "pers-orlov")
    passages = orlov.xpath(".//a[@class='passage']/@href")
    assert passages[:3] == ["letter.html#header-correspDesc1-correspAction1-persName1",
                            "letter.html#body1-div1-p1-persName1", "letter.html#body1-div1-closer1-signed1-persName1"]
    assert passages[3:] == ["memo.html#body1-div1-p1-persName1"]
    assert orlov.xpath(".//a[@class='document']/@href") == ["letter.html", "memo.html"]  # in date order


def test_every_link_between_pages_and_registers_leads_to_its_target(site: Path) -> None:
    """From each register entry to each passage, and from each name in a page to its entry:
    the target page is there and holds the anchor, and the anchor is on the name."""
    pages = {path.name: page(path) for path in site.glob("*.html")}
    followed = 0
    for register in REGISTERS:
        for link in pages[f"{register}.html"].xpath("//a[@class='passage']"):
            target, _, anchor = link.get("href").partition("#")
            found = pages[target].xpath(f"//*[@id='{anchor}']")
            assert len(found) == 1 and "name" in found[0].get("class", "").split(), link.get("href")
            assert words(found[0]).replace("[", "").replace("]", "") == words(link)  # editors' brackets aside
            followed += 1
    for name, html in pages.items():
        for link in html.xpath("//a[contains(concat(' ', @class, ' '), ' name ')]"):
            target, _, anchor = link.get("href").partition("#")
            assert pages[target].xpath(f"//section[@id='{anchor}']"), f"{name}: {link.get('href')}"
            followed += 1
    assert followed > 20


def test_names_link_to_their_register_in_the_text_and_in_the_header_facts(site: Path) -> None:
    letter = page(site / "letter.html")
    hrefs = [(words(a), a.get("href")) for a in letter.xpath("//a[contains(@class, 'name')]")]
    assert ("P. A. ORLOV", "persons.html#pers-orlov") in hrefs  # header: sender
    assert ("HARBOR CITY", "places.html#place-harbor-city") in hrefs  # header: place of sending
    assert ("Foreign Ministry in North Port", "organisations.html#org-foreign-ministry") in hrefs
    # a name inside a linked name keeps its anchor, without a link of its own
    inner = letter.xpath("//*[@id='body1-div1-p2-orgName1-placeName1']")[0]
    assert inner.tag == "span" and inner.getparent().tag == "a"
    assert not letter.xpath("//a//a")
    unnamed = letter.xpath("//span[contains(@class, 'persName')][normalize-space() = 'someone unknown']")
    assert unnamed and unnamed[0].get("href") is None


def test_the_index_and_the_registers_link_to_each_other(site: Path) -> None:
    index = page(site / "index.html")
    assert index.xpath("//nav//a/@href") == ["persons.html", "places.html", "organisations.html"]
    for register in REGISTERS:
        links = page(site / f"{register}.html").xpath("//nav//a/@href")
        assert "index.html" in links and len(links) == 3


def test_registers_are_the_same_bytes_every_time(site: Path, tmp_path: Path) -> None:
    again = render_corpus([FIXTURES], tmp_path, "html", "reading")
    assert again.ok
    for register in REGISTERS:
        assert (tmp_path / f"{register}.html").read_bytes() == (site / f"{register}.html").read_bytes()


def test_a_name_pointing_at_no_entry_is_listed_as_such(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    shutil.copytree(FIXTURES, folder)
    memo = folder / "memo.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("#pers-orlov", "#pers-orlova"), encoding="utf-8")
    out = tmp_path / "out"
    assert render_corpus([folder], out, "html", "reading").ok
    unknown = entry(out, "persons", "pers-orlova")
    assert "Not in the authority file" in words(unknown)
    assert unknown.xpath(".//a[@class='passage']/@href") == ["memo.html#body1-div1-p1-persName1"]


def fixture_names(tmp_path: Path) -> list:
    """The index rows and names of the fixture documents, with a name pointing at no entry and
    words that need escaping, each document three times under other page names."""
    from pipeline.render import IndexRow, index_row

    folder = tmp_path / "tei"
    shutil.copytree(FIXTURES, folder)
    memo = folder / "memo.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("#pers-orlov", "#pers-orlova"), encoding="utf-8")
    named = [(index_row(path), names_of(path)) for path in sorted(folder.glob("*.xml")) if path.name != "authority.xml"]
    odd = [["pers-vance", "persName", 'p1-"&<', "Vance & <Co> \r"], ["place-nowhere", "name", "p2", "Nowhere"]]
    return [(IndexRow(f"{copy}-{row.page}", row.facts), names + (odd if copy == 1 else []))
            for copy in range(3) for row, names in named]


@pytest.mark.parametrize("documents_per_list", [1, 2, 1000])
def test_a_register_made_in_parts_is_the_page_made_at_once(tmp_path: Path, documents_per_list: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import registers
    from pipeline.registers import render_registers

    monkeypatch.setattr(registers, "DOCUMENTS_PER_MENTIONS", documents_per_list)
    documents = fixture_names(tmp_path)
    authority = [tmp_path / "tei" / "authority.xml"]
    at_once = render_registers(documents, authority, at_once=len(documents))
    in_parts = render_registers(documents, authority, at_once=0)
    assert set(in_parts) == {f"{register}.html" for register in REGISTERS}
    for name, data in at_once.items():
        assert in_parts[name] == data, name
    assert b"place-nowhere" in in_parts["places.html"] and b"pers-orlova" in in_parts["persons.html"]


# ------------------------------------------------------------------------------------ in the build

@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """The project's seeds, with the fixture documents as editions of their own and the
    fixture's entries in the authority file."""
    folder = make_project(tmp_path / "project")
    (folder / "tei").mkdir()
    for name in ("letter.xml", "memo.xml", "authority.xml"):
        shutil.copy(FIXTURES / name, folder / "tei" / name)
    return folder


def test_the_build_writes_the_registers_beside_the_reading_and_the_review_pages(project: Path) -> None:
    settings = load_settings(project)
    report = build(settings, jobs=1)
    assert report.ok, (report.failures, report.errors, report.invalid)
    for folder in ("html", "html/review"):
        for register in REGISTERS:
            assert (settings.build / folder / f"{register}.html").is_file()
    persons = page(settings.build / "html" / "persons.html")
    orlov = persons.xpath("//section[@id='pers-orlov']//a[@class='passage']/@href")
    assert "letter.html#body1-div1-p1-persName1" in orlov
    stalin = persons.xpath("//section[@id='pers-stalin']//a[@class='document']/@href")
    assert len(stalin) >= 3  # the seeds' telegrams to and from Stalin
    review = page(settings.build / "html" / "review" / "letter.html")
    assert review.xpath("//*[@id='body1-div1-p1-persName1']/@href") == ["persons.html#pers-orlov"]


def test_the_names_are_read_with_the_pages_not_from_the_tei_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import registers

    def read_again(job):
        raise AssertionError(f"{job[0]} read again for its names")

    monkeypatch.setattr(registers, "names_job", read_again)
    report = build(load_settings(project), jobs=1)
    assert report.ok, (report.failures, report.errors)
    assert page(project / "build" / "html" / "persons.html").xpath("//section[@id='pers-orlov']//a[@class='passage']")


def test_the_build_makes_large_registers_in_parts_on_its_workers_with_the_same_bytes(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import registers

    other = tmp_path / "other"
    shutil.copytree(project, other)
    assert build(load_settings(project), jobs=1).ok
    monkeypatch.setattr(registers, "DOCUMENTS_AT_ONCE", 0)  # every page in parts,
    monkeypatch.setattr(registers, "DOCUMENTS_PER_MENTIONS", 2)  # and each list of mentions too
    assert build(load_settings(other), jobs=2).ok
    for folder in ("html", "html/review"):
        for register in REGISTERS:
            name = f"build/{folder}/{register}.html"
            assert (other / name).read_bytes() == (project / name).read_bytes(), name


def test_the_build_makes_the_registers_again_only_when_the_authority_file_or_a_document_changed(project: Path) -> None:
    settings = load_settings(project)
    assert build(settings, jobs=1).ok
    persons = settings.build / "html" / "persons.html"
    before = persons.stat().st_mtime_ns
    again = build(settings, jobs=1)
    assert again.ok and persons.stat().st_mtime_ns == before
    # an editor describes an entry: the registers show it, no document is rendered again
    authority = settings.tei / "authority.xml"
    authority.write_text(authority.read_text(encoding="utf-8").replace(
        "A made-up minister of foreign affairs.", "A made-up minister, described again."), encoding="utf-8")
    edited = build(settings, jobs=1)
    assert edited.ok and edited.rendered == []
    assert "A made-up minister, described again." in persons.read_text(encoding="utf-8")
    # a document names someone else: its names are read again
    memo = settings.tei / "memo.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("#pers-orlov", "#pers-vance"), encoding="utf-8")
    changed = build(settings, jobs=1)
    assert changed.ok and changed.rendered == ["memo"]
    vance = page(persons).xpath("//section[@id='pers-vance']//a[@class='passage']/@href")
    assert "memo.html#body1-div1-p1-persName1" in vance


def _made_lists(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids whose lists of mentions registers.xsl is asked to make from now on (the lists are
    made as before: the call is only noted)."""
    from pipeline import registers

    made: list[str] = []
    make = registers.mentions_html

    def noting(register, ident, summary_text, transforms=None):
        made.append(ident)
        return make(register, ident, summary_text, transforms)

    monkeypatch.setattr(registers, "mentions_html", noting)
    return made


def _pages(folder: Path) -> dict[str, bytes]:
    return {f"{sub}/{register}.html": (folder / "build" / sub / f"{register}.html").read_bytes()
            for sub in ("html", "html/review") for register in REGISTERS}


@pytest.mark.parametrize("tampered", [False, True])
def test_a_build_makes_again_only_the_lists_of_mentions_whose_documents_changed(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tampered: bool) -> None:
    """After a document names someone else, the next build makes the lists of the entries it
    names, before or after, and copies the others from the pages it wrote: the same bytes as a
    build from scratch. A page that is no longer what the build wrote is not copied from."""
    from pipeline import registers

    monkeypatch.setattr(registers, "DOCUMENTS_AT_ONCE", 0)  # every page in parts,
    monkeypatch.setattr(registers, "DOCUMENTS_PER_MENTIONS", 2)  # and each list of mentions too
    made = _made_lists(monkeypatch)
    settings = load_settings(project)
    assert build(settings, jobs=1).ok
    all_lists = set(made)
    memo = settings.tei / "memo.xml"
    before = {name[0] for name in names_of(memo)}
    memo.write_text(memo.read_text(encoding="utf-8").replace("#pers-orlov", "#pers-vance"), encoding="utf-8")
    after = {name[0] for name in names_of(memo)}
    if tampered:
        persons = settings.build / "html" / "persons.html"
        persons.write_bytes(persons.read_bytes().replace(b"</body>", b"<p>added by hand</p></body>"))
    made.clear()
    changed = build(settings, jobs=1)
    assert changed.ok and changed.rendered == ["memo"]
    assert "pers-vance" in made and "pers-orlov" in made
    if not tampered:
        assert set(made) <= before | after and set(made) < all_lists
    else:
        assert {ident for ident in all_lists if ident.startswith("pers-")} <= set(made)
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("build"))
    assert build(load_settings(clean), jobs=1).ok
    assert _pages(project) == _pages(clean)


# ------------------------------------------------------------------------------------ linear time

def many_names(n: int) -> bytes:
    """A document of ``n`` paragraphs side by side, each naming someone: every anchor's path
    has a step among ``n`` siblings."""
    paragraphs = "".join(f'<p>To <persName ref="authority.xml#pers-vance">Vance</persName> {i}.</p>' for i in range(n))
    return (f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Many</title>'
            f'</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
            f'</teiHeader><text><body><div>{paragraphs}</div></body></text></TEI>').encode("utf-8")


def best_time(work, runs: int = 3) -> float:
    import gc
    import time

    gc.disable()
    try:
        best = float("inf")
        for _ in range(runs):
            began = time.process_time()
            work()
            best = min(best, time.process_time() - began)
        return best
    finally:
        gc.enable()


@pytest.mark.slow
def test_names_and_their_anchors_take_linear_time(tmp_path: Path, record_property) -> None:
    """The names of a document and its page with their anchors at n and 4n paragraphs: linear
    work takes about 4 times as long, quadratic 16; a ratio over 6 is measured again before it
    counts (another process may have taken the machine)."""
    from lxml import etree

    from pipeline.registers import names_in
    from pipeline.render import render_document

    paths = {}
    for n in (500, 2000):
        paths[n] = tmp_path / f"many-{n}.xml"
        paths[n].write_bytes(many_names(n))

    def ratio() -> float:
        times = {n: best_time(lambda: (names_in(etree.fromstring(path.read_bytes())),
                                       render_document(path, "html", "reading"))) for n, path in paths.items()}
        return times[2000] / times[500]

    growth = ratio()
    if growth > 6:
        growth = min(growth, ratio())
    record_property("growth", f"{growth:.1f}")
    assert growth < 6, f"4 times the names took {growth:.1f} times as long"
