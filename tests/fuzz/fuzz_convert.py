"""A coverage-guided fuzz target for the encoder (atheris, libFuzzer for Python).

Each input is handed to ``convert_text`` as the bytes of a source file and checked with the
oracle of tests/fuzz/oracle.py: a clean refusal naming the file, or a well-formed TEI document
that keeps every word of its source. (Validation against tei_all is left to tests/test_fuzz.py:
it would slow each run down tenfold.) A failed check or any other exception stops the fuzzer
and leaves the input in a crash-* file. Run from the project folder:

    pip install atheris
    mkdir -p build/fuzz-corpus && cp seeds/*.txt build/fuzz-corpus/
    python -m tests.fuzz.fuzz_convert build/fuzz-corpus -max_total_time=600 -max_len=20000

Any input it finds belongs in tests/test_fuzz.py as an ``@example``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from tests.fuzz.oracle import check_conversion


def test_one_input(data: bytes) -> None:
    check_conversion(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
