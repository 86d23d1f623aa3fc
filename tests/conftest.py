"""Shared fixtures: the project folders, the official TEI grammar, and an independent validator."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEI = ROOT / "tei"
SHARED = ROOT.parent / "shared"
FRUS = SHARED / "corpus" / "frus-dev"


def tei_all_path() -> Path | None:
    """The official tei_all.rng: $TEI_ALL_RNG, or ../shared/tei/tei_all.rng beside the project."""
    candidates = [os.environ.get("TEI_ALL_RNG"), str(SHARED / "tei" / "tei_all.rng")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory):
    """The user's cache folder (where the Schematron of a grammar is kept), in a temporary
    folder for the whole session: the tests write nothing into the home folder."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def tei_all_file() -> Path:
    path = tei_all_path()
    if path is None:
        pytest.skip("tei_all.rng not found: set TEI_ALL_RNG or place ../shared/tei/tei_all.rng beside the project")
    return path


@pytest.fixture(scope="session")
def tei_all(tei_all_file) -> etree.RelaxNG:
    """The official grammar compiled once per test session (it takes a few seconds)."""
    return etree.RelaxNG(etree.parse(str(tei_all_file)))


@pytest.fixture(scope="session")
def jing() -> str:
    path = shutil.which("jing")
    if path is None:
        pytest.skip("jing is not installed (Debian package 'jing'); the lxml check still runs")
    return path


@pytest.fixture(scope="session")
def frus_dir() -> Path:
    if not (FRUS / "gold.json").is_file():
        pytest.skip("the FRUS development corpus (../shared/corpus/frus-dev) is not beside the project")
    return FRUS


@pytest.fixture(scope="session")
def tei_all_compiled(tei_all) -> etree.RelaxNG:
    """The compiled grammar under a name that hypothesis tests can take (session scope)."""
    return tei_all


def pytest_terminal_summary(terminalreporter):
    """Show what tests record with ``record_property``: ``examples`` (how many inputs a property
    or fuzz test really ran) in every report, ``growth`` (a linearity test's time ratio) with -v."""
    shown = {"examples": "{} examples"} | ({"growth": "{}"} if terminalreporter.verbosity > 0 else {})
    lines = [f"{report.nodeid}: {shown[name].format(value)}"
             for outcome in ("passed", "failed")
             for report in terminalreporter.stats.get(outcome, [])
             for name, value in getattr(report, "user_properties", ())
             if name in shown]
    if lines:
        terminalreporter.section("recorded by the tests")
        for line in lines:
            terminalreporter.write_line(line)
