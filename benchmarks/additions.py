"""What handing out an encode job costs as the names the build added grow (pipeline/additions.py).

A corpus that names new people on every page makes the build's authority grow by tens of
thousands of names, and every job carries them all to its worker. For each count of names this
times one step of a build: one more name added, the job's names made (:class:`Blocks`), pickled
as a job travels to a worker process, unpickled there, and applied to the worker's authority,
which holds the names of the job before (:func:`apply`). The baseline, in the same run, is the
same names as one flat tuple of every name, which the worker compares with what it holds
before adding the new one: what jobs carried before blocks.

    python benchmarks/additions.py [--names 1000 10000 50000] [--steps 50]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.additions import Blocks, addition, apply  # noqa: E402
from pipeline.authority import Authority, seed_entries  # noqa: E402


def name(number: int) -> str:
    """A person's name of its own for each number: its digits spelt as letters (a name of digits is none)."""
    return "Someone Called" + "".join("abcdefghij"[int(digit)] for digit in str(number))


def with_names(count: int) -> Authority:
    authority = Authority(seed_entries())
    for number in range(count):
        authority.ref_for(name(number), "person")
    return authority


def blocks_step(build: Authority, blocks: Blocks, worker: Authority, number: int) -> int:
    build.ref_for(name(number), "person")
    data = pickle.dumps(blocks.now(), protocol=pickle.HIGHEST_PROTOCOL)
    assert apply(worker, pickle.loads(data))
    return len(data)


def flat_step(build: Authority, worker: Authority, number: int) -> int:
    build.ref_for(name(number), "person")
    data = pickle.dumps(tuple(addition(entry) for entry in build.added.values()), protocol=pickle.HIGHEST_PROTOCOL)
    added = pickle.loads(data)
    present = list(worker.added)
    assert present == [ident for _, ident, _ in added[:len(present)]]
    for kind, ident, printed in added[len(present):]:
        assert worker.ref_for(printed, kind) == ident
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--steps", type=int, default=50)
    arguments = parser.parse_args()
    for count in arguments.names:
        timings = {}
        for way in ("flat tuple", "blocks"):
            build, worker = with_names(count), with_names(count)
            blocks = Blocks(build)
            step = (lambda n: blocks_step(build, blocks, worker, n)) if way == "blocks" else \
                (lambda n: flat_step(build, worker, n))
            step(count)  # the worker holds the names of the job before
            started = time.perf_counter()
            size = sum(step(count + 1 + n) for n in range(arguments.steps)) / arguments.steps
            timings[way] = (time.perf_counter() - started) / arguments.steps
            print(f"{count:>7} names, {way:>10}: {timings[way] * 1000:8.3f} ms per job, {size / 1e6:6.2f} MB pickled")
        print(f"{count:>7} names: blocks {timings['flat tuple'] / timings['blocks']:.1f} times faster than the flat tuple")


if __name__ == "__main__":
    main()
