"""The stages of ``teipipe build``, in the order :func:`pipeline.build.build` runs them, each a
function of the run and its documents:

- :mod:`.encode`: seeds to TEI, and the authority file;
- :mod:`.check`: the profile and the rules, and ids across the corpus;
- :mod:`.render`: the four renderings of each valid document;
- :mod:`.index`: the table of all rendered documents;
- the registers of names (:func:`pipeline.registers.registers_stage`).

:mod:`.run` holds what they share: the documents with their records, the run, the checkpoints.
"""
