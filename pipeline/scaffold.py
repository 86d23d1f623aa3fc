"""A new corpus project (``teipipe init``): its settings, its folders, and the checks that run
on every commit and in GitHub Actions.

:func:`init_project` writes every file of :func:`project_files` into a folder, or nothing at
all when any of them is already there: it never overwrites.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .atomic import write_atomic
from .config import SETTINGS_FILE, settings_table

#: The GitHub Action the new project's workflow uses: the repository that holds teipipe's
#: ``action.yml``, at the tag of this version.
ACTION = f"teipipe/teipipe@v{__version__}"


class ProjectExists(Exception):
    """The folder already holds files that ``teipipe init`` would write."""


def _settings(name: str) -> str:
    return f'''# teipipe's settings for this corpus (docs: `teipipe --help`, docs/build.md).
# The folders are relative to this file.
seeds = "seeds"     # the source texts (.txt)
tei = "tei"         # their TEI encoding and authority.xml, written by `teipipe build`
build = "build"     # the renderings (build/html/index.html is the edition)

publisher = "{name}"
licence = "CC BY 4.0"
licence_url = "https://creativecommons.org/licenses/by/4.0/"

# Who deposits the corpus (bag-info.txt of `teipipe deposit`); the publisher when empty.
organization = ""
contact_name = ""
contact_email = ""
'''


SEEDS_README = """# seeds

Put the source documents here, one plain-text file (`.txt`, UTF-8) per document: a telegram, a
cable, an intelligence bulletin or a memorandum as the archive published it, after OCR or
translation. The file name (without `.txt`) becomes the name of its TEI file in `tei/`.

teipipe reads plain text only. Save a Word document as plain text first; for a PDF, extract its
text (or OCR it) into a `.txt` file. Another encoding than UTF-8 is read with
`teipipe convert --encoding NAME`.

Then run `teipipe build`: it encodes every new or changed file into `tei/`, checks it and
renders the edition into `build/html/index.html`.
"""

TEI_README = """# tei

The TEI P5 encoding of each file of `seeds/`, and `authority.xml` (the people, places and
organisations the documents name), written by `teipipe build`. A file edited by hand is kept
as it is (`teipipe build --force` encodes it again, keeping a backup). `teipipe validate`
checks every file here.
"""

GITIGNORE = """# the renderings, made again by `teipipe build`
/build/
# bags written by `teipipe deposit`
/deposit/
# what `teipipe validate` found in each file, kept to check only what changed
/.teipipe-cache/
"""


def _pre_commit() -> str:
    return f"""# Checks every TEI file a commit changes (https://pre-commit.com): `pre-commit install`.
repos:
  - repo: local
    hooks:
      - id: teipipe-validate
        name: teipipe validate
        entry: teipipe validate
        language: python
        additional_dependencies: ["teipipe=={__version__}"]
        files: ^tei/.*\\.xml$
        require_serial: true
"""


def _workflow(action: str) -> str:
    return f"""# Validates the corpus on every push and pull request: annotations on the files, and a
# summary table of every problem on the run's page.
name: teipipe
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: {action}
        with:
          paths: tei
"""


def project_files(name: str, action: str = ACTION) -> dict[str, str]:
    """Each file of a new project (relative path -> text)."""
    return {
        SETTINGS_FILE: _settings(name),
        "seeds/README.md": SEEDS_README,
        "tei/README.md": TEI_README,
        ".gitignore": GITIGNORE,
        ".pre-commit-config.yaml": _pre_commit(),
        ".github/workflows/teipipe.yml": _workflow(action),
    }


def init_project(folder: Path, action: str = ACTION) -> list[Path]:
    """Write a new project into ``folder`` (made when missing) and return the files written.

    Raises :class:`ProjectExists`, having written nothing, when any of the files is there
    already; ``OSError`` when the folder cannot be written.
    """
    folder = Path(folder)
    files = project_files(folder.resolve().name or "teipipe project", action)
    there = [folder / relative for relative in files if (folder / relative).exists()]
    if folder.is_dir() and not there and settings_table(folder) is not None:
        there = [folder / "pyproject.toml"]  # its [tool.teipipe] makes the folder a project already
    if there:
        names = ", ".join(path.relative_to(folder).as_posix() for path in there)
        raise ProjectExists(f"{folder.resolve()}: already holds {names}: teipipe init does not overwrite; "
                            "move them away or choose another folder")
    written = []
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        written.append(target)
    return written
