"""The stages of ``teipipe build``, in the order :func:`pipeline.build.build` runs them, each a
function of the run and its documents:

- :mod:`.encode`: seeds to TEI, and the authority file;
- :mod:`.check`: the profile and the rules, and ids across the corpus;
- :mod:`.render`: the four renderings of each valid document;
- :mod:`.index`: the table of all rendered documents;
- :mod:`.registers`: the registers of names, from the names the manifest keeps.

:mod:`.run` holds what they share: the documents with their records, the run, the checkpoints.
"""
