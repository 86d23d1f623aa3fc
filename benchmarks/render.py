"""How much CPU each part of rendering a document takes, with this checkout's stylesheets and,
in the same run, with those of another commit (the baseline).

It generates a corpus from the seeds (benchmarks/corpus.py), encodes it, and then, in this one
process after a warm-up, times with ``time.process_time`` each part of the render stage on every
document: parsing the TEI for the stylesheets, each view (html reading and review, text reading
and diplomatic), the index facts, and ``executor.render_document`` as the build calls it (all of
them from one parse). It prints milliseconds of CPU per document for each part and each set of
stylesheets, and their ratio.

    python benchmarks/render.py [--documents 100] [--baseline main] [--rounds 5]

The baseline's stylesheets are taken from git (``git archive REV pipeline/transforms``); the
Python side (parsing, calling Saxon) is this checkout's for both, so only the stylesheets differ
between the two columns of a row; the build's whole call is this checkout's alone. Every part is
timed batch by batch of ten documents, each batch with every part in turn, and the least of the
rounds is kept for each batch: work of others on the machine then weighs on all parts alike.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = [("html", "reading"), ("html", "review"), ("text", "reading"), ("text", "diplomatic")]


def encode(documents: int, folder: Path) -> list[tuple[Path, bytes]]:
    from benchmarks.corpus import generate
    seeds = folder / "seeds"
    tei = folder / "tei"
    generate(seeds, documents)
    subprocess.run([sys.executable, "-m", "pipeline.cli", "convert", str(seeds), "-o", str(tei)],
                   check=True, capture_output=True, cwd=ROOT)
    return [(path, path.read_bytes()) for path in sorted(tei.glob("*.xml")) if path.name != "authority.xml"]


def stylesheets_of(revision: str, folder: Path) -> Path:
    """The transforms folder of ``revision``, extracted under ``folder``."""
    archive = subprocess.run(["git", "archive", revision, "pipeline/transforms"], check=True,
                             capture_output=True, cwd=ROOT).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "pipeline" / "transforms"


def cpu_ms(function, items) -> float:
    """Milliseconds of CPU per item for ``function(item)``."""
    started = time.process_time()
    for item in items:
        function(item)
    return (time.process_time() - started) * 1000 / len(items)


def parts(nodes: list, transforms: Path) -> dict[str, object]:
    """The parts to time with the stylesheets in ``transforms``: name -> a function of one parsed document."""
    from pipeline.render import index_facts, render_node

    found = {f"{to} {view}": (lambda n, to=to, view=view: render_node(n[1], to, view, n[0], transforms=transforms))
             for to, view in PARTS}
    found["index facts"] = lambda n: index_facts(n[1], n[0], transforms=transforms)
    return found


def measure(documents: list[tuple[Path, bytes]], stylesheets: dict[str, Path], rounds: int) -> dict[str, dict]:
    """{column: {part: ms}}: each part timed with each set of stylesheets in turn, batch by batch
    of ten documents, and the least of the rounds kept for each batch, so that other work on the
    machine weighs on both columns alike."""
    from pipeline.executor import render_document
    from pipeline.render import parse_xml

    nodes = [(path, parse_xml(data, path)) for path, data in documents]
    jobs = build_jobs(documents)
    columns = {column: parts(nodes, transforms) for column, transforms in stylesheets.items()}
    for found in columns.values():  # warm-up: compile, and let the processor settle
        for function in found.values():
            for node in nodes[:10]:
                function(node)
    for job in jobs[:10]:
        render_document(job)
    batches = [range(start, min(start + 10, len(nodes))) for start in range(0, len(nodes), 10)]
    best: dict[tuple, float] = {}
    for _ in range(rounds):
        for number, batch in enumerate(batches):
            timed = [(("parse",), lambda i: parse_xml(documents[i][1], documents[i][0])),
                     (("build",), lambda i: render_document(jobs[i]))]
            for column, found in columns.items():
                for name, function in found.items():
                    timed.append(((column, name), lambda i, function=function: function(nodes[i])))
            for key, function in timed:
                started = time.process_time()
                for i in batch:
                    function(i)
                elapsed = time.process_time() - started
                best[key + (number,)] = min(elapsed, best.get(key + (number,), elapsed))

    def ms(key: tuple) -> float:
        return sum(best[key + (number,)] for number in range(len(batches))) * 1000 / len(nodes)

    figures = {"build": ms(("build",))}
    for column, found in columns.items():
        figures[column] = {"parse": ms(("parse",)), **{name: ms((column, name)) for name in found}}
        part = figures[column]
        part["sum of the parts"] = sum(part.values())
    return figures


def build_jobs(documents: list[tuple[Path, bytes]]) -> list:
    """The build's render jobs for the documents, with this checkout's stylesheets."""
    from pipeline.executor import RenderJob, Toolkit, install
    from pipeline.resources import SCHEMA, TRANSFORMS

    toolkit = Toolkit.of(SCHEMA, TRANSFORMS, None)
    install(toolkit)
    return [RenderJob(path.stem, path, data, toolkit) for path, data in documents]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--baseline", default="main", help="the commit whose stylesheets to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from pipeline.resources import TRANSFORMS

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="teipipe-render-") as folder:
        documents = encode(args.documents, Path(folder))
        figures = measure(documents, {"baseline": stylesheets_of(args.baseline, Path(folder) / "baseline"),
                                      "current": TRANSFORMS}, args.rounds)
        baseline, current, whole = figures["baseline"], figures["current"], figures["build"]
    print(f"{len(documents)} documents, ms of CPU per document (least of {args.rounds} rounds, batch by batch)")
    print(f"{'part':<20}{args.baseline:>12}{'this checkout':>16}{'ratio':>8}")
    for name in current:
        ratio = baseline[name] / current[name] if current[name] else float("inf")
        print(f"{name:<20}{baseline[name]:>12.2f}{current[name]:>16.2f}{ratio:>7.1f}x")
    label = "the build's call"
    print(f"{label:<20}{'':>12}{whole:>16.2f}   (executor.render_document: all of it, one parse)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
