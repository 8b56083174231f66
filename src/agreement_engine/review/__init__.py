"""Reviewing agreement files: what ``check``, ``diff`` and ``timeline`` find, as results.

Owns the checks across files (:mod:`.checks`, gathering :mod:`.references`, :mod:`.validity`,
:mod:`.formulas` and :mod:`.governance`: generators of diagnostics, each naming the part it is
about by a key path), the canonical form of a document and its key paths (:mod:`.canonical`),
the comparison of two versions by meaning (:mod:`.diff`), which months a change can touch
(:mod:`.scope`), the billing of both versions on data (:mod:`.impact`), reading a side from disk
or git (:mod:`.revisions`, :mod:`.compare`), and the timeline of what governs each month
(:mod:`.timeline`).

It may import :mod:`agreement_engine.billing`, :mod:`agreement_engine.agreements`,
:mod:`agreement_engine.data`, :mod:`agreement_engine.formula`, :mod:`agreement_engine.months`
and :mod:`agreement_engine.diagnostics`; never :mod:`agreement_engine.scenarios`,
:mod:`agreement_engine.render`, :mod:`agreement_engine.api` or :mod:`agreement_engine.cli`.
Comparing two files (:mod:`.diff`, :mod:`.scope`) takes the timeline and the rules' types from
billing, never the billing of lines or the data readers: only :mod:`.impact` bills.
"""
