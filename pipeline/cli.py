"""The ``teipipe`` command line: a thin Click layer over the library.

Each command parses its options, calls one library function and maps the report it gets back to
an exit code: 0 when everything succeeded, 1 when any input failed, 2 for a usage error.
"""

from __future__ import annotations

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teipipe")
def cli() -> None:
    """teipipe turns plain-text archival documents (ciphered telegrams, intelligence bulletins,
    diplomatic cables) into TEI P5 XML, validates it, and renders it as HTML and plain text.

    \b
    Typical use:
      teipipe convert seeds -o tei     encode every .txt file in seeds/ into tei/
      teipipe validate tei             check the TEI against the profile, the rules and tei_all
      teipipe render tei --to html     write the HTML edition
      teipipe build                    all of the above, incrementally
    """


def main() -> None:
    cli(prog_name="teipipe")


if __name__ == "__main__":
    main()
