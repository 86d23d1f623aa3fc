"""Editorial review end to end: ``teipipe review`` started as a real process on a copy of the
project, driven by headless Chromium (Playwright): an editor corrects a bracket's reading and a
header fact, accepts another decision, two tabs act on one document; then ``teipipe build``
carries the editor's readings into the TEI and the HTML, a second build changes nothing, and
editing the source line under a correction makes build and validate warn. axe-core checks the
review pages. The screenshots of docs/review.md are taken here (docs/images/review-*.png).

axe-core comes from npm: $AXE_CORE_JS names axe.min.js, or it is installed into .cache/axe
(.ci/run does that first).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from pipeline import TEI_NS

from .web import CHROMIUM, chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# The screenshots of docs/review.md are taken again with TEIPIPE_DOC_SCREENSHOTS=1; otherwise they
# go to test-artifacts/ (git-ignored), so a test run leaves the checkout as it was.
SCREENSHOTS = ROOT / ("docs/images" if os.environ.get("TEIPIPE_DOC_SCREENSHOTS") == "1" else "test-artifacts/review")
AXE_CACHE = ROOT / ".cache" / "axe"
BRACKETS = "003_2e647f7a671e9afb"  # a telegram with brackets of every kind
BULLETIN = "004_59ef3454e874c2d8"  # a bulletin that names no sender
TWO_TABS = "001_8d93ff1ab614c208"
NS = {"t": TEI_NS}
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z

if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def axe_script() -> Path:
    given = os.environ.get("AXE_CORE_JS")
    if given:
        return Path(given)
    script = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        assert npm, "axe-core is needed: install npm, or set AXE_CORE_JS to axe.min.js"
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(AXE_CACHE),
                        "axe-core@4"], check=True, timeout=300)
    return script


def teipipe() -> str:
    return str(Path(sys.executable).with_name("teipipe"))


def environment() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (settings and seeds), built once as it is."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", folder)
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    built = run(folder, "build", "-q")
    assert built.returncode == 0, built.stderr
    return folder


class Server:
    """``teipipe review --no-browser`` in the project, on a free port, until stopped."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen([teipipe(), "review", "--no-browser", "--editor", "Ada Editor"], cwd=project,
                                        env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        try:
            first = lines.get(timeout=60)
        except queue.Empty:
            self.stop()
            raise AssertionError("teipipe review printed no address within 60 s")
        assert first.startswith("teipipe review: http://127.0.0.1:"), first
        self.url = first.split()[2].rstrip("/")

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def new_tab(browser, errors: list[str]):
    tab = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)  # to inject axe-core
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return tab


def serious_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(axe_script()))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def item(tab, what: str, quote: str):
    return tab.locator(f'li.decision-item[data-what="{what}"][data-quote="{quote}"]').first


def fact(tab, name: str):
    return tab.locator(f'li.decision-item[data-what="fact"][data-field="{name}"]')


def review_file(project: Path, stem: str) -> Path:
    return project / "review" / f"{stem}.toml"


def run(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([teipipe(), *arguments], cwd=project, env=environment(), capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def reviewed(project: Path, browser) -> dict:
    """The editor's session: what the browser did, with the server's answers to bad posts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    server = Server(project)
    errors: list[str] = []
    seen: dict = {"axe": {}}
    try:
        tab = new_tab(browser, errors)
        tab.goto(server.url + "/")
        seen["index_rows"] = tab.locator("table.corpus tbody tr").count()
        seen["axe"]["index"] = serious_violations(tab)
        tab.screenshot(path=str(SCREENSHOTS / "review-index.png"))

        # A bracket read as a supplied word is an editorial comment.
        tab.goto(f"{server.url}/doc/{BRACKETS}")
        seen["axe"]["document"] = serious_violations(tab)
        bracket = item(tab, "bracket", "[territory]")
        bracket.locator("button.correct").click()
        bracket.locator("select[name=reading]").select_option("comment")
        tab.screenshot(path=str(SCREENSHOTS / "review-correct.png"))
        with tab.expect_navigation():
            bracket.locator("form.correct-form button[type=submit]").click()
        seen["bracket_state"] = item(tab, "bracket", "[territory]").get_attribute("data-state")
        seen["bracket_label"] = item(tab, "bracket", "[territory]").locator(".label").inner_text()

        # The keyboard: the next uncertain decision, accepted with "a".
        tab.locator("#filter-cert").select_option("uncertain")
        tab.locator("li.decision-item:not([hidden])").first.focus()
        focused = tab.evaluate("document.activeElement.dataset.quote")
        with tab.expect_navigation():
            tab.keyboard.press("a")
        seen["accepted_quote"] = focused
        seen["accepted_state"] = item(tab, "bracket", focused).get_attribute("data-state")
        tab.locator("#filter-state").select_option("reviewed")
        seen["reviewed_shown"] = tab.locator("li.decision-item:not([hidden])").count()
        tab.screenshot(path=str(SCREENSHOTS / "review-document.png"))
        tab.locator("#filter-state").select_option("")
        tab.keyboard.press("n")
        seen["next_uncertain"] = tab.evaluate("document.activeElement.dataset.quote")

        # A header fact: the bulletin's sender, which the encoder did not find.
        tab.goto(f"{server.url}/doc/{BULLETIN}")
        sender = fact(tab, "sender")
        sender.locator("button.correct").click()
        sender.locator("input[name=reading]").fill("Central Intelligence Agency")
        with tab.expect_navigation():
            sender.locator("form.correct-form button[type=submit]").click()
        seen["fact_state"] = fact(tab, "sender").get_attribute("data-state")
        seen["fact_value"] = fact(tab, "sender").locator(".value").inner_text()
        seen["axe"]["bulletin"] = serious_violations(tab)
        tab.screenshot(path=str(SCREENSHOTS / "review-fact.png"))

        # Two tabs on one document, each acting on a page loaded before the other's post.
        first, second = new_tab(browser, errors), new_tab(browser, errors)
        for other in (first, second):
            other.goto(f"{server.url}/doc/{TWO_TABS}")
        with first.expect_navigation():
            item(first, "bracket", "[them]").locator("button.accept").click()
        with second.expect_navigation():
            item(second, "bracket", "[delo]").locator("button.accept").click()
        seen["two_tabs"] = [item(second, "bracket", q).get_attribute("data-state") for q in ("[them]", "[delo]")]
        with second.expect_navigation():  # an entry taken back
            item(second, "bracket", "[delo]").locator("button.undo").click()
        seen["undone"] = item(second, "bracket", "[delo]").get_attribute("data-state")

        # Bad posts change nothing.
        token = tab.locator('meta[name="review-token"]').get_attribute("content")
        before = {p.name: p.read_bytes() for p in (project / "review").glob("*.toml")}
        good = {"by": "X", "entries": [{"what": "bracket", "action": "accept", "line": 13, "quote": "[them]",
                                         "occurrence": 1}]}
        json_headers = {"Content-Type": "application/json"}
        seen["bad"] = {
            "no token": server.post(f"/api/doc/{TWO_TABS}", json.dumps(good).encode(), json_headers)[0],
            "unknown document": server.post("/api/doc/nope", json.dumps(good).encode(),
                                            json_headers | {"X-Review-Token": token})[0],
            "not JSON": server.post(f"/api/doc/{TWO_TABS}", b"{", json_headers | {"X-Review-Token": token})[0],
            "unknown reading": server.post(f"/api/doc/{TWO_TABS}", json.dumps(
                {"entries": [good["entries"][0] | {"action": "correct", "reading": "guess"}]}).encode(),
                json_headers | {"X-Review-Token": token})[0],
            "quote not on the line": server.post(f"/api/doc/{TWO_TABS}", json.dumps(
                {"entries": [good["entries"][0] | {"quote": "[nothing]"}]}).encode(),
                json_headers | {"X-Review-Token": token})[0],
            "unknown authority id": server.post(f"/api/doc/{TWO_TABS}", json.dumps(
                {"entries": [{"what": "name", "action": "correct", "line": 7, "quote": "Shtykov",
                              "reading": "pers-nobody"}]}).encode(), json_headers | {"X-Review-Token": token})[0],
        }
        seen["unchanged"] = before == {p.name: p.read_bytes() for p in (project / "review").glob("*.toml")}
        tab.goto(server.url + "/")
        seen["index_after"] = {row.get_attribute("data-stem"): row.locator("td.reviewed").inner_text()
                               for row in tab.locator("table.corpus tbody tr").all()}
    finally:
        server.stop()
    seen["errors"] = errors
    return seen


def test_the_editor_corrects_and_accepts_in_the_browser(reviewed: dict, project: Path) -> None:
    assert reviewed["index_rows"] == 5
    assert reviewed["bracket_state"] == "corrected"
    assert reviewed["bracket_label"] == "bracket: editorial comment"
    assert reviewed["accepted_state"] == "accepted"
    assert reviewed["reviewed_shown"] == 2
    assert reviewed["next_uncertain"] not in (None, reviewed["accepted_quote"])
    assert (reviewed["fact_state"], reviewed["fact_value"]) == ("corrected", "Central Intelligence Agency")
    assert reviewed["two_tabs"] == ["accepted", "accepted"]
    assert reviewed["undone"] == "open"
    assert reviewed["index_after"][BRACKETS] == "2" and reviewed["index_after"][TWO_TABS] == "1"
    assert reviewed["errors"] == []
    text = review_file(project, BRACKETS).read_text(encoding="utf-8")
    assert 'quote = "[territory]"' in text and 'reading = "comment"' in text and 'by = "Ada Editor"' in text
    assert 'when = "2023-11-14T22:13:20Z"' in text  # SOURCE_DATE_EPOCH


def test_bad_posts_get_a_4xx_and_change_nothing(reviewed: dict) -> None:
    assert reviewed["bad"] == {"no token": 403, "unknown document": 404, "not JSON": 400, "unknown reading": 422,
                               "quote not on the line": 422, "unknown authority id": 422}
    assert reviewed["unchanged"]


def test_the_review_pages_have_no_serious_accessibility_violation(reviewed: dict) -> None:
    assert reviewed["axe"] == {"index": [], "document": [], "bulletin": []}


def test_build_carries_the_corrections_and_keeps_them(reviewed: dict, project: Path, browser) -> None:
    first = run(project, "build")
    assert first.returncode == 0, first.stderr
    tei = etree.parse(str(project / "tei" / f"{BRACKETS}.xml"))
    comment = tei.xpath("//t:text//t:note[normalize-space() = 'territory']", namespaces=NS)
    assert len(comment) == 1 and comment[0].get("resp") == f"#doc-{BRACKETS}.editor-ada-editor"
    assert tei.xpath(f"//t:respStmt[@xml:id = 'doc-{BRACKETS}.editor-ada-editor']/t:name/text()",
                     namespaces=NS) == ["Ada Editor"]
    changes = tei.xpath("//t:revisionDesc/t:change[@who]/@when", namespaces=NS)
    assert changes == ["2023-11-14T22:13:20Z"] * 2
    accepted = tei.xpath("//t:text//*[@resp][not(self::t:note)]", namespaces=NS)
    assert len(accepted) == 1 and accepted[0].get("cert") is None
    bulletin = etree.parse(str(project / "tei" / f"{BULLETIN}.xml"))
    assert bulletin.xpath("//t:correspAction[@type='sent']/t:persName/text()", namespaces=NS) == \
        ["Central Intelligence Agency"]
    html = (project / "build" / "html" / f"{BULLETIN}.html").read_text(encoding="utf-8")
    assert "Central Intelligence Agency" in html
    review = (project / "build" / "html" / "review" / f"{BRACKETS}.html").read_text(encoding="utf-8")
    assert "editorial comment" in review and "reviewed" in review
    index = (project / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Reviewed" in index

    outputs = {p: p.read_bytes() for p in sorted((project / "tei").glob("*.xml")) + sorted((project / "build").rglob("*.html"))}
    second = run(project, "build")
    assert second.returncode == 0 and "nothing to do" in second.stdout, second.stdout + second.stderr
    assert outputs == {p: p.read_bytes() for p in outputs}

    # The static review page (no server) reads in a browser and passes axe too.
    tab = new_tab(browser, [])
    tab.goto((project / "build" / "html" / "review" / f"{BRACKETS}.html").as_uri())
    assert serious_violations(tab) == []
    tab.screenshot(path=str(SCREENSHOTS / "review-static.png"), full_page=False)
    tab.close()


def test_an_anchor_gone_from_the_source_is_reported(reviewed: dict, project: Path) -> None:
    seed = project / "seeds" / f"{BRACKETS}.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("[territory]", "[land]"), encoding="utf-8")
    built = run(project, "build")
    assert f"review/{BRACKETS}.toml: warning: the bracket “[territory]” on source line" in built.stderr, built.stderr
    again = run(project, "build")
    assert "“[territory]”" in again.stderr  # it stands until the editor acts
    checked = run(project, "validate")
    assert "TP115" in checked.stdout and "[territory]" in checked.stdout, checked.stdout
    tei = etree.parse(str(project / "tei" / f"{BRACKETS}.xml"))
    assert not tei.xpath("//t:note[normalize-space() = 'land']", namespaces=NS)
