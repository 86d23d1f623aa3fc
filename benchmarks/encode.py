"""How much CPU the encoder spends per document, against another version of the code.

It exports a git revision (``--against``, default ``main``) into a temporary folder and loads
its ``pipeline`` beside this checkout's, in the same process, under another name. Then, for
each corpus folder, every ``.txt`` file is encoded by both in turn (``convert_text``, the
build's encode stage without its workers) and the names of the TEI read (``registers.names_of``,
the build's names pass), each timed with ``time.process_time``: the two versions meet the same
load on the machine at the same moment, so their ratio holds on a busy machine too. Each
document's time is the least of ``--rounds`` runs. It prints milliseconds of CPU per
document for both, their ratio, and whether the two wrote the same bytes and names.

    python benchmarks/encode.py [--against main] [--documents 200] [--rounds 3] [FOLDER ...]

Without folders it encodes a corpus of ``--documents`` generated from the seeds
(benchmarks/corpus.py) and the development corpora of ``../shared/corpus`` when present.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


class Version:
    """One version of the package: what the benchmark calls of it."""

    def __init__(self, package: str, root: Path) -> None:
        def module(name: str):
            return importlib.import_module(f"{package}.{name}")

        self.name = package
        self.authority = module("authority").Authority
        self.convert_text = module("convert").convert_text
        self.encoding_context = module("convert").encoding_context
        self.names_of = module("registers").names_of
        self.settings = module("config").settings_or_defaults(root)

    def run(self, path: Path, data: bytes, authority) -> tuple[float, float, bytes]:
        context = self.encoding_context(self.settings, path)
        started = time.process_time()
        tei, _ = self.convert_text(data, str(path), authority, context)
        middle = time.process_time()
        names = self.names_of(path.with_suffix(".xml"), tei)
        ended = time.process_time()
        return middle - started, ended - middle, hashlib.sha256(tei + json.dumps(names).encode()).digest()


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` of this repository, written into ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision],
                             check=True, capture_output=True).stdout
    (into / "tree.tar").write_bytes(archive)
    with tarfile.open(into / "tree.tar") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into / "tree", filter="data")
        else:  # Python before 3.11.4: the archive is this repository's own
            tar.extractall(into / "tree")
    return into / "tree"


def measure(versions: list[Version], folders: list[Path], rounds: int) -> dict:
    """{folder: {version: {"encode": [s per document], "names": [...]}, "same": bool}}."""
    sources = {folder: [(path, path.read_bytes()) for path in sorted(folder.glob("*.txt"))] for folder in folders}
    for version in versions:  # vocabularies compiled and code loaded before the clock starts
        for folder in folders:
            for path, data in sources[folder][:5]:
                version.run(path, data, version.authority.load())
    figures: dict = {}
    for _ in range(rounds):
        for folder in folders:
            kept = figures.setdefault(str(folder), {"same": True})
            authorities = [version.authority.load() for version in versions]
            for number, (path, data) in enumerate(sources[folder]):
                order = range(len(versions)) if number % 2 == 0 else reversed(range(len(versions)))
                done = {}
                for index in order:
                    done[index] = versions[index].run(path, data, authorities[index])
                kept["same"] = kept["same"] and len({digest for _, _, digest in done.values()}) == 1
                for index, version in enumerate(versions):
                    times = kept.setdefault(version.name, {"encode": [], "names": []})
                    encode, names, _ = done[index]
                    if len(times["encode"]) <= number:
                        times["encode"].append(encode)
                        times["names"].append(names)
                    else:
                        times["encode"][number] = min(times["encode"][number], encode)
                        times["names"][number] = min(times["names"][number], names)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--against", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--documents", type=int, default=200, help="size of the generated corpus (default: 200)")
    parser.add_argument("--rounds", type=int, default=3, help="runs over each corpus (default: 3)")
    arguments = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="teipipe-encode-") as temporary:
        work = Path(temporary)
        folders = list(arguments.folders)
        if not folders:
            from corpus import generate

            generate(work / "generated", arguments.documents)
            folders = [work / "generated"] + [f for f in (SHARED / "archive-dev", SHARED / "frus-dev") if f.is_dir()]
        other = export(arguments.against, work)
        (work / "packages").mkdir()
        (work / "packages" / "pipeline_before").symlink_to(other / "pipeline", target_is_directory=True)
        sys.path.append(str(work / "packages"))
        versions = [Version("pipeline_before", other), Version("pipeline", ROOT)]
        figures = measure(versions, folders, arguments.rounds)
    print(f"CPU ms per document (each document's least of {arguments.rounds} runs): "
          f"{arguments.against} → this checkout")
    print(f"{'corpus':<14} {'docs':>5} {'encode':>15} {'names':>13} {'both':>15} {'ratio':>6}  same bytes")
    for folder in folders:
        found = figures[str(folder)]
        count = len(found["pipeline"]["encode"]) or 1

        def ms(name: str, part: str) -> float:
            times = found[name]
            return 1000 * sum(times["encode"] + times["names"] if part == "both" else times[part]) / count

        cells = [f"{ms('pipeline_before', part):6.2f} →{ms('pipeline', part):6.2f}" for part in ("encode", "names", "both")]
        ratio = ms("pipeline_before", "both") / max(ms("pipeline", "both"), 1e-9)
        print(f"{folder.name:<14} {count:>5} {cells[0]:>15} {cells[1]:>13} {cells[2]:>15} {ratio:>5.2f}x  "
              f"{'yes' if found['same'] else 'NO'}")
    print(f"load average before and after: {' '.join(f'{x:.2f}' for x in load)} → "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
