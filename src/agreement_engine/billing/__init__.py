"""Billing: what each municipality owes for each month, and how every amount was derived.

The package owns, in the order a run meets them:

- :mod:`.timeline`: which documents govern a municipality's month (an agreement in force, an
  extension once every party has approved it, the routines layered on it, or the statute);
- :mod:`.ruleset`: the rules of those documents composed into one rule set per combination, and
  typed (the formulas checked against the inputs and the dated figures);
- :mod:`.inputs`, :mod:`.episode_data`, :mod:`.episode_counts` and :mod:`.counting`: the
  monthly aggregates, read as given or counted from an episode extract by the governing
  document's own counting rules, in polars;
- :mod:`.plan`, :mod:`.evaluation` and :mod:`.bill`: the rules evaluated exactly, with what the
  lines of a rule set share worked out once per month;
- :mod:`.lines` and :mod:`.reasons`: the invoice basis, each line with its steps, the figures it
  rests on, its status and the reasons for it; :mod:`.figures_needed`: the figures a month's
  rules look up.

It may import :mod:`agreement_engine.formula`, :mod:`agreement_engine.agreements`,
:mod:`agreement_engine.data`, :mod:`agreement_engine.months` and
:mod:`agreement_engine.diagnostics`, and nothing above it (review, render, scenarios, cli).
"""
