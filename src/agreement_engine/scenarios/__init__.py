"""Scenario tests: what the agreements must give for a month, written down by the people who
negotiate them and run by ``agreement-engine test``.

The package owns, in the order a test file meets them: :mod:`.files` (test files found beside
the agreements, checked against their schema, read into cases), :mod:`.values` (values written
like formula literals, read exactly), :mod:`.inputs` (a case's aggregates or care episodes),
:mod:`.figures` (test figures that fill, for the cases only, figures no real file gives),
:mod:`.cases` (a case and how it went) and :mod:`.run` (the cases billed and compared). Their
results are shown by :mod:`agreement_engine.render.scenarios`.
"""
