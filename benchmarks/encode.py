"""How much CPU the encoder spends per document, against another version of the code.

For each corpus folder it encodes every ``.txt`` file in one process (``convert_text``, the
build's encode stage without its workers) and reads the names of the TEI written
(``registers.names_of``, the build's names pass), timing each with ``time.process_time``. It
does so for this checkout and for a git revision (``--against``, exported into a temporary
folder), each in its own fresh process, alternately (``--rounds``), and prints milliseconds of
CPU per document for both and their ratio, and whether the two wrote the same bytes.

    python benchmarks/encode.py [--against main] [--documents 200] [FOLDER ...]

Without folders it encodes a corpus of ``--documents`` generated from the seeds
(benchmarks/corpus.py) and the development corpora of ``../shared/corpus`` when present.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


def child(code: Path, folders: list[Path]) -> None:
    """Encode every folder with the code of the checkout ``code`` and print the figures as JSON."""
    sys.path.insert(0, str(code))
    import pipeline

    assert Path(pipeline.__file__).resolve().is_relative_to(code.resolve()), pipeline.__file__
    from pipeline.authority import Authority
    from pipeline.config import settings_or_defaults
    from pipeline.convert import convert_text, encoding_context
    from pipeline.registers import names_of

    settings = settings_or_defaults(code)
    for folder in folders:  # the vocabularies compiled and the code loaded before the clock starts
        for path in sorted(folder.glob("*.txt"))[:5]:
            convert_text(path.read_bytes(), str(path), Authority.load(), encoding_context(settings, path))
    figures = {}
    for folder in folders:
        authority = Authority.load()
        encode: list[float] = []
        names: list[float] = []
        outputs = hashlib.sha256()
        sources = sorted(folder.glob("*.txt"))
        for path in sources:
            data = path.read_bytes()
            context = encoding_context(settings, path)
            started = time.process_time()
            tei, _ = convert_text(data, str(path), authority, context)
            middle = time.process_time()
            found = names_of(path.with_suffix(".xml"), tei)
            names.append(time.process_time() - middle)
            encode.append(middle - started)
            outputs.update(hashlib.sha256(tei).digest() + json.dumps(found).encode())
        figures[str(folder)] = {"documents": len(sources), "encode": encode, "names": names,
                                "digest": outputs.hexdigest()}
    print(json.dumps(figures))


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` of this repository, written into ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision],
                             check=True, capture_output=True).stdout
    archive_path = into / "tree.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def run(code: Path, folders: list[Path]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(code), *map(str, folders)],
                          capture_output=True, text=True, cwd=code)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--against", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--documents", type=int, default=200, help="size of the generated corpus (default: 200)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each version, alternately (default: 2)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.folders)
        return
    with tempfile.TemporaryDirectory(prefix="teipipe-encode-") as temporary:
        work = Path(temporary)
        folders = list(arguments.folders)
        if not folders:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from corpus import generate

            generate(work / "generated", arguments.documents)
            folders = [work / "generated"] + [f for f in (SHARED / "archive-dev", SHARED / "frus-dev") if f.is_dir()]
        other = export(arguments.against, work)
        best: dict[str, dict[str, dict]] = {"this": {}, "other": {}}
        for _ in range(arguments.rounds):
            for name, code in (("other", other), ("this", ROOT)):
                for folder, figures in run(code, folders).items():
                    kept = best[name].setdefault(folder, figures)
                    for part in ("encode", "names"):  # each document's least time: the others' work on the machine left out
                        kept[part] = [min(pair) for pair in zip(kept[part], figures[part])]
                    kept["same"] = kept.get("same", True) and kept["digest"] == figures["digest"]
        print(f"CPU ms per document (the least of {arguments.rounds} runs for each document), "
              f"{arguments.against} → this checkout")
        print(f"{'corpus':<14} {'docs':>5} {'encode':>15} {'names':>13} {'both':>15} {'ratio':>6}  same bytes")
        for folder in folders:
            old, new = best["other"][str(folder)], best["this"][str(folder)]
            count = new["documents"] or 1

            def ms(figures: dict, part: str) -> float:
                return 1000 * sum(figures["encode"] + figures["names"] if part == "both" else figures[part]) / count

            cells = [f"{ms(old, part):6.2f} →{ms(new, part):6.2f}" for part in ("encode", "names", "both")]
            ratio = ms(old, "both") / max(ms(new, "both"), 1e-9)
            print(f"{folder.name:<14} {new['documents']:>5} {cells[0]:>15} {cells[1]:>13} {cells[2]:>15} "
                  f"{ratio:>5.2f}x  {'yes' if old['digest'] == new['digest'] and old['same'] and new['same'] else 'NO'}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}; "
              f"at {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    main()
