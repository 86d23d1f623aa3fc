"""How fast `teipipe validate` checks a corpus, beside jing with the official tei_all grammar.

The corpus is the encoded documents of tei/ copied until there are --documents of them, each
copy with its own file name and ids (doc-000_….secret becomes doc-000_…-0042.secret), plus the
authority file. Both validators run over the whole corpus as a user would run them from the
command line, so the figures include starting the program and compiling the grammar; the two
teipipe runs take turns (--repeat times, the fastest of each kept) and report their CPU time
beside their wall time, since a shared machine's load changes from run to run:

    teipipe validate --no-cache --jobs 1 CORPUS   (profile and rules, one process)
    teipipe validate --no-cache --jobs 0 CORPUS   (the same, one worker process per core)
    jing tei_all.rng CORPUS/*.xml                 (the official grammar)

and then, with the corpus made a project, the runs of a user who checks it again (CI with its
cache restored, a pre-commit hook) in one process:

    teipipe validate --jobs 1 CORPUS        (the cache filled: every file checked and kept)
    teipipe validate --jobs 1 CORPUS        (nothing changed: every result from the cache)
    teipipe validate --jobs 1 CORPUS        (one file in a hundred edited)

It also times the profile alone with lxml and with xmlschema on a sample, the figures behind
the choice of validator in docs/validate.md.

With --schema it times what another TEI project would run in CI, a grammar and its embedded
Schematron, against the usual pair of tools on the same files:

    teipipe validate --schema tei_all.rng --jobs 1 CORPUS   (grammar + Schematron, one process)
    teipipe validate --schema tei_all.rng --jobs 0 CORPUS   (the same, one worker per core)
    jing tei_all.rng CORPUS/*.xml                            (the grammar)
      + java net.sf.saxon.Transform -xsl:S.xsl -s:CORPUS -o:OUT   (its Schematron, compiled to
        XSLT by teipipe and run by Saxon-HE on the JVM: Debian's libsaxonhe-java)

    python benchmarks/validate.py [--documents 5000] [--repeat 2] [--tei-all ../shared/tei/tei_all.rng] [--schema]
"""

from __future__ import annotations

import argparse
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

from lxml import etree  # noqa: E402

from pipeline.validate import safe_xml  # noqa: E402


def build_corpus(source: Path, target: Path, documents: int) -> list[Path]:
    """Copies of the documents in ``source`` (not the authority file) with varied ids, and the
    authority file, in ``target``."""
    originals = sorted(p for p in source.glob("*.xml") if p.name != "authority.xml")
    if not originals:
        raise SystemExit(f"no encoded documents in {source}: run `teipipe convert seeds -o tei` first")
    shutil.copy(source / "authority.xml", target / "authority.xml")
    written = []
    for number in range(documents):
        original = originals[number % len(originals)]
        stem = f"{original.stem}-{number:04d}"
        text = original.read_text(encoding="utf-8").replace(f"doc-{original.stem}", f"doc-{stem}")
        path = target / f"{stem}.xml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def edit_some(files: list[Path]) -> None:
    """An edit to each of ``files`` that keeps it valid: a comment after its root element."""
    for path in files:
        path.write_bytes(path.read_bytes().rstrip() + b"\n<!-- edited -->\n")


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    global last_cpu
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, done


#: The CPU seconds (user and system, the command and its workers) of the last :func:`timed` run.
last_cpu = 0.0


def profile_only(files: list[Path], xsd: Path) -> tuple[float, float]:
    """Documents per second for the profile alone: lxml (libxml2) and xmlschema."""
    import xmlschema

    trees = [safe_xml.parse(str(p), p.read_bytes()).tree for p in files]
    lxml_schema = etree.XMLSchema(etree.parse(str(xsd)))
    start = time.perf_counter()
    assert all(lxml_schema.validate(tree) for tree in trees)
    lxml_rate = len(trees) / (time.perf_counter() - start)
    python_schema = xmlschema.XMLSchema10(str(xsd))
    start = time.perf_counter()
    assert all(python_schema.is_valid(tree) for tree in trees)
    xmlschema_rate = len(trees) / (time.perf_counter() - start)
    return lxml_rate, xmlschema_rate


def schema_against_jing_and_saxon(corpus: Path, files: list[Path], grammar: Path, saxon_jar: Path) -> None:
    """teipipe validate --schema, against jing and a separate Schematron run on the same files."""
    from pipeline.validate import schematron

    count = len(files) + 1
    jing, java = shutil.which("jing"), shutil.which("java")
    if jing is None or java is None or not saxon_jar.is_file() or not grammar.is_file():
        print("--schema: not run (needs jing, java, Saxon-HE.jar and tei_all.rng)")
        return
    stylesheet = corpus.parent / f"{corpus.name}-schematron.xsl"
    stylesheet.write_text(schematron.extract_embedded(grammar), encoding="utf-8")
    output = corpus.parent / f"{corpus.name}-svrl"
    output.mkdir()
    jing_seconds, _ = timed([jing, str(grammar), *map(str, [corpus / "authority.xml", *files])])
    saxon_seconds, done = timed([java, "-cp", str(saxon_jar), "net.sf.saxon.Transform", f"-xsl:{stylesheet}",
                                 f"-s:{corpus}", f"-o:{output}"])
    baseline = jing_seconds + saxon_seconds
    print(f"jing tei_all.rng: {jing_seconds:.2f} s; Saxon-HE, the embedded Schematron: {saxon_seconds:.2f} s "
          f"(exit {done.returncode}); together {baseline:.2f} s, {count / baseline:.0f} documents/s")
    for jobs in (1, 0):
        label = "1 process" if jobs == 1 else f"{os.cpu_count()} processes"
        seconds, done = timed([sys.executable, "-m", "pipeline.cli", "validate", "--schema", str(grammar),
                               "--jobs", str(jobs), str(corpus)])
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
        print(f"teipipe validate --schema, {label}: {seconds:.2f} s, {count / seconds:.0f} documents/s, "
              f"exit {done.returncode}: {summary}")
        print(f"ratio, teipipe --schema ({label}) / (jing + Saxon): {baseline / seconds:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--tei-all", type=Path, default=ROOT.parent / "shared" / "tei" / "tei_all.rng")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each teipipe validate; the fastest counts")
    parser.add_argument("--sample", type=int, default=200, help="documents for the profile-only timing")
    parser.add_argument("--schema", action="store_true",
                        help="time --schema tei_all.rng against jing plus a separate Schematron run")
    parser.add_argument("--saxon-jar", type=Path, default=Path("/usr/share/java/Saxon-HE.jar"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="teipipe-bench-") as folder:
        corpus = Path(folder)
        files = build_corpus(ROOT / "tei", corpus, args.documents)
        count = len(files) + 1  # and the authority file
        print(f"corpus: {len(files)} documents + authority.xml in {corpus}")

        print(f"load average (1 minute): {os.getloadavg()[0]:.2f}")
        rates = {}
        # The two runs take turns, --repeat times, and each keeps its fastest: on a shared
        # machine the load changes from one run to the next.
        for _ in range(args.repeat):
            for jobs in (1, 0):
                label = "1 process" if jobs == 1 else f"{os.cpu_count()} processes"
                seconds, done = timed([sys.executable, "-m", "pipeline.cli", "validate", "--no-cache", "--jobs", str(jobs),
                                       str(corpus)])
                rates[label] = max(rates.get(label, 0.0), count / seconds)
                print(f"teipipe validate, profile + rules, {label}: {seconds:.2f} s ({last_cpu:.2f} s of CPU), "
                      f"{count / seconds:.0f} documents/s, exit {done.returncode}: "
                      f"{done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]}")

        # The same corpus as a project, checked again and again as CI or a hook would.
        (corpus / "pyproject.toml").write_text("[tool.teipipe]\n", encoding="utf-8")
        for label, before in (("with the cache, filling it", None), ("with the cache, nothing changed", None),
                              ("with the cache, 1 file in 100 edited", edit_some)):
            if before is not None:
                before(files[::100])
            seconds, done = timed([sys.executable, "-m", "pipeline.cli", "validate", "--jobs", "1", str(corpus)])
            rates[label] = count / seconds
            print(f"teipipe validate, {label}, 1 process: {seconds:.2f} s ({last_cpu:.2f} s of CPU), "
                  f"{count / seconds:.0f} documents/s, exit {done.returncode}")

        jing = shutil.which("jing")
        if jing is None or not args.tei_all.is_file():
            print("jing: not run (needs the jing command and tei_all.rng)")
        else:
            seconds, done = timed([jing, str(args.tei_all), *map(str, [corpus / "authority.xml", *files])])
            errors = [line for line in done.stdout.splitlines() if ": error:" in line]
            print(f"jing tei_all.rng: {seconds:.2f} s, {count / seconds:.0f} documents/s, "
                  f"exit {done.returncode}, {len(errors)} errors")
            for label, rate in rates.items():
                print(f"ratio, teipipe ({label}) / jing: {rate / (count / seconds):.2f}")
        one, many = rates["1 process"], rates[f"{os.cpu_count()} processes"]
        print(f"ratio, {os.cpu_count()} processes / 1 process: {many / one:.2f}  (above 1: the parallel run is faster)")
        print(f"load average (1 minute): {os.getloadavg()[0]:.2f}")

        if args.schema:
            schema_against_jing_and_saxon(corpus, files, args.tei_all, args.saxon_jar)

        lxml_rate, xmlschema_rate = profile_only(files[: args.sample], ROOT / "pipeline" / "schema" / "teipipe.xsd")
        print(f"profile alone on {min(args.sample, len(files))} parsed documents: lxml {lxml_rate:.0f} documents/s, "
              f"xmlschema {xmlschema_rate:.0f} documents/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
