"""A corpus of any size made from the bundled seeds, for benchmarks and tests.

Document ``n`` is seed ``n % 5`` with its own file name, and its printed dates, telegram and
cable numbers, classification markings and one correspondent's name varied by a random
generator seeded with ``n``: the same call always writes the same files.

    python benchmarks/corpus.py OUT_DIR --documents 10000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_DATE = re.compile(r"\b(\d{1,2})( (?:%s),? )(19\d\d)\b" % "|".join(MONTHS))
_NUMBER = re.compile(r"\b(NO\.|No\.|no\.|N°|Nr\.) ?(\d{3,6})\b")
_MARKINGS = {
    "Top Secret.": ["Top Secret.", "Secret.", "Confidential."],
    "~~SECRET~~": ["~~SECRET~~", "~~TOP SECRET~~", "~~CONFIDENTIAL~~"],
}
#: Correspondents for the one name each document may change: known to the vocabulary or not.
CORRESPONDENTS = ["Roshchin", "Panyushkin", "Zakharov", "Kovalev", "Vyshinsky", "Gromyko", "Malik",
                  "Zorin", "Fedorenko", "Kuznetsov"]


def templates(folder: Path = SEEDS) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]


def vary(text: str, number: int) -> str:
    """One document of the corpus: ``text`` with its dates, numbers, markings and one name varied."""
    rng = random.Random(number)
    year = rng.randint(1946, 1962)

    def date(match: re.Match) -> str:
        return f"{rng.randint(1, 28)}{match.group(2)}{year}"

    text = _DATE.sub(date, text)
    text = _NUMBER.sub(lambda m: f"{m.group(1)} {rng.randint(100, 99999)}", text)
    for marking, choices in _MARKINGS.items():
        text = text.replace(marking, rng.choice(choices))
    return text.replace("Roshchin", rng.choice(CORRESPONDENTS))


def file_name(number: int) -> str:
    return f"{number:06d}_{hashlib.sha256(str(number).encode()).hexdigest()[:16]}.txt"


def generate(out_dir: Path, documents: int, folder: Path = SEEDS) -> list[Path]:
    """Write ``documents`` seeds into ``out_dir`` (created if need be); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = templates(folder)
    written = []
    for number in range(documents):
        path = out_dir / file_name(number)
        path.write_text(vary(sources[number % len(sources)], number), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--documents", type=int, default=1000)
    arguments = parser.parse_args()
    generate(arguments.out_dir, arguments.documents)


if __name__ == "__main__":
    main()
