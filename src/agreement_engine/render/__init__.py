"""Results turned into what people and machines read: text, CSV, JSON and XLSX.

A module (or a few) per result: the invoice basis (:mod:`.invoice`, the table and every
format; CSV in :mod:`.invoice_csv`, JSON in :mod:`.invoice_json`, the workbook in :mod:`.xlsx`),
the derivation of a line (:mod:`.explain`), the timeline (:mod:`.timeline`), the diff and its
impact (:mod:`.diff`, with :mod:`.marks` for the changed part of a formula or a text), the
scenario tests (:mod:`.scenarios`), the ledger's documents (:mod:`.ledger`). Each takes a
result object and returns text or bytes; nothing here reads, loads or writes a file (the command
line writes what it is given), so the same result renders the same way in a notebook, a test or
a terminal.

It may import the result types from :mod:`agreement_engine.review`,
:mod:`agreement_engine.scenarios`, :mod:`agreement_engine.ledger`,
:mod:`agreement_engine.billing`, :mod:`agreement_engine.agreements` and
:mod:`agreement_engine.data`, and :mod:`agreement_engine.formula`, :mod:`agreement_engine.months`
and :mod:`agreement_engine.diagnostics`; it is imported only by :mod:`agreement_engine.api` and
:mod:`agreement_engine.cli`.
"""
