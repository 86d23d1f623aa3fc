"""``teipipe deposit``: the corpus as a BagIt bag (RFC 8493) that an archive can ingest and verify.

:func:`deposit` brings the build up to date (:func:`pipeline.build.build`, which does no work when
the build is current) and writes a bag::

    OUT/
      bagit.txt                  BagIt-Version 1.0, UTF-8 tag files
      bag-info.txt               who deposited what, when; counts of documents and redactions
      manifest-sha256.txt        a checksum of every payload file, in each algorithm
      manifest-sha512.txt
      tagmanifest-sha256.txt     a checksum of every tag file above
      tagmanifest-sha512.txt
      data/
        tei/                     the TEI documents and authority.xml, the people, places and
                                 organisations they point at
        seeds/                   the source texts the documents were encoded from
        schema/                  the profile: teipipe.odd (its source), teipipe.xsd (and
                                 xml.xsd, which it imports), teipipe.rng and teipipe.sch (which
                                 each TEI file names in <?xml-model?>), and rules.json, the
                                 rule codes and messages of the validator
        html/, text/             the renderings: reading and review pages, the index,
                                 reading and diplomatic texts
        inventory.json, inventory.csv   one row per document: ids, title, dates, classification,
                                 and the SHA-256 of each of its files
        validation-report.json   what validation found in data/tei/ when the bag was made

Only a corpus that validates is packed; ``allow_invalid`` packs an invalid one too, and the
problems are recorded in ``validation-report.json`` and in ``bag-info.txt``. The bag is written
into a temporary folder beside OUT, checked, and renamed into place: OUT is never half-written.
Files, manifest lines and bag-info lines are in sorted order and nothing in the bag depends on
the time except Bagging-Date (``SOURCE_DATE_EPOCH`` when set), so the same inputs give the same
bytes.

:func:`verify` checks a bag: its structure, every checksum of every manifest and tag manifest,
Payload-Oxum, missing and stray files, and every TEI document against the schema and the rules
shipped inside the bag. It returns one :class:`Fault` per thing that is wrong. docs/deposit.md
explains the package to an archivist.

The package, one module per concept:

- :mod:`.layout`: what a bag holds (names, algorithms) and the bytes of its manifests;
- :mod:`.report`: the errors, :class:`Fault` and :class:`DepositReport`;
- :mod:`.describe`: what the bag says of its documents (rules table, inventory, bag-info);
- :mod:`.write`: :func:`deposit`, laying out and writing a bag;
- :mod:`.verification`: :func:`verify` and :func:`validate_payload`.
"""

from __future__ import annotations

from .describe import rules_table
from .layout import ALGORITHMS, PAYLOAD, TAG_FILES
from .report import DepositError, DepositReport, DestinationError, Fault
from .verification import validate_payload, verify
from .write import deposit

__all__ = ["ALGORITHMS", "PAYLOAD", "TAG_FILES", "DepositError", "DepositReport", "DestinationError", "Fault",
           "deposit", "rules_table", "validate_payload", "verify"]
