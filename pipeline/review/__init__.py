"""``teipipe review``: a local web application in which an editor accepts or corrects the
encoder's decisions, document by document.

:mod:`.corpus` reads a document as the review shows it (the source, the encoder's reading with
the editors' entries applied, its decisions and their state); :mod:`.pages` writes the HTML;
:mod:`.app` is the Starlette application (routes, the token every post carries, the checks on
what is posted) and :func:`.app.serve` runs it with uvicorn on 127.0.0.1. What an editor does is
written to ``review/<stem>.toml`` by :func:`pipeline.corrections.update`.
"""
