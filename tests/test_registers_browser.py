"""The registers in a real browser: ``teipipe build`` makes the edition of a small corpus (the
seeds, and the made-up letter and memorandum of tests/fixtures/registers with their authority
file); headless Chromium, driven by Playwright, opens the persons register from the index,
follows a name from a document's page to its entry and from the entry back to the passage.
Screenshots go to test-artifacts/browser/ (git-ignored).

Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.config import load_settings
from tests.test_browser import Page
from tests.test_build import make_project
from tests.web import chromium, served

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "registers"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The edition the build writes, served on 127.0.0.1."""
    project = make_project(tmp_path_factory.mktemp("edition") / "project")
    (project / "tei").mkdir()
    for name in ("letter.xml", "memo.xml", "authority.xml"):
        shutil.copy(FIXTURES / name, project / "tei" / name)
    settings = load_settings(project)
    report = build(settings, jobs=1)
    assert report.ok, (report.failures, report.errors, report.invalid)
    with served(settings.build / "html") as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def test_the_index_opens_the_persons_register(site: str, browser: object) -> None:
    page = Page(browser)
    tab = page.open(f"{site}/index.html")
    tab.locator("nav.registers a", has_text="Persons").click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/persons.html")
    assert tab.locator("h1").inner_text() == "Persons"
    orlov = tab.locator("section#pers-orlov")
    assert orlov.is_visible()
    assert orlov.locator("h2").inner_text() == "Pavel Orlov"
    assert "Pseudonyms: Sokol" in orlov.inner_text() and "born 1901-04-12" in orlov.inner_text()
    assert orlov.locator("p.wikidata a").get_attribute("href") == "https://www.wikidata.org/wiki/Q4115189"
    assert tab.locator("section#pers-li-wen p.status").is_visible()  # not yet reviewed
    assert tab.locator("section#pers-stalin a.document").count() >= 3  # the seeds name him
    page.screenshot("register-persons")
    assert page.errors == []
    page.close()


def test_a_name_leads_to_its_entry_and_the_entry_back_to_the_passage(site: str, browser: object) -> None:
    page = Page(browser)
    tab = page.open(f"{site}/letter.html")
    name = tab.locator("main .text a.name[href='persons.html#pers-orlov']").first
    passage = name.get_attribute("id")
    assert name.is_visible() and passage
    name.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/persons.html#pers-orlov")
    entry = tab.locator("section:target")
    assert entry.get_attribute("id") == "pers-orlov" and entry.is_visible()
    page.screenshot("register-entry")
    back = entry.locator(f"a.passage[href='letter.html#{passage}']")
    assert back.count() == 1
    back.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith(f"/letter.html#{passage}")
    target = tab.locator(":target")
    assert target.get_attribute("id") == passage and target.is_visible()
    assert "Orlov" in target.inner_text()
    page.screenshot("register-passage")
    assert page.errors == []
    page.close()


def test_a_sender_in_the_header_facts_leads_to_the_register(site: str, browser: object) -> None:
    page = Page(browser)
    tab = page.open(f"{site}/memo.html")
    sender = tab.locator("header.facts .fact.sender a.name")
    assert sender.inner_text() == "FOREIGN MINISTRY"
    sender.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/organisations.html#org-foreign-ministry")
    assert tab.locator("section:target h2").inner_text() == "Ministry of Foreign Affairs"
    assert page.errors == []
    page.close()
