"""How fast `teipipe build` is, cold and with nothing to do, and how much memory it takes.

For each corpus size it generates that many seeds (benchmarks/corpus.py) in a temporary copy of
the project and runs, each in a fresh process:

    teipipe build        from scratch (no tei/, no build/)
    teipipe build        again, with nothing changed
    teipipe build        again, after one seed was edited (a paragraph added)

It prints documents per second for each stage, the time of the no-op rebuild and of the rebuild
after one edit (the whole command, starting Python included), the peak memory of the build
process and of its largest worker, and the floor: lxml parsing and serialising the same TEI
files in one process, the least any tool that reads and writes them must spend.

Every corpus stays on disk until the last one is measured, and before each one the time to
create a file in the folder is measured and printed: on an ext4 file system without a journal,
making a file passes over every inode of its group freed in the last few minutes (the kernel
will not reuse them yet), so a build just after many files were deleted there, such as the
previous corpus or a test run, spends up to a millisecond in the kernel on each file it writes.

    python benchmarks/build.py [--documents 1000 10000] [--jobs 0] [--folder DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(project: Path, jobs: int) -> None:
    """Run one build in this process and print its figures as JSON."""
    from pipeline.build import build
    from pipeline.config import load_settings

    report = build(load_settings(project), jobs=jobs)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "times": report.times, "documents": report.documents, "converted": len(report.converted),
        "checked": len(report.checked), "rendered": len(report.rendered), "invalid": len(report.invalid),
        "did_nothing": report.did_nothing, "exit": report.exit_code,
        "peak_mib": own / 1024, "worker_peak_mib": workers / 1024,
    }))


def run_child(project: Path, jobs: int) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", str(project), "--jobs", str(jobs)],
                          capture_output=True, text=True, cwd=project)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1])


def floor(tei: Path) -> float:
    """Documents per second for lxml to parse and serialise every TEI file in ``tei`` (one core)."""
    from lxml import etree

    paths = [p for p in sorted(tei.glob("*.xml")) if p.name != "authority.xml"]
    started = time.perf_counter()
    for path in paths:
        etree.tostring(etree.fromstring(path.read_bytes()), xml_declaration=True, encoding="UTF-8")
    return len(paths) / (time.perf_counter() - started)


#: Creating a file slower than this (microseconds) is the file system's doing, not the build's.
SLOW_CREATE = 200.0


def creation_cost(folder: Path, files: int = 500) -> float:
    """Microseconds to create (and write a line into) a file in ``folder``, over ``files`` new
    files, which are left there: deleting them would slow the next files made beside them."""
    folder.mkdir(parents=True)
    started = time.perf_counter()
    for number in range(files):
        (folder / f"{number}.txt").write_bytes(b"probe\n")
    return (time.perf_counter() - started) / files * 1e6


def measure(documents: int, jobs: int, folder: Path) -> dict:
    """Build a corpus of ``documents`` generated seeds in a new project under ``folder`` (left
    there), cold, with nothing changed and after one edit."""
    from benchmarks.corpus import generate

    load = os.getloadavg()[0]
    creating = creation_cost(folder / f"probe-{documents}")
    project = folder / f"project-{documents}"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    generate(project / "seeds", documents)
    cold_wall, cold = run_child(project, jobs)
    started = time.perf_counter()
    noop = subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--quiet"], cwd=project,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    noop_wall = time.perf_counter() - started
    _, again = run_child(project, jobs)
    edited = sorted((project / "seeds").glob("*.txt"))[documents // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more paragraph, added to time a rebuild.\n",
                      encoding="utf-8")
    one_wall, one = run_child(project, jobs)
    floor_rate = floor(project / "tei")
    manifest = sum(p.stat().st_size for p in (project / "build").glob("manifest.sqlite*"))
    return {"documents": documents, "cold_wall": cold_wall, "cold": cold, "noop_wall": noop_wall,
            "noop_exit": noop.returncode, "noop": again, "one_wall": one_wall, "one": one,
            "floor": floor_rate, "manifest_bytes": manifest, "creating_us": creating,
            "load": (load, os.getloadavg()[0])}


def show(result: dict) -> None:
    n = result["documents"]
    cold = result["cold"]
    times = cold["times"]
    print(f"\n{n} documents, {os.cpu_count()} cores")
    slow = result["creating_us"] > SLOW_CREATE
    print(f"  creating a file   {result['creating_us']:7.0f} µs in the corpus's folder, before the build"
          + (" (slow: many files were deleted there lately, and the cold build's times include it)" if slow else ""))
    print(f"  cold build        {result['cold_wall']:7.1f} s wall, {n / times['total']:7.0f} documents/s overall"
          f" (exit {cold['exit']}, {cold['invalid']} invalid)")
    for stage in ("scan", "encode", "check", "render", "index", "registers"):
        seconds = times.get(stage, 0.0)
        rate = f"{n / seconds:7.0f} documents/s" if seconds and stage not in ("index", "registers") else ""
        print(f"    {stage:<8} {seconds:7.2f} s  {rate}")
    print(f"  no-op rebuild     {result['noop_wall']:7.2f} s wall (the command), "
          f"{result['noop']['times']['total']:.2f} s in build(); did nothing: {result['noop']['did_nothing']}")
    one = result["one"]["times"]
    print(f"  one seed edited   {result['one_wall']:7.2f} s wall (the command; "
          + ", ".join(f"{stage} {one.get(stage, 0.0):.2f}" for stage in ("scan", "encode", "check", "render", "index",
                                                                      "registers"))
          + f"), {result['one']['converted']} converted, {result['one']['rendered']} rendered")
    print(f"  peak memory       {cold['peak_mib']:7.0f} MiB build process, {cold['worker_peak_mib']:.0f} MiB largest worker"
          f" (no-op: {result['noop']['peak_mib']:.0f} MiB)")
    print(f"  manifest          {result['manifest_bytes'] / 1024:7.0f} KiB")
    floor_seconds = n / result["floor"]
    ratio = times["total"] / floor_seconds
    print(f"  floor (lxml parse + serialise, one core) {result['floor']:7.0f} documents/s, {floor_seconds:.2f} s")
    print(f"  cold build / floor {ratio:7.1f}x  (target: within 20x)")
    print(f"  no-op rebuild      {result['noop_wall']:7.2f} s  (target: under 1 s)")
    print(f"  peak memory        {max(cold['peak_mib'], cold['worker_peak_mib']):7.0f} MiB  (target: under 1024 MiB)")
    print(f"  load average       {result['load'][0]:.2f} before, {result['load'][1]:.2f} after (1 minute)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to make the corpora (default: the system's temporary folder)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.jobs)
        return
    # One folder for every corpus, deleted at the end: a corpus deleted before the next is
    # measured would slow the next one's files (see above).
    if arguments.folder is not None:
        arguments.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="teipipe-bench-", dir=arguments.folder) as folder:
        for documents in arguments.documents:
            show(measure(documents, arguments.jobs, Path(folder)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
