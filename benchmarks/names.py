"""What the name pass costs in the encode: the share of the encode time spent tagging the names
of the running text (pipeline/recognise/names.py), on a generated corpus.

Every document of the corpus (benchmarks/corpus.py: the seeds varied, 10,000 by default) is
encoded in memory as ``teipipe convert`` encodes it, with one authority file for the whole
batch, after a warm-up on a few documents (every recogniser compiles its patterns once); the
time of the name pass is measured inside each encode (building its pattern once included). The ratio printed is the pass's time over the whole encode time, measured in the
same run; the exit status is 1 when it is above --limit (0.20). With --without, the corpus is
encoded a second time with the pass switched off, and the difference is printed as well.

    python benchmarks/names.py [--documents 10000] [--limit 0.20] [--without]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from pipeline import recognise as recognise_package  # noqa: E402
from pipeline.authority import Authority  # noqa: E402
from pipeline.convert import convert_text  # noqa: E402
from pipeline.encode import EncodingContext  # noqa: E402
from pipeline.recognise import names  # noqa: E402


class TimedPass:
    """The name pass with a stopwatch around it."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.seconds = 0.0
        self.original = names.mark_names

    def __call__(self, division, facts, authority) -> None:
        if not self.enabled:
            return
        start = time.perf_counter()
        self.original(division, facts, authority)
        self.seconds += time.perf_counter() - start


def encode_all(sources: list[tuple[str, bytes]], name_pass: TimedPass) -> float:
    """Encode every source with one authority file; the total time in seconds."""
    recognise_package._names.mark_names = name_pass
    try:
        authority = Authority.load()
        context = EncodingContext()
        start = time.perf_counter()
        for name, data in sources:
            convert_text(data, name, authority, context)
        return time.perf_counter() - start
    finally:
        recognise_package._names.mark_names = name_pass.original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--limit", type=float, default=0.20)
    parser.add_argument("--without", action="store_true", help="also encode with the pass switched off")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = generate(Path(folder), arguments.documents)
        sources = [(path.name, path.read_bytes()) for path in paths]
    encode_all(sources[:20], TimedPass())  # warm up: the recognisers compile their patterns once
    timed = TimedPass()
    total = encode_all(sources, timed)
    ratio = timed.seconds / total
    print(f"documents: {len(sources)}")
    print(f"encode time: {total:.2f} s ({total / len(sources) * 1000:.2f} ms a document)")
    print(f"name pass: {timed.seconds:.2f} s")
    print(f"name pass / encode: {ratio:.3f} (limit {arguments.limit:.2f})")
    if arguments.without:
        bare = encode_all(sources, TimedPass(enabled=False))
        print(f"encode time without the pass: {bare:.2f} s; (with - without) / with: {(total - bare) / total:.3f}")
    return 0 if ratio <= arguments.limit else 1


if __name__ == "__main__":
    sys.exit(main())
