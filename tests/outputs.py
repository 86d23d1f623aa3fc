"""The digests of everything ``teipipe build`` writes for the bundled seeds and for a generated
corpus, as the reference a faster build must keep to byte for byte.

``tests/fixtures/outputs/<corpus>.sha256`` lists, one line per file, the SHA-256 and the path of
every file under ``tei/`` and ``build/`` after a build from scratch with one process (the build's
own records, which are not outputs, are left out). ``tests/test_outputs.py`` builds the same
corpora and compares. When the encoder or a stylesheet changes what a document becomes, make the
lists again and read the difference:

    python tests/outputs.py
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "outputs"
#: The corpora: the bundled seeds, and this many generated documents (benchmarks/corpus.py).
CORPORA = {"seeds": None, "generated": 60}
#: The build's records of itself, which are not outputs.
RECORDS = ("manifest", "stats")


def make_project(folder: Path, documents: int | None = None) -> Path:
    """A copy of the project's configuration, schema and stylesheets, with the bundled seeds or
    ``documents`` generated ones."""
    from benchmarks.corpus import generate

    folder.mkdir(parents=True, exist_ok=True)
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        settings.replace("[tool.teipipe]\n", '[tool.teipipe]\nschema = "schema"\ntransforms = "transforms"\n'),
        encoding="utf-8")
    shutil.copytree(ROOT / "pipeline" / "schema", folder / "schema")
    shutil.copytree(ROOT / "pipeline" / "transforms", folder / "transforms")
    if documents is None:
        shutil.copytree(ROOT / "seeds", folder / "seeds")
        for seed in (folder / "seeds").iterdir():
            seed.chmod(0o644)
    else:
        generate(folder / "seeds", documents)
    return folder


def digests(project: Path) -> str:
    """``<sha256>  <path>`` for every output file under ``tei/`` and ``build/``, by path."""
    lines = []
    for folder in ("tei", "build"):
        for path in sorted((project / folder).rglob("*")):
            relative = path.relative_to(project).as_posix()
            if path.is_file() and not (folder == "build" and path.parent == project / "build"
                                       and path.name.split(".")[0] in RECORDS):
                lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative}\n")
    return "".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    from pipeline.build import build
    from pipeline.config import load_settings

    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, documents in CORPORA.items():
        with tempfile.TemporaryDirectory(prefix="teipipe-outputs-") as folder:
            project = make_project(Path(folder) / name, documents)
            report = build(load_settings(project), jobs=1)
            (FIXTURES / f"{name}.sha256").write_text(digests(project), encoding="utf-8")
            print(f"{name}: {report.documents} documents, exit {report.exit_code}")


if __name__ == "__main__":
    main()
