"""The HTML edition in a real browser: headless Chromium, driven by Playwright, opens the index
and every page from a loopback HTTP server, checks what a reader sees, and saves screenshots under
test-artifacts/ (git-ignored) for a person to look at.

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package (no browser
download: Playwright drives the system Chromium).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from pipeline import TEI_NS
from pipeline.render import document_paths, render_corpus

from .web import CHROMIUM, chromium, served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NS = {"tei": TEI_NS}

#: the encoder's documents and the hand-made fixtures
DOCUMENTS = document_paths([ROOT / "tei", ROOT / "tests" / "fixtures" / "render"])

if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The edition (reading pages at /, review pages at /review/) served on 127.0.0.1."""
    out = tmp_path_factory.mktemp("site")
    assert render_corpus(DOCUMENTS, out, "html", "reading").ok
    assert render_corpus(DOCUMENTS, out / "review", "html", "review").ok
    with served(out) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


class Page:
    """A browser tab that records console errors, page errors and failed requests."""

    def __init__(self, browser: object, width: int = 1280, height: int = 900) -> None:
        self.tab = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.tab.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        self.tab.on("response", lambda response: response.status >= 400
                    and self.errors.append(f"{response.status}: {response.url}"))

    def open(self, url: str) -> object:
        self.tab.goto(url, wait_until="load")
        return self.tab

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.tab.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        return path

    def close(self) -> None:
        self.tab.close()


def tei_counts(path: Path) -> tuple[int, int, bool]:
    """Redactions, classification stamps, and whether a stamp is struck, read from the TEI."""
    root = etree.parse(str(path)).getroot()
    stamps = root.xpath("tei:text//tei:stamp[@type='classification']", namespaces=NS)
    struck = bool(root.xpath("tei:text//tei:stamp[@type='classification']//tei:del", namespaces=NS))
    return len(root.xpath("tei:text//tei:gap[@reason='redacted']", namespaces=NS)), len(stamps), struck


def test_index_lists_and_sorts_the_documents(site: str, browser: object) -> None:
    page = Page(browser)
    tab = page.open(f"{site}/index.html")
    rows = tab.locator("table.documents tbody tr")
    assert rows.count() == len(DOCUMENTS)
    assert tab.locator("table.documents").is_visible()
    page.screenshot("index")
    tab.locator("th", has_text="Redactions").locator("button").click()
    ascending = [int(n) for n in tab.locator("tbody td.redactions").all_inner_texts()]
    assert ascending == sorted(ascending)
    tab.locator("th", has_text="Redactions").locator("button").click()
    descending = [int(n) for n in tab.locator("tbody td.redactions").all_inner_texts()]
    assert descending == sorted(ascending, reverse=True)
    assert tab.locator("th", has_text="Redactions").get_attribute("aria-sort") == "descending"
    first = tab.locator("tbody td.title a").first
    target = first.get_attribute("href")
    first.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/" + target)
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.stem)
def test_page_shows_redactions_and_banner(site: str, browser: object, document: Path) -> None:
    redactions, stamps, struck = tei_counts(document)
    page = Page(browser)
    tab = page.open(f"{site}/{document.stem}.html")
    blocks = tab.locator(".text .redaction")
    assert blocks.count() == redactions
    for index in range(redactions):
        block = blocks.nth(index)
        assert block.is_visible()
        box = block.bounding_box()
        assert box and box["width"] > 4 and box["height"] > 4
        assert block.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 29, 27)"
        assert block.get_attribute("title").startswith("Redacted")
    banner = tab.locator(".banner").first
    if stamps:
        assert banner.is_visible()
        if struck:
            line = banner.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine")
            assert "line-through" in line
    else:
        assert tab.locator(".banner").count() == 0
    assert tab.locator("header.facts h1").is_visible()
    page.screenshot(f"page-{document.stem}")
    assert page.errors == []
    page.close()


def test_review_panel_links_to_the_decisions(site: str, browser: object) -> None:
    document = max(DOCUMENTS, key=lambda path: tei_counts(path)[0])
    page = Page(browser, width=1440)
    tab = page.open(f"{site}/review/{document.stem}.html")
    panel = tab.locator("aside.review-panel")
    assert panel.is_visible()
    links = panel.locator("li a:not(.source-link)")
    in_header = panel.locator("li a[href='#facts']").count()
    assert links.count() == tab.locator(".text .decision").count() + tab.locator("dd.missing").count() + in_header
    last = links.last
    target = last.get_attribute("href")
    last.click()
    assert tab.evaluate("location.hash") == target
    assert tab.locator(f"[id='{target[1:]}']").is_visible()
    assert tab.evaluate("document.querySelector(':target') !== null")
    page.screenshot(f"review-{document.stem}")
    assert page.errors == []
    page.close()


def test_page_reads_on_a_phone(site: str, browser: object) -> None:
    document = max(DOCUMENTS, key=lambda path: tei_counts(path)[0])
    page = Page(browser, width=390, height=844)
    tab = page.open(f"{site}/{document.stem}.html")
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    page.screenshot(f"phone-{document.stem}")
    assert page.errors == []
    page.close()


def test_page_prints(site: str, browser: object) -> None:
    document = max(DOCUMENTS, key=lambda path: tei_counts(path)[0])
    page = Page(browser)
    tab = page.open(f"{site}/{document.stem}.html")
    tab.emulate_media(media="print")
    assert not tab.locator("nav.site").is_visible()
    assert tab.locator(".text .redaction").first.is_visible()
    page.screenshot(f"print-{document.stem}")
    pdf = ARTIFACTS / f"print-{document.stem}.pdf"
    tab.pdf(path=str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    page.close()
